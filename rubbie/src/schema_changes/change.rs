//! A schema change as a request gives it, and the checks that need no database: names, sizes,
//! type names and defaults. Type names and default expressions become SQL text, so they are
//! held to small grammars here rather than quoted.

use serde::Deserialize;
use utoipa::ToSchema;

use crate::db::Backend;
use crate::error::{Error, Result};

/// Most changes in one request.
pub(crate) const MAX_CHANGES: usize = 50;
/// Most columns of a table created in one change.
pub(crate) const MAX_COLUMNS: usize = 200;
/// Longest table, column, index or constraint name (PostgreSQL's limit, the smallest).
pub(crate) const MAX_NAME: usize = 63;
/// Longest type name.
const MAX_TYPE: usize = 64;
/// Longest default literal, in characters.
const MAX_DEFAULT: usize = 1000;

/// One change. `type` is the backend's own type name (`integer`, `text`, `numeric(10,2)`...).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum SchemaChange {
    /// A new table (tracked at once).
    CreateTable {
        /// Its name.
        #[schema(min_length = 1, max_length = 63)]
        table: String,
        /// Its columns, in order (1–200).
        #[serde(deserialize_with = "crate::http::objects::list")]
        columns: Vec<ColumnSpec>,
        /// Foreign keys to other tables (or itself).
        #[serde(default, deserialize_with = "crate::http::objects::list")]
        foreign_keys: Vec<ForeignKeySpec>,
        /// Indexes over its columns.
        #[serde(default, deserialize_with = "crate::http::objects::list")]
        indexes: Vec<IndexSpec>,
    },
    /// Renames a table; its metadata, permissions and saved views follow.
    RenameTable {
        /// The table.
        table: String,
        /// The new name.
        #[schema(min_length = 1, max_length = 63)]
        to: String,
    },
    /// Drops a table and everything rubbie kept about it.
    DropTable {
        /// The table.
        table: String,
    },
    /// A new column.
    AddColumn {
        /// The table.
        table: String,
        /// The column (`primary_key` is refused: a key is chosen when the table is created).
        #[serde(deserialize_with = "crate::http::objects::object")]
        column: ColumnSpec,
    },
    /// Changes a column's type, nullability or default to exactly `column`'s.
    AlterColumn {
        /// The table.
        table: String,
        /// The column as it should be (`name` names it; `primary_key` and `unique` must stay).
        #[serde(deserialize_with = "crate::http::objects::object")]
        column: ColumnSpec,
    },
    /// Renames a column; its metadata, permissions and saved views follow.
    RenameColumn {
        /// The table.
        table: String,
        /// The column.
        from: String,
        /// The new name.
        #[schema(min_length = 1, max_length = 63)]
        to: String,
    },
    /// Drops a column (its values are lost; the preview counts them).
    DropColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A new index (or unique constraint, with `unique`).
    AddIndex {
        /// The table.
        table: String,
        /// The index.
        #[serde(deserialize_with = "crate::http::objects::object")]
        index: IndexSpec,
    },
    /// Drops an index.
    DropIndex {
        /// The table.
        table: String,
        /// The index's name.
        name: String,
    },
    /// A new foreign key.
    AddForeignKey {
        /// The referencing table.
        table: String,
        /// The key.
        #[serde(deserialize_with = "crate::http::objects::object")]
        foreign_key: ForeignKeySpec,
    },
    /// Drops a foreign key.
    DropForeignKey {
        /// The referencing table.
        table: String,
        /// The key's name.
        name: String,
    },
}

impl SchemaChange {
    /// The tables it names (a rename names both names).
    pub(crate) fn tables(&self) -> Vec<&str> {
        match self {
            SchemaChange::RenameTable { table, to } => vec![table, to],
            SchemaChange::CreateTable { table, .. }
            | SchemaChange::DropTable { table }
            | SchemaChange::AddColumn { table, .. }
            | SchemaChange::AlterColumn { table, .. }
            | SchemaChange::RenameColumn { table, .. }
            | SchemaChange::DropColumn { table, .. }
            | SchemaChange::AddIndex { table, .. }
            | SchemaChange::DropIndex { table, .. }
            | SchemaChange::AddForeignKey { table, .. }
            | SchemaChange::DropForeignKey { table, .. } => vec![table],
        }
    }

    /// Its column types, to check against the database (PostgreSQL's own types and enums).
    pub(crate) fn column_types(&self) -> Vec<&str> {
        match self {
            SchemaChange::CreateTable { columns, .. } => columns.iter().map(|c| c.db_type.as_str()).collect(),
            SchemaChange::AddColumn { column, .. } | SchemaChange::AlterColumn { column, .. } => vec![&column.db_type],
            _ => Vec::new(),
        }
    }
}

/// A column to create, or a column as it should be after a change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Its name.
    #[schema(min_length = 1, max_length = 63)]
    pub name: String,
    /// The backend's type name: letters, digits, `_` and spaces, optionally `(n)` or `(p,s)`,
    /// `[]` on PostgreSQL, `unsigned` on MySQL.
    #[serde(rename = "type")]
    #[schema(min_length = 1, max_length = 64)]
    pub db_type: String,
    /// NULL allowed (default true; primary key columns never are).
    #[serde(default = "yes")]
    pub nullable: bool,
    /// The default: a string, number or boolean is that value; `{"expression": "current_timestamp"}`
    /// one of `current_timestamp`, `current_date`, `current_time` (and `gen_random_uuid()` on
    /// PostgreSQL); `null` none. Left out: none for a new column, the current one for `alter_column`.
    #[serde(default, deserialize_with = "crate::http::patch::present")]
    #[schema(value_type = Option<Object>)]
    pub default: Option<Option<serde_json::Value>>,
    /// Part of the primary key (create_table only).
    #[serde(default)]
    pub primary_key: bool,
    /// Unique on its own.
    #[serde(default)]
    pub unique: bool,
}

fn yes() -> bool {
    true
}

/// A foreign key to create.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForeignKeySpec {
    /// Its name (default `<table>_<columns>_fkey`).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 63)]
    pub name: Option<String>,
    /// Columns of the referencing table.
    #[schema(min_items = 1, max_items = 16)]
    pub columns: Vec<String>,
    /// The referenced table.
    pub references_table: String,
    /// Its columns (its primary key or a unique key), as many as `columns`.
    #[schema(min_items = 1, max_items = 16)]
    pub references_columns: Vec<String>,
    /// `no action` (default), `restrict`, `cascade`, `set null` or `set default`.
    #[serde(default)]
    pub on_delete: Option<String>,
    /// The same, when a referenced key changes.
    #[serde(default)]
    pub on_update: Option<String>,
}

/// An index to create.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndexSpec {
    /// Its name (default `<table>_<columns>_idx`, `_key` when unique).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 63)]
    pub name: Option<String>,
    /// The indexed columns, in order.
    #[schema(min_items = 1, max_items = 16)]
    pub columns: Vec<String>,
    /// Enforces uniqueness.
    #[serde(default)]
    pub unique: bool,
}

/// A name rubbie gives to the database: 1–63 characters, no control characters, no quotes of
/// either kind (they would survive quoting, but no console user needs them).
pub(crate) fn check_name(what: &str, name: &str) -> Result<()> {
    let bad = |why: &str| Err(Error::field(what, format!("{name:?}: {why}")));
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return bad(&format!("names are 1 to {MAX_NAME} characters"));
    }
    if name.chars().any(|c| c.is_control() || c == '"' || c == '`' || c == '\'') || name.trim() != name {
        return bad("no quotes, control characters or leading and trailing blanks");
    }
    if name.starts_with("rubbie_") || name.starts_with("_sqlx") || name.starts_with("sqlite_") {
        return bad("rubbie_, _sqlx and sqlite_ are reserved prefixes");
    }
    Ok(())
}

/// The type name, lower-cased, if the backend has such a type. PostgreSQL's own catalogue
/// has the last word on names it does not know here (enums, domains), see `types_unknown`.
pub(crate) fn normalise_type(backend: Backend, raw: &str) -> Result<String> {
    let t = raw.trim().to_ascii_lowercase();
    let refuse = |why: String| Err(Error::BadRequest(format!("type {raw:?}: {why}")));
    if t.is_empty() || t.len() > MAX_TYPE {
        return refuse(format!("1 to {MAX_TYPE} characters"));
    }
    let (base, rest) = split_type(&t);
    let mut rest = rest.trim();
    let args = if let Some(inner) = rest.strip_prefix('(') {
        let Some(end) = inner.find(')') else { return refuse("an unclosed (".into()) };
        let args = &inner[..end];
        rest = inner[end + 1..].trim();
        let parts: Vec<&str> = args.split(',').map(str::trim).collect();
        if parts.len() > 2
            || parts.iter().any(|p| p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return refuse("arguments are one or two whole numbers: (n) or (p,s)".into());
        }
        Some(parts.join(","))
    } else {
        None
    };
    let suffix = match (backend, rest) {
        (_, "") => "",
        (Backend::Postgres, "[]") => "[]",
        (Backend::Mysql, "unsigned") => " unsigned",
        _ => return refuse(format!("cannot read {rest:?} after the type name")),
    };
    if !known_types(backend).contains(&base) && backend != Backend::Postgres {
        return refuse(format!("not a {} type rubbie knows", backend_name(backend)));
    }
    if !base.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b' ') {
        return refuse("letters, digits, _ and spaces only".into());
    }
    Ok(format!("{base}{}{suffix}", args.map(|a| format!("({a})")).unwrap_or_default()))
}

/// The type name before its arguments and suffixes.
fn split_type(t: &str) -> (&str, &str) {
    let end = t.find(['(', '[']).unwrap_or(t.len());
    let (base, rest) = t.split_at(end);
    match base.trim().strip_suffix(" unsigned") {
        Some(b) => (b, " unsigned"),
        None => (base.trim(), rest),
    }
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
        Backend::Mysql => "MySQL",
    }
}

/// The types offered and accepted without asking the database.
pub(crate) fn known_types(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::Sqlite => &[
            "integer",
            "int",
            "bigint",
            "smallint",
            "tinyint",
            "real",
            "double",
            "float",
            "numeric",
            "decimal",
            "boolean",
            "text",
            "varchar",
            "char",
            "clob",
            "blob",
            "date",
            "datetime",
            "timestamp",
            "json",
            "uuid",
        ],
        Backend::Postgres => &[
            "integer",
            "bigint",
            "smallint",
            "serial",
            "bigserial",
            "real",
            "double precision",
            "numeric",
            "boolean",
            "text",
            "varchar",
            "char",
            "bytea",
            "date",
            "time",
            "timestamp",
            "timestamptz",
            "interval",
            "uuid",
            "json",
            "jsonb",
            "inet",
            "cidr",
            "money",
        ],
        Backend::Mysql => &[
            "serial",
            "tinyint",
            "smallint",
            "mediumint",
            "int",
            "integer",
            "bigint",
            "decimal",
            "numeric",
            "float",
            "double",
            "boolean",
            "bool",
            "bit",
            "char",
            "varchar",
            "binary",
            "varbinary",
            "tinytext",
            "text",
            "mediumtext",
            "longtext",
            "blob",
            "mediumblob",
            "longblob",
            "json",
            "date",
            "datetime",
            "timestamp",
            "time",
            "year",
        ],
    }
}

/// The default as SQL: a literal of the given value, or one of a few expressions.
pub(crate) fn default_sql(backend: Backend, column: &str, value: &serde_json::Value) -> Result<Option<String>> {
    use serde_json::Value;
    let field = format!("columns.{column}.default");
    match value {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(match (backend, b) {
            (Backend::Sqlite, true) => "1".into(),
            (Backend::Sqlite, false) => "0".into(),
            (_, b) => b.to_string().to_uppercase(),
        })),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::String(s) if s.chars().count() > MAX_DEFAULT => {
            Err(Error::field(&field, format!("at most {MAX_DEFAULT} characters")))
        }
        Value::String(s) => Ok(Some(literal(backend, s))),
        Value::Object(o) if o.len() == 1 => {
            let Some(Value::String(e)) = o.get("expression") else {
                return Err(Error::field(&field, "an object default is {\"expression\": \"current_timestamp\"}"));
            };
            let e = e.trim().to_ascii_lowercase();
            let allowed = ["current_timestamp", "current_date", "current_time"];
            if allowed.contains(&e.as_str()) || (backend == Backend::Postgres && e == "gen_random_uuid()") {
                Ok(Some(if backend == Backend::Sqlite { e.to_uppercase() } else { e }))
            } else {
                Err(Error::field(&field, format!("expression {e:?}: one of {}", allowed.join(", "))))
            }
        }
        _ => Err(Error::field(&field, "a string, number, boolean, null or {\"expression\": ...}")),
    }
}

/// A string literal for the backend (MySQL also treats `\` as an escape).
pub(crate) fn literal(backend: Backend, s: &str) -> String {
    let s = s.replace('\'', "''");
    match backend {
        Backend::Mysql => format!("'{}'", s.replace('\\', "\\\\")),
        _ => format!("'{s}'"),
    }
}

/// A referential action, as SQL.
pub(crate) fn action(what: &str, given: Option<&str>) -> Result<&'static str> {
    match given.map(|a| a.trim().to_ascii_lowercase()).as_deref() {
        None | Some("no action") => Ok("NO ACTION"),
        Some("restrict") => Ok("RESTRICT"),
        Some("cascade") => Ok("CASCADE"),
        Some("set null") => Ok("SET NULL"),
        Some("set default") => Ok("SET DEFAULT"),
        Some(other) => {
            Err(Error::field(what, format!("{other:?}: no action, restrict, cascade, set null or set default")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_follow_a_small_grammar() {
        assert_eq!(normalise_type(Backend::Postgres, "NUMERIC(10, 2)").unwrap(), "numeric(10,2)");
        assert_eq!(normalise_type(Backend::Postgres, "text[]").unwrap(), "text[]");
        assert_eq!(normalise_type(Backend::Mysql, "int unsigned").unwrap(), "int unsigned");
        assert_eq!(normalise_type(Backend::Sqlite, "varchar(20)").unwrap(), "varchar(20)");
        for bad in ["", "int; drop table x", "text)", "numeric(1,2,3)", "numeric(a)", "varchar(20", "x'"] {
            assert!(normalise_type(Backend::Postgres, bad).is_err(), "{bad:?}");
        }
        assert!(normalise_type(Backend::Sqlite, "geometry").is_err());
        assert!(normalise_type(Backend::Mysql, "text[]").is_err());
    }

    #[test]
    fn defaults_are_literals_or_known_expressions() {
        use serde_json::json;
        assert_eq!(default_sql(Backend::Postgres, "c", &json!("it's")).unwrap().unwrap(), "'it''s'");
        assert_eq!(default_sql(Backend::Mysql, "c", &json!("a\\b")).unwrap().unwrap(), "'a\\\\b'");
        assert_eq!(default_sql(Backend::Sqlite, "c", &json!(true)).unwrap().unwrap(), "1");
        assert_eq!(
            default_sql(Backend::Postgres, "c", &json!({"expression": "CURRENT_TIMESTAMP"})).unwrap().unwrap(),
            "current_timestamp"
        );
        assert!(default_sql(Backend::Postgres, "c", &json!({"expression": "pg_sleep(10)"})).is_err());
        assert!(default_sql(Backend::Postgres, "c", &json!([1])).is_err());
    }

    #[test]
    fn names_are_bounded_and_plain() {
        assert!(check_name("table", "order_notes").is_ok());
        for bad in ["", " x", "a\"b", "rubbie_users", &"x".repeat(64), "a\nb"] {
            assert!(check_name("table", bad).is_err(), "{bad:?}");
        }
    }
}
