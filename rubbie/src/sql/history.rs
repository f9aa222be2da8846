//! Every run, one row in `rubbie_sql_runs`: the user's history, and the registry that lets any
//! instance cancel a running statement (the row carries the server's connection id) and keeps
//! the per-user limit across instances.

use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::record::{cut, now_ms};
use crate::db::Database;
use crate::db::exec::Executor;
use crate::db::internal::{Field, fetch_all, fetch_one};
use crate::error::{Error, Result};

const RUNS: &str = "rubbie_sql_runs";
/// Runs kept per user; older ones are dropped as new ones finish.
const KEPT_PER_USER: u64 = 500;
/// Longest error text kept.
const MAX_ERROR: usize = 4_000;
/// A run still `running` this long after its timeout died with its instance.
const GRACE_MS: i64 = 10_000;

/// One run of the SQL runner, as the history lists it.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct SqlRun {
    /// History id (newest highest).
    pub id: i64,
    /// The client's id of the run (what `/api/v1/sql/cancel` takes).
    pub run_id: String,
    /// `read` or `write`.
    pub mode: String,
    /// `plan` or `analyze` when the run was an EXPLAIN.
    pub explain: Option<String>,
    /// The statement.
    pub sql: String,
    /// `running`, `succeeded`, `failed`, `timeout`, `cancelled`, or `interrupted` (its instance
    /// stopped mid-run).
    pub status: String,
    /// Milliseconds since the Unix epoch.
    pub started_at: i64,
    /// How long it ran.
    pub elapsed_ms: Option<i64>,
    /// Rows returned (for a truncated read: the rows shown).
    pub row_count: Option<i64>,
    /// Rows the statement changed.
    pub rows_affected: Option<i64>,
    /// The database's error message.
    pub error: Option<String>,
    #[serde(skip_serializing, default)]
    timeout_ms: i64,
}

const FIELDS: [Field<'static>; 12] = [
    ("id", RUNS, "id"),
    ("run_id", RUNS, "run_id"),
    ("mode", RUNS, "mode"),
    ("explain", RUNS, "explain_kind"),
    ("sql", RUNS, "sql_text"),
    ("status", RUNS, "status"),
    ("started_at", RUNS, "started_at"),
    ("elapsed_ms", RUNS, "elapsed_ms"),
    ("row_count", RUNS, "row_count"),
    ("rows_affected", RUNS, "rows_affected"),
    ("error", RUNS, "error"),
    ("timeout_ms", RUNS, "timeout_ms"),
];

impl SqlRun {
    fn settled(mut self) -> Self {
        if self.status == "running" && self.started_at + self.timeout_ms + GRACE_MS < now_ms() {
            self.status = "interrupted".into();
        }
        self
    }
}

/// A run about to start.
pub(crate) struct NewRun<'a> {
    pub run_id: &'a str,
    pub user_id: i64,
    pub mode: &'a str,
    pub explain: Option<&'a str>,
    pub sql: &'a str,
    pub timeout_ms: i64,
}

/// How a run ended.
pub(crate) struct Ended {
    pub status: &'static str,
    pub elapsed_ms: i64,
    pub row_count: Option<i64>,
    pub rows_affected: Option<i64>,
    pub error: Option<String>,
}

/// Records `run` as running, refused (429) when the user already has `per_user` runs going.
pub(crate) async fn start(db: &Database, run: &NewRun<'_>, per_user: i64) -> Result<()> {
    let live = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(RUNS)
        .and_where(Expr::col("user_id").eq(run.user_id))
        .and_where(Expr::col("status").eq("running"))
        .and_where(Expr::col("started_at").add(Expr::col("timeout_ms")).gt(now_ms() - GRACE_MS))
        .to_owned();
    let running = db.pooled().fetch_integers(&live).await?.first().copied().unwrap_or(0);
    if running >= per_user {
        return Err(Error::RateLimited(format!(
            "{running} of your SQL runs are still going (at most {per_user} at once): wait or cancel one"
        )));
    }
    let insert = Query::insert()
        .into_table(RUNS)
        .columns(["run_id", "user_id", "mode", "explain_kind", "sql_text", "status", "started_at", "timeout_ms"])
        .values_panic([
            run.run_id.into(),
            run.user_id.into(),
            run.mode.into(),
            run.explain.map(str::to_owned).into(),
            run.sql.into(),
            "running".into(),
            now_ms().into(),
            run.timeout_ms.into(),
        ])
        .to_owned();
    db.pooled().execute(&insert).await.map_err(|e| match e.with_columns(&["run_id"]) {
        Error::Conflict { .. } => Error::conflict(format!("run_id {:?} was used already: send a new one", run.run_id)),
        other => other,
    })?;
    Ok(())
}

/// Notes the database connection the run's statement runs on (what a cancel stops).
pub(crate) async fn set_backend_pid(db: &Database, run_id: &str, pid: i64) -> Result<()> {
    let update =
        Query::update().table(RUNS).value("backend_pid", pid).and_where(Expr::col("run_id").eq(run_id)).to_owned();
    db.pooled().execute(&update).await.map(drop)
}

/// Records how the run ended and drops the user's oldest runs beyond what is kept.
pub(crate) async fn finish(db: &Database, run_id: &str, user_id: i64, ended: Ended) -> Result<()> {
    let update = Query::update()
        .table(RUNS)
        .value("status", ended.status)
        .value("elapsed_ms", ended.elapsed_ms)
        .value("row_count", ended.row_count)
        .value("rows_affected", ended.rows_affected)
        .value("error", ended.error.map(|e| cut(&e, MAX_ERROR)))
        .and_where(Expr::col("run_id").eq(run_id))
        .to_owned();
    db.pooled().execute(&update).await?;
    let oldest_kept = Query::select()
        .column("id")
        .from(RUNS)
        .and_where(Expr::col("user_id").eq(user_id))
        .order_by("id", Order::Desc)
        .limit(1)
        .offset(KEPT_PER_USER - 1)
        .to_owned();
    if let Some(&id) = db.pooled().fetch_integers(&oldest_kept).await?.first() {
        let prune = Query::delete()
            .from_table(RUNS)
            .and_where(Expr::col("user_id").eq(user_id))
            .and_where(Expr::col("id").lt(id))
            .to_owned();
        db.pooled().execute(&prune).await?;
    }
    Ok(())
}

/// A running run that a cancel should stop.
#[derive(Deserialize)]
pub(crate) struct Running {
    pub backend_pid: Option<i64>,
}

/// Marks `run_id` as cancelled if it is still running; what to stop, or None.
pub(crate) async fn request_cancel(db: &Database, run_id: &str) -> Result<Option<Running>> {
    let fields = [("backend_pid", RUNS, "backend_pid")];
    let query = Query::select()
        .from(RUNS)
        .and_where(Expr::col("run_id").eq(run_id))
        .and_where(Expr::col("status").eq("running"))
        .to_owned();
    let Some(running) = fetch_one::<Running>(db, &fields, query).await? else {
        return Ok(None);
    };
    let mark =
        Query::update().table(RUNS).value("cancel_requested", 1).and_where(Expr::col("run_id").eq(run_id)).to_owned();
    db.pooled().execute(&mark).await?;
    Ok(Some(running))
}

/// Whether someone asked to cancel `run_id` (possibly on another instance).
pub(crate) async fn cancel_requested(db: &Database, run_id: &str) -> Result<bool> {
    let query = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from(RUNS)
        .and_where(Expr::col("run_id").eq(run_id))
        .and_where(Expr::col("cancel_requested").eq(1))
        .to_owned();
    Ok(db.pooled().fetch_integers(&query).await?.first().is_some_and(|&n| n > 0))
}

/// The user's runs, newest first, older than `before` when given.
pub(crate) async fn list(db: &Database, user_id: i64, before: Option<i64>, limit: u64) -> Result<Vec<SqlRun>> {
    let mut query =
        Query::select().from(RUNS).and_where(Expr::col("user_id").eq(user_id)).order_by("id", Order::Desc).to_owned();
    if let Some(before) = before {
        query.and_where(Expr::col("id").lt(before));
    }
    query.limit(limit);
    Ok(fetch_all::<SqlRun>(db, &FIELDS, query).await?.into_iter().map(SqlRun::settled).collect())
}
