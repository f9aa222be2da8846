//! What a role other than admin may read of the log: the row entries of tables it may select,
//! of rows its select filter lets it see, with the columns it may not read removed.
//!
//! The filter is evaluated against the entry's images, not the current row (which a deleted
//! row no longer has): the images become a derived table named like the real one, so the
//! compiled filter, relations included, reads them as it would read the table.

use std::collections::{HashMap, HashSet};

use sea_query::{Alias, Expr, Query, SelectStatement, UnionType};
use serde_json::Value as Json;

use super::images;
use super::read::{self, AuditEntry, Filter};
use crate::db::schema::{Column, Schema, Table};
use crate::db::values::bind;
use crate::db::{Backend, Database, exec::Executor};
use crate::error::Result;
use crate::permissions::{Access, Operation, TableAccess};

/// A non-admin's page is filtered after reading: at most this many pages are read to fill it.
const MAX_SCANS: usize = 10;

/// Images per query (SQLite allows 500 SELECTs in one compound).
const IMAGES_PER_QUERY: usize = 200;

const ENTRY_COLUMN: &str = "__rubbie_entry";

/// `None` for an admin (everything); else the tables whose row entries the role may read.
pub(crate) fn readable_tables(schema: &Schema, access: &Access) -> Option<Vec<String>> {
    match access {
        Access::Admin => None,
        _ => Some(
            schema
                .tables
                .iter()
                .filter(|t| access.maybe(t, Operation::Select).is_some())
                .map(|t| t.name.clone())
                .collect(),
        ),
    }
}

/// Up to `limit` entries matching `filter` that `access` may see, newest first, and the cursor
/// past the last one read (more may follow when it is not null).
pub(crate) async fn page(
    db: &Database,
    schema: &Schema,
    access: &Access,
    mut filter: Filter,
    limit: u64,
) -> Result<(Vec<AuditEntry>, Option<i64>)> {
    filter.only_row_tables = readable_tables(schema, access);
    let mut shown = Vec::new();
    for _ in 0..MAX_SCANS {
        let page = read::page(db, &filter, limit).await?;
        let full = page.len() as u64 == limit;
        let last = page.last().map(|e| e.id);
        shown.extend(visible(db, schema, access, page).await?);
        if shown.len() as u64 >= limit {
            shown.truncate(limit as usize);
            let next = shown.last().map(|e| e.id);
            return Ok((shown, next));
        }
        if !full {
            return Ok((shown, None));
        }
        filter.before_id = last;
    }
    Ok((shown, filter.before_id))
}

/// The entries `access` may see, in their order, with unreadable columns removed.
pub(crate) async fn visible(
    db: &Database,
    schema: &Schema,
    access: &Access,
    entries: Vec<AuditEntry>,
) -> Result<Vec<AuditEntry>> {
    if matches!(access, Access::Admin) {
        return Ok(entries);
    }
    let mut rules: HashMap<String, Option<TableAccess>> = HashMap::new();
    for e in &entries {
        if let Some(t) = &e.table {
            rules.entry(t.clone()).or_insert_with(|| schema.table(t).and_then(|t| access.maybe(t, Operation::Select)));
        }
    }
    let mut allowed: HashSet<i64> = HashSet::new();
    for (name, rule) in &rules {
        let (Some(rule), Some(table)) = (rule, schema.table(name)) else { continue };
        let mine: Vec<&AuditEntry> = entries.iter().filter(|e| e.table.as_deref() == Some(name.as_str())).collect();
        match &rule.filter {
            None => allowed.extend(mine.iter().map(|e| e.id)),
            Some(filter) => allowed.extend(matching(db, schema, table, filter, &mine).await?),
        }
    }
    Ok(entries
        .into_iter()
        .filter(|e| e.category == super::Category::Row && allowed.contains(&e.id))
        .map(|mut e| {
            let rule = e.table.as_ref().and_then(|t| rules.get(t)).and_then(Option::as_ref);
            if let Some(rule) = rule {
                for image in [&mut e.before, &mut e.after].into_iter().flatten() {
                    if let Json::Object(map) = image {
                        map.retain(|k, _| rule.allows(k));
                    }
                }
                e.changed.retain(|k| rule.allows(k));
                // The summary names a row by its display column: not if the role cannot read it.
                let display =
                    e.table.as_deref().and_then(|t| schema.table(t)).and_then(|t| t.display_column.as_deref());
                if display.is_some_and(|c| !rule.allows(c)) {
                    e.summary = format!(
                        "{} {} {}",
                        e.action,
                        e.table.as_deref().unwrap_or_default(),
                        e.row_key.as_deref().unwrap_or_default()
                    );
                }
            }
            e
        })
        .collect())
}

/// The ids of `entries` with an image that `filter` matches.
async fn matching(
    db: &Database,
    schema: &Schema,
    table: &Table,
    filter: &Json,
    entries: &[&AuditEntry],
) -> Result<Vec<i64>> {
    let backend = db.backend();
    let images: Vec<(i64, &serde_json::Map<String, Json>)> = entries
        .iter()
        .flat_map(|e| [&e.before, &e.after].into_iter().flatten().filter_map(|i| i.as_object()).map(|m| (e.id, m)))
        .collect();
    let cond = crate::query::filter::compile(backend, schema, table, filter)?;
    let mut ids = Vec::new();
    for chunk in images.chunks(IMAGES_PER_QUERY) {
        let mut selects = chunk.iter().map(|(id, image)| image_select(backend, table, *id, image));
        let Some(mut union) = selects.next() else { continue };
        for next in selects {
            union.union(UnionType::All, next);
        }
        let query = Query::select()
            .column(Alias::new(ENTRY_COLUMN))
            .from_subquery(union, Alias::new(table.name.clone()))
            .cond_where(cond.clone())
            .to_owned();
        ids.extend(db.pooled().fetch_integers(&query).await?);
    }
    Ok(ids)
}

/// `SELECT <id>, <value> AS col, ...` for one image: withheld, missing or no longer fitting
/// values are NULL, typed on PostgreSQL so the compound's columns keep the table's types.
fn image_select(backend: Backend, table: &Table, id: i64, image: &serde_json::Map<String, Json>) -> SelectStatement {
    let mut select = Query::select().expr_as(Expr::val(id), Alias::new(ENTRY_COLUMN)).to_owned();
    for column in &table.columns {
        let value = image.get(&column.name).filter(|v| !v.is_null() && !images::is_marker(v));
        let expr = value.and_then(|v| bind(backend, column, v).ok()).unwrap_or_else(|| null_of(backend, column));
        select.expr_as(expr, Alias::new(column.name.clone()));
    }
    select
}

fn null_of(backend: Backend, column: &Column) -> Expr {
    match backend {
        Backend::Postgres => Expr::cust(format!("CAST(NULL AS {})", column.db_type)),
        _ => Expr::cust("NULL"),
    }
}
