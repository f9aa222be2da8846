//! Facts from the data before a change runs: each probe of the plan counted in a transaction
//! that is rolled back, within a time limit so a preview of a huge table still answers.

use std::time::Duration;

use serde::Serialize;
use utoipa::ToSchema;

use super::plan::Probe;
use crate::db::Database;
use crate::error::{Error, Result};

/// How long one probe may count.
const PROBE_LIMIT: Duration = Duration::from_secs(10);

/// One fact about the data.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Fact {
    /// `rows_lost`, `values_lost`, `nulls`, `duplicates`, `orphans`, `cast_fails`,
    /// `not_null_without_default`, or `unknown` (a probe that could not finish in time).
    pub kind: String,
    /// The table.
    pub table: String,
    /// The column(s), when it is about some.
    pub column: Option<String>,
    /// How many rows or values.
    pub count: i64,
    /// The change cannot succeed while this holds (it is refused with 409).
    pub blocking: bool,
    /// The fact in words.
    pub message: String,
}

/// The facts of `probes` that hold (counts above zero), in plan order.
pub(crate) async fn gather(db: &Database, probes: &[Probe]) -> Result<Vec<Fact>> {
    let mut facts = Vec::new();
    for probe in probes {
        let fact = |kind: &str, count: i64, message: String| Fact {
            kind: kind.into(),
            table: probe.table.clone(),
            column: probe.column.clone(),
            count,
            blocking: probe.blocks && kind != "unknown",
            message,
        };
        let outcome = match tokio::time::timeout(PROBE_LIMIT, count(db, &probe.sql)).await {
            Err(_) => None,
            Ok(Err(Error::Database(e))) if cancelled(&e) => None,
            Ok(done) => Some(done),
        };
        match outcome {
            None => facts.push(fact(
                "unknown",
                0,
                format!(
                    "could not check {} within {} s: {}",
                    probe.table,
                    PROBE_LIMIT.as_secs(),
                    probe.message.replace("{n}", "some")
                ),
            )),
            // a cast probe fails where a value cannot be converted: the database's message says which
            Some(Err(Error::Database(e))) if probe.kind == "cast_fails" => {
                let why = e.as_database_error().map_or_else(|| e.to_string(), |d| d.message().to_owned());
                facts.push(fact(probe.kind, 1, format!("{}: {why}", probe.message)))
            }
            Some(Err(e)) => return Err(e),
            Some(Ok(0)) => {}
            Some(Ok(n)) => facts.push(fact(probe.kind, n, probe.message.replace("{n}", &n.to_string()))),
        }
    }
    Ok(facts)
}

/// Runs one probe in a transaction of its own, rolled back (nothing it does is kept).
/// PostgreSQL stops it itself at the limit; elsewhere the caller stops waiting.
async fn count(db: &Database, sql: &str) -> Result<i64> {
    let mut tx = db.begin().await?;
    if db.backend() == crate::db::Backend::Postgres {
        tx.execute_generated(&format!("SET LOCAL statement_timeout = {}", PROBE_LIMIT.as_millis())).await?;
    }
    tx.count_generated(sql).await
}

/// Whether the database stopped a statement for its time or lock limit (PostgreSQL's
/// `query_canceled` and `lock_not_available`).
pub(crate) fn cancelled(e: &sqlx::Error) -> bool {
    e.as_database_error().and_then(|d| d.code()).is_some_and(|c| c == "57014" || c == "55P03")
}
