//! New rows inserted together ([`super::writer::Writer::insert_new_row`], issue 28). A new row
//! checked before its change (against its early read) needs one statement under its
//! municipality's lock; the new rows waiting for that lock at the same moment share one: a
//! `WITH v AS (VALUES …) INSERT … SELECT … FROM v WHERE` each row's versions are still those
//! its read had and its form's key is unused, `RETURNING` the ids. The same text runs on both
//! databases. At most one row per assistant and per form's key goes in a statement (the rows
//! of one statement do not see each other's checks); the others wait for the next.

use super::audit;
use super::deferred::{Deferred, Outcome};
use super::general::{ROW_INSERT, row_values};
use super::sql::{Conn, query};
use std::collections::{HashMap, HashSet, VecDeque};
use tokio::sync::oneshot;

/// Where a new row's answer goes: its id once committed, `None` when it was not inserted.
pub(crate) type Answer = oneshot::Sender<Result<Option<i64>, String>>;

/// A new row waiting in its lane, and where its answer goes.
pub(crate) struct Waiting {
    pub row: store::NewRow,
    pub told: Answer,
}

/// At most this many rows to a statement (18 values each).
const MAX_ROWS: usize = 64;

/// The next group of waiting rows: in their order, one per assistant and per form's key.
pub(crate) fn group(waiting: &std::sync::Mutex<VecDeque<Waiting>>) -> Vec<Waiting> {
    let mut queue = waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let (mut assistants, mut keys) = (HashSet::new(), HashSet::new());
    let (mut group, mut later) = (vec![], VecDeque::new());
    while let Some(w) = queue.pop_front() {
        let key = w.row.key.clone().map(|k| (w.row.by_user, k));
        if group.len() < MAX_ROWS
            && !assistants.contains(&w.row.assistant)
            && key.as_ref().is_none_or(|k| !keys.contains(k))
        {
            assistants.insert(w.row.assistant);
            keys.extend(key);
            group.push(w);
        } else {
            later.push_back(w);
        }
    }
    *queue = later;
    group
}

/// The rows a statement inserted (where each one's answer goes, and its id), and their audit
/// entries and outcomes, for the batch to write before it commits.
pub(crate) struct Inserted {
    pub rows: Vec<(Answer, i64)>,
    pub deferred: Deferred,
}

/// Inserts `group` in one statement, inside the batch's transaction (whose deferred writes so
/// far are `batch`), and seals each inserted row's audit entry onto its municipality's chain
/// in turn. `Ok`: what was inserted, and the rows that were not (a version moved, the key
/// was used). `Err`: the statement or a read after it failed, and nothing of it may be kept.
pub(crate) async fn insert(
    c: &mut Conn,
    batch: &Deferred,
    group: Vec<Waiting>,
) -> Result<(Inserted, Vec<Waiting>), (String, Vec<Waiting>)> {
    // A key the batch has stored already: the long way finds its outcome there.
    let (used, group): (Vec<Waiting>, Vec<Waiting>) = group.into_iter().partition(|w| {
        w.row.key.as_deref().is_some_and(|k| batch.outcome(w.row.by_user, k).is_some())
    });
    let nothing = || Inserted { rows: vec![], deferred: Deferred::default() };
    if group.is_empty() {
        return Ok((nothing(), used));
    }
    let values: Vec<String> = (0..group.len())
        .map(|i| {
            let row: Vec<String> = (1..=18).map(|j| format!("${}", i * 18 + j)).collect();
            format!("({})", row.join(", "))
        })
        .collect();
    // The versions as `pages::recheck_query` reads them, the key as `idempotent_outcome`.
    let sql = format!(
        "WITH v (t, a, r, d, st, en, nd, k, m, u, f, sa, ea, fe, va, vr, vg, ik) AS (VALUES {})
         INSERT INTO time_rows ({ROW_INSERT}) SELECT t, a, r, d, st, en, nd, k, m, u, f, sa, ea, fe FROM v
         WHERE (SELECT version FROM kept_versions WHERE tenant_id = v.t AND kind = 'a' AND id = v.a) IS NOT DISTINCT FROM v.va
           AND (SELECT version FROM kept_versions WHERE tenant_id = v.t AND kind = 'r' AND id = v.r) IS NOT DISTINCT FROM v.vr
           AND (SELECT version FROM register_versions WHERE tenant_id = v.t) IS NOT DISTINCT FROM v.vg
           AND NOT EXISTS (SELECT 1 FROM idempotency_keys i WHERE i.user_id = v.u AND i.key = v.ik)
         RETURNING id, assistant_id",
        values.join(", ")
    );
    let q = group.iter().fold(query(sql), |q, w| {
        let r = &w.row;
        row_values(q, r.tenant, r.assistant, r.recipient, &r.row, r.by_user)
            .bind(r.versions.pair.0)
            .bind(r.versions.pair.1)
            .bind(r.versions.register)
            .bind(r.key.clone())
    });
    let fail = |e: String, group: Vec<Waiting>, used: Vec<Waiting>| {
        Err((e, group.into_iter().chain(used).collect()))
    };
    let ids: HashMap<i64, i64> = match q.fetch_all(c).await {
        Ok(rows) => rows.iter().map(|r| (r.get("assistant_id"), r.get("id"))).collect(),
        Err(e) => return fail(e.to_string(), group, used),
    };
    // Each chain's head, read once (a batch on SQLite holds several municipalities' rows).
    let mut heads: HashMap<i64, String> = HashMap::new();
    let tenants: HashSet<i64> =
        group.iter().filter(|w| ids.contains_key(&w.row.assistant)).map(|w| w.row.tenant).collect();
    for t in tenants {
        let head = match batch.head(Some(t)) {
            Some(h) => h.to_string(),
            None => match audit::head(c, Some(t)).await {
                Ok(h) => h,
                Err(e) => return fail(e.to_string(), group, used),
            },
        };
        heads.insert(t, head);
    }
    let (mut inserted, mut refused) = (nothing(), used);
    for w in group {
        let Some(&id) = ids.get(&w.row.assistant) else {
            refused.push(w);
            continue;
        };
        let Waiting { row, told } = w;
        let entry = (row.audit)(id);
        let head = heads.get_mut(&row.tenant).expect("read above for every inserted row");
        let sealed = audit::seal_entry(&entry, std::mem::take(head));
        head.clone_from(&sealed.hash);
        inserted.deferred.entry(sealed);
        if let Some(key) = row.key {
            inserted.deferred.remember(Outcome {
                user: row.by_user,
                key,
                action: entry.action.to_string(),
                outcome: row.outcome,
            });
        }
        inserted.rows.push((told, id));
    }
    Ok((inserted, refused))
}
