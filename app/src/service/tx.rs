//! The shape of every change: a write transaction that first looks up the form's idempotency
//! key (a replayed post gets the first outcome and changes nothing), then the change and its
//! audit entry and the outcome under the key, committed together; and the outcomes a change
//! answers with (where to go next, and what to say there).

use super::context::{Cx, internal, record, row_view};
use crate::domain::ReportMonth;
use crate::i18n::T;
use crate::model::*;
use store::{AuditEntry, Store, StoredRow};

/// The path of a page for a month.
pub(super) fn page(path: &str, month: Option<ReportMonth>) -> String {
    match month {
        Some(m) => format!("{path}?manad={m}"),
        None => path.to_string(),
    }
}

pub(super) fn said(to: String, flash: Flash) -> Outcome {
    Outcome { to, flash }
}

pub fn error(to: String, t: T) -> Outcome {
    said(to, Flash { error: Some(t), ..Default::default() })
}

pub(super) fn notice(to: String, t: T) -> Outcome {
    said(to, Flash { notice: Some(t), ..Default::default() })
}

/// A form's idempotency key, when it is well formed (16–64 letters, digits or dashes).
pub fn idempotency_key(s: &str) -> Option<&str> {
    let s = s.trim();
    ((16..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .then_some(s)
}

/// How a change begins: a new write transaction (`New`, with what the change needs), or the
/// form's key was used before and the post gets the first outcome, changing nothing.
pub(super) enum Begun<T> {
    New(T),
    Replayed(Box<Outcome>),
}

/// A write transaction for a change by `user`, or the first outcome if `key` was used before.
pub(super) async fn begin(
    cx: &Cx,
    user: i64,
    key: Option<&str>,
) -> Result<Begun<Box<dyn Store>>, PageError> {
    let tenant = cx.caller.as_ref().map(|c| c.tenant_id);
    let mut db = super::context::write(&*cx.repo, tenant).await.map_err(internal)?;
    if let Some(k) = key
        && let Some(o) = db.idempotent_outcome(user, k).await.map_err(internal)?
    {
        let first = serde_json::from_str(&o).map_err(internal)?;
        // Answered once the first is committed (it may share this batch): the page the answer
        // leads to shows it.
        db.finish().await.map_err(internal)?;
        return Ok(Begun::Replayed(Box::new(first)));
    }
    Ok(Begun::New(db))
}

/// Writes the audit entry and the outcome under the key, then commits: all or nothing.
pub(super) async fn commit(
    mut db: Box<dyn Store>,
    user: i64,
    key: Option<&str>,
    audit: AuditEntry,
    outcome: Outcome,
) -> Result<Outcome, PageError> {
    db.audit(&audit).await.map_err(internal)?;
    remember_and_commit(db, user, key, audit.action, outcome).await
}

/// Stores the outcome under the form's key and commits (the change's audit entries are written).
pub(super) async fn remember_and_commit(
    mut db: Box<dyn Store>,
    user: i64,
    key: Option<&str>,
    action: &str,
    outcome: Outcome,
) -> Result<Outcome, PageError> {
    if let Some(k) = key {
        let json = serde_json::to_string(&outcome).map_err(internal)?;
        db.remember_outcome(user, k, action, &json).await.map_err(internal)?;
    }
    db.finish().await.map_err(internal)?;
    Ok(outcome)
}

/// Records a refused attempt to reach what is not the caller's (another assistant's row,
/// another recipient's month, another municipality's id), in a transaction of its own: the
/// change itself was rolled back. The caller's answer (404, "not allowed") does not depend on
/// it: when the entry cannot be written, that is logged, and the answer stays the same.
pub(super) async fn denied(cx: &Cx, subject: String) {
    if let Err(e) = record(&*cx.repo, cx.audit_entry("access.denied", subject.clone())).await {
        tracing::error!(error = %e, subject, "could not record a refused access");
    }
}

/// A row as the audit log keeps it (no personnummer in it).
pub(super) fn row_json(r: &StoredRow) -> Option<String> {
    serde_json::to_string(&row_view(r)).ok()
}
