//! Labels of referenced rows: for a page of rows, what each foreign-key value is called (the
//! referenced table's display column), so the console shows "Ada Lovelace" instead of 17.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value as Json;
use serde_json::value::RawValue;

use super::order;
use super::page::{self, CountMode, ListQuery};
use super::read::ReadRequest;
use crate::db::Database;
use crate::db::schema::{Schema, Table};
use crate::error::{Error, Result};
use crate::permissions::{Access, Operation};

/// Foreign-key column → (referenced value as text → label).
pub(crate) type Labels = BTreeMap<String, BTreeMap<String, String>>;

/// How a value is keyed in [`Labels`]: strings as they are, anything else as JSON text.
fn key_of(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The labels of the rows that the page's single-column foreign keys point at, for the
/// referenced tables and columns `access` may read; one query per foreign-key column.
pub(crate) async fn for_page(
    db: &Database,
    schema: &Schema,
    table: &Table,
    page: &RawValue,
    access: &Access,
    count_timeout: std::time::Duration,
) -> Result<Labels> {
    let rows: Vec<serde_json::Map<String, Json>> = serde_json::from_str(page.get()).map_err(Error::internal)?;
    let mut labels = Labels::new();
    for column in &table.columns {
        let Some(reference) = &column.references else { continue };
        let Some(target) = schema.table(&reference.table) else { continue };
        let Some(display) = target.display_column.as_deref() else { continue };
        let readable = access
            .maybe(target, Operation::Select)
            .is_some_and(|read| read.allows(display) && read.allows(&reference.column));
        let values: BTreeSet<String> =
            rows.iter().filter_map(|r| r.get(&column.name)).filter(|v| !v.is_null()).map(key_of).collect();
        if !readable || values.is_empty() {
            continue;
        }
        let wanted: Vec<Json> =
            rows.iter().filter_map(|r| r.get(&column.name)).filter(|v| !v.is_null()).cloned().collect();
        let query = ListQuery {
            read: ReadRequest {
                filter: Some(serde_json::json!({ reference.column.clone(): { "_in": wanted } })),
                search: None,
                order: order::parse(target, None)?,
                columns: Some(vec![reference.column.clone(), display.to_owned()]),
            },
            limit: values.len() as u64,
            offset: 0,
            after: None,
            count: Some(CountMode::None),
            count_timeout,
        };
        let found = page::list(db, schema, target, query, access).await?;
        let found: Vec<serde_json::Map<String, Json>> =
            serde_json::from_str(found.rows.get()).map_err(Error::internal)?;
        let names = found
            .iter()
            .filter_map(|r| Some((key_of(r.get(&reference.column)?), key_of(r.get(display)?))))
            .filter(|(_, label)| label != "null")
            .collect();
        labels.insert(column.name.clone(), names);
    }
    Ok(labels)
}
