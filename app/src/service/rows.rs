//! The assistant's rows: their page (the month per recipient, the add-row form's facts) and
//! adding, editing and deleting a row, each one write transaction that re-checks assignment,
//! decision, month status and overlap, writes the row with its audit entry and stores the
//! outcome under the form's idempotency key.

use super::context::{Cx, internal, me, month_views, this_month, today};
use super::row_check::{check_and_insert, early_context, judge, row_in_reach, saved_notice};
use super::tx::{Begun, begin, commit, denied, error, notice, page, row_json, said};
use crate::domain::text;
use crate::domain::{MonthStatus, ReportMonth, RowError, RowInput, TZ};
use crate::i18n::T;
use crate::model::*;
use chrono::Utc;
use store::{AssistantMonth, AuditEntry, Conflict, NewRow, OnRefusal, RepoError, Store, StoredRow};

pub async fn assistant_page(
    cx: &Cx,
    month: Option<ReportMonth>,
    edit: Option<&str>,
    planned: Option<&str>,
) -> Result<AssistantPage, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let month = month.unwrap_or_else(this_month);
    let mut db = cx.db().await?;
    // Everything the page shows, read together; the recipients' decisions and absences for
    // the row form's facts and what each month is worth.
    let plan_days = super::schedule::plan_days();
    let AssistantMonth {
        recipients,
        rows,
        records,
        people,
        terms,
        running,
        planned: published,
        calendar,
    } = db
        .assistant_month(c.tenant_id, assistant, c.user_id, month, plan_days)
        .await
        .map_err(internal)?;
    // The recipient's absences (hospital stays are health data) stay on the server: V8 is
    // checked there when the row is saved.
    // A row to change: only the caller's own (looked up by their own id), in a draft month.
    let mut editing = None;
    if let Some(id) = edit.and_then(text::id)
        && let Some(r) = db.assistant_row(c.tenant_id, assistant, id).await.map_err(internal)?
    {
        let status = db
            .month_status(c.tenant_id, assistant, r.recipient_id, r.row.month())
            .await
            .map_err(internal)?;
        if status.is_none_or(|(_, s)| s.editable()) {
            editing = Some((id, RowInput::of(&r.row, r.recipient_id)));
        }
    }
    let facts = people
        .row_facts(assistant, None)
        .into_iter()
        .map(|mut f| {
            f.absences.clear();
            f
        })
        .collect();
    let mut months = mark_returned_rows(&mut db, c.tenant_id, month_views(records, &rows)).await?;
    // The planned shifts to settle, the calendar, and a shift whose values fill the form.
    let shifts = super::schedule::assistant_plan(&published, &people);
    let calendar_link = super::schedule::calendar_link(cx).await;
    let filling = match planned.and_then(text::id) {
        Some(id) => super::schedule::planned_as_input(&mut db, c, assistant, id)
            .await?
            .map(|input| (id, input)),
        None => None,
    };
    let plan = crate::model::schedule::AssistantPlan { shifts, calendar, calendar_link, filling };
    let signing = super::identity::attesting_ways(&mut db, c).await?;
    if signing.eid {
        for m in months.iter_mut() {
            let of_pair = rows.iter().filter(|r| r.recipient_id == m.recipient.id);
            m.content_hash = crate::domain::row::content_hash(of_pair.map(|r| &r.row));
        }
    }
    // What each month is worth, where a rate is known.
    for m in months.iter_mut().filter(|m| m.row_count > 0) {
        use crate::domain::rates::{AmountGap, month_hourly, present_kr};
        match month_hourly(&people.decisions, m.recipient.id, month, &terms.rates, terms.lss_rate) {
            Ok(rate) => m.amount = Some(present_kr(rate * m.totals.payable_hours())),
            // Said where the amount would be: the year's standard amount is not entered.
            Err(AmountGap::NoStandard(_)) => m.amount_missing = true,
            Err(_) => {}
        }
    }
    let now = Utc::now();
    let running = running.map(|s| {
        let started = s.started_at.with_timezone(&TZ);
        let elapsed = (now - s.started_at).num_minutes().max(0);
        RunningShiftView {
            recipient: Person { id: s.recipient_id, name: s.recipient_name },
            kind: s.kind,
            started: if started.date_naive() == today() {
                started.format("%H:%M").to_string()
            } else {
                started.format("%Y-%m-%d %H:%M").to_string()
            },
            elapsed: crate::domain::Minutes(elapsed).to_string(),
            left_running: crate::domain::clock::left_running(s.started_at, now),
        }
    });
    Ok(AssistantPage {
        running,
        deadline: month.fk_deadline().to_string(),
        days_left: (month.fk_deadline() - today()).num_days(),
        me: me(cx, c),
        month,
        today: today().format("%Y-%m-%d").to_string(),
        recipients: recipients.into_iter().map(|(id, name)| Person { id, name }).collect(),
        facts,
        rules: terms.rules,
        months,
        editing,
        flash: cx.take_flash().await,
        form_key: random_token(),
        signing,
        plan,
    })
}

/// In a month the recipient returned, the rows they marked as wrong.
pub(super) async fn mark_returned_rows(
    db: &mut Box<dyn Store>,
    tenant: i64,
    mut months: Vec<MonthView>,
) -> Result<Vec<MonthView>, PageError> {
    for m in
        months.iter_mut().filter(|m| m.status == MonthStatus::Draft && m.rejected_reason.is_some())
    {
        let Some(id) = m.key else { continue };
        let history = db.month_history(tenant, id).await.map_err(internal)?;
        // Who sent it back: the recipient (a return) or the municipality (a correction).
        m.corrected = history
            .iter()
            .rev()
            .find(|e| matches!(e.action.as_str(), "reject" | "return" | "correct"))
            .is_some_and(|e| e.action == "correct");
        let marked: Vec<i64> = history
            .iter()
            .rev()
            .find_map(|e| e.snapshot.as_deref())
            .and_then(|s| serde_json::from_str::<Vec<crate::model::review::SnapshotRow>>(s).ok())
            .map(|rows| rows.into_iter().filter(|r| r.marked).map(|r| r.row.id).collect())
            .unwrap_or_default();
        for r in m.rows.iter_mut() {
            r.marked = marked.contains(&r.id);
        }
    }
    Ok(months)
}

/// Adds a time row for the calling assistant, after the rules engine has had its say: an
/// error-level finding refuses the row; warnings are shown with the saved row.
/// `planned`: the planned shift this row settles ("Jobbade annorlunda"), the assistant's own.
pub async fn add_row(
    cx: &Cx,
    input: &RowInput,
    planned: Option<&str>,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    save_row(cx, input, None, planned, key).await
}

/// Changes one of the calling assistant's rows while its month is a draft: in one transaction
/// the old row goes and the new one is checked (without the old one in the way) and saved,
/// with one audit entry holding both. A refusal keeps what was typed, still editing that row.
pub async fn edit_row(
    cx: &Cx,
    input: &RowInput,
    row: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    save_row(cx, input, Some(row), None, key).await
}

pub(super) async fn save_row(
    cx: &Cx,
    input: &RowInput,
    replacing: Option<&str>,
    planned: Option<&str>,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let typed_month = chrono::NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d")
        .ok()
        .and_then(ReportMonth::of);
    let replacing: Option<i64> = match replacing.map(text::id) {
        None => None,
        Some(Some(id)) => Some(id),
        Some(None) => return Ok(error(page("/assistent", typed_month), T::NotAllowed)),
    };
    let planned: Option<i64> = match planned.map(str::trim).filter(|p| !p.is_empty()) {
        None => None,
        Some(p) => match text::id(p) {
            Some(id) => Some(id),
            None => return Ok(error(page("/assistent", typed_month), T::NotAllowed)),
        },
    };
    // Back to the form: still changing the row, or still settling the planned shift.
    let form_page = |m: Option<ReportMonth>| {
        let at = page("/assistent", m);
        let sep = if at.contains('?') { '&' } else { '?' };
        match (replacing, planned) {
            (Some(id), _) => format!("{at}{sep}andra={id}#add-row-title"),
            (None, Some(p)) => format!("{at}{sep}planerat={p}#add-row-title"),
            (None, None) => at,
        }
    };
    let refused = |errors: Vec<RowError>| {
        said(
            form_page(typed_month),
            Flash {
                typed: Some(Typed::Row(input.clone(), errors, replacing)),
                ..Default::default()
            },
        )
    };
    let row = match input.parse() {
        Ok(row) => row,
        Err(errors) => return Ok(refused(errors)),
    };
    let Some(recipient) = text::id(&input.recipient) else {
        return Ok(refused(vec![RowError::NotAssigned]));
    };
    let month = row.month();
    if let Err(errors) = row_in_reach(cx, &row) {
        return Ok(refused(errors));
    }

    // A new row's context is read before its change; an edit deletes the old row inside the
    // change first, so it reads it there.
    let early = match replacing {
        None => early_context(cx, c, assistant, recipient, &row).await,
        Some(_) => None,
    };
    // A new row its early read lets pass: inserted with the other new rows waiting for the
    // municipality's lock, by one statement that holds for it only while nothing its read
    // covers has moved and its form's key is unused (`Repo::insert_new_row`). Otherwise, or
    // for a change of a row or of a planned shift, the long way below.
    if let (Some(e), None, None) = (&early, replacing, planned)
        && let Ok(notes) = judge(e, assistant, recipient, &row)
    {
        let outcome = said(
            page("/assistent", Some(month)),
            Flash { notice: Some(saved_notice(&notes)), findings: notes, ..Default::default() },
        );
        let entry = cx.audit_entry("row.add", String::new());
        let kept = row.clone();
        let new = NewRow {
            tenant: c.tenant_id,
            assistant,
            recipient,
            row: row.clone(),
            by_user: c.user_id,
            versions: e.versions,
            key: key.map(str::to_string),
            outcome: serde_json::to_string(&outcome).map_err(internal)?,
            audit: Box::new(move |id| {
                let stored =
                    StoredRow { id, assistant_id: assistant, recipient_id: recipient, row: kept };
                AuditEntry { subject: format!("row {id}"), after: row_json(&stored), ..entry }
            }),
        };
        if cx.repo.insert_new_row(new).await.map_err(internal)?.is_some() {
            return Ok(outcome);
        }
    }
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    // Editing: the old row must be the caller's own, in a month that is still a draft. It is
    // deleted first, so it is not in the way of its own new version; a refusal below rolls
    // the deletion back with everything else.
    let mut relink = None;
    let before = match replacing {
        None => None,
        Some(id) => {
            let Some(old) = db.assistant_row(c.tenant_id, assistant, id).await.map_err(internal)?
            else {
                drop(db);
                denied(cx, format!("row.edit row {id}")).await;
                return Ok(error(page("/assistent", typed_month), T::NotAllowed));
            };
            let old_month = old.row.month();
            // A row that confirmed a planned shift confirms it in its new version too.
            relink = db.planned_by_row(c.tenant_id, id).await.map_err(internal)?;
            if old_month.fk_deadline() < today() {
                return Ok(error(page("/assistent", Some(old_month)), T::MonthReadOnly));
            }
            if let Some((_, status)) = db
                .month_status(c.tenant_id, assistant, old.recipient_id, old_month)
                .await
                .map_err(internal)?
                && !status.editable()
            {
                return Ok(error(page("/assistent", Some(old_month)), T::ErrMonthLocked));
            }
            match db.delete_row(c.tenant_id, assistant, id).await {
                Ok(Some(_)) => {}
                Ok(None) => return Ok(error(page("/assistent", typed_month), T::NotAllowed)),
                Err(RepoError::Conflict(Conflict::MonthLocked)) => {
                    return Ok(error(page("/assistent", Some(old_month)), T::ErrMonthLocked));
                }
                Err(e) => return Err(internal(e)),
            }
            Some(old)
        }
    };
    let (id, notes) =
        match check_and_insert(&mut db, c, assistant, recipient, &row, early, OnRefusal::End)
            .await?
        {
            Ok(saved) => saved,
            Err(errors) if errors == [RowError::NotAssigned] => {
                drop(db);
                denied(cx, format!("row.add for recipient {recipient} on {}", row.date())).await;
                return Ok(refused(errors));
            }
            Err(errors) => return Ok(refused(errors)),
        };
    // The planned shift the row settles: one row per shift, never two.
    if let Some(shift) = planned.or(relink)
        && !db.settle_planned(c.tenant_id, assistant, shift, Some(id)).await.map_err(internal)?
    {
        return Ok(error(page("/assistent", Some(month)), T::PlannedAlreadySettled));
    }
    // Worked time is saved even when FK will not pay for it (V2, V5): said plainly.
    let saved = saved_notice(&notes);
    let stored = StoredRow { id, assistant_id: assistant, recipient_id: recipient, row };
    let audit = match &before {
        None => AuditEntry {
            after: row_json(&stored),
            ..cx.audit_entry(
                "row.add",
                match planned {
                    Some(shift) => format!("row {id} from planned shift {shift}, changed"),
                    None => format!("row {id}"),
                },
            )
        },
        Some(old) => AuditEntry {
            before: row_json(old),
            after: row_json(&stored),
            ..cx.audit_entry("row.edit", format!("row {} → row {id}", old.id))
        },
    };
    let saved = if before.is_some() && saved == T::RowSaved { T::RowChanged } else { saved };
    let outcome = said(
        page("/assistent", Some(month)),
        Flash { notice: Some(saved), findings: notes, ..Default::default() },
    );
    commit(db, c.user_id, key, audit, outcome).await
}

/// Deletes one of the calling assistant's rows while its month is a draft.
pub async fn delete_row(
    cx: &Cx,
    row: &str,
    month: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let back = page("/assistent", ReportMonth::parse(month));
    let Some(row_id) = text::id(row) else {
        return Ok(error(back, T::NotAllowed));
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some(stored) = db.assistant_row(c.tenant_id, assistant, row_id).await.map_err(internal)?
    else {
        drop(db);
        denied(cx, format!("row.delete row {row_id}")).await;
        return Ok(error(back, T::NotAllowed));
    };
    let month = stored.row.month();
    if month.fk_deadline() < today() {
        return Ok(error(back, T::MonthReadOnly));
    }
    if let Some((_, status)) = db
        .month_status(c.tenant_id, assistant, stored.recipient_id, month)
        .await
        .map_err(internal)?
        && !status.editable()
    {
        return Ok(error(back, T::ErrMonthLocked));
    }
    match db.delete_row(c.tenant_id, assistant, row_id).await {
        Ok(Some(_)) => {}
        Ok(None) => return Ok(error(back, T::NotAllowed)),
        Err(RepoError::Conflict(Conflict::MonthLocked)) => {
            return Ok(error(back, T::ErrMonthLocked));
        }
        Err(e) => return Err(internal(e)),
    }
    let audit = AuditEntry {
        before: row_json(&stored),
        ..cx.audit_entry("row.delete", format!("row {row_id}"))
    };
    commit(db, c.user_id, key, audit, notice(page("/assistent", Some(month)), T::RowDeleted)).await
}
