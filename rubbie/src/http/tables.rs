//! The table list and one table's schema.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{Json, Path, RequestAccess};
use crate::db::introspect;
use crate::db::schema::{Table, TableSource};
use crate::error::{Error, Result};
use crate::permissions::Access;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/tables", get(list_tables)).route("/api/v1/tables/{table}", get(table_schema))
}

/// A table in the list.
#[derive(Serialize, ToSchema)]
pub struct TableSummary {
    /// Table name.
    pub name: String,
    /// Human label.
    pub label: String,
    /// Primary key columns.
    pub primary_key: Vec<String>,
    /// `model` (derive) or `introspected`.
    pub source: TableSource,
    /// Row count estimate from statistics, when the database keeps one.
    pub row_estimate: Option<i64>,
    /// Number of columns.
    pub column_count: usize,
}

/// All tables rubbie shows.
#[derive(Serialize, ToSchema)]
pub struct TableList {
    /// Tables sorted by name.
    pub tables: Vec<TableSummary>,
}

/// Lists the tables (rubbie's own tables are never listed).
#[utoipa::path(get, path = "/api/v1/tables", tag = "tables",
    responses((status = 200, body = TableList), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn list_tables(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
) -> Result<Json<TableList>> {
    state.refresh_schema().await?;
    // Statistics count rows a role's filter may hide: only admins see them.
    let estimates = match access {
        Access::Admin => introspect::row_estimates(state.db(), None).await?,
        Access::Role { .. } => Default::default(),
    };
    let tables = state
        .schema()
        .tables
        .iter()
        .filter_map(|t| access.shape(t))
        .map(|t| TableSummary {
            row_estimate: estimates.get(&t.name).copied(),
            column_count: t.columns.len(),
            name: t.name,
            label: t.label,
            primary_key: t.primary_key,
            source: t.source,
        })
        .collect();
    Ok(Json(TableList { tables }))
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
    let table = state.table_for(&table, &access).await?;
    access.shape(&table).map(Json).ok_or_else(|| Error::NotFound(format!("no table named {:?}", table.name)))
}
