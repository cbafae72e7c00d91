//! SQLite statements run on the caller's own thread, on connections of our own (rusqlite),
//! instead of being handed to sqlx's worker thread one by one.
//!
//! sqlx runs every SQLite connection on a thread of its own: each statement is sent there and
//! its rows sent back, two thread wake-ups. On this two-core machine under load that hand-off
//! cost more than the statement (about 60 µs against 5–50 µs), and a saved row (P1) made eight
//! of them while it held the server's one write transaction: the write line, not the disk, set
//! the pace (issue 28's profiles: 30–50 % of the time in the kernel switching threads). Here a
//! statement is prepared once per connection (rusqlite's statement cache) and stepped where the
//! request runs.
//!
//! What still leaves the thread:
//! - a commit (its fsync, milliseconds) runs on tokio's blocking pool;
//! - a big read ([`blocking`]: a municipality's half year of rows, seconds) runs with
//!   `block_in_place`, so the worker's other tasks move to another thread meanwhile;
//! - nothing waits inside SQLite for a lock another connection holds (`BEGIN IMMEDIATE`, a write
//!   outside a transaction): it is tried again after an async sleep, so a worker thread is
//!   never parked behind another process's transaction ([`Direct::run`]);
//! - the WAL's checkpoint (copying committed pages back into the database file, and its fsync)
//!   runs on a thread of its own every [`CHECKPOINT_EVERY`] ([`checkpoints`]). Left to SQLite,
//!   the commit that filled the WAL to 1,000 pages ran it, holding the write lock: at 3,000 saved
//!   rows a second that was a 4 MB copy and two fsyncs inside the write line every 60 ms.
//!
//! sqlx still opens the database for the migrations; its connections use the same file with
//! the same settings (WAL, `synchronous = FULL`, foreign keys).

use super::value::{Kind, Row, Value};
use rusqlite::types::ValueRef;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// At most this many connections at once (sqlx's pool had as many).
const MAX_CONNECTIONS: usize = 8;
/// Statements kept prepared per connection: every query the server has (a few hundred) fits.
const CACHED_STATEMENTS: usize = 512;
/// How long a big read ([`Direct::run_blocking`], off the worker thread) waits inside SQLite
/// for a lock (in WAL mode only while a crashed writer's log is recovered).
const BUSY_WAIT: Duration = Duration::from_secs(10);
/// How much of the database file each connection reads through memory-mapped I/O (address
/// space, not memory: the pages are the operating system's file cache, shared by all).
const MMAP_SIZE: u64 = 1 << 30;
/// How often the checkpoint thread copies the WAL into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);
/// How long a statement keeps trying for a lock another connection holds (`BEGIN IMMEDIATE`
/// for the write lock, a write outside a transaction), as sqlx's `busy_timeout` did.
const LOCK_WAIT: Duration = Duration::from_secs(10);

/// The connections to one SQLite file.
#[derive(Clone)]
pub struct DirectPool {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    idle: Mutex<Vec<rusqlite::Connection>>,
    permits: Arc<Semaphore>,
    /// The argument each parameter takes, by statement text, for statements with many
    /// parameters (see [`Direct::step`]).
    numbering: Mutex<std::collections::HashMap<Box<str>, Arc<[usize]>>>,
}

/// Statements with more parameters than this have their numbering kept (the batch's deferred
/// writes, up to 5,500); below it, asking SQLite each time costs less than the look-up.
const NUMBERED_FROM: usize = 16;
/// How many numberings are kept before the map starts again (a deferred write's text differs
/// with its number of rows: a few hundred in all).
const MAX_NUMBERINGS: usize = 1024;

impl std::fmt::Debug for DirectPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectPool").field("path", &self.inner.path).finish_non_exhaustive()
    }
}

impl DirectPool {
    pub fn new(path: PathBuf) -> Self {
        let inner = Arc::new(Inner {
            path,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(MAX_CONNECTIONS)),
            numbering: Mutex::default(),
        });
        let weak = Arc::downgrade(&inner);
        let spawned = std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || checkpoints(weak));
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "no checkpoint thread: commits will checkpoint");
        }
        Self { inner }
    }

    /// A connection: an idle one, or a new one when none is idle.
    pub async fn acquire(&self) -> Result<Direct, sqlx::Error> {
        let permit = self.inner.permits.clone().acquire_owned().await.map_err(io)?;
        let idle = self.inner.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(c) => c,
            None => self.open().map_err(db)?,
        };
        Ok(Direct { conn: Some(conn), pool: self.inner.clone(), _permit: permit })
    }

    /// No connection is handed out any more; the idle ones are closed (the others when they
    /// come back).
    pub fn close(&self) {
        self.inner.permits.close();
        self.inner.idle.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn open(&self) -> rusqlite::Result<rusqlite::Connection> {
        let c = rusqlite::Connection::open(&self.inner.path)?;
        // Never wait inside SQLite on the request's thread ([`Direct::run`] waits outside it).
        c.busy_timeout(Duration::ZERO)?;
        // The same settings as sqlx's connections (`db::connect`); no commit checkpoints
        // (`checkpoints` does), and a WAL left longer than 64 MB is cut back when it restarts.
        // Temporary files in memory: each change runs in a savepoint of the shared transaction
        // (`writer`), and SQLite copies every page a savepoint first touches to a sub-journal,
        // by default a file (a write system call per page: 9 % of a saved row's time).
        // The database file is read through memory-mapped I/O (up to `MMAP_SIZE`): a page
        // not in the connection's own cache is then the operating system's cached page, not a
        // `pread` copy (SQLite's cache holds 2 MB per connection, a busy municipality's rows
        // many times that). Measured on the month page (P2, issue 28): +10 %. An I/O error
        // while reading a mapped page would stop the process (SIGBUS) instead of failing the
        // statement; BITA's database is a local file, where that error is a failing disk.
        c.execute_batch(&format!(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;
             PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;
             PRAGMA temp_store = MEMORY; PRAGMA mmap_size = {MMAP_SIZE};"
        ))?;
        c.set_prepared_statement_cache_capacity(CACHED_STATEMENTS);
        Ok(c)
    }
}

/// Copies the WAL into the database file every [`CHECKPOINT_EVERY`], on a connection of its
/// own, while the pool is open. `PASSIVE`: it never waits for a reader or the writer (it copies
/// what no reader still needs, and the next checkpoint the rest), and writers go on appending
/// meanwhile. A commit is durable when it is in the WAL (`synchronous = FULL`); the checkpoint
/// only keeps the WAL short.
fn checkpoints(pool: std::sync::Weak<Inner>) {
    let mut conn = None;
    loop {
        std::thread::sleep(CHECKPOINT_EVERY);
        let Some(inner) = pool.upgrade().filter(|p| !p.permits.is_closed()) else { return };
        if conn.is_none() {
            conn = rusqlite::Connection::open(&inner.path)
                .and_then(|c| c.busy_timeout(BUSY_WAIT).map(|()| c))
                .map_err(|e| tracing::warn!(error = %e, "the checkpoint connection did not open"))
                .ok();
        }
        drop(inner);
        if let Some(c) = &conn
            && let Err(e) = c.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
        {
            tracing::warn!(error = %e, "a checkpoint failed");
            conn = None;
        }
    }
}

/// One connection, back in its pool when dropped (a transaction left open is rolled back).
pub struct Direct {
    /// Taken only while a commit runs on the blocking pool.
    conn: Option<rusqlite::Connection>,
    pool: Arc<Inner>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Direct {
    fn drop(&mut self) {
        let Some(c) = self.conn.take() else { return };
        if self.pool.permits.is_closed()
            || (!c.is_autocommit() && c.execute_batch("ROLLBACK").is_err())
        {
            return; // closed: the pool is, or the connection is in an unknown state
        }
        self.pool.idle.lock().unwrap_or_else(|e| e.into_inner()).push(c);
    }
}

impl Direct {
    fn conn(&mut self) -> Result<&mut rusqlite::Connection, sqlx::Error> {
        self.conn.as_mut().ok_or_else(|| sqlx::Error::Protocol("the connection was lost".into()))
    }

    /// Whether a transaction is open on it.
    pub fn in_transaction(&self) -> bool {
        self.conn.as_ref().is_some_and(|c| !c.is_autocommit())
    }

    /// `BEGIN IMMEDIATE`: the write lock from the first statement (waited for as
    /// [`Direct::run`] waits).
    pub async fn begin(&mut self) -> Result<(), sqlx::Error> {
        self.run("BEGIN IMMEDIATE", &[], |_| {}).await.map(drop)
    }

    /// Commits the open transaction on the blocking pool (its fsync takes milliseconds).
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let c = self.conn.take().ok_or_else(|| sqlx::Error::Protocol("no connection".into()))?;
        let (c, done) = tokio::task::spawn_blocking(move || {
            let done = c.execute_batch("COMMIT");
            (c, done)
        })
        .await
        .map_err(io)?;
        self.conn = Some(c);
        done.map_err(db)
    }

    /// Runs `sql` with `args`, handing each row to `each`; the rows it changed.
    ///
    /// When another connection holds the lock it needs (another process's write, or a second
    /// server on the same file), it is tried again after an async pause (0.5 ms, doubling up
    /// to 50 ms, for at most [`LOCK_WAIT`]) rather than inside SQLite's busy handler: that
    /// would park this worker thread, and with it the tasks that would let the other side
    /// finish (two servers in one process, as the tests run them, waited for each other
    /// until the busy timeout). Only a statement refused before its first row, outside a
    /// transaction, is tried again; inside one, the refusal is the transaction's to handle.
    pub async fn run(
        &mut self,
        sql: &str,
        args: &[Value],
        mut each: impl FnMut(Row),
    ) -> Result<u64, sqlx::Error> {
        let until = Instant::now() + LOCK_WAIT;
        let mut pause = Duration::from_micros(500);
        loop {
            let mut rows = 0usize;
            let outside = !self.in_transaction();
            let ran = self.step(sql, args, &mut |r| {
                rows += 1;
                each(r)
            });
            match ran {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if e.code == rusqlite::ErrorCode::DatabaseBusy
                        && rows == 0
                        && outside
                        && Instant::now() < until =>
                {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                other => return other.map_err(db),
            }
        }
    }

    /// [`Direct::run`] for a read that may take seconds, where waiting is allowed: off the
    /// worker thread's other tasks ([`blocking`]), waiting inside SQLite for a lock.
    pub fn run_blocking(
        &mut self,
        sql: &str,
        args: &[Value],
        mut each: impl FnMut(Row),
    ) -> Result<u64, sqlx::Error> {
        blocking(|| {
            let c = self.conn()?;
            c.busy_timeout(BUSY_WAIT).map_err(db)?;
            let ran = self.step(sql, args, &mut each).map_err(db);
            self.conn()?.busy_timeout(Duration::ZERO).map_err(db)?;
            ran
        })
    }

    /// Prepares (once per connection), binds and steps `sql` to its end.
    fn step(
        &mut self,
        sql: &str,
        args: &[Value],
        each: &mut dyn FnMut(Row),
    ) -> rusqlite::Result<u64> {
        let c = self.conn.as_mut().ok_or(rusqlite::Error::InvalidQuery)?;
        let mut stmt = c.prepare_cached(sql)?;
        // `$n` is a named parameter to SQLite, numbered in order of appearance: each is bound
        // by its name's number, as sqlx does. SQLite finds a parameter's name by walking its
        // list of names, so asking for each of a statement's n parameters costs n² steps: 5 %
        // of a saved row's time in a profile (issue 28), all of it in the batch's deferred
        // writes. Theirs is kept, by statement text.
        let count = stmt.parameter_count();
        let numbering: Option<Arc<[usize]>> =
            (count > NUMBERED_FROM).then(|| self.pool.numbering_of(sql, &stmt));
        for i in 1..=count {
            let n = match &numbering {
                Some(numbering) => numbering.get(i - 1).copied().unwrap_or(i),
                None => argument_of(&stmt, i),
            };
            let v = n.checked_sub(1).and_then(|k| args.get(k));
            let v = v.ok_or(rusqlite::Error::InvalidParameterCount(n, args.len()))?;
            bind(&mut stmt, i, v)?;
        }
        let names: Arc<[String]> = stmt.column_names().iter().map(|n| n.to_string()).collect();
        let width = names.len();
        let readonly = stmt.readonly();
        let mut rows = stmt.raw_query();
        while let Some(r) = rows.next()? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(value(r.get_ref(i)?));
            }
            each(Row::new(names.clone(), values));
        }
        drop(rows);
        drop(stmt);
        Ok(if readonly { 0 } else { c.changes() })
    }
}

impl Inner {
    /// The argument each of `stmt`'s parameters takes, kept by its text `sql`.
    fn numbering_of(&self, sql: &str, stmt: &rusqlite::Statement<'_>) -> Arc<[usize]> {
        let kept = self.numbering.lock().unwrap_or_else(|e| e.into_inner()).get(sql).cloned();
        if let Some(n) = kept {
            return n;
        }
        let n: Arc<[usize]> = (1..=stmt.parameter_count()).map(|i| argument_of(stmt, i)).collect();
        let mut map = self.numbering.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_NUMBERINGS {
            map.clear();
        }
        map.insert(sql.into(), n.clone());
        n
    }
}

/// The argument (from 1) that parameter `i` of `stmt` takes: the number in its name (`$3`).
fn argument_of(stmt: &rusqlite::Statement<'_>, i: usize) -> usize {
    stmt.parameter_name(i)
        .and_then(|name| name.trim_start_matches(['$', '?']).parse::<usize>().ok())
        .unwrap_or(i)
}

fn bind(stmt: &mut rusqlite::Statement<'_>, i: usize, v: &Value) -> rusqlite::Result<()> {
    match v {
        Value::Null(_) => stmt.raw_bind_parameter(i, rusqlite::types::Null),
        Value::Int(n) => stmt.raw_bind_parameter(i, n),
        Value::Float(f) => stmt.raw_bind_parameter(i, f),
        Value::Text(s) => stmt.raw_bind_parameter(i, s),
        Value::Bytes(b) => stmt.raw_bind_parameter(i, b),
        Value::Bool(b) => stmt.raw_bind_parameter(i, i64::from(*b)),
        Value::Date(d) => stmt.raw_bind_parameter(i, d.format("%Y-%m-%d").to_string()),
        Value::Decimal(d) => stmt.raw_bind_parameter(i, d.to_string()),
        Value::Instant(t) => stmt.raw_bind_parameter(i, t.format("%Y-%m-%d %H:%M:%S").to_string()),
    }
}

/// A column's value as SQLite stored it (as sqlx's SQLite rows were read: by the value's type).
fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null(Kind::Text),
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Float(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

/// Runs `work`, a read that may take long, without holding up the other tasks of this worker
/// thread: with tokio's multi-threaded runtime (the server) they move to another thread while
/// it runs; on a single-threaded runtime (the tests, the command line) it just runs.
fn blocking<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
        Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(work),
        _ => work(),
    }
}

fn io(e: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::Io(std::io::Error::other(e))
}

/// A rusqlite error as sqlx's: the database's own refusals (a constraint, a trigger's RAISE)
/// keep their message and, by their code, their kind, so `db::err` reads them as it reads sqlx's.
fn db(e: rusqlite::Error) -> sqlx::Error {
    match e {
        rusqlite::Error::SqliteFailure(f, msg) => {
            let message = msg.unwrap_or_else(|| f.to_string());
            sqlx::Error::Database(Box::new(Refused { message, code: f.extended_code }))
        }
        e => sqlx::Error::Protocol(format!("SQLite: {e}")),
    }
}

#[derive(Debug)]
struct Refused {
    message: String,
    /// SQLite's extended result code.
    code: i32,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refused {}

impl sqlx::error::DatabaseError for Refused {
    fn message(&self) -> &str {
        &self.message
    }

    fn code(&self) -> Option<std::borrow::Cow<'_, str>> {
        Some(self.code.to_string().into())
    }

    fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
        self
    }

    fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
        self
    }

    fn kind(&self) -> sqlx::error::ErrorKind {
        use rusqlite::ffi;
        use sqlx::error::ErrorKind as K;
        match self.code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => K::UniqueViolation,
            ffi::SQLITE_CONSTRAINT_FOREIGNKEY => K::ForeignKeyViolation,
            ffi::SQLITE_CONSTRAINT_NOTNULL => K::NotNullViolation,
            ffi::SQLITE_CONSTRAINT_CHECK => K::CheckViolation,
            _ => K::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each `$n` takes the n-th argument, wherever it first appears and however often, in a
    /// statement with many parameters (whose numbering is kept) as in one with few.
    #[tokio::test]
    async fn parameters_take_their_numbered_arguments_in_long_and_short_statements() {
        let dir = tempfile::tempdir().unwrap();
        let pool = DirectPool::new(dir.path().join("t.db"));
        let mut c = pool.acquire().await.unwrap();
        for n in [3usize, NUMBERED_FROM + 4] {
            // $n first, then $1 … $n-1, then $1 again.
            let mut terms = vec![format!("${n}")];
            terms.extend((1..n).map(|k| format!("${k}")));
            terms.push("$1".into());
            let sql = format!("SELECT {}", terms.join(" || ','|| "));
            let args: Vec<Value> = (1..=n).map(|k| Value::Text(format!("a{k}"))).collect();
            for _ in 0..2 {
                let mut got = String::new();
                c.run(&sql, &args, |r| got = r.get::<String, _>(0usize)).await.unwrap();
                let mut want = vec![format!("a{n}")];
                want.extend((1..n).map(|k| format!("a{k}")));
                want.push("a1".into());
                assert_eq!(got, want.join(","), "{n} parameters");
            }
        }
        pool.close();
    }
}
