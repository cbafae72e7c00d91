//! The month's export as a background job (issue 28). The post starts it and is answered at
//! once (`exports::export_month`); a task of this server gathers the month's frozen content,
//! makes every document on a blocking thread and records the archive. Its state is in the
//! database (`export_jobs`): any server shows its progress, and a heartbeat every second says
//! the run is alive. A job whose heartbeat stopped (its server stopped or crashed) is taken over
//! by whichever server's watcher sees it first, the same one after a restart, and made again
//! from the start: documents are made from frozen bytes, so a second run makes the same ones.

use crate::AppState;
use app::i18n::T;
use app::model::PageError;
use app::service::context::Cx;
use app::service::export as month_export;
use app::service::export::Sealed;
use std::sync::Arc;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicUsize, Ordering};
use std::time::Duration;
use store::ExportJob;
use tokio::sync::Semaphore;

/// How often a running job says it is alive (and how far it got).
const BEAT: Duration = Duration::from_secs(1);
/// A running job with no heartbeat for this long (seconds) has lost its server.
const STALE_AFTER: i64 = 10;
/// How often each server looks for such jobs (and once at start).
const WATCH: Duration = Duration::from_secs(5);
/// Jobs that make documents at a time on this server: one uses every core already, and each
/// holds a month's content and its archive in memory. Others wait their turn (alive).
static SLOTS: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(1));

/// Looks for jobs that lost their server, at start and every few seconds, and runs them here.
pub fn watch(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(WATCH);
        loop {
            tick.tick().await;
            let runner = app::model::random_token();
            match month_export::take_stale_jobs(&*state.api.repo, STALE_AFTER, &runner).await {
                Ok(jobs) => {
                    for job in jobs {
                        tracing::warn!(job = job.id, runs = job.runs, "export job resumed");
                        spawn(state.clone(), job);
                    }
                }
                Err(e) => tracing::warn!(error = ?e, "looking for stale export jobs failed"),
            }
        }
    });
}

/// Runs the job in a task of its own (its `runner` is this run's).
pub fn spawn(state: AppState, job: ExportJob) {
    tokio::spawn(async move {
        let alive = Beat::start(&state, &job);
        let result = run(&state, &job, &alive).await;
        alive.stop();
        let failed = match result {
            Ok(()) => return,
            Err(Ended::Lost) => {
                tracing::warn!(job = job.id, "export job taken over by another run");
                return;
            }
            Err(Ended::Refused(t)) => t,
            Err(Ended::Failed(why)) => {
                tracing::error!(job = job.id, error = %why, "export job failed");
                T::ExportFailed
            }
        };
        if let Err(e) = month_export::job_failed(&*state.api.repo, &job, failed).await {
            tracing::error!(job = job.id, error = ?e, "could not end a failed export job");
        }
    });
}

enum Ended {
    /// Another run has the job (this one's heartbeat was late): it makes the archive.
    Lost,
    /// Not exportable now (preflight, the starter's account gone): said to the administrator.
    Refused(T),
    Failed(String),
}

async fn run(state: &AppState, job: &ExportJob, alive: &Beat) -> Result<(), Ended> {
    let _slot = SLOTS.acquire().await.map_err(|e| Ended::Failed(e.to_string()))?;
    let session = crate::sessions::detached(&state.pool);
    let cx = Cx::on_behalf(&state.api, session, job.started_by)
        .await
        .map_err(|e| Ended::Failed(format!("{e:?}")))?
        .filter(|cx| cx.caller.as_ref().is_some_and(|c| c.tenant_id == job.tenant_id))
        .ok_or(Ended::Refused(T::ExportStartedBy))?;
    let month = app::domain::ReportMonth::parse(&job.month)
        .ok_or_else(|| Ended::Failed(format!("month {}", job.month)))?;
    let data = match month_export::prepare(&cx, month).await {
        Err(PageError::Forbidden | PageError::LoggedOut) => {
            return Err(Ended::Refused(T::ExportStartedBy));
        }
        Err(e) => return Err(Ended::Failed(format!("{e:?}"))),
        Ok(Err(refused)) => {
            return Err(Ended::Refused(refused.flash.error.unwrap_or(T::ExportFailed)));
        }
        Ok(Ok(data)) => data,
    };
    alive.total.store(export::steps(&data) as i64, Ordering::Relaxed);
    let key = state.archive_key.clone();
    let made = alive.made.clone();
    let started = std::time::Instant::now();
    let (data, built) = tokio::task::spawn_blocking(move || {
        let built = export::build(&data, &key, &made);
        (data, built)
    })
    .await
    .map_err(|e| Ended::Failed(e.to_string()))?;
    let built = built.map_err(|e| Ended::Failed(e.to_string()))?;
    tracing::info!(
        job = job.id,
        files = built.files,
        bytes = built.zip.len(),
        ms = started.elapsed().as_millis() as u64,
        "month archive made"
    );
    if alive.lost.load(Ordering::Relaxed) {
        return Err(Ended::Lost);
    }
    // The progress as the documents ended (the last heartbeat may have come before): what the
    // page shows of the ended job.
    let (made, total) =
        (alive.made.load(Ordering::Relaxed) as i64, alive.total.load(Ordering::Relaxed));
    if let Ok(false) = month_export::job_beat(&*state.api.repo, job, made, total).await {
        return Err(Ended::Lost);
    }
    let sealed = Sealed {
        sha256: built.sha256,
        manifest_sha256: built.manifest_sha256,
        files: built.files,
        corrections: built.corrections,
        zip: built.zip,
    };
    match month_export::record(&cx, &data, &sealed, (job.id, &job.runner)).await {
        Ok(_) => Ok(()),
        Err(PageError::NotFound) => Err(Ended::Lost),
        Err(e) => Err(Ended::Failed(format!("{e:?}"))),
    }
}

/// The run's heartbeat: every [`BEAT`] it stores how far the run got; when the job turns out
/// to be another run's, it says so in `lost`.
struct Beat {
    made: Arc<AtomicUsize>,
    total: Arc<AtomicI64>,
    lost: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

impl Beat {
    fn start(state: &AppState, job: &ExportJob) -> Self {
        let (made, total, lost) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicI64::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        let task = tokio::spawn({
            let (repo, made, total, lost) =
                (state.api.repo.clone(), made.clone(), total.clone(), lost.clone());
            let job = job.clone();
            async move {
                let mut tick = tokio::time::interval(BEAT);
                loop {
                    tick.tick().await;
                    let (done, total) =
                        (made.load(Ordering::Relaxed) as i64, total.load(Ordering::Relaxed));
                    match month_export::job_beat(&*repo, &job, done, total).await {
                        Ok(true) => {}
                        Ok(false) => {
                            lost.store(true, Ordering::Relaxed);
                            return;
                        }
                        Err(e) => {
                            tracing::warn!(job = job.id, error = ?e, "export heartbeat failed")
                        }
                    }
                }
            }
        });
        Self { made, total, lost, task }
    }

    fn stop(&self) {
        self.task.abort();
    }
}
