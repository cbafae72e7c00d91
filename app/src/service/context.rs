//! Who is asking: the caller (`Cx`) resolved from the session and the database for every
//! request (tenant, role and relation, never ids the browser sends), the session's keys and
//! cookies, the request's one-time message, and the one function that writes an audit entry
//! in a transaction of its own.

use crate::domain::settings::MAX_USERNAME;
use crate::domain::{ReportMonth, TZ, Totals};
use crate::i18n::{Locale, T};
use crate::model::*;
use chrono::Utc;
use leptos::prelude::use_context;
use std::collections::HashMap;
use std::sync::Arc;
use store::{AuditEntry, Caller, MonthRecord, Repo, RepoResult, Store, StoredRow};
use tower_sessions::Session;

/// Session keys.
pub const SESSION_USER: &str = "user_id";

pub const SESSION_FLASH: &str = "flash";

/// The session's CSRF token, rendered into every form and compared on every post.
pub const SESSION_CSRF: &str = "csrf";

/// When the user logged in (unix seconds): a session lives at most [`SESSION_MAX_AGE`].
pub const SESSION_LOGIN_AT: &str = "login_at";

/// When the session was last extended (unix seconds).
pub const SESSION_SEEN: &str = "seen";

/// The user's session epoch at login ([`Caller::session_epoch`]): when the database's has
/// moved on (a new password, a deactivation, a new role), the session has ended.
pub const SESSION_EPOCH: &str = "epoch";

/// The absolute lifetime of a session, whatever the activity.
pub const SESSION_MAX_AGE: i64 = 12 * 3600;
/// How the person signed in (`engine::people::SignIn`).
pub const SESSION_SIGN_IN: &str = "sign_in";
/// The provider of a sign-in with OpenID Connect and its ID token (the `id_token_hint` of the
/// provider's sign-out).
pub const SESSION_PROVIDER: &str = "provider";
pub const SESSION_ID_TOKEN: &str = "id_token";
/// An OpenID Connect flow under way: its state, nonce, PKCE verifier and purpose.
pub const SESSION_OIDC_FLOW: &str = "oidc_flow";
/// A password that proved right for an account with a second factor: (user, epoch, when);
/// the session begins once the code is given too.
pub const SESSION_OTP_PENDING: &str = "otp_pending";
/// The recovery codes of an enrolment just confirmed, for one view of the page.
pub const SESSION_OTP_CODES: &str = "otp_codes";

/// Inactivity extends the session only this often, so reading pages does not write.
pub(super) const SESSION_TOUCH_EVERY: i64 = 10 * 60;

/// Settings the service layer needs (from the server's configuration).
#[derive(Clone, Debug)]
pub struct Settings {
    /// How many days ahead of today a planned shift may be entered.
    pub row_horizon_days: i64,
    /// `scheme://host` of the installation, for links handed over (invitations).
    pub public_url: Option<String>,
    /// Sends e-mail when SMTP is configured (off by default).
    pub mailer: Option<Arc<dyn Mailer>>,
    /// The installation's public key (hex) that signs month archives.
    pub archive_public_key: String,
    /// Public keys (hex) that signed archives before a key rotation, still trusted.
    pub retired_public_keys: Vec<String>,
    /// Every cookie BITA sets, with the installation's `Secure` setting.
    pub cookies: Cookies,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            row_horizon_days: 7,
            public_url: None,
            mailer: None,
            archive_public_key: String::new(),
            retired_public_keys: vec![],
            cookies: Cookies::default(),
        }
    }
}

/// Every cookie BITA sets is made here, with one `Secure` setting (`BITA_SECURE_COOKIES`; the
/// session cookie is tower-sessions' with the same setting), so none is left without it
/// under https.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cookies {
    pub secure: bool,
}

impl Cookies {
    /// `Set-Cookie`'s value: HttpOnly unless `script` (none is read by scripts today),
    /// SameSite=Strict unless `lax`; `max_age` None: until the browser closes; Some(0): removed.
    fn make(
        self,
        name: &'static str,
        value: String,
        path: &'static str,
        max_age: Option<i64>,
        lax: bool,
    ) -> String {
        use tower_sessions::cookie::{Cookie, SameSite, time::Duration};
        let mut c = Cookie::build((name, value))
            .path(path)
            .http_only(true)
            .secure(self.secure)
            .same_site(if lax { SameSite::Lax } else { SameSite::Strict });
        if let Some(seconds) = max_age {
            c = c.max_age(Duration::seconds(seconds));
        }
        c.build().to_string()
    }

    /// The login form's CSRF token (double submit: the form's field must equal it).
    pub fn login_csrf(self, token: &str) -> String {
        self.make(LOGIN_CSRF_COOKIE, token.to_string(), "/", None, false)
    }

    /// A refused login's message and the typed username, for the next view of the login page.
    pub fn login_message(self, error: T, username: &str) -> String {
        let code = LOGIN_MESSAGES.iter().position(|t| *t == error).unwrap_or(0).to_string();
        let username: String = username.chars().take(MAX_USERNAME).collect();
        let value = serde_urlencoded::to_string([("e", code.as_str()), ("u", username.as_str())])
            .unwrap_or_default();
        self.make(LOGIN_MSG_COOKIE, value, "/logga-in", Some(120), false)
    }

    /// A refused password choice's message, for the invitation page's next view.
    pub fn invite_message(self, error: T) -> String {
        let code = INVITE_MESSAGES.iter().position(|t| *t == error).unwrap_or(0);
        self.make(INVITE_MSG_COOKIE, code.to_string(), "/inbjudan", Some(120), false)
    }

    /// Removes one of the message cookies once its page has shown it.
    pub fn removed(self, name: &'static str, path: &'static str) -> String {
        self.make(name, String::new(), path, Some(0), false)
    }

    /// The language chosen (kept a year; Lax, so a link from elsewhere opens in it).
    pub fn language(self, l: Locale) -> String {
        self.make(crate::i18n::LANG_COOKIE, l.code().to_string(), "/", Some(365 * 24 * 3600), true)
    }
}

/// An e-mail to send: one recipient, plain text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// The way out for e-mail, implemented by the server with SMTP. `send` hands the message
/// over and returns at once: a slow or absent mail server never holds up a page (the
/// invitation link is always shown to the administrator too).
pub trait Mailer: Send + Sync + std::fmt::Debug {
    fn send(&self, mail: Mail);
}

/// How long an invitation link is valid.
pub const INVITATION_SECONDS: i64 = 7 * 24 * 3600;

/// Shared server state the api needs; provided as Leptos context and axum state.
#[derive(Clone)]
pub struct ApiState {
    pub repo: Arc<dyn Repo>,
    pub settings: Settings,
}

/// The client's address (from the connection, or a trusted proxy's header), put into the
/// request's extensions by the server's guard.
#[derive(Clone, Debug)]
pub struct ClientAddr(pub String);

/// What one request takes or makes once, shared by every render pass: Leptos may run a page's
/// async block more than once (see [`Cx::take_flash`], [`login_page`]).
#[derive(Clone, Default)]
pub struct RequestFlash(
    pub(super) Arc<tokio::sync::OnceCell<Flash>>,
    pub(super) Arc<tokio::sync::OnceCell<LoginPage>>,
);

/// The context of one request: the store, the session and who is asking. The server resolves
/// it once per request (for a post, from the headers, before its body is read) and hands it
/// to handlers as an extractor.
#[derive(Clone)]
pub struct Cx {
    pub repo: Arc<dyn Repo>,
    pub settings: Settings,
    pub session: Session,
    pub caller: Option<Caller>,
    pub client: Option<String>,
    /// The session's CSRF token (present once logged in).
    pub csrf: Option<String>,
    /// How the person signed in.
    pub sign_in: crate::domain::people::SignIn,
}

/// A fresh UUID (v4), e.g. a 3059's id.
pub fn random_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// The month of [`today`]. The server's clock is inside `ReportMonth::YEARS` on any working
/// machine; a clock past year 9999 would get the last month rather than a panic.
pub fn this_month() -> ReportMonth {
    ReportMonth::of(today()).unwrap_or(ReportMonth::LAST)
}

pub fn now_unix() -> i64 {
    Utc::now().timestamp()
}

/// The success notices that travel in the redirect's address (`?klart=rad-sparad`) instead of
/// the session: saving a row then writes nothing but the row and its audit entry (no second
/// commit for the session; issue 12). Only these codes are read back; anything else in the
/// address is ignored, and an outcome with more to say than its notice (warnings, what was
/// typed) still goes through the session. The assistant's page removes the code from the
/// address once shown (`app/offline/page.js`), so a reload does not say it again.
pub(super) const ADDRESS_NOTICES: &[(&str, T)] =
    &[("rad-sparad", T::RowSaved), ("rad-andrad", T::RowChanged), ("rad-borttagen", T::RowDeleted)];

/// The query parameter that carries such a notice.
pub const NOTICE_PARAM: &str = "klart";

/// Where to send the browser after `outcome`, when all it has to say fits the address: the
/// page with the notice's code. None: the message goes through the session.
pub fn address_with_notice(outcome: &Outcome) -> Option<String> {
    let notice = outcome.flash.notice?;
    if outcome.flash != (Flash { notice: Some(notice), ..Default::default() }) {
        return None;
    }
    let (code, _) = ADDRESS_NOTICES.iter().find(|(_, t)| *t == notice)?;
    let (path, fragment) =
        outcome.to.split_once('#').map_or((outcome.to.as_str(), None), |(p, f)| (p, Some(f)));
    let sep = if path.contains('?') { '&' } else { '?' };
    Some(format!(
        "{path}{sep}{NOTICE_PARAM}={code}{}",
        fragment.map(|f| format!("#{f}")).unwrap_or_default()
    ))
}

/// The notice a page's address carries (see [`address_with_notice`]), if it is one of ours.
pub(super) fn notice_in_address(query: &str) -> Option<T> {
    let code = query.split('&').find_map(|kv| kv.strip_prefix(NOTICE_PARAM)?.strip_prefix('='))?;
    ADDRESS_NOTICES.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// Marks a page that shows a one-time message (see [`Cx::take_flash`]).
pub const ONE_TIME_HEADER: &str = "x-bita-once";

impl Cx {
    /// The context of work a server does on a user's behalf after their request was answered
    /// (the month's export job): the account as it is now, read again (None when it is gone or
    /// deactivated), and a session of no browser that nothing is put in.
    pub async fn on_behalf(
        state: &ApiState,
        session: Session,
        user: i64,
    ) -> Result<Option<Self>, PageError> {
        let caller =
            state.repo.read().await.map_err(internal)?.caller(user).await.map_err(internal)?;
        Ok(caller.map(|c| Self {
            repo: state.repo.clone(),
            settings: state.settings.clone(),
            session,
            caller: Some(c),
            client: None,
            csrf: None,
            sign_in: Default::default(),
        }))
    }

    pub async fn new(
        state: &ApiState,
        session: Session,
        client: Option<String>,
    ) -> Result<Self, PageError> {
        let user: Option<i64> = session.get(SESSION_USER).await.map_err(internal)?;
        let mut caller = match user {
            Some(id) => {
                state.repo.read().await.map_err(internal)?.caller(id).await.map_err(internal)?
            }
            None => None,
        };
        let mut csrf = None;
        let mut sign_in = Default::default();
        if user.is_some() {
            let now = now_unix();
            let login_at: i64 = session.get(SESSION_LOGIN_AT).await.map_err(internal)?.unwrap_or(0);
            let epoch: i64 = session.get(SESSION_EPOCH).await.map_err(internal)?.unwrap_or(0);
            if caller.as_ref().is_none_or(|c| c.session_epoch != epoch)
                || now - login_at > SESSION_MAX_AGE
            {
                // Deactivated, deleted, given a new password or role, or too old: the session
                // ends here.
                session.flush().await.map_err(internal)?;
                caller = None;
            } else {
                let seen: i64 = session.get(SESSION_SEEN).await.map_err(internal)?.unwrap_or(0);
                if now - seen > SESSION_TOUCH_EVERY {
                    session.insert(SESSION_SEEN, now).await.map_err(internal)?;
                }
                sign_in = session.get(SESSION_SIGN_IN).await.map_err(internal)?.unwrap_or_default();
                csrf = session.get::<String>(SESSION_CSRF).await.map_err(internal)?;
                if csrf.is_none() {
                    let t = random_token();
                    session.insert(SESSION_CSRF, &t).await.map_err(internal)?;
                    csrf = Some(t);
                }
            }
        }
        Ok(Self {
            repo: state.repo.clone(),
            settings: state.settings.clone(),
            session,
            caller,
            client,
            csrf,
            sign_in,
        })
    }

    /// The context a request carries: the one the server's gate resolved before the body was
    /// read, or resolved now from the session.
    pub async fn of_parts(
        state: &ApiState,
        parts: &axum::http::request::Parts,
    ) -> Result<Self, PageError> {
        if let Some(cx) = parts.extensions.get::<Cx>() {
            return Ok(cx.clone());
        }
        let session = parts.extensions.get::<Session>().cloned().ok_or(PageError::Internal)?;
        let client = parts.extensions.get::<ClientAddr>().map(|c| c.0.clone());
        Self::new(state, session, client).await
    }

    /// For server functions: the state from Leptos context, the session from the request.
    pub async fn from_request() -> Result<Self, PageError> {
        let state = use_context::<ApiState>().ok_or(PageError::Internal)?;
        let session: Session = leptos_axum::extract().await.map_err(internal)?;
        let client = use_context::<axum::http::request::Parts>()
            .and_then(|p| p.extensions.get::<ClientAddr>().map(|c| c.0.clone()));
        Self::new(&state, session, client).await
    }

    /// The caller, if they have one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&Caller, PageError> {
        match &self.caller {
            None => Err(PageError::LoggedOut),
            Some(c) if roles.contains(&c.role) => Ok(c),
            Some(_) => Err(PageError::Forbidden),
        }
    }

    /// A connection for reads.
    pub async fn db(&self) -> Result<Box<dyn Store>, PageError> {
        self.repo.read().await.map_err(internal)
    }

    /// The message left by the previous form post, taken from the session once per request:
    /// Leptos may run a page's async block more than once while rendering, and every run
    /// must see the same message.
    pub async fn take_flash(&self) -> Flash {
        let take = || async {
            // Removing marks the session changed, and a changed session is written back (a
            // commit): look first, so a page view with no message writes nothing.
            let there = self.session.get_value(SESSION_FLASH).await.map(|v| v.is_some());
            let taken = match there {
                Ok(true) => self.session.remove::<Flash>(SESSION_FLASH).await,
                Ok(false) => Ok(None),
                Err(e) => Err(e),
            };
            match taken {
                Ok(Some(f)) => f,
                // Nothing in the session: perhaps a notice in the address.
                Ok(None) => Flash {
                    notice: use_context::<axum::http::request::Parts>()
                        .and_then(|p| p.uri.query().and_then(notice_in_address)),
                    ..Default::default()
                },
                Err(e) => {
                    tracing::warn!(error = %e, "could not read flash message");
                    Flash::default()
                }
            }
        };
        let flash = match use_context::<RequestFlash>() {
            Some(cell) => cell.0.get_or_init(take).await.clone(),
            None => take().await,
        };
        // A page that says something once ("Tiden är sparad.") is not one for the phone's
        // offline copy to show again later (app/offline/sw.js keeps pages without this header).
        if flash != Flash::default()
            && let Some(r) = use_context::<leptos_axum::ResponseOptions>()
        {
            r.insert_header(
                axum::http::HeaderName::from_static(ONE_TIME_HEADER),
                axum::http::HeaderValue::from_static("1"),
            );
        }
        flash
    }

    /// Forgets a message still waiting in the session (its page was never shown), so it does
    /// not stand in for the notice the next page carries in its address. Writes nothing when
    /// there is none, which is almost always.
    pub async fn forget_flash(&self) {
        if let Ok(Some(_)) = self.session.get_value(SESSION_FLASH).await
            && let Err(e) = self.session.remove_value(SESSION_FLASH).await
        {
            tracing::warn!(error = %e, "could not forget a flash message");
        }
    }

    pub async fn set_flash(&self, flash: Flash) {
        if flash == Flash::default() {
            return;
        }
        if let Err(e) = self.session.insert(SESSION_FLASH, flash).await {
            tracing::warn!(error = %e, "could not store flash message");
        }
    }

    /// An audit entry by the caller, from the caller's address.
    pub fn audit_entry(&self, action: &'static str, subject: String) -> AuditEntry {
        AuditEntry {
            tenant: self.caller.as_ref().map(|c| c.tenant_id),
            user: self.caller.as_ref().map(|c| c.user_id),
            client: self.client.clone(),
            action,
            subject,
            ..Default::default()
        }
    }
}

pub fn internal(e: impl std::fmt::Display) -> PageError {
    tracing::error!(error = %e, "internal error");
    PageError::Internal
}

pub fn me(cx: &Cx, c: &Caller) -> Me {
    Me {
        user: c.user_id,
        name: c.display_name.clone(),
        role: c.role,
        tenant: c.tenant_name.clone(),
        csrf: cx.csrf.clone().unwrap_or_default(),
    }
}

/// Today in Sweden.
pub fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

pub(super) fn row_view(r: &StoredRow) -> RowView {
    let row = &r.row;
    RowView {
        id: r.id,
        recipient_id: r.recipient_id,
        date: row.date().format("%Y-%m-%d").to_string(),
        start: row.start().format("%H:%M").to_string(),
        end: row.end().format("%H:%M").to_string(),
        next_day: row.next_day(),
        kind: row.kind(),
        minutes: row.minutes(),
        dst: row.minutes() != row.clock_minutes(),
        repeated_hour: row.in_repeated_hour(),
        marked: false,
    }
}

/// Joins month records with their rows into views, in a stable order.
pub(super) fn month_views(records: Vec<MonthRecord>, rows: &[StoredRow]) -> Vec<MonthView> {
    let mut by_pair: HashMap<(i64, i64), Vec<&StoredRow>> = HashMap::new();
    for r in rows {
        by_pair.entry((r.assistant_id, r.recipient_id)).or_default().push(r);
    }
    records
        .into_iter()
        .map(|m| {
            let mut rows = by_pair.remove(&(m.assistant_id, m.recipient_id)).unwrap_or_default();
            rows.sort_by_key(|r| r.row.start_at());
            let totals = Totals::of(rows.iter().map(|r| &r.row));
            month_view(m, rows.len(), totals, rows.into_iter().map(row_view).collect())
        })
        .collect()
}

/// A month record as a view: its totals and row count, and the rows as shown (empty where a
/// page lists months without them, as the dashboard does).
pub(super) fn month_view(
    m: MonthRecord,
    row_count: usize,
    totals: Totals,
    rows: Vec<RowView>,
) -> MonthView {
    MonthView {
        key: m.id,
        assistant: Person { id: m.assistant_id, name: m.assistant_name },
        recipient: Person { id: m.recipient_id, name: m.recipient_name },
        status: m.status,
        rejected_reason: m.rejected_reason,
        corrected: false,
        row_count,
        rows,
        payable: format!("{:.2}", totals.payable_hours().round_dp(2)),
        totals,
        amount: None,
        amount_missing: false,
        content_hash: String::new(),
    }
}

/// The login form's CSRF cookie (double submit: the form carries the same value). Login is the
/// one form an anonymous visitor posts, and it must not cost a stored session.
pub const LOGIN_CSRF_COOKIE: &str = "bita_login";

/// A refused login's message and typed username, for the next view of the login page only.
pub const LOGIN_MSG_COOKIE: &str = "bita_login_msg";

/// One cookie's value from a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Is `s` a token as [`random_token`] makes them?
pub fn is_token(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The login messages that travel in [`LOGIN_MSG_COOKIE`] (the last one is good news).
pub(super) const LOGIN_MESSAGES: [T; 14] = [
    T::LoginFailed,
    T::LoginMissing,
    T::LoginThrottled,
    T::FormExpired,
    T::PasswordSet,
    T::EidNoAccount,
    T::EidFailed,
    T::EidProviderDown,
    T::EidWeak,
    T::EidOtherPerson,
    T::EidPasswordNotAllowed,
    T::EidCancelled,
    T::OtpWrongCode,
    T::OtpExpired,
];

/// A refused password choice's message, for the invitation page's next view.
pub const INVITE_MSG_COOKIE: &str = "bita_invite_msg";

pub(super) const INVITE_MESSAGES: [T; 4] =
    [T::InviteInvalid, T::PasswordTooShort, T::PasswordCommon, T::PasswordMismatch];

/// Handlers take the caller's context as an extractor (see [`Cx::of_parts`]).
impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Cx
where
    ApiState: axum::extract::FromRef<S>,
{
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        Cx::of_parts(&<ApiState as axum::extract::FromRef<S>>::from_ref(state), parts)
            .await
            .map_err(|e| e.into_response())
    }
}

/// A page error as the answer to a form post or a download: the login page for someone logged
/// out, otherwise the status that says it. The one place this mapping is made.
impl axum::response::IntoResponse for PageError {
    fn into_response(self) -> axum::response::Response {
        use axum::http::StatusCode;
        match self {
            PageError::LoggedOut => axum::response::Redirect::to("/logga-in").into_response(),
            PageError::Forbidden => StatusCode::FORBIDDEN.into_response(),
            PageError::NotFound => StatusCode::NOT_FOUND.into_response(),
            PageError::Internal => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        }
    }
}

/// A write transaction for a change of one municipality (its write lock: the others' changes
/// go on beside it), or of the installation (`None`: every municipality's changes wait).
pub async fn write(repo: &dyn Repo, tenant: Option<i64>) -> RepoResult<Box<dyn Store>> {
    match tenant {
        Some(t) => repo.write_in(t).await,
        None => repo.write().await,
    }
}

/// Writes one audit entry in a transaction of its own: what changes nothing but is recorded
/// (a download, a refused access, a logout, a wrong confirmation).
pub async fn record(repo: &dyn Repo, entry: AuditEntry) -> RepoResult<()> {
    let mut db = write(repo, entry.tenant).await?;
    db.audit(&entry).await?;
    db.finish().await
}
