//! The storage seam: one trait, implemented per database by the server crate
//! (`server::db`). Every method that reads or writes people's data takes the tenant, so no
//! query can forget it.

use super::Role;
use crate::domain::rules::{Absence, RowFacts};
use crate::domain::{Assistant, Decision, MonthStatus, Recipient, ReportMonth, TimeRow};
use std::collections::HashMap;
use chrono::NaiveDate;

pub type RepoResult<T> = Result<T, RepoError>;

#[derive(Debug, thiserror::Error)]
#[error("database error: {0}")]
pub struct RepoError(pub String);

/// Who is asking, loaded from the database for every request.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user_id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub role: Role,
    pub display_name: String,
    /// For assistants: their assistant record.
    pub assistant_id: Option<i64>,
    /// For recipients: themselves; for representatives: those they act for.
    pub recipient_ids: Vec<i64>,
}

#[derive(Clone, Debug)]
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: String,
}

#[derive(Clone, Debug)]
pub struct StoredRow {
    pub id: i64,
    pub assistant_id: i64,
    pub recipient_id: i64,
    pub row: TimeRow,
}

#[derive(Clone, Debug)]
pub struct MonthRecord {
    /// None while nothing has been stored for the month yet.
    pub id: Option<i64>,
    pub assistant_id: i64,
    pub assistant_name: String,
    pub recipient_id: i64,
    pub recipient_name: String,
    pub status: MonthStatus,
    pub rejected_reason: Option<String>,
}

/// The people and decisions of a tenant, as the rules engine needs them.
#[derive(Clone, Debug, Default)]
pub struct People {
    pub assistants: HashMap<i64, Assistant>,
    pub recipients: HashMap<i64, Recipient>,
    /// (assistant, recipient) pairs with an assignment.
    pub assignments: Vec<(i64, i64)>,
    pub decisions: Vec<Decision>,
    pub absences: Vec<Absence>,
}

#[async_trait::async_trait]
pub trait Repo: Send + Sync + 'static {
    async fn ping(&self) -> RepoResult<()>;

    async fn credentials(&self, username: &str) -> RepoResult<Option<Credentials>>;
    async fn caller(&self, user_id: i64) -> RepoResult<Option<Caller>>;

    /// Recipients the assistant is assigned to at any time in the month, with names.
    async fn assigned_recipients(&self, tenant: i64, assistant: i64, month: ReportMonth) -> RepoResult<Vec<(i64, String)>>;
    /// Is the assistant assigned to the recipient on that date (same tenant)?
    async fn is_assigned(&self, tenant: i64, assistant: i64, recipient: i64, date: NaiveDate) -> RepoResult<bool>;
    async fn recipient_names(&self, tenant: i64, ids: &[i64]) -> RepoResult<Vec<(i64, String)>>;

    /// The assistant's rows for all recipients with a date in `from..=to`.
    async fn assistant_rows(&self, tenant: i64, assistant: i64, from: NaiveDate, to: NaiveDate) -> RepoResult<Vec<StoredRow>>;
    /// One of the assistant's rows, if it is theirs.
    async fn assistant_row(&self, tenant: i64, assistant: i64, row_id: i64) -> RepoResult<Option<StoredRow>>;
    async fn insert_row(&self, tenant: i64, assistant: i64, recipient: i64, row: &TimeRow, by_user: i64) -> RepoResult<i64>;
    /// Deletes the row only if it is the assistant's; returns whether it did.
    async fn delete_row(&self, tenant: i64, assistant: i64, row_id: i64) -> RepoResult<Option<StoredRow>>;
    /// All rows of the tenant in the month, optionally only for some recipients.
    async fn month_rows(&self, tenant: i64, month: ReportMonth, recipients: Option<&[i64]>) -> RepoResult<Vec<StoredRow>>;

    /// The month record, created as a draft if missing.
    async fn month_record(&self, tenant: i64, assistant: i64, recipient: i64, month: ReportMonth) -> RepoResult<MonthRecord>;
    async fn month_record_by_id(&self, tenant: i64, id: i64) -> RepoResult<Option<(MonthRecord, ReportMonth)>>;
    /// One record per assignment active in the month (drafts where nothing is stored yet),
    /// optionally only for some recipients or one assistant.
    async fn month_records(&self, tenant: i64, month: ReportMonth, recipients: Option<&[i64]>, assistant: Option<i64>) -> RepoResult<Vec<MonthRecord>>;
    /// Moves a month from `from` to `to` atomically; false if it was not in `from`.
    async fn transition(&self, tenant: i64, id: i64, from: MonthStatus, to: MonthStatus, by_user: i64, reason: Option<&str>) -> RepoResult<bool>;

    /// What the per-row rules need for each recipient the assistant is assigned to (or one).
    async fn row_facts(&self, tenant: i64, assistant: i64, recipient: Option<i64>) -> RepoResult<Vec<RowFacts>>;
    /// Everyone and every decision and absence of the tenant, for the month's preflight.
    async fn people(&self, tenant: i64) -> RepoResult<People>;
    /// All the tenant's rows with a date in `from..=to`.
    async fn rows_between(&self, tenant: i64, from: NaiveDate, to: NaiveDate) -> RepoResult<Vec<StoredRow>>;

    async fn audit(&self, tenant: i64, user: i64, action: &str, subject: &str) -> RepoResult<()>;
}
