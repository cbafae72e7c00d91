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
//!
//! A view reads every kept error, but of the warnings and notes only how many each scope has:
//! a municipality whose assistants work side by side has hundreds of thousands of them (every
//! two rows at once without a grant for double assistance is one), and only the dashboard
//! lists any, at most 50 ([`MonthCheck::listed`] reads those few scopes' then).

use super::context::{Cx, internal, month_view, row_view, today};
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

/// Above this many scopes to recompute (or half of them all), the month's rows are read whole
/// (one range read) rather than by assistant and recipient (lists of ids).
const READ_ALL_FROM: usize = 400;

/// A lock per municipality and month (see [`month_check_in`]).
type Flights = HashMap<(i64, String), std::sync::Arc<tokio::sync::Mutex<()>>>;
static FLIGHTS: std::sync::LazyLock<std::sync::Mutex<Flights>> =
    std::sync::LazyLock::new(Default::default);

/// How many warnings and notes a scope has (its errors are kept whole).
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize)]
struct Counts {
    warnings: usize,
    infos: usize,
}

impl Counts {
    fn total(self) -> usize {
        self.warnings + self.infos
    }

    fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Self {
        let mut c = Counts::default();
        for f in findings {
            match f.severity {
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
                Severity::Error => {}
            }
        }
        c
    }
}

/// An assistant's kept month, but for the findings themselves (kept beside it).
#[derive(Debug, Default, Serialize, Deserialize)]
struct AssistantKept {
    /// Their rest and working-time findings (V3, V5) that concern their rows in the month.
    counts: Counts,
    /// The error findings' pairs (assistant × recipient of the month's rows they name).
    error_pairs: Vec<(i64, i64)>,
    /// Each recipient they have rows for in the month.
    pairs: Vec<PairKept>,
}

/// One assistant × recipient pair's rows in the month.
#[derive(Debug, Serialize, Deserialize)]
struct PairKept {
    recipient: i64,
    /// The recipient's version the row checks were computed at: their decisions and absences
    /// are in them.
    recipient_version: i64,
    row_count: usize,
    totals: Totals,
    /// The per-row findings (V2–V5, V8).
    counts: Counts,
    error: bool,
    /// The rows in the repeated autumn hour, as the dashboard lists them.
    repeated: Vec<String>,
}

/// A recipient's kept month: the grant rules (V6, V7).
#[derive(Debug, Default, Serialize, Deserialize)]
struct RecipientKept {
    /// They have rows in the month.
    has_rows: bool,
    counts: Counts,
    error_pairs: Vec<(i64, i64)>,
}

/// A scope's kept month with its errors; its warnings and notes where computed by this view.
struct Scope<T> {
    kept: T,
    errors: Vec<Finding>,
    others: Option<Vec<Finding>>,
}

/// Warnings and notes of one kept scope about one register entry or pair (`about`).
#[derive(Clone, Debug)]
struct Others {
    kind: KeptKind,
    id: i64,
    about: (Option<i64>, Option<i64>),
    counts: Counts,
}

/// A month as its checks see it: its reports with their totals (without row views), the
/// municipality's people, everything standing between the month and an export (rules
/// V1–V10), the pairs with an error, and the rows in the repeated autumn hour.
pub struct MonthCheck {
    pub months: Vec<MonthView>,
    pub people: store::People,
    /// Every error, and the month's own warnings and notes (V1, V8's absences, V9, V6's
    /// standard amount, V10), by severity and rule. The scopes' warnings and notes are counted
    /// ([`MonthCheck::warnings`]) and listed on request ([`MonthCheck::listed`]).
    pub preflight: Preflight,
    /// Sorted: assistant × recipient pairs whose month has an error-level finding (V9 aside).
    pub error_pairs: Vec<(i64, i64)>,
    /// (assistant, recipient, "date start–end") of each row in the repeated hour.
    pub repeated: Vec<(i64, i64, String)>,
    others: Vec<Others>,
    computed: HashMap<(KeptKind, i64), Vec<Finding>>,
    tenant: i64,
    month: ReportMonth,
}

impl MonthCheck {
    /// Every warning of the month, the scopes' counted.
    pub fn warnings(&self) -> usize {
        self.preflight.findings.iter().filter(|f| f.severity == Severity::Warning).count()
            + self.others.iter().map(|o| o.counts.warnings).sum::<usize>()
    }

    /// Every note (information) of the month, the scopes' counted.
    pub fn notes(&self) -> usize {
        self.preflight.findings.iter().filter(|f| f.severity == Severity::Info).count()
            + self.others.iter().map(|o| o.counts.infos).sum::<usize>()
    }

    /// The first `cap` of `listed` (findings of [`MonthCheck::preflight`] the caller chose, in
    /// order) followed by the scopes' warnings and notes that `shown` (assistant, recipient)
    /// lets through, and how many there are in all. Only the scopes needed to fill `cap` are
    /// read; their findings come by severity and rule.
    pub async fn listed(
        &self,
        repo: &dyn Repo,
        listed: Vec<Finding>,
        shown: &(dyn Fn(Option<i64>, Option<i64>) -> bool + Sync),
        cap: usize,
    ) -> Result<Listed<Finding>, PageError> {
        let groups: Vec<&Others> = self
            .others
            .iter()
            .filter(|o| o.counts.total() > 0 && shown(o.about.0, o.about.1))
            .collect();
        let total = listed.len() + groups.iter().map(|o| o.counts.total()).sum::<usize>();
        let mut items: Vec<Finding> = listed.into_iter().take(cap).collect();
        // The scopes whose findings fill what is left, each read once.
        let mut wanted: Vec<(KeptKind, i64)> = Vec::new();
        let mut left = cap.saturating_sub(items.len());
        for o in &groups {
            if left == 0 {
                break;
            }
            left = left.saturating_sub(o.counts.total());
            if !wanted.contains(&(o.kind, o.id)) {
                wanted.push((o.kind, o.id));
            }
        }
        let mut loaded: HashMap<(KeptKind, i64), Vec<Finding>> = HashMap::new();
        let unread: Vec<(KeptKind, i64)> =
            wanted.iter().copied().filter(|k| !self.computed.contains_key(k)).collect();
        if !unread.is_empty() {
            let mut db = repo.read().await.map_err(internal)?;
            for (kind, id, others) in db
                .kept_others(self.tenant, &self.month.to_string(), &unread)
                .await
                .map_err(internal)?
            {
                loaded.insert((kind, id), serde_json::from_str(&others).map_err(internal)?);
            }
        }
        let mut more: Vec<Finding> = wanted
            .iter()
            .flat_map(|k| self.computed.get(k).or_else(|| loaded.get(k)).into_iter().flatten())
            .filter(|f| shown(f.assistant, f.recipient))
            .cloned()
            .collect();
        more.sort_by_key(|f| (f.severity, f.rule as u8));
        let room = cap.saturating_sub(items.len());
        items.extend(more.into_iter().take(room));
        Ok(Listed { items, total })
    }

    /// Every finding of the month, the scopes' warnings and notes read whole.
    pub async fn all_findings(&self, repo: &dyn Repo) -> Result<Vec<Finding>, PageError> {
        let everything = self.preflight.findings.len()
            + self.others.iter().map(|o| o.counts.total()).sum::<usize>();
        Ok(self
            .listed(repo, self.preflight.findings.clone(), &|_, _| true, everything)
            .await?
            .items)
    }
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

/// Errors apart from the rest.
fn split(findings: Vec<Finding>) -> (Vec<Finding>, Vec<Finding>) {
    findings.into_iter().partition(|f| f.severity == Severity::Error)
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
    // One computation of a municipality's month at a time on this server: a second view (a
    // colleague, the export's job, the warm-up at start) waits and then finds it kept, rather
    // than computing the same scopes beside it.
    let flight = {
        let mut flights = FLIGHTS.lock().unwrap_or_else(|e| e.into_inner());
        flights.entry((tenant, name.clone())).or_default().clone()
    };
    let _alone = flight.lock().await;
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

    let mut assistants: BTreeMap<i64, Scope<AssistantKept>> = BTreeMap::new();
    let mut recipients: BTreeMap<i64, Scope<RecipientKept>> = BTreeMap::new();
    for e in &kept.entries {
        if e.basis != basis || e.version != version(e.kind, e.id) {
            continue;
        }
        // An entry that does not read (an older shape) is recomputed like a stale one.
        let Ok(errors) = serde_json::from_str::<Vec<Finding>>(&e.errors) else { continue };
        match e.kind {
            KeptKind::Assistant => {
                if let Ok(k) = serde_json::from_str::<AssistantKept>(&e.data)
                    // A pair's row checks read the recipient's decisions and absences.
                    && k.pairs.iter().all(|p| {
                        p.recipient_version == version(KeptKind::Recipient, p.recipient)
                    })
                {
                    assistants.insert(e.id, Scope { kept: k, errors, others: None });
                }
            }
            KeptKind::Recipient => {
                if let Ok(k) = serde_json::from_str(&e.data) {
                    recipients.insert(e.id, Scope { kept: k, errors, others: None });
                }
            }
        }
    }
    // Every assistant and recipient with a version has had a row, a decision or a change:
    // those without a current entry are recomputed.
    let stale = |kind: KeptKind, current: &dyn Fn(i64) -> bool| -> Vec<i64> {
        let mut ids: Vec<i64> = kept
            .versions
            .keys()
            .filter(|(k, id)| *k == kind && !current(*id))
            .map(|(_, id)| *id)
            .collect();
        ids.sort();
        ids
    };
    let stale_assistants = stale(KeptKind::Assistant, &|id| assistants.contains_key(&id));
    let stale_recipients = stale(KeptKind::Recipient, &|id| recipients.contains_key(&id));
    let (from, to) = rows_span(month);
    let rows: Vec<RowRecord> = if stale_assistants.is_empty() && stale_recipients.is_empty() {
        vec![]
    } else if stale_assistants.len() + stale_recipients.len()
        > READ_ALL_FROM.min(kept.versions.len() / 2)
    {
        db.rows_between(tenant, from, to).await.map_err(internal)?
    } else {
        db.rows_of(tenant, from, to, &stale_assistants, &stale_recipients)
            .await
            .map_err(internal)?
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
    let mut write = Vec::new();
    for &a in &stale_assistants {
        let theirs = by_assistant.get(&a).map(Vec::as_slice).unwrap_or_default();
        let month_rows = in_month(month, theirs);
        let own = assistant_findings(month, people.assistants.get(&a), theirs, config);
        let own_error_pairs = error_pairs(&own, &month_rows);
        let counts = Counts::of(&own);
        let (mut errors, mut others) = split(own);
        let mut per_recipient: BTreeMap<i64, Vec<&RowRecord>> = BTreeMap::new();
        for r in &month_rows {
            per_recipient.entry(r.recipient).or_default().push(r);
        }
        let mut pairs = Vec::new();
        for (r, rows) in per_recipient {
            let found = pair_findings(
                month,
                &rows,
                people.assistants.get(&a),
                people.recipients.get(&r),
                &people.decisions,
                &people.absences,
                config,
            );
            pairs.push(PairKept {
                recipient: r,
                recipient_version: version(KeptKind::Recipient, r),
                row_count: rows.len(),
                totals: Totals::of(rows.iter().map(|x| &x.row)),
                counts: Counts::of(&found),
                error: !error_pairs(&found, &rows).is_empty(),
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
            });
            let (e, o) = split(found);
            errors.extend(e);
            others.extend(o);
        }
        let kept = AssistantKept { counts, error_pairs: own_error_pairs, pairs };
        write.push(entry(
            KeptKind::Assistant,
            a,
            version(KeptKind::Assistant, a),
            &basis,
            &kept,
            &errors,
            &others,
        ));
        assistants.insert(a, Scope { kept, errors, others: Some(others) });
    }
    for &r in &stale_recipients {
        let theirs = by_recipient.get(&r).map(Vec::as_slice).unwrap_or_default();
        let month_rows = in_month(month, theirs);
        let found = if month_rows.is_empty() {
            vec![]
        } else {
            recipient_findings(month, r, theirs, &people.decisions, config)
        };
        let kept = RecipientKept {
            has_rows: !month_rows.is_empty(),
            counts: Counts::of(&found),
            error_pairs: error_pairs(&found, &month_rows),
        };
        let (errors, others) = split(found);
        write.push(entry(
            KeptKind::Recipient,
            r,
            version(KeptKind::Recipient, r),
            &basis,
            &kept,
            &errors,
            &others,
        ));
        recipients.insert(r, Scope { kept, errors, others: Some(others) });
    }
    keep(repo, tenant, &name, write.into_iter().flatten().collect()).await;

    // The month from its scopes.
    let mut scoped = Vec::new();
    let mut errors = Vec::new();
    let mut others = Vec::new();
    let mut computed = HashMap::new();
    let mut totals: HashMap<(i64, i64), (usize, Totals)> = HashMap::new();
    let mut with_rows = BTreeSet::new();
    let mut repeated = Vec::new();
    for (a, s) in assistants {
        let k = s.kept;
        others.push(Others {
            kind: KeptKind::Assistant,
            id: a,
            about: (Some(a), None),
            counts: k.counts,
        });
        for p in &k.pairs {
            if p.error {
                errors.push((a, p.recipient));
            }
            totals.insert((a, p.recipient), (p.row_count, p.totals));
            with_rows.insert(p.recipient);
            repeated.extend(p.repeated.iter().map(|s| (a, p.recipient, s.clone())));
            others.push(Others {
                kind: KeptKind::Assistant,
                id: a,
                about: (Some(a), Some(p.recipient)),
                counts: p.counts,
            });
        }
        scoped.extend(s.errors);
        errors.extend(k.error_pairs);
        if let Some(o) = s.others {
            computed.insert((KeptKind::Assistant, a), o);
        }
    }
    for (r, s) in recipients {
        if !s.kept.has_rows {
            continue;
        }
        others.push(Others {
            kind: KeptKind::Recipient,
            id: r,
            about: (None, Some(r)),
            counts: s.kept.counts,
        });
        scoped.extend(s.errors);
        errors.extend(s.kept.error_pairs);
        if let Some(o) = s.others {
            computed.insert((KeptKind::Recipient, r), o);
        }
    }
    errors.sort();
    errors.dedup();
    let months: Vec<MonthView> = records
        .into_iter()
        .map(|m| {
            let (row_count, totals) =
                totals.get(&(m.assistant_id, m.recipient_id)).copied().unwrap_or_default();
            month_view(m, row_count, totals, vec![])
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
    Ok(MonthCheck {
        months,
        people,
        preflight,
        error_pairs: errors,
        repeated,
        others,
        computed,
        tenant,
        month,
    })
}

/// Keeps every municipality's findings of this month and the last, at a server's start: after
/// an upgrade whose rules differ they are all computed again (seconds for a large
/// municipality), and an administrator's first view should not be the one that waits.
pub async fn warm(repo: &dyn Repo) -> Result<(), PageError> {
    let tenants = repo.read().await.map_err(internal)?.kept_tenants().await.map_err(internal)?;
    let now = super::context::this_month();
    for tenant in tenants {
        for month in [now.previous(), now] {
            month_check_in(repo, tenant, month).await?;
        }
    }
    Ok(())
}

/// A kept entry (None if it does not serialise, which a plain struct always does).
fn entry(
    kind: KeptKind,
    id: i64,
    version: i64,
    basis: &str,
    kept: &impl Serialize,
    errors: &[Finding],
    others: &[Finding],
) -> Option<Kept> {
    Some(Kept {
        kind,
        id,
        version,
        basis: basis.to_string(),
        data: serde_json::to_string(kept).ok()?,
        errors: serde_json::to_string(errors).ok()?,
        others: serde_json::to_string(others).ok()?,
    })
}

/// Keeps what was recomputed, with the versions read before its rows. A cache: it records no
/// change of anyone's data, so it has no audit entry, and a failure only costs the next view
/// the same work (it is logged).
async fn keep(repo: &dyn Repo, tenant: i64, month: &str, entries: Vec<Kept>) {
    if entries.is_empty() {
        return;
    }
    let stored = async {
        let mut db = super::context::write(repo, Some(tenant)).await?;
        db.keep(tenant, month, &entries).await?;
        db.finish().await
    };
    if let Err(e) = stored.await {
        tracing::warn!(tenant, month, error = %e, "the month's findings were not kept");
    }
}
