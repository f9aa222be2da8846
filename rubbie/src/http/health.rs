//! `GET /api/v1/health`: liveness and database reachability, without auth.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::Serialize;

use super::extract::Json;
use crate::db::Backend;
use crate::db::exec::Executor;
use crate::state::AppState;

/// Health report.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok` when the database answers, `degraded` otherwise.
    pub status: &'static str,
    /// `ok` or `unreachable`.
    pub database: &'static str,
    /// The database backend.
    pub backend: Backend,
    /// rubbie's version.
    pub version: &'static str,
}

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/health", get(health))
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/api/v1/health", tag = "health",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
pub(crate) async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let ping = sea_query::Query::select().expr(sea_query::Expr::cust("COUNT(*)")).to_owned();
    let reachable = state.db().pooled().fetch_integers(&ping).await.is_ok();
    let status = if reachable { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        status,
        Json(Health {
            status: if reachable { "ok" } else { "degraded" },
            database: if reachable { "ok" } else { "unreachable" },
            backend: state.db().backend(),
            version: env!("CARGO_PKG_VERSION"),
        }),
    )
}
