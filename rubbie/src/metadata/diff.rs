//! What applying one metadata document over another changes, entry by entry.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value as Json;
use utoipa::ToSchema;

use super::document::MetadataDocument;

/// One entry that an apply adds, changes or removes.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DocumentChange {
    /// `tables`, `roles`, `permissions`, `saved_views` or `diagram_layouts`.
    pub section: String,
    /// `add`, `change` or `remove`.
    pub action: String,
    /// The entry: a table name, a role name, `role/table/operation`, `table/owner/name` or
    /// (a layout) a username.
    pub object: String,
    /// The entry now (null when added).
    #[schema(value_type = Option<Object>)]
    pub before: Option<Json>,
    /// The entry after the apply (null when removed).
    #[schema(value_type = Option<Object>)]
    pub after: Option<Json>,
}

/// The document's sections, in the order changes are listed.
const SECTIONS: [&str; 5] = ["tables", "roles", "permissions", "saved_views", "diagram_layouts"];

/// Every entry that differs between `from` and `to`, section by section, in key order.
pub(crate) fn diff(from: &MetadataDocument, to: &MetadataDocument) -> Vec<DocumentChange> {
    let mut changes = Vec::new();
    let keyed = |doc: &MetadataDocument| -> [BTreeMap<String, Json>; 5] {
        [
            doc.tables.iter().map(|(k, v)| (k.clone(), value(v))).collect(),
            doc.roles.iter().map(|r| (r.name.clone(), value(r))).collect(),
            doc.permissions
                .iter()
                .map(|p| (format!("{}/{}/{}", p.role, p.table, p.operation.as_str()), value(&p.rule)))
                .collect(),
            doc.saved_views.iter().map(|v| (format!("{}/{}/{}", v.table, v.owner, v.name), value(v))).collect(),
            doc.diagram_layouts.iter().map(|(owner, l)| (owner.clone(), value(l))).collect(),
        ]
    };
    let (before, after) = (keyed(from), keyed(to));
    for (section, (old, new)) in SECTIONS.into_iter().zip(before.iter().zip(&after)) {
        let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for key in keys {
            let (b, a) = (old.get(key), new.get(key));
            let action = match (b, a) {
                (None, Some(_)) => "add",
                (Some(_), None) => "remove",
                (Some(b), Some(a)) if b != a => "change",
                _ => continue,
            };
            changes.push(DocumentChange {
                section: section.into(),
                action: action.into(),
                object: key.clone(),
                before: b.cloned(),
                after: a.cloned(),
            });
        }
    }
    changes
}

/// An entry as JSON (every entry type serializes; nothing here can fail).
fn value<T: Serialize>(entry: &T) -> Json {
    serde_json::to_value(entry).unwrap_or(Json::Null)
}
