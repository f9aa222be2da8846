//! What the database says was applied: the host's `_sqlx_migrations` table, read without ever
//! creating it (looking must not change the database).

use sqlx::AssertSqlSafe;

use crate::db::Database;
use crate::error::{Error, Result};

/// One row of the migrations table.
#[derive(Clone, Debug)]
pub(crate) struct Applied {
    pub version: i64,
    pub description: String,
    /// UTC, RFC 3339.
    pub installed_on: String,
    /// False only on MySQL, for a migration that failed half-way (sqlx's "dirty" row).
    pub success: bool,
    pub checksum_hex: String,
    /// sqlx's `execution_time` in milliseconds; `None` when it was never measured (-1).
    pub execution_ms: Option<f64>,
}

type RawRow = (i64, String, i64, i64, String, i64);

/// Every applied row by version; empty when the table does not exist yet.
pub(crate) async fn list(db: &Database, table: &str) -> Result<Vec<Applied>> {
    let rows: std::result::Result<Vec<RawRow>, sqlx::Error> = match db {
        Database::Sqlite(p) => {
            let sql = format!(
                "SELECT version, description, CAST(strftime('%s', installed_on) AS INTEGER), \
                 CASE WHEN success THEN 1 ELSE 0 END, lower(hex(checksum)), execution_time FROM {table} ORDER BY version"
            );
            sqlx::query_as(AssertSqlSafe(sql)).fetch_all(p).await
        }
        Database::Postgres(p) => {
            let sql = format!(
                "SELECT version, description, EXTRACT(EPOCH FROM installed_on)::bigint, \
                 CASE WHEN success THEN 1 ELSE 0 END::bigint, encode(checksum, 'hex'), execution_time FROM {table} ORDER BY version"
            );
            sqlx::query_as(AssertSqlSafe(sql)).fetch_all(p).await
        }
        Database::Mysql(p) => {
            let sql = format!(
                "SELECT version, description, CAST(UNIX_TIMESTAMP(installed_on) AS SIGNED), \
                 CAST(success AS SIGNED), LOWER(HEX(checksum)), execution_time FROM {table} ORDER BY version"
            );
            sqlx::query_as(AssertSqlSafe(sql)).fetch_all(p).await
        }
    };
    match rows {
        Ok(rows) => Ok(rows.into_iter().map(applied).collect()),
        Err(err) if is_missing_table(&err) => Ok(Vec::new()),
        Err(err) => Err(Error::Database(err)),
    }
}

fn applied((version, description, installed_on, success, checksum_hex, ns): RawRow) -> Applied {
    let execution_ms = (ns >= 0).then(|| (ns as f64 / 1_000.0).round() / 1_000.0);
    let installed_on = time::OffsetDateTime::from_unix_timestamp(installed_on)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default();
    Applied { version, description, installed_on, success: success != 0, checksum_hex, execution_ms }
}

/// "No such table" on each backend (PostgreSQL 42P01, MySQL 1146 / 42S02, SQLite's message).
fn is_missing_table(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db) = err else { return false };
    matches!(db.code().as_deref(), Some("42P01" | "42S02" | "1146")) || db.message().contains("no such table")
}
