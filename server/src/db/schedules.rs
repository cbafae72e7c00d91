//! Schedules, work leaders and the assistants' calendars (issue 27). Every statement names
//! the municipality; a planned shift keeps a time row's columns, read by the same parser.

use super::DbStore;
use super::err;
use super::queries::{ROW_COLUMNS, date, in_list, time_row};
use super::sql::{Query, Row, query};
use async_trait::async_trait;
use chrono::{NaiveDate, NaiveTime, Weekday};
use engine::schedule::{BaseSchedule, BaseShift};
use engine::{ReportMonth, TimeKind, TimeRow};
use store::{PlannedRecord, RepoResult, ScheduleStore, WorkLeader};

const PLANNED_COLUMNS: &str =
    "p.cancelled, p.extra, p.row_id, p.not_worked, m.published_at IS NOT NULL AS published";

/// The planned shifts with their month's publication, `ROW_COLUMNS` prefixed with `p.`.
fn planned_select() -> String {
    let cols: Vec<String> = ROW_COLUMNS.split(", ").map(|c| format!("p.{c}")).collect();
    format!(
        "SELECT {}, {PLANNED_COLUMNS} FROM planned_shifts p
         JOIN schedule_months m ON m.recipient_id = p.recipient_id AND m.month = p.month",
        cols.join(", ")
    )
}

fn planned_of(r: &Row) -> Option<PlannedRecord> {
    let id: i64 = r.get("id");
    let Some(row) = time_row(r) else {
        tracing::error!(planned_id = id, "stored planned shift does not parse; skipped");
        return None;
    };
    Some(PlannedRecord {
        id,
        recipient_id: r.get("recipient_id"),
        assistant_id: r.get("assistant_id"),
        row,
        cancelled: r.get::<i64, _>("cancelled") != 0,
        extra: r.get::<i64, _>("extra") != 0,
        row_id: r.get("row_id"),
        not_worked: r.get::<i64, _>("not_worked") != 0,
        published: r.get::<i64, _>("published") != 0,
    })
}

pub(super) fn planned_all(rows: &[Row]) -> Vec<PlannedRecord> {
    rows.iter().filter_map(planned_of).collect()
}

/// An assistant's planned shifts starting between two days (published only, or all).
pub(super) fn planned_of_assistant_query(
    tenant: i64,
    assistant: i64,
    days: std::ops::RangeInclusive<NaiveDate>,
    published_only: bool,
) -> Query<'static> {
    let sql = format!(
        "{} WHERE p.tenant_id = $1 AND p.assistant_id = $2 AND p.work_date >= $3 AND p.work_date <= $4{}
         ORDER BY p.start_at, p.id",
        planned_select(),
        if published_only { " AND m.published_at IS NOT NULL" } else { "" }
    );
    query(sql).bind(tenant).bind(assistant).bind(date(*days.start())).bind(date(*days.end()))
}

/// A row when the login has a calendar address.
pub(super) fn calendar_query(tenant: i64, user: i64) -> Query<'static> {
    query("SELECT user_id FROM calendar_feeds WHERE user_id = $1 AND tenant_id = $2")
        .bind(user)
        .bind(tenant)
}

fn clock(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

#[async_trait]
impl ScheduleStore for DbStore {
    async fn work_leaders(&mut self, tenant: i64) -> RepoResult<Vec<WorkLeader>> {
        let leaders = query(
            "SELECT id, display_name, username, active FROM users
             WHERE tenant_id = $1 AND role = 'work_leader' ORDER BY display_name, id",
        )
        .bind(tenant)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        let scopes = query(
            "SELECT w.user_id, r.id, r.first_name || ' ' || r.last_name AS name
             FROM work_leader_recipients w JOIN recipients r ON r.id = w.recipient_id AND r.tenant_id = w.tenant_id
             WHERE w.tenant_id = $1 ORDER BY r.last_name, r.first_name, r.id",
        )
        .bind(tenant)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(leaders
            .iter()
            .map(|l| {
                let user_id: i64 = l.get("id");
                WorkLeader {
                    user_id,
                    name: l.get("display_name"),
                    username: l.get("username"),
                    active: l.get::<i64, _>("active") != 0,
                    recipients: scopes
                        .iter()
                        .filter(|s| s.get::<i64, _>("user_id") == user_id)
                        .map(|s| (s.get("id"), s.get("name")))
                        .collect(),
                }
            })
            .collect())
    }

    async fn set_work_leader_recipient(
        &mut self,
        tenant: i64,
        user: i64,
        recipient: i64,
        on: bool,
    ) -> RepoResult<bool> {
        let n = if on {
            query(
                "INSERT INTO work_leader_recipients (user_id, recipient_id, tenant_id)
                 SELECT u.id, r.id, u.tenant_id FROM users u JOIN recipients r ON r.tenant_id = u.tenant_id
                 WHERE u.id = $1 AND u.tenant_id = $2 AND u.role = 'work_leader' AND r.id = $3
                 ON CONFLICT DO NOTHING",
            )
        } else {
            query(
                "DELETE FROM work_leader_recipients WHERE user_id = $1 AND tenant_id = $2 AND recipient_id = $3",
            )
        }
        .bind(user)
        .bind(tenant)
        .bind(recipient)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }

    async fn base_schedule(
        &mut self,
        tenant: i64,
        recipient: i64,
    ) -> RepoResult<Option<(BaseSchedule, Vec<i64>)>> {
        let Some(head) =
            query("SELECT weeks, starts_on FROM base_schedules WHERE tenant_id = $1 AND recipient_id = $2")
                .bind(tenant)
                .bind(recipient)
                .fetch_optional(self.c())
                .await
                .map_err(err)?
        else {
            return Ok(None);
        };
        let Ok(starts_on) = NaiveDate::parse_from_str(head.get::<&str, _>("starts_on"), "%Y-%m-%d")
        else {
            return Ok(None);
        };
        let rows = query(
            "SELECT id, week, weekday, start_time, end_time, kind, assistant_id FROM base_shifts
             WHERE tenant_id = $1 AND recipient_id = $2 ORDER BY week, weekday, start_time, id",
        )
        .bind(tenant)
        .bind(recipient)
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        let (mut shifts, mut ids) = (vec![], vec![]);
        for r in &rows {
            let parsed = (|| {
                Some(BaseShift {
                    week: u8::try_from(r.get::<i64, _>("week")).ok()?,
                    weekday: Weekday::try_from(u8::try_from(r.get::<i64, _>("weekday")).ok()?)
                        .ok()?,
                    start: clock(r.get("start_time"))?,
                    end: clock(r.get("end_time"))?,
                    kind: TimeKind::from_code(r.get("kind"))?,
                    assistant: r.get("assistant_id"),
                })
            })();
            if let Some(s) = parsed {
                shifts.push(s);
                ids.push(r.get("id"));
            }
        }
        let weeks = u8::try_from(head.get::<i64, _>("weeks")).unwrap_or(1);
        Ok(Some((BaseSchedule { weeks, starts_on, shifts }, ids)))
    }

    async fn save_base_schedule(
        &mut self,
        tenant: i64,
        recipient: i64,
        weeks: u8,
        starts_on: NaiveDate,
    ) -> RepoResult<()> {
        query(
            "INSERT INTO base_schedules (recipient_id, tenant_id, weeks, starts_on) VALUES ($1, $2, $3, $4)
             ON CONFLICT (recipient_id) DO UPDATE SET weeks = excluded.weeks, starts_on = excluded.starts_on
             WHERE base_schedules.tenant_id = excluded.tenant_id",
        )
        .bind(recipient)
        .bind(tenant)
        .bind(i64::from(weeks))
        .bind(date(starts_on))
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(())
    }

    async fn add_base_shift(
        &mut self,
        tenant: i64,
        recipient: i64,
        s: &BaseShift,
    ) -> RepoResult<i64> {
        query(
            "INSERT INTO base_shifts (tenant_id, recipient_id, week, weekday, start_time, end_time, kind, assistant_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(tenant)
        .bind(recipient)
        .bind(i64::from(s.week))
        .bind(i64::from(s.weekday.num_days_from_monday()))
        .bind(s.start.format("%H:%M").to_string())
        .bind(s.end.format("%H:%M").to_string())
        .bind(s.kind.code())
        .bind(s.assistant)
        .scalar(self.c())
        .await
        .map_err(err)
    }

    async fn delete_base_shift(
        &mut self,
        tenant: i64,
        recipient: i64,
        id: i64,
    ) -> RepoResult<bool> {
        let n =
            query("DELETE FROM base_shifts WHERE id = $1 AND tenant_id = $2 AND recipient_id = $3")
                .bind(id)
                .bind(tenant)
                .bind(recipient)
                .execute(self.c())
                .await
                .map_err(err)?;
        Ok(n == 1)
    }

    async fn schedule_month(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: ReportMonth,
    ) -> RepoResult<Option<Option<i64>>> {
        let r = query(
            "SELECT published_at FROM schedule_months WHERE tenant_id = $1 AND recipient_id = $2 AND month = $3",
        )
        .bind(tenant)
        .bind(recipient)
        .bind(month.to_string())
        .fetch_optional(self.c())
        .await
        .map_err(err)?;
        Ok(r.map(|r| r.get("published_at")))
    }

    async fn schedule_months(
        &mut self,
        tenant: i64,
        month: ReportMonth,
    ) -> RepoResult<Vec<(i64, Option<i64>)>> {
        let rows = query(
            "SELECT recipient_id, published_at FROM schedule_months WHERE tenant_id = $1 AND month = $2",
        )
        .bind(tenant)
        .bind(month.to_string())
        .fetch_all(self.c())
        .await
        .map_err(err)?;
        Ok(rows.iter().map(|r| (r.get("recipient_id"), r.get("published_at"))).collect())
    }

    async fn create_schedule_month(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: ReportMonth,
    ) -> RepoResult<bool> {
        let n = query(
            "INSERT INTO schedule_months (recipient_id, month, tenant_id)
             SELECT id, $2, tenant_id FROM recipients WHERE id = $1 AND tenant_id = $3
             ON CONFLICT DO NOTHING",
        )
        .bind(recipient)
        .bind(month.to_string())
        .bind(tenant)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }

    async fn add_planned(
        &mut self,
        tenant: i64,
        recipient: i64,
        assistant: Option<i64>,
        row: &TimeRow,
        extra: bool,
    ) -> RepoResult<i64> {
        query(
            "INSERT INTO planned_shifts (tenant_id, recipient_id, month, assistant_id, work_date, start_time, end_time, ends_next_day, kind, minutes, dst_fold, dst_fold_end, start_at, end_at, extra)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(tenant)
        .bind(recipient)
        .bind(row.month().to_string())
        .bind(assistant)
        .bind(date(row.date()))
        .bind(row.start().format("%H:%M").to_string())
        .bind(row.end().format("%H:%M").to_string())
        .bind(row.next_day())
        .bind(row.kind().code())
        .bind(row.minutes().0)
        .bind(row.fold().map(|f| f.code()))
        .bind(row.fold_end().map(|f| f.code()))
        .bind(row.start_at().timestamp())
        .bind(row.end_at().timestamp())
        .bind(extra)
        .scalar(self.c())
        .await
        .map_err(err)
    }

    async fn planned_in_month(
        &mut self,
        tenant: i64,
        month: ReportMonth,
        recipients: Option<&[i64]>,
    ) -> RepoResult<Vec<PlannedRecord>> {
        let filter = recipients
            .map(|ids| format!(" AND p.recipient_id IN {}", in_list(3, ids.len())))
            .unwrap_or_default();
        let sql = format!(
            "{} WHERE p.tenant_id = $1 AND p.month = $2{filter} ORDER BY p.start_at, p.id",
            planned_select()
        );
        let mut q = query(sql).bind(tenant).bind(month.to_string());
        for id in recipients.unwrap_or(&[]) {
            q = q.bind(*id);
        }
        Ok(planned_all(&q.fetch_all(self.c()).await.map_err(err)?))
    }

    async fn planned_of_assistant(
        &mut self,
        tenant: i64,
        assistant: i64,
        days: std::ops::RangeInclusive<NaiveDate>,
        published_only: bool,
    ) -> RepoResult<Vec<PlannedRecord>> {
        let q = planned_of_assistant_query(tenant, assistant, days, published_only);
        Ok(planned_all(&q.fetch_all(self.c()).await.map_err(err)?))
    }

    async fn planned(&mut self, tenant: i64, id: i64) -> RepoResult<Option<PlannedRecord>> {
        let sql = format!("{} WHERE p.tenant_id = $1 AND p.id = $2", planned_select());
        let r = query(sql).bind(tenant).bind(id).fetch_optional(self.c()).await.map_err(err)?;
        Ok(r.as_ref().and_then(planned_of))
    }

    async fn set_planned_assistant(
        &mut self,
        tenant: i64,
        id: i64,
        assistant: Option<i64>,
    ) -> RepoResult<bool> {
        let n = query(
            "UPDATE planned_shifts SET assistant_id = $1
             WHERE id = $2 AND tenant_id = $3 AND row_id IS NULL AND not_worked = FALSE",
        )
        .bind(assistant)
        .bind(id)
        .bind(tenant)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }

    async fn set_planned_cancelled(&mut self, tenant: i64, id: i64, on: bool) -> RepoResult<bool> {
        let n = query(
            "UPDATE planned_shifts SET cancelled = $1
             WHERE id = $2 AND tenant_id = $3 AND row_id IS NULL AND not_worked = FALSE AND cancelled <> $1",
        )
        .bind(on)
        .bind(id)
        .bind(tenant)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }

    async fn publish_schedule(
        &mut self,
        tenant: i64,
        recipient: i64,
        month: ReportMonth,
        at: i64,
    ) -> RepoResult<bool> {
        let n = query(
            "UPDATE schedule_months SET published_at = $1
             WHERE tenant_id = $2 AND recipient_id = $3 AND month = $4",
        )
        .bind(at)
        .bind(tenant)
        .bind(recipient)
        .bind(month.to_string())
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }

    async fn settle_planned(
        &mut self,
        tenant: i64,
        assistant: i64,
        id: i64,
        row: Option<i64>,
    ) -> RepoResult<bool> {
        let n = query(
            "UPDATE planned_shifts SET row_id = $1, not_worked = $2
             WHERE id = $3 AND tenant_id = $4 AND assistant_id = $5
               AND row_id IS NULL AND not_worked = FALSE AND cancelled = FALSE
               AND EXISTS (SELECT 1 FROM schedule_months m WHERE m.recipient_id = planned_shifts.recipient_id
                           AND m.month = planned_shifts.month AND m.published_at IS NOT NULL)",
        )
        .bind(row)
        .bind(row.is_none())
        .bind(id)
        .bind(tenant)
        .bind(assistant)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }

    async fn planned_by_row(&mut self, tenant: i64, row: i64) -> RepoResult<Option<i64>> {
        query("SELECT id FROM planned_shifts WHERE tenant_id = $1 AND row_id = $2")
            .bind(tenant)
            .bind(row)
            .scalar_optional(self.c())
            .await
            .map_err(err)
    }

    async fn set_calendar(
        &mut self,
        tenant: i64,
        user: i64,
        token_sha256: Option<&str>,
    ) -> RepoResult<()> {
        query("DELETE FROM calendar_feeds WHERE user_id = $1 AND tenant_id = $2")
            .bind(user)
            .bind(tenant)
            .execute(self.c())
            .await
            .map_err(err)?;
        if let Some(sha) = token_sha256 {
            query(
                "INSERT INTO calendar_feeds (user_id, tenant_id, token_sha256) VALUES ($1, $2, $3)",
            )
            .bind(user)
            .bind(tenant)
            .bind(sha)
            .execute(self.c())
            .await
            .map_err(err)?;
        }
        Ok(())
    }

    async fn calendar_owner(&mut self, token_sha256: &str) -> RepoResult<Option<(i64, i64)>> {
        let r = query(
            "SELECT u.tenant_id, u.assistant_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id AND u.tenant_id = f.tenant_id
             WHERE f.token_sha256 = $1 AND u.active = TRUE AND u.role = 'assistant'",
        )
        .bind(token_sha256)
        .fetch_optional(self.c())
        .await
        .map_err(err)?;
        Ok(r.and_then(|r| Some((r.get("tenant_id"), r.get::<Option<i64>, _>("assistant_id")?))))
    }

    async fn note_schedule_reminder(
        &mut self,
        tenant: i64,
        assistant: i64,
        day: NaiveDate,
    ) -> RepoResult<bool> {
        let n = query(
            "INSERT INTO schedule_reminders (assistant_id, day, tenant_id)
             SELECT id, $2, tenant_id FROM assistants WHERE id = $1 AND tenant_id = $3
             ON CONFLICT DO NOTHING",
        )
        .bind(assistant)
        .bind(date(day))
        .bind(tenant)
        .execute(self.c())
        .await
        .map_err(err)?;
        Ok(n == 1)
    }
}
