//! The domain: pure types and rules of Swedish personal-assistance time reporting.
//! No IO, no async, no framework and no UI text: the phone (wasm) and the server run the very
//! same checks; what a finding or an error says in Swedish or English is the caller's
//! (`app::i18n`). The app re-exports this crate as `app::domain`.

pub mod audit;
pub mod benchmark;
pub mod clock;
pub mod decision;
pub mod documents;
pub mod examples;
pub mod finding;
pub mod fk;
pub mod import;
pub mod kind;
pub mod month;
pub mod password;
pub mod people;
pub mod personnummer;
pub mod rates;
pub mod register;
pub mod row;
pub mod rules;
pub mod schedule;
pub mod settings;
pub mod status;
pub mod text;

pub use decision::{Decision, Funder, Granted};
pub use month::{Minutes, ReportMonth};
pub use people::{Assistant, Employer, Organisationsnummer, Provider, Recipient, Regime};
pub use personnummer::{Personnummer, PersonnummerError};
pub use rates::RateTable;
pub use row::{RowError, RowField, RowInput, TimeKind, TimeRow, Totals};
pub use status::MonthStatus;

/// The time zone every wall-clock time in BITA is in.
pub const TZ: chrono_tz::Tz = chrono_tz::Europe::Stockholm;
