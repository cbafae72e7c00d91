//! Login, logout and the language choice over HTTP; their writes (the throttle, the audit
//! entries, an invitation used) are the service layer's (`app::service::auth`). Passwords are argon2id hashes; a failed login says
//! the same thing whether or not the user exists, and takes the same work. Failed logins are
//! throttled per username and per client address (exponential back-off, then a temporary
//! lock), and recorded in the audit log without the password. Password hashing runs on the
//! blocking pool, at most one per core at a time, so a flood of logins cannot exhaust memory.

use crate::AppState;
use app::domain::people::SignIn;
use app::domain::settings::MAX_USERNAME;
use app::i18n::{Locale, T};
use app::model::random_token;
use app::service::auth::{
    PER_CLIENT, PER_USERNAME, Reserved, forget_failures, login_outcome, reserve,
};
use app::service::context::{
    ClientAddr, Cookies, Cx, SESSION_CSRF, SESSION_EPOCH, SESSION_ID_TOKEN, SESSION_LOGIN_AT,
    SESSION_OTP_PENDING, SESSION_PROVIDER, SESSION_SEEN, SESSION_SIGN_IN, SESSION_USER, now_unix,
    record,
};
use app::service::month::Confirmation;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use std::sync::LazyLock;
use store::AuditEntry;
use tokio::sync::Semaphore;
use tower_sessions::Session;

/// Hash a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default params")
        .to_string()
}

/// Verified against when the username is unknown, so both failures cost the same.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("no such user"));

/// One argon2 computation per core at a time (each takes 19 MiB).
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2))
});

/// Checks a password on the blocking pool, waiting for a free hashing slot first.
pub async fn verify_password(password: String, hash: String) -> bool {
    let Ok(_permit) = HASHING.acquire().await else { return false };
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// Back to the sign-in page with a message (and the username typed, never the password).
pub(crate) fn refused(cookies: Cookies, error: T, username: &str) -> Response {
    ([(header::SET_COOKIE, cookies.login_message(error, username))], Redirect::to("/logga-in"))
        .into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    tracing::error!(error = %e, "login failed internally");
    StatusCode::INTERNAL_SERVER_ERROR.into_response()
}

pub async fn login(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    session: Session,
    Form(form): Form<LoginForm>,
) -> Response {
    let cookies = state.api.settings.cookies;
    let client = client.map(|c| c.0.0).unwrap_or_else(|| "unknown".into());
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
    let repo = &*state.api.repo;
    let (user_t, client_t) =
        match reserve(repo, &[(&user_key, PER_USERNAME), (&client_key, PER_CLIENT)], now).await {
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
    let hash =
        creds.as_ref().map(|c| c.password_hash.clone()).unwrap_or_else(|| DUMMY_HASH.clone());
    let ok = verify_password(form.password, hash).await && creds.is_some();

    // A municipality that signs in with e-legitimation only: a right password opens no
    // session, and is recorded as such (said only after the password proved right, so it tells
    // a guesser nothing). The throttle still counts it as a right password.
    let allowed = match tenant.filter(|_| ok) {
        Some(t) => match app::service::identity::password_allowed(repo, t).await {
            Ok(a) => a,
            Err(e) => return internal(e),
        },
        None => true,
    };
    let action = if ok && !allowed {
        "login.password_not_allowed"
    } else if ok {
        "login"
    } else if user_t.failures >= PER_USERNAME.lock_at {
        "login.locked"
    } else {
        "login.failed"
    };
    if let Err(e) = login_outcome(
        repo,
        ok,
        &user_key,
        &client_key,
        client_t,
        now,
        audit(action, tenant, user_id),
    )
    .await
    {
        return internal(e);
    }
    let (Some(user_id), Some(creds)) = (user_id.filter(|_| ok), creds) else {
        tracing::info!("login failed");
        return refused(cookies, T::LoginFailed, &username);
    };
    if !allowed {
        return refused(cookies, T::EidPasswordNotAllowed, "");
    }
    // An account with a second factor: the password alone opens no session; the code's form
    // follows, with what proved right so far kept in a fresh session for a few minutes.
    match app::service::otp::enrolled(repo, user_id).await {
        Err(e) => return internal(e),
        Ok(true) => {
            let pending = (user_id, creds.session_epoch, now);
            if let Err(e) = async {
                session.cycle_id().await?;
                session.insert(SESSION_OTP_PENDING, pending).await
            }
            .await
            {
                return internal(e);
            }
            return Redirect::to(&format!("{}?kod=1", app::paths::LOGIN)).into_response();
        }
        Ok(false) => {}
    }
    if let Err(e) =
        begin_session(&session, user_id, creds.session_epoch, SignIn::Password, None).await
    {
        return internal(e);
    }
    tracing::info!(user = user_id, "login");
    start_page(&state, user_id).await
}

/// How long the code may come after the password.
const OTP_PENDING_SECONDS: i64 = 5 * 60;

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

/// `POST /engangskod`: the code after the password (from the authenticator app, or a recovery
/// code), throttled like the password per account; right, the session begins as password and
/// code (`SignIn::PasswordOtp`).
pub async fn login_code(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    session: Session,
    Form(form): Form<CodeForm>,
) -> Response {
    let cookies = state.api.settings.cookies;
    let client = client.map(|c| c.0.0).unwrap_or_else(|| "unknown".into());
    let back = |t: T| {
        (
            [(header::SET_COOKIE, cookies.login_message(t, ""))],
            Redirect::to(&format!("{}?kod=1", app::paths::LOGIN)),
        )
            .into_response()
    };
    let pending: Option<(i64, i64, i64)> = session.get(SESSION_OTP_PENDING).await.ok().flatten();
    let now = now_unix();
    let Some((user, epoch, _)) = pending.filter(|(_, _, at)| now - at <= OTP_PENDING_SECONDS)
    else {
        let _ = session.remove::<(i64, i64, i64)>(SESSION_OTP_PENDING).await;
        return refused(cookies, T::OtpExpired, "");
    };
    if form.code.trim().is_empty() || form.code.len() > 64 {
        return back(T::OtpWrongCode);
    }
    let repo = &*state.api.repo;
    let key = format!("otp:{user}");
    // Counted as a failure before the code is checked (as a password is); a right code takes
    // it back.
    match reserve(repo, &[(&key, PER_USERNAME)], now).await {
        Err(e) => return internal(e),
        Ok(Reserved::Blocked) => return back(T::LoginThrottled),
        Ok(Reserved::Counted(..)) => {}
    }
    let ok = match app::service::otp::check_login_code(repo, user, &form.code, Some(client.clone()))
        .await
    {
        Ok(ok) => ok,
        Err(e) => return internal(e),
    };
    if !ok {
        return back(T::OtpWrongCode);
    }
    if let Err(e) = forget_failures(repo, &key).await {
        return internal(e);
    }
    let _ = session.remove::<(i64, i64, i64)>(SESSION_OTP_PENDING).await;
    if let Err(e) = begin_session(&session, user, epoch, SignIn::PasswordOtp, None).await {
        return internal(e);
    }
    tracing::info!(user, "login with a second factor");
    start_page(&state, user).await
}

/// To the signed-in person's start page.
async fn start_page(state: &AppState, user_id: i64) -> Response {
    let start = match state.api.repo.read().await {
        Ok(mut db) => db
            .caller(user_id)
            .await
            .ok()
            .flatten()
            .map(|c| app::paths::start_page(c.role))
            .unwrap_or("/"),
        Err(_) => "/",
    };
    Redirect::to(start).into_response()
}

/// Opens a signed-in session: a new id (which defeats session fixation), who, a fresh CSRF
/// token, when, the account's epoch, and how the person signed in. Password and provider
/// sign-ins both open their sessions here.
pub async fn begin_session(
    session: &Session,
    user: i64,
    epoch: i64,
    how: SignIn,
    provider: Option<(i64, &str)>,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    let now = now_unix();
    session.insert(SESSION_USER, user).await?;
    session.insert(SESSION_CSRF, random_token()).await?;
    session.insert(SESSION_LOGIN_AT, now).await?;
    session.insert(SESSION_SEEN, now).await?;
    session.insert(SESSION_EPOCH, epoch).await?;
    signed_in_with(session, how, provider).await
}

/// How the session's person signed in (also after a step-up), and with a provider which one
/// and its ID token (the hint of the provider's sign-out).
pub async fn signed_in_with(
    session: &Session,
    how: SignIn,
    provider: Option<(i64, &str)>,
) -> Result<(), tower_sessions::session::Error> {
    session.insert(SESSION_SIGN_IN, how).await?;
    if let Some((id, id_token)) = provider {
        session.insert(SESSION_PROVIDER, id).await?;
        session.insert(SESSION_ID_TOKEN, id_token).await?;
    }
    Ok(())
}

/// Checks the caller's password again before a signature. It takes its place in the same
/// per-username throttle as a login first (a wrong one counts; a burst gets no more guesses),
/// and a wrong one is recorded (never the password); nothing else happens.
pub async fn confirm_password(
    state: &AppState,
    cx: &Cx,
    password: &str,
) -> Result<Confirmation, Response> {
    let Some(c) = cx.caller.as_ref() else { return Ok(Confirmation::Missing) };
    if password.is_empty() {
        return Ok(Confirmation::Missing);
    }
    if password.len() > 1024 {
        return Ok(Confirmation::WrongPassword);
    }
    let login = async { state.api.repo.read().await?.login_of(c.user_id).await };
    let Some((username, hash)) = login.await.map_err(internal)? else {
        return Ok(Confirmation::WrongPassword);
    };
    let key = format!("user:{}", username.to_lowercase());
    let now = now_unix();
    let audit = |action: &'static str| AuditEntry {
        action,
        subject: "signature.confirm".into(),
        ..cx.audit_entry(action, String::new())
    };
    let counted =
        match reserve(&*state.api.repo, &[(&key, PER_USERNAME)], now).await.map_err(internal)? {
            Reserved::Blocked => return Ok(Confirmation::Throttled),
            Reserved::Counted(u, _) => u,
        };
    if verify_password(password.to_string(), hash).await {
        forget_failures(&*state.api.repo, &key).await.map_err(internal)?;
        return Ok(Confirmation::Confirmed);
    }
    record(
        &*state.api.repo,
        audit(if counted.failures >= PER_USERNAME.lock_at {
            "confirm.locked"
        } else {
            "confirm.failed"
        }),
    )
    .await
    .map_err(internal)?;
    Ok(Confirmation::WrongPassword)
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
pub async fn accept_invitation(
    State(state): State<AppState>,
    client: Option<Extension<ClientAddr>>,
    Form(form): Form<InvitationForm>,
) -> Response {
    use app::service::context::is_token;
    use engine::password::{PasswordError, check_new_password};
    let cookies = state.api.settings.cookies;
    let code = form.kod.trim().to_string();
    let back = |t: T| {
        let to = if is_token(&code) { format!("/inbjudan?kod={code}") } else { "/inbjudan".into() };
        ([(header::SET_COOKIE, cookies.invite_message(t))], Redirect::to(&to)).into_response()
    };
    if !is_token(&code) || form.password.len() > 1024 {
        return back(T::InviteInvalid);
    }
    let sha = engine::fk::sha256_hex(code.as_bytes());
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
    let client = client.map(|c| c.0.0);
    let entry = AuditEntry {
        tenant: Some(tenant),
        user: Some(user),
        actor: Some(username.clone()),
        client,
        action: "account.password_set",
        subject: format!("user {user}"),
        ..Default::default()
    };
    match app::service::auth::use_invitation(&*state.api.repo, id, user, &hash, now, entry).await {
        Ok(true) => (
            [(header::SET_COOKIE, cookies.login_message(T::PasswordSet, &username))],
            Redirect::to("/logga-in"),
        )
            .into_response(),
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
pub async fn set_language(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<LanguageForm>,
) -> Response {
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
