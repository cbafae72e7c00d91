//! The provider's settings and the recipient card's smaller forms (issue 8), parsed at the
//! edge: the provider (anordnare), a year's standard hourly amount, the rule settings the
//! engine's [`RuleConfig`] holds, a representative and an absence. What was typed stays text;
//! what is wrong is a list of [`FieldError`]s, each naming its field by the form's name.

use super::people::{Capacity, Organisationsnummer};
use super::rules::{AbsenceKind, RuleConfig, Severity};
use super::text::clean_text;
use super::{Minutes, Personnummer, Provider};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Longest name, phone and similar short field.
const MAX_SHORT: usize = 200;

/// What is wrong with one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Problem {
    Missing,
    /// Too long or with control characters.
    Text,
    Date,
    /// The end is before the start.
    Order,
    Choice,
    Number,
    Personnummer,
    Organisationsnummer,
    Year,
    Amount,
    Email,
    /// A raised hourly amount more than 12 % above the year's standard amount.
    RaisedTooHigh,
    /// A samordningsnummer where FK needs a personnummer.
    Samordningsnummer,
    /// The same thing exists already (an organisationsnummer).
    Taken,
    /// A username that cannot be used: taken, here or in another municipality (which is not
    /// said: usernames are one namespace for the installation).
    UsernameUnusable,
    /// Another absence of the same kind covers part of the same days.
    Overlaps,
    /// Not an https address (an OpenID provider's issuer).
    Address,
    /// Not a short address of letters a–z, digits and hyphens.
    Slug,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's `name`.
    pub field: String,
    pub problem: Problem,
}

impl FieldError {
    pub fn new(field: &str, problem: Problem) -> Self {
        Self { field: field.into(), problem }
    }
}

/// Collects the problems of one form.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn push(&mut self, field: &str, p: Problem) {
        self.0.push(FieldError::new(field, p));
    }

    /// Required short text.
    fn text(&mut self, field: &str, s: &str, required: bool) -> String {
        match clean_text(s, MAX_SHORT) {
            Ok(t) if t.is_empty() && required => {
                self.push(field, Problem::Missing);
                t
            }
            Ok(t) => t,
            Err(_) => {
                self.push(field, Problem::Text);
                String::new()
            }
        }
    }

    fn date(&mut self, field: &str, s: &str) -> Option<NaiveDate> {
        let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
        if d.is_none() {
            self.push(field, if s.trim().is_empty() { Problem::Missing } else { Problem::Date });
        }
        d
    }

    /// A whole number in `range`.
    fn number(&mut self, field: &str, s: &str, range: std::ops::RangeInclusive<i64>) -> i64 {
        match s.trim().parse::<i64>() {
            Ok(n) if range.contains(&n) => n,
            _ => {
                self.push(field, Problem::Number);
                *range.start()
            }
        }
    }

    /// Hours as typed (`11`, `11,5`) within `range` hours, as minutes.
    fn hours(&mut self, field: &str, s: &str, range: std::ops::RangeInclusive<i64>) -> Minutes {
        use rust_decimal::prelude::ToPrimitive;
        match super::rates::parse_kr(s) {
            Some(h) if h >= Decimal::from(*range.start()) && h <= Decimal::from(*range.end()) => {
                Minutes((h * Decimal::from(60)).round().to_i64().unwrap_or(0))
            }
            _ => {
                self.push(field, Problem::Number);
                Minutes(range.start() * 60)
            }
        }
    }

    fn done<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.0.is_empty() { Ok(value) } else { Err(self.0) }
    }
}

/// The provider form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ProviderInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub org_number: String,
    #[serde(default)]
    pub contact_person: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub f_skatt: bool,
    #[serde(default)]
    pub ivo_permit: String,
}

impl ProviderInput {
    pub fn of(p: &Provider) -> Self {
        Self {
            name: p.name.clone(),
            org_number: p.organisationsnummer.as_str().to_string(),
            contact_person: p.contact_person.clone(),
            phone: p.phone.clone(),
            f_skatt: p.f_skatt,
            ivo_permit: p.ivo_permit.clone(),
        }
    }

    pub fn parse(&self) -> Result<Provider, Vec<FieldError>> {
        let mut e = Errors::default();
        let name = e.text("name", &self.name, true);
        let org = Organisationsnummer::parse(&self.org_number);
        if org.is_none() {
            e.push(
                "org_number",
                if self.org_number.trim().is_empty() {
                    Problem::Missing
                } else {
                    Problem::Organisationsnummer
                },
            );
        }
        let contact_person = e.text("contact_person", &self.contact_person, true);
        let phone = e.text("phone", &self.phone, true);
        let ivo_permit = e.text("ivo_permit", &self.ivo_permit, false);
        match org {
            Some(organisationsnummer) => e.done(Provider {
                name,
                organisationsnummer,
                contact_person,
                phone,
                f_skatt: self.f_skatt,
                ivo_permit,
            }),
            None => Err(e.0),
        }
    }
}

/// A year's standard hourly amount as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RateInput {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub amount: String,
}

impl RateInput {
    pub fn parse(&self) -> Result<(i32, Decimal), Vec<FieldError>> {
        let mut e = Errors::default();
        let year = self.year.trim().parse::<i32>().ok().filter(|y| (1994..=2200).contains(y));
        if year.is_none() {
            e.push("year", Problem::Year);
        }
        let amount = super::rates::parse_kr(&self.amount)
            .filter(|a| *a > Decimal::ZERO && *a <= Decimal::from(10_000));
        if amount.is_none() {
            e.push("amount", Problem::Amount);
        }
        match (year, amount) {
            (Some(y), Some(a)) => e.done((y, a)),
            _ => Err(e.0),
        }
    }
}

/// The municipality's own hourly amount for assistance under LSS (the LSS report's amount), as
/// typed; empty clears it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LssRateInput {
    #[serde(default)]
    pub amount: String,
}

impl LssRateInput {
    pub fn parse(&self) -> Result<Option<Decimal>, Vec<FieldError>> {
        if self.amount.trim().is_empty() {
            return Ok(None);
        }
        match super::rates::parse_kr(&self.amount)
            .filter(|a| *a > Decimal::ZERO && *a <= Decimal::from(10_000))
        {
            Some(a) => Ok(Some(a)),
            None => Err(vec![FieldError::new("amount", Problem::Amount)]),
        }
    }
}

/// The rule settings as typed: hours as hours, shares in percent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RulesInput {
    #[serde(default)]
    pub daily_rest: String,
    #[serde(default)]
    pub weekly_rest: String,
    #[serde(default)]
    pub max_shift: String,
    #[serde(default)]
    pub max_shift_by_decision: String,
    #[serde(default)]
    pub max_active_pass: String,
    #[serde(default)]
    pub grant_warn_percent: String,
    #[serde(default)]
    pub max_hospital_days: String,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub beredskap_is_work: bool,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub shift_counts_beredskap: bool,
    /// Working-time findings (V5) block submission instead of warning.
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub working_time_errors: bool,
}

/// Hours as the form shows them: `11`, `36`, `12,5`.
fn hours_text(m: Minutes) -> String {
    let h = Decimal::new(m.0, 0) / Decimal::from(60);
    h.normalize().to_string().replace('.', ",")
}

impl RulesInput {
    pub fn of(c: &RuleConfig) -> Self {
        Self {
            daily_rest: hours_text(c.daily_rest),
            weekly_rest: hours_text(c.weekly_rest),
            max_shift: hours_text(c.max_shift),
            max_shift_by_decision: hours_text(c.max_shift_by_decision),
            max_active_pass: hours_text(c.max_active_pass),
            grant_warn_percent: c.grant_warn_percent.to_string(),
            max_hospital_days: c.max_hospital_days.to_string(),
            beredskap_is_work: c.beredskap_is_work,
            shift_counts_beredskap: c.shift_counts_beredskap,
            working_time_errors: c.working_time_severity == Severity::Error,
        }
    }

    /// Within what the law and the agreements allow: rest at most what they require at least,
    /// shifts at most 24 hours.
    pub fn parse(&self) -> Result<RuleConfig, Vec<FieldError>> {
        let mut e = Errors::default();
        let c = RuleConfig {
            daily_rest: e.hours("daily_rest", &self.daily_rest, 8..=24),
            weekly_rest: e.hours("weekly_rest", &self.weekly_rest, 24..=72),
            max_shift: e.hours("max_shift", &self.max_shift, 1..=24),
            max_shift_by_decision: e.hours(
                "max_shift_by_decision",
                &self.max_shift_by_decision,
                1..=24,
            ),
            max_active_pass: e.hours("max_active_pass", &self.max_active_pass, 1..=24),
            grant_warn_percent: e.number("grant_warn_percent", &self.grant_warn_percent, 50..=100),
            max_hospital_days: e.number("max_hospital_days", &self.max_hospital_days, 0..=365),
            beredskap_is_work: self.beredskap_is_work,
            shift_counts_beredskap: self.shift_counts_beredskap,
            working_time_severity: if self.working_time_errors {
                Severity::Error
            } else {
                Severity::Warning
            },
        };
        e.done(c)
    }
}

/// A representative as typed on the recipient card: who, in which capacity, and their login.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepresentativeInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub capacity: String,
    #[serde(default)]
    pub personnummer: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub username: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct RepresentativeData {
    pub name: String,
    pub capacity: Capacity,
    pub personnummer: Personnummer,
    pub email: String,
    pub username: String,
}

/// A plausible e-mail address (one `@`, a dot after it, no spaces); empty is allowed.
pub fn email_ok(s: &str) -> bool {
    let s = s.trim();
    s.is_empty()
        || (s.len() <= 254
            && !s.contains(char::is_whitespace)
            && s.split_once('@').is_some_and(|(a, b)| {
                !a.is_empty()
                    && !b.contains('@')
                    && b.contains('.')
                    && !b.starts_with('.')
                    && !b.ends_with('.')
            }))
}

/// The longest username: one rule where an account is made and where it logs in.
pub const MAX_USERNAME: usize = 64;

/// A login name: no spaces or control characters, at most [`MAX_USERNAME`] characters. The
/// same rule for every way an account is made (the register, a representative, the command
/// line), so a name that is accepted can always log in.
pub fn username_ok(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.chars().count() <= MAX_USERNAME
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

impl RepresentativeInput {
    pub fn parse(&self, today: NaiveDate) -> Result<RepresentativeData, Vec<FieldError>> {
        let mut e = Errors::default();
        let name = e.text("name", &self.name, true);
        let capacity = Capacity::from_code(&self.capacity);
        if capacity.is_none() {
            e.push("capacity", Problem::Choice);
        }
        // The 3057 carries the representative's personnummer.
        let pnr = match Personnummer::parse_at(&self.personnummer, today) {
            Ok(p) => Some(p),
            Err(_) => {
                e.push(
                    "personnummer",
                    if self.personnummer.trim().is_empty() {
                        Problem::Missing
                    } else {
                        Problem::Personnummer
                    },
                );
                None
            }
        };
        if !email_ok(&self.email) {
            e.push("email", Problem::Email);
        }
        if !username_ok(&self.username) {
            e.push(
                "username",
                if self.username.trim().is_empty() { Problem::Missing } else { Problem::Text },
            );
        }
        match (capacity, pnr) {
            (Some(capacity), Some(personnummer)) => e.done(RepresentativeData {
                name,
                capacity,
                personnummer,
                email: self.email.trim().into(),
                username: self.username.trim().into(),
            }),
            _ => Err(e.0),
        }
    }
}

/// An absence as typed on the recipient card.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AbsenceInput {
    /// `hospital`, `school`, `daily_activity` or `childcare`.
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    /// Assistance is given during the absence (e.g. in hospital, up to the configured days).
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub assistance_allowed: bool,
}

pub fn absence_kind_code(k: AbsenceKind) -> &'static str {
    match k {
        AbsenceKind::Hospital => "hospital",
        AbsenceKind::School => "school",
        AbsenceKind::DailyActivity => "daily_activity",
        AbsenceKind::Childcare => "childcare",
    }
}

pub fn absence_kind(code: &str) -> Option<AbsenceKind> {
    [AbsenceKind::Hospital, AbsenceKind::School, AbsenceKind::DailyActivity, AbsenceKind::Childcare]
        .into_iter()
        .find(|k| absence_kind_code(*k) == code)
}

impl AbsenceInput {
    pub fn parse(&self, recipient: i64) -> Result<super::rules::Absence, Vec<FieldError>> {
        let mut e = Errors::default();
        let kind = absence_kind(&self.kind);
        if kind.is_none() {
            e.push("kind", Problem::Choice);
        }
        let from = e.date("from", &self.from);
        let to = e.date("to", &self.to);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.push("to", Problem::Order);
            } else if (t - f).num_days() > 366 {
                e.push("to", Problem::Date);
            }
        }
        match (kind, from, to) {
            (Some(kind), Some(from), Some(to)) => e.done(super::rules::Absence {
                recipient,
                kind,
                from,
                to,
                assistance_allowed: self.assistance_allowed,
            }),
            _ => Err(e.0),
        }
    }
}

/// Why a raised hourly amount is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaisedRateError {
    /// More than 12 % above the standard amount of a year the decision covers.
    TooHigh,
    /// A year the decision covers, up to this one, has no standard amount to compare with.
    StandardUnknown(i32),
}

/// Checks a raised hourly amount against the standard amount of each year the decision covers:
/// at most 12 % above. Every year up to `today`'s must have its standard entered (a raised
/// amount that cannot be checked is refused, never waved through); a later year's amount is
/// not decided yet and is checked when it is entered.
pub fn check_raised_rate(
    raised: Decimal,
    from: NaiveDate,
    to: NaiveDate,
    rates: &super::RateTable,
    today: NaiveDate,
) -> Result<(), RaisedRateError> {
    use chrono::Datelike;
    for y in from.year()..=to.year() {
        match rates.standard(y) {
            Ok(s) if raised > s * Decimal::new(112, 2) => return Err(RaisedRateError::TooHigh),
            Ok(_) => {}
            Err(_) if y <= today.year() => return Err(RaisedRateError::StandardUnknown(y)),
            Err(_) => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn rule_settings_round_trip_through_the_form_and_refuse_what_the_law_does_not_allow() {
        let c = RuleConfig::default();
        assert_eq!(RulesInput::of(&c).parse().unwrap(), c);
        let bad = RulesInput {
            daily_rest: "7".into(),
            max_shift: "25".into(),
            grant_warn_percent: "x".into(),
            ..RulesInput::of(&c)
        };
        let fields: Vec<String> = bad.parse().unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["daily_rest", "max_shift", "grant_warn_percent"]);
        let half = RulesInput { daily_rest: "11,5".into(), ..RulesInput::of(&c) };
        assert_eq!(half.parse().unwrap().daily_rest, Minutes(690));
    }

    #[test]
    fn a_rate_needs_a_year_and_an_amount_in_kronor() {
        assert_eq!(
            RateInput { year: "2025".into(), amount: "342,10".into() }.parse().unwrap(),
            (2025, Decimal::new(34210, 2))
        );
        let e = RateInput { year: "25".into(), amount: "-1".into() }.parse().unwrap_err();
        assert_eq!(
            e,
            vec![
                FieldError::new("year", Problem::Year),
                FieldError::new("amount", Problem::Amount)
            ]
        );
    }

    #[test]
    fn raised_amount_is_checked_against_each_year_with_a_standard() {
        let rates = crate::RateTable::with_known_years();
        let today = d("2026-11-24");
        let check = |kr: i64, from: &str, to: &str| {
            check_raised_rate(Decimal::new(kr, 2), d(from), d(to), &rates, today)
        };
        // 332,60 × 1,12 = 372,512
        assert_eq!(check(37251, "2024-01-01", "2024-12-31"), Ok(()));
        assert_eq!(check(37252, "2024-01-01", "2024-12-31"), Err(RaisedRateError::TooHigh));
        // 2023: 324,50 × 1,12 = 363,44
        assert_eq!(check(36400, "2023-06-01", "2024-05-31"), Err(RaisedRateError::TooHigh));
        // Issue 24 item 7: 999,00 kr in 2025 was accepted (no standard shipped); 342,60 × 1,12 = 383,71.
        assert_eq!(check(99900, "2025-01-01", "2025-12-31"), Err(RaisedRateError::TooHigh));
        assert_eq!(
            check(38371, "2025-01-01", "2026-12-31"),
            Ok(()),
            "2026: 347,70 × 1,12 = 389,42"
        );
        // A year that has begun without a standard is refused; one still to come is not judged.
        let mut without = crate::RateTable::default();
        without.set(2025, Decimal::new(34260, 2));
        assert_eq!(
            check_raised_rate(
                Decimal::new(35000, 2),
                d("2025-01-01"),
                d("2026-12-31"),
                &without,
                today
            ),
            Err(RaisedRateError::StandardUnknown(2026))
        );
        assert_eq!(check(35000, "2026-06-01", "2031-12-31"), Ok(()));
    }

    #[test]
    fn absences_need_a_kind_and_dates_in_order() {
        let ok = AbsenceInput {
            kind: "hospital".into(),
            from: "2026-03-01".into(),
            to: "2026-03-04".into(),
            assistance_allowed: true,
        };
        assert_eq!(ok.parse(7).unwrap().kind, AbsenceKind::Hospital);
        let e = AbsenceInput { kind: "beach".into(), to: "2026-02-01".into(), ..ok }
            .parse(7)
            .unwrap_err();
        assert_eq!(
            e,
            vec![FieldError::new("kind", Problem::Choice), FieldError::new("to", Problem::Order)]
        );
    }

    #[test]
    fn representatives_need_a_capacity_a_personnummer_and_a_login_name() {
        let today = d("2026-11-24");
        let ok = RepresentativeInput {
            name: "Eva Ek".into(),
            capacity: "god_man".into(),
            personnummer: "19121212-1212".into(),
            email: "eva@example.se".into(),
            username: "eva.ek".into(),
        };
        assert_eq!(ok.parse(today).unwrap().capacity, Capacity::GodMan);
        let bad = RepresentativeInput {
            capacity: "uncle".into(),
            personnummer: "1".into(),
            email: "nope".into(),
            username: "a b".into(),
            ..ok
        };
        let fields: Vec<String> =
            bad.parse(today).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["capacity", "personnummer", "email", "username"]);
        assert!(email_ok("") && email_ok("a@b.se") && !email_ok("a@b") && !email_ok("a@@b.se"));
    }

    #[test]
    fn a_username_is_accepted_only_as_long_as_a_login_takes_it() {
        assert!(username_ok(&"a".repeat(MAX_USERNAME)));
        assert!(
            !username_ok(&"a".repeat(MAX_USERNAME + 1)),
            "65 characters would be stored but could never log in"
        );
        assert!(!username_ok("eva ek") && !username_ok("") && !username_ok("eva\u{7}"));
    }
}

/// One OpenID provider of a municipality as typed in the admin pages (issue 26). The client
/// secret is never shown again, so it is not kept with a refused form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct IdProviderInput {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub issuer: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default, skip_serializing)]
    pub client_secret: String,
    #[serde(default)]
    pub scopes: String,
    #[serde(default)]
    pub pnr_claim: String,
    #[serde(default)]
    pub email_claim: String,
    #[serde(default)]
    pub strong_acr: String,
}

/// An OpenID provider's settings, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdProviderSettings {
    pub name: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: String,
    pub scopes: String,
    pub pnr_claim: String,
    pub email_claim: String,
    pub strong_acr: String,
}

/// An issuer: `https://…`, or `http://` on this machine (127.0.0.1, localhost) for tests and
/// development; no spaces, no query, at most 300 characters.
pub fn issuer_ok(s: &str) -> bool {
    let local =
        ["http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/"];
    s.len() <= 300
        && (s.starts_with("https://") || local.iter().any(|p| s.starts_with(p)))
        && s.len() > "https://".len()
        && !s.contains(['?', '#'])
        && s.chars().all(|c| c.is_ascii_graphic())
}

/// Space-separated tokens of visible ASCII (scopes, acr values), at most `max` characters.
fn tokens(s: &str, max: usize) -> Option<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (t.len() <= max && t.chars().all(|c| c.is_ascii_graphic() || c == ' ')).then_some(t)
}

impl IdProviderInput {
    pub fn parse(&self) -> Result<IdProviderSettings, Vec<FieldError>> {
        let mut e = Errors::default();
        let name = e.text("name", &self.name, true);
        let issuer = self.issuer.trim().trim_end_matches('/').to_string();
        if issuer.is_empty() {
            e.push("issuer", Problem::Missing);
        } else if !issuer_ok(&issuer) {
            e.push("issuer", Problem::Address);
        }
        let client_id = e.text("client_id", &self.client_id, true);
        let client_secret = self.client_secret.trim().to_string();
        if client_secret.is_empty() {
            e.push("client_secret", Problem::Missing);
        } else if client_secret.len() > 500 || !client_secret.chars().all(|c| c.is_ascii_graphic())
        {
            e.push("client_secret", Problem::Text);
        }
        let mut scopes = tokens(&self.scopes, 300).unwrap_or_else(|| {
            e.push("scopes", Problem::Text);
            String::new()
        });
        if !scopes.split(' ').any(|s| s == "openid") {
            scopes = if scopes.is_empty() { "openid".into() } else { format!("openid {scopes}") };
        }
        let mut claim = |field: &str, v: &str| {
            let v = v.trim();
            if v.len() > 200 || !v.chars().all(|c| c.is_ascii_graphic()) {
                e.push(field, Problem::Text);
            }
            v.to_string()
        };
        let pnr_claim = claim("pnr_claim", &self.pnr_claim);
        let email_claim = claim("email_claim", &self.email_claim);
        let strong_acr = tokens(&self.strong_acr, 500).unwrap_or_else(|| {
            e.push("strong_acr", Problem::Text);
            String::new()
        });
        e.done(IdProviderSettings {
            name,
            issuer,
            client_id,
            client_secret,
            scopes,
            pnr_claim,
            email_claim,
            strong_acr,
        })
    }
}

/// A municipality's short sign-in address (`/logga-in/<slug>`): 2–40 of a–z, 0–9 and hyphens;
/// empty means none.
pub fn slug(s: &str) -> Result<Option<String>, Problem> {
    let s = s.trim().to_lowercase();
    if s.is_empty() {
        return Ok(None);
    }
    let ok = (2..=40).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-');
    if ok { Ok(Some(s)) } else { Err(Problem::Slug) }
}

#[cfg(test)]
mod id_provider_tests {
    use super::*;

    fn input() -> IdProviderInput {
        IdProviderInput {
            name: "BankID".into(),
            issuer: "https://eid.example.se/".into(),
            client_id: "bita".into(),
            client_secret: "s3cret".into(),
            scopes: "profile".into(),
            pnr_claim: "https://id.oidc.se/claim/personalIdentityNumber".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_provider_needs_an_https_issuer_and_always_asks_for_openid() {
        let p = input().parse().unwrap();
        assert_eq!(p.issuer, "https://eid.example.se");
        assert_eq!(p.scopes, "openid profile");
        for bad in ["http://eid.example.se", "ftp://x", "https://a b", "https://x?y=1"] {
            let e = IdProviderInput { issuer: bad.into(), ..input() }.parse().unwrap_err();
            assert_eq!(e, vec![FieldError::new("issuer", Problem::Address)], "{bad}");
        }
        assert!(
            IdProviderInput { issuer: "http://127.0.0.1:4000".into(), ..input() }.parse().is_ok()
        );
        let e = IdProviderInput { client_secret: String::new(), ..input() }.parse().unwrap_err();
        assert_eq!(e, vec![FieldError::new("client_secret", Problem::Missing)]);
    }

    #[test]
    fn a_short_address_is_lowercase_letters_digits_and_hyphens() {
        assert_eq!(slug(" Exempelby "), Ok(Some("exempelby".into())));
        assert_eq!(slug(""), Ok(None));
        for bad in ["a", "-x", "ex empel", "exempelby/", "å"] {
            assert_eq!(slug(bad), Err(Problem::Slug), "{bad}");
        }
    }
}
