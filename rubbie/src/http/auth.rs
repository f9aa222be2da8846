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
use crate::auth::guard::{HOST_SESSION_COOKIE, SESSION_COOKIE};
use crate::auth::sessions::{self, SessionSummary};
use crate::auth::tokens::{self, ApiToken};
use crate::auth::{AuthMethod, CurrentUser, password, password_policy, users};
use crate::error::{Error, Result};
use crate::state::AppState;

/// Routes that work without a session (sign-in itself).
pub(crate) fn public_router() -> Router<AppState> {
    Router::new().route("/api/v1/auth/login", post(login)).route("/api/v1/auth/options", get(sign_in_options))
}

/// Routes behind the auth guard.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/me", get(me))
        .route("/api/v1/auth/tokens", get(list_tokens).post(create_token))
        .route("/api/v1/auth/tokens/{id}", delete(revoke_token))
        .route("/api/v1/auth/password", post(change_password))
        .route("/api/v1/auth/sessions", get(list_sessions))
        .route("/api/v1/auth/sessions/sign-out-others", post(sign_out_others))
        .route("/api/v1/auth/sessions/{id}", delete(revoke_session))
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
    /// CSRF token (null when the credential is not one a browser sends by itself: an API token,
    /// or a host identity marked explicit).
    pub csrf_token: Option<String>,
    /// How the request was signed in.
    pub auth: AuthKind,
    /// For a user the host signed in: where to sign out (a form `POST`), if the host said.
    pub sign_out_url: Option<String>,
}

/// How a request was signed in.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    /// rubbie's own session cookie.
    Session,
    /// A personal API token.
    Token,
    /// The host application's authentication (`Config::authenticate`).
    Host,
}

/// What the sign-in page offers, before anyone is signed in.
#[derive(Serialize, ToSchema)]
pub struct SignInOptions {
    /// Whether rubbie's own users may sign in with a password here.
    pub password_sign_in: bool,
    /// The host's sign-in page (append `next`, the address to come back to), if it has one.
    pub host_sign_in_url: Option<String>,
    /// The host application's name, if it gave one.
    pub host_name: Option<String>,
}

/// How to sign in here: with a password, through the host application, or both.
#[utoipa::path(get, path = "/api/v1/auth/options", tag = "auth", responses((status = 200, body = SignInOptions)))]
pub(crate) async fn sign_in_options(State(state): State<AppState>) -> Json<SignInOptions> {
    let sign_in = &state.config.sign_in;
    Json(SignInOptions {
        password_sign_in: sign_in.password,
        host_sign_in_url: sign_in.host_url.clone(),
        host_name: state.config.host.as_ref().map(|h| h.name.clone()),
    })
}

/// 409 for what only rubbie's own users have (a password, API tokens, a rubbie session).
fn own_users_only(user: &CurrentUser, what: &str) -> Result<()> {
    match user.via {
        AuthMethod::Host { .. } => Err(Error::conflict(format!(
            "{what}: {} is signed in by the host application, which keeps their sign-in",
            user.username
        ))),
        _ => Ok(()),
    }
}

/// The session cookie: scoped to rubbie's mount prefix so the host's other routes never see it;
/// over TLS `__Host-` prefixed instead, which the browser only takes with `Secure` and `Path=/`.
fn session_cookie(prefix: &str, secret: &str, max_age: i64, secure: bool) -> String {
    if secure {
        return format!("{HOST_SESSION_COOKIE}={secret}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}; Secure");
    }
    let path = if prefix.is_empty() { "/" } else { prefix };
    format!("{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Lax; Path={path}; Max-Age={max_age}")
}

/// Signs in with username and password; sets the session cookie.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = SessionInfo), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
pub(crate) async fn login(
    State(state): State<AppState>,
    MountPrefix(prefix): MountPrefix,
    Visitor(visitor): Visitor,
    Json(req): Json<LoginRequest>,
) -> Result<impl IntoResponse> {
    state.ensure_ready().await?;
    if !state.config.sign_in.password {
        return Err(Error::Forbidden(
            "password sign-in is turned off here; sign in through the host application".into(),
        ));
    }
    let user = users::by_username(state.db(), &req.username).await?;
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
            sessions::record_failed_login(state.db(), &req.username, &visitor).await?;
            return Err(Error::Unauthorized("wrong username or password".into()));
        }
    };
    state.login_limiter.succeeded(state.db(), &key).await?;
    let ttl = state.config.session_ttl.as_secs() as i64;
    let actor = visitor.signed_in_as(user.id, &user.username, &user.role);
    let (secret, csrf) = sessions::create_session(state.db(), user.id, ttl, &actor).await?;
    let cookie = session_cookie(&prefix, &secret, ttl, state.config.secure_cookies);
    let via = AuthMethod::Session { csrf_token: csrf.clone(), session_id: password::secret_hash(&secret) };
    let info = SessionInfo {
        user: CurrentUser { id: user.id, username: user.username, role: user.role, via },
        csrf_token: Some(csrf),
        auth: AuthKind::Session,
        sign_out_url: None,
    };
    Ok((AppendHeaders([(SET_COOKIE, cookie)]), Json(info)))
}

/// Ends the current session and clears the cookie; 409 for a user the host signed in (they sign
/// out at `sign_out_url`).
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204, description = "signed out"), (status = 401, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn logout(
    State(state): State<AppState>,
    MountPrefix(prefix): MountPrefix,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
) -> Result<impl IntoResponse> {
    own_users_only(&user, "sign out")?;
    if let Some(session_id) = user.via.session_id() {
        sessions::delete_session(state.db(), session_id, &actor).await?;
        state.sessions.forget(session_id);
    }
    let clear = session_cookie(&prefix, "", 0, state.config.secure_cookies);
    Ok((StatusCode::NO_CONTENT, AppendHeaders([(SET_COOKIE, clear)])))
}

/// The signed-in user (and the session's CSRF token).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth",
    responses((status = 200, body = SessionInfo), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn me(State(state): State<AppState>, Extension(user): Extension<CurrentUser>) -> Json<SessionInfo> {
    let csrf_token = user.via.csrf_token().map(str::to_owned);
    let (auth, sign_out_url) = match &user.via {
        AuthMethod::Session { .. } => (AuthKind::Session, None),
        AuthMethod::Token { .. } => (AuthKind::Token, None),
        AuthMethod::Host { .. } => (AuthKind::Host, state.config.sign_in.host_sign_out_url.clone()),
    };
    Json(SessionInfo { user, csrf_token, auth, sign_out_url })
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
    responses((status = 201, body = CreatedToken), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Json(req): Json<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>)> {
    // A token would outlive the user's account at the host, which rubbie cannot see end.
    own_users_only(&user, "API tokens")?;
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

/// The signed-in user's own password change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The password now.
    pub current_password: String,
    /// The new one: 8 to 1,024 characters, not a common password, not the user name.
    #[schema(min_length = 8, max_length = 1024)]
    pub new_password: String,
}

/// What a password change or "sign out other sessions" ended.
#[derive(Serialize, ToSchema)]
pub struct SignedOut {
    /// Sessions signed out (the current one stays).
    pub signed_out: u64,
}

fn current_session(user: &CurrentUser) -> Option<&str> {
    user.via.session_id()
}

/// Changes the signed-in user's password after checking the current one (counted like sign-ins:
/// 429 past the limit), and signs out every other session of theirs.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "auth", request_body = PasswordChange,
    responses((status = 200, body = SignedOut), (status = 401, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
              (status = 429, body = crate::error::ErrorBody)))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Json(req): Json<PasswordChange>,
) -> Result<Json<SignedOut>> {
    own_users_only(&user, "password")?;
    let key = format!("user:{}", user.id);
    if !state.login_limiter.attempt(state.db(), &key).await? {
        return Err(Error::RateLimited("too many wrong passwords for this user; try again in a few minutes".into()));
    }
    let stored = users::by_username(state.db(), &user.username).await?.map(|u| u.password_hash);
    if !password::verify_slowly(&req.current_password, stored.as_deref()).await? {
        return Err(Error::field("current_password", "is not the current password"));
    }
    state.login_limiter.succeeded(state.db(), &key).await?;
    password_policy::check("new_password", &req.new_password, Some(&user.username))?;
    users::set_password(state.db(), user.id, &req.new_password, &actor).await?;
    let signed_out =
        sessions::sign_out_others(state.db(), user.id, current_session(&user), "password changed", &actor).await?;
    state.sessions.clear();
    Ok(Json(SignedOut { signed_out }))
}

/// The signed-in user's sessions.
#[derive(Serialize, ToSchema)]
pub struct SessionList {
    /// The current one first, then by last use.
    pub sessions: Vec<SessionSummary>,
}

/// Lists the signed-in user's live sessions: when and from where each signed in, its last use.
#[utoipa::path(get, path = "/api/v1/auth/sessions", tag = "auth", responses((status = 200, body = SessionList)))]
pub(crate) async fn list_sessions(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<Json<SessionList>> {
    Ok(Json(SessionList { sessions: sessions::list(state.db(), user.id, current_session(&user)).await? }))
}

/// Signs out every session of the user but the current one.
#[utoipa::path(post, path = "/api/v1/auth/sessions/sign-out-others", tag = "auth",
    responses((status = 200, body = SignedOut)))]
pub(crate) async fn sign_out_others(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
) -> Result<Json<SignedOut>> {
    let signed_out = sessions::sign_out_others(
        state.db(),
        user.id,
        current_session(&user),
        "signed out from the account page",
        &actor,
    )
    .await?;
    state.sessions.clear();
    Ok(Json(SignedOut { signed_out }))
}

/// Signs out one of the user's other sessions (by the id the list gives); 409 for the session of
/// this request (sign out instead).
#[utoipa::path(delete, path = "/api/v1/auth/sessions/{id}", tag = "auth",
    params(("id" = String, Path, description = "session id from the list")),
    responses((status = 204, description = "signed out"), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn revoke_session(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Path(id): Path<String>,
) -> Result<StatusCode> {
    sessions::revoke(state.db(), user.id, &id, current_session(&user), &actor).await?;
    state.sessions.clear();
    Ok(StatusCode::NO_CONTENT)
}
