//! Who made a change, from where: the signed-in user, how they proved it, the client's address
//! and agent, and the request's id (one id groups every entry a request wrote).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::auth::{AuthMethod, CurrentUser};
use crate::error::Error;
use crate::state::AppState;

/// The author of the entries a request writes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Actor {
    pub user_id: Option<i64>,
    pub username: Option<String>,
    pub role: Option<String>,
    /// `session`, `token`, `host` (the host's authentication), `anonymous` (a failed sign-in) or
    /// `system` (retention).
    pub via: &'static str,
    pub token_id: Option<i64>,
    /// The role an admin was browsing as (`X-Rubbie-View-As`).
    pub view_as: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub request_id: Option<String>,
    /// The host's HMAC key for the chain (`Config::audit_key`), if it gave one.
    pub seal_key: Option<std::sync::Arc<[u8]>>,
    /// Set while reverting: the entry every entry written reverts.
    pub reverting: Option<i64>,
    /// Tables whose row changes are not recorded (`Config::audit_exclude_table`).
    pub unaudited: std::sync::Arc<std::collections::HashSet<String>>,
}

const MAX_USER_AGENT: usize = 512;
const MAX_REQUEST_ID: usize = 64;

impl Actor {
    /// The signed-in `user` of the request whose parts are `parts`.
    pub(crate) fn of(user: &CurrentUser, parts: &Parts) -> Actor {
        let (via, token_id) = match &user.via {
            AuthMethod::Session { .. } => ("session", None),
            AuthMethod::Token { id } => ("token", Some(*id)),
            AuthMethod::Host { .. } => ("host", None),
        };
        let view_as = parts
            .headers
            .get("x-rubbie-view-as")
            .and_then(|v| v.to_str().ok())
            .filter(|v| !v.is_empty() && user.role == crate::permissions::ADMIN_ROLE)
            .map(|v| v.chars().take(64).collect());
        Actor {
            user_id: Some(user.id),
            username: Some(user.username.clone()),
            role: Some(user.role.clone()),
            via,
            token_id,
            view_as,
            ..Actor::anonymous(parts)
        }
    }

    /// Someone not signed in (a sign-in attempt), known only by their request.
    pub(crate) fn anonymous(parts: &Parts) -> Actor {
        let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let request_id = header("x-request-id")
            .filter(|id| {
                !id.is_empty()
                    && id.len() <= MAX_REQUEST_ID
                    && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
            })
            .map(str::to_owned)
            .unwrap_or_else(|| hex::encode(rand::random::<[u8; 12]>()));
        Actor {
            via: "anonymous",
            ip: parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string()),
            user_agent: header("user-agent").map(|ua| ua.chars().take(MAX_USER_AGENT).collect()),
            request_id: Some(request_id),
            ..Actor::default()
        }
    }

    /// rubbie itself (background work such as retention).
    pub(crate) fn system(state: &AppState) -> Actor {
        Actor { via: "system", ..Actor::default() }.sealing_with(state)
    }

    /// The same actor sealing entries with the host's key.
    pub(crate) fn sealing_with(mut self, state: &AppState) -> Actor {
        self.seal_key = state.config.audit.key.clone();
        self.unaudited = state.config.audit.unaudited.clone();
        self
    }

    /// Whether this actor's changes to the rows of `table` are recorded.
    pub(crate) fn audits_rows_of(&self, table: &str) -> bool {
        !self.unaudited.contains(table)
    }

    /// The same actor with the user a sign-in found (for its own entry).
    pub(crate) fn signed_in_as(mut self, id: i64, username: &str, role: &str) -> Actor {
        self.user_id = Some(id);
        self.username = Some(username.to_owned());
        self.role = Some(role.to_owned());
        self.via = "session";
        self
    }
}

impl FromRequestParts<AppState> for Actor {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let user = parts
            .extensions
            .get::<CurrentUser>()
            .cloned()
            .ok_or_else(|| Error::Unauthorized("sign in first".into()))?;
        Ok(Actor::of(&user, parts).sealing_with(state))
    }
}

/// The request's [`Actor`] whether or not anyone is signed in (for sign-in itself).
pub(crate) struct Visitor(pub Actor);

impl FromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Visitor(Actor::anonymous(parts).sealing_with(state)))
    }
}
