//! Issue 28: a month's findings are kept per assistant and recipient and recomputed only where
//! a change moved a version. After random sequences of changes (rows added and removed,
//! decisions, absences, assignments, an assistant's register entry, the municipality's rule
//! settings), made through the store and behind its back in SQL, the kept checks equal a full
//! recomputation by `engine::rules::preflight` over every row: the findings, the pairs with
//! errors and every pair's totals. Runs on SQLite and, by the test script, on PostgreSQL.

use crate::common::*;
use app::service::kept::month_check_in;
use engine::rules::{MonthInput, MonthState, RowRecord, RuleConfig, RuleId, Severity, preflight};
use engine::{Minutes, MonthStatus, ReportMonth, TimeKind, TimeRow, Totals};
use server::db::DbRepo;
use server::db::sql::{Conn, query};
use std::collections::{BTreeMap, HashMap};
use store::{OnRefusal, Repo, Store, StoredRow};

/// A fixed-seed generator of a few lines (xorshift64*): a failing sequence repeats from the
/// seed it prints. proptest's shrinking does not fit a sequence of database changes.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }
}

/// What the month's checks say, in a form two computations can be compared in: the findings
/// (sorted, as the order within a rule and severity is not a promise), the pairs with an
/// error, and each month report's row count and totals.
#[derive(Debug, PartialEq)]
struct Said {
    findings: Vec<String>,
    errors: Vec<(i64, i64)>,
    totals: BTreeMap<(i64, i64), (usize, Totals)>,
}

fn sorted(findings: &[engine::rules::Finding]) -> Vec<String> {
    let mut out: Vec<String> = findings.iter().map(|f| serde_json::to_string(f).unwrap()).collect();
    out.sort();
    out
}

/// The month's checks from scratch: every row of the half year before the month to a week
/// after it, every rule at once, as before anything was kept.
async fn recomputed(repo: &DbRepo, tenant: i64, month: ReportMonth) -> Said {
    let mut db = repo.read().await.unwrap();
    let from = month.first_day().checked_sub_months(chrono::Months::new(6)).unwrap();
    let to = month.last_day() + chrono::Duration::days(7);
    let rows: Vec<RowRecord> = db
        .rows_between(tenant, from, to)
        .await
        .unwrap()
        .into_iter()
        .map(StoredRow::into_record)
        .collect();
    let records = db.month_records(tenant, month, None, None).await.unwrap();
    let people = db.people(tenant).await.unwrap();
    let terms = db.terms(tenant).await.unwrap();
    let signed = db.signed_claims(tenant, &month.to_string()).await.unwrap();
    let in_month: Vec<&RowRecord> = rows.iter().filter(|r| month.contains(r.row.date())).collect();
    let mut by_pair: HashMap<(i64, i64), Vec<&RowRecord>> = HashMap::new();
    for r in &in_month {
        by_pair.entry((r.assistant, r.recipient)).or_default().push(r);
    }
    let totals: BTreeMap<(i64, i64), (usize, Totals)> = records
        .iter()
        .map(|m| {
            let rows = by_pair.get(&(m.assistant_id, m.recipient_id)).cloned().unwrap_or_default();
            (
                (m.assistant_id, m.recipient_id),
                (rows.len(), Totals::of(rows.iter().map(|r| &r.row))),
            )
        })
        .collect();
    let states: Vec<MonthState> = records
        .iter()
        .filter(|m| {
            totals[&(m.assistant_id, m.recipient_id)].0 > 0 || m.status != MonthStatus::Draft
        })
        .map(|m| MonthState {
            assistant: m.assistant_id,
            recipient: m.recipient_id,
            status: m.status,
        })
        .collect();
    let findings = preflight(&MonthInput {
        month,
        today: app::service::context::today(),
        rows: &rows,
        assistants: &people.assistants,
        recipients: &people.recipients,
        decisions: &people.decisions,
        absences: &people.absences,
        states: &states,
        rakning_complete: Some(&signed),
        config: &terms.rules,
        rates: Some(&terms.rates),
    })
    .findings;
    let pair: HashMap<i64, (i64, i64)> =
        in_month.iter().map(|r| (r.id, (r.assistant, r.recipient))).collect();
    let mut errors: Vec<(i64, i64)> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.rule != RuleId::V9)
        .flat_map(|f| f.rows.iter().filter_map(|id| pair.get(id).copied()))
        .collect();
    errors.sort();
    errors.dedup();
    Said { findings: sorted(&findings), errors, totals }
}

/// The month's checks as the dashboard gets them: kept where current, the rest recomputed.
async fn kept(repo: &DbRepo, tenant: i64, month: ReportMonth) -> Said {
    let check = month_check_in(repo, tenant, month).await.unwrap();
    Said {
        // The assistants' and recipients' warnings are read as the dashboard lists them.
        findings: sorted(&check.all_findings(repo).await.unwrap()),
        errors: check.error_pairs,
        totals: check
            .months
            .iter()
            .map(|m| ((m.assistant.id, m.recipient.id), (m.row_count, m.totals)))
            .collect(),
    }
}

async fn ids(c: &mut Conn, sql: &str, tenant: i64) -> Vec<i64> {
    query(sql).bind(tenant).scalars(c).await.unwrap()
}

#[tokio::test]
async fn kept_findings_equal_a_full_recomputation_after_any_changes() {
    let app = spawn_app().await;
    let repo = DbRepo::new(app.pool.clone());
    let tenant = app.id("SELECT id FROM tenants WHERE name LIKE 'Exempelby%'").await;
    let month = app::service::context::this_month();
    let mut c = app.db().await;
    let assistants =
        ids(&mut c, "SELECT id FROM assistants WHERE tenant_id = $1 ORDER BY id", tenant).await;
    let recipients =
        ids(&mut c, "SELECT id FROM recipients WHERE tenant_id = $1 ORDER BY id", tenant).await;
    let user =
        ids(&mut c, "SELECT id FROM users WHERE tenant_id = $1 ORDER BY id", tenant).await[0];
    assert!(assistants.len() >= 3 && recipients.len() >= 2, "the demo municipality's people");

    // The first view computes everything and keeps it.
    assert_eq!(kept(&repo, tenant, month).await, recomputed(&repo, tenant, month).await);
    let seed = 0x5eed_0028_u64 ^ u64::from(app.pool.is_postgres());
    let mut rng = Rng(seed);
    let span = (month.first_day() - chrono::Duration::days(45), month.last_day());
    let days = (span.1 - span.0).num_days() as usize + 1;
    let mut changes = Vec::new();
    for step in 0..70 {
        let a = assistants[rng.below(assistants.len())];
        let r = recipients[rng.below(recipients.len())];
        let day = span.0 + chrono::Duration::days(rng.below(days) as i64);
        let what = rng.below(100);
        let sql = |s: &'static str| query(s);
        let done: &str = match what {
            // A row (through the store, as every page saves one); some overlap, some break
            // the rest rules, some are for a recipient the assistant is not assigned to.
            0..=44 => {
                let start = chrono::NaiveTime::from_hms_opt(rng.below(24) as u32, 0, 0).unwrap();
                let hours = 1 + rng.below(15) as i64;
                let end = start + chrono::Duration::hours(hours);
                let next_day = end <= start;
                let kind = [TimeKind::Aktiv, TimeKind::Vantetid, TimeKind::Beredskap][rng.below(3)];
                if let Ok(row) = TimeRow::new(day, start, end, next_day, kind) {
                    let mut db = repo.write_in(tenant).await.unwrap();
                    // A row the database refuses (one start twice, a month no longer a
                    // draft) changes nothing.
                    if db.insert_row(tenant, a, r, &row, user, OnRefusal::GoOn).await.is_ok() {
                        db.finish().await.unwrap();
                    }
                }
                "row added"
            }
            45..=59 => {
                let theirs = ids(
                    &mut c,
                    "SELECT id FROM time_rows WHERE tenant_id = $1 ORDER BY id",
                    tenant,
                )
                .await;
                if !theirs.is_empty() {
                    let id = theirs[rng.below(theirs.len())];
                    let owner: i64 = query("SELECT assistant_id FROM time_rows WHERE id = $1")
                        .bind(id)
                        .scalar(&mut c)
                        .await
                        .unwrap();
                    let mut db = repo.write_in(tenant).await.unwrap();
                    if db.delete_row(tenant, owner, id).await.is_ok() {
                        db.finish().await.unwrap();
                    }
                }
                "row removed"
            }
            // Behind the store's back, as an operator's SQL would: the triggers see it too.
            60..=67 => {
                let minutes = 60 * (5 + rng.below(200)) as i64;
                let _ = sql("INSERT INTO decisions (tenant_id, recipient_id, funder, granted_per, granted_minutes, valid_from, valid_to, vantetid_allowed, beredskap_allowed) VALUES ($1, $2, 'lss', 'month', $3, $4, $5, $6, $6)")
                    .bind(tenant)
                    .bind(r)
                    .bind(minutes)
                    .bind(month.first_day() - chrono::Duration::days(rng.below(60) as i64))
                    .bind(month.last_day() + chrono::Duration::days(rng.below(60) as i64))
                    .bind(rng.below(2) == 0)
                    .execute(&mut c)
                    .await;
                "decision added"
            }
            68..=72 => {
                let _ = sql("DELETE FROM decisions WHERE id = (SELECT MIN(id) FROM decisions WHERE tenant_id = $1 AND recipient_id = $2)")
                    .bind(tenant)
                    .bind(r)
                    .execute(&mut c)
                    .await;
                "decision removed"
            }
            73..=79 => {
                let _ = sql("INSERT INTO absences (tenant_id, recipient_id, kind, from_date, to_date, assistance_allowed) VALUES ($1, $2, 'hospital', $3, $4, FALSE)")
                    .bind(tenant)
                    .bind(r)
                    .bind(day)
                    .bind(day + chrono::Duration::days(rng.below(40) as i64))
                    .execute(&mut c)
                    .await;
                "absence added"
            }
            80..=85 => {
                let _ = sql("UPDATE assistants SET eea_resident = NOT eea_resident, regime = CASE regime WHEN 'atl' THEN 'ab_bilaga_j' ELSE 'atl' END WHERE id = $1")
                    .bind(a)
                    .execute(&mut c)
                    .await;
                "assistant changed"
            }
            86..=93 => {
                let _ = sql("INSERT INTO assignments (tenant_id, assistant_id, recipient_id, valid_from, fk_notified_on) VALUES ($1, $2, $3, $4, $5)")
                    .bind(tenant)
                    .bind(a)
                    .bind(r)
                    .bind(month.first_day() - chrono::Duration::days(90))
                    .bind(day)
                    .execute(&mut c)
                    .await;
                "assignment added"
            }
            _ => {
                let config = RuleConfig {
                    daily_rest: Minutes(60 * (9 + rng.below(4) as i64)),
                    ..RuleConfig::default()
                };
                let mut db = repo.write_in(tenant).await.unwrap();
                db.save_rule_config(tenant, &config).await.unwrap();
                db.finish().await.unwrap();
                "rule settings changed"
            }
        };
        changes.push(format!("{step}: {done} (assistant {a}, recipient {r}, {day})"));
        // Sometimes two changes come before the next view.
        if rng.below(3) == 0 {
            continue;
        }
        let (got, want) =
            (kept(&repo, tenant, month).await, recomputed(&repo, tenant, month).await);
        assert!(
            got == want,
            "seed {seed:#x}, after:\n{}\nkept:\n{got:#?}\nrecomputed:\n{want:#?}",
            changes.join("\n")
        );
        // What the view recomputed is kept, at the current versions.
        let behind = query(
            "SELECT COUNT(*) FROM kept_findings k JOIN kept_versions v ON v.tenant_id = k.tenant_id AND v.kind = k.kind AND v.id = k.id
             WHERE k.tenant_id = $1 AND k.month = $2 AND k.version <> v.version",
        )
        .bind(tenant)
        .bind(month.to_string())
        .scalar::<i64>(&mut c)
        .await
        .unwrap();
        assert_eq!(behind, 0, "every kept entry is current after a view");
    }
    let kept_entries = app.id("SELECT COUNT(*) FROM kept_findings").await;
    assert!(kept_entries > 0, "the month's findings are kept");
    let with_findings = kept(&repo, tenant, month).await.findings.len();
    assert!(with_findings > 5, "the changes gave findings to compare ({with_findings})");
}

/// A server keeps every municipality's findings of this month and the last when it starts, so
/// after an upgrade whose rules differ no administrator's first view waits for them.
#[tokio::test]
async fn a_server_keeps_the_months_findings_when_it_starts() {
    let app = spawn_app().await;
    let now = app::service::context::this_month();
    let kept = |month: ReportMonth| {
        let sql = format!(
            "SELECT COUNT(DISTINCT k.tenant_id) FROM kept_findings k JOIN kept_versions v ON v.tenant_id = k.tenant_id AND v.kind = k.kind AND v.id = k.id
             WHERE k.month = '{month}' AND k.version = v.version"
        );
        let app = &app;
        async move { app.id(&sql).await }
    };
    let mut waited = 0;
    while (kept(now.previous()).await < 2 || kept(now).await < 2) && waited < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    assert_eq!(kept(now.previous()).await, 2, "both demo municipalities' last month, unviewed");
    assert_eq!(kept(now).await, 2, "and this month");
}

/// The dashboard lists the first 50 of a month's findings, errors first, and counts them all,
/// though it reads the assistants' and recipients' warnings only as far as its list shows
/// them; a search counts those it lets through.
#[tokio::test]
async fn the_dashboard_lists_the_first_findings_and_counts_them_all() {
    let app = spawn_app().await;
    let repo = DbRepo::new(app.pool.clone());
    let tenant = app.id("SELECT id FROM tenants WHERE name LIKE 'Exempelby%'").await;
    let month = app::service::context::this_month().next();
    let anna = app.id("SELECT id FROM assistants WHERE first_name = 'Anna'").await;
    let david = app.id("SELECT id FROM assistants WHERE first_name = 'David'").await;
    let hanna = app.id("SELECT id FROM assistants WHERE first_name = 'Hanna'").await;
    let bo = app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await;
    let user = app.id("SELECT MIN(id) FROM users WHERE role = 'admin'").await;
    // Three assistants with Bo at the same hours every day: two at once without a decision
    // for double assistance is a warning (V7) for each two of them, every day.
    let mut db = repo.write_in(tenant).await.unwrap();
    for day in 0..28 {
        let date = month.first_day() + chrono::Duration::days(day);
        let (start, end) = (
            chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            chrono::NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
        );
        let row = TimeRow::new(date, start, end, false, TimeKind::Aktiv).unwrap();
        for a in [anna, david, hanna] {
            db.insert_row(tenant, a, bo, &row, user, OnRefusal::GoOn).await.unwrap();
        }
    }
    db.finish().await.unwrap();
    let all =
        month_check_in(&repo, tenant, month).await.unwrap().all_findings(&repo).await.unwrap();
    assert_eq!(sorted(&all), recomputed(&repo, tenant, month).await.findings);
    assert!(all.len() > 84, "84 warnings of two at once and more ({})", all.len());

    let (admin, _) = app.login("admin").await;
    let (_, page) = app.page(&admin, &format!("/admin?manad={month}")).await;
    let listed =
        |page: &str| page.split("id=\"preflight-title\"").nth(1).unwrap_or_default().to_string();
    assert!(
        listed(&page).contains(&format!("Visar de första 50 av {}.", all.len())),
        "{}",
        listed(&page)
    );
    let warnings = all.iter().filter(|f| f.severity == Severity::Warning).count();
    assert!(listed(&page).contains(&format!(", {warnings} ")), "{}", listed(&page));
    let items = listed(&page).split("</ul>").next().unwrap_or_default().matches("<li").count();
    assert_eq!(items, 50, "the list shows 50");
    // Errors come first, then the warnings that fill the list.
    let errors = all.iter().filter(|f| f.severity == Severity::Error).count();
    let shown = listed(&page);
    let classes: Vec<&str> = shown
        .split("<li class=\"")
        .skip(1)
        .map(|li| li.split('"').next().unwrap_or_default())
        .collect();
    assert_eq!(classes.iter().filter(|c| **c == "error").count(), errors.min(50));
    assert!(classes.iter().take(errors.min(50)).all(|c| *c == "error"), "{classes:?}");

    // A search for Anna: the findings about her (alone or with Bo) and the month's own.
    let (_, page) = app.page(&admin, &format!("/admin?manad={month}&q=Anna+Andersson")).await;
    let hers = all
        .iter()
        .filter(|f| match (f.assistant, f.recipient) {
            (None, None) => true,
            (Some(a), _) => a == anna,
            (None, Some(_)) => false,
        })
        .count();
    assert!(hers > 0 && hers < all.len());
    if hers > 50 {
        assert!(
            listed(&page).contains(&format!("Visar de första 50 av {hers}.")),
            "{}",
            listed(&page)
        );
    } else {
        let items = listed(&page).split("</ul>").next().unwrap_or_default().matches("<li").count();
        assert_eq!(items, hers, "{}", listed(&page));
    }
}

/// Anna and Bo of Exempelby, a day of next month, and the days a new row on it is checked
/// against.
struct Pair {
    tenant: i64,
    anna: i64,
    bo: i64,
    date: chrono::NaiveDate,
    near: std::ops::RangeInclusive<chrono::NaiveDate>,
}

/// Her month with him sent for approval, behind the server's back.
async fn sent_for_approval(app: &TestApp, tenant: i64, anna: i64, bo: i64, month: ReportMonth) {
    query("INSERT INTO month_reports (tenant_id, assistant_id, recipient_id, month, status) VALUES ($1, $2, $3, $4, 'submitted')")
        .bind(tenant)
        .bind(anna)
        .bind(bo)
        .bind(month.to_string())
        .execute(&mut app.db().await)
        .await
        .unwrap();
}

async fn anna_and_bo(app: &TestApp) -> Pair {
    let tenant = app.id("SELECT id FROM tenants WHERE name LIKE 'Exempelby%'").await;
    let anna = app.id("SELECT id FROM assistants WHERE first_name = 'Anna'").await;
    let bo = app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await;
    let date = app::service::context::this_month().next().first_day() + chrono::Duration::days(9);
    let near = date - chrono::Duration::days(8)..=date + chrono::Duration::days(8);
    Pair { tenant, anna, bo, date, near }
}

/// A new row's context is read before its change begins and used inside it only while the
/// pair's versions are those it was read with (`row_recheck`, `insert_row_if_unmoved`). So
/// every change of what the context holds (the assistant's rows near the date, the
/// assignment, the register entries, the decisions and absences, the terms), through the store
/// or behind its back in SQL, must move a version; the month's status is the database's guard.
#[tokio::test]
async fn a_row_context_read_early_goes_stale_with_any_change_it_holds() {
    let app = spawn_app().await;
    let repo = DbRepo::new(app.pool.clone());
    let Pair { tenant, anna, bo, date, near } = anna_and_bo(&app).await;
    let user = app.id("SELECT MIN(id) FROM users WHERE role = 'admin'").await;
    let early = || async {
        let mut db = repo.read().await.unwrap();
        db.row_context(tenant, anna, bo, date, near.clone()).await.unwrap().versions
    };
    let now = || async {
        let mut db = repo.write_in(tenant).await.unwrap();
        let versions = db.row_recheck(tenant, anna, bo, date).await.unwrap().versions;
        db.finish().await.unwrap();
        versions
    };
    assert_eq!(early().await, now().await, "nothing changed: the early read is used");

    let hour = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let row =
        TimeRow::new(date + chrono::Duration::days(3), hour(8), hour(9), false, TimeKind::Aktiv)
            .unwrap();
    let before = early().await;
    let mut db = repo.write_in(tenant).await.unwrap();
    db.insert_row(tenant, anna, bo, &row, user, OnRefusal::GoOn).await.unwrap();
    db.finish().await.unwrap();
    assert_ne!(before, now().await, "a row of hers near the date");

    for (what, sql) in [
        (
            "her assignment ended",
            "UPDATE assignments SET valid_to = '2000-01-01' WHERE tenant_id = $1 AND assistant_id = $2 AND recipient_id = $3",
        ),
        (
            "her register entry",
            "UPDATE assistants SET regime = CASE regime WHEN 'atl' THEN 'ab_bilaga_j' ELSE 'atl' END WHERE tenant_id = $1 AND id = $2 AND $3 > 0",
        ),
        (
            "his register entry",
            "UPDATE recipients SET last_name = last_name || 'x' WHERE tenant_id = $1 AND id = $3 AND $2 > 0",
        ),
        (
            "his decision removed",
            "DELETE FROM decisions WHERE id = (SELECT MIN(id) FROM decisions WHERE tenant_id = $1 AND recipient_id = $3) AND $2 > 0",
        ),
        (
            "his absence",
            "INSERT INTO absences (tenant_id, recipient_id, kind, from_date, to_date, assistance_allowed) SELECT $1, $3, 'hospital', '2030-01-01', '2030-01-02', FALSE WHERE $2 > 0",
        ),
        // The terms the rules ran with (`insert_row_if_unmoved` does not read them again).
        (
            "the municipality's rule settings",
            "INSERT INTO rule_settings (tenant_id, settings) SELECT $1, '{}' WHERE $2 > 0 AND $3 > 0
             ON CONFLICT (tenant_id) DO UPDATE SET settings = rule_settings.settings",
        ),
        (
            "the municipality's hourly amount of a year",
            "UPDATE rates SET amount = amount + 1 WHERE tenant_id = $1 AND year = (SELECT MAX(year) FROM rates WHERE tenant_id = $1) AND $2 > 0 AND $3 > 0",
        ),
        (
            "the municipality's LSS amount",
            "UPDATE tenants SET lss_rate = '400' WHERE id = $1 AND $2 > 0 AND $3 > 0",
        ),
    ] {
        let before = early().await;
        let mut c = app.db().await;
        let changed = query(sql).bind(tenant).bind(anna).bind(bo).execute(&mut c).await.unwrap();
        assert_eq!(changed, 1, "{what}: the change was made");
        drop(c);
        assert_ne!(before, now().await, "{what}");
    }
}

/// Anna's new one-hour row `day` days after the pair's date, checked against a read of
/// `versions`, under the form's `key`.
fn new_row(
    p: &Pair,
    user: i64,
    day: i64,
    versions: store::ContextVersions,
    key: &str,
) -> store::NewRow {
    let hour = |h| chrono::NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let date = p.date + chrono::Duration::days(day);
    let tenant = p.tenant;
    store::NewRow {
        tenant,
        assistant: p.anna,
        recipient: p.bo,
        row: TimeRow::new(date, hour(8), hour(9), false, TimeKind::Aktiv).unwrap(),
        by_user: user,
        versions,
        key: Some(key.to_string()),
        outcome: format!("\"{key}\""),
        audit: Box::new(move |id| store::AuditEntry {
            tenant: Some(tenant),
            user: Some(user),
            actor: None,
            client: None,
            action: "row.add",
            subject: format!("row {id}"),
            before: None,
            after: None,
        }),
    }
}

/// A new row its early read lets pass is inserted with the other new rows waiting, in one
/// statement (`Repo::insert_new_row`), with its audit entry and its outcome under its key.
/// Nothing is inserted when its read has gone stale, when its key was used (in the database
/// or earlier in the same batch), or when the database refuses a row of the statement (a
/// month no longer a draft); then the caller goes the long way (`service::rows`).
#[tokio::test]
async fn new_rows_are_inserted_together_only_while_their_reads_hold_and_their_keys_are_new() {
    let app = spawn_app().await;
    let repo = DbRepo::new(app.pool.clone());
    let pair = anna_and_bo(&app).await;
    let Pair { tenant, anna, bo, date, .. } = pair;
    let user = app.id("SELECT id FROM users WHERE username = 'anna'").await;
    let read = || async {
        let mut db = repo.read().await.unwrap();
        db.row_context(tenant, anna, bo, date, pair.near.clone()).await.unwrap().versions
    };
    let before = app.count_rows().await;
    let id = repo
        .insert_new_row(new_row(&pair, user, 1, read().await, "key-one-0123456789"))
        .await
        .unwrap();
    let id = id.expect("a fresh read and a new key");
    assert_eq!(app.count_rows().await, before + 1);
    let audited =
        app.id(&format!("SELECT COUNT(*) FROM audit_log WHERE subject = 'row {id}'")).await;
    assert_eq!(audited, 1, "its audit entry, with it");
    let mut c = app.db().await;
    let kept: Option<String> = query(
        "SELECT outcome FROM idempotency_keys WHERE user_id = $1 AND key = 'key-one-0123456789'",
    )
    .bind(user)
    .scalar_optional(&mut c)
    .await
    .unwrap();
    drop(c);
    assert_eq!(kept.as_deref(), Some("\"key-one-0123456789\""), "its outcome under its key");

    let again = repo.insert_new_row(new_row(&pair, user, 2, read().await, "key-one-0123456789"));
    assert_eq!(again.await.unwrap(), None, "a used key");
    assert_eq!(app.count_rows().await, before + 1, "nothing inserted");

    let stale = read().await;
    let mut c = app.db().await;
    query("UPDATE rates SET amount = amount + 1 WHERE tenant_id = $1")
        .bind(tenant)
        .execute(&mut c)
        .await
        .unwrap();
    drop(c);
    let moved = repo.insert_new_row(new_row(&pair, user, 3, stale, "key-three-0123456789"));
    assert_eq!(moved.await.unwrap(), None, "the terms moved since the read");
    assert_eq!(app.count_rows().await, before + 1, "nothing inserted");

    // A key stored by a change before it in the same batch, not yet in the database: the
    // change is open while the row waits, and finishes with the row waiting, the batch
    // young (so the batch goes on to it before it commits; the test's runtime is one thread,
    // and the yields let the waiting row queue).
    let versions = read().await;
    let mut db = repo.write_in(tenant).await.unwrap();
    let (r, row) = (repo.clone(), new_row(&pair, user, 4, versions, "key-four-0123456789"));
    let waiting = tokio::spawn(async move { r.insert_new_row(row).await });
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    db.remember_outcome(user, "key-four-0123456789", "row.add", "{}").await.unwrap();
    db.finish().await.unwrap();
    assert_eq!(waiting.await.unwrap().unwrap(), None, "a key used earlier in the batch");
    assert_eq!(app.count_rows().await, before + 1, "nothing inserted");

    // Two rows waiting together while a change holds the lock, hers and David's, whose read
    // is stale: the one statement for both inserts hers alone.
    let david = app.id("SELECT id FROM assistants WHERE first_name = 'David'").await;
    let david_user = app.id("SELECT id FROM users WHERE username = 'david'").await;
    let his = Pair { anna: david, near: pair.near.clone(), ..pair };
    let mut stale = read().await;
    stale.pair.0 = Some(-1);
    let held = repo.write_in(tenant).await.unwrap();
    let (r1, hers) = (repo.clone(), new_row(&pair, user, 6, read().await, "key-her-0123456789"));
    let (r2, his) = (repo.clone(), new_row(&his, david_user, 6, stale, "key-his-0123456789"));
    let hers = tokio::spawn(async move { r1.insert_new_row(hers).await });
    let his = tokio::spawn(async move { r2.insert_new_row(his).await });
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    held.finish().await.unwrap();
    assert!(hers.await.unwrap().unwrap().is_some(), "hers, read fresh");
    assert_eq!(his.await.unwrap().unwrap(), None, "his, read stale");
    assert_eq!(app.count_rows().await, before + 2);
    let before = before + 1;

    // Her month sent for approval after the read: the database refuses the row, and the
    // batch goes on (the next row of another month is inserted).
    let versions = read().await;
    let month = ReportMonth::of(date).unwrap();
    sent_for_approval(&app, tenant, anna, bo, month).await;
    let locked = repo.insert_new_row(new_row(&pair, user, 5, versions, "key-five-0123456789"));
    assert_eq!(locked.await.unwrap(), None, "a month no longer a draft");
    assert_eq!(app.count_rows().await, before + 1, "nothing inserted");
    let next_month = (month.last_day() - date).num_days() + 3;
    let next =
        repo.insert_new_row(new_row(&pair, user, next_month, read().await, "key-six-0123456789"));
    assert!(next.await.unwrap().is_some(), "the next row, in the next month");
    assert_eq!(app.count_rows().await, before + 2);
}

/// A new row's context and its re-check inside the change read the pair's versions, the
/// month's status and the terms in one statement: the status and the terms are what the store's
/// own reads of them give (`month_status`, `terms`), with and without a record of the month (and
/// the municipality's rates, one row each), and the context and the re-check agree.
#[tokio::test]
async fn a_rows_recheck_reads_what_its_early_context_read() {
    let app = spawn_app().await;
    let repo = DbRepo::new(app.pool.clone());
    let Pair { tenant, anna, bo, date, near } = anna_and_bo(&app).await;
    let month = ReportMonth::of(date).unwrap();
    let both = || async {
        let mut db = repo.read().await.unwrap();
        let early = db.row_context(tenant, anna, bo, date, near.clone()).await.unwrap();
        drop(db);
        let mut db = repo.write_in(tenant).await.unwrap();
        let now = db.row_recheck(tenant, anna, bo, date).await.unwrap();
        db.finish().await.unwrap();
        let mut db = repo.read().await.unwrap();
        let status = db.month_status(tenant, anna, bo, month).await.unwrap();
        let terms = db.terms(tenant).await.unwrap();
        drop(db);
        assert_eq!(now.status, status);
        assert_eq!(now.terms.rates, terms.rates);
        assert_eq!(now.terms.lss_rate, terms.lss_rate);
        assert_eq!(now.terms.rules, terms.rules);
        assert_eq!(now.versions, early.versions);
        assert_eq!(now.status, early.status);
        assert_eq!(now.terms.rates, early.terms.rates);
        assert!(now.terms.rates.years().next().is_some(), "the municipality's rates");
        assert_eq!(now.terms.lss_rate, early.terms.lss_rate);
        assert_eq!(now.terms.rules, early.terms.rules);
        now.status
    };
    assert_eq!(both().await, None, "no record of the month yet");
    sent_for_approval(&app, tenant, anna, bo, month).await;
    let status = both().await;
    assert_eq!(status.map(|(_, s)| s), Some(MonthStatus::Submitted));
}

/// A server keeps a pair's register entries between saved rows (issue 28), and uses them only
/// at the register version they were read at. So after any change of the register, made
/// through the store, behind its back in SQL or by another server, the kept context is what a
/// read of the database gives, and the change's re-check sees the version move.
#[tokio::test]
async fn a_kept_row_context_is_what_a_fresh_read_gives_after_any_register_change() {
    let app = spawn_app().await;
    let repo = DbRepo::new(app.pool.clone());
    let Pair { tenant, anna, bo, date, near } = anna_and_bo(&app).await;
    // Through the server's repository (what it keeps), and on a connection of its own.
    let kept = || async {
        let mut db = repo.read().await.unwrap();
        db.row_context(tenant, anna, bo, date, near.clone()).await.unwrap()
    };
    let fresh = || async {
        let mut db = server::db::DbStore::new(app.pool.conn().await.unwrap());
        db.row_context(tenant, anna, bo, date, near.clone()).await.unwrap()
    };
    let now = || async {
        let mut db = repo.write_in(tenant).await.unwrap();
        let versions = db.row_recheck(tenant, anna, bo, date).await.unwrap().versions;
        db.finish().await.unwrap();
        versions
    };
    // And her month page's register entries, as the rules see them.
    let user = app.id("SELECT id FROM users WHERE username = 'anna'").await;
    let page = |mut db: Box<dyn Store>| async move {
        let month = ReportMonth::of(date).unwrap();
        let m = db.assistant_month(tenant, anna, user, month, date..=date).await.unwrap();
        (format!("{:?}", m.people.row_facts(anna, None)), m.people.assignments.clone())
    };
    let kept_page = || async { page(repo.read().await.unwrap()).await };
    let fresh_page =
        || async { page(Box::new(server::db::DbStore::new(app.pool.conn().await.unwrap()))).await };
    let first = kept().await;
    assert!(first.assigned && first.facts.is_some(), "Anna is Bo's assistant");
    assert_eq!(kept().await.facts, first.facts, "read again: the same");

    for (what, sql) in [
        (
            "her register entry",
            "UPDATE assistants SET regime = CASE regime WHEN 'atl' THEN 'ab_bilaga_j' ELSE 'atl' END WHERE tenant_id = $1 AND id = $2 AND $3 > 0",
        ),
        (
            "his register entry",
            "UPDATE recipients SET last_name = last_name || 'x' WHERE tenant_id = $1 AND id = $3 AND $2 > 0",
        ),
        (
            "the FK notice of her assignment",
            "UPDATE assignments SET fk_notified_on = '2001-02-03' WHERE tenant_id = $1 AND assistant_id = $2 AND recipient_id = $3",
        ),
        (
            "his decision removed",
            "DELETE FROM decisions WHERE id = (SELECT MIN(id) FROM decisions WHERE tenant_id = $1 AND recipient_id = $3) AND $2 > 0",
        ),
        (
            "his absence",
            "INSERT INTO absences (tenant_id, recipient_id, kind, from_date, to_date, assistance_allowed) SELECT $1, $3, 'hospital', '2030-01-01', '2030-01-02', FALSE WHERE $2 > 0",
        ),
        (
            "her assignment ended",
            "UPDATE assignments SET valid_to = '2000-01-01' WHERE tenant_id = $1 AND assistant_id = $2 AND recipient_id = $3",
        ),
        (
            "a new assignment of hers",
            "INSERT INTO assignments (tenant_id, assistant_id, recipient_id, valid_from) VALUES ($1, $2, $3, '2001-01-01')",
        ),
    ] {
        let (before, page_before) = (kept().await, kept_page().await);
        let mut c = app.db().await;
        let changed = query(sql).bind(tenant).bind(anna).bind(bo).execute(&mut c).await.unwrap();
        assert_eq!(changed, 1, "{what}: the change was made");
        drop(c);
        let page = kept_page().await;
        assert_eq!(page, fresh_page().await, "{what}: her month page");
        if !matches!(what, "her assignment ended" | "a new assignment of hers") {
            assert_ne!(page, page_before, "{what} shows on her month page");
        }
        let (kept, fresh) = (kept().await, fresh().await);
        assert_ne!((kept.assigned, &kept.facts), (before.assigned, &before.facts), "{what} shows");
        assert_eq!((kept.assigned, &kept.facts), (fresh.assigned, &fresh.facts), "{what}");
        assert_ne!(before.versions, now().await, "{what}: the change's re-check sees it");
    }
}

/// Through the pages: a server that saved a row of Anna's for Bo (and keeps their register
/// entries) refuses her next row once her assignment was ended behind its back (as another
/// server or the command line would).
#[tokio::test]
async fn an_assignment_ended_elsewhere_stops_the_next_row_at_once() {
    let app = spawn_app().await;
    let (anna, _) = app.login("anna").await;
    let bo = app.id("SELECT id FROM recipients WHERE first_name = 'Bo'").await;
    let day = app::service::context::this_month().next().first_day() + chrono::Duration::days(12);
    let (bo_id, day) = (bo.to_string(), day.format("%Y-%m-%d").to_string());
    let row = |start, end| {
        [
            ("recipient", bo_id.as_str()),
            ("date", day.as_str()),
            ("start", start),
            ("end", end),
            ("kind", "aktiv"),
        ]
    };
    let before = app.count_rows().await;
    let to = app.post(&anna, "/assistent/rad", &row("06:00", "07:00")).await;
    assert!(to.contains("klart=rad-sparad"), "{to}");
    assert_eq!(app.count_rows().await, before + 1);
    let mut c = app.db().await;
    query("UPDATE assignments SET valid_to = '2000-01-01' WHERE recipient_id = $1 AND assistant_id = (SELECT id FROM assistants WHERE first_name = 'Anna')")
        .bind(bo)
        .execute(&mut c)
        .await
        .unwrap();
    drop(c);
    let to = app.post(&anna, "/assistent/rad", &row("08:00", "09:00")).await;
    assert!(!to.contains("klart=rad-sparad"), "{to}");
    assert_eq!(app.count_rows().await, before + 1, "the row was refused");
}

/// A change's reads see its batch's register changes before they are committed, and a batch
/// may yet be rolled back. What a change reads is never kept: a change that added a decision
/// and read a row's context is rolled back, another change then raises the register's version
/// as far with no new decision, and a row's context must not have the rolled-back decision.
#[tokio::test]
async fn what_a_change_read_of_its_own_register_changes_is_never_kept() {
    let app = spawn_app().await;
    let repo = DbRepo::new(app.pool.clone());
    let Pair { tenant, anna, bo, date, near } = anna_and_bo(&app).await;
    let grants = |c: store::RowContext| c.facts.map(|f| f.grants.len());
    let before = grants(
        repo.read().await.unwrap().row_context(tenant, anna, bo, date, near.clone()).await.unwrap(),
    );
    assert!(before.is_some_and(|n| n > 0), "Bo has a decision");

    let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    let decision = engine::Decision {
        recipient: bo,
        funder: engine::decision::Funder::Sfb,
        granted: engine::decision::Granted::PerWeek(Minutes(600)),
        valid_from: day("2031-01-01"),
        valid_to: day("2031-06-30"),
        vantetid_allowed: false,
        beredskap_allowed: false,
        double_assistance: false,
        raised_rate: None,
    };
    let mut db = repo.write_in(tenant).await.unwrap();
    assert!(db.add_decision(tenant, &decision).await.unwrap().is_some(), "added in the change");
    let inside = db.row_context(tenant, anna, bo, date, near.clone()).await.unwrap();
    let version = inside.versions.register;
    assert_eq!(grants(inside), before.map(|n| n + 1), "the change sees its own decision");
    drop(db); // unfinished: rolled back

    // Other changes raise the version as far as the decision did, and change no grant (the
    // version looked at in SQL: a row's context read in between would replace the entry).
    let read = || async {
        repo.read().await.unwrap().row_context(tenant, anna, bo, date, near.clone()).await.unwrap()
    };
    let sql = format!("SELECT version FROM register_versions WHERE tenant_id = {tenant}");
    for n in 0.. {
        if Some(app.id(&sql).await) >= version {
            break;
        }
        assert!(n < 10, "the version moves");
        let mut db = repo.write_in(tenant).await.unwrap();
        db.set_external_id(tenant, store::Named::Recipient, bo, &format!("case-{n}"))
            .await
            .unwrap();
        db.finish().await.unwrap();
    }
    let after = read().await;
    assert_eq!(after.versions.register, version, "the number the rolled-back change reached");
    assert_eq!(grants(after), before, "the rolled-back decision is not there");
}
