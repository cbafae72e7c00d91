//! One way to run a query on either database, so every query is written once: SQL with `$n`
//! placeholders (both SQLite and PostgreSQL read them), arguments as [`Value`]s, rows read by
//! column name ([`Row`]). Each adapter turns values into its own types and back:
//!
//! | Rust          | SQLite                   | PostgreSQL    |
//! |---------------|--------------------------|---------------|
//! | `i64`         | INTEGER                  | `bigint`      |
//! | `bool`        | INTEGER 0/1              | `boolean`     |
//! | `NaiveDate`   | TEXT `YYYY-MM-DD`        | `date`        |
//! | `Decimal`     | TEXT                     | `numeric`     |
//! | `DateTime<Utc>` | TEXT `YYYY-MM-DD HH:MM:SS` | `timestamptz` |
//! | text, bytes   | TEXT, BLOB               | `text`, `bytea` |
//!
//! A read gives the same values from both: a `date` comes back as `YYYY-MM-DD`, a `numeric` as
//! a decimal (read as `String` it is its text), a `boolean` as 0/1 and a `timestamptz` as `YYYY-MM-DD HH:MM:SS` (UTC, as
//! SQLite's `CURRENT_TIMESTAMP` writes it). sqlx's own `Any` driver does this for integers and
//! text only; it has no dates, decimals or booleans on PostgreSQL, which is why this exists.

use super::direct::Direct;
pub use super::value::{Kind, Row, Value};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgRow, Postgres};
use sqlx::{Column, Row as _, Transaction, TypeInfo, ValueRef};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

/// A boxed future borrowing a connection.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
use std::sync::Arc;

/// A Rust value that can be a query argument.
pub trait Bind {
    const KIND: Kind;
    fn value(self) -> Value;
}

macro_rules! bind {
    ($($t:ty => $kind:ident, |$v:ident| $e:expr;)*) => {$(
        impl Bind for $t {
            const KIND: Kind = Kind::$kind;
            fn value(self) -> Value {
                let $v = self;
                $e
            }
        }
    )*};
}

bind! {
    i64 => Int, |v| Value::Int(v);
    &i64 => Int, |v| Value::Int(*v);
    i32 => Int, |v| Value::Int(v.into());
    u32 => Int, |v| Value::Int(v.into());
    f64 => Float, |v| Value::Float(v);
    bool => Bool, |v| Value::Bool(v);
    String => Text, |v| Value::Text(v);
    &String => Text, |v| Value::Text(v.clone());
    &str => Text, |v| Value::Text(v.to_owned());
    &&str => Text, |v| Value::Text((*v).to_owned());
    Vec<u8> => Bytes, |v| Value::Bytes(v);
    &Vec<u8> => Bytes, |v| Value::Bytes(v.clone());
    &[u8] => Bytes, |v| Value::Bytes(v.to_vec());
    NaiveDate => Date, |v| Value::Date(v);
    &NaiveDate => Date, |v| Value::Date(*v);
    Decimal => Decimal, |v| Value::Decimal(v);
    &Decimal => Decimal, |v| Value::Decimal(*v);
    DateTime<Utc> => Instant, |v| Value::Instant(v);
}

impl<T: Bind> Bind for Option<T> {
    const KIND: Kind = T::KIND;
    fn value(self) -> Value {
        match self {
            Some(v) => v.value(),
            None => Value::Null(T::KIND),
        }
    }
}

impl Bind for &Option<String> {
    const KIND: Kind = Kind::Text;
    fn value(self) -> Value {
        self.as_deref().value()
    }
}

impl Bind for &Option<NaiveDate> {
    const KIND: Kind = Kind::Date;
    fn value(self) -> Value {
        (*self).value()
    }
}

/// A column's value read back as a Rust value.
pub trait FromValue<'r>: Sized {
    fn from_value(v: &'r Value) -> Option<Self>;
}

impl FromValue<'_> for i64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(i64::from(*b)),
            // PostgreSQL's SUM of bigints is a numeric.
            Value::Decimal(d) => i64::try_from(*d).ok(),
            _ => None,
        }
    }
}

impl FromValue<'_> for bool {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(*b),
            Value::Int(i) => Some(*i != 0),
            _ => None,
        }
    }
}

impl FromValue<'_> for f64 {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Float(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }
}

impl<'r> FromValue<'r> for &'r str {
    fn from_value(v: &'r Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl FromValue<'_> for String {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Text(s) => Some(s.clone()),
            Value::Decimal(d) => Some(d.to_string()),
            _ => None,
        }
    }
}

impl FromValue<'_> for Vec<u8> {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Bytes(b) => Some(b.clone()),
            _ => None,
        }
    }
}

impl FromValue<'_> for NaiveDate {
    fn from_value(v: &Value) -> Option<Self> {
        match v {
            Value::Date(d) => Some(*d),
            Value::Text(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
            _ => None,
        }
    }
}

impl<'r, T: FromValue<'r>> FromValue<'r> for Option<T> {
    fn from_value(v: &'r Value) -> Option<Self> {
        match v {
            Value::Null(_) => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

/// How a column is named when read: by name or by position.
pub trait ColumnIndex {
    fn position(&self, row: &Row) -> Option<usize>;
}

impl ColumnIndex for &str {
    fn position(&self, row: &Row) -> Option<usize> {
        row.names.iter().position(|n| n == self)
    }
}

impl ColumnIndex for usize {
    fn position(&self, row: &Row) -> Option<usize> {
        (*self < row.values.len()).then_some(*self)
    }
}

impl Row {
    /// The column's value. A missing column or a value of another type is a mistake in the
    /// query, never in what a user typed: it panics with the column's name, as sqlx's own
    /// `Row::get` does.
    pub fn get<'r, T: FromValue<'r>, I: ColumnIndex + std::fmt::Debug>(&'r self, i: I) -> T {
        match self.try_get(&i) {
            Some(v) => v,
            None => panic!(
                "column {i:?}: missing or of another type ({:?})",
                i.position(self).map(|p| &self.values[p])
            ),
        }
    }

    pub fn try_get<'r, T: FromValue<'r>, I: ColumnIndex>(&'r self, i: &I) -> Option<T> {
        T::from_value(&self.values[i.position(self)?])
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The row as (column, value) pairs, for copying a table from one database to another.
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }
}

/// Rows one multi-row insert writes at most: a statement takes at most 32,766 values on SQLite
/// and 65,535 on PostgreSQL, and a batch's deferred writes may hold thousands of rows (an audit
/// entry has 11 values).
pub const ROWS_PER_STATEMENT: usize = 500;

/// The `VALUES` of a multi-row insert: `rows` tuples of `columns` placeholders each, numbered
/// from `$1` (`values(2, 2)` is `($1, $2), ($3, $4)`).
pub fn values(rows: usize, columns: usize) -> String {
    let tuple = |r: usize| {
        let p: Vec<String> = (1..=columns).map(|k| format!("${}", r * columns + k)).collect();
        format!("({})", p.join(", "))
    };
    (0..rows).map(tuple).collect::<Vec<_>>().join(", ")
}

/// A connection for reads, or a transaction for a change, on either database. A SQLite
/// connection is one of our own ([`super::direct`]), in a transaction or not.
pub enum Conn {
    Sqlite(Direct),
    Pg(PoolConnection<Postgres>),
    PgTx(Transaction<'static, Postgres>),
}

impl Conn {
    pub fn is_postgres(&self) -> bool {
        matches!(self, Conn::Pg(_) | Conn::PgTx(_))
    }

    /// Runs `step`; if the database refuses it, the transaction goes on as before the step.
    /// SQLite undoes just the refused statement by itself; PostgreSQL would refuse every later
    /// statement of the transaction, so there the step runs inside a savepoint.
    pub async fn refusable<T>(
        &mut self,
        step: impl for<'c> FnOnce(&'c mut Conn) -> BoxFuture<'c, Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        if !matches!(self, Conn::PgTx(_)) {
            return step(self).await;
        }
        query("SAVEPOINT refusable").execute(self).await?;
        match step(self).await {
            Ok(v) => {
                query("RELEASE SAVEPOINT refusable").execute(self).await?;
                Ok(v)
            }
            Err(e) => {
                query("ROLLBACK TO SAVEPOINT refusable").execute(self).await?;
                Err(e)
            }
        }
    }

    /// Runs fixed statements (no values) in order: on PostgreSQL in one round trip (one simple
    /// query), on SQLite one after the other (each a call into the library, no trip).
    pub fn steps<'c>(
        &'c mut self,
        statements: &'static [&'static str],
    ) -> BoxFuture<'c, Result<(), sqlx::Error>> {
        Box::pin(async move {
            let pg: &mut sqlx::PgConnection = match self {
                Conn::Sqlite(_) => {
                    for s in statements {
                        query(*s).execute(self).await?;
                    }
                    return Ok(());
                }
                Conn::Pg(c) => c,
                Conn::PgTx(t) => t,
            };
            let sql = statements.join("; ");
            sqlx::Executor::execute(pg, sqlx::raw_sql(&sql)).await.map(drop)
        })
    }

    /// Commits a transaction (a connection has nothing to commit).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Conn::Sqlite(d) if d.in_transaction() => d.commit().await,
            Conn::PgTx(t) => t.commit().await,
            Conn::Sqlite(_) | Conn::Pg(_) => Ok(()),
        }
    }
}

/// A `WHERE` that says only what is asked: `tenant_id = $1`, and each narrowing clause whose
/// value is given, with its own placeholder (`$?` in the clause). A clause like
/// `($2 = 0 OR id = $2)` kept SQLite from using the index, so one assistant's page scanned the
/// whole municipality's assistants and assignments.
pub struct Narrow {
    pub sql: String,
    args: Vec<i64>,
}

impl Narrow {
    pub fn new(tenant_column: &str, tenant: i64) -> Self {
        Self { sql: format!("{tenant_column} = $1"), args: vec![tenant] }
    }

    /// Adds ` AND clause` when `value` is given (`$?` in `clause` becomes its placeholder).
    pub fn and(mut self, clause: &str, value: Option<i64>) -> Self {
        if let Some(v) = value {
            self.args.push(v);
            self.sql.push_str(" AND ");
            self.sql.push_str(&clause.replace("$?", &format!("${}", self.args.len())));
        }
        self
    }

    /// `sql` (which holds this `WHERE`'s text) with its values bound.
    pub fn query<'q>(&self, sql: impl Into<Cow<'q, str>>) -> Query<'q> {
        self.args.iter().fold(query(sql), |q, v| q.bind(*v))
    }
}

/// A query being built: `query("… $1 …").bind(x).fetch_all(&mut conn)`.
#[must_use]
pub struct Query<'q> {
    sql: Cow<'q, str>,
    args: Vec<Value>,
}

pub fn query<'q>(sql: impl Into<Cow<'q, str>>) -> Query<'q> {
    Query { sql: sql.into(), args: Vec::new() }
}

impl<'q> Query<'q> {
    pub fn bind(mut self, v: impl Bind) -> Self {
        self.args.push(v.value());
        self
    }

    /// Binds an already made value (copying rows between databases).
    pub fn bind_value(mut self, v: Value) -> Self {
        self.args.push(v);
        self
    }

    /// Runs a statement; the number of rows it changed.
    pub async fn execute(self, c: &mut Conn) -> Result<u64, sqlx::Error> {
        Ok(match c {
            Conn::Sqlite(d) => d.run(&self.sql, &self.args, |_| {}).await?,
            Conn::Pg(c) => pg_query(&self.sql, self.args).execute(&mut **c).await?.rows_affected(),
            Conn::PgTx(t) => {
                pg_query(&self.sql, self.args).execute(&mut **t).await?.rows_affected()
            }
        })
    }

    pub async fn fetch_all(self, c: &mut Conn) -> Result<Vec<Row>, sqlx::Error> {
        Ok(match c {
            Conn::Sqlite(d) => {
                let mut rows = Vec::new();
                d.run(&self.sql, &self.args, |r| rows.push(r)).await?;
                rows
            }
            Conn::Pg(c) => pg_rows(pg_query(&self.sql, self.args).fetch_all(&mut **c).await?),
            Conn::PgTx(t) => pg_rows(pg_query(&self.sql, self.args).fetch_all(&mut **t).await?),
        })
    }

    /// Every row mapped by `f` as it arrives (one that maps to `None` is left out), for big
    /// results: nothing is held twice. Read whole and then converted, a municipality's half
    /// year of rows (900,000) was sqlx's rows and ours at once, 2.3 GB for one page view.
    pub async fn fetch_map<T>(
        self,
        c: &mut Conn,
        mut f: impl FnMut(&Row) -> Option<T>,
    ) -> Result<Vec<T>, sqlx::Error> {
        use futures_util::TryStreamExt;
        let mut out = Vec::new();
        let mut cols: Option<Arc<[String]>> = None;
        macro_rules! each {
            ($rows:expr, $decode:expr) => {{
                let mut rows = $rows;
                while let Some(r) = rows.try_next().await? {
                    let n = cols.get_or_insert_with(|| names(&r));
                    if let Some(t) = f(&to_row(&r, n, $decode)) {
                        out.push(t);
                    }
                }
            }};
        }
        match c {
            // A big read: off this worker thread's other tasks while it runs.
            Conn::Sqlite(d) => d
                .run_blocking(&self.sql, &self.args, |r| {
                    if let Some(t) = f(&r) {
                        out.push(t);
                    }
                })
                .map(drop)?,
            Conn::Pg(c) => each!(pg_query(&self.sql, self.args).fetch(&mut **c), pg_value),
            Conn::PgTx(t) => each!(pg_query(&self.sql, self.args).fetch(&mut **t), pg_value),
        }
        Ok(out)
    }

    pub async fn fetch_optional(self, c: &mut Conn) -> Result<Option<Row>, sqlx::Error> {
        Ok(self.fetch_all(c).await?.into_iter().next())
    }

    pub async fn fetch_one(self, c: &mut Conn) -> Result<Row, sqlx::Error> {
        self.fetch_optional(c).await?.ok_or(sqlx::Error::RowNotFound)
    }

    /// The first column of the first row.
    pub async fn scalar<T: for<'r> FromValue<'r>>(self, c: &mut Conn) -> Result<T, sqlx::Error> {
        let row = self.fetch_one(c).await?;
        first(&row)
    }

    /// The first column of the first row, if there is a row.
    pub async fn scalar_optional<T: for<'r> FromValue<'r>>(
        self,
        c: &mut Conn,
    ) -> Result<Option<T>, sqlx::Error> {
        match self.fetch_optional(c).await? {
            Some(row) => first(&row).map(Some),
            None => Ok(None),
        }
    }

    /// The first column of every row.
    pub async fn scalars<T: for<'r> FromValue<'r>>(
        self,
        c: &mut Conn,
    ) -> Result<Vec<T>, sqlx::Error> {
        self.fetch_all(c).await?.iter().map(first).collect()
    }
}

/// Several reads, their rows in the order of `queries`. (On SQLite a statement costs no
/// hand-off ([`super::direct`]); on PostgreSQL each is a round trip.)
///
/// On SQLite, outside a transaction, the batch is one read transaction: the page's reads see
/// one moment of the database, and SQLite takes its read lock (the WAL's shared memory, the
/// schema's check) once instead of once per statement. Measured on an assistant's month page
/// (twelve statements; issue 28, `bench/load/run.sh`): P2 +9 %. On PostgreSQL each statement
/// still stands alone: a transaction would cost two more round trips per page.
pub async fn fetch_batch(
    c: &mut Conn,
    queries: Vec<Query<'_>>,
) -> Result<Vec<Vec<Row>>, sqlx::Error> {
    let snapshot = matches!(c, Conn::Sqlite(d) if !d.in_transaction());
    if snapshot {
        query("BEGIN").execute(c).await?;
    }
    let mut out = Vec::with_capacity(queries.len());
    for q in queries {
        match q.fetch_all(c).await {
            Ok(rows) => out.push(rows),
            Err(e) => {
                if snapshot {
                    query("ROLLBACK").execute(c).await?;
                }
                return Err(e);
            }
        }
    }
    if snapshot {
        // Ends a read: nothing to write, so no fsync.
        query("COMMIT").execute(c).await?;
    }
    Ok(out)
}

/// A row read as a tuple of its columns, in order.
pub trait FromRow: Sized {
    fn from_row(r: &Row) -> Option<Self>;
}

macro_rules! tuple_from_row {
    ($($t:ident $i:tt),*) => {
        impl<$($t: for<'r> FromValue<'r>),*> FromRow for ($($t,)*) {
            fn from_row(r: &Row) -> Option<Self> {
                Some(($(r.try_get::<$t, usize>(&$i)?,)*))
            }
        }
    };
}
tuple_from_row!(A 0, B 1);
tuple_from_row!(A 0, B 1, C 2);
tuple_from_row!(A 0, B 1, C 2, D 3);
tuple_from_row!(A 0, B 1, C 2, D 3, E 4);

impl<'q> Query<'q> {
    /// Every row as a tuple.
    pub async fn all_as<T: FromRow>(self, c: &mut Conn) -> Result<Vec<T>, sqlx::Error> {
        self.fetch_all(c)
            .await?
            .iter()
            .map(|r| T::from_row(r).ok_or_else(|| decode_error(r)))
            .collect()
    }

    /// The first row as a tuple, if there is one.
    pub async fn optional_as<T: FromRow>(self, c: &mut Conn) -> Result<Option<T>, sqlx::Error> {
        match self.fetch_optional(c).await? {
            Some(r) => T::from_row(&r).map(Some).ok_or_else(|| decode_error(&r)),
            None => Ok(None),
        }
    }

    /// The first row as a tuple.
    pub async fn one_as<T: FromRow>(self, c: &mut Conn) -> Result<T, sqlx::Error> {
        self.optional_as(c).await?.ok_or(sqlx::Error::RowNotFound)
    }
}

fn decode_error(r: &Row) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: format!("{:?}", r.names),
        source: format!("unexpected values {:?}", r.values).into(),
    }
}

fn first<T: for<'r> FromValue<'r>>(row: &Row) -> Result<T, sqlx::Error> {
    row.try_get(&0usize).ok_or_else(|| decode_error(row))
}

type PgQuery<'q> = sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>;

fn pg_query(sql: &str, args: Vec<Value>) -> PgQuery<'_> {
    args.into_iter().fold(sqlx::query(sql), |q, v| match v {
        Value::Null(Kind::Int) => q.bind(None::<i64>),
        Value::Null(Kind::Float) => q.bind(None::<f64>),
        Value::Null(Kind::Text) => q.bind(None::<String>),
        Value::Null(Kind::Bytes) => q.bind(None::<Vec<u8>>),
        Value::Null(Kind::Bool) => q.bind(None::<bool>),
        Value::Null(Kind::Date) => q.bind(None::<NaiveDate>),
        Value::Null(Kind::Decimal) => q.bind(None::<Decimal>),
        Value::Null(Kind::Instant) => q.bind(None::<DateTime<Utc>>),
        Value::Int(i) => q.bind(i),
        Value::Float(f) => q.bind(f),
        Value::Text(s) => q.bind(s),
        Value::Bytes(b) => q.bind(b),
        Value::Bool(b) => q.bind(b),
        Value::Date(d) => q.bind(d),
        Value::Decimal(d) => q.bind(d),
        Value::Instant(t) => q.bind(t),
    })
}

fn names<R: sqlx::Row>(row: &R) -> Arc<[String]> {
    row.columns().iter().map(|c| c.name().to_string()).collect()
}

/// Rows as [`Row`]s: the names once, each non-NULL value as `decode` reads it.
fn into_rows<R: sqlx::Row>(rows: Vec<R>, decode: impl Fn(&R, usize) -> Value) -> Vec<Row>
where
    usize: sqlx::ColumnIndex<R>,
{
    let Some(first) = rows.first() else { return vec![] };
    let names = names(first);
    rows.iter().map(|r| to_row(r, &names, &decode)).collect()
}

/// One row as a [`Row`].
fn to_row<R: sqlx::Row>(r: &R, names: &Arc<[String]>, decode: impl Fn(&R, usize) -> Value) -> Row
where
    usize: sqlx::ColumnIndex<R>,
{
    Row {
        names: names.clone(),
        values: (0..r.len())
            .map(|i| {
                if r.try_get_raw(i).expect("column index in range").is_null() {
                    Value::Null(Kind::Text)
                } else {
                    decode(r, i)
                }
            })
            .collect(),
    }
}

fn pg_rows(rows: Vec<PgRow>) -> Vec<Row> {
    into_rows(rows, pg_value)
}

fn pg_value(r: &PgRow, i: usize) -> Value {
    match r.column(i).type_info().name() {
        "INT8" => Value::Int(r.get(i)),
        "INT4" => Value::Int(r.get::<i32, _>(i).into()),
        "INT2" => Value::Int(r.get::<i16, _>(i).into()),
        "BOOL" => Value::Int(i64::from(r.get::<bool, _>(i))),
        "FLOAT8" => Value::Float(r.get(i)),
        "FLOAT4" => Value::Float(r.get::<f32, _>(i).into()),
        "BYTEA" => Value::Bytes(r.get(i)),
        "DATE" => Value::Text(r.get::<NaiveDate, _>(i).format("%Y-%m-%d").to_string()),
        "NUMERIC" => Value::Decimal(r.get::<Decimal, _>(i)),
        "TIMESTAMPTZ" => {
            Value::Text(r.get::<DateTime<Utc>, _>(i).format("%Y-%m-%d %H:%M:%S").to_string())
        }
        _ => Value::Text(r.get(i)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_multi_row_insert_numbers_its_placeholders_row_by_row() {
        assert_eq!(super::values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(super::values(1, 1), "($1)");
    }
}
