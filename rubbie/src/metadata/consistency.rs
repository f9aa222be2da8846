//! What in a metadata document refers to tables or columns the database does not have (after
//! a change made outside rubbie, or in a document from another database), and the document
//! without those entries: how an import skips them and how the stored ones are dropped.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::document::{DocumentView, MetadataDocument};
use super::{TableMetadata, apply};
use crate::db::Backend;
use crate::db::schema::{Schema, Table};
use crate::permissions::{Access, store::Permission, validate};
use crate::query::{order, read};

/// The kinds of entries whose owner has no account here: they cannot be stored at all.
pub(crate) const VIEW_OWNER: &str = "view_owner";
pub(crate) const LAYOUT_OWNER: &str = "layout_owner";
/// The kind of an entry for a table name rubbie cannot store (empty, or over 190 characters).
pub(crate) const TABLE_NAME: &str = "table_name";

fn storable(table: &str) -> bool {
    !table.is_empty() && table.chars().count() <= 190
}

/// One entry that does not fit the database.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Inconsistency {
    /// Names the entry, to drop it: `table:orders`, `column:orders.total`,
    /// `display_column:orders`, `default_sort:orders`, `permission:role/table/operation`,
    /// `view:table/owner/name`, `layout:owner`.
    pub id: String,
    /// `table`, `column`, `display_column`, `default_sort`, `permission`, `saved_view`,
    /// `view_owner` or `layout_owner`.
    pub kind: String,
    /// The table (and column, role or view) it belongs to.
    pub object: String,
    /// Why it does not fit.
    pub reason: String,
    /// What dropping it does.
    pub drop: String,
}

/// The database as a check needs it: the introspected catalogue (tracked or not), how untracked
/// tables default, the backend that compiles filters, and the users views may belong to.
pub(crate) struct Catalogue<'a> {
    pub(crate) all: &'a Schema,
    pub(crate) track_introspected: bool,
    pub(crate) backend: Backend,
    pub(crate) users: &'a HashSet<String>,
}

impl Catalogue<'_> {
    /// The schema rubbie would serve with `doc`'s tracking and metadata.
    pub(crate) fn serving(&self, doc: &MetadataDocument) -> Schema {
        let decisions: HashMap<String, bool> = doc.tables.iter().map(|(n, t)| (n.clone(), t.tracked)).collect();
        let overrides: HashMap<String, TableMetadata> =
            doc.tables.iter().map(|(n, t)| (n.clone(), t.metadata.clone())).collect();
        let mut schema = crate::tracking::apply(self.all.clone(), &decisions, self.track_introspected);
        apply(&mut schema, &overrides);
        schema
    }

    fn find(&self, name: &str) -> Option<&Table> {
        self.all.tables.iter().chain(&self.all.untracked).find(|t| t.name == name)
    }
}

/// Every entry of `doc` that does not fit `catalogue`, in document order.
pub(crate) fn check(doc: &MetadataDocument, catalogue: &Catalogue<'_>) -> Vec<Inconsistency> {
    let mut found = Vec::new();
    for (name, entry) in &doc.tables {
        if !storable(name) {
            found.push(problem(
                table_id(name),
                TABLE_NAME,
                name,
                "table names are 1 to 190 characters".into(),
                "leave it out",
            ));
            continue;
        }
        let Some(table) = catalogue.find(name) else {
            found.push(problem(
                table_id(name),
                "table",
                name,
                format!("the database has no table {name:?}"),
                "forget its tracking and metadata",
            ));
            continue;
        };
        let m = &entry.metadata;
        for column in m.columns.keys().filter(|c| table.column(c).is_none()) {
            let object = format!("{name}.{column}");
            found.push(problem(
                column_id(name, column),
                "column",
                &object,
                format!("{name} has no column {column:?}"),
                "forget the column's metadata",
            ));
        }
        if let Some(column) = m.display_column.as_ref().filter(|c| table.column(c).is_none()) {
            found.push(problem(
                format!("display_column:{name}"),
                "display_column",
                name,
                format!("the display column {column:?} is not a column of {name}"),
                "use the default display column",
            ));
        }
        if let Some(Err(e)) = m.default_sort.as_ref().map(|s| order::parse(table, Some(s))) {
            found.push(problem(
                format!("default_sort:{name}"),
                "default_sort",
                name,
                format!("the default sort does not fit: {e}"),
                "use the default sort",
            ));
        }
    }
    let serving = catalogue.serving(doc);
    for p in &doc.permissions {
        let object = format!("{}/{}/{}", p.role, p.table, p.operation.as_str());
        if !storable(&p.table) {
            found.push(problem(
                permission_id(p),
                TABLE_NAME,
                &object,
                "table names are 1 to 190 characters".into(),
                "leave it out",
            ));
        } else if let Some(reason) = permission_problem(catalogue, &serving, p) {
            found.push(problem(permission_id(p), "permission", &object, reason, "remove the rule"));
        }
    }
    for v in &doc.saved_views {
        let object = format!("{}/{}/{}", v.table, v.owner, v.name);
        if !storable(&v.table) {
            found.push(problem(
                view_id(v),
                TABLE_NAME,
                &object,
                "table names are 1 to 190 characters".into(),
                "leave it out",
            ));
        } else if !catalogue.users.contains(&v.owner) {
            let reason = format!("no user named {:?} here to own it", v.owner);
            found.push(problem(view_id(v), VIEW_OWNER, &object, reason, "leave the view out"));
        } else if let Some(reason) = view_problem(catalogue, &serving, v) {
            found.push(problem(view_id(v), "saved_view", &object, reason, "delete the view"));
        }
    }
    for owner in doc.diagram_layouts.keys().filter(|o| !catalogue.users.contains(*o)) {
        let reason = format!("no user named {owner:?} here to own it");
        found.push(problem(layout_id(owner), LAYOUT_OWNER, owner, reason, "leave the layout out"));
    }
    found
}

/// `doc` without the entries `ids` name (ids it does not have are ignored).
pub(crate) fn without(mut doc: MetadataDocument, ids: &HashSet<String>) -> MetadataDocument {
    doc.tables.retain(|name, _| !ids.contains(&table_id(name)));
    for (name, entry) in doc.tables.iter_mut() {
        let m = &mut entry.metadata;
        m.columns.retain(|column, _| !ids.contains(&column_id(name, column)));
        if ids.contains(&format!("display_column:{name}")) {
            m.display_column = None;
        }
        if ids.contains(&format!("default_sort:{name}")) {
            m.default_sort = None;
        }
    }
    doc.permissions.retain(|p| !ids.contains(&permission_id(p)));
    doc.saved_views.retain(|v| !ids.contains(&view_id(v)));
    doc.diagram_layouts.retain(|owner, _| !ids.contains(&layout_id(owner)));
    doc
}

fn permission_problem(catalogue: &Catalogue<'_>, serving: &Schema, p: &Permission) -> Option<String> {
    if serving.table(&p.table).is_none() {
        return Some(missing_or_untracked(catalogue, &p.table));
    }
    validate(catalogue.backend, serving, &p.table, p.operation, &p.rule).err().map(|e| e.to_string())
}

fn view_problem(catalogue: &Catalogue<'_>, serving: &Schema, v: &DocumentView) -> Option<String> {
    let Some(table) = serving.table(&v.table) else { return Some(missing_or_untracked(catalogue, &v.table)) };
    let request = order::parse(table, v.order_by.as_deref()).map(|order| read::ReadRequest {
        filter: v.filter.clone(),
        search: v.search.clone(),
        order,
        columns: v.columns.clone(),
    });
    request
        .and_then(|r| read::check_view(catalogue.backend, serving, table, &r, &Access::Admin))
        .err()
        .map(|e| e.to_string())
}

fn missing_or_untracked(catalogue: &Catalogue<'_>, table: &str) -> String {
    match catalogue.find(table) {
        Some(_) => format!("table {table:?} is not tracked"),
        None => format!("the database has no table {table:?}"),
    }
}

fn problem(id: String, kind: &str, object: &str, reason: String, drop: &str) -> Inconsistency {
    Inconsistency { id, kind: kind.into(), object: object.into(), reason, drop: drop.into() }
}

fn table_id(table: &str) -> String {
    format!("table:{table}")
}

fn column_id(table: &str, column: &str) -> String {
    format!("column:{table}.{column}")
}

fn permission_id(p: &Permission) -> String {
    format!("permission:{}/{}/{}", p.role, p.table, p.operation.as_str())
}

fn view_id(v: &DocumentView) -> String {
    format!("view:{}/{}/{}", v.table, v.owner, v.name)
}

fn layout_id(owner: &str) -> String {
    format!("layout:{owner}")
}
