//! What a change writes that nothing reads back while its batch is open, except the change's
//! own look-ups here: its audit entries (sealed into their chain) and its outcome under the
//! form's idempotency key. A change keeps them until it finishes, its batch until just before
//! it commits, when they are written for the whole batch (500 rows to a statement). While a
//! change holds its municipality's lock on PostgreSQL, each statement is a round trip every
//! other change of the municipality waits for (issue 28: two of a saved row's six).
//!
//! They are written in the batch's transaction, so they commit or roll back with the changes:
//! a change rolled back drops its own, and a batch whose writes fail is rolled back whole, its
//! changes told so. The database's guards still hold (the chain's trigger, the key's primary
//! key); a duplicate key cannot reach them: the look-up below sees the batch's keys first.

use super::audit::{self, Sealed};
use super::sql::{Conn, ROWS_PER_STATEMENT, query, values};
use store::RepoResult;

/// An outcome stored under a form's key.
pub(crate) struct Outcome {
    pub user: i64,
    pub key: String,
    pub action: String,
    pub outcome: String,
}

#[derive(Default)]
pub(crate) struct Deferred {
    entries: Vec<Sealed>,
    outcomes: Vec<Outcome>,
}

impl Deferred {
    /// The hash `tenant`'s chain ends with among these entries, if one is theirs.
    pub(crate) fn head(&self, tenant: Option<i64>) -> Option<&str> {
        self.entries.iter().rev().find(|e| e.content.tenant == tenant).map(|e| e.hash.as_str())
    }

    pub(crate) fn entry(&mut self, e: Sealed) {
        self.entries.push(e);
    }

    /// The outcome stored under `user`'s `key`, if it is among these.
    pub(crate) fn outcome(&self, user: i64, key: &str) -> Option<&str> {
        self.outcomes.iter().find(|o| o.user == user && o.key == key).map(|o| o.outcome.as_str())
    }

    pub(crate) fn remember(&mut self, o: Outcome) {
        self.outcomes.push(o);
    }

    /// A finished change's writes join its batch's, in order.
    pub(crate) fn extend(&mut self, later: Deferred) {
        self.entries.extend(later.entries);
        self.outcomes.extend(later.outcomes);
    }

    /// Writes them all (the entries in the order they were sealed) and forgets them.
    pub(crate) async fn write(&mut self, c: &mut Conn) -> RepoResult<()> {
        let (entries, outcomes) =
            (std::mem::take(&mut self.entries), std::mem::take(&mut self.outcomes));
        audit::insert(c, &entries).await?;
        insert_outcomes(c, &outcomes).await
    }
}

/// Stores outcomes under their keys, at most [`ROWS_PER_STATEMENT`] to a statement.
pub(crate) async fn insert_outcomes(c: &mut Conn, outcomes: &[Outcome]) -> RepoResult<()> {
    for chunk in outcomes.chunks(ROWS_PER_STATEMENT) {
        insert_outcome_rows(c, chunk).await?;
    }
    Ok(())
}

async fn insert_outcome_rows(c: &mut Conn, outcomes: &[Outcome]) -> RepoResult<()> {
    let sql = format!(
        "INSERT INTO idempotency_keys (user_id, key, action, outcome) VALUES {}",
        values(outcomes.len(), 4)
    );
    outcomes
        .iter()
        .fold(query(sql), |q, o| q.bind(o.user).bind(&o.key).bind(&o.action).bind(&o.outcome))
        .execute(c)
        .await
        .map_err(super::err)?;
    Ok(())
}
