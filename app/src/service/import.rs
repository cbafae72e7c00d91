//! CSV import of recipients, assistants and assignments (issue 8): the files municipalities
//! keep in spreadsheets, UTF-8 or Excel's Swedish variant (semicolon, Windows-1252). The format
//! is in the README.
//!
//! Reading and checking a file never holds the installation's write lock (issue 23: one
//! municipality's 5 MB file held every municipality's saves for 10 s): the register is read
//! once on a read connection, every line is checked against it in memory ([`plan`]: the same
//! checks as the admin pages, and the assignments' decision and overlap checks), and the dry
//! run reports exactly what the import would do. The import writes only when no line is
//! refused, in batches of [`BATCH`] lines, each one short transaction with its audit entry
//! that re-checks what the database guards (a personnummer created meanwhile, an assignment
//! that now overlaps); another municipality's save waits for one batch at most.

use super::context::{Cx, internal, me, now_unix, today};
use super::tx::{Begun, begin, commit, said};
use crate::domain::Personnummer;
use crate::domain::import::*;
use crate::domain::register::{
    AssignmentError, AssignmentInput, AssistantInput, RecipientInput, RegError, RegField,
};
use crate::domain::text;
use crate::i18n::T;
use crate::model::*;
use store::{AuditEntry, Caller, Conflict, RepoError, Store};

pub use crate::domain::import::MAX_BYTES;

/// The text of a file: UTF-8 (a byte-order mark dropped) or else Windows-1252, as Excel's
/// Swedish "CSV (semikolonavgränsad)" writes it.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "utf-8"),
        Err(_) => (
            encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(),
            "windows-1252",
        ),
    }
}

/// Yes/no as people write it in spreadsheets; empty is `default`.
fn yes_no(s: &str, default: bool) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "" => Some(default),
        "ja" | "j" | "x" | "1" | "yes" | "sant" | "true" => Some(true),
        "nej" | "n" | "0" | "no" | "falskt" | "false" => Some(false),
        _ => None,
    }
}

/// The CSV column a form field is read from.
fn column_of(f: RegField) -> &'static str {
    match f {
        RegField::Personnummer => "personnummer",
        RegField::FirstName => "förnamn",
        RegField::LastName => "efternamn",
        RegField::BirthDate => "födelsedatum",
        RegField::Regime => "arbetstid",
        RegField::PeriodStart => "period_start",
        RegField::PeriodMonths => "period_månader",
        RegField::Employer => "arbetsgivare",
        RegField::OtherEmployerName => "arbetsgivare_namn",
        RegField::OtherEmployerOrg => "arbetsgivare_orgnr",
        RegField::Phone => "telefon",
        RegField::EmployeeNumber => "anstallningsnummer",
    }
}

fn reg_refused(errors: Vec<RegError>) -> LineResult {
    LineResult::Refused(
        errors
            .into_iter()
            .map(|e| (column_of(e.field()).to_string(), ImportProblem::Reg(e)))
            .collect(),
    )
}

/// One line's values by column name.
struct Row<'a> {
    header: &'a [String],
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn get(&self, column: &str) -> Option<&str> {
        self.header.iter().position(|h| h == column).and_then(|i| self.record.get(i)).map(str::trim)
    }

    fn text(&self, column: &str) -> String {
        self.get(column).unwrap_or_default().to_string()
    }
}

/// The register as an import checks against, read once before any line is looked at.
#[derive(Default)]
pub struct Register {
    recipients: std::collections::HashMap<String, (i64, RecipientInput)>,
    assistants: std::collections::HashMap<String, (i64, bool, AssistantInput)>,
    /// (recipient, from, to) of every decision.
    decisions: Vec<(i64, chrono::NaiveDate, chrono::NaiveDate)>,
    /// (assistant, recipient, from, to) of every assignment.
    assignments: Vec<(i64, i64, chrono::NaiveDate, Option<chrono::NaiveDate>)>,
}

/// Reads what `kind`'s lines are checked against, on a read connection (no lock).
pub async fn register(
    db: &mut Box<dyn Store>,
    tenant: i64,
    kind: ImportKind,
) -> Result<Register, RepoError> {
    let mut r = Register::default();
    if kind != ImportKind::Assistants {
        r.recipients = db.recipients_by_personnummer(tenant).await?;
    }
    if kind != ImportKind::Recipients {
        r.assistants = db.assistants_by_personnummer(tenant).await?;
    }
    if kind == ImportKind::Assignments {
        (r.decisions, r.assignments) = db.assignment_spans(tenant).await?;
    }
    Ok(r)
}

/// One write of an import, planned from its line and the register.
#[derive(Clone, Debug)]
pub enum Op {
    Recipient(Option<i64>, crate::domain::register::RecipientData),
    Assistant(Option<i64>, crate::domain::register::AssistantData),
    Assignment(i64, crate::domain::register::AssignmentData),
}

/// What an import of a file would do: the report, line by line, and the writes.
pub struct Plan {
    pub report: ImportReport,
    /// (the report line's index, the write).
    pub ops: Vec<(usize, Op)>,
}

/// Checks every line of `bytes` against the register, in memory: what the import would do.
pub fn plan(
    kind: ImportKind,
    bytes: &[u8],
    register: &mut Register,
    today: chrono::NaiveDate,
) -> Plan {
    let (text, encoding) = decode(bytes);
    let mut report = ImportReport {
        kind,
        file_problem: None,
        lines: vec![],
        encoding: encoding.into(),
        omitted: [0; 4],
    };
    let mut ops = vec![];
    if bytes.len() > MAX_BYTES {
        report.file_problem = Some(ImportProblem::TooLarge);
        return Plan { report, ops };
    }
    // Excel's Swedish CSV separates with semicolons; others with commas: the header decides.
    let first = text.lines().next().unwrap_or_default();
    let delimiter =
        if first.matches(';').count() >= first.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => {
            report.file_problem = Some(ImportProblem::NotCsv);
            return Plan { report, ops };
        }
    };
    let known = kind.columns();
    if let Some(unknown) = header.iter().find(|h| !known.iter().any(|(k, _)| k == h)) {
        report.file_problem = Some(ImportProblem::Header(unknown.clone()));
        return Plan { report, ops };
    }
    if let Some((missing, _)) =
        known.iter().find(|(k, required)| *required && !header.iter().any(|h| h == k))
    {
        report.file_problem = Some(ImportProblem::Header((*missing).to_string()));
        return Plan { report, ops };
    }
    let mut seen = std::collections::HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                report.lines.push(ImportLine {
                    line,
                    who: String::new(),
                    result: LineResult::Refused(vec![(String::new(), ImportProblem::NotCsv)]),
                });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            report.lines.push(ImportLine {
                line,
                who: String::new(),
                result: LineResult::Refused(vec![(String::new(), ImportProblem::FieldCount)]),
            });
            continue;
        }
        let row = Row { header: &header, record: &record };
        let (who, result, op) = match kind {
            ImportKind::Recipients => recipient_line(&row, today, &mut seen, register),
            ImportKind::Assistants => assistant_line(&row, today, &mut seen, register),
            ImportKind::Assignments => assignment_line(&row, today, register),
        };
        if let Some(op) = op {
            ops.push((report.lines.len(), op));
        }
        report.lines.push(ImportLine { line, who, result });
    }
    Plan { report, ops }
}

/// How many lines one write transaction of an import takes: a batch holds the write lock for
/// a few milliseconds (measured in the README's "Abuse and limits").
pub const BATCH: usize = 100;

/// Writes one batch inside its transaction. A write the database refuses now (something
/// changed since the plan) names the line and why.
async fn apply(
    db: &mut Box<dyn Store>,
    tenant: i64,
    ops: &[(usize, Op)],
) -> Result<Result<(), (usize, LineResult)>, RepoError> {
    for (line, op) in ops {
        let refused = |p: ImportProblem, column: &str| {
            Ok(Err((*line, LineResult::Refused(vec![(column.to_string(), p)]))))
        };
        match op {
            Op::Recipient(id, data) => match db.save_recipient(tenant, *id, data).await {
                Ok(Some(_)) => {}
                Ok(None) => return refused(ImportProblem::PersonUnknown, "personnummer"),
                Err(RepoError::Conflict(Conflict::Duplicate)) => {
                    return refused(
                        ImportProblem::Reg(RegError::PersonnummerTaken),
                        "personnummer",
                    );
                }
                Err(e) => return Err(e),
            },
            Op::Assistant(id, data) => match db.save_assistant(tenant, *id, data).await {
                Ok(Some(_)) => {}
                Ok(None) => return refused(ImportProblem::PersonUnknown, "personnummer"),
                Err(RepoError::Conflict(Conflict::Duplicate)) => {
                    return refused(
                        ImportProblem::Reg(RegError::PersonnummerTaken),
                        "personnummer",
                    );
                }
                Err(e) => return Err(e),
            },
            Op::Assignment(assistant, data) => match db
                .add_assignment(tenant, *assistant, data)
                .await?
            {
                Some(Ok(_)) => {}
                Some(Err(e)) => return refused(ImportProblem::Assignment(e), assignment_column(e)),
                None => return refused(ImportProblem::PersonUnknown, "brukare_personnummer"),
            },
        }
    }
    Ok(Ok(()))
}

fn masked_or_typed(s: &str, today: chrono::NaiveDate) -> (Option<Personnummer>, String) {
    match Personnummer::parse_at(s, today) {
        Ok(p) => {
            let m = p.masked();
            (Some(p), m)
        }
        Err(_) => (None, String::new()),
    }
}

/// A line's outcome: who it is about, what it does, and its write.
type Line = (String, LineResult, Option<Op>);

fn recipient_line(
    row: &Row<'_>,
    today: chrono::NaiveDate,
    seen: &mut std::collections::HashSet<String>,
    known: &Register,
) -> Line {
    let input = RecipientInput {
        personnummer: row.text("personnummer"),
        first_name: row.text("förnamn"),
        last_name: row.text("efternamn"),
    };
    let (pnr, masked) = masked_or_typed(&input.personnummer, today);
    let who = format!("{} {} {masked}", input.first_name, input.last_name).trim().to_string();
    let data = match input.parse(false, today) {
        Ok(d) => d,
        Err(e) => return (who, reg_refused(e), None),
    };
    let Some(pnr) = pnr else {
        return (who, reg_refused(vec![RegError::PersonnummerInvalid]), None);
    };
    if !seen.insert(pnr.full().to_string()) {
        return (
            who,
            LineResult::Refused(vec![("personnummer".into(), ImportProblem::DuplicateInFile)]),
            None,
        );
    }
    match known.recipients.get(pnr.full()) {
        None => (who, LineResult::Created, Some(Op::Recipient(None, data))),
        Some((id, stored)) => {
            let id = *id;
            let mut changed = vec![];
            if stored.first_name != data.first_name {
                changed.push("förnamn".to_string());
            }
            if stored.last_name != data.last_name {
                changed.push("efternamn".to_string());
            }
            if changed.is_empty() {
                return (who, LineResult::Unchanged, None);
            }
            (
                who,
                LineResult::Updated(changed),
                Some(Op::Recipient(
                    Some(id),
                    crate::domain::register::RecipientData { personnummer: None, ..data },
                )),
            )
        }
    }
}

/// The assistant form's fields from the line: the stored (or new) values, with each column
/// the file has written over them.
fn assistant_input(
    row: &Row<'_>,
    base: &AssistantInput,
) -> Result<AssistantInput, Vec<(String, ImportProblem)>> {
    let mut a = base.clone();
    let mut problems = vec![];
    let set = |col: &str, field: &mut String| {
        if let Some(v) = row.get(col) {
            *field = v.to_string();
        }
    };
    set("förnamn", &mut a.first_name);
    set("efternamn", &mut a.last_name);
    set("födelsedatum", &mut a.birth_date);
    set("telefon", &mut a.phone);
    set("anstallningsnummer", &mut a.employee_number);
    set("period_start", &mut a.period_start);
    set("period_månader", &mut a.period_months);
    set("arbetsgivare_namn", &mut a.other_employer_name);
    set("arbetsgivare_orgnr", &mut a.other_employer_org);
    if let Some(v) = row.get("arbetstid").filter(|v| !v.is_empty()) {
        a.regime = match v.to_lowercase().replace(' ', "_").as_str() {
            "ab" | "ab_bilaga_j" | "pan" => "ab_bilaga_j".into(),
            "atl" | "arbetstidslagen" => "atl".into(),
            "husligt" | "husligt_arbete" => "husligt_arbete".into(),
            other => other.into(),
        };
    }
    if let Some(v) = row.get("arbetsgivare").filter(|v| !v.is_empty()) {
        a.employer = match v.to_lowercase().as_str() {
            "kommunen" | "anordnaren" | "provider" => "provider".into(),
            "annan" | "other" => "other".into(),
            "egen" | "egenföretagare" | "self" => "self".into(),
            other => other.into(),
        };
    }
    for (col, field) in [
        ("dygnspass", &mut a.allow_24h_shifts),
        ("kollektivavtal", &mut a.collective_agreement),
        ("bosatt_ees", &mut a.eea_resident),
    ] {
        if let Some(v) = row.get(col) {
            match yes_no(v, *field) {
                Some(b) => *field = b,
                None => problems.push((col.to_string(), ImportProblem::YesNo)),
            }
        }
    }
    if problems.is_empty() { Ok(a) } else { Err(problems) }
}

fn assistant_line(
    row: &Row<'_>,
    today: chrono::NaiveDate,
    seen: &mut std::collections::HashSet<String>,
    known: &Register,
) -> Line {
    use chrono::Datelike;
    let typed_pnr = row.text("personnummer");
    let (pnr, masked) = masked_or_typed(&typed_pnr, today);
    let who =
        format!("{} {} {masked}", row.text("förnamn"), row.text("efternamn")).trim().to_string();
    let Some(pnr) = pnr else {
        return (
            who,
            reg_refused(vec![if typed_pnr.is_empty() {
                RegError::Missing(RegField::Personnummer)
            } else {
                RegError::PersonnummerInvalid
            }]),
            None,
        );
    };
    if !seen.insert(pnr.full().to_string()) {
        return (
            who,
            LineResult::Refused(vec![("personnummer".into(), ImportProblem::DuplicateInFile)]),
            None,
        );
    }
    let stored = known.assistants.get(pnr.full()).cloned();
    let base = match &stored {
        Some((_, _, input)) => input.clone(),
        None => AssistantInput {
            eea_resident: true,
            regime: "ab_bilaga_j".into(),
            period_start: format!("{}-01-01", today.year()),
            period_months: "4".into(),
            employer: "provider".into(),
            collective_agreement: true,
            ..Default::default()
        },
    };
    let mut input = match assistant_input(row, &base) {
        Ok(i) => i,
        Err(p) => return (who, LineResult::Refused(p), None),
    };
    match stored {
        None => {
            input.personnummer = typed_pnr;
            match input.parse(false, false, today) {
                Ok(data) => (who, LineResult::Created, Some(Op::Assistant(None, data))),
                Err(e) => (who, reg_refused(e), None),
            }
        }
        Some((id, has_date, before)) => {
            let changed: Vec<String> = ImportKind::Assistants
                .columns()
                .iter()
                .filter(|(c, _)| row.get(c).is_some() && *c != "personnummer")
                .filter(|(c, _)| {
                    let pick = |a: &AssistantInput| match *c {
                        "förnamn" => a.first_name.clone(),
                        "efternamn" => a.last_name.clone(),
                        "födelsedatum" => a.birth_date.clone(),
                        "telefon" => a.phone.clone(),
                        "anstallningsnummer" => a.employee_number.clone(),
                        "arbetstid" => a.regime.clone(),
                        "period_start" => a.period_start.clone(),
                        "period_månader" => a.period_months.clone(),
                        "dygnspass" => a.allow_24h_shifts.to_string(),
                        "kollektivavtal" => a.collective_agreement.to_string(),
                        "bosatt_ees" => a.eea_resident.to_string(),
                        "arbetsgivare" => a.employer.clone(),
                        "arbetsgivare_namn" => a.other_employer_name.clone(),
                        _ => a.other_employer_org.clone(),
                    };
                    pick(&before) != pick(&input)
                })
                .map(|(c, _)| c.to_string())
                .collect();
            if changed.is_empty() {
                return (who, LineResult::Unchanged, None);
            }
            match input.parse(true, has_date, today) {
                Ok(data) => {
                    (who, LineResult::Updated(changed), Some(Op::Assistant(Some(id), data)))
                }
                Err(e) => (who, reg_refused(e), None),
            }
        }
    }
}

/// The CSV column an assignment's problem is about.
fn assignment_column(e: AssignmentError) -> &'static str {
    match e {
        AssignmentError::RecipientMissing => "brukare_personnummer",
        AssignmentError::FromInvalid
        | AssignmentError::OutsideDecision
        | AssignmentError::Overlaps => "från",
        AssignmentError::ToInvalid | AssignmentError::ToBeforeFrom => "till",
        AssignmentError::NotifiedInvalid => "anmäld_fk",
    }
}

/// An assignment line, checked as the register's form checks it (a decision of the recipient
/// covers its first day; it does not overlap another of the same pair, in the register or
/// earlier in the file).
fn assignment_line(row: &Row<'_>, today: chrono::NaiveDate, known: &mut Register) -> Line {
    let (a_pnr, a_masked) = masked_or_typed(&row.text("assistent_personnummer"), today);
    let (r_pnr, r_masked) = masked_or_typed(&row.text("brukare_personnummer"), today);
    let who = format!("{a_masked} – {r_masked}");
    let mut refused = vec![];
    let assistant =
        a_pnr.as_ref().and_then(|p| known.assistants.get(p.full())).map(|(id, _, _)| *id);
    let recipient = r_pnr.as_ref().and_then(|p| known.recipients.get(p.full())).map(|(id, _)| *id);
    if assistant.is_none() {
        refused.push((
            "assistent_personnummer".to_string(),
            if a_pnr.is_some() {
                ImportProblem::PersonUnknown
            } else {
                ImportProblem::Reg(RegError::PersonnummerInvalid)
            },
        ));
    }
    if recipient.is_none() {
        refused.push((
            "brukare_personnummer".to_string(),
            if r_pnr.is_some() {
                ImportProblem::PersonUnknown
            } else {
                ImportProblem::Reg(RegError::PersonnummerInvalid)
            },
        ));
    }
    let relative = match yes_no(&row.text("anhörig"), false) {
        Some(b) => b,
        None => {
            refused.push(("anhörig".into(), ImportProblem::YesNo));
            false
        }
    };
    let input = AssignmentInput {
        recipient: recipient.map(|r| r.to_string()).unwrap_or_default(),
        valid_from: row.text("från"),
        valid_to: row.text("till"),
        fk_notified_on: row.text("anmäld_fk"),
        relative,
    };
    let data = match input.parse() {
        Ok(d) => Some(d),
        Err(errors) => {
            refused.extend(
                errors
                    .into_iter()
                    .filter(|e| *e != AssignmentError::RecipientMissing || recipient.is_some())
                    .map(|e| (assignment_column(e).to_string(), ImportProblem::Assignment(e))),
            );
            None
        }
    };
    let (Some(assistant), Some(data), true) = (assistant, data, refused.is_empty()) else {
        return (who, LineResult::Refused(refused), None);
    };
    let pair = |&&(a, r, _, _): &&(i64, i64, chrono::NaiveDate, Option<chrono::NaiveDate>)| {
        a == assistant && r == data.recipient
    };
    if known.assignments.iter().filter(pair).any(|(_, _, from, _)| *from == data.valid_from) {
        return (who, LineResult::Unchanged, None);
    }
    let covered = known.decisions.iter().any(|(r, from, to)| {
        *r == data.recipient && *from <= data.valid_from && data.valid_from <= *to
    });
    let end = |to: Option<chrono::NaiveDate>| to.unwrap_or(chrono::NaiveDate::MAX);
    let overlaps = known
        .assignments
        .iter()
        .filter(pair)
        .any(|(_, _, from, to)| *from <= end(data.valid_to) && data.valid_from <= end(*to));
    let problem = if !covered {
        Some(AssignmentError::OutsideDecision)
    } else if overlaps {
        Some(AssignmentError::Overlaps)
    } else {
        None
    };
    if let Some(e) = problem {
        return (
            who,
            LineResult::Refused(vec![(
                assignment_column(e).to_string(),
                ImportProblem::Assignment(e),
            )]),
            None,
        );
    }
    known.assignments.push((assistant, data.recipient, data.valid_from, data.valid_to));
    (who, LineResult::Created, Some(Op::Assignment(assistant, data)))
}

/// The import page: the upload form, or a dry run's report with the button that imports it.
pub async fn import_page(cx: &Cx, draft: Option<i64>) -> Result<ImportPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let flash = cx.take_flash().await;
    let report = match draft {
        None => None,
        Some(id) => {
            let Some((_, report)) =
                cx.db().await?.import_draft(c.tenant_id, c.user_id, id).await.map_err(internal)?
            else {
                return Err(PageError::NotFound);
            };
            Some(serde_json::from_str::<ImportReport>(&report).map_err(internal)?)
        }
    };
    Ok(ImportPage { me: me(cx, c), draft, report, form_key: random_token(), flash })
}

/// The import page again, saying why the upload was not read.
pub fn refused(t: T) -> Outcome {
    said("/admin/import".into(), Flash { error: Some(t), ..Default::default() })
}

/// The dry run: every line checked against the register, nothing written but the draft (the
/// file and its report, kept for the import).
pub async fn dry_run(cx: &Cx, kind: &str, bytes: &[u8]) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let Some(kind) = ImportKind::from_code(kind) else {
        return Ok(said(
            "/admin/import".into(),
            Flash { error: Some(T::ImportChooseKind), ..Default::default() },
        ));
    };
    if bytes.is_empty() {
        return Ok(said(
            "/admin/import".into(),
            Flash { error: Some(T::ImportNoFile), ..Default::default() },
        ));
    }
    let known = register(&mut cx.db().await?, c.tenant_id, kind).await.map_err(internal)?;
    let plan = plan_off_the_runtime(kind, bytes.to_vec(), known).await?;
    let id = save_draft(cx, c, bytes, &plan.report).await?;
    Ok(said(format!("/admin/import?utkast={id}"), Flash::default()))
}

/// [`plan`] on the blocking pool: checking a 5 MB file is seconds of work that must not hold
/// one of the async threads every other request needs.
async fn plan_off_the_runtime(
    kind: ImportKind,
    bytes: Vec<u8>,
    mut known: Register,
) -> Result<Plan, PageError> {
    let today = today();
    tokio::task::spawn_blocking(move || plan(kind, &bytes, &mut known, today))
        .await
        .map_err(internal)
}

/// How many refused lines, and how many others, a kept report lists (the page shows them).
const KEPT_REFUSED: usize = 1_000;
const KEPT_OTHERS: usize = 200;

async fn save_draft(
    cx: &Cx,
    c: &Caller,
    bytes: &[u8],
    report: &ImportReport,
) -> Result<i64, PageError> {
    let json =
        serde_json::to_string(&report.clone().kept(KEPT_REFUSED, KEPT_OTHERS)).map_err(internal)?;
    let mut db = cx.repo.write_in(c.tenant_id).await.map_err(internal)?;
    let id = db
        .save_import_draft(c.tenant_id, c.user_id, bytes, &json, now_unix())
        .await
        .map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(id)
}

/// The import itself: the file checked again against the register as it is now; if no line is
/// refused, written in batches of [`BATCH`] lines, each one transaction with its audit entry.
/// The first batch takes the draft (a second post of it finds it gone, or its first answer
/// under the form's key); if the database refuses a write of a later batch (the register
/// changed meanwhile), the batches before it stay and the page says which line and why: the
/// file can be uploaded again, and what was imported shows as unchanged.
pub async fn import(cx: &Cx, draft: &str, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let id = text::id(draft).ok_or(PageError::NotFound)?;
    if let Some(key) = key
        && let Some(first) =
            cx.db().await?.idempotent_outcome(c.user_id, key).await.map_err(internal)?
    {
        return serde_json::from_str(&first).map_err(internal);
    }
    let (bytes, report) = {
        let mut db = cx.db().await?;
        db.import_draft(c.tenant_id, c.user_id, id)
            .await
            .map_err(internal)?
            .ok_or(PageError::NotFound)?
    };
    let kind = serde_json::from_str::<ImportReport>(&report).map_err(internal)?.kind;
    let known = register(&mut cx.db().await?, c.tenant_id, kind).await.map_err(internal)?;
    let plan = plan_off_the_runtime(kind, bytes.clone(), known).await?;
    if plan.report.refused() > 0 || plan.report.file_problem.is_some() {
        // Something changed since the dry run: nothing is imported, the new report is shown.
        let id = save_draft(cx, c, &bytes, &plan.report).await?;
        return Ok(said(
            format!("/admin/import?utkast={id}"),
            Flash { error: Some(T::ImportRefused), ..Default::default() },
        ));
    }
    let (created, updated) = (plan.report.created(), plan.report.updated());
    let sha = crate::domain::fk::sha256_hex(&bytes);
    let lines = plan.report.lines.len();
    let done = said(
        "/admin/import".into(),
        Flash { notice: Some(T::ImportDone), count: Some(created + updated), ..Default::default() },
    );
    let batches: Vec<&[(usize, Op)]> =
        if plan.ops.is_empty() { vec![&[]] } else { plan.ops.chunks(BATCH).collect() };
    let total = batches.len();
    for (n, batch) in batches.into_iter().enumerate() {
        let mut db = match begin(cx, c.user_id, if n == 0 { key } else { None }).await? {
            Begun::New(db) => db,
            Begun::Replayed(first) => return Ok(*first),
        };
        if n == 0 && !db.delete_import_draft(c.tenant_id, id).await.map_err(internal)? {
            // Taken by another post of the same draft (a second tap): it is under way or done.
            return Ok(said(
                "/admin/import".into(),
                Flash { notice: Some(T::ImportAlreadyTaken), ..Default::default() },
            ));
        }
        if let Err((line, result)) = apply(&mut db, c.tenant_id, batch).await.map_err(internal)? {
            drop(db);
            let mut report = plan.report;
            report.lines[line].result = result;
            report.lines.retain(|l| matches!(l.result, LineResult::Refused(_)));
            let id = save_draft(cx, c, &bytes, &report).await?;
            let imported = (n * BATCH).min(plan.ops.len());
            return Ok(said(
                format!("/admin/import?utkast={id}"),
                Flash {
                    error: Some(T::ImportStopped),
                    count: Some(imported),
                    ..Default::default()
                },
            ));
        }
        let after = serde_json::json!({
            "kind": kind.code(), "lines": lines, "created": created, "updated": updated, "sha256": sha,
            "batch": n + 1, "batches": total, "writes": batch.len(),
        })
        .to_string();
        let audit = AuditEntry {
            after: Some(after),
            ..cx.audit_entry("import.csv", format!("import {}", kind.code()))
        };
        if n + 1 == total {
            return commit(db, c.user_id, key, audit, done).await;
        }
        db.audit(&audit).await.map_err(internal)?;
        db.finish().await.map_err(internal)?;
    }
    Ok(done)
}
