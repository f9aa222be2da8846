//! Models registered by `#[derive(RubbieModel)]`: labels and hints merged over introspection.
//!
//! The database stays the truth for columns and types; a model only adds what the database
//! cannot say (labels, hidden/readonly flags, a `references` hint, the primary key of a view).

/// What `#[derive(RubbieModel)]` registers for one struct (collected with `inventory`).
#[derive(Debug)]
pub struct ModelInfo {
    /// The table's name in the database.
    pub table: &'static str,
    /// A human label for the table (`#[rubbie(label = "...")]` on the struct).
    pub label: Option<&'static str>,
    /// Primary key columns, in order (fields marked `#[rubbie(primary_key)]`).
    pub primary_key: &'static [&'static str],
    /// One entry per struct field, in declaration order.
    pub fields: &'static [FieldInfo],
}

/// What the derive knows about one field.
#[derive(Debug)]
pub struct FieldInfo {
    /// Column name (the field name, or `#[rubbie(column = "...")]`).
    pub column: &'static str,
    /// A human label (`#[rubbie(label = "...")]`).
    pub label: Option<&'static str>,
    /// Hidden from the grid by default (`#[rubbie(hidden)]`).
    pub hidden: bool,
    /// Never written through rubbie (`#[rubbie(readonly)]`).
    pub readonly: bool,
    /// Names the row where other rows reference it (`#[rubbie(display)]`).
    pub display: bool,
    /// A foreign-key hint, `"table"` or `"table.column"` (`#[rubbie(references = "...")]`).
    pub references: Option<&'static str>,
}

inventory::collect!(ModelInfo);

/// Implemented by `#[derive(RubbieModel)]`: gives the registered metadata of a model type.
pub trait RubbieModel {
    /// The metadata the derive registered for this type.
    fn model_info() -> &'static ModelInfo;
}

/// Every model registered in this binary.
pub fn registered_models() -> impl Iterator<Item = &'static ModelInfo> {
    inventory::iter::<ModelInfo>.into_iter()
}
