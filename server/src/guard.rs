//! The guard every request passes, in one place:
//! - the client's address, for the audit log and login throttling;
//! - on every post, decided from its headers before a byte of its body is read: the route's
//!   body limit (a larger `Content-Length` is refused, and a body without one is cut off at
//!   the limit), where it comes from (`Origin`, else `Sec-Fetch-Site`, else `Referer`: this
//!   site, scheme, host and port), who is asking (a route for a role refuses everyone else, so
//!   no handler, parser or outside program ever sees their body), and for uploads the CSRF
//!   token, which travels in the form's address; a form's token (a small body, read only
//!   once the rest holds) is its `csrf` field, the login form's the token of its cookie;
//! - on every response: security headers, and `Cache-Control: no-store` on everything but the
//!   static assets (pages and exports carry personal data).
//!
//! Every post route is registered with its [`Policy`] ([`Posts`]), so a route cannot exist
//! without one.

use crate::Config;
use app::i18n::{Locale, T};
use app::model::Role;
use app::paths;
use app::service::context::{
    ApiState, ClientAddr, Cookies, Cx, LOGIN_CSRF_COOKIE, SESSION_CSRF, cookie_value, is_token,
};
use axum::Extension;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use tower_sessions::Session;

/// The largest form body (forms are small: a month's rows are posted one at a time).
pub const FORM_LIMIT: usize = 64 * 1024;

/// Who may post to a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, logged in or not (the login form, the language, the public archive check).
    Anyone,
    /// Only someone logged in with one of these roles.
    Roles(&'static [Role]),
}

pub const ADMIN: Access = Access::Roles(&[Role::Admin]);
pub const ASSISTANT: Access = Access::Roles(&[Role::Assistant]);
/// The recipient or someone acting for them.
pub const SIGNER: Access = Access::Roles(&[Role::Recipient, Role::Representative]);
/// Who plans: a work leader (for the recipients given them) or the administrator.
pub const PLANNER: Access = Access::Roles(&[Role::Admin, Role::WorkLeader]);
/// Anyone signed in, whatever the role (their own account).
pub const SIGNED_IN: Access = Access::Roles(&[
    Role::Admin,
    Role::Assistant,
    Role::Recipient,
    Role::Representative,
    Role::WorkLeader,
]);

/// What a route's body is, how large it may be and where its CSRF token travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// A url-encoded form of at most [`FORM_LIMIT`]; its token is the `csrf` field.
    Form,
    /// The login form: its token equals its cookie's (double submit; anonymous visitors get no
    /// stored session).
    Login,
    /// A multipart upload of at most `limit` bytes, streamed to temporary files by its handler.
    /// Its token is in the form's address (`?csrf=`), so it is checked before the body.
    Upload { limit: usize },
    /// A multipart upload anyone may send that changes and keeps nothing (the archive check).
    PublicUpload { limit: usize },
    /// Leptos server functions (pages' data, read only): the origin check is their guard.
    ServerFn,
}

impl BodyKind {
    pub fn limit(self) -> usize {
        match self {
            BodyKind::Upload { limit } | BodyKind::PublicUpload { limit } => limit,
            BodyKind::Form | BodyKind::Login | BodyKind::ServerFn => FORM_LIMIT,
        }
    }
}

/// What a post route requires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    pub access: Access,
    pub body: BodyKind,
}

impl Policy {
    pub const fn form(access: Access) -> Self {
        Policy { access, body: BodyKind::Form }
    }
}

/// The post routes and their policies: the router's post routes are added only through
/// [`Posts::route`], which records the policy the guard enforces.
pub struct Posts<S> {
    router: axum::Router<S>,
    policies: HashMap<&'static str, Policy>,
}

impl<S: Clone + Send + Sync + 'static> Posts<S> {
    pub fn new(router: axum::Router<S>) -> Self {
        Self { router, policies: HashMap::new() }
    }

    pub fn route<H, T>(mut self, path: &'static str, policy: Policy, handler: H) -> Self
    where
        H: axum::handler::Handler<T, S>,
        T: 'static,
    {
        assert!(self.policies.insert(path, policy).is_none(), "{path} is registered twice");
        self.router = self.router.route(path, axum::routing::post(handler));
        self
    }

    /// The router, and the policies for the guard.
    pub fn finish(self) -> (axum::Router<S>, Policies) {
        (self.router, Policies(Arc::new(self.policies)))
    }
}

#[derive(Clone, Debug, Default)]
pub struct Policies(Arc<HashMap<&'static str, Policy>>);

impl Policies {
    /// The route's policy. Server functions read only; a path no route has gets the smallest
    /// body and the router's 404 or 405.
    pub fn of(&self, path: &str) -> Policy {
        match self.0.get(path) {
            Some(p) => *p,
            None if path.starts_with("/api/") => {
                Policy { access: Access::Anyone, body: BodyKind::ServerFn }
            }
            None => Policy::form(Access::Anyone),
        }
    }
}

/// What the guard needs from the configuration and the app.
#[derive(Clone)]
pub struct Gate {
    /// `scheme://host[:port]` that posts must come from; None: the request's own host.
    pub public_origin: Option<String>,
    pub trust_proxy: bool,
    /// Cookies are `Secure` (the site is served over https): HSTS, and the scheme posts must
    /// come from when no public URL is configured.
    pub secure: bool,
    pub policies: Policies,
    pub api: ApiState,
    /// Calls per API token and minute.
    pub api_limiter: Arc<crate::api::Limiter>,
}

impl Gate {
    pub fn new(c: &Config, policies: Policies, api: ApiState) -> Self {
        Self {
            public_origin: c.public_url.clone(),
            trust_proxy: c.trust_proxy,
            secure: c.secure_cookies,
            policies,
            api,
            api_limiter: crate::api::limiter(c.api_per_minute),
        }
    }

    /// This site's origin as a browser names it: the configured public URL, else the scheme
    /// (https behind a trusted proxy that says so, or when cookies are secure) with the
    /// request's own `Host`.
    pub(crate) fn origin(&self, headers: &HeaderMap) -> Option<String> {
        if let Some(p) = &self.public_origin {
            return Some(p.clone());
        }
        let host = headers.get(header::HOST).and_then(|v| v.to_str().ok())?;
        let forwarded = self
            .trust_proxy
            .then(|| headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()))
            .flatten();
        let scheme = match forwarded {
            Some(p) if p.eq_ignore_ascii_case("https") => "https",
            Some(_) => "http",
            None if self.secure => "https",
            None => "http",
        };
        Some(format!("{scheme}://{host}"))
    }
}

/// Does this request come from a page of this site (`origin`: scheme, host and port)?
/// Browsers always say where a post comes from (`Origin`; older ones `Sec-Fetch-Site` or
/// `Referer`); a request that says nothing is not a browser's cross-site form, and still
/// needs the CSRF token.
pub fn same_origin(headers: &HeaderMap, origin: Option<&str>) -> bool {
    let get = |h: header::HeaderName| headers.get(h).and_then(|v| v.to_str().ok());
    let matches = |url: &str| {
        origin.is_some_and(|o| {
            url.eq_ignore_ascii_case(o)
                || url
                    .get(..o.len() + 1)
                    .is_some_and(|p| p[..o.len()].eq_ignore_ascii_case(o) && p.ends_with('/'))
        })
    };
    if let Some(o) = get(header::ORIGIN) {
        return o != "null" && matches(o);
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
    if trust_proxy
        && let Some(last) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
    {
        return last.trim().chars().take(64).collect();
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

pub fn locale(headers: &HeaderMap) -> Locale {
    headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(Locale::from_cookie_header)
        .unwrap_or_default()
}

/// A short page in the user's language that says what went wrong and what to do, with a link
/// back.
pub fn message_page(status: StatusCode, headers: &HeaderMap, text: &str) -> Response {
    let l = locale(headers);
    let escape = |s: &str| {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    };
    let body = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>BITA</title></head>\
         <body><main><h1>{}</h1><p><a href=\"/\">{}</a></p></main></body></html>",
        l.code(),
        escape(text),
        l.t(T::ToStartPage)
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// The refusal of a post that did not come from this site's own form.
fn refuse(headers: &HeaderMap) -> Response {
    message_page(StatusCode::FORBIDDEN, headers, locale(headers).t(T::FormExpired))
}

/// A body larger than the route takes: said in the user's language with the limit.
fn too_large(headers: &HeaderMap, limit: usize) -> Response {
    let l = locale(headers);
    let text = format!(
        "{} {} MB.",
        l.t(T::UploadTooLarge),
        (limit as f64 / (1024.0 * 1024.0)).ceil().max(1.0)
    );
    message_page(StatusCode::PAYLOAD_TOO_LARGE, headers, &text)
}

/// The header the phone's offline queue sends a saved row with (`app/offline/queue.js`): it
/// wants a status, not the login page.
pub const QUEUED: &str = "x-bita-queue";

/// The `csrf` field of a url-encoded form body.
fn form_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v)
}

/// The `csrf` parameter of the request's address (an upload form's action).
fn query_token(req: &Request) -> Option<String> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(req.uri().query()?)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v)
}

pub async fn guard(
    Extension(gate): Extension<Arc<Gate>>,
    mut req: Request,
    next: Next,
) -> Response {
    let client = client_addr(&req, gate.trust_proxy);
    req.extensions_mut().insert(ClientAddr(client));
    let page_policy = app::ui::PagePolicy::default();
    req.extensions_mut().insert(page_policy.clone());
    // The API's calls carry a token, not a session: decided apart.
    let path = req.uri().path();
    if path == crate::api::DOCS || path.starts_with("/api/v1/") {
        return crate::api::gate(&gate.api, &gate.api_limiter, req, next).await;
    }

    let writes =
        matches!(*req.method(), Method::POST | Method::PUT | Method::DELETE | Method::PATCH);
    let mut response = if writes {
        match check_post(&gate, req).await {
            Ok(req) => next.run(req).await,
            Err(refusal) => refusal,
        }
    } else {
        match check_page(&gate, req).await {
            Ok(req) => next.run(req).await,
            Err(step_up) => step_up,
        }
    };
    // A page's own policy (its script nonce), if the page set one and the response lost it.
    if let Some(csp) = page_policy
        .0
        .get()
        .filter(|_| !response.headers().contains_key(header::CONTENT_SECURITY_POLICY))
    {
        tracing::debug!("page policy restored from the request's slot");
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    }
    response
}

/// Whether what the request reaches needs a strong sign-in the session does not have: the
/// municipality decides (`StrongFor`) for the administrator's pages, a full personnummer and
/// health data (the recipient card with its hospital stays, and absences posted). Signing is
/// decided where the signature is made (`Confirmation`).
fn needs_step_up(path: &str, cx: &Cx) -> bool {
    let Some(c) = &cx.caller else { return false };
    if cx.sign_in.is_strong() {
        return false;
    }
    let s = c.strong_for;
    // Municipal staff: the administrator, and a work leader (whose plan shows rule findings
    // of health data, a hospital stay).
    let admin = matches!(c.role, Role::Admin | Role::WorkLeader);
    // The person's own account (`/konto/…`) stays open: adding a second factor is one way a
    // password session becomes strong.
    (s.admin && admin && !path.starts_with("/konto/"))
        || (s.personnummer && (path == paths::PERSONNUMMER || path == paths::OWN_PERSONNUMMER))
        || (s.health
            && [paths::RECIPIENT_CARD, paths::ABSENCE_ADD, paths::ABSENCE_DELETE].contains(&path))
        || (admin && path.starts_with("/api/") && (s.health || s.personnummer))
}

/// To the sign-in page, to step up and come back to `to`.
fn step_up(to: &str) -> Response {
    let to = app::service::auth::local_path(to).unwrap_or_else(|| "/".into());
    Redirect::to(&format!("{}?till={}", paths::LOGIN, paths::query_value(&to))).into_response()
}

/// A page of the administrator (or a server function) whose municipality wants a strong
/// sign-in for it: the caller is resolved here (the page reuses it) and a weaker session is
/// asked to step up, returning to the page afterwards.
async fn check_page(gate: &Gate, mut req: Request) -> Result<Request, Response> {
    let path = req.uri().path();
    if !(path.starts_with("/admin") || path.starts_with("/schema") || path.starts_with("/api/")) {
        return Ok(req);
    }
    let Some(session) = req.extensions().get::<Session>().cloned() else { return Ok(req) };
    let client = req.extensions().get::<ClientAddr>().map(|c| c.0.clone());
    let cx = Cx::new(&gate.api, session, client).await.map_err(IntoResponse::into_response)?;
    if needs_step_up(path, &cx) {
        let to = req.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
        return Err(step_up(&to));
    }
    req.extensions_mut().insert(cx);
    Ok(req)
}

/// Decides a post from its headers (limit, origin, caller and role, an upload's token), then
/// reads a form's small body for its token; gives the request back with its body capped and
/// the caller's context resolved.
async fn check_post(gate: &Gate, req: Request) -> Result<Request, Response> {
    let path = req.uri().path().to_string();
    let policy = gate.policies.of(&path);
    if !same_origin(req.headers(), gate.origin(req.headers()).as_deref()) {
        tracing::warn!(path = %path, "cross-site post refused");
        return Err(refuse(req.headers()));
    }
    let limit = policy.body.limit();
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        tracing::info!(path = %path, bytes = declared.unwrap_or_default(), limit, "post larger than its route takes refused");
        return Err(too_large(req.headers(), limit));
    }
    let session = req.extensions().get::<Session>().cloned();
    let expected = match policy.access {
        Access::Anyone => match &session {
            Some(s) if policy.body != BodyKind::Login => {
                s.get::<String>(SESSION_CSRF).await.ok().flatten()
            }
            _ => None,
        },
        Access::Roles(roles) => {
            let Some(session) = session else {
                return Err(StatusCode::INTERNAL_SERVER_ERROR.into_response());
            };
            let client = req.extensions().get::<ClientAddr>().map(|c| c.0.clone());
            let cx =
                Cx::new(&gate.api, session, client).await.map_err(IntoResponse::into_response)?;
            match &cx.caller {
                None if req.headers().contains_key(QUEUED) => {
                    return Err(StatusCode::UNAUTHORIZED.into_response());
                }
                None => return Err(Redirect::to("/logga-in").into_response()),
                Some(c) if !roles.contains(&c.role) => {
                    tracing::warn!(path = %path, role = c.role.code(), "post by a role the route is not for refused");
                    return Err(StatusCode::FORBIDDEN.into_response());
                }
                Some(_) if needs_step_up(&path, &cx) => {
                    let back = req
                        .headers()
                        .get(header::REFERER)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|r| r.parse::<axum::http::Uri>().ok())
                        .and_then(|u| u.path_and_query().map(|p| p.as_str().to_string()))
                        .unwrap_or_else(|| "/".into());
                    return Err(step_up(&back));
                }
                Some(_) => {}
            }
            let expected = cx.csrf.clone();
            let mut req = req;
            req.extensions_mut().insert(cx);
            return finish(gate, req, policy, expected, limit).await;
        }
    };
    finish(gate, req, policy, expected, limit).await
}

/// The CSRF check by the route's kind of body, and the body capped at the route's limit.
async fn finish(
    gate: &Gate,
    req: Request,
    policy: Policy,
    expected: Option<String>,
    limit: usize,
) -> Result<Request, Response> {
    let path = req.uri().path().to_string();
    let (parts, body) = req.into_parts();
    let capped = Body::new(http_body_util::Limited::new(body, limit));
    let req = Request::from_parts(parts, capped);
    let cookies = gate.api.settings.cookies;
    match policy.body {
        BodyKind::ServerFn | BodyKind::PublicUpload { .. } => Ok(req),
        BodyKind::Upload { .. } => match expected {
            // No token in the session: nobody is logged in; the route's access said so already.
            None => Ok(req),
            Some(t) if query_token(&req).as_deref() == Some(t.as_str()) => Ok(req),
            Some(_) => {
                tracing::warn!(path = %path, "upload without this session's CSRF token refused");
                Err(refuse(req.headers()))
            }
        },
        BodyKind::Login => {
            let from_cookie = req
                .headers()
                .get(header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .and_then(|c| cookie_value(c, LOGIN_CSRF_COOKIE))
                .filter(|t| is_token(t))
                .map(str::to_string);
            let Some(expected) = from_cookie else { return Err(login_expired(cookies)) };
            let (parts, body) = req.into_parts();
            let bytes = axum::body::to_bytes(body, limit)
                .await
                .map_err(|_| too_large(&parts.headers, limit))?;
            if form_token(&bytes).as_deref() != Some(expected.as_str()) {
                tracing::warn!("login without its form's token refused");
                return Err(login_expired(cookies));
            }
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
        BodyKind::Form => {
            // No token in the session: nobody is logged in, and every change needs someone who is.
            let Some(expected) = expected else { return Ok(req) };
            let (parts, body) = req.into_parts();
            let bytes = axum::body::to_bytes(body, limit)
                .await
                .map_err(|_| too_large(&parts.headers, limit))?;
            if form_token(&bytes).as_deref() != Some(expected.as_str()) {
                tracing::warn!(path = %path, "post without this session's CSRF token refused");
                return Err(refuse(&parts.headers));
            }
            Ok(Request::from_parts(parts, Body::from(bytes)))
        }
    }
}

fn login_expired(cookies: Cookies) -> Response {
    ([(header::SET_COOKIE, cookies.login_message(T::FormExpired, ""))], Redirect::to("/logga-in"))
        .into_response()
}

/// The headers every response carries unless it set its own (tower-http's layers): no
/// sniffing, no framing, the referrer kept to this site, a closed Content-Security-Policy
/// (pages set their own with the response's script nonce, `app::ui::shell`), nothing stored
/// by the browser (the static assets say `no-cache` themselves, `routes`), and HSTS when
/// cookies are secure.
pub fn security_headers<S: Clone + Send + Sync + 'static>(
    router: axum::Router<S>,
    secure: bool,
) -> axum::Router<S> {
    use tower_http::set_header::SetResponseHeaderLayer as Set;
    let fixed = |name: header::HeaderName, value: &'static str| {
        Set::if_not_present(name, HeaderValue::from_static(value))
    };
    let router = router
        .layer(fixed(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(fixed(header::X_FRAME_OPTIONS, "DENY"))
        .layer(fixed(header::REFERRER_POLICY, "same-origin"))
        .layer(fixed(header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"))
        .layer(fixed(header::CACHE_CONTROL, "no-store"));
    if secure {
        router
            .layer(fixed(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains"))
    } else {
        router
    }
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
        let site = Some("http://127.0.0.1:3000");
        assert!(same_origin(&headers(&[host, ("origin", "http://127.0.0.1:3000")]), site));
        assert!(!same_origin(&headers(&[host, ("origin", "https://evil.example")]), site));
        assert!(!same_origin(&headers(&[host, ("origin", "null")]), site));
        assert!(!same_origin(&headers(&[host, ("sec-fetch-site", "cross-site")]), site));
        assert!(same_origin(&headers(&[host, ("sec-fetch-site", "same-origin")]), site));
        assert!(!same_origin(&headers(&[host, ("referer", "https://evil.example/form")]), site));
        assert!(same_origin(
            &headers(&[host, ("referer", "http://127.0.0.1:3000/assistent")]),
            site
        ));
        // Scheme, host and port must all match: the https origin is another site than http's.
        assert!(!same_origin(&headers(&[host, ("origin", "https://127.0.0.1:3000")]), site));
        assert!(!same_origin(&headers(&[host, ("origin", "http://127.0.0.1:3001")]), site));
        assert!(!same_origin(
            &headers(&[host, ("referer", "https://127.0.0.1:3000/assistent")]),
            site
        ));
        assert!(!same_origin(&headers(&[host, ("origin", "http://127.0.0.1:30000")]), site));
        let public = Some("https://bita.example.se");
        assert!(same_origin(&headers(&[host, ("origin", "https://bita.example.se")]), public));
        assert!(!same_origin(&headers(&[host, ("origin", "http://127.0.0.1:3000")]), public));
        assert!(!same_origin(
            &headers(&[host, ("origin", "https://bita.example.se.evil.example")]),
            public
        ));
    }

    #[test]
    fn the_site_origin_has_the_scheme_it_is_served_with() {
        let gate = |secure: bool, trust_proxy: bool| Gate {
            public_origin: None,
            trust_proxy,
            secure,
            policies: Policies::default(),
            api: ApiState { repo: Arc::new(NoRepo), settings: Default::default() },
            api_limiter: crate::api::limiter(1),
        };
        let h = headers(&[("host", "bita.local:8080"), ("x-forwarded-proto", "https")]);
        assert_eq!(gate(false, false).origin(&h).as_deref(), Some("http://bita.local:8080"));
        assert_eq!(gate(true, false).origin(&h).as_deref(), Some("https://bita.local:8080"));
        assert_eq!(gate(false, true).origin(&h).as_deref(), Some("https://bita.local:8080"));
    }

    /// A repo the origin test never calls.
    struct NoRepo;
    #[async_trait::async_trait]
    impl store::Repo for NoRepo {
        async fn ping(&self) -> store::RepoResult<()> {
            unreachable!()
        }
        async fn read(&self) -> store::RepoResult<Box<dyn store::Store>> {
            unreachable!()
        }
        async fn write(&self) -> store::RepoResult<Box<dyn store::Store>> {
            unreachable!()
        }
        async fn write_in(&self, _: i64) -> store::RepoResult<Box<dyn store::Store>> {
            unreachable!()
        }
        async fn insert_new_row(&self, _: store::NewRow) -> store::RepoResult<Option<i64>> {
            unreachable!()
        }
    }
}
