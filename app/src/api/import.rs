//! CSV import of recipients, assistants and assignments (issue 8): the files municipalities
//! keep in spreadsheets, UTF-8 or Excel's Swedish variant (semicolon, Windows-1252). The dry
//! run is the import itself in a transaction that is rolled back, so it reports exactly what
//! the import would do, line by line; the import commits only when no line is refused: all or
//! nothing, one transaction, one audit entry. The format is in the README.

use super::changes::{begin, commit, said};
use super::repo::{AuditEntry, Conflict, RepoError, Store};
use super::service::{internal, me, now_unix, random_token, today, Cx};
use super::*;
use crate::domain::register::{AssignmentError, AssignmentInput, AssistantInput, RecipientInput, RegError, RegField};
use crate::domain::import::*;
use crate::domain::Personnummer;

pub use crate::domain::import::MAX_BYTES;

/// The text of a file: UTF-8 (a byte-order mark dropped) or else Windows-1252, as Excel's
/// Swedish "CSV (semikolonavgränsad)" writes it.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "utf-8"),
        Err(_) => (encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), "windows-1252"),
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
    LineResult::Refused(errors.into_iter().map(|e| (column_of(e.field()).to_string(), ImportProblem::Reg(e))).collect())
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

/// Runs the import of `bytes` inside the caller's write transaction and reports each line.
/// Nothing is committed here: a dry run drops the transaction, the import commits it.
pub async fn run(db: &mut Box<dyn Store>, tenant: i64, kind: ImportKind, bytes: &[u8], today: chrono::NaiveDate) -> Result<ImportReport, RepoError> {
    let (text, encoding) = decode(bytes);
    let mut report = ImportReport { kind, file_problem: None, lines: vec![], encoding: encoding.into() };
    if bytes.len() > MAX_BYTES {
        report.file_problem = Some(ImportProblem::TooLarge);
        return Ok(report);
    }
    // Excel's Swedish CSV separates with semicolons; others with commas: the header decides.
    let first = text.lines().next().unwrap_or_default();
    let delimiter = if first.matches(';').count() >= first.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).has_headers(true).from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(_) => {
            report.file_problem = Some(ImportProblem::NotCsv);
            return Ok(report);
        }
    };
    let known = kind.columns();
    if let Some(unknown) = header.iter().find(|h| !known.iter().any(|(k, _)| k == h)) {
        report.file_problem = Some(ImportProblem::Header(unknown.clone()));
        return Ok(report);
    }
    if let Some((missing, _)) = known.iter().find(|(k, required)| *required && !header.iter().any(|h| h == k)) {
        report.file_problem = Some(ImportProblem::Header((*missing).to_string()));
        return Ok(report);
    }
    // The register as it stands, read once (not once per line).
    let mut known = Known::default();
    if kind != ImportKind::Assistants {
        known.recipients = db.recipients_by_personnummer(tenant).await?;
    }
    if kind != ImportKind::Recipients {
        known.assistants = db.assistants_by_personnummer(tenant).await?;
    }
    let mut seen = std::collections::HashSet::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(_) => {
                report.lines.push(ImportLine { line, who: String::new(), result: LineResult::Refused(vec![(String::new(), ImportProblem::NotCsv)]) });
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            report.lines.push(ImportLine { line, who: String::new(), result: LineResult::Refused(vec![(String::new(), ImportProblem::FieldCount)]) });
            continue;
        }
        let row = Row { header: &header, record: &record };
        let (who, result) = match kind {
            ImportKind::Recipients => recipient_line(db, tenant, &row, today, &mut seen, &known).await?,
            ImportKind::Assistants => assistant_line(db, tenant, &row, today, &mut seen, &known).await?,
            ImportKind::Assignments => assignment_line(db, tenant, &row, today, &known).await?,
        };
        report.lines.push(ImportLine { line, who, result });
    }
    Ok(report)
}

/// The tenant's register by personnummer.
#[derive(Default)]
struct Known {
    recipients: std::collections::HashMap<String, (i64, RecipientInput)>,
    assistants: std::collections::HashMap<String, (i64, bool, AssistantInput)>,
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

async fn recipient_line(db: &mut Box<dyn Store>, tenant: i64, row: &Row<'_>, today: chrono::NaiveDate, seen: &mut std::collections::HashSet<String>, known: &Known) -> Result<(String, LineResult), RepoError> {
    let input = RecipientInput { personnummer: row.text("personnummer"), first_name: row.text("förnamn"), last_name: row.text("efternamn") };
    let (pnr, masked) = masked_or_typed(&input.personnummer, today);
    let who = format!("{} {} {masked}", input.first_name, input.last_name).trim().to_string();
    let data = match input.parse(false, today) {
        Ok(d) => d,
        Err(e) => return Ok((who, reg_refused(e))),
    };
    let Some(pnr) = pnr else { return Ok((who, reg_refused(vec![RegError::PersonnummerInvalid]))) };
    if !seen.insert(pnr.full().to_string()) {
        return Ok((who, LineResult::Refused(vec![("personnummer".into(), ImportProblem::DuplicateInFile)])));
    }
    match known.recipients.get(pnr.full()) {
        None => {
            db.save_recipient(tenant, None, &data).await?;
            Ok((who, LineResult::Created))
        }
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
                return Ok((who, LineResult::Unchanged));
            }
            db.save_recipient(tenant, Some(id), &crate::domain::register::RecipientData { personnummer: None, ..data }).await?;
            Ok((who, LineResult::Updated(changed)))
        }
    }
}

/// The assistant form's fields from the line: the stored (or new) values, with each column
/// the file has written over them.
fn assistant_input(row: &Row<'_>, base: &AssistantInput) -> Result<AssistantInput, Vec<(String, ImportProblem)>> {
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
    for (col, field) in [("dygnspass", &mut a.allow_24h_shifts), ("kollektivavtal", &mut a.collective_agreement), ("bosatt_ees", &mut a.eea_resident)] {
        if let Some(v) = row.get(col) {
            match yes_no(v, *field) {
                Some(b) => *field = b,
                None => problems.push((col.to_string(), ImportProblem::YesNo)),
            }
        }
    }
    if problems.is_empty() { Ok(a) } else { Err(problems) }
}

async fn assistant_line(db: &mut Box<dyn Store>, tenant: i64, row: &Row<'_>, today: chrono::NaiveDate, seen: &mut std::collections::HashSet<String>, known: &Known) -> Result<(String, LineResult), RepoError> {
    use chrono::Datelike;
    let typed_pnr = row.text("personnummer");
    let (pnr, masked) = masked_or_typed(&typed_pnr, today);
    let who = format!("{} {} {masked}", row.text("förnamn"), row.text("efternamn")).trim().to_string();
    let Some(pnr) = pnr else { return Ok((who, reg_refused(vec![if typed_pnr.is_empty() { RegError::Missing(RegField::Personnummer) } else { RegError::PersonnummerInvalid }]))) };
    if !seen.insert(pnr.full().to_string()) {
        return Ok((who, LineResult::Refused(vec![("personnummer".into(), ImportProblem::DuplicateInFile)])));
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
        Err(p) => return Ok((who, LineResult::Refused(p))),
    };
    match stored {
        None => {
            input.personnummer = typed_pnr;
            let data = match input.parse(false, false, today) {
                Ok(d) => d,
                Err(e) => return Ok((who, reg_refused(e))),
            };
            match db.save_assistant(tenant, None, &data).await {
                Ok(_) => Ok((who, LineResult::Created)),
                Err(RepoError::Conflict(Conflict::Duplicate)) => Ok((who, reg_refused(vec![RegError::PersonnummerTaken]))),
                Err(e) => Err(e),
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
                return Ok((who, LineResult::Unchanged));
            }
            let data = match input.parse(true, has_date, today) {
                Ok(d) => d,
                Err(e) => return Ok((who, reg_refused(e))),
            };
            db.save_assistant(tenant, Some(id), &data).await?;
            Ok((who, LineResult::Updated(changed)))
        }
    }
}

async fn assignment_line(db: &mut Box<dyn Store>, tenant: i64, row: &Row<'_>, today: chrono::NaiveDate, known: &Known) -> Result<(String, LineResult), RepoError> {
    let (a_pnr, a_masked) = masked_or_typed(&row.text("assistent_personnummer"), today);
    let (r_pnr, r_masked) = masked_or_typed(&row.text("brukare_personnummer"), today);
    let who = format!("{a_masked} – {r_masked}");
    let mut refused = vec![];
    let assistant = a_pnr.as_ref().and_then(|p| known.assistants.get(p.full())).map(|(id, _, _)| *id);
    let recipient = r_pnr.as_ref().and_then(|p| known.recipients.get(p.full())).map(|(id, _)| *id);
    if assistant.is_none() {
        refused.push(("assistent_personnummer".to_string(), if a_pnr.is_some() { ImportProblem::PersonUnknown } else { ImportProblem::Reg(RegError::PersonnummerInvalid) }));
    }
    if recipient.is_none() {
        refused.push(("brukare_personnummer".to_string(), if r_pnr.is_some() { ImportProblem::PersonUnknown } else { ImportProblem::Reg(RegError::PersonnummerInvalid) }));
    }
    let relative = match yes_no(&row.text("anhörig"), false) {
        Some(b) => b,
        None => {
            refused.push(("anhörig".into(), ImportProblem::YesNo));
            false
        }
    };
    let input = AssignmentInput { recipient: recipient.map(|r| r.to_string()).unwrap_or_default(), valid_from: row.text("från"), valid_to: row.text("till"), fk_notified_on: row.text("anmäld_fk"), relative };
    let column = |e: AssignmentError| match e {
        AssignmentError::RecipientMissing => "brukare_personnummer",
        AssignmentError::FromInvalid | AssignmentError::OutsideDecision | AssignmentError::Overlaps => "från",
        AssignmentError::ToInvalid | AssignmentError::ToBeforeFrom => "till",
        AssignmentError::NotifiedInvalid => "anmäld_fk",
    };
    let data = match input.parse() {
        Ok(d) => Some(d),
        Err(errors) => {
            refused.extend(errors.into_iter().filter(|e| *e != AssignmentError::RecipientMissing || recipient.is_some()).map(|e| (column(e).to_string(), ImportProblem::Assignment(e))));
            None
        }
    };
    let (Some(assistant), Some(data), true) = (assistant, data, refused.is_empty()) else {
        return Ok((who, LineResult::Refused(refused)));
    };
    if db.assignment_exists(tenant, assistant, data.recipient, data.valid_from).await? {
        return Ok((who, LineResult::Unchanged));
    }
    match db.add_assignment(tenant, assistant, &data).await? {
        Some(Ok(_)) => Ok((who, LineResult::Created)),
        Some(Err(e)) => Ok((who, LineResult::Refused(vec![(column(e).to_string(), ImportProblem::Assignment(e))]))),
        None => Ok((who, LineResult::Refused(vec![("brukare_personnummer".into(), ImportProblem::PersonUnknown)]))),
    }
}

/// The import page: the upload form, or a dry run's report with the button that imports it.
pub async fn import_page(cx: &Cx, draft: Option<i64>) -> Result<ImportPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let flash = cx.take_flash().await;
    let report = match draft {
        None => None,
        Some(id) => {
            let Some((_, report)) = cx.db().await?.import_draft(c.tenant_id, c.user_id, id).await.map_err(internal)? else {
                return Err(PageError::NotFound);
            };
            Some(serde_json::from_str::<ImportReport>(&report).map_err(internal)?)
        }
    };
    Ok(ImportPage { me: me(cx, c), draft, report, form_key: random_token(), flash })
}

/// The dry run: the file imported in a transaction that is rolled back; the file and the
/// report are kept for the import.
pub async fn dry_run(cx: &Cx, kind: &str, bytes: &[u8]) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let Some(kind) = ImportKind::from_code(kind) else {
        return Ok(said("/admin/import".into(), Flash { error: Some(T::ImportChooseKind), ..Default::default() }));
    };
    if bytes.is_empty() {
        return Ok(said("/admin/import".into(), Flash { error: Some(T::ImportNoFile), ..Default::default() }));
    }
    let report = {
        let mut db = cx.repo.write().await.map_err(internal)?;
        run(&mut db, c.tenant_id, kind, bytes, today()).await.map_err(internal)?
        // Dropped unfinished: rolled back.
    };
    let json = serde_json::to_string(&report).map_err(internal)?;
    let mut db = cx.repo.write().await.map_err(internal)?;
    let id = db.save_import_draft(c.tenant_id, c.user_id, bytes, &json, now_unix()).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(said(format!("/admin/import?utkast={id}"), Flash::default()))
}

/// The import itself: all lines or none, in one transaction with its audit entry.
pub async fn import(cx: &Cx, draft: &str, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let id = draft.trim().parse::<i64>().map_err(|_| PageError::NotFound)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Ok(db) => db,
        Err(first) => return Ok(first),
    };
    let Some((bytes, report)) = db.import_draft(c.tenant_id, c.user_id, id).await.map_err(internal)? else {
        return Err(PageError::NotFound);
    };
    let kind = serde_json::from_str::<ImportReport>(&report).map_err(internal)?.kind;
    let report = run(&mut db, c.tenant_id, kind, &bytes, today()).await.map_err(internal)?;
    if report.refused() > 0 {
        // Something changed since the dry run: nothing is imported, the new report is shown.
        drop(db);
        let json = serde_json::to_string(&report).map_err(internal)?;
        let mut w = cx.repo.write().await.map_err(internal)?;
        let id = w.save_import_draft(c.tenant_id, c.user_id, &bytes, &json, now_unix()).await.map_err(internal)?;
        w.finish().await.map_err(internal)?;
        return Ok(said(format!("/admin/import?utkast={id}"), Flash { error: Some(T::ImportRefused), ..Default::default() }));
    }
    db.delete_import_draft(c.tenant_id, id).await.map_err(internal)?;
    let created = report.count(|r| matches!(r, LineResult::Created));
    let updated = report.count(|r| matches!(r, LineResult::Updated(_)));
    let after = serde_json::json!({ "kind": kind.code(), "lines": report.lines.len(), "created": created, "updated": updated, "sha256": crate::domain::fk::sha256_hex(&bytes) }).to_string();
    let audit = AuditEntry { after: Some(after), ..cx.audit_entry("import.csv", format!("import {}", kind.code())) };
    commit(db, c.user_id, key, audit, said("/admin/import".into(), Flash { notice: Some(T::ImportDone), count: Some(created + updated), ..Default::default() })).await
}
