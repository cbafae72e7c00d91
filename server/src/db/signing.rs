//! Signature records, month history, the räkning and the audit chain (issue 9).

use super::DbStore;
use super::err;
use super::sql::query;
use async_trait::async_trait;
use engine::audit::StoredEntry;
use engine::documents::SignerCapacity;
use engine::people::Capacity;
use store::{AuditSummary, SignatureRecord};
use store::{
    ClaimRecord, FrozenPart, MonthEvent, NewSignature, People, RepoResult, Signed, SigningStore,
};

/// The column and value a signature is about, and who signs it as what (`signed_as`).
fn about(what: Signed) -> (&'static str, i64, &'static str) {
    match what {
        Signed::Month(id) => ("month_report_id", id, "recipient"),
        Signed::Claim(id) => ("claim_id", id, "recipient"),
        Signed::Attestation(id) => ("month_report_id", id, "assistant"),
    }
}

#[async_trait]
impl SigningStore for DbStore {
    async fn login_of(&mut self, user: i64) -> RepoResult<Option<(String, String)>> {
        query("SELECT username, password_hash FROM users WHERE id = $1 AND active = TRUE")
            .bind(user)
            .optional_as(self.c())
            .await
            .map_err(err)
    }

    async fn people_of(
        &mut self,
        tenant: i64,
        assistant: Option<i64>,
        recipient: Option<i64>,
    ) -> RepoResult<People> {
        super::people::load_people(self.c(), tenant, assistant, recipient).await
    }

    async fn add_signature(&mut self, s: &NewSignature<'_>) -> RepoResult<i64> {
        let (column, id, signed_as) = about(s.what);
        let (month, claim) = if column == "claim_id" { (None, Some(id)) } else { (Some(id), None) };
        query(
            "INSERT INTO signatures (tenant_id, month_report_id, claim_id, user_id, signer_name, capacity, signed_at, document_id, content, sha256, method, evidence, signed_as)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(s.tenant)
        .bind(month)
        .bind(claim)
        .bind(s.user)
        .bind(s.signer_name)
        .bind(s.capacity.code())
        .bind(s.at)
        .bind(s.document_id)
        .bind(s.content)
        .bind(s.sha256)
        .bind(if s.eid.is_some() { "eid" } else { "password" })
        .bind(s.eid.and_then(|e| serde_json::to_string(e).ok()))
        .bind(signed_as)
        .scalar(self.c())
        .await
        .map_err(err)
    }

    async fn void_signature(
        &mut self,
        tenant: i64,
        what: Signed,
        at: &str,
        reason: &str,
    ) -> RepoResult<bool> {
        let (column, id, signed_as) = about(what);
        let r = query(format!("UPDATE signatures SET voided_at = $1, voided_reason = $2 WHERE tenant_id = $3 AND {column} = $4 AND signed_as = '{signed_as}' AND voided_at IS NULL"))
            .bind(at)
            .bind(reason)
            .bind(tenant)
            .bind(id)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(r > 0)
    }

    async fn signatures(&mut self, tenant: i64, what: Signed) -> RepoResult<Vec<SignatureRecord>> {
        let (column, id, signed_as) = about(what);
        let rows = query(format!(
            "SELECT signer_name, capacity, signed_at, document_id, sha256, voided_at, voided_reason, evidence FROM signatures WHERE tenant_id = $1 AND {column} = $2 AND signed_as = '{signed_as}' ORDER BY id"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| SignatureRecord {
                signer_name: r.get("signer_name"),
                capacity: SignerCapacity::from_code(r.get("capacity"))
                    .unwrap_or(SignerCapacity::Myself),
                signed_at: r.get("signed_at"),
                document_id: r.get("document_id"),
                sha256: r.get("sha256"),
                voided: r.get::<Option<String>, _>("voided_at").map(|at| {
                    (at, r.get::<Option<String>, _>("voided_reason").unwrap_or_default())
                }),
                eid: evidence(r.get("evidence")),
            })
            .collect())
    }

    async fn standing_signature(
        &mut self,
        tenant: i64,
        what: Signed,
    ) -> RepoResult<Option<(String, String)>> {
        let (column, id, signed_as) = about(what);
        let r = query(format!("SELECT sha256, document_id FROM signatures WHERE tenant_id = $1 AND {column} = $2 AND signed_as = '{signed_as}' AND voided_at IS NULL"))
            .bind(tenant)
            .bind(id)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.map(|r| (r.get("sha256"), r.get("document_id"))))
    }

    async fn capacity_of(
        &mut self,
        tenant: i64,
        user: i64,
        recipient: i64,
    ) -> RepoResult<Option<Capacity>> {
        let kind: Option<String> = query(
            "SELECT p.kind FROM representations p JOIN recipients r ON r.id = p.recipient_id
             WHERE p.user_id = $1 AND p.recipient_id = $2 AND r.tenant_id = $3 AND p.ended_on IS NULL",
        )
        .bind(user)
        .bind(recipient)
        .bind(tenant)
        .scalar_optional(self.c())
        .await
        .map_err(err)?;
        Ok(kind.as_deref().and_then(Capacity::from_code))
    }

    async fn month_history(&mut self, tenant: i64, month_id: i64) -> RepoResult<Vec<MonthEvent>> {
        let rows = query(
            "SELECT e.at, u.display_name, e.action, e.reason, e.content_hash, e.snapshot FROM month_events e JOIN users u ON u.id = e.user_id
             WHERE e.tenant_id = $1 AND e.month_report_id = $2 ORDER BY e.id",
        )
        .bind(tenant)
        .bind(month_id)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| MonthEvent {
                at: r.get("at"),
                user_name: r.get("display_name"),
                action: r.get("action"),
                reason: r.get("reason"),
                content_hash: r.get("content_hash"),
                snapshot: r.get("snapshot"),
            })
            .collect())
    }

    async fn months_with_reports(
        &mut self,
        tenant: i64,
        recipients: &[i64],
        from: &str,
    ) -> RepoResult<Vec<String>> {
        let mut out = vec![];
        for r in recipients {
            let months: Vec<String> = query("SELECT DISTINCT month FROM month_reports WHERE tenant_id = $1 AND recipient_id = $2 AND month >= $3 ORDER BY month")
                .bind(tenant)
                .bind(r)
                .bind(from)
                .scalars(self.c())
                .await
                .map_err(err)?;
            out.extend(months);
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    async fn claim(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: &str,
    ) -> RepoResult<Option<ClaimRecord>> {
        let r = query("SELECT id, answers, costs FROM claims WHERE tenant_id = $1 AND recipient_id = $2 AND month = $3")
            .bind(tenant)
            .bind(recipient)
            .bind(month)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.map(|r| ClaimRecord {
            id: r.get("id"),
            answers: r.get("answers"),
            costs: r.get("costs"),
        }))
    }

    async fn save_claim(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: &str,
        answers: &str,
        costs: Option<&str>,
    ) -> RepoResult<i64> {
        query(
            "INSERT INTO claims (tenant_id, recipient_id, month, answers, costs, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (tenant_id, recipient_id, month) DO UPDATE SET answers = excluded.answers, costs = excluded.costs,
                 updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(tenant)
        .bind(recipient)
        .bind(month)
        .bind(answers)
        .bind(costs)
        .bind(engine::clock::iso(chrono::Utc::now()))
        .scalar(self.c())
        .await
        .map_err(err)
    }

    async fn signed_claims(&mut self, tenant: i64, month: &str) -> RepoResult<Vec<i64>> {
        query(
            "SELECT c.recipient_id FROM claims c JOIN signatures s ON s.claim_id = c.id AND s.voided_at IS NULL
             WHERE c.tenant_id = $1 AND c.month = $2 ORDER BY c.recipient_id",
        )
        .bind(tenant)
        .bind(month)
        .scalars(self.c())
        .await
        .map_err(err)
    }

    async fn frozen_parts(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: &str,
    ) -> RepoResult<Vec<FrozenPart>> {
        let rows = query(
            "SELECT f.month_report_id, m.assistant_id, f.sha256, f.parts FROM frozen_reports f JOIN month_reports m ON m.id = f.month_report_id
             WHERE f.tenant_id = $1 AND m.recipient_id = $2 AND m.month = $3
               AND f.version = (SELECT MAX(version) FROM frozen_reports g WHERE g.month_report_id = f.month_report_id)
             ORDER BY f.month_report_id",
        )
        .bind(tenant)
        .bind(recipient)
        .bind(month)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| FrozenPart {
                month_id: r.get("month_report_id"),
                assistant_id: r.get("assistant_id"),
                sha256: r.get("sha256"),
                parts: r.get("parts"),
            })
            .collect())
    }

    async fn audit_chain(&mut self, tenant: Option<i64>) -> RepoResult<Vec<StoredEntry>> {
        let rows = query(format!(
            "SELECT {} FROM audit_log WHERE tenant_id IS NOT DISTINCT FROM $1 ORDER BY id",
            super::audit::ENTRY_COLUMNS
        ))
        .bind(tenant)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows.iter().map(super::audit::stored_entry).collect())
    }

    async fn audit_recent(&mut self, tenant: i64, limit: i64) -> RepoResult<Vec<AuditSummary>> {
        let rows = query(
            "SELECT a.id, a.at, coalesce(u.display_name, a.actor, '') AS who, a.action, a.subject FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
             WHERE a.tenant_id = $1 ORDER BY a.id DESC LIMIT $2",
        )
        .bind(tenant)
        .bind(limit)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| AuditSummary {
                id: r.get("id"),
                at: r.get("at"),
                who: r.get("who"),
                action: r.get("action"),
                subject: r.get("subject"),
            })
            .collect())
    }
}

/// A signature's stored e-legitimation evidence (JSON), if it has any.
pub(super) fn evidence(stored: Option<&str>) -> Option<engine::documents::EidEvidence> {
    stored.and_then(|e| serde_json::from_str(e).ok())
}
