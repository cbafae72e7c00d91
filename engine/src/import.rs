//! The CSV import's report, line by line (issue 8). The import itself runs on the server
//! (`app::service::import`); these types travel to the page that shows the dry run.

use super::register::{AssignmentError, RegError};
use serde::{Deserialize, Serialize};

/// The largest file accepted.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    Recipients,
    Assistants,
    Assignments,
}

impl ImportKind {
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Recipients => "brukare",
            ImportKind::Assistants => "assistenter",
            ImportKind::Assignments => "uppdrag",
        }
    }

    pub fn from_code(s: &str) -> Option<Self> {
        [ImportKind::Recipients, ImportKind::Assistants, ImportKind::Assignments]
            .into_iter()
            .find(|k| k.code() == s)
    }

    /// (column, required) in the order the README documents them.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            ImportKind::Recipients => {
                &[("personnummer", true), ("förnamn", true), ("efternamn", true)]
            }
            ImportKind::Assistants => &[
                ("personnummer", true),
                ("förnamn", true),
                ("efternamn", true),
                ("födelsedatum", false),
                ("telefon", false),
                ("anstallningsnummer", false),
                ("arbetstid", false),
                ("period_start", false),
                ("period_månader", false),
                ("dygnspass", false),
                ("kollektivavtal", false),
                ("bosatt_ees", false),
                ("arbetsgivare", false),
                ("arbetsgivare_namn", false),
                ("arbetsgivare_orgnr", false),
            ],
            ImportKind::Assignments => &[
                ("assistent_personnummer", true),
                ("brukare_personnummer", true),
                ("från", true),
                ("till", false),
                ("anmäld_fk", false),
                ("anhörig", false),
            ],
        }
    }
}

/// What is wrong with a line (or the file).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportProblem {
    Reg(RegError),
    Assignment(AssignmentError),
    /// The assistant or recipient of an assignment is not in the register.
    PersonUnknown,
    /// The same person twice in the file.
    DuplicateInFile,
    /// A yes/no column with something else in it.
    YesNo,
    /// Too many or too few fields on the line.
    FieldCount,
    /// The file is not CSV, or empty.
    NotCsv,
    /// The header lacks a required column or names one BITA does not know.
    Header(String),
    TooLarge,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum LineResult {
    Created,
    /// The columns whose values change.
    Updated(Vec<String>),
    Unchanged,
    /// (column, problem) pairs; the column is empty for the whole line.
    Refused(Vec<(String, ImportProblem)>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportLine {
    /// The line number in the file (the header is line 1).
    pub line: usize,
    /// Who the line is about (name, personnummer masked), for the report.
    pub who: String,
    pub result: LineResult,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    pub kind: ImportKind,
    /// The file as a whole could not be read: why.
    pub file_problem: Option<ImportProblem>,
    pub lines: Vec<ImportLine>,
    /// `utf-8` or `windows-1252`.
    pub encoding: String,
    /// Lines a kept report leaves out ([`ImportReport::kept`]), by what they do: created,
    /// updated, unchanged, refused.
    #[serde(default)]
    pub omitted: [usize; 4],
}

/// Which of [`ImportReport::omitted`]'s counts a line's result is.
fn slot(r: &LineResult) -> usize {
    match r {
        LineResult::Created => 0,
        LineResult::Updated(_) => 1,
        LineResult::Unchanged => 2,
        LineResult::Refused(_) => 3,
    }
}

impl ImportReport {
    fn count(&self, slot_of: usize) -> usize {
        self.lines.iter().filter(|l| slot(&l.result) == slot_of).count() + self.omitted[slot_of]
    }

    pub fn created(&self) -> usize {
        self.count(0)
    }

    pub fn updated(&self) -> usize {
        self.count(1)
    }

    pub fn unchanged(&self) -> usize {
        self.count(2)
    }

    pub fn refused(&self) -> usize {
        self.count(3) + usize::from(self.file_problem.is_some())
    }

    /// The report as it is kept between the dry run and the import, and shown: every count,
    /// the first `refused` refused lines and the first `others` of the rest (a 5 MB file has
    /// some 80,000 lines; its full report would be written while other municipalities wait).
    pub fn kept(mut self, refused: usize, others: usize) -> Self {
        let (mut r, mut o) = (0, 0);
        let mut omitted = self.omitted;
        self.lines.retain(|l| {
            let (n, max) = if matches!(l.result, LineResult::Refused(_)) {
                (&mut r, refused)
            } else {
                (&mut o, others)
            };
            *n += 1;
            if *n > max {
                omitted[slot(&l.result)] += 1;
            }
            *n <= max
        });
        self.omitted = omitted;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_report_lists_a_bounded_part_and_counts_everything() {
        let line =
            |n: usize, result: LineResult| ImportLine { line: n, who: String::new(), result };
        let mut lines: Vec<ImportLine> = (0..1000)
            .map(|n| line(n, if n % 2 == 0 { LineResult::Created } else { LineResult::Unchanged }))
            .collect();
        lines.extend((0..30).map(|n| {
            line(2000 + n, LineResult::Refused(vec![(String::new(), ImportProblem::YesNo)]))
        }));
        let full = ImportReport {
            kind: ImportKind::Recipients,
            file_problem: None,
            lines,
            encoding: "utf-8".into(),
            omitted: [0; 4],
        };
        let kept = full.clone().kept(10, 5);
        assert_eq!(kept.lines.len(), 15);
        assert_eq!(
            (kept.created(), kept.unchanged(), kept.refused()),
            (full.created(), full.unchanged(), full.refused())
        );
        assert_eq!((kept.created(), kept.unchanged(), kept.refused()), (500, 500, 30));
        assert_eq!(kept.clone().kept(10, 5), kept, "keeping again changes nothing");
    }
}
