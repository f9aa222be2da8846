//! The where language (Hasura's boolean expressions) compiled to a sea-query condition.
//!
//! `{"_and": [{"country": {"_eq": "DE"}}, {"customer": {"email": {"_ilike": "%@x.org"}}}]}`.
//! Every column, operator and value is checked against the schema; anything unknown or of the
//! wrong type is a 400 that names it. Relation keys filter through foreign keys with `EXISTS`.

use sea_query::{Condition, Expr, ExprTrait, Func, LikeExpr, Query};
use serde_json::Value as Json;

use crate::db::Backend;
use crate::db::json_row::quote_ident;
use crate::db::schema::{Column, ColumnKind, Schema, Table};
use crate::db::values::bind;
use crate::error::{Error, Result};
use crate::permissions::{Access, Operation};

/// The operators of the where language.
pub(crate) const OPERATORS: &[&str] =
    &["_eq", "_neq", "_gt", "_gte", "_lt", "_lte", "_in", "_nin", "_like", "_nlike", "_ilike", "_nilike", "_is_null"];

/// Compiles a trusted where expression (a permission rule) over `table` (referred to by its
/// own name in the query).
pub(crate) fn compile(backend: Backend, schema: &Schema, table: &Table, expr: &Json) -> Result<Condition> {
    super::limits::check(expr, "where")?;
    let mut ctx = Ctx { backend, schema, aliases: 0, access: None, depth: 0 };
    ctx.object(table, &table.name, expr, "where")
}

/// Compiles a request's filter under the requester's access: only readable columns, and a
/// relation only into tables the role may select, whose row filter then applies inside too.
pub(crate) fn compile_for(
    backend: Backend,
    schema: &Schema,
    table: &Table,
    expr: &Json,
    access: &Access,
) -> Result<Condition> {
    super::limits::check(expr, "where")?;
    let mut ctx = Ctx { backend, schema, aliases: 0, access: Some(access), depth: 0 };
    ctx.object(table, &table.name, expr, "where")
}

/// Relations nest at most this deep, counting the row filters of related tables that apply
/// inside (permission filters may point at each other).
const MAX_HOPS: usize = 8;

/// Members per SQL group: a long `_or` becomes a tree of groups this wide, so neither
/// sea-query's rendering nor the database's parser recurses once per member.
const GROUP_WIDTH: usize = 16;

/// `_and` / `_or` over `items`, as a balanced tree of groups at most [`GROUP_WIDTH`] wide.
pub(crate) fn group(any: bool, mut items: Vec<Condition>) -> Condition {
    let empty = || if any { Condition::any() } else { Condition::all() };
    if items.is_empty() {
        // An empty `_or` matches nothing; an empty `_and` everything.
        return if any { Condition::any().add(Expr::cust("1 = 0")) } else { Condition::all() };
    }
    while items.len() > GROUP_WIDTH {
        let mut next = Vec::with_capacity(items.len().div_ceil(GROUP_WIDTH));
        let mut rest = items.into_iter().peekable();
        while rest.peek().is_some() {
            next.push(rest.by_ref().take(GROUP_WIDTH).fold(empty(), Condition::add));
        }
        items = next;
    }
    items.into_iter().fold(empty(), Condition::add)
}

struct Ctx<'a> {
    backend: Backend,
    schema: &'a Schema,
    aliases: usize,
    access: Option<&'a Access>,
    depth: usize,
}

fn bad(path: &str, message: impl std::fmt::Display) -> Error {
    Error::BadRequest(format!("{path}: {message}"))
}

/// A relation reachable from a table: `(name, other table, [(our column, their column)])`.
struct Relation<'a> {
    table: &'a Table,
    pairs: Vec<(String, String)>,
}

impl<'a> Ctx<'a> {
    fn object(&mut self, table: &Table, alias: &str, expr: &Json, path: &str) -> Result<Condition> {
        let Json::Object(map) = expr else {
            return Err(bad(path, "expected an object"));
        };
        let mut all = Condition::all();
        for (key, value) in map {
            let here = format!("{path}.{key}");
            all = all.add(match key.as_str() {
                "_and" | "_or" => {
                    let Json::Array(items) = value else {
                        return Err(bad(&here, "expected an array"));
                    };
                    let members = items
                        .iter()
                        .enumerate()
                        .map(|(i, item)| self.object(table, alias, item, &format!("{here}[{i}]")))
                        .collect::<Result<Vec<_>>>()?;
                    group(key == "_or", members)
                }
                "_not" => self.object(table, alias, value, &here)?.not(),
                _ => match table.column(key) {
                    Some(column) => {
                        if let Some(access) = self.access
                            && !access.to(table, Operation::Select)?.allows(key)
                        {
                            return Err(Error::Forbidden(format!(
                                "{here}: column {key} of {} is not readable",
                                table.name
                            )));
                        }
                        self.column(alias, column, value, &here)?
                    }
                    // A relation into a table the role cannot see reads as unknown: no leak.
                    None => match self
                        .relation(table, key)
                        .filter(|rel| self.access.is_none_or(|a| a.can_see(&rel.table.name)))
                    {
                        Some(rel) => self.exists(alias, rel, value, &here)?,
                        None => {
                            return Err(bad(
                                &here,
                                format!("{:?} is neither a column nor a relation of {}", key, table.name),
                            ));
                        }
                    },
                },
            });
        }
        Ok(all)
    }

    fn relation(&self, table: &Table, name: &str) -> Option<Relation<'a>> {
        for fk in &table.foreign_keys {
            let rel_name = match fk.columns.as_slice() {
                [single] => single.strip_suffix("_id").unwrap_or(&fk.references_table).to_owned(),
                _ => fk.references_table.clone(),
            };
            if rel_name == name || fk.references_table == name {
                let other = self.schema.table(&fk.references_table)?;
                let pairs = fk.columns.iter().cloned().zip(fk.references_columns.iter().cloned()).collect();
                return Some(Relation { table: other, pairs });
            }
        }
        let incoming = table.referenced_by.iter().find(|fk| fk.references_table == name)?;
        let other = self.schema.table(&incoming.references_table)?;
        // For incoming keys `columns` are the other table's; they point at our `references_columns`.
        let pairs = incoming.references_columns.iter().cloned().zip(incoming.columns.iter().cloned()).collect();
        Some(Relation { table: other, pairs })
    }

    fn exists(&mut self, alias: &str, rel: Relation<'a>, value: &Json, path: &str) -> Result<Condition> {
        self.depth += 1;
        if self.depth > MAX_HOPS {
            return Err(bad(path, format!("relations nest deeper than {MAX_HOPS}")));
        }
        self.aliases += 1;
        // An alias no user table is likely to be called.
        let inner = format!("__rubbie_rel{}", self.aliases);
        let mut sub = Query::select();
        sub.expr(Expr::cust("1")).from_as(rel.table.name.clone(), inner.clone());
        for (ours, theirs) in &rel.pairs {
            sub.and_where(Expr::col((inner.clone(), theirs.clone())).equals((alias.to_owned(), ours.clone())));
        }
        sub.cond_where(self.object(rel.table, &inner, value, path)?);
        if let Some(access) = self.access
            && let Some(rule_filter) = access.to(rel.table, Operation::Select)?.filter
        {
            // The related table's own row filter is trusted text: compiled without access checks.
            let user_access = self.access.take();
            let rule = self.object(rel.table, &inner, &rule_filter, path);
            self.access = user_access;
            sub.cond_where(rule?);
        }
        self.depth -= 1;
        Ok(Condition::all().add(Expr::exists(sub)))
    }

    fn column(&self, alias: &str, column: &Column, ops: &Json, path: &str) -> Result<Condition> {
        let Json::Object(ops) = ops else {
            return Err(bad(path, "expected an object of operators like {\"_eq\": ...}"));
        };
        let mut all = Condition::all();
        for (op, value) in ops {
            all = all.add(self.operator(alias, column, op, value, &format!("{path}.{op}"))?);
        }
        Ok(all)
    }

    fn col(&self, alias: &str, column: &Column) -> Expr {
        Expr::col((alias.to_owned(), column.name.clone()))
    }

    fn value(&self, column: &Column, value: &Json, path: &str) -> Result<Expr> {
        if value.is_null() {
            return Err(bad(path, "null is not a value here; use {\"_is_null\": true}"));
        }
        bind(self.backend, column, value).map_err(|m| bad(path, m))
    }

    fn operator(&self, alias: &str, column: &Column, op: &str, value: &Json, path: &str) -> Result<Condition> {
        let col = self.col(alias, column);
        let expr = match op {
            "_eq" => col.eq(self.value(column, value, path)?),
            "_neq" => col.ne(self.value(column, value, path)?),
            "_gt" => col.gt(self.value(column, value, path)?),
            "_gte" => col.gte(self.value(column, value, path)?),
            "_lt" => col.lt(self.value(column, value, path)?),
            "_lte" => col.lte(self.value(column, value, path)?),
            "_in" | "_nin" => {
                let Json::Array(items) = value else {
                    return Err(bad(path, "expected an array"));
                };
                let bound = items.iter().map(|v| self.value(column, v, path)).collect::<Result<Vec<_>>>()?;
                // One flat `IN (...)` list, however long; an empty one matches nothing (`_nin`: all).
                return Ok(match (op, bound.is_empty()) {
                    ("_in", true) => Condition::any().add(Expr::cust("1 = 0")),
                    ("_in", false) => Condition::all().add(col.is_in(bound)),
                    (_, true) => Condition::all(),
                    (_, false) => Condition::all().add(col.is_not_in(bound)),
                });
            }
            "_like" | "_nlike" | "_ilike" | "_nilike" => {
                if !column.kind.is_textual() {
                    return Err(bad(
                        path,
                        format!("pattern operators apply to text columns, {} is {:?}", column.name, column.kind),
                    ));
                }
                let Json::String(pattern) = value else {
                    return Err(bad(path, "expected a pattern string"));
                };
                let text_col = self.as_text(alias, column);
                let insensitive = op.contains("ilike");
                let (left, right) = if insensitive {
                    (Expr::expr(Func::lower(text_col)), pattern.to_lowercase())
                } else {
                    (text_col, pattern.clone())
                };
                if op.starts_with("_n") { left.not_like(right) } else { left.like(right) }
            }
            "_is_null" => match value {
                Json::Bool(true) => col.is_null(),
                Json::Bool(false) => col.is_not_null(),
                _ => return Err(bad(path, "expected true or false")),
            },
            _ => {
                return Err(bad(path, format!("unknown operator; use one of {}", OPERATORS.join(" "))));
            }
        };
        Ok(Condition::all().add(expr))
    }

    /// The column as text, for pattern matching on enum/uuid columns in Postgres.
    fn as_text(&self, alias: &str, column: &Column) -> Expr {
        if self.backend == Backend::Postgres && column.kind != ColumnKind::Text {
            Expr::cust(format!(
                "CAST({}.{} AS TEXT)",
                quote_ident(self.backend, alias),
                quote_ident(self.backend, &column.name)
            ))
        } else {
            self.col(alias, column)
        }
    }
}

/// Quick search: `term` anywhere in the readable text columns (case-insensitive, `%` and `_`
/// taken literally), or equal to an integer column when the term is a whole number.
pub(crate) fn search(backend: Backend, table: &Table, term: &str, readable: impl Fn(&str) -> bool) -> Condition {
    let escaped = term.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let pattern = format!("%{escaped}%");
    let number: Option<i64> = term.trim().parse().ok();
    let mut any = Condition::any().add(Expr::cust("1 = 0"));
    for column in table.columns.iter().filter(|c| readable(&c.name)) {
        let col = Expr::col((table.name.clone(), column.name.clone()));
        if column.kind.is_textual() {
            let text = if backend == Backend::Postgres && column.kind != ColumnKind::Text {
                Expr::cust(format!(
                    "CAST({}.{} AS TEXT)",
                    quote_ident(backend, &table.name),
                    quote_ident(backend, &column.name)
                ))
            } else {
                col
            };
            any = any.add(Expr::expr(Func::lower(text)).like(LikeExpr::new(pattern.clone()).escape('\\')));
        } else if let (ColumnKind::Integer, Some(n)) = (column.kind, number) {
            any = any.add(col.eq(n));
        }
    }
    any
}

/// Parses the `where` query parameter.
pub(crate) fn parse_param(text: &str) -> Result<Json> {
    let value: Json = serde_json::from_str(text).map_err(|e| Error::BadRequest(format!("where: invalid JSON: {e}")))?;
    if !value.is_object() {
        return Err(Error::BadRequest("where: expected a JSON object".into()));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use sea_query::{MysqlQueryBuilder, PostgresQueryBuilder, Query, SqliteQueryBuilder};
    use serde_json::json;

    use super::*;
    use crate::db::schema::{ColumnKind, ForeignKey};

    fn column(name: &str, kind: ColumnKind, db_type: &str) -> Column {
        Column::test(name, kind, db_type)
    }

    fn schema() -> Schema {
        let fk = ForeignKey::new(
            "orders_customer_id_fkey".into(),
            vec!["customer_id".into()],
            "customers".into(),
            vec!["id".into()],
        );
        let orders_columns = vec![
            column("id", ColumnKind::Integer, "bigint"),
            column("customer_id", ColumnKind::Integer, "bigint"),
            column("total", ColumnKind::Decimal, "numeric(12,2)"),
            column("status", ColumnKind::Text, "text"),
        ];
        let orders = Table { foreign_keys: vec![fk.clone()], ..Table::named("orders", &["id"], orders_columns) };
        let customers_columns =
            vec![column("id", ColumnKind::Integer, "bigint"), column("email", ColumnKind::Text, "text")];
        let customers = Table {
            referenced_by: vec![ForeignKey { references_table: "orders".into(), ..fk }],
            ..Table::named("customers", &["id"], customers_columns)
        };
        Schema { tables: vec![customers, orders], untracked: Vec::new() }
    }

    /// The SQL each backend gets for one expression using every construct of the language.
    #[test]
    fn generated_sql_snapshot() {
        let schema = schema();
        let orders = schema.table("orders").unwrap();
        let expr = json!({"_and": [
            {"status": {"_in": ["paid", "shipped"]}},
            {"_or": [{"total": {"_gt": "100.50"}}, {"status": {"_ilike": "%NEW%"}}]},
            {"_not": {"customer_id": {"_is_null": true}}},
            {"customer": {"email": {"_like": "%@example.com"}}}
        ]});
        let mut out = String::new();
        for backend in [Backend::Sqlite, Backend::Postgres, Backend::Mysql] {
            let cond = compile(backend, &schema, orders, &expr).unwrap();
            let query = Query::select().expr(Expr::cust("1")).from("orders").cond_where(cond).to_owned();
            let sql = match backend {
                Backend::Sqlite => query.to_string(SqliteQueryBuilder),
                Backend::Postgres => query.to_string(PostgresQueryBuilder),
                Backend::Mysql => query.to_string(MysqlQueryBuilder),
            };
            out.push_str(&format!("{backend:?}:\n{sql}\n\n"));
        }
        insta::assert_snapshot!(out);
    }

    /// A long `_or` renders as a shallow tree of groups: SQLite parses `a OR b OR ...` one level
    /// per member and refuses 1,000 of them, and sea-query renders and drops one frame per level.
    #[test]
    fn long_groups_render_as_a_shallow_tree() {
        let items: Vec<Condition> = (0..100_000).map(|i| Condition::all().add(Expr::col("id").eq(i))).collect();
        let query = Query::select().expr(Expr::cust("1")).from("t").cond_where(group(true, items)).to_owned();
        let sql = query.to_string(SqliteQueryBuilder);
        let (mut depth, mut deepest) = (0i32, 0i32);
        for c in sql.chars() {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            deepest = Ord::max(deepest, depth);
        }
        assert!(deepest <= 6, "nested {deepest} deep");
        assert_eq!(sql.matches(" OR ").count(), 99_999);
    }
}
