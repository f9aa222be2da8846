//! The host's own sqlx migrations in the console: their status against the database, their SQL,
//! and — when the host allows it — apply, roll back and recovery runs, one at a time under
//! sqlx's own lock, streamed as they happen and kept in rubbie's tables.

pub(crate) mod applied;
pub(crate) mod authoring;
pub(crate) mod catalog;
pub(crate) mod engine;
pub(crate) mod lock;
pub(crate) mod plan;
pub(crate) mod runs;
pub(crate) mod status;

use serde::Serialize;
use utoipa::ToSchema;

use crate::audit::Actor;
use crate::error::{Error, Result};
use crate::state::AppState;
use plan::{Action, Direction, Step};
use runs::MigrationRun;
use status::{MigrationInfo, Status};

/// Who holds the migration lock.
#[derive(Serialize, ToSchema)]
pub struct LockState {
    /// Someone holds it: a console run, or the host's own `migrator.run()`.
    pub held: bool,
    /// Who, as well as rubbie can tell.
    pub holder: Option<String>,
    /// The console run holding it, if it is one.
    pub run_id: Option<i64>,
}

/// The migrations page.
#[derive(Serialize, ToSchema)]
pub struct MigrationList {
    /// The host passed its migrator (`Config::migrator`) or a directory.
    pub configured: bool,
    /// Every migration known to the host or recorded in the database, oldest first.
    pub migrations: Vec<MigrationInfo>,
    /// The lock runs take.
    pub lock: LockState,
    /// Runs are allowed here (`Config::allow_migration_runs`) and nothing holds the lock.
    pub can_run: bool,
    /// Runs are allowed by the host at all.
    pub runs_allowed: bool,
    /// The database table sqlx records applied migrations in.
    pub table: String,
    /// `Config::migrations_dir`, if set.
    pub directory: Option<String>,
    /// Why the directory could not be read.
    pub directory_error: Option<String>,
    /// The run in progress, if any (a reloaded page re-attaches to it).
    pub active_run: Option<MigrationRun>,
}

/// One migration with its SQL.
#[derive(Serialize, ToSchema)]
pub struct MigrationDetail {
    /// Status and checksums.
    #[serde(flatten)]
    pub info: MigrationInfo,
    /// The host's up SQL.
    pub up_sql: Option<String>,
    /// The host's down SQL, if reversible.
    pub down_sql: Option<String>,
    /// The up SQL as rubbie ran it when it applied this migration (to diff a mismatch).
    pub recorded_sql: Option<String>,
}

/// A step a run will take, with exactly the SQL it will run.
#[derive(Serialize, ToSchema)]
pub struct PlannedStep {
    /// The migration.
    pub version: i64,
    /// Its description.
    pub description: String,
    /// `up` or `down`.
    pub direction: Direction,
    /// The SQL (empty for recovery actions, which run none).
    pub sql: String,
}

fn table_name(state: &AppState) -> String {
    state.config.migrations.migrator.map_or_else(|| "_sqlx_migrations".to_owned(), |m| m.table_name.to_string())
}

async fn load(state: &AppState) -> Result<(catalog::Catalog, Vec<MigrationInfo>)> {
    let catalog = catalog::load(&state.config.migrations).await?;
    let statuses = status::statuses(state.db(), &table_name(state), &catalog).await?;
    Ok((catalog, statuses))
}

/// Where the host's migrations stand, for the home page.
#[derive(Serialize, ToSchema)]
pub struct MigrationHealth {
    /// Applied with the host's checksum.
    pub applied: usize,
    /// Not applied yet (out-of-order ones included).
    pub pending: usize,
    /// Failed: to mark applied or clear.
    pub failed: usize,
    /// Changed after they were applied.
    pub mismatch: usize,
    /// Applied in the database, unknown to the host.
    pub missing: usize,
    /// A console run is in progress.
    pub running: bool,
}

/// The counts of the migrations page (none when the host gave no migrations).
pub(crate) async fn health(state: &AppState) -> Result<Option<MigrationHealth>> {
    let config = &state.config.migrations;
    if config.migrator.is_none() && config.dir.is_none() {
        return Ok(None);
    }
    let (_, migrations) = load(state).await?;
    let count = |of: &[Status]| migrations.iter().filter(|m| of.contains(&m.status)).count();
    Ok(Some(MigrationHealth {
        applied: count(&[Status::Applied]),
        pending: count(&[Status::Pending, Status::OutOfOrder]),
        failed: count(&[Status::Failed]),
        mismatch: count(&[Status::Mismatch]),
        missing: count(&[Status::Missing]),
        running: runs::active(state.db()).await?.is_some(),
    }))
}

/// The migrations page: every migration, the lock and the run in progress.
pub(crate) async fn overview(state: &AppState) -> Result<MigrationList> {
    let config = &state.config.migrations;
    let (catalog, migrations) = load(state).await?;
    let active_run = runs::active(state.db()).await?;
    let lock = match &active_run {
        Some(run) => LockState { held: true, holder: Some(describe_run(run)), run_id: Some(run.id) },
        None => {
            let holder = lock::holder(state.db()).await?;
            LockState { held: holder.is_some(), holder, run_id: None }
        }
    };
    Ok(MigrationList {
        configured: config.migrator.is_some() || config.dir.is_some(),
        migrations,
        can_run: config.allow_runs && !lock.held,
        runs_allowed: config.allow_runs,
        lock,
        table: table_name(state),
        directory: config.dir.as_ref().map(|d| d.display().to_string()),
        directory_error: catalog.directory_error,
        active_run,
    })
}

fn describe_run(run: &MigrationRun) -> String {
    let by = run.user.as_deref().map(|u| format!(" by {u}")).unwrap_or_default();
    format!("console run #{} ({}){by}", run.id, run.action)
}

/// One migration with its SQL.
pub(crate) async fn detail(state: &AppState, version: i64) -> Result<MigrationDetail> {
    let (catalog, statuses) = load(state).await?;
    let info = statuses
        .into_iter()
        .find(|m| m.version == version)
        .ok_or_else(|| Error::NotFound(format!("no migration with version {version}")))?;
    let known = catalog.versions.get(&version);
    let recorded = runs::last_outcomes(state.db()).await?;
    let recorded_sql = recorded
        .get(&version)
        .filter(|e| e.kind == "step_done" && e.direction.as_deref() == Some("up"))
        .and_then(|e| e.sql.clone());
    Ok(MigrationDetail {
        up_sql: known.map(|k| k.up.sql.as_str().to_owned()),
        down_sql: known.and_then(|k| k.down.as_ref()).map(|d| d.sql.as_str().to_owned()),
        recorded_sql: recorded_sql.filter(|_| info.applied_checksum.is_some()),
        info,
    })
}

/// What `action` would run now (for the confirmation dialog).
pub(crate) async fn preview(state: &AppState, action: Action, target: Option<i64>) -> Result<Vec<PlannedStep>> {
    let (catalog, statuses) = load(state).await?;
    Ok(planned(&plan::plan(&catalog, &statuses, action, target, ignore_missing(state))?, action))
}

fn planned(steps: &[Step], action: Action) -> Vec<PlannedStep> {
    let recovery = matches!(action, Action::MarkApplied | Action::Clear);
    steps
        .iter()
        .map(|s| PlannedStep {
            version: s.version,
            description: s.description.clone(),
            direction: s.direction,
            sql: if recovery { String::new() } else { s.migration.sql.as_str().to_owned() },
        })
        .collect()
}

fn ignore_missing(state: &AppState) -> bool {
    state.config.migrations.migrator.is_some_and(|m| m.ignore_missing)
}

/// A migration saved from the console, being applied.
#[derive(Serialize, ToSchema)]
pub struct SavedMigration {
    /// The run applying it: follow it at `/api/v1/migrations/runs/{id}/events`.
    pub id: i64,
    /// The new migration's version.
    pub version: i64,
    /// The files it is written to once its up SQL has run.
    pub files: Vec<String>,
}

fn require_runs(state: &AppState) -> Result<()> {
    if state.config.migrations.allow_runs {
        return Ok(());
    }
    Err(Error::Forbidden(
        "the host does not allow migration runs from the console (Config::allow_migration_runs)".into(),
    ))
}

/// Takes the migration lock, or 409 naming who holds it.
async fn lock_or_conflict(db: &crate::db::Database) -> Result<lock::Locked> {
    if let Some(locked) = lock::try_lock(db).await? {
        return Ok(locked);
    }
    let holder = match runs::active(db).await? {
        Some(run) => Some(describe_run(&run)),
        None => lock::holder(db).await?,
    };
    let holder = holder.unwrap_or_else(|| "another session".into());
    Err(Error::conflict(format!("a migration run is in progress: the lock is held by {holder}")))
}

/// Starts a run: takes the lock (409 naming the holder), plans under it (409 when the plan is
/// refused or differs from `expect`, what the user confirmed), records the run and runs it in
/// the background. Returns the run's id.
pub(crate) async fn start(
    state: &AppState,
    action: Action,
    target: Option<i64>,
    expect: Option<Vec<i64>>,
    actor: Actor,
) -> Result<i64> {
    require_runs(state)?;
    let db = state.db();
    let locked = lock_or_conflict(db).await?;
    let accepted = async {
        runs::interrupt_stale(db).await?;
        let (catalog, statuses) = load(state).await?;
        let steps = plan::plan(&catalog, &statuses, action, target, ignore_missing(state))?;
        if let Some(expect) = expect {
            let versions: Vec<i64> = steps.iter().map(|s| s.version).collect();
            if versions != expect {
                return Err(Error::conflict(format!(
                    "the migrations changed since the plan was shown: it would now run {versions:?}, not {expect:?}"
                )));
            }
        }
        let id = runs::create(db, action.as_str(), target, actor.username.as_deref()).await?;
        Ok((id, steps))
    }
    .await;
    match accepted {
        Ok((id, steps)) => {
            let run = engine::Run {
                id,
                action,
                table: table_name(state),
                steps,
                actor,
                files: None,
                after: None,
                done: None,
            };
            engine::spawn(state.clone(), locked, run);
            Ok(id)
        }
        Err(err) => {
            locked.release(db).await;
            Err(err)
        }
    }
}

/// Saves SQL written in the console as the newest migration in `migrations_dir` and applies it
/// as a run of its own; the files appear only if its up SQL succeeds.
pub(crate) async fn save(state: &AppState, draft: authoring::Draft, actor: Actor) -> Result<SavedMigration> {
    require_runs(state)?;
    save_and_run(state, draft, actor, None, None).await
}

/// [`save`] without the host's permission for runs (the schema editor has dev mode's), with
/// work to do after success and a channel told when the run ends.
pub(crate) async fn save_and_run(
    state: &AppState,
    draft: authoring::Draft,
    actor: Actor,
    after: Option<engine::AfterSuccess>,
    done: Option<tokio::sync::oneshot::Sender<std::result::Result<(), String>>>,
) -> Result<SavedMigration> {
    let Some(dir) = state.config.migrations.dir.clone() else {
        return Err(Error::conflict(
            "the host has not set Config::migrations_dir: there is no directory to write the migration to",
        ));
    };
    let db = state.db();
    let locked = lock_or_conflict(db).await?;
    let accepted = async {
        runs::interrupt_stale(db).await?;
        let (catalog, statuses) = load(state).await?;
        if let Some(err) = catalog.directory_error {
            return Err(Error::conflict(format!("cannot read {}: {err}", dir.display())));
        }
        let version = authoring::next_version(statuses.iter().map(|m| m.version).max());
        let files = authoring::Staged::write(&dir, version, &draft).await?;
        match runs::create(db, Action::Apply.as_str(), Some(version), actor.username.as_deref()).await {
            Ok(id) => Ok((id, version, files)),
            Err(err) => {
                files.discard().await;
                Err(err)
            }
        }
    }
    .await;
    match accepted {
        Ok((id, version, files)) => {
            let saved = SavedMigration { id, version, files: files.targets() };
            let steps = vec![authoring::step(version, &draft)];
            let table = table_name(state);
            let run = engine::Run { id, action: Action::Apply, table, steps, actor, files: Some(files), after, done };
            engine::spawn(state.clone(), locked, run);
            Ok(saved)
        }
        Err(err) => {
            locked.release(db).await;
            Err(err)
        }
    }
}
