//! The checks every new time row passes, whichever way it comes (typed, clocked, copied,
//! confirmed from the plan): how far ahead and how far back, then every rule, and the row
//! inserted. A typed new row is judged on its early read before any change
//! ([`early_context`], [`judge`]) and inserted with the others waiting only while that read
//! holds (`store::Repo::insert_new_row`); otherwise, and for the other ways, every rule runs
//! inside the change's write transaction ([`check_and_insert`]).

use super::context::{Cx, internal, row_view, today};
use crate::domain::rules::{
    Finding, RowRecord, RuleId, Severity, blocks_saving, check_assistant, check_row,
};
use crate::domain::{RowError, TimeRow};
use crate::i18n::T;
use crate::model::*;
use store::{Conflict, OnRefusal, RepoError, RowContext, Store, StoredRow};

/// What a saved row's notice says: worked time is saved even when FK will not pay for it (V2, V5).
pub(super) fn saved_notice(notes: &[Finding]) -> T {
    if notes.iter().any(|f| f.severity == Severity::Error) {
        T::RowSavedNotClaimable
    } else {
        T::RowSaved
    }
}

/// What can be said of a new row without the database: not further ahead than planned shifts
/// may be entered, and not in a month whose FK deadline has passed (earlier months are read-only).
pub(super) fn row_in_reach(cx: &Cx, row: &TimeRow) -> Result<(), Vec<RowError>> {
    let today = today();
    let last = today + chrono::Duration::days(cx.settings.row_horizon_days);
    if row.date() > last {
        return Err(vec![RowError::TooFarAhead(last.to_string())]);
    }
    let month = row.month();
    if month.fk_deadline() < today {
        return Err(vec![RowError::MonthClosed(month.fk_deadline().to_string())]);
    }
    Ok(())
}

/// The days whose rows a new row is checked against: V3, no overlap with any of the
/// assistant's rows, for any recipient; a week each side also gives the rest rules (V5) what
/// they need.
fn near(row: &TimeRow) -> std::ops::RangeInclusive<chrono::NaiveDate> {
    let week = chrono::Duration::days(8);
    row.date() - week..=row.date() + week
}

/// What a new row is checked against, read before its change begins, on a connection of its
/// own: [`check_and_insert`] then only makes sure inside the change that nothing it covers has
/// changed since (the pair's and the register's versions) and reads the rest anew. A change
/// holds its municipality's write line from its first statement to its last; reading the
/// row's nine queries there made every other saved row wait for them. The pair's register
/// entries come from what the server keeps while the register's version stands (the
/// server's `db::facts`). `None` when it cannot be read: the change reads it all itself.
pub(super) async fn early_context(
    cx: &Cx,
    c: &store::Caller,
    assistant: i64,
    recipient: i64,
    row: &TimeRow,
) -> Option<RowContext> {
    let mut db = cx.repo.read().await.ok()?;
    db.row_context(c.tenant_id, assistant, recipient, row.date(), near(row)).await.ok()
}

/// Checks a new row of the calling assistant with every rule, inside `db`'s write
/// transaction, and inserts it: its id and the findings that do not block it, or why not.
/// `[RowError::NotAssigned]` alone means the recipient is not the assistant's on that date.
/// `early`: what [`early_context`] read before the change, used only if its versions are
/// still those it was read with (the month's status and the terms are read anew).
/// `then`: whether the change goes on when the database refuses the row.
pub(super) async fn check_and_insert(
    db: &mut Box<dyn Store>,
    c: &store::Caller,
    assistant: i64,
    recipient: i64,
    row: &TimeRow,
    early: Option<RowContext>,
    then: OnRefusal,
) -> Result<Result<(i64, Vec<Finding>), Vec<RowError>>, PageError> {
    let (tenant, date) = (c.tenant_id, row.date());
    // The early read, if nothing it covers has moved since; else all of it read here.
    let early = match early {
        Some(mut early) => {
            let now = db.row_recheck(tenant, assistant, recipient, date).await.map_err(internal)?;
            (now.versions == early.versions).then(|| {
                early.status = now.status;
                early.terms = now.terms;
                early
            })
        }
        None => None,
    };
    let context = match early {
        Some(context) => context,
        None => {
            db.row_context(tenant, assistant, recipient, date, near(row)).await.map_err(internal)?
        }
    };
    let notes = match judge(&context, assistant, recipient, row) {
        Ok(notes) => notes,
        Err(errors) => return Ok(Err(errors)),
    };
    match db.insert_row(c.tenant_id, assistant, recipient, row, c.user_id, then).await {
        Ok(id) => Ok(Ok((id, notes))),
        // The database's own guards; the checks above make these rare (a stale read elsewhere).
        Err(RepoError::Conflict(Conflict::Overlap | Conflict::Duplicate)) => {
            let v = row_view(&StoredRow {
                id: 0,
                assistant_id: assistant,
                recipient_id: recipient,
                row: row.clone(),
            });
            Ok(Err(vec![RowError::Overlap { date: v.date, start: v.start, end: v.end }]))
        }
        Err(RepoError::Conflict(Conflict::MonthLocked)) => Ok(Err(vec![RowError::MonthLocked])),
        Err(e) => Err(internal(e)),
    }
}

/// Every rule on a new row in its context: the findings that do not block it, or why not.
pub(super) fn judge(
    context: &RowContext,
    assistant: i64,
    recipient: i64,
    row: &TimeRow,
) -> Result<Vec<Finding>, Vec<RowError>> {
    let RowContext { assigned, facts, status, near, terms, .. } = context;
    let (true, Some(facts)) = (assigned, facts) else {
        return Err(vec![RowError::NotAssigned]);
    };
    if !facts.grants.iter().any(|g| g.valid_from <= row.date() && row.date() <= g.valid_to) {
        return Err(vec![RowError::NoDecision]);
    }
    if let Some((_, status)) = status
        && !status.editable()
    {
        return Err(vec![RowError::MonthLocked]);
    }
    if let Some(other) = near.iter().find(|o| o.row.overlaps(row)) {
        let v = row_view(other);
        return Err(vec![RowError::Overlap { date: v.date, start: v.start, end: v.end }]);
    }
    const NEW: i64 = 0;
    let new = RowRecord { id: NEW, assistant, recipient, row: row.clone() };
    let config = &terms.rules;
    let mut findings = check_row(&new, row.month(), facts, config);
    let mut around: Vec<RowRecord> = near
        .iter()
        .map(|s| RowRecord { id: s.id, assistant, recipient: s.recipient_id, row: s.row.clone() })
        .collect();
    around.push(new);
    let refs: Vec<&RowRecord> = around.iter().collect();
    findings.extend(
        check_assistant(facts.regime, &refs, config)
            .into_iter()
            .filter(|f| f.rule == RuleId::V5 && f.rows.contains(&NEW)),
    );
    let (errors, notes): (Vec<Finding>, Vec<Finding>) =
        findings.into_iter().partition(blocks_saving);
    if errors.is_empty() {
        Ok(notes)
    } else {
        Err(errors.into_iter().map(RowError::Rule).collect())
    }
}
