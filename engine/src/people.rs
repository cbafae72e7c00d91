//! The people a month concerns: recipients, assistants (with their working-time regime) and the
//! provider (the municipality), and the organisationsnummer that identifies organisations.

use super::Personnummer;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

pub type AssistantId = i64;
pub type RecipientId = i64;

/// A Swedish organisationsnummer: 10 digits, Luhn check digit, third digit ≥ 2.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Organisationsnummer(String);

impl Organisationsnummer {
    /// Parses `NNNNNN-NNNN` or `NNNNNNNNNN` (a 16-prefixed 12-digit form is accepted too).
    pub fn parse(s: &str) -> Option<Self> {
        let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
        if s.chars().any(|c| !(c.is_ascii_digit() || c == '-' || c == ' ')) {
            return None;
        }
        let ten = match digits.len() {
            10 => digits,
            12 if digits.starts_with("16") => digits[2..].to_string(),
            _ => return None,
        };
        (ten.as_bytes()[2] >= b'2' && super::personnummer::luhn_ok(&ten)).then_some(Self(ten))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The working-time regime an assistant's hours are checked under (rule V5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Regime {
    /// Arbetstidslagen: at most 48 h per week on average over a calculation period of at most
    /// four months.
    Atl { period_start: NaiveDate, period_months: u32 },
    /// Husligt arbete (the recipient employs, no agreement): at most 52 h per week on average
    /// over consecutive 28-day periods starting at `period_start`.
    HusligtArbete { period_start: NaiveDate },
    /// Municipal agreement AB bilaga J / PAN (from 1 Feb 2024): at most 20 h per shift including
    /// jour, 24 h only by a recorded decision, and the following rest at least as long as the
    /// shift. FK still pays at most 48 h a week on average over the calculation period (51 kap.
    /// 16 § SFB), so the agreement's calculation period is kept too.
    AbBilagaJ { allow_24h_shifts: bool, period_start: NaiveDate, period_months: u32 },
}

/// The calculation period assumed where none is set: four months from 1 January 2024.
pub const DEFAULT_PERIOD_MONTHS: u32 = 4;

/// The first day of the calculation periods assumed where none is set.
pub fn default_period_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).expect("a valid date")
}

/// An assistant whose regime nobody has set works under AB bilaga J (the municipalities'
/// agreement) with the default calculation period.
impl Default for Regime {
    fn default() -> Self {
        Regime::AbBilagaJ {
            allow_24h_shifts: false,
            period_start: default_period_start(),
            period_months: DEFAULT_PERIOD_MONTHS,
        }
    }
}

impl Regime {
    /// The calculation period (beräkningsperiod) that contains `date`, first and last day
    /// inclusive: `period_start + k × months` for month-based periods (computed from the start
    /// every time, so the 31st never drifts), consecutive 28-day periods for husligt arbete. The
    /// working-time check (V5) and the 3059's `berakningsperiod` both use this.
    pub fn period_containing(&self, date: NaiveDate) -> (NaiveDate, NaiveDate) {
        use chrono::{Datelike, Months};
        match *self {
            Regime::Atl { period_start, period_months }
            | Regime::AbBilagaJ { period_start, period_months, .. } => {
                let n = period_months.clamp(1, 12);
                let months_between = (date.year() - period_start.year()) * 12 + date.month() as i32
                    - period_start.month() as i32;
                let nth = |k: i32| -> NaiveDate {
                    let m = k * n as i32;
                    if m >= 0 {
                        period_start
                            .checked_add_months(Months::new(m as u32))
                            .unwrap_or(NaiveDate::MAX)
                    } else {
                        period_start
                            .checked_sub_months(Months::new((-m) as u32))
                            .unwrap_or(NaiveDate::MIN)
                    }
                };
                let mut k = months_between.div_euclid(n as i32);
                // The day of the month may put `date` in the period before.
                while nth(k) > date {
                    k -= 1;
                }
                while nth(k + 1) <= date {
                    k += 1;
                }
                (nth(k), nth(k + 1).pred_opt().unwrap_or(NaiveDate::MAX))
            }
            Regime::HusligtArbete { period_start } => {
                let k = (date - period_start).num_days().div_euclid(28);
                let from = period_start + chrono::Duration::days(28 * k);
                (from, from + chrono::Duration::days(27))
            }
        }
    }

    /// The highest average working time per week over a calculation period, in minutes:
    /// 48 h (ATL, and FK's limit under a collective agreement), 52 h (husligt arbete).
    pub fn average_limit_per_week(&self) -> i64 {
        match self {
            Regime::HusligtArbete { .. } => 52 * 60,
            _ => 48 * 60,
        }
    }
}

/// Who employs the assistant, as the 3059 asks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Employer {
    /// The provider (the municipality).
    #[default]
    Provider,
    /// Another employer the provider engages.
    Other { name: String, organisationsnummer: String },
    /// The assistant is self-employed (egen företagare).
    SelfEmployed,
    /// The recipient employs the assistant (husligt arbete).
    Recipient,
}

/// An assistant as the rules need them.
#[derive(Clone, Debug, Serialize)]
pub struct Assistant {
    pub id: AssistantId,
    pub personnummer: Personnummer,
    pub first_name: String,
    pub last_name: String,
    pub eea_resident: bool,
    /// Date of the 3066 / E-IOA notice to FK, per recipient (rule V2).
    pub fk_notified: HashMap<RecipientId, NaiveDate>,
    /// Recipients the assistant is a relative (närstående) of: shown, never blocked.
    pub relative_of: Vec<RecipientId>,
    pub regime: Regime,
    /// Whether the assistant is covered by a collective agreement (FK's `kollektivavtal`).
    pub collective_agreement: bool,
    pub employer: Employer,
    /// Entered by an administrator when the number carries none (a samordningsnummer with a
    /// partly unknown birth date); the age rule (V2) needs it.
    pub birth_date: Option<NaiveDate>,
    /// As typed in the register (empty: none); the 3059 carries it in FK's shape
    /// ([`crate::fk::elt::phone`]).
    pub phone: String,
}

impl Assistant {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// FK's `kollektivavtal`: the municipal agreement (AB bilaga J) is one; husligt arbete has
    /// none by definition; under ATL it is what the administrator recorded.
    pub fn kollektivavtal(&self) -> bool {
        match self.regime {
            Regime::AbBilagaJ { .. } => true,
            Regime::HusligtArbete { .. } => false,
            Regime::Atl { .. } => self.collective_agreement,
        }
    }

    /// Who employs the assistant: under husligt arbete always the recipient.
    pub fn employer(&self) -> Employer {
        match self.regime {
            Regime::HusligtArbete { .. } => Employer::Recipient,
            _ => self.employer.clone(),
        }
    }

    /// The birth date from the number, else the one an administrator entered.
    pub fn birth_date(&self) -> Option<NaiveDate> {
        self.personnummer.birth_date().or(self.birth_date)
    }

    /// Age in whole years on `date`, when the birth date is known.
    pub fn age_on(&self, date: NaiveDate) -> Option<i32> {
        self.birth_date().map(|b| super::personnummer::age_on(b, date))
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Recipient {
    pub id: RecipientId,
    pub personnummer: Personnummer,
    pub first_name: String,
    pub last_name: String,
}

impl Recipient {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }
}

/// The provider (assistansanordnare): here the municipality.
#[derive(Clone, Debug, Serialize)]
pub struct Provider {
    pub name: String,
    pub organisationsnummer: Organisationsnummer,
    pub contact_person: String,
    pub phone: String,
    pub f_skatt: bool,
    /// IVO permit reference; municipalities need none, so it may be empty.
    pub ivo_permit: String,
}

/// The capacity a representative acts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Capacity {
    Vardnadshavare,
    GodMan,
    Forvaltare,
}

impl Capacity {
    pub const ALL: [Capacity; 3] =
        [Capacity::Vardnadshavare, Capacity::GodMan, Capacity::Forvaltare];

    pub fn code(self) -> &'static str {
        match self {
            Capacity::Vardnadshavare => "vardnadshavare",
            Capacity::GodMan => "god_man",
            Capacity::Forvaltare => "forvaltare",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisationsnummer_checks_luhn_and_the_group_digit() {
        // 212000-0142: a municipality-style number; Luhn over 2120000142 → 2+1+4+2+0+0+0+1+8+2 = 20.
        assert_eq!(Organisationsnummer::parse("212000-0142").unwrap().as_str(), "2120000142");
        assert!(Organisationsnummer::parse("212000-0143").is_none());
        // Third digit must be ≥ 2 (otherwise it is a personnummer).
        assert!(Organisationsnummer::parse("8112289874").is_none());
    }
}

/// What a user is in a municipality: the administrator, an assistant, a recipient, a
/// representative (guardian, god man or förvaltare) acting for named recipients, or a work
/// leader (arbetsledare) who plans and follows the month for the recipients given them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Assistant,
    Recipient,
    /// Guardian, god man or förvaltare: acts for named recipients with their rights.
    Representative,
    /// Plans, follows, reminds and attests for the recipients an administrator gives them,
    /// and nothing for anyone else (issue 27).
    WorkLeader,
}

impl Role {
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Assistant => "assistant",
            Role::Recipient => "recipient",
            Role::Representative => "representative",
            Role::WorkLeader => "work_leader",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [Role::Admin, Role::Assistant, Role::Recipient, Role::Representative, Role::WorkLeader]
            .into_iter()
            .find(|r| r.code() == s)
    }
}

/// What a municipality lets only a strong sign-in reach (issue 26): the administrator's pages,
/// a full personnummer, health data (hospital stays), signing (the recipient's approval and
/// räkning) and the assistant's attestation on honour (its own choice: a municipality may ask
/// it of the recipients' signatures and not of 5,000 assistants' monthly submissions). Stored
/// as a comma list of the codes ([`StrongFor::codes`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StrongFor {
    pub admin: bool,
    pub personnummer: bool,
    pub health: bool,
    pub signing: bool,
    #[serde(default)]
    pub attestation: bool,
}

impl StrongFor {
    pub const CODES: [&'static str; 5] =
        ["admin", "personnummer", "health", "signing", "attestation"];

    /// From the stored comma list; unknown codes are ignored.
    pub fn parse(s: &str) -> Self {
        let has = |c: &str| s.split(',').any(|p| p.trim() == c);
        Self {
            admin: has("admin"),
            personnummer: has("personnummer"),
            health: has("health"),
            signing: has("signing"),
            attestation: has("attestation"),
        }
    }

    /// The stored comma list.
    pub fn codes(self) -> String {
        let on = [self.admin, self.personnummer, self.health, self.signing, self.attestation];
        Self::CODES
            .iter()
            .zip(on)
            .filter(|(_, on)| *on)
            .map(|(c, _)| *c)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// How the session's person signed in (issue 26), kept in the session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignIn {
    /// BITA's own password.
    #[default]
    Password,
    /// An OpenID provider whose `acr` is not among the municipality's strong values.
    Provider,
    /// An OpenID provider with a strong `acr` (e-legitimation).
    Strong,
    /// BITA's password and a one-time code from the account's authenticator app (or one of
    /// its recovery codes).
    PasswordOtp,
}

impl SignIn {
    /// Strong enough for what a municipality reserves for a strong sign-in (the administrator's
    /// pages, a full personnummer, health data): e-legitimation, or a password with a second
    /// factor. Signing is decided apart: bound to the document by an e-legitimation.
    pub fn is_strong(self) -> bool {
        matches!(self, SignIn::Strong | SignIn::PasswordOtp)
    }
}

#[cfg(test)]
mod strong_tests {
    use super::*;

    #[test]
    fn strong_for_round_trips_and_ignores_unknown_codes() {
        let s = StrongFor { admin: true, signing: true, ..Default::default() };
        assert_eq!(s.codes(), "admin,signing");
        assert_eq!(StrongFor::parse("admin, signing,bogus"), s);
        assert_eq!(StrongFor::parse(""), StrongFor::default());
    }
}
