//! What the integration tests share: the real router on a random port, against a fresh
//! database with the demo data: a SQLite file, or, when `BITA_TEST_POSTGRES` names a
//! PostgreSQL server (`postgres://user@host:port`), a new database of its own on it (the test
//! script runs the suite once on each); a logged-in browser with its CSRF token.
#![allow(dead_code)]

pub use reqwest::redirect::Policy;
pub use reqwest::{Client, StatusCode};
pub use server::db::sql::query;
pub use server::{config::Config, db, demo};
pub use std::time::Duration;

pub struct TestApp {
    pub base: String,
    pub addr: std::net::SocketAddr,
    pub pool: db::Pool,
    /// The database's URL, for a second server on the same database.
    pub url: String,
    pub _dir: tempfile::TempDir,
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with a change to its configuration (e.g. SMTP).
pub async fn spawn_app_with(change: impl FnOnce(&mut Config)) -> TestApp {
    spawn(false, change).await
}

/// [`spawn_app`] on a SQLite file whichever database the suite runs on (a migration's source).
pub async fn spawn_sqlite_app() -> TestApp {
    spawn(true, |_| {}).await
}

async fn spawn(sqlite_only: bool, change: impl FnOnce(&mut Config)) -> TestApp {
    // The server's warnings and errors go to the test's captured output, shown when it fails.
    let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("warn").try_init();
    let dir = tempfile::tempdir().unwrap();
    let url = match sqlite_only {
        true => format!("sqlite://{}/bita.db", dir.path().display()),
        false => test_database(&dir).await,
    };
    let pool = db::connect(&url).await.unwrap();
    demo::seed(&pool, app::service::context::today()).await.unwrap();
    let mut config = Config::local(&url);
    // The tests report in the coming months (the next night summer time ends may be eleven
    // months away); planned shifts that far ahead are allowed here.
    config.row_horizon_days = 400;
    config.header_read_timeout = Duration::from_secs(1);
    config.archive_key = dir.path().join("archive-signing.key");
    change(&mut config);
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
        config.header_read_timeout,
        Duration::from_secs(1),
        std::future::pending(),
    ));
    TestApp { base: format!("http://{addr}"), addr, pool, url, _dir: dir }
}

/// A fresh, empty database for one test: a SQLite file in `dir`, or a new database on the
/// PostgreSQL server `BITA_TEST_POSTGRES` names.
pub async fn test_database(dir: &tempfile::TempDir) -> String {
    match std::env::var("BITA_TEST_POSTGRES") {
        Ok(server) if !server.is_empty() => {
            let name = format!(
                "bita_test_{}_{}",
                std::process::id(),
                NEXT_DB.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            );
            let admin = db::connect_admin(&format!("{server}/postgres")).await.unwrap();
            query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin.conn().await.unwrap())
                .await
                .unwrap();
            admin.close().await;
            format!("{server}/{name}")
        }
        _ => format!("sqlite://{}/bita.db", dir.path().display()),
    }
}

static NEXT_DB: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl TestApp {
    /// Another BITA server process's worth (its own pool, router and port) on the same
    /// database: a second server behind a load balancer. Its base URL.
    pub async fn another_server(&self) -> String {
        self.server_on(&self.url).await
    }

    /// A server on the database at `url`, with this app's settings and key. Its base URL.
    pub async fn server_on(&self, url: &str) -> String {
        let pool = db::connect(url).await.unwrap();
        let mut config = Config::local(url);
        config.row_horizon_days = 400;
        config.archive_key = self._dir.path().join("archive-signing.key");
        let leptos = leptos::config::LeptosOptions::builder()
            .output_name("bita")
            .site_root("target/site")
            .build();
        let router = server::routes::router(&config, pool, leptos).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(server::serve::serve(
            listener,
            router,
            Duration::from_secs(1),
            Duration::from_secs(1),
            std::future::pending(),
        ));
        base
    }

    /// A connection to the app's database, for what a test checks behind the app's back.
    pub async fn db(&self) -> db::sql::Conn {
        self.pool.conn().await.unwrap()
    }
}

pub fn client() -> Client {
    Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
}

/// A logged-in browser: its cookies and the CSRF token its pages carry.
pub struct User {
    pub c: Client,
    pub csrf: String,
}

impl std::ops::Deref for User {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.c
    }
}

/// The value of the first filled-in hidden `csrf` field in a page.
pub fn csrf_of(page: &str) -> String {
    page.split("name=\"csrf\" value=\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .find(|v| !v.is_empty())
        .unwrap_or_default()
        .to_string()
}

/// The content hash the first approve form on a page carries.
pub fn hash_on(page: &str) -> String {
    page.split("name=\"hash\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_default()
        .to_string()
}

/// The next night summer time ends (the last Sunday of October) whose month is still open
/// for reporting (its FK deadline not passed), so the tests do not expire.
pub fn dst_end_day() -> chrono::NaiveDate {
    use chrono::Datelike;
    let today = app::service::context::today();
    [today.year(), today.year() + 1]
        .into_iter()
        .map(|y| {
            let oct31 = chrono::NaiveDate::from_ymd_opt(y, 10, 31).unwrap();
            oct31 - chrono::Duration::days(oct31.weekday().num_days_from_sunday() as i64)
        })
        .find(|d| engine::ReportMonth::of(*d).unwrap().fk_deadline() >= today)
        .unwrap()
}

/// A fresh idempotency key, as a form rendered by the server would carry.
pub fn key() -> String {
    app::model::random_token()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Opens the login page (its cookie and token) and posts the login form.
    pub async fn try_login(&self, user: &str, password: &str) -> (Client, reqwest::Response) {
        Self::try_login_at(&self.base, user, password).await
    }

    pub async fn try_login_at(
        base: &str,
        user: &str,
        password: &str,
    ) -> (Client, reqwest::Response) {
        let c = client();
        let page = c.get(format!("{base}/logga-in")).send().await.unwrap().text().await.unwrap();
        let res = c
            .post(format!("{base}/logga-in"))
            .form(&[("username", user), ("password", password), ("csrf", &csrf_of(&page))])
            .send()
            .await
            .unwrap();
        (c, res)
    }

    /// Logs in and returns the browser and where the login redirected.
    pub async fn login(&self, user: &str) -> (User, String) {
        let (c, res) = self.try_login(user, demo::DEMO_PASSWORD).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let to = res.headers()["location"].to_str().unwrap().to_string();
        assert_ne!(to, "/logga-in", "{user} could not log in");
        let page = c.get(self.url(&to)).send().await.unwrap().text().await.unwrap();
        let csrf = csrf_of(&page);
        assert!(!csrf.is_empty(), "the start page carries a CSRF token");
        (User { c, csrf }, to)
    }

    pub async fn page(&self, c: &Client, path: &str) -> (StatusCode, String) {
        let res = c.get(self.url(path)).send().await.unwrap();
        (res.status(), res.text().await.unwrap())
    }

    /// Posts a form as the page would: with the session's token and a fresh idempotency key.
    pub async fn post(&self, u: &User, path: &str, form: &[(&str, &str)]) -> String {
        let k = key();
        let mut form = form.to_vec();
        form.push(("csrf", &u.csrf));
        form.push(("idem", &k));
        let res = u.post(self.url(path)).form(&form).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        res.headers()["location"].to_str().unwrap().to_string()
    }

    /// The export page at `to` (where the export's post led) once the job it shows has ended:
    /// the archive is made in the background after the post is answered (`export_jobs`).
    pub async fn export_ended(&self, c: &Client, to: &str) -> String {
        for _ in 0..600 {
            let (_, page) = self.page(c, to).await;
            if !page.contains("data-export-job") {
                return page;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the export at {to} did not end in 60 s");
    }

    /// A download the audit log records, as its page's button posts it (with the token).
    pub async fn download(&self, u: &User, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        let mut form = form.to_vec();
        form.push(("csrf", &u.csrf));
        u.post(self.url(path)).form(&form).send().await.unwrap()
    }

    /// Approves a month as its review page does: the document hash shown there and the
    /// password typed again. Where the post leads.
    pub async fn approve(&self, u: &User, key: &str) -> String {
        let (_, page) = self.page(u, &format!("/brukare/granska?key={key}")).await;
        self.post(
            u,
            "/brukare/beslut",
            &[
                ("key", key),
                ("decision", "approve"),
                ("hash", &hash_on(&page)),
                ("password", demo::DEMO_PASSWORD),
            ],
        )
        .await
    }

    /// The form fields of an approval as the review page gives them, with the session's token
    /// and a fresh idempotency key (for requests sent at once).
    pub async fn approval_form(&self, u: &User, key: &str) -> Vec<(String, String)> {
        let (_, page) = self.page(u, &format!("/brukare/granska?key={key}")).await;
        [
            ("key", key),
            ("decision", "approve"),
            ("hash", &hash_on(&page)),
            ("password", demo::DEMO_PASSWORD),
            ("csrf", &u.csrf),
            ("idem", &self::key()),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    pub async fn id(&self, sql: &str) -> i64 {
        query(sql).scalar(&mut self.db().await).await.unwrap()
    }

    pub async fn count_rows(&self) -> i64 {
        self.id("SELECT COUNT(*) FROM time_rows").await
    }
}

/// A real SMTP server (aiosmtpd from PyPI, installed by scripts/setup.sh) writing every
/// message it receives into a maildir.
/// [`spawn_app_with_smtp`] starts an app that mails through it.
pub struct SmtpSink {
    child: std::process::Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    pub async fn start() -> Self {
        let python = std::env::var("BITA_TEST_PYTHON").unwrap_or_else(|_| {
            concat!(env!("CARGO_MANIFEST_DIR"), "/../target/pyenv/bin/python").into()
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let dir = tempfile::tempdir().unwrap();
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        let mut child = std::process::Command::new(&python)
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
                "aiosmtpd.handlers.Mailbox",
                dir.path().to_str().unwrap(),
            ])
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "the SMTP sink ({python} -m aiosmtpd) did not start: {e}; run scripts/setup.sh"
                )
            });
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                return Self { child, port, dir };
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the SMTP sink did not listen on {port}");
    }

    /// Every message received so far, as text.
    pub fn messages(&self) -> Vec<String> {
        let new = self.dir.path().join("new");
        std::fs::read_dir(&new)
            .map(|d| d.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect())
            .unwrap_or_default()
    }

    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..100 {
            let m = self.messages();
            if m.len() >= n {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.messages()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// [`spawn_app_with`] e-mailing through `sink`, from a public address.
pub async fn spawn_app_with_smtp(sink: &SmtpSink) -> TestApp {
    let port = sink.port;
    spawn_app_with(|c| {
        c.public_url = Some("https://bita.exempelby.se".into());
        c.smtp = Some(server::mail::SmtpConfig {
            host: "127.0.0.1".into(),
            port: Some(port),
            security: server::mail::SmtpSecurity::None,
            username: None,
            password: None,
            from: "BITA <bita@exempelby.se>".into(),
        });
    })
    .await
}

/// Every audit chain in `pool` verifies: each entry links to the one before it, no fork, no gap.
pub async fn chains_are_whole(pool: &db::Pool) {
    for chain in db::audit::verify_all(pool).await.unwrap() {
        assert!(chain.result.is_ok(), "{}: {:?}", chain.name, chain.result);
    }
}

/// A valid personnummer of a made-up person born on `born` (birth number from `serial`).
pub fn personnummer(born: chrono::NaiveDate, serial: i64) -> String {
    (0..10)
        .map(|check| format!("{}{:03}{check}", born.format("%Y%m%d"), serial % 999 + 1))
        .find(|p| engine::Personnummer::parse(p).is_ok())
        .unwrap()
}
