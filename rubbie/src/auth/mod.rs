//! Authentication: rubbie's own users (argon2id), database sessions with CSRF tokens, personal
//! API tokens, and the guard that every protected endpoint sits behind.

pub(crate) mod guard;
pub(crate) mod password;
pub(crate) mod password_policy;
pub(crate) mod rate_limit;
pub(crate) mod session_cache;
pub(crate) mod sessions;
pub(crate) mod store;
pub(crate) mod tokens;
pub(crate) mod users;

pub(crate) use guard::require_user;
pub use store::create_or_update_admin;

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
}
