//! Month-end exports (issue 10): the frozen documents of a month and the archives.

use super::DbStore;
use super::err;
use super::sql::query;
use async_trait::async_trait;
use engine::MonthStatus;
use engine::documents::SignerCapacity;
use rust_decimal::Decimal;
use std::str::FromStr;
use store::{ArchiveRecord, FormRecord, SignatureRecord};
use store::{ExportJob, ExportStore, FrozenReport, NewArchive, RepoResult, SignedClaim};

#[async_trait]
impl ExportStore for DbStore {
    async fn frozen_reports(&mut self, tenant: i64, month: &str) -> RepoResult<Vec<FrozenReport>> {
        let rows = query(
            "SELECT m.id AS month_id, m.assistant_id, m.recipient_id, m.status, f.version, f.report_id, f.xml, f.sha256, f.parts,
                    f.attested_at, u.display_name AS attested_by,
                    (SELECT p.report_id FROM frozen_reports p WHERE p.month_report_id = f.month_report_id AND p.version = f.version - 1) AS previous
             FROM frozen_reports f JOIN month_reports m ON m.id = f.month_report_id JOIN users u ON u.id = f.attested_by
             WHERE f.tenant_id = $1 AND m.month = $2
               AND f.version = (SELECT MAX(version) FROM frozen_reports g WHERE g.month_report_id = f.month_report_id)
             ORDER BY m.recipient_id, m.assistant_id",
        )
        .bind(tenant)
        .bind(month)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| FrozenReport {
                month_id: r.get("month_id"),
                assistant_id: r.get("assistant_id"),
                recipient_id: r.get("recipient_id"),
                status: MonthStatus::from_code(r.get("status")).unwrap_or(MonthStatus::Draft),
                version: r.get("version"),
                report_id: r.get("report_id"),
                xml: r.get("xml"),
                sha256: r.get("sha256"),
                parts: r.get("parts"),
                attested_by: r.get("attested_by"),
                attested_at: r.get("attested_at"),
                previous: r.get("previous"),
            })
            .collect())
    }

    async fn frozen_states(&mut self, tenant: i64, month: &str) -> RepoResult<Vec<MonthStatus>> {
        let codes: Vec<String> = query(
            "SELECT m.status FROM month_reports m
             WHERE m.tenant_id = $1 AND m.month = $2
               AND EXISTS (SELECT 1 FROM frozen_reports f WHERE f.month_report_id = m.id)",
        )
        .bind(tenant)
        .bind(month)
        .scalars(self.c())
        .await
        .map_err(err)?;
        Ok(codes.iter().map(|c| MonthStatus::from_code(c).unwrap_or(MonthStatus::Draft)).collect())
    }

    async fn signed_claim_documents(
        &mut self,
        tenant: i64,
        month: &str,
        recipient: Option<i64>,
    ) -> RepoResult<Vec<SignedClaim>> {
        let only = if recipient.is_some() { " AND c.recipient_id = $3" } else { "" };
        let q = query(format!(
            "SELECT c.recipient_id, s.content, s.sha256, s.signer_name, s.capacity, s.signed_at, s.document_id, s.evidence
             FROM claims c JOIN signatures s ON s.claim_id = c.id AND s.voided_at IS NULL
             WHERE c.tenant_id = $1 AND c.month = $2{only} ORDER BY c.recipient_id"
        ))
        .bind(tenant)
        .bind(month);
        let q = match recipient {
            Some(r) => q.bind(r),
            None => q,
        };
        let rows = q.fetch_all(self.c()).await.map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| SignedClaim {
                recipient_id: r.get("recipient_id"),
                content: r.get("content"),
                sha256: r.get("sha256"),
                signature: SignatureRecord {
                    signer_name: r.get("signer_name"),
                    capacity: SignerCapacity::from_code(r.get("capacity"))
                        .unwrap_or(SignerCapacity::Myself),
                    signed_at: r.get("signed_at"),
                    document_id: r.get("document_id"),
                    sha256: r.get("sha256"),
                    voided: None,
                    eid: super::signing::evidence(r.get("evidence")),
                },
            })
            .collect())
    }

    async fn archives(&mut self, tenant: i64, month: &str) -> RepoResult<Vec<ArchiveRecord>> {
        let rows = query(
            "SELECT e.id, e.version, e.created_at, u.display_name, e.sha256, e.bytes, e.files, e.corrections
             FROM exports e JOIN users u ON u.id = e.created_by WHERE e.tenant_id = $1 AND e.month = $2 ORDER BY e.version DESC",
        )
        .bind(tenant)
        .bind(month)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| ArchiveRecord {
                id: r.get("id"),
                version: r.get("version"),
                created_at: r.get("created_at"),
                created_by: r.get("display_name"),
                sha256: r.get("sha256"),
                bytes: r.get("bytes"),
                files: r.get("files"),
                corrections: r.get("corrections"),
            })
            .collect())
    }

    async fn last_archive_version(&mut self, tenant: i64, month: &str) -> RepoResult<i64> {
        query("SELECT COALESCE(MAX(version), 0) FROM exports WHERE tenant_id = $1 AND month = $2")
            .bind(tenant)
            .bind(month)
            .scalar(self.c())
            .await
            .map_err(err)
    }

    async fn store_archive(&mut self, a: &NewArchive<'_>) -> RepoResult<i64> {
        query(
            "INSERT INTO exports (tenant_id, month, version, created_at, created_by, sha256, manifest_sha256, files, corrections, bytes, archive)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(a.tenant)
        .bind(a.month)
        .bind(a.version)
        .bind(a.created_at)
        .bind(a.by_user)
        .bind(a.sha256)
        .bind(a.manifest_sha256)
        .bind(a.files)
        .bind(a.corrections)
        .bind(a.zip.len() as i64)
        .bind(a.zip)
        .scalar(self.c())
        .await
        .map_err(err)
    }

    async fn archive(
        &mut self,
        tenant: i64,
        id: i64,
    ) -> RepoResult<Option<(String, i64, Vec<u8>)>> {
        let r =
            query("SELECT month, version, archive FROM exports WHERE tenant_id = $1 AND id = $2")
                .bind(tenant)
                .bind(id)
                .fetch_optional(self.c())
                .await
                .map_err(err)?;
        Ok(r.map(|r| (r.get("month"), r.get("version"), r.get("archive"))))
    }

    async fn lss_rate(&mut self, tenant: i64) -> RepoResult<Option<Decimal>> {
        let rate: Option<String> = query("SELECT lss_rate FROM tenants WHERE id = $1")
            .bind(tenant)
            .scalar_optional(self.c())
            .await
            .map_err(err)?
            .flatten();
        Ok(lss_rate_of(rate))
    }

    async fn employee_numbers(
        &mut self,
        tenant: i64,
    ) -> RepoResult<std::collections::HashMap<i64, String>> {
        let rows: Vec<(i64, String)> = query("SELECT id, employee_number FROM assistants WHERE tenant_id = $1 AND employee_number <> ''").bind(tenant).all_as(self.c()).await.map_err(err)?;
        Ok(rows.into_iter().collect())
    }

    async fn set_lss_rate(
        &mut self,
        tenant: i64,
        amount: Option<Decimal>,
    ) -> RepoResult<Option<Decimal>> {
        let before = self.lss_rate(tenant).await?;
        query("UPDATE tenants SET lss_rate = $1 WHERE id = $2")
            .bind(amount)
            .bind(tenant)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(before)
    }

    async fn fk_forms(&mut self, tenant: i64) -> RepoResult<Vec<engine::documents::FkForm>> {
        let rows = query(
            "SELECT kind, pdf, mapping FROM fk_forms f WHERE tenant_id = $1 AND id = (SELECT MAX(id) FROM fk_forms g WHERE g.tenant_id = f.tenant_id AND g.kind = f.kind) ORDER BY kind",
        )
        .bind(tenant)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| engine::documents::FkForm {
                kind: r.get("kind"),
                pdf: r.get("pdf"),
                mapping: r.get("mapping"),
            })
            .collect())
    }

    async fn fk_form_lines(&mut self, tenant: i64) -> RepoResult<Vec<FormRecord>> {
        let rows = query(
            "SELECT f.kind, f.uploaded_at, u.display_name, f.fields, f.missing FROM fk_forms f JOIN users u ON u.id = f.uploaded_by
             WHERE f.tenant_id = $1 AND f.id = (SELECT MAX(id) FROM fk_forms g WHERE g.tenant_id = f.tenant_id AND g.kind = f.kind) ORDER BY f.kind DESC",
        )
        .bind(tenant)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| FormRecord {
                kind: r.get("kind"),
                uploaded_at: r.get("uploaded_at"),
                uploaded_by: r.get("display_name"),
                fields: r.get("fields"),
                missing: serde_json::from_str(r.get("missing")).unwrap_or_default(),
            })
            .collect())
    }

    async fn save_fk_form(
        &mut self,
        tenant: i64,
        user: i64,
        kind: &str,
        pdf: &[u8],
        mapping: &str,
        fields: i64,
        missing: &[String],
    ) -> RepoResult<()> {
        query("INSERT INTO fk_forms (tenant_id, kind, pdf, mapping, fields, missing, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(tenant)
            .bind(kind)
            .bind(pdf)
            .bind(mapping)
            .bind(fields)
            .bind(serde_json::to_string(missing).unwrap_or_else(|_| "[]".into()))
            .bind(user)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn signer_personnummer(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: &str,
    ) -> RepoResult<Option<String>> {
        let pnr: Option<Option<String>> = query(
            "SELECT u.personnummer FROM claims c JOIN signatures s ON s.claim_id = c.id AND s.voided_at IS NULL JOIN users u ON u.id = s.user_id
             WHERE c.tenant_id = $1 AND c.recipient_id = $2 AND c.month = $3",
        )
        .bind(tenant)
        .bind(recipient)
        .bind(month)
        .scalar_optional(self.c())
        .await
        .map_err(err)?;
        Ok(pnr.flatten().filter(|p| !p.is_empty()))
    }

    async fn running_export_job(
        &mut self,
        tenant: i64,
        month: &str,
    ) -> RepoResult<Option<ExportJob>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM export_jobs WHERE tenant_id = $1 AND month = $2 AND state = 'running'"
        );
        let row =
            query(sql).bind(tenant).bind(month).fetch_optional(self.c()).await.map_err(err)?;
        Ok(row.as_ref().map(export_job))
    }

    async fn export_job(&mut self, tenant: i64, id: i64) -> RepoResult<Option<ExportJob>> {
        let sql = format!("SELECT {JOB_COLUMNS} FROM export_jobs WHERE tenant_id = $1 AND id = $2");
        let row = query(sql).bind(tenant).bind(id).fetch_optional(self.c()).await.map_err(err)?;
        Ok(row.as_ref().map(export_job))
    }

    async fn start_export_job(
        &mut self,
        tenant: i64,
        month: &str,
        user: i64,
        runner: &str,
        now: i64,
    ) -> RepoResult<i64> {
        query(
            "INSERT INTO export_jobs (tenant_id, month, started_by, state, started_at, beat_at, runner)
             VALUES ($1, $2, $3, 'running', $4, $4, $5) RETURNING id",
        )
        .bind(tenant)
        .bind(month)
        .bind(user)
        .bind(now)
        .bind(runner)
        .scalar(self.c())
        .await
        .map_err(err)
    }

    async fn export_job_beat(
        &mut self,
        id: i64,
        runner: &str,
        done: i64,
        total: i64,
        now: i64,
    ) -> RepoResult<bool> {
        let n = query(
            "UPDATE export_jobs SET done = $1, total = $2, beat_at = $3
             WHERE id = $4 AND runner = $5 AND state = 'running'",
        )
        .bind(done)
        .bind(total)
        .bind(now)
        .bind(id)
        .bind(runner)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }

    async fn finish_export_job(
        &mut self,
        id: i64,
        runner: &str,
        failed: bool,
        outcome: &str,
        now: i64,
    ) -> RepoResult<bool> {
        let n = query(
            "UPDATE export_jobs SET state = $1, outcome = $2, finished_at = $3, beat_at = $3
             WHERE id = $4 AND runner = $5 AND state = 'running'",
        )
        .bind(if failed { "failed" } else { "done" })
        .bind(outcome)
        .bind(now)
        .bind(id)
        .bind(runner)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }

    async fn stale_export_jobs(&mut self, before: i64) -> RepoResult<Vec<ExportJob>> {
        let sql = format!(
            "SELECT {JOB_COLUMNS} FROM export_jobs WHERE state = 'running' AND beat_at < $1 ORDER BY id"
        );
        let rows = query(sql).bind(before).fetch_all(self.c()).await.map_err(err)?;
        Ok(rows.iter().map(export_job).collect())
    }

    async fn take_export_job(
        &mut self,
        id: i64,
        stale_runner: &str,
        runner: &str,
        now: i64,
    ) -> RepoResult<bool> {
        let n = query(
            "UPDATE export_jobs SET runner = $1, beat_at = $2, started_at = $2, runs = runs + 1, done = 0
             WHERE id = $3 AND runner = $4 AND state = 'running'",
        )
        .bind(runner)
        .bind(now)
        .bind(id)
        .bind(stale_runner)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }
}

const JOB_COLUMNS: &str = "id, tenant_id, month, started_by, state, done, total, started_at, beat_at, runner, runs, finished_at, outcome";

fn export_job(r: &super::sql::Row) -> ExportJob {
    ExportJob {
        id: r.get("id"),
        tenant_id: r.get("tenant_id"),
        month: r.get("month"),
        started_by: r.get("started_by"),
        state: r.get("state"),
        done: r.get("done"),
        total: r.get("total"),
        started_at: r.get("started_at"),
        beat_at: r.get("beat_at"),
        runner: r.get("runner"),
        runs: r.get("runs"),
        finished_at: r.get("finished_at"),
        outcome: r.get("outcome"),
    }
}

/// A stored LSS amount (text on SQLite, `numeric` read as its text on PostgreSQL).
pub(super) fn lss_rate_of(stored: Option<String>) -> Option<Decimal> {
    stored.and_then(|r| Decimal::from_str(&r).ok())
}
