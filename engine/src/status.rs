//! The life cycle of one assistant × recipient × month (brief §6).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MonthStatus {
    /// The assistant is still editing.
    Draft,
    /// The assistant has attested the month on honour ("på heder och samvete").
    Submitted,
    /// The recipient or their representative has approved it.
    Approved,
    /// The provider (municipality) has attested it.
    Attested,
    /// Sent to FK; only an explicit correction may change it.
    Exported,
}

impl MonthStatus {
    pub fn code(self) -> &'static str {
        match self {
            MonthStatus::Draft => "draft",
            MonthStatus::Submitted => "submitted",
            MonthStatus::Approved => "approved",
            MonthStatus::Attested => "attested",
            MonthStatus::Exported => "exported",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Self::Draft, Self::Submitted, Self::Approved, Self::Attested, Self::Exported]
            .into_iter()
            .find(|k| k.code() == s)
    }

    /// Rows may be added or removed only while the assistant holds the month.
    pub fn editable(self) -> bool {
        self == MonthStatus::Draft
    }
}
