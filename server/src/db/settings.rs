//! The provider's settings and the recipient card's smaller registers (issue 8):
//! the yearly amounts, the rule settings, representatives, absences, ending a decision, and
//! the audited "show personnummer".

use super::DbStore;
use super::err;
use super::queries::{date, masked};
use super::sql::{Query, Row, query};
use async_trait::async_trait;
use chrono::NaiveDate;
use engine::people::Capacity;
use engine::register::{AssistantInput, RecipientInput};
use engine::rules::{Absence, RuleConfig};
use engine::settings::absence_kind_code;
use engine::{Provider, RateTable};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;
use store::RepresentativeRecord;
use store::{AccountOwner, PersonRef, RepoResult, SettingsStore, Terms};

/// Stored rule settings; the engine's defaults where none are stored (or, impossibly, they no
/// longer parse).
fn rule_config_of(tenant: i64, json: Option<String>) -> RuleConfig {
    json.and_then(|j| {
        serde_json::from_str(&j)
            .map_err(|e| tracing::error!(tenant, "stored rule settings do not parse: {e}"))
            .ok()
    })
    .unwrap_or_default()
}

#[async_trait]
impl SettingsStore for DbStore {
    async fn tenant_count(&mut self) -> RepoResult<i64> {
        query("SELECT COUNT(*) FROM tenants").scalar(self.c()).await.map_err(err)
    }

    async fn tenant_by_org_number(&mut self, org_number: &str) -> RepoResult<Option<i64>> {
        query("SELECT id FROM tenants WHERE org_number = $1")
            .bind(org_number)
            .scalar_optional(self.c())
            .await
            .map_err(err)
    }

    async fn create_tenant(
        &mut self,
        name: &str,
        org_number: &str,
        contact_person: &str,
        phone: &str,
    ) -> RepoResult<i64> {
        query("INSERT INTO tenants (name, org_number, contact_person, phone) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(name)
            .bind(org_number)
            .bind(contact_person)
            .bind(phone)
            .scalar(self.c())
            .await
            .map_err(err)
    }

    async fn set_password(
        &mut self,
        tenant: i64,
        user: i64,
        password_hash: &str,
    ) -> RepoResult<bool> {
        let done = query("UPDATE users SET password_hash = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(password_hash)
            .bind(tenant)
            .bind(user)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(done == 1)
    }

    async fn save_provider(&mut self, tenant: i64, p: &Provider) -> RepoResult<()> {
        query("UPDATE tenants SET name = $1, org_number = $2, contact_person = $3, phone = $4, f_skatt = $5, ivo_permit = $6 WHERE id = $7")
            .bind(&p.name)
            .bind(p.organisationsnummer.as_str())
            .bind(&p.contact_person)
            .bind(&p.phone)
            .bind(p.f_skatt)
            .bind(&p.ivo_permit)
            .bind(tenant)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    /// One statement for the three: a page used to read them one after another.
    async fn terms(&mut self, tenant: i64) -> RepoResult<Terms> {
        Ok(terms_of(tenant, &terms_query(tenant).fetch_all(self.c()).await.map_err(err)?))
    }

    async fn set_rate(
        &mut self,
        tenant: i64,
        year: i32,
        amount: Decimal,
    ) -> RepoResult<Option<Decimal>> {
        let before: Option<String> =
            query("SELECT amount FROM rates WHERE tenant_id = $1 AND year = $2")
                .bind(tenant)
                .bind(year)
                .scalar_optional(self.c())
                .await
                .map_err(err)?;
        query("INSERT INTO rates (tenant_id, year, amount) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, year) DO UPDATE SET amount = excluded.amount")
            .bind(tenant)
            .bind(year)
            .bind(amount)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(before.and_then(|b| Decimal::from_str(&b).ok()))
    }

    async fn save_rule_config(&mut self, tenant: i64, c: &RuleConfig) -> RepoResult<()> {
        let json = serde_json::to_string(c).map_err(|e| store::RepoError::Db(e.to_string()))?;
        query("INSERT INTO rule_settings (tenant_id, settings) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET settings = excluded.settings")
            .bind(tenant)
            .bind(json)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }

    async fn account_of(
        &mut self,
        tenant: i64,
        owner: AccountOwner,
    ) -> RepoResult<Option<(i64, String, bool)>> {
        let q = match owner {
            AccountOwner::Assistant(id) => query("SELECT id, username, active FROM users WHERE tenant_id = $1 AND assistant_id = $2 AND role = 'assistant' ORDER BY id LIMIT 1").bind(tenant).bind(id),
            AccountOwner::Recipient(id) => query("SELECT id, username, active FROM users WHERE tenant_id = $1 AND recipient_id = $2 AND role = 'recipient' ORDER BY id LIMIT 1").bind(tenant).bind(id),
            AccountOwner::Representative { recipient, user } => query(
                "SELECT u.id, u.username, u.active FROM users u JOIN representations p ON p.user_id = u.id
                 WHERE u.tenant_id = $1 AND p.recipient_id = $2 AND u.id = $3 AND u.role = 'representative'",
            )
            .bind(tenant)
            .bind(recipient)
            .bind(user),
            AccountOwner::WorkLeader(user) => query("SELECT id, username, active FROM users WHERE tenant_id = $1 AND id = $2 AND role = 'work_leader'").bind(tenant).bind(user),
        };
        let r = q.fetch_optional(self.c()).await.map_err(err)?;
        Ok(r.map(|r| (r.get("id"), r.get("username"), r.get::<i64, _>("active") != 0)))
    }

    async fn representatives_of(
        &mut self,
        tenant: i64,
        recipient: i64,
    ) -> RepoResult<Vec<RepresentativeRecord>> {
        let rows = query(
            "SELECT u.id, u.display_name, u.username, u.email, u.active, u.personnummer, u.password_hash <> '!' AS has_password, p.kind, p.ended_on
             FROM representations p JOIN users u ON u.id = p.user_id
             WHERE u.tenant_id = $1 AND p.recipient_id = $2 ORDER BY p.ended_on IS NOT NULL, u.display_name, u.id",
        )
        .bind(tenant)
        .bind(recipient)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(RepresentativeRecord {
                    user: r.get("id"),
                    name: r.get("display_name"),
                    capacity: Capacity::from_code(r.get("kind"))?,
                    personnummer_masked: r
                        .get::<Option<&str>, _>("personnummer")
                        .map(masked)
                        .unwrap_or_default(),
                    username: r.get("username"),
                    email: r.get("email"),
                    active: r.get::<i64, _>("active") != 0,
                    ended_on: r.get("ended_on"),
                    has_password: r.get::<i64, _>("has_password") != 0,
                })
            })
            .collect())
    }

    async fn representative_by_personnummer(
        &mut self,
        tenant: i64,
        personnummer: &str,
    ) -> RepoResult<Option<i64>> {
        query("SELECT id FROM users WHERE tenant_id = $1 AND personnummer = $2 AND role = 'representative'").bind(tenant).bind(personnummer).scalar_optional(self.c()).await.map_err(err)
    }

    async fn link_representative(
        &mut self,
        tenant: i64,
        recipient: i64,
        user: i64,
        capacity: Capacity,
    ) -> RepoResult<()> {
        query(
            "INSERT INTO representations (user_id, recipient_id, kind)
             SELECT u.id, r.id, $4 FROM users u JOIN recipients r ON r.tenant_id = u.tenant_id WHERE u.tenant_id = $1 AND r.id = $2 AND u.id = $3
             ON CONFLICT (user_id, recipient_id) DO UPDATE SET kind = excluded.kind, ended_on = NULL",
        )
        .bind(tenant)
        .bind(recipient)
        .bind(user)
        .bind(capacity.code())
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(())
    }

    async fn end_representation(
        &mut self,
        tenant: i64,
        recipient: i64,
        user: i64,
        on: NaiveDate,
    ) -> RepoResult<bool> {
        let done = query(
            "UPDATE representations SET ended_on = $1 WHERE recipient_id = $2 AND user_id = $3 AND ended_on IS NULL
             AND user_id IN (SELECT id FROM users WHERE tenant_id = $4)",
        )
        .bind(date(on))
        .bind(recipient)
        .bind(user)
        .bind(tenant)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(done == 1)
    }

    async fn absences_of(
        &mut self,
        tenant: i64,
        recipient: i64,
    ) -> RepoResult<Vec<(i64, Absence)>> {
        let rows = query(format!("SELECT {} FROM absences WHERE tenant_id = $1 AND recipient_id = $2 ORDER BY from_date DESC, id DESC", super::people::ABSENCE_COLUMNS))
            .bind(tenant)
            .bind(recipient)
            .fetch_all(self.c())
            .await
            .map_err(err)?;
        Ok(rows.iter().filter_map(|r| Some((r.get("id"), super::people::absence(r)?))).collect())
    }

    async fn add_absence(&mut self, tenant: i64, a: &Absence) -> RepoResult<Option<i64>> {
        let overlapping: i64 = query("SELECT COUNT(*) FROM absences WHERE tenant_id = $1 AND recipient_id = $2 AND kind = $3 AND from_date <= $5 AND to_date >= $4")
            .bind(tenant)
            .bind(a.recipient)
            .bind(absence_kind_code(a.kind))
            .bind(date(a.from))
            .bind(date(a.to))
            .scalar(self.c())
            .await
            .map_err(err)?;
        if overlapping > 0 {
            return Ok(None);
        }
        let id = query(
            "INSERT INTO absences (tenant_id, recipient_id, kind, from_date, to_date, assistance_allowed)
             SELECT $1, id, $3, $4, $5, $6 FROM recipients WHERE tenant_id = $1 AND id = $2 RETURNING id",
        )
        .bind(tenant)
        .bind(a.recipient)
        .bind(absence_kind_code(a.kind))
        .bind(date(a.from))
        .bind(date(a.to))
        .bind(a.assistance_allowed)
        .scalar_optional(self.c())
        .await
        .map_err(err)?;
        Ok(id)
    }

    async fn delete_absence(
        &mut self,
        tenant: i64,
        recipient: i64,
        id: i64,
    ) -> RepoResult<Option<Absence>> {
        let r = query(format!("DELETE FROM absences WHERE tenant_id = $1 AND recipient_id = $2 AND id = $3 RETURNING {}", super::people::ABSENCE_COLUMNS))
            .bind(tenant)
            .bind(recipient)
            .bind(id)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.as_ref().and_then(super::people::absence))
    }

    async fn end_decision(
        &mut self,
        tenant: i64,
        recipient: i64,
        id: i64,
        valid_to: NaiveDate,
    ) -> RepoResult<bool> {
        let done = query("UPDATE decisions SET valid_to = $1 WHERE tenant_id = $2 AND recipient_id = $3 AND id = $4 AND valid_from <= $1 AND valid_to >= $1")
            .bind(date(valid_to))
            .bind(tenant)
            .bind(recipient)
            .bind(id)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(done == 1)
    }

    async fn emails(&mut self, tenant: i64, owner: AccountOwner) -> RepoResult<Vec<String>> {
        let q = match owner {
            AccountOwner::Assistant(id) => query("SELECT email FROM users WHERE tenant_id = $1 AND assistant_id = $2 AND role = 'assistant' AND active = TRUE AND email <> ''").bind(tenant).bind(id),
            AccountOwner::Recipient(id) => query(
                "SELECT email FROM users WHERE tenant_id = $1 AND active = TRUE AND email <> '' AND
                 ((role = 'recipient' AND recipient_id = $2) OR (role = 'representative' AND id IN (SELECT user_id FROM representations WHERE recipient_id = $2 AND ended_on IS NULL)))
                 ORDER BY id",
            )
            .bind(tenant)
            .bind(id),
            AccountOwner::Representative { recipient: _, user } | AccountOwner::WorkLeader(user) => query("SELECT email FROM users WHERE tenant_id = $1 AND id = $2 AND active = TRUE AND email <> ''").bind(tenant).bind(user),
        };
        q.scalars(self.c()).await.map_err(err)
    }

    async fn recipients_by_personnummer(
        &mut self,
        tenant: i64,
    ) -> RepoResult<HashMap<String, (i64, RecipientInput)>> {
        let rows = query(
            "SELECT id, personnummer, first_name, last_name FROM recipients WHERE tenant_id = $1",
        )
        .bind(tenant)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r.get::<String, _>("personnummer"),
                    (
                        r.get("id"),
                        RecipientInput {
                            personnummer: String::new(),
                            first_name: r.get("first_name"),
                            last_name: r.get("last_name"),
                        },
                    ),
                )
            })
            .collect())
    }

    async fn assistants_by_personnummer(
        &mut self,
        tenant: i64,
    ) -> RepoResult<HashMap<String, (i64, bool, AssistantInput)>> {
        let rows = query(format!(
            "SELECT {} FROM assistants WHERE tenant_id = $1",
            super::queries::ASSISTANT_FORM_COLUMNS
        ))
        .bind(tenant)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| {
                let (_, has_date, input) = super::queries::assistant_input(r);
                (r.get::<String, _>("personnummer"), (r.get("id"), has_date, input))
            })
            .collect())
    }

    async fn assignment_exists(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        from: NaiveDate,
    ) -> RepoResult<bool> {
        let n: i64 = query("SELECT COUNT(*) FROM assignments WHERE tenant_id = $1 AND assistant_id = $2 AND recipient_id = $3 AND valid_from = $4")
            .bind(tenant)
            .bind(assistant)
            .bind(recipient)
            .bind(date(from))
            .scalar(self.c())
            .await
            .map_err(err)?;
        Ok(n > 0)
    }

    async fn save_import_draft(
        &mut self,
        tenant: i64,
        user: i64,
        bytes: &[u8],
        report: &str,
        now: i64,
    ) -> RepoResult<i64> {
        query("DELETE FROM import_drafts WHERE created_at < $1")
            .bind(now - 24 * 3600)
            .execute(self.c())
            .await
            .map_err(err)?;
        query("INSERT INTO import_drafts (tenant_id, user_id, bytes, report, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(tenant)
            .bind(user)
            .bind(bytes)
            .bind(report)
            .bind(now)
            .scalar(self.c())
            .await
            .map_err(err)
    }

    async fn import_draft(
        &mut self,
        tenant: i64,
        user: i64,
        id: i64,
    ) -> RepoResult<Option<(Vec<u8>, String)>> {
        let r = query("SELECT bytes, report FROM import_drafts WHERE tenant_id = $1 AND user_id = $2 AND id = $3").bind(tenant).bind(user).bind(id).fetch_optional(self.c()).await.map_err(err)?;
        Ok(r.map(|r| (r.get("bytes"), r.get("report"))))
    }

    async fn delete_import_draft(&mut self, tenant: i64, id: i64) -> RepoResult<bool> {
        let done = query("DELETE FROM import_drafts WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(done > 0)
    }

    async fn assignment_spans(
        &mut self,
        tenant: i64,
    ) -> RepoResult<(Vec<(i64, NaiveDate, NaiveDate)>, Vec<(i64, i64, NaiveDate, Option<NaiveDate>)>)>
    {
        let decisions =
            query("SELECT recipient_id, valid_from, valid_to FROM decisions WHERE tenant_id = $1")
                .bind(tenant)
                .fetch_all(self.c())
                .await
                .map_err(err)?;
        let assignments = query("SELECT assistant_id, recipient_id, valid_from, valid_to FROM assignments WHERE tenant_id = $1").bind(tenant).fetch_all(self.c()).await.map_err(err)?;
        let day =
            |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
        Ok((
            decisions
                .iter()
                .filter_map(|r| {
                    Some((
                        r.get("recipient_id"),
                        day(r.get("valid_from"))?,
                        day(r.get("valid_to"))?,
                    ))
                })
                .collect(),
            assignments
                .iter()
                .filter_map(|r| {
                    Some((
                        r.get("assistant_id"),
                        r.get("recipient_id"),
                        day(r.get("valid_from"))?,
                        day(r.get("valid_to")),
                    ))
                })
                .collect(),
        ))
    }

    async fn full_personnummer(
        &mut self,
        tenant: i64,
        who: PersonRef,
    ) -> RepoResult<Option<String>> {
        let (sql, id) = match who {
            PersonRef::Assistant(id) => {
                ("SELECT personnummer FROM assistants WHERE tenant_id = $1 AND id = $2", id)
            }
            PersonRef::Recipient(id) => {
                ("SELECT personnummer FROM recipients WHERE tenant_id = $1 AND id = $2", id)
            }
        };
        query(sql).bind(tenant).bind(id).scalar_optional(self.c()).await.map_err(err)
    }
}

/// A municipality's terms in one statement: its LSS amount and rule settings, with a row per
/// yearly amount ([`terms_of`] reads them).
pub(super) fn terms_query(tenant: i64) -> Query<'static> {
    query(
        "SELECT t.lss_rate, s.settings, r.year, r.amount FROM tenants t
         LEFT JOIN rule_settings s ON s.tenant_id = t.id LEFT JOIN rates r ON r.tenant_id = t.id
         WHERE t.id = $1",
    )
    .bind(tenant)
}

pub(super) fn terms_of(tenant: i64, rows: &[Row]) -> Terms {
    let Some(first) = rows.first() else { return Terms::default() };
    let mut rates = RateTable::default();
    for r in rows {
        if let (Some(year), Some(Ok(amount))) = (
            r.get::<Option<i64>, _>("year"),
            r.get::<Option<String>, _>("amount").map(|a| Decimal::from_str(&a)),
        ) {
            rates.set(year as i32, amount);
        }
    }
    Terms {
        rates,
        lss_rate: super::export::lss_rate_of(first.get("lss_rate")),
        rules: rule_config_of(tenant, first.get("settings")),
    }
}
