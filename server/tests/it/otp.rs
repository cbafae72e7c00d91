//! Issue 26: a local account's second factor. The authenticator app's codes are computed here
//! with `totp-rs` from the key the page shows, independently of BITA's own checking.

use crate::common::*;
use reqwest::StatusCode;
use server::demo::DEMO_PASSWORD;

/// The code an authenticator app with this key shows at `unix` seconds.
fn app_code(key: &str, unix: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(key.replace(' ', "")).unwrap();
    let t = totp_rs::Builder::new().with_secret(secret).with_account_name("x").build().unwrap();
    t.generate(unix).to_string()
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

/// Signs in with the password; the sign-in page then asks for the code. The browser and the
/// code form's token.
async fn password_first(app: &TestApp) -> (reqwest::Client, String) {
    let (c, res) = app.try_login("admin", DEMO_PASSWORD).await;
    assert_eq!(res.headers()["location"], "/logga-in?kod=1", "the code comes next");
    let (_, page) = app.page(&c, "/logga-in?kod=1").await;
    assert!(page.contains("name=\"code\"") && !page.contains("name=\"password\""), "{page}");
    // The password alone opened no session.
    let res = c.get(app.url("/admin")).send().await.unwrap();
    assert!(res.status().is_redirection() && res.headers()["location"] == "/logga-in");
    (c, csrf_of(&page))
}

async fn give_code(app: &TestApp, c: &reqwest::Client, csrf: &str, code: &str) -> String {
    let res = c
        .post(app.url("/engangskod"))
        .form(&[("code", code), ("csrf", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    res.headers()["location"].to_str().unwrap().to_string()
}

#[tokio::test]
async fn an_account_adds_a_second_factor_and_signs_in_with_password_and_code_each_code_once() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    // Exempelby reserves its administrator's pages for a strong sign-in: a password is not
    // enough.
    query("UPDATE tenants SET strong_for = 'admin' WHERE name = 'Exempelby kommun'")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let res = admin.get(app.url("/admin")).send().await.unwrap();
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/logga-in?till="));

    // The account page: off; started, a QR code and the key to type.
    let (_, page) = app.page(&admin, "/konto/tvastegs").await;
    assert!(page.contains("Tvåstegsverifiering är inte påslagen"), "{page}");
    let to = app.post(&admin, "/konto/tvastegs/borja", &[]).await;
    assert_eq!(to, "/konto/tvastegs");
    let (_, page) = app.page(&admin, "/konto/tvastegs").await;
    assert!(page.contains("<svg") && page.contains("QR-kod för autentiseringsappen"), "{page}");
    let key = page.split("<code class=\"secret\">").nth(1).unwrap().split('<').next().unwrap();
    let key = key.to_string();
    assert_eq!(key.replace(' ', "").len(), 32, "160 bits, base32");

    // A wrong code turns nothing on; the app's code does, and the ten recovery codes are
    // shown once.
    let to = app.post(&admin, "/konto/tvastegs/bekrafta", &[("code", "000000")]).await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("Koden stämmer inte"), "{page}");
    let first = app_code(&key, now());
    app.post(&admin, "/konto/tvastegs/bekrafta", &[("code", &first)]).await;
    let (_, page) = app.page(&admin, "/konto/tvastegs").await;
    assert!(page.contains("Tvåstegsverifiering är påslagen"), "{page}");
    let codes: Vec<String> = page
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{page}");
    let (_, page) = app.page(&admin, "/konto/tvastegs").await;
    assert!(!page.contains(&codes[0]), "the recovery codes are shown once");
    assert!(
        page.contains("Oanvända reservkoder:") && page.contains("<strong>10</strong>"),
        "{page}"
    );
    // This session proved the second factor: the administrator's pages open.
    let res = admin.get(app.url("/admin")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let secret_logged = format!(
        "SELECT COUNT(*) FROM audit_log WHERE COALESCE(after, '') LIKE '%{}%'",
        key.replace(' ', "")
    );
    assert_eq!(app.id(&secret_logged).await, 0, "the key is never in the log");

    // Signing in: the password, then a code. The code already used is refused (a code works
    // once), then a recovery code lets the person in, strongly.
    let (c, csrf) = password_first(&app).await;
    let to = give_code(&app, &c, &csrf, &first).await;
    assert_eq!(to, "/logga-in?kod=1");
    let (_, page) = app.page(&c, &to).await;
    assert!(page.contains("Koden stämmer inte"), "{page}");
    let to = give_code(&app, &c, &csrf, &codes[0].to_lowercase()).await;
    assert_eq!(to, "/admin");
    assert_eq!(c.get(app.url("/admin")).send().await.unwrap().status(), StatusCode::OK);

    // The same recovery code again: refused. The app's next code: in.
    let (c, csrf) = password_first(&app).await;
    assert_eq!(give_code(&app, &c, &csrf, &codes[0]).await, "/logga-in?kod=1");
    let next = app_code(&key, now() + 30);
    assert_eq!(give_code(&app, &c, &csrf, &next).await, "/admin");
    let ok = app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.otp'").await;
    let failed = app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.otp.failed'").await;
    assert_eq!((ok, failed), (2, 2));

    // A code given without a password first: nobody is signed in.
    let c = client();
    let (_, page) = app.page(&c, "/logga-in?kod=1").await;
    let to = give_code(&app, &c, &csrf_of(&page), &next).await;
    assert_eq!(to, "/logga-in");
    assert!(c.get(app.url("/admin")).send().await.unwrap().status().is_redirection());

    // Turning it off needs a code: a wrong one is refused, a recovery code turns it off.
    let to = app.post(&admin, "/konto/tvastegs/ta-bort", &[("code", "123456")]).await;
    assert!(app.page(&admin, &to).await.1.contains("Koden stämmer inte"));
    app.post(&admin, "/konto/tvastegs/ta-bort", &[("code", &codes[1])]).await;
    assert_eq!(app.id("SELECT COUNT(*) FROM second_factors").await, 0);
    assert_eq!(app.id("SELECT COUNT(*) FROM recovery_codes").await, 0);
    let (_, res) = app.try_login("admin", DEMO_PASSWORD).await;
    assert_eq!(res.headers()["location"], "/admin", "the password alone again");
}

#[tokio::test]
async fn the_administrator_takes_away_a_lost_second_factor_in_their_own_municipality_only() {
    let app = spawn_app().await;
    let (anna, _) = app.login("anna").await;
    app.post(&anna, "/konto/tvastegs/borja", &[]).await;
    let (_, page) = app.page(&anna, "/konto/tvastegs").await;
    let key = page.split("<code class=\"secret\">").nth(1).unwrap().split('<').next().unwrap();
    app.post(&anna, "/konto/tvastegs/bekrafta", &[("code", &app_code(key, now()))]).await;
    let (_, res) = app.try_login("anna", DEMO_PASSWORD).await;
    assert_eq!(res.headers()["location"], "/logga-in?kod=1");
    let assistant = app.id("SELECT id FROM assistants WHERE first_name = 'Anna'").await.to_string();
    let form = [("owner", "assistant"), ("id", assistant.as_str()), ("action", "otp_reset")];

    // Another municipality's administrator: Anna is unknown there; nothing changes.
    let (other, _) = app.login("admin.provstad").await;
    let mut fields = form.to_vec();
    fields.extend([("csrf", other.csrf.as_str()), ("idem", "k-other")]);
    let res = other.post(app.url("/admin/konto")).form(&fields).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.id("SELECT COUNT(*) FROM second_factors").await, 1);

    // Her own municipality's administrator sees it on her card and takes it away, audited.
    let (admin, _) = app.login("admin").await;
    let (_, page) = app.page(&admin, &format!("/admin/assistent?id={assistant}")).await;
    assert!(page.contains("Ta bort tvåstegsverifiering"), "{page}");
    let to = app.post(&admin, "/admin/konto", &form).await;
    assert!(app.page(&admin, &to).await.1.contains("Tvåstegsverifieringen är borttagen"));
    assert_eq!(app.id("SELECT COUNT(*) FROM second_factors").await, 0);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'otp.reset'").await, 1);
    let (_, res) = app.try_login("anna", DEMO_PASSWORD).await;
    assert_eq!(res.headers()["location"], "/assistent", "the password alone again");
    let (_, page) = app.page(&admin, &format!("/admin/assistent?id={assistant}")).await;
    assert!(!page.contains("Ta bort tvåstegsverifiering"));
}
