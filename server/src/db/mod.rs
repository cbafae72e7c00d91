//! The SQLite adapter of [`app::api::repo::Repo`]. Runtime queries with `$n` placeholders and
//! ISO text for dates, so the PostgreSQL adapter can share the SQL. One implementation of every
//! query ([`store`]), used on a plain pooled connection for reads and inside a
//! `BEGIN IMMEDIATE` transaction for changes.

pub mod audit;
mod export;
mod people;
mod settings;
mod shifts;
mod signing;
mod store;

use app::api::repo::{Repo, RepoError, RepoResult, Store};
use async_trait::async_trait;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Row;
use std::str::FromStr;
use std::time::Duration;

pub use store::SqliteStore;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// A tiny boxed-error result for startup code.
pub mod anyhow_like {
    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;
}

/// Opens (creating if needed) the database at `url` and brings its schema up to date.
///
/// WAL with `synchronous = FULL`: a commit that has been answered survives a crash of the
/// process or the machine (NORMAL could lose the last commits on power loss).
pub async fn connect(url: &str) -> anyhow_like::Result<SqlitePool> {
    let opts = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    if let Some(dir) = opts.get_filename().parent() {
        std::fs::create_dir_all(dir)?;
    }
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(opts).await?;
    MIGRATOR.run(&pool).await?;
    backfill_instants(&pool).await?;
    let sealed = audit::seal(&pool).await?;
    if sealed > 0 {
        tracing::info!(entries = sealed, "audit log entries from before the chain sealed");
    }
    Ok(pool)
}

/// Rows stored before the database knew their instants get them now (once).
async fn backfill_instants(pool: &SqlitePool) -> anyhow_like::Result<()> {
    let rows = sqlx::query(&format!("SELECT {} FROM time_rows WHERE start_at IS NULL", store::ROW_COLUMNS)).fetch_all(pool).await?;
    for r in &rows {
        if let Some(s) = store::stored_row(r) {
            sqlx::query("UPDATE time_rows SET start_at = $1, end_at = $2 WHERE id = $3")
                .bind(s.row.start_at().timestamp())
                .bind(s.row.end_at().timestamp())
                .bind(r.get::<i64, _>("id"))
                .execute(pool)
                .await?;
        }
    }
    Ok(())
}

/// Forgets what only matters for a while: idempotency keys after 30 days (a queued post older
/// than that is not replayed) and login counters a day after their last failure. Runs hourly.
pub fn spawn_maintenance(pool: SqlitePool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            let now = chrono::Utc::now().timestamp();
            let keys = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < datetime('now', '-30 days')").execute(&pool).await;
            let throttle = sqlx::query("DELETE FROM login_throttle WHERE last_failure < $1 AND blocked_until < $1").bind(now - 24 * 3600).execute(&pool).await;
            if let Err(e) = keys.and(throttle) {
                tracing::warn!(error = %e, "maintenance failed");
            }
        }
    });
}

#[derive(Clone)]
pub struct SqliteRepo {
    pub pool: SqlitePool,
}

pub(crate) fn err(e: sqlx::Error) -> RepoError {
    if let sqlx::Error::Database(d) = &e {
        let msg = d.message();
        if msg.contains("bita: overlap") {
            return RepoError::Conflict(app::api::repo::Conflict::Overlap);
        }
        if msg.contains("bita: month locked") {
            return RepoError::Conflict(app::api::repo::Conflict::MonthLocked);
        }
        if d.is_unique_violation() {
            return RepoError::Conflict(app::api::repo::Conflict::Duplicate);
        }
    }
    RepoError::Db(e.to_string())
}

#[async_trait]
impl Repo for SqliteRepo {
    async fn ping(&self) -> RepoResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(err)?;
        Ok(())
    }

    async fn read(&self) -> RepoResult<Box<dyn Store>> {
        Ok(Box::new(SqliteStore::Conn(self.pool.acquire().await.map_err(err)?)))
    }

    async fn write(&self) -> RepoResult<Box<dyn Store>> {
        // IMMEDIATE takes the write lock now, not at the first write: two changes can never
        // both read "free" and then both write (the double-click that paid twice).
        Ok(Box::new(SqliteStore::Tx(self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(err)?)))
    }
}
