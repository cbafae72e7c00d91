//! Issue 10: month-end export through the real router and a real SQLite file. A month that
//! fails preflight is refused with the reasons; an exported month is one signed archive of the
//! frozen documents, locked, downloadable by its own municipality only, and `server verify`
//! checks it and names a changed file.

use crate::common;

use common::*;
use engine::ReportMonth;
use reqwest::StatusCode;
use server::demo::DEMO_PASSWORD;
use std::io::{Cursor, Read, Write};

fn next_month() -> ReportMonth {
    app::service::context::this_month().next()
}

async fn recipient(app: &TestApp, name: &str) -> String {
    app.id(&format!("SELECT id FROM recipients WHERE first_name = '{name}'")).await.to_string()
}

/// David reports two shifts for Elis and submits; the month's key.
async fn submitted(app: &TestApp, david: &User, elis: &str, month: ReportMonth) -> String {
    for (day, start, end) in [(2, "08:00", "12:00"), (3, "14:00", "17:30")] {
        app.post(
            david,
            "/assistent/rad",
            &[
                ("recipient", elis),
                ("date", &format!("{month}-{day:02}")),
                ("start", start),
                ("end", end),
                ("kind", "aktiv"),
            ],
        )
        .await;
    }
    app.post(
        david,
        "/assistent/skicka",
        &[("recipient", elis), ("manad", &month.to_string()), ("attest", "on")],
    )
    .await;
    app.id(&format!("SELECT id FROM month_reports WHERE recipient_id = {elis} AND month = '{month}' AND status = 'submitted'")).await.to_string()
}

/// The whole month done: approved by Eva, attested, the räkning signed by Eva.
async fn ready_month(app: &TestApp, month: ReportMonth) -> (User, String) {
    let elis = recipient(app, "Elis").await;
    let (david, _) = app.login("david").await;
    let (eva, _) = app.login("eva").await;
    let (admin, _) = app.login("admin").await;
    let key = submitted(app, &david, &elis, month).await;
    app.approve(&eva, &key).await;
    app.post(&admin, "/admin/attestera", &[("key", &key), ("manad", &month.to_string())]).await;
    let claim = format!("/brukare/rakning?person={elis}&manad={month}");
    app.post(
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
    (admin, key)
}

/// A fillable form with FK's field names (BITA does not ship FK's own), owner-password
/// protected as FK's are; `drop` leaves out the fields whose name contains it.
fn blank(kind: export::form::FormKind, drop: &str) -> Vec<u8> {
    let names: Vec<String> = kind
        .default_mapping()
        .expanded()
        .into_iter()
        .filter(|(_, end)| drop.is_empty() || !end.contains(drop))
        .map(|(_, end)| format!("form1[0].#subform[0].{end}"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let (i, o) = (dir.path().join("plain.pdf"), dir.path().join("locked.pdf"));
    std::fs::write(&i, export::form::blank_for_tests(&names)).unwrap();
    assert!(
        std::process::Command::new("qpdf")
            .args(["--encrypt", "", "owner", "256", "--"])
            .arg(&i)
            .arg(&o)
            .status()
            .unwrap()
            .success()
    );
    std::fs::read(o).unwrap()
}

async fn upload_form(
    app: &TestApp,
    admin: &User,
    kind: &str,
    pdf: Vec<u8>,
    month: ReportMonth,
) -> String {
    let form = reqwest::multipart::Form::new()
        .text("typ", kind.to_string())
        .text("manad", month.to_string())
        .part("fil", reqwest::multipart::Part::bytes(pdf).file_name("blankett.pdf"));
    // The token in the form's address, as the page's form sends it.
    let res = admin
        .post(app.url(&format!("/admin/export/blankett?csrf={}", admin.csrf)))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app.page(admin, res.headers()["location"].to_str().unwrap()).await.1
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    String::from_utf8(
        std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap().stdout,
    )
    .unwrap()
}

fn files(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

fn rezip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        z.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[tokio::test]
async fn a_month_that_fails_preflight_is_refused_with_the_reasons_and_links() {
    let app = spawn_app().await;
    let month = next_month();
    let elis = recipient(&app, "Elis").await;
    let (david, _) = app.login("david").await;
    submitted(&app, &david, &elis, month).await;
    let (admin, _) = app.login("admin").await;
    let to = app.post(&admin, "/admin/export", &[("manad", &month.to_string())]).await;
    assert_eq!(to, format!("/admin/export?manad={month}"));
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("Exporten stoppades"), "{page}");
    // The reason names who and what, and links to where it is fixed.
    assert!(page.contains("David Dahl – Elis Ek") && page.contains("inskickad"), "{page}");
    assert!(
        page.contains(&format!("href=\"/admin?manad={month}&amp;par=")),
        "a link to the month's pair on the dashboard"
    );
    assert!(
        page.contains(&format!("href=\"/admin/rakning?person={elis}&amp;manad={month}\"")),
        "a link to the räkning"
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM exports").await, 0);
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM month_reports WHERE month = '{month}' AND status = 'exported'"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn an_exported_month_is_a_signed_archive_of_the_frozen_documents_and_locked() {
    let app = spawn_app().await;
    let month = next_month();
    let (admin, key) = ready_month(&app, month).await;
    let (_, page) = app.page(&admin, &format!("/admin/export?manad={month}")).await;
    assert!(page.contains("Inga fel hindrar export"), "{page}");
    let public_key = page
        .split("<code id=\"public-key\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(public_key.len(), 64);

    // David's employment number in the payroll system.
    query("UPDATE assistants SET employee_number = 'L-4711' WHERE first_name = 'David'")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    // Elis's assistance is under LSS: the LSS report counts it at the municipality's own rate.
    query("UPDATE decisions SET funder = 'lss' WHERE recipient_id = (SELECT id FROM recipients WHERE first_name = 'Elis')").execute(&mut app.db().await).await.unwrap();
    let to = app.post(&admin, "/admin/anordnare/lss-belopp", &[("amount", "tre hundra")]).await;
    assert!(
        app.page(&admin, &to).await.1.contains("value=\"tre hundra\""),
        "what was typed is kept with the error"
    );
    let to = app.post(&admin, "/admin/anordnare/lss-belopp", &[("amount", "350,00")]).await;
    assert!(app.page(&admin, &to).await.1.contains("Beloppet är sparat"));

    // FK's forms: the 3059 complete, the 3057 without its repayment question (reported).
    let page =
        upload_form(&app, &admin, "3059", blank(export::form::FormKind::Fk3059, ""), month).await;
    assert!(page.contains("Blanketten är sparad och har alla fält som behövs"), "{page}");
    let page = upload_form(
        &app,
        &admin,
        "3057",
        blank(export::form::FormKind::Fk3057, "rbListBetalaTillbaka"),
        month,
    )
    .await;
    assert!(
        page.contains("den saknar fält som kartan nämner")
            && page.contains("betala_tillbaka → rbListBetalaTillbaka[0]"),
        "{page}"
    );
    let page = upload_form(&app, &admin, "3059", b"%PDF-1.4 not really".to_vec(), month).await;
    assert!(page.contains("Filen gick inte att öppna som PDF"), "{page}");

    // The same form posted twice makes one archive.
    let form =
        [("manad", month.to_string()), ("csrf", admin.csrf.clone()), ("idem", common::key())];
    let first = admin.post(app.url("/admin/export")).form(&form).send().await.unwrap();
    let again = admin.post(app.url("/admin/export")).form(&form).send().await.unwrap();
    assert_eq!(first.headers()["location"], again.headers()["location"]);
    let page = app.export_ended(&admin, first.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Månaden är exporterad och låst"), "{page}");
    assert_eq!(app.id("SELECT COUNT(*) FROM exports").await, 1);
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM month_reports WHERE id = {key} AND status = 'exported'"
        ))
        .await,
        1
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'export.month'").await, 1);

    // The archive: downloaded, every file checks out against this installation's key, the
    // 3059 is the frozen bytes exactly.
    let id = app.id("SELECT id FROM exports").await;
    let res = app.download(&admin, "/admin/export/arkiv", &[("id", &id.to_string())]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/zip");
    let zip = res.bytes().await.unwrap().to_vec();
    let verifying = export::archive::public_key(&public_key).unwrap();
    let report = export::archive::verify(&zip, &verifying);
    assert!(report.ok, "{:?}", report.problems);
    let files = files(&zip);
    let frozen: Vec<u8> =
        query(format!("SELECT xml FROM frozen_reports WHERE month_report_id = {key}"))
            .scalar(&mut app.db().await)
            .await
            .unwrap();
    let xml = files.iter().find(|(n, _)| n.starts_with("fk3059/") && n.ends_with(".xml")).unwrap();
    assert_eq!(xml.1, frozen);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for expected in ["manifest.json", "manifest.json.sig", "lon/tidrader.csv", "lon/paxml.xml"] {
        assert!(names.contains(&expected), "{names:?}");
    }
    assert!(
        names.iter().any(|n| n.starts_with("fk3057/elis-ek-") && n.ends_with(".e-rak.json")),
        "{names:?}"
    );
    // FK's own forms, filled in and flattened: the names and totals are on the page.
    let form_3059 = &files
        .iter()
        .find(|(n, _)| n.starts_with("fk3059/") && n.ends_with(".fk-blankett.pdf"))
        .unwrap()
        .1;
    let text = pdftotext(form_3059);
    assert!(
        text.contains("David Dahl")
            && text.contains("Elis Ek")
            && text.contains("201506212388")
            && text.contains("08.00"),
        "{text}"
    );
    let form_3057 = &files
        .iter()
        .find(|(n, _)| n.starts_with("fk3057/") && n.ends_with(".fk-blankett.pdf"))
        .unwrap()
        .1;
    let text = pdftotext(form_3057);
    assert!(text.contains("Elis Ek") && text.contains("Eva Ek"), "{text}");
    let payroll =
        String::from_utf8(files.iter().find(|(n, _)| n == "lon/tidrader.csv").unwrap().1.clone())
            .unwrap();
    assert!(
        payroll.lines().skip(1).all(|l| l.starts_with("L-4711;198811040206;David Dahl;")),
        "{payroll}"
    );
    assert_eq!(payroll.lines().count(), 3, "a header and David's two shifts");
    let lss = String::from_utf8(
        files.iter().find(|(n, _)| n == "lss/lss-rapport.csv").unwrap().1.clone(),
    )
    .unwrap();
    // 7 h 30 min of active time, 7,50 payable hours at 350 kr.
    assert!(lss.contains("Elis Ek;7:30;0:00;0:00;450;0;0;7,50;350,00;2625,00"), "{lss}");
    let missing = String::from_utf8(
        files.iter().find(|(n, _)| n == "fk-blanketter/saknade-falt.json").unwrap().1.clone(),
    )
    .unwrap();
    assert!(missing.contains("betala_tillbaka"), "{missing}");

    // `server verify`: OK as downloaded; one changed byte fails naming the file.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("arkiv.zip");
    std::fs::write(&path, &zip).unwrap();
    let run = |p: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("verify")
            .arg(p)
            .env("BITA_VERIFY_PUBLIC_KEY", &public_key)
            .output()
            .unwrap()
    };
    let out = run(&path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let mut changed = files.clone();
    let csv = changed.iter_mut().find(|(n, _)| n == "lon/tidrader.csv").unwrap();
    csv.1[10] ^= 1;
    let bad = dir.path().join("andrad.zip");
    std::fs::write(&bad, rezip(&changed)).unwrap();
    let out = run(&bad);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("FAIL Changed (checksum does not match): lon/tidrader.csv"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Locked: nothing new to export, the recipient can no longer return it.
    let to = app.post(&admin, "/admin/export", &[("manad", &month.to_string())]).await;
    assert!(app.page(&admin, &to).await.1.contains("Månaden är redan exporterad"));
    let (eva, _) = app.login("eva").await;
    let to = app.post(&eva, "/brukare/atersand", &[("key", &key), ("reason", "Fel dag")]).await;
    assert!(app.page(&eva, &to).await.1.contains("Kommunen har redan attesterat månaden"));
    assert_eq!(
        app.id(&format!(
            "SELECT COUNT(*) FROM month_reports WHERE id = {key} AND status = 'exported'"
        ))
        .await,
        1
    );

    // Another municipality's administrator can neither download nor export it.
    let (other, _) = app.login("admin.provstad").await;
    assert_eq!(
        app.download(&other, "/admin/export/arkiv", &[("id", &id.to_string())]).await.status(),
        StatusCode::NOT_FOUND
    );
    let to = app.post(&other, "/admin/export", &[("manad", &month.to_string())]).await;
    let (_, theirs) = app.page(&other, &to).await;
    assert!(
        theirs.contains("Det finns ingen attesterad tidsredovisning") && !theirs.contains("Elis"),
        "{theirs}"
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM exports").await, 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'access.denied' AND subject LIKE 'archive %'").await, 1);

    // The public check page: anyone may upload; a changed file is named.
    let anyone = client();
    let part = reqwest::multipart::Part::bytes(rezip(&changed)).file_name("arkiv.zip");
    // The result is the answer to the upload (issue 23: nothing is kept for a visitor).
    let res = anyone
        .post(app.url("/verifiera"))
        .multipart(reqwest::multipart::Form::new().part("arkiv", part))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("Arkivet stämmer inte")
            && page.contains("Ändrad (kontrollsumman stämmer inte): lon/tidrader.csv"),
        "{page}"
    );
    let part = reqwest::multipart::Part::bytes(zip.clone()).file_name("arkiv.zip");
    let page = anyone
        .post(app.url("/verifiera"))
        .multipart(reqwest::multipart::Form::new().part("arkiv", part))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Arkivet är oförändrat"), "{page}");
    assert!(
        !app.page(&anyone, "/verifiera").await.1.contains("Arkivet är oförändrat"),
        "nothing kept for the next view"
    );
    // A big upload (axum's own limit is 2 MB) is streamed to a file and checked.
    let mut x = 0x2545_f491_4f6c_dd1du64;
    let big: Vec<u8> = (0..6_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let big = rezip(&[("data.bin".to_string(), big)]);
    assert!(big.len() > 3_000_000, "{}", big.len());
    let part = reqwest::multipart::Part::bytes(big).file_name("stor.zip");
    let res = anyone
        .post(app.url("/verifiera"))
        .multipart(reqwest::multipart::Form::new().part("arkiv", part))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Arkivet saknar manifest.json"), "{page}");
}

#[tokio::test]
async fn a_correction_makes_a_new_version_that_needs_every_signature_and_keeps_the_old() {
    let app = spawn_app().await;
    let month = next_month();
    let (admin, key) = ready_month(&app, month).await;
    let to = app.post(&admin, "/admin/export", &[("manad", &month.to_string())]).await;
    assert!(app.export_ended(&admin, &to).await.contains("Månaden är exporterad och låst"));
    let (first_id, first_sha): (i64, String) =
        query("SELECT id, sha256 FROM exports WHERE version = 1")
            .one_as(&mut app.db().await)
            .await
            .unwrap();
    let old_report: String =
        query(format!("SELECT report_id FROM frozen_reports WHERE month_report_id = {key}"))
            .scalar(&mut app.db().await)
            .await
            .unwrap();

    // A reason is required; then the month is a draft again, both signatures void.
    let to = app.post(&admin, "/admin/rattelse", &[("key", &key), ("reason", "  ")]).await;
    assert!(app.page(&admin, &to).await.1.contains("Skriv orsaken till rättelsen"));
    let to = app
        .post(&admin, "/admin/rattelse", &[("key", &key), ("reason", "Fel sluttid den 3:e")])
        .await;
    assert!(app.page(&admin, &to).await.1.contains("Rättelsen är påbörjad"));
    assert_eq!(app.id(&format!("SELECT COUNT(*) FROM month_reports WHERE id = {key} AND status = 'draft' AND rejected_reason = 'Fel sluttid den 3:e'")).await, 1);
    assert_eq!(
        app.id("SELECT COUNT(*) FROM signatures WHERE voided_at IS NULL").await,
        0,
        "the approval and the räkning's signature are void"
    );
    let to = app.post(&admin, "/admin/export", &[("manad", &month.to_string())]).await;
    assert!(
        app.page(&admin, &to).await.1.contains("Exporten stoppades"),
        "not exportable until signed again"
    );

    // The assistant corrects and submits; the recipient approves; the provider attests; the
    // räkning is signed again.
    let elis = recipient(&app, "Elis").await;
    let (david, _) = app.login("david").await;
    let (_, page) = app.page(&david, &format!("/assistent?manad={month}")).await;
    assert!(page.contains("Fel sluttid den 3:e"), "the assistant sees why");
    // … and who: the municipality, not the recipient (issue 24 item 14).
    assert!(
        page.contains("Öppnad igen av kommunen för rättelse:")
            && !page.contains("Returnerad av brukaren"),
        "{}",
        page.split("<main").nth(1).unwrap_or("")
    );
    app.post(
        &david,
        "/assistent/rad",
        &[
            ("recipient", &elis),
            ("date", &format!("{month}-04")),
            ("start", "09:00"),
            ("end", "10:00"),
            ("kind", "aktiv"),
        ],
    )
    .await;
    app.post(
        &david,
        "/assistent/skicka",
        &[("recipient", &elis), ("manad", &month.to_string()), ("attest", "on")],
    )
    .await;
    let (eva, _) = app.login("eva").await;
    app.approve(&eva, &key).await;
    app.post(&admin, "/admin/attestera", &[("key", &key), ("manad", &month.to_string())]).await;
    let (_, page) = app.page(&eva, &format!("/brukare/rakning?person={elis}&manad={month}")).await;
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

    // The next export: version 2 of the archive with version 2 of the report, marked as the
    // correction of the old one; version 1 is kept byte for byte.
    let to = app.post(&admin, "/admin/export", &[("manad", &month.to_string())]).await;
    assert!(app.export_ended(&admin, &to).await.contains("Månaden är exporterad och låst"));
    let second: i64 = app.id("SELECT id FROM exports WHERE version = 2").await;
    let zip = app
        .download(&admin, "/admin/export/arkiv", &[("id", &second.to_string())])
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let files = files(&zip);
    let manifest: serde_json::Value =
        serde_json::from_slice(&files.iter().find(|(n, _)| n == "manifest.json").unwrap().1)
            .unwrap();
    assert_eq!(manifest["version"], 2);
    let corrections = manifest["corrections"].as_array().unwrap();
    assert_eq!(corrections.len(), 1);
    assert_eq!(corrections[0]["replaces"], old_report.as_str());
    assert_eq!(corrections[0]["version"], 2);
    assert_eq!(corrections[0]["previous_archive"], 1);
    let path = corrections[0]["path"].as_str().unwrap();
    assert!(path.ends_with("-v2.xml"), "{path}");
    let xml = String::from_utf8(files.iter().find(|(n, _)| n == path).unwrap().1.clone()).unwrap();
    assert!(
        !xml.contains(&old_report) && xml.contains("<dag>04</dag>"),
        "a new report id and the corrected rows"
    );
    let pdf = files.iter().find(|(n, _)| n == &path.replace(".xml", ".pdf")).unwrap();
    assert!(pdftotext(&pdf.1).contains(&format!("Version 2, rättelse av: {old_report}")));
    let old = app
        .download(&admin, "/admin/export/arkiv", &[("id", &first_id.to_string())])
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(engine::fk::sha256_hex(&old), first_sha, "the old archive is kept as it was");
    assert_eq!(
        app.id("SELECT COUNT(*) FROM frozen_reports").await,
        2,
        "both versions of the report are kept"
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'month.correct'").await, 1);
}

/// The export is a job: the post is answered at once with the page that follows it, the
/// progress is there as JSON for the page's script (the municipality's own job only), two
/// administrators posting at the same moment get one job and one archive, and the page says
/// how it ended.
#[tokio::test]
async fn the_export_runs_as_a_job_that_a_second_post_joins() {
    let app = spawn_app().await;
    let month = next_month();
    let (admin, _) = ready_month(&app, month).await;
    let (admin2, _) = app.login("admin").await;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let post = |u: User| {
        let (barrier, url) = (barrier.clone(), app.url("/admin/export"));
        let form = [("manad", month.to_string()), ("csrf", u.csrf.clone()), ("idem", key())];
        async move {
            barrier.wait().await;
            let res = u.post(url).form(&form).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
            (u, res.headers()["location"].to_str().unwrap().to_string())
        }
    };
    let ((admin, first), (admin2, second)) = tokio::join!(post(admin), post(admin2));
    for to in [&first, &second] {
        assert!(to.starts_with(&format!("/admin/export?manad={month}&jobb=")), "{to}");
    }
    let id = first.rsplit('=').next().unwrap().to_string();
    let progress = app.page(&admin, &format!("/admin/export/jobb?id={id}")).await;
    assert_eq!(progress.0, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&progress.1).unwrap();
    assert!(json["running"].is_boolean() && json["text"].is_string(), "{json}");
    assert_eq!(json["href"], first.as_str());

    // Another municipality's administrator learns nothing of it.
    let (other, _) = app.login("admin.provstad").await;
    let theirs = app.page(&other, &format!("/admin/export/jobb?id={id}")).await;
    assert_eq!(theirs.0, StatusCode::NOT_FOUND);
    assert!(!app.page(&other, &first).await.1.contains("data-export-job"));

    let page = app.export_ended(&admin, &first).await;
    assert!(page.contains("Månaden är exporterad och låst"), "{page}");
    let other_page = app.export_ended(&admin2, &second).await;
    assert!(
        other_page.contains("Månaden är exporterad och låst")
            || other_page.contains("Månaden är redan exporterad"),
        "joined, or (when the first had already ended) nothing new: {other_page}"
    );
    assert_eq!(app.id("SELECT COUNT(*) FROM exports").await, 1, "one archive");
    assert_eq!(app.id("SELECT COUNT(*) FROM export_jobs WHERE state = 'done'").await, 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM export_jobs WHERE state = 'running'").await, 0);
    let json: serde_json::Value =
        serde_json::from_str(&app.page(&admin, &format!("/admin/export/jobb?id={id}")).await.1)
            .unwrap();
    assert_eq!(json["running"], false);
    assert_eq!(json["done"], json["total"], "{json}");
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'export.month'").await, 1);
}

/// A job whose server stopped mid-way (its row says running, its heartbeat long gone, no
/// archive) is shown as running, then taken over and finished by a server of the
/// installation — here one started afterwards on the same database, as after a restart.
#[tokio::test]
async fn an_export_whose_server_stopped_is_resumed_after_a_restart() {
    let app = spawn_app().await;
    let month = next_month();
    let (admin, _) = ready_month(&app, month).await;
    let gone = app::service::context::now_unix() - 600;
    // 1 of 2 steps made when its server stopped, ten minutes ago.
    running_job(&app, month, (1, 2), (gone, gone), "a-server-that-stopped").await;
    let id = app.id("SELECT id FROM export_jobs").await;
    let to = format!("/admin/export?manad={month}&jobb={id}");

    // A second server starts on the database (the first's watcher may also see the job: only
    // one of them takes it).
    let restarted = app.another_server().await;
    let page = app.export_ended(&admin, &to).await;
    assert!(page.contains("Månaden är exporterad och låst"), "{page}");
    assert_eq!(app.id("SELECT COUNT(*) FROM exports").await, 1);
    assert_eq!(app.id("SELECT runs FROM export_jobs").await, 2, "taken over once");
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'export.resumed'").await, 1);
    let restarted = client().get(format!("{restarted}/healthz")).send().await.unwrap();
    assert_eq!(restarted.status(), StatusCode::OK);
}

/// While it runs, the page shows a bar with the numbers beside it and a link to see it anew
/// (no script needed), and no second export button.
#[tokio::test]
async fn a_running_export_shows_its_progress_without_javascript() {
    let app = spawn_app().await;
    let month = next_month();
    let (admin, _) = ready_month(&app, month).await;
    // A job another server is running (its heartbeat fresh, far in the future for this test),
    // started 25 s ago: 4,800 left at 1,200 per 25 s is 100 s, shown as 2 min until the page
    // is 5 s late (started 30 s ago, it was 120 s, and one second late showed 3 min: CI failed
    // so on a loaded machine).
    let now = app::service::context::now_unix();
    running_job(&app, month, (1200, 6000), (now - 25, now + 3600), "another-server").await;
    let (_, page) = app.page(&admin, &format!("/admin/export?manad={month}")).await;
    assert!(page.contains("Exporten pågår"), "{page}");
    assert!(
        page.contains(r#"<progress id="job-bar" max="6000" value="1200">20 %</progress>"#),
        "{page}"
    );
    assert!(
        page.contains("1200 av 6000 tidsredovisningar och räkningar klara · cirka 2 min kvar"),
        "{page}"
    );
    assert!(page.contains("Uppdatera förloppet"), "{page}");
    assert!(!page.contains("Exportera och lås månaden"), "no second button while it runs");
    // A post anyway (an old tab) joins it.
    let to = app.post(&admin, "/admin/export", &[("manad", &month.to_string())]).await;
    let id = app.id("SELECT id FROM export_jobs").await;
    assert_eq!(to, format!("/admin/export?manad={month}&jobb={id}"));
    assert!(app.page(&admin, &to).await.1.contains("Månadens export pågår redan"));
    assert_eq!(app.id("SELECT COUNT(*) FROM export_jobs").await, 1);
}

/// A running export job of Exempelby's administrator, as a server running it (or one that
/// stopped) leaves it in the database: steps (done, total), (started, last heartbeat).
async fn running_job(
    app: &TestApp,
    month: ReportMonth,
    (done, total): (i64, i64),
    (started, beat): (i64, i64),
    runner: &str,
) {
    query(
        "INSERT INTO export_jobs (tenant_id, month, started_by, state, done, total, started_at, beat_at, runner)
         SELECT tenant_id, $1, id, 'running', $2, $3, $4, $5, $6 FROM users WHERE username = 'admin'",
    )
    .bind(month.to_string())
    .bind(done)
    .bind(total)
    .bind(started)
    .bind(beat)
    .bind(runner)
    .execute(&mut app.db().await)
    .await
    .unwrap();
}

/// Issue 29: a back-office system reads what was exported through the API: the frozen 3059's
/// and the signed 3057's exact bytes (as in the archive), the payroll rows with the assistant's
/// personnummer, the archive and its signed manifest, and the month's findings; each with its
/// own scope, its own municipality only.
#[tokio::test]
async fn the_api_gives_what_was_exported_exactly_as_it_was_signed() {
    use crate::api_v1::{get, token};
    let app = spawn_app().await;
    let month = next_month();
    let (admin, key) = ready_month(&app, month).await;
    query("UPDATE assistants SET employee_number = 'L-4711' WHERE first_name = 'David'")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let form =
        [("manad", month.to_string()), ("csrf", admin.csrf.clone()), ("idem", common::key())];
    let res = admin.post(app.url("/admin/export")).form(&form).send().await.unwrap();
    let page = app.export_ended(&admin, res.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Månaden är exporterad och låst"), "{page}");
    let archives = token(&app, &admin, "Arkivet", &["archives_read"]).await;
    let payroll = token(&app, &admin, "Lönen", &["payroll_read"]).await;
    let months = token(&app, &admin, "Månaderna", &["months_read"]).await;
    let json = |res: reqwest::Response| async move {
        assert_eq!(res.status(), StatusCode::OK);
        res.json::<serde_json::Value>().await.unwrap()
    };

    // The archive and its manifest, the manifest's signature by the installation's key.
    let list =
        json(get(&app, Some(&archives), &format!("/api/v1/months/{month}/archives")).await).await;
    let a = &list["items"][0];
    assert_eq!(a["version"], 1);
    let res = get(&app, Some(&archives), a["href"].as_str().unwrap()).await;
    assert_eq!(res.headers()["content-type"], "application/zip");
    let zip = res.bytes().await.unwrap().to_vec();
    assert_eq!(engine::fk::sha256_hex(&zip), a["sha256"].as_str().unwrap());
    let files = files(&zip);
    let inside = |name: &str| files.iter().find(|(n, _)| n == name).map(|(_, b)| b.clone());
    let res = get(&app, Some(&archives), a["manifest_href"].as_str().unwrap()).await;
    let signature = res.headers()["bita-signature"].to_str().unwrap().to_string();
    let manifest = res.bytes().await.unwrap().to_vec();
    assert_eq!(Some(manifest), inside("manifest.json"));
    assert_eq!(format!("{signature}\n").into_bytes(), inside("manifest.json.sig").unwrap());

    // The documents: the 3059 and the 3057, their exact bytes as the archive has them.
    let docs =
        json(get(&app, Some(&archives), &format!("/api/v1/months/{month}/documents")).await).await;
    let r = &docs["reports"][0];
    assert_eq!((r["report"].to_string(), r["status"].as_str()), (key.clone(), Some("exported")));
    let res = get(&app, Some(&archives), r["href"].as_str().unwrap()).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let xml = res.bytes().await.unwrap().to_vec();
    assert_eq!(engine::fk::sha256_hex(&xml), r["sha256"].as_str().unwrap());
    assert!(
        files.iter().any(|(n, b)| n.starts_with("fk3059/") && n.ends_with(".xml") && *b == xml)
    );
    let res = client()
        .get(app.url(r["href"].as_str().unwrap()))
        .bearer_auth(&archives)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    let c = &docs["claims"][0];
    assert_eq!(c["recipient"]["name"], "Elis Ek");
    assert_eq!(c["signed_by"], "Eva Ek");
    let claim = get(&app, Some(&archives), c["href"].as_str().unwrap())
        .await
        .bytes()
        .await
        .unwrap()
        .to_vec();
    assert_eq!(engine::fk::sha256_hex(&claim), c["sha256"].as_str().unwrap());
    assert!(
        files.iter().any(|(n, b)| n.starts_with("fk3057/") && n.ends_with(".xml") && *b == claim)
    );

    // Payroll: David's two shifts with his employment number and personnummer, a page each.
    let first =
        json(get(&app, Some(&payroll), &format!("/api/v1/months/{month}/payroll?limit=1")).await)
            .await;
    let row = &first["items"][0];
    assert_eq!(
        (row["assistant"]["name"].as_str(), row["recipient"]["name"].as_str()),
        (Some("David Dahl"), Some("Elis Ek"))
    );
    assert_eq!(
        (row["employee_id"].as_str(), row["personnummer"].as_str()),
        (Some("L-4711"), Some("198811040206"))
    );
    assert_eq!(
        (row["start"].as_str(), row["end"].as_str(), row["minutes"].as_i64()),
        (Some("08:00"), Some("12:00"), Some(240))
    );
    assert_eq!((row["kind"].as_str(), row["time_code"].as_str()), (Some("aktiv"), Some("ARB")));
    let next = first["next"].as_str().unwrap();
    let second = json(
        get(&app, Some(&payroll), &format!("/api/v1/months/{month}/payroll?limit=1&after={next}"))
            .await,
    )
    .await;
    assert_eq!(second["items"][0]["minutes"], 210);
    assert!(second["next"].is_null());
    let csv = String::from_utf8(inside("lon/tidrader.csv").unwrap()).unwrap();
    assert_eq!(csv.lines().count() - 1, 2, "as many as the archive's payroll file");

    // The list of months says this one is exported, with its archive.
    let list = json(get(&app, Some(&months), "/api/v1/months").await).await;
    let m = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == month.to_string())
        .unwrap_or_else(|| panic!("{list}"));
    assert_eq!(
        (m["reports"]["exported"].as_i64(), m["reports"]["submitted"].as_i64()),
        (Some(1), Some(0))
    );
    assert_eq!(
        (m["archives"].as_i64(), m["deadline"].as_str()),
        (Some(1), Some(month.fk_deadline().to_string().as_str()))
    );
    assert!(m["archived_at"].is_string());
    // The month's findings: no error in an exported month; counted warnings and notes.
    let f = json(get(&app, Some(&months), &format!("/api/v1/months/{month}/findings")).await).await;
    assert_eq!(f["errors"], serde_json::json!([]));
    assert!(
        f["others"].as_array().unwrap().len() as u64
            <= f["warnings"].as_u64().unwrap() + f["notes"].as_u64().unwrap()
    );

    // Each with its own scope; another municipality's token finds none of it.
    for (path, wrong) in [
        (format!("/api/v1/months/{month}/documents"), &payroll),
        (r["href"].as_str().unwrap().to_string(), &months),
        (format!("/api/v1/months/{month}/payroll"), &archives),
        (a["href"].as_str().unwrap().to_string(), &payroll),
        (format!("/api/v1/months/{month}/findings"), &archives),
    ] {
        assert_eq!(get(&app, Some(wrong), &path).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let (other, _) = app.login("admin.provstad").await;
    let theirs = token(&app, &other, "Provstad", &["archives_read", "payroll_read"]).await;
    for path in [
        r["href"].as_str().unwrap(),
        c["href"].as_str().unwrap(),
        a["href"].as_str().unwrap(),
        a["manifest_href"].as_str().unwrap(),
    ] {
        assert_eq!(get(&app, Some(&theirs), path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let theirs_docs =
        json(get(&app, Some(&theirs), &format!("/api/v1/months/{month}/documents")).await).await;
    assert_eq!(theirs_docs["reports"], serde_json::json!([]));
    let theirs_pay =
        json(get(&app, Some(&theirs), &format!("/api/v1/months/{month}/payroll")).await).await;
    assert_eq!(theirs_pay["items"], serde_json::json!([]));
    let their_months = token(&app, &other, "Provstads månader", &["months_read"]).await;
    let list = json(get(&app, Some(&their_months), "/api/v1/months").await).await;
    assert!(
        list["items"].as_array().unwrap().iter().all(|m| m["month"] != month.to_string()),
        "{list}"
    );
}

/// A month with an error: the API lists it, with its rule and the rows, in the language asked.
#[tokio::test]
async fn the_api_lists_a_months_errors_with_their_rule_and_rows() {
    use crate::api_v1::{get, token};
    let app = spawn_app().await;
    let month = next_month();
    let (admin, _) = app.login("admin").await;
    // A standby row where no decision grants standby: V4, an error.
    let (elis, david) = (
        app.id("SELECT id FROM recipients WHERE first_name = 'Elis'").await,
        app.id("SELECT id FROM assistants WHERE first_name = 'David'").await,
    );
    query("UPDATE decisions SET beredskap_allowed = FALSE WHERE recipient_id = $1")
        .bind(elis)
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let date = month.first_day() + chrono::Duration::days(4);
    let row = engine::TimeRow::new(
        date,
        chrono::NaiveTime::from_hms_opt(20, 0, 0).unwrap(),
        chrono::NaiveTime::from_hms_opt(22, 0, 0).unwrap(),
        false,
        engine::TimeKind::Beredskap,
    )
    .unwrap();
    let by = app.id("SELECT id FROM users WHERE username = 'david'").await;
    let id: i64 = query(format!(
        "INSERT INTO time_rows (tenant_id, assistant_id, recipient_id, work_date, start_time, end_time, ends_next_day, kind, minutes, created_by, start_at, end_at) \
         VALUES ((SELECT tenant_id FROM recipients WHERE id = {elis}), {david}, {elis}, '{date}', '20:00', '22:00', FALSE, 'beredskap', 120, {by}, {}, {}) RETURNING id",
        row.start_at().timestamp(),
        row.end_at().timestamp()
    ))
    .scalar(&mut app.db().await)
    .await
    .unwrap();
    let t = token(&app, &admin, "Månaderna", &["months_read"]).await;
    let res = client()
        .get(app.url(&format!("/api/v1/months/{month}/findings")))
        .bearer_auth(&t)
        .header("accept-language", "sv")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let f: serde_json::Value = res.json().await.unwrap();
    let v4 = f["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["rule"] == "V4")
        .unwrap_or_else(|| panic!("{f}"));
    assert_eq!(v4["severity"], "error");
    assert_eq!(v4["rows"], serde_json::json!([id]));
    assert!(!v4["message"].as_str().unwrap().is_empty());
    // The month's report says it has an error.
    let m: serde_json::Value =
        get(&app, Some(&t), &format!("/api/v1/months/{month}")).await.json().await.unwrap();
    assert!(
        m["reports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["error"] == true && r["recipient"]["id"] == elis),
        "{m}"
    );
}
