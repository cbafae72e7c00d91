//! The database behind [`store::Repo`]: SQLite (the embedded default, one
//! municipality on one machine) or PostgreSQL (a region: several servers, one database), chosen
//! by `DATABASE_URL`. Every query is written once ([`store`] and its neighbours) with `$n`
//! placeholders and runs on either through [`sql`]; what differs per database is here: opening
//! it, its migrations (`migrations/sqlite`, `migrations/postgres`), and how a change takes the
//! write lock.

mod api;
pub mod audit;
mod benchmark;
mod deferred;
mod direct;
mod export;
mod facts;
mod general;
mod identity;
mod kept;
pub mod migrate;
mod new_rows;
mod pages;
mod people;
mod queries;
mod schedules;
mod settings;
mod shifts;
mod signing;
pub mod sql;
mod value;
mod writer;

use async_trait::async_trait;
use sql::{Conn, query};
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use store::{Repo, RepoError, RepoResult, Store};

pub use writer::Writer;

pub static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
pub static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// A tiny boxed-error result for startup code.
pub mod anyhow_like {
    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;
}

/// The open database.
#[derive(Clone, Debug)]
pub enum Pool {
    /// sqlx's pool (the migrations, the session store) and our own connections, which run
    /// every other statement ([`direct`]).
    Sqlite(SqlitePool, direct::DirectPool),
    Postgres(PgPool),
}

/// The key of PostgreSQL's advisory lock that a change holds until it commits (see [`Pool::begin`]):
/// exclusively for a change of the installation, shared for a municipality's.
const WRITE_LOCK: i64 = 0x4249_5441; // "BITA"
/// A municipality's own lock is this plus its id.
const TENANT_LOCKS: i64 = WRITE_LOCK << 32;

impl Pool {
    /// A connection for reads.
    pub async fn conn(&self) -> Result<Conn, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(_, d) => Conn::Sqlite(d.acquire().await?),
            Pool::Postgres(p) => Conn::Pg(p.acquire().await?),
        })
    }

    /// A transaction for a change, holding the database's write lock from its first statement,
    /// so what it reads stays true until it commits and two changes can never both read "free"
    /// and then both write (the double-click that paid twice). SQLite: `BEGIN IMMEDIATE`.
    /// PostgreSQL: a transaction-scoped advisory lock, the same for every server process, so
    /// changes through different servers queue as they do on one, and each municipality's audit
    /// chain stays linear (each entry links to the one committed before it). This one is the
    /// installation's (every municipality waits); [`Pool::begin_here`] takes one
    /// municipality's.
    ///
    /// The BEGIN runs in a task of its own: a caller dropped while it waits (a client gone, or a
    /// page's async block that Leptos runs twice and drops once) would otherwise leave the
    /// connection inside a transaction that no `Transaction` owns, so nothing rolls it back:
    /// on SQLite it kept the write lock, and every later change waited out the busy timeout
    /// (CI, stop 17) or was refused at its own BEGIN (CI, this stop). Detached, the task
    /// finishes, and an unclaimed transaction is dropped and rolled back.
    pub async fn begin(&self) -> Result<Conn, sqlx::Error> {
        let pool = self.clone();
        tokio::spawn(async move { pool.begin_here(None).await })
            .await
            .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?
    }

    /// [`Pool::begin`] in this task, for the installation (`None`) or one municipality. On
    /// PostgreSQL a municipality's change holds the installation's lock shared and its own
    /// exclusively: municipalities go in parallel, each in a line of its own, and a change of
    /// the installation waits for them all (and they for it). Always in that order, so no
    /// two changes wait for each other.
    pub(crate) async fn begin_here(&self, scope: Option<i64>) -> Result<Conn, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(_, d) => {
                let mut c = d.acquire().await?;
                c.begin().await?;
                Conn::Sqlite(c)
            }
            // The BEGIN and the locks in one round trip (one simple query: the keys are numbers
            // of our own, written into its text).
            Pool::Postgres(p) => Conn::PgTx(p.begin_with(match scope {
                None => format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"),
                Some(t) => format!(
                    "BEGIN; SELECT pg_advisory_xact_lock_shared({WRITE_LOCK}); SELECT pg_advisory_xact_lock({})",
                    TENANT_LOCKS + t
                ),
            })
            .await?),
        })
    }

    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p, d) => {
                d.close();
                p.close().await
            }
            Pool::Postgres(p) => p.close().await,
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Pool::Postgres(_))
    }
}

/// How many connections to PostgreSQL a server keeps at most, unless configured
/// (`BITA_PG_CONNECTIONS`). Measured on the 2-core test machine with PostgreSQL beside the
/// server (issue 28), the two ways disagree: on a kept, warm load database 8 connections saved
/// 8 % more rows than 16 (and 32 fewer); in `bench/load/run.sh postgres`, on a freshly loaded
/// one, 8 saved 717–855 rows/s where 16 saved 884–1,055, though the month page's p99 fell from
/// about 70 to 54 ms. 16 is kept, as the yardstick says.
pub const DEFAULT_PG_CONNECTIONS: u32 = 16;

/// How long a PostgreSQL connection may have been idle before it is pinged on its next use.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(30);

/// Opens the database at `url` (`sqlite://…` or `postgres://…`), creating a SQLite file if
/// needed, and brings its schema up to date.
pub async fn connect(url: &str) -> anyhow_like::Result<Pool> {
    connect_sized(url, DEFAULT_PG_CONNECTIONS).await
}

/// [`connect`], with at most `pg_connections` connections to PostgreSQL.
pub async fn connect_sized(url: &str, pg_connections: u32) -> anyhow_like::Result<Pool> {
    let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        // sqlx pings a connection before handing it out (and again when it comes back): a
        // round trip each time. Here only one idle for a while is pinged first: a connection
        // the server or the network dropped is then found before a request uses it.
        let pool = PgPoolOptions::new()
            .max_connections(pg_connections.max(2))
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for > IDLE_BEFORE_PING {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect(url)
            .await?;
        POSTGRES_MIGRATOR.run(&pool).await?;
        Pool::Postgres(pool)
    } else {
        // WAL with `synchronous = FULL`: a commit that has been answered survives a crash of the
        // process or the machine (NORMAL could lose the last commits on power loss). Writers
        // wait up to 10 s for the write lock (`busy_timeout`) rather than fail at once.
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(dir) = opts.get_filename().parent() {
            std::fs::create_dir_all(dir)?;
        }
        // sqlx's pool runs the migrations and `optimize`; every other statement runs on our
        // own connections ([`direct`]). No ping before each use: a SQLite connection is an open
        // file in this process, with nothing between that could drop it.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(opts.clone())
            .await?;
        SQLITE_MIGRATOR.run(&pool).await?;
        widen_user_roles(&opts).await?;
        optimize(&pool, &mut None).await?;
        Pool::Sqlite(pool, direct::DirectPool::new(opts.get_filename().to_path_buf()))
    };
    backfill_instants(&pool).await?;
    let sealed = audit::seal(&pool).await?;
    if sealed > 0 {
        tracing::info!(entries = sealed, "audit log entries from before the chain sealed");
    }
    Ok(pool)
}

/// The users table with the work leader among its roles (issue 27), rebuilt from the one
/// before it by SQLite's documented procedure (a new table, the rows copied, the old one
/// dropped, the new one renamed, its index and trigger made again).
const USERS_WITH_WORK_LEADERS: &str = r#"
CREATE TABLE users_v2 (
    id              INTEGER PRIMARY KEY,
    tenant_id       INTEGER NOT NULL REFERENCES tenants(id),
    username        TEXT NOT NULL UNIQUE,
    password_hash   TEXT NOT NULL,          -- argon2id, PHC string
    display_name    TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'assistant', 'recipient', 'representative', 'work_leader')),
    assistant_id    INTEGER REFERENCES assistants(id),
    recipient_id    INTEGER REFERENCES recipients(id),
    created_at      TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    email           TEXT NOT NULL DEFAULT '',
    personnummer    TEXT,
    session_epoch   INTEGER NOT NULL DEFAULT 0,
    CHECK (role <> 'assistant' OR assistant_id IS NOT NULL),
    CHECK (role <> 'recipient' OR recipient_id IS NOT NULL)
);
INSERT INTO users_v2 (id, tenant_id, username, password_hash, display_name, role, assistant_id, recipient_id, created_at, active, email, personnummer, session_epoch)
    SELECT id, tenant_id, username, password_hash, display_name, role, assistant_id, recipient_id, created_at, active, email, personnummer, session_epoch FROM users;
DROP TABLE users;
ALTER TABLE users_v2 RENAME TO users;
CREATE UNIQUE INDEX users_representative_pnr ON users (tenant_id, personnummer) WHERE personnummer IS NOT NULL;
CREATE TRIGGER users_end_sessions AFTER UPDATE OF password_hash, active, role ON users
WHEN OLD.password_hash IS NOT NEW.password_hash OR OLD.active IS NOT NEW.active OR OLD.role IS NOT NEW.role
BEGIN
    UPDATE users SET session_epoch = session_epoch + 1 WHERE id = NEW.id;
END;
"#;

/// Widens the users' role CHECK to the work leader on a SQLite database that does not have it
/// yet: once, after the migrations, on a connection of its own with the foreign keys off (the
/// rebuild drops the table every login refers to), in one transaction that commits only when
/// `foreign_key_check` finds nothing. Hand-written here rather than a migration file: sqlx
/// 0.8.6 runs every SQLite migration inside a transaction (it ignores `-- no-transaction`),
/// and SQLite switches foreign keys off only outside one.
async fn widen_user_roles(opts: &SqliteConnectOptions) -> Result<(), sqlx::Error> {
    use sqlx::Connection;
    let mut c = sqlx::SqliteConnection::connect_with(&opts.clone().foreign_keys(false)).await?;
    let schema: String =
        sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'users'")
            .fetch_one(&mut c)
            .await?;
    if schema.contains("'work_leader'") {
        return c.close().await;
    }
    sqlx::raw_sql("BEGIN IMMEDIATE").execute(&mut c).await?;
    let rebuilt = async {
        sqlx::raw_sql(USERS_WITH_WORK_LEADERS).execute(&mut c).await?;
        sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut c).await
    }
    .await;
    match rebuilt {
        Ok(broken) if broken.is_empty() => {
            sqlx::raw_sql("COMMIT").execute(&mut c).await?;
            tracing::info!("the users table now has the work leader role");
            c.close().await
        }
        other => {
            sqlx::raw_sql("ROLLBACK").execute(&mut c).await?;
            let why = match other {
                Ok(broken) => format!("{} rows would lose what they refer to", broken.len()),
                Err(e) => e.to_string(),
            };
            Err(sqlx::Error::Protocol(format!("widening the users' roles failed: {why}")))
        }
    }
}

/// Gives SQLite's query planner the statistics it needs (`ANALYZE` where a table changed a lot
/// since it was last looked at; bounded, so it is quick): at start and every minute.
/// Without them it picked an index that scanned all the municipality's assignments for one
/// assistant's page. PostgreSQL's autovacuum does the same there.
///
/// A connection reads the statistics when it opens and when the schema changes, and `ANALYZE`
/// (ours, or a bulk load's) changes no schema: a connection opened earlier goes on planning with
/// the old numbers. With a 5,000-assistant municipality loaded into a running server whose
/// statistics still said "5 assistants", the month dashboard's query ran on such a connection
/// for minutes, past the request's 30 s and on after it (measured). So when the statistics
/// differ from those the last run saw (`seen`), a table created and dropped in one transaction
/// changes the schema, and every connection reads them again before its next statement.
async fn optimize(pool: &SqlitePool, seen: &mut Option<String>) -> Result<(), sqlx::Error> {
    let mut c = pool.acquire().await?;
    sqlx::query("PRAGMA analysis_limit = 1000").execute(&mut *c).await?;
    sqlx::query("PRAGMA optimize = 0x10002").execute(&mut *c).await?;
    sqlx::query("PRAGMA analysis_limit = 0").execute(&mut *c).await?;
    let analyzed: bool = sqlx::query_scalar(
        "SELECT COUNT(*) > 0 FROM sqlite_schema WHERE type = 'table' AND name = 'sqlite_stat1'",
    )
    .fetch_one(&mut *c)
    .await?;
    let now: String = if analyzed {
        sqlx::query_scalar("SELECT coalesce(group_concat(s, ';'), '') FROM (SELECT tbl || '.' || coalesce(idx, '') || '=' || stat AS s FROM sqlite_stat1 ORDER BY s)").fetch_one(&mut *c).await?
    } else {
        String::new()
    };
    if seen.as_deref() != Some(now.as_str()) {
        let mut tx = sqlx::Connection::begin(&mut *c).await?;
        sqlx::query("CREATE TABLE bita_statistics_reload (x INTEGER)").execute(&mut *tx).await?;
        sqlx::query("DROP TABLE bita_statistics_reload").execute(&mut *tx).await?;
        tx.commit().await?;
        *seen = Some(now);
    }
    Ok(())
}

/// A connection to a PostgreSQL server's maintenance database, without migrations (creating
/// and dropping databases).
pub async fn connect_admin(url: &str) -> anyhow_like::Result<Pool> {
    Ok(Pool::Postgres(PgPoolOptions::new().max_connections(1).connect(url).await?))
}

/// Rows stored before the database knew their instants get them now (once).
async fn backfill_instants(pool: &Pool) -> anyhow_like::Result<()> {
    let mut c = pool.conn().await?;
    let rows =
        query(format!("SELECT {} FROM time_rows WHERE start_at IS NULL", queries::ROW_COLUMNS))
            .fetch_all(&mut c)
            .await?;
    for r in &rows {
        if let Some(s) = queries::stored_row(r) {
            query("UPDATE time_rows SET start_at = $1, end_at = $2 WHERE id = $3")
                .bind(s.row.start_at().timestamp())
                .bind(s.row.end_at().timestamp())
                .bind(s.id)
                .execute(&mut c)
                .await?;
        }
    }
    Ok(())
}

/// Forgets what only matters for a while: idempotency keys after 30 days (a queued post older
/// than that is not replayed) and login counters a day after their last failure. Runs hourly;
/// SQLite's statistics are looked at every minute ([`optimize`]: cheap when nothing changed).
pub fn spawn_maintenance(repo: &DbRepo) {
    let (pool, writer) = (repo.pool.clone(), repo.writer.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        let mut seen = None;
        for n in 0u64.. {
            tick.tick().await;
            if n % 60 == 0 {
                let now = chrono::Utc::now().timestamp();
                let result = writer
                    .turn(async {
                        let mut c = pool.conn().await?;
                        query("DELETE FROM idempotency_keys WHERE created_at < $1").bind(cutoff(30)).execute(&mut c).await?;
                        query("DELETE FROM login_throttle WHERE last_failure < $1 AND blocked_until < $1 AND refused = 0").bind(now - 24 * 3600).execute(&mut c).await
                    })
                    .await;
                if let Err(e) = result {
                    tracing::warn!(error = %e, "maintenance failed");
                }
            }
            if let Pool::Sqlite(p, _) = &pool {
                // ANALYZE writes its statistics: in the writer's turn too.
                if let Err(e) = writer.turn(optimize(p, &mut seen)).await {
                    tracing::warn!(error = %e, "optimize failed");
                }
            }
        }
    });
}

/// `days` ago, to compare with a stored `CURRENT_TIMESTAMP`.
fn cutoff(days: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() - chrono::Duration::days(days)
}

/// A connection for reads, or a write transaction, on either database: every storage trait is
/// implemented on it, one file per aggregate (`store`, `export`, `settings`, `shifts`, `signing`).
pub struct DbStore {
    held: Held,
    /// What the server keeps between requests ([`facts`]); none for a store of its own.
    kept: Option<Arc<facts::Facts>>,
}

/// What a store works on: a connection (reads; or a transaction of its own, for the command
/// line), or a change in the server's shared write transaction ([`writer`]).
enum Held {
    Conn(Conn),
    Change(writer::Change),
}

impl DbStore {
    /// A store on `c` (a connection, or a transaction that [`Store::finish`] commits).
    pub fn new(c: Conn) -> Self {
        Self { held: Held::Conn(c), kept: None }
    }

    fn change(c: writer::Change, kept: &Arc<facts::Facts>) -> Self {
        Self { held: Held::Change(c), kept: Some(kept.clone()) }
    }

    /// A store on `c` that uses what `kept` holds.
    fn kept(c: Conn, kept: &Arc<facts::Facts>) -> Self {
        Self { held: Held::Conn(c), kept: Some(kept.clone()) }
    }

    /// Whose lock the store's change holds: `Some(Some(t))` a municipality's, `Some(None)` the
    /// installation's, `None` no change (a connection, or the command line's own transaction).
    pub(crate) fn scope(&self) -> Option<Option<i64>> {
        match &self.held {
            Held::Change(c) => Some(c.scope),
            Held::Conn(_) => None,
        }
    }

    /// Commits what it holds: its own transaction, or its change (the shared transaction
    /// commits when the writer says so).
    async fn end(self) -> RepoResult<()> {
        match self.held {
            Held::Conn(c) => c.commit().await.map_err(err),
            Held::Change(c) => c.finish().await.map_err(err),
        }
    }

    /// The change it holds, if it holds one: what it keeps for its batch to write
    /// ([`deferred`]) is kept there.
    fn change_mut(&mut self) -> Option<&mut writer::Change> {
        match &mut self.held {
            Held::Change(c) => Some(c),
            Held::Conn(_) => None,
        }
    }

    fn c(&mut self) -> &mut Conn {
        self.c_keeping().0
    }

    /// [`Self::c`], with what the server keeps and whether this store's reads may add to it
    /// (see [`facts::Keeping`]): a connection's may, a change's may not.
    fn c_keeping(&mut self) -> (&mut Conn, Option<facts::Keeping<'_>>) {
        let keep = matches!(self.held, Held::Conn(_));
        let kept = self.kept.as_deref().map(|facts| facts::Keeping { facts, keep });
        let c = match &mut self.held {
            Held::Conn(c) => c,
            Held::Change(c) => c.conn(),
        };
        (c, kept)
    }
}

/// The database as the app sees it.
#[derive(Clone)]
pub struct DbRepo {
    pub pool: Pool,
    writer: writer::Writer,
    kept: Arc<facts::Facts>,
}

impl DbRepo {
    pub fn new(pool: Pool) -> Self {
        Self { writer: writer::Writer::new(pool.clone()), pool, kept: Default::default() }
    }

    /// The server's writer: a write that is not a change takes its [`Writer::turn`] here.
    pub fn writer(&self) -> &Writer {
        &self.writer
    }
}

pub(crate) fn err(e: sqlx::Error) -> RepoError {
    if let sqlx::Error::Database(d) = &e {
        let msg = d.message();
        if msg.contains("bita: overlap") {
            return RepoError::Conflict(store::Conflict::Overlap);
        }
        if msg.contains("bita: month locked") {
            return RepoError::Conflict(store::Conflict::MonthLocked);
        }
        if d.is_unique_violation() {
            return RepoError::Conflict(store::Conflict::Duplicate);
        }
    }
    RepoError::Db(e.to_string())
}

#[async_trait]
impl Repo for DbRepo {
    async fn ping(&self) -> RepoResult<()> {
        let mut c = self.pool.conn().await.map_err(err)?;
        query("SELECT 1").execute(&mut c).await.map_err(err)?;
        Ok(())
    }

    async fn read(&self) -> RepoResult<Box<dyn Store>> {
        Ok(Box::new(DbStore::kept(self.pool.conn().await.map_err(err)?, &self.kept)))
    }

    /// A change in the server's shared write transaction (group commit, [`writer`]).
    async fn write(&self) -> RepoResult<Box<dyn Store>> {
        Ok(Box::new(DbStore::change(self.writer.change(None).await.map_err(err)?, &self.kept)))
    }

    async fn write_in(&self, tenant: i64) -> RepoResult<Box<dyn Store>> {
        Ok(Box::new(DbStore::change(
            self.writer.change(Some(tenant)).await.map_err(err)?,
            &self.kept,
        )))
    }

    async fn insert_new_row(&self, row: store::NewRow) -> RepoResult<Option<i64>> {
        self.writer.insert_new_row(row).await.map_err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    /// The month dashboard's shape: the pairs of a municipality (a compound CTE) joined to its
    /// assistants and recipients.
    const PAIRS: &str = "WITH pairs AS (SELECT assistant_id, recipient_id FROM assignments WHERE tenant_id = 1000
                          UNION SELECT assistant_id, recipient_id FROM month_reports WHERE tenant_id = 1000 AND month = '2026-10')
                         SELECT p.assistant_id, a.last_name, r.last_name FROM pairs p
                         JOIN assistants a ON a.id = p.assistant_id AND a.tenant_id = 1000
                         JOIN recipients r ON r.id = p.recipient_id AND r.tenant_id = 1000";

    /// How SQLite would run [`PAIRS`] on `c`, after a statement (so `c` has looked at the schema).
    /// Each time a text of its own: an `EXPLAIN` kept prepared never looks at the schema again
    /// (a real statement is prepared anew when the schema has changed).
    async fn plan(c: &mut Conn) -> Vec<String> {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        query("SELECT COUNT(*) FROM tenants").execute(&mut *c).await.unwrap();
        query(format!("EXPLAIN QUERY PLAN {PAIRS} -- {n}"))
            .fetch_all(&mut *c)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>("detail"))
            .collect()
    }

    /// A connection of its own, opened now.
    async fn new_conn(url: &str) -> Conn {
        let file = url.trim_start_matches("sqlite://");
        Conn::Sqlite(direct::DirectPool::new(file.into()).acquire().await.unwrap())
    }

    /// A read handed to `fetch_map` row by row (off the worker thread on SQLite) gives exactly
    /// the rows, values and order the plain read gives: NULLs, quotes, non-ASCII text, large
    /// numbers, an empty result.
    #[tokio::test]
    async fn a_streamed_read_gives_what_a_plain_read_gives() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(&format!("sqlite://{}/bita.db", dir.path().display())).await.unwrap();
        let mut c = pool.conn().await.unwrap();
        query("CREATE TABLE t (id INTEGER, d TEXT, n INTEGER, s TEXT)")
            .execute(&mut c)
            .await
            .unwrap();
        for (id, d, n, s) in [
            (3, "2026-10-02", Some(i64::MAX), Some("Åsa \"Ö\" 'x'")),
            (1, "2026-10-01", None, None),
            (2, "2026-10-01", Some(-7), Some("")),
        ] {
            query("INSERT INTO t VALUES ($1, $2, $3, $4)")
                .bind(id)
                .bind(d)
                .bind(n)
                .bind(s)
                .execute(&mut c)
                .await
                .unwrap();
        }
        let sql = "SELECT id, d, n, s FROM t WHERE id >= $1 ORDER BY d, id";
        let each = |r: &sql::Row| Some(format!("{:?}", r.clone().into_values()));
        let plain: Vec<String> =
            query(sql).bind(1).fetch_all(&mut c).await.unwrap().iter().filter_map(each).collect();
        let streamed = query(sql).bind(1).fetch_map(&mut c, each).await.unwrap();
        assert_eq!(streamed, plain);
        assert_eq!(streamed.len(), 3);
        let none = query(sql).bind(9).fetch_map(&mut c, each).await;
        assert!(none.unwrap().is_empty());
    }

    /// A page's batch on SQLite is one read transaction, ended with the batch whether it read
    /// everything or a statement failed: the connection goes back to the pool holding no
    /// snapshot (one held would keep the checkpoint from the WAL and show later pages an old
    /// database), and a change can begin on it.
    #[tokio::test]
    async fn a_batch_ends_its_read_whether_it_succeeds_or_fails() {
        let dir = tempfile::tempdir().unwrap();
        let pool = connect(&format!("sqlite://{}/bita.db", dir.path().display())).await.unwrap();
        let mut c = pool.conn().await.unwrap();
        query("CREATE TABLE t (id INTEGER)").execute(&mut c).await.unwrap();
        query("INSERT INTO t VALUES (1), (2)").execute(&mut c).await.unwrap();
        let in_tx = |c: &Conn| matches!(c, Conn::Sqlite(d) if d.in_transaction());
        let count = || query("SELECT COUNT(*) AS n FROM t");
        let rows = sql::fetch_batch(&mut c, vec![count(), count()]).await.unwrap();
        assert_eq!(rows.iter().map(|r| r[0].get::<i64, _>("n")).collect::<Vec<_>>(), [2, 2]);
        assert!(!in_tx(&c), "a read batch left its transaction open");
        let failed = sql::fetch_batch(&mut c, vec![count(), query("SELECT * FROM missing")]).await;
        assert!(failed.is_err());
        assert!(!in_tx(&c), "a failed read batch left its transaction open");
        // The same connection writes, and another sees the write.
        query("BEGIN IMMEDIATE").execute(&mut c).await.unwrap();
        query("INSERT INTO t VALUES (3)").execute(&mut c).await.unwrap();
        c.commit().await.unwrap();
        let mut other = pool.conn().await.unwrap();
        assert_eq!(count().scalar::<i64>(&mut other).await.unwrap(), 3);
    }

    /// A server starts on the demo data (statistics for tables of five rows), a municipality of
    /// 2,000 assistants is loaded beside it and analysed: a connection the pool opened before
    /// still plans with the five-row numbers until `optimize` runs; after it, every connection
    /// plans as a new one does.
    #[tokio::test]
    async fn every_connection_plans_with_the_statistics_of_the_latest_analyze() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/bita.db", dir.path().display());
        let pool = connect(&url).await.unwrap();
        crate::demo::seed(&pool, chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap())
            .await
            .unwrap();
        let Pool::Sqlite(p, _) = &pool else { unreachable!("a sqlite:// address") };
        let mut seen = None;
        optimize(p, &mut seen).await.unwrap();
        let mut old = pool.conn().await.unwrap();
        let before = plan(&mut old).await;

        let mut load = sqlx::SqliteConnection::connect(&url).await.unwrap();
        for sql in [
            "INSERT INTO tenants (id, name, org_number, contact_person, phone) VALUES (1000, 'Lastkommun', '2120001000', 'Lasse Last', '010')",
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 399)
             INSERT INTO recipients (id, tenant_id, personnummer, first_name, last_name) SELECT 100000 + i, 1000, printf('1950%08d', i), 'B', 'R' || i FROM n",
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 1999)
             INSERT INTO assistants (id, tenant_id, personnummer, first_name, last_name) SELECT 200000 + i, 1000, printf('1980%08d', i), 'A', 'S' || i FROM n",
            "INSERT INTO assignments (tenant_id, assistant_id, recipient_id, valid_from) SELECT 1000, id, 100000 + (id % 400), '2024-01-01' FROM assistants WHERE tenant_id = 1000",
            "ANALYZE",
        ] {
            sqlx::query(sql).execute(&mut load).await.unwrap();
        }
        let fresh = plan(&mut new_conn(&url).await).await;
        assert_ne!(
            plan(&mut old).await,
            fresh,
            "the earlier connection still plans with the old numbers (the case this is about)"
        );
        assert_eq!(before, plan(&mut old).await);

        optimize(p, &mut seen).await.unwrap();
        let fresh = plan(&mut new_conn(&url).await).await;
        assert_eq!(
            plan(&mut old).await,
            fresh,
            "after optimize the earlier connection plans as a new one"
        );
        assert_ne!(plan(&mut old).await, before);
        // Nothing changed since: no schema change, the same plans.
        let version = "PRAGMA schema_version";
        let v: i64 = sqlx::query_scalar(version).fetch_one(&mut load).await.unwrap();
        optimize(p, &mut seen).await.unwrap();
        assert_eq!(
            sqlx::query_scalar::<_, i64>(version).fetch_one(&mut load).await.unwrap(),
            v,
            "statistics unchanged: the schema is left alone"
        );
    }
}
