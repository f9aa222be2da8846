//! The audit log's API: list (filtered, keyset paged, newest first), one entry, a streamed
//! export, the chain check and revert.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{Json, Path, Query, RequestAccess};
use crate::audit::chain::{self, Verification};
use crate::audit::read::{self, AuditEntry, Filter};
use crate::audit::revert::{self, RevertPlan, RevertRequest};
use crate::audit::{Actor, Category, visibility};
use crate::error::{Error, Result};
use crate::permissions::Access;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/audit", get(list_entries))
        .route("/api/v1/audit/export", get(export_entries))
        .route("/api/v1/audit/verify", get(verify_chain))
        .route("/api/v1/audit/{id}", get(get_entry))
        .route("/api/v1/audit/{id}/revert", post(revert_entry))
}

const DEFAULT_LIMIT: u64 = 50;
const MAX_LIMIT: u64 = 200;
const MAX_TEXT: usize = 200;

/// Which entries (the list's and the export's filters).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// `row`, `tracking`, `permission`, `role`, `user`, `token`, `flag`, `view`, `session`,
    /// `migration` or `audit`.
    #[param(inline, value_type = Option<Category>)]
    pub category: Option<String>,
    /// User name of who made the change.
    pub user: Option<String>,
    /// Table name.
    pub table: Option<String>,
    /// A row's key as in row URLs (with `table`: that row's history).
    pub row_key: Option<String>,
    /// `insert`, `update`, `delete`, `create`, `track`, `login`, `login_failed`...
    pub action: Option<String>,
    /// Entries of one request.
    pub request_id: Option<String>,
    /// From this time on, Unix milliseconds (inclusive).
    pub from: Option<i64>,
    /// Before this time, Unix milliseconds.
    pub to: Option<i64>,
    /// Text in the summary or object (case-insensitive), at most 200 characters.
    #[param(max_length = 200)]
    pub text: Option<String>,
}

/// Which page of the list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditPaging {
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^[0-9]{0,18}$")]
    pub cursor: Option<String>,
    /// Page size, 1 to 200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}

impl AuditParams {
    fn filter(&self) -> Result<Filter> {
        let category = self
            .category
            .as_deref()
            .map(|c| Category::parse(c).ok_or_else(|| Error::BadRequest(format!("category: {c:?} is not a category"))))
            .transpose()?;
        if self.text.as_deref().is_some_and(|t| t.chars().count() > MAX_TEXT) {
            return Err(Error::BadRequest(format!("text: at most {MAX_TEXT} characters")));
        }
        let given = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        Ok(Filter {
            category,
            user: given(&self.user),
            table: given(&self.table),
            row_key: given(&self.row_key),
            action: given(&self.action),
            request_id: given(&self.request_id),
            from: self.from,
            to: self.to,
            text: given(&self.text),
            before_id: None,
            only_row_tables: None,
            except: None,
        })
    }
}

impl AuditPaging {
    /// Entries older than the cursor's.
    fn before_id(&self) -> Result<Option<i64>> {
        self.cursor
            .as_deref()
            .filter(|c| !c.is_empty())
            .map(|c| {
                // exactly the documented pattern: digits only (`parse` alone would take "+5")
                let digits = c.len() <= 18 && c.bytes().all(|b| b.is_ascii_digit());
                digits
                    .then(|| c.parse::<i64>().ok())
                    .flatten()
                    .ok_or_else(|| Error::BadRequest("cursor: not a cursor from this list".into()))
            })
            .transpose()
    }

    fn limit(&self) -> Result<u64> {
        match self.limit.unwrap_or(DEFAULT_LIMIT) {
            n if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            _ => Err(Error::BadRequest(format!("limit must be between 1 and {MAX_LIMIT}"))),
        }
    }
}

/// A page of entries.
#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditEntry>,
    /// Pass as `cursor` for older entries; null at the end.
    pub next_cursor: Option<String>,
}

/// Lists audit entries, newest first. Admins see every entry; other roles see the row entries
/// of rows they may select, without the columns they may not read.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams, AuditPaging),
    responses((status = 200, body = AuditPage), (status = 400, body = crate::error::ErrorBody)))]
pub(crate) async fn list_entries(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    Query(params): Query<AuditParams>,
    Query(paging): Query<AuditPaging>,
) -> Result<Json<AuditPage>> {
    let filter = Filter { before_id: paging.before_id()?, ..params.filter()? };
    let (entries, next) = visibility::page(state.db(), &state.schema(), &access, filter, paging.limit()?).await?;
    Ok(Json(AuditPage { entries, next_cursor: next.map(|id| id.to_string()) }))
}

/// One audit entry.
#[utoipa::path(get, path = "/api/v1/audit/{id}", tag = "audit",
    params(("id" = i64, Path, description = "entry id")),
    responses((status = 200, body = AuditEntry), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_entry(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    Path(id): Path<i64>,
) -> Result<Json<AuditEntry>> {
    let entry = read::one(state.db(), id).await?;
    visibility::visible(state.db(), &state.schema(), &access, vec![entry])
        .await?
        .pop()
        .map(Json)
        .ok_or_else(|| Error::NotFound(format!("no audit entry {id}")))
}

/// The export's format (its filters are the list's).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditExportParams {
    /// `csv` (default) or `ndjson`.
    #[param(inline, value_type = Option<AuditExportFormat>)]
    pub format: Option<String>,
}

/// The export's file formats (the schema of `format`; the handler matches the text).
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)]
enum AuditExportFormat {
    Csv,
    Ndjson,
}

const CSV_COLUMNS: [&str; 16] = [
    "id",
    "at",
    "user",
    "role",
    "via",
    "ip",
    "request_id",
    "category",
    "action",
    "table",
    "row_key",
    "object",
    "summary",
    "changed",
    "before",
    "after",
];

fn csv_row(e: &AuditEntry) -> String {
    let text = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    super::export::csv_line(
        [
            e.id.to_string(),
            e.at.to_string(),
            opt(&e.user),
            opt(&e.role),
            e.via.clone(),
            opt(&e.ip),
            opt(&e.request_id),
            e.category.as_str().to_owned(),
            e.action.clone(),
            opt(&e.table),
            opt(&e.row_key),
            opt(&e.object),
            e.summary.clone(),
            e.changed.join(" "),
            text(&e.before),
            text(&e.after),
        ]
        .into_iter(),
    )
}

/// Streams the matching entries (as the list would show them) as CSV or NDJSON, newest first.
#[utoipa::path(get, path = "/api/v1/audit/export", tag = "audit", params(AuditExportParams, AuditParams),
    responses((status = 200, description = "the entries, streamed",
               content((String = "text/csv"), (String = "application/x-ndjson"))),
              (status = 400, body = crate::error::ErrorBody)))]
pub(crate) async fn export_entries(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    Query(p): Query<AuditExportParams>,
    Query(params): Query<AuditParams>,
) -> Result<Response> {
    let csv = match p.format.as_deref().unwrap_or("csv") {
        "csv" => true,
        "ndjson" => false,
        other => return Err(Error::BadRequest(format!("format: {other:?} is not one of csv, ndjson"))),
    };
    let mut filter = params.filter()?;
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
    tokio::spawn(async move {
        if csv {
            let header = super::export::csv_line(CSV_COLUMNS.iter().map(|c| c.to_string()));
            if tx.send(Ok(Bytes::from(header))).await.is_err() {
                return;
            }
        }
        loop {
            let (entries, next) =
                match visibility::page(state.db(), &state.schema(), &access, filter.clone(), MAX_LIMIT).await {
                    Ok(page) => page,
                    Err(err) => {
                        tracing::error!(%err, "audit export failed midway");
                        let _ = tx.send(Err(std::io::Error::other("export failed"))).await;
                        return;
                    }
                };
            let mut chunk = String::new();
            for e in &entries {
                if csv {
                    chunk.push_str(&csv_row(e));
                } else {
                    chunk.push_str(&serde_json::to_string(e).unwrap_or_default());
                    chunk.push('\n');
                }
            }
            if tx.send(Ok(Bytes::from(chunk))).await.is_err() {
                return;
            }
            match next {
                Some(id) => filter.before_id = Some(id),
                None => return,
            }
        }
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let (content_type, name) = if csv { ("text/csv", "audit.csv") } else { ("application/x-ndjson", "audit.ndjson") };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// Checks every category's hash chain (admins only) and reports the first broken link.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = Verification), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn verify_chain(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
) -> Result<Json<Verification>> {
    if !matches!(access, Access::Admin) {
        return Err(Error::Forbidden("only an admin can check the audit chain".into()));
    }
    Ok(Json(chain::verify(state.db(), state.config.audit.key.as_deref()).await?))
}

/// Reverts an entry when it is safe: a row update, insert or delete, a permission rule or
/// import, a flag, a tracking decision. 409 when the target changed since (an admin may force
/// it); the revert is itself an entry.
#[utoipa::path(post, path = "/api/v1/audit/{id}/revert", tag = "audit", request_body = RevertRequest,
    params(("id" = i64, Path, description = "entry id")),
    responses((status = 200, body = RevertPlan), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn revert_entry(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    actor: Actor,
    Path(id): Path<i64>,
    Json(req): Json<RevertRequest>,
) -> Result<Json<RevertPlan>> {
    // The entry must be one the user may see.
    let entry = read::one(state.db(), id).await?;
    if visibility::visible(state.db(), &state.schema(), &access, vec![entry]).await?.is_empty() {
        return Err(Error::NotFound(format!("no audit entry {id}")));
    }
    Ok(Json(revert::revert(&state, &access, &actor, id, &req).await?))
}
