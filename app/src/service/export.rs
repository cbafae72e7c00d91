//! The month-end export: the export page, the documents prepared from frozen bytes (never
//! re-rendered from live records), the signed archive recorded, downloads of an archive, the
//! month CSV and a frozen 3059, and the FK forms uploaded.

use super::context::{Cx, internal, month_views, today};
use super::tx::{Begun, begin, error, notice, page, remember_and_commit};
use crate::domain::documents::{
    CheckedForm, ClaimData, HistoryRecord, MonthData, PayrollRow, ReportData, SignerCapacity,
};
use crate::domain::row::DayPart;
use crate::domain::rules::Severity;
use crate::domain::{MonthStatus, ReportMonth};
use crate::i18n::{Label, Locale, T};
use crate::model::export::{ExportJobView, ExportPage};
use crate::model::*;
use std::collections::HashMap;
use store::{AuditEntry, NewArchive, Signed};

/// The month's rows as CSV (semicolon-separated, as Swedish spreadsheets expect), for the
/// admin's own municipality only. Every row says whether its month is approved and attested;
/// `final_export` refuses (listing what is missing) unless every month is. No personnummer:
/// payroll exports come in a later issue.
pub async fn month_csv(
    cx: &Cx,
    month: ReportMonth,
    locale: Locale,
    final_export: bool,
) -> Result<Result<String, Vec<String>>, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = cx.db().await?;
    let rows = db.month_rows(c.tenant_id, month, None).await.map_err(internal)?;
    let records = db.month_records(c.tenant_id, month, None, None).await.map_err(internal)?;
    let months: Vec<MonthView> = month_views(records, &rows)
        .into_iter()
        .filter(|m| m.row_count > 0 || m.status != MonthStatus::Draft)
        .collect();
    let done = |s: MonthStatus| matches!(s, MonthStatus::Attested | MonthStatus::Exported);
    if final_export {
        let missing: Vec<String> = months
            .iter()
            .filter(|m| !done(m.status))
            .map(|m| {
                format!("{} – {}: {}", m.assistant.name, m.recipient.name, m.status.label(locale))
            })
            .collect();
        if !missing.is_empty() {
            return Ok(Err(missing));
        }
    }
    let (yes, no) = if locale == Locale::Sv { ("ja", "nej") } else { ("yes", "no") };
    let mut out = String::from(locale.t(T::CsvHeader));
    out.push('\n');
    for m in &months {
        for r in &m.rows {
            let fields = [
                c.tenant_name.as_str(),
                &m.recipient.name,
                &m.assistant.name,
                &r.date,
                &r.start,
                &r.end,
                if r.next_day { "1" } else { "0" },
                r.kind.code(),
                &r.minutes.0.to_string(),
                m.status.code(),
                if done(m.status) { yes } else { no },
            ];
            out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(";"));
            out.push('\n');
        }
    }
    drop(db);
    let action = if final_export { "export.csv.final" } else { "export.csv.preliminary" };
    super::context::record(&*cx.repo, cx.audit_entry(action, month.to_string()))
        .await
        .map_err(internal)?;
    Ok(Ok(out))
}

/// A month's frozen 3059, for the admin of its own municipality (404 for anyone else's):
/// exactly the stored bytes. The download is in the audit log.
pub async fn frozen_3059(
    cx: &Cx,
    month_id: i64,
) -> Result<Option<(ReportMonth, crate::domain::fk::Frozen3059)>, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = cx.db().await?;
    let Some((_, month)) = db.month_record_by_id(c.tenant_id, month_id).await.map_err(internal)?
    else {
        return Ok(None);
    };
    let Some(frozen) = db.frozen(c.tenant_id, month_id).await.map_err(internal)? else {
        return Ok(None);
    };
    drop(db);
    let entry = AuditEntry {
        after: Some(format!(
            "{{\"report_id\":\"{}\",\"sha256\":\"{}\"}}",
            frozen.id, frozen.sha256
        )),
        ..cx.audit_entry("export.3059", format!("month {month_id}"))
    };
    super::context::record(&*cx.repo, entry).await.map_err(internal)?;
    Ok(Some((month, frozen)))
}

/// An assistant's employment id for payroll where the register has none: BITA's own.
pub(super) fn employee_id(assistant: i64) -> String {
    format!("BITA-{assistant}")
}

/// Quotes a CSV field when needed and defuses spreadsheet formulas.
pub(super) fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([';', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

pub(super) fn export_path(month: ReportMonth) -> String {
    page("/admin/export", Some(month))
}

/// The export page: what blocks an export (with where to fix it), the month's archives and
/// the installation's public key.
pub async fn export_page(
    cx: &Cx,
    month: Option<ReportMonth>,
    job: Option<i64>,
) -> Result<ExportPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let month = month.unwrap_or_else(|| super::context::this_month().previous());
    let preflight = super::dashboard::month_preflight_for(cx, c, month).await?;
    let mut db = cx.db().await?;
    // The job the address names (the tenant's own, of this month), else the one running.
    let named = match job {
        Some(id) => db.export_job(c.tenant_id, id).await.map_err(internal)?,
        None => None,
    }
    .filter(|j| j.month == month.to_string());
    let job = match named {
        Some(j) => Some(j),
        None => db.running_export_job(c.tenant_id, &month.to_string()).await.map_err(internal)?,
    };
    let mut flash = cx.take_flash().await;
    // An ended job says how it ended, as the post would have had it been answered then.
    if let Some(o) =
        job.as_ref().filter(|j| j.state != "running").and_then(|j| j.outcome.as_deref())
        && let Ok(o) = serde_json::from_str::<Outcome>(o)
    {
        flash = o.flash;
    }
    let frozen = db.frozen_reports(c.tenant_id, &month.to_string()).await.map_err(internal)?;
    let claims = db.signed_claims(c.tenant_id, &month.to_string()).await.map_err(internal)?;
    let archives =
        super::views::all(db.archives(c.tenant_id, &month.to_string()).await.map_err(internal)?);
    let forms = super::views::all(db.fk_form_lines(c.tenant_id).await.map_err(internal)?);
    let deadline = month.fk_deadline();
    Ok(ExportPage {
        me: super::context::me(cx, c),
        month,
        deadline: deadline.format("%Y-%m-%d").to_string(),
        days_left: (deadline - today()).num_days(),
        blocking: Listed::first(
            preflight.into_iter().filter(|f| f.severity == Severity::Error),
            super::dashboard::DASHBOARD_FINDINGS,
        ),
        reports: frozen.len(),
        exported: frozen.iter().filter(|f| f.status == MonthStatus::Exported).count(),
        claims: claims.len(),
        archives,
        forms,
        public_key: cx.settings.archive_public_key.clone(),
        job: job.map(|j| job_view(&j)),
        flash,
    })
}

/// Where the export page shows a job.
fn job_path(month: ReportMonth, id: i64) -> String {
    format!("{}&jobb={id}", export_path(month))
}

/// A job as the page and its script show it.
fn job_view(j: &store::ExportJob) -> ExportJobView {
    let running = j.state == "running";
    let elapsed = super::context::now_unix() - j.started_at;
    let seconds_left = (running && j.done > 0 && j.done < j.total && elapsed > 0)
        .then(|| (j.total - j.done) * elapsed / j.done);
    let month = ReportMonth::parse(&j.month).unwrap_or(ReportMonth::LAST);
    ExportJobView {
        id: j.id,
        running,
        done: j.done,
        total: j.total,
        seconds_left,
        href: job_path(month, j.id),
    }
}

/// A job's progress for the page's script (the tenant's own jobs only).
pub async fn job_progress(cx: &Cx, id: Option<i64>) -> Result<Option<ExportJobView>, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let Some(id) = id else { return Ok(None) };
    let job = cx.db().await?.export_job(c.tenant_id, id).await.map_err(internal)?;
    Ok(job.map(|j| job_view(&j)))
}

/// Why the month cannot be exported now, if it cannot: errors in preflight, nothing frozen, or
/// nothing new since the last archive.
async fn refusal(cx: &Cx, c: &store::Caller, month: ReportMonth) -> Result<Option<T>, PageError> {
    let blocking = super::dashboard::month_preflight_for(cx, c, month)
        .await?
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if blocking > 0 {
        return Ok(Some(T::ExportRefused));
    }
    let frozen =
        cx.db().await?.frozen_states(c.tenant_id, &month.to_string()).await.map_err(internal)?;
    if frozen.is_empty() {
        return Ok(Some(T::ExportNothing));
    }
    if frozen.iter().all(|s| *s == MonthStatus::Exported) {
        return Ok(Some(T::ExportNothingNew));
    }
    Ok(None)
}

/// Starts the month's export as a background job run by `runner` and answers at once; or
/// joins the job that runs (a second post, from anyone of the municipality); or says why the
/// month cannot be exported. The new job, for the server to run.
pub async fn start(
    cx: &Cx,
    month: &str,
    key: Option<&str>,
    runner: &str,
) -> Result<(Outcome, Option<store::ExportJob>), PageError> {
    let c = cx.require(&[Role::Admin])?;
    let Some(month) = ReportMonth::parse(month) else {
        return Ok((error("/admin".into(), T::NotAllowed), None));
    };
    let back = export_path(month);
    let m = month.to_string();
    if let Some(k) = key
        && let Some(o) = cx.db().await?.idempotent_outcome(c.user_id, k).await.map_err(internal)?
    {
        return Ok((serde_json::from_str(&o).map_err(internal)?, None));
    }
    if let Some(running) =
        cx.db().await?.running_export_job(c.tenant_id, &m).await.map_err(internal)?
    {
        return Ok((notice(job_path(month, running.id), T::ExportJoined), None));
    }
    if let Some(t) = refusal(cx, c, month).await? {
        return Ok((error(back, t), None));
    }
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok((*first, None)),
    };
    // Re-checked with the write lock: one job per month, whoever posts.
    if let Some(running) = db.running_export_job(c.tenant_id, &m).await.map_err(internal)? {
        let o = notice(job_path(month, running.id), T::ExportJoined);
        return Ok((remember_and_commit(db, c.user_id, key, "export.start", o).await?, None));
    }
    let id = db
        .start_export_job(c.tenant_id, &m, c.user_id, runner, super::context::now_unix())
        .await
        .map_err(internal)?;
    let job = db.export_job(c.tenant_id, id).await.map_err(internal)?;
    db.audit(&cx.audit_entry("export.start", format!("month {m} job {id}")))
        .await
        .map_err(internal)?;
    let o = notice(job_path(month, id), T::ExportStarted);
    Ok((remember_and_commit(db, c.user_id, key, "export.start", o).await?, job))
}

/// The job's heartbeat: how far it got. False when the job is no longer this run's (another
/// server took it over, having seen no heartbeat for a while): the run stops.
pub async fn job_beat(
    repo: &dyn store::Repo,
    job: &store::ExportJob,
    done: i64,
    total: i64,
) -> Result<bool, PageError> {
    let mut db = repo.write_in(job.tenant_id).await.map_err(internal)?;
    let ours = db
        .export_job_beat(job.id, &job.runner, done, total, super::context::now_unix())
        .await
        .map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(ours)
}

/// Ends a job that could not make its archive (nothing stored, the month not locked), with the
/// answer the administrator sees, and audits it.
pub async fn job_failed(
    repo: &dyn store::Repo,
    job: &store::ExportJob,
    t: T,
) -> Result<(), PageError> {
    let month = ReportMonth::parse(&job.month).unwrap_or(ReportMonth::LAST);
    let o = serde_json::to_string(&error(export_path(month), t)).map_err(internal)?;
    let mut db = repo.write_in(job.tenant_id).await.map_err(internal)?;
    if db
        .finish_export_job(job.id, &job.runner, true, &o, super::context::now_unix())
        .await
        .map_err(internal)?
    {
        let entry = job_entry(job, "export.failed", format!("month {} job {}", job.month, job.id));
        db.audit(&AuditEntry { after: Some(format!("{t:?}")), ..entry }).await.map_err(internal)?;
    }
    db.finish().await.map_err(internal)
}

/// An audit entry about a job: by the administrator who started it, on whose behalf the
/// server runs it (from no client of theirs).
fn job_entry(job: &store::ExportJob, action: &'static str, subject: String) -> AuditEntry {
    AuditEntry {
        tenant: Some(job.tenant_id),
        user: Some(job.started_by),
        action,
        subject,
        ..Default::default()
    }
}

/// Running jobs whose heartbeat stopped `stale_after` seconds ago or more, taken over one by
/// one for `runner`: the ones this server now runs (from the start).
pub async fn take_stale_jobs(
    repo: &dyn store::Repo,
    stale_after: i64,
    runner: &str,
) -> Result<Vec<store::ExportJob>, PageError> {
    let now = super::context::now_unix();
    let stale = repo
        .read()
        .await
        .map_err(internal)?
        .stale_export_jobs(now - stale_after)
        .await
        .map_err(internal)?;
    let mut taken = Vec::new();
    for j in stale {
        let mut db = repo.write_in(j.tenant_id).await.map_err(internal)?;
        if db.take_export_job(j.id, &j.runner, runner, now).await.map_err(internal)? {
            let subject = format!("month {} job {} run {}", j.month, j.id, j.runs + 1);
            db.audit(&job_entry(&j, "export.resumed", subject)).await.map_err(internal)?;
            db.finish().await.map_err(internal)?;
            taken.push(store::ExportJob {
                runner: runner.to_string(),
                runs: j.runs + 1,
                done: 0,
                started_at: now,
                beat_at: now,
                ..j
            });
        }
    }
    Ok(taken)
}

/// Everything the month's archive is made of, or the answer to give instead: a replayed form,
/// a month that fails preflight, or a month with nothing new since its last archive.
pub async fn prepare(cx: &Cx, month: ReportMonth) -> Result<Result<MonthData, Outcome>, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let back = export_path(month);
    // Checked again when the job runs: the month may have changed since it was posted.
    if let Some(t) = refusal(cx, c, month).await? {
        return Ok(Err(error(back, t)));
    }
    let m = month.to_string();
    let mut db = cx.db().await?;
    let frozen = db.frozen_reports(c.tenant_id, &m).await.map_err(internal)?;
    let people = db.people(c.tenant_id).await.map_err(internal)?;
    let name_of_recipient =
        |id: i64| people.recipients.get(&id).map(|r| r.name()).unwrap_or_default();
    let name_of_assistant =
        |id: i64| people.assistants.get(&id).map(|a| a.name()).unwrap_or_default();
    let mut reports = Vec::with_capacity(frozen.len());
    for f in frozen {
        let parts: Vec<DayPart> = match f.parts.as_deref().map(serde_json::from_str) {
            Some(Ok(p)) => p,
            // Frozen before day parts were stored with the report (issue 9): not exportable
            // from frozen content alone.
            _ => return Ok(Err(error(back, T::ExportOldFrozen))),
        };
        let approvals = db
            .signatures(c.tenant_id, Signed::Month(f.month_id))
            .await
            .map_err(internal)?
            .into_iter()
            .map(super::views::signature)
            .collect();
        let attestations = db
            .signatures(c.tenant_id, Signed::Attestation(f.month_id))
            .await
            .map_err(internal)?
            .into_iter()
            .map(super::views::signature)
            .collect();
        let history = db
            .month_history(c.tenant_id, f.month_id)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|e| HistoryRecord {
                at: crate::domain::clock::local_time(&e.at),
                who: e.user_name,
                action: e.action,
                reason: e.reason,
                sha256: e.content_hash,
            })
            .collect();
        reports.push(ReportData {
            month_id: f.month_id,
            recipient_id: f.recipient_id,
            assistant_id: f.assistant_id,
            recipient_name: name_of_recipient(f.recipient_id),
            assistant_name: name_of_assistant(f.assistant_id),
            report_id: f.report_id,
            version: f.version,
            replaces: f.previous,
            xml: f.xml,
            sha256: f.sha256,
            parts,
            attested_by: f.attested_by,
            attested_at: crate::domain::clock::local_time(&f.attested_at),
            approvals,
            attestations,
            history,
        });
    }
    let first = month.first_day();
    let last = month.last_day();
    let under_lss = |recipient: i64| {
        people.decisions.iter().any(|d| {
            d.recipient == recipient
                && d.funder == crate::domain::Funder::Lss
                && d.valid_from <= last
                && d.valid_to >= first
        })
    };
    let mut claims = Vec::new();
    for s in db.signed_claim_documents(c.tenant_id, &m, None).await.map_err(internal)? {
        let representative_personnummer = match s.signature.capacity {
            SignerCapacity::Myself => None,
            _ => db.signer_personnummer(c.tenant_id, s.recipient_id, &m).await.map_err(internal)?,
        };
        claims.push(ClaimData {
            recipient_id: s.recipient_id,
            recipient_name: name_of_recipient(s.recipient_id),
            xml: s.content,
            sha256: s.sha256,
            signature: super::views::signature(s.signature),
            lss: under_lss(s.recipient_id),
            representative_personnummer,
        });
    }
    let rows = db.month_rows(c.tenant_id, month, None).await.map_err(internal)?;
    let exported: std::collections::HashSet<(i64, i64)> =
        reports.iter().map(|r| (r.assistant_id, r.recipient_id)).collect();
    let entered = db.employee_numbers(c.tenant_id).await.map_err(internal)?;
    let employee_ids: HashMap<i64, String> = people
        .assistants
        .keys()
        .map(|id| (*id, entered.get(id).cloned().unwrap_or_else(|| employee_id(*id))))
        .collect();
    let payroll = rows
        .iter()
        .filter(|r| exported.contains(&(r.assistant_id, r.recipient_id)))
        .filter_map(|r| {
            let a = people.assistants.get(&r.assistant_id)?;
            let employee = employee_ids.get(&r.assistant_id).map(String::as_str).unwrap_or("");
            Some(PayrollRow::of(
                &r.row,
                (a.id, employee, a.personnummer.full(), &a.name()),
                (r.recipient_id, &name_of_recipient(r.recipient_id)),
            ))
        })
        .collect();
    let mut lss_recipients: Vec<(i64, String)> = exported
        .iter()
        .map(|(_, r)| *r)
        .filter(|r| under_lss(*r))
        .map(|r| (r, name_of_recipient(r)))
        .collect();
    lss_recipients.sort();
    lss_recipients.dedup();
    let provider = db.provider(c.tenant_id).await.map_err(internal)?;
    let version = db.last_archive_version(c.tenant_id, &m).await.map_err(internal)? + 1;
    let lss_rate = db.lss_rate(c.tenant_id).await.map_err(internal)?;
    let fk_forms = db.fk_forms(c.tenant_id).await.map_err(internal)?;
    Ok(Ok(MonthData {
        tenant_id: c.tenant_id,
        municipality: c.tenant_name.clone(),
        month,
        version,
        created_at: chrono::Utc::now().with_timezone(&crate::domain::TZ).fixed_offset(),
        provider_name: provider
            .as_ref()
            .map(|p| p.name.clone())
            .unwrap_or_else(|| c.tenant_name.clone()),
        provider_orgnr: provider
            .map(|p| p.organisationsnummer.as_str().to_string())
            .unwrap_or_default(),
        lss_rate,
        reports,
        claims,
        payroll,
        lss_recipients,
        fk_forms,
    }))
}

/// The sealed archive as the export crate made it.
pub struct Sealed {
    pub zip: Vec<u8>,
    pub sha256: String,
    pub manifest_sha256: String,
    pub files: usize,
    pub corrections: usize,
}

/// Stores the archive and locks the month, in one transaction that re-checks what the archive
/// was made from: every report still frozen as gathered, and no other export in between.
pub async fn record(
    cx: &Cx,
    data: &MonthData,
    sealed: &Sealed,
    job: (i64, &str),
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let back = export_path(data.month);
    let m = data.month.to_string();
    let mut db = cx.repo.write_in(c.tenant_id).await.map_err(internal)?;
    let now: HashMap<i64, (String, MonthStatus)> = db
        .frozen_reports(c.tenant_id, &m)
        .await
        .map_err(internal)?
        .into_iter()
        .map(|f| (f.month_id, (f.sha256, f.status)))
        .collect();
    let unchanged = now.len() == data.reports.len()
        && data.reports.iter().all(|r| {
            now.get(&r.month_id).is_some_and(|(sha, status)| {
                sha == &r.sha256 && matches!(status, MonthStatus::Attested | MonthStatus::Exported)
            })
        });
    if !unchanged
        || db.last_archive_version(c.tenant_id, &m).await.map_err(internal)? >= data.version
    {
        return end_job(db, job, error(back, T::ExportChangedMeanwhile)).await;
    }
    let created = data.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    db.store_archive(&NewArchive {
        tenant: c.tenant_id,
        month: &m,
        version: data.version,
        created_at: &created,
        by_user: c.user_id,
        sha256: &sealed.sha256,
        manifest_sha256: &sealed.manifest_sha256,
        files: sealed.files as i64,
        corrections: sealed.corrections as i64,
        zip: &sealed.zip,
    })
    .await
    .map_err(internal)?;
    for r in data
        .reports
        .iter()
        .filter(|r| now.get(&r.month_id).is_some_and(|(_, s)| *s == MonthStatus::Attested))
    {
        db.transition(
            c.tenant_id,
            r.month_id,
            MonthStatus::Attested,
            MonthStatus::Exported,
            c.user_id,
            None,
        )
        .await
        .map_err(internal)?;
        db.month_event(c.tenant_id, r.month_id, c.user_id, "export", None, &r.sha256, None)
            .await
            .map_err(internal)?;
    }
    let after = serde_json::json!({ "month": m, "version": data.version, "sha256": sealed.sha256, "manifest_sha256": sealed.manifest_sha256, "files": sealed.files, "corrections": sealed.corrections }).to_string();
    db.audit(&AuditEntry {
        after: Some(after),
        ..cx.audit_entry("export.month", format!("month {m} version {}", data.version))
    })
    .await
    .map_err(internal)?;
    end_job(db, job, notice(back, T::ExportDone)).await
}

/// Ends the job with its answer in the change's own transaction, and commits it: rolled back
/// when the job is no longer this run's (another server took it over and makes the archive).
async fn end_job(
    mut db: Box<dyn store::Store>,
    (id, runner): (i64, &str),
    o: Outcome,
) -> Result<Outcome, PageError> {
    let json = serde_json::to_string(&o).map_err(internal)?;
    let failed = o.flash.error.is_some();
    if !db
        .finish_export_job(id, runner, failed, &json, super::context::now_unix())
        .await
        .map_err(internal)?
    {
        // Not this run's any more: dropped unfinished, the transaction rolls back.
        return Err(PageError::NotFound);
    }
    db.finish().await.map_err(internal)?;
    Ok(o)
}

/// An archive of the caller's own municipality (None for any other id); the download is in
/// the audit log.
pub async fn archive(cx: &Cx, id: i64) -> Result<Option<(String, i64, Vec<u8>)>, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = cx.db().await?;
    let Some(found) = db.archive(c.tenant_id, id).await.map_err(internal)? else {
        drop(db);
        super::tx::denied(cx, format!("archive {id}")).await;
        return Ok(None);
    };
    drop(db);
    let entry =
        cx.audit_entry("export.download", format!("archive {id} ({} v{})", found.0, found.1));
    super::context::record(&*cx.repo, entry).await.map_err(internal)?;
    Ok(Some(found))
}

/// Stores a checked blank FK form for the caller's municipality (or says what was wrong with
/// the upload).
pub async fn save_form(
    cx: &Cx,
    month: &str,
    checked: Result<CheckedForm, T>,
) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let back = ReportMonth::parse(month).map(export_path).unwrap_or_else(|| "/admin/export".into());
    let f = match checked {
        Err(t) => return Ok(error(back, t)),
        Ok(f) => f,
    };
    let mut db = cx.repo.write_in(c.tenant_id).await.map_err(internal)?;
    db.save_fk_form(c.tenant_id, c.user_id, &f.kind, &f.pdf, &f.mapping, f.fields, &f.missing)
        .await
        .map_err(internal)?;
    let after = serde_json::json!({ "form": f.kind, "fields": f.fields, "missing": f.missing.len(), "sha256": crate::domain::fk::sha256_hex(&f.pdf) }).to_string();
    db.audit(&AuditEntry {
        after: Some(after),
        ..cx.audit_entry("export.form_upload", format!("FK {}", f.kind))
    })
    .await
    .map_err(internal)?;
    db.finish().await.map_err(internal)?;
    Ok(notice(back, if f.missing.is_empty() { T::FormSaved } else { T::FormSavedMissing }))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("Anna"), "Anna");
        assert_eq!(csv_field("a;b"), "\"a;b\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
    }
}
