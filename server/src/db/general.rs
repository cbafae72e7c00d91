//! The storage port's general part ([`Store`]) on either database: every query once, run by
//! [`DbStore`] on a pooled connection (reads) or inside a write transaction (changes).

use super::queries::*;
use super::sql::query;
use super::{DbStore, err};
use async_trait::async_trait;
use chrono::NaiveDate;
use engine::fk::Frozen3059;
use engine::people::Role;
use engine::register::{
    AssignmentData, AssignmentError, AssistantData, AssistantInput, RecipientData, RecipientInput,
};
use engine::rules::RowFacts;
use engine::{Decision, Employer, Funder, Granted, Regime};
use engine::{MonthStatus, Organisationsnummer, Provider, ReportMonth, TimeRow};
use std::ops::RangeInclusive;
use store::{AssignmentRecord, AssistantSummary, RecipientSummary, StoredDecision};
use store::{
    AssistantMonth, AuditEntry, Caller, Credentials, MonthRecord, NewLogin, OnRefusal, People,
    RepoResult, RowContext, Store, StoredRow, Throttle,
};

#[async_trait]
impl Store for DbStore {
    async fn finish(self: Box<Self>) -> RepoResult<()> {
        (*self).end().await
    }

    async fn credentials(&mut self, username: &str) -> RepoResult<Option<Credentials>> {
        let r = query("SELECT id, tenant_id, password_hash, session_epoch FROM users WHERE username = $1 AND active = TRUE")
            .bind(username)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.map(|r| Credentials {
            user_id: r.get("id"),
            tenant_id: r.get("tenant_id"),
            password_hash: r.get("password_hash"),
            session_epoch: r.get("session_epoch"),
        }))
    }

    async fn caller(&mut self, user_id: i64) -> RepoResult<Option<Caller>> {
        let Some(r) = query(
            "SELECT u.id, u.tenant_id, t.name AS tenant_name, u.role, u.display_name, u.assistant_id, u.recipient_id, u.session_epoch, t.strong_for
             FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1 AND u.active = TRUE",
        )
        .bind(user_id)
        .fetch_optional(self.c())
        .await
        .map_err(err)?
        else {
            return Ok(None);
        };
        let Some(role) = Role::from_code(r.get("role")) else { return Ok(None) };
        let tenant_id: i64 = r.get("tenant_id");
        let recipient_ids = match role {
            Role::Recipient => r.get::<Option<i64>, _>("recipient_id").into_iter().collect(),
            Role::Representative => query(
                "SELECT p.recipient_id FROM representations p JOIN recipients r ON r.id = p.recipient_id
                 WHERE p.user_id = $1 AND r.tenant_id = $2 AND p.ended_on IS NULL ORDER BY p.recipient_id",
            )
            .bind(user_id)
            .bind(tenant_id)
            .scalars(self.c())
            .await
            .map_err(err)?,
            Role::WorkLeader => query(
                "SELECT recipient_id FROM work_leader_recipients WHERE user_id = $1 AND tenant_id = $2 ORDER BY recipient_id",
            )
            .bind(user_id)
            .bind(tenant_id)
            .scalars(self.c())
            .await
            .map_err(err)?,
            _ => vec![],
        };
        Ok(Some(Caller {
            user_id,
            tenant_id,
            tenant_name: r.get("tenant_name"),
            role,
            display_name: r.get("display_name"),
            assistant_id: if role == Role::Assistant { r.get("assistant_id") } else { None },
            recipient_ids,
            session_epoch: r.get("session_epoch"),
            strong_for: engine::people::StrongFor::parse(r.get("strong_for")),
        }))
    }

    async fn assigned_recipients(
        &mut self,
        tenant: i64,
        assistant: i64,
        month: ReportMonth,
    ) -> RepoResult<Vec<(i64, String)>> {
        Ok(names_of(
            &assigned_recipients_query(tenant, assistant, month)
                .fetch_all(self.c())
                .await
                .map_err(err)?,
        ))
    }

    async fn is_assigned(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        on: NaiveDate,
    ) -> RepoResult<bool> {
        Ok(assigned_of(
            &is_assigned_query(tenant, assistant, recipient, on)
                .fetch_all(self.c())
                .await
                .map_err(err)?,
        ))
    }

    async fn recipient_names(
        &mut self,
        tenant: i64,
        ids: &[i64],
    ) -> RepoResult<Vec<(i64, String)>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "SELECT id, first_name || ' ' || last_name AS name FROM recipients WHERE tenant_id = $1 AND id IN {} ORDER BY name",
            in_list(2, ids.len())
        );
        let mut q = query(&sql).bind(tenant);
        for id in ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(self.c()).await.map_err(err)?;
        Ok(rows.iter().map(|r| (r.get("id"), r.get("name"))).collect())
    }

    async fn assistant_rows(
        &mut self,
        tenant: i64,
        assistant: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> RepoResult<Vec<StoredRow>> {
        Ok(stored_rows(
            &assistant_rows_query(tenant, assistant, from, to)
                .fetch_all(self.c())
                .await
                .map_err(err)?,
        ))
    }

    async fn assistant_row(
        &mut self,
        tenant: i64,
        assistant: i64,
        row_id: i64,
    ) -> RepoResult<Option<StoredRow>> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM time_rows WHERE tenant_id = $1 AND assistant_id = $2 AND id = $3"
        );
        let r = query(&sql)
            .bind(tenant)
            .bind(assistant)
            .bind(row_id)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.as_ref().and_then(stored_row))
    }

    async fn insert_row(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        row: &TimeRow,
        by_user: i64,
        then: OnRefusal,
    ) -> RepoResult<i64> {
        let sql =
            format!("INSERT INTO time_rows ({ROW_INSERT}) VALUES ({ROW_VALUES}) RETURNING id");
        let q = row_values(query(sql), tenant, assistant, recipient, row, by_user);
        match then {
            // A refused row (the database's own overlap guard) leaves the change going on, as
            // it does on SQLite, so copying a week can skip one row and keep the rest.
            OnRefusal::GoOn => self.c().refusable(|c| Box::pin(q.scalar(c))).await.map_err(err),
            // The change ends: PostgreSQL's refused transaction is rolled back to the change's
            // own savepoint when it is dropped.
            OnRefusal::End => q.scalar(self.c()).await.map_err(err),
        }
    }

    async fn delete_row(
        &mut self,
        tenant: i64,
        assistant: i64,
        row_id: i64,
    ) -> RepoResult<Option<StoredRow>> {
        let sql = format!(
            "DELETE FROM time_rows WHERE tenant_id = $1 AND assistant_id = $2 AND id = $3 RETURNING {ROW_COLUMNS}"
        );
        let r = query(&sql)
            .bind(tenant)
            .bind(assistant)
            .bind(row_id)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.as_ref().and_then(stored_row))
    }

    async fn month_rows(
        &mut self,
        tenant: i64,
        month: ReportMonth,
        recipients: Option<&[i64]>,
    ) -> RepoResult<Vec<StoredRow>> {
        let ids = recipients.unwrap_or(&[]);
        if recipients.is_some() && ids.is_empty() {
            return Ok(vec![]);
        }
        let filter = if recipients.is_some() {
            format!(" AND recipient_id IN {}", in_list(4, ids.len()))
        } else {
            String::new()
        };
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM time_rows WHERE tenant_id = $1 AND work_date >= $2 AND work_date <= $3{filter}
             ORDER BY work_date, start_time"
        );
        let mut q =
            query(&sql).bind(tenant).bind(date(month.first_day())).bind(date(month.last_day()));
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_map(self.c(), stored_row).await.map_err(err)
    }

    async fn month_record(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        month: ReportMonth,
    ) -> RepoResult<MonthRecord> {
        query(
            "INSERT INTO month_reports (tenant_id, assistant_id, recipient_id, month) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, assistant_id, recipient_id, month) DO NOTHING",
        )
        .bind(tenant)
        .bind(assistant)
        .bind(recipient)
        .bind(month.to_string())
        .execute(self.c())
        .await
        .map_err(err)?;
        let r = query(
            format!("{MONTH_REPORT_SELECT} WHERE m.tenant_id = $1 AND m.assistant_id = $2 AND m.recipient_id = $3 AND m.month = $4"),
        )
        .bind(tenant)
        .bind(assistant)
        .bind(recipient)
        .bind(month.to_string())
        .fetch_one(self.c())
        .await
        .map_err(err)?;
        Ok(month_record(&r))
    }

    async fn month_record_by_id(
        &mut self,
        tenant: i64,
        id: i64,
    ) -> RepoResult<Option<(MonthRecord, ReportMonth)>> {
        let r = query(format!("{MONTH_REPORT_SELECT} WHERE m.tenant_id = $1 AND m.id = $2"))
            .bind(tenant)
            .bind(id)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.and_then(|r| Some((month_record(&r), ReportMonth::parse(r.get("month"))?))))
    }

    async fn month_records(
        &mut self,
        tenant: i64,
        month: ReportMonth,
        recipients: Option<&[i64]>,
        assistant: Option<i64>,
    ) -> RepoResult<Vec<MonthRecord>> {
        if recipients.is_some_and(|ids| ids.is_empty()) {
            return Ok(vec![]);
        }
        // A municipality's month is thousands of pairs: read as they come.
        month_records_query(tenant, month, recipients, assistant)
            .fetch_map(self.c(), |r| Some(month_record(r)))
            .await
            .map_err(err)
    }

    async fn transition(
        &mut self,
        tenant: i64,
        id: i64,
        from: MonthStatus,
        to: MonthStatus,
        by_user: i64,
        reason: Option<&str>,
    ) -> RepoResult<bool> {
        let done = query(
            "UPDATE month_reports SET status = $1, rejected_reason = $2, updated_by = $3, updated_at = CURRENT_TIMESTAMP
             WHERE tenant_id = $4 AND id = $5 AND status = $6",
        )
        .bind(to.code())
        .bind(reason)
        .bind(by_user)
        .bind(tenant)
        .bind(id)
        .bind(from.code())
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(done == 1)
    }

    async fn assistant_month(
        &mut self,
        tenant: i64,
        assistant: i64,
        user: i64,
        month: ReportMonth,
        plan: RangeInclusive<NaiveDate>,
    ) -> RepoResult<AssistantMonth> {
        let (c, kept) = self.c_keeping();
        super::pages::assistant_month(c, kept, tenant, assistant, user, month, plan).await
    }

    async fn row_context(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        date: NaiveDate,
        near: RangeInclusive<NaiveDate>,
    ) -> RepoResult<RowContext> {
        let (c, kept) = self.c_keeping();
        super::pages::row_context(c, kept, tenant, assistant, recipient, date, near).await
    }

    async fn row_recheck(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        date: NaiveDate,
    ) -> RepoResult<store::RowRecheck> {
        super::pages::row_recheck(self.c(), tenant, assistant, recipient, date).await
    }

    async fn row_facts(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: Option<i64>,
    ) -> RepoResult<Vec<RowFacts>> {
        Ok(super::people::load_people(self.c(), tenant, Some(assistant), recipient)
            .await?
            .row_facts(assistant, recipient))
    }

    async fn people(&mut self, tenant: i64) -> RepoResult<People> {
        super::people::load_people(self.c(), tenant, None, None).await
    }

    async fn rows_between(
        &mut self,
        tenant: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> RepoResult<Vec<StoredRow>> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM time_rows WHERE tenant_id = $1 AND work_date >= $2 AND work_date <= $3 ORDER BY work_date, start_time"
        );
        query(&sql)
            .bind(tenant)
            .bind(date(from))
            .bind(date(to))
            .fetch_map(self.c(), stored_row)
            .await
            .map_err(err)
    }

    async fn month_status(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        month: ReportMonth,
    ) -> RepoResult<Option<(i64, MonthStatus)>> {
        Ok(status_of(
            &month_status_query(tenant, assistant, recipient, month)
                .fetch_all(self.c())
                .await
                .map_err(err)?,
        ))
    }

    async fn month_event(
        &mut self,
        tenant: i64,
        month_id: i64,
        user: i64,
        action: &str,
        reason: Option<&str>,
        content_hash: &str,
        snapshot: Option<&str>,
    ) -> RepoResult<()> {
        query("INSERT INTO month_events (tenant_id, month_report_id, user_id, action, reason, content_hash, snapshot) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(tenant)
            .bind(month_id)
            .bind(user)
            .bind(action)
            .bind(reason)
            .bind(content_hash)
            .bind(snapshot)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn idempotent_outcome(&mut self, user: i64, key: &str) -> RepoResult<Option<String>> {
        if let Some(o) = self.change_mut().and_then(|c| c.outcome(user, key)) {
            return Ok(Some(o));
        }
        query("SELECT outcome FROM idempotency_keys WHERE user_id = $1 AND key = $2")
            .bind(user)
            .bind(key)
            .scalar_optional(self.c())
            .await
            .map_err(err)
    }

    async fn remember_outcome(
        &mut self,
        user: i64,
        key: &str,
        action: &str,
        outcome: &str,
    ) -> RepoResult<()> {
        let o = super::deferred::Outcome {
            user,
            key: key.to_string(),
            action: action.to_string(),
            outcome: outcome.to_string(),
        };
        match self.change_mut() {
            Some(change) => {
                change.remember(o);
                Ok(())
            }
            None => super::deferred::insert_outcomes(self.c(), &[o]).await,
        }
    }

    async fn audit(&mut self, e: &AuditEntry) -> RepoResult<()> {
        // A chain grows under its own lock only: a municipality's change appends to that
        // municipality's chain, never to another's or the installation's (which would then be
        // appended to by two municipalities' changes at once, and fork).
        if let Some(Some(t)) = self.scope()
            && e.tenant != Some(t)
        {
            return Err(store::RepoError::Db(format!(
                "an audit entry of {:?} in a change of municipality {t}",
                e.tenant
            )));
        }
        let prev = match self.change_mut().and_then(|c| c.audit_head(e.tenant)) {
            Some(head) => head,
            None => super::audit::head(self.c(), e.tenant).await?,
        };
        let sealed = super::audit::seal_entry(e, prev);
        match self.change_mut() {
            Some(change) => {
                change.audit(sealed);
                Ok(())
            }
            None => super::audit::insert(self.c(), &[sealed]).await,
        }
    }

    async fn throttle(&mut self, key: &str) -> RepoResult<Throttle> {
        let r = query("SELECT failures, blocked_until FROM login_throttle WHERE key = $1")
            .bind(key)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.map(|r| Throttle {
            failures: r.get("failures"),
            blocked_until: r.get("blocked_until"),
        })
        .unwrap_or_default())
    }

    async fn set_throttle(&mut self, key: &str, t: Throttle, now: i64) -> RepoResult<()> {
        query(
            "INSERT INTO login_throttle (key, failures, last_failure, blocked_until) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure = excluded.last_failure, blocked_until = excluded.blocked_until",
        )
        .bind(key)
        .bind(t.failures)
        .bind(now)
        .bind(t.blocked_until)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(())
    }

    async fn clear_throttle(&mut self, key: &str) -> RepoResult<()> {
        query("UPDATE login_throttle SET failures = 0, blocked_until = 0 WHERE key = $1")
            .bind(key)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn note_refused(&mut self, key: &str, now: i64) -> RepoResult<()> {
        query("UPDATE login_throttle SET refused = refused + 1, refused_since = CASE WHEN refused = 0 THEN $2 ELSE refused_since END WHERE key = $1")
            .bind(key)
            .bind(now)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn refused_attempts(&mut self) -> RepoResult<Vec<(String, i64, i64)>> {
        let rows = query(
            "SELECT key, refused, refused_since FROM login_throttle WHERE refused > 0 ORDER BY key",
        )
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows.iter().map(|r| (r.get("key"), r.get("refused"), r.get("refused_since"))).collect())
    }

    async fn summarised(&mut self, key: &str, n: i64) -> RepoResult<()> {
        query("UPDATE login_throttle SET refused = refused - $2 WHERE key = $1")
            .bind(key)
            .bind(n)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn login_user(&mut self, username: &str) -> RepoResult<Option<(i64, i64)>> {
        let r = query("SELECT tenant_id, id FROM users WHERE lower(username) = $1")
            .bind(username)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.map(|r| (r.get("tenant_id"), r.get("id"))))
    }

    async fn provider(&mut self, tenant: i64) -> RepoResult<Option<Provider>> {
        let r = query("SELECT name, org_number, contact_person, phone, f_skatt, ivo_permit FROM tenants WHERE id = $1").bind(tenant).fetch_optional(self.c()).await.map_err(err)?;
        Ok(r.and_then(|r| {
            Some(Provider {
                name: r.get("name"),
                organisationsnummer: Organisationsnummer::parse(r.get("org_number"))?,
                contact_person: r.get("contact_person"),
                phone: r.get("phone"),
                f_skatt: r.get::<i64, _>("f_skatt") != 0,
                ivo_permit: r.get("ivo_permit"),
            })
        }))
    }

    async fn last_event(
        &mut self,
        tenant: i64,
        month_id: i64,
        action: &str,
    ) -> RepoResult<Option<(String, Option<String>)>> {
        let r = query("SELECT at, content_hash FROM month_events WHERE tenant_id = $1 AND month_report_id = $2 AND action = $3 ORDER BY id DESC LIMIT 1")
            .bind(tenant)
            .bind(month_id)
            .bind(action)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.map(|r| (r.get("at"), r.get("content_hash"))))
    }

    async fn store_frozen(
        &mut self,
        tenant: i64,
        month_id: i64,
        report: &Frozen3059,
        parts: &str,
        by_user: i64,
    ) -> RepoResult<()> {
        query(
            "INSERT INTO frozen_reports (tenant_id, month_report_id, version, report_id, xml, sha256, attested_by, parts)
             VALUES ($1, $2, (SELECT COALESCE(MAX(version), 0) + 1 FROM frozen_reports WHERE month_report_id = $2), $3, $4, $5, $6, $7)",
        )
        .bind(tenant)
        .bind(month_id)
        .bind(&report.id)
        .bind(&report.bytes)
        .bind(&report.sha256)
        .bind(by_user)
        .bind(parts)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(())
    }

    async fn frozen(&mut self, tenant: i64, month_id: i64) -> RepoResult<Option<Frozen3059>> {
        let r = query("SELECT report_id, xml, sha256 FROM frozen_reports WHERE tenant_id = $1 AND month_report_id = $2 ORDER BY version DESC LIMIT 1")
            .bind(tenant)
            .bind(month_id)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.map(|r| Frozen3059 {
            id: r.get("report_id"),
            bytes: r.get("xml"),
            sha256: r.get("sha256"),
        }))
    }

    async fn assistant_list(
        &mut self,
        tenant: i64,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> RepoResult<(Vec<AssistantSummary>, i64)> {
        let like = like_pattern(search);
        let filter =
            "tenant_id = $1 AND lower(first_name || ' ' || last_name) LIKE lower($2) ESCAPE '\\'";
        let total: i64 = query(format!("SELECT COUNT(*) FROM assistants WHERE {filter}"))
            .bind(tenant)
            .bind(&like)
            .scalar(self.c())
            .await
            .map_err(err)?;
        let rows = query(format!(
            "SELECT id, first_name || ' ' || last_name AS name, personnummer, regime, phone FROM assistants WHERE {filter}
             ORDER BY last_name, first_name, id LIMIT $3 OFFSET $4"
        ))
        .bind(tenant)
        .bind(&like)
        .bind(limit)
        .bind(offset)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        let items = rows
            .iter()
            .map(|r| AssistantSummary {
                id: r.get("id"),
                name: r.get("name"),
                personnummer_masked: masked(r.get("personnummer")),
                regime: r.get("regime"),
                phone: r.get("phone"),
            })
            .collect();
        Ok((items, total))
    }

    async fn assistant_form(
        &mut self,
        tenant: i64,
        id: i64,
    ) -> RepoResult<Option<(String, bool, AssistantInput)>> {
        let r = query(format!(
            "SELECT {ASSISTANT_FORM_COLUMNS} FROM assistants WHERE tenant_id = $1 AND id = $2"
        ))
        .bind(tenant)
        .bind(id)
        .fetch_optional(self.c())
        .await
        .map_err(err)?;
        Ok(r.as_ref().map(assistant_input))
    }

    async fn save_assistant(
        &mut self,
        tenant: i64,
        id: Option<i64>,
        a: &AssistantData,
    ) -> RepoResult<Option<i64>> {
        let (regime, period_start, period_months, allow_24h) = match a.regime {
            Regime::Atl { period_start, period_months } => {
                ("atl", period_start, Some(period_months as i64), false)
            }
            Regime::HusligtArbete { period_start } => ("husligt_arbete", period_start, None, false),
            Regime::AbBilagaJ { allow_24h_shifts, period_start, period_months } => {
                ("ab_bilaga_j", period_start, Some(period_months as i64), allow_24h_shifts)
            }
        };
        let (employer, other_name, other_org) = match &a.employer {
            Employer::Provider => ("provider", None, None),
            Employer::Other { name, organisationsnummer } => {
                ("other", Some(name.clone()), Some(organisationsnummer.clone()))
            }
            Employer::SelfEmployed => ("self", None, None),
            Employer::Recipient => ("recipient", None, None),
        };
        let sql = match id {
            None => "INSERT INTO assistants (first_name, last_name, birth_date, eea_resident, regime, period_start, period_months, allow_24h_shifts,
                        collective_agreement, employer, other_employer_name, other_employer_org, phone, tenant_id, personnummer, employee_number)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $17) RETURNING id",
            Some(_) => "UPDATE assistants SET first_name = $1, last_name = $2, birth_date = $3, eea_resident = $4, regime = $5, period_start = $6,
                        period_months = $7, allow_24h_shifts = $8, collective_agreement = $9, employer = $10, other_employer_name = $11,
                        other_employer_org = $12, phone = $13, personnummer = COALESCE($15, personnummer), employee_number = $17
                     WHERE tenant_id = $14 AND id = $16 RETURNING id",
        };
        query(sql)
            .bind(&a.first_name)
            .bind(&a.last_name)
            .bind(a.birth_date)
            .bind(a.eea_resident)
            .bind(regime)
            .bind(period_start)
            .bind(period_months)
            .bind(allow_24h)
            .bind(a.collective_agreement)
            .bind(employer)
            .bind(other_name)
            .bind(other_org)
            .bind(&a.phone)
            .bind(tenant)
            .bind(a.personnummer.as_ref().map(|p| p.full().to_string()))
            .bind(id)
            .bind(&a.employee_number)
            .scalar_optional(self.c())
            .await
            .map_err(err)
    }

    async fn create_account(&mut self, tenant: i64, l: &NewLogin<'_>) -> RepoResult<i64> {
        // "!" is no PHC string: no password verifies against it until one is chosen.
        query(
            "INSERT INTO users (tenant_id, username, password_hash, display_name, role, assistant_id, recipient_id, email, personnummer)
             VALUES ($1, $2, '!', $3, $4, $5, $6, $7, $8) RETURNING id",
        )
            .bind(tenant)
            .bind(l.username)
            .bind(l.display_name)
            .bind(l.role.code())
            .bind(l.assistant)
            .bind(l.recipient)
            .bind(l.email)
            .bind(l.personnummer)
            .scalar(self.c())
            .await
            .map_err(err)
    }

    async fn create_invitation(
        &mut self,
        tenant: i64,
        user: i64,
        token_sha256: &str,
        expires_at: i64,
        by_user: i64,
        now: i64,
    ) -> RepoResult<()> {
        query("UPDATE invitations SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(user)
            .execute(self.c())
            .await
            .map_err(err)?;
        // A new link is a password reset: the sessions started with the old password end
        // (a password set through the link ends them again, by the database's trigger).
        query(
            "UPDATE users SET session_epoch = session_epoch + 1 WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant)
        .bind(user)
        .execute(self.c())
        .await
        .map_err(err)?;
        query("INSERT INTO invitations (tenant_id, user_id, token_sha256, expires_at, created_by) VALUES ($1, $2, $3, $4, $5)")
            .bind(tenant)
            .bind(user)
            .bind(token_sha256)
            .bind(expires_at)
            .bind(by_user)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn open_invitation(
        &mut self,
        token_sha256: &str,
        now: i64,
    ) -> RepoResult<Option<(i64, i64, i64, String)>> {
        let r = query(
            "SELECT i.id, i.tenant_id, i.user_id, u.username FROM invitations i JOIN users u ON u.id = i.user_id
             WHERE i.token_sha256 = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND u.active = TRUE",
        )
        .bind(token_sha256)
        .bind(now)
        .fetch_optional(self.c())
        .await
        .map_err(err)?;
        Ok(r.map(|r| (r.get("id"), r.get("tenant_id"), r.get("user_id"), r.get("username"))))
    }

    async fn use_invitation(
        &mut self,
        id: i64,
        user: i64,
        password_hash: &str,
        now: i64,
    ) -> RepoResult<bool> {
        let used = query("UPDATE invitations SET used_at = $1 WHERE id = $2 AND user_id = $3 AND used_at IS NULL AND expires_at > $1")
            .bind(now)
            .bind(id)
            .bind(user)
            .execute(self.c())
            .await
            .map_err(err)?;
        if used != 1 {
            return Ok(false);
        }
        query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(true)
    }

    async fn set_account_active(
        &mut self,
        tenant: i64,
        user: i64,
        active: bool,
    ) -> RepoResult<bool> {
        let done = query("UPDATE users SET active = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(active)
            .bind(tenant)
            .bind(user)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(done == 1)
    }

    async fn assignments_of(
        &mut self,
        tenant: i64,
        assistant: i64,
    ) -> RepoResult<Vec<AssignmentRecord>> {
        let rows = query(
            "SELECT a.id, r.first_name || ' ' || r.last_name AS recipient, a.valid_from, a.valid_to, a.fk_notified_on, a.relative
             FROM assignments a JOIN recipients r ON r.id = a.recipient_id AND r.tenant_id = a.tenant_id
             WHERE a.tenant_id = $1 AND a.assistant_id = $2 ORDER BY a.valid_from DESC, a.id DESC",
        )
        .bind(tenant)
        .bind(assistant)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| AssignmentRecord {
                id: r.get("id"),
                recipient: r.get("recipient"),
                valid_from: r.get("valid_from"),
                valid_to: r.get("valid_to"),
                fk_notified_on: r.get("fk_notified_on"),
                relative: r.get::<i64, _>("relative") != 0,
            })
            .collect())
    }

    async fn recipient_choices(&mut self, tenant: i64) -> RepoResult<Vec<(i64, String)>> {
        let rows = query("SELECT id, first_name || ' ' || last_name AS name FROM recipients WHERE tenant_id = $1 ORDER BY last_name, first_name, id")
            .bind(tenant)
            .fetch_all(self.c())
            .await
            .map_err(err)?;
        Ok(rows.iter().map(|r| (r.get("id"), r.get("name"))).collect())
    }

    async fn add_assignment(
        &mut self,
        tenant: i64,
        assistant: i64,
        a: &AssignmentData,
    ) -> RepoResult<Option<Result<i64, AssignmentError>>> {
        let known: i64 = query("SELECT COUNT(*) FROM recipients WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(a.recipient)
            .scalar(self.c())
            .await
            .map_err(err)?;
        if known == 0 {
            return Ok(None);
        }
        let (from, to) = (date(a.valid_from), a.valid_to.map(date));
        let covered: i64 = query("SELECT COUNT(*) FROM decisions WHERE tenant_id = $1 AND recipient_id = $2 AND valid_from <= $3 AND valid_to >= $3")
            .bind(tenant)
            .bind(a.recipient)
            .bind(from)
            .scalar(self.c())
            .await
            .map_err(err)?;
        if covered == 0 {
            return Ok(Some(Err(AssignmentError::OutsideDecision)));
        }
        let overlapping: i64 = query(
            "SELECT COUNT(*) FROM assignments WHERE tenant_id = $1 AND assistant_id = $2 AND recipient_id = $3
               AND valid_from <= COALESCE($5, '9999-12-31') AND COALESCE(valid_to, '9999-12-31') >= $4",
        )
        .bind(tenant)
        .bind(assistant)
        .bind(a.recipient)
        .bind(from)
        .bind(to)
        .scalar(self.c())
        .await
        .map_err(err)?;
        if overlapping > 0 {
            return Ok(Some(Err(AssignmentError::Overlaps)));
        }
        let id: i64 = query(
            "INSERT INTO assignments (tenant_id, assistant_id, recipient_id, valid_from, valid_to, fk_notified_on, relative) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(tenant)
        .bind(assistant)
        .bind(a.recipient)
        .bind(from)
        .bind(to)
        .bind(a.fk_notified_on.map(date))
        .bind(a.relative)
        .scalar(self.c())
        .await
        .map_err(err)?;
        Ok(Some(Ok(id)))
    }

    async fn end_assignment(
        &mut self,
        tenant: i64,
        assistant: i64,
        id: i64,
        valid_to: NaiveDate,
    ) -> RepoResult<bool> {
        let done = query("UPDATE assignments SET valid_to = $1 WHERE tenant_id = $2 AND assistant_id = $3 AND id = $4 AND valid_from <= $1")
            .bind(date(valid_to))
            .bind(tenant)
            .bind(assistant)
            .bind(id)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(done == 1)
    }

    async fn recipient_list(
        &mut self,
        tenant: i64,
        search: &str,
        offset: i64,
        limit: i64,
    ) -> RepoResult<(Vec<RecipientSummary>, i64)> {
        let like = like_pattern(search);
        let filter =
            "tenant_id = $1 AND lower(first_name || ' ' || last_name) LIKE lower($2) ESCAPE '\\'";
        let total: i64 = query(format!("SELECT COUNT(*) FROM recipients WHERE {filter}"))
            .bind(tenant)
            .bind(&like)
            .scalar(self.c())
            .await
            .map_err(err)?;
        let rows = query(format!("SELECT id, first_name || ' ' || last_name AS name, personnummer FROM recipients WHERE {filter} ORDER BY last_name, first_name, id LIMIT $3 OFFSET $4"))
            .bind(tenant)
            .bind(&like)
            .bind(limit)
            .bind(offset)
            .fetch_all(self.c())
            .await
            .map_err(err)?;
        Ok((
            rows.iter()
                .map(|r| RecipientSummary {
                    id: r.get("id"),
                    name: r.get("name"),
                    personnummer_masked: masked(r.get("personnummer")),
                })
                .collect(),
            total,
        ))
    }

    async fn recipient_form(
        &mut self,
        tenant: i64,
        id: i64,
    ) -> RepoResult<Option<(String, RecipientInput)>> {
        let r = query("SELECT personnummer, first_name, last_name FROM recipients WHERE tenant_id = $1 AND id = $2").bind(tenant).bind(id).fetch_optional(self.c()).await.map_err(err)?;
        Ok(r.map(|r| {
            (
                masked(r.get("personnummer")),
                RecipientInput {
                    personnummer: String::new(),
                    first_name: r.get("first_name"),
                    last_name: r.get("last_name"),
                },
            )
        }))
    }

    async fn save_recipient(
        &mut self,
        tenant: i64,
        id: Option<i64>,
        r: &RecipientData,
    ) -> RepoResult<Option<i64>> {
        let sql = match id {
            None => {
                "INSERT INTO recipients (first_name, last_name, tenant_id, personnummer) VALUES ($1, $2, $3, $4) RETURNING id"
            }
            Some(_) => {
                "UPDATE recipients SET first_name = $1, last_name = $2, personnummer = COALESCE($4, personnummer) WHERE tenant_id = $3 AND id = $5 RETURNING id"
            }
        };
        query(sql)
            .bind(&r.first_name)
            .bind(&r.last_name)
            .bind(tenant)
            .bind(r.personnummer.as_ref().map(|p| p.full().to_string()))
            .bind(id)
            .scalar_optional(self.c())
            .await
            .map_err(err)
    }

    async fn decisions_of(
        &mut self,
        tenant: i64,
        recipient: i64,
    ) -> RepoResult<Vec<StoredDecision>> {
        let rows = query(format!("SELECT {} FROM decisions WHERE tenant_id = $1 AND recipient_id = $2 ORDER BY valid_from DESC, id DESC", super::people::DECISION_COLUMNS))
            .bind(tenant)
            .bind(recipient)
            .fetch_all(self.c())
            .await
            .map_err(err)?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(StoredDecision { id: r.get("id"), decision: super::people::decision(r)? })
            })
            .collect())
    }

    async fn add_decision(&mut self, tenant: i64, d: &Decision) -> RepoResult<Option<i64>> {
        let overlapping: i64 = query("SELECT COUNT(*) FROM decisions WHERE tenant_id = $1 AND recipient_id = $2 AND valid_from <= $4 AND valid_to >= $3")
            .bind(tenant)
            .bind(d.recipient)
            .bind(date(d.valid_from))
            .bind(date(d.valid_to))
            .scalar(self.c())
            .await
            .map_err(err)?;
        if overlapping > 0 {
            return Ok(None);
        }
        let (per, minutes, months) = match d.granted {
            Granted::PerWeek(m) => ("week", m.0, None),
            Granted::PerMonth(m) => ("month", m.0, None),
            Granted::PerPeriod { minutes, months } => ("period", minutes.0, Some(months as i64)),
        };
        let id = query(
            "INSERT INTO decisions (tenant_id, recipient_id, funder, granted_per, granted_minutes, valid_from, valid_to, vantetid_allowed, beredskap_allowed, double_assistance, raised_rate, period_months)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        )
        .bind(tenant)
        .bind(d.recipient)
        .bind(if d.funder == Funder::Lss { "lss" } else { "sfb" })
        .bind(per)
        .bind(minutes)
        .bind(date(d.valid_from))
        .bind(date(d.valid_to))
        .bind(d.vantetid_allowed)
        .bind(d.beredskap_allowed)
        .bind(d.double_assistance)
        .bind(d.raised_rate)
        .bind(months)
        .scalar(self.c())
        .await
        .map_err(err)?;
        Ok(Some(id))
    }
}

/// A new time row's columns and their values ($1 to $14, bound by [`row_values`]).
pub(super) const ROW_INSERT: &str = "tenant_id, assistant_id, recipient_id, work_date, start_time, end_time, ends_next_day, kind, minutes, created_by, dst_fold, start_at, end_at, dst_fold_end";
const ROW_VALUES: &str = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14";

pub(super) fn row_values<'q>(
    q: super::sql::Query<'q>,
    tenant: i64,
    assistant: i64,
    recipient: i64,
    row: &TimeRow,
    by_user: i64,
) -> super::sql::Query<'q> {
    q.bind(tenant)
        .bind(assistant)
        .bind(recipient)
        .bind(date(row.date()))
        .bind(row.start().format("%H:%M").to_string())
        .bind(row.end().format("%H:%M").to_string())
        .bind(row.next_day())
        .bind(row.kind().code())
        .bind(row.minutes().0)
        .bind(by_user)
        .bind(row.fold().map(|f| f.code()))
        .bind(row.start_at().timestamp())
        .bind(row.end_at().timestamp())
        .bind(row.fold_end().map(|f| f.code()))
}
