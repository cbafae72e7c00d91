//! The CSV import through the real router: a dry run that saves nothing and says per line
//! what would happen and what is wrong; then all or nothing; Excel's Windows-1252 and UTF-8.

use crate::common;
use common::*;

/// Uploads a file as the page's form does; the location of the report.
async fn upload(app: &TestApp, u: &User, kind: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new().text("typ", kind.to_string()).part(
        "fil",
        reqwest::multipart::Part::bytes(bytes)
            .file_name("register.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    // The token in the form's address, as the page's form sends it.
    u.post(app.url(&format!("/admin/import/provkor?csrf={}", u.csrf)))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Windows-1252 as Excel's Swedish CSV writes it (å ä ö as single bytes).
fn cp1252(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            'å' => 0xE5,
            'ä' => 0xE4,
            'ö' => 0xF6,
            'Å' => 0xC5,
            'Ä' => 0xC4,
            'Ö' => 0xD6,
            c if c.is_ascii() => c as u8,
            c => panic!("{c} not in the test's table"),
        })
        .collect()
}

#[tokio::test]
async fn a_dry_run_reports_each_line_and_the_import_is_all_or_nothing() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let recipients_before = app.id("SELECT COUNT(*) FROM recipients").await;
    // Line 2 new, line 3 Bo with a new last name, line 4 a bad number, line 5 a
    // samordningsnummer, line 6 Bo again.
    let file = "personnummer;förnamn;efternamn\r\n19811228-9874;Rut;Räsk\r\n194503150049;Bo;Bergström\r\n19811228-9875;Fel;Nummer\r\n197010632391;Sam;Ordning\r\n19450315-0049;Bo;Berg\r\n";
    let res = upload(&app, &admin, "brukare", cp1252(file)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let report = res.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.page(&admin, &report).await;
    assert!(
        page.contains("1 nya, 1 ändras, 0 oförändrade, 3 med fel"),
        "{}",
        page.split("<main").nth(1).unwrap_or(&page)
    );
    assert!(page.contains("Rut Räsk"), "Windows-1252 decoded");
    assert!(
        page.contains("Rad 4</strong>")
            && page.contains("kolumn personnummer: Personnumret stämmer inte")
    );
    assert!(page.contains("Försäkringskassan tar inte emot ett samordningsnummer"));
    assert!(page.contains("Samma personnummer finns på en tidigare rad"));
    assert!(page.contains("ändras: efternamn"));
    assert!(!page.contains("Importera allt"), "no import while a line is refused");
    assert_eq!(
        app.id("SELECT COUNT(*) FROM recipients").await,
        recipients_before,
        "the dry run saved nothing"
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM recipients WHERE last_name = 'Bergström'").await, 0);
    // Posting the import of a refused draft anyway imports nothing.
    let draft = report.split("utkast=").nth(1).unwrap().to_string();
    let to = app.post(&admin, "/admin/import/kor", &[("id", &draft)]).await;
    assert!(app.page(&admin, &to).await.1.contains("inget importerades"));
    assert_eq!(app.id("SELECT COUNT(*) FROM recipients").await, recipients_before);

    // A clean UTF-8 file (with Excel's byte-order mark, comma-separated): imported whole.
    let clean = "\u{feff}personnummer,förnamn,efternamn\n19811228-9874,Rut,Räsk\n194503150049,Bo,Bergström\n";
    let res = upload(&app, &admin, "brukare", clean.as_bytes().to_vec()).await;
    let report = res.headers()["location"].to_str().unwrap().to_string();
    let (_, page) = app.page(&admin, &report).await;
    assert!(
        page.contains("1 nya, 1 ändras, 0 oförändrade, 0 med fel")
            && page.contains("Importera allt")
    );
    // Another administrator cannot see or run the draft.
    let draft = report.split("utkast=").nth(1).unwrap().to_string();
    let (other, _) = app.login("admin.provstad").await;
    assert_eq!(app.page(&other, &report).await.0, StatusCode::NOT_FOUND);
    let k = key();
    let res = other
        .post(app.url("/admin/import/kor"))
        .form(&[("id", draft.as_str()), ("csrf", other.csrf.as_str()), ("idem", k.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let k = key();
    let form = [("id", draft.as_str()), ("csrf", admin.csrf.as_str()), ("idem", k.as_str())];
    let res = admin.post(app.url("/admin/import/kor")).form(&form).send().await.unwrap();
    let (_, page) = app.page(&admin, res.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Importen är klar"));
    assert_eq!(app.id("SELECT COUNT(*) FROM recipients").await, recipients_before + 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM recipients WHERE last_name = 'Bergström'").await, 1);
    // The same post again changes nothing.
    admin.post(app.url("/admin/import/kor")).form(&form).send().await.unwrap();
    assert_eq!(app.id("SELECT COUNT(*) FROM recipients").await, recipients_before + 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'import.csv'").await, 1);

    // Assistants, then their assignments; a wrong header is named.
    let res = upload(&app, &admin, "assistenter", b"personnummer;namn\n".to_vec()).await;
    let (_, page) = app.page(&admin, res.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Saknas eller okänd: namn"));
    let assistants = "personnummer;förnamn;efternamn;telefon;arbetstid;dygnspass\n19900101-1239;Hedda;Holm;070-1;atl;nej\n19850505-5551;Ivar;Im;;ab_bilaga_j;kanske\n";
    let res = upload(&app, &admin, "assistenter", assistants.as_bytes().to_vec()).await;
    let (_, page) = app.page(&admin, res.headers()["location"].to_str().unwrap()).await;
    assert!(
        page.contains("kolumn dygnspass: Skriv ja eller nej"),
        "{}",
        page.split("<main").nth(1).unwrap_or(&page)
    );
    let ok = "personnummer;förnamn;efternamn;telefon;arbetstid;dygnspass\n19900101-1239;Hedda;Holm;070-1;atl;nej\n";
    let res = upload(&app, &admin, "assistenter", ok.as_bytes().to_vec()).await;
    let report = res.headers()["location"].to_str().unwrap().to_string();
    let draft = report.split("utkast=").nth(1).unwrap().to_string();
    app.post(&admin, "/admin/import/kor", &[("id", &draft)]).await;
    assert_eq!(app.id("SELECT COUNT(*) FROM assistants WHERE last_name = 'Holm' AND regime = 'atl' AND phone = '070-1'").await, 1);
    let assignments = "assistent_personnummer;brukare_personnummer;från;till;anmäld_fk;anhörig\n199001011239;194503150049;2026-01-01;;2025-12-20;nej\n199001011239;197010101010;2026-01-01;;;nej\n199001011239;194503150049;2031-01-01;;;nej\n";
    let res = upload(&app, &admin, "uppdrag", assignments.as_bytes().to_vec()).await;
    let (_, page) = app.page(&admin, res.headers()["location"].to_str().unwrap()).await;
    assert!(
        page.contains("1 nya, 0 ändras, 0 oförändrade, 2 med fel"),
        "{}",
        page.split("<main").nth(1).unwrap_or(&page)
    );
    assert!(page.contains("kolumn brukare_personnummer"));
    assert!(page.contains("Brukaren har inget beslut om assistans som gäller den första dagen"));
}
