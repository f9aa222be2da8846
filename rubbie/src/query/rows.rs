//! One row of the host's tables: its key condition, reading it, and the JSON a write returns.

use sea_query::{Condition, Expr, ExprTrait, Query};
use serde_json::Value as Json;

use super::read::select_rows;
use crate::db::exec::Executor;
use crate::db::json_row::{fixup_row, needs_fixup, row_json_sql};
use crate::db::schema::{Column, Schema, Table};
use crate::db::values::bind;
use crate::db::{Backend, Database};
use crate::error::{Error, Result};
use crate::permissions::{Access, Operation, TableAccess};

pub(super) fn pk_condition(backend: Backend, table: &Table, key: &[(String, Json)]) -> Result<Condition> {
    let mut all = Condition::all();
    for (name, value) in key {
        let column = table.column(name).ok_or_else(|| Error::internal(format!("pk column {name} missing")))?;
        let bound = bind(backend, column, value).map_err(|m| Error::NotFound(format!("row key: {name}: {m}")))?;
        all = all.add(Expr::col((table.name.clone(), name.clone())).eq(bound));
    }
    Ok(all)
}

pub(super) async fn fetch_row(
    tx: &mut impl Executor,
    backend: Backend,
    table: &Table,
    columns: &[&Column],
    cond: Condition,
) -> Result<Option<String>> {
    let query = select_rows(backend, table, columns).cond_where(cond).to_owned();
    let row = tx.fetch_text(&query).await?;
    row.map(|r| finish_row(backend, columns, r)).transpose()
}

pub(super) fn finish_row(backend: Backend, columns: &[&Column], row: String) -> Result<String> {
    if needs_fixup(backend, columns) { fixup_row(&row, columns) } else { Ok(row) }
}

/// `RETURNING <the row as JSON>`: PostgreSQL and SQLite answer a write with the stored row.
pub(super) fn returning_row(backend: Backend, table: &Table) -> sea_query::ReturningClause {
    let columns: Vec<&Column> = table.columns.iter().collect();
    Query::returning().expr(Expr::cust(row_json_sql(backend, &table.name, &columns)))
}

/// `pk = key AND <row filter>`: one row, if the rule lets the role reach it.
pub(super) fn row_condition(
    backend: Backend,
    schema: &Schema,
    table: &Table,
    key: &[(String, Json)],
    rule: &TableAccess,
) -> Result<Condition> {
    let mut cond = pk_condition(backend, table, key)?;
    if let Some(filter) = &rule.filter {
        cond = cond.add(super::filter::compile(backend, schema, table, filter)?);
    }
    Ok(cond)
}

/// One row by primary key, as JSON text, within what `access` may read.
pub(crate) async fn get(
    db: &Database,
    schema: &Schema,
    table: &Table,
    segment: &str,
    access: &Access,
) -> Result<String> {
    let backend = db.backend();
    let read = access.to(table, Operation::Select)?;
    let key = super::pk::parse(table, segment)?;
    let columns: Vec<&Column> = table.columns.iter().filter(|c| read.allows(&c.name)).collect();
    let cond = row_condition(backend, schema, table, &key, &read)?;
    fetch_row(&mut db.pooled(), backend, table, &columns, cond).await?.ok_or_else(|| not_found(table, segment))
}

pub(super) fn not_found(table: &Table, segment: &str) -> Error {
    Error::NotFound(format!("no row {segment:?} in {}", table.name))
}
