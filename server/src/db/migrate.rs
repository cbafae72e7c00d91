//! `server migrate-data --from sqlite://bita.db --to postgres://…`: moves a SQLite installation
//! into PostgreSQL, all or nothing (one transaction), and proves it: every table's row count
//! and every municipality's audit chain (intact, as long as in the source) are checked on the
//! target before it commits.
//!
//! Ids are kept, because the audit chain's hashes and the signed documents carry them: the
//! target must not already hold any of the rows' ids (a new PostgreSQL database, or one whose
//! municipalities came from installations with other ids). A collision refuses the whole move
//! and names the table. Sessions are not moved: everyone logs in again. Nor are the kept
//! findings (`kept_findings`, `kept_others`: a cache the first view computes again; the target's
//! triggers fill `kept_versions` and `register_versions` as the rows arrive), export jobs, and
//! the municipalities'
//! comparison (`benchmark_*`: figures the target's server computes again within the hour).

use super::sql::{Conn, Value, query};
use super::{Pool, audit, connect};
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::str::FromStr;

/// Every table, in an order that satisfies the foreign keys and the guards: rows before their
/// month's status (a row may not be added to a month that is no longer a draft).
pub const TABLES: &[&str] = &[
    "tenants",
    "rates",
    "rule_settings",
    "recipients",
    "assistants",
    "users",
    "identity_providers",
    "identity_links",
    "second_factors",
    "recovery_codes",
    "representations",
    "work_leader_recipients",
    "assignments",
    "decisions",
    "absences",
    "time_rows",
    "clocked_rows",
    "base_schedules",
    "base_shifts",
    "schedule_months",
    "planned_shifts",
    "month_reports",
    "month_events",
    "frozen_reports",
    "claims",
    "signatures",
    "exports",
    "fk_forms",
    "running_shifts",
    "calendar_feeds",
    "schedule_reminders",
    "idempotency_keys",
    "login_throttle",
    "invitations",
    "import_drafts",
    "audit_log",
];

/// What was moved: rows per table, and entries per audit chain.
#[derive(Debug, Default)]
pub struct Moved {
    pub tables: Vec<(&'static str, i64)>,
    pub chains: Vec<(String, usize)>,
}

pub type Error = Box<dyn std::error::Error + Send + Sync>;

pub async fn migrate(from: &str, to: &str) -> Result<Moved, Error> {
    let source = connect(from).await?;
    let target = connect(to).await?;
    let (Pool::Sqlite(..), Pool::Postgres(_)) = (&source, &target) else {
        return Err("migrate-data moves a SQLite installation (--from sqlite://…) into PostgreSQL (--to postgres://…)".into());
    };
    // The source's chains must hold before anything moves: a broken chain is not carried over.
    let chains = audit::verify_all(&source).await?;
    if let Some(broken) = chains.iter().find(|c| c.result.is_err()) {
        return Err(format!(
            "the source's audit chain of {} is broken: {:?}; run `server audit verify` there",
            broken.name, broken.result
        )
        .into());
    }
    let mut from_conn = source.conn().await?;
    let mut tx = target.begin().await?;
    let mut moved = Moved::default();
    for table in TABLES {
        let types = column_types(&mut tx, table).await?;
        let rows = query(format!("SELECT * FROM {table}")).fetch_all(&mut from_conn).await?;
        let mut n = 0;
        for row in rows {
            let names: Vec<String> = row.names().to_vec();
            let mut insert = query(format!(
                "INSERT INTO {table} ({}) VALUES ({}){}",
                names.join(", "),
                (1..=names.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", "),
                // A new municipality gets the first years' amounts from a trigger; the source's win.
                if *table == "rates" {
                    " ON CONFLICT (tenant_id, year) DO UPDATE SET amount = excluded.amount"
                } else {
                    ""
                },
            ));
            for (name, value) in names.iter().zip(row.into_values()) {
                let ty = types
                    .get(name)
                    .ok_or_else(|| format!("{table}.{name} is not in the PostgreSQL schema"))?;
                insert = insert
                    .bind_value(convert(value, ty).map_err(|e| format!("{table}.{name}: {e}"))?);
            }
            insert.execute(&mut tx).await.map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_unique_violation() => format!("{table}: a row with the same key is already in the target ({}); nothing was moved", d.message()),
                _ => format!("{table}: {e}"),
            })?;
            n += 1;
        }
        if types.contains_key("id") {
            query(format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))")).execute(&mut tx).await?;
        }
        let there: i64 = query(format!("SELECT COUNT(*) FROM {table}")).scalar(&mut tx).await?;
        let here: i64 =
            query(format!("SELECT COUNT(*) FROM {table}")).scalar(&mut from_conn).await?;
        // The target may already have had rows (other municipalities): at least all of ours.
        if there < here {
            return Err(format!("{table}: {here} rows in the source, {there} in the target").into());
        }
        moved.tables.push((table, n));
    }
    // The chains, read back inside the transaction: as long as in the source, and intact.
    for chain in &chains {
        let rows = query(format!(
            "SELECT {} FROM audit_log WHERE tenant_id IS NOT DISTINCT FROM $1 ORDER BY id",
            audit::ENTRY_COLUMNS
        ))
        .bind(chain.tenant)
        .fetch_all(&mut tx)
        .await?;
        let entries: Vec<_> = rows.iter().map(audit::stored_entry).collect();
        let expected = chain.result.as_ref().map_err(|b| format!("{b:?}"))?;
        match engine::audit::verify(&entries) {
            Ok(n) if n == *expected => moved.chains.push((chain.name.clone(), n)),
            Ok(n) => {
                return Err(format!(
                    "the audit chain of {} has {n} entries in the target, {expected} in the source",
                    chain.name
                )
                .into());
            }
            Err(b) => {
                return Err(format!(
                    "the audit chain of {} does not hold in the target: entry {}",
                    chain.name, b.id
                )
                .into());
            }
        }
    }
    tx.commit().await?;
    source.close().await;
    target.close().await;
    Ok(moved)
}

/// The PostgreSQL type of each of the table's columns.
async fn column_types(c: &mut Conn, table: &str) -> Result<HashMap<String, String>, Error> {
    let rows: Vec<(String, String)> = query("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1")
        .bind(table)
        .all_as(c)
        .await?;
    if rows.is_empty() {
        return Err(format!("the table {table} is missing in the target").into());
    }
    Ok(rows.into_iter().collect())
}

/// A SQLite value as the PostgreSQL column's type wants it.
fn convert(v: Value, ty: &str) -> Result<Value, String> {
    Ok(match (v, ty) {
        (Value::Null(_), "date") => Value::Null(super::sql::Kind::Date),
        (Value::Null(_), "boolean") => Value::Null(super::sql::Kind::Bool),
        (Value::Null(_), "numeric") => Value::Null(super::sql::Kind::Decimal),
        (Value::Null(_), "bigint" | "integer") => Value::Null(super::sql::Kind::Int),
        (Value::Null(_), "bytea") => Value::Null(super::sql::Kind::Bytes),
        (Value::Null(_), "timestamp with time zone") => Value::Null(super::sql::Kind::Instant),
        (Value::Null(k), _) => Value::Null(k),
        (Value::Text(s), "date") => Value::Date(
            NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                .map_err(|e| format!("{s:?} is no date: {e}"))?,
        ),
        (Value::Text(s), "numeric") => {
            Value::Decimal(Decimal::from_str(&s).map_err(|e| format!("{s:?} is no decimal: {e}"))?)
        }
        (Value::Text(s), "timestamp with time zone") => {
            let t = NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S")
                .or_else(|_| NaiveDateTime::parse_from_str(&s, "%Y-%m-%dT%H:%M:%S%.fZ"))
                .map_err(|e| format!("{s:?} is no time: {e}"))?;
            Value::Instant(t.and_utc())
        }
        (Value::Int(i), "boolean") => Value::Bool(i != 0),
        (Value::Text(s), "bytea") => Value::Bytes(s.into_bytes()),
        (v @ (Value::Int(_) | Value::Text(_) | Value::Bytes(_) | Value::Float(_)), _) => v,
        (v, ty) => return Err(format!("{v:?} does not fit {ty}")),
    })
}
