//! The domain: pure types and rules of Swedish personal-assistance time reporting.
//! No IO, no async, no framework: the phone (wasm) and the server run the very same checks.

pub mod month;
pub mod personnummer;
pub mod row;
pub mod status;

pub use month::{Minutes, ReportMonth};
pub use personnummer::{Personnummer, PersonnummerError};
pub use row::{RowError, RowField, RowInput, TimeKind, TimeRow, Totals};
pub use status::MonthStatus;

/// The time zone every wall-clock time in BITA is in.
pub const TZ: chrono_tz::Tz = chrono_tz::Europe::Stockholm;
