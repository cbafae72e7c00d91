//! The types the browser shares: each page's data as the server functions
//! ([`crate::endpoints`]) answer it, and what a form post leaves for the next page (`Flash`,
//! `Outcome`). Reads are server functions; changes are plain HTML form posts, so every slice
//! works without JavaScript and nothing typed is lost (post/redirect/get with the typed values
//! kept in the server-side session). Both go through [`crate::service`] on the server, which
//! checks tenant, role and relation before touching data.

use crate::domain::register::{
    AssignmentError, AssignmentInput, AssistantInput, DecisionFormError, DecisionInput,
    RecipientInput, RegError,
};
use crate::domain::settings::{
    AbsenceInput, FieldError, IdProviderInput, LssRateInput, ProviderInput, RateInput,
    RepresentativeInput, RulesInput,
};
use crate::domain::{Minutes, MonthStatus, ReportMonth, RowError, RowInput, TimeKind, Totals};
use crate::i18n::T;
use serde::{Deserialize, Serialize};

pub mod api;
pub mod benchmark;
pub mod export;
pub mod review;
pub mod schedule;

/// The roles a user can have (the engine names them; the pages decide where each lands).
pub use crate::domain::people::Role;

/// A message for the next page view (post/redirect/get), kept in the session.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Flash {
    pub notice: Option<T>,
    pub error: Option<T>,
    /// The form as typed, with what was wrong with it (one post leaves at most one).
    pub typed: Option<Typed>,
    /// The login form's username as typed (never the password).
    pub username: Option<String>,
    /// Warnings and notes of the rules engine on a row that was saved.
    pub findings: Vec<crate::domain::rules::Finding>,
    /// How many things a bulk action did (shown with the notice).
    pub count: Option<usize>,
    /// A one-time invitation link to hand over, shown once (never stored under a form's key).
    pub link: Option<String>,
    /// An explicit, audited "show personnummer" for this register entry (`assistant` or
    /// `recipient`, id): the next view of its card shows the number in full, once.
    pub reveal: Option<(String, i64)>,
    /// The e-mail with the invitation was handed to the mail server.
    pub mailed: bool,
    /// Why clocking in, switching or ending a shift was refused (the shift card shows them).
    #[serde(default)]
    pub shift_errors: Vec<RowError>,
    /// Shifts a copy left out: which (date and times) and why.
    #[serde(default)]
    pub skipped: Vec<(String, RowError)>,
    /// Why a planned shift could not be confirmed or planned (the plan's cards show them).
    #[serde(default)]
    pub plan_errors: Vec<RowError>,
}

/// A form as typed, with what was wrong with it, kept for the next page view so nothing typed
/// is lost (the form's page shows it again, marked).
// The variants differ in size (an assistant's form has fifteen fields); a flash is made once
// per refused post and kept in the session as JSON, so boxing them would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Typed {
    /// The add-row form, and which row it was changing (None: adding a new one).
    Row(RowInput, Vec<RowError>, Option<i64>),
    /// The rejection form: which month, the reason typed.
    Reject(i64, String),
    /// The assistant or recipient register form (which one, or new).
    Assistant(Option<i64>, AssistantInput, Vec<RegError>),
    Recipient(Option<i64>, RecipientInput, Vec<RegError>),
    Decision(DecisionInput, Vec<DecisionFormError>),
    Assignment(AssignmentInput, Vec<AssignmentError>),
    Provider(ProviderInput, Vec<FieldError>),
    Rate(RateInput, Vec<FieldError>),
    LssRate(LssRateInput, Vec<FieldError>),
    Rules(RulesInput, Vec<FieldError>),
    Representative(RepresentativeInput, Vec<FieldError>),
    Absence(AbsenceInput, Vec<FieldError>),
    /// An OpenID provider as typed (never its secret).
    IdProvider(IdProviderInput, Vec<FieldError>),
    /// The API token form as typed, with what was wrong.
    Token(api::TokenInput, Vec<T>),
}

/// The typed form of one kind, if the flash holds that kind.
impl Flash {
    pub fn row_form(&self) -> Option<(RowInput, Vec<RowError>)> {
        match &self.typed {
            Some(Typed::Row(i, e, _)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }

    /// Which row the refused add-row form was changing.
    pub fn editing(&self) -> Option<i64> {
        match &self.typed {
            Some(Typed::Row(_, _, id)) => *id,
            _ => None,
        }
    }

    pub fn reject_form(&self) -> Option<(i64, String)> {
        match &self.typed {
            Some(Typed::Reject(month, reason)) => Some((*month, reason.clone())),
            _ => None,
        }
    }

    pub fn assistant_form(&self) -> Option<(Option<i64>, AssistantInput, Vec<RegError>)> {
        match &self.typed {
            Some(Typed::Assistant(id, i, e)) => Some((*id, i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn recipient_form(&self) -> Option<(Option<i64>, RecipientInput, Vec<RegError>)> {
        match &self.typed {
            Some(Typed::Recipient(id, i, e)) => Some((*id, i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn decision_form(&self) -> Option<(DecisionInput, Vec<DecisionFormError>)> {
        match &self.typed {
            Some(Typed::Decision(i, e)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn assignment_form(&self) -> Option<(AssignmentInput, Vec<AssignmentError>)> {
        match &self.typed {
            Some(Typed::Assignment(i, e)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn token_form(&self) -> Option<(api::TokenInput, Vec<T>)> {
        match &self.typed {
            Some(Typed::Token(i, e)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn provider_form(&self) -> Option<(ProviderInput, Vec<FieldError>)> {
        match &self.typed {
            Some(Typed::Provider(i, e)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn rate_form(&self) -> Option<(RateInput, Vec<FieldError>)> {
        match &self.typed {
            Some(Typed::Rate(i, e)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn lss_rate_form(&self) -> Option<(LssRateInput, Vec<FieldError>)> {
        match &self.typed {
            Some(Typed::LssRate(i, e)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn rules_form(&self) -> Option<(RulesInput, Vec<FieldError>)> {
        match &self.typed {
            Some(Typed::Rules(i, e)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn representative_form(&self) -> Option<(RepresentativeInput, Vec<FieldError>)> {
        match &self.typed {
            Some(Typed::Representative(i, e)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }

    pub fn absence_form(&self) -> Option<(AbsenceInput, Vec<FieldError>)> {
        match &self.typed {
            Some(Typed::Absence(i, e)) => Some((i.clone(), e.clone())),
            _ => None,
        }
    }
}

/// Where a form post leads and what the next page says (post/redirect/get). Stored under the
/// form's idempotency key, so a replayed post gets the same answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub to: String,
    pub flash: Flash,
}

/// A fresh random token (128 bits, hex): CSRF tokens, idempotency keys.
#[cfg(feature = "ssr")]
pub fn random_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A fresh idempotency key for a form rendered on the server (empty in the browser, where
/// only islands run and get theirs from the server).
pub fn new_form_key() -> String {
    #[cfg(feature = "ssr")]
    {
        random_token()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
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
    /// Starts or ends in the hour that happens twice the night summer time ends.
    pub repeated_hour: bool,
    /// The recipient marked it as wrong when returning the month.
    #[serde(default)]
    pub marked: bool,
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
    /// The reason is the municipality's (a correction of an attested month), not the recipient's.
    #[serde(default)]
    pub corrected: bool,
    pub rows: Vec<RowView>,
    /// How many rows the month has (also where `rows` is left empty, as on the dashboard).
    pub row_count: usize,
    pub totals: Totals,
    /// Payable hours, rounded to two decimals for presentation.
    pub payable: String,
    /// What the payable hours are worth in kronor (`39 912,00`), where a rate is known; only on
    /// the assistant's own page.
    #[serde(default)]
    pub amount: Option<String>,
    /// The year's standard amount is not entered, so no amount can be shown.
    #[serde(default)]
    pub amount_missing: bool,
    /// The SHA-256 of the rows (`engine::row::content_hash`), on the assistant's own page where
    /// the attestation can be signed with e-legitimation: what the signature must still bind.
    #[serde(default)]
    pub content_hash: String,
}

/// The assistant's running shift as the card shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunningShiftView {
    pub recipient: Person,
    pub kind: TimeKind,
    /// `HH:MM`, with the date before it when it is not today.
    pub started: String,
    /// So far, as `3 h 05 min`.
    pub elapsed: String,
    /// Still running from an earlier day, long enough to look forgotten.
    pub left_running: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    /// The user's id (never shown): the phone's offline queue keeps each row with who saved it.
    pub user: i64,
    pub name: String,
    pub role: Role,
    pub tenant: String,
    /// The session's CSRF token, for every form on the page.
    pub csrf: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssistantPage {
    pub me: Me,
    pub month: ReportMonth,
    pub today: String,
    pub recipients: Vec<Person>,
    /// What the form's live checks need, per recipient.
    pub facts: Vec<crate::domain::rules::RowFacts>,
    /// The municipality's rule settings, so the live checks judge as the server does.
    pub rules: crate::domain::rules::RuleConfig,
    pub months: Vec<MonthView>,
    /// The row being changed and its values as stored (`?andra=`), when it is the caller's own
    /// and its month is a draft.
    pub editing: Option<(i64, RowInput)>,
    pub flash: Flash,
    /// The add-row form's idempotency key.
    pub form_key: String,
    /// The shift clocked in to and not yet ended.
    pub running: Option<RunningShiftView>,
    /// The month's FK deadline and the days left to it (negative: passed; the month is then
    /// read-only).
    pub deadline: String,
    pub days_left: i64,
    /// How the attestation on honour may be given: `password` here is the checkbox alone (not
    /// where the municipality requires e-legitimation), `eid` with e-legitimation.
    #[serde(default)]
    pub signing: crate::model::review::SigningWays,
    /// The planned shifts to confirm (issue 27).
    #[serde(default)]
    pub plan: schedule::AssistantPlan,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminPage {
    pub me: Me,
    pub month: ReportMonth,
    pub days_left: i64,
    pub deadline: String,
    /// One page of the month reports the filter and the search let through (a municipality
    /// may have thousands; `PAGE_SIZE` per page).
    pub months: Vec<MonthView>,
    /// How many month reports the filter and the search let through.
    pub months_total: usize,
    /// The name search (assistant or recipient) that narrows every list on the page.
    pub query: String,
    /// One pair only (`par=assistant-recipient`), where a finding's link leads.
    pub pair: Option<(i64, i64)>,
    pub page: i64,
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    /// The month's preflight: what stands between it and an export. Errors first; at most
    /// `LIST_CAP` of those the search lets through.
    pub preflight: Listed<crate::domain::rules::Finding>,
    /// All of the month's errors and warnings, whatever the search.
    pub errors: usize,
    pub warnings: usize,
    /// V9's findings summed up (months not attested, claims not signed) where there are too
    /// many to list: the table already shows them one by one.
    pub not_ready: Option<(usize, usize)>,
    pub ready: bool,
    /// `alla`, `atgard` (needs action), `fel` (has errors) or `klara` (attested).
    pub filter: String,
    /// The pairs on this page of the table whose rows have an error.
    pub error_pairs: Vec<(i64, i64)>,
    /// Who has not acted on their part of the month yet.
    pub not_acted: Listed<NotActed>,
    /// Whether any month report of the month (on any page) is approved, to attest.
    pub any_approved: bool,
    /// The table filtered to the months that need action, the search kept.
    pub needs_action: String,
    /// Per recipient: payable hours against the decision (those over it first).
    pub grants: Listed<GrantLine>,
    /// Rows in the repeated autumn hour ("assistant – recipient: date start–end").
    pub repeated: Listed<String>,
    pub flash: Flash,
}

/// The first entries of a list too long to show whole, and how many there are in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Listed<T> {
    pub items: Vec<T>,
    pub total: usize,
}

impl<T> Listed<T> {
    /// The first `cap` of `all`.
    pub fn first(all: impl IntoIterator<Item = T>, cap: usize) -> Self {
        let mut total = 0;
        let mut items = Vec::new();
        for x in all {
            if total < cap {
                items.push(x);
            }
            total += 1;
        }
        Self { items, total }
    }

    /// How many are not shown.
    pub fn more(&self) -> usize {
        self.total - self.items.len()
    }
}

/// A recipient's payable hours in the month against what their decisions grant for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GrantLine {
    pub recipient: Person,
    /// Hours, two decimals.
    pub payable: String,
    /// Hours granted for the month (a weekly or period grant prorated); None without a decision.
    pub granted: Option<String>,
    pub over: bool,
    /// Planned (issue 27), reported and granted hours as the schedules draw them.
    #[serde(default)]
    pub bar: Option<schedule::HoursBar>,
}

/// Someone who has not acted on a month yet: an assistant who has not submitted, or a
/// recipient who has not approved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NotActed {
    pub key: Option<i64>,
    pub assistant: i64,
    pub recipient: i64,
    pub who: String,
    pub what: T,
    pub whom: String,
}

/// A representative of a recipient, as the recipient card lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RepresentativeView {
    pub user: i64,
    pub name: String,
    pub capacity: crate::domain::people::Capacity,
    pub personnummer_masked: String,
    pub username: String,
    pub email: String,
    pub active: bool,
    /// Set when the representation has ended (kept as history).
    pub ended_on: Option<String>,
    /// Has chosen a password (an invitation was used).
    pub has_password: bool,
}

/// One assistant in the register's list (the personnummer masked).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssistantListItem {
    pub id: i64,
    pub name: String,
    pub personnummer_masked: String,
    pub regime: String,
    pub phone: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssistantsPage {
    pub me: Me,
    pub query: String,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    /// Links to the previous and next page, with the search kept.
    pub prev: Option<String>,
    pub next: Option<String>,
    pub assistants: Vec<AssistantListItem>,
    pub flash: Flash,
}

/// The assistant form: empty for a new one, else the stored values (the personnummer only
/// masked: it is not retyped unless it changes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssistantFormPage {
    pub me: Me,
    pub id: Option<i64>,
    pub personnummer_masked: Option<String>,
    /// The number in full after an explicit, audited "show".
    pub personnummer_full: Option<String>,
    pub values: crate::domain::register::AssistantInput,
    pub errors: Vec<crate::domain::register::RegError>,
    pub form_key: String,
    /// The assistant's login, if one exists: username and whether it is active.
    pub account: Option<(String, bool)>,
    /// The login has a second factor (the administrator may take it away: a lost phone).
    #[serde(default)]
    pub second_factor: bool,
    pub assignments: Vec<AssignmentView>,
    /// The municipality's recipients, for a new assignment.
    pub recipients: Vec<Person>,
    pub flash: Flash,
}

/// One recipient in the register's list (the personnummer masked).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecipientListItem {
    pub id: i64,
    pub name: String,
    pub personnummer_masked: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecipientsPage {
    pub me: Me,
    pub query: String,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
    pub recipients: Vec<RecipientListItem>,
    pub flash: Flash,
}

/// A decision as the register shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DecisionView {
    pub id: i64,
    pub decision: crate::domain::Decision,
}

/// The recipient form, with the recipient's decisions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecipientFormPage {
    pub me: Me,
    pub id: Option<i64>,
    pub personnummer_masked: Option<String>,
    pub values: crate::domain::register::RecipientInput,
    pub errors: Vec<crate::domain::register::RegError>,
    pub decisions: Vec<DecisionView>,
    pub decision_form: Option<(
        crate::domain::register::DecisionInput,
        Vec<crate::domain::register::DecisionFormError>,
    )>,
    /// The number in full after an explicit, audited "show".
    pub personnummer_full: Option<String>,
    /// The recipient's own login: (username, active).
    pub account: Option<(String, bool)>,
    /// The login has a second factor (the administrator may take it away: a lost phone).
    #[serde(default)]
    pub second_factor: bool,
    pub representatives: Vec<RepresentativeView>,
    pub representative_form:
        (crate::domain::settings::RepresentativeInput, Vec<crate::domain::settings::FieldError>),
    pub absences: Vec<AbsenceView>,
    pub absence_form:
        (crate::domain::settings::AbsenceInput, Vec<crate::domain::settings::FieldError>),
    pub form_key: String,
    pub flash: Flash,
}

/// An absence of a recipient, as the card lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AbsenceView {
    pub id: i64,
    pub absence: crate::domain::rules::Absence,
}

/// The provider page: the municipality as anordnare, the yearly amounts, the rule settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProviderPage {
    pub me: Me,
    pub provider:
        (crate::domain::settings::ProviderInput, Vec<crate::domain::settings::FieldError>),
    /// (year, amount as presented), newest first.
    pub rates: Vec<(i32, String)>,
    pub rate_form: (crate::domain::settings::RateInput, Vec<crate::domain::settings::FieldError>),
    /// The municipality's own LSS hourly amount: as stored, or as typed with what was wrong.
    pub lss_rate: (crate::domain::settings::LssRateInput, Vec<crate::domain::settings::FieldError>),
    pub rules: (crate::domain::settings::RulesInput, Vec<crate::domain::settings::FieldError>),
    pub form_key: String,
    pub flash: Flash,
}

/// One assignment of an assistant to a recipient, as the register shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AssignmentView {
    pub id: i64,
    pub recipient: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub fk_notified_on: Option<String>,
    pub relative: bool,
}

/// The page where an invited person chooses their password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InvitationPage {
    /// The link is open (unused, not expired): its username.
    pub username: Option<String>,
    /// The municipality's identity providers (id, name): the link can be used with one of them
    /// instead of a password.
    pub providers: Vec<(i64, String)>,
    pub code: String,
    pub error: Option<T>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoginPage {
    pub error: Option<T>,
    pub notice: Option<T>,
    pub username: String,
    /// The login form's CSRF token (also in its cookie).
    pub csrf: String,
    /// The municipality's identity providers, or the picker.
    pub choices: LoginChoices,
    /// A signed-in person asked for a stronger sign-in: where they return afterwards.
    pub step_up: Option<String>,
    /// The password proved right and the account has a second factor: the code's form.
    #[serde(default)]
    pub code: bool,
}

/// How one can sign in on the sign-in page.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LoginChoices {
    /// The municipality of the short address (or of the signed-in person).
    pub municipality: Option<String>,
    /// Its identity providers: (id, name).
    pub providers: Vec<(i64, String)>,
    /// The password form is offered.
    pub password: bool,
    /// No municipality chosen: those with a short address, (slug, name).
    pub municipalities: Vec<(String, String)>,
}

/// One OpenID provider as the admin sees it (never its secret).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdProviderView {
    pub id: i64,
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub scopes: String,
    pub pnr_claim: String,
    pub email_claim: String,
    pub strong_acr: String,
}

/// The admin's sign-in settings page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentityPage {
    pub me: Me,
    pub flash: Flash,
    pub form_key: String,
    pub slug: String,
    pub password_login: bool,
    pub strong_for: crate::domain::people::StrongFor,
    pub providers: Vec<IdProviderView>,
    pub typed: IdProviderInput,
    pub errors: Vec<FieldError>,
    /// The address to register at the provider as the redirect URI.
    pub callback: String,
}

/// Why a page cannot be shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PageError {
    /// Not logged in: go to the login page.
    LoggedOut,
    /// Logged in as another role.
    Forbidden,
    /// Nothing of the caller's municipality by that id (another's answers the same).
    NotFound,
    Internal,
}

impl leptos::server_fn::error::FromServerFnError for PageError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;
    fn from_server_fn_error(_: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        PageError::Internal
    }
}

pub type PageResult<P> = Result<P, PageError>;

/// The CSV import: the upload form, or a dry run's report with the button that imports it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportPage {
    pub me: Me,
    pub draft: Option<i64>,
    pub report: Option<crate::domain::import::ImportReport>,
    pub form_key: String,
    pub flash: Flash,
}

/// An account's second factor, as its page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum OtpState {
    Off,
    /// Being enrolled: the QR code (SVG) of the `otpauth://` address and the secret in groups
    /// of four, to type where a camera cannot be used.
    Enrolling {
        qr_svg: String,
        secret: String,
    },
    On {
        codes_left: i64,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OtpPage {
    pub me: Me,
    pub state: OtpState,
    /// The recovery codes, once, right after the enrolment was confirmed.
    pub fresh_codes: Vec<String>,
    pub flash: Flash,
    pub form_key: String,
}
