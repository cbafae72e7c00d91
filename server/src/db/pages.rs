//! What a page or a change reads, in one trip to the database ([`fetch_batch`]): each read is
//! the same query its own `Store` method runs (built by the same function), read back the same
//! way; here they only travel together.

use super::err;
use super::facts::{Keeping, PairFacts};
use super::people::{people_from, people_queries};
use super::queries::*;
use super::schedules::{calendar_query, planned_all, planned_of_assistant_query};
use super::settings::{terms_of, terms_query};
use super::shifts::{running_of, running_query};
use super::sql::{Conn, fetch_batch, query};
use chrono::NaiveDate;
use engine::ReportMonth;
use std::ops::RangeInclusive;
use std::sync::Arc;
use store::{AssistantMonth, ContextVersions, RepoResult, RowContext, RowRecheck};

pub(super) async fn assistant_month(
    c: &mut Conn,
    kept: Option<Keeping<'_>>,
    tenant: i64,
    assistant: i64,
    user: i64,
    month: ReportMonth,
    plan: RangeInclusive<NaiveDate>,
) -> RepoResult<AssistantMonth> {
    let mut queries = vec![
        assigned_recipients_query(tenant, assistant, month),
        assistant_rows_query(tenant, assistant, month.first_day(), month.last_day()),
        month_records_query(tenant, month, None, Some(assistant)),
        terms_query(tenant),
        running_query(tenant, assistant),
        planned_of_assistant_query(tenant, assistant, plan, true),
        calendar_query(tenant, user),
    ];
    // The register's version with the rest: the assistant's register entries are then read
    // only when what the server keeps of them was read at another.
    queries.push(register_version_query(tenant));
    let mut rows = fetch_batch(c, queries).await.map_err(err)?.into_iter();
    let mut next = || rows.next().unwrap_or_default();
    let (recipients, stored, records, terms, running) = (next(), next(), next(), next(), next());
    let (planned, calendar, version) = (next(), next(), next());
    let version = version.first().and_then(|r| r.get::<Option<i64>, _>("version"));
    let key = (tenant, assistant);
    let people = match kept.and_then(|k| k.facts.people.get(&key, version)) {
        Some(people) => people,
        None => {
            // Read after the version: never older than it (a newer read is only not used).
            let rows =
                fetch_batch(c, people_queries(tenant, Some(assistant), None)).await.map_err(err)?;
            let people = Arc::new(people_from(rows));
            if let Some(k) = kept.filter(|k| k.keep) {
                k.facts.people.put(key, version, people.clone());
            }
            people
        }
    };
    Ok(AssistantMonth {
        recipients: names_of(&recipients),
        rows: stored_rows(&stored),
        records: month_records_of(&records),
        terms: terms_of(tenant, &terms),
        running: running_of(&running),
        planned: planned_all(&planned),
        calendar: !calendar.is_empty(),
        people,
    })
}

pub(super) async fn row_context(
    c: &mut Conn,
    kept: Option<Keeping<'_>>,
    tenant: i64,
    assistant: i64,
    recipient: i64,
    date: NaiveDate,
    near: RangeInclusive<NaiveDate>,
) -> RepoResult<RowContext> {
    let month = month_of(date)?;
    // The versions first, before what they cover.
    let queries = vec![
        recheck_query(tenant, assistant, recipient, month),
        assistant_rows_query(tenant, assistant, *near.start(), *near.end()),
    ];
    let mut rows = fetch_batch(c, queries).await.map_err(err)?.into_iter();
    let mut next = || rows.next().unwrap_or_default();
    let (recheck, near) = (next(), next());
    let RowRecheck { versions, status, terms } = recheck_of(tenant, &recheck);
    let key = (tenant, assistant, recipient);
    let pair = match kept.and_then(|k| k.facts.pairs.get(&key, versions.register)) {
        Some(pair) => pair,
        None => {
            // Read after the version: never older than it (a newer read is only not used).
            let mut queries = vec![assignment_spans_query(tenant, assistant, recipient)];
            queries.extend(people_queries(tenant, Some(assistant), Some(recipient)));
            let mut rows = fetch_batch(c, queries).await.map_err(err)?.into_iter();
            let spans = rows.next().unwrap_or_default();
            let pair = Arc::new(PairFacts {
                spans: spans_of(&spans),
                facts: people_from(rows.collect())
                    .row_facts(assistant, Some(recipient))
                    .into_iter()
                    .next(),
            });
            if let Some(k) = kept.filter(|k| k.keep) {
                k.facts.pairs.put(key, versions.register, pair.clone());
            }
            pair
        }
    };
    Ok(RowContext {
        versions,
        assigned: pair.assigned_on(date),
        status,
        near: stored_rows(&near),
        terms,
        facts: pair.facts.clone(),
    })
}

/// The municipality's register version (`register_versions`; no row before its first change).
fn register_version_query(tenant: i64) -> super::sql::Query<'static> {
    query("SELECT version FROM register_versions WHERE tenant_id = $1").bind(tenant)
}

/// The days of a pair's assignments, as [`is_assigned_query`] counts them (of a recipient in
/// the register).
fn assignment_spans_query(
    tenant: i64,
    assistant: i64,
    recipient: i64,
) -> super::sql::Query<'static> {
    query(
        "SELECT a.valid_from, a.valid_to FROM assignments a JOIN recipients r ON r.id = a.recipient_id AND r.tenant_id = a.tenant_id
         WHERE a.tenant_id = $1 AND a.assistant_id = $2 AND a.recipient_id = $3",
    )
    .bind(tenant)
    .bind(assistant)
    .bind(recipient)
}

fn spans_of(rows: &[super::sql::Row]) -> Vec<(NaiveDate, Option<NaiveDate>)> {
    rows.iter()
        .filter_map(|r| Some((r.get::<Option<NaiveDate>, _>("valid_from")?, r.get("valid_to"))))
        .collect()
}

/// The month of a row's date (a date BITA's months do not reach is refused, not a panic).
fn month_of(date: NaiveDate) -> RepoResult<ReportMonth> {
    ReportMonth::of(date)
        .ok_or_else(|| store::RepoError::Db(format!("{date} is outside the years BITA handles")))
}

/// The pair's versions, the month's status and the terms, in one statement: what a new row's
/// context reads first (the versions before what they cover) and what its change reads again,
/// holding its municipality's lock, where each round trip to PostgreSQL is one that every
/// other change of the municipality waits for. The month's status and the terms have the
/// columns of [`month_status_query`] and [`terms_query`], and are read back as theirs are.
fn recheck_query(
    tenant: i64,
    assistant: i64,
    recipient: i64,
    month: ReportMonth,
) -> super::sql::Query<'static> {
    query(
        "SELECT (SELECT version FROM kept_versions WHERE tenant_id = $1 AND kind = 'a' AND id = $2) AS a,
                (SELECT version FROM kept_versions WHERE tenant_id = $1 AND kind = 'r' AND id = $3) AS r,
                (SELECT version FROM register_versions WHERE tenant_id = $1) AS g,
                m.id, m.status, t.lss_rate, s.settings, rt.year, rt.amount
         FROM tenants t
         LEFT JOIN month_reports m ON m.tenant_id = t.id AND m.assistant_id = $2 AND m.recipient_id = $3 AND m.month = $4
         LEFT JOIN rule_settings s ON s.tenant_id = t.id
         LEFT JOIN rates rt ON rt.tenant_id = t.id
         WHERE t.id = $1",
    )
    .bind(tenant)
    .bind(assistant)
    .bind(recipient)
    .bind(month.to_string())
}

/// What [`recheck_query`] read: one row per rate of the municipality, the rest repeated.
fn recheck_of(tenant: i64, rows: &[super::sql::Row]) -> RowRecheck {
    let versions = rows
        .first()
        .map(|r| ContextVersions { pair: (r.get("a"), r.get("r")), register: r.get("g") })
        .unwrap_or_default();
    let status = match rows.first() {
        Some(r) if r.get::<Option<i64>, _>("id").is_some() => status_of(rows),
        _ => None,
    };
    RowRecheck { versions, status, terms: terms_of(tenant, rows) }
}

pub(super) async fn row_recheck(
    c: &mut Conn,
    tenant: i64,
    assistant: i64,
    recipient: i64,
    date: NaiveDate,
) -> RepoResult<RowRecheck> {
    let month = month_of(date)?;
    let rows =
        recheck_query(tenant, assistant, recipient, month).fetch_all(c).await.map_err(err)?;
    Ok(recheck_of(tenant, &rows))
}
