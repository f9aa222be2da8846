//! Feature flags: list, create, toggle/describe, delete.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Json, Path};
use super::patch::present;
use super::users::require_admin;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::flags::{Flag, FlagChange};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/flags", get(list_flags).post(create_flag))
        .route("/api/v1/flags/{name}", patch(update_flag).delete(delete_flag))
}

/// All feature flags.
#[derive(Serialize, ToSchema)]
pub struct FlagList {
    /// Flags by name.
    pub flags: Vec<Flag>,
}

/// A new flag.
#[derive(Deserialize, ToSchema)]
pub struct NewFlag {
    /// 1–100 characters of `a-z 0-9 . _ -`.
    #[schema(pattern = r"^[a-z0-9._-]{1,100}$")]
    pub name: String,
    /// What it switches.
    pub description: Option<String>,
    /// Initial state (default off).
    #[serde(default)]
    pub enabled: bool,
}

/// Changes to a flag; absent fields stay as they are, `"description": null` clears it.
#[derive(Deserialize, ToSchema)]
pub struct FlagUpdate {
    /// On or off.
    pub enabled: Option<bool>,
    /// New description.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
}

/// Lists the feature flags.
#[utoipa::path(get, path = "/api/v1/flags", tag = "flags", responses((status = 200, body = FlagList)))]
pub(crate) async fn list_flags(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<Json<FlagList>> {
    require_admin(&user)?;
    Ok(Json(FlagList { flags: state.config.flags.list().await? }))
}

/// Creates a feature flag.
#[utoipa::path(post, path = "/api/v1/flags", tag = "flags", request_body = NewFlag,
    responses((status = 201, body = Flag), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn create_flag(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: crate::audit::Actor,
    Json(req): Json<NewFlag>,
) -> Result<(StatusCode, Json<Flag>)> {
    require_admin(&user)?;
    let description = req.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
    let flag = state.config.flags.create(req.name.trim(), description, req.enabled, &actor).await?;
    Ok((StatusCode::CREATED, Json(flag)))
}

/// Turns a flag on or off, or changes its description.
#[utoipa::path(patch, path = "/api/v1/flags/{name}", tag = "flags", request_body = FlagUpdate,
    params(("name" = String, Path, description = "flag name")),
    responses((status = 200, body = Flag), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn update_flag(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: crate::audit::Actor,
    Path(name): Path<String>,
    Json(req): Json<FlagUpdate>,
) -> Result<Json<Flag>> {
    require_admin(&user)?;
    let change = FlagChange { enabled: req.enabled, description: req.description };
    Ok(Json(state.config.flags.update(&name, change, &actor).await?))
}

/// Deletes a flag.
#[utoipa::path(delete, path = "/api/v1/flags/{name}", tag = "flags",
    params(("name" = String, Path, description = "flag name")),
    responses((status = 204, description = "deleted"), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_flag(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: crate::audit::Actor,
    Path(name): Path<String>,
) -> Result<StatusCode> {
    require_admin(&user)?;
    state.config.flags.delete(&name, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
