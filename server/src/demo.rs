//! Demo data, loaded into an empty database on first start: the server hashes the demo
//! password and hands the rest to the service layer (`app::service::setup::demo`), which writes it
//! through the store in one transaction.

use crate::auth::hash_password;
use crate::db::{DbRepo, Pool};
use chrono::NaiveDate;

use app::service::setup::SetupResult;
pub use app::service::setup::{DEMO_LOGINS, DEMO_PASSWORD};

/// Is the database empty of municipalities?
pub async fn is_empty(pool: &Pool) -> SetupResult<bool> {
    app::service::setup::is_empty(&DbRepo::new(pool.clone())).await
}

/// Loads the demo municipalities, people and a month of rows (see `app::service::setup::demo`).
pub async fn seed(pool: &Pool, today: NaiveDate) -> SetupResult<()> {
    let hash = hash_password(DEMO_PASSWORD);
    app::service::setup::demo(&DbRepo::new(pool.clone()), today, &hash).await
}
