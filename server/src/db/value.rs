//! The values a query takes and gives on either database, and a result row: shared by
//! [`super::sql`] (which runs queries) and [`super::direct`] (SQLite's own connections).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use std::sync::Arc;

/// What kind of value a NULL stands in for (PostgreSQL types every parameter, NULLs too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Float,
    Text,
    Bytes,
    Bool,
    Date,
    Decimal,
    Instant,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null(Kind),
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
    Bool(bool),
    Date(NaiveDate),
    Decimal(Decimal),
    /// A moment, as `CURRENT_TIMESTAMP` stores it (SQLite: `YYYY-MM-DD HH:MM:SS` UTC text).
    Instant(DateTime<Utc>),
}

/// One result row.
#[derive(Clone, Debug)]
pub struct Row {
    pub(super) names: Arc<[String]>,
    pub(super) values: Vec<Value>,
}

impl Row {
    pub(super) fn new(names: Arc<[String]>, values: Vec<Value>) -> Self {
        Self { names, values }
    }
}
