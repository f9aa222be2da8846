//! The metadata document (admins): export, what an import would change, the import itself,
//! and the entries that no longer fit the database, with a way to drop them.

use std::collections::HashSet;

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::Json;
use super::users::require_admin;
use crate::audit::Actor;
use crate::auth::CurrentUser;
use crate::error::{Error, Result};
use crate::metadata::{self, ApplyOutcome, Inconsistency, MetadataDocument};
use crate::state::AppState;

/// Largest document a diff or an apply takes: the API's usual 2 MiB is less than the export of
/// a big schema with descriptions (1,000 tables with a few described columns each).
const DOCUMENT_LIMIT: usize = 16 * 1024 * 1024;

pub(crate) fn router() -> Router<AppState> {
    let documents = Router::new()
        .route("/api/v1/metadata/diff", post(diff))
        .route("/api/v1/metadata/apply", post(apply))
        .layer(DefaultBodyLimit::max(DOCUMENT_LIMIT));
    Router::new()
        .route("/api/v1/metadata", get(export))
        .route("/api/v1/metadata/inconsistencies", get(inconsistencies))
        .route("/api/v1/metadata/inconsistencies/drop", post(drop_inconsistencies))
        .merge(documents)
}

/// A document to compare with what is stored.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DiffRequest {
    /// The document, as `GET /api/v1/metadata` gives it.
    pub document: MetadataDocument,
}

/// A document to import.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    /// The document, as `GET /api/v1/metadata` gives it.
    pub document: MetadataDocument,
    /// The version the document was prepared against (`resource_version` of the export or the
    /// diff); 409 when the stored metadata changed since.
    #[serde(deserialize_with = "super::lenient::int")]
    pub resource_version: i64,
    /// Store entries that refer to tables or columns the database lacks instead of refusing
    /// (they are listed as inconsistencies until fixed or dropped).
    #[serde(default)]
    pub allow_inconsistent: bool,
}

/// The stored entries that do not fit the database.
#[derive(Serialize, ToSchema)]
pub struct InconsistencyList {
    /// The version they were read at.
    pub resource_version: i64,
    /// The entries, with why and what dropping each does.
    pub inconsistencies: Vec<Inconsistency>,
}

/// Stored entries to drop.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DropRequest {
    /// Ids from the inconsistency list, 1 to 10,000.
    #[schema(min_items = 1, max_items = 10000)]
    pub ids: Vec<String>,
    /// The version the list was read at; 409 when the metadata changed since.
    #[serde(deserialize_with = "super::lenient::int")]
    pub resource_version: i64,
}

/// The whole metadata document: tracking, table and column metadata, roles, permissions and
/// saved views, keys in a stable order.
#[utoipa::path(get, path = "/api/v1/metadata", tag = "metadata", responses((status = 200, body = MetadataDocument)))]
pub(crate) async fn export(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<MetadataDocument>> {
    require_admin(&me)?;
    Ok(Json(metadata::current_document(&state).await?))
}

/// What importing a document would change, and which of its entries do not fit the database.
/// Changes nothing. Documents up to 16 MiB (413 past it); 409 when the document contradicts
/// itself (a key listed twice, a rule for a role it lacks, an `admin` role).
#[utoipa::path(post, path = "/api/v1/metadata/diff", tag = "metadata", request_body = DiffRequest,
    responses((status = 200, body = ApplyOutcome), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn diff(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Json(req): Json<DiffRequest>,
) -> Result<Json<ApplyOutcome>> {
    require_admin(&me)?;
    Ok(Json(metadata::preview(&state, &req.document).await?))
}

/// Imports a document in one transaction: afterwards rubbie's metadata is exactly the
/// document's. 409 when `resource_version` is stale, or when entries do not fit the database
/// and `allow_inconsistent` is not set (each named under `fields`), or when the document
/// contradicts itself (as for a diff).
#[utoipa::path(post, path = "/api/v1/metadata/apply", tag = "metadata", request_body = ApplyRequest,
    responses((status = 200, body = ApplyOutcome), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn apply(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    actor: Actor,
    Json(req): Json<ApplyRequest>,
) -> Result<Json<ApplyOutcome>> {
    require_admin(&me)?;
    let outcome =
        metadata::apply_document(&state, req.document, req.resource_version, req.allow_inconsistent, &actor).await?;
    Ok(Json(outcome))
}

/// Stored tracking, metadata, rules and views that refer to tables or columns the database
/// no longer has (after a change made outside rubbie).
#[utoipa::path(get, path = "/api/v1/metadata/inconsistencies", tag = "metadata",
    responses((status = 200, body = InconsistencyList)))]
pub(crate) async fn inconsistencies(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<InconsistencyList>> {
    require_admin(&me)?;
    Ok(Json(list(&state).await?))
}

/// Drops stored entries named by the inconsistency list (an audited import of the document
/// without them); answers with what is left.
#[utoipa::path(post, path = "/api/v1/metadata/inconsistencies/drop", tag = "metadata", request_body = DropRequest,
    responses((status = 200, body = InconsistencyList), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn drop_inconsistencies(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    actor: Actor,
    Json(req): Json<DropRequest>,
) -> Result<Json<InconsistencyList>> {
    require_admin(&me)?;
    if req.ids.is_empty() || req.ids.len() > 10_000 {
        return Err(Error::field("ids", "give 1 to 10,000 ids"));
    }
    let listed: HashSet<String> = list(&state).await?.inconsistencies.into_iter().map(|i| i.id).collect();
    if let Some(unknown) = req.ids.iter().find(|id| !listed.contains(*id)) {
        return Err(Error::conflict(format!(
            "{unknown:?} is not in the inconsistency list (fixed or dropped already?)"
        )));
    }
    let current = metadata::current_document(&state).await?;
    let ids: HashSet<String> = req.ids.into_iter().collect();
    metadata::apply_document(&state, metadata::without(current, &ids), req.resource_version, true, &actor).await?;
    Ok(Json(list(&state).await?))
}

async fn list(state: &AppState) -> Result<InconsistencyList> {
    let doc = metadata::current_document(state).await?;
    let catalogue = metadata::catalogue_of(state).await?;
    let inconsistencies = metadata::check(&doc, &catalogue.as_catalogue(state));
    Ok(InconsistencyList { resource_version: doc.resource_version, inconsistencies })
}
