//! The month-end document model: what one municipality's month is made of when its documents
//! are built (the frozen FK 3059s, the signed räkningar, payroll rows, the municipality's forms),
//! the signatures as everyone may see them, and what a check of an archive found. Plain data:
//! the storage gathers it, the `export` crate turns it into bytes, the app shows it.

use crate::people::Capacity;
use crate::row::DayPart;
use crate::{Minutes, ReportMonth, TimeKind, Totals};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};

/// In which capacity someone signs: for themselves, or as the recipient's representative.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignerCapacity {
    Myself,
    Representative(Capacity),
}

impl SignerCapacity {
    pub fn code(self) -> &'static str {
        match self {
            SignerCapacity::Myself => "self",
            SignerCapacity::Representative(c) => c.code(),
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        if s == "self" {
            return Some(SignerCapacity::Myself);
        }
        Capacity::from_code(s).map(SignerCapacity::Representative)
    }
}

/// A signature record as everyone may see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SignatureView {
    pub signer_name: String,
    pub capacity: SignerCapacity,
    /// Local time, `2026-11-24 14:03`.
    pub signed_at: String,
    pub document_id: String,
    pub sha256: String,
    /// When and why it stopped counting.
    pub voided: Option<(String, String)>,
    /// Made with e-legitimation (a bound ID token from the municipality's provider); `None`:
    /// with BITA's password typed again.
    pub eid: Option<EidEvidence>,
}

/// What an archived signature is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignatureWhat {
    #[default]
    Approval,
    Attestation,
    Claim,
}

/// The evidence of a signature made with e-legitimation (issue 26), kept with the signature
/// and carried into the month's archive: the ID token exactly as the provider sent it, the
/// provider's public key (JWK) that verified it, and what was checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EidEvidence {
    pub issuer: String,
    /// The authentication context class the provider asserted.
    pub acr: String,
    /// When the person authenticated at the provider (unix seconds).
    pub auth_time: i64,
    /// The signer's personnummer as the token asserted it, masked (`19121212-****`).
    pub personnummer_masked: String,
    /// What was signed, as the nonce names it: `3059:<document id>` for an approval,
    /// `3057:<recipient>:<month>` for a räkning.
    pub document: String,
    /// The random salt of the nonce: `nonce = sha256("bita-sign:" document ":" sha256 ":"
    /// user ":" salt)` in hex, so a reader can recompute the binding.
    pub nonce_salt: String,
    /// The signer's account (the `user` of the nonce).
    #[serde(default)]
    pub user: i64,
    pub id_token: String,
    /// The JWK, as JSON.
    pub key: String,
}

impl EidEvidence {
    /// The nonce a signature's authentication carries: bound to the document and the signer.
    pub fn nonce(document: &str, sha256: &str, user: i64, salt: &str) -> String {
        crate::fk::sha256_hex(format!("bita-sign:{document}:{sha256}:{user}:{salt}").as_bytes())
    }
}

/// Everything one month's archive is made of, gathered in one read after preflight passed.
#[derive(Clone, Debug)]
pub struct MonthData {
    pub tenant_id: i64,
    pub municipality: String,
    pub month: ReportMonth,
    /// Which archive version of this month this is (1 for the first export).
    pub version: i64,
    /// When the archive is made, local time with offset.
    pub created_at: DateTime<FixedOffset>,
    pub provider_name: String,
    pub provider_orgnr: String,
    /// The municipality's own hourly amount for assistance under LSS, when entered.
    pub lss_rate: Option<rust_decimal::Decimal>,
    pub reports: Vec<ReportData>,
    pub claims: Vec<ClaimData>,
    pub payroll: Vec<PayrollRow>,
    /// Recipients whose month falls under an LSS decision, with their names.
    pub lss_recipients: Vec<(i64, String)>,
    /// FK's blank forms the municipality uploaded (decrypted), to fill in.
    pub fk_forms: Vec<FkForm>,
}

/// An uploaded blank FK form and the mapping of its fields.
#[derive(Clone, Debug)]
pub struct FkForm {
    /// `3059` or `3057`.
    pub kind: String,
    /// The decrypted blank form.
    pub pdf: Vec<u8>,
    /// The mapping (JSON) of values to the form's field names.
    pub mapping: String,
}

/// An uploaded blank form after its check: decrypted, its fields counted, what the mapping
/// names and the form lacks.
#[derive(Clone, Debug)]
pub struct CheckedForm {
    pub kind: String,
    pub pdf: Vec<u8>,
    pub mapping: String,
    pub fields: i64,
    pub missing: Vec<String>,
}

/// One frozen FK 3059 (assistant × recipient × month) and its signature records.
#[derive(Clone, Debug)]
pub struct ReportData {
    pub month_id: i64,
    pub recipient_id: i64,
    pub assistant_id: i64,
    pub recipient_name: String,
    pub assistant_name: String,
    /// FK's id of the report (a UUID) and which version of it (2 and up: a correction).
    pub report_id: String,
    pub version: i64,
    /// The report id of the version this one corrects.
    pub replaces: Option<String>,
    /// The frozen canonical bytes and their SHA-256, exactly as attested.
    pub xml: Vec<u8>,
    pub sha256: String,
    /// The day parts frozen with it (minutes per part, the DST-aware truth).
    pub parts: Vec<DayPart>,
    /// Who attested for the provider and when (local time).
    pub attested_by: String,
    pub attested_at: String,
    /// The recipient's approvals, voided ones included.
    pub approvals: Vec<SignatureView>,
    /// The assistant's attestations on honour signed with e-legitimation, voided ones included
    /// (a municipality that does not ask for them has none: the history records the submission).
    pub attestations: Vec<SignatureView>,
    /// The month's history: submissions, returns, approvals, attestation.
    pub history: Vec<HistoryRecord>,
}

/// A step in a month's history as the archive records it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    pub at: String,
    pub who: String,
    pub action: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// One signed räkning (FK 3057).
#[derive(Clone, Debug)]
pub struct ClaimData {
    pub recipient_id: i64,
    pub recipient_name: String,
    /// The exact bytes the signer signed (C14N) and their SHA-256.
    pub xml: Vec<u8>,
    pub sha256: String,
    pub signature: SignatureView,
    /// Whether the month's assistance is under LSS (else SFB), for the form's LSS/SFB box.
    pub lss: bool,
    /// The signing representative's personnummer, where the register has it.
    pub representative_personnummer: Option<String>,
}

/// One row for payroll: a whole shift as the assistant reported it.
#[derive(Clone, Debug)]
pub struct PayrollRow {
    pub assistant_id: i64,
    /// The payroll system's employment id (anställningsnummer); BITA's own id when none is
    /// entered in the register.
    pub employee_id: String,
    pub personnummer: String,
    pub assistant_name: String,
    pub recipient_id: i64,
    pub recipient_name: String,
    pub date: NaiveDate,
    pub start: NaiveTime,
    pub end: NaiveTime,
    /// The start and end as instants with their UTC offset: this carries the DST choice of a
    /// shift in the repeated autumn hour.
    pub start_at: DateTime<FixedOffset>,
    pub end_at: DateTime<FixedOffset>,
    pub kind: TimeKind,
    pub minutes: Minutes,
}

impl PayrollRow {
    /// A reported row as payroll sees it; the person facts come from the register.
    pub fn of(
        row: &crate::TimeRow,
        assistant: (i64, &str, &str, &str),
        recipient: (i64, &str),
    ) -> Self {
        let local = |t: chrono::DateTime<chrono::Utc>| t.with_timezone(&crate::TZ).fixed_offset();
        PayrollRow {
            assistant_id: assistant.0,
            employee_id: assistant.1.to_string(),
            personnummer: assistant.2.to_string(),
            assistant_name: assistant.3.to_string(),
            recipient_id: recipient.0,
            recipient_name: recipient.1.to_string(),
            date: row.date(),
            start: row.start(),
            end: row.end(),
            start_at: local(row.start_at()),
            end_at: local(row.end_at()),
            kind: row.kind(),
            minutes: row.minutes(),
        }
    }
}

/// Totals of a set of day parts.
pub fn totals(parts: &[DayPart]) -> Totals {
    let mut t = Totals::default();
    for p in parts {
        t.add(p.kind, p.minutes);
    }
    t
}

/// What a verification of an uploaded archive found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VerifyReport {
    pub ok: bool,
    pub municipality: Option<String>,
    pub month: Option<String>,
    pub created_at: Option<String>,
    pub files_checked: usize,
    /// At most `export::archive::MAX_PROBLEMS`; the rest are counted in `more_problems`.
    pub problems: Vec<VerifyProblem>,
    pub more_problems: usize,
    /// The public key (hex) whose signature matched.
    pub signed_by: Option<String>,
    /// That key is one this installation has retired (the archive is older than the rotation).
    pub retired_key: bool,
    /// The standing signatures the archive's signature files carry, at most
    /// `export::archive::MAX_SIGNATURES` (the rest counted in `more_signatures`).
    pub signatures: Vec<ArchivedSignature>,
    pub more_signatures: usize,
}

/// One signature a month archive carries, as its check reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchivedSignature {
    /// The signature file it is in.
    pub file: String,
    /// What the signature is: the recipient's approval of a 3059, the assistant's attestation
    /// of it, or a räkning's signature.
    #[serde(default)]
    pub what: SignatureWhat,
    pub signer: String,
    pub signed_at: String,
    /// The SHA-256 of the document signed.
    pub sha256: String,
    /// Made with e-legitimation: its evidence. The check keeps what it shows (issuer, acr,
    /// time, masked personnummer) and drops the token and key once it has checked them.
    pub eid: Option<EidEvidence>,
    /// Whether the evidence holds: the ID token verifies with the key kept beside it, names the
    /// issuer, and its nonce binds this document and signer. `None` until checked.
    pub eid_holds: Option<bool>,
}

/// One thing an archive's check found wrong; the file is named where there is one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum VerifyProblem {
    /// Not a ZIP file at all, or a damaged one.
    NotAnArchive,
    NoManifest,
    NoSignature,
    /// The manifest is not the JSON BITA writes.
    ManifestUnreadable,
    /// The signature does not match the manifest and this installation's key.
    SignatureInvalid,
    /// A file listed in the manifest is not in the ZIP.
    Missing(String),
    /// A file's SHA-256 differs from the manifest's.
    Changed(String),
    /// A file in the ZIP that the manifest does not list.
    Unlisted(String),
    /// The archive lists more files, or unpacks to more, than any month archive can.
    TooLarge,
    /// A signature's e-legitimation evidence does not hold (in this signature file).
    EidEvidence(String),
}
