//! Sign-in, step-up and signing with the municipality's OpenID providers (issue 26): the
//! authorization code flow with PKCE, `state` and `nonce` (openidconnect), discovery and the
//! provider's keys (kept 5 minutes per issuer), and the ID token's checks (signature, issuer,
//! audience, expiry, nonce; for step-up and signing also a strong `acr` and a fresh
//! `auth_time`). Who the person is in BITA, and every write, is the service layer's
//! (`app::service::identity`, `month`, `claims`). A flow under way lives in the session, one at
//! a time, and is used once: a replayed return finds none.

use crate::AppState;
use crate::guard::Gate;
use app::domain::Personnummer;
use app::domain::documents::EidEvidence;
use app::domain::people::SignIn;
use app::i18n::T;
use app::model::random_token;
use app::service::context::{Cx, SESSION_ID_TOKEN, SESSION_OIDC_FLOW, SESSION_PROVIDER, now_unix};
use app::service::identity::{Asserted, SignedIn};
use app::service::month::{Confirmation, EidConfirmation};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreJsonWebKey,
};
use openidconnect::{
    AuthenticationContextClass, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use store::IdentityProvider;
use tower_sessions::Session;

/// How long a provider's discovery document and keys are kept before they are fetched again.
const METADATA_TTL: Duration = Duration::from_secs(300);
/// A flow older than this is refused on return (the person left it half-done).
const FLOW_SECONDS: i64 = 600;
/// How far the provider's clock may differ from ours for `auth_time`.
const CLOCK_SKEW: i64 = 60;

/// The most a provider may answer with (a discovery document, its keys, a token response are
/// a few kilobytes): a hostile or broken provider cannot fill the server's memory.
const MAX_RESPONSE: usize = 256 * 1024;

/// The HTTP client the relying party speaks to providers with: reqwest with no redirects
/// followed and short timeouts (a slow provider cannot hold a request), reading at most
/// [`MAX_RESPONSE`] bytes of an answer.
pub struct Bounded(reqwest::Client);

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error(transparent)]
    Request(#[from] reqwest::Error),
    #[error("the provider's answer is larger than {MAX_RESPONSE} bytes")]
    TooLarge,
    #[error(transparent)]
    Response(#[from] openidconnect::http::Error),
}

impl<'c> openidconnect::AsyncHttpClient<'c> for Bounded {
    type Error = HttpError;
    type Future = std::pin::Pin<
        Box<
            dyn std::future::Future<Output = Result<openidconnect::HttpResponse, HttpError>>
                + Send
                + 'c,
        >,
    >;

    fn call(&'c self, request: openidconnect::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let (parts, body) = request.into_parts();
            let mut res = self
                .0
                .request(parts.method, parts.uri.to_string())
                .headers(parts.headers)
                .body(body)
                .send()
                .await?;
            if res.content_length().is_some_and(|n| n > MAX_RESPONSE as u64) {
                return Err(HttpError::TooLarge);
            }
            let mut answer = openidconnect::http::Response::builder().status(res.status());
            for (name, value) in res.headers() {
                answer = answer.header(name, value);
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = res.chunk().await? {
                if bytes.len() + chunk.len() > MAX_RESPONSE {
                    return Err(HttpError::TooLarge);
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(answer.body(bytes)?)
        })
    }
}

/// The relying party: its HTTP client ([`Bounded`]) and the providers' metadata, cached per
/// issuer.
pub struct Oidc {
    http: Bounded,
    cache: Mutex<HashMap<String, (Instant, Arc<ProviderMetadataWithLogout>)>>,
}

impl Default for Oidc {
    fn default() -> Self {
        Self::new()
    }
}

impl Oidc {
    pub fn new() -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Self { http: Bounded(http), cache: Mutex::new(HashMap::new()) }
    }

    /// The provider's discovery document and keys (cached). `refresh` fetches them again (a
    /// token signed with a key we do not have yet: the provider rotated).
    async fn metadata(
        &self,
        issuer: &str,
        refresh: bool,
    ) -> Result<Arc<ProviderMetadataWithLogout>, String> {
        if !refresh
            && let Some((at, m)) = self.cache.lock().ok().and_then(|c| c.get(issuer).cloned())
            && at.elapsed() < METADATA_TTL
        {
            return Ok(m);
        }
        let url = IssuerUrl::new(issuer.to_string()).map_err(|e| e.to_string())?;
        let m = ProviderMetadataWithLogout::discover_async(url, &self.http)
            .await
            .map_err(|e| format!("discovery: {}", causes(&e)))?;
        let m = Arc::new(m);
        if let Ok(mut c) = self.cache.lock() {
            c.insert(issuer.to_string(), (Instant::now(), m.clone()));
        }
        Ok(m)
    }
}

/// An error and its causes, for the audit log ("Request failed" alone would not say why).
fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

/// What a flow is for.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum Purpose {
    /// Signing in; with the SHA-256 of an invitation's code when the person came with one.
    Login { invitation: Option<String> },
    /// A signed-in person proves a strong sign-in, then returns to `till`.
    StepUp { user: i64, till: String },
    /// A signature bound to a document by the nonce.
    Sign { user: i64, sign: Signing },
}

/// A signature that waits for the provider.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum SignKind {
    /// The approval of an assistant's month (its key).
    Month { key: String },
    /// A räkning (the recipient and month).
    Claim { person: String, month: String },
    /// The assistant's attestation on honour of their month for a recipient.
    Attestation { recipient: String, month: String },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Signing {
    kind: SignKind,
    document: String,
    sha256: String,
    salt: String,
    /// The page the signer returns to.
    back: String,
    /// The signing form's idempotency key.
    idem: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Flow {
    provider: i64,
    state: String,
    nonce: String,
    pkce: String,
    started: i64,
    purpose: Purpose,
}

fn callback_url(gate: &Gate, headers: &HeaderMap) -> Option<RedirectUrl> {
    let origin = gate.origin(headers)?;
    RedirectUrl::new(format!("{origin}{}", app::paths::OIDC_CALLBACK)).ok()
}

/// Back to the sign-in page with a message.
fn to_login(state: &AppState, t: T) -> Response {
    crate::auth::refused(state.api.settings.cookies, t, "")
}

/// The relying party of one provider, as discovery describes it.
type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

fn client_of(
    m: &ProviderMetadataWithLogout,
    p: &IdentityProvider,
    redirect: RedirectUrl,
) -> Client {
    CoreClient::from_provider_metadata(
        m.clone(),
        ClientId::new(p.client_id.clone()),
        Some(ClientSecret::new(p.client_secret.clone())),
    )
    .set_redirect_uri(redirect)
}

async fn audit_refused(
    state: &AppState,
    tenant: Option<i64>,
    user: Option<i64>,
    client: Option<String>,
    action: &'static str,
    why: &str,
) {
    tracing::info!(action, why, "sign-in with a provider refused");
    if let Err(e) =
        app::service::identity::refused(&*state.api.repo, tenant, user, client, action, why).await
    {
        tracing::error!(error = %e, "recording a refused sign-in failed");
    }
}

async fn provider(state: &AppState, id: i64) -> Option<IdentityProvider> {
    let mut db = state.api.repo.read().await.ok()?;
    db.identity_provider(id).await.ok().flatten()
}

fn strong_values(p: &IdentityProvider) -> Vec<String> {
    p.strong_acr.split_whitespace().map(str::to_string).collect()
}

/// How a flow leaves BITA for the provider.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leave {
    /// A redirect: the flow started from a link (a GET).
    Redirect,
    /// A page that continues there: the flow started from a form post, and the pages' policy
    /// (`form-action 'self'`) forbids a form's submission to end at another site, redirects
    /// included. A new navigation (the page's refresh, or its link) is not a form submission.
    Page,
}

/// The small page that continues a post at the provider (a refresh at once, and a link for
/// whoever has refreshes turned off), in the person's language.
fn onward(url: &str, headers: &HeaderMap) -> Response {
    let l = app::i18n::Locale::from_cookie_header(
        headers.get(axum::http::header::COOKIE).and_then(|v| v.to_str().ok()).unwrap_or(""),
    );
    let href = html_escape::encode_double_quoted_attribute(url);
    let page = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"refresh\" content=\"0;url={href}\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"/pkg/bita.css\"></head><body><main class=\"card narrow\">\
         <h1>{title}</h1><p><a href=\"{href}\">{link}</a></p></main></body></html>",
        lang = l.code(),
        title = l.t(T::EidOnward),
        link = l.t(T::EidOnwardLink),
    );
    axum::response::Html(page).into_response()
}

/// Sends the person to the provider: a new flow in the session (state, nonce, PKCE), the
/// authorization request with the provider's scopes; for step-up and signing a fresh
/// authentication (`prompt=login`, `max_age=0`) at a strong level (`acr_values`).
async fn redirect_to_provider(
    state: &AppState,
    session: &Session,
    redirect: RedirectUrl,
    p: &IdentityProvider,
    purpose: Purpose,
    nonce: Option<String>,
    leave: (Leave, &HeaderMap),
) -> Result<Response, T> {
    let metadata = match state.oidc.metadata(&p.issuer, false).await {
        Ok(m) => m,
        Err(e) => {
            audit_refused(state, Some(p.tenant_id), None, None, "login.eid.unavailable", &e).await;
            return Err(T::EidProviderDown);
        }
    };
    let client = client_of(&metadata, p, redirect);
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let fresh = !matches!(purpose, Purpose::Login { .. });
    let nonce_value = nonce.unwrap_or_else(random_token);
    let n = nonce_value.clone();
    let mut req = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            move || Nonce::new(n),
        )
        .set_pkce_challenge(challenge);
    for s in p.scopes.split_whitespace().filter(|s| *s != "openid") {
        req = req.add_scope(Scope::new(s.to_string()));
    }
    // The ID token is asked to say the level of the authentication (a voluntary claim, OpenID
    // Connect Core §5.5.1): a sign-in with e-legitimation is strong without a second trip.
    req = req.add_extra_param("claims", r#"{"id_token":{"acr":null}}"#);
    if fresh {
        req = req.add_prompt(CoreAuthPrompt::Login).set_max_age(Duration::from_secs(0));
        for acr in strong_values(p) {
            req = req.add_auth_context_value(AuthenticationContextClass::new(acr));
        }
    }
    let (url, csrf, _) = req.url();
    let flow = Flow {
        provider: p.id,
        state: csrf.secret().clone(),
        nonce: nonce_value,
        pkce: verifier.secret().clone(),
        started: now_unix(),
        purpose,
    };
    if let Err(e) = session.insert(SESSION_OIDC_FLOW, &flow).await {
        tracing::error!(error = %e, "keeping the sign-in flow failed");
        return Err(T::EidFailed);
    }
    Ok(match leave.0 {
        Leave::Redirect => Redirect::to(url.as_str()).into_response(),
        Leave::Page => onward(url.as_str(), leave.1),
    })
}

#[derive(Deserialize)]
pub struct StartQuery {
    #[serde(default)]
    leverantor: String,
    #[serde(default)]
    till: String,
    #[serde(default)]
    kod: String,
}

/// `GET /oidc/start?leverantor=<id>`: sign in (or, signed in, step up and return to `till`;
/// or link an invitation's account, `kod`) with one of a municipality's providers.
pub async fn start(
    State(state): State<AppState>,
    Extension(gate): Extension<Arc<Gate>>,
    headers: HeaderMap,
    cx: Cx,
    Query(q): Query<StartQuery>,
) -> Response {
    let Some(p) = engine::text::id(&q.leverantor) else { return to_login(&state, T::EidFailed) };
    let Some(p) = provider(&state, p).await else { return to_login(&state, T::EidFailed) };
    let Some(redirect) = callback_url(&gate, &headers) else {
        return to_login(&state, T::EidFailed);
    };
    let till = app::service::auth::local_path(&q.till);
    let purpose = match (&cx.caller, till) {
        (Some(c), Some(till)) if c.tenant_id == p.tenant_id => {
            Purpose::StepUp { user: c.user_id, till }
        }
        _ => Purpose::Login {
            invitation: app::service::context::is_token(&q.kod)
                .then(|| engine::fk::sha256_hex(q.kod.as_bytes())),
        },
    };
    let leave = (Leave::Redirect, &headers);
    match redirect_to_provider(&state, &cx.session, redirect, &p, purpose, None, leave).await {
        Ok(r) => r,
        Err(t) => to_login(&state, t),
    }
}

/// Starts a signature with e-legitimation, after the signer saw the document: the nonce binds
/// the document, its SHA-256 (the one the page showed, still current) and the signer.
pub async fn start_signing(
    state: &AppState,
    gate: &Gate,
    headers: &HeaderMap,
    cx: &Cx,
    kind: SignKind,
    shown_sha: &str,
    idem: Option<String>,
) -> Response {
    use app::service::{claims, month};
    let Some(c) = cx.caller.clone() else { return Redirect::to(app::paths::LOGIN).into_response() };
    // What it is, where the signer returns, and what the page says when it cannot be signed
    // now or changed since it was shown (as the password's way says).
    let (current, back, not_now, changed) = match &kind {
        SignKind::Month { key } => (
            month::approval_to_sign(cx, key).await,
            month::review_page_of(key),
            T::NotSubmitted,
            T::MonthChanged,
        ),
        SignKind::Claim { person, month } => (
            claims::claim_to_sign(cx, person, month).await,
            claims::claim_page_of(person, month),
            T::ClaimNotReady,
            T::ClaimChanged,
        ),
        SignKind::Attestation { recipient, month } => (
            month::attestation_to_sign(cx, recipient, month).await,
            month::attestation_page_of(month),
            T::SubmitNeedsRows,
            T::AttestRowsChanged,
        ),
    };
    let back_with = |t: T| crate::extract::answer(cx, Ok(app::service::tx::error(back.clone(), t)));
    let (document, sha256) = match current {
        Err(e) => return e.into_response(),
        Ok(None) => return back_with(not_now).await,
        Ok(Some(d)) => d,
    };
    if shown_sha.trim() != sha256 {
        return back_with(changed).await;
    }
    let providers = async { state.api.repo.read().await?.identity_providers(c.tenant_id).await };
    let providers = match providers.await {
        Ok(p) => p,
        Err(e) => return app::service::context::internal(e).into_response(),
    };
    let Some(p) = providers.into_iter().find(|p| !p.strong_acr.is_empty()) else {
        return back_with(T::EidFailed).await;
    };
    let Some(redirect) = callback_url(gate, headers) else { return back_with(T::EidFailed).await };
    let salt = random_token();
    let nonce = EidEvidence::nonce(&document, &sha256, c.user_id, &salt);
    let sign = Signing { kind, document, sha256, salt, back: back.clone(), idem };
    let purpose = Purpose::Sign { user: c.user_id, sign };
    let leave = (Leave::Page, headers);
    match redirect_to_provider(state, &cx.session, redirect, &p, purpose, Some(nonce), leave).await
    {
        Ok(r) => r,
        Err(t) => back_with(t).await,
    }
}

#[derive(Deserialize)]
pub struct CallbackQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    error: String,
    /// The issuer that answered (RFC 9207), where the provider says it.
    #[serde(default)]
    iss: String,
}

/// The longest authorization code taken to the provider (they are tens of characters).
const MAX_CODE: usize = 2048;

/// What the provider's token says, once verified.
struct Verified {
    asserted: Asserted,
    id_token: String,
    key: String,
    auth_time: Option<i64>,
}

/// Exchanges the code (with the PKCE verifier) and verifies the ID token: signature by the
/// provider's key, issuer, audience, expiry, nonce; then reads the configured claims from the
/// verified payload. `Err` is why, for the audit log (never a personnummer).
async fn verify(
    state: &AppState,
    p: &IdentityProvider,
    redirect: RedirectUrl,
    flow: &Flow,
    code: &str,
) -> Result<Verified, String> {
    let metadata = state.oidc.metadata(&p.issuer, false).await?;
    let mut client = client_of(&metadata, p, redirect.clone());
    let tokens = client
        .exchange_code(AuthorizationCode::new(code.to_string()))
        .map_err(|e| format!("token endpoint: {e}"))?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce.clone()))
        .request_async(&state.oidc.http)
        .await
        .map_err(|e| format!("code exchange: {}", causes(&e)))?;
    use openidconnect::TokenResponse;
    let id_token: &CoreIdToken = tokens.id_token().ok_or("no ID token")?;
    if id_token.signing_key(&client.id_token_verifier()).is_err() {
        // Signed with a key we have not fetched: the provider rotated its keys within the
        // cache's 5 minutes. Once more, fresh (a key it still lacks is refused below).
        let fresh = state.oidc.metadata(&p.issuer, true).await?;
        client = client_of(&fresh, p, redirect);
    }
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(flow.nonce.clone()))
        .map_err(|e| format!("ID token: {e}"))?;
    let key = id_token
        .signing_key(&verifier)
        .ok()
        .and_then(|k: &CoreJsonWebKey| serde_json::to_string(k).ok())
        .unwrap_or_default();
    let raw = id_token.to_string();
    // The payload the signature covers, read again for the claims BITA is configured with.
    let payload: serde_json::Value = raw
        .split('.')
        .nth(1)
        .and_then(|p| {
            use base64::Engine;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p).ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let text_claim = |name: &str| {
        (!name.is_empty())
            .then(|| payload.get(name).and_then(|v| v.as_str()).map(str::to_string))
            .flatten()
    };
    let personnummer = text_claim(&p.pnr_claim).and_then(|s| Personnummer::parse(&s).ok());
    let acr = claims.auth_context_ref().map(|a| a.to_string());
    let strong = acr.as_ref().is_some_and(|a| strong_values(p).contains(a));
    Ok(Verified {
        asserted: Asserted {
            issuer: claims.issuer().to_string(),
            subject: claims.subject().to_string(),
            personnummer,
            email: text_claim(&p.email_claim),
            acr,
            strong,
        },
        id_token: raw,
        key,
        auth_time: claims.auth_time().map(|t| t.timestamp()),
    })
}

/// `GET /oidc/tillbaka`: the provider sends the person back. The flow in the session must be
/// there (once), its `state` must match and be recent; then the token is verified and the
/// flow's purpose carried out. A refusal writes only its audit entry.
pub async fn callback(
    State(state): State<AppState>,
    Extension(gate): Extension<Arc<Gate>>,
    headers: HeaderMap,
    cx: Cx,
    Query(q): Query<CallbackQuery>,
) -> Response {
    let client = cx.client.clone();
    let flow: Option<Flow> = cx.session.remove(SESSION_OIDC_FLOW).await.ok().flatten();
    let Some(flow) =
        flow.filter(|f| !q.state.is_empty() && f.state == q.state && q.code.len() <= MAX_CODE)
    else {
        audit_refused(
            &state,
            cx.caller.as_ref().map(|c| c.tenant_id),
            None,
            client,
            "login.eid.refused",
            "no flow of this state in the session (replayed or forged return)",
        )
        .await;
        return to_login(&state, T::EidFailed);
    };
    let (st, cxr, fl) = (&state, &cx, &flow);
    let fail = |t: T| async move {
        match &fl.purpose {
            Purpose::Sign { sign, .. } => {
                let o = app::service::tx::error(sign.back.clone(), t);
                crate::extract::answer(cxr, Ok(o)).await
            }
            _ => to_login(st, t),
        }
    };
    let Some(p) = provider(&state, flow.provider).await else { return fail(T::EidFailed).await };
    let tenant = Some(p.tenant_id);
    // The answer of another provider than the one the flow went to (a mix-up: RFC 9207): its
    // code is never taken to this provider's token endpoint.
    if !q.iss.is_empty() && q.iss.trim_end_matches('/') != p.issuer.trim_end_matches('/') {
        let why = "the answer came from another issuer than the flow's provider";
        audit_refused(&state, tenant, None, client, "login.eid.refused", why).await;
        return fail(T::EidFailed).await;
    }
    if !q.error.is_empty() {
        audit_refused(
            &state,
            tenant,
            None,
            client,
            "login.eid.cancelled",
            &q.error.chars().take(60).collect::<String>(),
        )
        .await;
        return fail(T::EidCancelled).await;
    }
    if now_unix() - flow.started > FLOW_SECONDS {
        audit_refused(&state, tenant, None, client, "login.eid.refused", "flow expired").await;
        return fail(T::EidFailed).await;
    }
    let Some(redirect) = callback_url(&gate, &headers) else { return fail(T::EidFailed).await };
    let v = match verify(&state, &p, redirect, &flow, &q.code).await {
        Ok(v) => v,
        Err(why) => {
            let action = if why.starts_with("discovery") {
                "login.eid.unavailable"
            } else {
                "login.eid.refused"
            };
            audit_refused(&state, tenant, None, client, action, &why).await;
            return fail(if action == "login.eid.unavailable" {
                T::EidProviderDown
            } else {
                T::EidFailed
            })
            .await;
        }
    };
    let fresh = |v: &Verified| v.auth_time.is_some_and(|t| t >= flow.started - CLOCK_SKEW);
    match flow.purpose.clone() {
        Purpose::Login { invitation } => {
            match app::service::identity::sign_in(
                &*state.api.repo,
                &p,
                &v.asserted,
                invitation.as_deref(),
                client,
            )
            .await
            {
                Err(e) => app::service::context::internal(e).into_response(),
                Ok(SignedIn::Refused(t)) => to_login(&state, t),
                Ok(SignedIn::User(user)) => begin_session(&state, &cx.session, user, &p, &v).await,
            }
        }
        Purpose::StepUp { user, till } => {
            if !v.asserted.strong || !fresh(&v) {
                audit_refused(
                    &state,
                    tenant,
                    Some(user),
                    client,
                    "login.step_up.refused",
                    "not strong or not fresh",
                )
                .await;
                return to_login(&state, T::EidWeak);
            }
            match app::service::identity::sign_in(
                &*state.api.repo,
                &p,
                &v.asserted,
                None,
                client.clone(),
            )
            .await
            {
                Ok(SignedIn::User(u)) if u == user => {
                    let provider = Some((p.id, v.id_token.as_str()));
                    match crate::auth::signed_in_with(&cx.session, SignIn::Strong, provider).await {
                        Ok(()) => Redirect::to(&till).into_response(),
                        Err(e) => app::service::context::internal(e).into_response(),
                    }
                }
                // Nobody the register knows (recorded by the sign-in itself): said as such.
                Ok(SignedIn::Refused(t)) => to_login(&state, t),
                Ok(SignedIn::User(_)) => {
                    audit_refused(
                        &state,
                        tenant,
                        Some(user),
                        client,
                        "login.step_up.refused",
                        "another person",
                    )
                    .await;
                    to_login(&state, T::EidOtherPerson)
                }
                Err(e) => app::service::context::internal(e).into_response(),
            }
        }
        Purpose::Sign { user, sign } => {
            if cx.caller.as_ref().is_none_or(|c| c.user_id != user) {
                audit_refused(
                    &state,
                    tenant,
                    Some(user),
                    client,
                    "signature.eid.refused",
                    "the session's person changed",
                )
                .await;
                return fail(T::EidOtherPerson).await;
            }
            if !v.asserted.strong || !fresh(&v) {
                audit_refused(
                    &state,
                    tenant,
                    Some(user),
                    client,
                    "signature.eid.refused",
                    "not strong or not fresh",
                )
                .await;
                return fail(T::EidWeak).await;
            }
            let evidence = EidEvidence {
                issuer: v.asserted.issuer.clone(),
                acr: v.asserted.acr.clone().unwrap_or_default(),
                auth_time: v.auth_time.unwrap_or_default(),
                personnummer_masked: v
                    .asserted
                    .personnummer
                    .as_ref()
                    .map(|p| p.masked())
                    .unwrap_or_default(),
                document: sign.document.clone(),
                nonce_salt: sign.salt.clone(),
                user,
                id_token: v.id_token.clone(),
                key: v.key.clone(),
            };
            let confirmation = Confirmation::Eid(Box::new(EidConfirmation {
                evidence,
                nonce: flow.nonce.clone(),
                subject: v.asserted.subject.clone(),
                personnummer: v.asserted.personnummer.clone(),
            }));
            let idem = sign.idem.as_deref();
            let outcome = match &sign.kind {
                SignKind::Month { key } => {
                    let form = app::service::month::DecisionForm {
                        key,
                        decision: "approve",
                        hash: &sign.sha256,
                        ..Default::default()
                    };
                    app::service::month::decide_month(&cx, &form, confirmation, idem).await
                }
                SignKind::Attestation { recipient, month } => {
                    app::service::month::submit_month(
                        &cx,
                        recipient,
                        month,
                        "on",
                        confirmation,
                        idem,
                    )
                    .await
                }
                SignKind::Claim { person, month } => {
                    app::service::claims::sign_claim(
                        &cx,
                        person,
                        month,
                        &sign.sha256,
                        confirmation,
                        idem,
                    )
                    .await
                }
            };
            crate::extract::answer(&cx, outcome).await
        }
    }
}

/// A new session for the person a provider signed in (`auth::begin_session`), with how they
/// signed in and the ID token for the provider's sign-out.
async fn begin_session(
    state: &AppState,
    session: &Session,
    user: i64,
    p: &IdentityProvider,
    v: &Verified,
) -> Response {
    let caller = match state.api.repo.read().await {
        Ok(mut db) => db.caller(user).await.ok().flatten(),
        Err(_) => None,
    };
    let Some(caller) = caller else { return to_login(state, T::EidFailed) };
    let how = if v.asserted.strong { SignIn::Strong } else { SignIn::Provider };
    let provider = Some((p.id, v.id_token.as_str()));
    if let Err(e) =
        crate::auth::begin_session(session, user, caller.session_epoch, how, provider).await
    {
        return app::service::context::internal(e).into_response();
    }
    tracing::info!(user, "login with a provider");
    Redirect::to(app::paths::start_page(caller.role)).into_response()
}

/// Where a sign-out continues: the provider's end-session endpoint (RP-initiated logout,
/// with the ID token as hint and back to the sign-in page) when the person signed in there
/// and the provider offers one; else `None` (the sign-in page).
pub async fn after_logout(
    state: &AppState,
    gate: &Gate,
    headers: &HeaderMap,
    provider_id: Option<i64>,
    id_token: Option<String>,
) -> Option<String> {
    let p = provider(state, provider_id?).await?;
    let m = state.oidc.metadata(&p.issuer, false).await.ok()?;
    let end = m.additional_metadata().end_session_endpoint.clone()?;
    let origin = gate.origin(headers)?;
    let hint = serde_json::from_value::<CoreIdToken>(serde_json::Value::String(id_token?)).ok()?;
    let back = PostLogoutRedirectUrl::new(format!("{origin}{}", app::paths::LOGIN)).ok()?;
    let url = openidconnect::LogoutRequest::from(end)
        .set_id_token_hint(&hint)
        .set_client_id(ClientId::new(p.client_id.clone()))
        .set_post_logout_redirect_uri(back)
        .http_get_url();
    Some(url.to_string())
}

/// Ends BITA's session and, when the person signed in with a provider that offers it, sends
/// them on to the provider's sign-out (RP-initiated logout), which returns to the sign-in page.
pub async fn logout(
    State(state): State<AppState>,
    Extension(gate): Extension<Arc<Gate>>,
    headers: HeaderMap,
    cx: Cx,
) -> Response {
    if cx.caller.is_some()
        && let Err(e) = app::service::context::record(
            &*state.api.repo,
            cx.audit_entry("logout", "session".into()),
        )
        .await
    {
        return app::service::context::internal(e).into_response();
    }
    let provider: Option<i64> = cx.session.get(SESSION_PROVIDER).await.ok().flatten();
    let id_token: Option<String> = cx.session.get(SESSION_ID_TOKEN).await.ok().flatten();
    let _ = cx.session.flush().await;
    match after_logout(&state, &gate, &headers, provider, id_token).await {
        Some(at_provider) => onward(&at_provider, &headers),
        None => Redirect::to(app::paths::LOGIN).into_response(),
    }
}

/// Whether a signature's e-legitimation evidence holds on its own, as an archive carries it:
/// the ID token verifies with the provider's key kept beside it, names the issuer kept, and its
/// nonce binds the document signed (its SHA-256) and the signer (`EidEvidence::nonce`).
pub fn evidence_holds(e: &EidEvidence, sha256: &str) -> bool {
    use base64::Engine;
    use openidconnect::JsonWebKey;
    let b64 = |p: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(p).ok();
    let json = |p: &str| b64(p).and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    let Ok(key) = serde_json::from_str::<CoreJsonWebKey>(&e.key) else { return false };
    let Some((message, signature)) = e.id_token.rsplit_once('.') else { return false };
    let Some((header, payload)) = message.split_once('.') else { return false };
    let (Some(header), Some(payload), Some(signature)) =
        (json(header), json(payload), b64(signature))
    else {
        return false;
    };
    let Ok(alg) = serde_json::from_value::<openidconnect::core::CoreJwsSigningAlgorithm>(
        header["alg"].clone(),
    ) else {
        return false;
    };
    key.verify_signature(&alg, message.as_bytes(), &signature).is_ok()
        && payload["iss"] == e.issuer.as_str()
        && payload["nonce"]
            == EidEvidence::nonce(&e.document, sha256, e.user, &e.nonce_salt).as_str()
}

/// Checks the e-legitimation evidence of every signature an archive's check listed: one that
/// does not hold is a problem of the archive. The token and key are then dropped from the
/// report (the page and the command line show who, when, through whom and whether it holds).
pub fn check_archived(report: &mut engine::documents::VerifyReport) {
    use engine::documents::VerifyProblem;
    for s in &mut report.signatures {
        let Some(e) = s.eid.as_mut() else { continue };
        let holds = evidence_holds(e, &s.sha256);
        s.eid_holds = Some(holds);
        e.id_token.clear();
        e.key.clear();
        if !holds {
            if report.problems.len() < export::archive::MAX_PROBLEMS {
                report.problems.push(VerifyProblem::EidEvidence(s.file.clone()));
            } else {
                report.more_problems += 1;
            }
            report.ok = false;
        }
    }
}
