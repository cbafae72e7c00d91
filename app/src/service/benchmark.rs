//! Municipalities compare themselves (issue 29). A municipality takes part by its own choice (an
//! administrator's setting, audited, off by default). For each of the twelve whole months before
//! this one, its figures ([`crate::domain::benchmark::figures`]) are computed from what BITA
//! already keeps: the reports' history (`month_events`), the month's checks (the kept findings)
//! and where its rows came from. They are kept, not computed on a page view: [`refresh`] runs
//! in the background, computes a municipality's figures again when its records changed (its
//! audit log moved on) and at most once an hour, and then the spread of each measure over the
//! municipalities taking part (median and quartiles, withheld below five). A page reads its
//! own figures and the spreads: a few hundred rows, however many municipalities take part.
//! Nobody sees another municipality's own figure, and no personal data is in any of it.

use super::context::{Cx, internal, me, write};
use super::kept::month_check_in;
use super::tx::{Begun, begin, commit, notice};
use crate::domain::benchmark::{self, Metric, MonthFacts, ReportFacts};
use crate::domain::{ReportMonth, TZ};
use crate::i18n::T;
use crate::model::benchmark::{number, *};
use crate::model::*;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::HashMap;
use store::{AuditEntry, Figure, Repo, SpreadRecord};

use crate::paths::BENCHMARK as BENCHMARK_PAGE;

/// A municipality's figures are computed again at most this often, however busy it is.
pub const MIN_AGE: Duration = Duration::hours(1);

/// What a refresh did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Refreshed {
    /// The municipalities whose figures were computed.
    pub computed: Vec<i64>,
    /// The municipalities taking part.
    pub participants: usize,
}

/// The figures of every municipality taking part whose records changed since its figures were
/// computed (or whose months moved on), no more often than `min_age`; then every spread.
pub async fn refresh(
    repo: &dyn Repo,
    now: DateTime<Utc>,
    min_age: Duration,
) -> Result<Refreshed, PageError> {
    let today = now.with_timezone(&TZ).date_naive();
    let months = benchmark::months_before(today);
    let Some(last) = months.last().map(|m| m.to_string()) else {
        return Ok(Refreshed::default());
    };
    let participants = {
        let mut db = repo.read().await.map_err(internal)?;
        db.participants().await.map_err(internal)?
    };
    let mut out = Refreshed { participants: participants.len(), ..Default::default() };
    for p in &participants {
        // Its records unchanged, or computed within the hour; a new month is always computed.
        let fresh = p
            .computed
            .as_ref()
            .is_some_and(|c| c.last_month == last && (c.stamp == p.stamp || now - c.at < min_age));
        if fresh {
            continue;
        }
        let mut figures = Vec::new();
        for m in &months {
            let facts = month_facts(repo, p.tenant, *m).await?;
            figures.extend(benchmark::figures(*m, &facts).into_iter().map(|(metric, value)| {
                Figure { tenant: p.tenant, month: m.to_string(), metric: metric.code(), value }
            }));
        }
        let mut db = write(repo, Some(p.tenant)).await.map_err(internal)?;
        // Left while its figures were computed: they are not kept.
        if db.benchmarking(p.tenant).await.map_err(internal)? {
            db.save_figures(p.tenant, p.stamp, &last, &figures).await.map_err(internal)?;
        }
        db.finish().await.map_err(internal)?;
        out.computed.push(p.tenant);
    }
    save_spreads(repo, &months).await?;
    Ok(out)
}

/// Every measure's spread over the municipalities taking part, for `months`, kept.
async fn save_spreads(repo: &dyn Repo, months: &[ReportMonth]) -> Result<(), PageError> {
    let names: Vec<String> = months.iter().map(|m| m.to_string()).collect();
    let figures = {
        let mut db = repo.read().await.map_err(internal)?;
        db.figures(None, &names).await.map_err(internal)?
    };
    let mut values: HashMap<(String, String), Vec<f64>> = HashMap::new();
    for f in figures {
        if let Some(v) = f.value {
            values.entry((f.month, f.metric)).or_default().push(v);
        }
    }
    let mut spreads = Vec::new();
    for month in &names {
        for metric in Metric::all() {
            let key = (month.clone(), metric.code());
            let s = benchmark::spread(values.remove(&key).unwrap_or_default());
            // None gave a figure: nothing to keep (read back as none).
            if s.contributors == 0 {
                continue;
            }
            spreads.push(SpreadRecord {
                month: key.0,
                metric: key.1,
                contributors: s.contributors as i64,
                quartiles: s.quartiles,
            });
        }
    }
    let mut db = write(repo, None).await.map_err(internal)?;
    db.save_spreads(&spreads).await.map_err(internal)?;
    db.finish().await.map_err(internal)
}

/// A moment's date in Sweden.
fn local_date(t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&TZ).date_naive()
}

/// What a municipality's month consists of: its reports (the assistant × recipient pairs with
/// rows in it) with their history, the payable and granted hours of the recipients with a
/// decision, its findings by rule, and where its rows came from.
pub async fn month_facts(
    repo: &dyn Repo,
    tenant: i64,
    month: ReportMonth,
) -> Result<MonthFacts, PageError> {
    let check = month_check_in(repo, tenant, month).await?;
    let findings = check.all_findings(repo).await?;
    let (histories, origins) = {
        let mut db = repo.read().await.map_err(internal)?;
        let h = db.report_histories(tenant, month).await.map_err(internal)?;
        let o = db.row_origins(tenant, month).await.map_err(internal)?;
        (h, o)
    };
    let history: HashMap<i64, &store::ReportHistory> =
        histories.iter().map(|h| (h.month_id, h)).collect();
    let reported: Vec<&MonthView> = check.months.iter().filter(|m| m.row_count > 0).collect();
    let reports = reported
        .iter()
        .map(|m| match m.key.and_then(|k| history.get(&k)) {
            Some(h) => ReportFacts {
                submitted: h.submitted.map(local_date),
                attested: h.attested.map(local_date),
                exported: h.exported.map(local_date),
                corrections: u32::try_from(h.corrections).unwrap_or(u32::MAX),
            },
            None => ReportFacts::default(),
        })
        .collect();
    let mut recipients: Vec<i64> = reported.iter().map(|m| m.recipient.id).collect();
    recipients.sort();
    recipients.dedup();
    let granted: HashMap<i64, i64> = recipients
        .iter()
        .filter_map(|r| super::schedule::granted(&check.people, *r, month).map(|g| (*r, g)))
        .collect();
    let payable_hours: rust_decimal::Decimal = reported
        .iter()
        .filter(|m| granted.contains_key(&m.recipient.id))
        .map(|m| m.totals.payable_hours())
        .sum();
    let mut by_rule = [0u64; 10];
    for f in &findings {
        by_rule[f.rule as usize] += 1;
    }
    Ok(MonthFacts {
        reports,
        payable_minutes: (payable_hours * rust_decimal::Decimal::from(60))
            .to_string()
            .parse()
            .unwrap_or(0.0),
        granted_minutes: granted.values().sum(),
        rows: u64::try_from(origins.rows).unwrap_or(0),
        rows_clock: u64::try_from(origins.clock).unwrap_or(0),
        rows_plan: u64::try_from(origins.plan).unwrap_or(0),
        findings: by_rule,
    })
}

/// The comparison as the caller's municipality sees it: its own figures beside the spread
/// over those taking part, or (not taking part) nothing but the choice.
pub async fn page(cx: &Cx) -> Result<BenchmarkPage, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let flash = cx.take_flash().await;
    Ok(BenchmarkPage { flash, ..figures_of(cx, c).await? })
}

/// The page's figures as CSV (semicolon-separated, decimal comma, as Swedish spreadsheets read
/// it): a line per measure and month with the municipality's own figure and the spread. None
/// when the municipality does not take part.
pub async fn csv(cx: &Cx) -> Result<Option<String>, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let page = figures_of(cx, c).await?;
    if !page.taking_part {
        return Ok(None);
    }
    let mut out =
        String::from("matt;manad;egen;antal_kommuner;nedre_kvartil;median;ovre_kvartil\r\n");
    let n = |v: Option<f64>| v.map(number).unwrap_or_default();
    for m in &page.measures {
        for p in &m.points {
            let [q1, med, q3] = benchmark::columns(p.quartiles);
            out.push_str(&format!(
                "{};{};{};{};{};{};{}\r\n",
                m.metric.code(),
                p.month,
                n(p.own),
                p.contributors,
                n(q1),
                n(med),
                n(q3)
            ));
        }
    }
    Ok(Some(out))
}

/// Every measure's spread over the municipalities taking part, for the twelve months before
/// this one, as CSV: what the installation's operator sees (no municipality's own figure).
pub async fn spreads_csv(repo: &dyn Repo) -> Result<String, PageError> {
    let months: Vec<String> =
        benchmark::months_before(super::context::today()).iter().map(|m| m.to_string()).collect();
    let mut db = repo.read().await.map_err(internal)?;
    let spreads = db.spreads(&months).await.map_err(internal)?;
    db.finish().await.map_err(internal)?;
    let mut out = String::from("matt;manad;antal_kommuner;nedre_kvartil;median;ovre_kvartil\r\n");
    for s in spreads {
        let [q1, med, q3] =
            benchmark::columns(s.quartiles).map(|v| v.map(number).unwrap_or_default());
        out.push_str(&format!("{};{};{};{q1};{med};{q3}\r\n", s.metric, s.month, s.contributors));
    }
    Ok(out)
}

async fn figures_of(cx: &Cx, c: &store::Caller) -> Result<BenchmarkPage, PageError> {
    let months: Vec<String> =
        benchmark::months_before(super::context::today()).iter().map(|m| m.to_string()).collect();
    let mut db = cx.db().await?;
    let taking_part = db.benchmarking(c.tenant_id).await.map_err(internal)?;
    let mut measures = Vec::new();
    let mut computed_at = None;
    let mut participants = 0;
    if taking_part {
        let all = db.participants().await.map_err(internal)?;
        participants = all.len();
        computed_at = all
            .into_iter()
            .find(|p| p.tenant == c.tenant_id)
            .and_then(|p| p.computed)
            .map(|done| done.at.with_timezone(&TZ).format("%Y-%m-%d %H:%M").to_string());
        let own: HashMap<(String, String), Option<f64>> = db
            .figures(Some(c.tenant_id), &months)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|f| ((f.month, f.metric), f.value))
            .collect();
        let spreads: HashMap<(String, String), SpreadRecord> = db
            .spreads(&months)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|s| ((s.month.clone(), s.metric.clone()), s))
            .collect();
        for metric in Metric::all() {
            let code = metric.code();
            let points = months
                .iter()
                .map(|m| {
                    let key = (m.clone(), code.clone());
                    let s = spreads.get(&key);
                    Point {
                        month: m.clone(),
                        own: own.get(&key).copied().flatten(),
                        contributors: s.map_or(0, |s| s.contributors),
                        quartiles: s.and_then(|s| s.quartiles),
                    }
                })
                .collect();
            measures.push(MeasureView { metric, points });
        }
    }
    db.finish().await.map_err(internal)?;
    Ok(BenchmarkPage {
        me: me(cx, c),
        taking_part,
        computed_at,
        participants,
        months,
        measures,
        form_key: random_token(),
        flash: Flash::default(),
    })
}

/// Takes part, or leaves (which forgets the municipality's figures at once; the spreads lose
/// them at the next refresh).
pub async fn set_taking_part(cx: &Cx, on: bool, key: Option<&str>) -> Result<Outcome, PageError> {
    let c = cx.require(&[Role::Admin])?;
    let mut db = match begin(cx, c.user_id, key).await? {
        Begun::New(db) => db,
        Begun::Replayed(first) => return Ok(*first),
    };
    let before = db.set_benchmarking(c.tenant_id, on).await.map_err(internal)?;
    let audit = AuditEntry {
        before: Some(format!("{{\"benchmarking\":{before}}}")),
        after: Some(format!("{{\"benchmarking\":{on}}}")),
        ..cx.audit_entry("benchmark.taking_part", "benchmarking".to_string())
    };
    let said = if on { T::BenchmarkJoined } else { T::BenchmarkLeft };
    commit(db, c.user_id, key, audit, notice(BENCHMARK_PAGE.into(), said)).await
}
