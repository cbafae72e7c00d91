//! Login, logout and the language choice. Passwords are argon2id hashes; a failed login says
//! the same thing whether or not the user exists, and takes the same work.

use crate::AppState;
use app::api::service::{Cx, SESSION_USER};
use app::api::Flash;
use app::i18n::{Locale, T, LANG_COOKIE};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::sync::LazyLock;
use tower_sessions::Session;

/// Hash a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 with default params").to_string()
}

/// Verified against when the username is unknown, so both failures cost the same.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| hash_password("no such user"));

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok()).unwrap_or(false)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn login(State(state): State<AppState>, session: Session, Form(form): Form<LoginForm>) -> Response {
    let username = form.username.trim().to_string();
    let fail = |error: T| {
        let session = session.clone();
        let username = username.clone();
        async move {
            let _ = session.insert(app::api::service::SESSION_FLASH, Flash { error: Some(error), username: Some(username), ..Default::default() }).await;
            Redirect::to("/logga-in").into_response()
        }
    };
    if username.is_empty() || form.password.is_empty() {
        return fail(T::LoginMissing).await;
    }
    let creds = match state.api.repo.credentials(&username).await {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "login lookup failed");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let password = form.password;
    let (user_id, hash) = match creds {
        Some(c) => (Some(c.user_id), c.password_hash),
        None => (None, DUMMY_HASH.clone()),
    };
    let ok = tokio::task::spawn_blocking(move || verify(&password, &hash)).await.unwrap_or(false);
    let Some(user_id) = user_id.filter(|_| ok) else {
        tracing::info!("login failed");
        return fail(T::LoginFailed).await;
    };
    // A new session id at login defeats session fixation.
    if let Err(e) = session.cycle_id().await {
        tracing::error!(error = %e, "session cycle failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    if let Err(e) = session.insert(SESSION_USER, user_id).await {
        tracing::error!(error = %e, "session insert failed");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    tracing::info!(user = user_id, "login");
    let start = match Cx::new(state.api.repo.clone(), session).await.ok().and_then(|cx| cx.caller) {
        Some(c) => c.role.start_page(),
        None => "/",
    };
    Redirect::to(start).into_response()
}

pub async fn logout(session: Session) -> Response {
    let _ = session.flush().await;
    Redirect::to("/logga-in").into_response()
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
