//! The municipalities' comparison (issue 29): who takes part, the facts a month's figures are
//! computed from, and the figures and their spreads as kept.

use super::DbStore;
use super::err;
use super::queries::in_list;
use super::sql::{ROWS_PER_STATEMENT, query, values};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use engine::ReportMonth;
use store::{
    BenchmarkStore, Computed, Figure, Participant, RepoResult, ReportHistory, RowOrigins,
    SpreadRecord,
};

/// A moment as `month_events.at` keeps it (RFC 3339 text, UTC).
fn instant(s: Option<String>) -> Option<DateTime<Utc>> {
    s.and_then(|s| DateTime::parse_from_rfc3339(&s).ok()).map(|t| t.with_timezone(&Utc))
}

#[async_trait]
impl BenchmarkStore for DbStore {
    async fn benchmarking(&mut self, tenant: i64) -> RepoResult<bool> {
        let on: Option<bool> = query("SELECT benchmarking FROM tenants WHERE id = $1")
            .bind(tenant)
            .scalar_optional(self.c())
            .await
            .map_err(err)?;
        Ok(on.unwrap_or(false))
    }

    async fn set_benchmarking(&mut self, tenant: i64, on: bool) -> RepoResult<bool> {
        let before = self.benchmarking(tenant).await?;
        query("UPDATE tenants SET benchmarking = $1 WHERE id = $2")
            .bind(on)
            .bind(tenant)
            .execute(self.c())
            .await
            .map_err(err)?;
        if !on {
            for sql in [
                "DELETE FROM benchmark_figures WHERE tenant_id = $1",
                "DELETE FROM benchmark_runs WHERE tenant_id = $1",
            ] {
                query(sql).bind(tenant).execute(self.c()).await.map_err(err)?;
            }
        }
        Ok(before)
    }

    async fn participants(&mut self) -> RepoResult<Vec<Participant>> {
        let rows = query(
            "SELECT t.id, COALESCE((SELECT MAX(a.id) FROM audit_log a WHERE a.tenant_id = t.id), 0) AS stamp, r.stamp AS done, r.last_month, r.computed_at
             FROM tenants t LEFT JOIN benchmark_runs r ON r.tenant_id = t.id
             WHERE t.benchmarking ORDER BY t.id",
        )
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| Participant {
                tenant: r.get("id"),
                stamp: r.get("stamp"),
                computed: match (r.get("done"), r.get("last_month")) {
                    (Some(stamp), Some(last_month)) => Some(Computed {
                        stamp,
                        last_month,
                        // As written (`save_figures`); unreadable counts as long ago.
                        at: instant(r.get("computed_at")).unwrap_or_default(),
                    }),
                    _ => None,
                },
            })
            .collect())
    }

    async fn report_histories(
        &mut self,
        tenant: i64,
        month: ReportMonth,
    ) -> RepoResult<Vec<ReportHistory>> {
        let rows = query(
            "SELECT m.id,
                MIN(CASE WHEN e.action = 'submit' THEN e.at END) AS submitted,
                MIN(CASE WHEN e.action = 'attest' THEN e.at END) AS attested,
                MIN(CASE WHEN e.action = 'export' THEN e.at END) AS exported,
                SUM(CASE WHEN e.action = 'correct' THEN 1 ELSE 0 END) AS corrections
             FROM month_reports m
             LEFT JOIN month_events e ON e.tenant_id = m.tenant_id AND e.month_report_id = m.id
             WHERE m.tenant_id = $1 AND m.month = $2
             GROUP BY m.id ORDER BY m.id",
        )
        .bind(tenant)
        .bind(month.to_string())
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| ReportHistory {
                month_id: r.get("id"),
                submitted: instant(r.get("submitted")),
                attested: instant(r.get("attested")),
                exported: instant(r.get("exported")),
                corrections: r.get::<Option<i64>, _>("corrections").unwrap_or(0),
            })
            .collect())
    }

    async fn row_origins(&mut self, tenant: i64, month: ReportMonth) -> RepoResult<RowOrigins> {
        let r = query(
            "SELECT COUNT(*) AS n,
                SUM(CASE WHEN c.row_id IS NOT NULL THEN 1 ELSE 0 END) AS clock,
                SUM(CASE WHEN c.row_id IS NULL AND p.row_id IS NOT NULL THEN 1 ELSE 0 END) AS plan
             FROM time_rows t
             LEFT JOIN clocked_rows c ON c.row_id = t.id
             LEFT JOIN planned_shifts p ON p.row_id = t.id
             WHERE t.tenant_id = $1 AND t.work_date >= $2 AND t.work_date <= $3",
        )
        .bind(tenant)
        .bind(month.first_day())
        .bind(month.last_day())
        .fetch_one(self.c())
        .await
        .map_err(err)?;
        Ok(RowOrigins {
            rows: r.get("n"),
            clock: r.get::<Option<i64>, _>("clock").unwrap_or(0),
            plan: r.get::<Option<i64>, _>("plan").unwrap_or(0),
        })
    }

    async fn save_figures(
        &mut self,
        tenant: i64,
        stamp: i64,
        last_month: &str,
        figures: &[Figure],
    ) -> RepoResult<()> {
        query("DELETE FROM benchmark_figures WHERE tenant_id = $1")
            .bind(tenant)
            .execute(self.c())
            .await
            .map_err(err)?;
        for chunk in figures.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO benchmark_figures (tenant_id, month, metric, value) VALUES {}",
                values(chunk.len(), 4)
            );
            chunk
                .iter()
                .fold(query(sql), |q, f| {
                    q.bind(tenant).bind(&f.month).bind(&f.metric).bind(f.value)
                })
                .execute(self.c())
                .await
                .map_err(err)?;
        }
        query(
            "INSERT INTO benchmark_runs (tenant_id, stamp, last_month, computed_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id) DO UPDATE SET stamp = excluded.stamp, last_month = excluded.last_month, computed_at = excluded.computed_at",
        )
        .bind(tenant)
        .bind(stamp)
        .bind(last_month)
        .bind(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(())
    }

    async fn figures(&mut self, tenant: Option<i64>, months: &[String]) -> RepoResult<Vec<Figure>> {
        if months.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT f.tenant_id, f.month, f.metric, f.value FROM benchmark_figures f
             JOIN tenants t ON t.id = f.tenant_id AND t.benchmarking
             WHERE ($1 IS NULL OR f.tenant_id = $1) AND f.month IN {}
             ORDER BY f.tenant_id, f.month, f.metric",
            in_list(2, months.len())
        );
        let rows = months
            .iter()
            .fold(query(sql).bind(tenant), |q, m| q.bind(m))
            .fetch_all(self.c())
            .await
            .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| Figure {
                tenant: r.get("tenant_id"),
                month: r.get("month"),
                metric: r.get("metric"),
                value: r.get("value"),
            })
            .collect())
    }

    async fn save_spreads(&mut self, spreads: &[SpreadRecord]) -> RepoResult<()> {
        query("DELETE FROM benchmark_spreads").execute(self.c()).await.map_err(err)?;
        for chunk in spreads.chunks(ROWS_PER_STATEMENT) {
            let sql = format!(
                "INSERT INTO benchmark_spreads (month, metric, contributors, q1, median, q3) VALUES {}",
                values(chunk.len(), 6)
            );
            chunk
                .iter()
                .fold(query(sql), |q, s| {
                    let [q1, m, q3] = engine::benchmark::columns(s.quartiles);
                    q.bind(&s.month).bind(&s.metric).bind(s.contributors).bind(q1).bind(m).bind(q3)
                })
                .execute(self.c())
                .await
                .map_err(err)?;
        }
        Ok(())
    }

    async fn spreads(&mut self, months: &[String]) -> RepoResult<Vec<SpreadRecord>> {
        if months.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT month, metric, contributors, q1, median, q3 FROM benchmark_spreads
             WHERE month IN {} ORDER BY month, metric",
            in_list(1, months.len())
        );
        let rows = months
            .iter()
            .fold(query(sql), |q, m| q.bind(m))
            .fetch_all(self.c())
            .await
            .map_err(err)?;
        Ok(rows
            .iter()
            .map(|r| {
                let q = |c: &str| r.get::<Option<f64>, _>(c);
                SpreadRecord {
                    month: r.get("month"),
                    metric: r.get("metric"),
                    contributors: r.get("contributors"),
                    quartiles: q("q1").zip(q("median")).zip(q("q3")).map(|((a, b), c)| (a, b, c)),
                }
            })
            .collect())
    }
}
