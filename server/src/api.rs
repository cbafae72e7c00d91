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
use app::service::api::{
    self as service, ApiCaller, Named as Register, Refusal, WriteRefusal as Refused,
};
use app::service::context::{ApiState, ClientAddr};
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use engine::MonthStatus;
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
    (Method::GET, "/api/v1/assistants", &[Scope::RegisterRead]),
    (Method::PUT, "/api/v1/assistants/{external_id}", &[Scope::RegisterWrite]),
    (Method::PUT, "/api/v1/decisions/{external_id}", &[Scope::RegisterWrite]),
    (Method::PUT, "/api/v1/assignments/{external_id}", &[Scope::RegisterWrite]),
    (Method::GET, "/api/v1/months", &[Scope::MonthsRead]),
    (Method::GET, "/api/v1/months/{month}", &[Scope::MonthsRead]),
    (Method::GET, "/api/v1/months/{month}/findings", &[Scope::MonthsRead]),
    (Method::GET, "/api/v1/months/{month}/documents", &[Scope::ArchivesRead]),
    (Method::GET, "/api/v1/reports/{report}/3059", &[Scope::ArchivesRead]),
    (Method::GET, "/api/v1/months/{month}/3057/{recipient}", &[Scope::ArchivesRead]),
    (Method::GET, "/api/v1/months/{month}/payroll", &[Scope::PayrollRead]),
    (Method::GET, "/api/v1/months/{month}/archives", &[Scope::ArchivesRead]),
    (Method::GET, "/api/v1/archives/{id}", &[Scope::ArchivesRead]),
    (Method::GET, "/api/v1/archives/{id}/manifest", &[Scope::ArchivesRead]),
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
    paths(list_recipients, put_recipient, list_assistants, put_assistant, put_decision, put_assignment, list_months, get_month, get_findings, list_payroll, list_documents, get_3059, get_3057, list_archives, get_archive, get_manifest, list_changes),
    components(schemas(Person, PersonPage, RecipientIn, AssistantIn, DecisionIn, AssignmentIn, Saved, MonthList, MonthSummary, StatusCounts, Month, Report, Named, Minutes, Findings, FindingOut, PayrollPage, PayrollLine, Documents, Frozen3059Out, Signed3057Out, Archives, ArchiveOut, Change, ChangePage, Problem, FieldProblem)),
    modifiers(&BearerToken),
    tags(
        (name = "register", description = "Recipients, assistants and their decisions"),
        (name = "months", description = "Months, their time reports and findings"),
        (name = "payroll", description = "The rows payroll pays, with personnummer"),
        (name = "archives", description = "What was signed and exported: the frozen documents' exact bytes, the signed archives and their manifests"),
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

/// What every call but the feed may be refused before it does anything: documented once.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Only its documentation is used: the refusals are made by `refused`.
pub enum Refusals {
    /// No valid token: none, unknown, revoked or past its last day (with `WWW-Authenticate`)
    #[response(status = 401, content_type = "application/problem+json")]
    NoToken(Problem),
    /// The token lacks the scope the call needs (its `security`)
    #[response(status = 403, content_type = "application/problem+json")]
    Scope(Problem),
    /// Too many calls with the token; see Retry-After
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(Problem),
}

/// What a write may be refused for its id, body or key, before its fields are checked.
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)] // Only its documentation is used.
pub enum BodyRefusals {
    /// The id, the body or the Idempotency-Key is not one it can be
    #[response(status = 400, content_type = "application/problem+json")]
    Bad(Problem),
    /// The body is larger than 64 KB
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(Problem),
}

/// One thing wrong with what was sent.
#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    /// The body's field it is about.
    pub field: String,
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
        return Err(too_large(headers));
    }
    Ok(())
}

fn too_large(headers: &HeaderMap) -> Response {
    let l = lang(headers);
    problem(
        headers,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too-large",
        T::ApiTooLarge,
        format!("{} {} KB.", l.t(T::ApiTooLargeDetail), BODY_LIMIT / 1024),
    )
}

/// Whether `path` is the route `pattern` (`{…}` matches one segment).
fn route_matches(pattern: &str, path: &str) -> bool {
    let (a, b): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    a.len() == b.len()
        && a.iter().zip(&b).all(|(p, s)| (p.starts_with('{') && !s.is_empty()) || p == s)
}

/// A recipient or an assistant in the register.
#[derive(Serialize, ToSchema)]
pub struct Person {
    /// BITA's id.
    pub id: i64,
    /// The caller's own id for them, once a PUT gave one.
    pub external_id: Option<String>,
    /// Twelve digits, YYYYMMDDNNNN.
    pub personnummer: String,
    pub first_name: String,
    pub last_name: String,
}

/// A page of recipients or assistants, by id.
#[derive(Serialize, ToSchema)]
pub struct PersonPage {
    pub items: Vec<Person>,
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
    let sha = engine::fk::sha256_hex(&bytes);
    tagged(headers, "application/json", bytes, &sha)
}

/// Bytes with a strong ETag (their SHA-256, as stored for what is signed); 304 when the caller
/// has them already.
fn tagged(
    headers: &HeaderMap,
    content_type: &'static str,
    bytes: Vec<u8>,
    sha256: &str,
) -> Response {
    let tag = format!("\"{sha256}\"");
    let seen = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    let mut res = if seen {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], bytes).into_response()
    };
    if let Ok(v) = HeaderValue::from_str(&tag) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    res
}

/// The month of a path, or the problem with it.
fn month_of(headers: &HeaderMap, month: &str) -> Result<engine::ReportMonth, Response> {
    engine::ReportMonth::parse(month.trim()).ok_or_else(|| {
        problem(
            headers,
            StatusCode::BAD_REQUEST,
            "bad-month",
            T::ApiBadQuery,
            lang(headers).t(T::ApiBadMonth).into(),
        )
    })
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

macro_rules! list_people {
    ($name:ident, $path:literal, $op:literal, $who:expr, $what:literal) => {
        #[doc = concat!("The municipality's ", $what, ", a page at a time, by id.")]
        #[utoipa::path(
            get,
            path = $path,
            tag = "register",
            operation_id = $op,
            params(PageQuery),
            security(("token" = ["register:read"])),
            responses(
                (status = 200, description = concat!("A page of ", $what), body = PersonPage, headers(("ETag" = String, description = "The page's SHA-256, for If-None-Match"))),
                (status = 304, description = "The page has not changed since the ETag sent"),
                (status = 400, description = "`after` or `limit` is not a number it can be", body = Problem, content_type = "application/problem+json"),
                Refusals
            )
        )]
        pub async fn $name(
            State(api): State<ApiState>,
            Extension(caller): Extension<ApiCaller>,
            headers: HeaderMap,
            Query(q): Query<PageQuery>,
        ) -> Response {
            list(&api, &caller, &headers, &q, $who).await
        }
    };
}

list_people!(
    list_recipients,
    "/api/v1/recipients",
    "listRecipients",
    Register::Recipient,
    "recipients"
);
list_people!(
    list_assistants,
    "/api/v1/assistants",
    "listAssistants",
    Register::Assistant,
    "assistants"
);

async fn list(
    api: &ApiState,
    caller: &ApiCaller,
    headers: &HeaderMap,
    q: &PageQuery,
    who: Register,
) -> Response {
    let (after, limit) = match q.parse(headers) {
        Ok(p) => p,
        Err(res) => return res,
    };
    // One more than asked: whether there is a next page.
    let mut items = match service::people(&*api.repo, caller, who, after, limit + 1).await {
        Ok(items) => items,
        Err(e) => return failed(headers, e),
    };
    let more = items.len() as i64 > limit;
    items.truncate(limit as usize);
    let next = more.then(|| items.last().map(|r| r.id.to_string())).flatten();
    let page = PersonPage { items: items.into_iter().map(person_out).collect(), next };
    with_etag(headers, &page)
}

fn person_out(r: store::ApiPerson) -> Person {
    Person {
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

/// An assistant as the case or payroll system sends it.
#[derive(Deserialize, ToSchema)]
pub struct AssistantIn {
    /// Personnummer or samordningsnummer; required for a new assistant, left out or the same
    /// for one BITA has.
    #[serde(default)]
    pub personnummer: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// `YYYY-MM-DD`: needed only for a samordningsnummer that carries no birth date.
    #[serde(default)]
    pub birth_date: String,
    /// Lives in the EEA (true when left out).
    #[serde(default = "yes")]
    pub eea_resident: bool,
    /// The working-time rules: `atl`, `husligt_arbete` or `ab_bilaga_j`.
    #[serde(default)]
    pub regime: String,
    /// `YYYY-MM-DD`: the first day of the calculation period.
    #[serde(default)]
    pub period_start: String,
    /// The calculation period's length, 1–4 months (not for `husligt_arbete`).
    #[serde(default)]
    pub period_months: Option<u32>,
    /// Under `ab_bilaga_j`: shifts of up to 24 hours are agreed.
    #[serde(default)]
    pub allow_24h_shifts: bool,
    /// Covered by a collective agreement (true when left out).
    #[serde(default = "yes")]
    pub collective_agreement: bool,
    /// `provider` (when left out), `other` or `self`.
    #[serde(default = "provider")]
    pub employer: String,
    /// For `other`: the employer's name and organisationsnummer.
    #[serde(default)]
    pub other_employer_name: String,
    #[serde(default)]
    pub other_employer_org: String,
    #[serde(default)]
    pub phone: String,
    /// The payroll system's employment number.
    #[serde(default)]
    pub employee_number: String,
}

fn yes() -> bool {
    true
}

fn provider() -> String {
    "provider".into()
}

/// Hours or kronor: a JSON number or text (`37.5`, `"37,5"`), at most two decimals.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum Amount {
    Number(serde_json::Number),
    Text(String),
}

impl Amount {
    fn text(&self) -> String {
        match self {
            Amount::Number(n) => n.to_string(),
            Amount::Text(s) => s.clone(),
        }
    }
}

/// A decision as the case system sends it.
#[derive(Deserialize, ToSchema)]
pub struct DecisionIn {
    /// Your id of the recipient (a PUT to `/api/v1/recipients/{external_id}` gave it).
    #[serde(default)]
    pub recipient: String,
    /// Who pays: `sfb` (Försäkringskassan) or `lss` (the municipality).
    #[serde(default)]
    pub funder: String,
    /// `week`, `month` or `period`.
    #[serde(default)]
    pub granted_per: String,
    /// The hours granted per `granted_per`: a number or text, at most two decimals.
    #[schema(value_type = String, example = "37.5")]
    pub granted_hours: Option<Amount>,
    /// For `period`: each period's length, 1–6 months.
    #[serde(default)]
    pub period_months: Option<u32>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub valid_from: String,
    /// `YYYY-MM-DD`, the last day.
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub vantetid_allowed: bool,
    #[serde(default)]
    pub beredskap_allowed: bool,
    #[serde(default)]
    pub double_assistance: bool,
    /// A raised hourly amount in kronor (at most 12 % above the standard one); none for the
    /// standard amount.
    #[schema(value_type = Option<String>, example = "340.50")]
    pub raised_rate: Option<Amount>,
}

/// An assignment (an assistant works for a recipient) as the case system sends it.
#[derive(Deserialize, ToSchema)]
pub struct AssignmentIn {
    /// Your id of the assistant.
    #[serde(default)]
    pub assistant: String,
    /// Your id of the recipient.
    #[serde(default)]
    pub recipient: String,
    /// `YYYY-MM-DD`: a decision of the recipient must cover it.
    #[serde(default)]
    pub valid_from: String,
    /// `YYYY-MM-DD`, the last day; none: until further notice.
    #[serde(default)]
    pub valid_to: Option<String>,
    /// `YYYY-MM-DD`: when the assistant was reported to Försäkringskassan for the recipient.
    #[serde(default)]
    pub fk_notified_on: Option<String>,
    /// The assistant is a relative of the recipient.
    #[serde(default)]
    pub relative: bool,
}

/// What a PUT of a decision or an assignment did.
#[derive(Serialize, ToSchema)]
pub struct Saved {
    /// BITA's id.
    pub id: i64,
    pub external_id: String,
    /// `created`, `ended` (an earlier last day) or `unchanged`.
    pub result: String,
}

/// The key and the body of a PUT, or the problem with them (a body cut at [`BODY_LIMIT`], sent
/// without a declared length, is a 413 like a declared one).
fn put_parts<B: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(Option<String>, B), Response> {
    let l = lang(headers);
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(headers)
        } else {
            problem(
                headers,
                StatusCode::BAD_REQUEST,
                "bad-request",
                T::ApiBadQuery,
                l.t(T::ApiBadBody).into(),
            )
        }
    })?;
    let bad = |t: T| {
        problem(headers, StatusCode::BAD_REQUEST, "bad-request", T::ApiBadQuery, l.t(t).into())
    };
    let key = match headers.get("idempotency-key").map(|v| v.to_str().unwrap_or_default()) {
        None => None,
        Some(k) => match app::service::tx::idempotency_key(k) {
            Some(k) => Some(k.to_string()),
            None => return Err(bad(T::ApiBadKey)),
        },
    };
    let body = serde_json::from_slice::<B>(&body).map_err(|_| bad(T::ApiBadBody))?;
    Ok((key, body))
}

/// A write's refusal as a problem: 400 for the id, 409 for a conflict, 422 with each field's
/// error as the administrator's form words it.
fn write_refused(
    headers: &HeaderMap,
    r: Result<service::Written, Refused>,
) -> Result<service::Written, Response> {
    let l = lang(headers);
    match r {
        Ok(w) => Ok(w),
        Err(Refused::BadId) => Err(problem(
            headers,
            StatusCode::BAD_REQUEST,
            "bad-request",
            T::ApiBadQuery,
            l.t(T::ApiBadId).into(),
        )),
        Err(Refused::Conflict(t)) => {
            Err(problem(headers, StatusCode::CONFLICT, "conflict", T::ApiConflict, l.t(t).into()))
        }
        Err(Refused::Invalid(errors)) => {
            let body = Problem {
                kind: "https://bita.se/problems/invalid".into(),
                title: l.t(T::ApiInvalid).into(),
                status: 422,
                detail: l.t(T::ApiInvalidDetail).into(),
                errors: Some(
                    errors
                        .iter()
                        .map(|e| FieldProblem { field: e.field().into(), detail: e.message(l) })
                        .collect(),
                ),
            };
            let mut res = (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
            res.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
            Err(res)
        }
    }
}

macro_rules! put_person {
    ($name:ident, $path:literal, $op:literal, $body:ty, $what:literal, $who:expr, $put:path, $input:expr) => {
        #[doc = concat!("Makes or changes the ", $what, " named by the caller's own id (idempotent by that id, and by `Idempotency-Key`), checked by the same rules as the administrator's form.")]
        #[utoipa::path(
            put,
            path = $path,
            tag = "register",
            operation_id = $op,
            params(
                ("external_id" = String, Path, description = concat!("Your own id for the ", $what, ": 1–100 letters a–z, digits, `.`, `_`, `:` or `-`")),
                ("Idempotency-Key" = Option<String>, Header, description = "16–64 letters, digits or `-`: the same key again gets the first answer and changes nothing")
            ),
            request_body = $body,
            security(("token" = ["register:write"])),
            responses(
                (status = 201, description = "Made", body = Person, headers(("Location" = String, description = "Its address in the list"))),
                (status = 200, description = "Changed, or already so", body = Person),
                (status = 409, description = "It cannot be done as asked (another personnummer, or one linked to another id)", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "The fields break the register's rules: each in `errors`", body = Problem, content_type = "application/problem+json"),
                BodyRefusals,
                Refusals
            )
        )]
        pub async fn $name(
            State(api): State<ApiState>,
            Extension(caller): Extension<ApiCaller>,
            headers: HeaderMap,
            client: Option<Extension<ClientAddr>>,
            axum::extract::Path(external): axum::extract::Path<String>,
            body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
        ) -> Response {
            let (key, input) = match put_parts::<$body>(&headers, body) {
                Ok(p) => p,
                Err(res) => return res,
            };
            let client = client.map(|c| c.0.0);
            let input = ($input)(input);
            let written = match $put(&*api.repo, &caller, client, &external, &input, key.as_deref()).await {
                Err(e) => return failed(&headers, e),
                Ok(r) => match write_refused(&headers, r) {
                    Ok(w) => w,
                    Err(res) => return res,
                },
            };
            person_written(&api, &caller, &headers, $who, $path, written).await
        }
    };
}

put_person!(
    put_recipient,
    "/api/v1/recipients/{external_id}",
    "putRecipient",
    RecipientIn,
    "recipient",
    Register::Recipient,
    service::put_recipient,
    |i: RecipientIn| engine::register::RecipientInput {
        personnummer: i.personnummer,
        first_name: i.first_name,
        last_name: i.last_name,
    }
);

put_person!(
    put_assistant,
    "/api/v1/assistants/{external_id}",
    "putAssistant",
    AssistantIn,
    "assistant",
    Register::Assistant,
    service::put_assistant,
    |i: AssistantIn| engine::register::AssistantInput {
        personnummer: i.personnummer,
        first_name: i.first_name,
        last_name: i.last_name,
        birth_date: i.birth_date,
        eea_resident: i.eea_resident,
        regime: i.regime,
        period_start: i.period_start,
        period_months: i.period_months.map(|m| m.to_string()).unwrap_or_default(),
        allow_24h_shifts: i.allow_24h_shifts,
        collective_agreement: i.collective_agreement,
        employer: i.employer,
        other_employer_name: i.other_employer_name,
        other_employer_org: i.other_employer_org,
        phone: i.phone,
        employee_number: i.employee_number,
    }
);

/// The person a PUT wrote, read back: 201 with its place in the list when made, else 200.
async fn person_written(
    api: &ApiState,
    caller: &ApiCaller,
    headers: &HeaderMap,
    who: Register,
    path: &str,
    written: service::Written,
) -> Response {
    let r = match service::person(&*api.repo, caller, who, written.id).await {
        Ok(Some(r)) => r,
        Ok(None) => return failed(headers, PageError::NotFound),
        Err(e) => return failed(headers, e),
    };
    let status = if written.created() { StatusCode::CREATED } else { StatusCode::OK };
    let mut res = (status, Json(person_out(r))).into_response();
    if written.created() {
        let list = path.trim_end_matches("/{external_id}");
        let at = format!("{list}?after={}&limit=1", written.id - 1);
        if let Ok(v) = HeaderValue::from_str(&at) {
            res.headers_mut().insert(header::LOCATION, v);
        }
    }
    res
}

/// What a PUT of a decision or an assignment did: 201 when made, else 200.
fn saved(headers: &HeaderMap, external: &str, r: Result<service::Written, Refused>) -> Response {
    let w = match write_refused(headers, r) {
        Ok(w) => w,
        Err(res) => return res,
    };
    let status = if w.created() { StatusCode::CREATED } else { StatusCode::OK };
    let body = Saved { id: w.id, external_id: external.into(), result: w.did.code().into() };
    (status, Json(body)).into_response()
}

/// Registers the decision named by the caller's own id for a recipient named by theirs, checked
/// by the same rules as the administrator's decision form. A registered decision is not changed:
/// the same again is `unchanged`, an earlier `valid_to` ends it, anything else is a 409 (a new
/// decision is sent with a new id).
#[utoipa::path(
    put,
    path = "/api/v1/decisions/{external_id}",
    tag = "register",
    operation_id = "putDecision",
    params(
        ("external_id" = String, Path, description = "Your own id for the decision: 1–100 letters a–z, digits, `.`, `_`, `:` or `-`"),
        ("Idempotency-Key" = Option<String>, Header, description = "16–64 letters, digits or `-`: the same key again gets the first answer and changes nothing")
    ),
    request_body = DecisionIn,
    security(("token" = ["register:write"])),
    responses(
        (status = 201, description = "Registered", body = Saved),
        (status = 200, description = "Ended earlier, or already so", body = Saved),
        (status = 409, description = "A registered decision differs other than by an earlier last day, or is another recipient's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The fields break the decision form's rules, or name an unknown recipient: each in `errors`", body = Problem, content_type = "application/problem+json"),
        BodyRefusals,
        Refusals
    )
)]
pub async fn put_decision(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    client: Option<Extension<ClientAddr>>,
    axum::extract::Path(external): axum::extract::Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let (key, i) = match put_parts::<DecisionIn>(&headers, body) {
        Ok(p) => p,
        Err(res) => return res,
    };
    let input = engine::register::DecisionInput {
        funder: i.funder,
        granted_per: i.granted_per,
        granted_hours: i.granted_hours.as_ref().map(Amount::text).unwrap_or_default(),
        period_months: i.period_months.map(|m| m.to_string()).unwrap_or_default(),
        valid_from: i.valid_from,
        valid_to: i.valid_to,
        vantetid_allowed: i.vantetid_allowed,
        beredskap_allowed: i.beredskap_allowed,
        double_assistance: i.double_assistance,
        raised_rate: i.raised_rate.as_ref().map(Amount::text).unwrap_or_default(),
    };
    let client = client.map(|c| c.0.0);
    match service::put_decision(
        &*api.repo,
        &caller,
        client,
        &external,
        &i.recipient,
        &input,
        key.as_deref(),
    )
    .await
    {
        Err(e) => failed(&headers, e),
        Ok(r) => saved(&headers, &external, r),
    }
}

/// Registers the assignment named by the caller's own id: an assistant (by your id) works for a
/// recipient (by your id) from a day, checked by the same rules as the administrator's
/// assignment form. A registered assignment is not changed: the same again is `unchanged`, a
/// last day (or an earlier one) ends it, anything else is a 409.
#[utoipa::path(
    put,
    path = "/api/v1/assignments/{external_id}",
    tag = "register",
    operation_id = "putAssignment",
    params(
        ("external_id" = String, Path, description = "Your own id for the assignment: 1–100 letters a–z, digits, `.`, `_`, `:` or `-`"),
        ("Idempotency-Key" = Option<String>, Header, description = "16–64 letters, digits or `-`: the same key again gets the first answer and changes nothing")
    ),
    request_body = AssignmentIn,
    security(("token" = ["register:write"])),
    responses(
        (status = 201, description = "Registered", body = Saved),
        (status = 200, description = "Ended, or already so", body = Saved),
        (status = 409, description = "A registered assignment differs other than by its last day, or is another pair's", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The fields break the assignment form's rules, or name an unknown assistant or recipient: each in `errors`", body = Problem, content_type = "application/problem+json"),
        BodyRefusals,
        Refusals
    )
)]
pub async fn put_assignment(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    client: Option<Extension<ClientAddr>>,
    axum::extract::Path(external): axum::extract::Path<String>,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Response {
    let (key, i) = match put_parts::<AssignmentIn>(&headers, body) {
        Ok(p) => p,
        Err(res) => return res,
    };
    let input = engine::register::AssignmentInput {
        recipient: String::new(),
        valid_from: i.valid_from,
        valid_to: i.valid_to.unwrap_or_default(),
        fk_notified_on: i.fk_notified_on.unwrap_or_default(),
        relative: i.relative,
    };
    let client = client.map(|c| c.0.0);
    let r = service::put_assignment(
        &*api.repo,
        &caller,
        client,
        &external,
        &i.assistant,
        &i.recipient,
        &input,
        key.as_deref(),
    )
    .await;
    match r {
        Err(e) => failed(&headers, e),
        Ok(r) => saved(&headers, &external, r),
    }
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

/// A month's time reports by status (those submitted at least once).
#[derive(Serialize, ToSchema, Default)]
pub struct StatusCounts {
    /// Returned to the assistant after a submission (a month never submitted is not counted).
    pub draft: i64,
    pub submitted: i64,
    pub approved: i64,
    pub attested: i64,
    pub exported: i64,
}

/// A month in the list.
#[derive(Serialize, ToSchema)]
pub struct MonthSummary {
    /// `YYYY-MM`.
    pub month: String,
    /// The day both documents must reach Försäkringskassan.
    pub deadline: String,
    pub reports: StatusCounts,
    /// How many signed archives (a correction makes another), and when the latest was made.
    pub archives: i64,
    pub archived_at: Option<String>,
    /// The month with every report.
    pub href: String,
}

/// The municipality's months.
#[derive(Serialize, ToSchema)]
pub struct MonthList {
    /// Newest first.
    pub items: Vec<MonthSummary>,
}

/// The municipality's months with a time report submitted or an archive, newest first: how far
/// each has come (its reports by status) and whether it is exported, to know which to read.
#[utoipa::path(
    get,
    path = "/api/v1/months",
    tag = "months",
    operation_id = "listMonths",
    params(LimitQuery),
    security(("token" = ["months:read"])),
    responses(
        (status = 200, description = "The months", body = MonthList, headers(("ETag" = String, description = "The answer's SHA-256, for If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 400, description = "`limit` not 1–500", body = Problem, content_type = "application/problem+json"),
        Refusals
    )
)]
pub async fn list_months(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    Query(q): Query<LimitQuery>,
) -> Response {
    let limit = match q.parse(&headers) {
        Ok(l) => l,
        Err(res) => return res,
    };
    let months = match service::months(&*api.repo, &caller, limit).await {
        Ok(m) => m,
        Err(e) => return failed(&headers, e),
    };
    let items = months
        .into_iter()
        .map(|m| {
            let mut reports = StatusCounts::default();
            for (status, n) in &m.reports {
                let slot = match status {
                    MonthStatus::Draft => &mut reports.draft,
                    MonthStatus::Submitted => &mut reports.submitted,
                    MonthStatus::Approved => &mut reports.approved,
                    MonthStatus::Attested => &mut reports.attested,
                    MonthStatus::Exported => &mut reports.exported,
                };
                *slot += n;
            }
            let deadline = engine::ReportMonth::parse(&m.month)
                .map(|r| r.fk_deadline().to_string())
                .unwrap_or_default();
            MonthSummary {
                href: format!("/api/v1/months/{}", m.month),
                month: m.month,
                deadline,
                reports,
                archives: m.archives,
                archived_at: m.archived_at,
            }
        })
        .collect();
    with_etag(&headers, &MonthList { items })
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
        Refusals
    )
)]
pub async fn get_month(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path(month): axum::extract::Path<String>,
) -> Response {
    let m = match month_of(&headers, &month) {
        Ok(m) => m,
        Err(res) => return res,
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

/// One finding of a rule.
#[derive(Serialize, ToSchema)]
pub struct FindingOut {
    /// `V1`–`V10`.
    pub rule: String,
    /// `error` (stops the export), `warning` or `note`.
    pub severity: String,
    /// What is wrong and what to do, in the language asked for.
    pub message: String,
    /// BITA's ids of the assistant and the recipient it concerns, where it concerns one.
    pub assistant: Option<i64>,
    pub recipient: Option<i64>,
    /// BITA's ids of the time rows it concerns.
    pub rows: Vec<i64>,
}

/// A month's findings.
#[derive(Serialize, ToSchema)]
pub struct Findings {
    pub month: String,
    /// Every error: while there is one, the month cannot be exported.
    pub errors: Vec<FindingOut>,
    /// How many warnings and notes the month has.
    pub warnings: usize,
    pub notes: usize,
    /// The first warnings and notes (`limit`), by severity and rule.
    pub others: Vec<FindingOut>,
}

/// How many to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LimitQuery {
    /// 1–500 (100 when left out).
    pub limit: Option<String>,
}

impl LimitQuery {
    /// The limit, or the problem with it (checked as a page's).
    fn parse(self, headers: &HeaderMap) -> Result<i64, Response> {
        Ok(PageQuery { after: None, limit: self.limit }.parse(headers)?.1)
    }
}

fn finding_out(l: Locale, f: engine::rules::Finding) -> FindingOut {
    use app::i18n::Message;
    FindingOut {
        rule: format!("{:?}", f.rule),
        severity: match f.severity {
            engine::rules::Severity::Error => "error",
            engine::rules::Severity::Warning => "warning",
            engine::rules::Severity::Info => "note",
        }
        .into(),
        message: f.what.message(l),
        assistant: f.assistant,
        recipient: f.recipient,
        rows: f.rows,
    }
}

/// The month's findings of the rules V1–V10, as its checks keep them: every error, how many
/// warnings and notes, and the first of those.
#[utoipa::path(
    get,
    path = "/api/v1/months/{month}/findings",
    tag = "months",
    operation_id = "getFindings",
    params(("month" = String, Path, description = "`YYYY-MM`"), LimitQuery),
    security(("token" = ["months:read"])),
    responses(
        (status = 200, description = "The month's findings", body = Findings, headers(("ETag" = String, description = "The answer's SHA-256, for If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 400, description = "Not a month, or `limit` not 1–500", body = Problem, content_type = "application/problem+json"),
        Refusals
    )
)]
pub async fn get_findings(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path(month): axum::extract::Path<String>,
    Query(q): Query<LimitQuery>,
) -> Response {
    let m = match month_of(&headers, &month) {
        Ok(m) => m,
        Err(res) => return res,
    };
    let limit = match q.parse(&headers) {
        Ok(l) => l,
        Err(res) => return res,
    };
    let f = match service::findings(&*api.repo, &caller, m, limit as usize).await {
        Ok(f) => f,
        Err(e) => return failed(&headers, e),
    };
    let l = lang(&headers);
    let body = Findings {
        month: m.to_string(),
        errors: f.errors.into_iter().map(|f| finding_out(l, f)).collect(),
        warnings: f.warnings,
        notes: f.notes,
        others: f.others.into_iter().map(|f| finding_out(l, f)).collect(),
    };
    with_etag(&headers, &body)
}

/// A frozen time report (FK 3059).
#[derive(Serialize, ToSchema)]
pub struct Frozen3059Out {
    /// BITA's id of the time report (an assistant's month for a recipient).
    pub report: i64,
    /// The document's own id (a UUID), as Försäkringskassan gets it.
    pub report_id: String,
    pub version: i64,
    /// The `report_id` of the version it corrects, if it is a correction.
    pub replaces: Option<String>,
    pub assistant: Named,
    pub recipient: Named,
    /// `attested` or `exported`.
    pub status: String,
    /// The SHA-256 of the exact bytes.
    pub sha256: String,
    pub attested_by: String,
    pub attested_at: String,
    /// Where its exact bytes are.
    pub href: String,
}

/// A signed claim (FK 3057, räkning).
#[derive(Serialize, ToSchema)]
pub struct Signed3057Out {
    pub recipient: Named,
    /// The SHA-256 of the exact bytes signed.
    pub sha256: String,
    pub signed_by: String,
    /// `self`, or the representative's capacity (`guardian`, `god_man`, `forvaltare`, …).
    pub capacity: String,
    pub signed_at: String,
    /// Where its exact bytes are.
    pub href: String,
}

/// A month's signed documents.
#[derive(Serialize, ToSchema)]
pub struct Documents {
    pub month: String,
    pub reports: Vec<Frozen3059Out>,
    pub claims: Vec<Signed3057Out>,
}

/// The month's signed documents as the export takes them: the latest frozen 3059 of each time
/// report and each signed räkning (3057), with the SHA-256 of their exact bytes and where to
/// get them. They carry personnummer, so they need `archives:read`.
#[utoipa::path(
    get,
    path = "/api/v1/months/{month}/documents",
    tag = "archives",
    operation_id = "listDocuments",
    params(("month" = String, Path, description = "`YYYY-MM`")),
    security(("token" = ["archives:read"])),
    responses(
        (status = 200, description = "The month's documents", body = Documents),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        Refusals
    )
)]
pub async fn list_documents(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path(month): axum::extract::Path<String>,
) -> Response {
    let m = match month_of(&headers, &month) {
        Ok(m) => m,
        Err(res) => return res,
    };
    let (reports, claims, people) = match service::documents(&*api.repo, &caller, m).await {
        Ok(d) => d,
        Err(e) => return failed(&headers, e),
    };
    let recipient = |id: i64| Named {
        id,
        name: people.recipients.get(&id).map(|r| r.name()).unwrap_or_default(),
    };
    let assistant = |id: i64| Named {
        id,
        name: people.assistants.get(&id).map(|a| a.name()).unwrap_or_default(),
    };
    let body = Documents {
        month: m.to_string(),
        reports: reports
            .into_iter()
            .map(|f| Frozen3059Out {
                report: f.month_id,
                href: format!("/api/v1/reports/{}/3059", f.month_id),
                report_id: f.report_id,
                version: f.version,
                replaces: f.previous,
                assistant: assistant(f.assistant_id),
                recipient: recipient(f.recipient_id),
                status: f.status.code().into(),
                sha256: f.sha256,
                attested_by: f.attested_by,
                attested_at: f.attested_at,
            })
            .collect(),
        claims: claims
            .into_iter()
            .map(|c| Signed3057Out {
                recipient: recipient(c.recipient_id),
                href: format!("/api/v1/months/{m}/3057/{}", c.recipient_id),
                sha256: c.sha256,
                signed_by: c.signature.signer_name,
                capacity: c.signature.capacity.code().into(),
                signed_at: c.signature.signed_at,
            })
            .collect(),
    };
    with_etag(&headers, &body)
}

/// An id in a path, or 404.
fn id_of(headers: &HeaderMap, s: &str) -> Result<i64, Response> {
    engine::text::id(s).ok_or_else(|| failed(headers, PageError::NotFound))
}

/// A time report's latest frozen 3059: exactly the bytes attested and exported, never made
/// again from the records. The ETag is their SHA-256.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{report}/3059",
    tag = "archives",
    operation_id = "get3059",
    params(("report" = i64, Path, description = "BITA's id of the time report (`report` in the month's documents)")),
    security(("token" = ["archives:read"])),
    responses(
        (status = 200, description = "The frozen XML", content_type = "application/xml", headers(("ETag" = String, description = "The bytes' SHA-256"))),
        (status = 304, description = "The caller has these bytes"),
        (status = 404, description = "No frozen 3059 of the municipality's with that id", body = Problem, content_type = "application/problem+json"),
        Refusals
    )
)]
pub async fn get_3059(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path(report): axum::extract::Path<String>,
) -> Response {
    let id = match id_of(&headers, &report) {
        Ok(id) => id,
        Err(res) => return res,
    };
    match service::frozen_3059(&*api.repo, &caller, id).await {
        Ok(Some(f)) => tagged(&headers, "application/xml", f.bytes, &f.sha256),
        Ok(None) => failed(&headers, PageError::NotFound),
        Err(e) => failed(&headers, e),
    }
}

/// A recipient's signed räkning (3057) of the month: exactly the bytes signed. The ETag is
/// their SHA-256.
#[utoipa::path(
    get,
    path = "/api/v1/months/{month}/3057/{recipient}",
    tag = "archives",
    operation_id = "get3057",
    params(("month" = String, Path, description = "`YYYY-MM`"), ("recipient" = i64, Path, description = "BITA's id of the recipient")),
    security(("token" = ["archives:read"])),
    responses(
        (status = 200, description = "The signed XML", content_type = "application/xml", headers(("ETag" = String, description = "The bytes' SHA-256"))),
        (status = 304, description = "The caller has these bytes"),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No signed räkning of the municipality's for that recipient and month", body = Problem, content_type = "application/problem+json"),
        Refusals
    )
)]
pub async fn get_3057(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path((month, recipient)): axum::extract::Path<(String, String)>,
) -> Response {
    let (m, id) = match (month_of(&headers, &month), id_of(&headers, &recipient)) {
        (Ok(m), Ok(id)) => (m, id),
        (Err(res), _) | (_, Err(res)) => return res,
    };
    match service::signed_3057(&*api.repo, &caller, m, id).await {
        Ok(Some(c)) => tagged(&headers, "application/xml", c.content, &c.sha256),
        Ok(None) => failed(&headers, PageError::NotFound),
        Err(e) => failed(&headers, e),
    }
}

/// One payroll row: the PAXml/CSV export's content.
#[derive(Serialize, ToSchema)]
pub struct PayrollLine {
    /// BITA's id of the time row.
    pub row: i64,
    /// The payroll system's employment number (`BITA-<id>` where none is entered).
    pub employee_id: String,
    /// The assistant's, twelve digits.
    pub personnummer: String,
    pub assistant: Named,
    pub recipient: Named,
    /// `YYYY-MM-DD`, the day the shift starts.
    pub date: String,
    /// `HH:MM`, local time.
    pub start: String,
    pub end: String,
    /// RFC 3339 with the UTC offset: this carries the choice in the repeated autumn hour.
    pub start_at: String,
    pub end_at: String,
    /// `aktiv`, `vantetid` or `beredskap`.
    pub kind: String,
    /// The payroll time code (`ARB`, `JR1`, `BE1`), as in PAXml.
    pub time_code: String,
    pub minutes: i64,
}

/// A page of payroll rows.
#[derive(Serialize, ToSchema)]
pub struct PayrollPage {
    pub month: String,
    pub items: Vec<PayrollLine>,
    /// The `after` of the next page; none after the last.
    pub next: Option<String>,
}

/// The month's payroll rows, as the archive's PAXml and CSV carry them: every row of the time
/// reports that are attested or exported, by row, a page at a time.
#[utoipa::path(
    get,
    path = "/api/v1/months/{month}/payroll",
    tag = "payroll",
    operation_id = "listPayroll",
    params(("month" = String, Path, description = "`YYYY-MM`"), PageQuery),
    security(("token" = ["payroll:read"])),
    responses(
        (status = 200, description = "A page of payroll rows", body = PayrollPage, headers(("ETag" = String, description = "The page's SHA-256, for If-None-Match"))),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 400, description = "Not a month, or `after` or `limit` not what it can be", body = Problem, content_type = "application/problem+json"),
        Refusals
    )
)]
pub async fn list_payroll(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path(month): axum::extract::Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let m = match month_of(&headers, &month) {
        Ok(m) => m,
        Err(res) => return res,
    };
    // The place of a row: its day and id (`2026-11-05.1075000`), the order payroll reads in.
    let after = match q.after.as_deref().map(str::trim).unwrap_or_default() {
        "" => None,
        a => match a.split_once('.').and_then(|(d, id)| {
            Some((chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?, engine::text::id(id)?))
        }) {
            Some(p) => Some(p),
            None => {
                let l = lang(&headers);
                return problem(
                    &headers,
                    StatusCode::BAD_REQUEST,
                    "bad-query",
                    T::ApiBadQuery,
                    l.t(T::ApiBadAfter).into(),
                );
            }
        },
    };
    let limit = match (LimitQuery { limit: q.limit }).parse(&headers) {
        Ok(l) => l,
        Err(res) => return res,
    };
    let mut rows = match service::payroll(&*api.repo, &caller, m, after, limit as usize + 1).await {
        Ok(r) => r,
        Err(e) => return failed(&headers, e),
    };
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    let next = more.then(|| rows.last().map(|((d, id), _)| format!("{d}.{id}"))).flatten();
    let at = |t: chrono::DateTime<chrono::FixedOffset>| {
        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
    };
    let items = rows
        .into_iter()
        .map(|((_, row), r)| PayrollLine {
            row,
            employee_id: r.employee_id,
            personnummer: r.personnummer,
            assistant: Named { id: r.assistant_id, name: r.assistant_name },
            recipient: Named { id: r.recipient_id, name: r.recipient_name },
            date: r.date.to_string(),
            start: r.start.format("%H:%M").to_string(),
            end: r.end.format("%H:%M").to_string(),
            start_at: at(r.start_at),
            end_at: at(r.end_at),
            kind: r.kind.code().into(),
            time_code: export::payroll::time_code(r.kind).into(),
            minutes: r.minutes.0,
        })
        .collect();
    with_etag(&headers, &PayrollPage { month: m.to_string(), items, next })
}

/// A signed month archive.
#[derive(Serialize, ToSchema)]
pub struct ArchiveOut {
    /// BITA's id.
    pub id: i64,
    /// 1 for the month's first; each correction makes the next.
    pub version: i64,
    pub created_at: String,
    /// The SHA-256 of the ZIP's exact bytes.
    pub sha256: String,
    pub bytes: i64,
    pub files: i64,
    pub corrections: i64,
    /// The ZIP.
    pub href: String,
    /// Its signed manifest.
    pub manifest_href: String,
}

/// A month's archives.
#[derive(Serialize, ToSchema)]
pub struct Archives {
    pub month: String,
    /// Newest first.
    pub items: Vec<ArchiveOut>,
}

/// The month's signed archives (what was exported to Försäkringskassan), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/months/{month}/archives",
    tag = "archives",
    operation_id = "listArchives",
    params(("month" = String, Path, description = "`YYYY-MM`")),
    security(("token" = ["archives:read"])),
    responses(
        (status = 200, description = "The month's archives", body = Archives),
        (status = 400, description = "Not a month", body = Problem, content_type = "application/problem+json"),
        Refusals
    )
)]
pub async fn list_archives(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path(month): axum::extract::Path<String>,
) -> Response {
    let m = match month_of(&headers, &month) {
        Ok(m) => m,
        Err(res) => return res,
    };
    let items = match service::archives(&*api.repo, &caller, m).await {
        Ok(a) => a,
        Err(e) => return failed(&headers, e),
    };
    let items = items
        .into_iter()
        .map(|a| ArchiveOut {
            id: a.id,
            version: a.version,
            created_at: a.created_at,
            sha256: a.sha256,
            bytes: a.bytes,
            files: a.files,
            corrections: a.corrections,
            href: format!("/api/v1/archives/{}", a.id),
            manifest_href: format!("/api/v1/archives/{}/manifest", a.id),
        })
        .collect();
    with_etag(&headers, &Archives { month: m.to_string(), items })
}

/// A month archive: the signed ZIP exactly as made (its manifest lists every file's SHA-256 and
/// is signed with the installation's Ed25519 key).
#[utoipa::path(
    get,
    path = "/api/v1/archives/{id}",
    tag = "archives",
    operation_id = "getArchive",
    params(("id" = i64, Path, description = "BITA's id of the archive")),
    security(("token" = ["archives:read"])),
    responses(
        (status = 200, description = "The ZIP", content_type = "application/zip", headers(("ETag" = String, description = "The bytes' SHA-256"))),
        (status = 304, description = "The caller has these bytes"),
        (status = 404, description = "No archive of the municipality's with that id", body = Problem, content_type = "application/problem+json"),
        Refusals
    )
)]
pub async fn get_archive(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let id = match id_of(&headers, &id) {
        Ok(id) => id,
        Err(res) => return res,
    };
    match service::archive(&*api.repo, &caller, id).await {
        Ok(Some((month, version, zip))) => {
            let sha = engine::fk::sha256_hex(&zip);
            let mut res = tagged(&headers, "application/zip", zip, &sha);
            let name = format!("attachment; filename=\"bita-{month}-v{version}.zip\"");
            if let Ok(v) = HeaderValue::from_str(&name) {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Ok(None) => failed(&headers, PageError::NotFound),
        Err(e) => failed(&headers, e),
    }
}

/// An archive's manifest, the exact bytes its signature covers; the signature (Ed25519, hex)
/// in `Bita-Signature`, and the installation's public key in the manifest itself.
#[utoipa::path(
    get,
    path = "/api/v1/archives/{id}/manifest",
    tag = "archives",
    operation_id = "getManifest",
    params(("id" = i64, Path, description = "BITA's id of the archive")),
    security(("token" = ["archives:read"])),
    responses(
        (status = 200, description = "The manifest (JSON)", content_type = "application/json", headers(("Bita-Signature" = String, description = "The manifest's Ed25519 signature, hex"), ("ETag" = String, description = "The manifest's SHA-256"))),
        (status = 304, description = "The caller has these bytes"),
        (status = 404, description = "No archive of the municipality's with that id", body = Problem, content_type = "application/problem+json"),
        Refusals
    )
)]
pub async fn get_manifest(
    State(api): State<ApiState>,
    Extension(caller): Extension<ApiCaller>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Response {
    let id = match id_of(&headers, &id) {
        Ok(id) => id,
        Err(res) => return res,
    };
    let zip = match service::archive(&*api.repo, &caller, id).await {
        Ok(Some((_, _, zip))) => zip,
        Ok(None) => return failed(&headers, PageError::NotFound),
        Err(e) => return failed(&headers, e),
    };
    let Some((manifest, signature)) = export::archive::manifest(&zip) else {
        return failed(&headers, PageError::Internal);
    };
    let sha = engine::fk::sha256_hex(&manifest);
    let mut res = tagged(&headers, "application/json", manifest, &sha);
    if let Ok(v) = HeaderValue::from_str(&signature) {
        res.headers_mut().insert("bita-signature", v);
    }
    res
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
