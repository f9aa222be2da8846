//! A page of the host's rows: offset or keyset paging, the row cap of a role, and the count
//! (exact, estimated, or exact within a time limit).

use sea_query::{Condition, Expr, Query, SelectStatement};
use serde_json::Value as Json;
use serde_json::value::RawValue;

use super::cursor::{after_condition, cursor_of, keyset_allowed};
use super::order::SortKey;
use super::read::{ReadPlan, ReadRequest, order_by, plan_read};
use crate::db::exec::{Built, Executor, Statement};
use crate::db::json_row::{fixup_row, json_array, needs_fixup, quote_ident, row_json_sql};
use crate::db::schema::{Column, Schema, Table};
use crate::db::{Backend, Database, introspect};
use crate::error::{Error, Result};
use crate::permissions::Access;

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
    /// Filter, search, sort and columns.
    pub read: ReadRequest,
    pub limit: u64,
    pub offset: u64,
    pub after: Option<String>,
    pub count: Option<CountMode>,
    /// How long an exact count may take before the estimate is given instead.
    pub count_timeout: std::time::Duration,
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

/// Lists rows with filter, sort, pagination and count, within what `access` may read.
pub(crate) async fn list(db: &Database, schema: &Schema, table: &Table, q: ListQuery, access: &Access) -> Result<Page> {
    let backend = db.backend();
    let ReadPlan { read, mut columns, filter, order } = plan_read(backend, schema, table, &q.read, access)?;
    // The cursor is read from the last row: sort columns left out by `columns` are fetched too
    // and removed again below.
    let extra: Vec<&Column> = order
        .iter()
        .filter_map(|k| table.column(&k.column))
        .filter(|c| !columns.iter().any(|p| p.name == c.name))
        .collect();
    columns.extend(extra.iter().copied());
    let keyset = keyset_allowed(backend, table, &order) && read.limit.is_none();
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
        page.cond_where(after_condition(backend, table, &order, cursor)?);
    }
    order_by(&mut page, table, &order);
    // A role's row cap bounds the whole result, not each page.
    let (offset, limit) = match read.limit {
        Some(cap) => (Ord::min(q.offset, cap), Ord::min(q.limit, cap.saturating_sub(q.offset))),
        None => (q.offset, q.limit),
    };
    let mut rows = if limit == 0 {
        Vec::new()
    } else {
        let offset = if q.after.is_none() { offset } else { 0 };
        let json = row_json_sql(backend, &table.name, &columns);
        db.pooled()
            .fetch_texts(&PageSelect { page, limit, offset, json, table: table.name.clone(), order: order.clone() })
            .await?
    };
    if needs_fixup(backend, &columns) {
        rows = rows.iter().map(|r| fixup_row(r, &columns)).collect::<Result<_>>()?;
    }
    let next_cursor = match rows.last() {
        Some(last) if keyset && rows.len() as u64 == q.limit => cursor_of(last, &order),
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

/// One page of rows as JSON: `page` picks the rows, `json` turns only those into objects.
///
/// LIMIT and OFFSET are written as numbers, not bound: a bound LIMIT makes PostgreSQL re-plan
/// the statement on every run (or plan it for an unknown limit) and SQLite re-prepare it, about
/// 0.1 ms of a 0.5 ms page. They are integers, so nothing can be injected through them.
struct PageSelect {
    page: SelectStatement,
    limit: u64,
    offset: u64,
    json: String,
    table: String,
    order: Vec<SortKey>,
}

impl Statement for PageSelect {
    fn build_for(&self, backend: Backend) -> Built {
        let alias = quote_ident(backend, &self.table);
        let order: Vec<String> = self
            .order
            .iter()
            .map(|k| {
                format!("{alias}.{} {}", quote_ident(backend, &k.column), if k.descending { "DESC" } else { "ASC" })
            })
            .collect();
        // A role that may read none of the sort columns gets its rows in no particular order.
        let order = if order.is_empty() { String::new() } else { format!(" ORDER BY {}", order.join(", ")) };
        let (json, limit) = (&self.json, self.limit);
        let offset = if self.offset > 0 { format!(" OFFSET {}", self.offset) } else { String::new() };
        // The page keeps the table's name as its alias, so the JSON expression reads it as is.
        self.page
            .build_for(backend)
            .wrapped(|page| format!("SELECT {json} FROM ({page} LIMIT {limit}{offset}) AS {alias}{order}"))
    }
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
