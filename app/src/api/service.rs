//! What each role may do, checked on the server for every call: tenant, role and relation
//! come from the session and the database, never from ids the browser sends.

use super::*;
use crate::domain::rules::{MonthInput, MonthState, Preflight, RowRecord, Severity, preflight};
use crate::domain::{MonthStatus, ReportMonth, TZ, Totals};
use crate::i18n::{Label, Locale, T};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use store::{AssistantMonth, AuditEntry, Caller, MonthRecord, Repo, RepoResult, Store, StoredRow};
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
/// Inactivity extends the session only this often, so reading pages does not write.
const SESSION_TOUCH_EVERY: i64 = 10 * 60;

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
pub struct RequestFlash(Arc<tokio::sync::OnceCell<Flash>>, Arc<tokio::sync::OnceCell<LoginPage>>);

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
}

/// A fresh random token (128 bits, hex): CSRF tokens, idempotency keys.
pub fn random_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
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
const ADDRESS_NOTICES: &[(&str, T)] =
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
fn notice_in_address(query: &str) -> Option<T> {
    let code = query.split('&').find_map(|kv| kv.strip_prefix(NOTICE_PARAM)?.strip_prefix('='))?;
    ADDRESS_NOTICES.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)
}

/// Marks a page that shows a one-time message (see [`Cx::take_flash`]).
pub const ONE_TIME_HEADER: &str = "x-bita-once";

impl Cx {
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
    month_views_with(records, rows, true)
}

/// The months with their totals; with `detail` also each row as shown (the dashboard does not
/// need them, and for 1,000 recipients they cost).
fn month_views_with(records: Vec<MonthRecord>, rows: &[StoredRow], detail: bool) -> Vec<MonthView> {
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
            MonthView {
                key: m.id,
                assistant: Person { id: m.assistant_id, name: m.assistant_name },
                recipient: Person { id: m.recipient_id, name: m.recipient_name },
                status: m.status,
                rejected_reason: m.rejected_reason,
                corrected: false,
                row_count: rows.len(),
                rows: if detail { rows.into_iter().map(row_view).collect() } else { vec![] },
                payable: format!("{:.2}", totals.payable_hours().round_dp(2)),
                totals,
                amount: None,
                amount_missing: false,
            }
        })
        .collect()
}

/// The login form's CSRF cookie (double submit: the form carries the same value). Login is the
/// one form an anonymous visitor posts, and it must not cost a stored session.
pub const LOGIN_CSRF_COOKIE: &str = "bita_login";
/// A refused login's message and typed username, for the next view of the login page only.
pub const LOGIN_MSG_COOKIE: &str = "bita_login_msg";
/// The longest username BITA accepts (the engine's one rule for usernames).
pub use crate::domain::settings::MAX_USERNAME;

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
const LOGIN_MESSAGES: [T; 5] =
    [T::LoginFailed, T::LoginMissing, T::LoginThrottled, T::FormExpired, T::PasswordSet];
/// A refused password choice's message, for the invitation page's next view.
pub const INVITE_MSG_COOKIE: &str = "bita_invite_msg";
const INVITE_MESSAGES: [T; 4] =
    [T::InviteInvalid, T::PasswordTooShort, T::PasswordCommon, T::PasswordMismatch];

/// The invitation page: whether the link is open, and the message of a refused choice.
pub async fn invitation_page(code: &str) -> Result<InvitationPage, PageError> {
    let state = use_context::<ApiState>().ok_or(PageError::Internal)?;
    let parts = use_context::<axum::http::request::Parts>();
    let header = parts
        .as_ref()
        .and_then(|p| p.headers.get(axum::http::header::COOKIE))
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let error = cookie_value(&header, INVITE_MSG_COOKIE)
        .and_then(|v| v.parse::<usize>().ok())
        .and_then(|i| INVITE_MESSAGES.get(i).copied());
    if error.is_some()
        && let (Some(r), Ok(v)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            axum::http::HeaderValue::from_str(
                &state.settings.cookies.removed(INVITE_MSG_COOKIE, "/inbjudan"),
            ),
        )
    {
        r.append_header(axum::http::header::SET_COOKIE, v);
    }
    let username = if is_token(code) {
        let sha = crate::domain::fk::sha256_hex(code.as_bytes());
        state
            .repo
            .read()
            .await
            .map_err(internal)?
            .open_invitation(&sha, now_unix())
            .await
            .map_err(internal)?
            .map(|(_, _, _, u)| u)
    } else {
        None
    };
    Ok(InvitationPage {
        username,
        code: if is_token(code) { code.to_string() } else { String::new() },
        error,
    })
}

/// The login page's data: its CSRF token (a new cookie when there is none) and the message of
/// a refused login (its cookie cleared). Made once per request.
pub async fn login_page() -> Result<LoginPage, PageError> {
    match use_context::<RequestFlash>() {
        Some(cell) => Ok(cell.1.get_or_init(make_login_page).await.clone()),
        None => Ok(make_login_page().await),
    }
}

async fn make_login_page() -> LoginPage {
    let cookies = use_context::<ApiState>().map(|s| s.settings.cookies).unwrap_or_default();
    let header = use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            p.headers
                .get(axum::http::header::COOKIE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .unwrap_or_default();
    let response = use_context::<leptos_axum::ResponseOptions>();
    let set_cookie = |v: String| {
        if let (Some(r), Ok(v)) = (&response, axum::http::HeaderValue::from_str(&v)) {
            r.append_header(axum::http::header::SET_COOKIE, v);
        }
    };
    let csrf = match cookie_value(&header, LOGIN_CSRF_COOKIE).filter(|t| is_token(t)) {
        Some(t) => t.to_string(),
        None => {
            let t = random_token();
            set_cookie(cookies.login_csrf(&t));
            t
        }
    };
    let (mut error, mut notice, mut username) = (None, None, String::new());
    if let Some(v) = cookie_value(&header, LOGIN_MSG_COOKIE) {
        let fields: Vec<(String, String)> = serde_urlencoded::from_str(v).unwrap_or_default();
        for (k, v) in fields {
            match k.as_str() {
                "e" => match v.parse::<usize>().ok().and_then(|i| LOGIN_MESSAGES.get(i).copied()) {
                    Some(T::PasswordSet) => notice = Some(T::PasswordSet),
                    other => error = other,
                },
                "u" => username = v.chars().take(MAX_USERNAME).collect(),
                _ => {}
            }
        }
        set_cookie(cookies.removed(LOGIN_MSG_COOKIE, "/logga-in"));
    }
    LoginPage { error, notice, username, csrf }
}

pub async fn assistant_page(
    cx: &Cx,
    month: Option<ReportMonth>,
    edit: Option<&str>,
) -> Result<AssistantPage, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let month = month.unwrap_or_else(this_month);
    let mut db = cx.db().await?;
    // Everything the page shows, read together; the recipients' decisions and absences for
    // the row form's facts and what each month is worth.
    let AssistantMonth { recipients, rows, records, people, terms, running } =
        db.assistant_month(c.tenant_id, assistant, month).await.map_err(internal)?;
    // The recipient's absences (hospital stays are health data) stay on the server: V8 is
    // checked there when the row is saved.
    // A row to change: only the caller's own (looked up by their own id), in a draft month.
    let mut editing = None;
    if let Some(id) = edit.and_then(|e| e.trim().parse::<i64>().ok())
        && let Some(r) = db.assistant_row(c.tenant_id, assistant, id).await.map_err(internal)?
    {
        let status = db
            .month_status(c.tenant_id, assistant, r.recipient_id, r.row.month())
            .await
            .map_err(internal)?;
        if status.is_none_or(|(_, s)| s.editable()) {
            editing = Some((id, RowInput::of(&r.row, r.recipient_id)));
        }
    }
    let facts = people
        .row_facts(assistant, None)
        .into_iter()
        .map(|mut f| {
            f.absences.clear();
            f
        })
        .collect();
    let mut months = mark_returned_rows(&mut db, c.tenant_id, month_views(records, &rows)).await?;
    // What each month is worth, where a rate is known.
    for m in months.iter_mut().filter(|m| m.row_count > 0) {
        use crate::domain::rates::{AmountGap, month_hourly, present_kr};
        match month_hourly(&people.decisions, m.recipient.id, month, &terms.rates, terms.lss_rate) {
            Ok(rate) => m.amount = Some(present_kr(rate * m.totals.payable_hours())),
            // Said where the amount would be: the year's standard amount is not entered.
            Err(AmountGap::NoStandard(_)) => m.amount_missing = true,
            Err(_) => {}
        }
    }
    let now = Utc::now();
    let running = running.map(|s| {
        let started = s.started_at.with_timezone(&TZ);
        let elapsed = (now - s.started_at).num_minutes().max(0);
        RunningShiftView {
            recipient: Person { id: s.recipient_id, name: s.recipient_name },
            kind: s.kind,
            started: if started.date_naive() == today() {
                started.format("%H:%M").to_string()
            } else {
                started.format("%Y-%m-%d %H:%M").to_string()
            },
            elapsed: crate::domain::Minutes(elapsed).to_string(),
            left_running: crate::domain::clock::left_running(s.started_at, now),
        }
    });
    Ok(AssistantPage {
        running,
        deadline: month.fk_deadline().to_string(),
        days_left: (month.fk_deadline() - today()).num_days(),
        me: me(cx, c),
        month,
        today: today().format("%Y-%m-%d").to_string(),
        recipients: recipients.into_iter().map(|(id, name)| Person { id, name }).collect(),
        facts,
        rules: terms.rules,
        months,
        editing,
        flash: cx.take_flash().await,
        form_key: random_token(),
    })
}

/// In a month the recipient returned, the rows they marked as wrong.
async fn mark_returned_rows(
    db: &mut Box<dyn Store>,
    tenant: i64,
    mut months: Vec<MonthView>,
) -> Result<Vec<MonthView>, PageError> {
    for m in
        months.iter_mut().filter(|m| m.status == MonthStatus::Draft && m.rejected_reason.is_some())
    {
        let Some(id) = m.key else { continue };
        let history = db.month_history(tenant, id).await.map_err(internal)?;
        // Who sent it back: the recipient (a return) or the municipality (a correction).
        m.corrected = history
            .iter()
            .rev()
            .find(|e| matches!(e.action.as_str(), "reject" | "return" | "correct"))
            .is_some_and(|e| e.action == "correct");
        let marked: Vec<i64> = history
            .iter()
            .rev()
            .find_map(|e| e.snapshot.as_deref())
            .and_then(|s| serde_json::from_str::<Vec<super::review::SnapshotRow>>(s).ok())
            .map(|rows| rows.into_iter().filter(|r| r.marked).map(|r| r.row.id).collect())
            .unwrap_or_default();
        for r in m.rows.iter_mut() {
            r.marked = marked.contains(&r.id);
        }
    }
    Ok(months)
}

/// The pairs (assistant, recipient) whose rows an error-level finding (V9 aside) concerns.
fn pairs_with_errors(
    findings: &[crate::domain::rules::Finding],
    rows: &[StoredRow],
) -> Vec<(i64, i64)> {
    let row_pair: HashMap<i64, (i64, i64)> =
        rows.iter().map(|r| (r.id, (r.assistant_id, r.recipient_id))).collect();
    let mut out: Vec<(i64, i64)> = findings
        .iter()
        .filter(|f| {
            f.severity == crate::domain::rules::Severity::Error
                && f.rule != crate::domain::rules::RuleId::V9
        })
        .flat_map(|f| f.rows.iter().filter_map(|id| row_pair.get(id).copied()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// How much of each long list the month dashboard shows before it says "and N more": the
/// findings, who has not acted, the recipients' hours against their decisions, the rows in
/// the repeated hour. The search (`q`) narrows them all; the table itself is paged.
pub const DASHBOARD_FINDINGS: usize = 50;
pub const DASHBOARD_LIST: usize = 10;
pub const DASHBOARD_GRANTS: usize = 20;

/// What part of the month dashboard to show: the table's filter (`alla`, `atgard`: needs
/// action, `fel`: has errors, `klara`: attested), a name search, the table's page, one pair.
#[derive(Clone, Copy, Debug, Default)]
pub struct AdminView<'a> {
    pub filter: &'a str,
    pub query: &'a str,
    pub page: i64,
    pub pair: Option<(i64, i64)>,
}

/// The month dashboard: every assistant × recipient with its status (paged), the month's
/// preflight, the days to FK's deadline, who has not acted yet, hours against the decisions.
/// Built for a municipality with thousands of pairs: the checks run on the whole month, the
/// page shows a page of the table and the first entries of each list, all narrowed by the
/// search.
pub async fn admin_page(
    cx: &Cx,
    month: Option<ReportMonth>,
    view: AdminView<'_>,
) -> Result<AdminPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let month = month.unwrap_or_else(|| this_month().previous());
    let mut db = cx.db().await?;
    let MonthCheck { rows, months, people, preflight } = month_check(&mut db, c, month).await?;
    let ready = preflight.ready();

    // The search: part of the assistant's or the recipient's name, any case.
    let query: String = view.query.chars().take(100).collect();
    let needle = query.to_lowercase();
    let named = |name: &str| name.to_lowercase().contains(&needle);
    let pair_shown = |a: i64, r: i64| {
        view.pair.is_none_or(|p| p == (a, r))
            && (needle.is_empty()
                || people.assistants.get(&a).is_some_and(|x| named(&x.name()))
                || people.recipients.get(&r).is_some_and(|x| named(&x.name())))
    };
    let month_shown = |m: &MonthView| pair_shown(m.assistant.id, m.recipient.id);

    // Rows in the repeated autumn hour: FK's own sum of such a 3059 can differ from the 3057.
    let names: HashMap<(i64, i64), (&str, &str)> = months
        .iter()
        .map(|m| {
            (
                (m.assistant.id, m.recipient.id),
                (m.assistant.name.as_str(), m.recipient.name.as_str()),
            )
        })
        .collect();
    let repeated = Listed::first(
        rows.iter()
            .filter(|r| r.row.in_repeated_hour() && pair_shown(r.assistant_id, r.recipient_id))
            .map(|r| {
                let (a, b) =
                    names.get(&(r.assistant_id, r.recipient_id)).copied().unwrap_or_default();
                let v = row_view(r);
                format!("{a} – {b}: {} {}–{}", v.date, v.start, v.end)
            }),
        DASHBOARD_LIST,
    );
    // Payable hours per recipient (all their assistants) against what their decisions grant
    // for the month, for the recipients in the search; those over their decision first.
    let mut payable: std::collections::BTreeMap<(String, i64), rust_decimal::Decimal> =
        Default::default();
    for m in &months {
        *payable.entry((m.recipient.name.clone(), m.recipient.id)).or_default() +=
            m.totals.payable_hours();
    }
    let in_search: std::collections::HashSet<i64> =
        months.iter().filter(|m| month_shown(m)).map(|m| m.recipient.id).collect();
    let mut grants: Vec<GrantLine> = payable
        .into_iter()
        .filter(|((_, id), _)| in_search.contains(id))
        .map(|((name, id), hours)| {
            let decisions: Vec<&crate::domain::Decision> =
                people.decisions.iter().filter(|d| d.recipient == id).collect();
            let granted = (!decisions.is_empty()).then(|| {
                decisions
                    .iter()
                    .map(|d| d.granted_between(month.first_day(), month.last_day()).0)
                    .sum::<i64>()
            });
            let granted_hours =
                granted.map(|g| rust_decimal::Decimal::new(g, 0) / rust_decimal::Decimal::from(60));
            GrantLine {
                recipient: Person { id, name },
                payable: format!("{:.2}", hours.round_dp(2)),
                granted: granted_hours.map(|g| format!("{:.2}", g.round_dp(2))),
                over: granted_hours.is_some_and(|g| hours > g),
            }
        })
        .collect();
    grants.sort_by_key(|g| !g.over);
    let grants = Listed::first(grants, DASHBOARD_GRANTS);

    let errors = pairs_with_errors(&preflight.findings, &rows);
    let has_errors =
        |m: &MonthView| errors.binary_search(&(m.assistant.id, m.recipient.id)).is_ok();
    let needs_action = |m: &MonthView| {
        matches!(m.status, MonthStatus::Submitted | MonthStatus::Approved)
            || (m.status == MonthStatus::Draft && m.row_count > 0)
    };
    let not_acted = Listed::first(
        months.iter().filter(|m| month_shown(m)).filter_map(|m| match m.status {
            MonthStatus::Draft if m.row_count > 0 => Some(NotActed {
                key: m.key,
                assistant: m.assistant.id,
                recipient: m.recipient.id,
                who: m.assistant.name.clone(),
                what: T::NotSubmittedFor,
                whom: m.recipient.name.clone(),
            }),
            MonthStatus::Submitted => Some(NotActed {
                key: m.key,
                assistant: m.assistant.id,
                recipient: m.recipient.id,
                who: m.recipient.name.clone(),
                what: T::NotApprovedFrom,
                whom: m.assistant.name.clone(),
            }),
            _ => None,
        }),
        DASHBOARD_LIST,
    );

    // The findings: all counted, errors listed first. V9 says per month and per räkning what
    // the table already shows; with many recipients it is summed up instead of listed. A
    // finding about the whole month (no assistant, no recipient) shows whatever the search.
    let count = |s: Severity| preflight.findings.iter().filter(|f| f.severity == s).count();
    let (error_count, warning_count) = (count(Severity::Error), count(Severity::Warning));
    let (v9, mut findings): (Vec<_>, Vec<_>) =
        preflight.findings.into_iter().partition(|f| f.rule == crate::domain::rules::RuleId::V9);
    let not_ready = if v9.len() > DASHBOARD_LIST {
        let months = v9
            .iter()
            .filter(|f| matches!(f.what, crate::domain::rules::What::MonthNotReady { .. }))
            .count();
        Some((months, v9.len() - months))
    } else {
        findings.extend(v9);
        None
    };
    findings.sort_by_key(|f| f.severity != Severity::Error);
    let finding_shown = |f: &crate::domain::rules::Finding| match (f.assistant, f.recipient) {
        (None, None) => true,
        (Some(a), Some(r)) => pair_shown(a, r),
        (a, r) => {
            view.pair.is_none_or(|(pa, pr)| a.is_none_or(|a| a == pa) && r.is_none_or(|r| r == pr))
                && (needle.is_empty()
                    || a.and_then(|a| people.assistants.get(&a)).is_some_and(|x| named(&x.name()))
                    || r.and_then(|r| people.recipients.get(&r)).is_some_and(|x| named(&x.name())))
        }
    };
    let findings =
        Listed::first(findings.into_iter().filter(|f| finding_shown(f)), DASHBOARD_FINDINGS);

    // The table: the filter, the search, one page.
    let filter = match view.filter {
        "atgard" | "fel" | "klara" => view.filter,
        _ => "alla",
    };
    let any_approved = months.iter().any(|m| m.status == MonthStatus::Approved);
    let shown: Vec<MonthView> = months
        .into_iter()
        .filter(|m| month_shown(m))
        .filter(|m| match filter {
            "atgard" => needs_action(m),
            "fel" => has_errors(m),
            "klara" => matches!(m.status, MonthStatus::Attested | MonthStatus::Exported),
            _ => true,
        })
        .collect();
    let mut base = format!("/admin?manad={month}&visa={filter}");
    if let Some((a, r)) = view.pair {
        base.push_str(&format!("&par={a}-{r}"));
    }
    let total = shown.len();
    let p = super::paging::paging(&base, &query, view.page, total as i64);
    let months: Vec<MonthView> =
        shown.into_iter().skip(p.offset as usize).take(super::paging::PAGE_SIZE as usize).collect();
    let error_pairs =
        months.iter().filter(|m| has_errors(m)).map(|m| (m.assistant.id, m.recipient.id)).collect();
    Ok(AdminPage {
        me: me(cx, c),
        month,
        days_left: (month.fk_deadline() - today()).num_days(),
        deadline: month.fk_deadline().format("%Y-%m-%d").to_string(),
        ready,
        preflight: findings,
        errors: error_count,
        warnings: warning_count,
        not_ready,
        months,
        months_total: total,
        query: p.query.clone(),
        pair: view.pair,
        page: p.page,
        pages: p.pages,
        prev: p.prev,
        next: p.next,
        filter: filter.to_string(),
        error_pairs,
        not_acted,
        any_approved,
        needs_action: format!(
            "/admin?manad={month}&visa=atgard&q={}",
            super::paging::urlencode(&query)
        ),
        grants,
        repeated,
        flash: cx.take_flash().await,
    })
}

/// The assistant × recipient pairs whose month has an error-level finding (V9 aside, which
/// attestation itself answers): those are not attested in bulk.
pub async fn months_with_errors(
    cx: &Cx,
    c: &Caller,
    month: ReportMonth,
) -> Result<Vec<(i64, i64)>, PageError> {
    let check = month_check(&mut cx.db().await?, c, month).await?;
    Ok(pairs_with_errors(&check.preflight.findings, &check.rows))
}

/// The month's preflight findings (rules V1–V10), for the export page and the export itself.
pub async fn month_preflight_for(
    cx: &Cx,
    c: &Caller,
    month: ReportMonth,
) -> Result<Vec<crate::domain::rules::Finding>, PageError> {
    Ok(month_check(&mut cx.db().await?, c, month).await?.preflight.findings)
}

/// A month as its checks see it: its rows, its reports (without row views), the municipality's
/// people and everything standing between the month and an export (rules V1–V10).
struct MonthCheck {
    rows: Vec<StoredRow>,
    months: Vec<MonthView>,
    people: store::People,
    preflight: Preflight,
}

/// Reads the rows the checks need once (the month's are among them; a municipality's month
/// can be 150,000 rows) and runs the checks.
async fn month_check(
    db: &mut Box<dyn Store>,
    c: &Caller,
    month: ReportMonth,
) -> Result<MonthCheck, PageError> {
    let around = preflight_rows(db, c, month).await?;
    let rows: Vec<StoredRow> =
        around.iter().filter(|r| month.contains(r.row.date())).cloned().collect();
    let records = db.month_records(c.tenant_id, month, None, None).await.map_err(internal)?;
    let months = month_views_with(records, &rows, false);
    let people = db.people(c.tenant_id).await.map_err(internal)?;
    let preflight = month_preflight_of(db, c, month, &months, &people, around).await?;
    Ok(MonthCheck { rows, months, people, preflight })
}

/// The rows the month's checks need: six months back covers the longest span hours are
/// granted over (V6) and the longest calculation period (V5); a week ahead the rest rules.
async fn preflight_rows(
    db: &mut Box<dyn Store>,
    c: &Caller,
    month: ReportMonth,
) -> Result<Vec<StoredRow>, PageError> {
    let from =
        month.first_day().checked_sub_months(chrono::Months::new(6)).unwrap_or(month.first_day());
    let to = month.last_day() + chrono::Duration::days(7);
    db.rows_between(c.tenant_id, from, to).await.map_err(internal)
}

async fn month_preflight_of(
    db: &mut Box<dyn Store>,
    c: &Caller,
    month: ReportMonth,
    months: &[MonthView],
    people: &store::People,
    around: Vec<StoredRow>,
) -> Result<Preflight, PageError> {
    let rows: Vec<RowRecord> = around
        .into_iter()
        .map(|s| RowRecord {
            id: s.id,
            assistant: s.assistant_id,
            recipient: s.recipient_id,
            row: s.row,
        })
        .collect();
    let states: Vec<MonthState> = months
        .iter()
        .filter(|m| m.row_count > 0 || m.status != MonthStatus::Draft)
        .map(|m| MonthState {
            assistant: m.assistant.id,
            recipient: m.recipient.id,
            status: m.status,
        })
        .collect();
    let terms = db.terms(c.tenant_id).await.map_err(internal)?;
    let signed = db.signed_claims(c.tenant_id, &month.to_string()).await.map_err(internal)?;
    Ok(preflight(&MonthInput {
        month,
        today: today(),
        rows: &rows,
        assistants: &people.assistants,
        recipients: &people.recipients,
        decisions: &people.decisions,
        absences: &people.absences,
        states: &states,
        rakning_complete: Some(&signed),
        config: &terms.rules,
        rates: Some(&terms.rates),
    }))
}

/// The month's rows as CSV (semicolon-separated, as Swedish spreadsheets expect), for the
/// admin's own municipality only. Every row says whether its month is approved and attested;
/// `final_export` refuses (listing what is missing) unless every month is. No personnummer:
/// payroll exports come in a later issue.
pub async fn month_csv(
    cx: &Cx,
    month: ReportMonth,
    locale: Locale,
    final_export: bool,
) -> Result<Result<String, Vec<String>>, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = cx.db().await?;
    let rows = db.month_rows(c.tenant_id, month, None).await.map_err(internal)?;
    let records = db.month_records(c.tenant_id, month, None, None).await.map_err(internal)?;
    let months: Vec<MonthView> = month_views(records, &rows)
        .into_iter()
        .filter(|m| m.row_count > 0 || m.status != MonthStatus::Draft)
        .collect();
    let done = |s: MonthStatus| matches!(s, MonthStatus::Attested | MonthStatus::Exported);
    if final_export {
        let missing: Vec<String> = months
            .iter()
            .filter(|m| !done(m.status))
            .map(|m| {
                format!("{} – {}: {}", m.assistant.name, m.recipient.name, m.status.label(locale))
            })
            .collect();
        if !missing.is_empty() {
            return Ok(Err(missing));
        }
    }
    let (yes, no) = if locale == Locale::Sv { ("ja", "nej") } else { ("yes", "no") };
    let mut out = String::from(locale.t(T::CsvHeader));
    out.push('\n');
    for m in &months {
        for r in &m.rows {
            let fields = [
                c.tenant_name.as_str(),
                &m.recipient.name,
                &m.assistant.name,
                &r.date,
                &r.start,
                &r.end,
                if r.next_day { "1" } else { "0" },
                r.kind.code(),
                &r.minutes.0.to_string(),
                m.status.code(),
                if done(m.status) { yes } else { no },
            ];
            out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(";"));
            out.push('\n');
        }
    }
    drop(db);
    let action = if final_export { "export.csv.final" } else { "export.csv.preliminary" };
    record(&*cx.repo, cx.audit_entry(action, month.to_string())).await.map_err(internal)?;
    Ok(Ok(out))
}

/// A month's frozen 3059, for the admin of its own municipality (404 for anyone else's):
/// exactly the stored bytes. The download is in the audit log.
pub async fn frozen_3059(
    cx: &Cx,
    month_id: i64,
) -> Result<Option<(ReportMonth, crate::domain::fk::Frozen3059)>, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = cx.db().await?;
    let Some((_, month)) = db.month_record_by_id(c.tenant_id, month_id).await.map_err(internal)?
    else {
        return Ok(None);
    };
    let Some(frozen) = db.frozen(c.tenant_id, month_id).await.map_err(internal)? else {
        return Ok(None);
    };
    drop(db);
    let entry = AuditEntry {
        after: Some(format!(
            "{{\"report_id\":\"{}\",\"sha256\":\"{}\"}}",
            frozen.id, frozen.sha256
        )),
        ..cx.audit_entry("export.3059", format!("month {month_id}"))
    };
    record(&*cx.repo, entry).await.map_err(internal)?;
    Ok(Some((month, frozen)))
}

/// Quotes a CSV field when needed and defuses spreadsheet formulas.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([';', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

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

/// Writes one audit entry in a transaction of its own: what changes nothing but is recorded
/// (a download, a refused access, a logout, a wrong confirmation).
pub async fn record(repo: &dyn Repo, entry: AuditEntry) -> RepoResult<()> {
    let mut db = repo.write().await?;
    db.audit(&entry).await?;
    db.finish().await
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Anna"), "Anna");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
    }
}
