//! The whole schema in one answer, for the schema pages and the ER diagram: every table rubbie
//! serves with its columns, keys, relations and indexes, and for admins the untracked ones too;
//! and the signed-in user's layout of the diagram.

use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{Json, RequestAccess};
use crate::auth::CurrentUser;
use crate::db::schema::Table;
use crate::error::Result;
use crate::metadata::layouts::{self, DiagramLayout};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/schema", get(schema)).route("/api/v1/schema/layout", get(get_layout).put(put_layout))
}

/// Every table, as `GET /tables/{table}` describes one.
#[derive(Serialize, ToSchema)]
pub struct SchemaDocument {
    /// Tracked tables (as the role may see them) sorted by name, then, for admins, the untracked.
    pub tables: Vec<SchemaTable>,
    /// Whether the schema editor is on here (development mode), and if not, why.
    pub editing: crate::schema_changes::SchemaEditing,
}

/// One table of the schema.
#[derive(Serialize, ToSchema)]
pub struct SchemaTable {
    #[serde(flatten)]
    pub table: Table,
    /// Whether rubbie serves it (untracked tables are listed for admins only).
    pub tracked: bool,
    /// Row count estimate from statistics (admins only: statistics count rows a role may not see).
    pub row_estimate: Option<i64>,
}

/// The schema: tables with columns, primary keys, foreign keys both ways and indexes.
#[utoipa::path(get, path = "/api/v1/schema", tag = "tables",
    responses((status = 200, body = SchemaDocument), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn schema(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
) -> Result<Json<SchemaDocument>> {
    let tables = super::tables::visible(&state, &access).await?;
    let entry = |table: Table, tracked: bool| SchemaTable {
        row_estimate: tables.estimates.get(&table.name).copied(),
        table,
        tracked,
    };
    let tracked = tables.tracked.iter().cloned().map(|t| entry(t, true));
    let untracked = tables.untracked.iter().cloned().map(|t| entry(t, false));
    let editing = crate::schema_changes::editing(&state);
    Ok(Json(SchemaDocument { tables: tracked.chain(untracked).collect(), editing }))
}

/// The signed-in user's diagram layout (empty until they save one).
#[utoipa::path(get, path = "/api/v1/schema/layout", tag = "tables", responses((status = 200, body = DiagramLayout)))]
pub(crate) async fn get_layout(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<DiagramLayout>> {
    Ok(Json(layouts::of(state.db(), me.id).await?))
}

/// Saves the signed-in user's diagram layout over the one before: table positions (at most
/// 5,000, coordinates within ±10,000,000) and the viewport (zoom 0.01 to 10).
#[utoipa::path(put, path = "/api/v1/schema/layout", tag = "tables", request_body = DiagramLayout,
    responses((status = 200, body = DiagramLayout), (status = 400, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_layout(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Json(layout): Json<DiagramLayout>,
) -> Result<Json<DiagramLayout>> {
    let layout = layout.checked()?;
    layouts::save(state.db(), me.id, &layout).await?;
    Ok(Json(layout))
}
