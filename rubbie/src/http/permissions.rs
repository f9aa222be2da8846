//! Roles and the permission matrix (admins only), export/import, and a preview of what a
//! draft rule would let a role see.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Json, Path};
use super::rows::RowsPage;
use super::users::require_admin;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::permissions::store::{self, Permission, PermissionsDocument, Role};
use crate::permissions::{Access, Operation, Rule, validate};
use crate::query::order;
use crate::query::page;
use crate::query::read::ReadRequest;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/roles", get(list_roles).post(create_role))
        .route("/api/v1/roles/{name}", patch(update_role).delete(delete_role))
        .route("/api/v1/permissions", get(list_permissions))
        .route("/api/v1/permissions/export", get(export_permissions))
        .route("/api/v1/permissions/import", post(import_permissions))
        .route("/api/v1/permissions/preview", post(preview))
        .route("/api/v1/permissions/{role}/{table}/{operation}", put(set_permission).delete(delete_permission))
}

/// All roles, `admin` first.
#[derive(Serialize, ToSchema)]
pub struct RoleList {
    /// The roles.
    pub roles: Vec<Role>,
}

/// A new role.
#[derive(Deserialize, ToSchema)]
pub struct NewRole {
    /// 1–64 characters of `a-z 0-9 _ -`.
    #[schema(pattern = r"^[a-z0-9_-]{1,64}$")]
    pub name: String,
    /// What it is for.
    pub description: Option<String>,
}

/// Changes to a role.
#[derive(Deserialize, ToSchema)]
pub struct RoleChange {
    /// New name (users and rules follow), 1–64 characters of `a-z 0-9 _ -`.
    #[schema(pattern = r"^[a-z0-9_-]{1,64}$")]
    pub name: Option<String>,
    /// New description.
    pub description: Option<String>,
}

/// Every rule, plus the tables and roles of the matrix.
#[derive(Serialize, ToSchema)]
pub struct PermissionMatrix {
    /// Role names, `admin` first.
    pub roles: Vec<String>,
    /// Table names.
    pub tables: Vec<String>,
    /// The rules that exist.
    pub permissions: Vec<Permission>,
}

/// A draft select rule to try.
#[derive(Deserialize, ToSchema)]
pub struct PreviewRequest {
    /// The role whose other rules apply.
    pub role: String,
    /// The table.
    pub table: String,
    /// The draft select rule.
    pub rule: Rule,
    /// Rows to show (default 20).
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    pub limit: Option<u64>,
}

/// Lists roles.
#[utoipa::path(get, path = "/api/v1/roles", tag = "permissions", responses((status = 200, body = RoleList)))]
pub(crate) async fn list_roles(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<RoleList>> {
    require_admin(&me)?;
    Ok(Json(RoleList { roles: store::roles(state.db()).await? }))
}

/// Creates a role.
#[utoipa::path(post, path = "/api/v1/roles", tag = "permissions", request_body = NewRole,
    responses((status = 201, body = Role), (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn create_role(
    State(state): State<AppState>,
    actor: crate::audit::Actor,
    Extension(me): Extension<CurrentUser>,
    Json(req): Json<NewRole>,
) -> Result<(StatusCode, Json<Role>)> {
    require_admin(&me)?;
    let description = req.description.as_deref().map(str::trim).filter(|d| !d.is_empty());
    Ok((StatusCode::CREATED, Json(store::create_role(state.db(), req.name.trim(), description, &actor).await?)))
}

/// Renames or describes a role.
#[utoipa::path(patch, path = "/api/v1/roles/{name}", tag = "permissions", request_body = RoleChange,
    params(("name" = String, Path, description = "role name")),
    responses((status = 200, body = Role), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn update_role(
    State(state): State<AppState>,
    actor: crate::audit::Actor,
    Extension(me): Extension<CurrentUser>,
    Path(name): Path<String>,
    Json(req): Json<RoleChange>,
) -> Result<Json<Role>> {
    require_admin(&me)?;
    let description = req.description.as_deref().map(|d| Some(d.trim()).filter(|d| !d.is_empty()));
    let role = store::update_role(state.db(), &name, req.name.as_deref().map(str::trim), description, &actor).await?;
    state.sessions.clear(); // users may have a new role name
    Ok(Json(role))
}

/// Deletes a role and its rules (refused while users have it).
#[utoipa::path(delete, path = "/api/v1/roles/{name}", tag = "permissions", params(("name" = String, Path, description = "role name")),
    responses((status = 204, description = "deleted"), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_role(
    State(state): State<AppState>,
    actor: crate::audit::Actor,
    Extension(me): Extension<CurrentUser>,
    Path(name): Path<String>,
) -> Result<StatusCode> {
    require_admin(&me)?;
    store::delete_role(state.db(), &name, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The permission matrix.
#[utoipa::path(get, path = "/api/v1/permissions", tag = "permissions", responses((status = 200, body = PermissionMatrix)))]
pub(crate) async fn list_permissions(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<PermissionMatrix>> {
    require_admin(&me)?;
    state.refresh_schema().await?;
    Ok(Json(PermissionMatrix {
        roles: store::roles(state.db()).await?.into_iter().map(|r| r.name).collect(),
        tables: state.schema().tables.iter().map(|t| t.name.clone()).collect(),
        permissions: store::permissions(state.db()).await?,
    }))
}

fn operation(op: &str) -> Result<Operation> {
    Operation::parse(op)
        .ok_or_else(|| Error::BadRequest(format!("operation {op:?} is not one of select, insert, update, delete")))
}

/// Creates or replaces one rule.
#[utoipa::path(put, path = "/api/v1/permissions/{role}/{table}/{operation}", tag = "permissions", request_body = Rule,
    params(("role" = String, Path, description = "role"), ("table" = String, Path, description = "table"),
           ("operation" = Operation, Path, description = "select, insert, update or delete")),
    responses((status = 200, body = Permission), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn set_permission(
    State(state): State<AppState>,
    actor: crate::audit::Actor,
    Extension(me): Extension<CurrentUser>,
    Path((role, table, op)): Path<(String, String, String)>,
    Json(rule): Json<Rule>,
) -> Result<Json<Permission>> {
    require_admin(&me)?;
    let op = operation(&op)?;
    state.table(&table).await?;
    validate(state.db().backend(), &state.schema(), &table, op, &rule)?;
    let permission = Permission { role, table, operation: op, rule };
    store::set_permission(state.db(), &permission, &actor).await?;
    Ok(Json(permission))
}

/// Removes one rule.
#[utoipa::path(delete, path = "/api/v1/permissions/{role}/{table}/{operation}", tag = "permissions",
    params(("role" = String, Path, description = "role"), ("table" = String, Path, description = "table"),
           ("operation" = Operation, Path, description = "select, insert, update or delete")),
    responses((status = 204, description = "removed"), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_permission(
    State(state): State<AppState>,
    actor: crate::audit::Actor,
    Extension(me): Extension<CurrentUser>,
    Path((role, table, op)): Path<(String, String, String)>,
) -> Result<StatusCode> {
    require_admin(&me)?;
    store::delete_permission(state.db(), &role, &table, operation(&op)?, &actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every role and rule as one JSON document.
#[utoipa::path(get, path = "/api/v1/permissions/export", tag = "permissions", responses((status = 200, body = PermissionsDocument)))]
pub(crate) async fn export_permissions(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<PermissionsDocument>> {
    require_admin(&me)?;
    Ok(Json(store::export(state.db()).await?))
}

/// Replaces every role and rule with the document's (all or nothing).
#[utoipa::path(post, path = "/api/v1/permissions/import", tag = "permissions", request_body = PermissionsDocument,
    responses((status = 204, description = "imported"), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn import_permissions(
    State(state): State<AppState>,
    actor: crate::audit::Actor,
    Extension(me): Extension<CurrentUser>,
    Json(doc): Json<PermissionsDocument>,
) -> Result<StatusCode> {
    require_admin(&me)?;
    state.refresh_schema().await?;
    let schema = state.schema();
    for p in &doc.permissions {
        validate(state.db().backend(), &schema, &p.table, p.operation, &p.rule).map_err(|e| {
            let message = format!("{} {} {}: {e}", p.role, p.table, p.operation.as_str());
            // a table this database lacks is a conflict with its state; the rest is the rule's
            if matches!(e, Error::NotFound(_)) { Error::conflict(message) } else { Error::BadRequest(message) }
        })?;
    }
    store::import(state.db(), &doc, &actor).await?;
    state.sessions.clear();
    Ok(StatusCode::NO_CONTENT)
}

/// The rows a role would see with a draft select rule on one table.
#[utoipa::path(post, path = "/api/v1/permissions/preview", tag = "permissions", request_body = PreviewRequest,
    responses((status = 200, body = RowsPage), (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn preview(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Json(req): Json<PreviewRequest>,
) -> Result<Json<RowsPage>> {
    require_admin(&me)?;
    let table = state.table(&req.table).await?;
    let schema = state.schema();
    validate(state.db().backend(), &schema, &table.name, Operation::Select, &req.rule)?;
    let mut access = Access::of(state.db(), &me, Some(&req.role)).await?;
    match &mut access {
        Access::Admin => return Err(Error::BadRequest("admin sees everything; preview another role".into())),
        Access::Role { rules, .. } => {
            rules.insert((table.name.clone(), Operation::Select), req.rule);
        }
    }
    let query = page::ListQuery {
        read: ReadRequest { order: order::parse(&table, None)?, ..ReadRequest::default() },
        limit: req.limit.unwrap_or(20).clamp(1, 200),
        offset: 0,
        after: None,
        count: Some(page::CountMode::Exact),
        count_timeout: state.config.count_timeout,
    };
    Ok(Json(page::list(state.db(), &schema, &table, query, &access).await?.into()))
}
