//! A month's export of a large municipality, without database or HTTP: 1,000 recipients,
//! 5,000 assistants (five per recipient) and 150,000 rows (30 per assistant).
//!
//! 1. preflight (rules V1–V10) + every 3059 built to canonical XML with its SHA-256 + every
//!    räkning (3057) with its XML and E-RÄK data;
//! 2. every PDF record (5,000 × 3059, 1,000 × 3057), on all cores;
//! 3. the signed ZIP of everything.
//!
//! Run: `cargo build --release -p bench --bin month_export && /usr/bin/time -v target/release/month_export`.

use chrono::NaiveDate;
use engine::documents::{SignatureView, SignerCapacity};
use engine::fk::{FrozenParts, Rakning, Tidsredovisning};
use engine::rules::{MonthInput, MonthState, RowRecord, RuleConfig, preflight};
use engine::{
    Assistant, Decision, Funder, Granted, MonthStatus, Personnummer, Recipient, Regime,
    ReportMonth, RowInput, TimeRow, examples,
};
use std::collections::HashMap;
use std::time::Instant;

const RECIPIENTS: i64 = 1_000;
const PER_RECIPIENT: i64 = 5;

/// A valid personnummer for a running number (Luhn check digit computed).
fn pnr(prefix: &str, n: i64) -> Personnummer {
    let base = format!("{prefix}{:03}", n % 999 + 1);
    let digits: Vec<u32> = base[2..].chars().map(|c| c.to_digit(10).unwrap()).collect();
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = if i % 2 == 0 { d * 2 } else { *d };
            x / 10 + x % 10
        })
        .sum();
    Personnummer::parse(&format!("{base}{}", (10 - sum % 10) % 10)).expect("generated personnummer")
}

fn main() {
    let month = ReportMonth::new(2026, 10).unwrap();
    let d = |day: u32| NaiveDate::from_ymd_opt(2026, 10, day).unwrap();
    let t0 = Instant::now();
    let recipients: HashMap<i64, Recipient> = (0..RECIPIENTS)
        .map(|id| {
            (
                id,
                Recipient {
                    id,
                    personnummer: pnr(&format!("1950{:02}{:02}", id % 12 + 1, id % 28 + 1), id),
                    first_name: format!("Brukare{id}"),
                    last_name: "Berg".into(),
                },
            )
        })
        .collect();
    let regime = Regime::AbBilagaJ {
        allow_24h_shifts: false,
        period_start: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        period_months: 4,
    };
    let assistants: HashMap<i64, Assistant> = (0..RECIPIENTS * PER_RECIPIENT)
        .map(|id| {
            let mut a = Assistant { id, ..examples::assistant(regime) };
            a.personnummer = pnr(&format!("1980{:02}{:02}", id % 12 + 1, id % 28 + 1), id);
            a.first_name = format!("Assistent{id}");
            a.fk_notified =
                HashMap::from([(id / PER_RECIPIENT, NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())]);
            (id, a)
        })
        .collect();
    let decisions: Vec<Decision> = (0..RECIPIENTS)
        .map(|r| Decision {
            recipient: r,
            funder: if r % 10 == 0 { Funder::Lss } else { Funder::Sfb },
            granted: Granted::PerMonth(engine::Minutes(744 * 60)),
            valid_from: d(1),
            valid_to: NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
            vantetid_allowed: true,
            beredskap_allowed: true,
            double_assistance: true,
            raised_rate: None,
        })
        .collect();
    // 30 rows per assistant: each of the five takes one fifth of the day on 30 days
    // (day shifts, an evening, a night of waiting time across midnight, standby).
    let mut rows = Vec::with_capacity(150_000);
    let slots = [
        ("06:00", "10:00", "aktiv"),
        ("10:00", "14:00", "aktiv"),
        ("14:00", "18:00", "aktiv"),
        ("18:00", "21:00", "beredskap"),
        ("22:00", "05:00", "vantetid"),
    ];
    for a in 0..RECIPIENTS * PER_RECIPIENT {
        for day in 1..=30u32 {
            let (s, e, kind) = slots[((a % PER_RECIPIENT) as usize + day as usize / 7) % 5];
            let input = RowInput {
                recipient: "1".into(),
                date: d(day).to_string(),
                start: s.into(),
                end: e.into(),
                next_day: e < s,
                kind: kind.into(),
                fold: String::new(),
                fold_end: String::new(),
            };
            rows.push(RowRecord {
                id: rows.len() as i64,
                assistant: a,
                recipient: a / PER_RECIPIENT,
                row: input.parse().expect("valid generated row"),
            });
        }
    }
    let states: Vec<MonthState> = (0..RECIPIENTS * PER_RECIPIENT)
        .map(|a| MonthState {
            assistant: a,
            recipient: a / PER_RECIPIENT,
            status: MonthStatus::Attested,
        })
        .collect();
    let signed: Vec<i64> = (0..RECIPIENTS).collect();
    let provider = examples::provider();
    eprintln!(
        "generated {} recipients, {} assistants, {} rows in {:.2} s",
        recipients.len(),
        assistants.len(),
        rows.len(),
        t0.elapsed().as_secs_f64()
    );

    // 1. Preflight, every 3059 frozen, every 3057 and its E-RÄK data.
    let t1 = Instant::now();
    let config = RuleConfig::default();
    let p = preflight(&MonthInput {
        month,
        today: NaiveDate::from_ymd_opt(2026, 11, 4).unwrap(),
        rows: &rows,
        assistants: &assistants,
        recipients: &recipients,
        decisions: &decisions,
        absences: &[],
        states: &states,
        rakning_complete: Some(&signed),
        config: &config,
        rates: None,
    });
    let t_preflight = t1.elapsed();
    let mut by_assistant: HashMap<i64, Vec<&TimeRow>> = HashMap::new();
    for r in &rows {
        by_assistant.entry(r.assistant).or_default().push(&r.row);
    }
    let mut reports = Vec::with_capacity(assistants.len());
    for a in 0..RECIPIENTS * PER_RECIPIENT {
        let rep = Tidsredovisning::build(
            &format!("00000000-0000-4000-8000-{a:012}"),
            month,
            &recipients[&(a / PER_RECIPIENT)],
            &assistants[&a],
            &provider,
            &by_assistant[&a],
        )
        .expect("report");
        let frozen = rep.freeze().expect("generated names are well-formed");
        reports.push((a, rep.rader, frozen));
    }
    let signature = |name: &str, sha: &str| SignatureView {
        signer_name: name.into(),
        capacity: SignerCapacity::Myself,
        signed_at: "2026-11-03 10:15".into(),
        document_id: "doc".into(),
        sha256: sha.into(),
        voided: None,
        eid: None,
    };
    let mut claims = Vec::with_capacity(recipients.len());
    for r in 0..RECIPIENTS {
        let parts: Vec<FrozenParts<'_>> = reports
            [(r * PER_RECIPIENT) as usize..((r + 1) * PER_RECIPIENT) as usize]
            .iter()
            .map(|(a, parts, _)| FrozenParts {
                assistant_personnummer: assistants[a].personnummer.full(),
                parts,
            })
            .collect();
        let rakning = Rakning::build(month, &recipients[&r], &provider, &parts, false, &[]);
        let xml = rakning.to_xml().expect("generated names are well-formed");
        let sha = engine::fk::sha256_hex(&xml);
        let facts = export::frozen::claim(&xml).expect("claim");
        let erak =
            export::claims::erak(&facts, &recipients[&r].name(), &signature("x", &sha), &sha);
        claims.push((r, xml, sha, erak));
    }
    let t_docs = t1.elapsed();
    println!(
        "1. preflight ({} findings, ready: {}) {:.2} s; + 5,000 × 3059 XML and 1,000 × 3057 with E-RÄK data: {:.2} s",
        p.findings.len(),
        p.ready(),
        t_preflight.as_secs_f64(),
        t_docs.as_secs_f64()
    );

    // 2. Every document of the archive (the PDF records on every core), made and dropped;
    // 3. the same again, streamed into the signed ZIP: the real export (`export::build`).
    let data = engine::documents::MonthData {
        tenant_id: 1,
        municipality: "Storby kommun".into(),
        month,
        version: 1,
        created_at: chrono::DateTime::parse_from_rfc3339("2026-11-05T09:30:00+01:00").unwrap(),
        provider_name: provider.name.clone(),
        provider_orgnr: provider.organisationsnummer.as_str().into(),
        lss_rate: Some(rust_decimal::Decimal::new(35000, 2)),
        reports: reports
            .into_iter()
            .map(|(a, parts, frozen)| engine::documents::ReportData {
                month_id: a,
                recipient_id: a / PER_RECIPIENT,
                assistant_id: a,
                recipient_name: recipients[&(a / PER_RECIPIENT)].name(),
                assistant_name: assistants[&a].name(),
                report_id: frozen.id.clone(),
                version: 1,
                replaces: None,
                sha256: frozen.sha256.clone(),
                xml: frozen.bytes,
                parts,
                attested_by: "Handläggare".into(),
                attested_at: "2026-11-04 09:12".into(),
                approvals: vec![signature("Brukare", &frozen.sha256)],
                attestations: vec![],
                history: vec![],
            })
            .collect(),
        claims: claims
            .into_iter()
            .map(|(r, xml, sha, _)| engine::documents::ClaimData {
                recipient_id: r,
                recipient_name: recipients[&r].name(),
                signature: signature("Brukare", &sha),
                xml,
                sha256: sha,
                lss: r % 10 == 0,
                representative_personnummer: None,
            })
            .collect(),
        payroll: rows
            .iter()
            .map(|r| {
                engine::documents::PayrollRow::of(
                    &r.row,
                    (
                        r.assistant,
                        &format!("A-{}", r.assistant),
                        assistants[&r.assistant].personnummer.full(),
                        &assistants[&r.assistant].name(),
                    ),
                    (r.recipient, &recipients[&r.recipient].name()),
                )
            })
            .collect(),
        lss_recipients: (0..RECIPIENTS)
            .filter(|r| r % 10 == 0)
            .map(|r| (r, recipients[&r].name()))
            .collect(),
        fk_forms: vec![],
    };
    drop(by_assistant);
    let t2 = Instant::now();
    let (mut count, mut bytes) = (0usize, 0usize);
    export::for_each_document(&data, &Default::default(), &mut |f| {
        count += 1;
        bytes += f.bytes.len();
        Ok(())
    })
    .expect("documents");
    let t_docs = t2.elapsed();
    println!(
        "2. every document ({count} files, {:.1} MB, 6,000 of them PDFs) on {} threads: {:.2} s",
        bytes as f64 / 1e6,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        t_docs.as_secs_f64()
    );
    let t3 = Instant::now();
    let key = export::archive::new_key([1; 32]);
    let built = export::build(&data, &key, &Default::default()).expect("archive");
    let t_build = t3.elapsed();
    println!(
        "3. the signed ZIP, documents made again and streamed in: {:.2} s ({:.1} MB, {} files); the ZIP's own share ≈ {:.2} s",
        t_build.as_secs_f64(),
        built.zip.len() as f64 / 1e6,
        built.files,
        (t_build.as_secs_f64() - t_docs.as_secs_f64()).max(0.0)
    );
    let t4 = Instant::now();
    let report = export::archive::verify(&built.zip, &key.verifying_key());
    println!(
        "   verify: ok = {}, {} files in {:.2} s",
        report.ok,
        report.files_checked,
        t4.elapsed().as_secs_f64()
    );
}
