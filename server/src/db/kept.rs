//! A month's kept findings (issue 28): each assistant's and recipient's findings, stored with
//! the version of what they were computed from. Triggers (migrations `kept_findings`) raise a
//! scope's version in every change of its rows, decisions, absences, assignments or register
//! entry; the app recomputes only the scopes whose version moved.

use super::DbStore;
use super::err;
use super::queries::{ROW_COLUMNS, ROW_ORDER, date, in_list, stored_row};
use super::sql::{fetch_batch, query};
use async_trait::async_trait;
use chrono::NaiveDate;
use store::{Kept, KeptKind, KeptMonth, KeptStore, RepoResult, StoredRow};

/// Entries written per statement: seven parameters each stays far below either database's limit.
const KEEP_CHUNK: usize = 500;

#[async_trait]
impl KeptStore for DbStore {
    async fn kept_month(&mut self, tenant: i64, month: &str) -> RepoResult<KeptMonth> {
        let [versions, entries]: [Vec<super::sql::Row>; 2] = fetch_batch(
            self.c(),
            vec![
                query("SELECT kind, id, version FROM kept_versions WHERE tenant_id = $1")
                    .bind(tenant),
                query(
                    "SELECT kind, id, version, basis, data FROM kept_findings WHERE tenant_id = $1 AND month = $2",
                )
                .bind(tenant)
                .bind(month),
            ],
        )
        .await
        .map_err(err)?
        .try_into()
        .expect("two reads");
        let mut out = KeptMonth::default();
        for v in versions {
            if let Some(kind) = KeptKind::from_code(v.get("kind")) {
                out.versions.insert((kind, v.get("id")), v.get("version"));
            }
        }
        for e in entries {
            if let Some(kind) = KeptKind::from_code(e.get("kind")) {
                out.entries.push(Kept {
                    kind,
                    id: e.get("id"),
                    version: e.get("version"),
                    basis: e.get("basis"),
                    data: e.get("data"),
                });
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
        q.fetch_map_bulk(self.c(), (ROW_COLUMNS, ROW_ORDER), stored_row).await.map_err(err)
    }

    async fn keep(&mut self, tenant: i64, month: &str, entries: &[Kept]) -> RepoResult<()> {
        for chunk in entries.chunks(KEEP_CHUNK) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let p = 3 + i * 5;
                    format!("($1, $2, ${p}, ${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4)
                })
                .collect();
            let sql = format!(
                "INSERT INTO kept_findings (tenant_id, month, kind, id, version, basis, data) VALUES {}
                 ON CONFLICT (tenant_id, month, kind, id) DO UPDATE
                 SET version = excluded.version, basis = excluded.basis, data = excluded.data",
                values.join(", ")
            );
            let mut q = query(&sql).bind(tenant).bind(month);
            for e in chunk {
                q = q
                    .bind(e.kind.code())
                    .bind(e.id)
                    .bind(e.version)
                    .bind(e.basis.as_str())
                    .bind(e.data.as_str());
            }
            q.execute(self.c()).await.map_err(err)?;
        }
        Ok(())
    }
}
