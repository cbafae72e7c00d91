//! The guard every request passes, in one place:
//! - the client's address, for the audit log and login throttling;
//! - on every state-changing request: the `Origin` (else `Sec-Fetch-Site`, else `Referer`)
//!   must be this site, and a form must carry the session's CSRF token (the login form: the
//!   token of its cookie);
//! - on every response: security headers, and `Cache-Control: no-store` on everything but the
//!   static assets (pages and exports carry personal data).

use crate::Config;
use app::api::service::{cookie_value, is_token, login_message_cookie, ClientAddr, LOGIN_CSRF_COOKIE, SESSION_CSRF};
use app::i18n::{Locale, T};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use std::net::SocketAddr;
use tower_sessions::Session;

/// What the guard needs from the configuration.
#[derive(Clone, Debug)]
pub struct GuardConfig {
    /// `scheme://host[:port]` that posts must come from; None: the request's own host.
    pub public_origin: Option<String>,
    pub trust_proxy: bool,
    pub hsts: bool,
}

impl From<&Config> for GuardConfig {
    fn from(c: &Config) -> Self {
        Self { public_origin: c.public_url.clone(), trust_proxy: c.trust_proxy, hsts: c.secure_cookies }
    }
}

/// `host[:port]` of an absolute URL (`https://a.b:8080/x` → `a.b:8080`).
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Does this request come from a page of this site? Browsers always say where a post comes
/// from (`Origin`; older ones `Sec-Fetch-Site` or `Referer`); a request that says nothing is
/// not a browser's cross-site form, and still needs the CSRF token.
pub fn same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    let get = |h: header::HeaderName| headers.get(h).and_then(|v| v.to_str().ok());
    let host = get(header::HOST);
    let matches = |url: &str| match public_origin {
        Some(p) => url == p || url.starts_with(&format!("{p}/")),
        None => authority(url).is_some_and(|a| Some(a) == host),
    };
    if let Some(origin) = get(header::ORIGIN) {
        return origin != "null" && matches(origin);
    }
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    if let Some(referer) = get(header::REFERER) {
        return matches(referer);
    }
    true
}

fn client_addr(req: &Request, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(last) = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).and_then(|v| v.rsplit(',').next()) {
            return last.trim().chars().take(64).collect();
        }
    }
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// The refusal of a post that did not come from this site's own form.
fn refuse(headers: &HeaderMap) -> Response {
    let l = headers.get(header::COOKIE).and_then(|v| v.to_str().ok()).map(Locale::from_cookie_header).unwrap_or_default();
    let body = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>BITA</title></head>\
         <body><main><h1>{}</h1><p><a href=\"/\">{}</a></p></main></body></html>",
        l.code(),
        l.t(T::FormExpired),
        l.t(T::ToStartPage)
    );
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// The `csrf` field of a url-encoded form body.
fn form_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).ok()?.into_iter().find(|(k, _)| k == "csrf").map(|(_, v)| v)
}

pub async fn guard(Extension(cfg): Extension<GuardConfig>, mut req: Request, next: Next) -> Response {
    let client = client_addr(&req, cfg.trust_proxy);
    req.extensions_mut().insert(ClientAddr(client));
    let is_static = req.uri().path().starts_with("/pkg/") || req.uri().path() == "/favicon.svg";
    let page_policy = app::ui::PagePolicy::default();
    req.extensions_mut().insert(page_policy.clone());

    let mut response = if req.method() == Method::POST || req.method() == Method::PUT || req.method() == Method::DELETE || req.method() == Method::PATCH {
        match check_post(&cfg, req).await {
            Ok(req) => next.run(req).await,
            Err(refusal) => refusal,
        }
    } else {
        next.run(req).await
    };
    // A page's own policy (its script nonce), if the page set one and the response lost it.
    if let Some(csp) = page_policy.0.get().filter(|_| !response.headers().contains_key(header::CONTENT_SECURITY_POLICY)) {
        tracing::debug!("page policy restored from the request's slot");
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    }
    with_headers(response, &cfg, is_static)
}

/// Checks where a post comes from and its CSRF token; gives the request back intact.
async fn check_post(cfg: &GuardConfig, req: Request) -> Result<Request, Response> {
    if !same_origin(req.headers(), cfg.public_origin.as_deref()) {
        tracing::warn!(path = %req.uri().path(), "cross-site post refused");
        return Err(refuse(req.headers()));
    }
    let path = req.uri().path().to_string();
    // Server functions only read (pages' data); the origin check above is their guard. The
    // CSV upload is multipart: its handler checks the token in it.
    // The archive check changes nothing and is open to anyone (multipart, no token); the FK
    // form upload is multipart and its handler checks the token.
    if path.starts_with("/api/") || path == crate::UPLOAD_PATH || path == crate::exports::VERIFY_PATH || path == crate::exports::FORM_PATH {
        return Ok(req);
    }
    let expected = if path == "/logga-in" {
        let cookies = req.headers().get(header::COOKIE).and_then(|v| v.to_str().ok()).unwrap_or("");
        match cookie_value(cookies, LOGIN_CSRF_COOKIE).filter(|t| is_token(t)) {
            Some(t) => Some(t.to_string()),
            None => return Err(([(header::SET_COOKIE, login_message_cookie(T::FormExpired, ""))], Redirect::to("/logga-in")).into_response()),
        }
    } else {
        match req.extensions().get::<Session>() {
            Some(s) => s.get::<String>(SESSION_CSRF).await.ok().flatten(),
            None => None,
        }
    };
    // No token in the session: nobody is logged in, and every change needs someone who is.
    let Some(expected) = expected else { return Ok(req) };
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response()),
    };
    if form_token(&bytes).as_deref() != Some(expected.as_str()) {
        tracing::warn!(path = %path, "post without this session's CSRF token refused");
        if path == "/logga-in" {
            return Err(([(header::SET_COOKIE, login_message_cookie(T::FormExpired, ""))], Redirect::to("/logga-in")).into_response());
        }
        return Err(refuse(&parts.headers));
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn with_headers(mut res: Response, cfg: &GuardConfig, is_static: bool) -> Response {
    let h = res.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    // Pages set their own policy with the response's script nonce (app::ui::shell).
    set(header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    set(header::CACHE_CONTROL, if is_static { "no-cache" } else { "no-store" });
    if cfg.hsts {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains");
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn posts_must_come_from_this_site() {
        let host = ("host", "127.0.0.1:3000");
        assert!(same_origin(&headers(&[host, ("origin", "http://127.0.0.1:3000")]), None));
        assert!(!same_origin(&headers(&[host, ("origin", "https://evil.example")]), None));
        assert!(!same_origin(&headers(&[host, ("origin", "null")]), None));
        assert!(!same_origin(&headers(&[host, ("sec-fetch-site", "cross-site")]), None));
        assert!(same_origin(&headers(&[host, ("sec-fetch-site", "same-origin")]), None));
        assert!(!same_origin(&headers(&[host, ("referer", "https://evil.example/form")]), None));
        assert!(same_origin(&headers(&[host, ("referer", "http://127.0.0.1:3000/assistent")]), None));
        // With a configured public URL, only it counts (not whatever Host a proxy passes on).
        let public = Some("https://bita.example.se");
        assert!(same_origin(&headers(&[host, ("origin", "https://bita.example.se")]), public));
        assert!(!same_origin(&headers(&[host, ("origin", "http://127.0.0.1:3000")]), public));
        assert!(!same_origin(&headers(&[host, ("origin", "https://bita.example.se.evil.example")]), public));
    }
}
