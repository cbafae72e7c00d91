//! The SQLite adapter of [`app::api::repo::Repo`]. Runtime queries with `$n` placeholders and
//! ISO text for dates, so the PostgreSQL adapter can share the SQL.

use app::api::repo::{Caller, Credentials, MonthRecord, People, Repo, RepoError, RepoResult, StoredRow};
use app::api::Role;
use app::domain::row::DstFold;
use app::domain::rules::{Absence, AbsenceKind, RowFacts};
use app::domain::{Assistant, Decision, Funder, Granted, Minutes, MonthStatus, Personnummer, Recipient, Regime, ReportMonth, TimeKind, TimeRow};
use std::collections::HashMap;
use async_trait::async_trait;
use chrono::{NaiveDate, NaiveTime};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow};
use sqlx::Row;
use std::str::FromStr;
use std::time::Duration;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// Opens (creating if needed) the database at `url` and brings its schema up to date.
pub async fn connect(url: &str) -> anyhow_like::Result<SqlitePool> {
    let opts = SqliteConnectOptions::from_str(url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    if let Some(dir) = opts.get_filename().parent() {
        std::fs::create_dir_all(dir)?;
    }
    let pool = SqlitePoolOptions::new().max_connections(8).connect_with(opts).await?;
    MIGRATOR.run(&pool).await?;
    Ok(pool)
}

/// A tiny boxed-error result for startup code.
pub mod anyhow_like {
    pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;
}

#[derive(Clone)]
pub struct SqliteRepo {
    pub pool: SqlitePool,
}

fn err(e: sqlx::Error) -> RepoError {
    RepoError(e.to_string())
}

/// A month report with the names of its assistant and recipient.
const MONTH_REPORT_SELECT: &str = "SELECT m.id, m.assistant_id, m.recipient_id, m.status, m.rejected_reason, m.month,
        a.first_name || ' ' || a.last_name AS assistant_name, r.first_name || ' ' || r.last_name AS recipient_name
    FROM month_reports m JOIN assistants a ON a.id = m.assistant_id JOIN recipients r ON r.id = m.recipient_id";

const ROW_COLUMNS: &str = "id, assistant_id, recipient_id, work_date, start_time, end_time, ends_next_day, kind, dst_fold";

/// Rebuilds a stored row through the domain constructor; a row that no longer parses (which
/// the CHECKs and the domain make impossible) is skipped with a log line, never a panic.
fn stored_row(r: &SqliteRow) -> Option<StoredRow> {
    let id: i64 = r.get("id");
    let parsed = (|| {
        let date = NaiveDate::parse_from_str(r.get::<&str, _>("work_date"), "%Y-%m-%d").ok()?;
        let start = NaiveTime::parse_from_str(r.get::<&str, _>("start_time"), "%H:%M").ok()?;
        let end = NaiveTime::parse_from_str(r.get::<&str, _>("end_time"), "%H:%M").ok()?;
        let kind = TimeKind::from_code(r.get::<&str, _>("kind"))?;
        let fold = r.get::<Option<&str>, _>("dst_fold").and_then(DstFold::from_code);
        TimeRow::with_fold(date, start, end, r.get::<i64, _>("ends_next_day") != 0, kind, fold).ok()
    })();
    match parsed {
        Some(row) => Some(StoredRow { id, assistant_id: r.get("assistant_id"), recipient_id: r.get("recipient_id"), row }),
        None => {
            tracing::error!(row_id = id, "stored time row does not parse; skipped");
            None
        }
    }
}

fn month_record(r: &SqliteRow) -> MonthRecord {
    MonthRecord {
        id: r.get("id"),
        assistant_id: r.get("assistant_id"),
        assistant_name: r.get("assistant_name"),
        recipient_id: r.get("recipient_id"),
        recipient_name: r.get("recipient_name"),
        status: MonthStatus::from_code(r.get::<Option<&str>, _>("status").unwrap_or("draft")).unwrap_or(MonthStatus::Draft),
        rejected_reason: r.get("rejected_reason"),
    }
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `(?, ?, …)` placeholders from `$first` for an IN list.
fn in_list(first: usize, n: usize) -> String {
    let p: Vec<String> = (first..first + n).map(|i| format!("${i}")).collect();
    format!("({})", p.join(", "))
}

impl SqliteRepo {
    /// Assistants (with their assignments' FK notices), recipients, decisions and absences of
    /// a tenant, optionally narrowed to one assistant and one recipient.
    async fn load_people(&self, tenant: i64, assistant: Option<i64>, recipient: Option<i64>) -> RepoResult<People> {
        let parse_date = |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
        let mut assistants = HashMap::new();
        for a in sqlx::query(
            "SELECT id, personnummer, first_name, last_name, eea_resident, regime, period_start, period_months, allow_24h_shifts, collective_agreement
             FROM assistants WHERE tenant_id = $1 AND ($2 = 0 OR id = $2)",
        )
        .bind(tenant)
        .bind(assistant.unwrap_or(0))
        .fetch_all(&self.pool)
        .await
        .map_err(err)?
        {
            let id: i64 = a.get("id");
            let Ok(personnummer) = Personnummer::parse(a.get("personnummer")) else {
                tracing::error!(assistant = id, "stored personnummer does not parse");
                continue;
            };
            let period_start = parse_date(a.get("period_start")).unwrap_or(NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date"));
            let regime = match a.get::<&str, _>("regime") {
                "atl" => Regime::Atl { period_start, period_months: a.get::<Option<i64>, _>("period_months").unwrap_or(4).clamp(1, 4) as u32 },
                "husligt_arbete" => Regime::HusligtArbete { period_start },
                _ => Regime::AbBilagaJ { allow_24h_shifts: a.get::<i64, _>("allow_24h_shifts") != 0 },
            };
            assistants.insert(
                id,
                Assistant {
                    id,
                    personnummer,
                    first_name: a.get("first_name"),
                    last_name: a.get("last_name"),
                    eea_resident: a.get::<i64, _>("eea_resident") != 0,
                    fk_notified: HashMap::new(),
                    relative_of: vec![],
                    regime,
                    collective_agreement: a.get::<i64, _>("collective_agreement") != 0,
                },
            );
        }
        // Assignments, with the date of the FK notice where there is one (V2 reports a missing one).
        let mut assignments = Vec::new();
        for x in sqlx::query(
            "SELECT assistant_id, recipient_id, MAX(fk_notified_on) AS notified, MAX(relative) AS relative FROM assignments
             WHERE tenant_id = $1 AND ($2 = 0 OR assistant_id = $2) AND ($3 = 0 OR recipient_id = $3) GROUP BY assistant_id, recipient_id",
        )
        .bind(tenant)
        .bind(assistant.unwrap_or(0))
        .bind(recipient.unwrap_or(0))
        .fetch_all(&self.pool)
        .await
        .map_err(err)?
        {
            let (aid, rid): (i64, i64) = (x.get("assistant_id"), x.get("recipient_id"));
            assignments.push((aid, rid));
            if let Some(a) = assistants.get_mut(&aid) {
                if let Some(n) = parse_date(x.get("notified")) {
                    a.fk_notified.insert(rid, n);
                }
                if x.get::<Option<i64>, _>("relative").unwrap_or(0) != 0 {
                    a.relative_of.push(rid);
                }
            }
        }
        let mut recipients = HashMap::new();
        for r in sqlx::query("SELECT id, personnummer, first_name, last_name FROM recipients WHERE tenant_id = $1 AND ($2 = 0 OR id = $2)")
            .bind(tenant)
            .bind(recipient.unwrap_or(0))
            .fetch_all(&self.pool)
            .await
            .map_err(err)?
        {
            let id: i64 = r.get("id");
            let Ok(personnummer) = Personnummer::parse(r.get("personnummer")) else {
                tracing::error!(recipient = id, "stored personnummer does not parse");
                continue;
            };
            recipients.insert(id, Recipient { id, personnummer, first_name: r.get("first_name"), last_name: r.get("last_name") });
        }
        let decisions = sqlx::query(
            "SELECT recipient_id, funder, granted_per, granted_minutes, valid_from, valid_to, vantetid_allowed, beredskap_allowed, double_assistance, raised_rate
             FROM decisions WHERE tenant_id = $1 AND ($2 = 0 OR recipient_id = $2) ORDER BY valid_from",
        )
        .bind(tenant)
        .bind(recipient.unwrap_or(0))
        .fetch_all(&self.pool)
        .await
        .map_err(err)?
        .iter()
        .filter_map(|d| {
            let minutes = Minutes(d.get("granted_minutes"));
            Some(Decision {
                recipient: d.get("recipient_id"),
                funder: if d.get::<&str, _>("funder") == "lss" { Funder::Lss } else { Funder::Sfb },
                granted: match d.get::<&str, _>("granted_per") {
                    "week" => Granted::PerWeek(minutes),
                    "month" => Granted::PerMonth(minutes),
                    _ => Granted::PerPeriod(minutes),
                },
                valid_from: parse_date(d.get("valid_from"))?,
                valid_to: parse_date(d.get("valid_to"))?,
                vantetid_allowed: d.get::<i64, _>("vantetid_allowed") != 0,
                beredskap_allowed: d.get::<i64, _>("beredskap_allowed") != 0,
                double_assistance: d.get::<i64, _>("double_assistance") != 0,
                raised_rate: d.get::<Option<String>, _>("raised_rate").and_then(|s| s.parse().ok()),
            })
        })
        .collect();
        let absences = sqlx::query("SELECT recipient_id, kind, from_date, to_date, assistance_allowed FROM absences WHERE tenant_id = $1 AND ($2 = 0 OR recipient_id = $2)")
            .bind(tenant)
            .bind(recipient.unwrap_or(0))
            .fetch_all(&self.pool)
            .await
            .map_err(err)?
            .iter()
            .filter_map(|x| {
                Some(Absence {
                    recipient: x.get("recipient_id"),
                    kind: match x.get::<&str, _>("kind") {
                        "hospital" => AbsenceKind::Hospital,
                        "school" => AbsenceKind::School,
                        "daily_activity" => AbsenceKind::DailyActivity,
                        _ => AbsenceKind::Childcare,
                    },
                    from: parse_date(x.get("from_date"))?,
                    to: parse_date(x.get("to_date"))?,
                    assistance_allowed: x.get::<i64, _>("assistance_allowed") != 0,
                })
            })
            .collect();
        Ok(People { assistants, recipients, assignments, decisions, absences })
    }
}

#[async_trait]
impl Repo for SqliteRepo {
    async fn ping(&self) -> RepoResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map_err(err)?;
        Ok(())
    }

    async fn credentials(&self, username: &str) -> RepoResult<Option<Credentials>> {
        let r = sqlx::query("SELECT id, password_hash FROM users WHERE username = $1")
            .bind(username)
            .fetch_optional(&self.pool)
            .await
            .map_err(err)?;
        Ok(r.map(|r| Credentials { user_id: r.get("id"), password_hash: r.get("password_hash") }))
    }

    async fn caller(&self, user_id: i64) -> RepoResult<Option<Caller>> {
        let Some(r) = sqlx::query(
            "SELECT u.id, u.tenant_id, t.name AS tenant_name, u.role, u.display_name, u.assistant_id, u.recipient_id
             FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(err)?
        else {
            return Ok(None);
        };
        let Some(role) = Role::from_code(r.get("role")) else { return Ok(None) };
        let tenant_id: i64 = r.get("tenant_id");
        let recipient_ids = match role {
            Role::Recipient => r.get::<Option<i64>, _>("recipient_id").into_iter().collect(),
            Role::Representative => sqlx::query_scalar(
                "SELECT p.recipient_id FROM representations p JOIN recipients r ON r.id = p.recipient_id
                 WHERE p.user_id = $1 AND r.tenant_id = $2 ORDER BY p.recipient_id",
            )
            .bind(user_id)
            .bind(tenant_id)
            .fetch_all(&self.pool)
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
        }))
    }

    async fn assigned_recipients(&self, tenant: i64, assistant: i64, month: ReportMonth) -> RepoResult<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "SELECT DISTINCT r.id, r.first_name || ' ' || r.last_name AS name
             FROM assignments a JOIN recipients r ON r.id = a.recipient_id AND r.tenant_id = a.tenant_id
             WHERE a.tenant_id = $1 AND a.assistant_id = $2 AND a.valid_from <= $3 AND (a.valid_to IS NULL OR a.valid_to >= $4)
             ORDER BY name",
        )
        .bind(tenant)
        .bind(assistant)
        .bind(date(month.last_day()))
        .bind(date(month.first_day()))
        .fetch_all(&self.pool)
        .await
        .map_err(err)?;
        Ok(rows.iter().map(|r| (r.get("id"), r.get("name"))).collect())
    }

    async fn is_assigned(&self, tenant: i64, assistant: i64, recipient: i64, on: NaiveDate) -> RepoResult<bool> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM assignments a JOIN recipients r ON r.id = a.recipient_id AND r.tenant_id = a.tenant_id
             WHERE a.tenant_id = $1 AND a.assistant_id = $2 AND a.recipient_id = $3
               AND a.valid_from <= $4 AND (a.valid_to IS NULL OR a.valid_to >= $4)",
        )
        .bind(tenant)
        .bind(assistant)
        .bind(recipient)
        .bind(date(on))
        .fetch_one(&self.pool)
        .await
        .map_err(err)?;
        Ok(n > 0)
    }

    async fn recipient_names(&self, tenant: i64, ids: &[i64]) -> RepoResult<Vec<(i64, String)>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let sql = format!(
            "SELECT id, first_name || ' ' || last_name AS name FROM recipients WHERE tenant_id = $1 AND id IN {} ORDER BY name",
            in_list(2, ids.len())
        );
        let mut q = sqlx::query(&sql).bind(tenant);
        for id in ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(err)?;
        Ok(rows.iter().map(|r| (r.get("id"), r.get("name"))).collect())
    }

    async fn assistant_rows(&self, tenant: i64, assistant: i64, from: NaiveDate, to: NaiveDate) -> RepoResult<Vec<StoredRow>> {
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM time_rows WHERE tenant_id = $1 AND assistant_id = $2 AND work_date >= $3 AND work_date <= $4
             ORDER BY work_date, start_time"
        );
        let rows = sqlx::query(&sql)
            .bind(tenant)
            .bind(assistant)
            .bind(date(from))
            .bind(date(to))
            .fetch_all(&self.pool)
            .await
            .map_err(err)?;
        Ok(rows.iter().filter_map(stored_row).collect())
    }

    async fn assistant_row(&self, tenant: i64, assistant: i64, row_id: i64) -> RepoResult<Option<StoredRow>> {
        let sql = format!("SELECT {ROW_COLUMNS} FROM time_rows WHERE tenant_id = $1 AND assistant_id = $2 AND id = $3");
        let r = sqlx::query(&sql).bind(tenant).bind(assistant).bind(row_id).fetch_optional(&self.pool).await.map_err(err)?;
        Ok(r.as_ref().and_then(stored_row))
    }

    async fn insert_row(&self, tenant: i64, assistant: i64, recipient: i64, row: &TimeRow, by_user: i64) -> RepoResult<i64> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO time_rows (tenant_id, assistant_id, recipient_id, work_date, start_time, end_time, ends_next_day, kind, minutes, created_by, dst_fold)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(tenant)
        .bind(assistant)
        .bind(recipient)
        .bind(date(row.date()))
        .bind(row.start().format("%H:%M").to_string())
        .bind(row.end().format("%H:%M").to_string())
        .bind(i64::from(row.next_day()))
        .bind(row.kind().code())
        .bind(row.minutes().0)
        .bind(by_user)
        .bind(row.fold().map(|f| f.code()))
        .fetch_one(&self.pool)
        .await
        .map_err(err)?;
        Ok(id)
    }

    async fn delete_row(&self, tenant: i64, assistant: i64, row_id: i64) -> RepoResult<Option<StoredRow>> {
        let sql = format!("DELETE FROM time_rows WHERE tenant_id = $1 AND assistant_id = $2 AND id = $3 RETURNING {ROW_COLUMNS}");
        let r = sqlx::query(&sql).bind(tenant).bind(assistant).bind(row_id).fetch_optional(&self.pool).await.map_err(err)?;
        Ok(r.as_ref().and_then(stored_row))
    }

    async fn month_rows(&self, tenant: i64, month: ReportMonth, recipients: Option<&[i64]>) -> RepoResult<Vec<StoredRow>> {
        let ids = recipients.unwrap_or(&[]);
        if recipients.is_some() && ids.is_empty() {
            return Ok(vec![]);
        }
        let filter = if recipients.is_some() { format!(" AND recipient_id IN {}", in_list(4, ids.len())) } else { String::new() };
        let sql = format!(
            "SELECT {ROW_COLUMNS} FROM time_rows WHERE tenant_id = $1 AND work_date >= $2 AND work_date <= $3{filter}
             ORDER BY work_date, start_time"
        );
        let mut q = sqlx::query(&sql).bind(tenant).bind(date(month.first_day())).bind(date(month.last_day()));
        for id in ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(err)?;
        Ok(rows.iter().filter_map(stored_row).collect())
    }

    async fn month_record(&self, tenant: i64, assistant: i64, recipient: i64, month: ReportMonth) -> RepoResult<MonthRecord> {
        sqlx::query(
            "INSERT INTO month_reports (tenant_id, assistant_id, recipient_id, month) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, assistant_id, recipient_id, month) DO NOTHING",
        )
        .bind(tenant)
        .bind(assistant)
        .bind(recipient)
        .bind(month.to_string())
        .execute(&self.pool)
        .await
        .map_err(err)?;
        let r = sqlx::query(
            &format!("{MONTH_REPORT_SELECT} WHERE m.tenant_id = $1 AND m.assistant_id = $2 AND m.recipient_id = $3 AND m.month = $4"),
        )
        .bind(tenant)
        .bind(assistant)
        .bind(recipient)
        .bind(month.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(err)?;
        Ok(month_record(&r))
    }

    async fn month_record_by_id(&self, tenant: i64, id: i64) -> RepoResult<Option<(MonthRecord, ReportMonth)>> {
        let r = sqlx::query(
            &format!("{MONTH_REPORT_SELECT} WHERE m.tenant_id = $1 AND m.id = $2"),
        )
        .bind(tenant)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(err)?;
        Ok(r.and_then(|r| Some((month_record(&r), ReportMonth::parse(r.get("month"))?))))
    }

    async fn month_records(&self, tenant: i64, month: ReportMonth, recipients: Option<&[i64]>, assistant: Option<i64>) -> RepoResult<Vec<MonthRecord>> {
        let ids = recipients.unwrap_or(&[]);
        if recipients.is_some() && ids.is_empty() {
            return Ok(vec![]);
        }
        let mut filter = String::from(" AND ($5 = 0 OR p.assistant_id = $5)");
        if recipients.is_some() {
            filter.push_str(&format!(" AND p.recipient_id IN {}", in_list(6, ids.len())));
        }
        // Every assignment active in the month, and every stored month report (an assignment
        // may have ended since), each pair once.
        let sql = format!(
            "WITH pairs AS (
                 SELECT assistant_id, recipient_id FROM assignments
                  WHERE tenant_id = $1 AND valid_from <= $3 AND (valid_to IS NULL OR valid_to >= $4)
                 UNION
                 SELECT assistant_id, recipient_id FROM month_reports WHERE tenant_id = $1 AND month = $2
             )
             SELECT m.id, p.assistant_id, p.recipient_id, m.status, m.rejected_reason,
                    a.first_name || ' ' || a.last_name AS assistant_name, r.first_name || ' ' || r.last_name AS recipient_name
             FROM pairs p
             JOIN assistants a ON a.id = p.assistant_id AND a.tenant_id = $1
             JOIN recipients r ON r.id = p.recipient_id AND r.tenant_id = $1
             LEFT JOIN month_reports m ON m.tenant_id = $1 AND m.month = $2 AND m.assistant_id = p.assistant_id AND m.recipient_id = p.recipient_id
             WHERE 1 = 1{filter}
             ORDER BY recipient_name, assistant_name"
        );
        let mut q = sqlx::query(&sql)
            .bind(tenant)
            .bind(month.to_string())
            .bind(date(month.last_day()))
            .bind(date(month.first_day()))
            .bind(assistant.unwrap_or(0));
        for id in ids {
            q = q.bind(id);
        }
        let rows = q.fetch_all(&self.pool).await.map_err(err)?;
        Ok(rows.iter().map(month_record).collect())
    }

    async fn transition(&self, tenant: i64, id: i64, from: MonthStatus, to: MonthStatus, by_user: i64, reason: Option<&str>) -> RepoResult<bool> {
        let done = sqlx::query(
            "UPDATE month_reports SET status = $1, rejected_reason = $2, updated_by = $3, updated_at = CURRENT_TIMESTAMP
             WHERE tenant_id = $4 AND id = $5 AND status = $6",
        )
        .bind(to.code())
        .bind(reason)
        .bind(by_user)
        .bind(tenant)
        .bind(id)
        .bind(from.code())
        .execute(&self.pool)
        .await
        .map_err(err)?;
        Ok(done.rows_affected() == 1)
    }

    async fn row_facts(&self, tenant: i64, assistant: i64, recipient: Option<i64>) -> RepoResult<Vec<RowFacts>> {
        let people = self.load_people(tenant, Some(assistant), recipient).await?;
        let Some(a) = people.assistants.get(&assistant) else { return Ok(vec![]) };
        let mut out: Vec<RowFacts> = people
            .assignments
            .iter()
            .filter(|(aid, _)| *aid == assistant)
            .filter_map(|(_, rid)| people.recipients.get(rid))
            .map(|r| RowFacts::new(a, r, &people.decisions, &people.absences))
            .collect();
        out.sort_by(|x, y| x.recipient_name.cmp(&y.recipient_name));
        Ok(out)
    }

    async fn people(&self, tenant: i64) -> RepoResult<People> {
        self.load_people(tenant, None, None).await
    }

    async fn rows_between(&self, tenant: i64, from: NaiveDate, to: NaiveDate) -> RepoResult<Vec<StoredRow>> {
        let sql = format!("SELECT {ROW_COLUMNS} FROM time_rows WHERE tenant_id = $1 AND work_date >= $2 AND work_date <= $3 ORDER BY work_date, start_time");
        let rows = sqlx::query(&sql).bind(tenant).bind(date(from)).bind(date(to)).fetch_all(&self.pool).await.map_err(err)?;
        Ok(rows.iter().filter_map(stored_row).collect())
    }

    async fn audit(&self, tenant: i64, user: i64, action: &str, subject: &str) -> RepoResult<()> {
        sqlx::query("INSERT INTO audit_log (tenant_id, user_id, action, subject) VALUES ($1, $2, $3, $4)")
            .bind(tenant)
            .bind(user)
            .bind(action)
            .bind(subject)
            .execute(&self.pool)
            .await
            .map_err(err)?;
        Ok(())
    }
}
