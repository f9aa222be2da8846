//! The overrides of one table, a change to them, and how they apply over the defaults.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::schema::{Schema, Table};
use crate::error::{Error, Result};
use crate::http::patch::present;
use crate::query::order;
use crate::text;

/// Longest label, in characters.
const MAX_LABEL: usize = 200;
/// Longest description, in characters.
const MAX_DESCRIPTION: usize = 4000;

/// A table's metadata: as overrides, only the fields an admin set; as defaults, every field
/// the derive and introspection give. Keys in a stable order (columns sorted by name).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TableMetadata {
    /// Human label (1–200 characters, not only blanks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200, pattern = "[^ \\t\\r\\n]")]
    pub label: Option<String>,
    /// What the table holds (at most 4,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// The column that names a row where other rows reference it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_column: Option<String>,
    /// The sort of a listing that asks for none (`order_by` syntax, e.g. `-created_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_sort: Option<String>,
    /// Left out of the sidebar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Per column, by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "crate::http::objects::map")]
    pub columns: BTreeMap<String, ColumnMetadata>,
}

/// A column's metadata (see [`TableMetadata`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnMetadata {
    /// Human label (1–200 characters, not only blanks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(min_length = 1, max_length = 200, pattern = "[^ \\t\\r\\n]")]
    pub label: Option<String>,
    /// What the column holds (at most 4,000 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 4000)]
    pub description: Option<String>,
    /// Hidden from the grid by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hidden: Option<bool>,
    /// Not writable through rubbie (a generated column stays read-only whatever this says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub readonly: Option<bool>,
}

impl ColumnMetadata {
    fn is_empty(&self) -> bool {
        self == &ColumnMetadata::default()
    }
}

/// A change to a table's metadata: absent fields stay, `null` gives the default back, a value
/// overrides it. `"columns": {"name": null}` gives every field of that column its default.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetadataChange {
    /// Human label (1–200 characters, not only blanks).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200, pattern = "[^ \\t\\r\\n]")]
    pub label: Option<Option<String>>,
    /// What the table holds (at most 4,000 characters).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub description: Option<Option<String>>,
    /// A column of the table.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub display_column: Option<Option<String>>,
    /// `order_by` syntax over the table's columns, e.g. `-created_at,name`.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub default_sort: Option<Option<String>>,
    /// Left out of the sidebar.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub hidden: Option<Option<bool>>,
    /// Per column, by name; `null` resets the column.
    #[serde(default, deserialize_with = "crate::http::objects::opt_map")]
    #[schema(schema_with = column_changes)]
    pub columns: BTreeMap<String, Option<ColumnChange>>,
}

/// The schema of `columns`: column name → a [`ColumnChange`] or `null`.
fn column_changes() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};
    let change = OneOfBuilder::new()
        .item(utoipa::openapi::Ref::from_schema_name("ColumnChange"))
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .build();
    ObjectBuilder::new().additional_properties(Some(Schema::OneOf(change))).build()
}

/// A change to one column's metadata (see [`MetadataChange`]).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnChange {
    /// Human label (1–200 characters, not only blanks).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200, pattern = "[^ \\t\\r\\n]")]
    pub label: Option<Option<String>>,
    /// What the column holds (at most 4,000 characters).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 4000)]
    pub description: Option<Option<String>>,
    /// Hidden from the grid by default.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub hidden: Option<Option<bool>>,
    /// Not writable through rubbie.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<bool>)]
    pub readonly: Option<Option<bool>>,
}

/// `change` applied to `current`.
fn set<T>(current: &mut Option<T>, change: Option<Option<T>>) {
    if let Some(value) = change {
        *current = value;
    }
}

impl TableMetadata {
    /// These overrides with `change` applied, checked against `table` (as the database has it).
    pub(crate) fn changed(&self, change: MetadataChange, table: &Table) -> Result<TableMetadata> {
        let mut next = self.clone();
        set(&mut next.label, change.label);
        set(&mut next.description, change.description);
        set(&mut next.display_column, change.display_column);
        set(&mut next.default_sort, change.default_sort);
        set(&mut next.hidden, change.hidden);
        for (name, column) in change.columns {
            let Some(column) = column else {
                next.columns.remove(&name);
                continue;
            };
            let entry = next.columns.entry(name.clone()).or_default();
            set(&mut entry.label, column.label);
            set(&mut entry.description, column.description);
            set(&mut entry.hidden, column.hidden);
            set(&mut entry.readonly, column.readonly);
            if entry.is_empty() {
                next.columns.remove(&name);
            }
        }
        next.checked(self, table)
    }

    /// Whether every value fits: lengths (422, as the schema says), and names that exist in
    /// `table` (409: whether a name fits depends on the database, not on the request). Names
    /// are checked where they differ from `current` only: an override left behind by a column
    /// dropped outside rubbie must not block other edits (nor its own reset).
    pub(crate) fn checked(self, current: &TableMetadata, table: &Table) -> Result<TableMetadata> {
        self.check_sizes()?;

        if let Some(column) =
            newly_set(&self.display_column, &current.display_column).filter(|c| table.column(c).is_none())
        {
            return Err(unknown("display_column", column, table));
        }
        if let Some(sort) = newly_set(&self.default_sort, &current.default_sort) {
            let parsed = order::parse(table, Some(sort));
            if sort.trim().is_empty() || parsed.is_err() {
                let why = parsed.err().map_or("give at least one column, or null".into(), |e| e.to_string());
                return Err(Error::conflict(format!("default_sort: {}", why.trim_start_matches("order_by: "))));
            }
        }
        for (name, column) in &self.columns {
            if current.columns.get(name) != Some(column) && table.column(name).is_none() {
                return Err(unknown("columns", name, table));
            }
        }
        Ok(self)
    }

    /// Whether every label and description has a size that fits (422 otherwise); names are
    /// the database's to judge.
    pub(crate) fn check_sizes(&self) -> Result<()> {
        check_text("label", self.label.as_deref())?;
        check_text("description", self.description.as_deref())?;
        for (name, column) in &self.columns {
            check_text(&format!("columns.{name}.label"), column.label.as_deref())?;
            check_text(&format!("columns.{name}.description"), column.description.as_deref())?;
        }
        Ok(())
    }

    /// Whether nothing is overridden.
    pub(crate) fn is_empty(&self) -> bool {
        self == &TableMetadata::default()
    }
}

/// `value` when it is set and differs from `was`: a name that must be checked now.
fn newly_set<'a>(value: &'a Option<String>, was: &Option<String>) -> Option<&'a String> {
    value.as_ref().filter(|v| Some(*v) != was.as_ref())
}

/// Labels: 1–200 characters, not only blanks; descriptions: at most 4,000 characters.
fn check_text(field: &str, value: Option<&str>) -> Result<()> {
    let Some(value) = value else { return Ok(()) };
    if field.ends_with("label") {
        if text::name(value, MAX_LABEL).is_none() {
            return Err(Error::field(field, format!("1 to {MAX_LABEL} characters, not only blanks")));
        }
    } else if value.chars().count() > MAX_DESCRIPTION {
        return Err(Error::field(field, format!("at most {MAX_DESCRIPTION} characters")));
    }
    Ok(())
}

fn unknown(field: &str, column: &str, table: &Table) -> Error {
    Error::conflict(format!("{field}: {} has no column {column:?}", table.name))
}

/// Every metadata field of `table` as the derive and introspection give it.
pub(crate) fn defaults_of(table: &Table) -> TableMetadata {
    TableMetadata {
        label: Some(table.label.clone()),
        description: table.description.clone(),
        display_column: table.display_column.clone(),
        default_sort: table.default_sort.clone(),
        hidden: Some(table.hidden),
        columns: table
            .columns
            .iter()
            .map(|c| {
                let metadata = ColumnMetadata {
                    label: Some(c.label.clone()),
                    description: c.description.clone(),
                    hidden: Some(c.hidden),
                    readonly: Some(c.readonly),
                };
                (c.name.clone(), metadata)
            })
            .collect(),
    }
}

/// Lays the overrides over the schema's tables (tracked and untracked). An override that no
/// longer fits the table (a column dropped outside rubbie) is left out rather than breaking
/// the table; the inconsistencies report names it.
pub(crate) fn apply(schema: &mut Schema, overrides: &HashMap<String, TableMetadata>) {
    for table in schema.tables.iter_mut().chain(schema.untracked.iter_mut()) {
        if let Some(metadata) = overrides.get(&table.name) {
            apply_to(table, metadata);
        }
    }
}

fn apply_to(table: &mut Table, metadata: &TableMetadata) {
    if let Some(label) = &metadata.label {
        table.label = label.clone();
    }
    if metadata.description.is_some() {
        table.description = metadata.description.clone();
    }
    if let Some(column) = metadata.display_column.as_ref().filter(|c| table.column(c).is_some()) {
        table.display_column = Some(column.clone());
    }
    if let Some(sort) = metadata.default_sort.as_ref().filter(|s| order::parse(table, Some(s)).is_ok()) {
        table.default_sort = Some(sort.clone());
    }
    if let Some(hidden) = metadata.hidden {
        table.hidden = hidden;
    }
    for column in &mut table.columns {
        let Some(m) = metadata.columns.get(&column.name) else { continue };
        if let Some(label) = &m.label {
            column.label = label.clone();
        }
        if m.description.is_some() {
            column.description = m.description.clone();
        }
        if let Some(hidden) = m.hidden {
            column.hidden = hidden;
        }
        if let Some(readonly) = m.readonly {
            // The database computes a generated column: no metadata makes it writable.
            column.readonly = readonly || column.generated;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::{Column, ColumnKind};

    fn table() -> Table {
        let generated =
            Column { generated: true, readonly: true, ..Column::test("total", ColumnKind::Decimal, "numeric") };
        Table::named(
            "orders",
            &["id"],
            vec![
                Column::test("id", ColumnKind::Integer, "bigint"),
                Column::test("status", ColumnKind::Text, "text"),
                generated,
            ],
        )
    }

    fn change(json: serde_json::Value) -> MetadataChange {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn absent_keeps_null_resets_value_overrides() {
        let t = table();
        let first = TableMetadata::default()
            .changed(change(serde_json::json!({"label": "Purchases", "columns": {"status": {"hidden": true, "label": "State"}}})), &t)
            .unwrap();
        let second = first
            .changed(
                change(serde_json::json!({"description": "All of them", "columns": {"status": {"label": null}}})),
                &t,
            )
            .unwrap();
        assert_eq!(second.label.as_deref(), Some("Purchases"));
        assert_eq!(second.description.as_deref(), Some("All of them"));
        assert_eq!(second.columns["status"], ColumnMetadata { hidden: Some(true), ..Default::default() });
        let reset = second
            .changed(change(serde_json::json!({"label": null, "description": null, "columns": {"status": null}})), &t)
            .unwrap();
        assert!(reset.is_empty(), "{reset:?}");
    }

    #[test]
    fn names_and_sizes_are_checked() {
        let t = table();
        let refused =
            |json: serde_json::Value| TableMetadata::default().changed(change(json), &t).unwrap_err().to_string();
        assert!(refused(serde_json::json!({"display_column": "nope"})).contains("display_column"));
        assert!(refused(serde_json::json!({"default_sort": "-nope"})).contains("default_sort"));
        assert!(refused(serde_json::json!({"columns": {"nope": {"hidden": true}}})).contains("nope"));
        assert!(refused(serde_json::json!({"label": "  "})).contains("label"));
        assert!(refused(serde_json::json!({"description": "x".repeat(4001)})).contains("4000"));
        assert!(
            TableMetadata::default().changed(change(serde_json::json!({"description": "x".repeat(4000)})), &t).is_ok()
        );
        assert!(serde_json::from_value::<MetadataChange>(serde_json::json!({"colour": "red"})).is_err());
    }

    #[test]
    fn overrides_of_a_dropped_column_block_nothing_and_can_be_reset() {
        let t = table();
        let stale = TableMetadata {
            display_column: Some("dropped".into()),
            columns: BTreeMap::from([("dropped".into(), ColumnMetadata { hidden: Some(true), ..Default::default() })]),
            ..Default::default()
        };
        let relabelled = stale.changed(change(serde_json::json!({"label": "Purchases"})), &t).unwrap();
        assert_eq!(relabelled.label.as_deref(), Some("Purchases"));
        let cleaned = relabelled
            .changed(change(serde_json::json!({"display_column": null, "columns": {"dropped": null}})), &t)
            .unwrap();
        assert_eq!(cleaned, TableMetadata { label: Some("Purchases".into()), ..Default::default() });
        let hidden_again = cleaned.changed(change(serde_json::json!({"columns": {"dropped": {"hidden": true}}})), &t);
        assert!(hidden_again.unwrap_err().to_string().contains("dropped"));
    }

    #[test]
    fn overrides_apply_and_stale_ones_are_left_out() {
        let mut schema = Schema { tables: vec![table()], untracked: vec![] };
        let metadata = TableMetadata {
            label: Some("Purchases".into()),
            default_sort: Some("-status".into()),
            display_column: Some("dropped".into()),
            hidden: Some(true),
            columns: BTreeMap::from([
                (
                    "status".into(),
                    ColumnMetadata {
                        readonly: Some(true),
                        description: Some("Where it is".into()),
                        ..Default::default()
                    },
                ),
                ("total".into(), ColumnMetadata { readonly: Some(false), ..Default::default() }),
            ]),
            ..Default::default()
        };
        apply(&mut schema, &HashMap::from([("orders".into(), metadata)]));
        let t = &schema.tables[0];
        assert_eq!((t.label.as_str(), t.hidden, t.default_sort.as_deref()), ("Purchases", true, Some("-status")));
        assert_eq!(t.display_column, None, "a column that is gone is not the display column");
        assert!(t.column("status").unwrap().readonly);
        assert_eq!(t.column("status").unwrap().description.as_deref(), Some("Where it is"));
        assert!(t.column("total").unwrap().readonly, "generated stays read-only");
    }
}
