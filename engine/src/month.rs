//! Report months and durations in whole minutes.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A calendar month of assistance, e.g. 2026-11 (FK's `redovisningsmanad`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ReportMonth {
    year: i32,
    month: u32,
}

impl ReportMonth {
    /// The years BITA handles. Every month is made through [`ReportMonth::new`], so every
    /// method (the last day, the deadline two months on) is defined for every month that exists.
    pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

    /// The last month BITA handles.
    pub const LAST: ReportMonth = ReportMonth { year: 9999, month: 12 };

    /// The one constructor: a month of [`ReportMonth::YEARS`].
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1..=12).contains(&month) && Self::YEARS.contains(&year)).then_some(Self { year, month })
    }

    /// Parses a month key: exactly `YYYY-MM` (four digits, a hyphen, two digits).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 7 || b[4] != b'-' || !digits(0..4) || !digits(5..7) {
            return None;
        }
        Self::new(s[..4].parse().ok()?, s[5..].parse().ok()?)
    }

    /// The month `date` falls in, if it is one BITA handles.
    pub fn of(date: NaiveDate) -> Option<Self> {
        Self::new(date.year(), date.month())
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid by construction")
    }

    pub fn next(self) -> Self {
        if self.month == 12 {
            Self { year: self.year + 1, month: 1 }
        } else {
            Self { year: self.year, month: self.month + 1 }
        }
    }

    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self { year: self.year - 1, month: 12 }
        } else {
            Self { year: self.year, month: self.month - 1 }
        }
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("valid by construction")
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        (date.year(), date.month()) == (self.year, self.month)
    }

    /// FK's deadline for this month's documents: the 5th of the second month after (rule V10).
    pub fn fk_deadline(self) -> NaiveDate {
        let m = self.next().next();
        NaiveDate::from_ymd_opt(m.year, m.month, 5).expect("valid by construction")
    }
}

impl fmt::Display for ReportMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A duration in whole minutes. Minutes stay integers; hours are only for presentation.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub struct Minutes(pub i64);

impl std::ops::Add for Minutes {
    type Output = Minutes;
    fn add(self, o: Minutes) -> Minutes {
        Minutes(self.0 + o.0)
    }
}

impl std::ops::AddAssign for Minutes {
    fn add_assign(&mut self, o: Minutes) {
        self.0 += o.0;
    }
}

impl std::iter::Sum for Minutes {
    fn sum<I: Iterator<Item = Minutes>>(iter: I) -> Minutes {
        Minutes(iter.map(|m| m.0).sum())
    }
}

impl fmt::Display for Minutes {
    /// `8 h 30 min`, the form used on FK's summaries. Same in Swedish and English.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let m = self.0.abs();
        write!(f, "{sign}{} h {:02} min", m / 60, m % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_and_know_their_days_and_deadline() {
        let m = ReportMonth::parse("2024-02").unwrap();
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        assert_eq!(m.to_string(), "2024-02");
        // Work in July: documents due 5 September.
        assert_eq!(
            ReportMonth::parse("2026-07").unwrap().fk_deadline(),
            NaiveDate::from_ymd_opt(2026, 9, 5).unwrap()
        );
        assert_eq!(
            ReportMonth::parse("2026-12").unwrap().fk_deadline(),
            NaiveDate::from_ymd_opt(2027, 2, 5).unwrap()
        );
        assert_eq!(ReportMonth::parse("2026-1"), None);
        assert_eq!(ReportMonth::parse("2026-13"), None);
    }

    #[test]
    fn a_month_key_is_exactly_yyyy_mm_and_every_month_is_in_range() {
        for bad in [
            "2026-+1",
            "+026-01",
            "2026-1 ",
            "2026--1",
            "２０２６-01",
            "20261-01",
            "2026-001",
            "0000-01",
            "1899-12",
            "10000-01",
        ] {
            assert_eq!(ReportMonth::parse(bad), None, "{bad:?}");
        }
        assert_eq!(
            ReportMonth::parse("9999-12")
                .map(|m| (m.last_day().to_string(), m.fk_deadline().to_string())),
            Some(("9999-12-31".into(), "+10000-02-05".into()))
        );
        // A date outside the years BITA handles has no month (it used to panic on its last day).
        let far = NaiveDate::from_ymd_opt(262_142, 12, 1).unwrap();
        assert_eq!(ReportMonth::of(far), None);
        assert_eq!(
            ReportMonth::of(NaiveDate::from_ymd_opt(2026, 3, 31).unwrap()),
            ReportMonth::parse("2026-03")
        );
    }

    #[test]
    fn minutes_display_as_hours_and_minutes() {
        assert_eq!(Minutes(510).to_string(), "8 h 30 min");
        assert_eq!(Minutes(5).to_string(), "0 h 05 min");
    }
}
