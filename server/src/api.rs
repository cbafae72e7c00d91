//! `/api/v1` (issue 29): JSON for back-office systems, documented by an OpenAPI 3.1 document
//! generated from these handlers (utoipa) and served at `/api/v1/openapi.json`, readable at
//! `/api/v1`. A call is decided from its headers before a byte of its body is read ([`gate`]):
//! its token ([`app::service::api::authenticate`]), the scope its route needs ([`ROUTES`]), its
//! municipality (the token's), its rate and its body's size. Every call is audited. Errors are
//! RFC 9457 problem details (`application/problem+json`), in Swedish when the caller asks for it
//! (`Accept-Language: sv`), else in English.

use app::i18n::{Locale, T};
use app::model::PageError;
use app::model::api::Scope;
use app::service::api::{self as service, ApiCaller, Refusal, WriteRefusal as Refused};
use app::service::context::{ApiState, ClientAddr};
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use governor::clock::Clock;
use serde::{Deserialize, Serialize};
use std::num::NonZeroU32;
use std::sync::Arc;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The largest body an API call may send.
pub const BODY_LIMIT: usize = 64 * 1024;
/// At most this many items in one page of a list.
pub const MAX_PAGE: i64 = 500;
const DEFAULT_PAGE: i64 = 100;

/// Each route and the scopes of which it needs one (a route not here is not the API's).
pub const ROUTES: &[(Method, &str, &[Scope])] = &[
    (Method::GET, "/api/v1/recipients", &[Scope::RegisterRead]),
    (Method::PUT, "/api/v1/recipients/{external_id}", &[Scope::RegisterWrite]),
    (Method::GET, "/api/v1/months/{month}", &[Scope::MonthsRead]),
    (Method::GET, "/api/v1/changes", &Scope::ALL),
];

/// The API's own pages that need no token: its documentation.
pub const OPENAPI: &str = "/api/v1/openapi.json";
pub const DOCS: &str = "/api/v1";

/// Calls per token and minute, per server (`BITA_API_PER_MINUTE`).
pub type Limiter = governor::DefaultKeyedRateLimiter<i64>;

pub fn limiter(per_minute: u32) -> Arc<Limiter> {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    Arc::new(governor::RateLimiter::keyed(governor::Quota::per_minute(n)))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "BITA",
        version = "1",
        description = "Time reporting for Swedish personal assistance: the register, months, reports, payroll and archives of one municipality, for its back-office systems. Every call carries a token an administrator made in BITA (`Authorization: Bearer bita_…`); a token reaches its own municipality only, with the scopes it was given. Errors are RFC 9457 problem details."
    ),
    paths(list_recipients, put_recipient, get_month, list_changes),
    components(schemas(Recipient, RecipientPage, RecipientIn, Month, Report, Named, Minutes, Change, ChangePage, Problem, FieldProblem)),
    modifiers(&BearerToken),
    tags(
        (name = "register", description = "Recipients, assistants and their decisions"),
        (name = "months", description = "Months and their time reports"),
        (name = "changes", description = "What changed, for syncing without reading everything again")
    )
)]
pub struct Doc;

struct BearerToken;

impl utoipa::Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token made by the municipality's administrator in BITA (Administration → API).",
                    ))
                    .build(),
            ),
        );
    }
}

/// A problem (RFC 9457).
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// A URI that names the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What is wrong and what to do.
    pub detail: String,
    /// Each thing wrong with what was sent (a 422).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldProblem>>,
}

/// One thing wrong with what was sent.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    pub detail: String,
}

fn lang(headers: &HeaderMap) -> Locale {
    let sv = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("sv"));
    if sv { Locale::Sv } else { Locale::En }
}

/// A problem response: its kind (`https://bita.se/problems/<kind>`), status and text.
pub fn problem(
    headers: &HeaderMap,
    status: StatusCode,
    kind: &str,
    title: T,
    detail: String,
) -> Response {
    let l = lang(headers);
    let body = Problem {
        kind: format!("https://bita.se/problems/{kind}"),
        title: l.t(title).to_string(),
        status: status.as_u16(),
        detail,
        errors: None,
    };
    let mut res = (status, Json(body)).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    res
}

fn refused(headers: &HeaderMap, r: &Refusal) -> Response {
    let l = lang(headers);
    let (status, kind, title, detail) = match r {
        Refusal::NoToken => {
            (StatusCode::UNAUTHORIZED, "no-token", T::ApiNoToken, T::ApiNoTokenDetail)
        }
        Refusal::Expired(_) => {
            (StatusCode::UNAUTHORIZED, "token-expired", T::ApiTokenExpired, T::ApiTokenEndedDetail)
        }
        Refusal::Revoked(_) => {
            (StatusCode::UNAUTHORIZED, "token-revoked", T::ApiTokenRevoked, T::ApiTokenEndedDetail)
        }
        Refusal::Scope(_) => {
            (StatusCode::FORBIDDEN, "scope", T::ApiScopeMissing, T::ApiScopeMissingDetail)
        }
    };
    let detail = match r {
        Refusal::Scope(s) => format!("{} {}", l.t(detail), s.code()),
        _ => l.t(detail).to_string(),
    };
    let mut res = problem(headers, status, kind, title, detail);
    if status == StatusCode::UNAUTHORIZED {
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"bita\""));
    }
    res
}

/// The API's part of the guard: everything decided from the headers, then the call, then its
/// audit entry.
pub async fn gate(api: &ApiState, limiter: &Limiter, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if req.method() == Method::GET && (path == OPENAPI || path == DOCS) {
        return next.run(req).await;
    }
    let headers = req.headers().clone();
    let Some((_, _, scope)) =
        ROUTES.iter().find(|(m, p, _)| m == req.method() && route_matches(p, &path))
    else {
        let l = lang(&headers);
        return problem(
            &headers,
            StatusCode::NOT_FOUND,
            "not-found",
            T::ApiNotFound,
            l.t(T::ApiNotFoundDetail).into(),
        );
    };
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let client = req.extensions().get::<ClientAddr>().map(|c| c.0.clone());
    let call = format!("{} {path}", req.method());
    let caller = match service::authenticate(&*api.repo, auth).await {
        Ok(c) => c,
        Err(r) => {
            let res = refused(&headers, &r);
            // A token of the installation's, revoked or past its day: recorded as its own
            // municipality's (no token: nobody to record it for).
            if let Refusal::Expired(c) | Refusal::Revoked(c) = &r {
                service::record_call(&*api.repo, c, client, call, res.status().as_u16()).await;
            }
            return res;
        }
    };
    let answer = match checked(limiter, &headers, &caller, scope) {
        Err(res) => res,
        Ok(()) => {
            let (parts, body) = req.into_parts();
            req = Request::from_parts(
                parts,
                Body::new(http_body_util::Limited::new(body, BODY_LIMIT)),
            );
            req.extensions_mut().insert(caller.clone());
            next.run(req).await
        }
    };
    service::record_call(&*api.repo, &caller, client, call, answer.status().as_u16()).await;
    answer
}

/// The scope, the rate and the declared size.
fn checked(
    limiter: &Limiter,
    headers: &HeaderMap,
    caller: &ApiCaller,
    scopes: &[Scope],
) -> Result<(), Response> {
    if !scopes.iter().any(|s| caller.scopes.contains(s)) {
        return Err(refused(headers, &Refusal::Scope(scopes[0])));
    }
    let l = lang(headers);
    if let Err(wait) = limiter.check_key(&caller.token) {
        let secs =
            wait.wait_time_from(governor::clock::DefaultClock::default().now()).as_secs() + 1;
        let mut res = problem(
            headers,
            StatusCode::TOO_MANY_REQUESTS,
            "rate",
            T::ApiTooMany,
            format!("{} {secs} s.", l.t(T::ApiTooManyDetail)),
        );
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        return Err(res);
    }
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Err(problem(
            headers,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            T::ApiTooLarge,
            format!("{} {} KB.", l.t(T::ApiTooLargeDetail), BODY_LIMIT / 1024),
        ));
    }
    Ok(())
}

/// Whether `path` is the route `pattern` (`{…}` matches one segment).
fn route_matches(pattern: &str, path: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    a.len() == b.len()
        && a.iter().zip(&b).all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
}

/// A recipient in the register.
#[derive(Serialize, ToSchema)]
pub struct Recipient {
    /// BITA's id.
    pub id: i64,
    /// The caller's own id for the recipient, once a PUT gave one.
    pub external_id: Option<String>,
    /// Twelve digits, YYYYMMDDNNNN.
    pub personnummer: String,
    pub first_name: String,
    pub last_name: String,
}

/// A page of recipients, by id.
#[derive(Serialize, ToSchema)]
pub struct RecipientPage {
    pub items: Vec<Recipient>,
    /// The `after` of the next page; none after the last.
    pub next: Option<String>,
}

/// Where a page starts and how long it is.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// The `next` of the page before (none: from the start).
    pub after: Option<String>,
    /// How many items, 1–500 (100 when left out).
    pub limit: Option<String>,
}

impl PageQuery {
    fn parse(&self, headers: &HeaderMap) -> Result<(i64, i64), Response> {
        let l = lang(headers);
        let bad = |detail: T| {
            problem(
                headers,
                StatusCode::BAD_REQUEST,
                "bad-query",
                T::ApiBadQuery,
                l.t(detail).into(),
            )
        };
        let after = match self.after.as_deref().map(str::trim) {
            None | Some("") => 0,
            Some(a) => engine::text::id(a).ok_or_else(|| bad(T::ApiBadAfter))?,
        };
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => DEFAULT_PAGE,
            Some(n) => n
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_PAGE).contains(n))
                .ok_or_else(|| bad(T::ApiBadLimit))?,
        };
        Ok((after, limit))
    }
}

/// A JSON answer with a strong ETag (its SHA-256); 304 when the caller has it already.
fn with_etag<B: Serialize>(headers: &HeaderMap, body: &B) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let tag = format!("\"{}\"", engine::fk::sha256_hex(&bytes));
    let seen = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    let mut res = if seen {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    res
}

fn failed(headers: &HeaderMap, e: PageError) -> Response {
    let l = lang(headers);
    match e {
        PageError::Forbidden => refused(headers, &Refusal::NoToken),
        PageError::NotFound => problem(
            headers,
            StatusCode::NOT_FOUND,
            "not-found",
            T::ApiNotFound,
            l.t(T::ApiNotFoundDetail).into(),
        ),
        e => {
            tracing::error!(error = ?e, "an API call failed");
            problem(
                headers,
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                T::ApiInternal,
                l.t(T::ApiInternalDetail).into(),
            )
        }
    }
}

/// The municipality's recipients, a page at a time, by id.
#[utoipa::path(
    get,
    path = "/api/v1/recipients",
    tag = "register",
    operation_id = "listRecipients",
    params(PageQuery),
    security(("token" = ["register:read"])),
    responses(
        (status = 200, description = "A page of recipients", body = RecipientPage, headers(("ETag" = String, description = "The page's SHA-256, for If-None-Match"))),
        (status = 304, description = "The page has not changed since the ETag sent"),
        (status = 400, description = "`after` or `limit` is not a number it can be", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `register:read`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many calls; see Retry-After", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list_recipients(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let (after, limit) = match q.parse(&headers) {
        Ok(p) => p,
        Err(res) => return res,
    };
    // One more than asked: whether there is a next page.
    let mut items = match service::recipients(&*api.repo, &caller, after, limit + 1).await {
        Ok(items) => items,
        Err(e) => return failed(&headers, e),
    };
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next = more.then(|| items.last().map(|r| r.id.to_string())).flatten();
    let page = RecipientPage { items: items.into_iter().map(recipient_out).collect(), next };
    with_etag(&headers, &page)
}

fn recipient_out(r: store::ApiRecipient) -> Recipient {
    Recipient {
        id: r.id,
        external_id: r.external_id,
        personnummer: r.personnummer,
        first_name: r.first_name,
        last_name: r.last_name,
    }
}

/// A recipient as the case system sends it.
#[derive(Deserialize, ToSchema)]
pub struct RecipientIn {
    /// Twelve digits (or ten, or with a separator, as on the administrator's form); required for
    /// a new recipient, left out or the same for one BITA has.
    #[serde(default)]
    pub personnummer: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
}

/// Makes or changes the recipient named by the caller's own id (idempotent by that id, and by
/// `Idempotency-Key`), checked by the same rules as the administrator's form.
#[utoipa::path(
    put,
    path = "/api/v1/recipients/{external_id}",
    tag = "register",
    operation_id = "putRecipient",
    params(
        ("external_id" = String, Path, description = "Your own id for the recipient: 1–100 letters a–z, digits, `.`, `_`, `:` or `-`"),
        ("Idempotency-Key" = Option<String>, Header, description = "16–64 letters, digits or `-`: the same key again gets the first answer and changes nothing")
    ),
    request_body = RecipientIn,
    security(("token" = ["register:write"])),
    responses(
        (status = 201, description = "Made", body = Recipient, headers(("Location" = String, description = "The recipient's address in the list"))),
        (status = 200, description = "Changed, or already so", body = Recipient),
        (status = 400, description = "The id, the body or the key is not one it can be", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `register:write`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It cannot be done as asked (another personnummer, or one linked to another id)", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is larger than 64 KB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The fields break the register's rules: each in `errors`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many calls; see Retry-After", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn put_recipient(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    client: Option<Extension<ClientAddr>>,
    axum::extract::Path(external): axum::extract::Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let l = lang(&headers);
    let bad = |t: T| {
        problem(&headers, StatusCode::BAD_REQUEST, "bad-request", T::ApiBadQuery, l.t(t).into())
    };
    let key = match headers.get("idempotency-key").map(|v| v.to_str().unwrap_or_default()) {
        None => None,
        Some(k) => match app::service::tx::idempotency_key(k) {
            Some(k) => Some(k.to_string()),
            None => return bad(T::ApiBadKey),
        },
    };
    let Ok(input) = serde_json::from_slice::<RecipientIn>(&body) else { return bad(T::ApiBadBody) };
    let input = engine::register::RecipientInput {
        personnummer: input.personnummer,
        first_name: input.first_name,
        last_name: input.last_name,
    };
    let client = client.map(|c| c.0.0);
    let written = match service::put_recipient(
        &*api.repo,
        &caller,
        client,
        &external,
        &input,
        key.as_deref(),
    )
    .await
    {
        Err(e) => return failed(&headers, e),
        Ok(Err(Refused::BadId)) => return bad(T::ApiBadId),
        Ok(Err(Refused::Conflict(t))) => {
            return problem(
                &headers,
                StatusCode::CONFLICT,
                "conflict",
                T::ApiConflict,
                l.t(t).into(),
            );
        }
        Ok(Err(Refused::Invalid(errors))) => {
            use app::i18n::Message;
            let body = Problem {
                kind: "https://bita.se/problems/invalid".into(),
                title: l.t(T::ApiInvalid).into(),
                status: 422,
                detail: l.t(T::ApiInvalidDetail).into(),
                errors: Some(
                    errors.iter().map(|e| FieldProblem { detail: e.message(l) }).collect(),
                ),
            };
            let mut res = (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
            return res;
        }
        Ok(Ok(w)) => w,
    };
    let r = match service::recipient(&*api.repo, &caller, written.id).await {
        Ok(Some(r)) => r,
        Ok(None) => return failed(&headers, PageError::NotFound),
        Err(e) => return failed(&headers, e),
    };
    let status = if written.created { StatusCode::CREATED } else { StatusCode::OK };
    let mut res = (status, Json(recipient_out(r))).into_response();
    if written.created {
        let at = format!("/api/v1/recipients?after={}&limit=1", written.id - 1);
        if let Ok(v) = HeaderValue::from_str(&at) {
            res.headers_mut().insert(header::LOCATION, v);
        }
    }
    res
}

/// One change.
#[derive(Serialize, ToSchema)]
pub struct Change {
    /// Its place in the feed.
    pub cursor: String,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// What was done, e.g. `recipient.create`, `month.attest`.
    pub action: String,
    /// To what, e.g. `recipient 42` (BITA's id).
    pub subject: String,
}

/// Changes after a cursor.
#[derive(Serialize, ToSchema)]
pub struct ChangePage {
    pub items: Vec<Change>,
    /// The `since` of the next call: past every change this page looked at.
    pub next: String,
}

/// Where the feed starts and how much of it.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedQuery {
    /// The `next` of the call before (none: from the beginning).
    pub since: Option<String>,
    /// How many changes to look at, 1–500 (100 when left out).
    pub limit: Option<String>,
}

/// The municipality's changes in the order they were committed, as far as the token's scopes
/// see them: ask again from `next` to get only what is new. Never skips or repeats a change.
#[utoipa::path(
    get,
    path = "/api/v1/changes",
    tag = "changes",
    operation_id = "listChanges",
    params(FeedQuery),
    security(("token" = ["register:read"]), ("token" = ["months:read"]), ("token" = ["payroll:read"]), ("token" = ["archives:read"]), ("token" = ["register:write"])),
    responses(
        (status = 200, description = "Changes after `since`", body = ChangePage),
        (status = 400, description = "`since` or `limit` is not a number it can be", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many calls; see Retry-After", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list_changes(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    Query(q): Query<FeedQuery>,
) -> Response {
    let page = PageQuery { after: q.since, limit: q.limit };
    let (since, limit) = match page.parse(&headers) {
        Ok(p) => p,
        Err(res) => return res,
    };
    match service::changes(&*api.repo, &caller, since, limit).await {
        Err(e) => failed(&headers, e),
        Ok((items, next)) => Json(ChangePage {
            items: items
                .into_iter()
                .map(|c| Change {
                    cursor: c.cursor.to_string(),
                    at: c.at,
                    action: c.action,
                    subject: c.subject,
                })
                .collect(),
            next: next.to_string(),
        })
        .into_response(),
    }
}

/// A person named in a report: BITA's id and the name.
#[derive(Serialize, ToSchema)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

/// Minutes by kind of time.
#[derive(Serialize, ToSchema)]
pub struct Minutes {
    pub aktiv: i64,
    pub vantetid: i64,
    pub beredskap: i64,
}

/// One time report: an assistant's month for a recipient.
#[derive(Serialize, ToSchema)]
pub struct Report {
    pub assistant: Named,
    pub recipient: Named,
    /// `draft`, `submitted`, `approved`, `attested` or `exported`.
    pub status: String,
    pub rows: usize,
    pub minutes: Minutes,
    /// aktiv + väntetid/4 + beredskap/7, two decimals.
    pub payable_hours: String,
    /// A rule found an error in it: it cannot be exported as it is.
    pub error: bool,
}

/// A month of the municipality.
#[derive(Serialize, ToSchema)]
pub struct Month {
    /// `YYYY-MM`.
    pub month: String,
    /// The day both documents must reach Försäkringskassan.
    pub deadline: String,
    pub reports: Vec<Report>,
}

/// The municipality's month: every time report with its status, time and whether a rule found
/// an error in it.
#[utoipa::path(
    get,
    path = "/api/v1/months/{month}",
    tag = "months",
    operation_id = "getMonth",
    params(("month" = String, Path, description = "`YYYY-MM`")),
    security(("token" = ["months:read"])),
    responses(
        (status = 200, description = "The month", body = Month, headers(("ETag" = String, description = "The answer's SHA-256, for If-None-Match"))),
        (status = 304, description = "The month has not changed since the ETag sent"),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The token lacks `months:read`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many calls; see Retry-After", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn get_month(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path(month): axum::extract::Path<String>,
) -> Response {
    let l = lang(&headers);
    let Some(m) = engine::ReportMonth::parse(month.trim()) else {
        return problem(
            &headers,
            StatusCode::BAD_REQUEST,
            "bad-month",
            T::ApiBadQuery,
            l.t(T::ApiBadMonth).into(),
        );
    };
    let reports = match service::month(&*api.repo, &caller, m).await {
        Ok(r) => r,
        Err(e) => return failed(&headers, e),
    };
    let body = Month {
        month: m.to_string(),
        deadline: m.fk_deadline().to_string(),
        reports: reports
            .into_iter()
            .map(|r| Report {
                assistant: Named { id: r.assistant.0, name: r.assistant.1 },
                recipient: Named { id: r.recipient.0, name: r.recipient.1 },
                status: r.status.to_string(),
                rows: r.rows,
                minutes: Minutes {
                    aktiv: r.minutes.0,
                    vantetid: r.minutes.1,
                    beredskap: r.minutes.2,
                },
                payable_hours: r.payable_hours,
                error: r.error,
            })
            .collect(),
    };
    with_etag(&headers, &body)
}

/// The OpenAPI document.
pub async fn openapi() -> Response {
    Json(Doc::openapi()).into_response()
}

/// The document as a page to read: each operation with its scope, parameters and answers.
pub async fn docs() -> Response {
    let doc = Doc::openapi();
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>BITA API v1</title><link rel=\"stylesheet\" href=\"/pkg/bita.css\"></head><body><main id=\"main\" class=\"api-docs\"><h1>BITA API v1</h1>",
    );
    html.push_str(&format!("<p>{}</p>", esc(doc.info.description.as_deref().unwrap_or_default())));
    html.push_str(&format!("<p><a href=\"{OPENAPI}\">OpenAPI 3.1 (JSON)</a></p>"));
    for (path, item) in &doc.paths.paths {
        for (method, op) in
            [("GET", &item.get), ("PUT", &item.put), ("POST", &item.post), ("DELETE", &item.delete)]
        {
            let Some(op) = op else { continue };
            html.push_str(&format!(
                "<section class=\"card\"><h2><code>{method} {}</code></h2>",
                esc(path)
            ));
            if let Some(s) = &op.description.clone().or(op.summary.clone()) {
                html.push_str(&format!("<p>{}</p>", esc(s)));
            }
            for req in op.security.iter().flatten() {
                let json = serde_json::to_value(req).unwrap_or_default();
                if let Some(map) = json.as_object() {
                    for scopes in map.values() {
                        html.push_str(&format!(
                            "<p>Scope: <code>{}</code></p>",
                            esc(&scopes.to_string())
                        ));
                    }
                }
            }
            if let Some(params) = &op.parameters {
                html.push_str("<h3>Parameters</h3><ul>");
                for p in params {
                    html.push_str(&format!(
                        "<li><code>{}</code>: {}</li>",
                        esc(&p.name),
                        esc(p.description.as_deref().unwrap_or_default())
                    ));
                }
                html.push_str("</ul>");
            }
            html.push_str("<h3>Answers</h3><ul>");
            for (status, r) in &op.responses.responses {
                let text = match r {
                    utoipa::openapi::RefOr::T(r) => r.description.clone(),
                    utoipa::openapi::RefOr::Ref(_) => String::new(),
                };
                html.push_str(&format!("<li><code>{status}</code> {}</li>", esc(&text)));
            }
            html.push_str("</ul></section>");
        }
    }
    html.push_str("</main></body></html>");
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}
