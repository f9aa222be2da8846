//! The audit log: one entry per change made through rubbie, written in the same transaction as
//! the change (no entry, no change), chained by hash per category so an edited or removed entry
//! shows, readable, exportable and revertable through `/api/v1/audit`.
//!
//! Changes made outside rubbie (the host's own code, psql) are not seen here: that is the
//! events area's job, which captures with database triggers.

pub(crate) mod actor;
pub(crate) mod chain;
pub(crate) mod images;
pub(crate) mod read;
pub(crate) mod record;
pub(crate) mod retention;
pub(crate) mod revert;
pub(crate) mod visibility;

pub(crate) use actor::Actor;
pub(crate) use record::record;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::ToSchema;

/// What an entry is about. Each category has its own hash chain and its own retention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    /// A row of a host table: insert, update, delete (single, bulk, import, revert).
    Row,
    /// A table tracked or untracked.
    Tracking,
    /// A role's permission rule on a table.
    Permission,
    /// A role created, changed or deleted.
    Role,
    /// A console user created, changed or deleted (never their password).
    User,
    /// A personal API token created or revoked (never its secret).
    Token,
    /// A feature flag.
    Flag,
    /// Console metadata of a table or its columns (labels, descriptions, hidden, ...).
    Metadata,
    /// A saved view of a table.
    View,
    /// Sign-ins, failed sign-ins and sign-outs.
    Session,
    /// A step of a migration run (apply, roll back, mark applied, clear).
    Migration,
    /// A statement run by the SQL runner in write mode.
    Sql,
    /// The audit log itself: retention purges and chain checkpoints.
    Audit,
}

impl Category {
    /// Every category, in the order the UI lists them.
    pub(crate) const ALL: [Category; 13] = [
        Category::Row,
        Category::Tracking,
        Category::Permission,
        Category::Role,
        Category::User,
        Category::Token,
        Category::Flag,
        Category::Metadata,
        Category::View,
        Category::Session,
        Category::Migration,
        Category::Sql,
        Category::Audit,
    ];

    /// The name stored in `rubbie_audit.category`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Category::Row => "row",
            Category::Tracking => "tracking",
            Category::Permission => "permission",
            Category::Role => "role",
            Category::User => "user",
            Category::Token => "token",
            Category::Flag => "flag",
            Category::Metadata => "metadata",
            Category::View => "view",
            Category::Session => "session",
            Category::Migration => "migration",
            Category::Sql => "sql",
            Category::Audit => "audit",
        }
    }

    /// The category named `name`, if there is one.
    pub(crate) fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// One change, as the code that made it describes it; [`record`] adds who, when and the hash.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub category: Category,
    /// `insert`, `update`, `delete`, `login`, ... (at most 32 characters).
    pub action: &'static str,
    /// The table the change is about, if any.
    pub table: Option<String>,
    /// A row's key as in row URLs (rows only).
    pub row_key: Option<String>,
    /// The object changed when it is not a row: a flag's name, `role/table/operation`...
    pub object: Option<String>,
    /// The state before (none for an insert), secrets already removed.
    pub before: Option<Json>,
    /// The state after (none for a delete), secrets already removed.
    pub after: Option<Json>,
    /// One line for people.
    pub summary: String,
    /// What else the action needs to be understood (a bulk filter, an import's file...).
    pub detail: Option<Json>,
    /// The entry this change reverts.
    pub reverts_id: Option<i64>,
    /// The keys that changed, when the images alone cannot tell (withheld values).
    pub changed: Option<Vec<String>>,
}

impl Entry {
    /// An entry of `category` and `action` with its summary; the rest is added by the builders.
    pub(crate) fn new(category: Category, action: &'static str, summary: impl Into<String>) -> Self {
        Entry {
            category,
            action,
            table: None,
            row_key: None,
            object: None,
            before: None,
            after: None,
            summary: summary.into(),
            detail: None,
            reverts_id: None,
            changed: None,
        }
    }

    pub(crate) fn table(mut self, table: impl Into<String>) -> Self {
        self.table = Some(table.into());
        self
    }

    pub(crate) fn object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    pub(crate) fn before(mut self, before: impl Serialize) -> Self {
        self.before = serde_json::to_value(before).ok().filter(|v| !v.is_null());
        self
    }

    pub(crate) fn after(mut self, after: impl Serialize) -> Self {
        self.after = serde_json::to_value(after).ok().filter(|v| !v.is_null());
        self
    }

    pub(crate) fn detail(mut self, detail: Json) -> Self {
        self.detail = Some(detail);
        self
    }
}

/// The top-level keys whose values differ between two images (both objects), in the order of
/// `after` then `before`; for other shapes, nothing.
pub(crate) fn changed_keys(before: Option<&Json>, after: Option<&Json>) -> Vec<String> {
    match (before, after) {
        (Some(Json::Object(b)), Some(Json::Object(a))) => changed_in(Some(b), Some(a)),
        (None, Some(Json::Object(a))) => changed_in(None, Some(a)),
        (Some(Json::Object(b)), None) => changed_in(Some(b), None),
        _ => Vec::new(),
    }
}

/// [`changed_keys`] of two objects (either may be missing: all keys of the other changed).
pub(crate) fn changed_in(
    before: Option<&serde_json::Map<String, Json>>,
    after: Option<&serde_json::Map<String, Json>>,
) -> Vec<String> {
    let empty = serde_json::Map::new();
    let (b, a) = (before.unwrap_or(&empty), after.unwrap_or(&empty));
    let mut keys: Vec<String> = a.iter().filter(|(k, v)| b.get(*k) != Some(v)).map(|(k, _)| k.clone()).collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)).cloned());
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_keys_compare_top_level_values() {
        let b = serde_json::json!({"id": 1, "name": "a", "gone": true});
        let a = serde_json::json!({"id": 1, "name": "b", "new": 2});
        assert_eq!(changed_keys(Some(&b), Some(&a)), ["name", "new", "gone"]);
        assert_eq!(changed_keys(None, Some(&a)), ["id", "name", "new"]);
        assert!(changed_keys(Some(&serde_json::json!(1)), None).is_empty());
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
    }
}
