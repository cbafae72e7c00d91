//! Decisions (beslut) on assistance: who pays, how many hours, for when, and what is granted.

use super::{Minutes, ReportMonth};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Who pays: FK under SFB, or the municipality itself under 9 § 2 LSS.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Funder {
    Sfb,
    Lss,
}

/// The granted amount of hours and the span it is counted over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Granted {
    PerWeek(Minutes),
    PerMonth(Minutes),
    /// For the whole decision period, which is at most six months.
    PerPeriod(Minutes),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub recipient: i64,
    pub funder: Funder,
    pub granted: Granted,
    pub valid_from: NaiveDate,
    /// Inclusive.
    pub valid_to: NaiveDate,
    pub vantetid_allowed: bool,
    pub beredskap_allowed: bool,
    pub double_assistance: bool,
    /// A raised hourly amount (förhöjt timbelopp), at most 12 % above the standard.
    pub raised_rate: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    #[error("the decision ends before it starts")]
    EndsBeforeStart,
    #[error("a decision for a period may cover at most six months")]
    PeriodTooLong,
}

impl Decision {
    /// Checks the invariants a decision must hold.
    pub fn validate(&self) -> Result<(), DecisionError> {
        if self.valid_to < self.valid_from {
            return Err(DecisionError::EndsBeforeStart);
        }
        if matches!(self.granted, Granted::PerPeriod(_)) {
            let six = self.valid_from.checked_add_months(chrono::Months::new(6)).unwrap_or(NaiveDate::MAX);
            if self.valid_to >= six {
                return Err(DecisionError::PeriodTooLong);
            }
        }
        Ok(())
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_to
    }

    pub fn overlaps_month(&self, month: ReportMonth) -> bool {
        self.valid_from <= month.last_day() && month.first_day() <= self.valid_to
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_period_decision_covers_at_most_six_months() {
        let mut dec = Decision {
            recipient: 1,
            funder: Funder::Sfb,
            granted: Granted::PerPeriod(Minutes(600 * 60)),
            valid_from: d("2026-01-01"),
            valid_to: d("2026-06-30"),
            vantetid_allowed: false,
            beredskap_allowed: false,
            double_assistance: false,
            raised_rate: None,
        };
        assert_eq!(dec.validate(), Ok(()));
        dec.valid_to = d("2026-07-01");
        assert_eq!(dec.validate(), Err(DecisionError::PeriodTooLong));
        dec.valid_to = d("2025-12-31");
        assert_eq!(dec.validate(), Err(DecisionError::EndsBeforeStart));
    }
}
