//! The export page and the public archive check page: the page types shared by server and
//! browser. The month-end document model is `engine::documents`; the documents themselves are
//! made by the `export` crate, the FK documents from the frozen, signed bytes only.

use crate::domain::ReportMonth;
use crate::domain::documents::VerifyReport;
use serde::{Deserialize, Serialize};

/// An uploaded form as the export page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FormLine {
    pub kind: String,
    pub uploaded_at: String,
    pub uploaded_by: String,
    pub fields: i64,
    /// Mapped fields the form lacks ("logical name → field-name ending").
    pub missing: Vec<String>,
}

/// One archive of a month as the export page lists it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ArchiveLine {
    pub id: i64,
    pub version: i64,
    pub created_at: String,
    pub created_by: String,
    pub sha256: String,
    pub bytes: i64,
    pub files: i64,
    pub corrections: i64,
}

/// Why an export was refused: one line per problem, each with where to fix it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Refusal {
    pub text: String,
    pub fix: String,
}

/// The export page of a month.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportPage {
    pub me: super::Me,
    pub month: ReportMonth,
    pub deadline: String,
    pub days_left: i64,
    /// What stands in the way of an export (error-level preflight findings), the first
    /// `DASHBOARD_FINDINGS` of them.
    pub blocking: super::Listed<crate::domain::rules::Finding>,
    /// Month reports that would go into the next archive, and how many are already exported.
    pub reports: usize,
    pub exported: usize,
    pub claims: usize,
    pub archives: Vec<ArchiveLine>,
    pub forms: Vec<FormLine>,
    /// The installation's public key (hex) that signs every manifest.
    pub public_key: String,
    pub flash: super::Flash,
}

/// The public page that checks an uploaded archive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VerifyPage {
    pub me: Option<super::Me>,
    pub public_key: String,
    /// Keys this installation signed with before a rotation (still trusted).
    pub retired_keys: Vec<String>,
    /// What the check of the archive just uploaded found: rendered in the answer to the upload,
    /// never kept (anonymous visitors leave nothing stored).
    pub result: Option<VerifyResult>,
}

/// The outcome of checking an upload, handed to the page the upload's answer renders.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum VerifyResult {
    Checked(VerifyReport),
    /// Why nothing was checked (no file, too large …).
    Refused(crate::i18n::T),
}
