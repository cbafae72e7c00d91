//! Clocking in and out, and copying earlier shifts (issue 11). A started shift lives in the
//! database (it survives a reload, a logout, a second device and a restart of the server); when
//! it ends or switches kind, its time becomes a row through the same checks as a typed row, in
//! the same transaction as the change to the running shift and its audit entry.

use super::context::{Cx, internal, row_view, today};
use super::row_check::{check_and_insert, row_in_reach, saved_notice};
use super::tx::{Begun, begin, commit, denied, error, notice, page, row_json, said};
use crate::domain::RowField;
use crate::domain::clock::{recent_clock_time, row_between, whole_minute};
use crate::domain::text;
use crate::domain::{ReportMonth, RowError, TimeKind};
use crate::i18n::T;
use crate::model::*;
use chrono::{DateTime, Datelike, Utc};
use store::{AuditEntry, Conflict, OnRefusal, RepoError, RunningShift, StoredRow};

const HOME: &str = "/assistent";

/// The running shift as the audit log keeps it.
fn shift_json(s: &RunningShift) -> String {
    serde_json::json!({ "recipient": s.recipient_id, "kind": s.kind.code(), "started_at": s.started_at.to_rfc3339() }).to_string()
}

fn refused(errors: Vec<RowError>) -> Outcome {
    said(HOME.into(), Flash { shift_errors: errors, ..Default::default() })
}

/// Starts a shift for one of the assistant's recipients, now or at a time typed on the card
/// ("I started at 22:00": its most recent past moment).
pub async fn start(
    cx: &Cx,
    recipient: &str,
    kind: &str,
    at: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let Some(recipient) = text::id(recipient) else {
        return Ok(error(HOME.into(), T::NotAllowed));
    };
    let kind = if kind.trim().is_empty() {
        TimeKind::Aktiv
    } else {
        TimeKind::from_code(kind.trim()).ok_or(PageError::NotFound)?
    };
    let now = Utc::now();
    let started = match recent_clock_time(at, now) {
        Ok(t) => t,
        Err(e) => return Ok(refused(vec![e])),
    };
    let date = started.with_timezone(&crate::domain::TZ).date_naive();
    let month = ReportMonth::of(date).ok_or(PageError::Internal)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    if !db.is_assigned(c.tenant_id, assistant, recipient, date).await.map_err(internal)? {
        drop(db);
        denied(cx, format!("shift.start for recipient {recipient}")).await;
        return Ok(refused(vec![RowError::NotAssigned]));
    }
    if let Some((_, status)) =
        db.month_status(c.tenant_id, assistant, recipient, month).await.map_err(internal)?
        && !status.editable()
    {
        return Ok(refused(vec![RowError::MonthLocked]));
    }
    // A start inside a row already saved would only be refused when the shift ends: say it now.
    let rows = db
        .assistant_rows(c.tenant_id, assistant, date - chrono::Duration::days(1), date)
        .await
        .map_err(internal)?;
    if let Some(r) = rows.iter().find(|r| r.row.start_at() <= started && started < r.row.end_at()) {
        let v = row_view(r);
        return Ok(refused(vec![RowError::Overlap { date: v.date, start: v.start, end: v.end }]));
    }
    let id = match db.start_shift(c.tenant_id, assistant, recipient, kind, started, c.user_id).await
    {
        Ok(id) => id,
        Err(RepoError::Conflict(Conflict::Duplicate)) => {
            return Ok(error(HOME.into(), T::ShiftAlreadyRunning));
        }
        Err(e) => return Err(internal(e)),
    };
    let shift = RunningShift {
        id,
        recipient_id: recipient,
        recipient_name: String::new(),
        kind,
        started_at: started,
    };
    let audit = AuditEntry {
        after: Some(shift_json(&shift)),
        ..cx.audit_entry("shift.start", format!("shift {id}"))
    };
    commit(db, c.user_id, key, audit, notice(HOME.into(), T::ShiftStarted)).await
}

/// The time a switch or an end happens: now, or a time typed on the card; never before the
/// running part began.
fn end_time(at: &str, shift: &RunningShift) -> Result<DateTime<Utc>, Vec<RowError>> {
    let t = recent_clock_time(at, Utc::now()).map_err(|e| {
        vec![match e {
            RowError::TimeInvalid(_) => RowError::TimeInvalid(RowField::End),
            RowError::TimeNonexistent(_) => RowError::TimeNonexistent(RowField::End),
            e => e,
        }]
    })?;
    if t < whole_minute(shift.started_at) {
        return Err(vec![RowError::EndNotAfterStart]);
    }
    Ok(t)
}

/// Ends the running part at `end` as a row (checked and saved) inside `db`'s transaction.
async fn save_part(
    db: &mut Box<dyn store::Store>,
    cx: &Cx,
    c: &store::Caller,
    assistant: i64,
    shift: &RunningShift,
    end: DateTime<Utc>,
) -> Result<Result<(StoredRow, Vec<crate::domain::rules::Finding>), Vec<RowError>>, PageError> {
    let row = match row_between(shift.started_at, end, shift.kind) {
        Ok(row) => row,
        Err(e) => return Ok(Err(e)),
    };
    if let Err(e) = row_in_reach(cx, &row) {
        return Ok(Err(e));
    }
    let saved =
        check_and_insert(db, c, assistant, shift.recipient_id, &row, None, OnRefusal::End).await?;
    if let Ok((id, _)) = &saved {
        // The comparison of municipalities counts the rows the clock made.
        db.mark_clocked(c.tenant_id, *id).await.map_err(internal)?;
    }
    Ok(saved.map(|(id, notes)| {
        (StoredRow { id, assistant_id: assistant, recipient_id: shift.recipient_id, row }, notes)
    }))
}

/// Switches the running shift to another kind (aktiv → väntetid at 23:00): the part so far
/// becomes a row and the shift goes on as the new kind from then. Less than a minute in, only
/// the kind changes.
pub async fn switch(
    cx: &Cx,
    kind: &str,
    at: &str,
    key: Option<&str>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let kind = TimeKind::from_code(kind.trim()).ok_or(PageError::NotFound)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some(shift) = db.running_shift(c.tenant_id, assistant).await.map_err(internal)? else {
        return Ok(error(HOME.into(), T::NoShiftRunning));
    };
    if shift.kind == kind {
        return Ok(notice(HOME.into(), T::ShiftSwitched));
    }
    let at = match end_time(at, &shift) {
        Ok(t) => t,
        Err(e) => return Ok(refused(e)),
    };
    let (saved, notes) = if at > whole_minute(shift.started_at) {
        match save_part(&mut db, cx, c, assistant, &shift, at).await? {
            Ok((row, notes)) => (Some(row), notes),
            Err(e) => return Ok(refused(e)),
        }
    } else {
        (None, vec![])
    };
    if !db.restart_shift(c.tenant_id, assistant, shift.id, kind, at).await.map_err(internal)? {
        return Ok(error(HOME.into(), T::NoShiftRunning));
    }
    let after = RunningShift { kind, started_at: at, ..shift.clone() };
    let audit = AuditEntry {
        before: Some(shift_json(&shift)),
        after: Some(serde_json::json!({ "shift": shift_json(&after), "row": saved.as_ref().and_then(row_json) }).to_string()),
        ..cx.audit_entry("shift.switch", format!("shift {}", shift.id))
    };
    commit(
        db,
        c.user_id,
        key,
        audit,
        said(
            HOME.into(),
            Flash { notice: Some(T::ShiftSwitched), findings: notes, ..Default::default() },
        ),
    )
    .await
}

/// Ends the running shift, now or at a time typed on the card: its time becomes a row. A row
/// the rules refuse leaves the shift running, with the reasons on the card.
pub async fn stop(cx: &Cx, at: &str, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some(shift) = db.running_shift(c.tenant_id, assistant).await.map_err(internal)? else {
        return Ok(error(HOME.into(), T::NoShiftRunning));
    };
    let end = match end_time(at, &shift) {
        Ok(t) => t,
        Err(e) => return Ok(refused(e)),
    };
    if !db.end_shift(c.tenant_id, assistant, shift.id).await.map_err(internal)? {
        return Ok(error(HOME.into(), T::NoShiftRunning));
    }
    if end == whole_minute(shift.started_at) {
        // Under a minute: there is no time to save.
        let audit = AuditEntry {
            before: Some(shift_json(&shift)),
            ..cx.audit_entry("shift.cancel", format!("shift {}", shift.id))
        };
        return commit(db, c.user_id, key, audit, notice(HOME.into(), T::ShiftTooShort)).await;
    }
    let (row, notes) = match save_part(&mut db, cx, c, assistant, &shift, end).await? {
        Ok(saved) => saved,
        Err(e) => return Ok(refused(e)),
    };
    let month = row.row.month();
    let audit = AuditEntry {
        before: Some(shift_json(&shift)),
        after: row_json(&row),
        ..cx.audit_entry("shift.stop", format!("shift {} → row {}", shift.id, row.id))
    };
    let to = page(HOME, Some(month));
    commit(
        db,
        c.user_id,
        key,
        audit,
        said(
            to,
            Flash { notice: Some(saved_notice(&notes)), findings: notes, ..Default::default() },
        ),
    )
    .await
}

/// Cancels the running shift without saving its time (started by mistake; or entered by hand
/// instead). Recorded, with when it started.
pub async fn cancel(cx: &Cx, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let Some(shift) = db.running_shift(c.tenant_id, assistant).await.map_err(internal)? else {
        return Ok(error(HOME.into(), T::NoShiftRunning));
    };
    if !db.end_shift(c.tenant_id, assistant, shift.id).await.map_err(internal)? {
        return Ok(error(HOME.into(), T::NoShiftRunning));
    }
    let audit = AuditEntry {
        before: Some(shift_json(&shift)),
        ..cx.audit_entry("shift.cancel", format!("shift {}", shift.id))
    };
    commit(db, c.user_id, key, audit, notice(HOME.into(), T::ShiftCancelled)).await
}

/// Copies the assistant's shifts of yesterday to today (`igar`), or of last week (Monday to
/// Sunday) to the same weekdays of this week (`forra-veckan`). Each copy is checked like a
/// typed row; one that cannot be saved (an overlap, a locked month, an ended assignment) is
/// left out and said why, the others are saved. One transaction, one audit entry.
pub async fn copy(cx: &Cx, from: &str, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Assistant])?;
    let assistant = c.assistant_id.ok_or(PageError::Forbidden)?;
    let today = today();
    let (first, last, days) = match from {
        "igar" => (today - chrono::Duration::days(1), today - chrono::Duration::days(1), 1),
        "forra-veckan" => {
            let monday =
                today - chrono::Duration::days(today.weekday().num_days_from_monday() as i64);
            (monday - chrono::Duration::days(7), monday - chrono::Duration::days(1), 7)
        }
        _ => return Ok(error(HOME.into(), T::NotAllowed)),
    };
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let mut source =
        db.assistant_rows(c.tenant_id, assistant, first, last).await.map_err(internal)?;
    source.sort_by_key(|r| r.row.start_at());
    if source.is_empty() {
        return Ok(notice(
            HOME.into(),
            if days == 1 { T::NothingYesterday } else { T::NothingLastWeek },
        ));
    }
    let mut copied = Vec::new();
    let mut skipped = Vec::new();
    let mut findings = Vec::new();
    for r in &source {
        let old = &r.row;
        let date = old.date() + chrono::Duration::days(days);
        let label = format!("{date} {}–{}", old.start().format("%H:%M"), old.end().format("%H:%M"));
        let row = match crate::domain::TimeRow::with_folds(
            date,
            old.start(),
            old.end(),
            old.next_day(),
            old.kind(),
            old.fold(),
            old.fold_end(),
        ) {
            Ok(row) => row,
            Err(e) => {
                skipped.push((label, e.into_iter().next().unwrap_or(RowError::DateInvalid)));
                continue;
            }
        };
        if let Err(e) = row_in_reach(cx, &row) {
            skipped.push((label, e.into_iter().next().unwrap_or(RowError::DateInvalid)));
            continue;
        }
        match check_and_insert(&mut db, c, assistant, r.recipient_id, &row, None, OnRefusal::GoOn)
            .await?
        {
            Ok((id, notes)) => {
                copied.push(id);
                findings.extend(notes);
            }
            Err(e) => skipped.push((label, e.into_iter().next().unwrap_or(RowError::DateInvalid))),
        }
    }
    let after = serde_json::json!({ "from": from, "source_rows": source.iter().map(|r| r.id).collect::<Vec<_>>(), "new_rows": copied }).to_string();
    let audit = AuditEntry {
        after: Some(after),
        ..cx.audit_entry("row.copy", format!("{} rows from {first}–{last}", copied.len()))
    };
    let notice = if copied.is_empty() { T::NothingCopied } else { T::ShiftsCopied };
    let to = page(HOME, ReportMonth::of(today));
    commit(
        db,
        c.user_id,
        key,
        audit,
        said(
            to,
            Flash {
                notice: Some(notice),
                count: Some(copied.len()),
                skipped,
                findings,
                ..Default::default()
            },
        ),
    )
    .await
}
