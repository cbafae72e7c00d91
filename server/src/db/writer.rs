//! Group commit: the changes of one server share a write transaction, each in a savepoint of its
//! own, and the transaction commits when no further change is waiting (or the batch is full or
//! old). Every change is still answered only after the commit that holds it: durability is the
//! same as one transaction per change, but the commit's cost (an fsync on SQLite, a round trip
//! and a WAL flush on PostgreSQL, the write lock's hand-over) is paid once per batch.
//!
//! A change runs alone, as before: it holds the batch from its `SAVEPOINT` until its
//! `RELEASE SAVEPOINT` (or `ROLLBACK TO SAVEPOINT` when it is dropped unfinished), so what it
//! reads stays true until it is written, and each municipality's audit chain stays linear.
//! The batch's transaction holds the write lock ([`super::Pool::begin`]), so several servers
//! still queue as one.
//!
//! On PostgreSQL each municipality has a lane of its own (its own batch, its own lock), so two
//! municipalities' changes never wait for each other; a change that is no one municipality's
//! (a login, the installation's own audit chain) takes the installation's lane, whose lock
//! excludes every municipality's. SQLite has one write lock for the whole file: one lane.
//!
//! New rows checked before their change ([`Writer::insert_new_row`]) wait in their lane as
//! changes do, and the first of them to get the batch inserts all that wait then, in one
//! statement in one savepoint (`super::new_rows`): under PostgreSQL's lock, one round trip
//! for many rows instead of two each. Their audit entries are sealed onto their chains in turn
//! and written with the batch, as a change's are.
//!
//! Every step that touches the shared transaction runs in a task of its own: a caller that goes
//! away (a client gone, a page's async block dropped) never leaves a savepoint or a commit half
//! done, and the changes that wait for that commit are always answered.
//!
//! A write that is not a change (a session saved at login, the hourly clean-up) takes its
//! [`Writer::turn`] in the same queue on SQLite. Left to SQLite's busy handler, it polled the
//! write lock while batches followed one another back to back, and a login during a rush of
//! saved rows waited seconds (2.7 s measured at 1,300 rows/s) and could fail after the 10 s
//! busy timeout.

use super::Pool;
use super::audit::Sealed;
use super::deferred::{Deferred, Outcome};
use super::new_rows::Waiting;
use super::sql::{Conn, query};
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore, oneshot};

/// At most this many changes share a commit …
const MAX_BATCH: usize = 128;
/// … and a batch is committed once it is this old, whoever waits: the first change of a batch
/// is answered at most about this much later than alone.
const MAX_AGE: Duration = Duration::from_millis(10);

/// The server's writer (one per [`super::DbRepo`]).
#[derive(Clone)]
pub struct Writer {
    pool: Pool,
    /// One permit per lane with an open transaction: at most half the pool's connections
    /// (each lane holds one until it commits), so however many municipalities write at the
    /// same moment, reads always find a connection.
    open: Arc<Semaphore>,
    /// The lanes by scope (a municipality, or `None`: the installation), made when first used
    /// (as many as the installation has municipalities, at most).
    lanes: Arc<std::sync::Mutex<HashMap<Option<i64>, Lane>>>,
}

/// A batch and the changes waiting for it.
#[derive(Clone, Default)]
struct Lane {
    batch: Arc<Mutex<Batch>>,
    queued: Arc<AtomicUsize>,
    /// New rows waiting to be inserted together ([`Writer::insert_new_row`]).
    rows: Arc<std::sync::Mutex<VecDeque<Waiting>>>,
}

/// Told a batch's end: committed (`Ok`) or not.
type Told = Box<dyn FnOnce(Result<(), String>) + Send>;

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

#[derive(Default)]
struct Batch {
    /// The open transaction, with the write lock.
    tx: Option<Conn>,
    started: Option<Instant>,
    /// The changes finished in it, waiting for its commit.
    done: Vec<Told>,
    /// Its place among the open lanes (`Writer::open`), while `tx` is open.
    permit: Option<OwnedSemaphorePermit>,
    /// The finished changes' audit entries and outcomes, written just before the commit.
    deferred: Deferred,
    /// A savepoint is open that no change holds yet: the one before made it for the next
    /// ([`Change::finish`], in the same round trip as its own release) or left it empty when
    /// it was rolled back.
    savepoint: bool,
}

/// One change's hold on the batch, inside its savepoint. Dropped unfinished, the change is
/// rolled back to its savepoint and the others go on.
pub struct Change {
    guard: Option<OwnedMutexGuard<Batch>>,
    queued: Arc<AtomicUsize>,
    /// The municipality it is a change of (`None`: the installation), whose lock it holds on
    /// PostgreSQL.
    pub(crate) scope: Option<i64>,
    /// Its own audit entries and outcome, until it finishes.
    deferred: Deferred,
}

impl Writer {
    pub(crate) fn new(pool: Pool) -> Self {
        let open = match &pool {
            Pool::Postgres(p) => (p.options().get_max_connections() / 2).max(1) as usize,
            // One lane, whatever is asked.
            Pool::Sqlite(..) => 1,
        };
        Self { pool, open: Arc::new(Semaphore::new(open)), lanes: Arc::default() }
    }

    /// The lane of `scope` (the one lane on SQLite, whatever is asked).
    fn lane(&self, scope: Option<i64>) -> Lane {
        let key = if self.pool.is_postgres() { scope } else { None };
        let mut lanes = self.lanes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        lanes.entry(key).or_default().clone()
    }

    /// A change of one municipality (`Some`) or of the installation (`None`): its lane's batch
    /// (its transaction begun if it was not), in a savepoint of its own.
    pub(crate) async fn change(&self, scope: Option<i64>) -> Result<Change, sqlx::Error> {
        let Lane { batch, queued, .. } = self.lane(scope);
        let (pool, open) = (self.pool.clone(), self.open.clone());
        tokio::spawn(async move {
            queued.fetch_add(1, Ordering::SeqCst);
            let guard = batch.lock_owned().await;
            queued.fetch_sub(1, Ordering::SeqCst);
            // From here on, dropping `change` settles the batch (see `Drop`).
            let mut change =
                Change { guard: Some(guard), queued, scope, deferred: Deferred::default() };
            let b = change.batch();
            b.open(&pool, &open, scope).await?;
            b.enter().await?;
            Ok(change)
        })
        .await
        .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?
    }

    /// A new row of municipality `row.tenant`, inserted with the others waiting in its lane
    /// ([`store::Repo::insert_new_row`]): its answer once the batch that holds it commits, or
    /// `None` at once when it was not inserted. Every new row that waits also takes its turn
    /// on the batch, and the first to get it inserts all that wait then, in one statement
    /// (`new_rows`) in a savepoint: a change of them all, held the length of one round trip.
    /// A row is inserted even if the one that asked goes away: it was asked for whole, and a
    /// replay of its form gets its answer.
    pub(crate) async fn insert_new_row(
        &self,
        row: store::NewRow,
    ) -> Result<Option<i64>, sqlx::Error> {
        let scope = Some(row.tenant);
        let Lane { batch, queued, rows } = self.lane(scope);
        let (told, answer) = oneshot::channel();
        rows.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push_back(Waiting { row, told });
        let (pool, open) = (self.pool.clone(), self.open.clone());
        tokio::spawn(async move {
            queued.fetch_add(1, Ordering::SeqCst);
            let mut guard = batch.lock_owned().await;
            queued.fetch_sub(1, Ordering::SeqCst);
            let group = super::new_rows::group(&rows);
            if !group.is_empty() {
                insert_group(&mut guard, &pool, &open, scope, &queued, group).await;
            }
            settle(guard, &queued).await;
        });
        match answer.await {
            Ok(Ok(id)) => Ok(id),
            Ok(Err(e)) => Err(sqlx::Error::Protocol(format!("the commit failed: {e}"))),
            Err(_) => Err(sqlx::Error::Protocol("the batch ended without a commit".into())),
        }
    }

    /// Runs `work`, a write outside the changes' transaction, in its turn: on SQLite after the
    /// changes queued before it (the queue is first come, first served), with the batch they
    /// share committed first and no new one begun until `work` is done, so it finds the write
    /// lock free. PostgreSQL locks rows, not the database: there `work` just runs.
    ///
    /// Never from a task that holds a [`Change`]: the turn would wait for that very change.
    /// (Session writes come after a handler's change has finished — the session layer saves
    /// after the response — or, like `cycle_id` at login and `flush` at logout, after it.)
    pub async fn turn<F: std::future::Future>(&self, work: F) -> F::Output {
        if self.pool.is_postgres() {
            return work.await;
        }
        let Lane { batch, .. } = self.lane(None);
        // Waiting and committing in a task of their own, as every step on the batch.
        let guard = tokio::spawn(async move {
            let mut guard = batch.lock_owned().await;
            commit(&mut guard).await;
            guard
        })
        .await;
        let out = work.await;
        drop(guard);
        out
    }
}

impl Change {
    fn batch(&mut self) -> &mut Batch {
        self.guard.as_mut().expect("a change holds its batch until it ends")
    }

    /// The shared transaction.
    pub(crate) fn conn(&mut self) -> &mut Conn {
        self.batch().tx.as_mut().expect("a change's batch has a transaction")
    }

    /// The hash `tenant`'s audit chain ends with, if this change or one before it in the
    /// batch appended to it (the batch has held the write lock since); `None`: read it.
    pub(crate) fn audit_head(&mut self, tenant: Option<i64>) -> Option<String> {
        let own = self.deferred.head(tenant).map(str::to_string);
        own.or_else(|| self.batch().deferred.head(tenant).map(str::to_string))
    }

    /// The change's audit entry, written with the batch ([`Deferred`]).
    pub(crate) fn audit(&mut self, e: Sealed) {
        self.deferred.entry(e);
    }

    /// The outcome under `user`'s `key` that this change or one before it in the batch stored.
    pub(crate) fn outcome(&mut self, user: i64, key: &str) -> Option<String> {
        let own = self.deferred.outcome(user, key).map(str::to_string);
        own.or_else(|| self.batch().deferred.outcome(user, key).map(str::to_string))
    }

    /// The change's outcome under its form's key, written with the batch ([`Deferred`]).
    pub(crate) fn remember(&mut self, o: Outcome) {
        self.deferred.remember(o);
    }

    /// Keeps the change and answers once the commit that holds it is done.
    pub(crate) async fn finish(mut self) -> Result<(), sqlx::Error> {
        let mut guard = self.guard.take().expect("a change ends once");
        let queued = self.queued.clone();
        let deferred = std::mem::take(&mut self.deferred);
        tokio::spawn(async move {
            let next = goes_on(&guard, &queued, 1);
            if let Err(e) = guard.release(next).await {
                abandon(&mut guard, &e);
                return Err(e);
            }
            guard.deferred.extend(deferred);
            let (told, answer) = oneshot::channel();
            guard.done.push(Box::new(move |r| drop(told.send(r))));
            settle(guard, &queued).await;
            match answer.await {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(sqlx::Error::Protocol(format!("the commit failed: {e}"))),
                Err(_) => Err(sqlx::Error::Protocol("the batch ended without a commit".into())),
            }
        })
        .await
        .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?
    }
}

impl Drop for Change {
    /// Unfinished: back to the savepoint (in a task: Drop cannot wait), then the batch goes on.
    fn drop(&mut self) {
        let Some(mut guard) = self.guard.take() else { return };
        let queued = self.queued.clone();
        let undo = async move {
            if guard.tx.is_some()
                && let Err(e) = guard.undo().await
            {
                abandon(&mut guard, &e);
            }
            settle(guard, &queued).await;
        };
        // With no runtime left (the process is ending) the transaction is dropped, which rolls
        // it back, and nothing in it was answered.
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(undo);
        }
    }
}

impl Batch {
    /// Begins the batch's transaction (with its lock) if it has none.
    async fn open(
        &mut self,
        pool: &Pool,
        open: &Arc<Semaphore>,
        scope: Option<i64>,
    ) -> Result<(), sqlx::Error> {
        if self.tx.is_none() {
            let permit = open
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))?;
            self.tx = Some(pool.begin_here(scope).await?);
            self.permit = Some(permit);
            self.started = Some(Instant::now());
        }
        Ok(())
    }

    fn tx(&mut self) -> &mut Conn {
        self.tx.as_mut().expect("an open batch has a transaction")
    }

    /// Enters the next change's savepoint: made now, unless the change before made it (in
    /// the round trip of its own release) or left it empty.
    async fn enter(&mut self) -> Result<(), sqlx::Error> {
        if !std::mem::take(&mut self.savepoint) {
            query("SAVEPOINT bita_change").execute(self.tx()).await?;
        }
        Ok(())
    }

    /// Keeps what was done since the savepoint; with `next` (a change waits and the batch goes
    /// on), makes the next change's savepoint in the same round trip.
    async fn release(&mut self, next: bool) -> Result<(), sqlx::Error> {
        if next {
            self.tx().steps(&["RELEASE SAVEPOINT bita_change", "SAVEPOINT bita_change"]).await?;
        } else {
            query("RELEASE SAVEPOINT bita_change").execute(self.tx()).await?;
        }
        self.savepoint = next;
        Ok(())
    }

    /// Undoes what was done since the savepoint, which stays, empty, for the next change.
    async fn undo(&mut self) -> Result<(), sqlx::Error> {
        query("ROLLBACK TO SAVEPOINT bita_change").execute(self.tx()).await?;
        self.savepoint = true;
        Ok(())
    }
}

/// Inserts a group of new rows in the batch, in a savepoint: those inserted are answered
/// with the batch's commit, the others at once with `None` (so they go the long way). A
/// statement the database refuses (a row in a month no longer a draft) is rolled back to the
/// savepoint, and every row of it goes the long way, where each is refused or saved alone.
async fn insert_group(
    guard: &mut OwnedMutexGuard<Batch>,
    pool: &Pool,
    open: &Arc<Semaphore>,
    scope: Option<i64>,
    queued: &AtomicUsize,
    group: Vec<Waiting>,
) {
    let ready = match guard.open(pool, open, scope).await {
        Ok(()) => guard.enter().await,
        Err(e) => Err(e),
    };
    if let Err(e) = ready {
        for w in group {
            let _ = w.told.send(Err(e.to_string()));
        }
        if guard.tx.is_some() {
            abandon(guard, &e);
        }
        return;
    }
    let b: &mut Batch = guard;
    let tx = b.tx.as_mut().expect("an open batch has a transaction");
    let inserted = super::new_rows::insert(tx, &b.deferred, group).await;
    let (inserted, refused) = match inserted {
        Ok(done) => done,
        Err((e, group)) => {
            tracing::warn!(error = %e, rows = group.len(), "new rows inserted together were refused; each goes the long way");
            if let Err(e) = guard.undo().await {
                abandon(guard, &e);
            }
            for w in group {
                let _ = w.told.send(Ok(None));
            }
            return;
        }
    };
    for w in refused {
        let _ = w.told.send(Ok(None));
    }
    let next = goes_on(guard, queued, inserted.rows.len());
    if let Err(e) = guard.release(next).await {
        for (told, _) in inserted.rows {
            let _ = told.send(Err(e.to_string()));
        }
        abandon(guard, &e);
        return;
    }
    guard.deferred.extend(inserted.deferred);
    for (told, id) in inserted.rows {
        guard.done.push(Box::new(move |r| drop(told.send(r.map(|()| Some(id))))));
    }
}

/// Commits the batch when no change waits for it, or it is full or old; otherwise hands it on
/// to the next change with the transaction still open.
async fn settle(mut guard: OwnedMutexGuard<Batch>, queued: &AtomicUsize) {
    if guard.started.is_none() || goes_on(&guard, queued, 0) {
        return;
    }
    commit(&mut guard).await;
}

/// Whether the batch goes on to the next change rather than commit, with `more` changes
/// finished beyond those it holds: a change waits for it, and it is neither full nor old.
fn goes_on(batch: &Batch, queued: &AtomicUsize, more: usize) -> bool {
    let young = batch.started.is_some_and(|s| s.elapsed() < MAX_AGE);
    queued.load(Ordering::SeqCst) > 0 && batch.done.len() + more < MAX_BATCH && young
}

/// Commits the open batch, if there is one, with its deferred writes, and answers the changes
/// in it. If the writes fail, the batch is rolled back whole.
async fn commit(batch: &mut Batch) {
    let Some(mut tx) = batch.tx.take() else { return };
    batch.started = None;
    batch.savepoint = false;
    let result = match batch.deferred.write(&mut tx).await {
        Ok(()) => tx.commit().await.map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    batch.permit = None;
    if let Err(e) = &result {
        tracing::error!(error = %e, changes = batch.done.len(), "a batch of changes could not be committed");
    }
    for told in batch.done.drain(..) {
        told(result.clone());
    }
}

/// The batch's transaction is in a state no change can build on: it is rolled back, and the
/// changes waiting for its commit are told it failed.
fn abandon(guard: &mut OwnedMutexGuard<Batch>, e: &sqlx::Error) {
    tracing::error!(error = %e, changes = guard.done.len(), "a batch of changes is rolled back");
    guard.tx = None;
    guard.permit = None;
    guard.started = None;
    guard.deferred = Deferred::default();
    guard.savepoint = false;
    for told in guard.done.drain(..) {
        told(Err(e.to_string()));
    }
}
