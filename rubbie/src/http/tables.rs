//! The table list, one table's schema, and tracking (which tables rubbie serves).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{Json, Path, RequestAccess};
use super::users::require_admin;
use crate::audit::Actor;
use crate::auth::CurrentUser;
use crate::db::introspect;
use crate::db::schema::{Table, TableSource};
use crate::error::{Error, Result};
use crate::permissions::Access;
use crate::state::AppState;
use crate::tracking;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tables", get(list_tables))
        .route("/api/v1/tables/{table}", get(table_schema))
        .route("/api/v1/tables/{table}/track", post(track_table))
        .route("/api/v1/tables/{table}/untrack", post(untrack_table))
        .route("/api/v1/tracking/track-all", post(track_all))
}

/// The tables a "track all" tracked.
#[derive(Serialize, ToSchema)]
pub struct TrackedTables {
    /// Their names, sorted.
    pub tracked: Vec<String>,
}

/// A table in the list.
#[derive(Serialize, ToSchema)]
pub struct TableSummary {
    /// Table name.
    pub name: String,
    /// Human label.
    pub label: String,
    /// What the table holds (console metadata).
    pub description: Option<String>,
    /// Left out of the sidebar (console metadata); listed here all the same.
    pub hidden: bool,
    /// Primary key columns.
    pub primary_key: Vec<String>,
    /// `model` (derive) or `introspected`.
    pub source: TableSource,
    /// Row count estimate from statistics, when the database keeps one.
    pub row_estimate: Option<i64>,
    /// Number of columns.
    pub column_count: usize,
    /// The column that names a row (see the table schema).
    pub display_column: Option<String>,
}

/// All tables rubbie shows.
#[derive(Serialize, ToSchema)]
pub struct TableList {
    /// Tracked tables sorted by name.
    pub tables: Vec<TableSummary>,
    /// Tables in the database that rubbie does not serve until an admin tracks them (always
    /// empty for other roles).
    pub untracked: Vec<TableSummary>,
}

pub(crate) fn summary(t: Table, estimates: &std::collections::HashMap<String, i64>) -> TableSummary {
    TableSummary {
        row_estimate: estimates.get(&t.name).copied(),
        column_count: t.columns.len(),
        name: t.name,
        label: t.label,
        description: t.description,
        hidden: t.hidden,
        primary_key: t.primary_key,
        source: t.source,
        display_column: t.display_column,
    }
}

/// Lists the tables (rubbie's own tables are never listed).
#[utoipa::path(get, path = "/api/v1/tables", tag = "tables",
    responses((status = 200, body = TableList), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn list_tables(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
) -> Result<Json<TableList>> {
    let tables = visible(&state, &access).await?;
    Ok(Json(TableList {
        tables: tables.tracked.into_iter().map(|t| summary(t, &tables.estimates)).collect(),
        untracked: tables.untracked.into_iter().map(|t| summary(t, &tables.estimates)).collect(),
    }))
}

/// The tables as `access` may see them, from a schema read just now.
pub(crate) struct Visible {
    /// Tracked tables, shaped to what the role may read.
    pub tracked: Vec<Table>,
    /// Untracked tables (admins only).
    pub untracked: Vec<Table>,
    /// Row estimates by table (admins only).
    pub estimates: std::collections::HashMap<String, i64>,
}

pub(crate) async fn visible(state: &AppState, access: &Access) -> Result<Visible> {
    state.refresh_schema().await?;
    let schema = state.schema();
    let tracked = schema.tables.iter().filter_map(|t| access.shape(t)).collect();
    // Statistics count rows a role's filter may hide, and untracked tables are the admins'
    // business: only admins see either.
    let (estimates, untracked) = match access {
        Access::Admin => (introspect::row_estimates(state.db(), None).await?, schema.untracked.clone()),
        Access::Role { .. } => Default::default(),
    };
    Ok(Visible { tracked, untracked, estimates })
}

/// One table's columns, keys and indexes.
#[utoipa::path(get, path = "/api/v1/tables/{table}", tag = "tables",
    params(("table" = String, Path, description = "table name")),
    responses((status = 200, body = Table), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn table_schema(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    Path(table): Path<String>,
) -> Result<Json<Table>> {
    // The schema page shows the catalogue as it is now, not as it was a second ago.
    state.refresh_schema().await?;
    let table = state.table_for(&table, &access).await?;
    access.shape(&table).map(Json).ok_or_else(|| Error::NotFound(format!("no table named {:?}", table.name)))
}

/// Records the decision and re-reads the schema; `table` must exist in the database.
async fn set_tracked(state: &AppState, user: &CurrentUser, actor: &Actor, table: &str, tracked: bool) -> Result<()> {
    require_admin(user)?;
    let known = |state: &AppState| {
        let schema = state.schema();
        schema.tables.iter().chain(&schema.untracked).any(|t| t.name == table)
    };
    if !known(state) {
        state.refresh_schema().await?;
        if !known(state) {
            return Err(Error::NotFound(format!("no table named {table:?}")));
        }
    }
    tracking::set(state.db(), table, tracked, actor).await?;
    state.refresh_tracking().await
}

/// Tracks a table: rubbie serves it from now on (admins only). Answers with its summary.
#[utoipa::path(post, path = "/api/v1/tables/{table}/track", tag = "tables",
    params(("table" = String, Path, description = "table name")),
    responses((status = 200, body = TableSummary), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn track_table(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Path(table): Path<String>,
) -> Result<Json<TableSummary>> {
    set_tracked(&state, &user, &actor, &table, true).await?;
    let estimates = introspect::row_estimates(state.db(), Some(&table)).await?;
    let tracked = state.table(&table).await?;
    Ok(Json(summary(tracked, &estimates)))
}

/// Tracks every untracked table in one step (admins only); answers with their names.
#[utoipa::path(post, path = "/api/v1/tracking/track-all", tag = "tables",
    responses((status = 200, body = TrackedTables), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn track_all(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
) -> Result<Json<TrackedTables>> {
    require_admin(&user)?;
    state.refresh_schema().await?;
    let mut names: Vec<String> = state.schema().untracked.iter().map(|t| t.name.clone()).collect();
    names.sort();
    tracking::set_many(state.db(), &names, true, &actor).await?;
    state.refresh_tracking().await?;
    Ok(Json(TrackedTables { tracked: names }))
}

/// Untracks a table: rubbie stops serving it (its rows, schema, permissions and relations) until
/// it is tracked again; the table and its data are untouched (admins only).
#[utoipa::path(post, path = "/api/v1/tables/{table}/untrack", tag = "tables",
    params(("table" = String, Path, description = "table name")),
    responses((status = 204, description = "untracked"), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn untrack_table(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Path(table): Path<String>,
) -> Result<StatusCode> {
    set_tracked(&state, &user, &actor, &table, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
