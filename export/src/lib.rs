//! BITA's month-end documents, made from the facts the server gathered ([`MonthData`]):
//!
//! - per FK 3059: the frozen XML exactly as signed, its signature records (JSON) and the
//!   municipality's PDF record ([`pdf::report_3059`]);
//! - per räkning (FK 3057): the signed XML, its signature, the PDF record and the E-RÄK data;
//! - the LSS report, payroll CSV and PAXml 2.0;
//! - FK's own fillable forms filled in, when the municipality has uploaded them ([`form`]);
//! - all of it sealed in one ZIP with a signed manifest ([`archive`]).
//!
//! Pure: bytes in, bytes out; no database and no HTTP. The server runs [`build`] on a blocking
//! thread.

pub mod archive;
pub mod claims;
pub mod form;
pub mod frozen;
pub mod payroll;
pub mod pdf;

use archive::File;
use engine::documents::SignatureView;
use engine::documents::{ClaimData, HistoryRecord, MonthData, ReportData};
use serde::Serialize;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("a frozen document cannot be read: {0}")]
    Document(String),
    #[error("a PDF could not be written: {0}")]
    Pdf(String),
    #[error("the archive could not be written: {0}")]
    Archive(String),
    #[error("FK's form could not be filled: {0}")]
    Form(String),
}

/// A spreadsheet would run a cell starting with these as a formula: prefix an apostrophe.
pub(crate) fn defused(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() }
}

/// A file name from a person's name: ASCII letters and digits, dashes between words.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(|c| c.to_lowercase()) {
        let c = match c {
            'å' | 'ä' | 'á' | 'à' | 'â' => 'a',
            'ö' | 'ø' | 'ó' | 'ò' | 'ô' => 'o',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'ü' | 'ú' | 'ù' => 'u',
            'í' | 'ì' | 'ï' => 'i',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// The signature records that travel beside a 3059.
#[derive(Serialize)]
struct ReportSignatures<'a> {
    report_id: &'a str,
    version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    replaces: Option<&'a str>,
    sha256: &'a str,
    attested_by: &'a str,
    attested_at: &'a str,
    approvals: Vec<SignatureRecord<'a>>,
    /// The assistant's attestations signed with e-legitimation (none where the municipality
    /// does not ask for it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    attestations: Vec<SignatureRecord<'a>>,
    history: &'a [HistoryRecord],
}

#[derive(Serialize)]
struct SignatureRecord<'a> {
    signer: &'a str,
    capacity: &'a str,
    signed_at: &'a str,
    document_id: &'a str,
    sha256: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    voided_at: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    voided_reason: Option<&'a str>,
    /// `password` (typed again) or `e-legitimation` (a bound ID token, its evidence beside).
    method: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    e_legitimation: Option<&'a engine::documents::EidEvidence>,
}

fn record(s: &SignatureView) -> SignatureRecord<'_> {
    SignatureRecord {
        method: if s.eid.is_some() { "e-legitimation" } else { "password" },
        e_legitimation: s.eid.as_ref(),
        signer: &s.signer_name,
        capacity: s.capacity.code(),
        signed_at: &s.signed_at,
        document_id: &s.document_id,
        sha256: &s.sha256,
        voided_at: s.voided.as_ref().map(|v| v.0.as_str()),
        voided_reason: s.voided.as_ref().map(|v| v.1.as_str()),
    }
}

/// Where a report's files go: `fk3059/<recipient>/<assistant>-<version>`.
pub fn report_stem(r: &ReportData) -> String {
    let v = if r.version > 1 { format!("-v{}", r.version) } else { String::new() };
    format!(
        "fk3059/{}-{}/{}-{}{v}",
        slug(&r.recipient_name),
        r.recipient_id,
        slug(&r.assistant_name),
        r.assistant_id
    )
}

/// The files of one frozen 3059: its XML, signature records and PDF record.
pub fn report_files(r: &ReportData) -> Result<Vec<File>, Error> {
    let stem = report_stem(r);
    let facts = frozen::report(&r.xml)?;
    let signatures = ReportSignatures {
        report_id: &r.report_id,
        version: r.version,
        replaces: r.replaces.as_deref(),
        sha256: &r.sha256,
        attested_by: &r.attested_by,
        attested_at: &r.attested_at,
        approvals: r.approvals.iter().map(record).collect(),
        attestations: r.attestations.iter().map(record).collect(),
        history: &r.history,
    };
    let submitted = r
        .history
        .iter()
        .rev()
        .find(|h| h.action == "submit")
        .map(|h| (h.who.as_str(), h.at.as_str()));
    let signers = pdf::Signers {
        submitted,
        attested: (&r.attested_by, &r.attested_at),
        approvals: &r.approvals,
    };
    let pdf =
        pdf::report_3059(&facts, &r.parts, &r.sha256, r.version, r.replaces.as_deref(), &signers)?;
    Ok(vec![
        File { path: format!("{stem}.xml"), bytes: r.xml.clone() },
        File {
            path: format!("{stem}.signaturer.json"),
            bytes: serde_json::to_vec_pretty(&signatures).unwrap_or_default(),
        },
        File { path: format!("{stem}.pdf"), bytes: pdf },
    ])
}

/// An uploaded FK form, ready to fill.
struct Blank<'a> {
    pdf: &'a [u8],
    mapping: form::Mapping,
}

fn blank(m: &MonthData, kind: form::FormKind) -> Result<Option<Blank<'_>>, Error> {
    let Some(f) = m.fk_forms.iter().find(|f| f.kind == kind.code()) else { return Ok(None) };
    let mapping = form::Mapping::parse(f.mapping.as_bytes())
        .ok_or_else(|| Error::Form(format!("the FK {} mapping is not valid", kind.code())))?;
    Ok(Some(Blank { pdf: &f.pdf, mapping }))
}

/// One report's files: its XML, signature records, PDF record and, when the municipality has
/// uploaded FK's form, that form filled in.
fn report_documents(r: &ReportData, blank_3059: Option<&Blank<'_>>) -> Result<Vec<File>, Error> {
    let mut files = report_files(r)?;
    if let Some(b) = blank_3059 {
        let facts = frozen::report(&r.xml)?;
        let filled = form::filled_3059(b.pdf, &b.mapping, &facts, &r.parts, &r.attested_by)?;
        files.push(File { path: format!("{}.fk-blankett.pdf", report_stem(r)), bytes: filled.pdf });
    }
    Ok(files)
}

/// How many documents (a report's, or a räkning's) are made at once on each core before their
/// files are handed on: enough to keep the cores busy, few enough that a big month's PDFs are
/// never all in memory.
const BATCH_PER_THREAD: usize = 16;

/// How many steps [`for_each_document`] counts in `made`: one per time report and one per
/// räkning (the payroll and LSS files at the end are quick and not counted).
pub fn steps(m: &MonthData) -> usize {
    m.reports.len() + m.claims.len()
}

/// One räkning's files: its XML, signature record, E-RÄK data, PDF record and, when the
/// municipality has uploaded FK's form, that form filled in.
fn claim_documents(c: &ClaimData, blank_3057: Option<&Blank<'_>>) -> Result<Vec<File>, Error> {
    let stem = format!("fk3057/{}-{}", slug(&c.recipient_name), c.recipient_id);
    let facts = frozen::claim(&c.xml)?;
    let mut files = vec![
        File { path: format!("{stem}.xml"), bytes: c.xml.clone() },
        File {
            path: format!("{stem}.signatur.json"),
            bytes: serde_json::to_vec_pretty(&record(&c.signature)).unwrap_or_default(),
        },
        File {
            path: format!("{stem}.e-rak.json"),
            bytes: claims::erak(&facts, &c.recipient_name, &c.signature, &c.sha256),
        },
        File {
            path: format!("{stem}.pdf"),
            bytes: pdf::claim_3057(&facts, &c.recipient_name, &c.sha256, &c.signature)?,
        },
    ];
    if let Some(b) = blank_3057 {
        let signed_on = c.signature.signed_at.get(..10).unwrap_or("");
        let extras = form::ClaimExtras {
            recipient_name: &c.recipient_name,
            lss: c.lss,
            signer: &c.signature.signer_name,
            signed_on,
            representative_personnummer: c.representative_personnummer.as_deref(),
        };
        let filled = form::fill(b.pdf, &b.mapping, &form::values_3057(&facts, &extras))?;
        files.push(File {
            path: format!("{stem}.fk-blankett.pdf"),
            bytes: form::flatten(&filled.pdf)?,
        });
    }
    Ok(files)
}

/// Makes every document of the month in a stable order and hands each to `sink` as soon as
/// it is made, counting each report and räkning done in `made` (a job's progress, read by
/// another thread).
///
/// The documents are made on all cores, a batch at a time, on a thread of their own, while
/// `sink` takes the previous batch's files here (for the archive: compressing them): the two
/// overlap, so no core waits for the other's part.
pub fn for_each_document(
    m: &MonthData,
    made: &AtomicUsize,
    sink: &mut dyn FnMut(File) -> Result<(), Error>,
) -> Result<(), Error> {
    let (blank_3059, blank_3057) =
        (blank(m, form::FormKind::Fk3059)?, blank(m, form::FormKind::Fk3057)?);
    // What a form lacks of its mapping, per form: listed in the archive, never skipped silently.
    let mut missing: std::collections::BTreeMap<&str, std::collections::BTreeSet<String>> =
        Default::default();
    for (name, b) in [("FK 3059", &blank_3059), ("FK 3057", &blank_3057)] {
        if let Some(b) = b {
            let lacks = b.mapping.missing_in(&form::field_names(b.pdf)?);
            if !lacks.is_empty() {
                missing
                    .entry(name)
                    .or_default()
                    .extend(lacks.into_iter().map(|(k, f)| format!("{k} → {f}")));
            }
        }
    }
    let work: Vec<Work<'_>> =
        m.reports.iter().map(Work::Report).chain(m.claims.iter().map(Work::Claim)).collect();
    let (blank_3059, blank_3057) = (blank_3059.as_ref(), blank_3057.as_ref());
    let make = |w: &Work<'_>| match w {
        Work::Report(r) => report_documents(r, blank_3059),
        Work::Claim(c) => claim_documents(c, blank_3057),
    };
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    std::thread::scope(|s| -> Result<(), Error> {
        // One batch made ahead at most: its files wait here while the last one is taken.
        let (to_sink, batches) = std::sync::mpsc::sync_channel::<Vec<Result<Vec<File>, Error>>>(1);
        s.spawn(move || {
            for batch in work.chunks(threads * BATCH_PER_THREAD) {
                // Each core takes the batch's next document when it is done with one, so none
                // waits at the batch's end for another's share of slower ones.
                let next = AtomicUsize::new(0);
                let mut files: Vec<(usize, Result<Vec<File>, Error>)> = std::thread::scope(|s| {
                    let handles: Vec<_> = (0..threads)
                        .map(|_| {
                            let next = &next;
                            s.spawn(move || {
                                let mut out = Vec::new();
                                loop {
                                    let i = next.fetch_add(1, Ordering::Relaxed);
                                    let Some(w) = batch.get(i) else { return out };
                                    out.push((i, make(w)));
                                    made.fetch_add(1, Ordering::Relaxed);
                                }
                            })
                        })
                        .collect();
                    handles
                        .into_iter()
                        .flat_map(|h| {
                            h.join().unwrap_or_else(|_| {
                                vec![(0, Err(Error::Pdf("a document thread failed".into())))]
                            })
                        })
                        .collect()
                });
                files.sort_by_key(|(i, _)| *i);
                let files: Vec<Result<Vec<File>, Error>> =
                    files.into_iter().map(|(_, f)| f).collect();
                // The sink has stopped (it failed): nothing more to make.
                if to_sink.send(files).is_err() {
                    return;
                }
            }
        });
        for batch in batches {
            for files in batch {
                for f in files? {
                    sink(f)?;
                }
            }
        }
        Ok(())
    })?;
    if !missing.is_empty() {
        sink(File {
            path: "fk-blanketter/saknade-falt.json".into(),
            bytes: serde_json::to_vec_pretty(&missing).unwrap_or_default(),
        })?;
    }
    if !m.lss_recipients.is_empty() {
        let mut parts_of: std::collections::HashMap<i64, Vec<engine::row::DayPart>> =
            Default::default();
        for r in &m.reports {
            parts_of.entry(r.recipient_id).or_default().extend(r.parts.iter().copied());
        }
        let lines: Vec<claims::LssLine<'_>> = m
            .lss_recipients
            .iter()
            .map(|(id, name)| claims::LssLine {
                recipient: name,
                totals: engine::documents::totals(
                    parts_of.get(id).map(Vec::as_slice).unwrap_or(&[]),
                ),
            })
            .collect();
        sink(File {
            path: "lss/lss-rapport.csv".into(),
            bytes: claims::lss_report(&lines, m.lss_rate),
        })?;
    }
    sink(File { path: "lon/tidrader.csv".into(), bytes: payroll::csv(&m.payroll) })?;
    let sender = payroll::Sender {
        name: &m.provider_name,
        orgnr: &m.provider_orgnr,
        created_at: m.created_at,
    };
    sink(File { path: "lon/paxml.xml".into(), bytes: payroll::paxml(&m.payroll, &sender) })?;
    Ok(())
}

/// What [`for_each_document`] makes on the cores: one report's documents or one räkning's.
enum Work<'a> {
    Report(&'a ReportData),
    Claim(&'a ClaimData),
}

/// Every document of the month, in memory (for tests and small months; [`build`] streams).
pub fn documents(m: &MonthData) -> Result<Vec<File>, Error> {
    let mut files = Vec::new();
    for_each_document(m, &AtomicUsize::new(0), &mut |f| {
        files.push(f);
        Ok(())
    })?;
    Ok(files)
}

/// The sealed archive of a month and what the server records about it.
pub struct Built {
    pub zip: Vec<u8>,
    pub sha256: String,
    pub manifest_sha256: String,
    pub files: usize,
    pub corrections: usize,
}

/// Makes every document and seals them in one signed ZIP, each file written into the ZIP as
/// soon as it is made (the steps done counted in `made`, [`steps`]).
pub fn build(
    m: &MonthData,
    key: &ed25519_dalek::SigningKey,
    made: &AtomicUsize,
) -> Result<Built, Error> {
    let created = m.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let mut writer = archive::Writer::new(&created)?;
    for_each_document(m, made, &mut |f| writer.add(&f))?;
    let corrections: Vec<archive::Correction> = m
        .reports
        .iter()
        .filter_map(|r| {
            r.replaces.as_ref().map(|old| archive::Correction {
                path: format!("{}.xml", report_stem(r)),
                report_id: r.report_id.clone(),
                version: r.version,
                replaces: old.clone(),
                previous_archive: (m.version > 1).then_some(m.version - 1),
            })
        })
        .collect();
    let municipality = archive::Municipality { id: m.tenant_id, name: m.municipality.clone() };
    let count = corrections.len();
    let sealed = writer.seal(municipality, &m.month.to_string(), m.version, key, corrections)?;
    Ok(Built {
        sha256: engine::fk::sha256_hex(&sealed.zip),
        zip: sealed.zip,
        manifest_sha256: sealed.manifest_sha256,
        files: sealed.files,
        corrections: count,
    })
}
