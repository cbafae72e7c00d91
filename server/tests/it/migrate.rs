//! Issue 12: `server migrate-data` moves a SQLite installation into PostgreSQL; the app on
//! PostgreSQL then shows the same months, and the audit chains hold. Runs in the test script's
//! PostgreSQL pass (it needs a PostgreSQL server: `BITA_TEST_POSTGRES`).

use crate::common;

use common::*;

/// The month's rows as the assistant's page lists them (the cards, without the forms' keys).
fn rows_on(page: &str) -> Vec<String> {
    page.split("class=\"row-cards\"")
        .skip(1)
        .map(|s| {
            s.split("</ul>")
                .next()
                .unwrap_or_default()
                .split("name=\"idem\"")
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn migrate_data_moves_an_installation_into_postgres_and_the_app_shows_the_same_months() {
    let Ok(server) = std::env::var("BITA_TEST_POSTGRES") else {
        println!(
            "skipped: BITA_TEST_POSTGRES is not set (scripts/test.sh sets it for its PostgreSQL pass)"
        );
        return;
    };
    let app = spawn_sqlite_app().await;
    let bo_id = app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await.to_string();
    let (anna, _) = app.login("anna").await;
    let month = app::service::context::this_month().next();
    for (day, start, end) in [(3, "08:00", "12:00"), (4, "22:00", "06:00")] {
        let next_day = if day == 4 { "on" } else { "" };
        app.post(
            &anna,
            "/assistent/rad",
            &[
                ("recipient", &bo_id),
                ("date", &format!("{month}-{day:02}")),
                ("start", start),
                ("end", end),
                ("next_day", next_day),
                ("kind", "aktiv"),
            ],
        )
        .await;
    }
    app.post(
        &anna,
        "/assistent/skicka",
        &[("recipient", &bo_id), ("manad", &month.to_string()), ("attest", "on")],
    )
    .await;
    let month_key = app
        .id(&format!(
            "SELECT id FROM month_reports WHERE recipient_id = {bo_id} AND month = '{month}'"
        ))
        .await
        .to_string();
    let (bo, _) = app.login("bo").await;
    app.approve(&bo, &month_key).await;
    let before = app.page(&anna, &format!("/assistent?manad={month}")).await.1;
    let previous = app::service::context::this_month().previous();
    let before_previous = app.page(&anna, &format!("/assistent?manad={previous}")).await.1;
    let entries = app.id("SELECT COUNT(*) FROM audit_log").await;

    let dir = tempfile::tempdir().unwrap();
    let target = test_database(&dir).await;
    assert!(target.starts_with(&server));
    let run = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["migrate-data", "--from", &app.url, "--to", &target])
            .env("BITA_LOG", "error")
            .output()
            .unwrap()
    };
    let out = run();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains("OK: every row moved and counted")
            && text.contains("Exempelby kommun")
            && text.contains("intact"),
        "{text}"
    );

    // The app on PostgreSQL: the same months, the approval, the chain.
    let pg = app.server_on(&target).await;
    let (c, res) = TestApp::try_login_at(&pg, "anna", demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let after =
        c.get(format!("{pg}/assistent?manad={month}")).send().await.unwrap().text().await.unwrap();
    assert!(
        !rows_on(&before).is_empty() && before.contains(&format!("{month}-03 08:00–12:00")),
        "{:?}",
        rows_on(&before)
    );
    assert_eq!(rows_on(&after), rows_on(&before), "the same rows on the same month");
    let after_previous = c
        .get(format!("{pg}/assistent?manad={previous}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        rows_on(&after_previous),
        rows_on(&before_previous),
        "the demo's previous month too"
    );
    let moved = db::connect(&target).await.unwrap();
    let count = |sql: &'static str| {
        let moved = moved.clone();
        async move { query(sql).scalar::<i64>(&mut moved.conn().await.unwrap()).await.unwrap() }
    };
    assert_eq!(count("SELECT COUNT(*) FROM signatures WHERE voided_at IS NULL").await, 1);
    // (Logging in on PostgreSQL added its own entries after the move.)
    assert!(count("SELECT COUNT(*) FROM audit_log").await > entries);
    chains_are_whole(&moved).await;
    // New ids continue after the moved ones.
    let (anna_pg, _) = (User { csrf: csrf_of(&after), c }, ());
    let form = [
        ("recipient", bo_id.as_str()),
        ("date", &format!("{}-05", month.next())),
        ("start", "08:00"),
        ("end", "09:00"),
        ("kind", "aktiv"),
        ("csrf", &anna_pg.csrf),
        ("idem", &key()),
    ];
    assert_eq!(
        anna_pg.post(format!("{pg}/assistent/rad")).form(&form).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(count("SELECT COUNT(*) FROM time_rows").await, app.count_rows().await + 1);

    // Moving the same installation again is refused, and changes nothing.
    let again = run();
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already in the target"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_eq!(count("SELECT COUNT(*) FROM time_rows").await, app.count_rows().await + 1);
}
