//! Sessions, stored in BITA's own database (tower-sessions' sqlx stores), so any server behind
//! a load balancer knows them. On SQLite a session's writes take their turn in the server's
//! writer ([`InTurn`]), so a login during a rush of saved rows is not left polling the lock.

use crate::config::Config;
use crate::db::{DbRepo, Pool, Writer};
use async_trait::async_trait;
use std::time::Duration;
use tower_sessions::cookie::SameSite;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// A session store whose writes (a login, a flash, the "seen" touch, expired sessions deleted)
/// wait for their [`Writer::turn`]; reads go straight to the store.
#[derive(Clone, Debug)]
pub struct InTurn<S> {
    store: S,
    writer: Writer,
}

impl<S> InTurn<S> {
    pub fn new(store: S, repo: &DbRepo) -> Self {
        Self { store, writer: repo.writer().clone() }
    }
}

#[async_trait]
impl<S: SessionStore + Clone> SessionStore for InTurn<S> {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.writer.turn(self.store.create(record)).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.writer.turn(self.store.save(record)).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        self.store.load(id).await
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.writer.turn(self.store.delete(id)).await
    }
}

#[async_trait]
impl<S: ExpiredDeletion + Clone> ExpiredDeletion for InTurn<S> {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.writer.turn(self.store.delete_expired()).await
    }
}

/// The session layer on the database behind `repo`, its table created if missing, and expired
/// sessions deleted every 15 minutes.
pub async fn layer(
    config: &Config,
    repo: &DbRepo,
) -> Result<Layer, Box<dyn std::error::Error + Send + Sync>> {
    Ok(match &repo.pool {
        Pool::Sqlite(p, _) => {
            let store = sqlite_store(p);
            store.migrate().await?;
            Layer::Sqlite(manager(config, InTurn::new(store, repo)))
        }
        Pool::Postgres(p) => {
            let store = postgres_store(p);
            store.migrate().await?;
            Layer::Postgres(manager(config, InTurn::new(store, repo)))
        }
    })
}

/// tower-sessions' store on SQLite, in the table `sessions`.
pub fn sqlite_store(pool: &sqlx::SqlitePool) -> SqliteStore {
    SqliteStore::new(pool.clone()).with_table_name("sessions").expect("a valid table name")
}

/// tower-sessions' store on PostgreSQL, in the table `public.sessions`.
pub fn postgres_store(pool: &sqlx::PgPool) -> PostgresStore {
    PostgresStore::new(pool.clone())
        .with_schema_name("public")
        .and_then(|s| s.with_table_name("sessions"))
        .expect("a valid table name")
}

/// The session layer of either database.
pub enum Layer {
    Sqlite(SessionManagerLayer<InTurn<SqliteStore>>),
    Postgres(SessionManagerLayer<InTurn<PostgresStore>>),
}

fn manager<S: ExpiredDeletion + Clone>(
    config: &Config,
    store: InTurn<S>,
) -> SessionManagerLayer<InTurn<S>> {
    tokio::spawn(store.clone().continuously_delete_expired(Duration::from_secs(15 * 60)));
    SessionManagerLayer::new(store)
        .with_name("bita_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(tower_sessions::cookie::time::Duration::hours(8)))
}

/// A session of no browser, for work a server does on someone's behalf after their request was
/// answered (the month's export job): nothing is put in it, so it is never stored.
pub fn detached(pool: &Pool) -> tower_sessions::Session {
    match pool {
        Pool::Sqlite(p, _) => {
            tower_sessions::Session::new(None, std::sync::Arc::new(sqlite_store(p)), None)
        }
        Pool::Postgres(p) => {
            tower_sessions::Session::new(None, std::sync::Arc::new(postgres_store(p)), None)
        }
    }
}
