//! The SQL runner's API (admins only): run one statement (a page of JSON, or the whole result
//! streamed as CSV or NDJSON), cancel a run, the user's history and their snippets.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Extension, Router};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::{IntoParams, ToSchema};

use super::export::csv_line;
use super::extract::{Json as JsonBody, Path, Query};
use super::users::require_admin;
use crate::audit::Actor;
use crate::auth::CurrentUser;
use crate::db::Backend;
use crate::error::{Error, Result};
use crate::sql::cells::csv_text;
use crate::sql::history::{self, SqlRun};
use crate::sql::runner::{Job, Started};
use crate::sql::snippets::{self, Snippet};
use crate::sql::{self, Explain, Mode, ResultColumn, explain, statement};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/sql", post(run_sql))
        .route("/api/v1/sql/cancel", post(cancel_run))
        .route("/api/v1/sql/history", get(list_sql_history))
        .route("/api/v1/sql/snippets", get(list_snippets).post(create_snippet))
        .route("/api/v1/sql/snippets/{id}", patch(update_snippet).delete(delete_snippet))
}

/// One statement to run.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SqlRequest {
    /// Exactly one statement (a trailing `;` and comments are fine). At most 100,000 characters.
    #[schema(min_length = 1, max_length = 100000)]
    pub sql: String,
    /// `read` (default): the database refuses every change. `write`: committed, audited.
    #[serde(default)]
    pub mode: Mode,
    /// The client's id for the run, to cancel it while it runs: 1–64 letters, digits, `-`, `_`
    /// (default: one is made up).
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub run_id: Option<String>,
    /// Rows returned as JSON, 1–10,000 (default 1,000); the result says when there were more.
    /// Exports (`format=csv|ndjson`) stream every row.
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    #[schema(minimum = 1, maximum = 10000)]
    pub max_rows: Option<u64>,
    /// The statement's time limit in milliseconds, 1–300,000 (default: the host's, 10 s).
    #[serde(default, deserialize_with = "super::lenient::opt_int")]
    #[schema(minimum = 1, maximum = 300000)]
    pub timeout_ms: Option<u64>,
    /// Show the plan instead of the rows (`analyze` runs the statement, always rolled back).
    pub explain: Option<Explain>,
}

/// How to answer.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SqlParams {
    /// `json` (default: a page of rows), or `csv` / `ndjson` (every row, streamed).
    #[param(inline, value_type = Option<SqlFormat>)]
    pub format: Option<String>,
}

/// The answer formats of `POST /api/v1/sql`.
#[derive(Clone, Copy, PartialEq, ToSchema)]
#[schema(rename_all = "lowercase")]
pub(crate) enum SqlFormat {
    Json,
    Csv,
    Ndjson,
}

impl SqlFormat {
    fn parse(s: Option<&str>) -> Result<Self> {
        match s.unwrap_or("json") {
            "json" => Ok(SqlFormat::Json),
            "csv" => Ok(SqlFormat::Csv),
            "ndjson" => Ok(SqlFormat::Ndjson),
            other => Err(Error::BadRequest(format!("format: {other:?} is not one of json, csv, ndjson"))),
        }
    }
}

/// What a statement returned.
#[derive(Serialize, ToSchema)]
pub struct SqlResult {
    /// The run's id.
    pub run_id: String,
    /// The result's columns, in order.
    pub columns: Vec<ResultColumn>,
    /// The rows, each an array in column order: numbers (integers beyond 2^53 and decimals as
    /// text), booleans, embedded JSON, base64 for bytes, text for the rest.
    #[schema(value_type = Vec<Vec<Object>>)]
    pub rows: Vec<Vec<Json>>,
    /// Rows the statement returned (a truncated read was stopped: the rows in `rows`).
    pub row_count: u64,
    /// Whether there were more rows than `rows` holds.
    pub truncated: bool,
    /// Rows the statement inserted, changed or deleted.
    pub rows_affected: u64,
    /// How long it ran on the database.
    pub elapsed_ms: u64,
    /// With `explain`: the plan as text.
    pub plan: Option<String>,
}

/// Runs one statement: read-only unless `mode` is `write`, stopped at its time limit.
#[utoipa::path(post, path = "/api/v1/sql", tag = "sql", params(SqlParams), request_body = SqlRequest,
    responses(
        (status = 200, description = "a page of the result (`format=json`), or every row streamed",
         content((SqlResult = "application/json"), (String = "text/csv"), (String = "application/x-ndjson"))),
        (status = 400, description = "not one statement, or the database refused it (`code` `sql`, with line and column where known)", body = crate::error::ErrorBody),
        (status = 403, body = crate::error::ErrorBody),
        (status = 408, description = "the statement ran past its time limit and was stopped", body = crate::error::ErrorBody),
        (status = 409, description = "the run was cancelled, or its `run_id` was used before", body = crate::error::ErrorBody),
        (status = 429, description = "too many runs at once", body = crate::error::ErrorBody)))]
pub(crate) async fn run_sql(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    actor: Actor,
    Query(params): Query<SqlParams>,
    JsonBody(req): JsonBody<SqlRequest>,
) -> Result<Response> {
    require_admin(&user)?;
    let format = SqlFormat::parse(params.format.as_deref())?;
    let max_rows = req.max_rows.unwrap_or(sql::DEFAULT_MAX_ROWS);
    if !(1..=sql::MAX_ROWS).contains(&max_rows) {
        return Err(Error::field("max_rows", format!("between 1 and {}", sql::MAX_ROWS)));
    }
    let job = job(&state, &user, actor, req).await?;
    let run_id = job.run_id.clone();
    let mut started = state.sql.start(state.db(), job).await?;
    let Ok(columns) = (&mut started.columns).await else {
        return Err(ended_with_error(started).await);
    };
    if format != SqlFormat::Json {
        // Until the first row (or the end) the status can still tell what went wrong.
        let first = started.rows.recv().await;
        if first.is_none() {
            finished(&mut started).await?;
            started = Started { done: tokio::spawn(async { Ok(crate::sql::runner::Summary::empty()) }), ..started };
        }
        return Ok(stream(format, columns, first, started));
    }
    let mut rows = Vec::new();
    let mut truncated = false;
    while let Some(row) = started.rows.recv().await {
        if rows.len() as u64 == max_rows {
            truncated = true;
            break;
        }
        rows.push(row);
    }
    started.rows.close();
    let summary = finished(&mut started).await?;
    let plan = started.explain.then(|| explain::plan_text(state.db().backend(), &rows));
    let result = SqlResult {
        run_id,
        columns,
        row_count: if summary.stopped_early { rows.len() as u64 } else { summary.rows },
        truncated: truncated || summary.rows > rows.len() as u64,
        rows,
        rows_affected: summary.rows_affected,
        elapsed_ms: summary.elapsed.as_millis() as u64,
        plan,
    };
    Ok(axum::Json(result).into_response())
}

/// Checks the request and makes the run of it.
async fn job(state: &AppState, user: &CurrentUser, actor: Actor, req: SqlRequest) -> Result<Job> {
    if req.sql.chars().count() > sql::MAX_SQL_CHARS {
        return Err(Error::field("sql", format!("at most {} characters", sql::MAX_SQL_CHARS)));
    }
    let run_id = match req.run_id {
        Some(id) if is_run_id(&id) => id,
        Some(_) => return Err(Error::field("run_id", "1–64 letters, digits, - or _")),
        None => hex::encode(rand::random::<[u8; 12]>()),
    };
    let timeout = match req.timeout_ms {
        None => state.config.sql_timeout,
        Some(ms) if (1..=sql::MAX_TIMEOUT.as_millis() as u64).contains(&ms) => std::time::Duration::from_millis(ms),
        Some(_) => return Err(Error::field("timeout_ms", format!("between 1 and {}", sql::MAX_TIMEOUT.as_millis()))),
    };
    let backend = state.db().backend();
    let statements = statement::split(backend, &req.sql);
    let statement = match statements.as_slice() {
        [one] => one.clone(),
        [] => return Err(Error::BadRequest("sql: there is no statement to run".into())),
        many => {
            return Err(Error::BadRequest(format!(
                "sql: {} statements; a run takes one (select the one to run)",
                many.len()
            )));
        }
    };
    let text = &req.sql[statement.clone()];
    if backend == Backend::Sqlite {
        let mut words = statement::words(backend, text);
        let first = words.next().unwrap_or_default();
        if first == "ATTACH" || first == "DETACH" || (first == "VACUUM" && words.any(|w| w == "INTO")) {
            return Err(Error::BadRequest(format!("sql: {first} reaches files outside the database; it is not run")));
        }
    }
    let prefix = match req.explain {
        Some(kind) => explain::prefix(backend, state.sql.is_mariadb(state.db()).await?, kind)?,
        None => "",
    };
    Ok(Job {
        run_id,
        user_id: user.id,
        submitted: req.sql,
        statement,
        mode: req.mode,
        explain: req.explain,
        prefix,
        timeout,
        actor,
    })
}

fn is_run_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The error a run that never produced columns ended with.
async fn ended_with_error(mut started: Started) -> Error {
    match finished(&mut started).await {
        Err(err) => err,
        Ok(_) => Error::internal("sql run ended without columns"),
    }
}

async fn finished(started: &mut Started) -> Result<crate::sql::runner::Summary> {
    started.cancel_on_drop.disarm();
    (&mut started.done).await.map_err(Error::internal)?
}

/// A streamed export's chunks grow to about this size while rows are waiting.
const CHUNK_BYTES: usize = 64 * 1024;

/// Every row as CSV or NDJSON, from the cursor to the socket. A statement that fails midway
/// fails the body, so the client sees the file is cut; a client that goes away cancels the run.
fn stream(format: SqlFormat, columns: Vec<ResultColumn>, first: Option<Vec<Json>>, started: Started) -> Response {
    let names = unique_names(&columns);
    let line = move |names: &[String], row: Vec<Json>| match format {
        SqlFormat::Csv => csv_line(row.iter().map(csv_text)),
        _ => {
            let object: serde_json::Map<String, Json> = names.iter().cloned().zip(row).collect();
            format!("{}\n", Json::Object(object))
        }
    };
    let mut head = match format {
        SqlFormat::Csv => csv_line(names.iter().cloned()),
        _ => String::new(),
    };
    if let Some(row) = first {
        head.push_str(&line(&names, row));
    }
    let state = (Some(head), started, names);
    let body = futures_util::stream::unfold(state, move |(head, mut started, names)| async move {
        if let Some(head) = head {
            return Some((Ok(Bytes::from(head)), (None, started, names)));
        }
        match started.rows.recv().await {
            Some(row) => {
                // The rows already waiting go out in the same chunk: one frame per row would
                // cost more than the row itself.
                let mut text = line(&names, row);
                while text.len() < CHUNK_BYTES {
                    let Ok(row) = started.rows.try_recv() else { break };
                    text.push_str(&line(&names, row));
                }
                Some((Ok(Bytes::from(text)), (None, started, names)))
            }
            None => match finished(&mut started).await {
                Ok(_) => None,
                Err(err) => {
                    tracing::warn!(%err, "sql export failed midway");
                    Some((Err(std::io::Error::other(err.to_string())), (None, started, names)))
                }
            },
        }
    });
    let (content_type, extension) = match format {
        SqlFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        _ => ("application/x-ndjson", "ndjson"),
    };
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"result.{extension}\"")),
        ],
        Body::from_stream(body),
    )
        .into_response()
}

/// Column names made unique for NDJSON keys (`id`, `id_2`...), as a result may repeat them.
fn unique_names(columns: &[ResultColumn]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    columns
        .iter()
        .map(|c| {
            let mut name = c.name.clone();
            let mut n = 1;
            while !seen.insert(name.clone()) {
                n += 1;
                name = format!("{}_{n}", c.name);
            }
            name
        })
        .collect()
}

/// Which run to stop.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    /// The `run_id` the run was started with.
    #[schema(pattern = "^[A-Za-z0-9_-]{1,64}$")]
    pub run_id: String,
}

/// A cancel that reached its run.
#[derive(Serialize, ToSchema)]
pub struct Cancelled {
    /// The run asked to stop; its own request answers 409 `cancelled` once it has.
    pub run_id: String,
}

/// Stops a running statement, on whichever instance it runs.
#[utoipa::path(post, path = "/api/v1/sql/cancel", tag = "sql", request_body = CancelRequest,
    responses((status = 202, body = Cancelled), (status = 404, description = "no such run is running", body = crate::error::ErrorBody)))]
pub(crate) async fn cancel_run(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    JsonBody(req): JsonBody<CancelRequest>,
) -> Result<(StatusCode, axum::Json<Cancelled>)> {
    require_admin(&user)?;
    if !is_run_id(&req.run_id) {
        return Err(Error::field("run_id", "1–64 letters, digits, - or _"));
    }
    if !state.sql.cancel(state.db(), &req.run_id).await? {
        return Err(Error::NotFound(format!("no run {:?} is running", req.run_id)));
    }
    Ok((StatusCode::ACCEPTED, axum::Json(Cancelled { run_id: req.run_id })))
}

/// Paging of the history.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Runs older than this history id (the previous page's last `id`).
    pub before: Option<i64>,
    /// Runs per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}

/// The user's runs.
#[derive(Serialize, ToSchema)]
pub struct SqlHistory {
    /// Newest first.
    pub runs: Vec<SqlRun>,
}

/// The current user's runs, newest first (the last 500 are kept).
#[utoipa::path(get, path = "/api/v1/sql/history", tag = "sql", params(HistoryParams),
    responses((status = 200, body = SqlHistory)))]
pub(crate) async fn list_sql_history(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Query(params): Query<HistoryParams>,
) -> Result<axum::Json<SqlHistory>> {
    require_admin(&user)?;
    let limit = params.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(Error::BadRequest("limit: between 1 and 200".into()));
    }
    Ok(axum::Json(SqlHistory { runs: history::list(state.db(), user.id, params.before, limit).await? }))
}

/// The user's snippets and the shared ones.
#[derive(Serialize, ToSchema)]
pub struct SnippetList {
    /// By name.
    pub snippets: Vec<Snippet>,
}

/// A new snippet.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSnippet {
    /// 1–190 characters, not only blanks.
    #[schema(min_length = 1, max_length = 190, pattern = "[^ \\t\\r\\n]")]
    pub name: String,
    /// The statement, at most 100,000 characters.
    #[schema(min_length = 1, max_length = 100000)]
    pub sql: String,
    /// Whether every admin sees it (default false).
    pub shared: Option<bool>,
}

/// The fields of a snippet to change.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SnippetInput {
    /// 1–190 characters, not only blanks.
    #[schema(min_length = 1, max_length = 190, pattern = "[^ \\t\\r\\n]")]
    pub name: Option<String>,
    /// The statement, at most 100,000 characters.
    #[schema(min_length = 1, max_length = 100000)]
    pub sql: Option<String>,
    /// Whether every admin sees it (default false).
    pub shared: Option<bool>,
}

impl SnippetInput {
    fn checked(&self) -> Result<(Option<&str>, Option<&str>)> {
        let name = match &self.name {
            Some(n) => Some(
                crate::text::name(n, 190).ok_or_else(|| Error::field("name", "1–190 characters, not only blanks"))?,
            ),
            None => None,
        };
        let sql = match &self.sql {
            Some(s) if s.is_empty() || s.chars().count() > sql::MAX_SQL_CHARS => {
                return Err(Error::field("sql", format!("1–{} characters", sql::MAX_SQL_CHARS)));
            }
            other => other.as_deref(),
        };
        Ok((name, sql))
    }
}

/// The user's snippets and those shared with every admin.
#[utoipa::path(get, path = "/api/v1/sql/snippets", tag = "sql", responses((status = 200, body = SnippetList)))]
pub(crate) async fn list_snippets(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
) -> Result<axum::Json<SnippetList>> {
    require_admin(&user)?;
    Ok(axum::Json(SnippetList { snippets: snippets::list(state.db(), user.id).await? }))
}

/// Saves a snippet.
#[utoipa::path(post, path = "/api/v1/sql/snippets", tag = "sql", request_body = NewSnippet,
    responses((status = 201, body = Snippet), (status = 409, description = "the user has 500 snippets", body = crate::error::ErrorBody)))]
pub(crate) async fn create_snippet(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    JsonBody(new): JsonBody<NewSnippet>,
) -> Result<(StatusCode, axum::Json<Snippet>)> {
    require_admin(&user)?;
    let input = SnippetInput { name: Some(new.name), sql: Some(new.sql), shared: new.shared };
    let (name, sql) = input.checked()?;
    let (Some(name), Some(sql)) = (name, sql) else {
        return Err(Error::internal("checked snippet fields went missing"));
    };
    let snippet = snippets::create(state.db(), user.id, name, sql, input.shared.unwrap_or(false)).await?;
    Ok((StatusCode::CREATED, axum::Json(snippet)))
}

/// Changes one of the user's snippets.
#[utoipa::path(patch, path = "/api/v1/sql/snippets/{id}", tag = "sql", request_body = SnippetInput,
    params(("id" = i64, Path, description = "snippet id")),
    responses((status = 200, body = Snippet), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn update_snippet(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<SnippetInput>,
) -> Result<axum::Json<Snippet>> {
    require_admin(&user)?;
    let (name, sql) = input.checked()?;
    Ok(axum::Json(snippets::update(state.db(), user.id, id, name, sql, input.shared).await?))
}

/// Deletes one of the user's snippets.
#[utoipa::path(delete, path = "/api/v1/sql/snippets/{id}", tag = "sql",
    params(("id" = i64, Path, description = "snippet id")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn delete_snippet(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<StatusCode> {
    require_admin(&user)?;
    snippets::delete(state.db(), user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
