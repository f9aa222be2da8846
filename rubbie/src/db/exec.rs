//! Running sea-query statements on whichever backend is in use, inside or outside a transaction.
//!
//! Every query rubbie runs is built by sea-query (values bound, identifiers checked first), so
//! the SQL strings handed to sqlx here never contain user input.

use sea_query::{
    DeleteStatement, InsertStatement, MysqlQueryBuilder, PostgresQueryBuilder, SelectStatement, SqliteQueryBuilder,
    UpdateStatement,
};
use sea_query_sqlx::{SqlxBinder, SqlxValues};
use sqlx::{AssertSqlSafe, MySql, Postgres, Row, Sqlite, Transaction};

use super::{Backend, Database};
use crate::error::Result;

/// A statement rendered for one backend: SQL text and its bound values.
pub(crate) struct Built {
    sql: String,
    values: SqlxValues,
}

/// Any sea-query statement that can be rendered for a backend.
pub(crate) trait Statement {
    /// Renders the statement with the backend's quoting and placeholders.
    fn build_for(&self, backend: Backend) -> Built;
}

macro_rules! impl_statement {
    ($($ty:ty),*) => {$(
        impl Statement for $ty {
            fn build_for(&self, backend: Backend) -> Built {
                let (sql, values) = match backend {
                    Backend::Sqlite => self.build_sqlx(SqliteQueryBuilder),
                    Backend::Postgres => self.build_sqlx(PostgresQueryBuilder),
                    Backend::Mysql => self.build_sqlx(MysqlQueryBuilder),
                };
                Built { sql, values }
            }
        }
    )*};
}
impl_statement!(SelectStatement, InsertStatement, UpdateStatement, DeleteStatement);

/// An open transaction on one of the backends.
pub(crate) enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
    Mysql(Transaction<'static, MySql>),
}

/// What an INSERT/UPDATE/DELETE reports.
pub(crate) struct Done {
    pub rows_affected: u64,
    /// The auto-increment id of an INSERT (SQLite and MySQL only).
    pub last_insert_id: Option<i64>,
}

/// The one way this module reaches the backend in use: `$body` once per backend, with `$inner`
/// bound to what the variant of `$enum` (`Database` or `Tx`) holds, typed for that backend.
macro_rules! per_backend {
    ($enum:ident, $value:expr, |$inner:ident| $body:expr) => {
        match $value {
            $enum::Sqlite($inner) => $body,
            $enum::Postgres($inner) => $body,
            $enum::Mysql($inner) => $body,
        }
    };
}

/// [`per_backend!`] over a [`Target`]: `$conn` is the pool, or the transaction's connection.
macro_rules! on_target {
    ($target:expr, |$conn:ident| $body:expr) => {
        match $target {
            Target::Db(db) => per_backend!(Database, db, |$conn| $body),
            Target::Tx(tx) => per_backend!(Tx, tx, |t| {
                let $conn = &mut **t;
                $body
            }),
        }
    };
}

/// Where a statement runs.
pub(crate) enum Target<'a> {
    Db(&'a Database),
    Tx(&'a mut Tx),
}

impl Target<'_> {
    fn backend(&self) -> Backend {
        match self {
            Target::Db(db) => db.backend(),
            Target::Tx(tx) => tx.backend(),
        }
    }

    async fn texts(self, stmt: &Stmt) -> Result<Vec<String>> {
        let built = stmt.build_for(self.backend());
        on_target!(self, |conn| {
            let rows = built.query().fetch_all(conn).await?;
            rows.iter().map(|r| Ok(r.try_get::<String, _>(0)?)).collect()
        })
    }

    async fn integers(self, stmt: &Stmt) -> Result<Vec<i64>> {
        let built = stmt.build_for(self.backend());
        on_target!(self, |conn| {
            let rows = built.query().fetch_all(conn).await?;
            rows.iter().map(|r| Ok(r.try_get::<i64, _>(0)?)).collect()
        })
    }

    async fn integer_pairs(self, stmt: &Stmt) -> Result<Vec<(i64, i64)>> {
        let built = stmt.build_for(self.backend());
        on_target!(self, |conn| {
            let rows = built.query().fetch_all(conn).await?;
            rows.iter().map(|r| Ok((r.try_get::<i64, _>(0)?, r.try_get::<i64, _>(1)?))).collect()
        })
    }

    async fn execute(self, stmt: &Stmt) -> Result<Done> {
        let built = stmt.build_for(self.backend());
        on_target!(self, |conn| Ok(Done::from(built.query().execute(conn).await?)))
    }
}

impl Built {
    /// This statement inside a larger one that adds no values of its own.
    pub(crate) fn wrapped(self, wrap: impl FnOnce(&str) -> String) -> Built {
        Built { sql: wrap(&self.sql), values: self.values }
    }

    /// The statement as sqlx runs it (on any backend: the values know their own encoding).
    fn query<DB: sqlx::Database>(self) -> sqlx::query::Query<'static, DB, SqlxValues>
    where
        SqlxValues: sqlx::IntoArguments<DB>,
    {
        sqlx::query_with(AssertSqlSafe(self.sql), self.values)
    }
}

impl From<sqlx::sqlite::SqliteQueryResult> for Done {
    fn from(done: sqlx::sqlite::SqliteQueryResult) -> Self {
        Done { rows_affected: done.rows_affected(), last_insert_id: Some(done.last_insert_rowid()) }
    }
}

impl From<sqlx::postgres::PgQueryResult> for Done {
    fn from(done: sqlx::postgres::PgQueryResult) -> Self {
        Done { rows_affected: done.rows_affected(), last_insert_id: None }
    }
}

impl From<sqlx::mysql::MySqlQueryResult> for Done {
    fn from(done: sqlx::mysql::MySqlQueryResult) -> Self {
        let id = i64::try_from(done.last_insert_id()).ok().filter(|id| *id != 0);
        Done { rows_affected: done.rows_affected(), last_insert_id: id }
    }
}

/// Something statements run on: the pool (autocommit) or an open transaction.
pub(crate) trait Executor: Send {
    /// Where the next statement goes.
    fn target(&mut self) -> Target<'_>;

    /// Rows of a query whose first column is text (rubbie selects rows as JSON text).
    async fn fetch_texts(&mut self, stmt: &Stmt) -> Result<Vec<String>> {
        self.target().texts(stmt).await
    }

    /// At most one row of a text query.
    async fn fetch_text(&mut self, stmt: &Stmt) -> Result<Option<String>> {
        Ok(self.fetch_texts(stmt).await?.into_iter().next())
    }

    /// The first column of every row, as integers.
    async fn fetch_integers(&mut self, stmt: &Stmt) -> Result<Vec<i64>> {
        self.target().integers(stmt).await
    }

    /// The first two columns of every row, as integers (grouped counts).
    async fn fetch_integer_pairs(&mut self, stmt: &Stmt) -> Result<Vec<(i64, i64)>> {
        self.target().integer_pairs(stmt).await
    }

    /// Runs an INSERT/UPDATE/DELETE.
    async fn execute(&mut self, stmt: &Stmt) -> Result<Done> {
        self.target().execute(stmt).await
    }
}

/// A statement as executors take it.
pub(crate) type Stmt = dyn Statement + Sync;

/// The pool as an [`Executor`]: each statement on its own pooled connection.
pub(crate) struct Pooled<'a>(&'a Database);

impl Executor for Pooled<'_> {
    fn target(&mut self) -> Target<'_> {
        Target::Db(self.0)
    }
}

impl Executor for Tx {
    fn target(&mut self) -> Target<'_> {
        Target::Tx(self)
    }
}

impl Database {
    /// The executor that runs each statement on its own pooled connection.
    pub(crate) fn pooled(&self) -> Pooled<'_> {
        Pooled(self)
    }

    /// Starts a transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a
    /// transaction that reads before it writes (a before image) would otherwise fail with
    /// SQLITE_BUSY when another connection wrote in between, instead of waiting its turn.
    pub(crate) async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Database::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Database::Postgres(p) => Tx::Postgres(p.begin().await?),
            Database::Mysql(p) => Tx::Mysql(p.begin().await?),
        })
    }

    /// Runs SQL that rubbie assembled from its own constants (internal DDL), several statements
    /// allowed; never pass text that came from a request here.
    pub(crate) async fn execute_trusted(&self, sql: String) -> Result<()> {
        per_backend!(Database, self, |p| sqlx::raw_sql(AssertSqlSafe(sql)).execute(p).await.map(drop)?);
        Ok(())
    }
}

impl Database {
    /// Streams the first (text) column of every row, turned into `T` by `each`, into `out`, a
    /// row at a time: memory stays flat however many rows there are, and a slow receiver slows
    /// the query. Stops quietly when the receiver goes away.
    pub(crate) async fn send_rows<T>(
        &self,
        stmt: &Stmt,
        out: &tokio::sync::mpsc::Sender<T>,
        mut each: impl FnMut(String) -> T,
    ) -> Result<()> {
        use futures_util::TryStreamExt;
        let built = stmt.build_for(self.backend());
        per_backend!(Database, self, |p| {
            let mut rows = built.query().fetch(p);
            while let Some(row) = rows.try_next().await? {
                if out.send(each(row.try_get::<String, _>(0)?)).await.is_err() {
                    break;
                }
            }
        });
        Ok(())
    }
}

impl Tx {
    /// Runs a statement the schema-change planner generated: identifiers quoted, type names
    /// and defaults held to its grammars (`schema_changes::change`), never raw request text.
    pub(crate) async fn execute_generated(&mut self, sql: &str) -> Result<()> {
        let sql = sql.to_owned();
        per_backend!(Tx, self, |t| sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await.map(drop)?);
        Ok(())
    }

    /// The first column of the first row of a generated query (see `execute_generated`) as an
    /// integer: a pre-flight count.
    pub(crate) async fn count_generated(&mut self, sql: &str) -> Result<i64> {
        let sql = sql.to_owned();
        Ok(per_backend!(Tx, self, |t| sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).fetch_one(&mut **t).await?))
    }

    /// Runs one of rubbie's constant statements (a savepoint) in the transaction.
    pub(crate) async fn execute_constant(&mut self, sql: &'static str) -> Result<()> {
        per_backend!(Tx, self, |t| sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut **t).await.map(drop)?);
        Ok(())
    }

    /// The backend this transaction runs on.
    pub(crate) fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
            Tx::Mysql(_) => Backend::Mysql,
        }
    }

    /// Commits the transaction.
    pub(crate) async fn commit(self) -> Result<()> {
        per_backend!(Tx, self, |t| t.commit().await?);
        Ok(())
    }
}

impl Database {
    /// The first integer of `stmt` (a SELECT), or None when it ran longer than `limit`. The
    /// database itself stops the statement where it can (PostgreSQL `statement_timeout`, MariaDB
    /// `max_statement_time`, MySQL `MAX_EXECUTION_TIME`); SQLite has no such setting, so there
    /// the caller stops waiting and the statement finishes on its own.
    pub(crate) async fn fetch_integer_within(&self, stmt: &Stmt, limit: std::time::Duration) -> Result<Option<i64>> {
        let ms = limit.as_millis().clamp(1, u128::from(u32::MAX));
        let built = stmt.build_for(self.backend());
        let outcome = match self {
            Database::Sqlite(p) => {
                let query = sqlx::query_scalar_with::<_, i64, _>(AssertSqlSafe(built.sql), built.values);
                match tokio::time::timeout(limit, query.fetch_one(p)).await {
                    Ok(result) => result,
                    Err(_) => return Ok(None),
                }
            }
            Database::Postgres(p) => {
                // SET LOCAL ends with the transaction, which is rolled back when dropped.
                let mut tx = p.begin().await?;
                sqlx::raw_sql(AssertSqlSafe(format!("SET LOCAL statement_timeout = {ms}"))).execute(&mut *tx).await?;
                sqlx::query_scalar_with::<_, i64, _>(AssertSqlSafe(built.sql), built.values).fetch_one(&mut *tx).await
            }
            Database::Mysql(p) => {
                // MariaDB scopes the limit to one statement; MySQL rejects that syntax and takes
                // an optimizer hint instead.
                let mariadb = format!("SET STATEMENT max_statement_time = {} FOR {}", ms as f64 / 1000.0, built.sql);
                let first = sqlx::query_scalar_with::<_, i64, _>(AssertSqlSafe(mariadb), built.values.clone())
                    .fetch_one(p)
                    .await;
                match first {
                    Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42000") => {
                        let mysql = built.sql.replacen("SELECT", &format!("SELECT /*+ MAX_EXECUTION_TIME({ms}) */"), 1);
                        sqlx::query_scalar_with::<_, i64, _>(AssertSqlSafe(mysql), built.values).fetch_one(p).await
                    }
                    other => other,
                }
            }
        };
        match outcome {
            Ok(n) => Ok(Some(n)),
            Err(err) if is_statement_timeout(&err) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }
}

/// PostgreSQL's query_canceled, MariaDB's ER_STATEMENT_TIMEOUT, MySQL's ER_QUERY_TIMEOUT.
fn is_statement_timeout(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db_err) = err else {
        return false;
    };
    if let Some(mysql) = db_err.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return matches!(mysql.number(), 1969 | 3024);
    }
    db_err.code().as_deref() == Some("57014")
}
