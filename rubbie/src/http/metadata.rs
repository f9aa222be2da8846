//! A table's console metadata: what admins override (labels, descriptions, display column,
//! default sort, hidden, read-only) and the defaults underneath. Never any DDL.

use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Router};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::{Json, Path};
use super::users::require_admin;
use crate::audit::Actor;
use crate::auth::CurrentUser;
use crate::db::schema::Table;
use crate::error::{Error, Result};
use crate::metadata::{self, MetadataChange, TableMetadata};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/tables/{table}/metadata", get(get_metadata).patch(update_metadata))
}

/// A table's metadata, overridden and default. The table's schema (`GET /tables/{table}`)
/// shows the result of both.
#[derive(Serialize, ToSchema)]
pub struct TableMetadataView {
    /// The table.
    pub table: String,
    /// What admins set in the console: only those fields.
    pub overrides: TableMetadata,
    /// What the derive and introspection give: every field, used where nothing is overridden.
    pub defaults: TableMetadata,
}

/// A table's metadata overrides and defaults (admins; tracked and untracked tables).
#[utoipa::path(get, path = "/api/v1/tables/{table}/metadata", tag = "tables",
    params(("table" = String, Path, description = "table name")),
    responses((status = 200, body = TableMetadataView), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_metadata(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(table): Path<String>,
) -> Result<Json<TableMetadataView>> {
    require_admin(&user)?;
    let table = defaults_table(&state, &table).await?;
    Ok(Json(view(&state, &table)))
}

/// Changes a table's metadata (admins): absent fields stay, `null` gives the default back.
/// Names must exist in the table (409 otherwise); no DDL is ever issued.
#[utoipa::path(patch, path = "/api/v1/tables/{table}/metadata", tag = "tables",
    params(("table" = String, Path, description = "table name")),
    request_body = MetadataChange,
    responses((status = 200, body = TableMetadataView), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn update_metadata(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Path(table): Path<String>,
    Json(change): Json<MetadataChange>,
) -> Result<Json<TableMetadataView>> {
    require_admin(&user)?;
    let table = defaults_table(&state, &table).await?;
    metadata::update(state.db(), &table, change, &actor).await?;
    state.refresh_tracking().await?;
    Ok(Json(view(&state, &table)))
}

/// The table as the database and the derive describe it, from a schema read just now.
async fn defaults_table(state: &AppState, name: &str) -> Result<Table> {
    state.refresh_schema().await?;
    state.without_overrides(name).ok_or_else(|| Error::NotFound(format!("no table named {name:?}")))
}

fn view(state: &AppState, table: &Table) -> TableMetadataView {
    TableMetadataView {
        table: table.name.clone(),
        overrides: state.overrides_of(&table.name),
        defaults: metadata::defaults_of(table),
    }
}
