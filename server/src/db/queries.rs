//! The queries that several storage methods (and `super::pages`) share, each with the reading
//! of its rows: built once, run by the `Store` method of the same name or in a page's batch.

use super::sql::{Query, Row, query};
use chrono::{NaiveDate, NaiveTime};
use engine::register::AssistantInput;
use engine::row::DstFold;
use engine::{MonthStatus, Personnummer, ReportMonth, TimeKind, TimeRow};
use store::{MonthRecord, StoredRow};

/// A month report with the names of its assistant and recipient.
pub(super) const MONTH_REPORT_SELECT: &str = "SELECT m.id, m.assistant_id, m.recipient_id, m.status, m.rejected_reason, m.month,
        a.first_name || ' ' || a.last_name AS assistant_name, r.first_name || ' ' || r.last_name AS recipient_name
    FROM month_reports m JOIN assistants a ON a.id = m.assistant_id JOIN recipients r ON r.id = m.recipient_id";

pub(crate) const ROW_COLUMNS: &str = "id, assistant_id, recipient_id, work_date, start_time, end_time, ends_next_day, kind, dst_fold, dst_fold_end";
/// The order rows are listed in.
pub(crate) const ROW_ORDER: &str = "work_date, start_time";

/// Rebuilds a stored row through the domain constructor; a row that no longer parses (which
/// the CHECKs and the domain make impossible) is skipped with a log line, never a panic.
pub(crate) fn stored_row(r: &Row) -> Option<StoredRow> {
    let id: i64 = r.get("id");
    match time_row(r) {
        Some(row) => Some(StoredRow {
            id,
            assistant_id: r.get("assistant_id"),
            recipient_id: r.get("recipient_id"),
            row,
        }),
        None => {
            tracing::error!(row_id = id, "stored time row does not parse; skipped");
            None
        }
    }
}

/// The time of a time row or a planned shift (the same columns: `ROW_COLUMNS`).
pub(crate) fn time_row(r: &Row) -> Option<TimeRow> {
    let date = NaiveDate::parse_from_str(r.get::<&str, _>("work_date"), "%Y-%m-%d").ok()?;
    let start = NaiveTime::parse_from_str(r.get::<&str, _>("start_time"), "%H:%M").ok()?;
    let end = NaiveTime::parse_from_str(r.get::<&str, _>("end_time"), "%H:%M").ok()?;
    let kind = TimeKind::from_code(r.get::<&str, _>("kind"))?;
    let fold = r.get::<Option<&str>, _>("dst_fold").and_then(DstFold::from_code);
    let fold_end = r.get::<Option<&str>, _>("dst_fold_end").and_then(DstFold::from_code);
    TimeRow::with_folds(
        date,
        start,
        end,
        r.get::<i64, _>("ends_next_day") != 0,
        kind,
        fold,
        fold_end,
    )
    .ok()
}

pub(super) fn month_record(r: &Row) -> MonthRecord {
    MonthRecord {
        id: r.get("id"),
        assistant_id: r.get("assistant_id"),
        assistant_name: r.get("assistant_name"),
        recipient_id: r.get("recipient_id"),
        recipient_name: r.get("recipient_name"),
        status: MonthStatus::from_code(r.get::<Option<&str>, _>("status").unwrap_or("draft"))
            .unwrap_or(MonthStatus::Draft),
        rejected_reason: r.get("rejected_reason"),
    }
}

/// A date as a query argument (a `date` on PostgreSQL, ISO text on SQLite: see [`super::sql`]).
pub(super) fn date(d: NaiveDate) -> NaiveDate {
    d
}

// The reads that pages and changes also run together with others (`super::pages`): each as
// its query and what its rows say.

pub(super) fn assigned_recipients_query(
    tenant: i64,
    assistant: i64,
    month: ReportMonth,
) -> Query<'static> {
    query(
        "SELECT DISTINCT r.id, r.first_name || ' ' || r.last_name AS name
         FROM assignments a JOIN recipients r ON r.id = a.recipient_id AND r.tenant_id = a.tenant_id
         WHERE a.tenant_id = $1 AND a.assistant_id = $2 AND a.valid_from <= $3 AND (a.valid_to IS NULL OR a.valid_to >= $4)
         ORDER BY name",
    )
    .bind(tenant)
    .bind(assistant)
    .bind(date(month.last_day()))
    .bind(date(month.first_day()))
}

/// (id, name) pairs.
pub(super) fn names_of(rows: &[Row]) -> Vec<(i64, String)> {
    rows.iter().map(|r| (r.get("id"), r.get("name"))).collect()
}

pub(super) fn is_assigned_query(
    tenant: i64,
    assistant: i64,
    recipient: i64,
    on: NaiveDate,
) -> Query<'static> {
    query(
        "SELECT COUNT(*) FROM assignments a JOIN recipients r ON r.id = a.recipient_id AND r.tenant_id = a.tenant_id
         WHERE a.tenant_id = $1 AND a.assistant_id = $2 AND a.recipient_id = $3
           AND a.valid_from <= $4 AND (a.valid_to IS NULL OR a.valid_to >= $4)",
    )
    .bind(tenant)
    .bind(assistant)
    .bind(recipient)
    .bind(date(on))
}

pub(super) fn assigned_of(rows: &[Row]) -> bool {
    rows.first().is_some_and(|r| r.get::<i64, _>(0usize) > 0)
}

pub(super) fn assistant_rows_query(
    tenant: i64,
    assistant: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Query<'static> {
    query(format!(
        "SELECT {ROW_COLUMNS} FROM time_rows WHERE tenant_id = $1 AND assistant_id = $2 AND work_date >= $3 AND work_date <= $4
         ORDER BY work_date, start_time"
    ))
    .bind(tenant)
    .bind(assistant)
    .bind(date(from))
    .bind(date(to))
}

pub(super) fn stored_rows(rows: &[Row]) -> Vec<StoredRow> {
    rows.iter().filter_map(stored_row).collect()
}

/// The month's reports of every pair with an assignment in the month or a stored report,
/// optionally narrowed to some recipients (none given: the caller answers "none" itself) or one assistant.
pub(super) fn month_records_query(
    tenant: i64,
    month: ReportMonth,
    recipients: Option<&[i64]>,
    assistant: Option<i64>,
) -> Query<'static> {
    let ids = recipients.unwrap_or(&[]);
    // The narrowing goes into both halves of the pairs, so they are index lookups of one
    // assistant (or a few recipients), not the municipality's month filtered afterwards.
    let mut filter = String::new();
    if assistant.is_some() {
        filter.push_str(" AND assistant_id = $5");
    }
    if recipients.is_some() {
        filter.push_str(&format!(
            " AND recipient_id IN {}",
            in_list(if assistant.is_some() { 6 } else { 5 }, ids.len())
        ));
    }
    // Every assignment active in the month, and every stored month report (an assignment
    // may have ended since), each pair once.
    let sql = format!(
        "WITH pairs AS (
             SELECT assistant_id, recipient_id FROM assignments
              WHERE tenant_id = $1 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $4){filter}
             UNION
             SELECT assistant_id, recipient_id FROM month_reports WHERE tenant_id = $1 AND month = $2{filter}
         )
         SELECT m.id, p.assistant_id, p.recipient_id, m.status, m.rejected_reason,
                a.first_name || ' ' || a.last_name AS assistant_name, r.first_name || ' ' || r.last_name AS recipient_name
         FROM pairs p
         JOIN assistants a ON a.id = p.assistant_id AND a.tenant_id = $1
         JOIN recipients r ON r.id = p.recipient_id AND r.tenant_id = $1
         LEFT JOIN month_reports m ON m.tenant_id = $1 AND m.month = $2 AND m.assistant_id = p.assistant_id AND m.recipient_id = p.recipient_id
         ORDER BY recipient_name, assistant_name"
    );
    let mut q = query(sql)
        .bind(tenant)
        .bind(month.to_string())
        .bind(date(month.last_day()))
        .bind(date(month.first_day()));
    if let Some(a) = assistant {
        q = q.bind(a);
    }
    for id in ids {
        q = q.bind(id);
    }
    q
}

pub(super) fn month_records_of(rows: &[Row]) -> Vec<MonthRecord> {
    rows.iter().map(month_record).collect()
}

pub(super) fn month_status_query(
    tenant: i64,
    assistant: i64,
    recipient: i64,
    month: ReportMonth,
) -> Query<'static> {
    query("SELECT id, status FROM month_reports WHERE tenant_id = $1 AND assistant_id = $2 AND recipient_id = $3 AND month = $4")
        .bind(tenant)
        .bind(assistant)
        .bind(recipient)
        .bind(month.to_string())
}

pub(super) fn status_of(rows: &[Row]) -> Option<(i64, MonthStatus)> {
    rows.first().map(|r| {
        (r.get("id"), MonthStatus::from_code(r.get("status")).unwrap_or(MonthStatus::Draft))
    })
}

/// `(?, ?, …)` placeholders from `$first` for an IN list.
pub(super) fn in_list(first: usize, n: usize) -> String {
    let p: Vec<String> = (first..first + n).map(|i| format!("${i}")).collect();
    format!("({})", p.join(", "))
}

/// A LIKE pattern that finds `query` as typed (its own wildcards escaped).
pub(super) fn like_pattern(query: &str) -> String {
    format!("%{}%", query.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// The columns [`assistant_input`] reads.
pub(super) const ASSISTANT_FORM_COLUMNS: &str = "id, personnummer, first_name, last_name, birth_date, eea_resident, regime, period_start, period_months, allow_24h_shifts,
    collective_agreement, employer, other_employer_name, other_employer_org, phone, employee_number";

/// A stored assistant as the form shows it: (personnummer masked, whether the number carries a
/// birth date, the form's fields with the number left empty).
pub(super) fn assistant_input(r: &Row) -> (String, bool, AssistantInput) {
    let pnr = Personnummer::parse(r.get::<&str, _>("personnummer")).ok();
    let input = AssistantInput {
        personnummer: String::new(),
        first_name: r.get("first_name"),
        last_name: r.get("last_name"),
        birth_date: r.get::<Option<String>, _>("birth_date").unwrap_or_default(),
        eea_resident: r.get::<i64, _>("eea_resident") != 0,
        regime: r.get("regime"),
        // What the engine uses when nothing is stored (db::people), so a save keeps it.
        period_start: r
            .get::<Option<String>, _>("period_start")
            .unwrap_or_else(|| engine::people::default_period_start().to_string()),
        period_months: r
            .get::<Option<i64>, _>("period_months")
            .unwrap_or(super::people::DEFAULT_PERIOD_MONTHS)
            .to_string(),
        allow_24h_shifts: r.get::<i64, _>("allow_24h_shifts") != 0,
        collective_agreement: r.get::<i64, _>("collective_agreement") != 0,
        employer: r.get("employer"),
        other_employer_name: r.get::<Option<String>, _>("other_employer_name").unwrap_or_default(),
        other_employer_org: r.get::<Option<String>, _>("other_employer_org").unwrap_or_default(),
        phone: r.get("phone"),
        employee_number: r.get("employee_number"),
    };
    (
        pnr.as_ref().map(|p| p.masked()).unwrap_or_default(),
        pnr.is_some_and(|p| p.birth_date().is_some()),
        input,
    )
}

/// A stored personnummer as lists show it.
pub(super) fn masked(pnr: &str) -> String {
    Personnummer::parse(pnr).map(|p| p.masked()).unwrap_or_else(|_| "********-****".into())
}
