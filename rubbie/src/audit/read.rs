//! Reading the log: entries newest first, filtered and keyset paged, one by id, and the
//! per-day activity the home page charts. What a non-admin may see is decided in
//! [`super::visibility`].

use sea_query::{Cond, Expr, ExprTrait, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::ToSchema;

use super::Category;
use super::chain::Sealed;
use crate::db::internal::{Field, fetch_all};
use crate::db::{Backend, Database};
use crate::error::{Error, Result};

/// One audit entry.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    /// Entry id (increasing).
    pub id: i64,
    /// When, Unix milliseconds (UTC).
    pub at: i64,
    /// Who: the user name (for a failed sign-in, null; the name tried is the `object`).
    pub user: Option<String>,
    /// The user's id.
    pub user_id: Option<i64>,
    /// The role the user had.
    pub role: Option<String>,
    /// `session`, `token`, `anonymous` or `system`.
    pub via: String,
    /// The API token used, when `via` is `token`.
    pub token_id: Option<i64>,
    /// The role an admin was viewing as.
    pub view_as: Option<String>,
    /// Client address (when the host serves with connect info).
    pub ip: Option<String>,
    /// Client user agent.
    pub user_agent: Option<String>,
    /// Groups the entries of one request.
    pub request_id: Option<String>,
    /// What the entry is about.
    pub category: Category,
    /// `insert`, `update`, `delete`, `create`, `track`, `login`...
    pub action: String,
    /// The table concerned, if any.
    pub table: Option<String>,
    /// The row's key as in row URLs (row entries).
    pub row_key: Option<String>,
    /// The object changed when it is not a row (`viewer/orders/select`, a flag's name...).
    pub object: Option<String>,
    /// State before (null for a creation); withheld columns show as `••••••`.
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub before: Option<Json>,
    /// State after (null for a deletion).
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub after: Option<Json>,
    /// Top-level keys that changed.
    pub changed: Vec<String>,
    /// One line for people.
    pub summary: String,
    /// What else the action needs to be understood.
    #[schema(value_type = Option<Value>)]
    pub detail: Option<Json>,
    /// The entry this one reverted.
    pub reverts_id: Option<i64>,
}

/// A stored entry: its id and the fields its hash covers.
#[derive(Deserialize)]
struct Row {
    id: i64,
    #[serde(flatten)]
    sealed: Sealed,
}

const TABLE: &str = "rubbie_audit";

/// The columns a [`Row`] is read from.
fn fields() -> Vec<Field<'static>> {
    std::iter::once(("id", TABLE, "id")).chain(Sealed::COLUMNS.iter().map(|c| (*c, TABLE, *c))).collect()
}

impl TryFrom<Row> for AuditEntry {
    type Error = Error;

    fn try_from(r: Row) -> Result<Self> {
        let json = |text: Option<String>| -> Result<Option<Json>> {
            text.map(|t| serde_json::from_str(&t).map_err(Error::internal)).transpose()
        };
        let s = r.sealed;
        Ok(AuditEntry {
            id: r.id,
            at: s.at,
            user: s.username,
            user_id: s.user_id,
            role: s.role,
            via: s.via,
            token_id: s.token_id,
            view_as: s.view_as,
            ip: s.ip,
            user_agent: s.user_agent,
            request_id: s.request_id,
            category: Category::parse(&s.category)
                .ok_or_else(|| Error::internal(format!("stored audit category {}", s.category)))?,
            action: s.action,
            table: s.table_name,
            row_key: s.row_key,
            object: s.object,
            before: json(s.before_json)?,
            after: json(s.after_json)?,
            changed: s
                .changed
                .map(|c| serde_json::from_str(&c).map_err(Error::internal))
                .transpose()?
                .unwrap_or_default(),
            summary: s.summary,
            detail: json(s.detail)?,
            reverts_id: s.reverts_id,
        })
    }
}

/// What to list; every part optional.
#[derive(Debug, Clone, Default)]
pub(crate) struct Filter {
    pub category: Option<Category>,
    pub user: Option<String>,
    pub table: Option<String>,
    pub row_key: Option<String>,
    pub action: Option<String>,
    pub request_id: Option<String>,
    /// Unix milliseconds, inclusive.
    pub from: Option<i64>,
    /// Unix milliseconds, exclusive.
    pub to: Option<i64>,
    /// Case-insensitive text in the summary or object.
    pub text: Option<String>,
    /// Only entries older than this id (the keyset cursor).
    pub before_id: Option<i64>,
    /// Only these tables' row entries (what a non-admin may read).
    pub only_row_tables: Option<Vec<String>>,
    /// Leave this category out (the home page leaves out sign-ins).
    pub except: Option<Category>,
}

/// `%` and `_` taken literally in a LIKE pattern (`\` escapes).
fn like_literal(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn query_of(backend: Backend, f: &Filter) -> SelectStatement {
    let mut q = Query::select().from(TABLE).order_by((TABLE, "id"), Order::Desc).to_owned();
    let col = |c: &'static str| Expr::col((TABLE, c));
    if let Some(c) = f.category {
        q.and_where(col("category").eq(c.as_str()));
    }
    if let Some(user) = &f.user {
        q.and_where(col("username").eq(user.as_str()));
    }
    if let Some(table) = &f.table {
        q.and_where(col("table_name").eq(table.as_str()));
    }
    if let (Some(table), Some(key)) = (&f.table, &f.row_key) {
        q.and_where(col("target_hash").eq(super::record::target_hash(table, key)));
    } else if let Some(key) = &f.row_key {
        q.and_where(col("row_key").eq(key.as_str()));
    }
    if let Some(action) = &f.action {
        q.and_where(col("action").eq(action.as_str()));
    }
    if let Some(id) = &f.request_id {
        q.and_where(col("request_id").eq(id.as_str()));
    }
    if let Some(from) = f.from {
        q.and_where(col("at").gte(from));
    }
    if let Some(to) = f.to {
        q.and_where(col("at").lt(to));
    }
    if let Some(text) = f.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = format!("%{}%", like_literal(&text.to_lowercase()));
        let like = |c: &str| {
            // sea-query's placeholder: `$1` on PostgreSQL, `?` elsewhere; MySQL reads `\` in literals.
            let (slot, escape) = match backend {
                Backend::Postgres => ("$1", "'\\'"),
                Backend::Mysql => ("?", "'\\\\'"),
                Backend::Sqlite => ("?", "'\\'"),
            };
            Expr::cust_with_values(
                format!("LOWER({}) LIKE {slot} ESCAPE {escape}", quote(backend, c)),
                [pattern.clone()],
            )
        };
        q.cond_where(Cond::any().add(like("summary")).add(like("object")));
    }
    if let Some(id) = f.before_id {
        q.and_where(col("id").lt(id));
    }
    if let Some(c) = f.except {
        q.and_where(col("category").ne(c.as_str()));
    }
    if let Some(tables) = &f.only_row_tables {
        q.and_where(col("category").eq(Category::Row.as_str()));
        q.and_where(col("table_name").is_in(tables.iter().map(String::as_str)));
    }
    q
}

fn quote(backend: Backend, column: &str) -> String {
    crate::db::json_row::quote_ident(backend, column)
}

/// Up to `limit` entries matching `f`, newest first.
pub(crate) async fn page(db: &Database, f: &Filter, limit: u64) -> Result<Vec<AuditEntry>> {
    let mut q = query_of(db.backend(), f);
    q.limit(limit);
    let rows: Vec<Row> = fetch_all(db, &fields(), q).await?;
    rows.into_iter().map(AuditEntry::try_from).collect()
}

/// One entry by id.
pub(crate) async fn one(db: &Database, id: i64) -> Result<AuditEntry> {
    let q = Query::select().from(TABLE).and_where(Expr::col((TABLE, "id")).eq(id)).to_owned();
    let rows: Vec<Row> = fetch_all(db, &fields(), q).await?;
    rows.into_iter()
        .next()
        .map(AuditEntry::try_from)
        .transpose()?
        .ok_or_else(|| Error::NotFound(format!("no audit entry {id}")))
}

/// Entries per UTC day since `from` (Unix ms): `(day as Unix ms at midnight, count)`, oldest
/// first, days without entries left out.
pub(crate) async fn per_day(
    db: &Database,
    from: i64,
    only_row_tables: Option<&[String]>,
    except: Category,
) -> Result<Vec<(i64, i64)>> {
    const DAY: i64 = 86_400_000;
    let mut q = Query::select()
        .expr(Expr::cust(format!("{} AS day", day_expr(db.backend()))))
        .expr(Expr::cust("COUNT(*)"))
        .from(TABLE)
        .and_where(Expr::col("at").gte(from))
        .and_where(Expr::col("category").ne(except.as_str()))
        .group_by_col("day")
        .order_by("day", Order::Asc)
        .to_owned();
    if let Some(tables) = only_row_tables {
        q.and_where(Expr::col("category").eq(Category::Row.as_str()));
        q.and_where(Expr::col("table_name").is_in(tables.iter().map(String::as_str)));
    }
    let rows = crate::db::exec::Executor::fetch_integer_pairs(&mut db.pooled(), &q).await?;
    Ok(rows.into_iter().map(|(day, n)| (day * DAY, n)).collect())
}

/// The day number (days since the epoch, UTC) of `at`, as an integer on every backend.
fn day_expr(backend: Backend) -> &'static str {
    match backend {
        Backend::Mysql => "(at DIV 86400000)",
        Backend::Postgres => "(at / 86400000)",
        Backend::Sqlite => "(at / 86400000)",
    }
}
