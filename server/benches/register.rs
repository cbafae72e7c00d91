#![recursion_limit = "512"]
//! Benchmarks of issue 8's goals, run by hand (not by the test command):
//!
//!     cargo bench -p server --bench register
//!
//! - CSV import of 10,000 assistants (goal ≤ 2 s) through the real router, and how long
//!   another municipality's row saves take meanwhile (issue 23: ≤ ~100 ms).
//! - The month dashboard for 1,000 recipients (goal ≤ 200 ms): server-rendered through the
//!   real router over HTTP, logged in as the administrator.
//!
//! Prints the numbers; asserts nothing.

use std::time::{Duration, Instant};
use store::{OnRefusal, Repo};

/// A valid personnummer for number `i` (distinct birth dates and serials, Luhn digit).
fn personnummer(i: usize) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap()
        + chrono::Duration::days((i / 900) as i64);
    let serial = 100 + (i % 900);
    let nine = format!("{}{serial:03}", day.format("%y%m%d"));
    let sum: u32 = nine
        .chars()
        .enumerate()
        .map(|(k, c)| {
            let d = c.to_digit(10).unwrap() * if k % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    format!("{}{nine}{}", day.format("%C"), (10 - sum % 10) % 10)
}

fn median(mut v: Vec<Duration>) -> (Duration, Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[v.len() * 95 / 100], v[v.len() - 1])
}

/// A logged-in browser on `base` and the CSRF token its start page carries.
async fn login(base: &str, user: &str) -> (reqwest::Client, String) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let token = |page: &str| {
        page.split("name=\"csrf\" value=\"")
            .skip(1)
            .filter_map(|r| r.split('"').next())
            .find(|v| !v.is_empty())
            .unwrap()
            .to_string()
    };
    let page = c.get(format!("{base}/logga-in")).send().await.unwrap().text().await.unwrap();
    let res = c
        .post(format!("{base}/logga-in"))
        .form(&[
            ("username", user),
            ("password", server::demo::DEMO_PASSWORD),
            ("csrf", &token(&page)),
        ])
        .send()
        .await
        .unwrap();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let page = c.get(format!("{base}{to}")).send().await.unwrap().text().await.unwrap();
    (c, token(&page))
}

/// Another municipality's assistant saves one row after another: each save's duration.
async fn saves_until(
    base: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Vec<(Instant, Duration)> {
    let (frida, csrf) = login(&base, "frida").await;
    let gustav = "1"; // resolved below from the page
    let page = frida.get(format!("{base}/assistent")).send().await.unwrap().text().await.unwrap();
    let recipient = page
        .split("name=\"recipient\"")
        .nth(1)
        .and_then(|r| r.split("value=\"").nth(1))
        .and_then(|r| r.split('"').next())
        .unwrap_or(gustav)
        .to_string();
    let first = app::service::context::this_month().first_day();
    let mut out = vec![];
    for n in 0.. {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            break;
        }
        let (day, hour) = (first + chrono::Duration::days(n / 12), (n % 12) * 2);
        let key = app::model::random_token();
        let form = [
            ("recipient", recipient.as_str()),
            ("date", &day.to_string()),
            ("start", &format!("{hour:02}:00")),
            ("end", &format!("{hour:02}:30")),
            ("kind", "aktiv"),
            ("csrf", &csrf),
            ("idem", &key),
        ];
        let t = Instant::now();
        let res = frida.post(format!("{base}/assistent/rad")).form(&form).send().await.unwrap();
        out.push((t, t.elapsed()));
        assert_eq!(res.status(), 303);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    out
}

/// The longest and the 99th-percentile save among those that started inside `window`.
fn during(saves: &[(Instant, Duration)], window: (Instant, Instant)) -> String {
    let mut d: Vec<Duration> =
        saves.iter().filter(|(t, _)| *t >= window.0 && *t <= window.1).map(|(_, d)| *d).collect();
    if d.is_empty() {
        return "no save".into();
    }
    d.sort();
    format!(
        "{} saves, p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        d.len(),
        d[d.len() / 2].as_secs_f64() * 1e3,
        d[(d.len() * 99 / 100).min(d.len() - 1)].as_secs_f64() * 1e3,
        d[d.len() - 1].as_secs_f64() * 1e3
    )
}

/// Issue 23, item 7: a municipality's administrator imports 10,000 assistants (dry run, then
/// the import) through the real router while another municipality's assistant saves rows;
/// how long those saves take before and during each step.
async fn import_bench(dir: &std::path::Path) {
    let url = format!("sqlite://{}/import.db", dir.display());
    let pool = server::db::connect(&url).await.unwrap();
    server::demo::seed(&pool, app::service::context::today()).await.unwrap();
    let config = server::config::Config::local(&url);
    let leptos = leptos::config::LeptosOptions::builder()
        .output_name("bita")
        .site_root("target/site")
        .build();
    let router = server::routes::router(&config, pool.clone(), leptos).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::serve::serve(
        listener,
        router,
        Duration::from_secs(10),
        Duration::from_secs(1),
        std::future::pending(),
    ));
    let mut csv = String::from("personnummer;förnamn;efternamn;telefon;arbetstid;dygnspass\n");
    for i in 0..10_000 {
        csv.push_str(&format!(
            "{};Förnamn{i};Efternamn{i};070-{i};ab_bilaga_j;nej\n",
            personnummer(i)
        ));
    }
    let (admin, csrf) = login(&base, "admin").await;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let saver = tokio::spawn(saves_until(base.clone(), stop.clone()));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let t0 = Instant::now();
    // The token in the address (this server) and in the form (servers before issue 23).
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .text("typ", "assistenter")
        .part("fil", reqwest::multipart::Part::bytes(csv.clone().into_bytes()).file_name("a.csv"));
    let res = admin
        .post(format!("{base}/admin/import/provkor?csrf={csrf}"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let t1 = Instant::now();
    let to = res.headers()["location"].to_str().unwrap().to_string();
    let draft = to.split("utkast=").nth(1).expect("a draft").to_string();
    let res = admin
        .post(format!("{base}/admin/import/kor"))
        .form(&[("id", draft.as_str()), ("csrf", &csrf), ("idem", &app::model::random_token())])
        .send()
        .await
        .unwrap();
    let t2 = Instant::now();
    assert_eq!(res.status(), 303);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let saves = saver.await.unwrap();
    let n: i64 = server::db::sql::query("SELECT COUNT(*) FROM assistants")
        .scalar(&mut pool.conn().await.unwrap())
        .await
        .unwrap();
    assert!(n >= 10_000, "the import stored the assistants: {n}");
    println!(
        "import: 10,000 assistant lines ({} bytes): dry run {:.0} ms, import {:.0} ms ({n} assistants stored)",
        csv.len(),
        (t1 - t0).as_secs_f64() * 1e3,
        (t2 - t1).as_secs_f64() * 1e3
    );
    println!(
        "  another municipality's saves before: {}",
        during(&saves, (t0 - Duration::from_millis(1400), t0))
    );
    println!("  … during the dry run: {}", during(&saves, (t0, t1)));
    println!("  … during the import: {}", during(&saves, (t1, t2)));
}

async fn dashboard_bench(dir: &std::path::Path) {
    let url = format!("sqlite://{}/dashboard.db", dir.display());
    let pool = server::db::connect(&url).await.unwrap();
    let today = app::service::context::today();
    server::demo::seed(&pool, today).await.unwrap();
    let month = engine::ReportMonth::of(today).unwrap().previous();
    // 1,000 recipients with a decision, each with one assistant reporting 20 day shifts.
    let mut pairs = vec![];
    for i in 0..1000 {
        let r: i64 = server::db::sql::query("INSERT INTO recipients (tenant_id, personnummer, first_name, last_name) VALUES (1, $1, 'Brukare', $2) RETURNING id").bind(personnummer(20_000 + i)).bind(format!("B{i:04}")).scalar::<i64>(&mut pool.conn().await.unwrap()).await.unwrap();
        let a: i64 = server::db::sql::query("INSERT INTO assistants (tenant_id, personnummer, first_name, last_name) VALUES (1, $1, 'Assistent', $2) RETURNING id").bind(personnummer(40_000 + i)).bind(format!("A{i:04}")).scalar::<i64>(&mut pool.conn().await.unwrap()).await.unwrap();
        server::db::sql::query("INSERT INTO decisions (tenant_id, recipient_id, funder, granted_per, granted_minutes, valid_from, valid_to, vantetid_allowed) VALUES (1, $1, 'sfb', 'month', 9600, '2024-01-01', '2030-12-31', 1)").bind(r).execute(&mut pool.conn().await.unwrap()).await.unwrap();
        server::db::sql::query("INSERT INTO assignments (tenant_id, assistant_id, recipient_id, valid_from, fk_notified_on) VALUES (1, $1, $2, '2024-01-01', '2024-01-01')").bind(a).bind(r).execute(&mut pool.conn().await.unwrap()).await.unwrap();
        pairs.push((a, r));
    }
    let repo = server::db::DbRepo::new(pool.clone());
    let mut db = repo.write().await.unwrap();
    for (a, r) in pairs {
        let mut day = month.first_day();
        let mut n = 0;
        while month.contains(day) && n < 20 {
            use chrono::Datelike;
            if day.weekday().num_days_from_monday() < 5 {
                let row = engine::TimeRow::new(
                    day,
                    chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                    chrono::NaiveTime::from_hms_opt(16, 0, 0).unwrap(),
                    false,
                    engine::TimeKind::Aktiv,
                )
                .unwrap();
                db.insert_row(1, a, r, &row, 2, OnRefusal::GoOn).await.unwrap();
                n += 1;
            }
            day = day.succ_opt().unwrap();
        }
        // The month record, as the first saved row makes it.
        db.month_record(1, a, r, month).await.unwrap();
    }
    db.finish().await.unwrap();
    let config = server::config::Config::local(&url);
    let leptos = leptos::config::LeptosOptions::builder()
        .output_name("bita")
        .site_root("target/site")
        .build();
    let router = server::routes::router(&config, pool.clone(), leptos).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(server::serve::serve(
        listener,
        router,
        Duration::from_secs(10),
        Duration::from_secs(1),
        std::future::pending(),
    ));
    let base = format!("http://{addr}");
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = c.get(format!("{base}/logga-in")).send().await.unwrap().text().await.unwrap();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .find(|v| !v.is_empty())
        .unwrap()
        .to_string();
    let res = c
        .post(format!("{base}/logga-in"))
        .form(&[("username", "admin"), ("password", server::demo::DEMO_PASSWORD), ("csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers().get("location").and_then(|l| l.to_str().ok()),
        Some("/admin"),
        "logged in as the administrator: {:?}",
        res.headers()
    );
    let url = format!("{base}/admin?manad={month}");
    let first = c.get(&url).send().await.unwrap().text().await.unwrap();
    // The checks run on all 1,000 months; the table shows a page of them.
    let counted: usize = first
        .split(" tidsredovisningar</p>")
        .next()
        .and_then(|t| t.rsplit('>').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(
        counted >= 1000 && first.contains("Sida 1 / "),
        "the dashboard counts all 1,000 months (and the demo's): {counted}"
    );
    let mut times = vec![];
    for _ in 0..30 {
        let t = Instant::now();
        let body = c.get(&url).send().await.unwrap().bytes().await.unwrap();
        times.push(t.elapsed());
        assert!(body.len() > 10_000);
    }
    let (p50, p95, max) = median(times);
    println!(
        "dashboard: 1,000 recipients × 1 assistant × 20 rows, first page ({} bytes of HTML): p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms over 30 requests",
        first.len(),
        p50.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    let found = c.get(format!("{url}&q=B0999")).send().await.unwrap().text().await.unwrap();
    assert!(
        found.contains(">1 tidsredovisningar<") && found.contains("B0999"),
        "the search finds the last recipient"
    );
}

fn main() {
    // `cargo bench` passes --bench; nothing to parse.
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    rt.block_on(async {
        import_bench(dir.path()).await;
        dashboard_bench(dir.path()).await;
    });
}
