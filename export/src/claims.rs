//! Structured data of the räkning for FK's E-RÄK (documented in the README "E-RÄK data") and
//! the LSS report.

use crate::frozen::Claim;
use engine::{Minutes, TimeKind, Totals};
use rust_decimal::Decimal;
use serde::Serialize;

/// Hours of one kind as FK's boxes take them.
#[derive(Serialize)]
pub struct Hours {
    pub timmar: i64,
    pub minuter: i64,
}

impl From<i64> for Hours {
    fn from(m: i64) -> Self {
        Hours { timmar: m / 60, minuter: m % 60 }
    }
}

#[derive(Serialize)]
pub struct TimePerKind {
    pub aktiv_tid: Hours,
    pub vantetid: Hours,
    pub beredskap: Hours,
}

impl From<[i64; 3]> for TimePerKind {
    fn from(m: [i64; 3]) -> Self {
        TimePerKind { aktiv_tid: m[0].into(), vantetid: m[1].into(), beredskap: m[2].into() }
    }
}

#[derive(Serialize)]
pub struct Stay {
    pub from: String,
    pub tom: String,
    pub assistans_utford: bool,
    pub tid: TimePerKind,
}

#[derive(Serialize)]
pub struct Representative {
    /// `vardnadshavare`, `god_man` or `forvaltare`.
    pub egenskap: String,
    pub namn: String,
}

#[derive(Serialize)]
pub struct Signature {
    pub namn: String,
    /// `self` or the representative's capacity.
    pub egenskap: String,
    pub tidpunkt: String,
    pub dokument_id: String,
    pub sha256: String,
}

/// Everything FK's E-RÄK asks for in one räkning.
#[derive(Serialize)]
pub struct ERak {
    pub format: &'static str,
    pub ar: String,
    pub manad: String,
    pub personnummer: String,
    pub namn: String,
    pub forhojt_timbelopp: bool,
    pub tid: TimePerKind,
    pub antal_assistenter: u32,
    pub anordnare: Provider,
    pub sjukhusvistelser: Vec<Stay>,
    pub assistans_i_barnomsorg: bool,
    pub assistans_i_skola: bool,
    pub assistans_i_daglig_verksamhet: bool,
    /// The repayment answer (null in a räkning signed before BITA asked it).
    pub betala_tillbaka: Option<bool>,
    pub stallforetradare: Option<Representative>,
    /// Cost lines in kronor with a raised hourly amount, by code.
    pub kostnader: Vec<(String, String)>,
    pub underskrift: Signature,
}

#[derive(Serialize)]
pub struct Provider {
    pub namn: String,
    pub kontaktperson: String,
    pub telefonnummer: String,
    pub f_skatt: bool,
    pub ivo_tillstand: String,
}

/// The E-RÄK data of a signed räkning, as pretty JSON.
pub fn erak(
    c: &Claim,
    name: &str,
    signature: &engine::documents::SignatureView,
    sha256: &str,
) -> Vec<u8> {
    let data = ERak {
        format: "bita-erak/1",
        ar: c.year.clone(),
        manad: c.month.clone(),
        personnummer: c.personnummer.clone(),
        namn: name.to_string(),
        forhojt_timbelopp: c.raised_rate,
        tid: c.minutes.into(),
        antal_assistenter: c.assistants,
        anordnare: Provider {
            namn: c.provider_name.clone(),
            kontaktperson: c.contact_person.clone(),
            telefonnummer: c.phone.clone(),
            f_skatt: c.f_skatt,
            ivo_tillstand: c.ivo_permit.clone(),
        },
        sjukhusvistelser: c
            .stays
            .iter()
            .map(|s| Stay {
                from: format!("{}T00:00", s.from),
                tom: format!("{}T24:00", s.to),
                assistans_utford: s.assistance_given,
                tid: s.minutes.into(),
            })
            .collect(),
        assistans_i_barnomsorg: c.childcare,
        assistans_i_skola: c.school,
        assistans_i_daglig_verksamhet: c.daily_activity,
        betala_tillbaka: c.repay,
        stallforetradare: c
            .representative
            .clone()
            .map(|(egenskap, namn)| Representative { egenskap, namn }),
        kostnader: c.costs.clone(),
        underskrift: Signature {
            namn: signature.signer_name.clone(),
            egenskap: signature.capacity.code().to_string(),
            tidpunkt: signature.signed_at.clone(),
            dokument_id: signature.document_id.clone(),
            sha256: sha256.to_string(),
        },
    };
    serde_json::to_vec_pretty(&data).unwrap_or_default()
}

/// One recipient's line of the LSS report.
pub struct LssLine<'a> {
    pub recipient: &'a str,
    pub totals: Totals,
}

/// The LSS report: per recipient under an LSS decision, minutes and h:mm per kind, payable
/// hours (aktiv + väntetid/4 + beredskap/7, as for FK) and the amount at the municipality's own
/// hourly rate (empty when none is entered). CSV, semicolon-separated; a total line last.
pub fn lss_report(lines: &[LssLine<'_>], rate: Option<Decimal>) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    let _ = w.write_record([
        "brukare",
        "aktiv_tid",
        "vantetid",
        "beredskap",
        "aktiv_minuter",
        "vantetid_minuter",
        "beredskap_minuter",
        "betalbara_timmar",
        "timbelopp",
        "belopp",
    ]);
    let mut all = Totals::default();
    let row = |w: &mut csv::Writer<Vec<u8>>, name: &str, t: &Totals| {
        let payable = t.payable_hours().round_dp(2);
        let hm = |m: Minutes| format!("{}:{:02}", m.0 / 60, m.0 % 60);
        let amount = rate
            .map(|r| (payable * r).round_dp(2).to_string().replace('.', ","))
            .unwrap_or_default();
        let _ = w.write_record([
            name.to_string(),
            hm(t.aktiv),
            hm(t.vantetid),
            hm(t.beredskap),
            t.aktiv.0.to_string(),
            t.vantetid.0.to_string(),
            t.beredskap.0.to_string(),
            payable.to_string().replace('.', ","),
            rate.map(|r| r.round_dp(2).to_string().replace('.', ",")).unwrap_or_default(),
            amount,
        ]);
    };
    for l in lines {
        for k in TimeKind::ALL {
            all.add(k, l.totals.get(k));
        }
        row(&mut w, &crate::defused(l.recipient), &l.totals);
    }
    row(&mut w, "Summa", &all);
    w.into_inner().unwrap_or_default()
}
