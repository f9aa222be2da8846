//! Host authentication: the host's own hook (`Config::authenticate`) names the user of a request
//! (from its JWT, its session cookie, a trusted proxy's header) and rubbie lets them in with the
//! role it names. Each such user gets a `rubbie_users` row on first sight, managed by the host
//! (no password, the role kept in step with the hook), so saved views, history and the audit log
//! know them, and an admin can still disable them in rubbie.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::http::request::Parts;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::users::{self, ManagedBy, UserRow};
use super::{AuthMethod, CurrentUser};
use crate::audit::Actor;
use crate::error::{Error, Result};
use crate::permissions::store as roles;
use crate::state::AppState;

/// Who the host says sent a request: a user name and the rubbie role they act as.
#[derive(Debug, Clone)]
pub struct Identity {
    username: String,
    role: String,
    /// Whether the browser sends the credential by itself (a cookie, a header a proxy adds), so
    /// a forged cross-site request would carry it too: then the CSRF token is required.
    ambient: bool,
    /// SHA-256 of the host's session key, when it gave one.
    session: Option<String>,
}

impl Identity {
    /// `username` acting as `role` (`admin` or a role made on the Permissions page), proven by a
    /// credential the browser sends by itself, such as the host's session cookie or a header its
    /// proxy adds: unsafe requests then need the CSRF token from `GET /api/v1/auth/me` in
    /// `X-CSRF-Token`, as with rubbie's own sessions.
    pub fn new(username: impl Into<String>, role: impl Into<String>) -> Self {
        Identity { username: username.into(), role: role.into(), ambient: true, session: None }
    }

    /// Binds the CSRF token to the host's session (its session id, say), so that each sign-in
    /// gets a new one. Without it the token is the same for every session of the user.
    pub fn session(mut self, key: impl AsRef<[u8]>) -> Self {
        self.session = Some(hex::encode(<Sha256 as sha2::Digest>::digest(key.as_ref())));
        self
    }

    /// The credential is one a browser never sends by itself (an `Authorization` header that a
    /// script or the host's front end sets): no CSRF token is needed.
    pub fn explicit(mut self) -> Self {
        self.ambient = false;
        self
    }
}

/// The host's hook, boxed: request parts in, the identity (or nobody) out.
pub(crate) type Hook = Arc<dyn Fn(Parts) -> Pin<Box<dyn Future<Output = Option<Identity>> + Send>> + Send + Sync>;

pub(crate) fn hook<F, Fut>(f: F) -> Hook
where
    F: Fn(Parts) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Option<Identity>> + Send + 'static,
{
    Arc::new(move |parts| Box::pin(f(parts)))
}

/// The secret the CSRF tokens of host identities are made with (shared by every instance).
const CSRF_SECRET: &str = "host_csrf";

/// The user the host's hook names for this request: `None` without a hook or when it names no
/// one; 403 when rubbie cannot take who it names (an unknown role, a disabled user, a name that
/// belongs to one of rubbie's own password users).
pub(crate) async fn user(state: &AppState, parts: &Parts) -> Result<Option<CurrentUser>> {
    let Some(hook) = &state.config.authenticate else { return Ok(None) };
    let Some(identity) = hook(parts.clone()).await else { return Ok(None) };
    let username = crate::text::name(&identity.username, 190).ok_or_else(|| {
        Error::Forbidden("the host's sign-in named a user name that is empty or over 190 characters".into())
    })?;
    let cache_key = format!("host\0{username}\0{}", identity.role);
    let mut user = match state.sessions.get(&cache_key) {
        Some(user) => user,
        None => {
            let user = admit(state, parts, username, &identity.role).await?;
            state.sessions.put(&cache_key, &user);
            user
        }
    };
    let csrf_token = match identity.ambient {
        true => Some(csrf_token(state, username, identity.session.as_deref()).await?),
        false => None,
    };
    user.via = AuthMethod::Host { csrf_token };
    Ok(Some(user))
}

/// Finds or adds the host's user, refusing what rubbie cannot take.
async fn admit(state: &AppState, parts: &Parts, username: &str, role: &str) -> Result<CurrentUser> {
    let db = state.db();
    if !roles::role_exists(db, role).await? {
        return Err(Error::Forbidden(format!(
            "the host signed {username} in as role {role:?}, which rubbie does not have; an admin can create it on the Permissions page"
        )));
    }
    let row = match users::by_username(db, username).await? {
        Some(row) => row,
        None => users::create_host_user(db, username, role, &host_actor(state, parts, None, username, role)).await?,
    };
    if row.managed_by == ManagedBy::Rubbie {
        return Err(Error::Forbidden(format!(
            "{username} is one of rubbie's own users, who sign in with a password; the host cannot sign them in (rename or delete that user first)"
        )));
    }
    if row.active == 0 {
        return Err(Error::Forbidden(format!("{username} is disabled in rubbie")));
    }
    if row.role != role {
        users::set_host_role(db, row.id, role, &host_actor(state, parts, Some(row.id), username, role)).await?;
    }
    Ok(current(row, role))
}

fn current(row: UserRow, role: &str) -> CurrentUser {
    CurrentUser {
        id: row.id,
        username: row.username,
        role: role.to_owned(),
        via: AuthMethod::Host { csrf_token: None },
    }
}

/// The author of the entries that first sight and role changes write: the host's user.
fn host_actor(state: &AppState, parts: &Parts, id: Option<i64>, username: &str, role: &str) -> Actor {
    Actor {
        user_id: id,
        username: Some(username.to_owned()),
        role: Some(role.to_owned()),
        via: "host",
        ..Actor::anonymous(parts)
    }
    .sealing_with(state)
}

/// HMAC of the user and the host session under rubbie's shared secret: the same on every
/// instance, unguessable without the secret, different for each host session bound with
/// [`Identity::session`].
async fn csrf_token(state: &AppState, username: &str, session: Option<&str>) -> Result<String> {
    let key = state.host_csrf_key.get_or_try_init(|| crate::db::secrets::shared(state.db(), CSRF_SECRET)).await?;
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(b"rubbie host csrf\0");
    mac.update(username.as_bytes());
    mac.update(b"\0");
    mac.update(session.unwrap_or_default().as_bytes());
    Ok(hex::encode(mac.finalize().into_bytes()))
}
