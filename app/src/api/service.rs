//! What each role may do, checked on the server for every call: tenant, role and relation
//! come from the session and the database, never from ids the browser sends.

use super::repo::{Caller, MonthRecord, Repo, StoredRow};
use super::*;
use crate::domain::rules::{check_assistant, check_row, preflight, Finding, MonthInput, MonthState, Preflight, RowRecord, RuleConfig, RuleId, Severity};
use crate::domain::{MonthStatus, ReportMonth, RowError, RowInput, Totals, TZ};
use crate::i18n::{Locale, T};
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use tower_sessions::Session;

/// Session keys.
pub const SESSION_USER: &str = "user_id";
pub const SESSION_FLASH: &str = "flash";

/// Shared server state the api needs; provided as Leptos context and axum state.
#[derive(Clone)]
pub struct ApiState {
    pub repo: Arc<dyn Repo>,
}

/// The flash message of one request, shared by every render pass (see [`Cx::take_flash`]).
#[derive(Clone, Default)]
pub struct RequestFlash(Arc<tokio::sync::OnceCell<Flash>>);

/// The context of one request: the store, the session and who is asking.
pub struct Cx {
    pub repo: Arc<dyn Repo>,
    pub session: Session,
    pub caller: Option<Caller>,
}

impl Cx {
    pub async fn new(repo: Arc<dyn Repo>, session: Session) -> Result<Self, PageError> {
        let user: Option<i64> = session.get(SESSION_USER).await.map_err(internal)?;
        let caller = match user {
            Some(id) => repo.caller(id).await.map_err(internal)?,
            None => None,
        };
        Ok(Self { repo, session, caller })
    }

    /// For server functions: the state from Leptos context, the session from the request.
    pub async fn from_request() -> Result<Self, PageError> {
        let state = use_context::<ApiState>().ok_or(PageError::Internal)?;
        let session: Session = leptos_axum::extract().await.map_err(internal)?;
        Self::new(state.repo, session).await
    }

    /// The caller, if they have one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&Caller, PageError> {
        match &self.caller {
            None => Err(PageError::LoggedOut),
            Some(c) if roles.contains(&c.role) => Ok(c),
            Some(_) => Err(PageError::Forbidden),
        }
    }

    /// The message left by the previous form post, taken from the session once per request:
    /// Leptos may run a page's async block more than once while rendering, and every run
    /// must see the same message.
    pub async fn take_flash(&self) -> Flash {
        let take = || async {
            match self.session.remove::<Flash>(SESSION_FLASH).await {
                Ok(f) => f.unwrap_or_default(),
                Err(e) => {
                    tracing::warn!(error = %e, "could not read flash message");
                    Flash::default()
                }
            }
        };
        match use_context::<RequestFlash>() {
            Some(cell) => cell.0.get_or_init(take).await.clone(),
            None => take().await,
        }
    }

    pub async fn set_flash(&self, flash: Flash) {
        if let Err(e) = self.session.insert(SESSION_FLASH, flash).await {
            tracing::warn!(error = %e, "could not store flash message");
        }
    }
}

pub fn internal(e: impl std::fmt::Display) -> PageError {
    tracing::error!(error = %e, "internal error");
    PageError::Internal
}

fn me(c: &Caller) -> Me {
    Me { name: c.display_name.clone(), role: c.role, tenant: c.tenant_name.clone() }
}

/// Today in Sweden.
pub fn today() -> chrono::NaiveDate {
    Utc::now().with_timezone(&TZ).date_naive()
}

fn row_view(r: &StoredRow) -> RowView {
    let row = &r.row;
    RowView {
        id: r.id,
        recipient_id: r.recipient_id,
        date: row.date().format("%Y-%m-%d").to_string(),
        start: row.start().format("%H:%M").to_string(),
        end: row.end().format("%H:%M").to_string(),
        next_day: row.next_day(),
        kind: row.kind(),
        minutes: row.minutes(),
        dst: row.minutes() != row.clock_minutes(),
    }
}

/// Joins month records with their rows into views, in a stable order.
fn month_views(records: Vec<MonthRecord>, rows: &[StoredRow]) -> Vec<MonthView> {
    let mut by_pair: HashMap<(i64, i64), Vec<&StoredRow>> = HashMap::new();
    for r in rows {
        by_pair.entry((r.assistant_id, r.recipient_id)).or_default().push(r);
    }
    records
        .into_iter()
        .map(|m| {
            let mut rows = by_pair.remove(&(m.assistant_id, m.recipient_id)).unwrap_or_default();
            rows.sort_by_key(|r| r.row.start_at());
            let totals = Totals::of(rows.iter().map(|r| &r.row));
            MonthView {
                key: m.id,
                assistant: Person { id: m.assistant_id, name: m.assistant_name },
                recipient: Person { id: m.recipient_id, name: m.recipient_name },
                status: m.status,
                rejected_reason: m.rejected_reason,
                rows: rows.into_iter().map(row_view).collect(),
                payable: format!("{:.2}", totals.payable_hours().round_dp(2)),
                totals,
            }
        })
        .collect()
}

pub async fn login_page() -> Result<LoginPage, PageError> {
    let flash = Cx::from_request().await?.take_flash().await;
    Ok(LoginPage { error: flash.error, username: flash.username.unwrap_or_default() })
}

pub async fn assistant_page(cx: &Cx, month: Option<ReportMonth>) -> Result<AssistantPage, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let month = month.unwrap_or_else(|| ReportMonth::of(today()));
    let recipients = cx.repo.assigned_recipients(c.tenant_id, assistant, month).await.map_err(internal)?;
    let rows = cx.repo.assistant_rows(c.tenant_id, assistant, month.first_day(), month.last_day()).await.map_err(internal)?;
    let records = cx.repo.month_records(c.tenant_id, month, None, Some(assistant)).await.map_err(internal)?;
    let facts = cx.repo.row_facts(c.tenant_id, assistant, None).await.map_err(internal)?;
    Ok(AssistantPage {
        me: me(c),
        month,
        today: today().format("%Y-%m-%d").to_string(),
        recipients: recipients.into_iter().map(|(id, name)| Person { id, name }).collect(),
        facts,
        months: month_views(records, &rows),
        flash: cx.take_flash().await,
    })
}

pub async fn recipient_page(cx: &Cx, month: Option<ReportMonth>) -> Result<RecipientPage, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let month = month.unwrap_or_else(|| ReportMonth::of(today()));
    let ids = &c.recipient_ids;
    let acting_for = cx.repo.recipient_names(c.tenant_id, ids).await.map_err(internal)?;
    let rows = cx.repo.month_rows(c.tenant_id, month, Some(ids)).await.map_err(internal)?;
    let records = cx.repo.month_records(c.tenant_id, month, Some(ids), None).await.map_err(internal)?;
    Ok(RecipientPage {
        me: me(c),
        month,
        acting_for: acting_for.into_iter().map(|(id, name)| Person { id, name }).collect(),
        months: month_views(records, &rows),
        flash: cx.take_flash().await,
    })
}

pub async fn admin_page(cx: &Cx, month: Option<ReportMonth>) -> Result<AdminPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let month = month.unwrap_or_else(|| ReportMonth::of(today()).previous());
    let rows = cx.repo.month_rows(c.tenant_id, month, None).await.map_err(internal)?;
    let records = cx.repo.month_records(c.tenant_id, month, None, None).await.map_err(internal)?;
    let months = month_views(records, &rows);
    let preflight = month_preflight(cx, c, month, &months).await?;
    Ok(AdminPage {
        me: me(c),
        month,
        days_left: (month.fk_deadline() - today()).num_days(),
        deadline: month.fk_deadline().format("%Y-%m-%d").to_string(),
        ready: preflight.ready(),
        preflight: preflight.findings,
        months,
    })
}

/// Everything standing between the month and an export (rules V1–V10).
async fn month_preflight(cx: &Cx, c: &Caller, month: ReportMonth, months: &[MonthView]) -> Result<Preflight, PageError> {
    let people = cx.repo.people(c.tenant_id).await.map_err(internal)?;
    // Four months back covers the longest calculation period (ATL); a week ahead the rest rules.
    let from = month.first_day().checked_sub_months(chrono::Months::new(4)).unwrap_or(month.first_day());
    let to = month.last_day() + chrono::Duration::days(7);
    let rows: Vec<RowRecord> = cx
        .repo
        .rows_between(c.tenant_id, from, to)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|s| RowRecord { id: s.id, assistant: s.assistant_id, recipient: s.recipient_id, row: s.row })
        .collect();
    let states: Vec<MonthState> = months
        .iter()
        .filter(|m| !m.rows.is_empty() || m.status != MonthStatus::Draft)
        .map(|m| MonthState { assistant: m.assistant.id, recipient: m.recipient.id, status: m.status })
        .collect();
    let config = RuleConfig::default();
    Ok(preflight(&MonthInput {
        month,
        today: today(),
        rows: &rows,
        assistants: &people.assistants,
        recipients: &people.recipients,
        decisions: &people.decisions,
        absences: &people.absences,
        states: &states,
        // The räkning (3057) is not signed in BITA yet, so no recipient's is complete.
        rakning_complete: &[],
        config: &config,
    }))
}

/// Adds a time row for the calling assistant, after the rules engine has had its say: an
/// error-level finding refuses the row; warnings are returned with the saved row's month.
pub async fn add_row(cx: &Cx, input: &RowInput) -> Result<Result<(ReportMonth, Vec<Finding>), Vec<RowError>>, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let row = match input.parse() {
        Ok(row) => row,
        Err(errors) => return Ok(Err(errors)),
    };
    let Ok(recipient) = input.recipient.trim().parse::<i64>() else {
        return Ok(Err(vec![RowError::NotAssigned]));
    };
    if !cx.repo.is_assigned(c.tenant_id, assistant, recipient, row.date()).await.map_err(internal)? {
        return Ok(Err(vec![RowError::NotAssigned]));
    }
    let Some(facts) = cx.repo.row_facts(c.tenant_id, assistant, Some(recipient)).await.map_err(internal)?.into_iter().next() else {
        return Ok(Err(vec![RowError::NotAssigned]));
    };
    let month = ReportMonth::of(row.date());
    let record = cx.repo.month_record(c.tenant_id, assistant, recipient, month).await.map_err(internal)?;
    if !record.status.editable() {
        return Ok(Err(vec![RowError::MonthLocked]));
    }
    // V3: no overlap with any of the assistant's rows, for any recipient. A week each side
    // also gives the rest rules (V5) what they need.
    let week = chrono::Duration::days(8);
    let near = cx.repo.assistant_rows(c.tenant_id, assistant, row.date() - week, row.date() + week).await.map_err(internal)?;
    if let Some(other) = near.iter().find(|o| o.row.overlaps(&row)) {
        let v = row_view(other);
        return Ok(Err(vec![RowError::Overlap { date: v.date, start: v.start, end: v.end }]));
    }
    const NEW: i64 = 0;
    let new = RowRecord { id: NEW, assistant, recipient, row: row.clone() };
    let mut findings = check_row(&new, month, &facts);
    let mut around: Vec<RowRecord> = near.into_iter().map(|s| RowRecord { id: s.id, assistant, recipient: s.recipient_id, row: s.row }).collect();
    around.push(new);
    let refs: Vec<&RowRecord> = around.iter().collect();
    findings.extend(check_assistant(facts.regime, &refs, &RuleConfig::default()).into_iter().filter(|f| f.rule == RuleId::V5 && f.rows.contains(&NEW)));
    let (errors, notes): (Vec<Finding>, Vec<Finding>) = findings.into_iter().partition(|f| f.severity == Severity::Error);
    if !errors.is_empty() {
        return Ok(Err(errors.into_iter().map(RowError::Rule).collect()));
    }
    let id = cx.repo.insert_row(c.tenant_id, assistant, recipient, &row, c.user_id).await.map_err(internal)?;
    cx.repo.audit(c.tenant_id, c.user_id, "row.add", &format!("row {id}")).await.map_err(internal)?;
    Ok(Ok((month, notes)))
}

/// Deletes one of the calling assistant's rows while its month is a draft.
pub async fn delete_row(cx: &Cx, row_id: i64) -> Result<Result<ReportMonth, T>, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let Some(stored) = cx.repo.assistant_row(c.tenant_id, assistant, row_id).await.map_err(internal)? else {
        return Ok(Err(T::NotAllowed));
    };
    let month = ReportMonth::of(stored.row.date());
    let record = cx.repo.month_record(c.tenant_id, assistant, stored.recipient_id, month).await.map_err(internal)?;
    if !record.status.editable() {
        return Ok(Err(T::ErrMonthLocked));
    }
    cx.repo.delete_row(c.tenant_id, assistant, row_id).await.map_err(internal)?;
    cx.repo.audit(c.tenant_id, c.user_id, "row.delete", &format!("row {row_id}")).await.map_err(internal)?;
    Ok(Ok(month))
}

/// The assistant attests the month for one recipient on honour.
pub async fn submit_month(cx: &Cx, recipient: i64, month: ReportMonth, attested: bool) -> Result<Result<(), T>, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    if !attested {
        return Ok(Err(T::SubmitNeedsAttest));
    }
    let assigned = cx.repo.assigned_recipients(c.tenant_id, assistant, month).await.map_err(internal)?;
    if !assigned.iter().any(|(id, _)| *id == recipient) {
        return Ok(Err(T::NotAllowed));
    }
    let rows = cx.repo.assistant_rows(c.tenant_id, assistant, month.first_day(), month.last_day()).await.map_err(internal)?;
    if !rows.iter().any(|r| r.recipient_id == recipient) {
        return Ok(Err(T::SubmitNeedsRows));
    }
    let record = cx.repo.month_record(c.tenant_id, assistant, recipient, month).await.map_err(internal)?;
    let id = record.id.ok_or(PageError::Internal)?;
    if !cx.repo.transition(c.tenant_id, id, MonthStatus::Draft, MonthStatus::Submitted, c.user_id, None).await.map_err(internal)? {
        return Ok(Err(T::NotAllowed));
    }
    cx.repo.audit(c.tenant_id, c.user_id, "month.submit", &format!("month {id}")).await.map_err(internal)?;
    Ok(Ok(()))
}

/// The recipient (or representative) approves, or returns with a reason, a submitted month
/// of a recipient they act for.
pub async fn decide_month(cx: &Cx, key: i64, approve: bool, reason: &str) -> Result<Result<ReportMonth, T>, PageError> {
    let c = cx.require(&[Role::Recipient, Role::Representative])?;
    let Some((record, month)) = cx.repo.month_record_by_id(c.tenant_id, key).await.map_err(internal)? else {
        return Ok(Err(T::NotAllowed));
    };
    if !c.recipient_ids.contains(&record.recipient_id) {
        tracing::warn!(user = c.user_id, month_report = key, "attempt to decide another recipient's month");
        return Ok(Err(T::NotAllowed));
    }
    let reason = reason.trim();
    if !approve && reason.is_empty() {
        return Ok(Err(T::RejectNeedsReason));
    }
    let (to, action) = if approve { (MonthStatus::Approved, "month.approve") } else { (MonthStatus::Draft, "month.reject") };
    let reason = (!approve).then_some(reason);
    if !cx.repo.transition(c.tenant_id, key, MonthStatus::Submitted, to, c.user_id, reason).await.map_err(internal)? {
        return Ok(Err(T::NotAllowed));
    }
    cx.repo.audit(c.tenant_id, c.user_id, action, &format!("month {key}")).await.map_err(internal)?;
    Ok(Ok(month))
}

/// The month's rows as CSV (semicolon-separated, as Swedish spreadsheets expect), for the
/// admin's own municipality only. No personnummer: payroll exports come in a later issue.
pub async fn month_csv(cx: &Cx, month: ReportMonth, locale: Locale) -> Result<String, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let rows = cx.repo.month_rows(c.tenant_id, month, None).await.map_err(internal)?;
    let records = cx.repo.month_records(c.tenant_id, month, None, None).await.map_err(internal)?;
    let mut out = String::from(locale.t(T::CsvHeader));
    out.push('\n');
    for m in month_views(records, &rows) {
        for r in &m.rows {
            let fields = [
                c.tenant_name.as_str(),
                &m.recipient.name,
                &m.assistant.name,
                &r.date,
                &r.start,
                &r.end,
                if r.next_day { "1" } else { "0" },
                r.kind.code(),
                &r.minutes.0.to_string(),
                m.status.code(),
            ];
            out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(";"));
            out.push('\n');
        }
    }
    cx.repo.audit(c.tenant_id, c.user_id, "export.csv", &month.to_string()).await.map_err(internal)?;
    Ok(out)
}

/// Quotes a CSV field when needed and defuses spreadsheet formulas.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([';', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Anna"), "Anna");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
    }
}
