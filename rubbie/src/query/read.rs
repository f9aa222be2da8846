//! Planning a read of the host's rows: what the role may see of a table (columns, rows, sort),
//! shared by a page of rows, an export and the check of a saved view.

use sea_query::{Condition, Expr, Order, Query, SelectStatement};
use serde_json::Value as Json;

use super::order::SortKey;
use crate::db::Backend;
use crate::db::json_row::row_json_sql;
use crate::db::schema::{Column, Schema, Table};
use crate::error::{Error, Result};
use crate::permissions::{Access, Operation, TableAccess};

/// What a read of a table asks for, the same for a page, an export and a saved view's check.
#[derive(Debug, Default)]
pub(crate) struct ReadRequest {
    /// The where language.
    pub filter: Option<Json>,
    /// Quick search across the readable text columns.
    pub search: Option<String>,
    /// The sort, completed with its tie-breaker (`order::parse`).
    pub order: Vec<SortKey>,
    /// The columns to return; every readable one when `None`.
    pub columns: Option<Vec<String>>,
}

/// What a read of a table may touch: the role's access to it, the columns to return, the
/// combined filter, and the sort trimmed to what the role may read.
pub(super) struct ReadPlan<'t> {
    pub read: TableAccess,
    pub columns: Vec<&'t Column>,
    pub filter: Option<Condition>,
    pub order: Vec<SortKey>,
}

pub(super) fn plan_read<'t>(
    backend: Backend,
    schema: &Schema,
    table: &'t Table,
    request: &ReadRequest,
    access: &Access,
) -> Result<ReadPlan<'t>> {
    let read = access.to(table, Operation::Select)?;
    if let Some(key) = request.order.iter().find(|k| !k.implied && !read.allows(&k.column)) {
        return Err(not_readable(table, &key.column));
    }
    let order = request.order.iter().filter(|k| read.allows(&k.column)).cloned().collect();
    let columns = projection(table, request.columns.as_deref(), &read)?;
    let filter =
        combined_filter(backend, schema, table, (request.filter.as_ref(), request.search.as_deref()), access, &read)?;
    Ok(ReadPlan { read, columns, filter, order })
}

/// Checks a saved view's filter, search, sort and columns against the table as `access` may
/// read it, without running anything.
pub(crate) fn check_view(
    backend: Backend,
    schema: &Schema,
    table: &Table,
    request: &ReadRequest,
    access: &Access,
) -> Result<()> {
    plan_read(backend, schema, table, request, access).map(drop)
}

/// The columns to return: the requested ones (each must be readable) or every readable one.
fn projection<'t>(table: &'t Table, names: Option<&[String]>, read: &TableAccess) -> Result<Vec<&'t Column>> {
    match names {
        None => Ok(table.columns.iter().filter(|c| read.allows(&c.name)).collect()),
        Some(names) => names
            .iter()
            .map(|n| {
                let column = table
                    .column(n)
                    .ok_or_else(|| Error::BadRequest(format!("columns: unknown column {n:?} in {}", table.name)))?;
                if !read.allows(n) {
                    return Err(not_readable(table, n));
                }
                Ok(column)
            })
            .collect(),
    }
}

fn not_readable(table: &Table, column: &str) -> Error {
    Error::Forbidden(format!("column {column} of {} is not readable", table.name))
}

/// The user's filter (checked against the access) and quick search, and the role's row filter,
/// combined.
pub(super) fn combined_filter(
    backend: Backend,
    schema: &Schema,
    table: &Table,
    (user, search): (Option<&Json>, Option<&str>),
    access: &Access,
    rule: &TableAccess,
) -> Result<Option<Condition>> {
    let mut all = Condition::all();
    let mut any = false;
    if let Some(term) = search.map(str::trim).filter(|t| !t.is_empty()) {
        all = all.add(super::filter::search(backend, table, term, |c| rule.allows(c)));
        any = true;
    }
    if let Some(expr) = user {
        all = all.add(super::filter::compile_for(backend, schema, table, expr, access)?);
        any = true;
    }
    if let Some(expr) = &rule.filter {
        all = all.add(super::filter::compile(backend, schema, table, expr)?);
        any = true;
    }
    Ok(any.then_some(all))
}

pub(super) fn select_rows(backend: Backend, table: &Table, columns: &[&Column]) -> SelectStatement {
    Query::select().expr(Expr::cust(row_json_sql(backend, &table.name, columns))).from(table.name.clone()).to_owned()
}

pub(super) fn order_by(query: &mut SelectStatement, table: &Table, order: &[SortKey]) {
    for key in order {
        let direction = if key.descending { Order::Desc } else { Order::Asc };
        query.order_by((table.name.clone(), key.column.clone()), direction);
    }
}

/// What an export streams: the query, and the columns (in order) of every row.
pub(crate) struct ExportQuery {
    pub query: SelectStatement,
    pub columns: Vec<Column>,
}

/// Every row matching the filter (within what `access` may read), in the given order, for a
/// streamed export.
pub(crate) fn export(
    backend: Backend,
    schema: &Schema,
    table: &Table,
    request: &ReadRequest,
    access: &Access,
) -> Result<ExportQuery> {
    let ReadPlan { read, columns, filter, order } = plan_read(backend, schema, table, request, access)?;
    let mut query = select_rows(backend, table, &columns);
    if let Some(cond) = filter {
        query.cond_where(cond);
    }
    order_by(&mut query, table, &order);
    if let Some(cap) = read.limit {
        query.limit(cap);
    }
    Ok(ExportQuery { query, columns: columns.into_iter().cloned().collect() })
}
