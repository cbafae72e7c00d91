//! The FK documents of a month: the time report (FK 3059 Tidsredovisning, one per assistant ×
//! recipient × month) and the claim (FK 3057 Räkning, one per recipient × month).
//!
//! The 3059 serialises to the ELT XML shape of the domain brief §4 (from a public vendor's
//! request to FK's test service; the official XSD is given to connected vendors only): every
//! formatting choice is in [`elt`], in one place. One `rapportRad` per calendar-day part of a
//! row; wall-clock times never adjusted for daylight saving (FK handles it).
//!
//! **What is signed is what is sent.** The XML is written directly in W3C canonical form (C14N
//! 1.0, `REC-xml-c14n-20010315`: no XML declaration, start and end tags for every element,
//! only `&`, `<`, `>` and CR escaped in text), so the bytes sent, the canonical bytes and the
//! bytes hashed are one and the same; a test checks them against `xmllint --c14n`. At
//! attestation the bytes and their SHA-256 are frozen ([`Tidsredovisning::freeze`]) and the
//! frozen bytes are what is exported, never a re-rendering from live records.

use super::people::{Employer, Provider};
use super::row::DayPart;
use super::{
    Assistant, Minutes, Organisationsnummer, Recipient, ReportMonth, TimeKind, TimeRow, Totals,
};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const NAMESPACE: &str =
    "http://schema.forsakringskassan.se/integration/isassistansersattning/tidredovisning/1";

/// Every formatting choice of the ELT XML, in one place: change it here when FK's XSD says
/// otherwise.
pub mod elt {
    use chrono::{NaiveDate, NaiveTime, Timelike};

    /// Hours and minutes with a dot, no leading zero: `7.30`, `0.00`, `14.05` (vendor sample).
    pub fn time(t: NaiveTime) -> String {
        format!("{}.{:02}", t.hour(), t.minute())
    }

    /// How a day part that runs to midnight ends. The sample does not show it; the paper form's
    /// habit is 24.00, so that is the choice.
    pub const END_OF_DAY: &str = "24.00";

    /// The kind flags of a `rapportRad`: all three written, upper case.
    pub fn flag(on: bool) -> &'static str {
        if on { "TRUE" } else { "FALSE" }
    }

    /// Every other boolean (`kollektivavtal`, `anstalldAvPersonSomHarAssistans`, …): lower case.
    pub fn boolean(b: bool) -> &'static str {
        if b { "true" } else { "false" }
    }

    /// `dag`: the day of the month, two digits.
    pub fn day(d: NaiveDate) -> String {
        d.format("%d").to_string()
    }

    /// Dates (`fromDag`, `tomDag`, signature dates): ISO 8601.
    pub fn date(d: NaiveDate) -> String {
        d.format("%Y-%m-%d").to_string()
    }

    /// Phone numbers (`telefonnummerAnordnare`, `telefonnummerAssistent`) as FK's shape writes
    /// them: digits, one hyphen after the area code (`070-1234567`, `08-12345678`). The hyphen
    /// goes where the number as typed first breaks after its leading digits (`070 123 45 67`,
    /// `08-123 456 78`); typed without a break, after `08` for Stockholm and after three digits
    /// otherwise (mobile `07x` and most area codes). `+46` becomes the leading `0`. None when
    /// fewer than five digits were typed (no number).
    pub fn phone(typed: &str) -> Option<String> {
        let t = typed.trim();
        let t = match t.strip_prefix("+46") {
            Some(rest) => format!("0{}", rest.trim_start()),
            None => t.to_string(),
        };
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 5 {
            return None;
        }
        let leading = t.chars().take_while(char::is_ascii_digit).count();
        let area = if (2..=4).contains(&leading) && leading < digits.len() {
            leading
        } else if digits.starts_with("08") {
            2
        } else {
            3
        };
        Some(format!("{}-{}", &digits[..area], &digits[area..]))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonRef {
    /// 12 digits: a personnummer, or a samordningsnummer when `samordningsnummer` is set.
    pub personnummer: String,
    /// The number is a samordningsnummer: it goes in its own element.
    pub samordningsnummer: bool,
    pub fornamn: String,
    pub efternamn: String,
}

/// Another employer of the assistant engaged by the provider.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnnanArbetsgivare {
    pub namn: String,
    pub organisationsnummer: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Anordnare {
    pub namn: String,
    pub organisationsnummer: Organisationsnummer,
    pub kontaktperson: String,
    pub telefonnummer: String,
    pub assistent_anstalld_av_anordnare: bool,
    pub annan_arbetsgivare: Option<AnnanArbetsgivare>,
    pub assistent_egen_foretagare: bool,
}

/// Signature dates and phone numbers, filled in when the provider and the assistant sign.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Underskrifter {
    pub anordnare_datum: Option<NaiveDate>,
    pub anordnare_telefon: Option<String>,
    pub assistent_datum: Option<NaiveDate>,
    pub assistent_telefon: Option<String>,
}

/// FK 3059 for one assistant × recipient × month.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Tidsredovisning {
    /// UUID of this report (a new one for every corrected version).
    pub id: String,
    pub month: ReportMonth,
    pub person_som_har_assistans: PersonRef,
    pub assistent: PersonRef,
    pub kollektivavtal: bool,
    /// The calculation period the working-time check (V5) used: first and last day.
    pub berakningsperiod: (NaiveDate, NaiveDate),
    pub anstalld_av_person_som_har_assistans: bool,
    pub anordnare: Anordnare,
    /// Day parts inside the month, in time order.
    pub rader: Vec<DayPart>,
    pub underskrifter: Underskrifter,
}

/// A 3059 as frozen at attestation: the exact bytes that are exported and their SHA-256.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Frozen3059 {
    pub id: String,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FkError {
    #[error("the report id must be a UUID (8-4-4-4-12 hex digits)")]
    BadId,
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn person(p: &super::Personnummer, first: &str, last: &str) -> PersonRef {
    PersonRef {
        personnummer: p.full().to_string(),
        samordningsnummer: p.is_samordningsnummer(),
        fornamn: first.to_string(),
        efternamn: last.to_string(),
    }
}

/// Hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Tidsredovisning {
    /// Builds the report from the pair's rows. Rows may include the previous month's last
    /// night (its part after midnight belongs here); parts after the month's last midnight are
    /// left for the next month's report. The employer fields and `kollektivavtal` follow the
    /// assistant's regime and employer; the calculation period is the one that contains the
    /// month's first day ([`super::Regime::period_containing`], as V5 uses it).
    pub fn build(
        id: &str,
        month: ReportMonth,
        recipient: &Recipient,
        assistant: &Assistant,
        provider: &Provider,
        rows: &[&TimeRow],
    ) -> Result<Self, FkError> {
        if !is_uuid(id) {
            return Err(FkError::BadId);
        }
        let mut sorted: Vec<&TimeRow> = rows.to_vec();
        sorted.sort_by_key(|r| r.start_at());
        let rader =
            sorted.iter().flat_map(|r| r.fk_parts()).filter(|p| month.contains(p.date)).collect();
        let employer = assistant.employer();
        Ok(Self {
            id: id.to_ascii_lowercase(),
            month,
            person_som_har_assistans: person(
                &recipient.personnummer,
                &recipient.first_name,
                &recipient.last_name,
            ),
            assistent: person(&assistant.personnummer, &assistant.first_name, &assistant.last_name),
            kollektivavtal: assistant.kollektivavtal(),
            berakningsperiod: assistant.regime.period_containing(month.first_day()),
            anstalld_av_person_som_har_assistans: employer == Employer::Recipient,
            anordnare: Anordnare {
                namn: provider.name.clone(),
                organisationsnummer: provider.organisationsnummer.clone(),
                kontaktperson: provider.contact_person.clone(),
                telefonnummer: provider.phone.clone(),
                assistent_anstalld_av_anordnare: employer == Employer::Provider,
                annan_arbetsgivare: match &employer {
                    Employer::Other { name, organisationsnummer } => Some(AnnanArbetsgivare {
                        namn: name.clone(),
                        organisationsnummer: organisationsnummer.clone(),
                    }),
                    _ => None,
                },
                assistent_egen_foretagare: employer == Employer::SelfEmployed,
            },
            rader,
            underskrifter: Underskrifter::default(),
        })
    }

    /// Minutes per kind over the report's rows (FK sums the rows itself; this is for people).
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for p in &self.rader {
            t.add(p.kind, p.minutes);
        }
        t
    }

    /// The document as it is sent: ELT XML in canonical form (C14N 1.0), UTF-8. Refused when a
    /// text in it holds a character XML cannot ([`crate::text::xml_char`]): ill-formed bytes
    /// are never signed, stored or sent.
    pub fn to_xml(&self) -> Result<Vec<u8>, IllFormedXml> {
        let mut w = Xml::with_capacity(256 + 160 * self.rader.len());
        w.0.push_str(&format!("<Tidredovisning xmlns=\"{NAMESPACE}\">"));
        w.leaf("id", &self.id);
        w.leaf("redovisningsmanad", &self.month.to_string());
        w.person("personSomHarAssistans", &self.person_som_har_assistans, None);
        w.person("assistent", &self.assistent, Some(self.kollektivavtal));
        w.open("berakningsperiod");
        w.leaf("fromDag", &elt::date(self.berakningsperiod.0));
        w.leaf("tomDag", &elt::date(self.berakningsperiod.1));
        w.close("berakningsperiod");
        w.leaf(
            "anstalldAvPersonSomHarAssistans",
            elt::boolean(self.anstalld_av_person_som_har_assistans),
        );
        let a = &self.anordnare;
        w.open("assistansanordnare");
        w.leaf("anordnareNamn", &a.namn);
        w.leaf("organisationsnummer", a.organisationsnummer.as_str());
        w.leaf("kontaktperson", &a.kontaktperson);
        w.leaf("telefonnummer", &a.telefonnummer);
        w.leaf("assistentAnstalldAvAnordnare", elt::boolean(a.assistent_anstalld_av_anordnare));
        if let Some(other) = &a.annan_arbetsgivare {
            w.open("annanArbetsgivare");
            w.leaf("arbetsgivareNamn", &other.namn);
            w.leaf("organisationsnummer", &other.organisationsnummer);
            w.close("annanArbetsgivare");
        }
        w.leaf("assistentEgenForetagare", elt::boolean(a.assistent_egen_foretagare));
        w.close("assistansanordnare");
        w.open("tidrapport");
        for p in &self.rader {
            w.open("rapportRad");
            w.leaf("dag", &elt::day(p.date));
            w.leaf("fromTid", &elt::time(p.start));
            w.leaf("tomTid", &p.end.map(elt::time).unwrap_or_else(|| elt::END_OF_DAY.to_string()));
            w.leaf("aktivTid", elt::flag(p.kind == TimeKind::Aktiv));
            w.leaf("vanteTid", elt::flag(p.kind == TimeKind::Vantetid));
            w.leaf("beredskapsTid", elt::flag(p.kind == TimeKind::Beredskap));
            w.close("rapportRad");
        }
        w.close("tidrapport");
        let s = &self.underskrifter;
        w.opt("datumForUnderskriftAnordnare", s.anordnare_datum.map(elt::date));
        w.opt("telefonnummerAnordnare", s.anordnare_telefon.clone());
        w.opt("datumForUnderskriftAssistent", s.assistent_datum.map(elt::date));
        w.opt("telefonnummerAssistent", s.assistent_telefon.clone());
        w.close("Tidredovisning");
        w.finish()
    }

    /// Hex SHA-256 of the document as sent (its canonical bytes).
    pub fn sha256(&self) -> Result<String, IllFormedXml> {
        Ok(sha256_hex(&self.to_xml()?))
    }

    /// The document as it is at attestation: its bytes and hash, to store and export as they
    /// are (a later change of a name or a phone in the register must not change them).
    pub fn freeze(&self) -> Result<Frozen3059, IllFormedXml> {
        let bytes = self.to_xml()?;
        Ok(Frozen3059 { id: self.id.clone(), sha256: sha256_hex(&bytes), bytes })
    }

    /// What each signer signs: the report id and the hash of its frozen content.
    pub fn signing_payload(&self) -> Result<String, IllFormedXml> {
        Ok(format!("{}:{}", self.id, self.sha256()?))
    }
}

/// A document would not be well-formed XML: the element whose text holds a character XML 1.0
/// cannot (it came into the register before the edge check refused it).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the text of <{element}> holds a character XML cannot hold")]
pub struct IllFormedXml {
    pub element: String,
}

/// A writer of canonical XML (C14N 1.0) for the subset BITA writes: elements with text, one
/// namespace declaration on the root, no attributes otherwise, no comments.
struct Xml(String, Option<String>);

impl Xml {
    fn with_capacity(n: usize) -> Self {
        Xml(String::with_capacity(n), None)
    }
    /// The bytes, or the first element whose text XML cannot hold.
    fn finish(self) -> Result<Vec<u8>, IllFormedXml> {
        match self.1 {
            None => Ok(self.0.into_bytes()),
            Some(element) => Err(IllFormedXml { element }),
        }
    }
    fn open(&mut self, name: &str) {
        self.0.push('<');
        self.0.push_str(name);
        self.0.push('>');
    }
    fn close(&mut self, name: &str) {
        self.0.push_str("</");
        self.0.push_str(name);
        self.0.push('>');
    }
    /// Text as C14N writes it: `&`, `<`, `>` and carriage return escaped, nothing else.
    fn text(&mut self, text: &str) {
        for c in text.chars() {
            match c {
                '&' => self.0.push_str("&amp;"),
                '<' => self.0.push_str("&lt;"),
                '>' => self.0.push_str("&gt;"),
                '\r' => self.0.push_str("&#xD;"),
                c => self.0.push(c),
            }
        }
    }
    fn leaf(&mut self, name: &str, text: &str) {
        if self.1.is_none() && !text.chars().all(crate::text::xml_char) {
            self.1 = Some(name.to_string());
        }
        self.open(name);
        self.text(text);
        self.close(name);
    }
    fn opt(&mut self, name: &str, text: Option<String>) {
        if let Some(t) = text {
            self.leaf(name, &t);
        }
    }
    fn person(&mut self, name: &str, p: &PersonRef, kollektivavtal: Option<bool>) {
        self.open(name);
        self.leaf(
            if p.samordningsnummer { "samordningsnummer" } else { "personnummer" },
            &p.personnummer,
        );
        self.leaf("fornamn", &p.fornamn);
        self.leaf("efternamn", &p.efternamn);
        if let Some(k) = kollektivavtal {
            self.leaf("kollektivavtal", elt::boolean(k));
        }
        self.close(name);
    }
}

/// A hospital stay in the month, as the 3057 asks for it. The register records stays by day,
/// so a stay runs from 00:00 on its first day to 24:00 on its last (in this month).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HospitalStay {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Was assistance given during the stay (any reported time in it)?
    pub assistance_given: bool,
    /// Time per kind during the stay, from the frozen 3059s.
    pub totals: Totals,
}

/// The cost table of a raised hourly amount (förhöjt timbelopp), in kronor.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CostTable {
    pub wages: rust_decimal::Decimal,
    pub ob: rust_decimal::Decimal,
    pub expenses: rust_decimal::Decimal,
    pub training: rust_decimal::Decimal,
    pub staff_costs: rust_decimal::Decimal,
    pub administration: rust_decimal::Decimal,
}

impl CostTable {
    /// (field code, amount) in the form's order.
    pub fn lines(&self) -> [(&'static str, rust_decimal::Decimal); 6] {
        [
            ("wages", self.wages),
            ("ob", self.ob),
            ("expenses", self.expenses),
            ("training", self.training),
            ("staff_costs", self.staff_costs),
            ("administration", self.administration),
        ]
    }
}

/// The signer's answers on the räkning: the three activities FK asks about separately (was
/// assistance given during them?) and whether money paid out too much is to be paid back.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activities {
    pub barnomsorg: bool,
    pub skola: bool,
    pub daglig_verksamhet: bool,
    /// FK's repayment question (answers stored before it was asked read as "no").
    #[serde(default)]
    pub betala_tillbaka: bool,
}

/// Who signs the räkning for the recipient: capacity code and name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Foretradare {
    pub capacity: crate::people::Capacity,
    pub name: String,
}

/// FK 3057 Räkning for one recipient × month, signed by the recipient or a representative.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rakning {
    pub month: ReportMonth,
    pub recipient_personnummer: String,
    pub forhojt_timbelopp: bool,
    /// Minutes per kind summed over all the month's frozen 3059s.
    pub totals: Totals,
    pub antal_assistenter: usize,
    pub anordnare_namn: String,
    pub kontaktperson: String,
    pub telefonnummer: String,
    pub f_skatt: bool,
    pub ivo_tillstand: String,
    /// At most three (FK's form has room for three).
    pub sjukhusvistelser: Vec<HospitalStay>,
    pub verksamhet: Activities,
    pub foretradare: Option<Foretradare>,
    pub kostnader: Option<CostTable>,
}

/// One frozen 3059 as the räkning sums it: whose it is and its day parts.
#[derive(Clone, Debug)]
pub struct FrozenParts<'a> {
    pub assistant_personnummer: &'a str,
    pub parts: &'a [DayPart],
}

impl Rakning {
    /// Sums the month's frozen time reports of one recipient; hospital stays from the register
    /// (the parts inside each give its hours), at most three.
    pub fn build(
        month: ReportMonth,
        recipient: &Recipient,
        provider: &Provider,
        reports: &[FrozenParts<'_>],
        raised: bool,
        stays: &[(NaiveDate, NaiveDate)],
    ) -> Self {
        let mut totals = Totals::default();
        for r in reports {
            for p in r.parts.iter().filter(|p| month.contains(p.date)) {
                totals.add(p.kind, p.minutes);
            }
        }
        let mut assistants: Vec<&str> = reports
            .iter()
            .filter(|r| !r.parts.is_empty())
            .map(|r| r.assistant_personnummer)
            .collect();
        assistants.sort();
        assistants.dedup();
        let sjukhusvistelser = stays
            .iter()
            .take(3)
            .map(|&(from, to)| {
                let (from, to) = (from.max(month.first_day()), to.min(month.last_day()));
                let mut t = Totals::default();
                for p in reports
                    .iter()
                    .flat_map(|r| r.parts.iter())
                    .filter(|p| from <= p.date && p.date <= to)
                {
                    t.add(p.kind, p.minutes);
                }
                HospitalStay { from, to, assistance_given: t != Totals::default(), totals: t }
            })
            .collect();
        Self {
            month,
            recipient_personnummer: recipient.personnummer.full().to_string(),
            forhojt_timbelopp: raised,
            totals,
            antal_assistenter: assistants.len(),
            anordnare_namn: provider.name.clone(),
            kontaktperson: provider.contact_person.clone(),
            telefonnummer: provider.phone.clone(),
            f_skatt: provider.f_skatt,
            ivo_tillstand: provider.ivo_permit.clone(),
            sjukhusvistelser,
            verksamhet: Activities::default(),
            foretradare: None,
            kostnader: raised.then(CostTable::default),
        }
    }

    /// Hours per kind as FK's form wants them: whole hours and minutes.
    pub fn hours(&self, kind: TimeKind) -> Minutes {
        self.totals.get(kind)
    }

    /// The räkning's canonical bytes (C14N 1.0, like the 3059): what the signer signs and
    /// what is stored with the signature. Minutes are integers; amounts as written.
    pub fn to_xml(&self) -> Result<Vec<u8>, IllFormedXml> {
        let mut w = Xml::with_capacity(1024);
        w.open("Rakning");
        w.leaf("ar", &self.month.first_day().format("%Y").to_string());
        w.leaf("manad", &self.month.first_day().format("%m").to_string());
        w.leaf("personnummer", &self.recipient_personnummer);
        w.leaf("forhojtTimbelopp", elt::boolean(self.forhojt_timbelopp));
        let minutes = |w: &mut Xml, t: &Totals| {
            w.leaf("aktivTidMinuter", &t.aktiv.0.to_string());
            w.leaf("vanteTidMinuter", &t.vantetid.0.to_string());
            w.leaf("beredskapsTidMinuter", &t.beredskap.0.to_string());
        };
        minutes(&mut w, &self.totals);
        w.leaf("antalAssistenter", &self.antal_assistenter.to_string());
        w.open("anordnare");
        w.leaf("namn", &self.anordnare_namn);
        w.leaf("kontaktperson", &self.kontaktperson);
        w.leaf("telefonnummer", &self.telefonnummer);
        w.leaf("fSkatt", elt::boolean(self.f_skatt));
        w.leaf("ivoTillstand", &self.ivo_tillstand);
        w.close("anordnare");
        for s in &self.sjukhusvistelser {
            w.open("sjukhusvistelse");
            w.leaf("from", &format!("{}T00:00", elt::date(s.from)));
            w.leaf("tom", &format!("{}T24:00", elt::date(s.to)));
            w.leaf("assistansUtford", elt::boolean(s.assistance_given));
            minutes(&mut w, &s.totals);
            w.close("sjukhusvistelse");
        }
        w.leaf("assistansIBarnomsorg", elt::boolean(self.verksamhet.barnomsorg));
        w.leaf("assistansISkola", elt::boolean(self.verksamhet.skola));
        w.leaf("assistansIDagligVerksamhet", elt::boolean(self.verksamhet.daglig_verksamhet));
        w.leaf("betalaTillbaka", elt::boolean(self.verksamhet.betala_tillbaka));
        if let Some(f) = &self.foretradare {
            w.open("foretradare");
            w.leaf("egenskap", f.capacity.code());
            w.leaf("namn", &f.name);
            w.close("foretradare");
        }
        if let Some(c) = &self.kostnader {
            w.open("kostnader");
            for (code, amount) in c.lines() {
                w.leaf(code, &amount.round_dp(2).to_string());
            }
            w.close("kostnader");
        }
        w.close("Rakning");
        w.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Regime, RowInput, examples};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn assistant_phone() -> String {
        fixture().1.phone
    }

    #[test]
    fn phones_are_written_as_digits_and_a_hyphen() {
        for (typed, fk) in [
            ("070-123 45 67", Some("070-1234567")),
            ("070 123 45 67", Some("070-1234567")),
            ("0701234567", Some("070-1234567")),
            ("+46 70 123 45 67", Some("070-1234567")),
            ("+46701234567", Some("070-1234567")),
            ("08-123 456 78", Some("08-12345678")),
            ("0812345678", Some("08-12345678")),
            ("010-123 45 00", Some("010-1234500")),
            ("0911-123 45", Some("0911-12345")),
            ("", None),
            ("112", None),
        ] {
            assert_eq!(elt::phone(typed).as_deref(), fk, "{typed:?}");
        }
    }

    fn fixture() -> (Recipient, Assistant, Provider) {
        let regime = Regime::AbBilagaJ {
            allow_24h_shifts: false,
            period_start: d("2026-09-01"),
            period_months: 4,
        };
        (examples::recipient(), examples::assistant(regime), examples::provider())
    }

    fn row(date: &str, start: &str, end: &str, kind: &str) -> TimeRow {
        RowInput {
            recipient: "1".into(),
            date: date.into(),
            start: start.into(),
            end: end.into(),
            next_day: end <= start,
            kind: kind.into(),
            fold: String::new(),
            fold_end: String::new(),
        }
        .parse()
        .unwrap()
    }

    const ID: &str = "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f";

    fn october_rows() -> Vec<TimeRow> {
        vec![
            row("2026-09-30", "22:00", "06:00", "vantetid"),
            row("2026-10-01", "07:00", "15:00", "aktiv"),
            row("2026-10-02", "07:00", "15:30", "aktiv"),
            row("2026-10-05", "22:00", "07:00", "vantetid"),
            row("2026-10-06", "16:00", "20:00", "beredskap"),
            row("2026-10-24", "22:00", "04:00", "aktiv"),
            row("2026-10-25", "04:00", "08:00", "vantetid"),
            row("2026-10-31", "20:00", "06:00", "aktiv"),
        ]
    }

    /// A realistic October 2026: day shifts, a night of waiting time across midnight, the night
    /// summer time ends (25 Oct), a standby evening, the previous month's last night reaching
    /// into 1 October and a night from 31 October into November; attested and signed.
    fn october() -> Tidsredovisning {
        let (recipient, assistant, provider) = fixture();
        let rows = october_rows();
        let refs: Vec<&TimeRow> = rows.iter().collect();
        let mut r = Tidsredovisning::build(
            ID,
            ReportMonth::parse("2026-10").unwrap(),
            &recipient,
            &assistant,
            &provider,
            &refs,
        )
        .unwrap();
        r.underskrifter = Underskrifter {
            anordnare_datum: Some(d("2026-11-04")),
            anordnare_telefon: elt::phone("010-123 45 00"),
            assistent_datum: Some(d("2026-11-02")),
            assistent_telefon: elt::phone(&assistant_phone()),
        };
        r
    }

    #[test]
    fn the_report_matches_the_golden_xml() {
        let xml = String::from_utf8(october().to_xml().unwrap()).unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/tidredovisning_2026-10.xml");
        if std::env::var_os("BITA_UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &xml).unwrap();
        }
        let golden = std::fs::read_to_string(path)
            .expect("golden file; create it with BITA_UPDATE_GOLDEN=1");
        assert_eq!(xml, golden);
    }

    #[test]
    fn the_xml_has_fk_s_shape() {
        // Issue 7 item 5: the shape of the vendor sample (domain brief §4).
        let xml = String::from_utf8(october().to_xml().unwrap()).unwrap();
        assert!(xml.contains("<rapportRad><dag>01</dag><fromTid>0.00</fromTid><tomTid>6.00</tomTid><aktivTid>FALSE</aktivTid><vanteTid>TRUE</vanteTid><beredskapsTid>FALSE</beredskapsTid></rapportRad>"), "{xml}");
        assert!(
            xml.contains("<fromTid>7.00</fromTid><tomTid>15.30</tomTid><aktivTid>TRUE</aktivTid>")
        );
        assert!(xml.contains("<dag>31</dag><fromTid>20.00</fromTid><tomTid>24.00</tomTid>"));
        assert!(xml.ends_with("</tidrapport><datumForUnderskriftAnordnare>2026-11-04</datumForUnderskriftAnordnare><telefonnummerAnordnare>010-1234500</telefonnummerAnordnare><datumForUnderskriftAssistent>2026-11-02</datumForUnderskriftAssistent><telefonnummerAssistent>070-1234567</telefonnummerAssistent></Tidredovisning>"));
        assert!(!xml.contains("underskrifter") && !xml.contains("<?xml"));
        assert!(xml.contains("<kollektivavtal>true</kollektivavtal>"));
        // A samordningsnummer goes in its own element, never in personnummer.
        let (recipient, mut assistant, provider) = fixture();
        assistant.personnummer = crate::Personnummer::parse("197010632391").unwrap();
        let r = Tidsredovisning::build(
            ID,
            ReportMonth::parse("2026-10").unwrap(),
            &recipient,
            &assistant,
            &provider,
            &[],
        )
        .unwrap();
        let xml = String::from_utf8(r.to_xml().unwrap()).unwrap();
        assert!(
            xml.contains("<assistent><samordningsnummer>197010632391</samordningsnummer><fornamn>"),
            "{xml}"
        );
        assert_eq!(xml.matches("<personnummer>").count(), 1, "only the recipient's");
        // Another employer: annanArbetsgivare with arbetsgivareNamn.
        assistant.employer = Employer::Other {
            name: "Assistans & Co AB".into(),
            organisationsnummer: "5560000001".into(),
        };
        let r = Tidsredovisning::build(
            ID,
            ReportMonth::parse("2026-10").unwrap(),
            &recipient,
            &assistant,
            &provider,
            &[],
        )
        .unwrap();
        let xml = String::from_utf8(r.to_xml().unwrap()).unwrap();
        assert!(xml.contains("<assistentAnstalldAvAnordnare>false</assistentAnstalldAvAnordnare><annanArbetsgivare><arbetsgivareNamn>Assistans &amp; Co AB</arbetsgivareNamn><organisationsnummer>5560000001</organisationsnummer></annanArbetsgivare><assistentEgenForetagare>false</assistentEgenForetagare>"), "{xml}");
    }

    #[test]
    fn the_regime_decides_the_employer_fields_and_the_calculation_period() {
        // Issue 7 item 7: nothing hard-coded.
        let (recipient, mut assistant, provider) = fixture();
        let month = ReportMonth::parse("2026-10").unwrap();
        let r = Tidsredovisning::build(ID, month, &recipient, &assistant, &provider, &[]).unwrap();
        assert_eq!(
            r.berakningsperiod,
            (d("2026-09-01"), d("2026-12-31")),
            "the AB bilaga J period V5 checks"
        );
        assert_eq!(r.berakningsperiod, assistant.regime.period_containing(month.first_day()));
        assert!(
            r.kollektivavtal
                && !r.anstalld_av_person_som_har_assistans
                && r.anordnare.assistent_anstalld_av_anordnare
        );
        assistant.regime = Regime::HusligtArbete { period_start: d("2026-09-14") };
        let r = Tidsredovisning::build(ID, month, &recipient, &assistant, &provider, &[]).unwrap();
        assert!(
            r.anstalld_av_person_som_har_assistans
                && !r.kollektivavtal
                && !r.anordnare.assistent_anstalld_av_anordnare
        );
        assert_eq!(r.berakningsperiod, (d("2026-09-14"), d("2026-10-11")));
        assistant.regime = Regime::Atl { period_start: d("2026-08-01"), period_months: 3 };
        assistant.collective_agreement = false;
        assistant.employer = Employer::SelfEmployed;
        let r = Tidsredovisning::build(ID, month, &recipient, &assistant, &provider, &[]).unwrap();
        assert!(
            !r.kollektivavtal
                && r.anordnare.assistent_egen_foretagare
                && !r.anordnare.assistent_anstalld_av_anordnare
        );
        assert_eq!(r.berakningsperiod, (d("2026-08-01"), d("2026-10-31")));
    }

    #[test]
    fn rows_are_split_per_day_and_month_and_times_are_not_adjusted() {
        let r = october();
        let days: Vec<(String, String, String)> = r
            .rader
            .iter()
            .map(|p| {
                (p.date.format("%d").to_string(), p.start.format("%H:%M").to_string(), p.end_text())
            })
            .collect();
        // The September night contributes only its part after midnight; the 31 October night
        // only its part before midnight.
        assert_eq!(
            days.first().unwrap(),
            &("01".to_string(), "00:00".to_string(), "06:00".to_string())
        );
        assert_eq!(
            days.last().unwrap(),
            &("31".to_string(), "20:00".to_string(), "24:00".to_string())
        );
        // The DST night keeps its wall-clock times: 25 Oct 00:00–04:00 (5 real hours).
        let dst = r
            .rader
            .iter()
            .find(|p| p.date.format("%d").to_string() == "25" && p.start == chrono::NaiveTime::MIN)
            .unwrap();
        assert_eq!((dst.end_text(), dst.minutes), ("04:00".to_string(), Minutes(300)));
        // Totals by hand: aktiv 8 + 8,5 + 2 (24 Oct 22–24) + 5 (25 Oct 00–04) + 4 (31 Oct 20–24) = 27,5 h;
        // väntetid 6 (1 Oct) + 2 + 7 (5–6 Oct) + 4 (25 Oct) = 19 h; beredskap 4 h.
        let t = r.totals();
        assert_eq!(
            (t.aktiv, t.vantetid, t.beredskap),
            (Minutes(1650), Minutes(1140), Minutes(240))
        );
    }

    /// `xmllint --c14n` of `bytes` (Debian's libxml2-utils, installed by scripts/setup.sh).
    fn xmllint_c14n(bytes: &[u8]) -> Vec<u8> {
        let dir = std::env::temp_dir().join(format!(
            "bita-c14n-{}-{}",
            std::process::id(),
            sha256_hex(bytes)
        ));
        std::fs::write(&dir, bytes).unwrap();
        let out = std::process::Command::new("xmllint")
            .arg("--c14n")
            .arg(&dir)
            .output()
            .expect("xmllint (libxml2-utils) must be installed: scripts/setup.sh does it");
        let _ = std::fs::remove_file(&dir);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    }

    #[test]
    fn what_is_hashed_is_the_canonical_document_that_is_sent() {
        // Issue 7 item 6: our bytes are already W3C C14N 1.0, so sent = canonical = hashed.
        let mut r = october();
        r.person_som_har_assistans.efternamn = "Berg & <Söner> \"O'Hara\"\r\n\ttab".into();
        let bytes = r.to_xml().unwrap();
        assert_eq!(xmllint_c14n(&bytes), bytes, "C14N of our document is our document");
        let frozen = r.freeze().unwrap();
        assert_eq!(frozen.bytes, bytes);
        assert_eq!(frozen.sha256, sha256_hex(&bytes));
        assert_eq!(frozen.sha256.len(), 64);
        assert!(r.signing_payload().unwrap().starts_with("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f:"));
        // A later change of a phone in the register gives another document; the frozen one
        // stays what was signed and is what is exported.
        r.anordnare.telefonnummer = "010-999 99 99".into();
        assert_ne!(r.sha256().unwrap(), frozen.sha256);
        assert_eq!(sha256_hex(&frozen.bytes), frozen.sha256);
        r.rader.pop();
        assert_ne!(r.sha256().unwrap(), frozen.sha256, "any change of content changes the hash");
    }

    #[test]
    fn a_bad_id_is_refused_and_names_are_escaped() {
        let (recipient, assistant, provider) = fixture();
        let month = ReportMonth::parse("2026-10").unwrap();
        assert_eq!(
            Tidsredovisning::build("not-a-uuid", month, &recipient, &assistant, &provider, &[])
                .unwrap_err(),
            FkError::BadId
        );
        let mut odd = recipient.clone();
        odd.last_name = "Berg & <Söner>".into();
        let r = Tidsredovisning::build(ID, month, &odd, &assistant, &provider, &[]).unwrap();
        assert!(
            String::from_utf8(r.to_xml().unwrap()).unwrap().contains("Berg &amp; &lt;Söner&gt;")
        );
    }

    #[test]
    fn a_name_xml_cannot_hold_is_never_written_into_a_document() {
        let (recipient, assistant, provider) = fixture();
        let month = ReportMonth::parse("2026-10").unwrap();
        let mut odd = assistant.clone();
        odd.first_name = "Anna\u{FFFF}".into();
        let r = Tidsredovisning::build(ID, month, &recipient, &odd, &provider, &[]).unwrap();
        assert_eq!(r.to_xml(), Err(IllFormedXml { element: "fornamn".into() }));
        assert!(
            r.freeze().is_err() && r.sha256().is_err(),
            "nothing ill-formed is frozen or hashed for signing"
        );
    }

    #[test]
    fn the_rakning_sums_the_reports() {
        let (recipient, _, provider) = fixture();
        let a = october();
        let b = october();
        let reports = [
            FrozenParts { assistant_personnummer: "197005120105", parts: &a.rader },
            FrozenParts { assistant_personnummer: "198811040206", parts: &b.rader },
        ];
        // A hospital stay 24–25 October: the night across the DST change falls in it.
        let r = Rakning::build(
            ReportMonth::parse("2026-10").unwrap(),
            &recipient,
            &provider,
            &reports,
            false,
            &[(d("2026-10-24"), d("2026-10-26"))],
        );
        assert_eq!(r.antal_assistenter, 2);
        assert_eq!(r.hours(TimeKind::Aktiv), Minutes(2 * 1650));
        assert_eq!(r.hours(TimeKind::Aktiv).to_string(), "55 h 00 min");
        let stay = &r.sjukhusvistelser[0];
        // 24 Oct 22–24 (2 h) and 25 Oct 00–04 (5 real hours) aktiv, 25 Oct 04–08 väntetid, twice.
        assert_eq!(
            (stay.totals.aktiv, stay.totals.vantetid, stay.assistance_given),
            (Minutes(2 * 420), Minutes(2 * 240), true)
        );
        let xml = String::from_utf8(r.to_xml().unwrap()).unwrap();
        assert_eq!(xmllint_c14n(xml.as_bytes()), xml.as_bytes(), "canonical like the 3059");
        assert!(xml.contains("<sjukhusvistelse><from>2026-10-24T00:00</from><tom>2026-10-26T24:00</tom><assistansUtford>true</assistansUtford><aktivTidMinuter>840</aktivTidMinuter>"), "{xml}");
        assert!(xml.contains("<assistansIBarnomsorg>false</assistansIBarnomsorg><assistansISkola>false</assistansISkola>"));
        // More than three stays: FK's form has room for three.
        let four: Vec<(NaiveDate, NaiveDate)> =
            (1..=4).map(|i| (d(&format!("2026-10-0{i}")), d(&format!("2026-10-0{i}")))).collect();
        assert_eq!(
            Rakning::build(
                ReportMonth::parse("2026-10").unwrap(),
                &recipient,
                &provider,
                &reports,
                false,
                &four
            )
            .sjukhusvistelser
            .len(),
            3
        );
    }
}
