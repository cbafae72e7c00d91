//! Configuration from the environment, with defaults that run BITA locally.

use std::time::Duration;

/// Settings read at startup. See README "Configuration".
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`, default `sqlite://data/bita.db`.
    pub database_url: String,
    /// `BITA_DEMO_DATA=1`: load demo data into an empty database. Off by default: a production
    /// install starts with no accounts at all (`server admin create` makes the first one).
    pub demo_data: bool,
    /// `BITA_PUBLIC_URL`, e.g. `https://bita.example.se`: the origin that form posts must come
    /// from. Unset, a post must come from the request's own `Host`.
    pub public_url: Option<String>,
    /// `BITA_SECURE_COOKIES`: mark cookies Secure and send HSTS. Defaults to on when the public
    /// URL is `https://…`.
    pub secure_cookies: bool,
    /// `BITA_TRUST_PROXY=1`: the client address is the last entry of `X-Forwarded-For` (set it
    /// only behind a proxy that writes that header).
    pub trust_proxy: bool,
    /// `BITA_ROW_HORIZON_DAYS` (default 7): how many days ahead a planned shift may be entered.
    pub row_horizon_days: i64,
    /// `BITA_HEADER_READ_TIMEOUT` seconds (default 10): a client that does not finish sending a
    /// request's headers in time is disconnected; also bounds idle keep-alive connections.
    pub header_read_timeout: Duration,
    /// `BITA_SHUTDOWN_GRACE` seconds (default 10): how long a shutdown waits for requests in
    /// flight before it closes what is left.
    pub shutdown_grace: Duration,
    /// `BITA_SMTP_*`: e-mail for invitations and reminders; none (off) by default.
    pub smtp: Option<crate::mail::SmtpConfig>,
    /// `BITA_ARCHIVE_KEY`: the file with the installation's archive signing key, created on
    /// first start (default `data/archive-signing.key`; keep it out of the database's backups'
    /// reach and back it up on its own).
    pub archive_key: std::path::PathBuf,
    /// `BITA_PG_CONNECTIONS` (default 16, at least 2): connections to PostgreSQL this server
    /// keeps at most. Half of them may hold a batch of changes at once, so reads always find one.
    pub pg_connections: u32,
    /// `BITA_BENCHMARK_EVERY` seconds (default 600, at least 1): how often a server looks for
    /// the municipalities' comparison figures to compute again.
    pub benchmark_every: Duration,
    /// `BITA_API_PER_MINUTE` (default 300, at least 1): calls one API token may make a minute
    /// on one server.
    pub api_per_minute: u32,
}

fn flag(name: &str) -> Option<bool> {
    std::env::var(name).ok().map(|v| !matches!(v.trim(), "" | "0" | "false" | "no" | "off"))
}

fn number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

impl Config {
    pub fn from_env() -> Self {
        let public_url = std::env::var("BITA_PUBLIC_URL")
            .ok()
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty());
        let https = public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
        Self {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| "sqlite://data/bita.db".into()),
            demo_data: flag("BITA_DEMO_DATA").unwrap_or(false),
            secure_cookies: flag("BITA_SECURE_COOKIES").unwrap_or(https),
            public_url,
            trust_proxy: flag("BITA_TRUST_PROXY").unwrap_or(false),
            row_horizon_days: number("BITA_ROW_HORIZON_DAYS", 7) as i64,
            header_read_timeout: Duration::from_secs(number("BITA_HEADER_READ_TIMEOUT", 10).max(1)),
            shutdown_grace: Duration::from_secs(number("BITA_SHUTDOWN_GRACE", 10)),
            smtp: crate::mail::SmtpConfig::from_env(),
            archive_key: std::env::var("BITA_ARCHIVE_KEY")
                .unwrap_or_else(|_| "data/archive-signing.key".into())
                .into(),
            pg_connections: number(
                "BITA_PG_CONNECTIONS",
                u64::from(crate::db::DEFAULT_PG_CONNECTIONS),
            )
            .clamp(2, 1000) as u32,
            benchmark_every: Duration::from_secs(number("BITA_BENCHMARK_EVERY", 600).max(1)),
            api_per_minute: number("BITA_API_PER_MINUTE", 300).clamp(1, 1_000_000) as u32,
        }
    }

    /// Defaults for tests and tools: everything local, as `from_env` with nothing set.
    pub fn local(database_url: &str) -> Self {
        Self {
            database_url: database_url.to_string(),
            demo_data: false,
            public_url: None,
            secure_cookies: false,
            trust_proxy: false,
            row_horizon_days: 7,
            header_read_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_secs(10),
            smtp: None,
            archive_key: std::env::temp_dir()
                .join(format!("bita-archive-key-{}", std::process::id())),
            pg_connections: crate::db::DEFAULT_PG_CONNECTIONS,
            benchmark_every: Duration::from_secs(600),
            api_per_minute: 300,
        }
    }
}
