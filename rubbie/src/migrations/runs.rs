//! The run history, kept in rubbie's tables so every instance sees it: one row per run in
//! `rubbie_migration_runs`, and its output, event by event, in `rubbie_migration_events` (what
//! the page streams, and what a reload replays).

use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::audit::record::now_ms;
use crate::db::exec::Executor;
use crate::db::internal::{Field, fetch_all, fetch_one};
use crate::db::{Backend, Database};
use crate::error::{Error, Result};

const RUNS: &str = "rubbie_migration_runs";
const EVENTS: &str = "rubbie_migration_events";

/// A run whose heartbeat is older than this is reported as interrupted (its instance died).
pub(crate) const STALE_MS: i64 = 30_000;
/// How often a running run proves it is alive.
pub(crate) const HEARTBEAT_MS: u64 = 5_000;
/// Longest error text kept per event.
const MAX_ERROR: usize = 4_000;

/// One console run: apply, roll back, or a recovery action.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MigrationRun {
    /// Run id.
    pub id: i64,
    /// `apply`, `rollback`, `mark_applied` or `clear`.
    pub action: String,
    /// The target version asked for, if any.
    pub target: Option<i64>,
    /// `running`, `succeeded`, `failed`, or `interrupted` (its instance stopped mid-run).
    pub status: String,
    /// Who started it.
    pub user: Option<String>,
    /// Milliseconds since the Unix epoch.
    pub started_at: i64,
    /// When it ended.
    pub finished_at: Option<i64>,
    /// Why it failed, with the database's message.
    pub error: Option<String>,
    /// The steps it ran (or tried), in order, with the SQL of each.
    #[serde(default)] // the row read from the database has none; they are added after
    #[schema(required = true)]
    pub steps: Vec<MigrationEvent>,
}

/// One thing that happened in a run, as streamed to the page.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct MigrationEvent {
    /// Position in the run, from 1 (the SSE event id).
    pub seq: i64,
    /// Milliseconds since the Unix epoch.
    pub at: i64,
    /// `started`, `step_started`, `step_done`, `step_failed`, `marked_applied`, `cleared`,
    /// `files_written` (a migration saved from the console), `finished`.
    pub kind: String,
    /// The migration concerned.
    pub version: Option<i64>,
    /// `up` or `down`.
    pub direction: Option<String>,
    /// The migration's description, or the run's message.
    pub description: Option<String>,
    /// The SQL this step runs.
    pub sql: Option<String>,
    /// How long the step took.
    pub elapsed_ms: Option<i64>,
    /// The database's error message.
    pub error: Option<String>,
}

#[derive(Deserialize)]
struct RunRow {
    id: i64,
    action: String,
    target: Option<i64>,
    status: String,
    user_name: Option<String>,
    started_at: i64,
    finished_at: Option<i64>,
    heartbeat_at: i64,
    error: Option<String>,
}

const RUN_FIELDS: [Field<'static>; 9] = [
    ("id", RUNS, "id"),
    ("action", RUNS, "action"),
    ("target", RUNS, "target"),
    ("status", RUNS, "status"),
    ("user_name", RUNS, "user_name"),
    ("started_at", RUNS, "started_at"),
    ("finished_at", RUNS, "finished_at"),
    ("heartbeat_at", RUNS, "heartbeat_at"),
    ("error", RUNS, "error"),
];

const EVENT_FIELDS: [Field<'static>; 9] = [
    ("seq", EVENTS, "seq"),
    ("at", EVENTS, "at"),
    ("kind", EVENTS, "kind"),
    ("version", EVENTS, "version"),
    ("direction", EVENTS, "direction"),
    ("description", EVENTS, "description"),
    ("sql", EVENTS, "sql_text"),
    ("elapsed_ms", EVENTS, "elapsed_ms"),
    ("error", EVENTS, "error"),
];

impl From<RunRow> for MigrationRun {
    fn from(r: RunRow) -> Self {
        let stale = r.status == "running" && r.heartbeat_at < now_ms() - STALE_MS;
        MigrationRun {
            id: r.id,
            action: r.action,
            target: r.target,
            status: if stale { "interrupted".into() } else { r.status },
            user: r.user_name,
            started_at: r.started_at,
            finished_at: r.finished_at,
            error: r.error,
            steps: Vec::new(),
        }
    }
}

/// Records a new run as running; returns its id.
pub(crate) async fn create(db: &Database, action: &str, target: Option<i64>, user: Option<&str>) -> Result<i64> {
    let now = now_ms();
    let mut insert = Query::insert()
        .into_table(RUNS)
        .columns(["action", "target", "status", "user_name", "started_at", "heartbeat_at"])
        .values_panic([
            action.into(),
            target.into(),
            "running".into(),
            user.map(str::to_owned).into(),
            now.into(),
            now.into(),
        ])
        .to_owned();
    if db.backend() == Backend::Postgres {
        insert.returning_col("id");
        return db.pooled().fetch_integers(&insert).await?.first().copied().ok_or_else(|| Error::internal("no run id"));
    }
    db.pooled().execute(&insert).await?.last_insert_id.ok_or_else(|| Error::internal("no run id"))
}

/// Appends an event to run `run`; `seq` is the caller's counter (one writer per run).
pub(crate) async fn event(db: &Database, run: i64, seq: i64, e: &MigrationEvent) -> Result<()> {
    let error = e.error.as_deref().map(|t| crate::audit::record::cut(t, MAX_ERROR));
    let insert = Query::insert()
        .into_table(EVENTS)
        .columns([
            "run_id",
            "seq",
            "at",
            "kind",
            "version",
            "direction",
            "description",
            "sql_text",
            "elapsed_ms",
            "error",
        ])
        .values_panic([
            run.into(),
            seq.into(),
            e.at.into(),
            e.kind.clone().into(),
            e.version.into(),
            e.direction.clone().into(),
            e.description.clone().into(),
            e.sql.clone().into(),
            e.elapsed_ms.into(),
            error.into(),
        ])
        .to_owned();
    db.pooled().execute(&insert).await.map(drop)
}

/// Proves run `run` is alive.
pub(crate) async fn heartbeat(db: &Database, run: i64) -> Result<()> {
    let update =
        Query::update().table(RUNS).value("heartbeat_at", now_ms()).and_where(Expr::col("id").eq(run)).to_owned();
    db.pooled().execute(&update).await.map(drop)
}

/// Ends run `run` as `succeeded` or `failed`.
pub(crate) async fn finish(db: &Database, run: i64, error: Option<&str>) -> Result<()> {
    let status = if error.is_some() { "failed" } else { "succeeded" };
    let now = now_ms();
    let update = Query::update()
        .table(RUNS)
        .values([
            ("status", status.into()),
            ("finished_at", now.into()),
            ("heartbeat_at", now.into()),
            ("error", error.map(|e| crate::audit::record::cut(e, MAX_ERROR)).into()),
        ])
        .and_where(Expr::col("id").eq(run))
        .to_owned();
    db.pooled().execute(&update).await.map(drop)
}

/// The newest runs first, at most `limit`, older than `before` when given.
pub(crate) async fn list(db: &Database, before: Option<i64>, limit: u64) -> Result<Vec<MigrationRun>> {
    let mut query = Query::select().from(RUNS).order_by("id", Order::Desc).limit(limit).to_owned();
    if let Some(before) = before {
        query.and_where(Expr::col("id").lt(before));
    }
    let rows: Vec<RunRow> = fetch_all(db, &RUN_FIELDS, query).await?;
    let mut runs: Vec<MigrationRun> = rows.into_iter().map(MigrationRun::from).collect();
    // The steps each run ran, in one query for the page.
    if let (Some(first), Some(last)) = (runs.last().map(|r| r.id), runs.first().map(|r| r.id)) {
        let query = Query::select()
            .from(EVENTS)
            .and_where(Expr::col("run_id").gte(first))
            .and_where(Expr::col("run_id").lte(last))
            .and_where(Expr::col("kind").is_in(["step_done", "step_failed", "marked_applied", "cleared"]))
            .order_by("run_id", Order::Asc)
            .order_by("seq", Order::Asc)
            .to_owned();
        let steps: Vec<(i64, MigrationEvent)> = fetch_events_with_run(db, query).await?;
        for run in &mut runs {
            run.steps = steps.iter().filter(|(id, _)| *id == run.id).map(|(_, e)| e.clone()).collect();
        }
    }
    Ok(runs)
}

async fn fetch_events_with_run(db: &Database, query: sea_query::SelectStatement) -> Result<Vec<(i64, MigrationEvent)>> {
    #[derive(Deserialize)]
    struct WithRun {
        run_id: i64,
        #[serde(flatten)]
        event: MigrationEvent,
    }
    let mut fields = EVENT_FIELDS.to_vec();
    fields.push(("run_id", EVENTS, "run_id"));
    let rows: Vec<WithRun> = fetch_all(db, &fields, query).await?;
    Ok(rows.into_iter().map(|r| (r.run_id, r.event)).collect())
}

/// One run with every step it ran.
pub(crate) async fn get(db: &Database, id: i64) -> Result<MigrationRun> {
    let query = Query::select().from(RUNS).and_where(Expr::col("id").eq(id)).to_owned();
    let row: Option<RunRow> = fetch_one(db, &RUN_FIELDS, query).await?;
    let mut run = MigrationRun::from(row.ok_or_else(|| Error::NotFound(format!("no migration run {id}")))?);
    run.steps = events_after(db, id, 0)
        .await?
        .into_iter()
        .filter(|e| e.version.is_some() && e.kind != "step_started")
        .collect();
    Ok(run)
}

/// The events of run `id` after `seq`, in order.
pub(crate) async fn events_after(db: &Database, id: i64, seq: i64) -> Result<Vec<MigrationEvent>> {
    let query = Query::select()
        .from(EVENTS)
        .and_where(Expr::col("run_id").eq(id))
        .and_where(Expr::col("seq").gt(seq))
        .order_by("seq", Order::Asc)
        .limit(500)
        .to_owned();
    fetch_all(db, &EVENT_FIELDS, query).await
}

/// The run in progress, if any (a stale one counts as interrupted, not running).
pub(crate) async fn active(db: &Database) -> Result<Option<MigrationRun>> {
    let query = Query::select()
        .from(RUNS)
        .and_where(Expr::col("status").eq("running"))
        .and_where(Expr::col("heartbeat_at").gte(now_ms() - STALE_MS))
        .order_by("id", Order::Desc)
        .limit(1)
        .to_owned();
    let row: Option<RunRow> = fetch_one(db, &RUN_FIELDS, query).await?;
    Ok(row.map(MigrationRun::from))
}

/// Per version, the last step outcome rubbie logged (`step_done`, `step_failed`, `cleared`,
/// `marked_applied`) with its direction: how a failed migration is told apart on backends
/// whose failed migrations leave no row (PostgreSQL and SQLite roll the whole step back).
pub(crate) async fn last_outcomes(db: &Database) -> Result<std::collections::HashMap<i64, MigrationEvent>> {
    let query = Query::select()
        .from(EVENTS)
        .and_where(Expr::col("version").is_not_null())
        .and_where(Expr::col("kind").is_in(["step_done", "step_failed", "marked_applied", "cleared"]))
        .order_by("run_id", Order::Asc)
        .order_by("seq", Order::Asc)
        .to_owned();
    let events: Vec<MigrationEvent> = fetch_all(db, &EVENT_FIELDS, query).await?;
    Ok(events.into_iter().filter_map(|e| Some((e.version?, e))).collect())
}

/// Marks runs whose instance stopped mid-run (stale heartbeat) as interrupted; called by the
/// next run once it holds the lock, so nothing else can be writing them.
pub(crate) async fn interrupt_stale(db: &Database) -> Result<()> {
    let now = now_ms();
    let update = Query::update()
        .table(RUNS)
        .values([("status", "interrupted".into()), ("finished_at", now.into())])
        .and_where(Expr::col("status").eq("running"))
        .and_where(Expr::col("heartbeat_at").lt(now - STALE_MS))
        .to_owned();
    db.pooled().execute(&update).await.map(drop)
}
