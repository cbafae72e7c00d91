//! Back-office systems' access (issue 29): the scopes a token may have, and the page where an
//! administrator makes and revokes tokens.

use super::{Flash, Me};
use crate::i18n::T;
use serde::{Deserialize, Serialize};

/// What a token may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Scope {
    RegisterRead,
    RegisterWrite,
    MonthsRead,
    PayrollRead,
    ArchivesRead,
}

impl Scope {
    pub const ALL: [Scope; 5] = [
        Scope::RegisterRead,
        Scope::RegisterWrite,
        Scope::MonthsRead,
        Scope::PayrollRead,
        Scope::ArchivesRead,
    ];

    /// Its name in a token's scopes and in the API's documentation.
    pub fn code(self) -> &'static str {
        match self {
            Scope::RegisterRead => "register:read",
            Scope::RegisterWrite => "register:write",
            Scope::MonthsRead => "months:read",
            Scope::PayrollRead => "payroll:read",
            Scope::ArchivesRead => "archives:read",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The form's field for it.
    pub fn field(self) -> &'static str {
        match self {
            Scope::RegisterRead => "register_read",
            Scope::RegisterWrite => "register_write",
            Scope::MonthsRead => "months_read",
            Scope::PayrollRead => "payroll_read",
            Scope::ArchivesRead => "archives_read",
        }
    }

    pub fn label(self) -> T {
        match self {
            Scope::RegisterRead => T::ScopeRegisterRead,
            Scope::RegisterWrite => T::ScopeRegisterWrite,
            Scope::MonthsRead => T::ScopeMonthsRead,
            Scope::PayrollRead => T::ScopePayrollRead,
            Scope::ArchivesRead => T::ScopeArchivesRead,
        }
    }
}

/// The token form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TokenInput {
    #[serde(default)]
    pub name: String,
    /// Its last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub expires: String,
    #[serde(default)]
    pub register_read: String,
    #[serde(default)]
    pub register_write: String,
    #[serde(default)]
    pub months_read: String,
    #[serde(default)]
    pub payroll_read: String,
    #[serde(default)]
    pub archives_read: String,
}

impl TokenInput {
    /// The scopes ticked.
    pub fn scopes(&self) -> Vec<Scope> {
        let on = |s: &str| !s.trim().is_empty();
        Scope::ALL
            .into_iter()
            .filter(|s| {
                on(match s {
                    Scope::RegisterRead => &self.register_read,
                    Scope::RegisterWrite => &self.register_write,
                    Scope::MonthsRead => &self.months_read,
                    Scope::PayrollRead => &self.payroll_read,
                    Scope::ArchivesRead => &self.archives_read,
                })
            })
            .collect()
    }
}

/// A token as its municipality's administrators see it (never the token itself).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub scopes: Vec<Scope>,
    /// Its first characters, to tell it apart.
    pub hint: String,
    pub created_at: String,
    pub expires_on: String,
    pub revoked: bool,
    pub expired: bool,
}

/// The administrator's page of API tokens.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApiTokensPage {
    pub me: Me,
    pub tokens: Vec<TokenView>,
    /// A token just made: shown this once.
    pub created: Option<String>,
    /// The form as typed (refused), with what was wrong.
    pub form: TokenInput,
    pub errors: Vec<T>,
    pub form_key: String,
    pub flash: Flash,
}
