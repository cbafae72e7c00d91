//! The CSV import's report, line by line (issue 8). The import itself runs on the server
//! (`api::import`); these types travel to the page that shows the dry run.

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
        [ImportKind::Recipients, ImportKind::Assistants, ImportKind::Assignments].into_iter().find(|k| k.code() == s)
    }

    /// (column, required) in the order the README documents them.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            ImportKind::Recipients => &[("personnummer", true), ("förnamn", true), ("efternamn", true)],
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
            ImportKind::Assignments => &[("assistent_personnummer", true), ("brukare_personnummer", true), ("från", true), ("till", false), ("anmäld_fk", false), ("anhörig", false)],
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
}

impl ImportReport {
    pub fn count(&self, f: impl Fn(&LineResult) -> bool) -> usize {
        self.lines.iter().filter(|l| f(&l.result)).count()
    }

    pub fn refused(&self) -> usize {
        self.count(|r| matches!(r, LineResult::Refused(_))) + usize::from(self.file_problem.is_some())
    }
}

