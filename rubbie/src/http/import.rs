//! `POST /tables/{table}/import`: a CSV, JSON or NDJSON file into a table, all or nothing.
//! The file is the request body; fields map to columns by name unless `mapping` says otherwise.

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::{IntoParams, ToSchema};

use super::extract::{Json as JsonBody, Path, Query, RequestAccess};
use crate::db::schema::{Column, ColumnKind, Table};
use crate::error::{Error, FieldErrors, Result, RowProblem};
use crate::query::import::{self, Origin, Record};
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/tables/{table}/import", post(import_rows))
}

/// Query parameters of an import.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `csv` (with a header line), `json` (an array of objects) or `ndjson` (an object per
    /// line); by default taken from the Content-Type.
    #[param(inline, value_type = Option<super::export::Format>)]
    pub format: Option<String>,
    /// JSON object: file field → column name, or null to skip the field. Fields it does not
    /// name go to the column of the same name.
    pub mapping: Option<String>,
    /// `true`: check every row, database constraints included, then roll back.
    pub dry_run: Option<bool>,
}

/// What an import did.
#[derive(Serialize, ToSchema)]
pub struct ImportResult {
    /// Rows read from the file.
    pub rows: u64,
    /// Rows written (0 in a dry run).
    pub inserted: u64,
    /// Whether this was a dry run.
    pub dry_run: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Json,
    Ndjson,
}

fn format_of(param: Option<&str>, headers: &HeaderMap) -> Result<Format> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let name = param.unwrap_or_else(|| content_type.split(';').next().unwrap_or_default().trim());
    match name {
        "csv" | "text/csv" => Ok(Format::Csv),
        "json" | "application/json" => Ok(Format::Json),
        "ndjson" | "application/x-ndjson" | "application/ndjson" | "application/jsonl" => Ok(Format::Ndjson),
        "" => Err(Error::BadRequest("format: give format=csv, json or ndjson (or a matching Content-Type)".into())),
        other => Err(Error::BadRequest(format!("format: {other:?} is not one of csv, json, ndjson"))),
    }
}

/// File field → column (None: skipped).
struct Mapping(HashMap<String, Option<String>>);

impl Mapping {
    fn parse(param: Option<&str>, table: &Table) -> Result<Self> {
        let map: HashMap<String, Option<String>> = match param.filter(|p| !p.trim().is_empty()) {
            None => HashMap::new(),
            Some(text) => serde_json::from_str(text).map_err(|e| {
                Error::BadRequest(format!("mapping: expected a JSON object of field → column or null ({e})"))
            })?,
        };
        let mut fields = FieldErrors::new();
        for (field, column) in &map {
            if let Some(column) = column
                && table.column(column).is_none()
            {
                fields.entry(field.clone()).or_default().push(format!("no column {column:?} in {}", table.name));
            }
        }
        if !fields.is_empty() {
            return Err(Error::fields("mapping", fields));
        }
        Ok(Mapping(map))
    }

    fn column<'f>(&'f self, field: &'f str) -> Option<&'f str> {
        match self.0.get(field) {
            Some(target) => target.as_deref(),
            None => Some(field),
        }
    }

    /// An object's fields renamed to their columns; skipped fields dropped.
    fn apply(&self, object: serde_json::Map<String, Json>) -> Json {
        Json::Object(
            object.into_iter().filter_map(|(field, value)| Some((self.column(&field)?.to_owned(), value))).collect(),
        )
    }
}

/// A CSV cell as the JSON value a request body would give for the column: empty is null (or
/// the empty string for a NOT NULL text column), booleans in their usual spellings, JSON parsed.
fn csv_value(column: &Column, cell: &str) -> std::result::Result<Json, String> {
    if cell.is_empty() {
        let empty_text = column.kind == ColumnKind::Text && !column.nullable;
        return Ok(if empty_text { Json::String(String::new()) } else { Json::Null });
    }
    match column.kind {
        ColumnKind::Boolean => match cell.trim().to_ascii_lowercase().as_str() {
            "true" | "t" | "1" | "yes" | "y" => Ok(Json::Bool(true)),
            "false" | "f" | "0" | "no" | "n" => Ok(Json::Bool(false)),
            _ => Err("expected true or false".into()),
        },
        ColumnKind::Json => serde_json::from_str(cell).map_err(|e| format!("not valid JSON ({e})")),
        _ => Ok(Json::String(cell.to_owned())),
    }
}

type Records<'a> = Box<dyn Iterator<Item = std::result::Result<Record, RowProblem>> + Send + 'a>;

fn csv_records<'a>(bytes: &'a [u8], table: &'a Table, mapping: &Mapping) -> Result<Records<'a>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF".as_slice()).unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header = reader.headers().map_err(|e| Error::field("file", format!("line 1: unreadable CSV header ({e})")))?;
    let mut fields = FieldErrors::new();
    let mut targets: Vec<Option<&'a Column>> = Vec::new();
    for field in header {
        let target = mapping.column(field).map(|name| (name, table.column(name)));
        match target {
            Some((name, None)) => fields
                .entry(field.to_owned())
                .or_default()
                .push(format!("no column {name:?} in {}: map this field to a column or skip it", table.name)),
            Some((_, Some(c))) if targets.iter().flatten().any(|t| t.name == c.name) => fields
                .entry(field.to_owned())
                .or_default()
                .push(format!("column {} is filled by another field", c.name)),
            _ => {}
        }
        targets.push(target.and_then(|(_, c)| c));
    }
    if !fields.is_empty() {
        return Err(Error::fields("file header", fields));
    }
    let records = reader.into_records().enumerate().map(move |(i, item)| {
        let row = i as u64 + 1;
        let record = item.map_err(|e| {
            let line = e.position().map(|p| p.line());
            let message = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                    format!("expected {expected_len} fields, found {len}")
                }
                _ => format!("unreadable CSV ({e})"),
            };
            RowProblem { row, line, column: None, message }
        })?;
        let origin = Origin { row, line: record.position().map(|p| p.line()) };
        let mut object = serde_json::Map::new();
        for (cell, target) in record.iter().zip(&targets) {
            let Some(column) = target else { continue };
            let value = csv_value(column, cell).map_err(|m| origin.problem(Some(&column.name), m))?;
            object.insert(column.name.clone(), value);
        }
        Ok(Record { origin, values: Json::Object(object) })
    });
    Ok(Box::new(records))
}

fn object_record(value: Json, origin: Origin, mapping: &Mapping) -> std::result::Result<Record, RowProblem> {
    match value {
        Json::Object(object) => Ok(Record { origin, values: mapping.apply(object) }),
        _ => Err(origin.problem(None, "expected a JSON object of column values")),
    }
}

fn json_records<'a>(bytes: &'a [u8], mapping: &'a Mapping) -> Result<Records<'a>> {
    let items: Vec<Json> = serde_json::from_slice(bytes).map_err(|e| {
        Error::field("file", format!("line {} column {}: expected a JSON array of objects ({e})", e.line(), e.column()))
    })?;
    Ok(Box::new(
        items.into_iter().enumerate().map(|(i, v)| object_record(v, Origin { row: i as u64 + 1, line: None }, mapping)),
    ))
}

fn ndjson_records<'a>(bytes: &'a [u8], mapping: &'a Mapping) -> Result<Records<'a>> {
    let text = std::str::from_utf8(bytes).map_err(|e| Error::field("file", format!("not UTF-8 text ({e})")))?;
    let lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    Ok(Box::new(lines.enumerate().map(|(row, (line, text))| {
        let origin = Origin { row: row as u64 + 1, line: Some(line as u64 + 1) };
        let value = serde_json::from_str(text).map_err(|e| origin.problem(None, format!("invalid JSON ({e})")))?;
        object_record(value, origin, mapping)
    })))
}

/// Imports a file into the table in one transaction: every row or none, each with its audit
/// entry. Problems come back as a 422 whose `problems` name the row, the file line and the column.
#[utoipa::path(post, path = "/api/v1/tables/{table}/import", tag = "rows",
    params(("table" = String, Path, description = "table name"), ImportParams),
    request_body(description = "the file: CSV with a header line, a JSON array of objects, or NDJSON",
                 content((String = "text/csv"), (Vec<HashMap<String, Value>> = "application/json"),
                         (String = "application/x-ndjson"))),
    responses((status = 200, body = ImportResult), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 413, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn import_rows(
    State(state): State<AppState>,
    RequestAccess(access): RequestAccess,
    actor: crate::audit::Actor,
    Path(table): Path<String>,
    Query(params): Query<ImportParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<JsonBody<ImportResult>> {
    let table = state.table_for(&table, &access).await?;
    let format = format_of(params.format.as_deref(), &headers)?;
    let mapping = Mapping::parse(params.mapping.as_deref(), &table)?;
    let limit = state.config.import_limit;
    let bytes = axum::body::to_bytes(body, limit).await.map_err(|_| {
        Error::TooLarge(format!("the file is larger than the import limit of {} MiB", limit / (1024 * 1024)))
    })?;
    let records = match format {
        Format::Csv => csv_records(&bytes, &table, &mapping)?,
        Format::Json => json_records(&bytes, &mapping)?,
        Format::Ndjson => ndjson_records(&bytes, &mapping)?,
    };
    let dry_run = params.dry_run.unwrap_or(false);
    let outcome = import::import(state.db(), &state.schema(), &table, records, &access, &actor, dry_run).await?;
    Ok(JsonBody(ImportResult { rows: outcome.rows, inserted: outcome.inserted, dry_run }))
}
