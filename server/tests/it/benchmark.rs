//! The municipalities' comparison (issue 29) on a generated installation: seven municipalities
//! whose months are written straight into the database (rows, reports and their history, with
//! chosen dates), so each figure is known here by plain arithmetic, not by BITA's code. Six
//! take part (five set here, one by its administrator's form), one does not. The figures, the
//! spreads, the suppression below five, leaving, the page and its CSV are all checked.

use crate::common::*;
use chrono::{Datelike, NaiveDate, NaiveTime};
use engine::{ReportMonth, TimeKind, TimeRow};

const FIRST_TENANT: i64 = 7_000;
const MUNICIPALITIES: i64 = 7;
/// Municipality 6 never takes part.
const OUTSIDER: i64 = 6;

/// The month every figure is checked for: the last whole month.
fn month() -> ReportMonth {
    ReportMonth::of(app::service::context::today()).unwrap().previous()
}

/// Noon (UTC) of day `day` of the month `months` after `month()`: the same date in Sweden.
fn at(months: u32, day: u32) -> String {
    let first = month().first_day() + chrono::Months::new(months);
    let d = NaiveDate::from_ymd_opt(first.year(), first.month(), day).unwrap();
    format!("{d}T10:00:00.000Z")
}

async fn exec(app: &TestApp, sql: String) {
    query(sql).execute(&mut app.db().await).await.unwrap();
}

/// Municipality `k`: two recipients (100 hours a month each, no standby granted), an assistant
/// for each, an administrator `bm.admin{k}` (the demo password).
/// - Assistant A: `5 + k` two-hour rows of active time (days 1–5 and 15 on), the first `k` of
///   them from the clock;
///   submitted on the 1st of the next month, attested on the `3 + k`th, exported on the 5th of
///   the month after (in time) when `k` is even, else on the 6th (late), corrected `k` times.
/// - Assistant B: 5 two-hour rows of active time and `k` of standby (not granted: one V4 error
///   each, on days 10 on); submitted on the `1 + k`th, not attested.
async fn municipality(app: &TestApp, k: i64) {
    let t = FIRST_TENANT + k;
    let id = |n: i64| t * 100 + n;
    let password = "(SELECT password_hash FROM users WHERE username = 'anna')";
    let m = month();
    exec(app, format!("INSERT INTO tenants (id, name, org_number, contact_person, phone) VALUES ({t}, 'Jämförkommun {k}', '{}', 'Kim', '010')", 2120002000 + k)).await;
    for (n, born) in [(1, "1950-01-01"), (2, "1960-01-01")] {
        let pnr = personnummer(born.parse().unwrap(), t + n);
        exec(app, format!("INSERT INTO recipients (id, tenant_id, personnummer, first_name, last_name) VALUES ({}, {t}, '{pnr}', 'B', 'R{n}')", id(n))).await;
        exec(app, format!("INSERT INTO decisions (tenant_id, recipient_id, funder, granted_per, granted_minutes, valid_from, valid_to, vantetid_allowed, beredskap_allowed, double_assistance) VALUES ({t}, {}, 'sfb', 'month', 6000, '2020-01-01', '2035-12-31', TRUE, FALSE, FALSE)", id(n))).await;
        let apnr = personnummer("1990-01-01".parse().unwrap(), t + n);
        exec(app, format!("INSERT INTO assistants (id, tenant_id, personnummer, first_name, last_name) VALUES ({}, {t}, '{apnr}', 'A', 'A{n}')", id(10 + n))).await;
        exec(app, format!("INSERT INTO users (id, tenant_id, username, password_hash, display_name, role, assistant_id) VALUES ({}, {t}, 'bm.a{k}.{n}', {password}, 'A{n}', 'assistant', {})", id(20 + n), id(10 + n))).await;
        exec(app, format!("INSERT INTO assignments (tenant_id, assistant_id, recipient_id, valid_from, fk_notified_on) VALUES ({t}, {}, {}, '2020-01-01', '2020-01-01')", id(10 + n), id(n))).await;
    }
    exec(app, format!("INSERT INTO users (id, tenant_id, username, password_hash, display_name, role) VALUES ({}, {t}, 'bm.admin{k}', {password}, 'Admin {k}', 'admin')", id(30))).await;
    let row = |n: i64, row: i64, day: u32, from: u32, kind: TimeKind| {
        let date = m.first_day() + chrono::Duration::days(i64::from(day) - 1);
        let h = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let r = TimeRow::new(date, h(from), h(from + 2), false, kind).unwrap();
        format!(
            "INSERT INTO time_rows (id, tenant_id, assistant_id, recipient_id, work_date, start_time, end_time, ends_next_day, kind, minutes, created_by, start_at, end_at) VALUES ({row}, {t}, {}, {}, '{date}', '{from:02}:00', '{:02}:00', FALSE, '{}', 120, {}, {}, {})",
            id(10 + n),
            id(n),
            from + 2,
            kind.code(),
            id(20 + n),
            r.start_at().timestamp(),
            r.end_at().timestamp()
        )
    };
    let mut next_row = t * 1000;
    // Five days on, then a week off (a week without 36 hours of rest would be a V5 finding).
    for i in 0..(5 + k) {
        let day = if i < 5 { i + 1 } else { i + 10 };
        exec(app, row(1, next_row, day as u32, 8, TimeKind::Aktiv)).await;
        if i < k {
            exec(
                app,
                format!("INSERT INTO clocked_rows (row_id, tenant_id) VALUES ({next_row}, {t})"),
            )
            .await;
        }
        next_row += 1;
    }
    for day in 1..=5 {
        exec(app, row(2, next_row, day, 12, TimeKind::Aktiv)).await;
        next_row += 1;
    }
    for day in 0..k {
        exec(app, row(2, next_row, 10 + day as u32, 18, TimeKind::Beredskap)).await;
        next_row += 1;
    }
    // The reports and their history (after the rows: a month no longer a draft takes none).
    let deadline_day = if k % 2 == 0 { 5 } else { 6 };
    let mut events = vec![
        (1, "submit", at(1, 1)),
        (1, "attest", at(1, 3 + k as u32)),
        (1, "export", at(2, deadline_day)),
        (2, "submit", at(1, 1 + k as u32)),
    ];
    for c in 0..k {
        events.push((1, "correct", at(2, 10 + c as u32)));
    }
    for (n, status) in [(1, "exported"), (2, "submitted")] {
        exec(app, format!("INSERT INTO month_reports (id, tenant_id, assistant_id, recipient_id, month, status) VALUES ({}, {t}, {}, {}, '{m}', '{status}')", id(40 + n), id(10 + n), id(n))).await;
    }
    for (n, action, when) in events {
        exec(app, format!("INSERT INTO month_events (tenant_id, month_report_id, at, user_id, action, content_hash) VALUES ({t}, {}, '{when}', {}, '{action}', 'x')", id(40 + n), id(30))).await;
    }
}

/// What municipality `k`'s figures are, by the description above.
fn expected(k: i64) -> Vec<(&'static str, f64)> {
    let k = k as f64;
    let rows = 10.0 + 2.0 * k;
    let payable_minutes = (5.0 + k) * 120.0 + 5.0 * 120.0 + k * 120.0 / 7.0;
    vec![
        ("submitted_by_1st", if k == 0.0 { 100.0 } else { 50.0 }),
        ("submitted_by_5th", if k <= 4.0 { 100.0 } else { 50.0 }),
        ("days_to_attestation", 3.0 + k),
        ("exported_in_time", if k % 2.0 == 0.0 { 50.0 } else { 0.0 }),
        ("payable_of_granted", 100.0 * payable_minutes / 12_000.0),
        ("corrections_per_100", 100.0 * k / 2.0),
        ("findings_per_1000_v4", 1000.0 * k / rows),
        ("findings_per_1000_v3", 0.0),
        ("findings_per_1000_v5", 0.0),
        ("rows_clock", 100.0 * k / rows),
        ("rows_plan", 0.0),
        ("rows_typed", 100.0 * (10.0 + k) / rows),
    ]
}

/// A spreadsheet's QUARTILE.INC, written out.
fn quartile(values: &[f64], p: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let h = (v.len() - 1) as f64 * p;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (h - h.floor()) * (v[hi] - v[lo])
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

async fn figure(app: &TestApp, tenant: i64, metric: &str) -> Option<f64> {
    query("SELECT value FROM benchmark_figures WHERE tenant_id = $1 AND month = $2 AND metric = $3")
        .bind(tenant)
        .bind(month().to_string())
        .bind(metric)
        .scalar_optional::<Option<f64>>(&mut app.db().await)
        .await
        .unwrap()
        .flatten()
}

async fn spread(app: &TestApp, metric: &str) -> (i64, Option<f64>, Option<f64>, Option<f64>) {
    query("SELECT contributors, q1, median, q3 FROM benchmark_spreads WHERE month = $1 AND metric = $2")
        .bind(month().to_string())
        .bind(metric)
        .optional_as(&mut app.db().await)
        .await
        .unwrap()
        .unwrap_or((0, None, None, None))
}

async fn refresh(app: &TestApp) -> app::service::benchmark::Refreshed {
    let repo = db::DbRepo::new(app.pool.clone());
    app::service::benchmark::refresh(&repo, chrono::Utc::now(), chrono::Duration::zero())
        .await
        .unwrap()
}

#[tokio::test]
async fn municipalities_compare_their_months_and_only_those_taking_part_count() {
    let app = spawn_app().await;
    for k in 0..MUNICIPALITIES {
        municipality(&app, k).await;
    }
    for k in 0..5 {
        exec(
            &app,
            format!("UPDATE tenants SET benchmarking = TRUE WHERE id = {}", FIRST_TENANT + k),
        )
        .await;
    }
    // The sixth joins on its page, as an administrator does; a double post sent at the same
    // moment (a double click on a slow line) changes nothing more.
    let (admin5, _) = app.login("bm.admin5").await;
    let (_, page) = app.page(&admin5, "/admin/jamforelse").await;
    assert!(page.contains("Er kommun deltar inte"), "{page}");
    let k = key();
    let form = [("delta", "1"), ("csrf", admin5.csrf.as_str()), ("idem", k.as_str())];
    let post = || admin5.post(app.url("/admin/jamforelse/delta")).form(&form).send();
    let (a, b) = tokio::join!(post(), post());
    assert_eq!(
        (a.unwrap().status(), b.unwrap().status()),
        (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER)
    );
    let joined = app
        .id(&format!("SELECT COUNT(*) FROM audit_log WHERE tenant_id = {} AND action = 'benchmark.taking_part'", FIRST_TENANT + 5))
        .await;
    assert_eq!(joined, 1, "joining is audited once");

    let done = refresh(&app).await;
    assert_eq!(done.participants, 6);
    assert_eq!(done.computed.len(), 6);
    // Each municipality's own figures, as generated.
    for k in 0..6 {
        for (metric, want) in expected(k) {
            let got = figure(&app, FIRST_TENANT + k, metric).await;
            assert!(
                got.is_some_and(|g| close(g, want)),
                "municipality {k} {metric}: {got:?}, not {want}"
            );
        }
    }
    // The one not taking part has no figures, and counts in no spread.
    assert_eq!(figure(&app, FIRST_TENANT + OUTSIDER, "rows_typed").await, None);
    for metric in [
        "submitted_by_5th",
        "days_to_attestation",
        "payable_of_granted",
        "findings_per_1000_v4",
        "rows_clock",
    ] {
        let values: Vec<f64> = (0..6)
            .map(|k| expected(k).into_iter().find(|(m, _)| *m == metric).unwrap().1)
            .collect();
        let (n, q1, median, q3) = spread(&app, metric).await;
        assert_eq!(n, 6, "{metric}");
        for (got, p) in [(q1, 0.25), (median, 0.5), (q3, 0.75)] {
            let want = quartile(&values, p);
            assert!(got.is_some_and(|g| close(g, want)), "{metric} at {p}: {got:?}, not {want}");
        }
    }

    // The page: the municipality's own figure beside the median, as a chart and a table.
    let (status, page) = app.page(&admin5, "/admin/jamforelse").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("role=\"img\" aria-labelledby=\"bm-days-to-attestation-title bm-days-to-attestation-desc\""), "a chart: {page}");
    assert!(page.contains("<title id=\"bm-days-to-attestation-title\">"));
    assert!(page.contains("Kommuner som deltar: 6"), "{page}");
    // Days to attestation, last month: 8 days here, median 5,5 of 3…8.
    assert!(
        page.contains(&format!("{}: er kommun 8,0 dagar; median 5,5 dagar", month())),
        "{page}"
    );
    // Its CSV: the same figures, with decimal commas.
    let csv = admin5.get(app.url("/admin/jamforelse.csv")).send().await.unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    let csv = csv.text().await.unwrap();
    assert!(
        csv.contains(&format!("days_to_attestation;{};8,0;6;4,2;5,5;6,8\r\n", month())),
        "{csv}"
    );
    // Another municipality's administrator does not see the sixth's figures: the outsider's
    // page offers to take part and has no figures; its CSV is not there.
    let (outsider, _) = app.login(&format!("bm.admin{OUTSIDER}")).await;
    let (_, page) = app.page(&outsider, "/admin/jamforelse").await;
    assert!(!page.contains("bm-chart"));
    let res = outsider.get(app.url("/admin/jamforelse.csv")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // An assistant has no comparison.
    let (assistant, _) = app.login("bm.a5.1").await;
    let res = assistant.get(app.url("/admin/jamforelse.csv")).send().await.unwrap();
    assert_ne!(res.status(), StatusCode::OK);

    // The sixth leaves: its figures go at once, and the spreads count five at the next refresh.
    app.post(&admin5, "/admin/jamforelse/delta", &[("delta", "0")]).await;
    assert_eq!(figure(&app, FIRST_TENANT + 5, "rows_typed").await, None);
    refresh(&app).await;
    assert_eq!(spread(&app, "days_to_attestation").await, (5, Some(4.0), Some(5.0), Some(6.0)));
    // A fifth leaves: four are too few, and the spread is withheld, on the page as well.
    exec(&app, format!("UPDATE tenants SET benchmarking = FALSE WHERE id = {}", FIRST_TENANT + 4))
        .await;
    refresh(&app).await;
    assert_eq!(spread(&app, "days_to_attestation").await, (4, None, None, None));
    let (admin0, _) = app.login("bm.admin0").await;
    let (_, page) = app.page(&admin0, "/admin/jamforelse").await;
    assert!(
        page.contains(&format!("{}: er kommun 3,0 dagar; Visas inte: färre än fem", month())),
        "{page}"
    );
    chains_are_whole(&app.pool).await;
}

#[tokio::test]
async fn figures_are_computed_again_only_when_a_municipality_changed() {
    let app = spawn_app().await;
    municipality(&app, 0).await;
    exec(&app, format!("UPDATE tenants SET benchmarking = TRUE WHERE id = {FIRST_TENANT}")).await;
    assert_eq!(refresh(&app).await.computed, vec![FIRST_TENANT]);
    // Nothing changed: nothing computed.
    assert!(refresh(&app).await.computed.is_empty());
    // A change (its audit entry) makes the next refresh compute it again, with the change in it.
    let (admin, _) = app.login("bm.admin0").await;
    app.post(&admin, "/admin/jamforelse/delta", &[("delta", "1")]).await;
    exec(
        &app,
        format!("UPDATE month_reports SET status = 'draft' WHERE id = {}", FIRST_TENANT * 100 + 42),
    )
    .await;
    exec(&app, format!("INSERT INTO clocked_rows (row_id, tenant_id) SELECT id, tenant_id FROM time_rows WHERE tenant_id = {FIRST_TENANT}")).await;
    assert_eq!(refresh(&app).await.computed, vec![FIRST_TENANT]);
    assert_eq!(figure(&app, FIRST_TENANT, "rows_clock").await, Some(100.0));
    // Within the hour a busy municipality is not computed again.
    app.post(&admin, "/admin/jamforelse/delta", &[("delta", "1")]).await;
    let repo = db::DbRepo::new(app.pool.clone());
    let later =
        app::service::benchmark::refresh(&repo, chrono::Utc::now(), chrono::Duration::hours(1))
            .await
            .unwrap();
    assert!(later.computed.is_empty());
}
