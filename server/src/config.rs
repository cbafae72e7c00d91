//! Configuration from the environment, with defaults that run BITA locally.

/// Settings read at startup. See README "Configuration".
#[derive(Clone, Debug)]
pub struct Config {
    /// `DATABASE_URL`, default `sqlite://data/bita.db`.
    pub database_url: String,
    /// `BITA_DEMO_DATA`: load demo data into an empty database (default on; `0` turns it off).
    pub demo_data: bool,
    /// `BITA_SECURE_COOKIES`: mark cookies Secure (set to `1` behind HTTPS).
    pub secure_cookies: bool,
}

impl Config {
    pub fn from_env() -> Self {
        let flag = |name: &str, default: bool| match std::env::var(name) {
            Ok(v) => !matches!(v.as_str(), "0" | "false" | "no" | "off"),
            Err(_) => default,
        };
        Self {
            database_url: std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://data/bita.db".into()),
            demo_data: flag("BITA_DEMO_DATA", true),
            secure_cookies: flag("BITA_SECURE_COOKIES", false),
        }
    }
}
