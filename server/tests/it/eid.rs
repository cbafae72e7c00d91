//! Issue 26: sign-in, step-up and signing with e-legitimation through a real OpenID Provider
//! (npm's `oidc-provider`, `end2end/oidc/provider.mjs`, started once per test binary on
//! 127.0.0.1), through the real router: the browser is a cookie-keeping client that follows
//! the redirects itself, so a test can change what travels (a wrong nonce, a replayed return).

use crate::common::*;
use crate::signing::{next_month, recipient, reported, status, submitted};
use reqwest::{Client, StatusCode};
use std::sync::OnceLock;

const PNR_CLAIM: &str = "https://id.oidc.se/claim/personalIdentityNumber";
const LOA3: &str = "http://id.elegnamnden.se/loa/1.0/loa3";
const LOA2: &str = "http://id.elegnamnden.se/loa/1.0/loa2";

/// The test provider's issuer, started on first use (it stops when this process ends: its
/// standard input closes).
fn issuer() -> &'static str {
    static ISSUER: OnceLock<String> = OnceLock::new();
    ISSUER.get_or_init(|| start_provider(&[]))
}

/// A second test provider whose clock runs 400 seconds behind: its ID tokens (5 minutes) have
/// expired when they arrive.
fn late_issuer() -> &'static str {
    static ISSUER: OnceLock<String> = OnceLock::new();
    ISSUER.get_or_init(|| start_provider(&["--clock-behind=400"]))
}

fn start_provider(args: &[&str]) -> String {
    {
        use std::io::BufRead;
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../end2end");
        let mut child = std::process::Command::new("node")
            .args(["oidc/provider.mjs", "--until-stdin-closes"])
            .args(args)
            .current_dir(root)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect(
                "node runs end2end/oidc/provider.mjs (scripts/setup.sh installs oidc-provider)",
            );
        let out = child.stdout.take().unwrap();
        let mut line = String::new();
        std::io::BufReader::new(out).read_line(&mut line).unwrap();
        // Keep its standard input open for the life of the tests.
        std::mem::forget(child);
        line.trim().strip_prefix("ready ").expect("the provider says ready").to_string()
    }
}

/// Exempelby gets the test provider (as its administrator would, through the admin page) and
/// a short sign-in address; `require_strong_signing` also turns on strong signing.
async fn configure(app: &TestApp, issuer: &str, require_strong_signing: bool) {
    let (admin, _) = app.login("admin").await;
    let to = app
        .post(
            &admin,
            "/admin/inloggning/leverantor",
            &[
                ("name", "Test-BankID"),
                ("issuer", issuer),
                ("client_id", "bita"),
                ("client_secret", "bita-test-secret"),
                ("scopes", "profile email pnr"),
                ("pnr_claim", PNR_CLAIM),
                ("email_claim", "email"),
                ("strong_acr", LOA3),
            ],
        )
        .await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("Leverantören är tillagd"), "{page}");
    assert!(!page.contains("bita-test-secret"), "the secret is never shown again");
    let mut settings = vec![("slug", "exempelby"), ("password_login", "on")];
    if require_strong_signing {
        settings.push(("strong_signing", "on"));
    }
    app.post(&admin, "/admin/inloggning/installningar", &settings).await;
}

/// Follows redirects by hand (both sites' cookies kept) until a page answers; the last
/// address and the page.
async fn follow(c: &Client, mut url: String) -> (String, reqwest::Response) {
    for _ in 0..20 {
        let res = c.get(&url).send().await.unwrap();
        if !res.status().is_redirection() {
            return (url, res);
        }
        let to = res.headers()["location"].to_str().unwrap().to_string();
        url = if to.starts_with("http") { to } else { join(&url, &to) };
    }
    panic!("too many redirects");
}

fn join(from: &str, path: &str) -> String {
    let origin: String = from.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    format!("{origin}{path}")
}

/// Where a page that continues at the provider leads: its refresh and its link name it alike.
fn onward_of(page: &str) -> String {
    let refresh = page.split("content=\"0;url=").nth(1).unwrap().split('"').next().unwrap();
    let link = page.split("<a href=\"").nth(1).unwrap().split('"').next().unwrap();
    assert_eq!(refresh, link);
    link.replace("&amp;", "&")
}

/// At the provider's login form: who and at which level; then on to wherever it leads. The
/// response that is not a redirect and the address it came from.
async fn identify(c: &Client, at: &str, login: &str, acr: &str) -> (String, reqwest::Response) {
    let res = c.post(at).form(&[("login", login), ("acr", acr)]).send().await.unwrap();
    assert!(res.status().is_redirection(), "the provider accepted {login}");
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let (url, res) = follow(c, if to.starts_with("http") { to } else { join(at, &to) }).await;
    if !url.contains("/session/end") && !res.url().path().contains("/auth/") {
        return (url, res);
    }
    // Another person signed in at this browser before: the provider ends that session first
    // with a form its page submits by script. Submitted as the browser would.
    let page = res.text().await.unwrap();
    let attr = |name: &str| {
        page.split(&format!("{name}=\""))
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap()
            .to_string()
    };
    let (action, xsrf) = (
        attr("action"),
        page.split("name=\"xsrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string(),
    );
    let res =
        c.post(&action).form(&[("xsrf", xsrf.as_str()), ("logout", "yes")]).send().await.unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    follow(c, if to.starts_with("http") { to } else { join(&action, &to) }).await
}

/// At the provider's login form: who and at which level; then through the provider's
/// redirects until it sends the person back to BITA. That address (not yet followed).
async fn until_return(c: &Client, at: &str, login: &str, acr: &str) -> String {
    let res = c.post(at).form(&[("login", login), ("acr", acr)]).send().await.unwrap();
    let mut to = res.headers()["location"].to_str().unwrap().to_string();
    let mut url = at.to_string();
    while !to.contains("/oidc/tillbaka") {
        url = if to.starts_with("http") { to } else { join(&url, &to) };
        let r = c.get(&url).send().await.unwrap();
        to = r.headers()["location"].to_str().unwrap().to_string();
    }
    to
}

/// From BITA's start address to the provider's login form: its address.
async fn to_provider(c: &Client, start: String) -> String {
    let (at, res) = follow(c, start).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Test-e-legitimation"), "at the provider: {page}");
    at
}

async fn provider_id(app: &TestApp) -> i64 {
    app.id("SELECT MAX(id) FROM identity_providers").await
}

#[tokio::test]
async fn a_person_signs_in_with_e_legitimation_linked_by_personnummer_and_nobody_else_gets_in() {
    let app = spawn_app().await;
    configure(&app, issuer(), false).await;
    let p = provider_id(&app).await;

    // The municipality's own sign-in page offers its provider and the password form.
    let c = client();
    let (_, page) = app.page(&c, "/logga-in/exempelby").await;
    assert!(page.contains("Test-BankID") && page.contains("name=\"password\""), "{page}");
    let (_, picker) = app.page(&c, "/logga-in").await;
    assert!(picker.contains("/logga-in/exempelby"), "the picker lists the municipality");

    // Anna signs in: linked by the personnummer the provider asserts, then at her own page.
    let at = to_provider(&c, app.url(&format!("/oidc/start?leverantor={p}"))).await;
    let (landed, res) = identify(&c, &at, "anna", LOA3).await;
    let body = res.text().await.unwrap();
    assert!(landed.ends_with("/assistent"), "{landed} {body}");
    assert!(body.contains("Anna Andersson"));
    // Signing out ends BITA's session and continues at the provider's sign-out, with the ID
    // token as the hint and the way back to the sign-in page.
    let res = c.post(app.url("/logga-ut")).form(&[("csrf", csrf_of(&body))]).send().await.unwrap();
    let end = onward_of(&res.text().await.unwrap());
    assert!(
        end.starts_with(&format!("{}/session/end", issuer()))
            && end.contains("id_token_hint=")
            && end.contains("post_logout_redirect_uri="),
        "{end}"
    );
    let (_, res) = follow(&c, app.url("/assistent")).await;
    assert!(res.url().path().starts_with("/logga-in"), "BITA's session ended");
    assert_eq!(app.id("SELECT COUNT(*) FROM identity_links WHERE how = 'personnummer'").await, 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.link'").await, 1);
    let logged = app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.eid'").await;
    assert_eq!(logged, 1);
    // The token said the level (BITA asks for the `acr` claim): a strong session.
    let strong = "SELECT COUNT(*) FROM audit_log WHERE action = 'login.eid' AND after LIKE '%\"strong\":true%'";
    assert_eq!(app.id(strong).await, 1);
    let pnr_logged = app
        .id("SELECT COUNT(*) FROM audit_log WHERE COALESCE(after, '') LIKE '%197005120105%' OR subject LIKE '%197005120105%'")
        .await;
    assert_eq!(pnr_logged, 0, "no personnummer in the audit log");

    // A later sign-in uses the stored link (no second link).
    let c2 = client();
    let at = to_provider(&c2, app.url(&format!("/oidc/start?leverantor={p}"))).await;
    let (landed, _) = identify(&c2, &at, "anna", LOA2).await;
    assert!(landed.ends_with("/assistent"));
    assert_eq!(app.id("SELECT COUNT(*) FROM identity_links").await, 1);
    assert_eq!(app.id(strong).await, 1, "a weaker level is not a strong session");

    // Someone the provider knows but the register does not: refused, recorded, no session.
    let c3 = client();
    let at = to_provider(&c3, app.url(&format!("/oidc/start?leverantor={p}"))).await;
    let (landed, res) = identify(&c3, &at, "okand", LOA3).await;
    assert!(landed.ends_with("/logga-in"), "{landed}");
    assert!(res.text().await.unwrap().contains("inte registrerad i BITA"));
    assert_eq!(
        app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.eid.refused'").await,
        1
    );
    let (_, res) = follow(&c3, app.url("/assistent")).await;
    assert!(
        res.url().path().starts_with("/logga-in") || res.text().await.unwrap().contains("Logga in")
    );
}

#[tokio::test]
async fn a_wrong_nonce_a_replayed_return_and_a_provider_that_is_down_are_refused_with_nothing_but_the_audit_entry()
 {
    let app = spawn_app().await;
    configure(&app, issuer(), false).await;
    let p = provider_id(&app).await;

    // The authorization request's nonce changed on the way: the token carries another one.
    let c = client();
    let res = c.get(app.url(&format!("/oidc/start?leverantor={p}"))).send().await.unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let forged = regex_replace_nonce(&to);
    let at = to_provider(&c, forged).await;
    let (landed, res) = identify(&c, &at, "anna", LOA3).await;
    assert!(landed.ends_with("/logga-in"), "{landed}");
    assert!(res.text().await.unwrap().contains("Legitimeringen kunde inte slutföras"));
    let why: String = query(
        "SELECT after FROM audit_log WHERE action = 'login.eid.refused' ORDER BY id DESC LIMIT 1",
    )
    .scalar(&mut app.db().await)
    .await
    .unwrap();
    assert!(why.to_lowercase().contains("nonce"), "{why}");
    assert_eq!(app.id("SELECT COUNT(*) FROM identity_links").await, 0, "nothing linked");

    // A return replayed (the same code and state again): the flow was used once.
    let c = client();
    let at = to_provider(&c, app.url(&format!("/oidc/start?leverantor={p}"))).await;
    let back = until_return(&c, &at, "anna", LOA3).await;
    let first = c.get(&back).send().await.unwrap();
    assert_eq!(first.headers()["location"], "/assistent");
    let again = c.get(&back).send().await.unwrap();
    assert_eq!(again.headers()["location"], "/logga-in", "a replayed return signs nobody in");
    let replays = app
        .id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.eid.refused' AND after LIKE '%replayed%'")
        .await;
    assert_eq!(replays, 1);

    // A provider that does not answer: a clear message, the password route still there.
    let (admin, _) = app.login("admin").await;
    app.post(
        &admin,
        "/admin/inloggning/leverantor",
        &[
            ("name", "Nere"),
            ("issuer", "http://127.0.0.1:9"),
            ("client_id", "bita-nere"),
            ("client_secret", "x"),
        ],
    )
    .await;
    let down = provider_id(&app).await;
    let c = client();
    let (landed, res) = follow(&c, app.url(&format!("/oidc/start?leverantor={down}"))).await;
    assert!(landed.ends_with("/logga-in"));
    let page = res.text().await.unwrap();
    assert!(page.contains("svarar inte just nu") && page.contains("name=\"password\""), "{page}");
    assert_eq!(
        app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.eid.unavailable'").await,
        1
    );
}

#[tokio::test]
async fn an_expired_token_and_another_issuers_answer_are_refused_with_nothing_but_the_audit_entry()
{
    let app = spawn_app().await;
    configure(&app, issuer(), false).await;
    let p = provider_id(&app).await;
    let (admin, _) = app.login("admin").await;
    app.post(
        &admin,
        "/admin/inloggning/leverantor",
        &[
            ("name", "Sen klocka"),
            ("issuer", late_issuer()),
            ("client_id", "bita"),
            ("client_secret", "bita-test-secret"),
            ("scopes", "profile pnr"),
            ("pnr_claim", PNR_CLAIM),
        ],
    )
    .await;
    let late = provider_id(&app).await;
    assert_ne!(late, p);
    let last_refusal = async || -> String {
        query("SELECT after FROM audit_log WHERE action = 'login.eid.refused' ORDER BY id DESC LIMIT 1")
            .scalar(&mut app.db().await)
            .await
            .unwrap()
    };

    // The token arrives expired (the provider's clock is behind): refused, nobody linked.
    let c = client();
    let at = to_provider(&c, app.url(&format!("/oidc/start?leverantor={late}"))).await;
    let (landed, res) = identify(&c, &at, "anna", LOA3).await;
    assert!(landed.ends_with("/logga-in"), "{landed}");
    assert!(res.text().await.unwrap().contains("Legitimeringen kunde inte slutföras"));
    let why = last_refusal().await;
    assert!(why.contains("expired"), "{why}");
    assert_eq!(app.id("SELECT COUNT(*) FROM identity_links").await, 0, "nothing linked");

    // The flow went to the test provider, but the person is taken to another one (with the
    // same client registration), which answers with its own code and issuer: refused before
    // its code goes anywhere.
    let c = client();
    let res = c.get(app.url(&format!("/oidc/start?leverantor={p}"))).send().await.unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with(issuer()), "{to}");
    let at = to_provider(&c, to.replacen(issuer(), late_issuer(), 1)).await;
    let (landed, _) = identify(&c, &at, "anna", LOA3).await;
    assert!(landed.ends_with("/logga-in"), "{landed}");
    let why = last_refusal().await;
    assert!(why.contains("another issuer"), "{why}");
    assert_eq!(app.id("SELECT COUNT(*) FROM identity_links").await, 0, "nothing linked");
    let sessions = app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.eid'").await;
    assert_eq!(sessions, 0, "nobody signed in");
}

fn regex_replace_nonce(url: &str) -> String {
    let (head, tail) = url.split_once("nonce=").unwrap();
    let rest = tail.split_once('&').map(|(_, r)| format!("&{r}")).unwrap_or_default();
    format!("{head}nonce=forged{rest}")
}

#[tokio::test]
async fn the_recipient_approves_with_a_bound_e_legitimation_and_the_archive_keeps_the_evidence() {
    let app = spawn_app().await;
    configure(&app, issuer(), true).await;
    let bo_id = recipient(&app, "Bo").await;
    let (anna, _) = app.login("anna").await;
    let month = next_month();
    let key = submitted(&app, &anna, &bo_id, month, &[(3, "07:00", "15:00")]).await;

    // Bo (signed in with his password) sees only the e-legitimation way to sign: the
    // municipality requires it, and a typed password is refused.
    let (bo, _) = app.login("bo").await;
    let (_, page) = app.page(&bo, &format!("/brukare/granska?key={key}")).await;
    assert!(page.contains("Signera med e-legitimation") && !page.contains("approve-password"));
    let to = app.approve(&bo, &key).await;
    let (_, page) = app.page(&bo, &to).await;
    assert!(page.contains("kräver att du signerar med e-legitimation"));
    assert_eq!(status(&app, &key).await, "submitted");

    // Signing: the form sends Bo to the provider for a fresh, strong authentication.
    let hash = hash_on(&app.page(&bo, &format!("/brukare/granska?key={key}")).await.1);
    let sign = |hash: String| {
        let (bo, app, key) = (&bo, &app, key.clone());
        async move {
            let res = bo
                .post(app.url("/brukare/beslut"))
                .form(&[
                    ("key", key.as_str()),
                    ("decision", "approve"),
                    ("sign", "eid"),
                    ("hash", &hash),
                    ("csrf", &bo.csrf),
                    ("idem", &crate::common::key()),
                ])
                .send()
                .await
                .unwrap();
            // A page that continues there (a form's post may not be redirected to another
            // site under the pages' policy), by a refresh and a link.
            assert_eq!(res.status(), StatusCode::OK);
            let to = onward_of(&res.text().await.unwrap());
            assert!(
                to.contains("prompt=login")
                    && to.contains("max_age=0")
                    && to.contains("acr_values="),
                "{to}"
            );
            to
        }
    };
    // Signing as someone else at the provider: refused, nothing signed.
    let at = to_provider(&bo, sign(hash.clone()).await).await;
    let (_, res) = identify(&bo, &at, "filip", LOA3).await;
    assert!(res.text().await.unwrap().contains("gällde en annan person"));
    assert_eq!(status(&app, &key).await, "submitted");

    // A weak level is not enough to sign.
    let at = to_provider(&bo, sign(hash.clone()).await).await;
    let (_, res) = identify(&bo, &at, "bo", LOA2).await;
    assert!(res.text().await.unwrap().contains("inte stark nog"));
    assert_eq!(status(&app, &key).await, "submitted");
    let refusals = app
        .id("SELECT COUNT(*) FROM audit_log WHERE action IN ('signature.eid.refused', 'month.approve')")
        .await;
    assert_eq!(refusals, 2, "both refusals recorded; nothing approved");

    // Bo himself, strongly: approved, the record keeps the token and the key that verified it.
    let at = to_provider(&bo, sign(hash.clone()).await).await;
    let (landed, res) = identify(&bo, &at, "bo", LOA3).await;
    assert!(landed.contains(&format!("/brukare/granska?key={key}")), "{landed}");
    let page = res.text().await.unwrap();
    assert!(page.contains("med e-legitimation") && page.contains("19450315-****"), "{page}");
    assert_eq!(status(&app, &key).await, "approved");
    let (method, evidence): (String, String) =
        query(format!("SELECT method, evidence FROM signatures WHERE month_report_id = {key}"))
            .one_as(&mut app.db().await)
            .await
            .unwrap();
    assert_eq!(method, "eid");
    let e: serde_json::Value = serde_json::from_str(&evidence).unwrap();
    assert_eq!(e["issuer"], issuer());
    assert_eq!(e["acr"], LOA3);
    assert_eq!(e["id_token"].as_str().unwrap().split('.').count(), 3);
    assert!(e["key"].as_str().unwrap().contains("\"kty\""), "the provider's public key");
    let nonce = engine::documents::EidEvidence::nonce(
        e["document"].as_str().unwrap(),
        &hash,
        app.id("SELECT id FROM users WHERE username = 'bo'").await,
        e["nonce_salt"].as_str().unwrap(),
    );
    use base64::Engine;
    let payload = e["id_token"].as_str().unwrap().split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap(),
    )
    .unwrap();
    assert_eq!(
        claims["nonce"],
        nonce.as_str(),
        "the token's nonce binds document, hash and signer"
    );
    let audited = app
        .id(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'month.approve' AND subject = 'month {key}' AND after LIKE '%e-legitimation%'"))
        .await;
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn a_municipality_that_turns_passwords_off_opens_no_session_for_a_right_password() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    // Without a provider nobody could sign in: refused.
    let to = app.post(&admin, "/admin/inloggning/installningar", &[("slug", "exempelby")]).await;
    let (_, page) = app.page(&admin, &to).await;
    assert!(page.contains("Lägg till en identitetsleverantör innan du stänger av lösenord"));
    configure(&app, issuer(), false).await;
    app.post(&admin, "/admin/inloggning/installningar", &[("slug", "exempelby")]).await;

    // Anna's right password: no session, a message that says where to sign in, recorded.
    let (c, res) = app.try_login("anna", demo::DEMO_PASSWORD).await;
    assert_eq!(res.headers()["location"], "/logga-in");
    let (_, page) = app.page(&c, "/logga-in").await;
    assert!(page.contains("Kommunen loggar in med e-legitimation"), "{page}");
    let (_, res) = follow(&c, app.url("/assistent")).await;
    assert!(res.url().path().starts_with("/logga-in"), "no session");
    let refused = app
        .id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.password_not_allowed' AND actor = 'anna'")
        .await;
    assert_eq!(refused, 1);
    // Another municipality's people still use their passwords.
    app.login("frida").await;
}

/// A "provider" that answers every request with `bytes` bytes of JSON-ish text.
async fn flooding_provider(bytes: usize) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n";
                let _ = s.write_all(head.as_bytes()).await;
                let chunk = vec![b' '; 64 * 1024];
                let mut sent = 0;
                while sent < bytes {
                    if s.write_all(&chunk).await.is_err() {
                        return;
                    }
                    sent += chunk.len();
                }
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_provider_answering_without_end_is_cut_off_and_refused() {
    let app = spawn_app().await;
    // 64 MB without a length: read in pieces, given up at 256 KiB.
    configure(&app, &flooding_provider(64 * 1024 * 1024).await, false).await;
    let p = provider_id(&app).await;
    let c = client();
    let (landed, res) = follow(&c, app.url(&format!("/oidc/start?leverantor={p}"))).await;
    assert!(landed.ends_with("/logga-in"));
    assert!(res.text().await.unwrap().contains("svarar inte just nu"));
    let why: String = query(
        "SELECT after FROM audit_log WHERE action = 'login.eid.unavailable' ORDER BY id DESC LIMIT 1",
    )
    .scalar(&mut app.db().await)
    .await
    .unwrap();
    assert!(why.contains("larger than 262144 bytes"), "{why}");
}

#[tokio::test]
async fn the_same_person_signing_in_twice_at_once_is_linked_once() {
    let app = spawn_app().await;
    configure(&app, issuer(), false).await;
    let p = provider_id(&app).await;
    // Two phones (or tabs) at the provider at the same time, each with its code.
    let (a, b) = (client(), client());
    let start = app.url(&format!("/oidc/start?leverantor={p}"));
    let back_a = until_return(&a, &to_provider(&a, start.clone()).await, "anna", LOA3).await;
    let back_b = until_return(&b, &to_provider(&b, start).await, "anna", LOA3).await;
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let go = |c: Client, url: String| {
        let barrier = barrier.clone();
        tokio::spawn(async move {
            barrier.wait().await;
            c.get(&url).send().await.unwrap().headers()["location"].to_str().unwrap().to_string()
        })
    };
    let (ra, rb) = tokio::join!(go(a, back_a), go(b, back_b));
    assert_eq!((ra.unwrap(), rb.unwrap()), ("/assistent".into(), "/assistent".into()));
    assert_eq!(app.id("SELECT COUNT(*) FROM identity_links").await, 1, "one link");
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.link'").await, 1);
    assert_eq!(app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.eid'").await, 2);
}

#[tokio::test]
async fn the_same_provider_added_twice_at_once_is_stored_once() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let admin = std::sync::Arc::new(admin);
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let add = || {
        let (admin, barrier, url) =
            (admin.clone(), barrier.clone(), app.url("/admin/inloggning/leverantor"));
        tokio::spawn(async move {
            let form = [
                ("name", "Test-BankID"),
                ("issuer", issuer()),
                ("client_id", "bita"),
                ("client_secret", "bita-test-secret"),
                ("csrf", admin.csrf.as_str()),
                ("idem", &crate::common::key()),
            ];
            barrier.wait().await;
            admin.post(&url).form(&form).send().await.unwrap().status()
        })
    };
    let (a, b) = tokio::join!(add(), add());
    assert_eq!((a.unwrap(), b.unwrap()), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(app.id("SELECT COUNT(*) FROM identity_providers").await, 1);
    let audited =
        app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'identity.provider_add'").await;
    assert_eq!(audited, 1, "the refused one wrote nothing");
}

/// The assistant's month for `recipient` submitted and signed with e-legitimation at the
/// test provider as `login`: where BITA sent them back, and that page.
async fn attest_with_eid(
    app: &TestApp,
    assistant: &User,
    recipient: &str,
    month: &str,
    login: &str,
) -> (String, String) {
    let (_, page) = app.page(assistant, &format!("/assistent?manad={month}")).await;
    assert!(page.contains("Skicka in och signera med e-legitimation"), "{page}");
    let res = assistant
        .post(app.url("/assistent/skicka"))
        .form(&[
            ("recipient", recipient),
            ("manad", month),
            ("attest", "on"),
            ("sign", "eid"),
            ("hash", &hash_on(&page)),
            ("csrf", &assistant.csrf),
            ("idem", &crate::common::key()),
        ])
        .send()
        .await
        .unwrap();
    let at = to_provider(assistant, onward_of(&res.text().await.unwrap())).await;
    let (landed, res) = identify(assistant, &at, login, LOA3).await;
    (landed, res.text().await.unwrap())
}

#[tokio::test]
async fn the_assistant_attests_and_the_recipient_signs_the_rakning_with_e_legitimation_bound_to_what_they_say()
 {
    let app = spawn_app().await;
    configure(&app, issuer(), false).await;
    let bo_id = recipient(&app, "Bo").await;
    let month = next_month();
    let m = month.to_string();
    let (anna, _) = app.login("anna").await;
    let (admin, _) = app.login("admin").await;
    // The municipality asks the assistants to attest with e-legitimation: the checkbox alone
    // is refused, nothing submitted.
    let settings = [("slug", "exempelby"), ("password_login", "on"), ("strong_attestation", "on")];
    app.post(&admin, "/admin/inloggning/installningar", &settings).await;
    reported(&app, &anna, &bo_id, month, &[(3, "07:00", "15:00")]).await;
    let to = app
        .post(&anna, "/assistent/skicka", &[("recipient", &bo_id), ("manad", &m), ("attest", "on")])
        .await;
    let (_, page) = app.page(&anna, &to).await;
    assert!(page.contains("Kommunen kräver att du intygar med e-legitimation"), "{page}");
    let submitted = format!(
        "SELECT COUNT(*) FROM month_reports WHERE recipient_id = {bo_id} AND month = '{m}' AND status = 'submitted'"
    );
    assert_eq!(app.id(&submitted).await, 0);

    // Signed as someone else at the provider: refused, nothing submitted.
    let (_, page) = attest_with_eid(&app, &anna, &bo_id, &m, "frida").await;
    assert!(page.contains("gällde en annan person"), "{page}");
    assert_eq!(app.id(&submitted).await, 0);
    assert_eq!(app.id("SELECT COUNT(*) FROM signatures").await, 0);
    // Anna herself: submitted, the attestation a signature with its evidence, bound to the rows.
    let (landed, page) = attest_with_eid(&app, &anna, &bo_id, &m, "anna").await;
    assert!(landed.contains("/assistent"), "{landed}");
    assert!(page.contains("Månaden är inskickad"), "{page}");
    let key = app
        .id(&format!("SELECT id FROM month_reports WHERE recipient_id = {bo_id} AND month = '{m}'"))
        .await
        .to_string();
    assert_eq!(status(&app, &key).await, "submitted");
    let anna_id = app.id("SELECT assistant_id FROM users WHERE username = 'anna'").await;
    let attestation = format!(
        "SELECT COUNT(*) FROM signatures WHERE month_report_id = {key} AND signed_as = 'assistant' AND method = 'eid' AND document_id = 'intyg:{anna_id}:{bo_id}:{m}'"
    );
    assert_eq!(app.id(&attestation).await, 1);
    // Taken back, the attestation no longer stands; submitted again, signed again.
    app.post(&anna, "/assistent/ta-tillbaka", &[("recipient", &bo_id), ("manad", &m)]).await;
    assert_eq!(status(&app, &key).await, "draft");
    let standing = format!(
        "SELECT COUNT(*) FROM signatures WHERE month_report_id = {key} AND signed_as = 'assistant' AND voided_at IS NULL"
    );
    assert_eq!(app.id(&standing).await, 0, "voided when taken back");
    attest_with_eid(&app, &anna, &bo_id, &m, "anna").await;
    assert_eq!(status(&app, &key).await, "submitted");
    assert_eq!(app.id(&standing).await, 1);

    let (bo, _) = app.login("bo").await;
    app.approve(&bo, &key).await;
    app.post(&admin, "/admin/attestera", &[("key", &key), ("manad", &month.to_string())]).await;
    assert_eq!(status(&app, &key).await, "attested");

    let claim = format!("/brukare/rakning?person={bo_id}&manad={month}");
    let (_, page) = app.page(&bo, &claim).await;
    assert!(page.contains("Signera med e-legitimation") && page.contains("sign-password"));
    let stale = hash_on(&page);
    let answers = [("barnomsorg", "nej"), ("skola", "ja"), ("daglig_verksamhet", "nej")];
    let mut form = vec![("person", bo_id.as_str())];
    form.push(("manad", &m));
    form.extend(answers);
    app.post(&bo, "/brukare/rakning/svar", &form).await;
    let sign = async |hash: &str| {
        bo.post(app.url("/brukare/rakning/signera"))
            .form(&[
                ("person", bo_id.as_str()),
                ("manad", &m),
                ("sign", "eid"),
                ("hash", hash),
                ("csrf", &bo.csrf),
                ("idem", &crate::common::key()),
            ])
            .send()
            .await
            .unwrap()
    };
    // The answers changed the räkning since the page was loaded: said before the provider.
    let res = sign(&stale).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page(&bo, res.headers()["location"].to_str().unwrap()).await;
    assert!(page.contains("Räkningen har ändrats sedan du öppnade sidan"), "{page}");

    let shown = hash_on(&page);
    let res = sign(&shown).await;
    let at = to_provider(&bo, onward_of(&res.text().await.unwrap())).await;
    let (landed, res) = identify(&bo, &at, "bo", LOA3).await;
    assert!(landed.contains("/brukare/rakning"), "{landed}");
    assert!(res.text().await.unwrap().contains("Räkningen är underskriven"));
    let (method, evidence): (String, String) =
        query("SELECT method, evidence FROM signatures WHERE claim_id IS NOT NULL")
            .one_as(&mut app.db().await)
            .await
            .unwrap();
    assert_eq!(method, "eid");
    let e: serde_json::Value = serde_json::from_str(&evidence).unwrap();
    assert_eq!(e["document"], format!("3057:{bo_id}:{month}"));
    assert_eq!(e["personnummer_masked"], "19450315-****");

    // The evidence holds on its own, and not when anything of it is changed.
    let evidence: engine::documents::EidEvidence = serde_json::from_str(&evidence).unwrap();
    let sha: String = query("SELECT sha256 FROM signatures WHERE claim_id IS NOT NULL")
        .scalar(&mut app.db().await)
        .await
        .unwrap();
    assert!(server::oidc::evidence_holds(&evidence, &sha));
    let other_doc = "0".repeat(64);
    assert!(!server::oidc::evidence_holds(&evidence, &other_doc), "another document");
    let other_signer =
        engine::documents::EidEvidence { user: evidence.user + 1, ..evidence.clone() };
    assert!(!server::oidc::evidence_holds(&other_signer, &sha), "another signer");
    let mut forged = evidence.clone();
    forged.id_token.replace_range(forged.id_token.len() - 4.., "AAAA");
    assert!(!server::oidc::evidence_holds(&forged, &sha), "a token its key did not sign");

    // The month's archive carries it; the public check lists every signature's kind.
    let to = app.post(&admin, "/admin/export", &[("manad", &m)]).await;
    app.export_ended(&admin, &to).await;
    assert_eq!(app.id("SELECT COUNT(*) FROM exports").await, 1, "the month exported");
    let id = app.id("SELECT id FROM exports").await;
    let zip = app.download(&admin, "/admin/export/arkiv", &[("id", &id.to_string())]).await;
    let part =
        reqwest::multipart::Part::bytes(zip.bytes().await.unwrap().to_vec()).file_name("arkiv.zip");
    let res = client()
        .post(app.url("/verifiera"))
        .multipart(reqwest::multipart::Form::new().part("arkiv", part))
        .send()
        .await
        .unwrap();
    let page = res.text().await.unwrap();
    assert!(page.contains("Arkivet är oförändrat"), "{page}");
    assert!(
        page.contains(&format!(
            "Räkning: Bo Berg, {}: med e-legitimation (19450315-****) genom {}, beviset håller",
            evidence_time(&app, "claim_id IS NOT NULL").await,
            issuer()
        )),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "Intygande på heder och samvete: Anna Andersson, {}: med e-legitimation (19700512-****) genom {}, beviset håller",
            evidence_time(&app, "signed_as = 'assistant' AND voided_at IS NULL").await,
            issuer()
        )),
        "{page}"
    );
    assert!(page.contains("Godkännande: Bo Berg, "), "{page}");
    assert!(page.contains(": med lösenord"), "Bo's approval, with his password: {page}");
}

/// When the signature `which` selects was made, as the pages show it.
async fn evidence_time(app: &TestApp, which: &str) -> String {
    let at: String = query(format!("SELECT signed_at FROM signatures WHERE {which}"))
        .scalar(&mut app.db().await)
        .await
        .unwrap();
    engine::clock::local_time(&at)
}

#[tokio::test]
async fn an_invitation_links_the_e_legitimation_of_someone_the_register_has_no_personnummer_for() {
    let app = spawn_app().await;
    configure(&app, issuer(), false).await;
    let (admin, _) = app.login("admin").await;
    // Eva (god man, no personnummer in the register) gets a new one-time link.
    let cecilia = recipient(&app, "Cecilia").await;
    let eva = app.id("SELECT id FROM users WHERE username = 'eva'").await.to_string();
    let to = app
        .post(
            &admin,
            "/admin/konto",
            &[("owner", "representative"), ("id", &cecilia), ("user", &eva), ("action", "link")],
        )
        .await;
    let (_, page) = app.page(&admin, &to).await;
    let code: String =
        page.split("/inbjudan?kod=").nth(1).and_then(|r| r.split('<').next()).unwrap().to_string();

    // The invitation page offers the municipality's provider beside the password form.
    let c = client();
    let (_, page) = app.page(&c, &format!("/inbjudan?kod={code}")).await;
    let start = format!("/oidc/start?leverantor={}&amp;kod={code}", provider_id(&app).await);
    assert!(page.contains(&start), "{page}");
    let at = to_provider(&c, app.url(&start.replace("&amp;", "&"))).await;
    // The provider's person has a personnummer nobody in the register has: the link decides.
    let (landed, _) = identify(&c, &at, "okand", LOA3).await;
    assert!(landed.ends_with("/brukare"), "{landed}");
    let how: String = query(format!("SELECT how FROM identity_links WHERE user_id = {eva}"))
        .scalar(&mut app.db().await)
        .await
        .unwrap();
    assert_eq!(how, "invitation");
    // The link is used: it opens nothing again.
    let (_, page) = app.page(&client(), &format!("/inbjudan?kod={code}")).await;
    assert!(!page.contains("/oidc/start"), "the used link offers nothing");
}

#[tokio::test]
async fn a_weaker_session_steps_up_for_health_data_and_returns_where_it_was() {
    let app = spawn_app().await;
    configure(&app, issuer(), false).await;
    let (admin, _) = app.login("admin").await;
    app.post(
        &admin,
        "/admin/inloggning/installningar",
        &[("slug", "exempelby"), ("password_login", "on"), ("strong_health", "on")],
    )
    .await;
    // The administrator's account is linked by the staff claim (their e-mail).
    query("UPDATE users SET email = 'admin@exempelby.se' WHERE username = 'admin'")
        .execute(&mut app.db().await)
        .await
        .unwrap();
    let bo = recipient(&app, "Bo").await;
    let card = format!("/admin/brukarkort?id={bo}");

    // Signed in with a password: the card with the hospital stays asks for e-legitimation, and
    // so does a post of an absence, before its body is read.
    let res = admin.get(app.url(&card)).send().await.unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    assert_eq!(to, format!("/logga-in?till=/admin/brukarkort%3Fid%3D{bo}"));
    let res = admin
        .post(app.url("/admin/franvaro"))
        .header("referer", app.url(&card))
        .form(&[("csrf", admin.csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["location"], to.as_str());
    let (_, page) = app.page(&admin, &to).await;
    assert!(
        page.contains("Legitimera dig med e-legitimation") && !page.contains("name=\"password\"")
    );
    let start = page.split("href=\"/oidc/start").nth(1).unwrap().split('"').next().unwrap();
    let start = app.url(&format!("/oidc/start{}", start.replace("&amp;", "&")));

    // Another person at the provider, or a weak level: refused, still weak.
    let at = to_provider(&admin, start.clone()).await;
    let (_, res) = identify(&admin, &at, "anna", LOA3).await;
    assert!(res.text().await.unwrap().contains("en annan person än den som är inloggad"));
    let at = to_provider(&admin, start.clone()).await;
    let (_, res) = identify(&admin, &at, "admin", LOA2).await;
    assert!(res.text().await.unwrap().contains("inte stark nog"));
    let res = admin.get(app.url(&card)).send().await.unwrap();
    assert!(res.status().is_redirection(), "still asked to step up");

    // The administrator, strongly: back at the card, and it opens from now on.
    let at = to_provider(&admin, start).await;
    let (landed, res) = identify(&admin, &at, "admin", LOA3).await;
    assert!(landed.ends_with(&card), "{landed}");
    assert!(res.text().await.unwrap().contains("194503"), "the card, its personnummer masked");
    assert_eq!(admin.get(app.url(&card)).send().await.unwrap().status(), StatusCode::OK);
    let refused =
        app.id("SELECT COUNT(*) FROM audit_log WHERE action = 'login.step_up.refused'").await;
    assert_eq!(refused, 2);
    let linked: String = query("SELECT how FROM identity_links l JOIN users u ON u.id = l.user_id WHERE u.username = 'admin'")
        .scalar(&mut app.db().await)
        .await
        .unwrap();
    assert_eq!(linked, "claim");
}
