//! The guard in front of every protected endpoint: finds the user (the host's hook, a bearer
//! token, the session cookie) and demands the CSRF header where the browser sends the credential
//! by itself.

use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use super::{CurrentUser, host, password, sessions, tokens};
use crate::error::{Error, Result};
use crate::state::AppState;

/// Name of the session cookie.
pub(crate) const SESSION_COOKIE: &str = "rubbie_session";
/// Its name over TLS (`Config::secure_cookies`): the browser accepts it only `Secure`, with
/// `Path=/` and no `Domain`, so a sibling subdomain cannot plant one.
pub(crate) const HOST_SESSION_COOKIE: &str = "__Host-rubbie_session";

/// The session secret from the request's cookies (the `__Host-` one first).
pub(crate) fn session_secret(headers: &HeaderMap) -> Option<String> {
    let pairs: Vec<(String, String)> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())))
        .collect();
    [HOST_SESSION_COOKIE, SESSION_COOKIE]
        .iter()
        .find_map(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
}

/// Finds who sent the request, if anyone: the host's hook first (it may sign in its users with
/// its own bearer tokens), then rubbie's own API token or session. Someone the hook names but
/// rubbie refuses (403) still gets in with rubbie's own credentials, if they have them.
async fn authenticate(state: &AppState, parts: &Parts) -> Result<Option<CurrentUser>> {
    let refused = match host::user(state, parts).await {
        Ok(Some(user)) => return Ok(Some(user)),
        Ok(None) => None,
        Err(err @ Error::Forbidden(_)) => Some(err),
        Err(err) => return Err(err),
    };
    match (own_user(state, &parts.headers).await?, refused) {
        (Some(user), _) => Ok(Some(user)),
        (None, Some(refusal)) => Err(refusal),
        (None, None) => Ok(None),
    }
}

/// The user of rubbie's own API token or session cookie.
async fn own_user(state: &AppState, headers: &HeaderMap) -> Result<Option<CurrentUser>> {
    // Only a Bearer token is rubbie's; other schemes (a proxy's Basic auth) fall through to the cookie.
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    if let Some(token) = bearer {
        return match tokens::token_user(state.db(), token).await? {
            Some(user) => Ok(Some(user)),
            None => Err(Error::Unauthorized("invalid or revoked API token".into())),
        };
    }
    let Some(secret) = session_secret(headers) else { return Ok(None) };
    let session_id = password::secret_hash(&secret);
    if let Some(user) = state.sessions.get(&session_id) {
        return Ok(Some(user));
    }
    let idle = state.config.session_idle.as_secs() as i64;
    let user = sessions::session_user(state.db(), &secret, idle).await?;
    if let Some(user) = &user {
        state.sessions.put(&session_id, user);
    }
    Ok(user)
}

/// Middleware: 401 without a user, 403 without the CSRF header where needed; otherwise puts the
/// [`CurrentUser`] into the request's extensions.
pub(crate) async fn require_user(State(state): State<AppState>, request: Request, next: Next) -> Result<Response> {
    state.ensure_ready().await?;
    let (mut parts, body) = request.into_parts();
    let user = authenticate(&state, &parts).await?.ok_or_else(|| Error::Unauthorized("sign in first".into()))?;
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    if let Some(csrf_token) = user.via.csrf_token()
        && unsafe_method
    {
        let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !password::same(sent, csrf_token) {
            return Err(Error::Csrf);
        }
    }
    parts.extensions.insert(user);
    Ok(next.run(Request::from_parts(parts, body)).await)
}
