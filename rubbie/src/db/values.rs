//! JSON values from requests → SQL expressions with bound values, checked against the column's
//! kind first so a wrong type is a 422 naming the column, never a database error or a 500.

use base64::Engine;
use sea_query::{Expr, Value};
use serde_json::Value as Json;

use super::Backend;
use super::schema::{Column, ColumnKind};

/// Why a value does not fit a column (becomes a field error).
pub(crate) type Mismatch = String;

/// The SQL expression that writes or compares `value` as a value of `column`.
pub(crate) fn bind(backend: Backend, column: &Column, value: &Json) -> Result<Expr, Mismatch> {
    if value.is_null() {
        return Ok(Expr::cust("NULL"));
    }
    let bound = match column.kind {
        ColumnKind::Integer => Value::BigInt(Some(integer(value)?)),
        ColumnKind::Float => Value::Double(Some(float(value)?)),
        ColumnKind::Boolean => Value::Bool(Some(boolean(value)?)),
        ColumnKind::Decimal => Value::String(Some(decimal(value)?)),
        ColumnKind::Bytes => {
            let text = value.as_str().ok_or("expected base64 text")?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| "expected base64 text".to_owned())?;
            Value::Bytes(Some(bytes))
        }
        ColumnKind::Json => Value::String(Some(value.to_string())),
        ColumnKind::Date => Value::String(Some(temporal(value, is_date, "a date like 2024-05-31")?)),
        ColumnKind::Time => Value::String(Some(temporal(value, is_time, "a time like 13:45:00")?)),
        ColumnKind::Datetime => {
            let text = temporal(value, is_datetime, "a date and time like 2024-05-31T13:45:00Z")?;
            Value::String(Some(if backend == Backend::Mysql { mysql_datetime(&text) } else { text }))
        }
        ColumnKind::Uuid => {
            let text = value.as_str().ok_or("expected a UUID")?;
            if !is_uuid(text) {
                return Err("expected a UUID".into());
            }
            Value::String(Some(text.to_owned()))
        }
        ColumnKind::Enum => {
            let text = value.as_str().ok_or("expected text")?;
            if let Some(allowed) = &column.enum_values
                && !allowed.iter().any(|a| a == text)
            {
                return Err(format!("must be one of: {}", allowed.join(", ")));
            }
            Value::String(Some(text.to_owned()))
        }
        ColumnKind::Other if backend == Backend::Postgres && column.db_type.ends_with("[]") => {
            Value::String(Some(pg_array(value)?))
        }
        ColumnKind::Other if backend == Backend::Mysql && column.db_type.to_ascii_lowercase().starts_with("set(") => {
            Value::String(Some(mysql_set(&column.db_type, value)?))
        }
        ColumnKind::Text | ColumnKind::Other => Value::String(Some(scalar_text(value)?)),
    };
    // Postgres does not convert text parameters implicitly: cast to the column's own type.
    let needs_cast = backend == Backend::Postgres
        && matches!(
            column.kind,
            ColumnKind::Decimal
                | ColumnKind::Json
                | ColumnKind::Date
                | ColumnKind::Time
                | ColumnKind::Datetime
                | ColumnKind::Uuid
                | ColumnKind::Enum
                | ColumnKind::Other
        );
    Ok(if needs_cast {
        Expr::cust_with_values(format!("CAST($1 AS {})", column.db_type), [bound])
    } else {
        Expr::val(bound)
    })
}

fn integer(value: &Json) -> Result<i64, Mismatch> {
    match value {
        Json::Number(n) => n.as_i64().ok_or_else(|| "expected a whole number".to_owned()),
        Json::String(s) => s.trim().parse().map_err(|_| "expected a whole number".to_owned()),
        _ => Err("expected a whole number".into()),
    }
}

fn float(value: &Json) -> Result<f64, Mismatch> {
    let f = match value {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    };
    // inf/NaN would be stored, then break every JSON page that contains them.
    f.filter(|f| f.is_finite()).ok_or_else(|| "expected a finite number".to_owned())
}

fn boolean(value: &Json) -> Result<bool, Mismatch> {
    match value {
        Json::Bool(b) => Ok(*b),
        Json::String(s) if s == "true" => Ok(true),
        Json::String(s) if s == "false" => Ok(false),
        _ => Err("expected true or false".into()),
    }
}

/// Decimals travel as text so no digit is lost.
fn decimal(value: &Json) -> Result<String, Mismatch> {
    let text = match value {
        Json::Number(n) => n.to_string(),
        Json::String(s) => s.trim().to_owned(),
        _ => return Err("expected a decimal number".into()),
    };
    let digits = text.strip_prefix(['-', '+']).unwrap_or(&text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !(int.is_empty() && frac.is_empty())
        && int.chars().all(|c| c.is_ascii_digit())
        && frac.chars().all(|c| c.is_ascii_digit());
    if ok { Ok(text) } else { Err("expected a decimal number".into()) }
}

fn scalar_text(value: &Json) -> Result<String, Mismatch> {
    match value {
        Json::String(s) => Ok(s.clone()),
        Json::Number(n) => Ok(n.to_string()),
        Json::Bool(b) => Ok(b.to_string()),
        _ => Err("expected text".into()),
    }
}

/// PostgreSQL arrays dimensions at most this deep (the server's own limit).
const MAX_ARRAY_DIMENSIONS: usize = 6;

/// A JSON list (of lists) as a PostgreSQL array literal, `{"a","b",NULL}`; a string is taken as
/// a literal already (`{a,b}`), for the row editor's text box. The database checks the elements
/// against the element type (a bad one is named by the probe in `query::probe`).
fn pg_array(value: &Json) -> Result<String, Mismatch> {
    fn literal(value: &Json, depth: usize, out: &mut String) -> Result<(), Mismatch> {
        match value {
            Json::Array(items) if depth < MAX_ARRAY_DIMENSIONS => {
                out.push('{');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    literal(item, depth + 1, out)?;
                }
                out.push('}');
            }
            Json::Array(_) => return Err(format!("arrays nest at most {MAX_ARRAY_DIMENSIONS} deep")),
            Json::Null if depth > 0 => out.push_str("NULL"),
            Json::Object(_) | Json::Null => return Err("expected a list of values".into()),
            scalar => {
                let text = scalar_text(scalar)?;
                out.push('"');
                out.push_str(&text.replace('\\', "\\\\").replace('"', "\\\""));
                out.push('"');
            }
        }
        Ok(())
    }
    match value {
        Json::String(s) if s.trim_start().starts_with('{') => Ok(s.clone()),
        Json::Array(_) => {
            let mut out = String::new();
            literal(value, 0, &mut out)?;
            Ok(out)
        }
        _ => Err("expected a list of values, like [\"a\", \"b\"]".into()),
    }
}

/// A MySQL SET value: a list of its members (or the comma-separated text), each checked.
fn mysql_set(db_type: &str, value: &Json) -> Result<String, Mismatch> {
    let open = db_type.find('(').map(|i| i + 1).unwrap_or(0);
    let allowed = crate::db::introspect::parse_quoted_list(db_type[open..].trim_end_matches(')'));
    let members: Vec<String> = match value {
        Json::Array(items) => items.iter().map(scalar_text).collect::<Result<_, _>>()?,
        Json::String(s) if s.is_empty() => Vec::new(),
        Json::String(s) => s.split(',').map(str::to_owned).collect(),
        _ => return Err("expected a list of members".into()),
    };
    if let Some(bad) = members.iter().find(|m| !allowed.contains(m)) {
        return Err(format!("{bad:?} is not one of: {}", allowed.join(", ")));
    }
    Ok(members.join(","))
}

fn temporal(value: &Json, valid: fn(&str) -> bool, expected: &str) -> Result<String, Mismatch> {
    match value.as_str() {
        Some(s) if valid(s.trim()) => Ok(s.trim().to_owned()),
        _ => Err(format!("expected {expected}")),
    }
}

fn digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_date(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 3
        && digits(parts[0], 4)
        && digits(parts[1], 2)
        && digits(parts[2], 2)
        && (1..=12).contains(&parts[1].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&parts[2].parse::<u8>().unwrap_or(0))
}

fn is_time(s: &str) -> bool {
    let s = s.trim_end_matches('Z');
    let s = s.split(['+']).next().unwrap_or(s);
    let (hms, frac) = s.split_once('.').unwrap_or((s, "0"));
    let parts: Vec<&str> = hms.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts.iter().all(|p| digits(p, 2))
        && parts[0].parse::<u8>().unwrap_or(99) < 24
        && parts[1].parse::<u8>().unwrap_or(99) < 60
        && parts.get(2).is_none_or(|p| p.parse::<u8>().unwrap_or(99) < 61)
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
}

fn is_datetime(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', ' ']) else {
        return is_date(s);
    };
    let time = match time.rfind('-') {
        Some(i) if i > 0 => &time[..i],
        _ => time,
    };
    is_date(date) && is_time(time)
}

fn is_uuid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.len() == 5
        && [8, 4, 4, 4, 12].iter().zip(&groups).all(|(n, g)| g.len() == *n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// MySQL DATETIME takes no zone: drop a trailing `Z`/offset and the `T`.
fn mysql_datetime(s: &str) -> String {
    let s = s.trim_end_matches('Z');
    let s = match s.rfind(['+', '-']) {
        Some(i) if i > 10 => &s[..i],
        _ => s,
    };
    s.replacen('T', " ", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporal_formats() {
        assert!(is_date("2024-05-31"));
        assert!(!is_date("2024-13-01"));
        assert!(is_datetime("2024-05-31T13:45:00Z"));
        assert!(is_datetime("2024-05-31 13:45:00.123+02:00"));
        assert!(is_datetime("2024-05-31T13:45"));
        assert!(!is_datetime("yesterday"));
        assert!(is_time("13:45"));
        assert!(!is_time("25:00"));
        assert_eq!(mysql_datetime("2024-05-31T13:45:00Z"), "2024-05-31 13:45:00");
        assert_eq!(mysql_datetime("2024-05-31T13:45:00.5+02:00"), "2024-05-31 13:45:00.5");
    }

    #[test]
    fn decimals_keep_their_digits() {
        assert_eq!(decimal(&Json::String("12345678901234567890.12".into())).unwrap(), "12345678901234567890.12");
        assert!(decimal(&Json::String("12a".into())).is_err());
        assert!(decimal(&Json::String(".".into())).is_err());
    }

    #[test]
    fn postgres_arrays_and_mysql_sets() {
        let json = |s: &str| serde_json::from_str::<Json>(s).unwrap();
        assert_eq!(pg_array(&json(r#"["a", "b \"q\"", null]"#)).unwrap(), r#"{"a","b \"q\"",NULL}"#);
        assert_eq!(pg_array(&json("[[1, 2], [3, 4]]")).unwrap(), r#"{{"1","2"},{"3","4"}}"#);
        assert_eq!(pg_array(&json(r#""{x,y}""#)).unwrap(), "{x,y}");
        assert!(pg_array(&json(r#""plain""#)).is_err());
        assert!(pg_array(&json("[[[[[[[1]]]]]]]")).is_err(), "seven dimensions");
        let set = "set('red','green','blue')";
        assert_eq!(mysql_set(set, &json(r#"["red", "blue"]"#)).unwrap(), "red,blue");
        assert_eq!(mysql_set(set, &json(r#""green""#)).unwrap(), "green");
        assert!(mysql_set(set, &json(r#"["pink"]"#)).unwrap_err().contains("pink"));
    }

    #[test]
    fn uuids() {
        assert!(is_uuid("67e55044-10b1-426f-9247-bb680e5fe0c8"));
        assert!(!is_uuid("67e55044"));
    }
}
