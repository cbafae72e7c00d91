//! Login, logout and the language choice. Passwords are argon2id hashes; a failed login says
//! the same thing whether or not the user exists, and takes the same work. Failed logins are
//! throttled per username and per client address (exponential back-off, then a temporary
//! lock), and recorded in the audit log without the password. Password hashing runs on the
//! blocking pool, at most one per core at a time, so a flood of logins cannot exhaust memory.

use crate::AppState;
use app::api::repo::{AuditEntry, Throttle};
use app::api::signing::Confirmation;
use app::api::service::{now_unix, random_token, ClientAddr, Cookies, Cx, MAX_USERNAME, SESSION_CSRF, SESSION_EPOCH, SESSION_LOGIN_AT, SESSION_SEEN, SESSION_USER};
use app::i18n::{Locale, T};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use std::sync::LazyLock;
use tokio::sync::Semaphore;
use tower_sessions::Session;

/// Hash a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 with default params").to_string()
}

/// Verified against when the username is unknown, so both failures cost the same.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("no such user"));

/// One argon2 computation per core at a time (each takes 19 MiB).
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)));

/// Checks a password on the blocking pool, waiting for a free hashing slot first.
pub async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else { return false };
    tokio::task::spawn_blocking(move || PasswordHash::new(&hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false))
        .await
        .unwrap_or(false)
}

/// How failed logins are throttled for one key: this many are free, then each further one
/// doubles the wait (1 s, 2 s, 4 s … at most 5 min), and at `lock_at` the key is locked.
#[derive(Clone, Copy, Debug)]
pub struct ThrottlePolicy {
    pub free: i64,
    pub lock_at: i64,
}

/// Per username: a person who forgot their password gets a few tries, a guesser very few.
pub const PER_USERNAME: ThrottlePolicy = ThrottlePolicy { free: 3, lock_at: 10 };
/// Per client address: generous, since many people may share one address (a municipality's NAT).
pub const PER_CLIENT: ThrottlePolicy = ThrottlePolicy { free: 30, lock_at: 100 };
/// How long a locked key stays locked.
pub const LOCK_SECONDS: i64 = 15 * 60;
/// Failures older than this are forgotten.
const FORGET_AFTER: i64 = 24 * 3600;

impl ThrottlePolicy {
    /// The counter after one more failure at `now`.
    pub fn fail(self, t: Throttle, now: i64) -> Throttle {
        let failures = t.failures + 1;
        let blocked_until = if failures >= self.lock_at {
            now + LOCK_SECONDS
        } else if failures > self.free {
            now + (1i64 << (failures - self.free - 1).min(8)).min(300)
        } else {
            0
        };
        Throttle { failures, blocked_until }
    }
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

fn refused(cookies: Cookies, error: T, username: &str) -> Response {
    ([(header::SET_COOKIE, cookies.login_message(error, username))], Redirect::to("/logga-in")).into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "login failed internally");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

/// An attempt's place in the throttle, taken before its password is checked.
enum Reserved {
    /// A counter is blocked: the attempt was counted as refused, its password never looked at.
    Blocked,
    /// The attempt counts as a failure until its password proves right; the counters after it.
    Counted(Throttle, Throttle),
}

/// Takes an attempt's place in the throttle, in one write transaction: a blocked counter
/// refuses it; otherwise it is counted as a failure *before* its password is checked, so
/// attempts in flight count and a burst sent together gets no more guesses than attempts sent
/// one after another (the write lock orders them). A right password takes its failure back.
async fn reserve(state: &AppState, keys: &[(&str, ThrottlePolicy)], now: i64) -> Result<Reserved, app::api::repo::RepoError> {
    let mut db = state.api.repo.write().await?;
    let mut counters = Vec::with_capacity(keys.len());
    for (key, _) in keys {
        counters.push(fresh(db.throttle(key).await?, now));
    }
    let blocked: Vec<&str> = keys.iter().zip(&counters).filter(|(_, t)| t.blocked_until > now).map(|((k, _), _)| *k).collect();
    if !blocked.is_empty() {
        for key in blocked {
            db.note_refused(key, now).await?;
        }
        db.finish().await?;
        return Ok(Reserved::Blocked);
    }
    let mut after = Vec::with_capacity(keys.len());
    for ((key, policy), t) in keys.iter().zip(counters) {
        let t = policy.fail(t, now);
        db.set_throttle(key, t, now).await?;
        after.push(t);
    }
    db.finish().await?;
    let user = after.first().copied().unwrap_or_default();
    Ok(Reserved::Counted(user, after.get(1).copied().unwrap_or_default()))
}

/// A counter whose last block ended over a day ago starts again.
fn fresh(t: Throttle, now: i64) -> Throttle {
    if now - t.blocked_until > FORGET_AFTER && t.blocked_until > 0 { Throttle::default() } else { t }
}

pub async fn login(State(state): State<AppState>, client: Option<Extension<ClientAddr>>, session: Session, Form(form): Form<LoginForm>) -> Response {
    let cookies = state.api.settings.cookies;
    let client = client.map(|c| c.0 .0).unwrap_or_else(|| "unknown".into());
    let username: String = form.username.trim().chars().take(MAX_USERNAME + 1).collect();
    if username.is_empty() || form.password.is_empty() {
        return refused(cookies, T::LoginMissing, &username);
    }
    if username.chars().count() > MAX_USERNAME || form.password.len() > 1024 {
        return refused(cookies, T::LoginFailed, "");
    }
    let user_key = format!("user:{}", username.to_lowercase());
    let client_key = format!("client:{client}");
    let now = now_unix();
    let audit = |action: &'static str, tenant: Option<i64>, user: Option<i64>| AuditEntry {
        tenant,
        user,
        actor: Some(username.clone()),
        client: Some(client.clone()),
        action,
        subject: "login".into(),
        ..Default::default()
    };
    let (user_t, client_t) = match reserve(&state, &[(&user_key, PER_USERNAME), (&client_key, PER_CLIENT)], now).await {
        Err(e) => return internal(e),
        // Refused without looking at the password: the right one is no better than a wrong one.
        Ok(Reserved::Blocked) => return refused(cookies, T::LoginThrottled, &username),
        Ok(Reserved::Counted(u, c)) => (u, c),
    };
    let creds = match state.api.repo.read().await {
        Ok(mut db) => match db.credentials(&username).await {
            Ok(c) => c,
            Err(e) => return internal(e),
        },
        Err(e) => return internal(e),
    };
    let tenant = creds.as_ref().map(|c| c.tenant_id);
    let user_id = creds.as_ref().map(|c| c.user_id);
    let hash = creds.as_ref().map(|c| c.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
    let ok = verify_password(form.password, hash).await && creds.is_some();

    let result: Result<(), app::api::repo::RepoError> = async {
        let mut db = state.api.repo.write().await?;
        if ok {
            // The reservation is taken back: the user's failures are forgotten, the address's
            // count goes back to what it was before this attempt.
            db.clear_throttle(&user_key).await?;
            let c = db.throttle(&client_key).await?;
            db.set_throttle(&client_key, Throttle { failures: (c.failures - 1).max(0), blocked_until: c.blocked_until.min(client_t.blocked_until) }, now).await?;
            db.audit(&audit("login", tenant, user_id)).await?;
        } else {
            db.audit(&audit(if user_t.failures >= PER_USERNAME.lock_at { "login.locked" } else { "login.failed" }, tenant, user_id)).await?;
        }
        db.finish().await
    }
    .await;
    if let Err(e) = result {
        return internal(e);
    }
    let (Some(user_id), Some(creds)) = (user_id.filter(|_| ok), creds) else {
        tracing::info!("login failed");
        return refused(cookies, T::LoginFailed, &username);
    };
    // A new session id at login defeats session fixation.
    if let Err(e) = session.cycle_id().await {
        return internal(e);
    }
    for r in [
        session.insert(SESSION_USER, user_id).await,
        session.insert(SESSION_CSRF, random_token()).await,
        session.insert(SESSION_LOGIN_AT, now).await,
        session.insert(SESSION_SEEN, now).await,
        session.insert(SESSION_EPOCH, creds.session_epoch).await,
    ] {
        if let Err(e) = r {
            return internal(e);
        }
    }
    tracing::info!(user = user_id, "login");
    let start = match state.api.repo.read().await {
        Ok(mut db) => db.caller(user_id).await.ok().flatten().map(|c| c.role.start_page()).unwrap_or("/"),
        Err(_) => "/",
    };
    Redirect::to(start).into_response()
}

/// Checks the caller's password again before a signature. It takes its place in the same
/// per-username throttle as a login first (a wrong one counts; a burst gets no more guesses),
/// and a wrong one is recorded (never the password); nothing else happens.
pub async fn confirm_password(state: &AppState, cx: &Cx, password: &str) -> Result<Confirmation, Response> {
    let Some(c) = cx.caller.as_ref() else { return Ok(Confirmation::Missing) };
    if password.is_empty() {
        return Ok(Confirmation::Missing);
    }
    if password.len() > 1024 {
        return Ok(Confirmation::WrongPassword);
    }
    let login = async { state.api.repo.read().await?.login_of(c.user_id).await };
    let Some((username, hash)) = login.await.map_err(internal)? else { return Ok(Confirmation::WrongPassword) };
    let key = format!("user:{}", username.to_lowercase());
    let now = now_unix();
    let audit = |action: &'static str| AuditEntry { action, subject: "signature.confirm".into(), ..cx.audit_entry(action, String::new()) };
    let counted = match reserve(state, &[(&key, PER_USERNAME)], now).await.map_err(internal)? {
        Reserved::Blocked => return Ok(Confirmation::Throttled),
        Reserved::Counted(u, _) => u,
    };
    if verify_password(password.to_string(), hash).await {
        let result: Result<(), app::api::repo::RepoError> = async {
            let mut db = state.api.repo.write().await?;
            db.clear_throttle(&key).await?;
            db.finish().await
        }
        .await;
        result.map_err(internal)?;
        return Ok(Confirmation::Confirmed);
    }
    write_audit(state, audit(if counted.failures >= PER_USERNAME.lock_at { "confirm.locked" } else { "confirm.failed" })).await.map_err(internal)?;
    Ok(Confirmation::WrongPassword)
}

/// Writes one audit entry per counter with attempts refused while it was blocked ("login.
/// throttled": how many, since when), instead of one entry per attempt: an anonymous burst
/// cannot grow the append-only log. Runs every 15 minutes.
pub async fn summarise_refused(repo: &dyn app::api::repo::Repo) -> Result<usize, app::api::repo::RepoError> {
    let pending = repo.read().await?.refused_attempts().await?;
    for (key, n, since) in &pending {
        let mut db = repo.write().await?;
        let (tenant, user, actor, client) = match key.split_once(':') {
            Some(("user", name)) => {
                let who = db.login_user(name).await?;
                (who.map(|w| w.0), who.map(|w| w.1), Some(name.to_string()), None)
            }
            Some(("client", addr)) => (None, None, None, Some(addr.to_string())),
            _ => (None, None, None, None),
        };
        let since = chrono::DateTime::from_timestamp(*since, 0).map(|t| t.to_rfc3339()).unwrap_or_default();
        let after = serde_json::json!({ "refused": n, "since": since, "counter": key.split(':').next().unwrap_or_default() }).to_string();
        db.audit(&AuditEntry { tenant, user, actor, client, action: "login.throttled", subject: "login".into(), after: Some(after), ..Default::default() }).await?;
        db.summarised(key, *n).await?;
        db.finish().await?;
    }
    Ok(pending.len())
}

async fn write_audit(state: &AppState, entry: AuditEntry) -> Result<(), app::api::repo::RepoError> {
    let mut db = state.api.repo.write().await?;
    db.audit(&entry).await?;
    db.finish().await
}

pub async fn logout(State(state): State<AppState>, cx: Cx) -> Response {
    if cx.caller.is_some() {
        if let Err(e) = write_audit(&state, cx.audit_entry("logout", "session".into())).await {
            return app::api::service::internal(e).into_response();
        }
    }
    let _ = cx.session.flush().await;
    Redirect::to("/logga-in").into_response()
}

#[derive(Deserialize)]
pub struct InvitationForm {
    #[serde(default)]
    kod: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_repeat: String,
}

/// The invited person chooses a password through the one-time link: it must be open (unused,
/// not replaced, under 7 days old), and the password long and uncommon. Using the link and
/// setting the password are one transaction with its audit entry; a link works once.
pub async fn accept_invitation(State(state): State<AppState>, client: Option<Extension<ClientAddr>>, Form(form): Form<InvitationForm>) -> Response {
    use app::api::service::is_token;
    use app::domain::password::{check_new_password, PasswordError};
    let cookies = state.api.settings.cookies;
    let code = form.kod.trim().to_string();
    let back = |t: T| {
        let to = if is_token(&code) { format!("/inbjudan?kod={code}") } else { "/inbjudan".into() };
        ([(header::SET_COOKIE, cookies.invite_message(t))], Redirect::to(&to)).into_response()
    };
    if !is_token(&code) || form.password.len() > 1024 {
        return back(T::InviteInvalid);
    }
    let sha = app::domain::fk::sha256_hex(code.as_bytes());
    let now = now_unix();
    let open = match state.api.repo.read().await {
        Ok(mut db) => db.open_invitation(&sha, now).await,
        Err(e) => Err(e),
    };
    let (id, tenant, user, username) = match open {
        Ok(Some(found)) => found,
        Ok(None) => return back(T::InviteInvalid),
        Err(e) => return internal(e),
    };
    if let Err(e) = check_new_password(&form.password, &form.password_repeat, &username) {
        return back(match e {
            PasswordError::TooShort => T::PasswordTooShort,
            PasswordError::Common => T::PasswordCommon,
            PasswordError::Mismatch => T::PasswordMismatch,
        });
    }
    let password = form.password;
    let hash = {
        let Ok(_permit) = HASHING.acquire().await else { return internal("hashing closed") };
        match tokio::task::spawn_blocking(move || hash_password(&password)).await {
            Ok(h) => h,
            Err(e) => return internal(e),
        }
    };
    let client = client.map(|c| c.0 .0);
    let result: Result<bool, app::api::repo::RepoError> = async {
        let mut db = state.api.repo.write().await?;
        if !db.use_invitation(id, user, &hash, now).await? {
            return Ok(false);
        }
        db.audit(&AuditEntry { tenant: Some(tenant), user: Some(user), actor: Some(username.clone()), client, action: "account.password_set", subject: format!("user {user}"), ..Default::default() }).await?;
        db.finish().await?;
        Ok(true)
    }
    .await;
    match result {
        Ok(true) => ([(header::SET_COOKIE, cookies.login_message(T::PasswordSet, &username))], Redirect::to("/logga-in")).into_response(),
        Ok(false) => back(T::InviteInvalid),
        Err(e) => internal(e),
    }
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    lang: String,
}

/// Sets the language cookie and goes back to the page the user came from (same site only).
pub async fn set_language(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<LanguageForm>) -> Response {
    let locale = Locale::from_code(&form.lang).unwrap_or_default();
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<axum::http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    let cookie = state.api.settings.cookies.language(locale);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&back)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_logins_back_off_exponentially_then_lock() {
        let mut t = Throttle::default();
        let mut waits = vec![];
        for _ in 0..PER_USERNAME.lock_at {
            t = PER_USERNAME.fail(t, 1000);
            waits.push(t.blocked_until.saturating_sub(1000).max(0));
        }
        assert_eq!(waits, vec![0, 0, 0, 1, 2, 4, 8, 16, 32, LOCK_SECONDS]);
    }
}
