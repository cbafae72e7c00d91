//! Running shifts (issue 11): at most one per assistant, by a unique key.

use super::DbStore;
use super::err;
use super::sql::{Query, Row, query};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use engine::TimeKind;
use store::{RepoResult, RunningShift, ShiftStore};

#[async_trait]
impl ShiftStore for DbStore {
    async fn running_shift(
        &mut self,
        tenant: i64,
        assistant: i64,
    ) -> RepoResult<Option<RunningShift>> {
        Ok(running_of(&running_query(tenant, assistant).fetch_all(self.c()).await.map_err(err)?))
    }

    async fn start_shift(
        &mut self,
        tenant: i64,
        assistant: i64,
        recipient: i64,
        kind: TimeKind,
        at: DateTime<Utc>,
        by_user: i64,
    ) -> RepoResult<i64> {
        query("INSERT INTO running_shifts (tenant_id, assistant_id, recipient_id, kind, started_at, started_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(tenant)
            .bind(assistant)
            .bind(recipient)
            .bind(kind.code())
            .bind(at.timestamp())
            .bind(by_user)
            .scalar(self.c())
            .await
            .map_err(err)
    }

    async fn restart_shift(
        &mut self,
        tenant: i64,
        assistant: i64,
        id: i64,
        kind: TimeKind,
        at: DateTime<Utc>,
    ) -> RepoResult<bool> {
        let r = query("UPDATE running_shifts SET kind = $1, started_at = $2 WHERE id = $3 AND tenant_id = $4 AND assistant_id = $5")
            .bind(kind.code())
            .bind(at.timestamp())
            .bind(id)
            .bind(tenant)
            .bind(assistant)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(r == 1)
    }

    async fn end_shift(&mut self, tenant: i64, assistant: i64, id: i64) -> RepoResult<bool> {
        let r = query(
            "DELETE FROM running_shifts WHERE id = $1 AND tenant_id = $2 AND assistant_id = $3",
        )
        .bind(id)
        .bind(tenant)
        .bind(assistant)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(r == 1)
    }

    async fn mark_clocked(&mut self, tenant: i64, row: i64) -> RepoResult<()> {
        query("INSERT INTO clocked_rows (row_id, tenant_id) VALUES ($1, $2)")
            .bind(row)
            .bind(tenant)
            .execute(self.c())
            .await
            .map_err(err)?;
        Ok(())
    }
}

pub(super) fn running_query(tenant: i64, assistant: i64) -> Query<'static> {
    query(
        "SELECT s.id, s.recipient_id, r.first_name || ' ' || r.last_name AS name, s.kind, s.started_at
         FROM running_shifts s JOIN recipients r ON r.id = s.recipient_id
         WHERE s.tenant_id = $1 AND s.assistant_id = $2",
    )
    .bind(tenant)
    .bind(assistant)
}

pub(super) fn running_of(rows: &[Row]) -> Option<RunningShift> {
    let r = rows.first()?;
    Some(RunningShift {
        id: r.get("id"),
        recipient_id: r.get("recipient_id"),
        recipient_name: r.get("name"),
        kind: TimeKind::from_code(r.get("kind"))?,
        started_at: DateTime::<Utc>::from_timestamp(r.get("started_at"), 0)?,
    })
}
