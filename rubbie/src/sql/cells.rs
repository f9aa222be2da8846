//! Result cells of arbitrary SQL as JSON. PostgreSQL and MySQL send every value as text (the
//! runner uses the text protocol), so one reading covers every type, including ones rubbie has
//! never heard of; SQLite hands over its dynamic values. Integers beyond 2^53, decimals and
//! everything without a JSON counterpart stay text, bytes become base64, JSON is embedded.

use base64::Engine;
use serde_json::Value as Json;
use sqlx::{Decode, Row, ValueRef};

use crate::error::{Error, Result};

/// How a column's values turn into JSON, from the database's type name.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Kind {
    Integer,
    Float,
    Boolean,
    Json,
    Bytes,
    Text,
}

/// Largest integer a JSON number carries exactly in a browser.
const MAX_SAFE: i64 = (1 << 53) - 1;

impl Kind {
    /// From the type name sqlx reports (`INT8`, `BIGINT UNSIGNED`, `JSONB`, `BLOB`...).
    pub(crate) fn of(type_name: &str) -> Kind {
        let t = type_name.to_ascii_uppercase();
        let base = t.split(['(', ' ']).next().unwrap_or_default();
        match base {
            "INT2" | "INT4" | "INT8" | "SMALLINT" | "INT" | "INTEGER" | "BIGINT" | "TINYINT" | "MEDIUMINT"
            | "SERIAL" | "BIGSERIAL" | "YEAR" | "OID" => Kind::Integer,
            "FLOAT4" | "FLOAT8" | "REAL" | "DOUBLE" | "FLOAT" => Kind::Float,
            "BOOL" | "BOOLEAN" => Kind::Boolean,
            "JSON" | "JSONB" => Kind::Json,
            "BYTEA" | "BLOB" | "TINYBLOB" | "MEDIUMBLOB" | "LONGBLOB" | "BINARY" | "VARBINARY" | "BIT" => Kind::Bytes,
            _ => Kind::Text,
        }
    }
}

/// The JSON of one textual cell (PostgreSQL's and MySQL's text protocol).
fn from_text(kind: Kind, bytes: &[u8], pg_bytea: bool) -> Json {
    if kind == Kind::Bytes {
        let raw = match (pg_bytea, bytes.strip_prefix(b"\\x")) {
            (true, Some(hex_digits)) => hex::decode(hex_digits).unwrap_or_else(|_| bytes.to_vec()),
            _ => bytes.to_vec(),
        };
        return Json::String(base64::engine::general_purpose::STANDARD.encode(raw));
    }
    let text = String::from_utf8_lossy(bytes);
    match kind {
        Kind::Integer => match text.parse::<i64>() {
            Ok(n) if (-MAX_SAFE..=MAX_SAFE).contains(&n) => Json::from(n),
            _ => Json::String(text.into_owned()),
        },
        Kind::Float => match text.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            Some(n) => Json::Number(n),
            None => Json::String(text.into_owned()),
        },
        Kind::Boolean => match text.as_ref() {
            "t" | "true" | "1" => Json::Bool(true),
            "f" | "false" | "0" => Json::Bool(false),
            _ => Json::String(text.into_owned()),
        },
        Kind::Json => serde_json::from_str(&text).unwrap_or_else(|_| Json::String(text.into_owned())),
        Kind::Bytes | Kind::Text => Json::String(text.into_owned()),
    }
}

/// A row type whose cells the runner can read.
pub(crate) trait Cells: Row {
    /// The row's cells as JSON, with `kinds` from the statement's columns.
    fn cells(&self, kinds: &[Kind]) -> Result<Vec<Json>>;
}

impl Cells for sqlx::postgres::PgRow {
    fn cells(&self, kinds: &[Kind]) -> Result<Vec<Json>> {
        (0..self.len())
            .map(|i| {
                let raw = self.try_get_raw(i)?;
                if raw.is_null() {
                    return Ok(Json::Null);
                }
                let kind = kinds.get(i).copied().unwrap_or(Kind::Text);
                Ok(from_text(kind, raw.as_bytes().map_err(Error::internal)?, true))
            })
            .collect()
    }
}

impl Cells for sqlx::mysql::MySqlRow {
    fn cells(&self, kinds: &[Kind]) -> Result<Vec<Json>> {
        (0..self.len())
            .map(|i| {
                let raw = self.try_get_raw(i)?;
                if raw.is_null() {
                    return Ok(Json::Null);
                }
                let kind = kinds.get(i).copied().unwrap_or(Kind::Text);
                let bytes = <&[u8] as Decode<sqlx::MySql>>::decode(raw).map_err(Error::internal)?;
                Ok(from_text(kind, bytes, false))
            })
            .collect()
    }
}

impl Cells for sqlx::sqlite::SqliteRow {
    fn cells(&self, kinds: &[Kind]) -> Result<Vec<Json>> {
        use sqlx::TypeInfo;
        (0..self.len())
            .map(|i| {
                let raw = self.try_get_raw(i)?;
                if raw.is_null() {
                    return Ok(Json::Null);
                }
                let declared = kinds.get(i).copied().unwrap_or(Kind::Text);
                let storage = raw.type_info().name().to_owned();
                let value = match storage.as_str() {
                    "INTEGER" => {
                        let n = <i64 as Decode<sqlx::Sqlite>>::decode(raw).map_err(Error::internal)?;
                        match (declared, n) {
                            (Kind::Boolean, 0 | 1) => Json::Bool(n == 1),
                            _ if (-MAX_SAFE..=MAX_SAFE).contains(&n) => Json::from(n),
                            _ => Json::String(n.to_string()),
                        }
                    }
                    "REAL" => {
                        let f = <f64 as Decode<sqlx::Sqlite>>::decode(raw).map_err(Error::internal)?;
                        serde_json::Number::from_f64(f).map_or_else(|| Json::String(f.to_string()), Json::Number)
                    }
                    "BLOB" => {
                        let bytes = <&[u8] as Decode<sqlx::Sqlite>>::decode(raw).map_err(Error::internal)?;
                        Json::String(base64::engine::general_purpose::STANDARD.encode(bytes))
                    }
                    _ => {
                        let text = <&str as Decode<sqlx::Sqlite>>::decode(raw).map_err(Error::internal)?;
                        if declared == Kind::Json { from_text(Kind::Json, text.as_bytes(), false) } else { text.into() }
                    }
                };
                Ok(value)
            })
            .collect()
    }
}

/// A cell as CSV text: strings as they are, NULL empty, the rest as JSON.
pub(crate) fn csv_text(cell: &Json) -> String {
    match cell {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_keep_their_meaning() {
        assert_eq!(from_text(Kind::Integer, b"42", false), Json::from(42));
        assert_eq!(from_text(Kind::Integer, b"9007199254740993", false), Json::from("9007199254740993"));
        assert_eq!(from_text(Kind::Float, b"NaN", false), Json::from("NaN"));
        assert_eq!(from_text(Kind::Boolean, b"t", false), Json::Bool(true));
        assert_eq!(from_text(Kind::Json, br#"{"a":1}"#, false), serde_json::json!({"a": 1}));
        assert_eq!(from_text(Kind::Bytes, b"\\x0001ff", true), Json::from("AAH/"));
        assert_eq!(from_text(Kind::Text, b"12.50", false), Json::from("12.50"));
        assert_eq!(Kind::of("BIGINT UNSIGNED"), Kind::Integer);
        assert_eq!(Kind::of("NUMERIC"), Kind::Text);
    }
}
