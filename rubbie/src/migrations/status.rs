//! Each migration's status: the host's catalogue against the database's table and rubbie's log.

use serde::Serialize;
use utoipa::ToSchema;

use super::applied::{self, Applied};
use super::catalog::{Catalog, Known};
use super::runs;
use crate::db::Database;
use crate::error::Result;

/// Where a migration stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Applied, with the checksum the host has.
    Applied,
    /// Not applied yet.
    Pending,
    /// Applied, but the host's file has changed since (checksums differ).
    Mismatch,
    /// Applied in the database, unknown to the host.
    Missing,
    /// Failed: MySQL's dirty row, or a failed step in rubbie's log.
    Failed,
    /// Pending, but older than the newest applied migration.
    OutOfOrder,
}

/// One migration, as the list shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MigrationInfo {
    /// The version (the file name's number).
    pub version: i64,
    /// From the file name.
    pub description: String,
    /// See [`Status`].
    pub status: Status,
    /// Has a down migration.
    pub reversible: bool,
    /// Runs outside a transaction (`-- no-transaction`).
    pub no_transaction: bool,
    /// When it was applied (UTC, RFC 3339).
    pub installed_on: Option<String>,
    /// How long it took, as sqlx measured it.
    pub execution_ms: Option<f64>,
    /// SHA-384 of the host's up SQL, hex.
    pub checksum: Option<String>,
    /// The checksum recorded when it was applied, hex.
    pub applied_checksum: Option<String>,
    /// For a mismatch: the two differ only in line endings (CRLF against LF).
    pub line_endings_only: bool,
    /// Embedded in the host's build; false for a file only in `migrations_dir`.
    pub embedded: bool,
    /// The last error rubbie logged for it (a failed step).
    pub error: Option<String>,
}

/// Every migration known to the host or the database, by version.
pub(crate) async fn statuses(db: &Database, table: &str, catalog: &Catalog) -> Result<Vec<MigrationInfo>> {
    let applied = applied::list(db, table).await?;
    let outcomes = runs::last_outcomes(db).await?;
    let newest_applied = applied.iter().map(|a| a.version).max();
    let mut versions: Vec<i64> = catalog.versions.keys().copied().chain(applied.iter().map(|a| a.version)).collect();
    versions.sort_unstable();
    versions.dedup();
    Ok(versions
        .into_iter()
        .map(|v| {
            let known = catalog.versions.get(&v);
            let row = applied.iter().find(|a| a.version == v);
            let outcome = outcomes.get(&v);
            info(v, known, row, outcome, newest_applied)
        })
        .collect())
}

fn info(
    version: i64,
    known: Option<&Known>,
    row: Option<&Applied>,
    outcome: Option<&runs::MigrationEvent>,
    newest_applied: Option<i64>,
) -> MigrationInfo {
    let checksum = known.map(Known::checksum_hex);
    let failed_in_log = outcome.is_some_and(|e| e.kind == "step_failed" && e.direction.as_deref() == Some("up"));
    let status = match (known, row) {
        (_, Some(row)) if !row.success => Status::Failed,
        (None, Some(_)) => Status::Missing,
        (Some(_), Some(row)) if Some(&row.checksum_hex) != checksum.as_ref() => Status::Mismatch,
        (Some(_), Some(_)) => Status::Applied,
        (_, None) if failed_in_log => Status::Failed,
        (_, None) if newest_applied.is_some_and(|n| n > version) => Status::OutOfOrder,
        (_, None) => Status::Pending,
    };
    let line_endings_only = status == Status::Mismatch
        && known.zip(row).is_some_and(|(k, r)| same_but_line_endings(k.up.sql.as_str(), &r.checksum_hex));
    MigrationInfo {
        version,
        description: known
            .map(|k| k.description.clone())
            .or_else(|| row.map(|r| r.description.clone()))
            .unwrap_or_default(),
        status,
        reversible: known.is_some_and(|k| k.down.is_some()),
        no_transaction: known.is_some_and(|k| k.up.no_tx),
        installed_on: row.map(|r| r.installed_on.clone()),
        execution_ms: row.and_then(|r| r.execution_ms),
        checksum,
        applied_checksum: row.map(|r| r.checksum_hex.clone()),
        line_endings_only,
        embedded: known.is_some_and(|k| k.embedded),
        error: outcome.filter(|e| e.kind == "step_failed").and_then(|e| e.error.clone()),
    }
}

/// Whether `sql` with its line endings switched (LF ↔ CRLF) has the checksum `applied`: the
/// file was checked out on another platform, not edited.
fn same_but_line_endings(sql: &str, applied: &str) -> bool {
    let lf = sql.replace("\r\n", "\n");
    let crlf = lf.replace('\n', "\r\n");
    [lf, crlf].iter().any(|v| checksum_hex(v) == applied)
}

/// The checksum sqlx gives `sql`: SHA-384 of the file's text, hex.
pub(crate) fn checksum_hex(sql: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha384::digest(sql.as_bytes()))
}
