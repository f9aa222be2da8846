//! Streamed exports of a table view (filter, sort, columns) as CSV, JSON or NDJSON. Rows flow
//! from the database cursor to the socket through a small bounded channel: memory stays flat
//! however many rows there are, and a slow client slows the query down instead of piling up.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::Value as Json;
use utoipa::IntoParams;

use super::extract::{Path, Query, RequestAccess};
use crate::db::json_row::{fixup_row, needs_fixup};
use crate::db::schema::Column;
use crate::error::{Error, Result};
use crate::query::read::{self, ReadRequest};
use crate::query::{filter, order};
use crate::state::AppState;

/// Rows buffered between the database and the socket.
const IN_FLIGHT: usize = 256;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/tables/{table}/export", get(export_rows))
}

/// What to export.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `csv` (default), `json` or `ndjson`.
    #[param(inline, value_type = Option<Format>)]
    pub format: Option<String>,
    /// Filter in the where language (JSON). At most 16 levels of nesting, 2,000 conditions and 10,000 values.
    #[serde(rename = "where")]
    #[param(rename = "where")]
    pub filter: Option<String>,
    /// Quick search across the readable text columns.
    pub search: Option<String>,
    /// Sort: `col,-col2`, at most 16 columns.
    pub order_by: Option<String>,
    /// Columns, comma-separated (default: all readable).
    pub columns: Option<String>,
}

/// A file format of exports and imports.
#[derive(Clone, Copy, PartialEq, utoipa::ToSchema)]
#[schema(as = FileFormat, rename_all = "lowercase")]
pub(crate) enum Format {
    Csv,
    Json,
    Ndjson,
}

impl Format {
    fn parse(s: Option<&str>) -> Result<Self> {
        match s.unwrap_or("csv") {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "ndjson" => Ok(Format::Ndjson),
            other => Err(Error::BadRequest(format!("format: {other:?} is not one of csv, json, ndjson"))),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Json => "application/json",
            Format::Ndjson => "application/x-ndjson",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Ndjson => "ndjson",
        }
    }
}

/// Turns rows (JSON objects from the database) into the export format, piece by piece.
struct Writer {
    format: Format,
    columns: Vec<Column>,
    rows: u64,
}

impl Writer {
    fn start(&self) -> String {
        match self.format {
            Format::Csv => csv_line(self.columns.iter().map(|c| c.name.clone())),
            Format::Json => "[".to_owned(),
            Format::Ndjson => String::new(),
        }
    }

    fn row(&mut self, row: &str) -> Result<String> {
        self.rows += 1;
        Ok(match self.format {
            Format::Json => format!("{}\n{row}", if self.rows == 1 { "" } else { "," }),
            Format::Ndjson => format!("{row}\n"),
            Format::Csv => {
                let value: serde_json::Map<String, Json> = serde_json::from_str(row).map_err(Error::internal)?;
                csv_line(self.columns.iter().map(|c| match value.get(&c.name) {
                    None | Some(Json::Null) => String::new(),
                    Some(Json::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                }))
            }
        })
    }

    fn end(&self) -> String {
        match self.format {
            Format::Json => "\n]\n".to_owned(),
            _ => String::new(),
        }
    }
}

/// One CSV record (RFC 4180): fields with a comma, quote or line break are quoted.
pub(crate) fn csv_line(fields: impl Iterator<Item = String>) -> String {
    let mut line = fields
        .map(|f| if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f })
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// Streams the current view of a table (all matching rows the user may read).
#[utoipa::path(get, path = "/api/v1/tables/{table}/export", tag = "rows",
    params(("table" = String, Path, description = "table name"), ExportParams),
    responses((status = 200, description = "the rows as CSV, JSON or NDJSON, streamed",
               content((String = "text/csv"), (Vec<serde_json::Value> = "application/json"), (String = "application/x-ndjson"))),
              (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn export_rows(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    Path(table): Path<String>,
    Query(params): Query<ExportParams>,
) -> Result<Response> {
    let format = Format::parse(params.format.as_deref())?;
    let table = state.table_for(&table, &access).await?;
    let request = ReadRequest {
        filter: params.filter.as_deref().filter(|w| !w.trim().is_empty()).map(filter::parse_param).transpose()?,
        search: params.search,
        order: order::parse(&table, params.order_by.as_deref())?,
        columns: params.columns.map(|c| c.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()),
    };
    let backend = state.db().backend();
    let export = read::export(backend, &state.schema(), &table, &request, &access)?;

    let fixup = needs_fixup(backend, &export.columns.iter().collect::<Vec<_>>());
    let mut writer = Writer { format, columns: export.columns, rows: 0 };
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(IN_FLIGHT);
    let db = state.db().clone();
    let query = export.query;
    tokio::spawn(async move {
        if tx.send(Ok(Bytes::from(writer.start()))).await.is_err() {
            return;
        }
        let columns = writer.columns.clone();
        let columns: Vec<&Column> = columns.iter().collect();
        let streamed = db
            .send_rows(&query, &tx, |row| {
                let row = if fixup { fixup_row(&row, &columns) } else { Ok(row) };
                row.and_then(|r| writer.row(&r)).map(Bytes::from).map_err(std::io::Error::other)
            })
            .await;
        let last = match streamed {
            Ok(()) => Ok(Bytes::from(writer.end())),
            Err(err) => {
                // The status line is long gone: failing the body tells the client the file is cut.
                tracing::error!(%err, "export failed midway");
                Err(std::io::Error::other("export failed"))
            }
        };
        let _ = tx.send(last).await;
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    let filename = format!("{}.{}", table.name.replace(['"', '\\', '/'], "_"), format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
        ],
        Body::from_stream(body),
    )
        .into_response())
}
