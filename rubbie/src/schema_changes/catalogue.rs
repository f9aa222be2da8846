//! What the planner needs beyond the introspected schema, read from the database's own
//! catalogue before planning: the exact statements that re-create a table a change drops (its
//! down SQL), and on PostgreSQL which indexes are UNIQUE constraints (dropped as constraints).

use std::collections::{HashMap, HashSet};

use sqlx::AssertSqlSafe;

use super::change::SchemaChange;
use crate::db::json_row::quote_ident;
use crate::db::schema::Table;
use crate::db::{Backend, Database};
use crate::error::{Error, Result};

/// The statements that re-create each table the changes drop, as it is now; and on SQLite the
/// indexes and triggers of the tables they name, exactly as written (a rebuild replays them).
#[derive(Debug, Default)]
pub(crate) struct Definitions {
    by_table: HashMap<String, Vec<String>>,
    attached: HashMap<String, Vec<Attached>>,
}

/// An index or trigger of a SQLite table, with the SQL that made it.
#[derive(Debug, Clone)]
pub(crate) struct Attached {
    pub index: bool,
    pub name: String,
    pub sql: String,
}

impl Definitions {
    /// The statements re-creating `table` (read before planning).
    pub(crate) fn of(&self, table: &str) -> Result<Vec<String>> {
        self.by_table.get(table).cloned().ok_or_else(|| Error::internal(format!("no definition read for {table}")))
    }

    /// SQLite: the indexes (those with SQL of their own) and triggers of `table`.
    pub(crate) fn attached(&self, table: &str) -> &[Attached] {
        self.attached.get(table).map_or(&[], Vec::as_slice)
    }
}

/// The PostgreSQL constraints backing indexes, as `(table, index)`.
pub(crate) type ConstraintIndexes = HashSet<(String, String)>;

/// Reads what `changes` will need, for the tables they name as the database has them.
pub(crate) async fn read(
    db: &Database,
    tables: &[Table],
    changes: &[SchemaChange],
) -> Result<(Definitions, ConstraintIndexes)> {
    let mut definitions = Definitions::default();
    let mut constraints = ConstraintIndexes::new();
    if let Database::Sqlite(pool) = db {
        for table in changes.iter().flat_map(SchemaChange::tables) {
            if definitions.attached.contains_key(table) {
                continue;
            }
            let rows: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ?1 AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name",
            )
            .bind(table)
            .fetch_all(pool)
            .await?;
            let attached = rows.into_iter().map(|(kind, name, sql)| Attached { index: kind == "index", name, sql });
            definitions.attached.insert(table.to_owned(), attached.collect());
        }
    }
    for change in changes {
        match change {
            SchemaChange::DropTable { table } => {
                if let Some(t) = tables.iter().find(|t| &t.name == table) {
                    definitions.by_table.insert(table.clone(), definition(db, t).await?);
                }
            }
            SchemaChange::DropIndex { table, .. } if db.backend() == Backend::Postgres => {
                if let Database::Postgres(pool) = db {
                    let names: Vec<(String,)> = sqlx::query_as(
                        "SELECT conname::text FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype IN ('u', 'p')",
                    )
                    .bind(quote_ident(Backend::Postgres, table))
                    .fetch_all(pool)
                    .await?;
                    constraints.extend(names.into_iter().map(|(n,)| (table.clone(), n)));
                }
            }
            _ => {}
        }
    }
    Ok((definitions, constraints))
}

/// The statements that re-create `table` with its keys, indexes and checks (not its rows).
async fn definition(db: &Database, table: &Table) -> Result<Vec<String>> {
    let q = |n: &str| quote_ident(db.backend(), n);
    match db {
        Database::Sqlite(pool) => {
            let rows: Vec<(String, String)> = sqlx::query_as(
                "SELECT type, sql FROM sqlite_master WHERE tbl_name = ?1 AND sql IS NOT NULL ORDER BY type = 'table' DESC, name",
            )
            .bind(&table.name)
            .fetch_all(pool)
            .await?;
            Ok(rows.into_iter().map(|(_, sql)| sql).collect())
        }
        Database::Mysql(pool) => {
            let (_, sql): (String, String) =
                sqlx::query_as(AssertSqlSafe(format!("SHOW CREATE TABLE {}", q(&table.name)))).fetch_one(pool).await?;
            Ok(vec![sql])
        }
        Database::Postgres(pool) => {
            let parts: Vec<(String, String, String)> = sqlx::query_as(
                r#"SELECT 'constraint', conname::text, pg_get_constraintdef(oid) FROM pg_constraint
                   WHERE conrelid = to_regclass($1) AND contype IN ('p', 'u', 'f', 'c', 'x')
                   UNION ALL
                   SELECT 'index', c.relname::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
                   JOIN pg_class c ON c.oid = i.indexrelid
                   WHERE i.indrelid = to_regclass($1)
                     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
                   ORDER BY 1, 2"#,
            )
            .bind(q(&table.name))
            .fetch_all(pool)
            .await?;
            let mut lines: Vec<String> = table.columns.iter().map(|c| pg_column(c, &q)).collect();
            let mut indexes = Vec::new();
            for (kind, name, sql) in parts {
                match kind.as_str() {
                    "constraint" => lines.push(format!("CONSTRAINT {} {sql}", q(&name))),
                    _ => indexes.push(sql),
                }
            }
            let mut statements = vec![format!("CREATE TABLE {} (\n  {}\n)", q(&table.name), lines.join(",\n  "))];
            statements.extend(indexes);
            Ok(statements)
        }
    }
}

/// A PostgreSQL column as it was: a sequence-filled key comes back as `serial` (its sequence
/// went with the table), an identity as an identity.
fn pg_column(c: &crate::db::schema::Column, q: &dyn Fn(&str) -> String) -> String {
    let nextval = c.default.as_deref().is_some_and(|d| d.starts_with("nextval("));
    if c.auto_increment && nextval {
        let serial = match c.db_type.as_str() {
            "bigint" => "bigserial",
            "smallint" => "smallserial",
            _ => "serial",
        };
        return format!("{} {serial} NOT NULL", q(&c.name));
    }
    let mut sql = format!("{} {}", q(&c.name), c.db_type);
    if c.auto_increment {
        sql.push_str(" GENERATED BY DEFAULT AS IDENTITY");
    }
    if !c.nullable {
        sql.push_str(" NOT NULL");
    }
    if let Some(d) = c.default.as_deref().filter(|_| !c.auto_increment) {
        sql.push_str(&format!(" DEFAULT {d}"));
    }
    sql
}
