//! What the recipient (or a representative) sees and signs, and the audit log page: the page
//! types shared by server and browser (their server functions are in [`super::endpoints`], the
//! service in `super::signing`).

use super::{Flash, Me, MonthView, Person, RowView};
use crate::domain::documents::{SignatureView, SignerCapacity};
use crate::domain::rules::Finding;
use crate::domain::{MonthStatus, ReportMonth, Totals};
use crate::i18n::T;
use serde::{Deserialize, Serialize};

/// One step in a month's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryLine {
    pub at: String,
    pub who: String,
    pub what: T,
    pub reason: Option<String>,
}

/// A row that changed since the version the recipient returned.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum RowChange {
    Added(RowView),
    Removed(RowView),
    Changed { before: RowView, after: RowView },
}

/// A row as the recipient saw it when returning the month, and whether they marked it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRow {
    pub row: RowView,
    pub marked: bool,
}

/// One month of the recipient on the start page: each assistant's status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartMonth {
    pub month: ReportMonth,
    pub needs_action: bool,
    pub assistants: Vec<StartLine>,
    /// The räkning: ready to sign (every month attested), signed, or not yet.
    pub claim: ClaimState,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartLine {
    pub key: Option<i64>,
    pub assistant: String,
    pub status: MonthStatus,
    pub row_count: usize,
    /// Waiting for this person's approval.
    pub needs_action: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimState {
    /// Some assistant's month is not attested yet.
    NotReady,
    ReadyToSign,
    Signed,
}

/// The recipient's start page: whose months, the switch between those they act for, the
/// months needing action first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartPage {
    pub me: Me,
    pub person: Person,
    /// Everyone the caller acts for (one for a recipient).
    pub people: Vec<Person>,
    pub months: Vec<StartMonth>,
    pub flash: Flash,
}

/// Review of one assistant's month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewPage {
    pub me: Me,
    pub person: Person,
    pub month: ReportMonth,
    pub view: MonthView,
    /// SHA-256 of the canonical 3059 the approval signs; the approve form carries it back.
    pub document_hash: String,
    /// How the signer may sign.
    pub signing: SigningWays,
    pub findings: Vec<Finding>,
    /// Since the version the recipient returned (None when it was never returned).
    pub changes: Option<Vec<RowChange>>,
    pub signatures: Vec<SignatureView>,
    pub history: Vec<HistoryLine>,
    /// The capacity the caller would sign in.
    pub capacity: SignerCapacity,
    pub flash: Flash,
    pub form_key: String,
}

/// Hospital stay on the räkning.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StayView {
    pub from: String,
    pub to: String,
    pub assistance: bool,
    pub totals: Totals,
}

/// The räkning (FK 3057) for one recipient and month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimPage {
    pub me: Me,
    pub person: Person,
    pub month: ReportMonth,
    /// Assistants whose month is not attested yet (the räkning waits for them).
    pub waiting: Vec<String>,
    pub content: Option<crate::domain::fk::Rakning>,
    pub stays: Vec<StayView>,
    /// More hospital stays than FK's form has room for (three).
    pub too_many_stays: bool,
    /// SHA-256 of the canonical räkning the signature signs.
    /// How the signer may sign.
    pub signing: SigningWays,
    pub document_hash: String,
    pub signatures: Vec<SignatureView>,
    /// The provider's own view (cost table form) rather than the signer's.
    pub provider_view: bool,
    pub capacity: Option<SignerCapacity>,
    /// The recipient's personnummer for the printed räkning (their own document): masked
    /// unless the signer asked to see it ([`Self::personnummer_revealed`]).
    pub personnummer: String,
    pub personnummer_revealed: bool,
    pub flash: Flash,
    pub form_key: String,
}

/// One entry of the audit log as the administrator reads it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    pub id: i64,
    pub at: String,
    pub who: String,
    pub action: String,
    pub subject: String,
}

/// The municipality's audit log: whether its chain holds, and the latest entries.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditPage {
    pub me: Me,
    /// How many entries the chain holds, intact.
    pub intact: Option<usize>,
    /// The first broken link: the entry and what is wrong.
    pub broken: Option<(i64, String)>,
    pub entries: Vec<AuditLine>,
}

/// The ways a signer may confirm a signature in their municipality.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningWays {
    /// With BITA's password typed again (not where the municipality requires e-legitimation).
    pub password: bool,
    /// With e-legitimation (a provider with strong `acr` values).
    pub eid: bool,
}
