//! The schema editor's API (admins, development mode): what changes would do, and applying them
//! as a migration.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Extension, Router};
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::Json;
use super::users::require_admin;
use crate::audit::Actor;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::schema_changes::{self, AppliedChanges, ChangePreview, SchemaChange};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/schema/changes/preview", post(preview_changes))
        .route("/api/v1/schema/changes", post(apply_changes))
}

/// Changes to look at.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangesRequest {
    /// 1 to 50 changes, applied in order.
    #[serde(deserialize_with = "super::objects::list")]
    #[schema(min_items = 1, max_items = 50)]
    pub changes: Vec<SchemaChange>,
}

/// Changes to apply as a new migration.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyChangesRequest {
    /// The migration's name: 1–64 lower-case letters, digits and underscores.
    #[schema(pattern = "^[a-z0-9][a-z0-9_]{0,63}$")]
    pub name: String,
    /// 1 to 50 changes, applied in order.
    #[serde(deserialize_with = "super::objects::list")]
    #[schema(min_items = 1, max_items = 50)]
    pub changes: Vec<SchemaChange>,
}

/// The exact up and down SQL of the changes, facts from the data (rows a drop loses, NULLs,
/// duplicates or orphans that block them) and whether the down SQL gives the schema back.
/// Changes nothing. 403 outside development mode, saying how to enable it; 404 for an unknown
/// table, 400 for an unknown column or a type the backend lacks; 409 when a change cannot hold
/// (a name taken, a table still referenced, SQL the database refuses).
#[utoipa::path(post, path = "/api/v1/schema/changes/preview", tag = "tables", request_body = ChangesRequest,
    responses((status = 200, body = ChangePreview), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn preview_changes(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Json(req): Json<ChangesRequest>,
) -> Result<Json<ChangePreview>> {
    require_admin(&me)?;
    Ok(Json(schema_changes::preview(&state, &req.changes).await?))
}

/// Applies the changes as a new migration in `migrations_dir`, through the migrations engine:
/// its files are written only after its SQL succeeded, it is listed as applied, and rolling it
/// back on the migrations page undoes it. A created table is tracked; renames carry metadata,
/// permissions and saved views along; a dropped table leaves nothing behind. 200 once applied
/// (202 with `status: running` when the run takes longer than 30 s); 409 when the data blocks a
/// change (the facts under `fields`), when a run holds the lock, or when the SQL fails.
#[utoipa::path(post, path = "/api/v1/schema/changes", tag = "tables", request_body = ApplyChangesRequest,
    responses((status = 200, body = AppliedChanges), (status = 202, body = AppliedChanges),
              (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn apply_changes(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    actor: Actor,
    Json(req): Json<ApplyChangesRequest>,
) -> Result<(StatusCode, Json<AppliedChanges>)> {
    require_admin(&me)?;
    let applied = schema_changes::apply(&state, &req.name, req.changes, actor).await?;
    let status = if applied.status == "applied" { StatusCode::OK } else { StatusCode::ACCEPTED };
    Ok((status, Json(applied)))
}
