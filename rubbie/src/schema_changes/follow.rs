//! What rubbie keeps about tables follows a schema change: a created table is tracked, a renamed
//! table or column takes its metadata, permissions, saved views and diagram position along, and a
//! dropped table leaves nothing behind. Done as one rewrite of the metadata document, written
//! like an import (one transaction, one audit entry that can be reverted).

use serde_json::{Map, Value};

use super::plan::Effect;
use crate::metadata::MetadataDocument;
use crate::permissions::Columns;

/// `doc` after `effects`, in order.
pub(crate) fn rewrite(mut doc: MetadataDocument, effects: &[Effect]) -> MetadataDocument {
    for effect in effects {
        match effect {
            Effect::Created(table) => {
                doc.tables.entry(table.clone()).or_default().tracked = true;
            }
            Effect::DroppedTable(table) => {
                doc.tables.remove(table);
                doc.permissions.retain(|p| &p.table != table);
                doc.saved_views.retain(|v| &v.table != table);
                for layout in doc.diagram_layouts.values_mut() {
                    layout.positions.remove(table);
                }
            }
            Effect::RenamedTable { from, to } => {
                if let Some(entry) = doc.tables.remove(from) {
                    doc.tables.insert(to.clone(), entry);
                }
                doc.permissions.iter_mut().filter(|p| &p.table == from).for_each(|p| p.table = to.clone());
                doc.saved_views.iter_mut().filter(|v| &v.table == from).for_each(|v| v.table = to.clone());
                for layout in doc.diagram_layouts.values_mut() {
                    if let Some(position) = layout.positions.remove(from) {
                        layout.positions.insert(to.clone(), position);
                    }
                }
            }
            Effect::RenamedColumn { table, from, to } => rename_column(&mut doc, table, from, to),
            Effect::DroppedColumn { table, column } => drop_column(&mut doc, table, column),
        }
    }
    doc
}

fn rename_column(doc: &mut MetadataDocument, table: &str, from: &str, to: &str) {
    if let Some(entry) = doc.tables.get_mut(table) {
        let m = &mut entry.metadata;
        if let Some(column) = m.columns.remove(from) {
            m.columns.insert(to.to_owned(), column);
        }
        if m.display_column.as_deref() == Some(from) {
            m.display_column = Some(to.to_owned());
        }
        m.default_sort = m.default_sort.as_deref().map(|s| rename_in_sort(s, from, to));
    }
    for p in doc.permissions.iter_mut().filter(|p| p.table == table) {
        if let Columns::Some(columns) = &mut p.rule.columns {
            rename_in_list(columns, from, to);
        }
        if let Some(value) = p.rule.presets.remove(from) {
            p.rule.presets.insert(to.to_owned(), value);
        }
        for filter in [&mut p.rule.filter, &mut p.rule.check].into_iter().flatten() {
            rename_in_filter(filter, from, to);
        }
    }
    for v in doc.saved_views.iter_mut().filter(|v| v.table == table) {
        if let Some(filter) = &mut v.filter {
            rename_in_filter(filter, from, to);
        }
        v.order_by = v.order_by.as_deref().map(|s| rename_in_sort(s, from, to));
        if let Some(columns) = &mut v.columns {
            rename_in_list(columns, from, to);
        }
    }
}

fn drop_column(doc: &mut MetadataDocument, table: &str, column: &str) {
    if let Some(entry) = doc.tables.get_mut(table) {
        let m = &mut entry.metadata;
        m.columns.remove(column);
        if m.display_column.as_deref() == Some(column) {
            m.display_column = None;
        }
        if m.default_sort.as_deref().is_some_and(|s| sort_keys(s).any(|k| k == column)) {
            m.default_sort = None;
        }
    }
    for p in doc.permissions.iter_mut().filter(|p| p.table == table) {
        if let Columns::Some(columns) = &mut p.rule.columns {
            columns.retain(|c| c != column);
        }
        p.rule.presets.remove(column);
    }
    for v in doc.saved_views.iter_mut().filter(|v| v.table == table) {
        if let Some(columns) = &mut v.columns {
            columns.retain(|c| c != column);
        }
    }
    // filters naming the column are left as they are: they no longer fit and are listed
    // among the inconsistencies, for an admin to rewrite or drop
}

fn rename_in_list(columns: &mut [String], from: &str, to: &str) {
    columns.iter_mut().filter(|c| *c == from).for_each(|c| *c = to.to_owned());
}

/// The column names of an `order_by` (`-created_at,name`).
fn sort_keys(sort: &str) -> impl Iterator<Item = &str> {
    sort.split(',').map(|k| k.trim().trim_start_matches('-'))
}

fn rename_in_sort(sort: &str, from: &str, to: &str) -> String {
    sort.split(',')
        .map(|k| {
            let k = k.trim();
            let (sign, name) = k.strip_prefix('-').map_or(("", k), |n| ("-", n));
            if name == from { format!("{sign}{to}") } else { k.to_owned() }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// Renames the column in a where-language filter over the table itself: its keys, and those
/// inside `_and`, `_or` and `_not`. Keys under a relation name the related table's columns
/// and stay. Depth is bounded by the where language's own limits, checked when it was stored.
fn rename_in_filter(filter: &mut Value, from: &str, to: &str) {
    let Value::Object(map) = filter else { return };
    let keys: Vec<String> = map.keys().cloned().collect();
    let mut renamed = Map::new();
    for key in keys {
        let mut value = map.remove(&key).expect("listed");
        match key.as_str() {
            "_and" | "_or" => {
                if let Value::Array(items) = &mut value {
                    items.iter_mut().for_each(|item| rename_in_filter(item, from, to));
                }
            }
            "_not" => rename_in_filter(&mut value, from, to),
            _ => {}
        }
        renamed.insert(if key == from { to.to_owned() } else { key }, value);
    }
    *map = renamed;
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_and_sorts_follow_a_column_rename() {
        let mut f = json!({"status": {"_eq": "paid"}, "_or": [{"status": {"_is_null": true}}, {"_not": {"status": {"_eq": "x"}}}], "customer": {"status": {"_eq": "vip"}}});
        rename_in_filter(&mut f, "status", "state");
        assert_eq!(
            f,
            json!({"state": {"_eq": "paid"}, "_or": [{"state": {"_is_null": true}}, {"_not": {"state": {"_eq": "x"}}}], "customer": {"status": {"_eq": "vip"}}})
        );
        assert_eq!(rename_in_sort("-status, name", "status", "state"), "-state,name");
    }
}
