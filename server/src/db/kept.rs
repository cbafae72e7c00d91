//! A month's kept findings (issue 28): each assistant's and recipient's findings, stored with
//! the version of what they were computed from. Triggers (migrations `kept_findings`) raise a
//! scope's version in every change of its rows, decisions, absences, assignments or register
//! entry; the app recomputes only the scopes whose version moved.

use super::DbStore;
use super::err;
use super::queries::{ROW_COLUMNS, ROW_ORDER, date, in_list, stored_row};
use super::sql::query;
use async_trait::async_trait;
use chrono::NaiveDate;
use store::{Kept, KeptKind, KeptMonth, KeptStore, RepoResult, StoredRow};

/// Entries written per statement: six parameters each stays far below either database's limit.
const KEEP_CHUNK: usize = 300;

#[async_trait]
impl KeptStore for DbStore {
    async fn kept_month(&mut self, tenant: i64, month: &str) -> RepoResult<KeptMonth> {
        // Thousands of each, read as they come (versions first).
        let mut out = KeptMonth::default();
        for (kind, id, version) in query(
            "SELECT kind, id, version FROM kept_versions WHERE tenant_id = $1 ORDER BY kind, id",
        )
        .bind(tenant)
        .fetch_map(self.c(), |v| {
            Some((KeptKind::from_code(v.get("kind"))?, v.get("id"), v.get("version")))
        })
        .await
        .map_err(err)?
        {
            out.versions.insert((kind, id), version);
        }
        out.entries = query(
            "SELECT kind, id, version, basis, data, errors FROM kept_findings WHERE tenant_id = $1 AND month = $2 ORDER BY kind, id",
        )
        .bind(tenant)
        .bind(month)
        .fetch_map(self.c(), |e| {
            Some(Kept {
                kind: KeptKind::from_code(e.get("kind"))?,
                id: e.get("id"),
                version: e.get("version"),
                basis: e.get("basis"),
                data: e.get("data"),
                errors: e.get("errors"),
                others: String::new(),
            })
        })
        .await
        .map_err(err)?;
        Ok(out)
    }

    async fn kept_tenants(&mut self) -> RepoResult<Vec<i64>> {
        query("SELECT DISTINCT tenant_id FROM kept_versions ORDER BY tenant_id")
            .scalars(self.c())
            .await
            .map_err(err)
    }

    async fn kept_others(
        &mut self,
        tenant: i64,
        month: &str,
        scopes: &[(KeptKind, i64)],
    ) -> RepoResult<Vec<(KeptKind, i64, String)>> {
        let mut out = Vec::new();
        for kind in [KeptKind::Assistant, KeptKind::Recipient] {
            let ids: Vec<i64> = scopes.iter().filter(|s| s.0 == kind).map(|s| s.1).collect();
            if ids.is_empty() {
                continue;
            }
            let sql = format!(
                "SELECT id, others FROM kept_others WHERE tenant_id = $1 AND month = $2 AND kind = $3 AND id IN {}",
                in_list(4, ids.len())
            );
            let mut q = query(&sql).bind(tenant).bind(month).bind(kind.code());
            for id in &ids {
                q = q.bind(*id);
            }
            for r in q.fetch_all(self.c()).await.map_err(err)? {
                out.push((kind, r.get("id"), r.get("others")));
            }
        }
        Ok(out)
    }

    async fn rows_of(
        &mut self,
        tenant: i64,
        from: NaiveDate,
        to: NaiveDate,
        assistants: &[i64],
        recipients: &[i64],
    ) -> RepoResult<Vec<StoredRow>> {
        let mut whose = Vec::new();
        if !assistants.is_empty() {
            whose.push(format!("assistant_id IN {}", in_list(4, assistants.len())));
        }
        if !recipients.is_empty() {
            whose.push(format!(
                "recipient_id IN {}",
                in_list(4 + assistants.len(), recipients.len())
            ));
        }
        if whose.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM time_rows WHERE tenant_id = $1 AND work_date >= $2 AND work_date <= $3 AND ({})
             ORDER BY {ROW_ORDER}",
            whose.join(" OR ")
        );
        let mut q = query(&sql).bind(tenant).bind(date(from)).bind(date(to));
        for id in assistants.iter().chain(recipients) {
            q = q.bind(*id);
        }
        q.fetch_map(self.c(), stored_row).await.map_err(err)
    }

    async fn keep(&mut self, tenant: i64, month: &str, entries: &[Kept]) -> RepoResult<()> {
        for chunk in entries.chunks(KEEP_CHUNK) {
            let values = |n: usize| -> String {
                (0..chunk.len())
                    .map(|i| {
                        let p = 3 + i * n;
                        let ps: Vec<String> = (p..p + n).map(|k| format!("${k}")).collect();
                        format!("($1, $2, {})", ps.join(", "))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let sql = format!(
                "INSERT INTO kept_findings (tenant_id, month, kind, id, version, basis, data, errors) VALUES {}
                 ON CONFLICT (tenant_id, month, kind, id) DO UPDATE
                 SET version = excluded.version, basis = excluded.basis, data = excluded.data, errors = excluded.errors",
                values(6)
            );
            let mut q = query(&sql).bind(tenant).bind(month);
            for e in chunk {
                q = q
                    .bind(e.kind.code())
                    .bind(e.id)
                    .bind(e.version)
                    .bind(e.basis.as_str())
                    .bind(e.data.as_str())
                    .bind(e.errors.as_str());
            }
            q.execute(self.c()).await.map_err(err)?;
            let sql = format!(
                "INSERT INTO kept_others (tenant_id, month, kind, id, others) VALUES {}
                 ON CONFLICT (tenant_id, month, kind, id) DO UPDATE SET others = excluded.others",
                values(3)
            );
            let mut q = query(&sql).bind(tenant).bind(month);
            for e in chunk {
                q = q.bind(e.kind.code()).bind(e.id).bind(e.others.as_str());
            }
            q.execute(self.c()).await.map_err(err)?;
        }
        Ok(())
    }
}
