//! The audit log's hash chain: appending an entry (inside the change's own
//! transaction, which holds the write lock, so each municipality's chain stays linear), sealing
//! entries written before the chain existed, and verifying every chain (`server audit verify`).

use super::Pool;
use super::err;
use super::sql::{Conn, ROWS_PER_STATEMENT, Row, query, values};
use engine::audit::{EntryContent, GENESIS, StoredEntry, entry_hash, verify};
use store::{AuditEntry, RepoResult};

/// An entry sealed into its chain: its content, the hash of the entry before it and its own.
pub(crate) struct Sealed {
    pub content: EntryContent,
    pub prev: String,
    pub hash: String,
}

/// `e`, stamped now and sealed after `prev` (the hash its chain ends with).
pub(crate) fn seal_entry(e: &AuditEntry, prev: String) -> Sealed {
    let content = EntryContent {
        tenant: e.tenant,
        user: e.user,
        actor: e.actor.clone(),
        at: engine::clock::iso(chrono::Utc::now()),
        client: e.client.clone(),
        action: e.action.to_string(),
        subject: e.subject.clone(),
        before: e.before.clone(),
        after: e.after.clone(),
    };
    let hash = entry_hash(&prev, &content);
    Sealed { content, prev, hash }
}

/// The hash `tenant`'s chain ends with in the database (the genesis value for an empty chain).
/// Read holding the write lock, so no other entry can follow it before the caller's commits.
/// Each chain is read along `audit_log_by_tenant` (tenant, id), ordered as that index is:
/// ordered by id alone, PostgreSQL's generic plan walked the primary key backwards past every
/// newer entry of other municipalities.
pub(crate) async fn head(c: &mut Conn, tenant: Option<i64>) -> RepoResult<String> {
    let q = match tenant {
        Some(t) => query(
            "SELECT hash FROM audit_log WHERE tenant_id = $1 ORDER BY tenant_id DESC, id DESC LIMIT 1",
        )
        .bind(t),
        None => query(
            "SELECT hash FROM audit_log WHERE tenant_id IS NULL ORDER BY tenant_id DESC, id DESC LIMIT 1",
        ),
    };
    let last: Option<Option<String>> = q.scalar_optional(c).await.map_err(err)?;
    Ok(last.flatten().unwrap_or_else(|| GENESIS.to_string()))
}

/// Writes sealed entries in their order (their ids follow it), at most
/// [`ROWS_PER_STATEMENT`] to a statement.
pub(crate) async fn insert(c: &mut Conn, entries: &[Sealed]) -> RepoResult<()> {
    for chunk in entries.chunks(ROWS_PER_STATEMENT) {
        insert_rows(c, chunk).await?;
    }
    Ok(())
}

async fn insert_rows(c: &mut Conn, entries: &[Sealed]) -> RepoResult<()> {
    let sql = format!(
        "INSERT INTO audit_log (tenant_id, user_id, actor, at, client, action, subject, before, after, prev_hash, hash) VALUES {}",
        values(entries.len(), 11)
    );
    entries
        .iter()
        .fold(query(sql), |q, e| {
            let c = &e.content;
            q.bind(c.tenant)
                .bind(c.user)
                .bind(&c.actor)
                .bind(&c.at)
                .bind(&c.client)
                .bind(&c.action)
                .bind(&c.subject)
                .bind(&c.before)
                .bind(&c.after)
                .bind(&e.prev)
                .bind(&e.hash)
        })
        .execute(c)
        .await
        .map_err(err)?;
    Ok(())
}

pub(crate) const ENTRY_COLUMNS: &str =
    "id, tenant_id, user_id, actor, at, client, action, subject, before, after, prev_hash, hash";

pub(crate) fn stored_entry(r: &Row) -> StoredEntry {
    StoredEntry {
        id: r.get("id"),
        content: EntryContent {
            tenant: r.get("tenant_id"),
            user: r.get("user_id"),
            actor: r.get("actor"),
            at: r.get("at"),
            client: r.get("client"),
            action: r.get("action"),
            subject: r.get("subject"),
            before: r.get("before"),
            after: r.get("after"),
        },
        prev_hash: r.get("prev_hash"),
        hash: r.get("hash"),
    }
}

/// Seals the entries written before the chain existed, in order, once (at start-up, after the
/// migrations; the trigger allows only this one update of an entry without a hash).
pub async fn seal(pool: &Pool) -> Result<usize, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let rows =
        query(format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE hash IS NULL ORDER BY id"))
            .fetch_all(&mut tx)
            .await?;
    let mut last: std::collections::HashMap<Option<i64>, String> = std::collections::HashMap::new();
    for r in &rows {
        let e = stored_entry(r);
        let prev = match last.get(&e.content.tenant) {
            Some(p) => p.clone(),
            None => query("SELECT hash FROM audit_log WHERE tenant_id IS NOT DISTINCT FROM $1 AND id < $2 AND hash IS NOT NULL ORDER BY id DESC LIMIT 1")
                .bind(e.content.tenant)
                .bind(e.id)
                .scalar_optional(&mut tx)
                .await?
                .flatten()
                .unwrap_or_else(|| GENESIS.to_string()),
        };
        let hash = entry_hash(&prev, &e.content);
        query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
            .bind(&prev)
            .bind(&hash)
            .bind(e.id)
            .execute(&mut tx)
            .await?;
        last.insert(e.content.tenant, hash);
    }
    tx.commit().await?;
    Ok(rows.len())
}

/// One chain's verdict.
#[derive(Debug)]
pub struct ChainReport {
    pub tenant: Option<i64>,
    pub name: String,
    pub result: Result<usize, engine::audit::Broken>,
}

/// Verifies every municipality's chain (and the installation's own).
pub async fn verify_all(pool: &Pool) -> Result<Vec<ChainReport>, sqlx::Error> {
    let mut c = pool.conn().await?;
    let mut out = vec![];
    let tenants: Vec<(i64, String)> =
        query("SELECT id, name FROM tenants ORDER BY id").all_as(&mut c).await?;
    let mut chains: Vec<(Option<i64>, String)> =
        tenants.into_iter().map(|(id, n)| (Some(id), n)).collect();
    chains.push((None, "(installation)".into()));
    for (tenant, name) in chains {
        let rows = query(format!("SELECT {ENTRY_COLUMNS} FROM audit_log WHERE tenant_id IS NOT DISTINCT FROM $1 ORDER BY id")).bind(tenant).fetch_all(&mut c).await?;
        let entries: Vec<StoredEntry> = rows.iter().map(stored_entry).collect();
        out.push(ChainReport { tenant, name, result: verify(&entries) });
    }
    Ok(out)
}
