//! Authentication: rubbie's own users (argon2id), database sessions with CSRF tokens, personal
//! API tokens, the host's own sign-in (`Config::authenticate`), and the guard that every
//! protected endpoint sits behind.

pub(crate) mod guard;
pub(crate) mod host;
pub(crate) mod password;
pub(crate) mod password_policy;
pub(crate) mod rate_limit;
pub(crate) mod session_cache;
pub(crate) mod sessions;
pub(crate) mod tokens;
pub(crate) mod users;

pub(crate) use guard::require_user;
pub use host::Identity;
pub use users::{create_or_update_admin, user_count};

use serde::Serialize;

/// Seconds since the Unix epoch (rubbie stores times as integers, portable across backends).
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// The signed-in user of a request.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CurrentUser {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role name (`admin` bypasses every rule).
    pub role: String,
    /// How the request was authenticated; not serialised.
    #[serde(skip)]
    #[schema(ignore)]
    pub(crate) via: AuthMethod,
}

/// How a request proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AuthMethod {
    /// Session cookie; carries the session's CSRF token and id hash.
    Session { csrf_token: String, session_id: String },
    /// `Authorization: Bearer` personal token (no CSRF: not sent automatically by browsers).
    Token { id: i64 },
    /// The host's authentication hook; a CSRF token when the browser sends its credential by
    /// itself ([`Identity::new`]), none when it does not ([`Identity::explicit`]).
    Host { csrf_token: Option<String> },
}

impl AuthMethod {
    /// The CSRF token unsafe requests must carry, if this way of signing in needs one.
    pub(crate) fn csrf_token(&self) -> Option<&str> {
        match self {
            AuthMethod::Session { csrf_token, .. } => Some(csrf_token),
            AuthMethod::Host { csrf_token } => csrf_token.as_deref(),
            AuthMethod::Token { .. } => None,
        }
    }

    /// The rubbie session of the request, if it came with one.
    pub(crate) fn session_id(&self) -> Option<&str> {
        match self {
            AuthMethod::Session { session_id, .. } => Some(session_id),
            _ => None,
        }
    }
}
