//! The migrations API: status, SQL, plan, runs and their live output (admins only).

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use axum::{Extension, Router};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Json, Path, Query};
use super::users::require_admin;
use crate::audit::Actor;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::migrations::authoring::{self, Draft};
use crate::migrations::plan::Action;
use crate::migrations::runs::{self, MigrationRun};
use crate::migrations::{self, MigrationDetail, MigrationList, PlannedStep, SavedMigration};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/migrations", get(list_migrations).post(save_migration))
        .route("/api/v1/migrations/plan", post(plan_run))
        .route("/api/v1/migrations/runs", get(list_runs).post(start_run))
        .route("/api/v1/migrations/runs/{id}", get(get_run))
        .route("/api/v1/migrations/runs/{id}/events", get(run_events))
        .route("/api/v1/migrations/{version}", get(get_migration))
}

/// Lists the host's migrations with their status, the lock and the run in progress.
#[utoipa::path(get, path = "/api/v1/migrations", tag = "migrations", responses((status = 200, body = MigrationList)))]
pub(crate) async fn list_migrations(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<Json<MigrationList>> {
    require_admin(&user)?;
    Ok(Json(migrations::overview(&state).await?))
}

/// SQL to save as a new migration.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMigration {
    /// The file name's description: lower-case letters, digits and underscores (`add_order_notes`).
    #[schema(min_length = 1, max_length = 64, pattern = "^[a-z0-9][a-z0-9_]*$")]
    pub name: String,
    /// The SQL that applies it (several statements allowed, as in any migration file).
    #[schema(min_length = 1, max_length = 100000)]
    pub up_sql: String,
    /// The SQL that undoes it; required unless `irreversible`.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 100000)]
    pub down_sql: Option<String>,
    /// No down SQL: the migration cannot be rolled back from the console.
    #[serde(default)]
    pub irreversible: bool,
}

/// Saves SQL as the newest migration in `Config::migrations_dir` and applies it at once as a
/// console run: `<version>_<name>.up.sql` (and `.down.sql`) are written only when the up SQL
/// succeeded, and the migration is then listed as applied. 409 when a run holds the lock or
/// the directory cannot be written; 403 when the host does not allow runs.
#[utoipa::path(post, path = "/api/v1/migrations", tag = "migrations", request_body = NewMigration,
    responses((status = 202, body = SavedMigration), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn save_migration(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Json(req): Json<NewMigration>,
) -> Result<(StatusCode, Json<SavedMigration>)> {
    require_admin(&user)?;
    authoring::validate(&req.name, &req.up_sql, req.down_sql.as_deref(), req.irreversible)?;
    let draft = Draft { name: req.name, up_sql: req.up_sql, down_sql: req.down_sql };
    Ok((StatusCode::ACCEPTED, Json(migrations::save(&state, draft, actor).await?)))
}

/// One migration with its up and down SQL.
#[utoipa::path(get, path = "/api/v1/migrations/{version}", tag = "migrations",
    params(("version" = i64, Path, description = "migration version")),
    responses((status = 200, body = MigrationDetail), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_migration(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(version): Path<i64>,
) -> Result<Json<MigrationDetail>> {
    require_admin(&user)?;
    Ok(Json(migrations::detail(&state, version).await?))
}

/// What a run should do.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    /// `apply`, `rollback`, or a recovery action for a failed migration (`mark_applied`, `clear`).
    pub action: Action,
    /// Apply up to and including this version; roll back every migration above it (0: all);
    /// the failed migration for a recovery action (default: the one that failed).
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    pub target: Option<i64>,
    /// The versions the user confirmed, in order: the run is refused (409) when the plan differs.
    #[serde(default, deserialize_with = "super::lenient::opt_ints")]
    pub expect: Option<Vec<i64>>,
}

/// The steps a run would take.
#[derive(Serialize, ToSchema)]
pub struct Plan {
    /// In order, with their SQL.
    pub steps: Vec<PlannedStep>,
}

/// Shows what a run would do, with exactly the SQL it would run, without running anything.
#[utoipa::path(post, path = "/api/v1/migrations/plan", tag = "migrations", request_body = RunRequest,
    responses((status = 200, body = Plan), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn plan_run(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Json(req): Json<RunRequest>,
) -> Result<Json<Plan>> {
    require_admin(&user)?;
    Ok(Json(Plan { steps: migrations::preview(&state, req.action, req.target).await? }))
}

/// An accepted run.
#[derive(Serialize, ToSchema)]
pub struct RunStarted {
    /// Follow it at `/api/v1/migrations/runs/{id}/events`.
    pub id: i64,
}

/// Starts a run in the background (one at a time: 409 names who holds the lock).
#[utoipa::path(post, path = "/api/v1/migrations/runs", tag = "migrations", request_body = RunRequest,
    responses((status = 202, body = RunStarted), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn start_run(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Json(req): Json<RunRequest>,
) -> Result<(StatusCode, Json<RunStarted>)> {
    require_admin(&user)?;
    let id = migrations::start(&state, req.action, req.target, req.expect, actor).await?;
    Ok((StatusCode::ACCEPTED, Json(RunStarted { id })))
}

/// Paging of the run history.
#[derive(Deserialize, IntoParams)]
pub struct RunsParams {
    /// Runs older than this id (the previous page's last id).
    pub before: Option<i64>,
    /// Runs per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}

/// The run history, newest first.
#[derive(Serialize, ToSchema)]
pub struct RunList {
    /// Runs with their steps.
    pub runs: Vec<MigrationRun>,
}

/// The run history: who, when, what, the result and the SQL each step ran.
#[utoipa::path(get, path = "/api/v1/migrations/runs", tag = "migrations", params(RunsParams),
    responses((status = 200, body = RunList)))]
pub(crate) async fn list_runs(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(params): Query<RunsParams>,
) -> Result<Json<RunList>> {
    require_admin(&user)?;
    let limit = params.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Error::BadRequest("limit: between 1 and 200".into()));
    }
    Ok(Json(RunList { runs: runs::list(state.db(), params.before, limit).await? }))
}

/// One run with its steps.
#[utoipa::path(get, path = "/api/v1/migrations/runs/{id}", tag = "migrations",
    params(("id" = i64, Path, description = "run id")),
    responses((status = 200, body = MigrationRun), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_run(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Json<MigrationRun>> {
    require_admin(&user)?;
    Ok(Json(runs::get(state.db(), id).await?))
}

/// One event of the stream, as OpenAPI 3.1 describes the items of `text/event-stream`.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct RunStreamEvent {
    /// `end` for the last event (its data is the MigrationRun); the others are `message`s.
    pub event: Option<String>,
    /// The event's sequence number, for `Last-Event-ID`.
    pub id: Option<String>,
    /// JSON: a MigrationEvent, or the MigrationRun in `end`.
    #[schema(content_media_type = "application/json")]
    pub data: String,
}

/// How often the stream looks for new events.
const POLL: Duration = Duration::from_millis(250);

/// A run's output as Server-Sent Events: every event so far (after `Last-Event-ID`), then each
/// new one as it is logged, then an `end` event with the run; the events are read from the
/// database, so a run on another instance streams the same.
#[utoipa::path(get, path = "/api/v1/migrations/runs/{id}/events", tag = "migrations",
    params(("id" = i64, Path, description = "run id")),
    responses((status = 200, description = "text/event-stream of MigrationEvent, then `end` with the MigrationRun",
               content_type = "text/event-stream", body = RunStreamEvent),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn run_events(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = std::result::Result<Event, Infallible>>>> {
    require_admin(&user)?;
    runs::get(state.db(), id).await?;
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<i64>().ok())
        .unwrap_or(0)
        .max(0);
    let follow = Follow { state, id, seq: after, pending: VecDeque::new(), ended: false };
    let stream = futures_util::stream::unfold(follow, |mut f| async move {
        let event = f.next().await?;
        Some((Ok(event), f))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// The stream's position in one run's log.
struct Follow {
    state: AppState,
    id: i64,
    seq: i64,
    pending: VecDeque<runs::MigrationEvent>,
    ended: bool,
}

impl Follow {
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(e) = self.pending.pop_front() {
                self.seq = e.seq;
                return Some(Event::default().id(e.seq.to_string()).json_data(&e).unwrap_or_default());
            }
            if self.ended {
                return None;
            }
            let db = self.state.db();
            match runs::events_after(db, self.id, self.seq).await {
                Ok(events) if !events.is_empty() => self.pending.extend(events),
                Ok(_) => match runs::get(db, self.id).await {
                    Ok(run) if run.status != "running" => {
                        // Events written between the read above and this one come first.
                        let late = runs::events_after(db, self.id, self.seq).await.unwrap_or_default();
                        if !late.is_empty() {
                            self.pending.extend(late);
                            continue;
                        }
                        self.ended = true;
                        return Some(Event::default().event("end").json_data(&run).unwrap_or_default());
                    }
                    Ok(_) => tokio::time::sleep(POLL).await,
                    Err(err) => {
                        tracing::warn!(error = %err, run = self.id, "rubbie: migration event stream stopped");
                        return None;
                    }
                },
                Err(err) => {
                    tracing::warn!(error = %err, run = self.id, "rubbie: migration event stream stopped");
                    return None;
                }
            }
        }
    }
}
