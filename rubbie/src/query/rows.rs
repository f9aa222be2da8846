//! Reading and writing the host's rows. Every row operation of the API goes through here.

use base64::Engine;
use sea_query::{Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use serde_json::Value as Json;
use serde_json::value::RawValue;

use super::order::SortKey;
use crate::db::exec::Executor;
use crate::db::json_row::{fixup_row, json_array, needs_fixup, quote_ident, row_json_sql};
use crate::db::schema::{Column, ColumnKind, Schema, Table};
use crate::db::values::bind;
use crate::db::{Backend, Database, introspect};
use crate::error::{Error, Result};
use crate::permissions::{Access, Operation, TableAccess};

/// How the total of a listing is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub(crate) enum CountMode {
    /// `COUNT(*)` with the filter.
    Exact,
    /// Planner/catalogue statistics when there is no filter; exact otherwise.
    Estimated,
    /// No count.
    None,
}

/// Tables estimated above this many rows are not counted exactly unless asked.
const EXACT_COUNT_UP_TO: i64 = 100_000;

/// A validated listing request.
pub(crate) struct ListQuery {
    pub filter: Option<Json>,
    /// Quick search across the readable text columns.
    pub search: Option<String>,
    pub order: Vec<SortKey>,
    pub limit: u64,
    pub offset: u64,
    pub after: Option<String>,
    pub count: Option<CountMode>,
    /// How long an exact count may take before the estimate is given instead.
    pub count_timeout: std::time::Duration,
    pub columns: Option<Vec<String>>,
}

/// One page of rows.
pub(crate) struct Page {
    pub rows: Box<RawValue>,
    pub count: Option<i64>,
    pub count_kind: Option<&'static str>,
    /// The exact count took longer than allowed (`count` is then the estimate, or null).
    pub count_timed_out: bool,
    pub next_cursor: Option<String>,
}

/// What a read of a table may touch: the role's access to it, the columns to return and the
/// combined filter; the sort is trimmed to what the role may read.
struct ReadPlan<'t> {
    read: TableAccess,
    columns: Vec<&'t Column>,
    filter: Option<Condition>,
}

fn plan_read<'t>(
    backend: Backend,
    schema: &Schema,
    table: &'t Table,
    filter: (Option<&Json>, Option<&str>),
    order: &mut Vec<SortKey>,
    columns: Option<&[String]>,
    access: &Access,
) -> Result<ReadPlan<'t>> {
    let read = access.to(table, Operation::Select)?;
    if let Some(key) = order.iter().find(|k| !k.tie_breaker && !read.allows(&k.column)) {
        return Err(not_readable(table, &key.column));
    }
    order.retain(|k| read.allows(&k.column));
    let columns = projection(table, columns, &read)?;
    let filter = combined_filter(backend, schema, table, filter, access, &read)?;
    Ok(ReadPlan { read, columns, filter })
}

/// Checks a saved view's filter, search, sort and columns against the table as `access` may
/// read it, without running anything.
pub(crate) fn check_view(
    backend: Backend,
    schema: &Schema,
    table: &Table,
    filter: (Option<&Json>, Option<&str>),
    mut order: Vec<SortKey>,
    columns: Option<&[String]>,
    access: &Access,
) -> Result<()> {
    plan_read(backend, schema, table, filter, &mut order, columns, access).map(drop)
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

/// Lists rows with filter, sort, pagination and count, within what `access` may read.
pub(crate) async fn list(
    db: &Database,
    schema: &Schema,
    table: &Table,
    mut q: ListQuery,
    access: &Access,
) -> Result<Page> {
    let backend = db.backend();
    let ReadPlan { read, mut columns, filter } = plan_read(
        backend,
        schema,
        table,
        (q.filter.as_ref(), q.search.as_deref()),
        &mut q.order,
        q.columns.as_deref(),
        access,
    )?;
    // The cursor is read from the last row: sort columns left out by `columns` are fetched too
    // and removed again below.
    let extra: Vec<&Column> = q
        .order
        .iter()
        .filter_map(|k| table.column(&k.column))
        .filter(|c| !columns.iter().any(|p| p.name == c.name))
        .collect();
    columns.extend(extra.iter().copied());
    let keyset = keyset_allowed(backend, table, &q.order) && read.limit.is_none();
    // The page is chosen first and only its rows are turned into JSON: a database computes the
    // select list of every row it skips, and OFFSET 500000 must not build 500,000 objects.
    let mut page = Query::select()
        .expr(Expr::cust(format!("{}.*", quote_ident(backend, &table.name))))
        .from(table.name.clone())
        .to_owned();
    if let Some(cond) = &filter {
        page.cond_where(cond.clone());
    }
    if let Some(cursor) = &q.after {
        if !keyset {
            return Err(Error::BadRequest(
                "after: cursor pagination needs a sort on non-null, comparable columns".into(),
            ));
        }
        page.cond_where(after_condition(backend, table, &q.order, cursor)?);
    }
    order_by(&mut page, table, &q.order);
    // A role's row cap bounds the whole result, not each page.
    let (offset, limit) = match read.limit {
        Some(cap) => (Ord::min(q.offset, cap), Ord::min(q.limit, cap.saturating_sub(q.offset))),
        None => (q.offset, q.limit),
    };
    let mut rows = if limit == 0 {
        Vec::new()
    } else {
        page.limit(limit);
        if q.after.is_none() && offset > 0 {
            page.offset(offset);
        }
        // The page keeps the table's name as its alias, so the JSON expression reads it as is.
        let mut query = Query::select()
            .expr(Expr::cust(row_json_sql(backend, &table.name, &columns)))
            .from_subquery(page, table.name.clone())
            .to_owned();
        order_by(&mut query, table, &q.order);
        db.pooled().fetch_texts(&query).await?
    };
    if needs_fixup(backend, &columns) {
        rows = rows.iter().map(|r| fixup_row(r, &columns)).collect::<Result<_>>()?;
    }
    let next_cursor = match rows.last() {
        Some(last) if keyset && rows.len() as u64 == q.limit => cursor_of(last, &q.order),
        _ => None,
    };
    if !extra.is_empty() {
        rows = rows.iter().map(|r| without_columns(r, &extra)).collect::<Result<_>>()?;
    }
    let (count, count_kind, count_timed_out) = count(db, table, filter, q.count, q.count_timeout).await?;
    let count = match (count, read.limit) {
        (Some(n), Some(cap)) => Some(Ord::min(n, cap as i64)),
        (n, _) => n,
    };
    Ok(Page { rows: json_array(rows)?, count, count_kind, count_timed_out, next_cursor })
}

fn order_by(query: &mut SelectStatement, table: &Table, order: &[SortKey]) {
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
    filter: (Option<&Json>, Option<&str>),
    mut order: Vec<SortKey>,
    columns: Option<&[String]>,
    access: &Access,
) -> Result<ExportQuery> {
    let ReadPlan { read, columns, filter } = plan_read(backend, schema, table, filter, &mut order, columns, access)?;
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

fn without_columns(row: &str, columns: &[&Column]) -> Result<String> {
    let mut value: serde_json::Map<String, Json> = serde_json::from_str(row).map_err(Error::internal)?;
    for c in columns {
        value.remove(&c.name);
    }
    serde_json::to_string(&value).map_err(Error::internal)
}

/// The total, its kind, and whether an exact count ran out of time.
async fn count(
    db: &Database,
    table: &Table,
    filter: Option<Condition>,
    mode: Option<CountMode>,
    limit: std::time::Duration,
) -> Result<(Option<i64>, Option<&'static str>, bool)> {
    if mode == Some(CountMode::None) {
        return Ok((None, None, false));
    }
    let unfiltered = filter.is_none();
    let estimate =
        || async { Ok::<_, Error>(introspect::row_estimates(db, Some(&table.name)).await?.get(&table.name).copied()) };
    if unfiltered && mode != Some(CountMode::Exact) {
        match (estimate().await?, mode) {
            (Some(n), Some(CountMode::Estimated)) => return Ok((Some(n), Some("estimated"), false)),
            (Some(n), None) if n > EXACT_COUNT_UP_TO => return Ok((Some(n), Some("estimated"), false)),
            _ => {}
        }
    }
    let mut query = Query::select().expr(Expr::cust("COUNT(*)")).from(table.name.clone()).to_owned();
    if let Some(cond) = filter {
        query.cond_where(cond);
    }
    match db.fetch_integer_within(&query, limit).await? {
        Some(n) => Ok((Some(n), Some("exact"), false)),
        // Statistics describe the whole table: they stand in only when nothing narrows it.
        None if unfiltered => {
            let n = estimate().await?;
            Ok((n, n.map(|_| "estimated"), true))
        }
        None => Ok((None, None, true)),
    }
}

/// Keyset pagination needs every sort column non-null and of a kind that compares exactly the
/// way it sorts (MySQL sorts ENUMs by declaration order but compares them as text).
fn keyset_allowed(backend: Backend, table: &Table, order: &[SortKey]) -> bool {
    order.iter().all(|k| {
        table.column(&k.column).is_some_and(|c| {
            let unordered = matches!(c.kind, ColumnKind::Json | ColumnKind::Bytes | ColumnKind::Float);
            let mysql_enum = backend == Backend::Mysql && c.kind == ColumnKind::Enum;
            !(c.nullable || unordered || mysql_enum)
        })
    })
}

fn cursor_of(row: &str, order: &[SortKey]) -> Option<String> {
    let value: serde_json::Map<String, Json> = serde_json::from_str(row).ok()?;
    let values: Option<Vec<Json>> = order.iter().map(|k| value.get(&k.column).cloned()).collect();
    let text = serde_json::to_string(&values?).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text))
}

/// `(c1, c2) > (v1, v2)` spelled out per direction: rows strictly after the cursor. The first
/// key's bound is repeated on its own (`c1 >= v1`) so every database reads an index range
/// instead of filtering the whole table through the `OR`s.
fn after_condition(backend: Backend, table: &Table, order: &[SortKey], cursor: &str) -> Result<Condition> {
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
