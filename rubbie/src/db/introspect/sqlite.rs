//! SQLite catalogue: `sqlite_master` and the `pragma_*` table-valued functions.

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, SqlitePool};

use super::{Catalogue, RawColumn, RawForeignKey, RawIndex, is_internal_table, parse_quoted_list};
use crate::db::Backend;
use crate::db::json_row::quote_ident;
use crate::db::schema::ForeignKey;
use crate::error::Result;

pub(super) async fn read(pool: &SqlitePool) -> Result<Catalogue> {
    let tables: Vec<(String, String)> =
        sqlx::query_as("SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(pool)
            .await?;
    let mut cat = Catalogue::default();
    for (table, create_sql) in tables.into_iter().filter(|(t, _)| !is_internal_table(t)) {
        let columns: Vec<(String, String, bool, Option<String>, i64, i64)> = sqlx::query_as(
            // table_xinfo also lists generated columns (hidden 2 and 3); hidden 1 is a virtual table's.
            "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) WHERE hidden <> 1 ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(pool)
        .await?;
        let mut pk: Vec<(i64, String)> = columns.iter().filter(|c| c.4 > 0).map(|c| (c.4, c.0.clone())).collect();
        pk.sort();
        // A single INTEGER PRIMARY KEY is an alias of the rowid (the database fills it), except
        // in WITHOUT ROWID tables.
        let rowid_alias = pk.len() == 1
            && !create_sql.to_ascii_uppercase().contains("WITHOUT ROWID")
            && columns.iter().any(|c| c.4 > 0 && c.1.eq_ignore_ascii_case("integer"));
        for (name, db_type, notnull, default, pk_pos, hidden) in columns {
            cat.columns.push(RawColumn {
                table: table.clone(),
                enum_values: check_in_list(&create_sql, &name),
                auto_increment: rowid_alias && pk_pos > 0,
                generated: hidden >= 2,
                nullable: !notnull && pk_pos == 0,
                name,
                db_type,
                default,
            });
        }
        if !pk.is_empty() {
            cat.indexes.push(RawIndex {
                table: table.clone(),
                name: format!("{table}_pkey"),
                columns: pk.into_iter().map(|(_, c)| c).collect(),
                unique: true,
                primary: true,
            });
        }
        let indexes: Vec<(String, bool, String)> =
            sqlx::query_as("SELECT name, \"unique\", origin FROM pragma_index_list(?) ORDER BY name")
                .bind(&table)
                .fetch_all(pool)
                .await?;
        for (name, unique, origin) in indexes {
            if origin == "pk" {
                continue;
            }
            let columns: Vec<(String,)> =
                sqlx::query_as("SELECT COALESCE(name, '') FROM pragma_index_info(?) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(pool)
                    .await?;
            cat.indexes.push(RawIndex {
                table: table.clone(),
                name,
                columns: columns.into_iter().map(|c| c.0).collect(),
                unique,
                primary: false,
            });
        }
        let fks: Vec<(i64, String, String, Option<String>)> =
            sqlx::query_as("SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?) ORDER BY id, seq")
                .bind(&table)
                .fetch_all(pool)
                .await?;
        let mut current: Option<(i64, ForeignKey)> = None;
        for (id, target, from, to) in fks {
            if current.as_ref().is_none_or(|(cid, _)| *cid != id) {
                if let Some((_, key)) = current.take() {
                    cat.foreign_keys.push(RawForeignKey { table: table.clone(), key });
                }
                current = Some((
                    id,
                    ForeignKey {
                        name: format!("{table}_fk{id}"),
                        columns: Vec::new(),
                        references_table: target.clone(),
                        references_columns: Vec::new(),
                    },
                ));
            }
            let (_, key) = current.as_mut().expect("set above");
            key.columns.push(from);
            // "to" is NULL when the key references the target's primary key implicitly; the
            // schema builder fills it in from the target table.
            key.references_columns.push(to.unwrap_or_default());
        }
        if let Some((_, key)) = current {
            cat.foreign_keys.push(RawForeignKey { table: table.clone(), key });
        }
    }
    Ok(cat)
}

/// `MAX(rowid)` per table: one index lookup, exact until rows are deleted (then an upper bound).
/// `WITHOUT ROWID` tables have no estimate.
pub(super) async fn row_estimates(pool: &SqlitePool, only: Option<&str>) -> Result<HashMap<String, i64>> {
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table'").fetch_all(pool).await?;
    let mut estimates = HashMap::new();
    for (table,) in tables.into_iter().filter(|(t,)| !is_internal_table(t) && only.is_none_or(|o| o == t)) {
        // The name comes from the catalogue and is quoted: safe to splice.
        let sql = format!("SELECT COALESCE(MAX(rowid), 0) FROM {}", quote_ident(Backend::Sqlite, &table));
        if let Ok((n,)) = sqlx::query_as::<_, (i64,)>(AssertSqlSafe(sql)).fetch_one(pool).await {
            estimates.insert(table, n);
        }
    }
    Ok(estimates)
}

/// The values of a `CHECK (col IN ('a', 'b'))` in the table's CREATE statement, if any.
fn check_in_list(create_sql: &str, column: &str) -> Option<Vec<String>> {
    let lower = create_sql.to_ascii_lowercase();
    let col = column.to_ascii_lowercase();
    for quoted in [format!("\"{col}\""), format!("`{col}`"), col.clone()] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(&quoted) {
            let start = from + at + quoted.len();
            let before_ok = from + at == 0
                || !lower.as_bytes()[from + at - 1].is_ascii_alphanumeric() && lower.as_bytes()[from + at - 1] != b'_';
            let rest = lower[start..].trim_start();
            if before_ok && rest.starts_with("in") && rest[2..].trim_start().starts_with('(') {
                let open = start + (lower[start..].len() - rest.len()) + 2;
                let open = open + lower[open..].find('(')? + 1;
                let close = open + lower[open..].find(')')?;
                let values = parse_quoted_list(&create_sql[open..close]);
                return (!values.is_empty()).then_some(values);
            }
            from = start;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::check_in_list;

    #[test]
    fn finds_enum_values_in_check_constraints() {
        let sql = "CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('new', 'paid','shipped')), substatus TEXT)";
        assert_eq!(check_in_list(sql, "status"), Some(vec!["new".into(), "paid".into(), "shipped".into()]));
        assert_eq!(check_in_list(sql, "substatus"), None);
        assert_eq!(check_in_list(sql, "id"), None);
    }
}
