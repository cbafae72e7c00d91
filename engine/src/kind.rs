//! The three kinds of time FK knows.

use serde::{Deserialize, Serialize};

/// The three kinds of time FK knows. Each row is exactly one of them (rule V4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TimeKind {
    /// Aktiv tid: counts 1:1 for payment.
    Aktiv,
    /// Väntetid (formerly "jour"): counts 1/4 for payment.
    Vantetid,
    /// Beredskap (standby): counts 1/7 for payment.
    Beredskap,
}

impl TimeKind {
    pub const ALL: [TimeKind; 3] = [TimeKind::Aktiv, TimeKind::Vantetid, TimeKind::Beredskap];

    /// The stable code used in forms, the database and CSV.
    pub fn code(self) -> &'static str {
        match self {
            TimeKind::Aktiv => "aktiv",
            TimeKind::Vantetid => "vantetid",
            TimeKind::Beredskap => "beredskap",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}
