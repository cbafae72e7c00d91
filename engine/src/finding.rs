//! What the rules engine says: which rule, how serious, and the facts (never text: the caller
//! words them in the user's language). Its own module, so a row's errors can carry a finding
//! without the row depending on the rules that make findings.

use super::people::{AssistantId, RecipientId};
use super::{Minutes, MonthStatus, ReportMonth, TimeKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Severity {
    /// Blocks saving (for a row) or export (for a month).
    Error,
    /// Shown and must be looked at; does not block.
    Warning,
    Info,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleId {
    V1,
    V2,
    V3,
    V4,
    V5,
    V6,
    V7,
    V8,
    V9,
    V10,
}

/// What a rule found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    /// The rows concerned (empty for month-level findings).
    pub rows: Vec<i64>,
    pub what: What,
    /// The register entries it concerns, where known (for links to fix it).
    #[serde(default)]
    pub assistant: Option<AssistantId>,
    #[serde(default)]
    pub recipient: Option<RecipientId>,
}

/// The facts of a finding; the app (`app::i18n`) turns them into a message that says what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum What {
    /// V1: a recipient must have a personnummer, not a samordningsnummer.
    RecipientHasSamordningsnummer {
        recipient: String,
    },
    /// V1: a malformed number met at the boundary.
    PersonnummerInvalid {
        who: String,
    },
    /// V2: no 3066 / E-IOA notice to FK for this assistant and recipient, or it is later than the row.
    NotNotified {
        assistant: String,
        recipient: String,
        notified: Option<NaiveDate>,
    },
    /// V2: under 18 on `date`, a day the row (or its part after midnight) falls on.
    UnderAge {
        assistant: String,
        age: i32,
        date: NaiveDate,
    },
    /// The assistant's number carries no birth date and none is entered.
    BirthDateMissing {
        assistant: String,
    },
    OutsideEea {
        assistant: String,
    },
    /// V2: the notice was made the same day as the row: time before it is not paid.
    NotifiedSameDay {
        assistant: String,
        recipient: String,
        notified: NaiveDate,
    },
    /// V2, shown not blocked.
    Relative {
        assistant: String,
        recipient: String,
    },
    /// V3.
    OutsideMonth {
        month: ReportMonth,
    },
    Overlap {
        date: NaiveDate,
    },
    /// V4.
    KindNotGranted {
        kind: TimeKind,
        date: NaiveDate,
    },
    NoDecision {
        date: NaiveDate,
    },
    /// V5.
    ShiftTooLong {
        minutes: Minutes,
        limit: Minutes,
    },
    /// AB bilaga J: a pass of active work only, start to end with its breaks, over 13 h.
    PassTooLong {
        minutes: Minutes,
        limit: Minutes,
    },
    RestAfterShiftTooShort {
        rest: Minutes,
        shift: Minutes,
    },
    DailyRestMissing {
        date: NaiveDate,
    },
    WeeklyRestMissing {
        from: NaiveDate,
    },
    AverageTooHigh {
        per_week: Minutes,
        limit: Minutes,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// V6.
    GrantApproaching {
        used: Minutes,
        granted: Minutes,
        from: NaiveDate,
        to: NaiveDate,
    },
    GrantExceeded {
        used: Minutes,
        granted: Minutes,
        from: NaiveDate,
        to: NaiveDate,
    },
    /// V7.
    DoubleWithoutGrant {
        date: NaiveDate,
    },
    /// V8.
    DuringAbsence {
        kind: AbsenceKind,
        date: NaiveDate,
    },
    HospitalStayTooLong {
        from: NaiveDate,
        days: i64,
    },
    /// V9.
    MonthNotReady {
        assistant: String,
        recipient: String,
        status: MonthStatus,
    },
    RakningIncomplete {
        recipient: String,
    },
    /// V9 until the 3057 signing flow exists: a finding of its own that the flow will clear.
    RakningNotSigned {
        recipient: String,
    },
    /// V9: the assistant has no phone number in the register; the 3059 carries it.
    AssistantPhoneMissing {
        assistant: String,
    },
    /// V6: the year's standard hourly amount is not entered, so no amount can be worked out.
    StandardAmountMissing {
        year: i32,
    },
    /// V10.
    Deadline {
        deadline: NaiveDate,
        days_left: i64,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AbsenceKind {
    Hospital,
    School,
    DailyActivity,
    Childcare,
}
