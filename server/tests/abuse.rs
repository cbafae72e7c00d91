//! Issue 23: one user cannot bring down every municipality. Each test is an attack that worked
//! before (uploads, the public archive check, the login burst, hostile files, leaking cookies
//! and names) and asserts what must hold instead, through real HTTP on a real database (SQLite,
//! and PostgreSQL in the test command's second pass).

mod common;

use common::*;
use std::io::Write;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::Barrier;

/// A logged-in browser with its session cookie's value (for requests made by hand).
async fn login_with_cookie(app: &TestApp, user: &str) -> (User, String) {
    let (c, res) = app.try_login(user, server::demo::DEMO_PASSWORD).await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| {
            v.strip_prefix("bita_session=")
                .map(|v| v.split(';').next().unwrap_or_default().to_string())
        })
        .expect("a session cookie at login");
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let page = c.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    (User { c, csrf: csrf_of(&page) }, cookie)
}

/// Sends a post's headers saying `length` bytes of body will follow, and only the first
/// `sent` of them; returns the status line the server answers within two seconds (None: it
/// waited for the rest of the body). A server that decides from the headers answers at once.
async fn answer_before_body(
    app: &TestApp,
    path: &str,
    headers: &[(&str, String)],
    length: usize,
    sent: usize,
) -> Option<String> {
    let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let mut req =
        format!("POST {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {length}\r\n", app.addr);
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    s.write_all(&vec![b'x'; sent]).await.unwrap();
    let mut buf = vec![0u8; 4096];
    match tokio::time::timeout(Duration::from_secs(2), s.read(&mut buf)).await {
        Ok(Ok(n)) if n > 0 => String::from_utf8_lossy(&buf[..n]).lines().next().map(str::to_string),
        _ => None,
    }
}

/// The resident memory of this test process (the server runs in it), in MB.
fn rss_mb() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    statm.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok()).unwrap_or(0) * 4096
        / (1 << 20)
}

/// A PDF of the given objects (numbered from 1; object 1 is the catalog) with a correct
/// cross-reference table, for files no library would write.
fn pdf(objects: &[&[u8]]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = vec![];
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(o);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// One page with a form whose field `name` is a text field; `extra` goes into the catalog.
fn form_pdf(extra: &str, field_extra: &str) -> Vec<u8> {
    let catalog =
        format!("<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> {extra} >>");
    let field = format!(
        "<< /T (flt_txtAr1[0]) /FT /Tx /Type /Annot /Subtype /Widget /Rect [0 0 100 20] /P 3 0 R {field_extra} >>"
    );
    pdf(&[
        catalog.as_bytes(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [4 0 R] >>",
        field.as_bytes(),
    ])
}

/// Uploads an FK form as the export page's form does (the token in the address); the answer.
async fn upload_form(
    app: &TestApp,
    u: &User,
    pdf: Vec<u8>,
    mapping: Option<Vec<u8>>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new()
        .text("typ", "3059")
        .text("manad", "2026-10")
        .part("fil", reqwest::multipart::Part::bytes(pdf).file_name("fk3059.pdf"));
    if let Some(m) = mapping {
        form = form.part("karta", reqwest::multipart::Part::bytes(m).file_name("karta.json"));
    }
    u.post(app.url(&format!("/admin/export/blankett?csrf={}", u.csrf)))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// The export page's message after an upload.
async fn after(app: &TestApp, u: &User, res: reqwest::Response) -> String {
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = res.headers()["location"].to_str().unwrap().to_string();
    app.page(u, &to).await.1
}

#[tokio::test]
async fn only_an_administrator_reaches_the_form_upload_and_hostile_forms_and_mappings_are_refused()
{
    let app = spawn_app().await;
    let (anna, anna_cookie) = login_with_cookie(&app, "anna").await;
    // 1. An assistant is refused before a byte of the body is read: a 105-byte mapping asking
    // for 30 million rows never reaches the parser (it aborted the server before).
    let bomb = br#"{"form":"x","fields":{},"rows":{"blocks":["a"],"per_block":30000000,"fields":{"a":"b{i}","c":"d{i}"}}}"#.to_vec();
    let res = upload_form(&app, &anna, form_pdf("", ""), Some(bomb.clone())).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let headers = [
        ("Cookie", format!("bita_session={anna_cookie}")),
        ("Content-Type", "multipart/form-data; boundary=x".to_string()),
    ];
    let status = answer_before_body(
        &app,
        &format!("/admin/export/blankett?csrf={}", anna.csrf),
        &headers,
        20 << 20,
        10,
    )
    .await;
    assert!(
        status.as_deref().is_some_and(|s| s.contains("403")),
        "refused from the headers, before the body: {status:?}"
    );

    // The administrator: the same mapping is refused with a message, and the server answers.
    let (admin, _) = app.login("admin").await;
    let page =
        after(&app, &admin, upload_form(&app, &admin, form_pdf("", ""), Some(bomb)).await).await;
    assert!(page.contains("Kartan är inte giltig"), "{}", page.split("<main").nth(1).unwrap_or(""));
    // A field that is its own kid: answered at once (the walk remembers what it visited).
    let own_kid = pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /T (loop) /Kids [4 0 R 4 0 R 5 0 R] >>",
        b"<< /T (inner) /Kids [4 0 R 5 0 R] >>",
    ]);
    let started = std::time::Instant::now();
    let page = after(&app, &admin, upload_form(&app, &admin, own_kid, None).await).await;
    assert!(started.elapsed() < Duration::from_secs(15), "answered, not spinning");
    assert!(page.contains("inga ifyllbara fält"), "{}", page.split("<main").nth(1).unwrap_or(""));
    assert_eq!(app.id("SELECT COUNT(*) FROM fk_forms").await, 0, "nothing stored");
    // A form with a script that runs when it opens, and a field action: kept without them.
    let scripted = form_pdf(
        "/OpenAction << /S /JavaScript /JS (app.alert(1)) >> /Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (app.alert(2)) >>] >> >>",
        "/AA << /K << /S /JavaScript /JS (app.alert(3)) >> >> /A << /S /Launch /F (calc.exe) >>",
    );
    let page = after(&app, &admin, upload_form(&app, &admin, scripted, None).await).await;
    assert!(
        page.contains("data-form=\"3059\""),
        "the form itself is kept: {}",
        page.split("<main").nth(1).unwrap_or("")
    );
    let stored: Vec<u8> =
        query("SELECT pdf FROM fk_forms").scalar(&mut app.db().await).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kept.pdf"), &stored).unwrap();
    let out = std::process::Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(dir.path().join("kept.pdf"))
        .arg(dir.path().join("plain.pdf"))
        .status()
        .unwrap();
    assert!(out.code().is_some_and(|c| c == 0 || c == 3));
    let plain =
        String::from_utf8_lossy(&std::fs::read(dir.path().join("plain.pdf")).unwrap()).to_string();
    for active in ["JavaScript", "OpenAction", "/AA", "Launch", "calc.exe", "app.alert"] {
        assert!(!plain.contains(active), "{active} is removed from the kept form");
    }
    assert!(plain.contains("flt_txtAr1"), "the field stays");
}

#[tokio::test]
async fn a_form_that_unpacks_too_far_or_has_too_many_pages_is_refused_with_memory_bounded() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    // 256 MiB of zeros, compressed to a few hundred kB: past the unpacked limit (64 MiB).
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..256 {
        z.write_all(&zeros).unwrap();
    }
    let bomb = z.finish().unwrap();
    let before = rss_mb();
    let mut stream =
        format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", bomb.len()).into_bytes();
    stream.extend_from_slice(&bomb);
    stream.extend_from_slice(b"\nendstream");
    let catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>";
    let page =
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Annots [4 0 R] >>";
    let field = b"<< /T (flt_txtAr1[0]) /FT /Tx /Type /Annot /Subtype /Widget /Rect [0 0 100 20] /P 3 0 R >>";
    let file = pdf(&[catalog, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page, field, &stream]);
    let message = after(&app, &admin, upload_form(&app, &admin, file, None).await).await;
    assert!(
        message.contains("kan inte vara Försäkringskassans blankett"),
        "{}",
        message.split("<main").nth(1).unwrap_or("")
    );
    assert!(
        rss_mb() < before + 200,
        "the server's memory stayed bounded: {} MB → {} MB",
        before,
        rss_mb()
    );
    // 400,000 pages (one page object listed over and over: 2.4 MB).
    let kids = "3 0 R ".repeat(400_000);
    let pages = format!("<< /Type /Pages /Kids [{kids}] /Count 400000 >>");
    let file = pdf(&[catalog, pages.as_bytes(), page, field]);
    let started = std::time::Instant::now();
    let message = after(&app, &admin, upload_form(&app, &admin, file, None).await).await;
    assert!(
        message.contains("kan inte vara Försäkringskassans blankett"),
        "{}",
        message.split("<main").nth(1).unwrap_or("")
    );
    assert!(started.elapsed() < Duration::from_secs(29), "answered within the request's time");
    assert_eq!(app.id("SELECT COUNT(*) FROM fk_forms").await, 0);
    assert_eq!(app.page(&admin, "/healthz").await.0, StatusCode::OK);
}

/// A ZIP whose manifest unpacks to ~48 MiB (one very long path) from a few tens of kB.
fn manifest_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("manifest.json", options).unwrap();
    let path = "a".repeat(48 << 20);
    write!(zip, r#"{{"format":"bita-month-archive/1","municipality":{{"id":1,"name":"X"}},"month":"2026-10","version":1,"created_at":"x","public_key":"","files":[{{"path":"{path}","sha256":"","bytes":1}}],"corrections":[]}}"#).unwrap();
    zip.start_file("manifest.json.sig", options).unwrap();
    zip.write_all(b"00").unwrap();
    zip.finish().unwrap().into_inner()
}

#[tokio::test]
async fn the_public_archive_check_answers_in_the_page_and_keeps_nothing_even_in_parallel() {
    let app = spawn_app().await;
    let sessions = || async { app.id("SELECT COUNT(*) FROM sessions").await };
    let before = sessions().await;
    let bomb = manifest_bomb();
    assert!(bomb.len() < 200_000);
    let rss = rss_mb();
    let barrier = Arc::new(Barrier::new(6));
    let mut tasks = vec![];
    for _ in 0..6 {
        let (url, bomb, barrier) = (app.url("/verifiera"), bomb.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            let form = reqwest::multipart::Form::new()
                .part("arkiv", reqwest::multipart::Part::bytes(bomb).file_name("arkiv.zip"));
            barrier.wait().await;
            client().post(url).multipart(form).send().await.unwrap()
        }));
    }
    for t in tasks {
        let res = t.await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "the result is the answer to the upload");
        assert!(
            res.headers()
                .get_all("set-cookie")
                .iter()
                .all(|c| !c.to_str().unwrap_or("").starts_with("bita_session")),
            "no session for an anonymous visitor"
        );
        let page = res.text().await.unwrap();
        assert!(
            page.contains("Arkivet stämmer inte")
                && page.contains("packas upp till mer än ett månadsarkiv kan"),
            "{}",
            page.split("<main").nth(1).unwrap_or("")
        );
        assert!(page.len() < 100_000, "the report is bounded: {} bytes", page.len());
    }
    assert_eq!(sessions().await, before, "nothing stored for anonymous visitors");
    assert!(
        rss_mb() < rss + 300,
        "memory stayed bounded under six parallel checks: {rss} MB → {} MB",
        rss_mb()
    );
    // A real archive's many problems are listed up to the bound, and the rest counted.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    let files: Vec<String> =
        (0..500).map(|i| format!(r#"{{"path":"f{i}","sha256":"","bytes":1}}"#)).collect();
    zip.start_file("manifest.json", options).unwrap();
    write!(zip, r#"{{"format":"bita-month-archive/1","municipality":{{"id":1,"name":"X"}},"month":"2026-10","version":1,"created_at":"x","public_key":"","files":[{}],"corrections":[]}}"#, files.join(",")).unwrap();
    let zip = zip.finish().unwrap().into_inner();
    let form = reqwest::multipart::Form::new()
        .part("arkiv", reqwest::multipart::Part::bytes(zip).file_name("arkiv.zip"));
    let page = client()
        .post(app.url("/verifiera"))
        .multipart(form)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Arkivet saknar signaturen"));
    assert_eq!(page.matches("Saknas i arkivet:").count(), export::archive::MAX_PROBLEMS - 1);
    assert!(
        page.contains("Fler fel som inte visas: 451"),
        "signature missing + 500 missing files, 50 listed"
    );
}

#[tokio::test]
async fn posts_are_decided_from_their_headers_before_the_body_is_read() {
    let app = spawn_app().await;
    let (admin, admin_cookie) = login_with_cookie(&app, "admin").await;
    let upload = format!("/admin/export/blankett?csrf={}", admin.csrf);
    let multipart = ("Content-Type", "multipart/form-data; boundary=x".to_string());
    let session = ("Cookie", format!("bita_session={admin_cookie}"));
    let mb20 = 20 << 20;
    // Cross-site: 403 at once (forty such posts took the server to 954 MB before).
    let cross =
        [multipart.clone(), session.clone(), ("Origin", "https://evil.example".to_string())];
    assert!(
        answer_before_body(&app, &upload, &cross, mb20, 100)
            .await
            .is_some_and(|s| s.contains("403"))
    );
    // Logged out: to the login page at once.
    assert!(
        answer_before_body(&app, &upload, std::slice::from_ref(&multipart), mb20, 100)
            .await
            .is_some_and(|s| s.contains("303"))
    );
    // The administrator without the page's token: 403 at once.
    let no_token = [multipart.clone(), session.clone()];
    assert!(
        answer_before_body(&app, "/admin/export/blankett?csrf=00", &no_token, mb20, 100)
            .await
            .is_some_and(|s| s.contains("403"))
    );
    // Larger than the route takes: 413 at once, for a form post and for an upload.
    assert!(
        answer_before_body(&app, &upload, &no_token, 30 << 20, 100)
            .await
            .is_some_and(|s| s.contains("413"))
    );
    assert!(
        answer_before_body(&app, "/admin/beslut", std::slice::from_ref(&session), 1 << 20, 100)
            .await
            .is_some_and(|s| s.contains("413"))
    );
    // The scheme counts: an https origin is another site than this http one.
    let res = admin
        .post(app.url("/admin/paminn"))
        .header("Origin", format!("https://{}", app.addr))
        .form(&[("csrf", admin.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // And the server is as it was.
    let (anna, _) = app.login("anna").await;
    assert_eq!(app.page(&anna, "/assistent").await.0, StatusCode::OK);
    // A body without a length is cut off at the route's limit.
    let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /admin/beslut HTTP/1.1\r\nHost: {}\r\nCookie: bita_session={admin_cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
        app.addr
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 1 << 16, "a".repeat(1 << 16));
    for _ in 0..4 {
        if s.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await.unwrap().unwrap();
    assert!(
        String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 413"),
        "{}",
        String::from_utf8_lossy(&buf[..n])
    );
}

/// What a login's answer said (the login page's message cookie), or that it logged in.
fn outcome(res: &reqwest::Response) -> &'static str {
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("bita_login_msg="))
        .unwrap_or("");
    match res.headers()["location"].to_str().unwrap() {
        "/logga-in" if cookie.starts_with("bita_login_msg=e=0") => "checked",
        "/logga-in" if cookie.starts_with("bita_login_msg=e=2") => "throttled",
        "/logga-in" => "other",
        _ => "in",
    }
}

#[tokio::test]
async fn a_burst_of_logins_gets_no_more_guesses_than_one_after_another() {
    let app = spawn_app().await;
    let n = 80;
    let barrier = Arc::new(Barrier::new(n + 1));
    let mut tasks = vec![];
    for i in 0..=n {
        let (base, barrier) = (app.base.clone(), barrier.clone());
        let password =
            if i == n { server::demo::DEMO_PASSWORD.to_string() } else { format!("wrong-{i}") };
        tasks.push(tokio::spawn(async move {
            let c = client();
            let page =
                c.get(format!("{base}/logga-in")).send().await.unwrap().text().await.unwrap();
            let form = [
                ("username", "anna".to_string()),
                ("password", password),
                ("csrf", csrf_of(&page)),
            ];
            barrier.wait().await;
            let res = c.post(format!("{base}/logga-in")).form(&form).send().await.unwrap();
            (i == n, outcome(&res))
        }));
    }
    let mut answers = vec![];
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let checked = answers.iter().filter(|(_, o)| matches!(*o, "checked" | "in")).count();
    // One after another, the free attempts and the one that starts the back-off are checked;
    // a right password among them forgets the failures before it (as it does one after
    // another), so when it got in early the wrong ones after it get as many again.
    let free = (app::service::auth::PER_USERNAME.free + 1) as usize;
    let sequential = if answers.iter().any(|(_, o)| *o == "in") { 2 * free } else { free };
    assert!(
        checked <= sequential,
        "at most {sequential} passwords were checked, as one after another: {checked} of {}",
        n + 1
    );
    assert_eq!(
        answers.iter().filter(|(_, o)| *o == "throttled").count(),
        n + 1 - checked,
        "the rest were refused unchecked"
    );
    assert!(
        answers.iter().all(|(right, o)| *o != "in" || *right),
        "only the right password logs in"
    );
    // The audit log has one entry per checked attempt, none per refused one; the refused are
    // summarised once per counter.
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action IN ('login.failed', 'login.locked', 'login')").await, checked as i64);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.throttled'").await, 0);
    let repo = server::db::DbRepo::new(app.pool.clone());
    assert_eq!(app::service::auth::summarise_refused(&repo).await.unwrap(), 1);
    let after: String = query("SELECT after FROM audit_log WHERE action = 'login.throttled'")
        .scalar(&mut app.db().await)
        .await
        .unwrap();
    assert!(
        after.contains(&format!("\"refused\":{}", n + 1 - checked))
            && after.contains("\"counter\":\"user\""),
        "{after}"
    );
    assert_eq!(app::service::auth::summarise_refused(&repo).await.unwrap(), 0, "summarised once");
}

#[tokio::test]
async fn a_successful_login_takes_back_its_place_in_the_address_counter() {
    let app = spawn_app().await;
    // More logins from one address (a municipality's NAT) than its free failures.
    for _ in 0..(app::service::auth::PER_CLIENT.free + 3) {
        let (_, res) = app.try_login("hanna", server::demo::DEMO_PASSWORD).await;
        assert_eq!(outcome(&res), "in");
    }
}

#[tokio::test]
async fn a_new_password_deactivation_or_reset_ends_the_sessions_on_every_server() {
    let app = spawn_app().await;
    let second = app.another_server().await;
    let (anna, _) = app.login("anna").await;
    let (anna2, _) = {
        let (c, res) = TestApp::try_login_at(&second, "anna", server::demo::DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        (c, ())
    };
    assert_eq!(app.page(&anna, "/assistent").await.0, StatusCode::OK);
    assert_eq!(
        anna2.get(format!("{second}/assistent")).send().await.unwrap().status(),
        StatusCode::OK
    );
    // The administrator gives Anna a new one-time link (a password reset).
    let (admin, _) = app.login("admin").await;
    let assistant = app.id("SELECT id FROM assistants WHERE first_name = 'Anna'").await.to_string();
    app.post(
        &admin,
        "/admin/konto",
        &[("owner", "assistant"), ("id", &assistant), ("action", "link")],
    )
    .await;
    let res = anna.get(app.url("/assistent")).send().await.unwrap();
    assert!(logged_out(&res), "logged out on this server");
    let res = anna2.get(format!("{second}/assistent")).send().await.unwrap();
    assert!(logged_out(&res), "and on the other");
    // A post of the old session is refused too.
    let res = anna
        .post(app.url("/assistent/rad"))
        .form(&[("csrf", anna.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], "/logga-in");
    // A session started afterwards works; deactivation ends it too.
    let (anna, _) = app.login("anna").await;
    app.post(
        &admin,
        "/admin/konto",
        &[("owner", "assistant"), ("id", &assistant), ("action", "deactivate")],
    )
    .await;
    app.post(
        &admin,
        "/admin/konto",
        &[("owner", "assistant"), ("id", &assistant), ("action", "activate")],
    )
    .await;
    let res = anna.get(app.url("/assistent")).send().await.unwrap();
    assert!(logged_out(&res), "reactivating does not revive the session");
    // A password set through the link ends the sessions started before it.
    let (hanna, _) = app.login("hanna").await;
    let user = app.id("SELECT id FROM users WHERE username = 'hanna'").await;
    query("UPDATE users SET password_hash = 'x' WHERE id = $1")
        .bind(user)
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let res = hanna.get(app.url("/assistent")).send().await.unwrap();
    assert!(logged_out(&res), "the database ends them, whatever path changed the password");
}

/// The answer a page gives a session that has ended: the login page.
fn logged_out(res: &reqwest::Response) -> bool {
    res.headers().get("location").is_some_and(|l| l == "/logga-in")
}

#[tokio::test]
async fn every_cookie_is_secure_under_https() {
    let app = spawn_app_with(|c| {
        c.secure_cookies = true;
    })
    .await;
    let c = client();
    let res = c.get(app.url("/logga-in")).send().await.unwrap();
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let page = res.text().await.unwrap();
    assert!(cookies.iter().any(|c| c.starts_with("bita_login=")), "{cookies:?}");
    let form = [("username", "anna"), ("password", "wrong"), ("csrf", &csrf_of(&page))];
    let res = c
        .post(app.url("/logga-in"))
        .header("Origin", format!("https://{}", app.addr))
        .form(&form)
        .send()
        .await
        .unwrap();
    let mut all = cookies;
    all.extend(res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()));
    let res = c
        .post(app.url("/sprak"))
        .header("Origin", format!("https://{}", app.addr))
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    all.extend(res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()));
    for name in ["bita_login=", "bita_login_msg=", "bita_lang="] {
        let cookie = all
            .iter()
            .find(|c| c.starts_with(name))
            .unwrap_or_else(|| panic!("{name} set: {all:?}"));
        assert!(cookie.contains("Secure"), "{cookie}");
    }
}

#[tokio::test]
async fn usernames_follow_one_rule_and_a_taken_one_does_not_say_where() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let assistant = app.id("SELECT id FROM assistants WHERE first_name = 'Hanna'").await;
    query("DELETE FROM users WHERE username = 'hanna'").execute(&mut app.db().await).await.unwrap();
    let id = assistant.to_string();
    let create = |name: String| {
        let (app, admin, id) = (&app, &admin, id.clone());
        async move {
            let to = app
                .post(
                    admin,
                    "/admin/konto",
                    &[
                        ("owner", "assistant"),
                        ("id", &id),
                        ("action", "create"),
                        ("username", &name),
                    ],
                )
                .await;
            app.page(admin, &to).await.1
        }
    };
    // 65 characters could be stored but never log in: refused where the account is made.
    let page = create("h".repeat(65)).await;
    assert!(page.contains("högst 64 tecken"), "{}", page.split("<main").nth(1).unwrap_or(""));
    // "frida" is taken in another municipality: refused without saying it exists.
    let page = create("frida".into()).await;
    assert!(
        page.contains("Det användarnamnet kan inte användas"),
        "{}",
        page.split("<main").nth(1).unwrap_or("")
    );
    assert!(!page.contains("upptaget") && !page.contains("finns redan"));
    assert_eq!(
        app.id("SELECT COUNT(*) FROM users WHERE assistant_id IS NOT NULL AND username = 'frida'")
            .await,
        1
    );
    // 64 characters are taken and log in.
    let name = "h".repeat(64);
    let page = create(name.clone()).await;
    assert!(page.contains("/inbjudan?kod="), "{}", page.split("<main").nth(1).unwrap_or(""));
}

#[tokio::test]
async fn a_text_xml_cannot_hold_is_refused_where_it_is_typed() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let id = app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await.to_string();
    let to = app
        .post(
            &admin,
            "/admin/brukarkort/spara",
            &[
                ("id", &id),
                ("personnummer", ""),
                ("first_name", "Bo\u{FFFF}"),
                ("last_name", "Berg"),
            ],
        )
        .await;
    let page = app.page(&admin, &to).await.1;
    assert!(page.contains("aria-invalid=\"true\""), "{}", page.split("<main").nth(1).unwrap_or(""));
    assert_eq!(
        app.id("SELECT COUNT(*) FROM recipients WHERE first_name = 'Bo'").await,
        1,
        "unchanged"
    );
}

#[tokio::test]
async fn downloads_that_the_audit_log_records_are_posts_with_the_token() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let month = app::service::context::this_month().to_string();
    let audited =
        || async { app.id("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'export.csv%'").await };
    // A link (GET) from another site writes nothing.
    let res = admin.get(app.url(&format!("/admin/export.csv?manad={month}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    let res = admin
        .post(app.url("/admin/export.csv"))
        .form(&[("manad", month.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "no token");
    assert_eq!(audited().await, 0);
    let res = admin
        .post(app.url("/admin/export.csv"))
        .form(&[("manad", month.as_str()), ("csrf", admin.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().starts_with('\u{feff}'));
    assert_eq!(audited().await, 1);
}

#[tokio::test]
async fn reading_a_big_csv_never_holds_another_municipality_s_saves() {
    let app = spawn_app().await;
    let gustav = app.id("SELECT id FROM recipients WHERE first_name = 'Gustav'").await.to_string();
    let assistants = app.id("SELECT COUNT(*) FROM assistants").await;
    // 60,000 lines of assistants (3.4 MB): seconds of checking.
    let mut csv = String::from("personnummer;förnamn;efternamn\n");
    for i in 0..60_000u32 {
        let day = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap()
            + chrono::Duration::days((i / 900) as i64);
        let nine = format!("{}{:03}", day.format("%y%m%d"), 100 + i % 900);
        let sum: u32 = nine
            .chars()
            .enumerate()
            .map(|(k, c)| {
                let d = c.to_digit(10).unwrap() * if k % 2 == 0 { 2 } else { 1 };
                d / 10 + d % 10
            })
            .sum();
        csv.push_str(&format!(
            "{}{nine}{};Namn{i};Efternamn\n",
            day.format("%C"),
            (10 - sum % 10) % 10
        ));
    }
    // Logged in now: the test server closes connections idle for a second.
    let (admin, _) = app.login("admin").await;
    let (frida, _) = app.login("frida").await;
    let url = app.url(&format!("/admin/import/provkor?csrf={}", admin.csrf));
    let form = reqwest::multipart::Form::new()
        .text("typ", "assistenter")
        .part("fil", reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("a.csv"));
    let dry_run = tokio::spawn({
        let c = admin.c.clone();
        async move {
            let res = c.post(url).multipart(form).send().await.unwrap();
            (std::time::Instant::now(), res.status())
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Frida (Provstad) saves a row meanwhile; it is answered before the dry run is.
    let day = app::service::context::this_month().first_day().to_string();
    app.post(
        &frida,
        "/assistent/rad",
        &[
            ("recipient", &gustav),
            ("date", &day),
            ("start", "08:00"),
            ("end", "09:00"),
            ("kind", "aktiv"),
        ],
    )
    .await;
    let saved = std::time::Instant::now();
    let (answered, status) = dry_run.await.unwrap();
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        saved < answered,
        "the other municipality's save did not wait for the dry run ({:?} before it)",
        answered - saved
    );
    assert_eq!(
        app.id("SELECT COUNT(*) FROM assistants").await,
        assistants,
        "a dry run writes nothing to the register"
    );
}
