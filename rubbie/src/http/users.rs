//! User management (admins only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Json, Path};
use crate::auth::CurrentUser;
use crate::auth::users::{self, User, UserChange};
use crate::error::{Error, Result};
use crate::permissions::ADMIN_ROLE;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/users/{id}", patch(update_user).delete(delete_user))
}

/// Refuses anyone but an admin (management endpoints).
pub(crate) fn require_admin(user: &CurrentUser) -> Result<()> {
    if user.role == ADMIN_ROLE { Ok(()) } else { Err(Error::Forbidden("only admins may do this".into())) }
}

/// All users.
#[derive(Serialize, ToSchema)]
pub struct UserList {
    /// Users by id.
    pub users: Vec<User>,
}

/// A new user.
#[derive(Deserialize, ToSchema)]
pub struct NewUser {
    /// Login name, 1 to 190 characters, not only blanks.
    #[schema(min_length = 1, max_length = 190, pattern = r"[^ \t\r\n]")]
    pub username: String,
    /// Password (at least 8 characters).
    #[schema(min_length = 8, max_length = 1024)]
    pub password: String,
    /// Role name (`admin` or a created role).
    pub role: String,
}

/// Lists users.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", responses((status = 200, body = UserList), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<UserList>> {
    require_admin(&me)?;
    Ok(Json(UserList { users: users::list(state.db()).await? }))
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUser,
    responses((status = 201, body = User), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn create_user(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    actor: crate::audit::Actor,
    Json(req): Json<NewUser>,
) -> Result<(StatusCode, Json<User>)> {
    require_admin(&me)?;
    Ok((StatusCode::CREATED, Json(users::create(state.db(), &req.username, &req.password, &req.role, &actor).await?)))
}

/// Changes a user's role, enables/disables it, or resets its password.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", request_body = UserChange,
    params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = User), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn update_user(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    actor: crate::audit::Actor,
    Path(id): Path<i64>,
    Json(change): Json<UserChange>,
) -> Result<Json<User>> {
    require_admin(&me)?;
    let reset = change.password.is_some();
    let user = users::update(state.db(), id, change, &actor).await?;
    if reset {
        // A reset password ends the user's sessions (an admin resetting their own keeps this one).
        let keep = me.via.session_id().filter(|_| me.id == id);
        crate::auth::sessions::sign_out_others(state.db(), id, keep, "password reset by an admin", &actor).await?;
    }
    state.sessions.clear();
    Ok(Json(user))
}

/// Deletes a user (with their sessions, tokens and explorer history).
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path, description = "user id")),
    responses((status = 204, description = "deleted"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_user(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    actor: crate::audit::Actor,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    require_admin(&me)?;
    users::delete(state.db(), id, &actor).await?;
    state.sessions.clear();
    Ok(StatusCode::NO_CONTENT)
}
