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
    /// The month's export while it runs (or the one the address names, once ended).
    pub job: Option<ExportJobView>,
    pub flash: super::Flash,
}

/// How far the month's export job has come, as the page and its script show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportJobView {
    pub id: i64,
    pub running: bool,
    /// Time reports and räkningar made, of `total` (0 while the month's content is gathered).
    pub done: i64,
    pub total: i64,
    /// Estimated from the pace so far, while it runs.
    pub seconds_left: Option<i64>,
    /// Where the page shows this job (its outcome, once ended).
    pub href: String,
}

impl ExportJobView {
    /// The progress in words ("120 av 6000 …, cirka 40 s kvar").
    pub fn text(&self, l: crate::i18n::Locale) -> String {
        use crate::i18n::T;
        if self.total == 0 {
            return format!("{}…", l.t(T::ExportJobGathering));
        }
        let done = format!(
            "{} {} {} {}",
            self.done,
            l.t(T::ExportJobOf),
            self.total,
            l.t(T::ExportJobUnit)
        );
        match self.seconds_left {
            Some(s) => {
                let left = if s >= 90 {
                    format!("{} min", (s + 59) / 60)
                } else {
                    format!("{} s", s.max(1))
                };
                format!("{done} · {} {left} {}", l.t(T::ExportJobAbout), l.t(T::ExportJobLeft))
            }
            None => done,
        }
    }

    /// Per cent done (0–100), for the bar.
    pub fn percent(&self) -> i64 {
        if self.total == 0 { 0 } else { (self.done * 100 / self.total).clamp(0, 100) }
    }
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
