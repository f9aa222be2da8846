//! Reading the host's schema from the database catalogue, on each backend, and merging it with
//! the models registered by `#[derive(RubbieModel)]`.

mod mysql;
mod postgres;
mod sqlite;

use std::collections::HashMap;

use super::schema::{Check, Column, ColumnKind, ColumnRef, ForeignKey, Index, Schema, Table, TableSource, humanize};
use super::{Backend, Database};
use crate::error::Result;
use crate::model::ModelInfo;

/// A column as the catalogue describes it, before kinds and models are applied.
pub(crate) struct RawColumn {
    pub table: String,
    pub name: String,
    pub db_type: String,
    pub nullable: bool,
    pub default: Option<String>,
    pub auto_increment: bool,
    /// Computed by the database (generated columns, `GENERATED ALWAYS` identities): read-only.
    pub generated: bool,
    pub enum_values: Option<Vec<String>>,
}

/// An index or primary key as the catalogue describes it.
pub(crate) struct RawIndex {
    pub table: String,
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    pub primary: bool,
}

/// A foreign key as the catalogue describes it.
pub(crate) struct RawForeignKey {
    pub table: String,
    pub key: ForeignKey,
}

/// A CHECK constraint as the catalogue describes it.
pub(crate) struct RawCheck {
    pub table: String,
    pub check: Check,
}

/// Everything one catalogue read returns.
#[derive(Default)]
pub(crate) struct Catalogue {
    pub columns: Vec<RawColumn>,
    pub indexes: Vec<RawIndex>,
    pub foreign_keys: Vec<RawForeignKey>,
    pub checks: Vec<RawCheck>,
}

/// Whether a table is rubbie's own or another tool's bookkeeping, never shown to users.
pub(crate) fn is_internal_table(name: &str) -> bool {
    name.starts_with("rubbie_") || name.starts_with("sqlite_") || name == "_sqlx_migrations"
}

/// Reads every user table of the database and merges the registered models over it.
pub async fn introspect(db: &Database) -> Result<Schema> {
    let catalogue = match db {
        Database::Sqlite(pool) => sqlite::read(pool).await?,
        Database::Postgres(pool) => postgres::read(pool).await?,
        Database::Mysql(pool) => mysql::read(pool).await?,
    };
    let models: Vec<&'static ModelInfo> = crate::model::registered_models().collect();
    Ok(build_schema(db.backend(), catalogue, &models))
}

/// The schema as `tx` sees it, its own uncommitted DDL included (SQLite and PostgreSQL, whose
/// DDL is transactional; MySQL commits each DDL statement, so there is nothing to see).
pub(crate) async fn introspect_in(tx: &mut crate::db::exec::Tx) -> Result<Schema> {
    use crate::db::exec::Tx;
    let catalogue = match tx {
        Tx::Sqlite(t) => sqlite::read_on(t).await?,
        Tx::Postgres(t) => postgres::read_on(t).await?,
        Tx::Mysql(_) => return Err(crate::error::Error::internal("MySQL DDL is not transactional")),
    };
    let models: Vec<&'static ModelInfo> = crate::model::registered_models().collect();
    Ok(build_schema(tx.backend(), catalogue, &models))
}

/// A cheap value that changes whenever the catalogue does (SQLite's schema cookie, checksums of
/// the catalogue elsewhere): the introspected schema is read again only when it moves.
pub(crate) async fn fingerprint(db: &Database) -> Result<String> {
    match db {
        Database::Sqlite(pool) => sqlite::fingerprint(pool).await,
        Database::Postgres(pool) => postgres::fingerprint(pool).await,
        Database::Mysql(pool) => mysql::fingerprint(pool).await,
    }
}

/// Row-count estimates from the catalogue's statistics (cheap, possibly stale), for every table
/// or `only` one (a listing needs one, not a lookup per table).
pub async fn row_estimates(db: &Database, only: Option<&str>) -> Result<HashMap<String, i64>> {
    match db {
        Database::Sqlite(pool) => sqlite::row_estimates(pool, only).await,
        Database::Postgres(pool) => postgres::row_estimates(pool, only).await,
        Database::Mysql(pool) => mysql::row_estimates(pool, only).await,
    }
}

fn build_schema(backend: Backend, cat: Catalogue, models: &[&'static ModelInfo]) -> Schema {
    let mut tables: Vec<Table> = Vec::new();
    for raw in cat.columns.into_iter().filter(|c| !is_internal_table(&c.table)) {
        if tables.last().is_none_or(|t| t.name != raw.table) {
            tables.push(Table::named(&raw.table, &[], Vec::new()));
        }
        let kind = column_kind(backend, &raw.db_type, raw.enum_values.is_some());
        let table = tables.last_mut().expect("pushed above");
        table.columns.push(Column {
            label: humanize(&raw.name),
            description: None,
            name: raw.name,
            db_type: raw.db_type,
            kind,
            nullable: raw.nullable,
            default: raw.default,
            primary_key: false,
            auto_increment: raw.auto_increment,
            hidden: false,
            readonly: raw.generated,
            generated: raw.generated,
            enum_values: raw.enum_values,
            references: None,
        });
    }
    let position: HashMap<String, usize> = tables.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect();
    for index in cat.indexes {
        let Some(&i) = position.get(&index.table) else {
            continue;
        };
        let table = &mut tables[i];
        if index.primary {
            table.primary_key = index.columns.clone();
        }
        table.indexes.push(Index { name: index.name, columns: index.columns, unique: index.unique });
    }
    for mut fk in cat.foreign_keys {
        let (Some(&from), Some(&to)) = (position.get(&fk.table), position.get(&fk.key.references_table)) else {
            continue;
        };
        // SQLite leaves out the referenced columns when they are the target's primary key.
        if fk.key.references_columns.iter().any(String::is_empty)
            && tables[to].primary_key.len() == fk.key.columns.len()
        {
            fk.key.references_columns = tables[to].primary_key.clone();
        }
        let incoming = ForeignKey { references_table: fk.table.clone(), ..fk.key.clone() };
        tables[to].referenced_by.push(incoming);
        tables[from].foreign_keys.push(fk.key);
    }
    for raw in cat.checks {
        if let Some(&i) = position.get(&raw.table) {
            tables[i].checks.push(raw.check);
        }
    }
    for table in &mut tables {
        apply_keys(table);
    }
    for model in models {
        if let Some(&i) = position.get(model.table) {
            apply_model(&mut tables[i], model);
        }
    }
    for table in &mut tables {
        if table.display_column.is_none() {
            table.display_column = guess_display_column(table);
        }
    }
    tables.sort_by(|a, b| a.name.cmp(&b.name));
    Schema { tables, untracked: Vec::new() }
}

/// Column names people use for what a row is called, best first.
const DISPLAY_NAMES: &[&str] =
    &["name", "title", "label", "display_name", "full_name", "username", "email", "code", "slug", "sku"];

/// The column most likely to name a row: a text column with a well-known name. Nothing else
/// is guessed (a status or a note names no row); `#[rubbie(display)]` says it for a model.
fn guess_display_column(table: &Table) -> Option<String> {
    let candidates = || table.columns.iter().filter(|c| !c.primary_key && !c.hidden && c.kind == ColumnKind::Text);
    DISPLAY_NAMES
        .iter()
        .find_map(|wanted| candidates().find(|c| c.name.eq_ignore_ascii_case(wanted)))
        .map(|c| c.name.clone())
}

/// Marks primary-key columns and single-column foreign-key targets.
fn apply_keys(table: &mut Table) {
    for column in &mut table.columns {
        column.primary_key = table.primary_key.contains(&column.name);
        if let Some(fk) = table.foreign_keys.iter().find(|fk| fk.columns.len() == 1 && fk.columns[0] == column.name) {
            column.references =
                Some(ColumnRef { table: fk.references_table.clone(), column: fk.references_columns[0].clone() });
        }
    }
}

/// Lays a model's labels and hints over the introspected table (the database wins on types).
fn apply_model(table: &mut Table, model: &ModelInfo) {
    table.source = TableSource::Model;
    if let Some(label) = model.label {
        table.label = label.to_owned();
    }
    if table.primary_key.is_empty() {
        table.primary_key = model.primary_key.iter().map(|c| (*c).to_owned()).collect();
        for column in &mut table.columns {
            column.primary_key = table.primary_key.contains(&column.name);
        }
    }
    for field in model.fields {
        let Some(column) = table.columns.iter_mut().find(|c| c.name == field.column) else {
            continue;
        };
        if let Some(label) = field.label {
            column.label = label.to_owned();
        }
        column.hidden |= field.hidden;
        if field.display {
            table.display_column = Some(column.name.clone());
        }
        column.readonly |= field.readonly;
        if column.references.is_none()
            && let Some(hint) = field.references
        {
            let (t, c) = hint.split_once('.').unwrap_or((hint, "id"));
            column.references = Some(ColumnRef { table: t.to_owned(), column: c.to_owned() });
        }
    }
}

/// The kind of a column from its database type name.
pub(crate) fn column_kind(backend: Backend, db_type: &str, is_enum: bool) -> ColumnKind {
    if is_enum {
        return ColumnKind::Enum;
    }
    let t = db_type.to_ascii_lowercase();
    if t.ends_with("[]") {
        return ColumnKind::Other;
    }
    let base = t.split('(').next().unwrap_or_default().trim();
    let base = base.strip_suffix(" unsigned").unwrap_or(base);
    if backend == Backend::Mysql && (t.starts_with("tinyint(1)") || base == "bool" || base == "boolean") {
        return ColumnKind::Boolean;
    }
    // MySQL's YEAR is a number (1901 to 2155) and reads back as one.
    if backend == Backend::Mysql && base == "year" {
        return ColumnKind::Integer;
    }
    const INTEGERS: &[&str] = &[
        "int",
        "integer",
        "smallint",
        "bigint",
        "tinyint",
        "mediumint",
        "int2",
        "int4",
        "int8",
        "serial",
        "bigserial",
        "smallserial",
    ];
    match base {
        "bool" | "boolean" => ColumnKind::Boolean,
        "json" | "jsonb" => ColumnKind::Json,
        "uuid" => ColumnKind::Uuid,
        "date" => ColumnKind::Date,
        "bytea" | "blob" | "tinyblob" | "mediumblob" | "longblob" | "binary" | "varbinary" => ColumnKind::Bytes,
        _ if INTEGERS.contains(&base) => ColumnKind::Integer,
        _ if base.starts_with("timestamp") || base.starts_with("datetime") => ColumnKind::Datetime,
        _ if base.starts_with("time") => ColumnKind::Time,
        "numeric" | "decimal" | "money" | "dec" | "fixed" => ColumnKind::Decimal,
        "real" | "float" | "double" | "double precision" | "float4" | "float8" => ColumnKind::Float,
        _ if base.contains("char") || base.contains("text") || base.contains("clob") || base == "citext" => {
            ColumnKind::Text
        }
        _ => ColumnKind::Other,
    }
}

/// Parses SQL string literals in a list like `'a','b', 'c''s'` (enum definitions, CHECK lists).
pub(crate) fn parse_quoted_list(list: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = list.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\'' {
            continue;
        }
        let mut value = String::new();
        while let Some(c) = chars.next() {
            if c == '\'' {
                if chars.peek() == Some(&'\'') {
                    chars.next();
                    value.push('\'');
                } else {
                    break;
                }
            } else {
                value.push(c);
            }
        }
        out.push(value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_database_types() {
        assert_eq!(column_kind(Backend::Mysql, "tinyint(1)", false), ColumnKind::Boolean);
        assert_eq!(column_kind(Backend::Mysql, "int(11)", false), ColumnKind::Integer);
        assert_eq!(column_kind(Backend::Postgres, "timestamp with time zone", false), ColumnKind::Datetime);
        assert_eq!(column_kind(Backend::Postgres, "time without time zone", false), ColumnKind::Time);
        assert_eq!(column_kind(Backend::Postgres, "numeric(10,2)", false), ColumnKind::Decimal);
        assert_eq!(column_kind(Backend::Sqlite, "VARCHAR(200)", false), ColumnKind::Text);
        assert_eq!(column_kind(Backend::Sqlite, "DOUBLE PRECISION", false), ColumnKind::Float);
        assert_eq!(column_kind(Backend::Postgres, "character varying(20)", true), ColumnKind::Enum);
    }

    #[test]
    fn quoted_lists_unescape() {
        assert_eq!(parse_quoted_list("'a', 'b''c','d'"), vec!["a", "b'c", "d"]);
    }
}
