//! Reading and writing the host's rows. Every row operation of the API goes through here.

use base64::Engine;
use sea_query::{Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use serde_json::Value as Json;
use serde_json::value::RawValue;

use super::order::SortKey;
use crate::db::exec::{Executor, Tx};
use crate::db::json_row::{fixup_row, json_array, needs_fixup, quote_ident, row_json_sql};
use crate::db::schema::{Column, ColumnKind, Schema, Table};
use crate::db::values::bind;
use crate::db::{Backend, Database, introspect};
use crate::error::{Error, FieldErrors, Result};
use crate::permissions::{Access, Operation, TableAccess};

/// How the total of a listing is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
fn combined_filter(
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

fn select_rows(backend: Backend, table: &Table, columns: &[&Column]) -> SelectStatement {
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

fn pk_condition(backend: Backend, table: &Table, key: &[(String, Json)]) -> Result<Condition> {
    let mut all = Condition::all();
    for (name, value) in key {
        let column = table.column(name).ok_or_else(|| Error::internal(format!("pk column {name} missing")))?;
        let bound = bind(backend, column, value).map_err(|m| Error::BadRequest(format!("row key: {name}: {m}")))?;
        all = all.add(Expr::col((table.name.clone(), name.clone())).eq(bound));
    }
    Ok(all)
}

async fn fetch_row(
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

fn finish_row(backend: Backend, columns: &[&Column], row: String) -> Result<String> {
    if needs_fixup(backend, columns) { fixup_row(&row, columns) } else { Ok(row) }
}

/// `RETURNING <the row as JSON>`: PostgreSQL and SQLite answer a write with the stored row.
fn returning_row(backend: Backend, table: &Table) -> sea_query::ReturningClause {
    let columns: Vec<&Column> = table.columns.iter().collect();
    Query::returning().expr(Expr::cust(row_json_sql(backend, &table.name, &columns)))
}

/// `pk = key AND <row filter>`: one row, if the rule lets the role reach it.
fn row_condition(
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

fn not_found(table: &Table, segment: &str) -> Error {
    Error::NotFound(format!("no row {segment:?} in {}", table.name))
}

/// Checks a request body against the table and the rule: known, writable columns the rule
/// covers, values of the right type; then the rule's presets, which the body may not set. On
/// insert, a null for a column the database fills (identity, auto-increment) means "let the
/// database choose" and is left out.
pub(crate) fn writable_values(
    backend: Backend,
    table: &Table,
    body: &Json,
    inserting: bool,
    rule: &TableAccess,
) -> Result<Vec<(String, Expr)>> {
    let Json::Object(map) = body else {
        return Err(Error::BadRequest("body: expected a JSON object of column values".into()));
    };
    if let Some(name) = map.keys().find(|k| table.column(k).is_some() && !rule.allows(k)) {
        return Err(Error::Forbidden(format!("column {name} of {} is not writable", table.name)));
    }
    if let Some((name, _)) = rule.presets.iter().find(|(k, _)| map.contains_key(k)) {
        return Err(Error::Forbidden(format!("column {name} of {} is set by a preset", table.name)));
    }
    let mut fields = FieldErrors::new();
    let mut values = Vec::new();
    let given = map.iter().map(|(k, v)| (k, v, false));
    let presets = rule.presets.iter().map(|(k, v)| (k, v, true));
    for (name, value, preset) in given.chain(presets) {
        let problem = match table.column(name) {
            None => Some(format!("unknown column of {}", table.name)),
            Some(c) if c.readonly && !preset => Some("is read-only".to_owned()),
            Some(c) if value.is_null() && c.auto_increment && inserting => None,
            Some(c) if value.is_null() && !c.nullable => Some("must not be null".to_owned()),
            Some(c) => match bind(backend, c, value) {
                Ok(expr) => {
                    values.push((name.clone(), expr));
                    None
                }
                Err(m) => Some(m),
            },
        };
        if let Some(p) = problem {
            fields.entry(name.clone()).or_default().push(p);
        }
    }
    if fields.is_empty() { Ok(values) } else { Err(Error::fields(&table.name, fields)) }
}

/// SQLite reports a broken foreign key without naming it: blame the key columns that were written.
pub(crate) fn name_foreign_keys(err: Error, table: &Table, body: &Json) -> Error {
    match err.with_columns(&table.column_names()) {
        Error::Conflict { message, mut fields } if fields.is_empty() && message.contains("foreign key") => {
            for fk in &table.foreign_keys {
                for column in fk.columns.iter().filter(|c| body.get(c.as_str()).is_some()) {
                    fields.insert(column.clone(), vec![format!("no row with this value in {}", fk.references_table)]);
                }
            }
            Error::Conflict { message, fields }
        }
        other => other,
    }
}

/// The primary key values of a row given as JSON text.
fn key_of(table: &Table, row: &str) -> Result<Vec<(String, Json)>> {
    let map: serde_json::Map<String, Json> = serde_json::from_str(row).map_err(Error::internal)?;
    Ok(table.primary_key.iter().map(|c| (c.clone(), map.get(c).cloned().unwrap_or(Json::Null))).collect())
}

/// After a write: the rule's check must hold for the written row (else 403 and the caller's
/// transaction is dropped), and the answer shows only what the role may read.
async fn checked_answer(
    tx: &mut Tx,
    schema: &Schema,
    table: &Table,
    access: &Access,
    rule: &TableAccess,
    key: &[(String, Json)],
    row: String,
) -> Result<String> {
    let backend = tx.backend();
    if let Some(check) = &rule.check {
        if table.primary_key.is_empty() {
            return Err(Error::BadRequest(format!("{} has no primary key: its check cannot be verified", table.name)));
        }
        let cond = pk_condition(backend, table, key)?.add(super::filter::compile(backend, schema, table, check)?);
        let query = Query::select().expr(Expr::cust("COUNT(*)")).from(table.name.clone()).cond_where(cond).to_owned();
        if tx.fetch_integers(&query).await?.first().copied().unwrap_or(0) == 0 {
            return Err(Error::Forbidden(format!(
                "the row does not satisfy role {}'s check on {}",
                access.role(),
                table.name
            )));
        }
    }
    if matches!(access, Access::Admin) {
        return Ok(row);
    }
    // Only what the role could read: its select columns (or just the key without select).
    let readable = access.maybe(table, Operation::Select);
    let mut map: serde_json::Map<String, Json> = serde_json::from_str(&row).map_err(Error::internal)?;
    map.retain(|k, _| match &readable {
        Some(read) => read.allows(k),
        None => table.primary_key.contains(k),
    });
    serde_json::to_string(&map).map_err(Error::internal)
}

/// Inserts one row and returns it as stored (defaults and generated keys included).
pub(crate) async fn insert(
    db: &Database,
    schema: &Schema,
    table: &Table,
    body: &Json,
    access: &Access,
) -> Result<String> {
    let rule = access.to(table, Operation::Insert)?;
    let mut tx = db.begin().await?;
    let answer = insert_in(&mut tx, schema, table, body, access, &rule).await?;
    tx.commit().await?;
    Ok(answer)
}

/// Inserts one row inside `tx` under `rule`, checks the rule's check on it, and returns it as
/// the role may read it.
pub(crate) async fn insert_in(
    tx: &mut Tx,
    schema: &Schema,
    table: &Table,
    body: &Json,
    access: &Access,
    rule: &TableAccess,
) -> Result<String> {
    let backend = tx.backend();
    let values = writable_values(backend, table, body, true, rule)?;
    super::probe::check(tx, table, &values).await?;
    let mut insert = Query::insert().into_table(table.name.clone()).to_owned();
    if values.is_empty() {
        insert.or_default_values();
    } else {
        insert.columns(values.iter().map(|(c, _)| c.clone()));
        insert.values(values.into_iter().map(|(_, e)| e)).map_err(Error::internal)?;
    }
    let columns: Vec<&Column> = table.columns.iter().collect();
    let (key, row) = if backend != Backend::Mysql {
        insert.returning(returning_row(backend, table));
        let row = tx.fetch_text(&insert).await.map_err(|e| name_foreign_keys(e, table, body))?;
        let row = finish_row(backend, &columns, row.ok_or_else(|| Error::internal("INSERT returned no row"))?)?;
        (key_of(table, &row)?, row)
    } else {
        // MySQL has no RETURNING: insert and read back by key in the same transaction.
        let given: Option<Vec<(String, Json)>> = table
            .primary_key
            .iter()
            .map(|c| body.get(c).or_else(|| rule.presets.iter().find(|(k, _)| k == c).map(|(_, v)| v)))
            .map(|v| v.filter(|v| !v.is_null()).cloned())
            .zip(table.primary_key.iter())
            .map(|(v, c)| v.map(|v| (c.clone(), v)))
            .collect();
        let auto_key =
            table.primary_key.len() == 1 && table.column(&table.primary_key[0]).is_some_and(|c| c.auto_increment);
        if table.primary_key.is_empty() || (given.is_none() && !auto_key) {
            return Err(Error::BadRequest(format!(
                "{}: give every primary key column ({}) so the stored row can be read back",
                table.name,
                table.primary_key.join(", ")
            )));
        }
        let done = tx.execute(&insert).await.map_err(|e| name_foreign_keys(e, table, body))?;
        let key = match (given, done.last_insert_id) {
            (Some(key), _) => key,
            (None, Some(id)) => vec![(table.primary_key[0].clone(), Json::from(id))],
            (None, None) => return Err(Error::internal("no auto-increment id after INSERT")),
        };
        let cond = pk_condition(backend, table, &key)?;
        let row = fetch_row(tx, backend, table, &columns, cond)
            .await?
            .ok_or_else(|| Error::internal("inserted row not found"))?;
        (key, row)
    };
    checked_answer(tx, schema, table, access, rule, &key, row).await
}

/// Updates the given columns of one row (if the role's filter reaches it); returns the row as
/// stored.
pub(crate) async fn update(
    db: &Database,
    schema: &Schema,
    table: &Table,
    segment: &str,
    body: &Json,
    access: &Access,
) -> Result<String> {
    let backend = db.backend();
    let rule = access.to(table, Operation::Update)?;
    let key = super::pk::parse(table, segment)?;
    let values = writable_values(backend, table, body, false, &rule)?;
    if values.is_empty() {
        return Err(Error::BadRequest("body: give at least one column to change".into()));
    }
    let mut tx = db.begin().await?;
    super::probe::check(&mut tx, table, &values).await?;
    let cond = row_condition(backend, schema, table, &key, &rule)?;
    let mut update = Query::update().table(table.name.clone()).values(values).cond_where(cond.clone()).to_owned();
    let columns: Vec<&Column> = table.columns.iter().collect();
    // The key itself may change.
    let new_key: Vec<(String, Json)> = key
        .iter()
        .map(|(c, v)| {
            let preset = rule.presets.iter().find(|(k, _)| k == c).map(|(_, v)| v);
            (c.clone(), body.get(c).or(preset).cloned().unwrap_or_else(|| v.clone()))
        })
        .collect();
    let row = if backend != Backend::Mysql {
        update.returning(returning_row(backend, table));
        let row = tx.fetch_text(&update).await.map_err(|e| name_foreign_keys(e, table, body))?;
        finish_row(backend, &columns, row.ok_or_else(|| not_found(table, segment))?)?
    } else {
        // MySQL counts only rows whose values changed, so existence is checked by reading.
        if fetch_row(&mut tx, backend, table, &columns, cond).await?.is_none() {
            return Err(not_found(table, segment));
        }
        tx.execute(&update).await.map_err(|e| name_foreign_keys(e, table, body))?;
        let cond = pk_condition(backend, table, &new_key)?;
        fetch_row(&mut tx, backend, table, &columns, cond)
            .await?
            .ok_or_else(|| Error::internal("updated row not found"))?
    };
    let answer = checked_answer(&mut tx, schema, table, access, &rule, &new_key, row).await?;
    tx.commit().await?;
    Ok(answer)
}

/// Deletes one row (if the role's filter reaches it).
pub(crate) async fn delete(
    db: &Database,
    schema: &Schema,
    table: &Table,
    segment: &str,
    access: &Access,
) -> Result<()> {
    let backend = db.backend();
    let rule = access.to(table, Operation::Delete)?;
    let key = super::pk::parse(table, segment)?;
    let cond = row_condition(backend, schema, table, &key, &rule)?;
    let delete = Query::delete().from_table(table.name.clone()).cond_where(cond).to_owned();
    let done = db.pooled().execute(&delete).await.map_err(|e| e.with_columns(&table.column_names()))?;
    if done.rows_affected == 0 {
        return Err(not_found(table, segment));
    }
    Ok(())
}

/// What a bulk action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BulkAction {
    /// Delete the selected rows.
    Delete,
    /// Set columns of the selected rows to values.
    Update,
}

/// Which rows a bulk action touches: explicit keys, or every row matching a filter.
pub(crate) enum Selection {
    Keys(Vec<String>),
    Matching { filter: Option<Json>, search: Option<String> },
}

/// Rows a bulk change may resolve to keys for a check (beyond, the request is refused).
const BULK_CHECK_LIMIT: usize = 50_000;

/// Deletes or updates many rows in one transaction; `expected` is the count the user confirmed
/// (a different count now is a 409 and nothing changes). Returns the number of rows affected.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn bulk(
    db: &Database,
    schema: &Schema,
    table: &Table,
    action: BulkAction,
    selection: Selection,
    set: Option<&Json>,
    expected: Option<u64>,
    access: &Access,
) -> Result<u64> {
    let backend = db.backend();
    let op = match action {
        BulkAction::Delete => Operation::Delete,
        BulkAction::Update => Operation::Update,
    };
    let rule = access.to(table, op)?;
    // The rows: the selection, within the rule's filter. Reading through a filter needs select.
    let mut target = match &selection {
        Selection::Keys(keys) => {
            if keys.is_empty() {
                return Err(Error::BadRequest("keys: select at least one row".into()));
            }
            let mut any = Condition::any();
            for segment in keys {
                any = any.add(pk_condition(backend, table, &super::pk::parse(table, segment)?)?);
            }
            Condition::all().add(any)
        }
        Selection::Matching { filter, search } => {
            let read = access.to(table, Operation::Select)?;
            let no_rule_filter = TableAccess { filter: None, ..read };
            combined_filter(backend, schema, table, (filter.as_ref(), search.as_deref()), access, &no_rule_filter)?
                .unwrap_or_else(Condition::all)
        }
    };
    if let Some(filter) = &rule.filter {
        target = target.add(super::filter::compile(backend, schema, table, filter)?);
    }
    let values = match (action, set) {
        (BulkAction::Update, Some(set)) => {
            let values = writable_values(backend, table, set, false, &rule)?;
            if values.is_empty() {
                return Err(Error::BadRequest("set: give at least one column to change".into()));
            }
            Some(values)
        }
        (BulkAction::Update, None) => return Err(Error::BadRequest("set: an update needs column values".into())),
        (BulkAction::Delete, Some(_)) => return Err(Error::BadRequest("set: a delete takes no values".into())),
        (BulkAction::Delete, None) => None,
    };
    let mut tx = db.begin().await?;
    if let Some(values) = &values {
        super::probe::check(&mut tx, table, values).await?;
    }
    let count_query =
        Query::select().expr(Expr::cust("COUNT(*)")).from(table.name.clone()).cond_where(target.clone()).to_owned();
    let matching = tx.fetch_integers(&count_query).await?.first().copied().unwrap_or(0) as u64;
    if let Some(expected) = expected
        && expected != matching
    {
        return Err(Error::Conflict {
            message: format!("the selection changed: {matching} rows match now, {expected} were confirmed"),
            fields: Default::default(),
        });
    }
    // A check must hold for every changed row afterwards: pin the rows by key first, because the
    // change may move them out of the filter that found them.
    let pinned = match (&rule.check, action) {
        (Some(_), BulkAction::Update) => {
            if table.primary_key.is_empty() || matching as usize > BULK_CHECK_LIMIT {
                return Err(Error::BadRequest(format!(
                    "a checked bulk update needs a primary key and at most {BULK_CHECK_LIMIT} rows"
                )));
            }
            let keys_query = select_rows(
                backend,
                table,
                &table.primary_key.iter().filter_map(|c| table.column(c)).collect::<Vec<_>>(),
            )
            .cond_where(target.clone())
            .to_owned();
            let mut any = Condition::any().add(Expr::cust("1 = 0"));
            for row in tx.fetch_texts(&keys_query).await? {
                any = any.add(pk_condition(backend, table, &key_of(table, &row)?)?);
            }
            Some(any)
        }
        _ => None,
    };
    let affected = match values {
        None => {
            let delete = Query::delete().from_table(table.name.clone()).cond_where(target).to_owned();
            tx.execute(&delete).await.map_err(|e| e.with_columns(&table.column_names()))?.rows_affected
        }
        Some(values) => {
            let update = Query::update().table(table.name.clone()).values(values).cond_where(target).to_owned();
            tx.execute(&update).await.map_err(|e| name_foreign_keys(e, table, set.unwrap_or(&Json::Null)))?;
            matching
        }
    };
    if let (Some(check), Some(pinned)) = (&rule.check, pinned) {
        let check = super::filter::compile(backend, schema, table, check)?;
        let violations = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from(table.name.clone())
            .cond_where(pinned)
            .cond_where(check.not())
            .to_owned();
        if tx.fetch_integers(&violations).await?.first().copied().unwrap_or(0) > 0 {
            return Err(Error::Forbidden(format!(
                "some rows would not satisfy role {}'s check on {}",
                access.role(),
                table.name
            )));
        }
    }
    tx.commit().await?;
    Ok(affected)
}
