//! The HTTP API: one module per area, each with its `router()`, merged here behind the guard.

pub(crate) mod audit;
pub(crate) mod auth;
mod docs;
pub(crate) mod explorer;
pub(crate) mod export;
pub(crate) mod extract;
pub(crate) mod flags;
pub(crate) mod health;
pub(crate) mod import;
pub(crate) mod lenient;
pub(crate) mod metadata;
pub(crate) mod metadata_document;
pub(crate) mod migrations;
pub(crate) mod objects;
pub(crate) mod overview;
pub(crate) mod patch;
pub(crate) mod permissions;
pub(crate) mod rows;
pub(crate) mod schema;
pub(crate) mod schema_changes;
pub(crate) mod security;
pub(crate) mod settings;
pub(crate) mod sql;
pub(crate) mod tables;
pub(crate) mod users;
pub(crate) mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware;
use tower_http::cors::CorsLayer;

use crate::auth::require_user;
use crate::error::Error;
use crate::state::AppState;

/// Request bodies larger than this are refused (rows are small; imports will stream).
const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The API (without the SPA), with rubbie's state applied.
pub(crate) fn api<S: Clone + Send + Sync + 'static>(state: AppState) -> Router<S> {
    let protected = Router::new()
        .merge(auth::router())
        .merge(tables::router())
        .merge(metadata::router())
        .merge(metadata_document::router())
        .merge(schema::router())
        .merge(schema_changes::router())
        .merge(rows::router())
        .merge(export::router())
        .merge(views::router())
        .merge(import::router())
        .merge(explorer::router())
        .merge(flags::router())
        .merge(settings::router())
        .merge(users::router())
        .merge(permissions::router())
        .merge(audit::router())
        .merge(overview::router())
        .merge(migrations::router())
        .merge(sql::router())
        .route_layer(middleware::from_fn_with_state(state.clone(), require_user));
    let cors = state.config.cors_origin.as_deref().and_then(|o| HeaderValue::from_str(o).ok()).map(|origin| {
        CorsLayer::new()
            .allow_origin(origin)
            .allow_credentials(true)
            .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::PUT, Method::DELETE])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION, HeaderName::from_static("x-csrf-token")])
    });
    let router = Router::new()
        .merge(health::router())
        .merge(auth::public_router())
        .merge(docs::router(&state))
        .merge(protected)
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state);
    match cors {
        Some(cors) => router.layer(cors),
        None => router,
    }
}

async fn api_not_found() -> Error {
    Error::NotFound("no such API endpoint".into())
}
