//! Sign-in, sign-out, the current user and personal API tokens.

use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{AppendHeaders, IntoResponse};
use axum::routing::{delete, get, post};
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Json, MountPrefix, Path};
use crate::audit::Actor;
use crate::audit::actor::Visitor;
use crate::auth::guard::SESSION_COOKIE;
use crate::auth::tokens::{self, ApiToken};
use crate::auth::{AuthMethod, CurrentUser, password, store};
use crate::error::{Error, Result};
use crate::state::AppState;

/// Routes that work without a session (sign-in itself).
pub(crate) fn public_router() -> Router<AppState> {
    Router::new().route("/api/v1/auth/login", post(login))
}

/// Routes behind the auth guard.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/me", get(me))
        .route("/api/v1/auth/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/auth/tokens/{id}", delete(revoke_token))
}

/// Credentials for `POST /auth/login`.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Login name.
    pub username: String,
    /// Password.
    pub password: String,
}

/// The signed-in user and the CSRF token to send as `X-CSRF-Token` on unsafe requests.
#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    /// The user.
    pub user: CurrentUser,
    /// CSRF token of the session (null when authenticated by API token).
    pub csrf_token: Option<String>,
}

/// The session cookie, scoped to rubbie's mount prefix so the host's other routes never see it.
fn session_cookie(prefix: &str, secret: &str, max_age: i64, secure: bool) -> String {
    let path = if prefix.is_empty() { "/" } else { prefix };
    let secure = if secure { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Lax; Path={path}; Max-Age={max_age}{secure}")
}

/// Signs in with username and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub(crate) async fn login(
    State(state): State<AppState>,
    MountPrefix(prefix): MountPrefix,
    Visitor(visitor): Visitor,
    Json(req): Json<LoginRequest>,
) -> Result<impl IntoResponse> {
    state.ensure_ready().await?;
    let user = store::user_by_username(state.db(), &req.username).await?;
    let key = match &user {
        Some(u) => format!("user:{}", u.id),
        None => format!("name:{}", req.username.trim().to_lowercase()),
    };
    if !state.login_limiter.attempt(state.db(), &key).await? {
        return Err(Error::RateLimited("too many failed sign-ins for this user; try again in a few minutes".into()));
    }
    let stored = user.as_ref().filter(|u| u.active == 1).map(|u| u.password_hash.as_str());
    let user = match user {
        Some(u) if password::verify_slowly(&req.password, stored).await? => u,
        _ => {
            store::record_failed_login(state.db(), &req.username, &visitor).await?;
            return Err(Error::Unauthorized("wrong username or password".into()));
        }
    };
    state.login_limiter.succeeded(state.db(), &key).await?;
    let ttl = state.config.session_ttl.as_secs() as i64;
    let actor = visitor.signed_in_as(user.id, &user.username, &user.role);
    let (secret, csrf) = store::create_session(state.db(), user.id, ttl, &actor).await?;
    let cookie = session_cookie(&prefix, &secret, ttl, state.config.secure_cookies);
    let via = AuthMethod::Session { csrf_token: csrf.clone(), session_id: password::secret_hash(&secret) };
    let info = SessionInfo {
        user: CurrentUser { id: user.id, username: user.username, role: user.role, via },
        csrf_token: Some(csrf),
    };
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), Json(info)))
}

/// Ends the current session and clears the cookie.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "signed out"), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn logout(
    State(state): State<AppState>,
    MountPrefix(prefix): MountPrefix,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
) -> Result<impl IntoResponse> {
    if let AuthMethod::Session { session_id, .. } = &user.via {
        store::delete_session(state.db(), session_id, &actor).await?;
        state.sessions.forget(session_id);
    }
    let clear = session_cookie(&prefix, "", 0, state.config.secure_cookies);
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(SET_COOKIE, clear)])))
}

/// The signed-in user (and the session's CSRF token).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = SessionInfo), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn me(Extension(user): Extension<CurrentUser>) -> Json<SessionInfo> {
    let csrf_token = match &user.via {
        AuthMethod::Session { csrf_token, .. } => Some(csrf_token.clone()),
        AuthMethod::Token { .. } => None,
    };
    Json(SessionInfo { user, csrf_token })
}

/// The user's personal API tokens.
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    /// Tokens, oldest first.
    pub tokens: Vec<ApiToken>,
}

/// A new token's name.
#[derive(Deserialize, ToSchema)]
pub struct NewToken {
    /// What the token is for, 1 to 190 characters, not only blanks.
    #[schema(min_length = 1, max_length = 190, pattern = r"[^ \t\r\n]")]
    pub name: String,
}

/// A freshly created token with its secret, shown only this once.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// The token.
    pub token: ApiToken,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// Lists the signed-in user's API tokens.
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "auth", responses((status = 200, body = TokenList)))]
pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<Json<TokenList>> {
    Ok(Json(TokenList { tokens: tokens::list(state.db(), user.id).await? }))
}

/// Creates a personal API token.
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "auth", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Json(req): Json<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>)> {
    let (token, secret) = tokens::create(state.db(), user.id, &req.name, &actor).await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { token, secret })))
}

/// Revokes one of the user's API tokens.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "auth",
    params(("id" = i64, Path, description = "token id")),
    responses((status = 204, description = "revoked"), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    tokens::revoke(state.db(), user.id, id, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}
