//! `order_by=col,-col2`: validated against the table, with the primary key appended as a
//! tie-breaker so pages are stable and keyset cursors are exact.

use crate::db::schema::Table;
use crate::error::{Error, Result};

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortKey {
    pub column: String,
    pub descending: bool,
    /// Added for stable pages, not asked for (dropped for roles that may not read it).
    pub tie_breaker: bool,
}

/// Parses `order_by` and completes it with the primary key (or every column when there is none).
pub(crate) fn parse(table: &Table, param: Option<&str>) -> Result<Vec<SortKey>> {
    let mut keys: Vec<SortKey> = Vec::new();
    for part in param.unwrap_or_default().split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (descending, name) = match part.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, part.strip_prefix('+').unwrap_or(part)),
        };
        if table.column(name).is_none() {
            return Err(Error::BadRequest(format!("order_by: unknown column {name:?} in {}", table.name)));
        }
        if keys.iter().any(|k| k.column == name) {
            return Err(Error::BadRequest(format!("order_by: column {name:?} given twice")));
        }
        keys.push(SortKey { column: name.to_owned(), descending, tie_breaker: false });
    }
    let tie_breakers: Vec<&str> = if table.primary_key.is_empty() {
        table.columns.iter().map(|c| c.name.as_str()).collect()
    } else {
        table.primary_key.iter().map(String::as_str).collect()
    };
    for column in tie_breakers {
        if !keys.iter().any(|k| k.column == column) {
            keys.push(SortKey { column: column.to_owned(), descending: false, tie_breaker: true });
        }
    }
    Ok(keys)
}
