//! The API explorer's memory: request history and saved requests, per user, server-side.
//! Requests are sent by the browser; rubbie only keeps them, without credentials.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch};
use axum::{Extension, Router};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{Json, Path};
use crate::auth::{CurrentUser, now};
use crate::db::Database;
use crate::db::exec::Executor;
use crate::db::internal::{Field, fetch_all, fetch_one};
use crate::error::{Error, FieldErrors, Result};
use crate::state::AppState;

/// History entries kept per user; older ones are dropped.
const HISTORY_LIMIT: i64 = 200;
/// Headers never stored: they carry credentials.
const CREDENTIAL_HEADERS: [&str; 4] = ["cookie", "authorization", "x-csrf-token", "proxy-authorization"];
const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
/// Bodies past this size are not kept (the explorer is for trying, not for bulk data).
/// Characters of a stored body (bytes are at most four times that).
const MAX_BODY: usize = 262_144;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/explorer/history", get(list_history).post(add_history).delete(clear_history))
        .route("/api/v1/explorer/saved", get(list_saved).post(save_request))
        .route("/api/v1/explorer/saved/{id}", patch(update_saved).delete(delete_saved))
}

/// A request kept by the explorer.
#[derive(Serialize, ToSchema)]
pub struct StoredRequest {
    /// Id.
    pub id: i64,
    /// `history` or `saved`.
    pub kind: String,
    /// Name of a saved request.
    pub name: Option<String>,
    /// HTTP method.
    #[schema(value_type = HttpMethod)]
    pub method: String,
    /// URL (path and query, or absolute).
    pub url: String,
    /// Request headers (credentials removed).
    pub headers: BTreeMap<String, String>,
    /// Request body.
    pub body: Option<String>,
    /// Response status (history).
    pub status: Option<i64>,
    /// Response time in milliseconds (history).
    pub duration_ms: Option<i64>,
    /// Response size in bytes (history).
    pub response_size: Option<i64>,
    /// Created, Unix seconds.
    pub created_at: i64,
    /// Last changed, Unix seconds.
    pub updated_at: i64,
}

/// A list of kept requests, newest first.
#[derive(Serialize, ToSchema)]
pub struct RequestList {
    /// The requests.
    pub requests: Vec<StoredRequest>,
}

/// A request that was sent, for the history.
#[derive(Deserialize, ToSchema)]
pub struct HistoryEntry {
    /// HTTP method.
    #[schema(value_type = HttpMethod)]
    pub method: String,
    /// URL: 1 to 8192 characters, not only blanks.
    #[schema(min_length = 1, max_length = 8192, pattern = r"[^ \t\r\n]")]
    pub url: String,
    /// Request headers (credentials are dropped before storing).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Request body, at most 262,144 characters.
    #[schema(max_length = 262144)]
    pub body: Option<String>,
    /// Response status (0 when no response came).
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    #[schema(minimum = 0, maximum = 999)]
    pub status: Option<i64>,
    /// Response time in milliseconds.
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    #[schema(minimum = 0)]
    pub duration_ms: Option<i64>,
    /// Response size in bytes.
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    #[schema(minimum = 0)]
    pub response_size: Option<i64>,
}

/// A request to save under a name.
#[derive(Deserialize, ToSchema)]
pub struct SavedRequest {
    /// Name shown in the list: 1 to 190 characters, not only blanks.
    #[schema(min_length = 1, max_length = 190, pattern = r"[^ \t\r\n]")]
    pub name: String,
    /// HTTP method.
    #[schema(value_type = HttpMethod)]
    pub method: String,
    /// URL: 1 to 8192 characters, not only blanks.
    #[schema(min_length = 1, max_length = 8192, pattern = r"[^ \t\r\n]")]
    pub url: String,
    /// Request headers (credentials are dropped before storing).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Request body, at most 262,144 characters.
    #[schema(max_length = 262144)]
    pub body: Option<String>,
}

/// Changes to a saved request.
#[derive(Deserialize, ToSchema)]
pub struct SavedRequestUpdate {
    /// New name.
    #[schema(min_length = 1, max_length = 190, pattern = r"[^ \t\r\n]")]
    pub name: Option<String>,
    /// New method.
    #[schema(value_type = Option<HttpMethod>)]
    pub method: Option<String>,
    /// New URL.
    #[schema(min_length = 1, max_length = 8192, pattern = r"[^ \t\r\n]")]
    pub url: Option<String>,
    /// New headers.
    pub headers: Option<BTreeMap<String, String>>,
    /// New body, at most 262,144 characters.
    #[schema(max_length = 262144)]
    pub body: Option<String>,
}

/// The methods the explorer sends (the schema of `method`; the handlers check the text).
#[derive(ToSchema)]
#[allow(dead_code, clippy::upper_case_acronyms)]
enum HttpMethod {
    GET,
    POST,
    PUT,
    PATCH,
    DELETE,
    HEAD,
    OPTIONS,
}

#[derive(Deserialize)]
struct Row {
    id: i64,
    kind: String,
    name: Option<String>,
    method: String,
    url: String,
    headers: String,
    body: Option<String>,
    status: Option<i64>,
    duration_ms: Option<i64>,
    response_size: Option<i64>,
    created_at: i64,
    updated_at: i64,
}

impl From<Row> for StoredRequest {
    fn from(r: Row) -> Self {
        StoredRequest {
            headers: serde_json::from_str(&r.headers).unwrap_or_default(),
            id: r.id,
            kind: r.kind,
            name: r.name,
            method: r.method,
            url: r.url,
            body: r.body,
            status: r.status,
            duration_ms: r.duration_ms,
            response_size: r.response_size,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

const TABLE: &str = "rubbie_explorer_requests";
const FIELDS: [Field<'static>; 12] = [
    ("id", TABLE, "id"),
    ("kind", TABLE, "kind"),
    ("name", TABLE, "name"),
    ("method", TABLE, "method"),
    ("url", TABLE, "url"),
    ("headers", TABLE, "headers"),
    ("body", TABLE, "body"),
    ("status", TABLE, "status"),
    ("duration_ms", TABLE, "duration_ms"),
    ("response_size", TABLE, "response_size"),
    ("created_at", TABLE, "created_at"),
    ("updated_at", TABLE, "updated_at"),
];

/// Checks method, URL, body and name; returns the headers as stored (no credentials).
fn checked(
    method: &str,
    url: &str,
    headers: &BTreeMap<String, String>,
    body: Option<&str>,
    name: Option<&str>,
) -> Result<String> {
    let mut fields = FieldErrors::new();
    if !METHODS.contains(&method) {
        fields.insert("method".into(), vec![format!("one of {}", METHODS.join(", "))]);
    }
    if crate::text::name(url, 8192).is_none() {
        fields.insert("url".into(), vec!["must be 1 to 8192 characters".into()]);
    }
    if body.is_some_and(|b| b.chars().count() > MAX_BODY) {
        fields.insert("body".into(), vec![format!("at most {MAX_BODY} characters are kept")]);
    }
    if let Some(name) = name
        && crate::text::name(name, 190).is_none()
    {
        fields.insert("name".into(), vec!["must be 1 to 190 characters".into()]);
    }
    if !fields.is_empty() {
        return Err(Error::fields("", fields));
    }
    let kept: BTreeMap<&String, &String> =
        headers.iter().filter(|(k, _)| !CREDENTIAL_HEADERS.contains(&k.to_ascii_lowercase().as_str())).collect();
    serde_json::to_string(&kept).map_err(Error::internal)
}

async fn list(db: &Database, user: i64, kind: &str) -> Result<Vec<StoredRequest>> {
    let query = Query::select()
        .from(TABLE)
        .and_where(Expr::col("user_id").eq(user))
        .and_where(Expr::col("kind").eq(kind))
        .order_by("id", Order::Desc)
        .limit(HISTORY_LIMIT as u64)
        .to_owned();
    let rows: Vec<Row> = fetch_all(db, &FIELDS, query).await?;
    Ok(rows.into_iter().map(StoredRequest::from).collect())
}

async fn get_one(db: &Database, user: i64, kind: &str, id: i64) -> Result<StoredRequest> {
    let query = Query::select()
        .from(TABLE)
        .and_where(Expr::col("user_id").eq(user))
        .and_where(Expr::col("kind").eq(kind))
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let row: Option<Row> = fetch_one(db, &FIELDS, query).await?;
    row.map(StoredRequest::from).ok_or_else(|| Error::NotFound(format!("no {kind} request {id}")))
}

/// Inserts and returns the new row (looked up by the highest id of this user and kind, inside
/// one transaction).
async fn insert(
    db: &Database,
    user: i64,
    kind: &str,
    values: Vec<(&'static str, sea_query::Value)>,
) -> Result<StoredRequest> {
    let t = now();
    let mut columns = vec!["user_id", "kind", "created_at", "updated_at"];
    let mut row: Vec<sea_query::Expr> = vec![user.into(), kind.into(), t.into(), t.into()];
    for (column, value) in values {
        columns.push(column);
        row.push(Expr::val(value));
    }
    let insert = Query::insert().into_table(TABLE).columns(columns).values(row).map_err(Error::internal)?.to_owned();
    let mut tx = db.begin().await?;
    tx.execute(&insert).await?;
    let newest = Query::select()
        .expr(Expr::col("id").max())
        .from(TABLE)
        .and_where(Expr::col("user_id").eq(user))
        .and_where(Expr::col("kind").eq(kind))
        .to_owned();
    let id = tx
        .fetch_integers(&newest)
        .await?
        .first()
        .copied()
        .ok_or_else(|| Error::internal("inserted request vanished"))?;
    tx.commit().await?;
    get_one(db, user, kind, id).await
}

/// The user's request history, newest first.
#[utoipa::path(get, path = "/api/v1/explorer/history", tag = "explorer", responses((status = 200, body = RequestList)))]
pub(crate) async fn list_history(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<Json<RequestList>> {
    Ok(Json(RequestList { requests: list(state.db(), user.id, "history").await? }))
}

/// Records a sent request in the history (credentials in headers are dropped).
#[utoipa::path(post, path = "/api/v1/explorer/history", tag = "explorer", request_body = HistoryEntry,
    responses((status = 201, body = StoredRequest), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn add_history(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Json(req): Json<HistoryEntry>,
) -> Result<(StatusCode, Json<StoredRequest>)> {
    let headers = checked(&req.method, &req.url, &req.headers, req.body.as_deref(), None)?;
    let mut fields = FieldErrors::new();
    if req.status.is_some_and(|s| !(0..=999).contains(&s)) {
        fields.insert("status".into(), vec!["must be 0 to 999".into()]);
    }
    for (name, value) in [("duration_ms", req.duration_ms), ("response_size", req.response_size)] {
        if value.is_some_and(|v| v < 0) {
            fields.insert(name.into(), vec!["must not be negative".into()]);
        }
    }
    if !fields.is_empty() {
        return Err(Error::fields("", fields));
    }
    let stored = insert(
        state.db(),
        user.id,
        "history",
        vec![
            ("method", req.method.into()),
            ("url", req.url.into()),
            ("headers", headers.into()),
            ("body", req.body.into()),
            ("status", req.status.into()),
            ("duration_ms", req.duration_ms.into()),
            ("response_size", req.response_size.into()),
        ],
    )
    .await?;
    // Keep the newest HISTORY_LIMIT entries.
    let prune = Query::delete()
        .from_table(TABLE)
        .and_where(Expr::col("user_id").eq(user.id))
        .and_where(Expr::col("kind").eq("history"))
        .and_where(Expr::col("id").lte(stored.id - HISTORY_LIMIT))
        .to_owned();
    state.db().pooled().execute(&prune).await?;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Clears the user's history.
#[utoipa::path(delete, path = "/api/v1/explorer/history", tag = "explorer", responses((status = 204, description = "cleared")))]
pub(crate) async fn clear_history(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<StatusCode> {
    let delete = Query::delete()
        .from_table(TABLE)
        .and_where(Expr::col("user_id").eq(user.id))
        .and_where(Expr::col("kind").eq("history"))
        .to_owned();
    state.db().pooled().execute(&delete).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The user's saved requests, newest first.
#[utoipa::path(get, path = "/api/v1/explorer/saved", tag = "explorer", responses((status = 200, body = RequestList)))]
pub(crate) async fn list_saved(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<Json<RequestList>> {
    Ok(Json(RequestList { requests: list(state.db(), user.id, "saved").await? }))
}

/// Saves a request under a name.
#[utoipa::path(post, path = "/api/v1/explorer/saved", tag = "explorer", request_body = SavedRequest,
    responses((status = 201, body = StoredRequest), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn save_request(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Json(req): Json<SavedRequest>,
) -> Result<(StatusCode, Json<StoredRequest>)> {
    let headers = checked(&req.method, &req.url, &req.headers, req.body.as_deref(), Some(&req.name))?;
    let values = vec![
        ("name", req.name.trim().into()),
        ("method", req.method.into()),
        ("url", req.url.into()),
        ("headers", headers.into()),
        ("body", req.body.into()),
    ];
    Ok((StatusCode::CREATED, Json(insert(state.db(), user.id, "saved", values).await?)))
}

/// Renames or changes a saved request.
#[utoipa::path(patch, path = "/api/v1/explorer/saved/{id}", tag = "explorer", request_body = SavedRequestUpdate,
    params(("id" = i64, Path, description = "saved request id")),
    responses((status = 200, body = StoredRequest), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn update_saved(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Json(req): Json<SavedRequestUpdate>,
) -> Result<Json<StoredRequest>> {
    let current = get_one(state.db(), user.id, "saved", id).await?;
    let name = req.name.unwrap_or(current.name.unwrap_or_default());
    let method = req.method.unwrap_or(current.method);
    let url = req.url.unwrap_or(current.url);
    let headers = req.headers.unwrap_or(current.headers);
    let body = req.body.or(current.body);
    let headers = checked(&method, &url, &headers, body.as_deref(), Some(&name))?;
    let update = Query::update()
        .table(TABLE)
        .values([
            ("name", name.trim().into()),
            ("method", method.into()),
            ("url", url.into()),
            ("headers", headers.into()),
            ("body", body.into()),
            ("updated_at", now().into()),
        ])
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("user_id").eq(user.id))
        .to_owned();
    state.db().pooled().execute(&update).await?;
    Ok(Json(get_one(state.db(), user.id, "saved", id).await?))
}

/// Deletes a saved request.
#[utoipa::path(delete, path = "/api/v1/explorer/saved/{id}", tag = "explorer",
    params(("id" = i64, Path, description = "saved request id")),
    responses((status = 204, description = "deleted"), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_saved(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    let delete = Query::delete()
        .from_table(TABLE)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("user_id").eq(user.id))
        .and_where(Expr::col("kind").eq("saved"))
        .to_owned();
    match state.db().pooled().execute(&delete).await?.rows_affected {
        0 => Err(Error::NotFound(format!("no saved request {id}"))),
        _ => Ok(StatusCode::NO_CONTENT),
    }
}
