//! Running a plan: each step through sqlx's own `Migrate` implementation (so the database ends
//! up exactly as the host's `migrator.run()` would leave it), on the locked connection, with
//! every start, end and error written to the run's log as it happens and each finished step
//! audited.

use std::time::Instant;

use sqlx::migrate::Migrate;
use sqlx::mysql::MySqlConnection;

use super::authoring::Staged;
use super::lock::Locked;
use super::plan::{Action, Direction, Step};
use super::runs::{self, MigrationEvent};
use crate::audit::record::now_ms;
use crate::audit::{self, Actor, Category, Entry};
use crate::db::Database;
use crate::error::{Error, Result};
use crate::state::AppState;

/// Everything a run needs once it has been accepted.
pub(crate) struct Run {
    pub id: i64,
    pub action: Action,
    pub table: String,
    pub steps: Vec<Step>,
    pub actor: Actor,
    /// A migration saved from the console: its files, renamed into place only if the run
    /// succeeds.
    pub files: Option<Staged>,
    /// What to do once the run succeeded (a schema change's follow-up), before `done` hears;
    /// its failure is logged, and the run still succeeded.
    pub after: Option<AfterSuccess>,
    /// Told how the run ended: `Err` holds the message the run's log shows.
    pub done: Option<tokio::sync::oneshot::Sender<std::result::Result<(), String>>>,
}

/// Work that follows a successful run, given the state.
pub(crate) type AfterSuccess =
    Box<dyn FnOnce(AppState) -> futures_util::future::BoxFuture<'static, Result<()>> + Send + Sync>;

/// Runs `run` to its end in the background, holding `locked` until then.
pub(crate) fn spawn(state: AppState, mut locked: Locked, mut run: Run) {
    tokio::spawn(async move {
        let db = state.db().clone();
        let beat = tokio::spawn(heartbeat(db.clone(), run.id, locked.lease_holder()));
        let mut log = Log { db: &db, run: run.id, seq: 0 };
        let mut outcome = execute(&state, &mut locked, &run, &mut log).await;
        if let Some(files) = run.files.take() {
            outcome = settle_files(&db, &run, files, outcome, &mut log).await;
        }
        if let (Ok(()), Some(after)) = (&outcome, run.after.take()) {
            // the migration is applied whatever happens here: a failure is said, not the run's
            let (kind, description) = match after(state.clone()).await {
                Ok(()) => ("followed", "rubbie's records follow the change".to_owned()),
                Err(err) => {
                    tracing::error!(error = %err, run = run.id, "rubbie: a schema change's follow-up failed");
                    ("follow_up_failed", format!("applied, but rubbie's records did not follow: {}", describe(&err)))
                }
            };
            log.write(MigrationEvent { kind: kind.into(), description: Some(description), ..event() }).await;
        }
        beat.abort();
        let error = outcome.err().map(|e| describe(&e));
        let message = error.clone().unwrap_or_else(|| "finished".into());
        log.write(MigrationEvent { kind: "finished".into(), description: Some(message), ..event() }).await;
        // Free the lock first: a client that sees the run ended may start the next one at once.
        locked.release(&db).await;
        if let Err(err) = runs::finish(&db, run.id, error.as_deref()).await {
            tracing::error!(error = %err, run = run.id, "rubbie: could not record the end of a migration run");
        }
        if let Some(done) = run.done.take() {
            let _ = done.send(error.map_or(Ok(()), Err)); // the request may have stopped waiting
        }
    });
}

/// Publishes a saved migration's files after a successful run, discards them after a failed
/// one — unless the failure left MySQL's dirty row (DDL commits as it goes, so part of the SQL
/// ran): then the files stay, and the migration is listed as failed, to recover like any other.
async fn settle_files(db: &Database, run: &Run, files: Staged, outcome: Result<()>, log: &mut Log<'_>) -> Result<()> {
    let written = files.targets().join(", ");
    if let Err(err) = outcome {
        let versions: Vec<i64> = run.steps.iter().map(|s| s.version).collect();
        let dirty = super::applied::list(db, &run.table)
            .await
            .is_ok_and(|rows| rows.iter().any(|r| !r.success && versions.contains(&r.version)));
        if !dirty {
            files.discard().await;
            return Err(err);
        }
        if files.publish().await.is_ok() {
            let description =
                format!("{written} (kept: the migration failed half-way, recover it on the migrations page)");
            log.write(MigrationEvent { kind: "files_written".into(), description: Some(description), ..event() }).await;
        }
        return Err(err);
    }
    files.publish().await?;
    log.write(MigrationEvent { kind: "files_written".into(), description: Some(written), ..event() }).await;
    Ok(())
}

/// Proves the run alive every few seconds (and keeps SQLite's lease) until aborted.
async fn heartbeat(db: Database, run: i64, lease_holder: Option<String>) {
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(runs::HEARTBEAT_MS)).await;
        let mut beat = runs::heartbeat(&db, run).await;
        if let (Ok(()), Some(holder)) = (&beat, &lease_holder) {
            beat = super::lock::renew_lease(&db, holder).await;
        }
        if let Err(err) = beat {
            tracing::warn!(error = %err, run, "rubbie: migration run heartbeat failed");
        }
    }
}

/// An error as the run's log shows it: the database's own message.
fn describe(err: &Error) -> String {
    match err {
        Error::Database(e) => e.to_string(),
        Error::Internal(detail) => detail.clone(),
        other => other.to_string(),
    }
}

fn event() -> MigrationEvent {
    MigrationEvent {
        seq: 0,
        at: 0,
        kind: String::new(),
        version: None,
        direction: None,
        description: None,
        sql: None,
        elapsed_ms: None,
        error: None,
    }
}

/// The run's log, one numbered event after another.
struct Log<'a> {
    db: &'a Database,
    run: i64,
    seq: i64,
}

impl Log<'_> {
    async fn write(&mut self, mut e: MigrationEvent) {
        self.seq += 1;
        e.seq = self.seq;
        e.at = now_ms();
        if let Err(err) = runs::event(self.db, self.run, self.seq, &e).await {
            tracing::error!(error = %err, run = self.run, "rubbie: could not log a migration event");
        }
    }
}

async fn execute(state: &AppState, locked: &mut Locked, run: &Run, log: &mut Log<'_>) -> Result<()> {
    let db = state.db();
    let summary = format!("{} {} migration(s)", run.action.as_str(), run.steps.len());
    log.write(MigrationEvent { kind: "started".into(), description: Some(summary), ..event() }).await;
    for step in &run.steps {
        let sql = step.migration.sql.as_str().to_owned();
        let base = MigrationEvent {
            version: Some(step.version),
            direction: Some(step.direction.as_str().into()),
            description: Some(step.description.clone()),
            ..event()
        };
        let recovery = matches!(run.action, Action::MarkApplied | Action::Clear);
        if !recovery {
            log.write(MigrationEvent { kind: "step_started".into(), sql: Some(sql.clone()), ..base.clone() }).await;
        }
        let started = Instant::now();
        let result = match run.action {
            Action::Apply | Action::Rollback => run_step(locked, &run.table, step).await,
            Action::MarkApplied => mark_applied(locked, &run.table, step).await,
            Action::Clear => clear(locked, &run.table, step).await,
        };
        let elapsed_ms = Some(started.elapsed().as_millis() as i64);
        if let Err(err) = result {
            let message = describe(&err);
            log.write(MigrationEvent {
                kind: "step_failed".into(),
                sql: Some(sql),
                elapsed_ms,
                error: Some(message),
                ..base
            })
            .await;
            return Err(err);
        }
        let kind = match run.action {
            Action::MarkApplied => "marked_applied",
            Action::Clear => "cleared",
            _ => "step_done",
        };
        log.write(MigrationEvent { kind: kind.into(), sql: (!recovery).then_some(sql), elapsed_ms, ..base }).await;
        audit_step(db, run, step, elapsed_ms).await?;
    }
    Ok(())
}

/// One audit entry per finished step, in its own transaction (the step itself committed on the
/// locked connection, which the log cannot share).
async fn audit_step(db: &Database, run: &Run, step: &Step, elapsed_ms: Option<i64>) -> Result<()> {
    let verb = match (run.action, step.direction) {
        (Action::MarkApplied, _) => "Marked as applied",
        (Action::Clear, _) => "Cleared the failed",
        (_, Direction::Up) => "Applied",
        (_, Direction::Down) => "Rolled back",
    };
    let summary = format!("{verb} migration {} ({})", step.version, step.description);
    let entry = Entry::new(Category::Migration, run.action.as_str(), summary).object(step.version.to_string()).detail(
        serde_json::json!({
            "run_id": run.id, "direction": step.direction.as_str(), "elapsed_ms": elapsed_ms,
            "checksum": hex::encode(&*step.migration.checksum),
        }),
    );
    let mut tx = db.begin().await?;
    audit::record(&mut tx, &run.actor, vec![entry]).await?;
    tx.commit().await
}

fn migrate_error(err: sqlx::migrate::MigrateError) -> Error {
    match err {
        sqlx::migrate::MigrateError::Execute(e) | sqlx::migrate::MigrateError::ExecuteMigration(e, _) => {
            Error::Database(e)
        }
        other => Error::Internal(other.to_string()),
    }
}

/// Applies or reverts one migration exactly as sqlx does.
async fn run_step(locked: &mut Locked, table: &str, step: &Step) -> Result<()> {
    macro_rules! on {
        ($conn:expr) => {{
            let conn = $conn;
            conn.ensure_migrations_table(table).await.map_err(migrate_error)?;
            match step.direction {
                Direction::Up => conn.apply(table, &step.migration).await.map_err(migrate_error)?,
                Direction::Down => conn.revert(table, &step.migration).await.map_err(migrate_error)?,
            };
        }};
    }
    match locked {
        Locked::Sqlite { pool, .. } => {
            let mut conn = pool.acquire().await?;
            let result: Result<()> = async {
                on!(&mut *conn);
                Ok(())
            }
            .await;
            if result.is_err() && step.migration.no_tx {
                // a no-transaction file can stop inside its own BEGIN with foreign keys off
                // (the schema editor's rebuilds): that connection is closed, not given back
                conn.close_on_drop();
            }
            result?;
        }
        Locked::Postgres { conn, .. } => on!(conn),
        Locked::Mysql { conn, .. } => on!(conn),
    }
    Ok(())
}

/// Records a failed migration as applied: MySQL's dirty row becomes a success; elsewhere (no
/// row was left) sqlx's `skip` writes the row a successful apply would have written.
async fn mark_applied(locked: &mut Locked, table: &str, step: &Step) -> Result<()> {
    match locked {
        Locked::Mysql { conn, .. } => {
            if dirty_update(
                conn,
                &format!("UPDATE {table} SET success = TRUE WHERE version = ? AND success = FALSE"),
                step,
            )
            .await?
                == 0
            {
                conn.skip(table, &step.migration).await.map_err(migrate_error)?;
            }
        }
        Locked::Sqlite { pool, .. } => {
            let mut conn = pool.acquire().await?;
            conn.ensure_migrations_table(table).await.map_err(migrate_error)?;
            conn.skip(table, &step.migration).await.map_err(migrate_error)?;
        }
        Locked::Postgres { conn, .. } => {
            conn.ensure_migrations_table(table).await.map_err(migrate_error)?;
            conn.skip(table, &step.migration).await.map_err(migrate_error)?;
        }
    }
    Ok(())
}

/// Forgets a failed migration: MySQL's dirty row is deleted; elsewhere nothing is in the
/// database, and the `cleared` event in rubbie's log is what makes it pending again.
async fn clear(locked: &mut Locked, table: &str, step: &Step) -> Result<()> {
    if let Locked::Mysql { conn, .. } = locked {
        dirty_update(conn, &format!("DELETE FROM {table} WHERE version = ? AND success = FALSE"), step).await?;
    }
    Ok(())
}

async fn dirty_update(conn: &mut MySqlConnection, sql: &str, step: &Step) -> Result<u64> {
    let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).bind(step.version).execute(conn).await?;
    Ok(done.rows_affected())
}
