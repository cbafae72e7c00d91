//! The yearly standard hourly amount (schablonbelopp) and what a month's hours are worth.
//! Rates are data, entered per year by an administrator; none is hard-coded in the rules.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RateTable {
    per_year: BTreeMap<i32, Decimal>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("no standard hourly amount is entered for {0}")]
    MissingYear(i32),
    #[error("a raised hourly amount may be at most 12 % above the standard amount")]
    RaisedTooHigh,
}

impl RateTable {
    /// The amounts the government has set (förordning 1993:1091 5 §, as FK's rate table reads
    /// them, domain brief §4); later years are entered by an administrator once decided. The
    /// database seeds the same years for every municipality (migrations).
    pub const KNOWN_YEARS: [(i32, i64); 4] =
        [(2023, 32450), (2024, 33260), (2025, 34260), (2026, 34770)];

    pub fn with_known_years() -> Self {
        let mut t = Self::default();
        for (year, ore) in Self::KNOWN_YEARS {
            t.set(year, Decimal::new(ore, 2));
        }
        t
    }

    pub fn set(&mut self, year: i32, rate: Decimal) {
        self.per_year.insert(year, rate);
    }

    /// Every year with an amount, oldest first.
    pub fn years(&self) -> impl Iterator<Item = (i32, Decimal)> + '_ {
        self.per_year.iter().map(|(y, r)| (*y, *r))
    }

    pub fn standard(&self, year: i32) -> Result<Decimal, RateError> {
        self.per_year.get(&year).copied().ok_or(RateError::MissingYear(year))
    }

    /// The hourly amount that applies: the standard, or a raised one if it is within 12 %.
    pub fn hourly(&self, year: i32, raised: Option<Decimal>) -> Result<Decimal, RateError> {
        let standard = self.standard(year)?;
        match raised {
            None => Ok(standard),
            Some(r) if r <= standard * Decimal::new(112, 2) => Ok(r),
            Some(_) => Err(RateError::RaisedTooHigh),
        }
    }

    /// Amount for `payable_hours`, exact; round only when presenting (see [`present_kr`]).
    pub fn amount(
        &self,
        year: i32,
        raised: Option<Decimal>,
        payable_hours: Decimal,
    ) -> Result<Decimal, RateError> {
        Ok(self.hourly(year, raised)? * payable_hours)
    }
}

/// Why a month's hourly amount is not known.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmountGap {
    /// No decision covers the month.
    NoDecision,
    /// The year's standard amount is not entered (the government decides it each year).
    NoStandard(i32),
    /// An LSS decision, and the municipality has not entered its own hourly amount.
    NoLssAmount,
    /// The decision's raised amount is more than 12 % above the year's standard.
    RaisedTooHigh,
}

/// The hourly amount for a recipient's month: under SFB the year's standard amount (or the
/// decision's raised one), under LSS the municipality's own (`lss`). The decision is the one
/// in force at the month's end, else the last one that began in it. Otherwise why not.
pub fn month_hourly(
    decisions: &[super::Decision],
    recipient: i64,
    month: super::ReportMonth,
    rates: &RateTable,
    lss: Option<Decimal>,
) -> Result<Decimal, AmountGap> {
    let d = decisions
        .iter()
        .filter(|d| {
            d.recipient == recipient
                && d.valid_from <= month.last_day()
                && d.valid_to >= month.first_day()
        })
        .max_by_key(|d| (d.valid_to >= month.last_day(), d.valid_from))
        .ok_or(AmountGap::NoDecision)?;
    match d.funder {
        super::Funder::Sfb => rates.hourly(month.year(), d.raised_rate).map_err(|e| match e {
            RateError::MissingYear(y) => AmountGap::NoStandard(y),
            RateError::RaisedTooHigh => AmountGap::RaisedTooHigh,
        }),
        super::Funder::Lss => lss.ok_or(AmountGap::NoLssAmount),
    }
}

/// Parses kronor as people type them: `340,50`, `340.50`, `12 345,67`, `12 345 kr`, `0,5`.
/// At most two decimals (öre), never negative; anything else is `None`, never a panic.
pub fn parse_kr(s: &str) -> Option<Decimal> {
    let s = s.trim();
    let s = s.strip_suffix("kr").unwrap_or(s).trim_end();
    let compact: String = s.chars().filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}')).collect();
    if compact.is_empty() || !compact.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.') {
        return None;
    }
    let (whole, frac) = match compact.split_once([',', '.']) {
        Some((w, f)) => (w, f),
        None => (compact.as_str(), ""),
    };
    if whole.is_empty() || whole.len() > 12 || frac.len() > 2 || frac.contains([',', '.']) {
        return None;
    }
    let frac = format!("{frac:0<2}");
    let cents: i64 = format!("{whole}{frac}").parse().ok()?;
    Some(Decimal::new(cents, 2))
}

/// BITA's one rounding rule for money: half away from zero, to öre.
pub fn round_kr(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

/// `12 345,67` style kronor for presentation (a space between thousands, decimal comma),
/// rounded by [`round_kr`].
pub fn present_kr(amount: Decimal) -> String {
    let r = round_kr(amount);
    let text = format!("{:.2}", r.abs());
    let (whole, frac) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(' ');
        }
        grouped.push(c);
    }
    let sign = if r.is_sign_negative() && !r.is_zero() { "-" } else { "" };
    format!("{sign}{grouped},{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_follow_the_year_and_the_raised_limit() {
        let t = RateTable::with_known_years();
        // 11 payable hours in 2024: 11 × 332,60 = 3 658,60 kr.
        assert_eq!(t.amount(2024, None, Decimal::from(11)).unwrap(), Decimal::new(365860, 2));
        assert_eq!(t.standard(2031), Err(RateError::MissingYear(2031)));
        // Issue 24 item 7: the years the government has decided are shipped.
        assert_eq!(
            (t.standard(2025), t.standard(2026)),
            (Ok(Decimal::new(34260, 2)), Ok(Decimal::new(34770, 2)))
        );
        // 12 % above 332,60 is 372,512: 372,51 is allowed, 372,52 is not.
        assert!(t.hourly(2024, Some(Decimal::new(37251, 2))).is_ok());
        assert_eq!(t.hourly(2024, Some(Decimal::new(37252, 2))), Err(RateError::RaisedTooHigh));
        assert_eq!(present_kr(Decimal::new(3658605, 3)), "3 658,61");
    }

    #[test]
    fn money_rounds_half_away_from_zero_and_shows_a_thousands_space() {
        // Issue 7: one rounding rule and the format the comment promised.
        assert_eq!(present_kr(Decimal::new(1234567, 2)), "12 345,67");
        assert_eq!(present_kr(Decimal::new(399120, 1)), "39 912,00");
        assert_eq!(present_kr(Decimal::new(1005, 3)), "1,01");
        assert_eq!(present_kr(Decimal::new(-1005, 3)), "-1,01");
        assert_eq!(present_kr(Decimal::new(123456789, 2)), "1 234 567,89");
        assert_eq!(present_kr(Decimal::new(50, 2)), "0,50");
    }

    #[test]
    fn kronor_are_parsed_as_people_type_them() {
        assert_eq!(parse_kr("340,50"), Some(Decimal::new(34050, 2)));
        assert_eq!(parse_kr("12 345,67 kr"), Some(Decimal::new(1234567, 2)));
        assert_eq!(parse_kr("332.6"), Some(Decimal::new(33260, 2)));
        for bad in ["", "-5", "1,234", "1,2,3", "abc", "1å2", "12e3"] {
            assert_eq!(parse_kr(bad), None, "{bad}");
        }
    }
}
