//! Login, logout and the language choice. Passwords are argon2id hashes; a failed login says
//! the same thing whether or not the user exists, and takes the same work. Failed logins are
//! throttled per username and per client address (exponential back-off, then a temporary
//! lock), and recorded in the audit log without the password. Password hashing runs on the
//! blocking pool, at most one per core at a time, so a flood of logins cannot exhaust memory.

use crate::forms::{cx, page_error};
use crate::AppState;
use app::api::repo::{AuditEntry, Throttle};
use app::api::signing::Confirmation;
use app::api::service::{
    login_message_cookie, now_unix, random_token, ClientAddr, Cx, MAX_USERNAME, SESSION_CSRF, SESSION_LOGIN_AT, SESSION_SEEN, SESSION_USER,
};
use app::i18n::{Locale, T, LANG_COOKIE};
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

fn refused(error: T, username: &str) -> Response {
    ([(header::SET_COOKIE, login_message_cookie(error, username))], Redirect::to("/logga-in")).into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "login failed internally");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

pub async fn login(State(state): State<AppState>, session: Session, client: Option<Extension<ClientAddr>>, Form(form): Form<LoginForm>) -> Response {
    let client = client.map(|c| c.0 .0).unwrap_or_else(|| "unknown".into());
    let username: String = form.username.trim().chars().take(MAX_USERNAME + 1).collect();
    if username.is_empty() || form.password.is_empty() {
        return refused(T::LoginMissing, &username);
    }
    if username.chars().count() > MAX_USERNAME || form.password.len() > 1024 {
        return refused(T::LoginFailed, "");
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

    let (creds, user_t, client_t) = {
        let mut db = match state.api.repo.read().await {
            Ok(db) => db,
            Err(e) => return internal(e),
        };
        let creds = match db.credentials(&username).await {
            Ok(c) => c,
            Err(e) => return internal(e),
        };
        match (db.throttle(&user_key).await, db.throttle(&client_key).await) {
            (Ok(u), Ok(c)) => (creds, u, c),
            (Err(e), _) | (_, Err(e)) => return internal(e),
        }
    };
    let tenant = creds.as_ref().map(|c| c.tenant_id);
    let user_id = creds.as_ref().map(|c| c.user_id);
    if user_t.blocked_until > now || client_t.blocked_until > now {
        // Refused without looking at the password: the right one is no better than a wrong one.
        if let Err(e) = write_audit(&state, audit("login.throttled", tenant, user_id)).await {
            return internal(e);
        }
        return refused(T::LoginThrottled, &username);
    }
    let hash = creds.as_ref().map(|c| c.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
    let ok = verify_password(form.password, hash).await && creds.is_some();
    let fresh = |t: Throttle| if now - t.blocked_until > FORGET_AFTER && t.blocked_until > 0 { Throttle::default() } else { t };

    let result: Result<(), app::api::repo::RepoError> = async {
        let mut db = state.api.repo.write().await?;
        if ok {
            db.clear_throttle(&user_key).await?;
            db.audit(&audit("login", tenant, user_id)).await?;
        } else {
            // Re-read inside the transaction: concurrent failures all count.
            let u = PER_USERNAME.fail(fresh(db.throttle(&user_key).await?), now);
            let c = PER_CLIENT.fail(fresh(db.throttle(&client_key).await?), now);
            db.set_throttle(&user_key, u, now).await?;
            db.set_throttle(&client_key, c, now).await?;
            db.audit(&audit(if u.failures >= PER_USERNAME.lock_at { "login.locked" } else { "login.failed" }, tenant, user_id)).await?;
        }
        db.finish().await
    }
    .await;
    if let Err(e) = result {
        return internal(e);
    }
    let Some(user_id) = user_id.filter(|_| ok) else {
        tracing::info!("login failed");
        return refused(T::LoginFailed, &username);
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

/// Checks the caller's password again before a signature. A wrong one counts toward the same
/// per-username throttle as a failed login and is recorded (never the password); nothing
/// else happens.
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
    let throttle = async { state.api.repo.read().await?.throttle(&key).await };
    if throttle.await.map_err(internal)?.blocked_until > now {
        write_audit(state, audit("confirm.throttled")).await.map_err(internal)?;
        return Ok(Confirmation::Throttled);
    }
    if verify_password(password.to_string(), hash).await {
        return Ok(Confirmation::Confirmed);
    }
    let result: Result<(), app::api::repo::RepoError> = async {
        let mut db = state.api.repo.write().await?;
        let t = db.throttle(&key).await?;
        let fresh = if now - t.blocked_until > FORGET_AFTER && t.blocked_until > 0 { Throttle::default() } else { t };
        let u = PER_USERNAME.fail(fresh, now);
        db.set_throttle(&key, u, now).await?;
        db.audit(&audit(if u.failures >= PER_USERNAME.lock_at { "confirm.locked" } else { "confirm.failed" })).await?;
        db.finish().await
    }
    .await;
    result.map_err(internal)?;
    Ok(Confirmation::WrongPassword)
}

async fn write_audit(state: &AppState, entry: AuditEntry) -> Result<(), app::api::repo::RepoError> {
    let mut db = state.api.repo.write().await?;
    db.audit(&entry).await?;
    db.finish().await
}

pub async fn logout(State(state): State<AppState>, session: Session, client: Option<Extension<ClientAddr>>) -> Response {
    let cx: Cx = match cx(&state, session.clone(), client).await {
        Ok(cx) => cx,
        Err(r) => return r,
    };
    if cx.caller.is_some() {
        if let Err(e) = write_audit(&state, cx.audit_entry("logout", "session".into())).await {
            return page_error(app::api::service::internal(e));
        }
    }
    let _ = session.flush().await;
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
    use app::api::service::{invite_message_cookie, is_token};
    use app::domain::password::{check_new_password, PasswordError};
    let code = form.kod.trim().to_string();
    let back = |t: T| {
        let to = if is_token(&code) { format!("/inbjudan?kod={code}") } else { "/inbjudan".into() };
        ([(header::SET_COOKIE, invite_message_cookie(t))], Redirect::to(&to)).into_response()
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
        Ok(true) => ([(header::SET_COOKIE, login_message_cookie(T::PasswordSet, &username))], Redirect::to("/logga-in")).into_response(),
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
pub async fn set_language(headers: HeaderMap, Form(form): Form<LanguageForm>) -> Response {
    let locale = Locale::from_code(&form.lang).unwrap_or_default();
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<axum::http::Uri>().ok())
        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    let cookie = format!("{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.code());
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
