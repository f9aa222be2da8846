//! The guard in front of every protected endpoint: finds the user from the bearer token or the
//! session cookie, and demands the CSRF header on cookie-authenticated unsafe requests.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::middleware::Next;
use axum::response::Response;

use super::{AuthMethod, CurrentUser, password, store};
use crate::error::{Error, Result};
use crate::state::AppState;

/// Name of the session cookie.
pub(crate) const SESSION_COOKIE: &str = "rubbie_session";

/// The session secret from the request's cookies.
pub(crate) fn session_secret(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Finds who sent the request, if anyone.
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<CurrentUser>> {
    // Only a Bearer token is rubbie's; other schemes (a proxy's Basic auth) fall through to the cookie.
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim());
    if let Some(token) = bearer {
        return match store::token_user(state.db(), token).await? {
            Some(user) => Ok(Some(user)),
            None => Err(Error::Unauthorized("invalid or revoked API token".into())),
        };
    }
    let Some(secret) = session_secret(headers) else { return Ok(None) };
    let session_id = password::secret_hash(&secret);
    if let Some(user) = state.sessions.get(&session_id) {
        return Ok(Some(user));
    }
    let user = store::session_user(state.db(), &secret).await?;
    if let Some(user) = &user {
        state.sessions.put(&session_id, user);
    }
    Ok(user)
}

/// Middleware: 401 without a user, 403 without the CSRF header where needed; otherwise puts the
/// [`CurrentUser`] into the request's extensions.
pub(crate) async fn require_user(State(state): State<AppState>, mut request: Request, next: Next) -> Result<Response> {
    state.ensure_ready().await?;
    let user =
        authenticate(&state, request.headers()).await?.ok_or_else(|| Error::Unauthorized("sign in first".into()))?;
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if let AuthMethod::Session { csrf_token, .. } = &user.via
        && unsafe_method
    {
        let sent = request.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !password::same(sent, csrf_token) {
            return Err(Error::Csrf);
        }
    }
    request.extensions_mut().insert(user);
    Ok(next.run(request).await)
}
