//! The SQL runner (admins only): one statement per run, read-only unless asked otherwise and
//! then enforced by the database, stopped by the database at its time limit, cancellable from
//! any instance, its result streamed from the cursor (capped for the page, whole for exports),
//! every run kept in the user's history and every write in the audit log.

pub(crate) mod cells;
pub(crate) mod explain;
pub(crate) mod history;
pub(crate) mod runner;
pub(crate) mod snippets;
pub(crate) mod statement;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The longest time limit a run may ask for.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(300);
/// The longest SQL text accepted, in characters.
pub(crate) const MAX_SQL_CHARS: usize = 100_000;
/// Rows a page shows by default, and at most.
pub(crate) const DEFAULT_MAX_ROWS: u64 = 1_000;
pub(crate) const MAX_ROWS: u64 = 10_000;
/// Runs at once per user (across instances) and per instance.
pub(crate) const RUNS_PER_USER: i64 = 2;
pub(crate) const RUNS_PER_INSTANCE: u32 = 4;

/// What a run may do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A read-only transaction (PostgreSQL, MySQL) or a read-only connection (SQLite), rolled back.
    #[default]
    Read,
    /// A transaction that is committed, with an audit entry.
    Write,
}

impl Mode {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Mode::Read => "read",
            Mode::Write => "write",
        }
    }
}

/// Which plan to show instead of running the statement for its rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Explain {
    /// The planner's plan; nothing runs.
    Plan,
    /// The plan with actual times and rows: the statement runs, always rolled back.
    Analyze,
}

impl Explain {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Explain::Plan => "plan",
            Explain::Analyze => "analyze",
        }
    }
}

/// A column of a result.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ResultColumn {
    /// Its name as the statement gives it (names may repeat).
    pub name: String,
    /// The database's type name (`INT8`, `VARCHAR`, `TEXT`...).
    #[serde(rename = "type")]
    pub type_name: String,
}
