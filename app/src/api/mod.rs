//! The only door between browser and server.
//!
//! Reads are Leptos server functions (they render the pages and answer JSON to scripts);
//! changes are plain HTML form posts handled by [`forms`] on the server, so every slice works
//! without JavaScript and nothing typed is lost (post/redirect/get with the typed values kept
//! in the server-side session). Both paths resolve the caller from the session and go through
//! [`service`], which checks tenant, role and relation before touching data.

use crate::domain::{Minutes, MonthStatus, ReportMonth, RowError, RowInput, TimeKind, Totals};
use crate::i18n::T;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod repo;
#[cfg(feature = "ssr")]
pub mod service;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Assistant,
    Recipient,
    /// Guardian, god man or förvaltare: acts for named recipients with their rights.
    Representative,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Assistant => "assistant",
            Role::Recipient => "recipient",
            Role::Representative => "representative",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Role::Admin, Role::Assistant, Role::Recipient, Role::Representative].into_iter().find(|r| r.code() == s)
    }

    /// Where the role lands after login.
    pub fn start_page(self) -> &'static str {
        match self {
            Role::Admin => "/admin",
            Role::Assistant => "/assistent",
            Role::Recipient | Role::Representative => "/brukare",
        }
    }
}

/// A message for the next page view (post/redirect/get), kept in the session.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Flash {
    pub notice: Option<T>,
    pub error: Option<T>,
    /// The add-row form as typed, with what was wrong with it.
    pub row_form: Option<(RowInput, Vec<RowError>)>,
    /// The rejection form: which month, what was typed.
    pub reject_form: Option<(i64, String)>,
    /// The login form's username as typed (never the password).
    pub username: Option<String>,
    /// Warnings and notes of the rules engine on a row that was saved.
    pub findings: Vec<crate::domain::rules::Finding>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowView {
    pub id: i64,
    pub recipient_id: i64,
    pub date: String,
    pub start: String,
    pub end: String,
    pub next_day: bool,
    pub kind: TimeKind,
    pub minutes: Minutes,
    /// The real length differs from the clock difference (a DST change in the shift).
    pub dst: bool,
}

/// One assistant × recipient × month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MonthView {
    /// Key of the stored month report, for forms; None while nothing is stored.
    pub key: Option<i64>,
    pub assistant: Person,
    pub recipient: Person,
    pub status: MonthStatus,
    pub rejected_reason: Option<String>,
    pub rows: Vec<RowView>,
    pub totals: Totals,
    /// Payable hours, rounded to two decimals for presentation.
    pub payable: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub role: Role,
    pub tenant: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssistantPage {
    pub me: Me,
    pub month: ReportMonth,
    pub today: String,
    pub recipients: Vec<Person>,
    /// What the form's live checks need, per recipient.
    pub facts: Vec<crate::domain::rules::RowFacts>,
    pub months: Vec<MonthView>,
    pub flash: Flash,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecipientPage {
    pub me: Me,
    pub month: ReportMonth,
    pub acting_for: Vec<Person>,
    pub months: Vec<MonthView>,
    pub flash: Flash,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminPage {
    pub me: Me,
    pub month: ReportMonth,
    pub days_left: i64,
    pub deadline: String,
    pub months: Vec<MonthView>,
    /// The month's preflight: everything standing between it and an export.
    pub preflight: Vec<crate::domain::rules::Finding>,
    pub ready: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginPage {
    pub error: Option<T>,
    pub username: String,
}

/// Why a page cannot be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageError {
    /// Not logged in: go to the login page.
    LoggedOut,
    /// Logged in as another role.
    Forbidden,
    Internal,
}

impl leptos::server_fn::error::FromServerFnError for PageError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;
    fn from_server_fn_error(_: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        PageError::Internal
    }
}

pub type PageResult<P> = Result<P, PageError>;

#[cfg(feature = "ssr")]
fn month_arg(month: Option<String>) -> Option<ReportMonth> {
    month.as_deref().and_then(ReportMonth::parse)
}

#[server(prefix = "/api", endpoint = "load_assistant_page")]
pub async fn load_assistant_page(month: Option<String>) -> PageResult<AssistantPage> {
    let cx = service::Cx::from_request().await?;
    Ok(service::assistant_page(&cx, month_arg(month)).await?)
}

#[server(prefix = "/api", endpoint = "load_recipient_page")]
pub async fn load_recipient_page(month: Option<String>) -> PageResult<RecipientPage> {
    let cx = service::Cx::from_request().await?;
    Ok(service::recipient_page(&cx, month_arg(month)).await?)
}

#[server(prefix = "/api", endpoint = "load_admin_page")]
pub async fn load_admin_page(month: Option<String>) -> PageResult<AdminPage> {
    let cx = service::Cx::from_request().await?;
    Ok(service::admin_page(&cx, month_arg(month)).await?)
}

#[server(prefix = "/api", endpoint = "load_login_page")]
pub async fn load_login_page() -> PageResult<LoginPage> {
    Ok(service::login_page().await?)
}
