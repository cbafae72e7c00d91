//! Swedish personal identity numbers (personnummer) and coordination numbers
//! (samordningsnummer, day + 60). A `Personnummer` that exists is valid (rule V1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Twelve digits were typed (the century given), whatever the separator.
fn digits_twelve(chars: &[char]) -> bool {
    chars.iter().filter(|c| c.is_ascii_digit()).count() == 12
}

/// A valid 12-digit personnummer or samordningsnummer, stored as `YYYYMMDDNNNN`.
/// `Display` masks the last four digits; use [`Personnummer::full`] deliberately.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Personnummer(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PersonnummerError {
    #[error(
        "a personnummer has 12 digits (YYYYMMDDNNNN) or 10 (YYMMDD-NNNN), with at most one - or + before the last four"
    )]
    Format,
    #[error("the date part is not a real date, or it is in the future")]
    Date,
    #[error("the birth number (the three digits before the check digit) cannot be 000")]
    BirthNumber,
    #[error("the check digit is wrong")]
    CheckDigit,
}

impl Personnummer {
    /// Parses `YYYYMMDDNNNN`, `YYYYMMDD-NNNN`, `YYMMDDNNNN`, `YYMMDD-NNNN` and `YYMMDD+NNNN`
    /// (`+`: 100 years or older), by Skatteverket's rules (brief V1): at most one separator,
    /// only before the last four digits; century 18, 19 or 20; never a future birth date; birth
    /// number 001–999; Luhn check digit. Samordningsnummer (day + 60) are accepted, also those
    /// Skatteverket issues with a partly unknown birth date (month 00, day 60, or a day that is
    /// not a real date of the month); they carry no birth date. Ten-digit forms get their
    /// century from `today`. Works on characters: any typed text gets an answer, never a panic.
    pub fn parse_at(input: &str, today: NaiveDate) -> Result<Self, PersonnummerError> {
        use chrono::Datelike;
        let chars: Vec<char> = input.trim().chars().collect();
        if chars.iter().any(|c| !(c.is_ascii_digit() || *c == '-' || *c == '+')) {
            return Err(PersonnummerError::Format);
        }
        let seps: Vec<usize> =
            chars.iter().enumerate().filter(|(_, c)| !c.is_ascii_digit()).map(|(i, _)| i).collect();
        let plus = match seps.as_slice() {
            [] => false,
            [i] if *i + 5 == chars.len() && *i > 0 => chars[*i] == '+',
            _ => return Err(PersonnummerError::Format),
        };
        let digits: String = chars.iter().filter(|c| c.is_ascii_digit()).collect();
        let full = match digits.len() {
            // Twelve digits name the century; a `+` then only confirms 100 years or older
            // (checked below), as Skatteverket's written forms allow it before the last four.
            12 => digits,
            10 => {
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
        if !matches!(&full[0..2], "18" | "19" | "20") {
            return Err(PersonnummerError::Date);
        }
        let p = Self(full);
        let (month, day) = p.month_day();
        if p.is_samordningsnummer() {
            if month > 12 || day > 60 + 31 {
                return Err(PersonnummerError::Date);
            }
        } else if p.birth_date().is_none() {
            return Err(PersonnummerError::Date);
        }
        if p.birth_date().is_some_and(|b| b > today) {
            return Err(PersonnummerError::Date);
        }
        if plus && digits_twelve(&chars) {
            let hundred = match p.birth_date() {
                Some(b) => age_on(b, today) >= 100,
                None => p.0[0..4].parse::<i32>().is_ok_and(|y| y <= today.year() - 100),
            };
            if !hundred {
                return Err(PersonnummerError::Format);
            }
        }
        if &p.0[8..11] == "000" {
            return Err(PersonnummerError::BirthNumber);
        }
        if !luhn_ok(&p.0[2..]) {
            return Err(PersonnummerError::CheckDigit);
        }
        Ok(p)
    }

    /// Parses with today's date for the century of ten-digit forms.
    pub fn parse(input: &str) -> Result<Self, PersonnummerError> {
        Self::parse_at(input, chrono::Utc::now().date_naive())
    }

    /// All twelve digits. Only for exports and audited reads.
    pub fn full(&self) -> &str {
        &self.0
    }

    /// `YYYYMMDD-NNNN`: the full number as a person reads it (only after an audited "show").
    pub fn display_full(&self) -> String {
        format!("{}-{}", &self.0[0..8], &self.0[8..12])
    }

    /// `YYYYMMDD-****`: how a personnummer is shown in lists.
    pub fn masked(&self) -> String {
        format!("{}-****", &self.0[0..8])
    }

    fn month_day(&self) -> (u32, u32) {
        (self.0[4..6].parse().unwrap_or(0), self.0[6..8].parse().unwrap_or(0))
    }

    /// A samordningsnummer: the day is the birth day + 60 (day 60 when the day is unknown).
    pub fn is_samordningsnummer(&self) -> bool {
        self.month_day().1 >= 60
    }

    /// The birth date the number carries; none for a samordningsnummer whose birth date is
    /// partly unknown (month 00, day 60, or a day that does not exist in the month).
    pub fn birth_date(&self) -> Option<NaiveDate> {
        let y = self.0[0..4].parse().ok()?;
        let (m, mut d) = self.month_day();
        if d >= 60 {
            d -= 60;
        }
        NaiveDate::from_ymd_opt(y, m, d)
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
    sum.is_multiple_of(10)
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

/// Age in whole years on `date` for someone born on `born`.
pub fn age_on(born: NaiveDate, date: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut age = date.year() - born.year();
    if (date.month(), date.day()) < (born.month(), born.day()) {
        age -= 1;
    }
    age
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
        // Issue 24 item 11: twelve digits with `+` in any written form; the `+` confirms 100+.
        assert_eq!(
            Personnummer::parse_at("19090527+1474", today()).unwrap().full(),
            "190905271474"
        );
        assert_eq!(
            Personnummer::parse_at("19090527+1474", today()),
            Personnummer::parse_at("19090527-1474", today())
        );
        // The neighbour that must not change: a `+` on someone younger than 100 is a mistake.
        assert_eq!(
            Personnummer::parse_at("19811228+9874", today()),
            Err(PersonnummerError::Format)
        );
    }

    #[test]
    fn rejects_wrong_check_digit_date_and_format() {
        assert_eq!(
            Personnummer::parse_at("198112289875", today()),
            Err(PersonnummerError::CheckDigit)
        );
        assert_eq!(Personnummer::parse_at("198113289874", today()), Err(PersonnummerError::Date));
        assert_eq!(Personnummer::parse_at("1å2", today()), Err(PersonnummerError::Format));
        assert_eq!(Personnummer::parse_at("19811228987", today()), Err(PersonnummerError::Format));
        assert_eq!(Personnummer::parse_at("1981122898a4", today()), Err(PersonnummerError::Format));
    }

    #[test]
    fn samordningsnummer_has_day_plus_sixty() {
        // 701063-2391: day 63 = 3rd; Luhn computed over 7010632391.
        let p = Personnummer::parse_at("197010632391", today()).unwrap();
        assert!(p.is_samordningsnummer());
        assert_eq!(p.birth_date(), NaiveDate::from_ymd_opt(1970, 10, 3));
    }

    #[test]
    fn v1_samordningsnummer_with_a_partly_unknown_birth_date_are_valid() {
        // Check digits by Luhn over the ten digits: month 00 day 60; day 60 (00 + 60) in
        // December; 31 February (day 91).
        for s in ["197000602396", "197012602392", "197002912397"] {
            let p = Personnummer::parse_at(s, today()).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert!(p.is_samordningsnummer(), "{s}");
            assert_eq!(p.birth_date(), None, "{s} carries no birth date");
        }
    }

    #[test]
    fn v1_numbers_skatteverket_never_issues_are_refused() {
        // Birth number 000 (check digit valid over 8112280006).
        assert_eq!(
            Personnummer::parse_at("198112280006", today()),
            Err(PersonnummerError::BirthNumber)
        );
        // Separators: only one, only before the last four digits, no spaces inside.
        for s in [
            "19090527 1474",
            "1981-12-28-9874",
            "811228--9874",
            "+8112289874",
            "8112-289874",
            "19811228+9874",
            "1909052+71474",
        ] {
            assert_eq!(Personnummer::parse_at(s, today()), Err(PersonnummerError::Format), "{s}");
        }
        assert!(Personnummer::parse_at("19090527-1474", today()).is_ok());
        // Centuries other than 18, 19, 20 and future birth dates (Luhn valid over 9001011239 / 2001011234).
        assert_eq!(Personnummer::parse_at("219001011239", today()), Err(PersonnummerError::Date));
        assert_eq!(Personnummer::parse_at("172001011234", today()), Err(PersonnummerError::Date));
        assert_eq!(
            Personnummer::parse_at("202701011231", today()).map(|_| ()),
            Err(PersonnummerError::Date)
        );
        // A real personnummer still needs a real date: 31 February is only a samordningsnummer's.
        assert_eq!(
            Personnummer::parse_at("197002312390", today()).map(|_| ()),
            Err(PersonnummerError::Date)
        );
    }

    #[test]
    fn display_and_debug_are_masked() {
        let p = Personnummer::parse_at("198112289874", today()).unwrap();
        assert_eq!(p.to_string(), "19811228-****");
        assert!(!format!("{p:?}").contains("9874"));
    }
}
