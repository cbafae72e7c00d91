//! Sessions, stored in BITA's own database (the table `sessions`), so any server behind a load
//! balancer knows them.
//!
//! The store is our own ([`DbSessions`], tower-sessions' `SessionStore` on [`crate::db::sql`]):
//! on SQLite a session is then read on the request's own thread like the rest of the page
//! ([`crate::db`]'s direct connections), where tower-sessions' sqlx store handed every read to
//! sqlx's worker thread (issue 28: one of the last thread hand-offs of a saved row and a month
//! page). Its rows are the ones that store wrote (the record as MessagePack; the expiry as
//! RFC 3339 text on SQLite, `timestamptz` on PostgreSQL), so signed-in users stay signed in
//! across the upgrade. On SQLite a session's writes take their turn in the server's writer
//! ([`Writer::turn`]), so a login during a rush of saved rows is not left polling the lock.

use crate::config::Config;
use crate::db::sql::{Query, Value, query};
use crate::db::{DbRepo, Pool, Writer};
use async_trait::async_trait;
use std::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::cookie::time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};

/// The sessions in the database: reads straight from it, writes (a login, a flash, the "seen"
/// touch, expired sessions deleted) in their [`Writer::turn`].
#[derive(Clone, Debug)]
pub struct DbSessions {
    pool: Pool,
    writer: Writer,
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

impl DbSessions {
    pub fn new(repo: &DbRepo) -> Self {
        Self { pool: repo.pool.clone(), writer: repo.writer().clone() }
    }

    /// The table, if the database does not have it yet.
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        let sql = if self.pool.is_postgres() {
            "CREATE TABLE IF NOT EXISTS public.sessions (id text PRIMARY KEY NOT NULL, data bytea NOT NULL, expiry_date timestamptz NOT NULL)"
        } else {
            "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY NOT NULL, data BLOB NOT NULL, expiry_date INTEGER NOT NULL)"
        };
        self.exec(query(sql)).await.map(drop)
    }

    /// Runs `q` on a connection of its own.
    async fn exec(&self, q: Query<'_>) -> Result<u64, sqlx::Error> {
        q.execute(&mut self.pool.conn().await?).await
    }

    /// A moment as the table keeps it.
    fn at(&self, t: OffsetDateTime) -> Value {
        let at = chrono::DateTime::from_timestamp(t.unix_timestamp(), t.nanosecond())
            .unwrap_or_default();
        if self.pool.is_postgres() {
            Value::Instant(at)
        } else {
            Value::Text(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
        }
    }

    async fn write(&self, sql: &str, record: &Record) -> Result<u64, sqlx::Error> {
        let data = rmp_serde::to_vec(record).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        self.exec(
            query(sql)
                .bind(record.id.to_string())
                .bind(data)
                .bind_value(self.at(record.expiry_date)),
        )
        .await
    }

    /// Deletes the sessions whose time is out.
    pub async fn delete_expired(&self) -> session_store::Result<()> {
        let q = query("DELETE FROM sessions WHERE expiry_date < $1")
            .bind_value(self.at(OffsetDateTime::now_utc()));
        self.writer.turn(self.exec(q)).await.map(drop).map_err(backend)
    }
}

#[async_trait]
impl SessionStore for DbSessions {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.writer
            .turn(async {
                // A new id until it is one no session has (as tower-sessions' stores do).
                loop {
                    let sql = "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING";
                    if self.write(sql, record).await.map_err(backend)? == 1 {
                        return Ok(());
                    }
                    record.id = Id::default();
                }
            })
            .await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let sql = "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET data = excluded.data, expiry_date = excluded.expiry_date";
        self.writer.turn(self.write(sql, record)).await.map(drop).map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let mut c = self.pool.conn().await.map_err(backend)?;
        let data: Option<Vec<u8>> =
            query("SELECT data FROM sessions WHERE id = $1 AND expiry_date > $2")
                .bind(id.to_string())
                .bind_value(self.at(OffsetDateTime::now_utc()))
                .scalar_optional(&mut c)
                .await
                .map_err(backend)?;
        data.map(|d| rmp_serde::from_slice(&d))
            .transpose()
            .map_err(|e| session_store::Error::Decode(e.to_string()))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        let q = query("DELETE FROM sessions WHERE id = $1").bind(id.to_string());
        self.writer.turn(self.exec(q)).await.map(drop).map_err(backend)
    }
}

/// The session layer on the database behind `repo`, its table created if missing, and expired
/// sessions deleted every 15 minutes.
pub async fn layer(
    config: &Config,
    repo: &DbRepo,
) -> Result<SessionManagerLayer<DbSessions>, Box<dyn std::error::Error + Send + Sync>> {
    let store = DbSessions::new(repo);
    store.migrate().await?;
    let expired = store.clone();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(Duration::from_secs(15 * 60));
        loop {
            every.tick().await;
            if let Err(e) = expired.delete_expired().await {
                tracing::warn!(error = %e, "expired sessions were not deleted");
            }
        }
    });
    Ok(SessionManagerLayer::new(store)
        .with_name("bita_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::hours(8))))
}

/// A session of no browser, for work a server does on someone's behalf after their request was
/// answered (the month's export job): nothing is put in it, so it is never stored (and its
/// store's writer, of its own, never takes a turn).
pub fn detached(pool: &Pool) -> tower_sessions::Session {
    let store = DbSessions { pool: pool.clone(), writer: Writer::new(pool.clone()) };
    tower_sessions::Session::new(None, std::sync::Arc::new(store), None)
}
