//! Reading and writing the host's rows. Every row operation of the API goes through here.

use base64::Engine;
use sea_query::{Condition, Expr, ExprTrait, Order, Query, SelectStatement};
use serde_json::Value as Json;
use serde_json::value::RawValue;

use super::order::SortKey;
use crate::db::exec::Executor;
use crate::db::json_row::{fixup_row, json_array, needs_fixup, row_json_sql};
use crate::db::schema::{Column, ColumnKind, Schema, Table};
use crate::db::values::bind;
use crate::db::{Backend, Database, introspect};
use crate::error::{Error, FieldErrors, Result};

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
    pub order: Vec<SortKey>,
    pub limit: u64,
    pub offset: u64,
    pub after: Option<String>,
    pub count: Option<CountMode>,
    pub columns: Option<Vec<String>>,
}

/// One page of rows.
pub(crate) struct Page {
    pub rows: Box<RawValue>,
    pub count: Option<i64>,
    pub count_kind: Option<&'static str>,
    pub next_cursor: Option<String>,
}

fn projection<'t>(table: &'t Table, names: Option<&[String]>) -> Result<Vec<&'t Column>> {
    match names {
        None => Ok(table.columns.iter().collect()),
        Some(names) => names
            .iter()
            .map(|n| {
                table
                    .column(n)
                    .ok_or_else(|| Error::BadRequest(format!("columns: unknown column {n:?} in {}", table.name)))
            })
            .collect(),
    }
}

fn select_rows(backend: Backend, table: &Table, columns: &[&Column]) -> SelectStatement {
    Query::select().expr(Expr::cust(row_json_sql(backend, &table.name, columns))).from(table.name.clone()).to_owned()
}

/// Lists rows with filter, sort, pagination and count.
pub(crate) async fn list(db: &Database, schema: &Schema, table: &Table, q: ListQuery) -> Result<Page> {
    let backend = db.backend();
    let mut columns = projection(table, q.columns.as_deref())?;
    // The cursor is read from the last row: sort columns left out by `columns` are fetched too
    // and removed again below.
    let extra: Vec<&Column> = q
        .order
        .iter()
        .filter_map(|k| table.column(&k.column))
        .filter(|c| !columns.iter().any(|p| p.name == c.name))
        .collect();
    columns.extend(extra.iter().copied());
    let filter = match &q.filter {
        Some(expr) => Some(super::filter::compile(backend, schema, table, expr)?),
        None => None,
    };
    let keyset = keyset_allowed(backend, table, &q.order);
    let mut query = select_rows(backend, table, &columns);
    if let Some(cond) = &filter {
        query.cond_where(cond.clone());
    }
    if let Some(cursor) = &q.after {
        if !keyset {
            return Err(Error::BadRequest(
                "after: cursor pagination needs a sort on non-null, comparable columns".into(),
            ));
        }
        query.cond_where(after_condition(backend, table, &q.order, cursor)?);
    }
    for key in &q.order {
        let order = if key.descending { Order::Desc } else { Order::Asc };
        query.order_by((table.name.clone(), key.column.clone()), order);
    }
    query.limit(q.limit);
    if q.after.is_none() && q.offset > 0 {
        query.offset(q.offset);
    }
    let mut rows = db.pooled().fetch_texts(&query).await?;
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
    let (count, count_kind) = count(db, table, filter, q.count).await?;
    Ok(Page { rows: json_array(rows)?, count, count_kind, next_cursor })
}

fn without_columns(row: &str, columns: &[&Column]) -> Result<String> {
    let mut value: serde_json::Map<String, Json> = serde_json::from_str(row).map_err(Error::internal)?;
    for c in columns {
        value.remove(&c.name);
    }
    serde_json::to_string(&value).map_err(Error::internal)
}

async fn count(
    db: &Database,
    table: &Table,
    filter: Option<Condition>,
    mode: Option<CountMode>,
) -> Result<(Option<i64>, Option<&'static str>)> {
    if mode == Some(CountMode::None) {
        return Ok((None, None));
    }
    if filter.is_none() && mode != Some(CountMode::Exact) {
        let estimate = introspect::row_estimates(db).await?.get(&table.name).copied();
        match (estimate, mode) {
            (Some(n), Some(CountMode::Estimated)) => return Ok((Some(n), Some("estimated"))),
            (Some(n), None) if n > EXACT_COUNT_UP_TO => return Ok((Some(n), Some("estimated"))),
            _ => {}
        }
    }
    let mut query = Query::select().expr(Expr::cust("COUNT(*)")).from(table.name.clone()).to_owned();
    if let Some(cond) = filter {
        query.cond_where(cond);
    }
    let n = db.pooled().fetch_integers(&query).await?.first().copied().unwrap_or(0);
    Ok((Some(n), Some("exact")))
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

/// `(c1, c2) > (v1, v2)` spelled out per direction: rows strictly after the cursor.
fn after_condition(backend: Backend, table: &Table, order: &[SortKey], cursor: &str) -> Result<Condition> {
    let bad = || Error::BadRequest("after: invalid cursor for this sort".into());
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let values: Vec<Json> = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    if values.len() != order.len() {
        return Err(bad());
    }
    let mut any = Condition::any();
    for i in 0..order.len() {
        let mut all = Condition::all();
        for (j, key) in order.iter().enumerate().take(i + 1) {
            let column = table.column(&key.column).ok_or_else(bad)?;
            let value = bind(backend, column, &values[j]).map_err(|_| bad())?;
            let col = Expr::col((table.name.clone(), key.column.clone()));
            all = all.add(match (j == i, key.descending) {
                (false, _) => col.eq(value),
                (true, false) => col.gt(value),
                (true, true) => col.lt(value),
            });
        }
        any = any.add(all);
    }
    Ok(any)
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
    key: &[(String, Json)],
) -> Result<Option<String>> {
    let columns: Vec<&Column> = table.columns.iter().collect();
    let query = select_rows(backend, table, &columns).cond_where(pk_condition(backend, table, key)?).to_owned();
    let row = tx.fetch_text(&query).await?;
    row.map(|r| finish_row(backend, &columns, r)).transpose()
}

fn finish_row(backend: Backend, columns: &[&Column], row: String) -> Result<String> {
    if needs_fixup(backend, columns) { fixup_row(&row, columns) } else { Ok(row) }
}

/// `RETURNING <the row as JSON>`: PostgreSQL and SQLite answer a write with the stored row.
fn returning_row(backend: Backend, table: &Table) -> sea_query::ReturningClause {
    let columns: Vec<&Column> = table.columns.iter().collect();
    Query::returning().expr(Expr::cust(row_json_sql(backend, &table.name, &columns)))
}

/// One row by primary key, as JSON text.
pub(crate) async fn get(db: &Database, table: &Table, segment: &str) -> Result<String> {
    let key = super::pk::parse(table, segment)?;
    fetch_row(&mut db.pooled(), db.backend(), table, &key).await?.ok_or_else(|| not_found(table, segment))
}

fn not_found(table: &Table, segment: &str) -> Error {
    Error::NotFound(format!("no row {segment:?} in {}", table.name))
}

/// Checks a request body against the table: known, writable columns with values of the right
/// type. On insert, a null for a column the database fills (identity, auto-increment) means
/// "let the database choose" and is left out.
fn writable_values(backend: Backend, table: &Table, body: &Json, inserting: bool) -> Result<Vec<(String, Expr)>> {
    let Json::Object(map) = body else {
        return Err(Error::BadRequest("body: expected a JSON object of column values".into()));
    };
    let mut fields = FieldErrors::new();
    let mut values = Vec::new();
    for (name, value) in map {
        let problem = match table.column(name) {
            None => Some(format!("unknown column of {}", table.name)),
            Some(c) if c.readonly => Some("is read-only".to_owned()),
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
    if fields.is_empty() {
        Ok(values)
    } else {
        let summary = fields.iter().map(|(k, v)| format!("{k}: {}", v.join(", "))).collect::<Vec<_>>().join("; ");
        Err(Error::Validation { message: format!("{}: {summary}", table.name), fields })
    }
}

/// SQLite reports a broken foreign key without naming it: blame the key columns that were written.
fn name_foreign_keys(err: Error, table: &Table, body: &Json) -> Error {
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

/// Inserts one row and returns it as stored (defaults and generated keys included).
pub(crate) async fn insert(db: &Database, table: &Table, body: &Json) -> Result<String> {
    let backend = db.backend();
    let values = writable_values(backend, table, body, true)?;
    let mut insert = Query::insert().into_table(table.name.clone()).to_owned();
    if values.is_empty() {
        insert.or_default_values();
    } else {
        insert.columns(values.iter().map(|(c, _)| c.clone()));
        insert.values(values.into_iter().map(|(_, e)| e)).map_err(Error::internal)?;
    }
    let columns: Vec<&Column> = table.columns.iter().collect();
    if backend != Backend::Mysql {
        insert.returning(returning_row(backend, table));
        let row = db.pooled().fetch_text(&insert).await.map_err(|e| name_foreign_keys(e, table, body))?;
        return finish_row(backend, &columns, row.ok_or_else(|| Error::internal("INSERT returned no row"))?);
    }
    // MySQL has no RETURNING: insert and read back by key in one transaction.
    let given: Option<Vec<(String, Json)>> = table
        .primary_key
        .iter()
        .map(|c| body.get(c).filter(|v| !v.is_null()).map(|v| (c.clone(), v.clone())))
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
    let mut tx = db.begin().await?;
    let done = tx.execute(&insert).await.map_err(|e| name_foreign_keys(e, table, body))?;
    let key = match (given, done.last_insert_id) {
        (Some(key), _) => key,
        (None, Some(id)) => vec![(table.primary_key[0].clone(), Json::from(id))],
        (None, None) => return Err(Error::internal("no auto-increment id after INSERT")),
    };
    let row =
        fetch_row(&mut tx, backend, table, &key).await?.ok_or_else(|| Error::internal("inserted row not found"))?;
    tx.commit().await?;
    Ok(row)
}

/// Updates the given columns of one row; returns the row as stored.
pub(crate) async fn update(db: &Database, table: &Table, segment: &str, body: &Json) -> Result<String> {
    let backend = db.backend();
    let key = super::pk::parse(table, segment)?;
    let values = writable_values(backend, table, body, false)?;
    if values.is_empty() {
        return Err(Error::BadRequest("body: give at least one column to change".into()));
    }
    let mut update = Query::update()
        .table(table.name.clone())
        .values(values)
        .cond_where(pk_condition(backend, table, &key)?)
        .to_owned();
    let columns: Vec<&Column> = table.columns.iter().collect();
    if backend != Backend::Mysql {
        update.returning(returning_row(backend, table));
        let row = db.pooled().fetch_text(&update).await.map_err(|e| name_foreign_keys(e, table, body))?;
        return finish_row(backend, &columns, row.ok_or_else(|| not_found(table, segment))?);
    }
    // MySQL counts only rows whose values changed, so existence is checked by reading.
    let mut tx = db.begin().await?;
    if fetch_row(&mut tx, backend, table, &key).await?.is_none() {
        return Err(not_found(table, segment));
    }
    tx.execute(&update).await.map_err(|e| name_foreign_keys(e, table, body))?;
    // The key itself may have changed.
    let new_key: Vec<(String, Json)> =
        key.into_iter().map(|(c, v)| (c.clone(), body.get(&c).cloned().unwrap_or(v))).collect();
    let row =
        fetch_row(&mut tx, backend, table, &new_key).await?.ok_or_else(|| Error::internal("updated row not found"))?;
    tx.commit().await?;
    Ok(row)
}

/// Deletes one row.
pub(crate) async fn delete(db: &Database, table: &Table, segment: &str) -> Result<()> {
    let backend = db.backend();
    let key = super::pk::parse(table, segment)?;
    let delete =
        Query::delete().from_table(table.name.clone()).cond_where(pk_condition(backend, table, &key)?).to_owned();
    let done = db.pooled().execute(&delete).await.map_err(|e| e.with_columns(&table.column_names()))?;
    if done.rows_affected == 0 {
        return Err(not_found(table, segment));
    }
    Ok(())
}
