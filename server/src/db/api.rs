//! Back-office systems' API tokens and the register as the API reads it (issue 29).

use super::DbStore;
use super::err;
use super::queries::{ROW_COLUMNS, date, stored_row};
use super::sql::{Row, query};
use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use engine::register::AssignmentData;
use engine::{MonthStatus, ReportMonth};
use store::{
    ApiAssignment, ApiMonth, ApiPerson, ApiStore, ApiTokenRecord, Lookup, Named, NewApiToken,
    PayrollFacts, RepoResult,
};

const COLUMNS: &str =
    "id, tenant_id, name, scopes, hint, created_by, created_at, expires_on, revoked_at";

fn token_of(r: &Row) -> ApiTokenRecord {
    ApiTokenRecord {
        id: r.get("id"),
        tenant: r.get("tenant_id"),
        name: r.get("name"),
        scopes: r.get("scopes"),
        hint: r.get("hint"),
        created_by: r.get("created_by"),
        created_at: r.get("created_at"),
        expires_on: r.get("expires_on"),
        revoked_at: r.get("revoked_at"),
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[async_trait]
impl ApiStore for DbStore {
    async fn create_api_token(&mut self, t: &NewApiToken<'_>) -> RepoResult<i64> {
        query("INSERT INTO api_tokens (tenant_id, name, scopes, token_sha256, hint, created_by, created_at, expires_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(t.tenant)
            .bind(t.name)
            .bind(t.scopes)
            .bind(t.token_sha256)
            .bind(t.hint)
            .bind(t.created_by)
            .bind(now())
            .bind(t.expires_on)
            .scalar(self.c())
            .await
            .map_err(err)
    }

    async fn api_tokens(&mut self, tenant: i64) -> RepoResult<Vec<ApiTokenRecord>> {
        let rows = query(format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE tenant_id = $1 ORDER BY id DESC"
        ))
        .bind(tenant)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows.iter().map(token_of).collect())
    }

    async fn revoke_api_token(&mut self, tenant: i64, id: i64) -> RepoResult<bool> {
        let n = query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND tenant_id = $3 AND revoked_at IS NULL")
            .bind(now())
            .bind(id)
            .bind(tenant)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(n == 1)
    }

    async fn api_token(&mut self, token_sha256: &str) -> RepoResult<Option<ApiTokenRecord>> {
        let rows = query(format!("SELECT {COLUMNS} FROM api_tokens WHERE token_sha256 = $1"))
            .bind(token_sha256)
            .fetch_all(self.c())
            .await
            .map_err(err)?;
        Ok(rows.first().map(token_of))
    }

    async fn api_people(
        &mut self,
        tenant: i64,
        who: Named,
        after: i64,
        limit: i64,
    ) -> RepoResult<Vec<ApiPerson>> {
        let rows = query(format!(
            "SELECT {PERSON} FROM {} WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
            who.table()
        ))
        .bind(tenant)
        .bind(after)
        .bind(limit)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows.iter().map(person_of).collect())
    }

    async fn api_person(
        &mut self,
        tenant: i64,
        who: Named,
        by: Lookup<'_>,
    ) -> RepoResult<Option<ApiPerson>> {
        let column = match by {
            Lookup::Id(_) => "id",
            Lookup::External(_) => "external_id",
            Lookup::Personnummer(_) => "personnummer",
        };
        let q = query(format!(
            "SELECT {PERSON} FROM {} WHERE tenant_id = $1 AND {column} = $2",
            who.table()
        ))
        .bind(tenant);
        let q = match by {
            Lookup::Id(id) => q.bind(id),
            Lookup::External(s) | Lookup::Personnummer(s) => q.bind(s),
        };
        let rows = q.fetch_all(self.c()).await.map_err(err)?;
        Ok(rows.first().map(person_of))
    }

    async fn named(
        &mut self,
        tenant: i64,
        what: Named,
        external_id: &str,
    ) -> RepoResult<Option<i64>> {
        query(format!("SELECT id FROM {} WHERE tenant_id = $1 AND external_id = $2", what.table()))
            .bind(tenant)
            .bind(external_id)
            .scalar_optional(self.c())
            .await
            .map_err(err)
    }

    async fn set_external_id(
        &mut self,
        tenant: i64,
        what: Named,
        id: i64,
        external_id: &str,
    ) -> RepoResult<()> {
        query(format!(
            "UPDATE {} SET external_id = $1 WHERE tenant_id = $2 AND id = $3",
            what.table()
        ))
        .bind(external_id)
        .bind(tenant)
        .bind(id)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(())
    }

    async fn api_assignment(&mut self, tenant: i64, id: i64) -> RepoResult<Option<ApiAssignment>> {
        let r = query("SELECT id, assistant_id, recipient_id, valid_from, valid_to, fk_notified_on, relative FROM assignments WHERE tenant_id = $1 AND id = $2")
            .bind(tenant)
            .bind(id)
            .fetch_optional(self.c())
            .await
            .map_err(err)?;
        Ok(r.map(|r| ApiAssignment {
            id: r.get("id"),
            assistant: r.get("assistant_id"),
            data: AssignmentData {
                recipient: r.get("recipient_id"),
                valid_from: r.get("valid_from"),
                valid_to: r.get("valid_to"),
                fk_notified_on: r.get("fk_notified_on"),
                relative: r.get("relative"),
            },
        }))
    }

    async fn payroll_rows(
        &mut self,
        tenant: i64,
        month: ReportMonth,
        after: (NaiveDate, i64),
        limit: i64,
    ) -> RepoResult<Vec<PayrollFacts>> {
        let columns: Vec<String> = ROW_COLUMNS.split(", ").map(|c| format!("t.{c}")).collect();
        query(format!(
            "SELECT {}, a.personnummer, a.first_name || ' ' || a.last_name AS assistant_name, a.employee_number,
                    r.first_name || ' ' || r.last_name AS recipient_name
             FROM time_rows t JOIN assistants a ON a.id = t.assistant_id JOIN recipients r ON r.id = t.recipient_id
             WHERE t.tenant_id = $1 AND t.work_date >= $2 AND t.work_date <= $3 AND (t.work_date, t.id) > ($7, $4)
               AND EXISTS (SELECT 1 FROM month_reports m WHERE m.tenant_id = t.tenant_id AND m.assistant_id = t.assistant_id
                           AND m.recipient_id = t.recipient_id AND m.month = $5 AND m.status IN ('attested', 'exported'))
             ORDER BY t.work_date, t.id LIMIT $6",
            columns.join(", ")
        ))
        .bind(tenant)
        .bind(date(month.first_day()))
        .bind(date(month.last_day()))
        .bind(after.1)
        .bind(month.to_string())
        .bind(limit)
        .bind(date(after.0))
        .fetch_map(self.c(), |r| {
            Some(PayrollFacts {
                row: stored_row(r)?,
                personnummer: r.get("personnummer"),
                assistant_name: r.get("assistant_name"),
                employee_number: r.get("employee_number"),
                recipient_name: r.get("recipient_name"),
            })
        })
        .await
        .map_err(err)
    }

    async fn api_months(&mut self, tenant: i64, limit: i64) -> RepoResult<Vec<ApiMonth>> {
        let reports: Vec<(String, String, i64)> = query(
            "SELECT month, status, COUNT(*) FROM month_reports WHERE tenant_id = $1 GROUP BY month, status",
        )
        .bind(tenant)
        .all_as(self.c())
        .await
        .map_err(err)?;
        let archives: Vec<(String, i64, String)> = query(
            "SELECT month, COUNT(*), MAX(created_at) FROM exports WHERE tenant_id = $1 GROUP BY month",
        )
        .bind(tenant)
        .all_as(self.c())
        .await
        .map_err(err)?;
        let mut months: std::collections::BTreeMap<String, ApiMonth> = Default::default();
        for (month, status, n) in reports {
            let m = months
                .entry(month.clone())
                .or_insert_with(|| ApiMonth { month, ..Default::default() });
            m.reports.push((MonthStatus::from_code(&status).unwrap_or(MonthStatus::Draft), n));
        }
        for (month, n, at) in archives {
            let m = months
                .entry(month.clone())
                .or_insert_with(|| ApiMonth { month, ..Default::default() });
            m.archives = n;
            m.archived_at = Some(at);
        }
        Ok(months.into_values().rev().take(limit.max(0) as usize).collect())
    }

    async fn changes(
        &mut self,
        tenant: i64,
        after: i64,
        limit: i64,
    ) -> RepoResult<Vec<(i64, String, String, String)>> {
        query("SELECT id, at, action, subject FROM audit_log WHERE tenant_id = $1 AND id > $2 AND action <> 'api.call' ORDER BY id LIMIT $3")
            .bind(tenant)
            .bind(after)
            .bind(limit)
            .all_as(self.c())
            .await
            .map_err(err)
    }
}

const PERSON: &str = "id, external_id, personnummer, first_name, last_name";

fn person_of(r: &Row) -> ApiPerson {
    ApiPerson {
        id: r.get("id"),
        external_id: r.get("external_id"),
        personnummer: r.get("personnummer"),
        first_name: r.get("first_name"),
        last_name: r.get("last_name"),
    }
}
