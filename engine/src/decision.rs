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
    /// Per period of `months` (at most six) counted from the decision's first day; the decision
    /// itself may be valid longer (12 months with 6-month periods).
    PerPeriod {
        minutes: Minutes,
        months: u32,
    },
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
    #[error("hours may be granted per period of at most six months")]
    PeriodTooLong,
}

impl Decision {
    /// Checks the invariants a decision must hold.
    pub fn validate(&self) -> Result<(), DecisionError> {
        if self.valid_to < self.valid_from {
            return Err(DecisionError::EndsBeforeStart);
        }
        if let Granted::PerPeriod { months, .. } = self.granted
            && !(1..=6).contains(&months)
        {
            return Err(DecisionError::PeriodTooLong);
        }
        Ok(())
    }

    /// The spans the granted hours are counted over that touch `from..=to`, each with its
    /// grant: calendar weeks (Monday–Sunday), calendar months, or the decision's periods from
    /// its first day. Spans are cut to the decision's validity.
    pub fn spans_touching(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Vec<(NaiveDate, NaiveDate, Minutes)> {
        use chrono::{Datelike, Duration, Months};
        let (from, to) = (from.max(self.valid_from), to.min(self.valid_to));
        let mut out = Vec::new();
        if from > to {
            return out;
        }
        let clip = |a: NaiveDate, b: NaiveDate| (a.max(self.valid_from), b.min(self.valid_to));
        match self.granted {
            Granted::PerWeek(g) => {
                let mut monday =
                    from - Duration::days(from.weekday().num_days_from_monday() as i64);
                while monday <= to {
                    let (a, b) = clip(monday, monday + Duration::days(6));
                    out.push((a, b, g));
                    monday += Duration::days(7);
                }
            }
            Granted::PerMonth(g) => {
                let mut m = ReportMonth::of(from);
                while let Some(month) = m.filter(|m| m.first_day() <= to) {
                    let (a, b) = clip(month.first_day(), month.last_day());
                    out.push((a, b, g));
                    m = ReportMonth::new(month.next().year(), month.next().month());
                }
            }
            Granted::PerPeriod { minutes, months } => {
                let n = months.clamp(1, 6);
                let mut k = 0;
                loop {
                    let start = self
                        .valid_from
                        .checked_add_months(Months::new(k * n))
                        .unwrap_or(NaiveDate::MAX);
                    if start > to {
                        break;
                    }
                    let end = self
                        .valid_from
                        .checked_add_months(Months::new((k + 1) * n))
                        .and_then(|e| e.pred_opt())
                        .unwrap_or(NaiveDate::MAX);
                    if end >= from {
                        let (a, b) = clip(start, end);
                        out.push((a, b, minutes));
                    }
                    k += 1;
                }
            }
        }
        out
    }

    /// The minutes granted for `from..=to`: each span's grant prorated by how many of its days
    /// fall inside (a weekly grant over a 31-day month counts 31/7 weeks).
    pub fn granted_between(&self, from: NaiveDate, to: NaiveDate) -> Minutes {
        let mut total: i128 = 0;
        for (a, b, g) in self.spans_touching(from, to) {
            let span = (b - a).num_days() + 1;
            let inside = (b.min(to) - a.max(from)).num_days() + 1;
            if span > 0 && inside > 0 {
                total += (g.0 as i128 * inside as i128 + span as i128 / 2) / span as i128;
            }
        }
        Minutes(total as i64)
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && date <= self.valid_to
    }

    pub fn overlaps_month(&self, month: ReportMonth) -> bool {
        self.valid_from <= month.last_day() && month.first_day() <= self.valid_to
    }
}

#[cfg(test)]
mod granted_tests {
    use super::*;

    #[test]
    fn a_month_gets_its_share_of_weekly_monthly_and_period_grants() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let dec = |granted| Decision {
            recipient: 1,
            funder: Funder::Sfb,
            granted,
            valid_from: d("2026-01-01"),
            valid_to: d("2026-12-31"),
            vantetid_allowed: false,
            beredskap_allowed: false,
            double_assistance: false,
            raised_rate: None,
        };
        let (from, to) = (d("2026-03-01"), d("2026-03-31"));
        assert_eq!(dec(Granted::PerMonth(Minutes(9600))).granted_between(from, to), Minutes(9600));
        // 40 h a week over 31 days: 31/7 × 2400 = 10628.57
        assert_eq!(dec(Granted::PerWeek(Minutes(2400))).granted_between(from, to), Minutes(10629));
        // 600 h per 6-month period (Jan–Jun, 181 days): 31/181 of it.
        assert_eq!(
            dec(Granted::PerPeriod { minutes: Minutes(36000), months: 6 })
                .granted_between(from, to),
            Minutes(6166)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn hours_are_granted_per_period_of_at_most_six_months_and_a_decision_may_last_longer() {
        // Issue 7: a decision valid 12 months with 6-month periods is expressible.
        let mut dec = Decision {
            recipient: 1,
            funder: Funder::Sfb,
            granted: Granted::PerPeriod { minutes: Minutes(600 * 60), months: 6 },
            valid_from: d("2026-01-01"),
            valid_to: d("2026-12-31"),
            vantetid_allowed: false,
            beredskap_allowed: false,
            double_assistance: false,
            raised_rate: None,
        };
        assert_eq!(dec.validate(), Ok(()));
        assert_eq!(
            dec.spans_touching(d("2026-06-01"), d("2026-07-31")),
            vec![
                (d("2026-01-01"), d("2026-06-30"), Minutes(36000)),
                (d("2026-07-01"), d("2026-12-31"), Minutes(36000))
            ]
        );
        dec.granted = Granted::PerPeriod { minutes: Minutes(600 * 60), months: 7 };
        assert_eq!(dec.validate(), Err(DecisionError::PeriodTooLong));
        dec.valid_to = d("2025-12-31");
        assert_eq!(dec.validate(), Err(DecisionError::EndsBeforeStart));
    }
}
