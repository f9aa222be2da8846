//! rubbie mounts a complete admin console — a Vue SPA, a JSON API and Swagger UI — into any
//! Axum application, over SQLite, PostgreSQL or MySQL/MariaDB.
//!
//! # Example
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let db = rubbie::Database::connect("sqlite://shop.db").await?;
//! let app: axum::Router = axum::Router::new().nest_service("/admin", rubbie::router(rubbie::Config::new(db)));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]

mod audit;
mod auth;
mod config;
pub mod db;
mod error;
mod flags;
mod http;
mod metadata;
mod migrations;
mod model;
pub mod openapi;
pub mod permissions;
mod query;
mod redact;
mod schema_changes;
mod sql;
mod state;
mod text;
mod tracking;

use axum::Router;

pub use audit::Category as AuditCategory;
pub use auth::{CurrentUser, Identity};
pub use auth::{create_or_update_admin, user_count};
pub use config::{Config, HostInfo};
pub use db::{Backend, Database, PoolOptions};
pub use error::{Error, ErrorBody, ErrorDetail, FieldErrors, Result, RowProblem};
pub use flags::{Flag, Flags};
pub use model::{FieldInfo, ModelInfo, RubbieModel};
pub use redact::mask_url_password;
/// `#[derive(RubbieModel)]`: opts a struct's table in, with labels and hints.
pub use rubbie_macros::RubbieModel;

/// Builds rubbie's router: the API under `/api/`, Swagger UI at `/api/docs/`, the SPA at `/`.
///
/// Mount it with `nest_service("/admin", rubbie::router(config))`, or `merge` it to serve it at
/// `/`. (`nest` works for every path except `/admin/` itself: axum 0.8 routes a nested router's
/// fallback only below the prefix, and the SPA lives at `/admin/`.)
///
/// rubbie's own tables are created on the first request (or by [`create_or_update_admin`]).
pub fn router<S: Clone + Send + Sync + 'static>(config: Config) -> Router<S> {
    let policy = http::security::content_security_policy(config.sign_in.host_sign_out_url.as_deref());
    let policy = axum::http::HeaderValue::from_str(&policy).expect("the policy is made of header characters");
    let state = state::AppState::new(config);
    http::api(state).merge(rubbie_vue::router()).layer(axum::middleware::map_response(move |response| {
        let policy = policy.clone();
        async move { http::security::headers(response, &policy) }
    }))
}

/// Runs rubbie's internal migrations now (otherwise they run on the first request).
pub async fn migrate(db: &Database) -> Result<()> {
    db::migrations::run(db).await
}

#[doc(hidden)]
pub mod __private {
    pub use crate::model::{FieldInfo, ModelInfo, RubbieModel, registered_models};
    pub use inventory;
}
