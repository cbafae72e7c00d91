//! The administrator's register through the real router: the assistants' list and form.

use crate::common;

use common::*;

async fn save(app: &TestApp, u: &User, fields: &[(&str, &str)]) -> String {
    app.post(u, "/admin/assistent/spara", fields).await
}

fn assistant<'a>(pnr: &'a str, first: &'a str, last: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("id", ""),
        ("personnummer", pnr),
        ("first_name", first),
        ("last_name", last),
        ("eea_resident", "on"),
        ("regime", "ab_bilaga_j"),
        ("period_start", "2026-01-01"),
        ("period_months", "4"),
        ("employer", "provider"),
        ("phone", "070-111 22 33"),
    ]
}

#[tokio::test]
async fn an_administrator_registers_assistants_with_checks_and_masked_numbers() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    // Valid: saved, listed with the number masked, audited without it in full.
    let to = save(&app, &admin, &assistant("19900101-1239", "Hedda", "Holm")).await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(
        page.contains("Assistenten är sparad.")
            && page.contains("Hedda Holm")
            && page.contains("19900101-****"),
        "{page}"
    );
    // Not in any of its written forms (a bare "1239" could be part of a random hex token).
    assert!(
        ["199001011239", "19900101-1239", "9001011239", "900101-1239"]
            .iter()
            .all(|n| !page.contains(n)),
        "{page}"
    );
    let after: String = query("SELECT after FROM audit_log WHERE action = 'assistant.create'")
        .scalar(&mut app.db().await)
        .await
        .unwrap();
    assert!(after.contains("19900101-****") && !after.contains("1239"), "{after}");

    // A samordningsnummer without a birth date: refused with the reason, what was typed kept.
    let mut form = assistant("197000602396", "Ivan", "Ivanov");
    let to = save(&app, &admin, &form).await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(
        page.contains("Samordningsnumret har inget känt födelsedatum")
            && page.contains("value=\"Ivanov\""),
        "{page}"
    );
    form.push(("birth_date", "1970-06-15"));
    let to = save(&app, &admin, &form).await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("Assistenten är sparad."));
    let bd: String = query("SELECT birth_date FROM assistants WHERE last_name = 'Ivanov'")
        .scalar(&mut app.db().await)
        .await
        .unwrap();
    assert_eq!(bd, "1970-06-15");
    // The payroll system's employment number is kept for the payroll export and shown again.
    let id = app.id("SELECT id FROM assistants WHERE last_name = 'Ivanov'").await.to_string();
    let mut edit = form.clone();
    edit.retain(|(k, _)| !matches!(*k, "id" | "personnummer"));
    edit.extend([("id", id.as_str()), ("personnummer", ""), ("employee_number", "L-0042")]);
    save(&app, &admin, &edit).await;
    let (_, page) = app.page(&admin, &format!("/admin/assistent?id={id}")).await;
    assert!(page.contains("Anställningsnummer") && page.contains("value=\"L-0042\""), "{page}");

    // The same number twice, a bad organisationsnummer: refused with the reason.
    let to = save(&app, &admin, &assistant("19900101-1239", "Hedda", "Dubblett")).await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("En annan assistent i kommunen har redan det personnumret"));
    let mut other = assistant("19811228-9874", "Jon", "Jonsson");
    other.retain(|(k, _)| *k != "employer");
    other.extend([
        ("employer", "other"),
        ("other_employer_name", "Assistans AB"),
        ("other_employer_org", "556000-0000"),
    ]);
    let to = save(&app, &admin, &other).await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("Organisationsnumret stämmer inte"));
    assert_eq!(
        app.id("SELECT COUNT(*) FROM assistants WHERE last_name IN ('Dubblett', 'Jonsson')").await,
        0
    );

    // Editing without retyping the number keeps it; the change is audited before/after.
    let hedda = app.id("SELECT id FROM assistants WHERE last_name = 'Holm'").await.to_string();
    let (_, page) = app.page(&admin, &format!("/admin/assistent?id={hedda}")).await;
    assert!(page.contains("Nu registrerat: 19900101-****") && !page.contains("199001011239"));
    let mut edit = assistant("", "Hedda", "Holm-Berg");
    edit[0] = ("id", hedda.as_str());
    save(&app, &admin, &edit).await;
    let (pnr, last): (String, String) =
        query(format!("SELECT personnummer, last_name FROM assistants WHERE id = {hedda}"))
            .one_as(&mut app.db().await)
            .await
            .unwrap();
    assert_eq!((pnr.as_str(), last.as_str()), ("199001011239", "Holm-Berg"));
    let (before, after): (String, String) = query("SELECT before, after FROM audit_log WHERE action = 'assistant.update' ORDER BY id DESC LIMIT 1").one_as(&mut app.db().await).await.unwrap();
    assert!(before.contains("\"Holm\"") && after.contains("\"Holm-Berg\""));
}

#[tokio::test]
async fn another_municipality_s_assistant_is_not_found_and_other_roles_are_refused() {
    let app = spawn_app().await;
    let anna = app.id("SELECT id FROM assistants WHERE first_name = 'Anna'").await.to_string();
    let (other, _) = app.login("admin.provstad").await;
    let (status, page) = app.page(&other, &format!("/admin/assistent?id={anna}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Andersson"));
    let mut edit = assistant("", "Anna", "Kapad");
    edit[0] = ("id", anna.as_str());
    let k = key();
    let mut form = edit.clone();
    form.extend([("csrf", other.csrf.as_str()), ("idem", k.as_str())]);
    let res = other.post(app.url("/admin/assistent/spara")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.id("SELECT COUNT(*) FROM assistants WHERE last_name = 'Kapad'").await, 0);
    let (status, page) = app.page(&other, "/admin/assistenter").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Frida Falk") && !page.contains("Anna Andersson"));
    let (asst, _) = app.login("anna").await;
    assert_eq!(app.page(&asst, "/admin/assistenter").await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_list_searches_and_pages() {
    let app = spawn_app().await;
    for i in 0..120 {
        query("INSERT INTO assistants (tenant_id, personnummer, first_name, last_name) VALUES (1, $1, 'Test', $2)")
            .bind(format!("19{:010}", 1_000_000 + i))
            .bind(format!("Person{i:03}"))
            .execute(&mut app.db().await)
            .await
            .unwrap();
    }
    let (admin, _) = app.login("admin").await;
    let (_, page) = app.page(&admin, "/admin/assistenter?q=Person&sida=3").await;
    assert!(
        page.contains("120 assistenter") && page.contains("Sida 3 / 3"),
        "paging: {}",
        page.split("<main").nth(1).unwrap_or("")
    );
    assert_eq!(page.matches("<li class=\"card\">").count(), 20);
    let (_, page) = app.page(&admin, "/admin/assistenter?q=Person007").await;
    assert!(page.contains("1 assistenter") && page.contains("Test Person007"));
    // A wild card typed is searched for as itself.
    let (_, page) = app.page(&admin, "/admin/assistenter?q=%25").await;
    assert!(page.contains("0 assistenter"));
}

/// The invitation code in the link a page shows once.
fn code_on(page: &str) -> String {
    page.split("/inbjudan?kod=")
        .nth(1)
        .and_then(|r| r.split('<').next())
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn an_account_is_created_with_a_one_time_invitation_and_can_be_deactivated() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    save(&app, &admin, &assistant("19900101-1239", "Hedda", "Holm")).await;
    let hedda = app.id("SELECT id FROM assistants WHERE last_name = 'Holm'").await.to_string();
    let k = key();
    let create = [
        ("owner", "assistant"),
        ("id", hedda.as_str()),
        ("action", "create"),
        ("username", "hedda"),
        ("csrf", admin.csrf.as_str()),
        ("idem", k.as_str()),
    ];
    let res = admin.post(app.url("/admin/konto")).form(&create).send().await.unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.page(&admin, &to).await;
    assert!(
        page.contains("Inloggningen är skapad") && page.contains("Aktiv inloggning:"),
        "{page}"
    );
    let code = code_on(&page);
    assert_eq!(code.len(), 32);
    // Only the link's hash is stored; a replayed form makes no second account and shows no link.
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM invitations WHERE token_sha256 = '{}'",
            engine::fk::sha256_hex(code.as_bytes())
        ))
        .await,
        1
    );
    admin.post(app.url("/admin/konto")).form(&create).send().await.unwrap();
    let (_, page) = app.page(&admin, &to).await;
    assert!(code_on(&page).is_empty());
    assert_eq!(app.id("SELECT COUNT(*) FROM users WHERE username = 'hedda'").await, 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM invitations").await, 1);

    // The invited person: weak passwords refused with the reason, then a good one.
    let c = client();
    let (_, page) = app.page(&c, &format!("/inbjudan?kod={code}")).await;
    assert!(page.contains("Välj ditt lösenord") && page.contains("hedda"));
    for (pw, again, message) in [
        ("kort", "kort", "för kort"),
        ("Sommar2025", "Sommar2025", "för vanligt"),
        ("blå häst springer", "blå häst", "inte likadana"),
    ] {
        let res = c
            .post(app.url("/inbjudan"))
            .form(&[("kod", code.as_str()), ("password", pw), ("password_repeat", again)])
            .send()
            .await
            .unwrap();
        let (_, page) = app.page(&c, res.headers()["location"].to_str().unwrap()).await;
        assert!(page.contains(message), "{message}");
    }
    let res = c
        .post(app.url("/inbjudan"))
        .form(&[
            ("kod", code.as_str()),
            ("password", "blå häst springer"),
            ("password_repeat", "blå häst springer"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/logga-in");
    let (_, page) = app.page(&c, "/logga-in").await;
    assert!(page.contains("Ditt lösenord är sparat"));
    let (c2, res) = app.try_login("hedda", "blå häst springer").await;
    assert_eq!(res.headers()["location"], "/assistent");
    // A used link is refused.
    let (_, page) = app.page(&client(), &format!("/inbjudan?kod={code}")).await;
    assert!(page.contains("Länken gäller inte längre"));
    let res = client()
        .post(app.url("/inbjudan"))
        .form(&[
            ("kod", code.as_str()),
            ("password", "ett annat långt lösen"),
            ("password_repeat", "ett annat långt lösen"),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/inbjudan"));
    assert_eq!(
        app.try_login("hedda", "blå häst springer").await.1.headers()["location"],
        "/assistent",
        "the password is unchanged"
    );

    // A new link (password reset) replaces the old; an expired one is refused.
    let to = app
        .post(&admin, "/admin/konto", &[("owner", "assistant"), ("id", &hedda), ("action", "link")])
        .await;
    let (_, page) = app.page(&admin, &to).await;
    let second = code_on(&page);
    query("UPDATE invitations SET expires_at = 0 WHERE used_at IS NULL")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let (_, page) = app.page(&client(), &format!("/inbjudan?kod={second}")).await;
    assert!(page.contains("Länken gäller inte längre"), "expired");

    // Deactivated: the open session stops working and the login is refused.
    app.post(
        &admin,
        "/admin/konto",
        &[("owner", "assistant"), ("id", &hedda), ("action", "deactivate")],
    )
    .await;
    let res = c2.get(app.url("/assistent")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/logga-in");
    assert_eq!(
        app.try_login("hedda", "blå häst springer").await.1.headers()["location"],
        "/logga-in"
    );
    // Creating the login and each link are their own entries.
    for (action, n) in [
        ("account.create", 1),
        ("account.password_set", 1),
        ("account.invite", 2),
        ("account.deactivate", 1),
    ] {
        assert_eq!(
            app.id(&format!("SELECT COUNT(*) FROM audit_log WHERE action = '{action}'")).await,
            n,
            "{action}"
        );
    }
    let leaked = app.id(&format!("SELECT COUNT(*) FROM audit_log WHERE coalesce(after, '') LIKE '%{code}%' OR coalesce(after, '') LIKE '%häst%'")).await;
    assert_eq!(leaked, 0);

    // Another municipality's administrator cannot touch the account.
    let (other, _) = app.login("admin.provstad").await;
    let k = key();
    let res = other
        .post(app.url("/admin/konto"))
        .form(&[
            ("owner", "assistant"),
            ("id", hedda.as_str()),
            ("action", "activate"),
            ("csrf", other.csrf.as_str()),
            ("idem", k.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

async fn post_assignment(app: &TestApp, admin: &User, f: Vec<(&'static str, String)>) -> String {
    let pairs: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let to = app.post(admin, "/admin/uppdrag", &pairs).await;
    app.page(admin, &to).await.1
}

#[tokio::test]
async fn assignments_are_added_with_checks_and_ended_without_losing_history() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    save(&app, &admin, &assistant("19900101-1239", "Hedda", "Holm")).await;
    let hedda = app.id("SELECT id FROM assistants WHERE last_name = 'Holm'").await.to_string();
    let bo = app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await.to_string();
    let gustav = app.id("SELECT id FROM recipients WHERE first_name = 'Gustav'").await.to_string();
    let add = |recipient: &str, from: &str, to: &str| {
        vec![
            ("assistant", hedda.clone()),
            ("recipient", recipient.to_string()),
            ("valid_from", from.to_string()),
            ("valid_to", to.to_string()),
            ("fk_notified_on", "2025-12-20".to_string()),
        ]
    };
    let page = post_assignment(&app, &admin, add(&bo, "2026-01-01", "")).await;
    assert!(
        page.contains("Uppdraget är sparat.")
            && page.contains("2026-01-01 – tills vidare")
            && page.contains("Anmäld till Försäkringskassan (3066/E-IOA) den 2025-12-20"),
        "{page}"
    );
    for ((from, to), message) in [
        (
            ("2023-01-01", "2023-06-30"),
            "Brukaren har inget beslut om assistans som gäller den första dagen",
        ),
        (("2026-03-01", ""), "Assistenten har redan ett uppdrag hos brukaren under den tiden"),
        (("2027-02-01", "2027-01-01"), "Sista dagen är före första dagen"),
    ] {
        let page = post_assignment(&app, &admin, add(&bo, from, to)).await;
        assert!(page.contains(message), "{message}");
        assert!(page.contains(&format!("value=\"{from}\"")), "what was typed is kept");
    }
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM assignments WHERE assistant_id = {hedda}")).await,
        1
    );
    // Another municipality's recipient: not found, nothing stored.
    let k = key();
    let mut form: Vec<(&str, String)> = add(&gustav, "2026-01-01", "");
    form.extend([("csrf", admin.csrf.clone()), ("idem", k)]);
    let res = admin.post(app.url("/admin/uppdrag")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Ending keeps the history.
    let id = app
        .id(&format!("SELECT id FROM assignments WHERE assistant_id = {hedda}"))
        .await
        .to_string();
    let to = app
        .post(
            &admin,
            "/admin/uppdrag/avsluta",
            &[("assistant", &hedda), ("assignment", &id), ("valid_to", "2026-06-30")],
        )
        .await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("Uppdraget är avslutat") && page.contains("2026-01-01 – 2026-06-30"));
    assert_eq!(
        app.id(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('assignment.create', 'assignment.end')"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn recipients_and_decisions_are_registered_with_their_checks() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    // A samordningsnummer for a recipient is refused; a personnummer is saved and masked.
    let to = app
        .post(
            &admin,
            "/admin/brukarkort/spara",
            &[
                ("id", ""),
                ("personnummer", "197010632391"),
                ("first_name", "Sam"),
                ("last_name", "Ordning"),
            ],
        )
        .await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(
        page.contains("Försäkringskassan tar inte emot ett samordningsnummer")
            && page.contains("value=\"Ordning\"")
    );
    let to = app
        .post(
            &admin,
            "/admin/brukarkort/spara",
            &[
                ("id", ""),
                ("personnummer", "19811228-9874"),
                ("first_name", "Rut"),
                ("last_name", "Rask"),
            ],
        )
        .await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(
        page.contains("Brukaren är sparad.") && page.contains("Nu registrerat: 19811228-****"),
        "{page}"
    );
    let rut = app.id("SELECT id FROM recipients WHERE last_name = 'Rask'").await.to_string();
    // The same personnummer twice is refused.
    let to = app
        .post(
            &admin,
            "/admin/brukarkort/spara",
            &[
                ("id", ""),
                ("personnummer", "198112289874"),
                ("first_name", "Rut"),
                ("last_name", "Dubbel"),
            ],
        )
        .await;
    assert!(app.page(&admin, &to).await.1.contains("En annan"));

    // A decision valid 12 months with hours per 6-month period; an overlapping one is refused.
    let decision = |from: &str, to: &str| {
        vec![
            ("recipient", rut.clone()),
            ("funder", "sfb".into()),
            ("granted_per", "period".into()),
            ("granted_hours", "600,5".into()),
            ("period_months", "6".into()),
            ("valid_from", from.into()),
            ("valid_to", to.into()),
            ("vantetid_allowed", "on".into()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let pairs: Vec<(String, String)> = f.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        pairs
    };
    for ((from, to), message) in [
        (("2026-01-01", "2026-12-31"), "Beslutet är sparat."),
        (("2026-06-01", "2027-05-31"), "Ett annat beslut för brukaren gäller redan"),
        (("2027-03-01", "2027-01-01"), "Beslutet slutar före det börjar"),
    ] {
        let pairs = post(decision(from, to));
        let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let to = app.post(&admin, "/admin/beslut", &refs).await;
        let (_, page) = app.page(&admin, &to).await;
        assert!(page.contains(message), "{message}");
    }
    let (per, minutes, months): (String, i64, i64) = query(format!("SELECT granted_per, granted_minutes, period_months FROM decisions WHERE recipient_id = {rut}")).one_as(&mut app.db().await).await.unwrap();
    assert_eq!((per.as_str(), minutes, months), ("period", 36030, 6));
    // Another municipality's administrator: not found.
    let (other, _) = app.login("admin.provstad").await;
    assert_eq!(
        app.page(&other, &format!("/admin/brukarkort?id={rut}")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.id(
            "SELECT COUNT(*) FROM audit_log WHERE action IN ('recipient.create', 'decision.create')"
        )
        .await,
        2
    );
    let (_, page) = app.page(&admin, "/admin/brukarregister?q=Rask").await;
    assert!(
        // (The last four digits as a number of their own: a random form key may hold "9874".)
        page.contains("1 brukare")
            && page.contains("19811228-****")
            && !page.contains("-9874")
            && !page.contains("12289874"),
        "{page}"
    );
}
