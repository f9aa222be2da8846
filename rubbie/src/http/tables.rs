//! The table list and one table's schema.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{Json, Path};
use crate::db::introspect;
use crate::db::schema::{Table, TableSource};
use crate::error::Result;
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
pub(crate) async fn list_tables(State(state): State<AppState>) -> Result<Json<TableList>> {
    state.refresh_schema().await?;
    let estimates = introspect::row_estimates(state.db()).await?;
    let tables = state
        .schema()
        .tables
        .iter()
        .map(|t| TableSummary {
            name: t.name.clone(),
            label: t.label.clone(),
            primary_key: t.primary_key.clone(),
            source: t.source,
            row_estimate: estimates.get(&t.name).copied(),
            column_count: t.columns.len(),
        })
        .collect();
    Ok(Json(TableList { tables }))
}

/// One table's columns, keys and indexes.
#[utoipa::path(get, path = "/api/v1/tables/{table}", tag = "tables",
    params(("table" = String, Path, description = "table name")),
    responses((status = 200, body = Table), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn table_schema(State(state): State<AppState>, Path(table): Path<String>) -> Result<Json<Table>> {
    Ok(Json(state.table(&table).await?))
}
