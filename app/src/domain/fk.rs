//! The FK documents of a month: the time report (FK 3059 Tidsredovisning, one per assistant ×
//! recipient × month) and the claim (FK 3057 Räkning, one per recipient × month).
//!
//! The 3059 serialises to the ELT XML shape known from public vendor code (the official XSD is
//! given to connected vendors only): namespace and element names and order as in the domain
//! brief, one `rapportRad` per calendar-day part of a row, wall-clock times never adjusted for
//! daylight saving (FK handles it). The signature block's element names are not public; ours
//! are marked below. What is signed is the report's id plus the SHA-256 of the canonical bytes,
//! which leave the signature block out, so the content is frozen before anyone signs.

use super::people::Provider;
use super::row::DayPart;
use super::{Assistant, Minutes, Organisationsnummer, Recipient, ReportMonth, TimeKind, TimeRow, Totals};
use crate::i18n::{Locale, T};
use chrono::NaiveDate;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const NAMESPACE: &str = "http://schema.forsakringskassan.se/integration/isassistansersattning/tidredovisning/1";

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PersonRef {
    pub personnummer: String,
    pub fornamn: String,
    pub efternamn: String,
}

/// Another employer of the assistant engaged by the provider.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AnnanArbetsgivare {
    pub namn: String,
    pub organisationsnummer: Organisationsnummer,
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
    pub berakningsperiod: (NaiveDate, NaiveDate),
    pub anstalld_av_person_som_har_assistans: bool,
    pub anordnare: Anordnare,
    /// Day parts inside the month, in time order.
    pub rader: Vec<DayPart>,
    pub underskrifter: Underskrifter,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FkError {
    #[error("the report id must be a UUID (8-4-4-4-12 hex digits)")]
    BadId,
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn person(p: &super::Personnummer, first: &str, last: &str) -> PersonRef {
    PersonRef { personnummer: p.full().to_string(), fornamn: first.to_string(), efternamn: last.to_string() }
}

impl Tidsredovisning {
    /// Builds the report from the pair's rows. Rows may include the previous month's last
    /// night (its part after midnight belongs here) and parts after the month's last midnight
    /// are left for the next month's report.
    pub fn build(
        id: &str,
        month: ReportMonth,
        recipient: &Recipient,
        assistant: &Assistant,
        provider: &Provider,
        berakningsperiod: (NaiveDate, NaiveDate),
        rows: &[&TimeRow],
    ) -> Result<Self, FkError> {
        if !is_uuid(id) {
            return Err(FkError::BadId);
        }
        let mut sorted: Vec<&TimeRow> = rows.to_vec();
        sorted.sort_by_key(|r| r.start_at());
        let rader = sorted.iter().flat_map(|r| r.day_parts()).filter(|p| month.contains(p.date)).collect();
        Ok(Self {
            id: id.to_ascii_lowercase(),
            month,
            person_som_har_assistans: person(&recipient.personnummer, &recipient.first_name, &recipient.last_name),
            assistent: person(&assistant.personnummer, &assistant.first_name, &assistant.last_name),
            kollektivavtal: assistant.collective_agreement,
            berakningsperiod,
            anstalld_av_person_som_har_assistans: false,
            anordnare: Anordnare {
                namn: provider.name.clone(),
                organisationsnummer: provider.organisationsnummer.clone(),
                kontaktperson: provider.contact_person.clone(),
                telefonnummer: provider.phone.clone(),
                assistent_anstalld_av_anordnare: true,
                annan_arbetsgivare: None,
                assistent_egen_foretagare: false,
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

    /// The full XML, signature block included.
    pub fn to_xml(&self) -> Vec<u8> {
        self.write(true)
    }

    /// The canonical bytes: the XML without the signature block, no indentation, UTF-8.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        self.write(false)
    }

    /// Hex SHA-256 of the canonical bytes.
    pub fn sha256(&self) -> String {
        Sha256::digest(self.canonical_bytes()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// What each signer signs: the report id and the hash of its frozen content.
    pub fn signing_payload(&self) -> String {
        format!("{}:{}", self.id, self.sha256())
    }

    /// A human-readable totals summary.
    pub fn summary(&self, l: Locale) -> String {
        totals_summary(&self.totals(), l)
    }

    fn write(&self, with_signatures: bool) -> Vec<u8> {
        let mut w = Xml(Writer::new(Vec::new()));
        w.0.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).expect("writing to a Vec");
        w.open_with("Tidredovisning", ("xmlns", NAMESPACE));
        w.leaf("id", &self.id);
        w.leaf("redovisningsmanad", &self.month.to_string());
        w.person("personSomHarAssistans", &self.person_som_har_assistans, None);
        w.person("assistent", &self.assistent, Some(self.kollektivavtal));
        w.open("berakningsperiod");
        w.leaf("fromDag", &self.berakningsperiod.0.to_string());
        w.leaf("tomDag", &self.berakningsperiod.1.to_string());
        w.close("berakningsperiod");
        w.leaf("anstalldAvPersonSomHarAssistans", bool_text(self.anstalld_av_person_som_har_assistans));
        let a = &self.anordnare;
        w.open("assistansanordnare");
        w.leaf("anordnareNamn", &a.namn);
        w.leaf("organisationsnummer", a.organisationsnummer.as_str());
        w.leaf("kontaktperson", &a.kontaktperson);
        w.leaf("telefonnummer", &a.telefonnummer);
        w.leaf("assistentAnstalldAvAnordnare", bool_text(a.assistent_anstalld_av_anordnare));
        if let Some(other) = &a.annan_arbetsgivare {
            w.open("annanArbetsgivare");
            w.leaf("namn", &other.namn);
            w.leaf("organisationsnummer", other.organisationsnummer.as_str());
            w.close("annanArbetsgivare");
        }
        w.leaf("assistentEgenForetagare", bool_text(a.assistent_egen_foretagare));
        w.close("assistansanordnare");
        w.open("tidrapport");
        for p in &self.rader {
            w.open("rapportRad");
            w.leaf("dag", &p.date.format("%d").to_string());
            w.leaf("fromTid", &p.start.format("%H:%M").to_string());
            w.leaf("tomTid", &p.end_text());
            let flag = match p.kind {
                TimeKind::Aktiv => "aktivTid",
                TimeKind::Vantetid => "vanteTid",
                TimeKind::Beredskap => "beredskapsTid",
            };
            w.leaf(flag, "true");
            w.close("rapportRad");
        }
        w.close("tidrapport");
        if with_signatures {
            // Element names of our own: FK's are not public.
            let s = &self.underskrifter;
            w.open("underskrifter");
            w.opt("anordnareUnderskriftsdatum", s.anordnare_datum.map(|d| d.to_string()));
            w.opt("anordnareTelefonnummer", s.anordnare_telefon.clone());
            w.opt("assistentUnderskriftsdatum", s.assistent_datum.map(|d| d.to_string()));
            w.opt("assistentTelefonnummer", s.assistent_telefon.clone());
            w.close("underskrifter");
        }
        w.close("Tidredovisning");
        w.0.into_inner()
    }
}

fn bool_text(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// A thin writer: writing to a `Vec` cannot fail.
struct Xml(Writer<Vec<u8>>);

impl Xml {
    fn open(&mut self, name: &str) {
        self.0.write_event(Event::Start(BytesStart::new(name))).expect("writing to a Vec");
    }
    fn open_with(&mut self, name: &str, attr: (&str, &str)) {
        self.0.write_event(Event::Start(BytesStart::new(name).with_attributes([attr]))).expect("writing to a Vec");
    }
    fn close(&mut self, name: &str) {
        self.0.write_event(Event::End(BytesEnd::new(name))).expect("writing to a Vec");
    }
    fn leaf(&mut self, name: &str, text: &str) {
        self.open(name);
        self.0.write_event(Event::Text(BytesText::new(text))).expect("writing to a Vec");
        self.close(name);
    }
    fn opt(&mut self, name: &str, text: Option<String>) {
        if let Some(t) = text {
            self.leaf(name, &t);
        }
    }
    fn person(&mut self, name: &str, p: &PersonRef, kollektivavtal: Option<bool>) {
        self.open(name);
        self.leaf("personnummer", &p.personnummer);
        self.leaf("fornamn", &p.fornamn);
        self.leaf("efternamn", &p.efternamn);
        if let Some(k) = kollektivavtal {
            self.leaf("kollektivavtal", bool_text(k));
        }
        self.close(name);
    }
}

/// Totals per kind and payable hours, one line each, in the user's language.
pub fn totals_summary(t: &Totals, l: Locale) -> String {
    let mut s = String::new();
    for k in TimeKind::ALL {
        s.push_str(&format!("{}: {}\n", k.label(l), t.get(k)));
    }
    s.push_str(&format!("{}: {:.2} h\n", l.t(T::PayableHours), t.payable_hours().round_dp(2)));
    s
}

/// A hospital stay in the month, as the 3057 asks for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HospitalStay {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub assistance_given: bool,
    /// Hours per kind during the stay.
    pub totals: Totals,
}

/// The cost table of a raised hourly amount (förhöjt timbelopp), in kronor.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CostTable {
    pub wages: rust_decimal::Decimal,
    pub ob: rust_decimal::Decimal,
    pub expenses: rust_decimal::Decimal,
    pub training: rust_decimal::Decimal,
    pub staff_costs: rust_decimal::Decimal,
    pub administration: rust_decimal::Decimal,
}

/// FK 3057 Räkning for one recipient × month, signed by the recipient or a representative.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rakning {
    pub month: ReportMonth,
    pub recipient_personnummer: String,
    pub forhojt_timbelopp: bool,
    /// Minutes per kind summed over all the month's 3059s.
    pub totals: Totals,
    pub antal_assistenter: usize,
    pub anordnare_namn: String,
    pub kontaktperson: String,
    pub telefonnummer: String,
    pub f_skatt: bool,
    pub ivo_tillstand: String,
    pub sjukhusvistelser: Vec<HospitalStay>,
    /// Assistance given during childcare, school or daily activity.
    pub assistans_under_verksamhet: bool,
    pub kostnader: Option<CostTable>,
}

impl Rakning {
    /// Sums the month's time reports of one recipient. Hospital stays, activity and costs are
    /// filled in by the provider afterwards.
    pub fn build(month: ReportMonth, recipient: &Recipient, provider: &Provider, reports: &[&Tidsredovisning], raised: bool) -> Self {
        let totals = reports.iter().fold(Totals::default(), |acc, r| acc + r.totals());
        let mut assistants: Vec<&str> = reports.iter().map(|r| r.assistent.personnummer.as_str()).collect();
        assistants.sort();
        assistants.dedup();
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
            sjukhusvistelser: vec![],
            assistans_under_verksamhet: false,
            kostnader: raised.then(CostTable::default),
        }
    }

    pub fn summary(&self, l: Locale) -> String {
        totals_summary(&self.totals, l)
    }

    /// Hours per kind as FK's form wants them: whole hours and minutes.
    pub fn hours(&self, kind: TimeKind) -> Minutes {
        self.totals.get(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{examples, Regime, RowInput};

    fn fixture() -> (Recipient, Assistant, Provider) {
        let regime = Regime::AbBilagaJ { allow_24h_shifts: false, period_start: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(), period_months: 4 };
        (examples::recipient(), examples::assistant(regime), examples::provider())
    }

    fn row(date: &str, start: &str, end: &str, kind: &str) -> TimeRow {
        RowInput { recipient: "1".into(), date: date.into(), start: start.into(), end: end.into(), next_day: end <= start, kind: kind.into(), fold: String::new() }.parse().unwrap()
    }

    /// A realistic October 2026: day shifts, a night of waiting time across midnight, the night
    /// summer time ends (25 Oct), a standby evening, the previous month's last night reaching
    /// into 1 October and a night from 31 October into November.
    fn october() -> Tidsredovisning {
        let (recipient, assistant, provider) = fixture();
        let rows = [
            row("2026-09-30", "22:00", "06:00", "vantetid"),
            row("2026-10-01", "07:00", "15:00", "aktiv"),
            row("2026-10-02", "07:00", "15:30", "aktiv"),
            row("2026-10-05", "22:00", "07:00", "vantetid"),
            row("2026-10-06", "16:00", "20:00", "beredskap"),
            row("2026-10-24", "22:00", "04:00", "aktiv"),
            row("2026-10-25", "04:00", "08:00", "vantetid"),
            row("2026-10-31", "20:00", "06:00", "aktiv"),
        ];
        let refs: Vec<&TimeRow> = rows.iter().collect();
        let period = (NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        Tidsredovisning::build("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f", ReportMonth::parse("2026-10").unwrap(), &recipient, &assistant, &provider, period, &refs).unwrap()
    }

    #[test]
    fn the_report_matches_the_golden_xml() {
        let xml = String::from_utf8(october().to_xml()).unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/tidredovisning_2026-10.xml");
        if std::env::var_os("BITA_UPDATE_GOLDEN").is_some() {
            std::fs::write(path, &xml).unwrap();
        }
        let golden = std::fs::read_to_string(path).expect("golden file; create it with BITA_UPDATE_GOLDEN=1");
        assert_eq!(xml, golden.trim_end());
    }

    #[test]
    fn rows_are_split_per_day_and_month_and_times_are_not_adjusted() {
        let r = october();
        let days: Vec<(String, String, String)> = r.rader.iter().map(|p| (p.date.format("%d").to_string(), p.start.format("%H:%M").to_string(), p.end_text())).collect();
        // The September night contributes only its part after midnight; the 31 October night
        // only its part before midnight.
        assert_eq!(days.first().unwrap(), &("01".to_string(), "00:00".to_string(), "06:00".to_string()));
        assert_eq!(days.last().unwrap(), &("31".to_string(), "20:00".to_string(), "24:00".to_string()));
        // The DST night keeps its wall-clock times: 25 Oct 00:00–04:00 (5 real hours).
        let dst = r.rader.iter().find(|p| p.date.format("%d").to_string() == "25" && p.start == chrono::NaiveTime::MIN).unwrap();
        assert_eq!((dst.end_text(), dst.minutes), ("04:00".to_string(), Minutes(300)));
        // Totals by hand: aktiv 8 + 8,5 + 2 (24 Oct 22–24) + 5 (25 Oct 00–04) + 4 (31 Oct 20–24) = 27,5 h;
        // väntetid 6 (1 Oct) + 2 + 7 (5–6 Oct) + 4 (25 Oct) = 19 h; beredskap 4 h.
        let t = r.totals();
        assert_eq!((t.aktiv, t.vantetid, t.beredskap), (Minutes(1650), Minutes(1140), Minutes(240)));
    }

    #[test]
    fn the_signed_hash_covers_the_content_but_not_the_signatures() {
        let mut r = october();
        let before = r.sha256();
        assert_eq!(before.len(), 64);
        r.underskrifter.assistent_datum = NaiveDate::from_ymd_opt(2026, 11, 2);
        assert_eq!(r.sha256(), before, "signing must not change what is signed");
        assert!(String::from_utf8(r.to_xml()).unwrap().contains("<assistentUnderskriftsdatum>2026-11-02</assistentUnderskriftsdatum>"));
        r.rader.pop();
        assert_ne!(r.sha256(), before, "any change voids the signatures");
        assert!(r.signing_payload().starts_with("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f:"));
    }

    #[test]
    fn a_bad_id_is_refused_and_names_are_escaped() {
        let (recipient, assistant, provider) = fixture();
        let month = ReportMonth::parse("2026-10").unwrap();
        let p = (NaiveDate::MIN, NaiveDate::MIN);
        assert_eq!(Tidsredovisning::build("not-a-uuid", month, &recipient, &assistant, &provider, p, &[]).unwrap_err(), FkError::BadId);
        let mut odd = recipient.clone();
        odd.last_name = "Berg & <Söner>".into();
        let r = Tidsredovisning::build("6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f", month, &odd, &assistant, &provider, p, &[]).unwrap();
        assert!(String::from_utf8(r.to_xml()).unwrap().contains("Berg &amp; &lt;Söner&gt;"));
    }

    #[test]
    fn the_rakning_sums_the_reports() {
        let (recipient, _, provider) = fixture();
        let a = october();
        let mut b = october();
        b.assistent.personnummer = "198811040206".into();
        let r = Rakning::build(ReportMonth::parse("2026-10").unwrap(), &recipient, &provider, &[&a, &b], false);
        assert_eq!(r.antal_assistenter, 2);
        assert_eq!(r.hours(TimeKind::Aktiv), Minutes(2 * 1650));
        assert!(r.summary(Locale::Sv).contains("Aktiv tid: 55 h 00 min"));
    }
}
