//! A month's findings kept, not recomputed (issue 28). The month's checks (rules V1–V10) over
//! a municipality's 150,000 rows, with the half year before them that the rest and grant rules
//! read, took seconds; the dashboard, the export page, bulk attestation and the export all need
//! them. Now each assistant's findings (rest and working time, their pairs' row checks and
//! totals) and each recipient's (the grant rules) are kept per month, with the version of what
//! they were computed from. Database triggers raise a version in the transaction of every
//! change it depends on (`migrations/*/…kept_findings.sql`), so a kept entry is used only while
//! it agrees with the records; a view recomputes just the scopes whose version moved, reading
//! only their rows, through the engine's own functions ([`engine::rules::preflight`] is made of
//! the same ones), and keeps what it computed. What concerns the month itself (statuses,
//! räkningar, V1, absences, V10) is cheap and computed on every view.

use super::context::{Cx, internal, row_view, today};
use crate::domain::Totals;
use crate::domain::rules::{
    Finding, MonthInput, MonthState, Preflight, RowRecord, RuleConfig, RuleId, Severity,
    assistant_findings, month_preflight, pair_findings, recipient_findings,
};
use crate::domain::{MonthStatus, ReportMonth};
use crate::model::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use store::{Caller, Kept, KeptKind, Repo, StoredRow};

/// Above this many scopes to recompute, the month's rows are read whole (one range read)
/// rather than by assistant and recipient (lists of ids).
const READ_ALL_FROM: usize = 400;

/// An assistant's kept findings of a month.
#[derive(Debug, Default, Serialize, Deserialize)]
struct AssistantKept {
    /// Rest and working-time findings (V3, V5) that concern their rows in the month.
    findings: Vec<Finding>,
    /// The error findings' pairs (assistant × recipient of the month's rows they name).
    error_pairs: Vec<(i64, i64)>,
    /// Each recipient they have rows for in the month.
    pairs: Vec<PairKept>,
}

/// One assistant × recipient pair's rows in the month.
#[derive(Debug, Serialize, Deserialize)]
struct PairKept {
    recipient: i64,
    /// The recipient's version the row findings were computed at: their decisions and
    /// absences are in the row checks.
    recipient_version: i64,
    row_count: usize,
    totals: Totals,
    /// The per-row findings (V2–V5, V8).
    findings: Vec<Finding>,
    error: bool,
    /// The rows in the repeated autumn hour, as the dashboard lists them.
    repeated: Vec<String>,
}

/// A recipient's kept findings of a month.
#[derive(Debug, Default, Serialize, Deserialize)]
struct RecipientKept {
    /// They have rows in the month.
    has_rows: bool,
    /// The grant findings (V6, V7).
    findings: Vec<Finding>,
    error_pairs: Vec<(i64, i64)>,
}

/// A month as its checks see it: its reports with their totals (without row views), the
/// municipality's people, everything standing between the month and an export (rules
/// V1–V10), the pairs with an error, and the rows in the repeated autumn hour.
pub struct MonthCheck {
    pub months: Vec<MonthView>,
    pub people: store::People,
    pub preflight: Preflight,
    /// Sorted: assistant × recipient pairs whose month has an error-level finding (V9 aside).
    pub error_pairs: Vec<(i64, i64)>,
    /// (assistant, recipient, "date start–end") of each row in the repeated hour.
    pub repeated: Vec<(i64, i64, String)>,
}

/// What kept findings were computed by: the engine's rules and the municipality's settings.
fn basis(config: &RuleConfig) -> String {
    let mut h = Sha256::new();
    for s in crate::domain::rules::SOURCES {
        h.update(s.as_bytes());
    }
    h.update(serde_json::to_vec(config).unwrap_or_default());
    h.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
}

/// The rows a month's checks read: six months back covers the longest span hours are granted
/// over (V6) and the longest calculation period (V5); a week ahead the rest rules.
fn rows_span(month: ReportMonth) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let from =
        month.first_day().checked_sub_months(chrono::Months::new(6)).unwrap_or(month.first_day());
    (from, month.last_day() + chrono::Duration::days(7))
}

fn in_month<'a>(month: ReportMonth, rows: &[&'a RowRecord]) -> Vec<&'a RowRecord> {
    rows.iter().copied().filter(|r| month.contains(r.row.date())).collect()
}

/// The pairs of `rows` (those in the month) that an error-level finding names (V9 aside,
/// which attestation itself answers).
fn error_pairs(findings: &[Finding], rows: &[&RowRecord]) -> Vec<(i64, i64)> {
    let pair: HashMap<i64, (i64, i64)> =
        rows.iter().map(|r| (r.id, (r.assistant, r.recipient))).collect();
    let mut out: Vec<(i64, i64)> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.rule != RuleId::V9)
        .flat_map(|f| f.rows.iter().filter_map(|id| pair.get(id).copied()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The month's checks for the caller's municipality (the caller's role is the page's to check).
pub(super) async fn month_check(
    cx: &Cx,
    c: &Caller,
    month: ReportMonth,
) -> Result<MonthCheck, PageError> {
    month_check_in(&*cx.repo, c.tenant_id, month).await
}

/// A municipality's month's checks, from what is kept where it is current; the rest is
/// recomputed and kept. No caller: its callers have checked who is asking.
pub async fn month_check_in(
    repo: &dyn Repo,
    tenant: i64,
    month: ReportMonth,
) -> Result<MonthCheck, PageError> {
    let name = month.to_string();
    let mut db = repo.read().await.map_err(internal)?;
    // The versions are read before any row: a change that commits in between raises a
    // version past what is kept with its findings, so the next view recomputes them.
    let kept = db.kept_month(tenant, &name).await.map_err(internal)?;
    let records = db.month_records(tenant, month, None, None).await.map_err(internal)?;
    let people = db.people(tenant).await.map_err(internal)?;
    let terms = db.terms(tenant).await.map_err(internal)?;
    let signed = db.signed_claims(tenant, &name).await.map_err(internal)?;
    let config = &terms.rules;
    let basis = basis(config);
    let version = |kind: KeptKind, id: i64| kept.versions.get(&(kind, id)).copied().unwrap_or(0);

    let mut assistants: BTreeMap<i64, AssistantKept> = BTreeMap::new();
    let mut recipients: BTreeMap<i64, RecipientKept> = BTreeMap::new();
    for e in &kept.entries {
        if e.basis != basis || e.version != version(e.kind, e.id) {
            continue;
        }
        // An entry that does not read (an older shape) is recomputed like a stale one.
        match e.kind {
            KeptKind::Assistant => {
                if let Ok(k) = serde_json::from_str(&e.data) {
                    assistants.insert(e.id, k);
                }
            }
            KeptKind::Recipient => {
                if let Ok(k) = serde_json::from_str(&e.data) {
                    recipients.insert(e.id, k);
                }
            }
        }
    }
    // Every assistant and recipient that has a version has had a row, a decision or a change:
    // those without a current entry are recomputed.
    let stale_assistants: Vec<i64> = kept
        .versions
        .keys()
        .filter(|(k, id)| *k == KeptKind::Assistant && !assistants.contains_key(id))
        .map(|(_, id)| *id)
        .collect();
    let stale_recipients: BTreeSet<i64> = kept
        .versions
        .keys()
        .filter(|(k, id)| *k == KeptKind::Recipient && !recipients.contains_key(id))
        .map(|(_, id)| *id)
        .collect();
    // A current assistant's pair whose recipient moved since (a decision, an absence, another
    // assistant's row) has its row checks recomputed from the recipient's rows.
    let stale_pairs: Vec<(i64, i64)> = assistants
        .iter()
        .flat_map(|(a, k)| {
            k.pairs
                .iter()
                .filter(|p| p.recipient_version != version(KeptKind::Recipient, p.recipient))
                .map(|p| (*a, p.recipient))
        })
        .collect();
    let read_recipients: Vec<i64> = stale_recipients
        .iter()
        .copied()
        .chain(stale_pairs.iter().map(|(_, r)| *r))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let (from, to) = rows_span(month);
    let rows: Vec<RowRecord> = if stale_assistants.is_empty() && read_recipients.is_empty() {
        vec![]
    } else if stale_assistants.len() + read_recipients.len() > READ_ALL_FROM {
        db.rows_between(tenant, from, to).await.map_err(internal)?
    } else {
        db.rows_of(tenant, from, to, &stale_assistants, &read_recipients).await.map_err(internal)?
    }
    .into_iter()
    .map(StoredRow::into_record)
    .collect();
    db.finish().await.map_err(internal)?;

    // Recompute what is stale.
    let mut by_assistant: HashMap<i64, Vec<&RowRecord>> = HashMap::new();
    let mut by_recipient: HashMap<i64, Vec<&RowRecord>> = HashMap::new();
    for r in &rows {
        by_assistant.entry(r.assistant).or_default().push(r);
        by_recipient.entry(r.recipient).or_default().push(r);
    }
    let pair = |a: i64, r: i64, rows: &[&RowRecord]| -> PairKept {
        let findings = pair_findings(
            month,
            rows,
            people.assistants.get(&a),
            people.recipients.get(&r),
            &people.decisions,
            &people.absences,
            config,
        );
        PairKept {
            recipient: r,
            recipient_version: version(KeptKind::Recipient, r),
            row_count: rows.len(),
            totals: Totals::of(rows.iter().map(|x| &x.row)),
            error: !error_pairs(&findings, rows).is_empty(),
            findings,
            repeated: rows
                .iter()
                .filter(|x| x.row.in_repeated_hour())
                .map(|x| {
                    let v = row_view(&StoredRow {
                        id: x.id,
                        assistant_id: x.assistant,
                        recipient_id: x.recipient,
                        row: x.row.clone(),
                    });
                    format!("{} {}–{}", v.date, v.start, v.end)
                })
                .collect(),
        }
    };
    let mut changed: Vec<(KeptKind, i64)> = Vec::new();
    for &a in &stale_assistants {
        let theirs = by_assistant.get(&a).map(Vec::as_slice).unwrap_or_default();
        let month_rows = in_month(month, theirs);
        let findings = assistant_findings(month, people.assistants.get(&a), theirs, config);
        let mut per_recipient: BTreeMap<i64, Vec<&RowRecord>> = BTreeMap::new();
        for r in &month_rows {
            per_recipient.entry(r.recipient).or_default().push(r);
        }
        let kept = AssistantKept {
            error_pairs: error_pairs(&findings, &month_rows),
            findings,
            pairs: per_recipient.into_iter().map(|(r, rows)| pair(a, r, &rows)).collect(),
        };
        assistants.insert(a, kept);
        changed.push((KeptKind::Assistant, a));
    }
    for (a, r) in stale_pairs {
        let rows: Vec<&RowRecord> =
            in_month(month, by_recipient.get(&r).map(Vec::as_slice).unwrap_or_default())
                .into_iter()
                .filter(|x| x.assistant == a)
                .collect();
        if let Some(k) = assistants.get_mut(&a) {
            if let Some(p) = k.pairs.iter_mut().find(|p| p.recipient == r) {
                *p = pair(a, r, &rows);
            }
        }
        changed.push((KeptKind::Assistant, a));
    }
    for &r in &stale_recipients {
        let theirs = by_recipient.get(&r).map(Vec::as_slice).unwrap_or_default();
        let month_rows = in_month(month, theirs);
        let findings = if month_rows.is_empty() {
            vec![]
        } else {
            recipient_findings(month, r, theirs, &people.decisions, config)
        };
        recipients.insert(
            r,
            RecipientKept {
                has_rows: !month_rows.is_empty(),
                error_pairs: error_pairs(&findings, &month_rows),
                findings,
            },
        );
        changed.push((KeptKind::Recipient, r));
    }
    changed.sort();
    changed.dedup();
    keep(repo, tenant, &name, &basis, &changed, &assistants, &recipients, &kept.versions).await;

    // The month from its scopes.
    let mut scoped = Vec::new();
    let mut errors = Vec::new();
    let mut totals: HashMap<(i64, i64), (usize, Totals)> = HashMap::new();
    let mut with_rows = BTreeSet::new();
    let mut repeated = Vec::new();
    for (a, k) in &assistants {
        for p in &k.pairs {
            scoped.extend(p.findings.iter().cloned());
            if p.error {
                errors.push((*a, p.recipient));
            }
            totals.insert((*a, p.recipient), (p.row_count, p.totals));
            with_rows.insert(p.recipient);
            repeated.extend(p.repeated.iter().map(|s| (*a, p.recipient, s.clone())));
        }
        scoped.extend(k.findings.iter().cloned());
        errors.extend(k.error_pairs.iter().copied());
    }
    for k in recipients.values().filter(|k| k.has_rows) {
        scoped.extend(k.findings.iter().cloned());
        errors.extend(k.error_pairs.iter().copied());
    }
    errors.sort();
    errors.dedup();
    let months: Vec<MonthView> = records
        .into_iter()
        .map(|m| {
            let (row_count, totals) =
                totals.get(&(m.assistant_id, m.recipient_id)).copied().unwrap_or_default();
            MonthView {
                key: m.id,
                assistant: Person { id: m.assistant_id, name: m.assistant_name },
                recipient: Person { id: m.recipient_id, name: m.recipient_name },
                status: m.status,
                rejected_reason: m.rejected_reason,
                corrected: false,
                row_count,
                rows: vec![],
                payable: format!("{:.2}", totals.payable_hours().round_dp(2)),
                totals,
                amount: None,
                amount_missing: false,
                content_hash: String::new(),
            }
        })
        .collect();
    let states: Vec<MonthState> = months
        .iter()
        .filter(|m| m.row_count > 0 || m.status != MonthStatus::Draft)
        .map(|m| MonthState {
            assistant: m.assistant.id,
            recipient: m.recipient.id,
            status: m.status,
        })
        .collect();
    let with_rows: Vec<i64> = with_rows.into_iter().collect();
    let preflight = month_preflight(
        &MonthInput {
            month,
            today: today(),
            rows: &[],
            assistants: &people.assistants,
            recipients: &people.recipients,
            decisions: &people.decisions,
            absences: &people.absences,
            states: &states,
            rakning_complete: Some(&signed),
            config,
            rates: Some(&terms.rates),
        },
        &with_rows,
        scoped,
    );
    Ok(MonthCheck { months, people, preflight, error_pairs: errors, repeated })
}

/// Keeps what was recomputed, with the versions read before its rows. A cache: it records no
/// change of anyone's data, so it has no audit entry, and a failure only costs the next view
/// the same work (it is logged).
#[allow(clippy::too_many_arguments)]
async fn keep(
    repo: &dyn Repo,
    tenant: i64,
    month: &str,
    basis: &str,
    changed: &[(KeptKind, i64)],
    assistants: &BTreeMap<i64, AssistantKept>,
    recipients: &BTreeMap<i64, RecipientKept>,
    versions: &HashMap<(KeptKind, i64), i64>,
) {
    if changed.is_empty() {
        return;
    }
    let entries: Vec<Kept> = changed
        .iter()
        .filter_map(|&(kind, id)| {
            let data = match kind {
                KeptKind::Assistant => serde_json::to_string(assistants.get(&id)?),
                KeptKind::Recipient => serde_json::to_string(recipients.get(&id)?),
            }
            .ok()?;
            let version = versions.get(&(kind, id)).copied().unwrap_or(0);
            Some(Kept { kind, id, version, basis: basis.to_string(), data })
        })
        .collect();
    let stored = async {
        let mut db = super::context::write(repo, Some(tenant)).await?;
        db.keep(tenant, month, &entries).await?;
        db.finish().await
    };
    if let Err(e) = stored.await {
        tracing::warn!(tenant, month, error = %e, "the month's findings were not kept");
    }
}
