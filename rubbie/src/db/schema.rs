//! What rubbie knows about the host's tables: introspection merged with registered models.

use serde::Serialize;
use utoipa::ToSchema;

/// The broad kind of a column, which decides how values are encoded, bound and edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    /// Whole numbers.
    Integer,
    /// Floating point numbers.
    Float,
    /// Exact decimals (NUMERIC/DECIMAL).
    Decimal,
    /// true/false.
    Boolean,
    /// Strings.
    Text,
    /// Calendar date.
    Date,
    /// Time of day.
    Time,
    /// Date and time (with or without time zone).
    Datetime,
    /// JSON documents.
    Json,
    /// UUIDs.
    Uuid,
    /// Binary data (base64 in JSON).
    Bytes,
    /// A string from a fixed set (`enum_values`).
    Enum,
    /// Anything else, handled as text.
    Other,
}

impl ColumnKind {
    /// Whether values of this kind are strings that pattern operators (`_like`...) apply to.
    pub fn is_textual(self) -> bool {
        matches!(self, ColumnKind::Text | ColumnKind::Enum | ColumnKind::Uuid | ColumnKind::Other)
    }
}

/// A foreign-key target of one column.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ColumnRef {
    /// Referenced table.
    pub table: String,
    /// Referenced column.
    pub column: String,
}

/// One column of a table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Column {
    /// Column name.
    pub name: String,
    /// Human label.
    pub label: String,
    /// What the column holds, for people (console metadata); null when nobody wrote one.
    pub description: Option<String>,
    /// The database's type, as the database spells it.
    #[serde(rename = "type")]
    pub db_type: String,
    /// The kind rubbie derives from the type.
    pub kind: ColumnKind,
    /// Whether NULL is allowed.
    pub nullable: bool,
    /// The default expression, as the database reports it.
    pub default: Option<String>,
    /// Part of the primary key.
    pub primary_key: bool,
    /// Filled by the database (serial, identity, auto_increment, SQLite rowid alias).
    pub auto_increment: bool,
    /// Hidden from the grid by default.
    pub hidden: bool,
    /// Not writable through rubbie (generated, or marked `#[rubbie(readonly)]`); a revert that
    /// brings a deleted row back restores it unless it is generated.
    pub readonly: bool,
    /// Computed by the database (`GENERATED ALWAYS AS ...`): never written.
    pub generated: bool,
    /// Allowed values of an enum column.
    pub enum_values: Option<Vec<String>>,
    /// Single-column foreign key target.
    pub references: Option<ColumnRef>,
}

/// A foreign key (outgoing in `foreign_keys`, incoming in `referenced_by`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ForeignKey {
    /// Constraint name (may be synthesised on SQLite).
    pub name: String,
    /// Columns of the referencing table.
    pub columns: Vec<String>,
    /// For outgoing keys the referenced table; for incoming keys the referencing table.
    pub references_table: String,
    /// Referenced columns (of the referenced table).
    pub references_columns: Vec<String>,
    /// What deleting a referenced row does: `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL` or
    /// `SET DEFAULT`.
    pub on_delete: String,
    /// What changing a referenced key does (the same values).
    pub on_update: String,
}

impl ForeignKey {
    /// A key with the databases' default actions (`NO ACTION`), for introspection to fill in.
    pub(crate) fn new(
        name: String,
        columns: Vec<String>,
        references_table: String,
        references_columns: Vec<String>,
    ) -> Self {
        let action = "NO ACTION".to_owned();
        ForeignKey { name, columns, references_table, references_columns, on_delete: action.clone(), on_update: action }
    }
}

/// A CHECK constraint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Check {
    /// Constraint name (null for an unnamed one on SQLite).
    pub name: Option<String>,
    /// The condition, as the database gives it back.
    pub expression: String,
}

/// An index.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Index {
    /// Index name.
    pub name: String,
    /// Indexed columns, in order.
    pub columns: Vec<String>,
    /// Whether it enforces uniqueness.
    pub unique: bool,
}

#[cfg(test)]
impl Column {
    /// A nullable column with every flag off, for unit tests.
    pub(crate) fn test(name: &str, kind: ColumnKind, db_type: &str) -> Column {
        Column {
            name: name.into(),
            label: name.into(),
            description: None,
            db_type: db_type.into(),
            kind,
            nullable: true,
            default: None,
            primary_key: name == "id",
            auto_increment: false,
            hidden: false,
            readonly: false,
            generated: false,
            enum_values: None,
            references: None,
        }
    }
}

/// Where a table's metadata comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum TableSource {
    /// Registered by `#[derive(RubbieModel)]` (and found in the database).
    Model,
    /// Found by introspection only.
    Introspected,
}

/// One table with everything rubbie knows about it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Table {
    /// Table name.
    pub name: String,
    /// Human label.
    pub label: String,
    /// What the table holds, for people (console metadata); null when nobody wrote one.
    pub description: Option<String>,
    /// Left out of the sidebar and the table list's main section (console metadata); still
    /// served to whoever may read it.
    pub hidden: bool,
    /// The sort of a listing that asks for none, in the `order_by` syntax (console metadata).
    pub default_sort: Option<String>,
    /// Primary key columns in order (empty when the table has none).
    pub primary_key: Vec<String>,
    /// Model or introspection.
    pub source: TableSource,
    /// The column that names a row to people (a model's `#[rubbie(display)]` field, else a
    /// `name`/`title`/`email`-like column): shown instead of bare ids where rows reference this
    /// table. Null when nothing fits.
    pub display_column: Option<String>,
    /// Columns in database order.
    pub columns: Vec<Column>,
    /// Outgoing foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Incoming foreign keys (other tables referencing this one).
    pub referenced_by: Vec<ForeignKey>,
    /// Indexes.
    pub indexes: Vec<Index>,
    /// CHECK constraints (unique constraints are among `indexes`, as `unique`).
    pub checks: Vec<Check>,
}

impl Table {
    /// A table of these columns with nothing else known about it yet.
    pub(crate) fn named(name: &str, primary_key: &[&str], columns: Vec<Column>) -> Table {
        Table {
            name: name.into(),
            label: humanize(name),
            description: None,
            hidden: false,
            default_sort: None,
            primary_key: primary_key.iter().map(|c| (*c).to_owned()).collect(),
            source: TableSource::Introspected,
            display_column: None,
            columns,
            foreign_keys: Vec::new(),
            referenced_by: Vec::new(),
            indexes: Vec::new(),
            checks: Vec::new(),
        }
    }

    /// The column with this exact name.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Column names, for matching database messages to fields.
    pub fn column_names(&self) -> Vec<&str> {
        self.columns.iter().map(|c| c.name.as_str()).collect()
    }
}

/// The host's tables, sorted by name: the tracked ones rubbie serves, and the untracked ones it
/// only lists (so an admin can track them).
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// The tracked tables: everything else in rubbie sees only these.
    pub tables: Vec<Table>,
    /// Tables in the database that are not tracked.
    pub untracked: Vec<Table>,
}

impl Schema {
    /// The table with this exact name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }
}

/// "order_items" → "Order items": the default label of tables and columns.
pub fn humanize(name: &str) -> String {
    let spaced = name.replace('_', " ");
    let mut chars = spaced.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
