//! Issue 9: the recipient signs. Approval as a signature record (password again, capacity,
//! SHA-256 of the canonical 3059), one record under concurrent approvals, rejection with marked
//! rows and what changed, returning an approved month, voiding on a later change, the räkning,
//! and the audit chain (tamper detection, other municipalities).

use crate::common;

use common::*;
use engine::ReportMonth;
use reqwest::StatusCode;
use server::demo::DEMO_PASSWORD;
use std::sync::Arc;
use tokio::sync::Barrier;

pub(crate) fn next_month() -> ReportMonth {
    app::service::context::this_month().next()
}

pub(crate) async fn recipient(app: &TestApp, name: &str) -> String {
    app.id(&format!("SELECT id FROM recipients WHERE first_name = '{name}'")).await.to_string()
}

pub(crate) async fn status(app: &TestApp, key: &str) -> String {
    query(format!("SELECT status FROM month_reports WHERE id = {key}"))
        .scalar(&mut app.db().await)
        .await
        .unwrap()
}

/// `assistant` reports `rows` (day, start, end) for `recipient` in `month` and submits; the key.
pub(crate) async fn submitted(
    app: &TestApp,
    assistant: &User,
    recipient: &str,
    month: ReportMonth,
    rows: &[(u32, &str, &str)],
) -> String {
    reported(app, assistant, recipient, month, rows).await;
    app.post(
        assistant,
        "/assistent/skicka",
        &[("recipient", recipient), ("manad", &month.to_string()), ("attest", "on")],
    )
    .await;
    app.id(&format!("SELECT id FROM month_reports WHERE recipient_id = {recipient} AND month = '{month}' AND status = 'submitted'")).await.to_string()
}

/// `assistant` reports `rows` (day, start, end) of active time for `recipient` in `month`.
pub(crate) async fn reported(
    app: &TestApp,
    assistant: &User,
    recipient: &str,
    month: ReportMonth,
    rows: &[(u32, &str, &str)],
) {
    for (day, start, end) in rows {
        let next_day = if end <= start { "on" } else { "" };
        let to = app
            .post(
                assistant,
                "/assistent/rad",
                &[
                    ("recipient", recipient),
                    ("date", &format!("{month}-{day:02}")),
                    ("start", start),
                    ("end", end),
                    ("next_day", next_day),
                    ("kind", "aktiv"),
                ],
            )
            .await;
        let (_, page) = app.page(assistant, &to).await;
        assert!(page.contains("Tiden är sparad"), "{}", page.split("<main").nth(1).unwrap_or(""));
    }
}

#[tokio::test]
async fn an_approval_is_a_signature_record_and_a_wrong_password_records_nothing() {
    let app = spawn_app().await;
    let (bo_id, cecilia) = (recipient(&app, "Bo").await, recipient(&app, "Cecilia").await);
    let (anna, _) = app.login("anna").await;
    let month = next_month();
    let key =
        submitted(&app, &anna, &bo_id, month, &[(3, "07:00", "15:00"), (4, "22:00", "06:00")])
            .await;

    // Bo reviews: day by day, totals in h:mm, the checks, what he signs with.
    let (bo, _) = app.login("bo").await;
    let (_, start) = app.page(&bo, "/brukare").await;
    assert!(
        start.contains("Väntar på dig") && start.contains(&format!("/brukare/granska?key={key}")),
        "needs action, linked"
    );
    let (_, page) = app.page(&bo, &format!("/brukare/granska?key={key}")).await;
    assert!(
        page.contains("Anna Andersson")
            && page.contains(&format!("{month}-03"))
            && page.contains("16 h 00 min"),
        "rows and totals"
    );
    assert!(page.contains("Själv (den som har assistans)") && page.contains("Ditt lösenord"));
    let shown = hash_on(&page);
    assert_eq!(shown.len(), 64);

    // A wrong password: a clear message at the field, nothing signed, counted like a failed login.
    let to = app
        .post(
            &bo,
            "/brukare/beslut",
            &[
                ("key", &key),
                ("decision", "approve"),
                ("hash", &shown),
                ("password", "fel lösenord"),
            ],
        )
        .await;
    let (_, page) = app.page(&bo, &to).await;
    assert!(
        page.contains("Lösenordet stämmer inte")
            && page.contains("aria-describedby=\"approve-password-error\""),
        "tied to its field"
    );
    assert_eq!(status(&app, &key).await, "submitted");
    assert_eq!(app.id("SELECT COUNT(*) FROM signatures").await, 0);
    assert_eq!(
        app.id("SELECT failures FROM login_throttle WHERE key = 'user:bo'").await,
        1,
        "counts toward login throttling"
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'confirm.failed'").await, 1);
    let leaked = app.id("SELECT COUNT(*) FROM audit_log WHERE coalesce(before, '') || coalesce(after, '') || subject LIKE '%fel lösenord%'").await;
    assert_eq!(leaked, 0, "the password is never recorded");
    // No password at all: asked for.
    let to = app
        .post(&bo, "/brukare/beslut", &[("key", &key), ("decision", "approve"), ("hash", &shown)])
        .await;
    assert!(app.page(&bo, &to).await.1.contains("Skriv ditt lösenord för att skriva under"));

    // The right password: one signature record of the document the page showed.
    app.approve(&bo, &key).await;
    assert_eq!(status(&app, &key).await, "approved");
    let (name, capacity, sha, content, document_id): (String, String, String, Vec<u8>, String) =
        query(format!("SELECT signer_name, capacity, sha256, content, document_id FROM signatures WHERE month_report_id = {key}")).one_as(&mut app.db().await).await.unwrap();
    assert_eq!((name.as_str(), capacity.as_str()), ("Bo Berg", "self"));
    assert_eq!(sha, shown);
    assert_eq!(engine::fk::sha256_hex(&content), sha, "the stored bytes are what was hashed");
    let xml = String::from_utf8(content).unwrap();
    assert!(
        xml.starts_with("<Tidredovisning")
            && xml.contains(&format!("<id>{document_id}</id>"))
            && !xml.contains("datumForUnderskriftAnordnare"),
        "{xml}"
    );
    let (_, page) = app.page(&bo, &format!("/brukare/granska?key={key}")).await;
    assert!(
        page.contains("Bo Berg")
            && page.contains(&sha)
            && page.contains("Godkände och skrev under"),
        "signature and history shown"
    );
    assert!(page.contains("Returnera den godkända månaden"), "an approved month can be returned");

    // A representative signs in her capacity.
    let cecilia_key = submitted(&app, &anna, &cecilia, month, &[(5, "08:00", "12:00")]).await;
    let (eva, _) = app.login("eva").await;
    app.approve(&eva, &cecilia_key).await;
    let capacity: String =
        query(format!("SELECT capacity FROM signatures WHERE month_report_id = {cecilia_key}"))
            .scalar(&mut app.db().await)
            .await
            .unwrap();
    assert_eq!(capacity, "god_man");
    // The approval and its signature are in the audit log.
    let after: String = query(format!(
        "SELECT after FROM audit_log WHERE action = 'month.approve' AND subject = 'month {key}'"
    ))
    .scalar(&mut app.db().await)
    .await
    .unwrap();
    assert!(after.contains(&sha) && after.contains("\"capacity\":\"self\""));
}

#[tokio::test]
async fn two_people_approving_the_same_month_at_once_leave_one_signature() {
    let app = spawn_app().await;
    let bo_id = recipient(&app, "Bo").await;
    // Greta is Bo's god man; Bo and Greta approve at the same instant.
    let hash = server::auth::hash_password(DEMO_PASSWORD);
    query("INSERT INTO users (tenant_id, username, password_hash, display_name, role) VALUES (1, 'greta', $1, 'Greta Gök', 'representative')").bind(&hash).execute(&mut app.db().await).await.unwrap();
    query(format!("INSERT INTO representations (user_id, recipient_id, kind) SELECT id, {bo_id}, 'god_man' FROM users WHERE username = 'greta'")).execute(&mut app.db().await).await.unwrap();
    let (anna, _) = app.login("anna").await;
    let key = submitted(&app, &anna, &bo_id, next_month(), &[(6, "08:00", "16:00")]).await;
    let (bo, _) = app.login("bo").await;
    let (greta, _) = app.login("greta").await;
    let forms = [
        (bo.c.clone(), app.approval_form(&bo, &key).await),
        (greta.c.clone(), app.approval_form(&greta, &key).await),
    ];
    let barrier = Arc::new(Barrier::new(forms.len()));
    let mut tasks = vec![];
    for (c, form) in forms {
        let (url, barrier) = (app.url("/brukare/beslut"), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            c.post(url).form(&form).send().await.unwrap().status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::SEE_OTHER);
    }
    assert_eq!(status(&app, &key).await, "approved");
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM signatures WHERE month_report_id = {key}")).await,
        1,
        "one signature record, never two"
    );
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM month_events WHERE month_report_id = {key} AND action = 'approve'"
        ))
        .await,
        1
    );
    // The database refuses a second standing signature whatever a code path forgets.
    let again = query(format!(
        "INSERT INTO signatures (tenant_id, month_report_id, user_id, signer_name, capacity, signed_at, document_id, content, sha256)
         SELECT tenant_id, month_report_id, user_id, signer_name, capacity, signed_at, document_id, content, sha256 FROM signatures WHERE month_report_id = {key}"
    ))
    .execute(&mut app.db().await)
    .await;
    assert!(again.is_err());
    assert!(
        query("DELETE FROM signatures")
            .execute(&mut app.db().await)
            .await
            .unwrap_err()
            .to_string()
            .contains("signatures are kept")
    );
}

#[tokio::test]
async fn a_returned_month_shows_the_marks_to_the_assistant_and_the_changes_to_the_recipient() {
    let app = spawn_app().await;
    let bo_id = recipient(&app, "Bo").await;
    let (anna, _) = app.login("anna").await;
    let (bo, _) = app.login("bo").await;
    let month = next_month();
    let key = submitted(
        &app,
        &anna,
        &bo_id,
        month,
        &[(10, "08:00", "16:00"), (11, "08:00", "12:00"), (12, "09:00", "11:00")],
    )
    .await;
    let r10 = app
        .id(&format!("SELECT id FROM time_rows WHERE work_date = '{month}-10'"))
        .await
        .to_string();
    let r11 = app
        .id(&format!("SELECT id FROM time_rows WHERE work_date = '{month}-11'"))
        .await
        .to_string();

    // Bo returns it: a reason is required; he marks two rows. What he typed is kept on a refusal.
    let to = app
        .post(
            &bo,
            "/brukare/beslut",
            &[("key", &key), ("decision", "reject"), ("reason", "  "), ("mark", &r10)],
        )
        .await;
    assert!(app.page(&bo, &to).await.1.contains("Skriv varför du returnerar tiden"));
    let to = app
        .post(
            &bo,
            "/brukare/beslut",
            &[
                ("key", &key),
                ("decision", "reject"),
                ("reason", "Den 10:e slutade du 15, den 11:e var du inte här"),
                ("mark", &r10),
                ("mark", &r11),
            ],
        )
        .await;
    assert!(app.page(&bo, &to).await.1.contains("Månaden är returnerad"));
    assert_eq!(status(&app, &key).await, "draft");

    // Anna sees the reason and the two marked rows.
    let (_, page) = app.page(&anna, &format!("/assistent?manad={month}")).await;
    assert!(page.contains("Den 10:e slutade du 15"));
    assert_eq!(
        page.matches("Markerad av brukaren").count(),
        2,
        "{}",
        page.split("<main").nth(1).unwrap_or("")
    );
    // She fixes the 10th (delete and add again), removes the 11th, adds the 13th and resubmits.
    for r in [&r10, &r11] {
        app.post(&anna, "/assistent/rad/ta-bort", &[("row", r), ("manad", &month.to_string())])
            .await;
    }
    let key2 =
        submitted(&app, &anna, &bo_id, month, &[(10, "08:00", "15:00"), (13, "08:00", "10:00")])
            .await;
    assert_eq!(key, key2);

    // Bo sees what changed since the version he returned, then approves.
    let (_, page) = app.page(&bo, &format!("/brukare/granska?key={key}")).await;
    let changes = page
        .split("Ändrat sedan du returnerade månaden")
        .nth(1)
        .expect("changes shown")
        .split("</section>")
        .next()
        .unwrap()
        .to_string();
    assert!(
        changes.contains("Ändrad rad")
            && changes.contains(&format!("{month}-10 08:00–15:00"))
            && changes.contains(&format!("{month}-10 08:00–16:00")),
        "{changes}"
    );
    assert!(
        changes.contains("Borttagen rad") && changes.contains(&format!("{month}-11")),
        "{changes}"
    );
    assert!(changes.contains("Ny rad") && changes.contains(&format!("{month}-13")), "{changes}");
    assert!(!changes.contains(&format!("{month}-12")), "unchanged rows are not listed");
    app.approve(&bo, &key).await;
    assert_eq!(status(&app, &key).await, "approved");
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'month.reject'").await, 1);
}

#[tokio::test]
async fn an_approved_month_can_be_returned_until_it_is_attested_and_a_later_change_voids_the_approval()
 {
    let app = spawn_app().await;
    let bo_id = recipient(&app, "Bo").await;
    let (anna, _) = app.login("anna").await;
    let (bo, _) = app.login("bo").await;
    let (admin, _) = app.login("admin").await;
    let month = next_month();
    let key = submitted(&app, &anna, &bo_id, month, &[(14, "08:00", "16:00")]).await;
    app.approve(&bo, &key).await;

    // Bo returns the approved month with a reason: back to Anna, the approval void but kept.
    let to = app
        .post(&bo, "/brukare/atersand", &[("key", &key), ("reason", "Fel dag, det var den 15:e")])
        .await;
    let (_, page) = app.page(&bo, &to).await;
    assert!(
        page.contains("Månaden är skickad tillbaka") && page.contains("Gäller inte längre sedan"),
        "visibly void"
    );
    assert_eq!(status(&app, &key).await, "draft");
    assert_eq!(app.id(&format!("SELECT COUNT(*) FROM signatures WHERE month_report_id = {key} AND voided_at IS NOT NULL AND voided_reason = 'Fel dag, det var den 15:e'")).await, 1);
    assert!(
        app.page(&anna, &format!("/assistent?manad={month}"))
            .await
            .1
            .contains("Fel dag, det var den 15:e")
    );

    // Submitted and approved again; then the register changes the assistant's name, which is
    // in the 3059: the attestation refuses, the approval is voided visibly, approval is needed.
    app.post(
        &anna,
        "/assistent/skicka",
        &[("recipient", &bo_id), ("manad", &month.to_string()), ("attest", "on")],
    )
    .await;
    app.approve(&bo, &key).await;
    query("UPDATE assistants SET last_name = 'Omdöpt' WHERE first_name = 'Anna'")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let to =
        app.post(&admin, "/admin/attestera", &[("key", &key), ("manad", &month.to_string())]).await;
    assert!(app.page(&admin, &to).await.1.contains("behöver godkännas igen"));
    assert_eq!(status(&app, &key).await, "submitted");
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM signatures WHERE month_report_id = {key} AND voided_at IS NULL"
        ))
        .await,
        0
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM frozen_reports").await, 0);
    let (_, page) = app.page(&bo, &format!("/brukare/granska?key={key}")).await;
    assert!(
        page.contains("Innehållet ändrades efter godkännandet")
            && page.contains("Godkännandet upphävdes")
    );

    // Approved again and attested: now it can no longer be returned.
    app.approve(&bo, &key).await;
    app.post(&admin, "/admin/attestera", &[("key", &key), ("manad", &month.to_string())]).await;
    assert_eq!(status(&app, &key).await, "attested");
    let (sha, frozen_id): (String, String) = query(format!("SELECT s.sha256, f.report_id FROM signatures s JOIN frozen_reports f ON f.month_report_id = s.month_report_id WHERE s.month_report_id = {key} AND s.voided_at IS NULL")).one_as(&mut app.db().await).await.unwrap();
    let approved_id: String = query(format!(
        "SELECT document_id FROM signatures WHERE month_report_id = {key} AND voided_at IS NULL"
    ))
    .scalar(&mut app.db().await)
    .await
    .unwrap();
    assert_eq!(frozen_id, approved_id, "the provider attests the document the recipient approved");
    assert_eq!(sha.len(), 64);
    let to = app.post(&bo, "/brukare/atersand", &[("key", &key), ("reason", "För sent")]).await;
    assert!(app.page(&bo, &to).await.1.contains("Kommunen har redan attesterat månaden"));
    assert_eq!(status(&app, &key).await, "attested");
}

#[tokio::test]
async fn the_rakning_is_summed_from_the_frozen_reports_and_signed_by_the_representative() {
    let app = spawn_app().await;
    let (elis, bo_id) = (recipient(&app, "Elis").await, recipient(&app, "Bo").await);
    let month = next_month();
    let (david, _) = app.login("david").await;
    let (eva, _) = app.login("eva").await;
    let (admin, _) = app.login("admin").await;
    let key =
        submitted(&app, &david, &elis, month, &[(2, "08:00", "12:00"), (3, "14:00", "17:30")])
            .await;
    // Elis was in hospital on the 3rd (registered by the municipality).
    query(format!("INSERT INTO absences (tenant_id, recipient_id, kind, from_date, to_date, assistance_allowed) VALUES (1, {elis}, 'hospital', '{month}-03', '{month}-04', TRUE)")).execute(&mut app.db().await).await.unwrap();
    let claim = format!("/brukare/rakning?person={elis}&manad={month}");
    let (_, page) = app.page(&eva, &claim).await;
    assert!(
        page.contains("Väntar på tid från")
            && page.contains("David Dahl")
            && !page.contains("sign-password"),
        "not before every month is attested"
    );

    app.approve(&eva, &key).await;
    app.post(&admin, "/admin/attestera", &[("key", &key), ("manad", &month.to_string())]).await;
    assert_eq!(status(&app, &key).await, "attested");
    // Changing the rows' source afterwards changes nothing: the räkning sums the frozen 3059.
    let (_, start) = app.page(&eva, &format!("/brukare?person={elis}")).await;
    assert!(start.contains("Räkningen är klar att skriva under"));
    let (_, page) = app.page(&eva, &claim).await;
    assert!(
        page.contains("7 h 30 min")
            && page.contains("20150621-****")
            && !page.contains("20150621-2388")
            && !page.contains("201506212388"),
        "totals from the frozen reports; Elis's number masked until shown"
    );
    // Shown in full after an explicit, audited "show", on that view only.
    let to = app
        .post(
            &eva,
            "/brukare/visa-personnummer",
            &[("person", &elis), ("manad", &month.to_string())],
        )
        .await;
    assert!(
        app.page(&eva, &to).await.1.contains("20150621-2388"),
        "Elis's own number on his document"
    );
    assert_eq!(app.id(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'personnummer.view' AND subject = 'recipient {elis}'")).await, 1);
    assert!(
        !app.page(&eva, &claim).await.1.contains("20150621-2388"),
        "masked again on the next view"
    );
    let (_, page) = app.page(&eva, &claim).await;
    assert!(
        page.contains(&format!("{month}-03 – {month}-04"))
            && page.contains("Aktiv tid: 3 h 30 min"),
        "the hospital stay with its hours"
    );
    assert!(page.contains("Vårdnadshavare"));

    // The three activity answers, then the signature (a stale page is refused).
    let to = app
        .post(
            &eva,
            "/brukare/rakning/svar",
            &[
                ("person", &elis),
                ("manad", &month.to_string()),
                ("barnomsorg", "nej"),
                ("skola", "ja"),
                ("daglig_verksamhet", "nej"),
            ],
        )
        .await;
    assert!(app.page(&eva, &to).await.1.contains("Svaren är sparade"));
    let to = app
        .post(
            &eva,
            "/brukare/rakning/signera",
            &[
                ("person", &elis),
                ("manad", &month.to_string()),
                ("hash", &hash_on(&page)),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert!(
        app.page(&eva, &to).await.1.contains("Räkningen har ändrats sedan du öppnade sidan"),
        "the answers changed it"
    );
    let (_, page) = app.page(&eva, &claim).await;
    let to = app
        .post(
            &eva,
            "/brukare/rakning/signera",
            &[
                ("person", &elis),
                ("manad", &month.to_string()),
                ("hash", &hash_on(&page)),
                ("password", DEMO_PASSWORD),
            ],
        )
        .await;
    assert!(app.page(&eva, &to).await.1.contains("Räkningen är underskriven"));
    let (content, capacity): (Vec<u8>, String) =
        query("SELECT content, capacity FROM signatures WHERE claim_id IS NOT NULL")
            .one_as(&mut app.db().await)
            .await
            .unwrap();
    let xml = String::from_utf8(content).unwrap();
    assert_eq!(capacity, "vardnadshavare");
    assert!(
        xml.contains("<personnummer>201506212388</personnummer>")
            && xml.contains("<aktivTidMinuter>450</aktivTidMinuter>")
            && xml.contains("<antalAssistenter>1</antalAssistenter>"),
        "{xml}"
    );
    assert!(xml.contains("<assistansIBarnomsorg>false</assistansIBarnomsorg><assistansISkola>true</assistansISkola><assistansIDagligVerksamhet>false</assistansIDagligVerksamhet><betalaTillbaka>false</betalaTillbaka>"), "{xml}");
    assert!(
        xml.contains(
            "<foretradare><egenskap>vardnadshavare</egenskap><namn>Eva Ek</namn></foretradare>"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("<sjukhusvistelse><from>")
            && xml.contains("<aktivTidMinuter>210</aktivTidMinuter>"),
        "{xml}"
    );
    // Signed once; answers can no longer change; the administrator sees it; Bo cannot.
    let to = app
        .post(
            &eva,
            "/brukare/rakning/svar",
            &[("person", &elis), ("manad", &month.to_string()), ("skola", "nej")],
        )
        .await;
    assert!(app.page(&eva, &to).await.1.contains("Räkningen är redan underskriven"));
    let (_, page) = app.page(&admin, &format!("/admin/rakning?person={elis}&manad={month}")).await;
    assert!(
        page.contains("Eva Ek")
            && page.contains("Vårdnadshavare")
            && !page.contains("20150621-2388")
    );
    let (bo, _) = app.login("bo").await;
    assert_eq!(app.page(&bo, &claim).await.0, StatusCode::NOT_FOUND);
    assert_eq!(
        app.page(&bo, &format!("/brukare?person={elis}")).await.0,
        StatusCode::NOT_FOUND,
        "not someone he acts for"
    );
    let _ = bo_id;
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'claim.sign'").await, 1);
}

#[tokio::test]
async fn tampering_with_the_audit_log_is_refused_and_detected() {
    let app = spawn_app().await;
    let bo_id = recipient(&app, "Bo").await;
    let (anna, _) = app.login("anna").await;
    let (bo, _) = app.login("bo").await;
    let key = submitted(&app, &anna, &bo_id, next_month(), &[(7, "08:00", "12:00")]).await;
    app.approve(&bo, &key).await;
    let verify = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .args(["audit", "verify"])
            .env("DATABASE_URL", &app.url)
            .env("BITA_LOG", "warn")
            .output()
            .unwrap()
    };

    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("municipality 1 (Exempelby kommun):") && text.contains("chain intact"),
        "{text}"
    );
    // The database refuses to change or remove an entry.
    let approve_entry = app.id("SELECT id FROM audit_log WHERE action = 'month.approve'").await;
    let update =
        query(format!("UPDATE audit_log SET subject = 'nothing' WHERE id = {approve_entry}"))
            .execute(&mut app.db().await)
            .await;
    assert!(update.unwrap_err().to_string().contains("append-only"));
    assert!(
        query("DELETE FROM audit_log")
            .execute(&mut app.db().await)
            .await
            .unwrap_err()
            .to_string()
            .contains("append-only")
    );
    assert!(
        query("INSERT INTO audit_log (tenant_id, action, subject) VALUES (1, 'forged', 'x')")
            .execute(&mut app.db().await)
            .await
            .is_err(),
        "an unchained entry is refused"
    );

    // Someone with the file drops the guard and edits an entry: named by verify and the page.
    let drop_guard = if app.pool.is_postgres() {
        "DROP TRIGGER audit_log_guard ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update"
    };
    query(drop_guard).execute(&mut app.db().await).await.unwrap();
    query(format!(
        "UPDATE audit_log SET after = replace(after, 'self', 'god_man') WHERE id = {approve_entry}"
    ))
    .execute(&mut app.db().await)
    .await
    .unwrap();
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(!out.status.success(), "non-zero exit on a broken chain");
    assert!(
        text.contains(&format!("BROKEN at audit entry {approve_entry}"))
            && text.contains("was changed"),
        "{text}"
    );
    let (admin, _) = app.login("admin").await;
    let (_, page) = app.page(&admin, "/admin/logg").await;
    assert!(
        page.contains(&format!("Kedjan är bruten vid post {approve_entry}")),
        "{}",
        page.split("<main").nth(1).unwrap_or("")
    );
    // Provstad's chain is untouched and says so.
    assert!(
        text.contains("municipality 2 (Provstad kommun):")
            && text.lines().any(|l| l.starts_with("municipality 2") && l.contains("chain intact")),
        "{text}"
    );

    // A removed entry breaks the link of the next one.
    // (On PostgreSQL one trigger guards both, and it is gone already.)
    if !app.pool.is_postgres() {
        query("DROP TRIGGER audit_log_no_delete").execute(&mut app.db().await).await.unwrap();
    }
    app.login("admin.provstad").await;
    app.login("admin.provstad").await;
    let first = app.id("SELECT MIN(id) FROM audit_log WHERE tenant_id = 2").await;
    query(format!("DELETE FROM audit_log WHERE id = {first}"))
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&verify().stdout).to_string();
    assert!(
        text.lines().any(|l| l.starts_with("municipality 2")
            && l.contains("BROKEN")
            && l.contains("removed or inserted")),
        "{text}"
    );
}

#[tokio::test]
async fn no_role_reads_another_municipality_s_audit_log() {
    let app = spawn_app().await;
    let bo_id = recipient(&app, "Bo").await;
    let (anna, _) = app.login("anna").await;
    submitted(&app, &anna, &bo_id, next_month(), &[(8, "08:00", "12:00")]).await;
    let (admin, _) = app.login("admin").await;
    let (_, ours) = app.page(&admin, "/admin/logg").await;
    assert!(
        ours.contains("Kedjan är hel") && ours.contains("month.submit") && ours.contains("row.add")
    );
    let (other, _) = app.login("admin.provstad").await;
    let (status, theirs) = app.page(&other, "/admin/logg").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        theirs.contains("Kedjan är hel")
            && !theirs.contains("month.submit")
            && !theirs.contains("row.add")
            && !theirs.contains("Anna Andersson"),
        "only Provstad's own entries"
    );
    for who in ["anna", "bo", "eva"] {
        let (u, _) = app.login(who).await;
        assert_eq!(app.page(&u, "/admin/logg").await.0, StatusCode::FORBIDDEN, "{who}");
        let res = u
            .post(app.url("/api/load_audit_page"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("")
            .send()
            .await
            .unwrap();
        assert_ne!(res.status(), StatusCode::OK, "{who} through the server function");
    }
}

#[tokio::test]
async fn an_assistant_takes_back_a_submitted_month_until_it_is_approved() {
    let app = spawn_app().await;
    let bo = recipient(&app, "Bo").await;
    let month = next_month();
    let (anna, _) = app.login("anna").await;
    let key = submitted(&app, &anna, &bo, month, &[(8, "08:00", "12:00")]).await;
    // Another assistant cannot take Anna's month back: the month is looked up as their own.
    let (david, _) = app.login("david").await;
    let to = app
        .post(
            &david,
            "/assistent/ta-tillbaka",
            &[("recipient", &bo), ("manad", &month.to_string())],
        )
        .await;
    assert!(app.page(&david, &to).await.1.contains("Det här får du inte göra"));
    assert_eq!(status(&app, &key).await, "submitted");

    let (_, page) = app.page(&anna, &format!("/assistent?manad={month}")).await;
    assert!(page.contains("Ta tillbaka för att rätta"));
    let to = app
        .post(&anna, "/assistent/ta-tillbaka", &[("recipient", &bo), ("manad", &month.to_string())])
        .await;
    assert!(
        app.page(&anna, &to).await.1.contains("Månaden är tillbakatagen och är ett utkast igen")
    );
    assert_eq!(status(&app, &key).await, "draft");
    assert_eq!(app.id("SELECT COUNT(*) FROM month_events WHERE action = 'withdraw'").await, 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'month.withdraw'").await, 1);
    // A draft: the row can be deleted and the month submitted again; the history shows it all.
    let row = app.id(&format!("SELECT id FROM time_rows WHERE recipient_id = {bo} AND CAST(work_date AS TEXT) LIKE '{month}-%'")).await.to_string();
    let to = app
        .post(&anna, "/assistent/rad/ta-bort", &[("row", &row), ("manad", &month.to_string())])
        .await;
    assert!(app.page(&anna, &to).await.1.contains("Raden är borttagen"));
    let key = submitted(&app, &anna, &bo, month, &[(9, "08:00", "11:00")]).await;
    let (bo_user, _) = app.login("bo").await;
    let (_, review) = app.page(&bo_user, &format!("/brukare/granska?key={key}")).await;
    assert!(review.contains("Tog tillbaka månaden för att rätta"), "the history shows the step");
    // Once approved, taking it back is refused with where to turn instead.
    app.approve(&bo_user, &key).await;
    let to = app
        .post(&anna, "/assistent/ta-tillbaka", &[("recipient", &bo), ("manad", &month.to_string())])
        .await;
    assert!(app.page(&anna, &to).await.1.contains("Månaden är redan godkänd"));
    assert_eq!(status(&app, &key).await, "approved");
}

#[tokio::test]
async fn an_assistant_changes_a_row_of_a_draft_month_and_only_their_own() {
    let app = spawn_app().await;
    let bo = recipient(&app, "Bo").await;
    let month = next_month();
    let (anna, _) = app.login("anna").await;
    for (day, start, end) in [(8, "08:00", "12:00"), (9, "08:00", "12:00")] {
        app.post(
            &anna,
            "/assistent/rad",
            &[
                ("recipient", &bo),
                ("date", &format!("{month}-{day:02}")),
                ("start", start),
                ("end", end),
                ("kind", "aktiv"),
            ],
        )
        .await;
    }
    let row = app
        .id(&format!("SELECT id FROM time_rows WHERE work_date = '{month}-08'"))
        .await
        .to_string();
    // The row's form, filled with what is stored.
    let (_, page) = app.page(&anna, &format!("/assistent?manad={month}&andra={row}")).await;
    assert!(
        page.contains("Ändra raden")
            && page.contains("value=\"12:00\"")
            && page.contains(&format!("name=\"rad\" value=\"{row}\"")),
        "{page}"
    );
    // A change that overlaps the other row: refused, what was typed kept, still changing it.
    let form = |date: &str, end: &str| {
        vec![
            ("rad", row.clone()),
            ("recipient", bo.clone()),
            ("date", format!("{month}-{date}")),
            ("start", "08:00".to_string()),
            ("end", end.to_string()),
            ("kind", "aktiv".to_string()),
        ]
    };
    let f = form("09", "10:30");
    let to = app
        .post(
            &anna,
            "/assistent/rad/andra",
            &f.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
        )
        .await;
    assert!(to.contains(&format!("andra={row}")), "{to}");
    let (_, page) = app.page(&anna, &to).await;
    assert!(
        page.contains("Ändra raden")
            && page.contains("value=\"10:30\"")
            && page.contains("överlappar"),
        "{page}"
    );
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM time_rows WHERE id = {row}")).await,
        1,
        "the old row is still there"
    );
    // A good change: one row with the new end, audited with before and after.
    let f = form("08", "13:15");
    let to = app
        .post(
            &anna,
            "/assistent/rad/andra",
            &f.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
        )
        .await;
    assert!(app.page(&anna, &to).await.1.contains("Raden är ändrad"));
    assert_eq!(
        app.id(&format!("SELECT COUNT(*) FROM time_rows WHERE work_date = '{month}-08'")).await,
        1
    );
    assert_eq!(
        app.id(&format!("SELECT minutes FROM time_rows WHERE work_date = '{month}-08'")).await,
        315
    );
    let (before, after): (String, String) =
        query("SELECT before, after FROM audit_log WHERE action = 'row.edit'")
            .one_as(&mut app.db().await)
            .await
            .unwrap();
    assert!(before.contains("12:00") && after.contains("13:15"), "{before} {after}");
    // Another assistant cannot change it (and does not see it in the form).
    let row = app
        .id(&format!("SELECT id FROM time_rows WHERE work_date = '{month}-08'"))
        .await
        .to_string();
    let (david, _) = app.login("david").await;
    let (_, page) = app.page(&david, &format!("/assistent?manad={month}&andra={row}")).await;
    assert!(!page.contains("Ändra raden") && !page.contains("13:15"));
    let f = vec![
        ("rad", row.as_str()),
        ("recipient", bo.as_str()),
        ("date", "2030-01-01"),
        ("start", "08:00"),
        ("end", "09:00"),
        ("kind", "aktiv"),
    ];
    let date = format!("{month}-10");
    let f: Vec<(&str, &str)> =
        f.into_iter().map(|(k, v)| if k == "date" { (k, date.as_str()) } else { (k, v) }).collect();
    let to = app.post(&david, "/assistent/rad/andra", &f).await;
    assert!(app.page(&david, &to).await.1.contains("Det här får du inte göra"));
    assert_eq!(app.id(&format!("SELECT COUNT(*) FROM time_rows WHERE id = {row}")).await, 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied' AND subject LIKE 'row.edit%'").await, 1);
    // Once submitted, the row cannot be changed.
    app.post(
        &anna,
        "/assistent/skicka",
        &[("recipient", &bo), ("manad", &month.to_string()), ("attest", "on")],
    )
    .await;
    let f = form("08", "14:00");
    let mut f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
    f[0] = ("rad", row.as_str());
    let to = app.post(&anna, "/assistent/rad/andra", &f).await;
    assert!(
        app.page(&anna, &to).await.1.contains("låst")
            || app.page(&anna, &to).await.1.contains("inskickad"),
        "refused"
    );
    assert_eq!(app.id(&format!("SELECT minutes FROM time_rows WHERE id = {row}")).await, 315);
}
