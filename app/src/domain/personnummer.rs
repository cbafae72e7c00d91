//! Swedish personal identity numbers (personnummer) and coordination numbers
//! (samordningsnummer, day + 60). A `Personnummer` that exists is valid (rule V1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A valid 12-digit personnummer or samordningsnummer, stored as `YYYYMMDDNNNN`.
/// `Display` masks the last four digits; use [`Personnummer::full`] deliberately.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Personnummer(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonnummerError {
    #[error("a personnummer has 12 digits (YYYYMMDDNNNN) or 10 (YYMMDD-NNNN)")]
    Format,
    #[error("the date part is not a real date")]
    Date,
    #[error("the check digit is wrong")]
    CheckDigit,
}

impl Personnummer {
    /// Parses `YYYYMMDDNNNN`, `YYYYMMDD-NNNN`, `YYMMDD-NNNN` and `YYMMDD+NNNN` (`+`: 100 years
    /// or older). Ten-digit forms get their century from `today`.
    pub fn parse_at(input: &str, today: NaiveDate) -> Result<Self, PersonnummerError> {
        let s = input.trim();
        let plus = s.contains('+');
        let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
        if s.chars().any(|c| !(c.is_ascii_digit() || c == '-' || c == '+' || c == ' ')) {
            return Err(PersonnummerError::Format);
        }
        let full = match digits.len() {
            12 => digits,
            10 => {
                use chrono::Datelike;
                let yy: i32 = digits[0..2].parse().map_err(|_| PersonnummerError::Format)?;
                let this_year = today.year();
                let mut year = (this_year / 100) * 100 + yy;
                if year > this_year {
                    year -= 100;
                }
                if plus {
                    year -= 100;
                }
                format!("{year:04}{}", &digits[2..])
            }
            _ => return Err(PersonnummerError::Format),
        };
        let year: i32 = full[0..4].parse().map_err(|_| PersonnummerError::Format)?;
        let month: u32 = full[4..6].parse().map_err(|_| PersonnummerError::Format)?;
        let mut day: u32 = full[6..8].parse().map_err(|_| PersonnummerError::Format)?;
        if day > 60 {
            day -= 60; // samordningsnummer
        }
        NaiveDate::from_ymd_opt(year, month, day).ok_or(PersonnummerError::Date)?;
        if !luhn_ok(&full[2..]) {
            return Err(PersonnummerError::CheckDigit);
        }
        Ok(Self(full))
    }

    /// Parses with today's date for the century of ten-digit forms.
    pub fn parse(input: &str) -> Result<Self, PersonnummerError> {
        Self::parse_at(input, chrono::Utc::now().date_naive())
    }

    /// All twelve digits. Only for exports and audited reads.
    pub fn full(&self) -> &str {
        &self.0
    }

    /// `YYYYMMDD-****`: how a personnummer is shown in lists.
    pub fn masked(&self) -> String {
        format!("{}-****", &self.0[0..8])
    }

    pub fn is_samordningsnummer(&self) -> bool {
        self.0[6..8].parse::<u32>().map(|d| d > 60).unwrap_or(false)
    }

    pub fn birth_date(&self) -> NaiveDate {
        let y = self.0[0..4].parse().unwrap_or(1900);
        let m = self.0[4..6].parse().unwrap_or(1);
        let mut d: u32 = self.0[6..8].parse().unwrap_or(1);
        if d > 60 {
            d -= 60;
        }
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }
}

/// Luhn over the ten digits YYMMDDNNNC.
pub(crate) fn luhn_ok(ten: &str) -> bool {
    let sum: u32 = ten
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            let v = if i % 2 == 0 { d * 2 } else { d };
            v / 10 + v % 10
        })
        .sum();
    sum % 10 == 0
}

impl fmt::Display for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Personnummer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Personnummer({})", self.masked())
    }
}

impl TryFrom<String> for Personnummer {
    type Error = PersonnummerError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Personnummer> for String {
    fn from(p: Personnummer) -> String {
        p.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
    }

    #[test]
    fn accepts_the_usual_written_forms() {
        // 811228-9874: Skatteverket's textbook example; 8+1+2+2+4+8+1+8+1+4 → Luhn ok.
        for s in ["198112289874", "19811228-9874", "811228-9874", " 8112289874 "] {
            assert_eq!(Personnummer::parse_at(s, today()).unwrap().full(), "198112289874", "{s}");
        }
    }

    #[test]
    fn plus_means_a_hundred_years_or_older() {
        assert_eq!(Personnummer::parse_at("811228+9874", today()).unwrap().full(), "188112289874");
    }

    #[test]
    fn rejects_wrong_check_digit_date_and_format() {
        assert_eq!(Personnummer::parse_at("198112289875", today()), Err(PersonnummerError::CheckDigit));
        assert_eq!(Personnummer::parse_at("198113289874", today()), Err(PersonnummerError::Date));
        assert_eq!(Personnummer::parse_at("19811228987", today()), Err(PersonnummerError::Format));
        assert_eq!(Personnummer::parse_at("1981122898a4", today()), Err(PersonnummerError::Format));
    }

    #[test]
    fn samordningsnummer_has_day_plus_sixty() {
        // 701063-2391: day 63 = 3rd; Luhn computed over 7010632391.
        let p = Personnummer::parse_at("197010632391", today()).unwrap();
        assert!(p.is_samordningsnummer());
        assert_eq!(p.birth_date(), NaiveDate::from_ymd_opt(1970, 10, 3).unwrap());
    }

    #[test]
    fn display_and_debug_are_masked() {
        let p = Personnummer::parse_at("198112289874", today()).unwrap();
        assert_eq!(p.to_string(), "19811228-****");
        assert!(!format!("{p:?}").contains("9874"));
    }
}
