//! The month's documents from a real frozen 3059 and a real signed räkning: PDFs read back with
//! poppler's pdftotext, PAXml validated against the PAXml 2.0 schema with xmllint, and the
//! sealed archive checked, including a file changed by one byte.

use chrono::NaiveDate;
use engine::documents::{
    ClaimData, HistoryRecord, MonthData, PayrollRow, ReportData, VerifyProblem,
};
use engine::documents::{SignatureView, SignerCapacity};
use engine::fk::{FrozenParts, Rakning, Tidsredovisning, Underskrifter};
use engine::{Regime, ReportMonth, RowInput, TimeRow, examples};
use std::io::{Cursor, Read, Write};
use std::process::Command;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
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

fn signature(name: &str, sha: &str) -> SignatureView {
    SignatureView {
        signer_name: name.into(),
        capacity: SignerCapacity::Myself,
        signed_at: "2026-11-03 10:15".into(),
        document_id: "doc-1".into(),
        sha256: sha.into(),
        voided: None,
        eid: None,
    }
}

/// October 2026 for Anna Andersson with Bo Berg: `extra` more day shifts on top of a week with
/// night waiting time and standby (80 extra shifts make more than FK's 80 rows).
fn month(extra: usize) -> MonthData {
    let regime = Regime::AbBilagaJ {
        allow_24h_shifts: false,
        period_start: d("2026-09-01"),
        period_months: 4,
    };
    let (recipient, assistant, provider) =
        (examples::recipient(), examples::assistant(regime), examples::provider());
    let mut rows = vec![
        row("2026-10-01", "07:00", "15:00", "aktiv"),
        row("2026-10-05", "22:00", "07:00", "vantetid"),
        row("2026-10-06", "16:00", "20:00", "beredskap"),
        row("2026-10-25", "00:00", "04:00", "aktiv"),
    ];
    for i in 0..extra {
        let day = 7 + (i % 17);
        let hour = 8 + 2 * (i / 17);
        rows.push(row(
            &format!("2026-10-{day:02}"),
            &format!("{hour:02}:00"),
            &format!("{:02}:00", hour + 1),
            "aktiv",
        ));
    }
    rows.sort_by_key(|r| r.start_at());
    let refs: Vec<&TimeRow> = rows.iter().collect();
    let october = ReportMonth::parse("2026-10").unwrap();
    let mut report = Tidsredovisning::build(
        "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f",
        october,
        &recipient,
        &assistant,
        &provider,
        &refs,
    )
    .unwrap();
    report.underskrifter = Underskrifter {
        anordnare_datum: Some(d("2026-11-04")),
        anordnare_telefon: Some("010-123 45 00".into()),
        assistent_datum: Some(d("2026-11-02")),
        assistent_telefon: Some("070-123 45 67".into()),
    };
    let frozen = report.freeze().unwrap();
    let parts = report.rader.clone();
    let rakning = Rakning::build(
        october,
        &recipient,
        &provider,
        &[FrozenParts { assistant_personnummer: assistant.personnummer.full(), parts: &parts }],
        false,
        &[],
    );
    let claim_xml = rakning.to_xml().unwrap();
    let claim_sha = engine::fk::sha256_hex(&claim_xml);
    let payroll = rows
        .iter()
        .map(|r| {
            PayrollRow::of(
                r,
                (assistant.id, "A-1001", assistant.personnummer.full(), "Anna Andersson"),
                (1, "Bo Berg"),
            )
        })
        .collect();
    MonthData {
        tenant_id: 1,
        municipality: "Exempelby kommun".into(),
        month: october,
        version: 1,
        created_at: chrono::DateTime::parse_from_rfc3339("2026-11-05T09:30:00+01:00").unwrap(),
        provider_name: "Exempelby kommun".into(),
        provider_orgnr: "2120000142".into(),
        lss_rate: Some(rust_decimal::Decimal::new(35000, 2)),
        reports: vec![ReportData {
            month_id: 7,
            recipient_id: 1,
            assistant_id: assistant.id,
            recipient_name: "Bo Berg".into(),
            assistant_name: "Anna Andersson".into(),
            report_id: frozen.id.clone(),
            version: 1,
            replaces: None,
            sha256: frozen.sha256.clone(),
            xml: frozen.bytes.clone(),
            parts,
            attested_by: "Karin Admin".into(),
            attested_at: "2026-11-04 09:12".into(),
            approvals: vec![signature("Bo Berg", &frozen.sha256)],
            attestations: vec![],
            history: vec![HistoryRecord {
                at: "2026-11-02 06:31".into(),
                who: "Anna Andersson".into(),
                action: "submit".into(),
                reason: None,
                sha256: Some(frozen.sha256.clone()),
            }],
        }],
        claims: vec![ClaimData {
            recipient_id: 1,
            recipient_name: "Bo Berg".into(),
            xml: claim_xml,
            sha256: claim_sha.clone(),
            signature: signature("Bo Berg", &claim_sha),
            lss: true,
            representative_personnummer: None,
        }],
        payroll,
        lss_recipients: vec![(1, "Bo Berg".into())],
        fk_forms: vec![],
    }
}

fn key() -> ed25519_dalek::SigningKey {
    export::archive::new_key([7; 32])
}

fn unzip(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut a = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    (0..a.len())
        .map(|i| {
            let mut f = a.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

fn rezip(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in files {
        z.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-layout"])
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed by scripts/setup.sh");
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_pages(pdf: &[u8]) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdfinfo").arg(&path).output().unwrap();
    let info = String::from_utf8(out.stdout).unwrap();
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

#[test]
fn the_archive_holds_every_document_and_verifies() {
    let m = month(0);
    let built = export::build(&m, &key(), &Default::default()).unwrap();
    let report = export::archive::verify(&built.zip, &key().verifying_key());
    assert!(report.ok, "{:?}", report.problems);
    assert_eq!(report.month.as_deref(), Some("2026-10"));
    let files = unzip(&built.zip);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "fk3059/bo-berg-1/anna-andersson-1.xml",
            "fk3059/bo-berg-1/anna-andersson-1.signaturer.json",
            "fk3059/bo-berg-1/anna-andersson-1.pdf",
            "fk3057/bo-berg-1.xml",
            "fk3057/bo-berg-1.signatur.json",
            "fk3057/bo-berg-1.e-rak.json",
            "fk3057/bo-berg-1.pdf",
            "lss/lss-rapport.csv",
            "lon/tidrader.csv",
            "lon/paxml.xml",
            "manifest.json",
            "manifest.json.sig",
        ]
    );
    assert_eq!(report.files_checked, 10);
    // The 3059 in the archive is the frozen bytes, exactly.
    let xml = &files.iter().find(|(n, _)| n.ends_with("anna-andersson-1.xml")).unwrap().1;
    assert_eq!(xml, &m.reports[0].xml);
    // The same month and key give the same archive, byte for byte.
    assert_eq!(export::build(&m, &key(), &Default::default()).unwrap().zip, built.zip);
}

#[test]
fn one_changed_byte_in_any_file_fails_naming_that_file() {
    let built = export::build(&month(0), &key(), &Default::default()).unwrap();
    let files = unzip(&built.zip);
    for i in (0..files.len()).filter(|i| !files[*i].0.starts_with("manifest.json")) {
        let mut changed = files.clone();
        let last = changed[i].1.len() - 2;
        changed[i].1[last] ^= 0x01;
        let report = export::archive::verify(&rezip(&changed), &key().verifying_key());
        assert!(!report.ok);
        assert_eq!(
            report.problems,
            vec![VerifyProblem::Changed(files[i].0.clone())],
            "{}",
            files[i].0
        );
    }
    // A changed manifest breaks the signature; another installation's key is refused; an extra
    // file is named; a missing one too.
    let mut changed = files.clone();
    let manifest = changed.iter_mut().find(|(n, _)| n == "manifest.json").unwrap();
    manifest.1 =
        String::from_utf8(manifest.1.clone()).unwrap().replace("Exempelby", "Annanby").into_bytes();
    assert_eq!(
        export::archive::verify(&rezip(&changed), &key().verifying_key()).problems,
        vec![VerifyProblem::SignatureInvalid]
    );
    let other = export::archive::new_key([8; 32]).verifying_key();
    assert_eq!(
        export::archive::verify(&built.zip, &other).problems,
        vec![VerifyProblem::SignatureInvalid]
    );
    let mut extra = files.clone();
    extra.push(("extra.txt".into(), b"x".to_vec()));
    assert_eq!(
        export::archive::verify(&rezip(&extra), &key().verifying_key()).problems,
        vec![VerifyProblem::Unlisted("extra.txt".into())]
    );
    let fewer: Vec<_> = files.iter().filter(|(n, _)| n != "lon/paxml.xml").cloned().collect();
    assert_eq!(
        export::archive::verify(&rezip(&fewer), &key().verifying_key()).problems,
        vec![VerifyProblem::Missing("lon/paxml.xml".into())]
    );
    assert_eq!(
        export::archive::verify(b"not a zip", &key().verifying_key()).problems,
        vec![VerifyProblem::NotAnArchive]
    );
}

#[test]
fn the_3059_pdf_has_the_names_the_rows_and_the_totals_as_text() {
    let m = month(0);
    let files = export::report_files(&m.reports[0]).unwrap();
    let pdf = &files.iter().find(|f| f.path.ends_with(".pdf")).unwrap().bytes;
    let text = pdftotext(pdf);
    for expected in [
        "Tidsredovisning – assistansersättning",
        "Bo Berg",
        "194503150049",
        "Anna Andersson",
        "197005120105",
        "Exempelby kommun",
        "oktober 2026",
        "Karin Admin",
    ] {
        assert!(text.contains(expected), "{expected} missing in:\n{text}");
    }
    // Aktiv 8 h + 4 h on the DST night (00:00–04:00 on 25 Oct is 5 h) = 13 h; väntetid 9 h;
    // beredskap 4 h.
    let line = |label: &str| {
        text.lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no {label} line"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(line("Aktiv tid"), "Aktiv tid 13 00");
    assert_eq!(line("Väntetid"), "Väntetid 9 00");
    assert_eq!(line("Beredskap"), "Beredskap 4 00");
    // Day rows: the night of 5–6 October is split at midnight.
    assert!(text.contains("22.00") && text.contains("24.00"), "{text}");
    assert_eq!(pdf_pages(pdf), 3);
}

#[test]
fn a_month_with_more_than_80_rows_continues_on_a_second_form() {
    let m = month(80);
    assert!(m.reports[0].parts.len() > 80);
    let files = export::report_files(&m.reports[0]).unwrap();
    let pdf = &files.iter().find(|f| f.path.ends_with(".pdf")).unwrap().bytes;
    assert_eq!(pdf_pages(pdf), 5);
    assert!(pdftotext(pdf).contains("blankett 2 av 2"));
}

#[test]
fn the_3057_pdf_and_erak_data_have_the_totals_and_the_signer() {
    let m = month(0);
    let files = export::documents(&m).unwrap();
    let pdf = &files.iter().find(|f| f.path == "fk3057/bo-berg-1.pdf").unwrap().bytes;
    let text = pdftotext(pdf);
    for expected in [
        "Räkning – assistansersättning",
        "Bo Berg",
        "194503150049",
        "oktober 2026",
        "Antal assistenter: 1",
    ] {
        assert!(text.contains(expected), "{expected} missing in:\n{text}");
    }
    let json: serde_json::Value = serde_json::from_slice(
        &files.iter().find(|f| f.path.ends_with("e-rak.json")).unwrap().bytes,
    )
    .unwrap();
    assert_eq!(json["tid"]["aktiv_tid"], serde_json::json!({"timmar": 13, "minuter": 0}));
    assert_eq!(json["tid"]["vantetid"]["timmar"], 9);
    assert_eq!(json["personnummer"], "194503150049");
    assert_eq!(json["underskrift"]["namn"], "Bo Berg");
    let lss = String::from_utf8(
        files.iter().find(|f| f.path == "lss/lss-rapport.csv").unwrap().bytes.clone(),
    )
    .unwrap();
    // 13 + 9/4 + 4/7 = 15.82 payable hours at 350 kr.
    assert!(lss.contains("Bo Berg;13:00;9:00;4:00;780;540;240;15,82;350,00;5537,00"), "{lss}");
}

#[test]
fn paxml_is_valid_against_the_paxml_2_schema_and_carries_the_dst_offset() {
    let m = month(0);
    let files = export::documents(&m).unwrap();
    let paxml = &files.iter().find(|f| f.path == "lon/paxml.xml").unwrap().bytes;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("paxml.xml");
    std::fs::write(&path, paxml).unwrap();
    let schema = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/paxml-2.0.xsd");
    let out = Command::new("xmllint")
        .args(["--noout", "--schema", schema])
        .arg(&path)
        .output()
        .expect("xmllint (libxml2-utils) is installed by scripts/setup.sh");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(paxml.clone()).unwrap();
    assert!(text.contains("<tidtrans anstid=\"A-1001\" persnr=\"197005120105\">"));
    assert!(
        text.contains("<tidkod>JR1</tidkod>")
            && text.contains("<tidkod>BE1</tidkod>")
            && text.contains("<tidkod>ARB</tidkod>")
    );
    // The DST night: 00:00 summer time to 04:00 winter time, five hours.
    assert!(text.contains("<starttid>2026-10-25T00:00:00+02:00</starttid>\n      <sluttid>2026-10-25T04:00:00+01:00</sluttid>\n      <timmar>5.00</timmar>"), "{text}");
    let csv = String::from_utf8(
        files.iter().find(|f| f.path == "lon/tidrader.csv").unwrap().bytes.clone(),
    )
    .unwrap();
    assert!(csv.starts_with("anstallningsnummer;personnummer;assistent;brukare_id;brukare;datum;start;slut;start_tid;slut_tid;slag;tidkod;minuter\n"));
    assert!(csv.contains("A-1001;197005120105;Anna Andersson;1;Bo Berg;2026-10-25;00:00;04:00;2026-10-25T00:00:00+02:00;2026-10-25T04:00:00+01:00;aktiv;ARB;300\n"), "{csv}");
}

/// Writes the PDFs of a month for looking at (`BITA_PDF_OUT=dir cargo test -p export -- --ignored`).
#[test]
#[ignore]
fn write_pdfs_for_inspection() {
    let dir = std::env::var("BITA_PDF_OUT").unwrap_or_else(|_| "target/pdf".into());
    std::fs::create_dir_all(&dir).unwrap();
    for f in export::documents(&month(80)).unwrap().iter().filter(|f| f.path.ends_with(".pdf")) {
        std::fs::write(format!("{dir}/{}", f.path.replace('/', "_")), &f.bytes).unwrap();
    }
}

/// A fillable "FK 3059" made with FK's field names (BITA does not ship FK's own form): every
/// mapped field but the per-row kind boxes of the right-hand blocks, protected by an owner
/// password as FK's forms are.
fn blank_3059(drop: &str) -> Vec<u8> {
    let mapping = export::form::FormKind::Fk3059.default_mapping();
    let names: Vec<String> = mapping
        .expanded()
        .into_iter()
        .filter(|(_, end)| !end.contains(drop))
        .map(|(_, end)| {
            let sub = if end.contains("[1].rad") {
                2
            } else if end.contains("rad[") {
                1
            } else {
                0
            };
            format!("form1[0].#subform[{sub}].{end}")
        })
        .collect();
    let plain = export::form::blank_for_tests(&names);
    let dir = tempfile::tempdir().unwrap();
    let (i, o) = (dir.path().join("plain.pdf"), dir.path().join("locked.pdf"));
    std::fs::write(&i, plain).unwrap();
    let out = Command::new("qpdf")
        .args(["--encrypt", "", "fk-owner", "256", "--"])
        .arg(&i)
        .arg(&o)
        .output()
        .expect("qpdf is installed by scripts/setup.sh");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::read(o).unwrap()
}

/// The form's fields and values as qpdf reads them back.
fn form_values(pdf: &[u8]) -> std::collections::HashMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out =
        Command::new("qpdf").args(["--json", "--json-key=acroform"]).arg(&path).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["acroform"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        // qpdf's JSON v2 writes strings as `u:text`.
        .map(|f| {
            (
                f["fullname"].as_str().unwrap().trim_start_matches("u:").to_string(),
                f["value"]
                    .as_str()
                    .map(|v| v.trim_start_matches("u:").to_string())
                    .unwrap_or_else(|| f["value"].to_string()),
            )
        })
        .collect()
}

#[test]
fn fk_s_own_3059_is_decrypted_filled_from_the_mapping_and_flattened() {
    let m = month(80);
    let r = &m.reports[0];
    let facts = export::frozen::report(&r.xml).unwrap();
    let locked = blank_3059("raderHoger[1].rad[19].ksr_beredskapsTid");
    assert!(export::form::field_names(&locked).is_err() || export::form::decrypt(&locked).is_ok());
    let blank = export::form::decrypt(&locked).unwrap();
    let mapping = export::form::FormKind::Fk3059.default_mapping();
    // A mapped field the form lacks is reported at upload, and again when filling.
    let names = export::form::field_names(&blank).unwrap();
    assert_eq!(
        mapping.missing_in(&names),
        vec![(
            "rad.80.beredskap".to_string(),
            "raderHoger[1].rad[19].ksr_beredskapsTid[0]".to_string()
        )]
    );
    let values = export::form::values_3059(
        &facts,
        &r.parts[..80],
        &engine::documents::totals(&r.parts),
        &r.attested_by,
    );
    let filled = export::form::fill(&blank, &mapping, &values).unwrap();
    assert_eq!(
        filled.missing,
        vec![(
            "rad.80.beredskap".to_string(),
            "raderHoger[1].rad[19].ksr_beredskapsTid[0]".to_string()
        )]
    );
    // Read back with qpdf: the header, the totals, the first and the 80th row.
    let v = form_values(&filled.pdf);
    assert_eq!(v["form1[0].#subform[0].flt_txtFnamnEnamnBrukare[0]"], "Bo Berg");
    assert_eq!(v["form1[0].#subform[0].kundPnr[0]"], "194503150049");
    assert_eq!(v["form1[0].#subform[0].flt_txtAr1[0]"], "2");
    assert_eq!(v["form1[0].#subform[0].flt_txtMan2[0]"], "0");
    assert_eq!(v["form1[0].#subform[0].flt_numSummaTimmar1[0]"], "93");
    assert_eq!(v["form1[0].#subform[0].flt_numSummaTimmar2[0]"], "9");
    assert_eq!(v["form1[0].#subform[1].raderVanster[0].rad[0].flt_txtDag1[0]"], "1");
    assert_eq!(v["form1[0].#subform[1].raderVanster[0].rad[0].flt_txtKlocka1[0]"], "07.00");
    assert_eq!(v["form1[0].#subform[1].raderVanster[0].rad[0].ksr_aktivTid[0]"], "/Yes");
    assert_eq!(v["form1[0].#subform[1].raderVanster[0].rad[0].ksr_vanteTid[0]"], "/Off");
    assert_eq!(
        v["form1[0].#subform[1].raderVanster[0].rad[1].ksr_vanteTid[0]"], "/Yes",
        "the night of 5 October is väntetid"
    );
    // The whole month: two forms, flattened (no fields left), the text on the pages.
    let all =
        export::form::filled_3059(&blank, &mapping, &facts, &r.parts, &r.attested_by).unwrap();
    assert!(form_values(&all.pdf).is_empty(), "flattened");
    let text = pdftotext(&all.pdf);
    assert!(
        text.contains("Bo Berg") && text.contains("Anna Andersson") && text.contains("Karin Admin"),
        "{text}"
    );
    assert_eq!(pdf_pages(&all.pdf), 2 * pdf_pages(&blank));
}

#[test]
fn fk_s_own_3057_is_filled_with_the_signed_answers() {
    let m = month(0);
    let c = &m.claims[0];
    let facts = export::frozen::claim(&c.xml).unwrap();
    let mapping = export::form::FormKind::Fk3057.default_mapping();
    let names: Vec<String> = mapping
        .expanded()
        .into_iter()
        .map(|(_, end)| format!("form1[0].#subform[0].{end}"))
        .collect();
    let blank = export::form::blank_for_tests(&names);
    let extras = export::form::ClaimExtras {
        recipient_name: "Bo Berg",
        lss: true,
        signer: "Bo Berg",
        signed_on: "2026-11-03",
        representative_personnummer: None,
    };
    let filled =
        export::form::fill(&blank, &mapping, &export::form::values_3057(&facts, &extras)).unwrap();
    assert!(filled.missing.is_empty(), "{:?}", filled.missing);
    let v = form_values(&filled.pdf);
    let f = |end: &str| v[&format!("form1[0].#subform[0].{end}")].clone();
    assert_eq!(f("flt_txtPersonNrBrukare[0]"), "194503150049");
    assert_eq!(f("flt_txtFnamnEnamnBrukare[0]"), "Bo Berg");
    assert_eq!(
        (f("flt_numaktivtid_tim[0]"), f("flt_numaktivtid_min[0]")),
        ("13".to_string(), "00".to_string())
    );
    assert_eq!(f("flt_numvantetid_tim[0]"), "9");
    assert_eq!(f("flt_txtAr1[0]") + &f("flt_txtAr4[0]") + &f("flt_txtMan2[0]"), "260");
    assert_eq!(f("rbListAssistansLSS[0]"), "/1", "LSS");
    // "No" is the radio groups' state 2.
    assert_eq!(f("rbListSjukhus[0]"), "/2", "no hospital stay");
    assert_eq!(f("rbListBetalaTillbaka[0]"), "/2", "nothing to pay back");
    assert_eq!(f("ksr_Skola[0]"), "/Off");
    assert_eq!(f("flt_txtNamnteckning[0]"), "Bo Berg");
    assert_eq!(f("flt_datum[0]"), "2026-11-03");
    let text = pdftotext(&export::form::flatten(&filled.pdf).unwrap());
    assert!(text.contains("194503150049") && text.contains("2026-11-03"), "{text}");
}

/// A second file of one name is refused (an archive nobody could check), and so is sealing
/// the archive afterwards; other names go on.
#[test]
fn an_archive_refuses_two_files_of_one_name() {
    use export::archive::{File, Municipality, Writer};
    let mut w = Writer::new("2026-11-05T10:00:00+01:00").unwrap();
    let file = |path: &str| File { path: path.into(), bytes: b"x".to_vec() };
    for i in 0..3000 {
        w.add(&file(&format!("fk3059/{i}.xml"))).unwrap();
    }
    assert!(w.add(&file("fk3059/42.xml")).is_err());
    assert!(w.add(&file("manifest.json")).is_err(), "the manifest's own name");
    let sealed =
        w.seal(Municipality { id: 1, name: "Exempelby".into() }, "2026-10", 1, &key(), vec![]);
    assert!(sealed.is_err());
}

/// A month of `reports` time reports (Anna's, under other assistants' ids and names) and
/// `claims` räkningar (Bo's, under other recipients' ids).
fn big_month(reports: usize, claims: usize) -> MonthData {
    let mut m = month(0);
    let (report, claim) = (m.reports[0].clone(), m.claims[0].clone());
    m.reports = (0..reports as i64)
        .map(|i| ReportData {
            assistant_id: 1000 + i,
            assistant_name: format!("Assistent {i}"),
            ..report.clone()
        })
        .collect();
    m.claims =
        (0..claims as i64).map(|i| ClaimData { recipient_id: 2000 + i, ..claim.clone() }).collect();
    m
}

#[test]
fn the_documents_come_in_the_months_order_whichever_core_made_them() {
    let m = big_month(90, 30);
    let files = export::documents(&m).unwrap();
    // Made one by one, in order, each from nothing kept: the same paths and the same bytes.
    let mut expected: Vec<(String, Vec<u8>)> = Vec::new();
    for r in &m.reports {
        expected.extend(export::report_files(r).unwrap().into_iter().map(|f| (f.path, f.bytes)));
    }
    let made: Vec<(String, Vec<u8>)> = files.into_iter().map(|f| (f.path, f.bytes)).collect();
    let paths: Vec<&str> = made.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths[..expected.len()],
        expected.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>()
    );
    assert!(made[..expected.len()] == expected[..], "a report's files differ made on the cores");
    let claims: Vec<&str> = paths[expected.len()..]
        .iter()
        .copied()
        .filter(|p| p.starts_with("fk3057/") && p.ends_with(".xml"))
        .collect();
    let in_order: Vec<String> =
        (0..30).map(|i| format!("fk3057/bo-berg-{}.xml", 2000 + i)).collect();
    assert_eq!(claims, in_order);
}

#[test]
fn a_sink_that_fails_stops_the_documents_being_made() {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let m = big_month(cores * 16 * 8, 0);
    let made = std::sync::atomic::AtomicUsize::new(0);
    let result = export::for_each_document(&m, &made, &mut |_| {
        Err(export::Error::Archive("the disk is full".into()))
    });
    assert!(matches!(result, Err(export::Error::Archive(ref e)) if e == "the disk is full"));
    let made = made.load(std::sync::atomic::Ordering::Relaxed);
    assert!(made < m.reports.len() / 2, "{made} of {} made after the sink failed", m.reports.len());
}
