//! The database layer: one native sqlx pool per backend, introspection, and SQL execution.
//!
//! `AnyPool` cannot decode booleans, decimals, timestamps or JSON, so rubbie keeps a native pool
//! per backend and dispatches on [`Database`].

pub(crate) mod errors;
pub(crate) mod exec;
pub(crate) mod internal;
pub mod introspect;
pub(crate) mod json_row;
pub(crate) mod lease;
pub(crate) mod migrations;
pub mod schema;
pub(crate) mod secrets;
pub(crate) mod values;

use std::str::FromStr;
use std::time::Duration;

use sqlx::mysql::{MySqlConnectOptions, MySqlPool, MySqlPoolOptions};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

/// Which SQL engine a [`Database`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// SQLite (embedded).
    Sqlite,
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
}

/// A connection pool to the host's database, on one of the three backends.
#[derive(Debug, Clone)]
pub enum Database {
    /// An SQLite pool.
    Sqlite(SqlitePool),
    /// A PostgreSQL pool.
    Postgres(PgPool),
    /// A MySQL/MariaDB pool.
    Mysql(MySqlPool),
}

impl Database {
    /// Connects to a `sqlite:`, `postgres:`/`postgresql:` or `mysql:`/`mariadb:` URL.
    ///
    /// SQLite files are created when missing; `sqlite::memory:` uses a single connection so
    /// every query sees the same in-memory database.
    ///
    /// # Example
    /// ```no_run
    /// # async fn demo() -> Result<(), sqlx::Error> {
    /// let db = rubbie::Database::connect("sqlite://shop.db").await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        Self::connect_with(url, PoolOptions::default()).await
    }

    /// Connects like [`Database::connect`], with the pool sized and timed by `options`.
    ///
    /// # Example
    /// ```no_run
    /// # async fn demo() -> Result<(), sqlx::Error> {
    /// let options = rubbie::PoolOptions::default().acquire_timeout(std::time::Duration::from_secs(2));
    /// let db = rubbie::Database::connect_with("postgres://localhost/shop", options).await?;
    /// # Ok(()) }
    /// ```
    pub async fn connect_with(url: &str, options: PoolOptions) -> Result<Self, sqlx::Error> {
        let scheme = url.split(':').next().unwrap_or_default();
        let wait = options.acquire_timeout;
        match scheme {
            "sqlite" => {
                let connect = SqliteConnectOptions::from_str(url)?
                    .create_if_missing(true)
                    .foreign_keys(true)
                    .busy_timeout(std::time::Duration::from_secs(10));
                let memory = url.contains(":memory:") || url.contains("mode=memory");
                let pool = if memory {
                    SqlitePoolOptions::new()
                        .max_connections(1)
                        .acquire_timeout(wait)
                        .idle_timeout(None)
                        .max_lifetime(None)
                        .connect_with(connect)
                        .await?
                } else {
                    SqlitePoolOptions::new()
                        .max_connections(options.max_connections.unwrap_or(8))
                        .acquire_timeout(wait)
                        .connect_with(connect.journal_mode(SqliteJournalMode::Wal))
                        .await?
                };
                Ok(Database::Sqlite(pool))
            }
            "postgres" | "postgresql" => {
                let connect = PgConnectOptions::from_str(url)?;
                Ok(Database::Postgres(
                    PgPoolOptions::new()
                        .max_connections(options.max_connections.unwrap_or(10))
                        .acquire_timeout(wait)
                        .connect_with(connect)
                        .await?,
                ))
            }
            "mysql" | "mariadb" => {
                let url = url.replacen("mariadb:", "mysql:", 1);
                let connect = MySqlConnectOptions::from_str(&url)?;
                Ok(Database::Mysql(
                    MySqlPoolOptions::new()
                        .max_connections(options.max_connections.unwrap_or(10))
                        .acquire_timeout(wait)
                        .connect_with(connect)
                        .await?,
                ))
            }
            _ => Err(sqlx::Error::Configuration(
                format!("unsupported database URL scheme {scheme:?}: use sqlite:, postgres: or mysql:").into(),
            )),
        }
    }

    /// The backend of this pool.
    pub fn backend(&self) -> Backend {
        match self {
            Database::Sqlite(_) => Backend::Sqlite,
            Database::Postgres(_) => Backend::Postgres,
            Database::Mysql(_) => Backend::Mysql,
        }
    }
}

/// How [`Database::connect_with`] sizes its pool and how long a request waits for a connection.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    max_connections: Option<u32>,
    acquire_timeout: Duration,
}

impl Default for PoolOptions {
    /// The backend's usual pool size (8 for SQLite files, 10 for servers) and a 3 s wait: when the
    /// database is away, requests answer 503 after that instead of hanging (sqlx waits 30 s).
    fn default() -> Self {
        PoolOptions { max_connections: None, acquire_timeout: Duration::from_secs(3) }
    }
}

impl PoolOptions {
    /// The most connections the pool opens.
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = Some(n);
        self
    }

    /// How long a request waits for a connection (including reconnecting to a database that
    /// went away) before it is answered 503 `unavailable`.
    pub fn acquire_timeout(mut self, wait: Duration) -> Self {
        self.acquire_timeout = wait;
        self
    }
}

impl From<SqlitePool> for Database {
    fn from(pool: SqlitePool) -> Self {
        Database::Sqlite(pool)
    }
}

impl From<PgPool> for Database {
    fn from(pool: PgPool) -> Self {
        Database::Postgres(pool)
    }
}

impl From<MySqlPool> for Database {
    fn from(pool: MySqlPool) -> Self {
        Database::Mysql(pool)
    }
}
