//! Keyset pagination: which sorts may use it, the cursor of a page's last row, and the
//! condition for the rows after it.

use base64::Engine;
use sea_query::{Condition, Expr, ExprTrait};
use serde_json::Value as Json;

use super::order::SortKey;
use crate::db::Backend;
use crate::db::schema::{ColumnKind, Table};
use crate::db::values::bind;
use crate::error::{Error, Result};

/// Keyset pagination needs every sort column non-null and of a kind that compares exactly the
/// way it sorts (MySQL sorts ENUMs by declaration order but compares them as text).
pub(super) fn keyset_allowed(backend: Backend, table: &Table, order: &[SortKey]) -> bool {
    order.iter().all(|k| {
        table.column(&k.column).is_some_and(|c| {
            let unordered = matches!(c.kind, ColumnKind::Json | ColumnKind::Bytes | ColumnKind::Float);
            let mysql_enum = backend == Backend::Mysql && c.kind == ColumnKind::Enum;
            !(c.nullable || unordered || mysql_enum)
        })
    })
}

pub(super) fn cursor_of(row: &str, order: &[SortKey]) -> Option<String> {
    let value: serde_json::Map<String, Json> = serde_json::from_str(row).ok()?;
    let values: Option<Vec<Json>> = order.iter().map(|k| value.get(&k.column).cloned()).collect();
    let text = serde_json::to_string(&values?).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text))
}

/// `(c1, c2) > (v1, v2)` spelled out per direction: rows strictly after the cursor. The first
/// key's bound is repeated on its own (`c1 >= v1`) so every database reads an index range
/// instead of filtering the whole table through the `OR`s.
pub(super) fn after_condition(backend: Backend, table: &Table, order: &[SortKey], cursor: &str) -> Result<Condition> {
    let bad = || Error::BadRequest("after: invalid cursor for this sort".into());
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let values: Vec<Json> = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if values.len() != order.len() {
        return Err(bad());
    }
    let bound = order
        .iter()
        .zip(&values)
        .map(|(key, value)| {
            let column = table.column(&key.column).ok_or_else(bad)?;
            Ok((Expr::col((table.name.clone(), key.column.clone())), bind(backend, column, value).map_err(|_| bad())?))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut after = Vec::with_capacity(order.len());
    for i in 0..order.len() {
        let mut all = Condition::all();
        for (j, (col, value)) in bound.iter().enumerate().take(i + 1) {
            let (col, value) = (col.clone(), value.clone());
            all = all.add(match (j == i, order[j].descending) {
                (false, _) => col.eq(value),
                (true, false) => col.gt(value),
                (true, true) => col.lt(value),
            });
        }
        after.push(all);
    }
    let (first, value) = bound.first().cloned().ok_or_else(bad)?;
    let range = if order[0].descending { first.lte(value) } else { first.gte(value) };
    Ok(Condition::all().add(range).add(super::filter::group(true, after)))
}
