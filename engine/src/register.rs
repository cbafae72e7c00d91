//! The administrator's register forms, parsed at the edge: what was typed becomes valid data
//! or a list of what is wrong, each tied to its field (and nothing is saved half).

use super::people::Employer;
use super::text::{TextError, clean_text};
use super::{Organisationsnummer, Personnummer, Regime};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The assistant form as typed. Every field is text (or a checkbox), so nothing typed is lost.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AssistantInput {
    /// Empty when editing: the stored number is kept (the form never shows it in full).
    #[serde(default)]
    pub personnummer: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    /// Needed only for a samordningsnummer that carries no birth date.
    #[serde(default)]
    pub birth_date: String,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub eea_resident: bool,
    /// `atl`, `husligt_arbete` or `ab_bilaga_j`.
    #[serde(default)]
    pub regime: String,
    #[serde(default)]
    pub period_start: String,
    #[serde(default)]
    pub period_months: String,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub allow_24h_shifts: bool,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub collective_agreement: bool,
    /// `provider`, `other` or `self`.
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub other_employer_name: String,
    #[serde(default)]
    pub other_employer_org: String,
    #[serde(default)]
    pub phone: String,
    /// The payroll system's employment id (anställningsnummer), for the payroll export.
    #[serde(default)]
    pub employee_number: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegField {
    Personnummer,
    FirstName,
    LastName,
    BirthDate,
    Regime,
    PeriodStart,
    PeriodMonths,
    Employer,
    OtherEmployerName,
    OtherEmployerOrg,
    Phone,
    EmployeeNumber,
}

impl RegField {
    pub fn name(self) -> &'static str {
        match self {
            RegField::Personnummer => "personnummer",
            RegField::FirstName => "first_name",
            RegField::LastName => "last_name",
            RegField::BirthDate => "birth_date",
            RegField::Regime => "regime",
            RegField::PeriodStart => "period_start",
            RegField::PeriodMonths => "period_months",
            RegField::Employer => "employer",
            RegField::OtherEmployerName => "other_employer_name",
            RegField::OtherEmployerOrg => "other_employer_org",
            RegField::Phone => "phone",
            RegField::EmployeeNumber => "employee_number",
        }
    }
}

/// What is wrong with a register form, field by field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegError {
    PersonnummerInvalid,
    /// Another assistant of the municipality has the number.
    PersonnummerTaken,
    Missing(RegField),
    Text(RegField, TextErrorKind),
    /// A samordningsnummer without a birth date: the age rule needs one.
    BirthDateNeeded,
    DateInvalid(RegField),
    PeriodMonthsInvalid,
    Choice(RegField),
    OrganisationsnummerInvalid,
    /// FK takes no samordningsnummer for the person who has assistance.
    SamordningsnummerForRecipient,
}

/// [`TextError`] as data for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum TextErrorKind {
    TooLong,
    ControlCharacters,
}

impl From<TextError> for TextErrorKind {
    fn from(e: TextError) -> Self {
        match e {
            TextError::TooLong => TextErrorKind::TooLong,
            TextError::ControlCharacters => TextErrorKind::ControlCharacters,
        }
    }
}

impl RegError {
    pub fn field(&self) -> RegField {
        match self {
            RegError::PersonnummerInvalid
            | RegError::PersonnummerTaken
            | RegError::SamordningsnummerForRecipient => RegField::Personnummer,
            RegError::Missing(f)
            | RegError::Text(f, _)
            | RegError::DateInvalid(f)
            | RegError::Choice(f) => *f,
            RegError::BirthDateNeeded => RegField::BirthDate,
            RegError::PeriodMonthsInvalid => RegField::PeriodMonths,
            RegError::OrganisationsnummerInvalid => RegField::OtherEmployerOrg,
        }
    }
}

/// A valid assistant from the form.
#[derive(Clone, Debug, PartialEq)]
pub struct AssistantData {
    /// None: keep the stored number (editing without retyping it).
    pub personnummer: Option<Personnummer>,
    pub first_name: String,
    pub last_name: String,
    pub birth_date: Option<NaiveDate>,
    pub eea_resident: bool,
    pub regime: Regime,
    pub collective_agreement: bool,
    pub employer: Employer,
    pub phone: String,
    pub employee_number: String,
}

/// The longest name or phone number BITA stores.
const MAX_SHORT: usize = 100;

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

impl AssistantInput {
    /// Parses the form; `editing` allows an empty personnummer (keep the stored one), and
    /// `stored_has_birth_date` says whether that stored number carries a birth date.
    pub fn parse(
        &self,
        editing: bool,
        stored_has_birth_date: bool,
        today: NaiveDate,
    ) -> Result<AssistantData, Vec<RegError>> {
        let mut errors = Vec::new();
        let mut text = |field: RegField, s: &str, required: bool| match clean_text(s, MAX_SHORT) {
            Ok(t) if t.is_empty() && required => {
                errors.push(RegError::Missing(field));
                t
            }
            Ok(t) => t,
            Err(e) => {
                errors.push(RegError::Text(field, e.into()));
                String::new()
            }
        };
        let first_name = text(RegField::FirstName, &self.first_name, true);
        let last_name = text(RegField::LastName, &self.last_name, true);
        let phone = text(RegField::Phone, &self.phone, false);
        let employee_number = text(RegField::EmployeeNumber, &self.employee_number, false);
        let other_name = text(RegField::OtherEmployerName, &self.other_employer_name, false);

        let personnummer = match (self.personnummer.trim().is_empty(), editing) {
            (true, true) => None,
            (true, false) => {
                errors.push(RegError::Missing(RegField::Personnummer));
                None
            }
            (false, _) => match Personnummer::parse_at(&self.personnummer, today) {
                Ok(p) => Some(p),
                Err(_) => {
                    errors.push(RegError::PersonnummerInvalid);
                    None
                }
            },
        };
        let birth_date = match self.birth_date.trim() {
            "" => None,
            s => match date(s).filter(|d| *d <= today) {
                Some(d) => Some(d),
                None => {
                    errors.push(RegError::DateInvalid(RegField::BirthDate));
                    None
                }
            },
        };
        let number_has_date = match &personnummer {
            Some(p) => p.birth_date().is_some(),
            None => stored_has_birth_date,
        };
        let typed_number_ok = personnummer.is_some() || editing;
        if typed_number_ok
            && !number_has_date
            && birth_date.is_none()
            && !errors.iter().any(|e| e.field() == RegField::BirthDate)
        {
            errors.push(RegError::BirthDateNeeded);
        }

        let period_start = match self.regime.as_str() {
            "atl" | "husligt_arbete" | "ab_bilaga_j" => match date(&self.period_start) {
                Some(d) => Some(d),
                None => {
                    errors.push(RegError::DateInvalid(RegField::PeriodStart));
                    None
                }
            },
            _ => {
                errors.push(RegError::Choice(RegField::Regime));
                None
            }
        };
        let months = match self.regime.as_str() {
            "husligt_arbete" => Some(1),
            _ => match self.period_months.trim().parse::<u32>() {
                Ok(m) if (1..=4).contains(&m) => Some(m),
                _ => {
                    if matches!(self.regime.as_str(), "atl" | "ab_bilaga_j") {
                        errors.push(RegError::PeriodMonthsInvalid);
                    }
                    None
                }
            },
        };
        let regime = match (self.regime.as_str(), period_start, months) {
            ("atl", Some(period_start), Some(period_months)) => {
                Some(Regime::Atl { period_start, period_months })
            }
            ("husligt_arbete", Some(period_start), _) => {
                Some(Regime::HusligtArbete { period_start })
            }
            ("ab_bilaga_j", Some(period_start), Some(period_months)) => Some(Regime::AbBilagaJ {
                allow_24h_shifts: self.allow_24h_shifts,
                period_start,
                period_months,
            }),
            _ => None,
        };
        let employer = match self.employer.as_str() {
            "provider" => Some(Employer::Provider),
            "self" => Some(Employer::SelfEmployed),
            "other" => {
                if other_name.is_empty() {
                    errors.push(RegError::Missing(RegField::OtherEmployerName));
                }
                match Organisationsnummer::parse(&self.other_employer_org) {
                    Some(org) => Some(Employer::Other {
                        name: other_name.clone(),
                        organisationsnummer: org.as_str().to_string(),
                    }),
                    None => {
                        errors.push(RegError::OrganisationsnummerInvalid);
                        None
                    }
                }
            }
            _ => {
                errors.push(RegError::Choice(RegField::Employer));
                None
            }
        };
        match (regime, employer) {
            (Some(regime), Some(employer)) if errors.is_empty() => Ok(AssistantData {
                personnummer,
                first_name,
                last_name,
                birth_date,
                eea_resident: self.eea_resident,
                regime,
                collective_agreement: self.collective_agreement,
                employer,
                phone,
                employee_number,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
    }

    fn valid() -> AssistantInput {
        AssistantInput {
            personnummer: "19700512-0105".into(),
            first_name: "Anna".into(),
            last_name: "Andersson".into(),
            eea_resident: true,
            regime: "ab_bilaga_j".into(),
            period_start: "2026-01-01".into(),
            period_months: "4".into(),
            employer: "provider".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_form_gives_the_assistant() {
        let a = valid().parse(false, false, today()).unwrap();
        assert_eq!(a.personnummer.unwrap().full(), "197005120105");
        assert!(matches!(a.regime, Regime::AbBilagaJ { period_months: 4, .. }));
    }

    #[test]
    fn every_wrong_field_is_named() {
        let mut i = valid();
        i.personnummer = "19700512-0106".into();
        i.first_name = " ".into();
        i.regime = "jour".into();
        i.employer = "other".into();
        i.other_employer_org = "123".into();
        let errors = i.parse(false, false, today()).unwrap_err();
        let fields: Vec<RegField> = errors.iter().map(|e| e.field()).collect();
        for f in [
            RegField::Personnummer,
            RegField::FirstName,
            RegField::Regime,
            RegField::OtherEmployerName,
            RegField::OtherEmployerOrg,
        ] {
            assert!(fields.contains(&f), "{f:?} in {errors:?}");
        }
    }

    #[test]
    fn a_samordningsnummer_without_birth_date_needs_one_typed() {
        let mut i = valid();
        i.personnummer = "197000602396".into(); // month 00, day 60
        assert_eq!(i.parse(false, false, today()).unwrap_err(), vec![RegError::BirthDateNeeded]);
        i.birth_date = "1970-06-15".into();
        assert_eq!(
            i.parse(false, false, today()).unwrap().birth_date,
            NaiveDate::from_ymd_opt(1970, 6, 15)
        );
        // Editing without retyping the number: the stored number decides.
        i.personnummer.clear();
        i.birth_date.clear();
        assert_eq!(i.parse(true, false, today()).unwrap_err(), vec![RegError::BirthDateNeeded]);
        assert!(i.parse(true, true, today()).is_ok());
    }
}

/// The assignment form (assistant ↔ recipient) as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AssignmentInput {
    #[serde(default)]
    pub recipient: String,
    #[serde(default)]
    pub valid_from: String,
    /// Empty: until further notice.
    #[serde(default)]
    pub valid_to: String,
    /// The date the assistant was reported to FK for this recipient (3066 / E-IOA); empty if not yet.
    #[serde(default)]
    pub fk_notified_on: String,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub relative: bool,
}

/// A valid assignment from the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignmentData {
    pub recipient: i64,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
    pub fk_notified_on: Option<NaiveDate>,
    pub relative: bool,
}

/// What is wrong with an assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignmentError {
    RecipientMissing,
    FromInvalid,
    ToInvalid,
    ToBeforeFrom,
    NotifiedInvalid,
    /// No decision of the recipient covers the assignment's first day.
    OutsideDecision,
    /// The assistant already has an assignment for the recipient in that period.
    Overlaps,
}

impl AssignmentInput {
    pub fn parse(&self) -> Result<AssignmentData, Vec<AssignmentError>> {
        let mut errors = Vec::new();
        let recipient = self.recipient.trim().parse::<i64>().ok();
        if recipient.is_none() {
            errors.push(AssignmentError::RecipientMissing);
        }
        let from = date(&self.valid_from);
        if from.is_none() {
            errors.push(AssignmentError::FromInvalid);
        }
        let to = match self.valid_to.trim() {
            "" => Some(None),
            s => date(s).map(Some),
        };
        if to.is_none() {
            errors.push(AssignmentError::ToInvalid);
        }
        let notified = match self.fk_notified_on.trim() {
            "" => Some(None),
            s => date(s).map(Some),
        };
        if notified.is_none() {
            errors.push(AssignmentError::NotifiedInvalid);
        }
        if let (Some(f), Some(Some(t))) = (from, to)
            && t < f
        {
            errors.push(AssignmentError::ToBeforeFrom);
        }
        match (recipient, from, to, notified) {
            (Some(recipient), Some(valid_from), Some(valid_to), Some(fk_notified_on))
                if errors.is_empty() =>
            {
                Ok(AssignmentData {
                    recipient,
                    valid_from,
                    valid_to,
                    fk_notified_on,
                    relative: self.relative,
                })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod assignment_tests {
    use super::*;

    #[test]
    fn an_assignment_needs_a_recipient_and_dates_in_order() {
        let ok = AssignmentInput {
            recipient: "3".into(),
            valid_from: "2026-01-01".into(),
            fk_notified_on: "2025-12-20".into(),
            ..Default::default()
        };
        assert_eq!(ok.parse().unwrap().valid_to, None);
        let bad = AssignmentInput {
            recipient: "".into(),
            valid_from: "2026-02-01".into(),
            valid_to: "2026-01-01".into(),
            fk_notified_on: "igår".into(),
            relative: false,
        };
        assert_eq!(
            bad.parse().unwrap_err(),
            vec![
                AssignmentError::RecipientMissing,
                AssignmentError::NotifiedInvalid,
                AssignmentError::ToBeforeFrom
            ]
        );
    }
}

/// The recipient form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RecipientInput {
    /// Empty when editing: the stored number is kept.
    #[serde(default)]
    pub personnummer: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
}

/// A valid recipient from the form.
#[derive(Clone, Debug, PartialEq)]
pub struct RecipientData {
    pub personnummer: Option<Personnummer>,
    pub first_name: String,
    pub last_name: String,
}

impl RecipientInput {
    /// A recipient needs a personnummer: FK does not take a samordningsnummer for the person
    /// who has assistance (V1).
    pub fn parse(&self, editing: bool, today: NaiveDate) -> Result<RecipientData, Vec<RegError>> {
        let mut errors = Vec::new();
        let mut text = |field: RegField, s: &str| match clean_text(s, MAX_SHORT) {
            Ok(t) if t.is_empty() => {
                errors.push(RegError::Missing(field));
                t
            }
            Ok(t) => t,
            Err(e) => {
                errors.push(RegError::Text(field, e.into()));
                String::new()
            }
        };
        let first_name = text(RegField::FirstName, &self.first_name);
        let last_name = text(RegField::LastName, &self.last_name);
        let personnummer = match (self.personnummer.trim().is_empty(), editing) {
            (true, true) => None,
            (true, false) => {
                errors.push(RegError::Missing(RegField::Personnummer));
                None
            }
            (false, _) => match Personnummer::parse_at(&self.personnummer, today) {
                Ok(p) if p.is_samordningsnummer() => {
                    errors.push(RegError::SamordningsnummerForRecipient);
                    None
                }
                Ok(p) => Some(p),
                Err(_) => {
                    errors.push(RegError::PersonnummerInvalid);
                    None
                }
            },
        };
        if errors.is_empty() {
            Ok(RecipientData { personnummer, first_name, last_name })
        } else {
            Err(errors)
        }
    }
}

/// The decision form as typed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DecisionInput {
    /// `sfb` or `lss`.
    #[serde(default)]
    pub funder: String,
    /// `week`, `month` or `period`.
    #[serde(default)]
    pub granted_per: String,
    /// Hours, as typed: `40`, `37,5`.
    #[serde(default)]
    pub granted_hours: String,
    /// For `period`: the length of each period in months (at most six).
    #[serde(default)]
    pub period_months: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub vantetid_allowed: bool,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub beredskap_allowed: bool,
    #[serde(default, deserialize_with = "super::row::checkbox")]
    pub double_assistance: bool,
    /// A raised hourly amount in kronor, empty for the standard one.
    #[serde(default)]
    pub raised_rate: String,
}

/// What is wrong with a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DecisionFormError {
    Funder,
    GrantedPer,
    Hours,
    PeriodMonths,
    Dates,
    EndsBeforeStart,
    RaisedRate,
    /// More than 12 % above the standard amount of a year the decision covers.
    RaisedTooHigh,
    /// A year the decision covers (up to this one) has no standard amount to check against.
    RaisedStandardUnknown,
    /// Another decision of the recipient covers part of the same time.
    Overlaps,
}

impl DecisionInput {
    pub fn parse(&self, recipient: i64) -> Result<super::Decision, Vec<DecisionFormError>> {
        use super::{Decision, Funder, Granted, Minutes};
        let mut errors = Vec::new();
        let funder = match self.funder.as_str() {
            "sfb" => Some(Funder::Sfb),
            "lss" => Some(Funder::Lss),
            _ => {
                errors.push(DecisionFormError::Funder);
                None
            }
        };
        // Hours with at most two decimals, as minutes.
        let minutes = super::rates::parse_kr(&self.granted_hours)
            .filter(|h| {
                *h > rust_decimal::Decimal::ZERO && *h <= rust_decimal::Decimal::from(10_000)
            })
            .map(|h| {
                use rust_decimal::prelude::ToPrimitive;
                (h * rust_decimal::Decimal::from(60)).round().to_i64().unwrap_or(0)
            });
        if minutes.is_none() {
            errors.push(DecisionFormError::Hours);
        }
        let months = self.period_months.trim().parse::<u32>().ok().filter(|m| (1..=6).contains(m));
        if self.granted_per == "period" && months.is_none() {
            errors.push(DecisionFormError::PeriodMonths);
        }
        let granted = match (self.granted_per.as_str(), minutes) {
            ("week", Some(m)) => Some(Granted::PerWeek(Minutes(m))),
            ("month", Some(m)) => Some(Granted::PerMonth(Minutes(m))),
            ("period", Some(m)) => {
                months.map(|months| Granted::PerPeriod { minutes: Minutes(m), months })
            }
            ("week" | "month" | "period", None) => None,
            _ => {
                errors.push(DecisionFormError::GrantedPer);
                None
            }
        };
        let (from, to) = (date(&self.valid_from), date(&self.valid_to));
        if from.is_none() || to.is_none() {
            errors.push(DecisionFormError::Dates);
        }
        let raised_rate = match self.raised_rate.trim() {
            "" => None,
            s => match super::rates::parse_kr(s) {
                Some(r) => Some(r),
                None => {
                    errors.push(DecisionFormError::RaisedRate);
                    None
                }
            },
        };
        let (Some(funder), Some(granted), Some(valid_from), Some(valid_to)) =
            (funder, granted, from, to)
        else {
            return Err(errors);
        };
        let d = Decision {
            recipient,
            funder,
            granted,
            valid_from,
            valid_to,
            vantetid_allowed: self.vantetid_allowed,
            beredskap_allowed: self.beredskap_allowed,
            double_assistance: self.double_assistance,
            raised_rate,
        };
        if d.validate().is_err() {
            errors.push(DecisionFormError::EndsBeforeStart);
        }
        if errors.is_empty() { Ok(d) } else { Err(errors) }
    }
}

#[cfg(test)]
mod recipient_tests {
    use super::*;

    #[test]
    fn a_recipient_needs_a_personnummer_not_a_samordningsnummer() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let i = RecipientInput {
            personnummer: "197010632391".into(),
            first_name: "Sam".into(),
            last_name: "Ordning".into(),
        };
        assert_eq!(
            i.parse(false, today).unwrap_err(),
            vec![RegError::SamordningsnummerForRecipient]
        );
    }

    #[test]
    fn a_decision_is_parsed_with_hours_in_swedish_and_periods_of_at_most_six_months() {
        let i = DecisionInput {
            funder: "sfb".into(),
            granted_per: "period".into(),
            granted_hours: "600,5".into(),
            period_months: "6".into(),
            valid_from: "2026-01-01".into(),
            valid_to: "2026-12-31".into(),
            ..Default::default()
        };
        let d = i.parse(1).unwrap();
        assert_eq!(
            d.granted,
            crate::Granted::PerPeriod { minutes: crate::Minutes(36030), months: 6 }
        );
        let bad = DecisionInput {
            period_months: "7".into(),
            valid_to: "2025-01-01".into(),
            granted_hours: "x".into(),
            ..i
        };
        let errors = bad.parse(1).unwrap_err();
        assert!(
            errors.contains(&DecisionFormError::Hours)
                && errors.contains(&DecisionFormError::PeriodMonths),
            "{errors:?}"
        );
    }
}
