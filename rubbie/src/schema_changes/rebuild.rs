//! SQLite's table rebuild, for the changes its ALTER TABLE cannot make (a column's type,
//! nullability or default; adding or dropping a foreign key; dropping a UNIQUE constraint):
//! the documented procedure — create the new form, copy the rows, drop the old table, rename
//! the new one, re-create the indexes — with the rows counted before the old table goes.
//!
//! The statements run inside the migration's own `BEGIN`/`COMMIT` with foreign keys off
//! (see [`wrap`]): with them on, dropping a referenced table deletes or nulls its children's
//! rows through their ON DELETE actions, whatever else the transaction does.

use super::catalogue::Attached;
use crate::db::Backend;
use crate::db::json_row::quote_ident;
use crate::db::schema::Table;
use crate::error::{Error, Result};

/// The temporary name of the new form while the rows are copied.
fn new_name(table: &str) -> String {
    format!("_rubbie_new_{table}")
}

fn q(name: &str) -> String {
    quote_ident(Backend::Sqlite, name)
}

/// The statements that turn `before` into `after` (same name; `after`'s columns that `before`
/// has are copied). `attached` are the table's indexes and triggers as written: dropping the
/// old table drops them, so they are replayed (an index only while `after` still has it), and
/// indexes `after` has beyond them are created.
pub(crate) fn statements(before: &Table, after: &Table, attached: &[Attached]) -> Result<Vec<String>> {
    if let Some(c) = before.columns.iter().chain(&after.columns).find(|c| c.generated) {
        return Err(Error::conflict(format!(
            "{} has the generated column {}: rubbie does not rebuild such tables; write the migration by hand",
            before.name, c.name
        )));
    }
    let temp = new_name(&after.name);
    let copied: Vec<String> =
        after.columns.iter().filter(|c| before.column(&c.name).is_some()).map(|c| q(&c.name)).collect();
    let copied = copied.join(", ");
    let mut out = vec![
        create(after, &temp),
        format!("INSERT INTO {} ({copied}) SELECT {copied} FROM {}", q(&temp), q(&before.name)),
        // the guard's CHECK fails the migration if a row was not copied
        format!(
            "INSERT INTO _rubbie_guard (n) SELECT (SELECT COUNT(*) FROM {}) - (SELECT COUNT(*) FROM {})",
            q(&before.name),
            q(&temp)
        ),
        format!("DROP TABLE {}", q(&before.name)),
        // the legacy rename: the new one re-checks every view and trigger of the schema, and
        // those naming the table fail while it is gone ("error in view v: no such table")
        "PRAGMA legacy_alter_table = ON".to_owned(),
        format!("ALTER TABLE {} RENAME TO {}", q(&temp), q(&after.name)),
        "PRAGMA legacy_alter_table = OFF".to_owned(),
    ];
    let kept = |name: &str| after.indexes.iter().any(|i| i.name == name);
    out.extend(attached.iter().filter(|a| a.index && kept(&a.name)).map(|a| a.sql.clone()));
    for index in after.indexes.iter().filter(|i| !inline(&i.name) && i.columns != after.primary_key) {
        if attached.iter().any(|a| a.index && a.name == index.name) {
            continue;
        }
        let unique = if index.unique { "UNIQUE " } else { "" };
        let columns = index.columns.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
        out.push(format!("CREATE {unique}INDEX {} ON {} ({columns})", q(&index.name), q(&after.name)));
    }
    out.extend(attached.iter().filter(|a| !a.index).map(|a| a.sql.clone()));
    Ok(out)
}

/// A UNIQUE constraint written in CREATE TABLE (its index has no SQL of its own).
pub(crate) fn inline(index: &str) -> bool {
    index.starts_with("sqlite_autoindex_")
}

/// CREATE TABLE `name` in `table`'s form: columns, key, inline UNIQUE constraints, foreign
/// keys and checks, as the catalogue describes them.
fn create(table: &Table, name: &str) -> String {
    let rowid = table.primary_key.len() == 1
        && table.column(&table.primary_key[0]).is_some_and(|c| c.db_type.eq_ignore_ascii_case("integer"));
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            if rowid && c.primary_key {
                return format!("{} INTEGER PRIMARY KEY", q(&c.name));
            }
            let mut line = format!("{} {}", q(&c.name), c.db_type);
            if !c.nullable {
                line.push_str(" NOT NULL");
            }
            if let Some(d) = &c.default {
                line.push_str(&format!(" DEFAULT {d}"));
            }
            line
        })
        .collect();
    let list = |names: &[String]| names.iter().map(|c| q(c)).collect::<Vec<_>>().join(", ");
    if !rowid && !table.primary_key.is_empty() {
        lines.push(format!("PRIMARY KEY ({})", list(&table.primary_key)));
    }
    for index in table.indexes.iter().filter(|i| inline(&i.name)) {
        lines.push(format!("UNIQUE ({})", list(&index.columns)));
    }
    for k in &table.foreign_keys {
        lines.push(format!(
            "FOREIGN KEY ({}) REFERENCES {} ({}) ON DELETE {} ON UPDATE {}",
            list(&k.columns),
            q(&k.references_table),
            list(&k.references_columns),
            k.on_delete,
            k.on_update
        ));
    }
    for check in &table.checks {
        match &check.name {
            Some(n) => lines.push(format!("CONSTRAINT {} CHECK ({})", q(n), check.expression)),
            None => lines.push(format!("CHECK ({})", check.expression)),
        }
    }
    format!("CREATE TABLE {} (\n  {}\n)", q(name), lines.join(",\n  "))
}

/// The guard table the checks write to (a failing CHECK stops the migration): the first
/// statement of a migration with rebuilds.
pub(crate) const GUARD: &str = "CREATE TEMP TABLE IF NOT EXISTS _rubbie_guard (n INTEGER CHECK (n = 0))";

/// The last statements: no foreign key of `tables` (the rebuilt ones and those referencing
/// them) is broken, and the guard goes.
pub(crate) fn finish(tables: &[String]) -> Vec<String> {
    let counts: Vec<String> = tables
        .iter()
        .map(|t| {
            format!("(SELECT COUNT(*) FROM pragma_foreign_key_check({}))", super::change::literal(Backend::Sqlite, t))
        })
        .collect();
    vec![format!("INSERT INTO _rubbie_guard (n) SELECT {}", counts.join(" + ")), "DROP TABLE _rubbie_guard".into()]
}

/// A migration file of rebuild statements: run outside sqlx's transaction (`-- no-transaction`)
/// so that foreign keys can be switched off, inside one transaction of its own.
pub(crate) fn wrap(body: &str) -> String {
    format!(
        "-- no-transaction\n-- SQLite table rebuild: foreign keys off outside the transaction, every row counted,\n\
         -- the foreign keys checked before COMMIT. A failure leaves the transaction open on its\n\
         -- connection: run migrations on a connection of their own, as rubbie's console does.\n\
         PRAGMA foreign_keys = OFF;\nBEGIN;\n{body}COMMIT;\nPRAGMA foreign_keys = ON;\n"
    )
}
