//! Rows as JSON built by the database itself: one JSON object per row, in the column order of
//! the table, with faithful types (booleans, exact decimals, ISO-8601 times, embedded JSON,
//! base64 bytes). rubbie passes the bytes through instead of decoding every cell.

use base64::Engine;
use serde_json::value::RawValue;

use super::Backend;
use super::schema::{Column, ColumnKind};
use crate::error::{Error, Result};

/// Quotes an identifier for the backend. Only ever called with names checked against the schema.
pub(crate) fn quote_ident(backend: Backend, name: &str) -> String {
    match backend {
        Backend::Mysql => format!("`{}`", name.replace('`', "``")),
        Backend::Sqlite | Backend::Postgres => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

/// Quotes a string literal (column names as JSON keys). MySQL also treats `\` as an escape.
fn quote_literal(backend: Backend, s: &str) -> String {
    let s = s.replace('\'', "''");
    match backend {
        Backend::Mysql => format!("'{}'", s.replace('\\', "\\\\")),
        _ => format!("'{s}'"),
    }
}

/// The bundled SQLite takes up to 1000 function arguments: 500 columns per `json_object`. Wider
/// tables are merged with `json_patch`, which drops null members of the later chunks.
const SQLITE_PAIRS_PER_OBJECT: usize = 500;

/// PostgreSQL functions take at most 100 arguments: 50 key/value pairs.
const PG_PAIRS_PER_OBJECT: usize = 50;

/// An SQL expression producing the row's JSON object as text, for a query over `table`.
pub(crate) fn row_json_sql(backend: Backend, table: &str, columns: &[&Column]) -> String {
    let t = quote_ident(backend, table);
    let cell = |c: &Column| format!("{t}.{}", quote_ident(backend, &c.name));
    match backend {
        Backend::Postgres => {
            let value = |c: &Column| match c.kind {
                ColumnKind::Bytes => format!("translate(encode({}, 'base64'), E'\\n', '')", cell(c)),
                _ => cell(c),
            };
            // json_build_object needs no subplan per row (measurably faster for a page), but
            // takes at most 100 arguments; wider rows go through row_to_json of a subselect.
            if columns.len() <= PG_PAIRS_PER_OBJECT {
                let pairs: Vec<String> =
                    columns.iter().map(|c| format!("{}, {}", quote_literal(backend, &c.name), value(c))).collect();
                return format!("json_build_object({})::text", pairs.join(", "));
            }
            let fields: Vec<String> =
                columns.iter().map(|c| format!("{} AS {}", value(c), quote_ident(backend, &c.name))).collect();
            format!("(SELECT row_to_json(r)::text FROM (SELECT {}) r)", fields.join(", "))
        }
        Backend::Sqlite => {
            let objects: Vec<String> = columns
                .chunks(SQLITE_PAIRS_PER_OBJECT)
                .map(|chunk| {
                    let pairs: Vec<String> = chunk
                        .iter()
                        .map(|c| {
                            let v = cell(c);
                            let value = match c.kind {
                                ColumnKind::Boolean => format!(
                                    "CASE WHEN {v} IS NULL THEN NULL WHEN {v} THEN json('true') ELSE json('false') END"
                                ),
                                ColumnKind::Json => format!("CASE WHEN json_valid({v}) THEN json({v}) ELSE {v} END"),
                                ColumnKind::Bytes => format!("CASE WHEN {v} IS NULL THEN NULL ELSE hex({v}) END"),
                                _ => v,
                            };
                            format!("{}, {value}", quote_literal(backend, &c.name))
                        })
                        .collect();
                    format!("json_object({})", pairs.join(", "))
                })
                .collect();
            objects.into_iter().reduce(|a, b| format!("json_patch({a}, {b})")).unwrap_or_else(|| "json_object()".into())
        }
        Backend::Mysql => {
            let pairs: Vec<String> = columns
                .iter()
                .map(|c| {
                    let v = cell(c);
                    let value = match c.kind {
                        ColumnKind::Boolean => format!(
                            "IF({v} IS NULL, NULL, IF({v}, JSON_EXTRACT('true', '$'), JSON_EXTRACT('false', '$')))"
                        ),
                        ColumnKind::Datetime => {
                            let fraction = if c.db_type.contains('(') { ".%f" } else { "" };
                            format!("DATE_FORMAT({v}, '%Y-%m-%dT%H:%i:%s{fraction}')")
                        }
                        ColumnKind::Bytes => format!("REPLACE(TO_BASE64({v}), '\\n', '')"),
                        ColumnKind::Time => format!("CAST({v} AS CHAR)"),
                        _ => v,
                    };
                    format!("{}, {value}", quote_literal(backend, &c.name))
                })
                .collect();
            format!("CAST(JSON_OBJECT({}) AS CHAR)", pairs.join(", "))
        }
    }
}

/// Whether rows of these columns need a pass in Rust after the database built them
/// (SQLite has no base64, so bytes arrive as hex).
pub(crate) fn needs_fixup(backend: Backend, columns: &[&Column]) -> bool {
    backend == Backend::Sqlite && columns.iter().any(|c| c.kind == ColumnKind::Bytes)
}

/// Re-encodes SQLite's hex bytes as base64 in one row.
pub(crate) fn fixup_row(row: &str, columns: &[&Column]) -> Result<String> {
    let mut value: serde_json::Map<String, serde_json::Value> = serde_json::from_str(row).map_err(Error::internal)?;
    for c in columns.iter().filter(|c| c.kind == ColumnKind::Bytes) {
        if let Some(serde_json::Value::String(h)) = value.get_mut(&c.name) {
            let bytes = hex::decode(&*h).map_err(Error::internal)?;
            *h = base64::engine::general_purpose::STANDARD.encode(bytes);
        }
    }
    serde_json::to_string(&value).map_err(Error::internal)
}

/// Joins per-row JSON objects into one JSON array without re-parsing them.
pub(crate) fn json_array(rows: Vec<String>) -> Result<Box<RawValue>> {
    let mut out = String::with_capacity(rows.iter().map(|r| r.len() + 1).sum::<usize>() + 2);
    out.push('[');
    for (i, row) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(row);
    }
    out.push(']');
    RawValue::from_string(out).map_err(Error::internal)
}

/// A JSON object of plain integer/text columns (rubbie's own tables), as text.
/// `fields` are `(key, table, column)`, all rubbie's own constant names.
pub(crate) fn plain_object_sql(backend: Backend, fields: &[(&str, &str, &str)]) -> String {
    let pairs: Vec<String> = fields
        .iter()
        .map(|(key, table, column)| {
            format!("{}, {}.{}", quote_literal(backend, key), quote_ident(backend, table), quote_ident(backend, column))
        })
        .collect();
    match backend {
        Backend::Sqlite => format!("json_object({})", pairs.join(", ")),
        Backend::Postgres => format!("json_build_object({})::text", pairs.join(", ")),
        Backend::Mysql => format!("CAST(JSON_OBJECT({}) AS CHAR)", pairs.join(", ")),
    }
}
