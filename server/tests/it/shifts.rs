//! Issue 11: clocking in and out, copying shifts, and the assistant's month summary. A started
//! shift lives in the database: it survives a reload, a logout, a second device and another
//! server process; its time becomes a row through every rule; nobody can start, end or see
//! another assistant's shift.

use crate::common;

use chrono::{DateTime, Datelike, Duration as Span, Utc};
use common::*;
use engine::clock::row_between;
use engine::{RowInput, TZ, TimeKind};

async fn recipient(app: &TestApp, name: &str) -> String {
    app.id(&format!("SELECT id FROM recipients WHERE first_name = '{name}'")).await.to_string()
}

/// `HH:MM` in Swedish time, `minutes` before now.
fn ago(minutes: i64) -> String {
    (Utc::now() - Span::minutes(minutes)).with_timezone(&TZ).format("%H:%M").to_string()
}

/// The instant `minutes` ago, to the minute.
fn instant_ago(minutes: i64) -> DateTime<Utc> {
    engine::clock::whole_minute(Utc::now() - Span::minutes(minutes))
}

async fn rows_of(app: &TestApp, assistant: &str) -> Vec<(String, String, String, i64, String)> {
    query(format!(
        "SELECT work_date, start_time, end_time, minutes, kind FROM time_rows WHERE assistant_id = (SELECT id FROM assistants WHERE first_name = '{assistant}') ORDER BY start_at"
    ))
    .all_as(&mut app.db().await)
    .await
    .unwrap()
}

async fn running(app: &TestApp) -> i64 {
    app.id("SELECT COUNT(*) FROM running_shifts").await
}

#[tokio::test]
async fn a_shift_is_clocked_in_switched_and_ended_and_outlives_the_session_and_the_server() {
    let app = spawn_app().await;
    let elis = recipient(&app, "Elis").await;
    let (david, _) = app.login("david").await;

    // Clocked in three hours ago ("I started at …").
    let to = app
        .post(&david, "/assistent/pass/starta", &[("recipient", &elis), ("at", &ago(180))])
        .await;
    let (_, page) = app.page(&david, &to).await;
    assert!(
        page.contains("Passet är startat.")
            && page.contains("Pågående pass")
            && page.contains("Elis Ek"),
        "the running shift on the card"
    );
    assert!(
        page.contains("class=\"elapsed\">3 h 00 min<")
            || page.contains("class=\"elapsed\">3 h 01 min<"),
        "its time so far"
    );
    assert_eq!(running(&app).await, 1);

    // Another device (a new login), and after a logout: still running.
    let (phone, _) = app.login("david").await;
    assert!(app.page(&phone, "/assistent").await.1.contains("Pågående pass"));
    app.post(&david, "/logga-ut", &[]).await;
    let (david, _) = app.login("david").await;
    assert!(app.page(&david, "/assistent").await.1.contains("Pågående pass"));

    // Another server process on the same database (a restart, or a second server).
    let other = app.another_server().await;
    let (c, res) = TestApp::try_login_at(&other, "david", demo::DEMO_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = c.get(format!("{other}/assistent")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Pågående pass") && page.contains("Elis Ek"), "the other server sees it");

    // A second start while one runs is refused.
    let to = app.post(&david, "/assistent/pass/starta", &[("recipient", &elis)]).await;
    assert!(app.page(&david, &to).await.1.contains("Du har redan ett pass som pågår"));
    assert_eq!(running(&app).await, 1);

    // Switch to waiting time two hours ago: the first hour becomes an active row.
    let to =
        app.post(&david, "/assistent/pass/byt", &[("kind", "vantetid"), ("at", &ago(120))]).await;
    assert!(app.page(&david, &to).await.1.contains("Slaget av tid är bytt"));
    let rows = rows_of(&app, "David").await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].3, rows[0].4.as_str()), (60, "aktiv"));

    // End it an hour ago: the waiting time is the second row; nothing runs. The post replayed
    // (a retry after a lost answer) changes nothing.
    let k = key();
    let stop = [("at", ago(60)), ("csrf", david.csrf.clone()), ("idem", k.clone())];
    for _ in 0..2 {
        let res = david.post(app.url("/assistent/pass/avsluta")).form(&stop).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let rows = rows_of(&app, "David").await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!((rows[1].3, rows[1].4.as_str()), (60, "vantetid"));
    assert_eq!(rows[0].2, rows[1].1, "the second part starts where the first ended");
    assert_eq!(running(&app).await, 0);
    let (_, page) = app.page(&david, "/assistent").await;
    assert!(!page.contains("Pågående pass") && page.contains("Starta pass – Elis Ek"));
    let actions: Vec<String> =
        query("SELECT action FROM audit_log WHERE action LIKE 'shift.%' ORDER BY id")
            .scalars(&mut app.db().await)
            .await
            .unwrap();
    assert_eq!(actions, ["shift.start", "shift.switch", "shift.stop"]);
    // Both rows are the clock's, for the municipalities' comparison of where rows come from.
    let clocked = app
        .id("SELECT COUNT(*) FROM clocked_rows c JOIN time_rows t ON t.id = c.row_id JOIN assistants a ON a.id = t.assistant_id WHERE a.first_name = 'David'")
        .await;
    assert_eq!(clocked, 2);
}

#[tokio::test]
async fn a_refused_end_keeps_the_shift_running_with_the_reason() {
    let app = spawn_app().await;
    let elis = recipient(&app, "Elis").await;
    let (david, _) = app.login("david").await;
    app.post(&david, "/assistent/pass/starta", &[("recipient", &elis), ("at", &ago(120))]).await;
    // Meanwhile a row typed by hand inside the shift's time.
    let typed = RowInput::of(
        &row_between(instant_ago(90), instant_ago(60), TimeKind::Aktiv).unwrap(),
        elis.parse().unwrap(),
    );
    let to = app
        .post(
            &david,
            "/assistent/rad",
            &[
                ("recipient", &elis),
                ("date", &typed.date),
                ("start", &typed.start),
                ("end", &typed.end),
                ("next_day", if typed.next_day { "on" } else { "" }),
                ("kind", "aktiv"),
            ],
        )
        .await;
    assert!(app.page(&david, &to).await.1.contains("Tiden är sparad"));

    let to = app.post(&david, "/assistent/pass/avsluta", &[]).await;
    let (_, page) = app.page(&david, &to).await;
    assert!(
        page.contains("Passet sparades inte och pågår fortfarande") && page.contains("överlappar"),
        "{}",
        page.split("<main").nth(1).unwrap_or("")
    );
    assert_eq!(running(&app).await, 1, "still running");
    assert_eq!(rows_of(&app, "David").await.len(), 1);

    // Cancelled: no time saved, recorded with when it started.
    let to = app.post(&david, "/assistent/pass/avbryt", &[]).await;
    assert!(app.page(&david, &to).await.1.contains("Passet är avbrutet"));
    assert_eq!(running(&app).await, 0);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'shift.cancel' AND before LIKE '%started_at%'").await, 1);

    // A time that is no time is refused with what to write.
    let to = app
        .post(&david, "/assistent/pass/starta", &[("recipient", &elis), ("at", "kl åtta")])
        .await;
    assert!(app.page(&david, &to).await.1.contains("Skriv tiden som TT:MM"));
    assert_eq!(running(&app).await, 0);
}

#[tokio::test]
async fn a_shift_left_running_is_flagged_the_next_day_never_closed() {
    let app = spawn_app().await;
    let elis = recipient(&app, "Elis").await;
    let (david, _) = app.login("david").await;
    // Started 30 hours ago and forgotten.
    let started = instant_ago(30 * 60);
    query(format!(
        "INSERT INTO running_shifts (tenant_id, assistant_id, recipient_id, kind, started_at, started_by)
         SELECT tenant_id, id, {elis}, 'aktiv', {}, (SELECT id FROM users WHERE username = 'david') FROM assistants WHERE first_name = 'David'",
        started.timestamp()
    ))
    .execute(&mut app.db().await)
    .await
    .unwrap();
    let (_, page) = app.page(&david, "/assistent").await;
    assert!(page.contains("Glömde du att avsluta det?"), "flagged");
    assert!(
        page.contains(&started.with_timezone(&TZ).format("%Y-%m-%d %H:%M").to_string()),
        "with the day it started"
    );
    // Looking at it closes nothing.
    assert_eq!(running(&app).await, 1);
    assert_eq!(rows_of(&app, "David").await.len(), 0);

    // The assistant says when they stopped: eight hours after the start.
    let stopped = (started + Span::hours(8)).with_timezone(&TZ).format("%H:%M").to_string();
    let to = app.post(&david, "/assistent/pass/avsluta", &[("at", &stopped)]).await;
    assert!(app.page(&david, &to).await.1.contains("Tiden är sparad"));
    let rows = rows_of(&app, "David").await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].3, 8 * 60);
    assert_eq!(running(&app).await, 0);
}

#[tokio::test]
async fn nobody_clocks_in_for_a_recipient_not_theirs_or_ends_another_assistants_shift() {
    let app = spawn_app().await;
    let (cecilia, elis, gustav) = (
        recipient(&app, "Cecilia").await,
        recipient(&app, "Elis").await,
        recipient(&app, "Gustav").await,
    );
    // Hanna assists Bo only.
    let (hanna, _) = app.login("hanna").await;
    let to = app.post(&hanna, "/assistent/pass/starta", &[("recipient", &cecilia)]).await;
    assert!(app.page(&hanna, &to).await.1.contains("Du är inte assistent åt den brukaren"));
    // Another municipality's recipient.
    let to = app.post(&hanna, "/assistent/pass/starta", &[("recipient", &gustav)]).await;
    assert!(app.page(&hanna, &to).await.1.contains("Du är inte assistent åt den brukaren"));
    assert_eq!(running(&app).await, 0);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied' AND subject LIKE 'shift.start%'").await, 2);

    // David's running shift: Hanna's end, switch and cancel act on her own (none), never his.
    let (david, _) = app.login("david").await;
    app.post(&david, "/assistent/pass/starta", &[("recipient", &elis), ("at", &ago(30))]).await;
    for path in ["/assistent/pass/avsluta", "/assistent/pass/avbryt"] {
        let to = app.post(&hanna, path, &[]).await;
        assert!(app.page(&hanna, &to).await.1.contains("Inget pass pågår."));
    }
    let to = app.post(&hanna, "/assistent/pass/byt", &[("kind", "vantetid")]).await;
    assert!(app.page(&hanna, &to).await.1.contains("Inget pass pågår."));
    assert_eq!(running(&app).await, 1);
    let (_, page) = app.page(&hanna, "/assistent").await;
    assert!(!page.contains("Elis Ek") && !page.contains("Pågående pass"), "nor sees it");
    // A recipient or an administrator has no shift card to post to.
    let (bo, _) = app.login("bo").await;
    let res = bo
        .post(app.url("/assistent/pass/avsluta"))
        .form(&[("csrf", bo.csrf.as_str()), ("idem", &key())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(running(&app).await, 1);
}

#[tokio::test]
async fn last_weeks_shifts_are_copied_once_and_what_cannot_be_copied_is_said() {
    let app = spawn_app().await;
    let elis = recipient(&app, "Elis").await;
    let (david, _) = app.login("david").await;
    let today = app::service::context::today();
    let monday = today - Span::days(today.weekday().num_days_from_monday() as i64);
    let (mon, wed) = (monday - Span::days(7), monday - Span::days(5));
    for d in [mon, wed] {
        let to = app
            .post(
                &david,
                "/assistent/rad",
                &[
                    ("recipient", &elis),
                    ("date", &d.to_string()),
                    ("start", "08:00"),
                    ("end", "10:30"),
                    ("kind", "aktiv"),
                ],
            )
            .await;
        assert!(app.page(&david, &to).await.1.contains("Tiden är sparad"));
    }
    let k = key();
    let form = [("fran", "forra-veckan"), ("csrf", david.csrf.as_str()), ("idem", k.as_str())];
    let mut to = String::new();
    for _ in 0..2 {
        let res = david.post(app.url("/assistent/kopiera")).form(&form).send().await.unwrap();
        to = res.headers()["location"].to_str().unwrap().to_string();
    }
    let (_, page) = app.page(&david, &to).await;
    assert!(page.contains("Kopierade pass: 2"), "{}", page.split("<main").nth(1).unwrap_or(""));
    let dates: Vec<String> = rows_of(&app, "David").await.into_iter().map(|r| r.0).collect();
    assert_eq!(
        dates,
        [mon, wed, monday, monday + Span::days(2)].map(|d| d.to_string()),
        "copied once, to the same weekdays"
    );

    // Again (a new post): both are in the way of themselves; said, nothing saved.
    let to = app.post(&david, "/assistent/kopiera", &[("fran", "forra-veckan")]).await;
    let (_, page) = app.page(&david, &to).await;
    assert!(
        page.contains("Inget pass kunde kopieras.")
            && page.contains("Kopierades inte:")
            && page.contains(&format!("{monday} 08:00–10:30"))
            && page.contains("överlappar")
    );
    assert_eq!(rows_of(&app, "David").await.len(), 4);
    // Hanna has nothing yesterday.
    let (hanna, _) = app.login("hanna").await;
    let to = app.post(&hanna, "/assistent/kopiera", &[("fran", "igar")]).await;
    assert!(app.page(&hanna, &to).await.1.contains("Du har inga pass i går att kopiera."));
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'row.copy'").await, 2);
}

#[tokio::test]
async fn my_month_shows_the_amount_the_status_and_what_is_left_before_the_deadline() {
    let app = spawn_app().await;
    let elis = recipient(&app, "Elis").await;
    let month = app::service::context::this_month().next();
    // The municipality enters the year's standard hourly amount.
    let (admin, _) = app.login("admin").await;
    app.post(
        &admin,
        "/admin/anordnare/belopp",
        &[("year", &month.year().to_string()), ("amount", "340,50")],
    )
    .await;

    let (david, _) = app.login("david").await;
    for day in ["03", "04"] {
        app.post(
            &david,
            "/assistent/rad",
            &[
                ("recipient", &elis),
                ("date", &format!("{month}-{day}")),
                ("start", "08:00"),
                ("end", "10:00"),
                ("kind", "aktiv"),
            ],
        )
        .await;
    }
    let (_, page) = app.page(&david, &format!("/assistent?manad={month}")).await;
    assert!(page.contains("Belopp: <strong>1 362,00 kr</strong>"), "4 h × 340,50 kr");
    assert!(page.contains(&format!(
        "Kvar att göra: skicka in månaden. Sista dag till Försäkringskassan: {}",
        month.fk_deadline()
    )));
    app.post(
        &david,
        "/assistent/skicka",
        &[("recipient", &elis), ("manad", &month.to_string()), ("attest", "on")],
    )
    .await;
    let (_, page) = app.page(&david, &format!("/assistent?manad={month}")).await;
    assert!(page.contains("Kvar att göra: inget för dig; brukaren ska godkänna."));

    // A month past its deadline is read-only: no change or delete offered, and a post is refused.
    let old = app::service::context::this_month().previous().previous().previous();
    let day = old.first_day() + Span::days(9);
    let t = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let row = engine::TimeRow::new(day, t(8), t(12), false, TimeKind::Aktiv).unwrap();
    let id = query(format!(
        "INSERT INTO time_rows (tenant_id, assistant_id, recipient_id, work_date, start_time, end_time, kind, minutes, created_by, start_at, end_at)
         SELECT tenant_id, id, {elis}, '{day}', '08:00', '12:00', 'aktiv', 240, (SELECT id FROM users WHERE username = 'david'), {}, {} FROM assistants WHERE first_name = 'David' RETURNING id",
        row.start_at().timestamp(), row.end_at().timestamp()
    ))
    .scalar::<i64>(&mut app.db().await)
    .await
    .unwrap();
    let (_, page) = app.page(&david, &format!("/assistent?manad={old}")).await;
    assert!(
        page.contains("Sista dagen har passerat. Månaden kan bara läsas.")
            && page.contains(&format!("{day} 08:00–12:00"))
    );
    assert!(
        !page.contains("andra=") && !page.contains("Skicka in månaden"),
        "no change, delete or submit offered"
    );
    let to = app
        .post(
            &david,
            "/assistent/rad/ta-bort",
            &[("row", &id.to_string()), ("manad", &old.to_string())],
        )
        .await;
    assert!(app.page(&david, &to).await.1.contains("kan bara läsas"));
    assert_eq!(app.id(&format!("SELECT COUNT(*) FROM time_rows WHERE id = {id}")).await, 1);
}
