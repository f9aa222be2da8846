//! The schema editor (development mode only): typed changes become a migration — the exact up
//! and down SQL, facts from the data before anything runs, the down SQL checked by running both
//! ways in a transaction that is rolled back (SQLite, PostgreSQL) — applied through the
//! migrations engine, which writes the files only after the SQL succeeded. What rubbie keeps
//! about tables then follows the change.

mod catalogue;
mod change;
mod facts;
mod follow;
mod plan;
mod rebuild;
mod verify;

use serde::Serialize;
use utoipa::ToSchema;

pub use change::SchemaChange;

pub use facts::Fact;

use crate::audit::Actor;
use crate::db::Backend;
use crate::error::{Error, FieldErrors, Result};
use crate::migrations::authoring::{self, Draft};
use crate::state::AppState;

/// How long `POST /schema/changes` waits for its run before answering that it is still going.
const WAIT_FOR_RUN: std::time::Duration = std::time::Duration::from_secs(30);

/// Whether the schema can be edited here, and if not, why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SchemaEditing {
    /// Schema changes are accepted.
    pub enabled: bool,
    /// What to do to enable them, when they are not.
    pub reason: Option<String>,
    /// The backend's common type names, for the column editor.
    pub types: Vec<String>,
}

/// What changes would do.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangePreview {
    /// The migration's up SQL, exactly as it will be written and run.
    pub up_sql: String,
    /// Its down SQL (what rolling it back runs).
    pub down_sql: String,
    /// What to know before applying (data a rollback does not restore, MySQL conversions...).
    pub warnings: Vec<String>,
    /// What the data says: rows a drop loses, and what blocks the change (`blocking`).
    pub facts: Vec<Fact>,
    /// Whether running up then down inside a rolled-back transaction gave the schema back
    /// exactly (null on MySQL, whose DDL commits as it goes, and while the data blocks the change).
    pub down_verified: Option<bool>,
}

/// Changes applied as a migration.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppliedChanges {
    #[serde(flatten)]
    pub preview: ChangePreview,
    /// `applied`, or `running` when the run outlasted the wait (follow it on the migrations page).
    pub status: String,
    /// The console run applying it.
    pub run_id: i64,
    /// The new migration's version.
    pub version: i64,
    /// The files written.
    pub files: Vec<String>,
}

/// Whether the host enabled the schema editor and gave it a directory it can write.
pub(crate) fn editing(state: &AppState) -> SchemaEditing {
    let config = &state.config.migrations;
    let reason = if !config.dev_mode {
        Some(
            "schema editing is off: the host enables it with Config::dev_mode(true) (test_project: RUBBIE_DEV_MODE=1)"
                .into(),
        )
    } else {
        match &config.dir {
            None => Some("schema editing needs a directory to write migrations to: Config::migrations_dir".into()),
            Some(dir) => writable(dir).err().map(|e| format!("cannot write migrations to {}: {e}", dir.display())),
        }
    };
    let types = change::known_types(state.db().backend()).iter().map(|t| (*t).to_owned()).collect();
    SchemaEditing { enabled: reason.is_none(), reason, types }
}

fn writable(dir: &std::path::Path) -> std::io::Result<()> {
    let probe = dir.join(".rubbie-write-check");
    std::fs::write(&probe, b"")?;
    std::fs::remove_file(probe)
}

fn require_editing(state: &AppState) -> Result<()> {
    match editing(state).reason {
        None => Ok(()),
        Some(reason) => Err(Error::Forbidden(reason)),
    }
}

/// The plan, facts and verification of `changes` against the database as it is now.
async fn prepare(state: &AppState, changes: &[change::SchemaChange]) -> Result<(plan::Plan, ChangePreview)> {
    require_editing(state)?;
    state.refresh_schema().await?;
    let db = state.db();
    let all = state.introspected();
    let tables: Vec<_> = all.tables.iter().chain(&all.untracked).cloned().collect();
    check_types(state, changes).await?;
    let (definitions, constraint_indexes) = catalogue::read(db, &tables, changes).await?;
    let start = plan::Start {
        backend: db.backend(),
        tables,
        constraint_indexes: &constraint_indexes,
        definitions: &definitions,
    };
    let mut plan = plan::plan(start, changes)?;
    if db.backend() == Backend::Mysql && plan.up.len() > 1 {
        return Err(Error::BadRequest(format!(
            "MySQL commits each DDL statement on its own, and these changes take {} statements: send them one \
             request at a time, so that a failure leaves a clear state",
            plan.up.len()
        )));
    }
    let facts = facts::gather(db, &plan.probes).await?;
    let blocked = facts.iter().any(|f| f.blocking);
    let down_verified = match db.backend() {
        // the change would fail on the data: the facts say why, a trial run adds nothing
        _ if blocked => None,
        Backend::Mysql => {
            plan.warnings.push("MySQL commits DDL as it runs: the down SQL was not tried before it is needed".into());
            None
        }
        _ => match verify::round_trip(db, &plan).await? {
            None => {
                plan.warnings.push("the trial run of up and down did not finish within 10 s: not verified".into());
                None
            }
            Some(differences) => {
                let verified = differences.is_empty();
                plan.warnings.extend(differences.into_iter().map(|d| format!("rolling back does not restore {d}")));
                Some(verified)
            }
        },
    };
    let wrapped = !plan.rebuilt.is_empty();
    let preview = ChangePreview {
        up_sql: sql_file(&plan.up, wrapped),
        down_sql: sql_file(&plan.down, wrapped),
        warnings: plan.warnings.clone(),
        facts,
        down_verified,
    };
    Ok((plan, preview))
}

/// Statements as a migration file holds them (a SQLite rebuild's in a transaction of its own).
fn sql_file(statements: &[String], rebuild: bool) -> String {
    let body = statements.iter().map(|s| format!("{s};\n")).collect::<Vec<_>>().join("\n");
    if rebuild { rebuild::wrap(&body) } else { body }
}

/// The file with a first comment naming it (after `-- no-transaction`, which sqlx reads
/// from the first line).
fn with_header(sql: &str, header: &str) -> String {
    match sql.strip_prefix("-- no-transaction\n") {
        Some(rest) => format!("-- no-transaction\n{header}\n{rest}"),
        None => format!("{header}\n{sql}"),
    }
}

/// On PostgreSQL, a type name this build does not list is asked of the database (enums,
/// domains, extensions' types); elsewhere the lists are the answer.
async fn check_types(state: &AppState, changes: &[change::SchemaChange]) -> Result<()> {
    let backend = state.db().backend();
    for t in changes.iter().flat_map(|c| c.column_types()) {
        let normal = change::normalise_type(backend, t)?;
        if backend != Backend::Postgres {
            continue;
        }
        let base = normal.split(['(', '[']).next().unwrap_or_default();
        if change::known_types(backend).contains(&base) {
            continue;
        }
        if let crate::db::Database::Postgres(pool) = state.db() {
            let known: bool =
                sqlx::query_scalar("SELECT to_regtype($1) IS NOT NULL").bind(&normal).fetch_one(pool).await?;
            if !known {
                return Err(Error::BadRequest(format!("type {t:?}: PostgreSQL has no such type")));
            }
        }
    }
    Ok(())
}

/// What `changes` would do, changing nothing.
pub(crate) async fn preview(state: &AppState, changes: &[SchemaChange]) -> Result<ChangePreview> {
    Ok(prepare(state, changes).await?.1)
}

/// Applies `changes` as the migration `name`: refused (409) while the data blocks them; the
/// files are written once the SQL succeeded; rubbie's records follow.
pub(crate) async fn apply(
    state: &AppState,
    name: &str,
    changes: Vec<SchemaChange>,
    actor: Actor,
) -> Result<AppliedChanges> {
    let (plan, preview) = prepare(state, &changes).await?;
    let blocking: Vec<&Fact> = preview.facts.iter().filter(|f| f.blocking).collect();
    if let Some(first) = blocking.first() {
        let mut fields = FieldErrors::new();
        for f in &blocking {
            fields.entry(f.kind.clone()).or_default().push(f.message.clone());
        }
        let message = format!("the data blocks this change: {}", first.message);
        return Err(Error::Conflict { message, fields });
    }
    authoring::validate(name, &preview.up_sql, Some(&preview.down_sql), false)?;
    let draft = Draft {
        name: name.to_owned(),
        up_sql: with_header(&preview.up_sql, &format!("-- {name}: written by rubbie's schema editor")),
        down_sql: Some(with_header(&preview.down_sql, &format!("-- undoes {name}"))),
    };
    let effects = plan.effects.clone();
    let follower = actor.clone();
    let summary = format!("Followed the schema change {name}");
    let after: crate::migrations::engine::AfterSuccess = Box::new(move |state: AppState| {
        Box::pin(async move {
            state.refresh_schema().await?;
            let rewrite =
                || crate::metadata::rewrite_document(&state, &summary, &follower, |doc| follow::rewrite(doc, &effects));
            // a metadata change landing between the read and the write makes it stale: once more
            match rewrite().await {
                Err(Error::Conflict { .. }) => rewrite().await,
                done => done,
            }
        })
    });
    let (done, finished) = tokio::sync::oneshot::channel();
    let saved = crate::migrations::save_and_run(state, draft, actor, Some(after), Some(done)).await?;
    let status = match tokio::time::timeout(WAIT_FOR_RUN, finished).await {
        Ok(Ok(Ok(()))) => "applied",
        Ok(Ok(Err(message))) => {
            return Err(Error::conflict(format!(
                "the change failed: {message} (run #{} on the migrations page)",
                saved.id
            )));
        }
        Ok(Err(_)) => return Err(Error::internal("the migration run ended without a word")),
        Err(_) => "running",
    };
    state.refresh_schema().await?;
    Ok(AppliedChanges { preview, status: status.into(), run_id: saved.id, version: saved.version, files: saved.files })
}
