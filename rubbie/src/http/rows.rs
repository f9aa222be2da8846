//! Rows of one table: list with filter/sort/pagination/count, and get/insert/update/delete by key.
//! Row bodies are free-form JSON objects (`HashMap<String, Value>` in the OpenAPI annotations,
//! which utoipa reads as syntax, so neither name needs importing).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use utoipa::{IntoParams, ToSchema};

use super::extract::{Json, Path, Query, RawJson, RequestAccess};
use crate::audit::Actor;
use crate::error::{Error, Result};
use crate::query::labels::{self, Labels};
use crate::query::page::{self, CountMode, ListQuery};
use crate::query::read::ReadRequest;
use crate::query::write::{self, BulkAction};
use crate::query::{filter, order, rows};
use crate::state::AppState;

/// Largest page a client may ask for.
pub const MAX_LIMIT: u64 = 1000;
const DEFAULT_LIMIT: u64 = 50;
/// Databases take signed 64-bit offsets.
/// 2^53 - 1: the largest offset every JSON client can write exactly (and far past any table).
const MAX_OFFSET: u64 = 9_007_199_254_740_991;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/tables/{table}/rows", get(list_rows).post(insert_row))
        .route("/api/v1/tables/{table}/rows/{pk}", get(get_row).patch(update_row).delete(delete_row))
        .route("/api/v1/tables/{table}/bulk", axum::routing::post(bulk_rows))
}

/// Query parameters of the rows listing.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RowsParams {
    /// Filter in the where language (JSON), e.g. `{"name":{"_ilike":"%ann%"}}`. At most 16 levels of nesting, 2,000 conditions and 10,000 values.
    #[serde(rename = "where")]
    #[param(rename = "where")]
    pub filter: Option<String>,
    /// Quick search: case-insensitive text across the readable text columns (and equality on
    /// integer columns when it is a whole number).
    pub search: Option<String>,
    /// Sort: `col,-col2` (`-` for descending), at most 16 columns.
    pub order_by: Option<String>,
    /// Page size, 1 to 1000 (default 50).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u64>,
    /// Rows to skip (offset pagination), at most 2^53 - 1.
    #[param(maximum = 9_007_199_254_740_991_u64)]
    pub offset: Option<u64>,
    /// Cursor from `next_cursor` (keyset pagination; ignores `offset`).
    pub after: Option<String>,
    /// `exact`, `estimated` or `none` (default: exact, or estimated for big unfiltered tables).
    #[param(inline, value_type = Option<CountMode>)]
    pub count: Option<String>,
    /// Columns to return, comma-separated (default: all).
    pub columns: Option<String>,
    /// `true` adds `labels`: what the page's foreign-key values are called.
    pub labels: Option<bool>,
}

/// One page of rows.
#[derive(Serialize, ToSchema)]
pub struct RowsPage {
    /// The rows, column → value.
    #[schema(value_type = Vec<HashMap<String, Value>>)]
    pub rows: Box<RawValue>,
    /// Total rows matching the filter (null with `count=none`).
    pub count: Option<i64>,
    /// `exact` or `estimated`.
    pub count_kind: Option<&'static str>,
    /// The exact count took longer than the configured limit and was stopped: `count` is then
    /// the estimate (unfiltered) or null.
    pub count_timed_out: bool,
    /// Pass as `after` for the next page (keyset); null on the last page or for sorts on
    /// nullable columns.
    pub next_cursor: Option<String>,
    /// With `labels=true`: foreign-key column → (referenced value → the referenced row's display
    /// column), for the referenced rows the caller may read.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<HashMap<String, HashMap<String, String>>>)]
    pub labels: Option<Labels>,
}

impl From<page::Page> for RowsPage {
    fn from(page: page::Page) -> Self {
        RowsPage {
            rows: page.rows,
            count: page.count,
            count_kind: page.count_kind,
            count_timed_out: page.count_timed_out,
            next_cursor: page.next_cursor,
            labels: None,
        }
    }
}

fn list_query(
    p: RowsParams,
    table: &crate::db::schema::Table,
    count_timeout: std::time::Duration,
) -> Result<ListQuery> {
    let limit = p.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(Error::BadRequest(format!("limit must be between 1 and {MAX_LIMIT}")));
    }
    let count = match p.count.as_deref() {
        None => None,
        Some("exact") => Some(CountMode::Exact),
        Some("estimated") => Some(CountMode::Estimated),
        Some("none") => Some(CountMode::None),
        Some(other) => {
            return Err(Error::BadRequest(format!("count: {other:?} is not one of exact, estimated, none")));
        }
    };
    Ok(ListQuery {
        read: ReadRequest {
            filter: p.filter.as_deref().filter(|w| !w.trim().is_empty()).map(filter::parse_param).transpose()?,
            search: p.search,
            order: order::parse(table, p.order_by.as_deref())?,
            columns: p.columns.map(|c| c.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()),
        },
        limit,
        offset: match p.offset.unwrap_or(0) {
            offset if offset <= MAX_OFFSET => offset,
            _ => return Err(Error::BadRequest(format!("offset must be at most {MAX_OFFSET}"))),
        },
        after: p.after.filter(|a| !a.is_empty()),
        count,
        count_timeout,
    })
}

/// Lists rows with filter, sort, pagination and count.
#[utoipa::path(get, path = "/api/v1/tables/{table}/rows", tag = "rows",
    params(("table" = String, Path, description = "table name"), RowsParams),
    responses((status = 200, body = RowsPage), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn list_rows(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    Path(table): Path<String>,
    Query(params): Query<RowsParams>,
) -> Result<Json<RowsPage>> {
    let table = state.table_for(&table, &access).await?;
    let with_labels = params.labels.unwrap_or(false);
    let timeout = state.config.count_timeout;
    let query = list_query(params, &table, timeout)?;
    let schema = state.schema();
    let mut page: RowsPage = page::list(state.db(), &schema, &table, query, &access).await?.into();
    if with_labels {
        page.labels = Some(labels::for_page(state.db(), &schema, &table, &page.rows, &access, timeout).await?);
    }
    Ok(Json(page))
}

/// One row by primary key (composite keys: values joined by `,`, with `~2C` for a comma).
#[utoipa::path(get, path = "/api/v1/tables/{table}/rows/{pk}", tag = "rows",
    params(("table" = String, Path, description = "table name"), ("pk" = String, Path, description = "primary key")),
    responses((status = 200, body = HashMap<String, Value>), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_row(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    Path((table, pk)): Path<(String, String)>,
) -> Result<RawJson> {
    let table = state.table_for(&table, &access).await?;
    Ok(RawJson(rows::get(state.db(), &state.schema(), &table, &pk, &access).await?))
}

/// Inserts a row; answers with the row as stored.
#[utoipa::path(post, path = "/api/v1/tables/{table}/rows", tag = "rows",
    params(("table" = String, Path, description = "table name")),
    request_body(content = HashMap<String, Value>, description = "column → value"),
    responses((status = 201, body = HashMap<String, Value>), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn insert_row(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    actor: Actor,
    Path(table): Path<String>,
    Json(body): Json<serde_json::Value>,
) -> Result<(StatusCode, RawJson)> {
    let table = state.table_for(&table, &access).await?;
    let row = write::insert(state.db(), &state.schema(), &table, &body, &access, &actor).await?;
    Ok((StatusCode::CREATED, RawJson(row)))
}

/// Changes the given columns of a row; answers with the row as stored.
#[utoipa::path(patch, path = "/api/v1/tables/{table}/rows/{pk}", tag = "rows",
    params(("table" = String, Path, description = "table name"), ("pk" = String, Path, description = "primary key")),
    request_body(content = HashMap<String, Value>, description = "column → new value"),
    responses((status = 200, body = HashMap<String, Value>), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn update_row(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    actor: Actor,
    Path((table, pk)): Path<(String, String)>,
    Json(body): Json<serde_json::Value>,
) -> Result<RawJson> {
    let table = state.table_for(&table, &access).await?;
    Ok(RawJson(write::update(state.db(), &state.schema(), &table, &pk, &body, &access, &actor, None).await?))
}

/// Deletes a row.
#[utoipa::path(delete, path = "/api/v1/tables/{table}/rows/{pk}", tag = "rows",
    params(("table" = String, Path, description = "table name"), ("pk" = String, Path, description = "primary key")),
    responses((status = 204, description = "deleted"), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_row(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    actor: Actor,
    Path((table, pk)): Path<(String, String)>,
) -> Result<StatusCode> {
    let table = state.table_for(&table, &access).await?;
    write::delete(state.db(), &state.schema(), &table, &pk, &access, &actor, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A bulk delete or update.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// `delete` or `update`.
    pub action: BulkAction,
    /// The rows by key (as in row URLs); or leave out to act on every row matching `where`.
    pub keys: Option<Vec<String>>,
    /// With no `keys`: the filter (where language) selecting the rows; absent means all rows.
    /// At most 16 levels of nesting, 2,000 conditions and 10,000 values.
    #[serde(rename = "where")]
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub filter: Option<serde_json::Value>,
    /// With no `keys`: quick search narrowing the rows.
    pub search: Option<String>,
    /// For `update`: column → new value.
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub set: Option<serde_json::Value>,
    /// The number of rows the user confirmed; if the selection now has another count, nothing
    /// happens (409).
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    pub expected: Option<u64>,
}

/// How many rows a bulk action changed.
#[derive(Serialize, ToSchema)]
pub struct BulkResult {
    /// Rows deleted or updated.
    pub affected: u64,
}

/// Deletes or updates many rows in one transaction (all or nothing), each with its audit entry;
/// at most 10,000 rows by default (`Config::audit_bulk_limit`).
#[utoipa::path(post, path = "/api/v1/tables/{table}/bulk", tag = "rows", request_body = BulkRequest,
    params(("table" = String, Path, description = "table name")),
    responses((status = 200, body = BulkResult), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn bulk_rows(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    actor: Actor,
    Path(table): Path<String>,
    Json(req): Json<BulkRequest>,
) -> Result<Json<BulkResult>> {
    let table = state.table_for(&table, &access).await?;
    let selection = match req.keys {
        Some(keys) => {
            if req.filter.is_some() || req.search.is_some() {
                return Err(Error::BadRequest("give either keys or where/search, not both".into()));
            }
            write::Selection::Keys(keys)
        }
        None => {
            if let Some(filter) = &req.filter
                && !filter.is_object()
            {
                return Err(Error::BadRequest("where: expected a JSON object".into()));
            }
            write::Selection::Matching { filter: req.filter, search: req.search }
        }
    };
    let (set, limit) = (req.set.as_ref(), state.config.audit.bulk_limit);
    let affected = write::bulk(
        state.db(),
        &state.schema(),
        &table,
        req.action,
        selection,
        set,
        req.expected,
        &access,
        &actor,
        limit,
    )
    .await?;
    Ok(Json(BulkResult { affected }))
}
