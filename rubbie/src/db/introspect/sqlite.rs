//! SQLite catalogue: `sqlite_master` and the `pragma_*` table-valued functions.

use std::collections::HashMap;

use sqlx::{AssertSqlSafe, SqliteConnection, SqlitePool};

use super::{Catalogue, RawCheck, RawColumn, RawForeignKey, RawIndex, is_internal_table, parse_quoted_list};
use crate::db::Backend;
use crate::db::json_row::quote_ident;
use crate::db::schema::{Check, ForeignKey};
use crate::error::Result;

pub(super) async fn read(pool: &SqlitePool) -> Result<Catalogue> {
    read_on(&mut *pool.acquire().await?).await
}

/// The catalogue as `conn` sees it (inside its transaction, if it has one open).
pub(super) async fn read_on(conn: &mut SqliteConnection) -> Result<Catalogue> {
    let tables: Vec<(String, String)> =
        sqlx::query_as("SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(&mut *conn)
            .await?;
    let mut cat = Catalogue::default();
    for (table, create_sql) in tables.into_iter().filter(|(t, _)| !is_internal_table(t)) {
        let columns: Vec<(String, String, bool, Option<String>, i64, i64)> = sqlx::query_as(
            // table_xinfo also lists generated columns (hidden 2 and 3); hidden 1 is a virtual table's.
            "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) WHERE hidden <> 1 ORDER BY cid",
        )
        .bind(&table)
        .fetch_all(&mut *conn)
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
                .fetch_all(&mut *conn)
                .await?;
        for (name, unique, origin) in indexes {
            if origin == "pk" {
                continue;
            }
            let columns: Vec<(String,)> =
                sqlx::query_as("SELECT COALESCE(name, '') FROM pragma_index_info(?) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(&mut *conn)
                    .await?;
            cat.indexes.push(RawIndex {
                table: table.clone(),
                name,
                columns: columns.into_iter().map(|c| c.0).collect(),
                unique,
                primary: false,
            });
        }
        let fks: Vec<(i64, String, String, Option<String>, String, String)> = sqlx::query_as(
            "SELECT id, \"table\", \"from\", \"to\", on_delete, on_update FROM pragma_foreign_key_list(?) ORDER BY id, seq",
        )
        .bind(&table)
        .fetch_all(&mut *conn)
        .await?;
        let mut current: Option<(i64, ForeignKey)> = None;
        for (id, target, from, to, on_delete, on_update) in fks {
            if current.as_ref().is_none_or(|(cid, _)| *cid != id) {
                if let Some((_, key)) = current.take() {
                    cat.foreign_keys.push(RawForeignKey { table: table.clone(), key });
                }
                let key = ForeignKey {
                    on_delete,
                    on_update,
                    ..ForeignKey::new(format!("{table}_fk{id}"), Vec::new(), target.clone(), Vec::new())
                };
                current = Some((id, key));
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
        cat.checks.extend(checks_in(&create_sql).into_iter().map(|check| RawCheck { table: table.clone(), check }));
    }
    Ok(cat)
}

/// The CHECK constraints of a CREATE TABLE statement (SQLite keeps no catalogue of them): each
/// `CHECK (...)` outside quotes, with the name of a `CONSTRAINT name` right before it.
fn checks_in(create_sql: &str) -> Vec<Check> {
    let bytes = create_sql.as_bytes();
    let mut found = Vec::new();
    let mut words: Vec<&str> = Vec::new(); // the last two words before the current position
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            // quoted text and identifiers: skipped whole ('' and "" escape their quote)
            q @ (b'\'' | b'"' | b'`' | b'[') => {
                let close = if q == b'[' { b']' } else { q };
                let start = i;
                i += 1;
                while i < bytes.len() && !(bytes[i] == close && bytes.get(i + 1) != Some(&close)) {
                    i += if bytes[i] == close { 2 } else { 1 };
                }
                i += 1;
                words.push(create_sql.get(start..i.min(bytes.len())).unwrap_or(""));
            }
            b if b.is_ascii_alphanumeric() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                    i += 1;
                }
                let word = &create_sql[start..i];
                if word.eq_ignore_ascii_case("check") {
                    let Some(open) = create_sql[i..].find('(').map(|at| i + at) else { break };
                    if !create_sql[i..open].trim().is_empty() {
                        words.push(word);
                        continue;
                    }
                    let Some(close) = matching_paren(bytes, open) else { break };
                    let name = match words.as_slice() {
                        [.., constraint, name] if constraint.eq_ignore_ascii_case("constraint") => {
                            Some(name.trim_matches(|c| matches!(c, '"' | '`' | '[' | ']')).to_owned())
                        }
                        _ => None,
                    };
                    found.push(Check { name, expression: create_sql[open + 1..close].trim().to_owned() });
                    i = close + 1;
                    words.clear();
                } else {
                    words.push(word);
                }
            }
            _ => i += 1,
        }
        if words.len() > 2 {
            words.remove(0);
        }
    }
    found
}

/// The index of the `)` that closes the `(` at `open`, skipping quoted text.
fn matching_paren(bytes: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate().skip(open) {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"' | b'`') => quote = Some(b),
            (None, b'(') => depth += 1,
            (None, b')') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// The schema cookie: SQLite bumps it on every schema change, by any connection.
pub(super) async fn fingerprint(pool: &SqlitePool) -> Result<String> {
    let (version,): (i64,) = sqlx::query_as("SELECT schema_version FROM pragma_schema_version").fetch_one(pool).await?;
    Ok(version.to_string())
}

/// `MAX(rowid)` per table: one index lookup, exact until rows are deleted (then an upper bound).
/// `WITHOUT ROWID` and virtual tables have no estimate. The lookups go to the database a few
/// hundred at a time (SQLite compounds at most 500 SELECTs), not one statement per table.
pub(super) async fn row_estimates(pool: &SqlitePool, only: Option<&str>) -> Result<HashMap<String, i64>> {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'table' AND (?1 IS NULL OR name = ?1)",
    )
    .bind(only)
    .fetch_all(pool)
    .await?;
    let names: Vec<String> = tables
        .into_iter()
        .filter(|(t, sql)| {
            let sql = sql.to_ascii_uppercase();
            !is_internal_table(t) && !sql.contains("WITHOUT ROWID") && !sql.starts_with("CREATE VIRTUAL")
        })
        .map(|(t, _)| t)
        .collect();
    let mut estimates = HashMap::new();
    for chunk in names.chunks(400) {
        // The names come from the catalogue and are quoted: safe to splice; `?` binds each label.
        let sql = chunk
            .iter()
            .map(|t| format!("SELECT ?, COALESCE(MAX(rowid), 0) FROM {}", quote_ident(Backend::Sqlite, t)))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        let mut query = sqlx::query_as::<_, (String, i64)>(AssertSqlSafe(sql));
        for t in chunk {
            query = query.bind(t);
        }
        estimates.extend(query.fetch_all(pool).await?);
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
    use super::{check_in_list, checks_in};

    #[test]
    fn finds_check_constraints_named_or_not_and_skips_quoted_text() {
        let sql = "CREATE TABLE t (id INTEGER, price NUMERIC CHECK (price >= 0), note TEXT DEFAULT 'check (no)', \
                   \"check\" TEXT, CONSTRAINT \"t_range\" CHECK ((id > 0) AND (note <> ')')), [checked] INT)";
        let found = checks_in(sql);
        let got: Vec<(Option<&str>, &str)> = found.iter().map(|c| (c.name.as_deref(), c.expression.as_str())).collect();
        assert_eq!(got, [(None, "price >= 0"), (Some("t_range"), "(id > 0) AND (note <> ')')")]);
        assert!(checks_in("CREATE TABLE t (a CHECK (a > 0").is_empty(), "unclosed: nothing, no panic");
        assert!(checks_in("CREATE TABLE x (checksum TEXT)").is_empty());
    }

    #[test]
    fn finds_enum_values_in_check_constraints() {
        let sql = "CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT NOT NULL CHECK (status IN ('new', 'paid','shipped')), substatus TEXT)";
        assert_eq!(check_in_list(sql, "status"), Some(vec!["new".into(), "paid".into(), "shipped".into()]));
        assert_eq!(check_in_list(sql, "substatus"), None);
        assert_eq!(check_in_list(sql, "id"), None);
    }
}
