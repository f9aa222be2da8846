//! The metadata document: tracking, table and column metadata, roles, permissions, saved views
//! and diagram layouts as one JSON value with a stable key order (maps sorted, lists sorted by their keys),
//! so it can be kept in git and compared. Only what admins set is in it; the derive's values
//! are the code's and stay there.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::ToSchema;

use super::TableMetadata;
use super::layouts::{self, DiagramLayout};
use crate::audit::Category;
use crate::db::Database;
use crate::error::Result;
use crate::permissions::store::{self as rules, Permission, Role};
use crate::state::AppState;

/// The format this build reads and writes.
pub(crate) const FORMAT: u32 = 1;

/// The audit categories whose changes move `resource_version`: each change made through
/// rubbie to what the document holds writes an entry in one of them.
pub(crate) const CATEGORIES: [Category; 5] =
    [Category::Tracking, Category::Permission, Category::Role, Category::Metadata, Category::View];

/// Everything admins configure about the console, as one document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetadataDocument {
    /// Format version (1).
    #[schema(minimum = 1, maximum = 1)]
    pub rubbie_metadata: u32,
    /// Moves on with every change made through rubbie to what the document holds; an apply
    /// names the version it was prepared against and is refused (409) when it moved since.
    #[serde(default, deserialize_with = "crate::http::lenient::int")]
    pub resource_version: i64,
    /// The backend it was exported from (informative).
    #[serde(default)]
    pub backend: String,
    /// Per table, by name: whether it is tracked and the metadata overrides.
    #[serde(default, deserialize_with = "crate::http::objects::map")]
    pub tables: BTreeMap<String, DocumentTable>,
    /// Roles other than the built-in `admin`, by name.
    #[serde(default, deserialize_with = "crate::http::objects::list")]
    pub roles: Vec<Role>,
    /// Every rule, by role, table and operation.
    #[serde(default, deserialize_with = "crate::http::objects::list")]
    pub permissions: Vec<Permission>,
    /// Every saved view, by table, owner and name.
    #[serde(default, deserialize_with = "crate::http::objects::list")]
    pub saved_views: Vec<DocumentView>,
    /// Every user's ER diagram layout, by username (a view preference: saving one does not
    /// move `resource_version`).
    #[serde(default, deserialize_with = "crate::http::objects::map")]
    pub diagram_layouts: BTreeMap<String, DiagramLayout>,
}

/// One table in the document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentTable {
    /// Whether rubbie serves it.
    pub tracked: bool,
    /// The console's overrides of its metadata (only what an admin set).
    #[serde(
        default,
        skip_serializing_if = "TableMetadata::is_empty",
        deserialize_with = "crate::http::objects::object"
    )]
    pub metadata: TableMetadata,
}

/// One saved view in the document: a user's, named by their username.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentView {
    /// The table.
    pub table: String,
    /// The owner's username.
    pub owner: String,
    /// Name, unique per owner and table (1–190 characters, not only blanks).
    #[schema(min_length = 1, max_length = 190, pattern = "[^ \\t\\r\\n]")]
    pub name: String,
    /// Visible to every user who can see the table.
    #[serde(default)]
    pub shared: bool,
    /// Filter in the where language.
    #[serde(
        rename = "where",
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::http::objects::opt_json_object"
    )]
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub filter: Option<Json>,
    /// Quick search.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// Sort (`col,-col2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_by: Option<String>,
    /// Columns shown, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<Vec<String>>,
}

impl DocumentView {
    /// What identifies a view across databases (ids do not travel).
    pub(crate) fn key(&self) -> (String, String, String) {
        (self.table.clone(), self.owner.clone(), self.name.clone())
    }
}

impl MetadataDocument {
    /// The same contents with lists in their stable order.
    pub(crate) fn sorted(mut self) -> Self {
        self.roles.sort_by(|a, b| a.name.cmp(&b.name));
        self.permissions
            .sort_by(|a, b| (&a.role, &a.table, a.operation.as_str()).cmp(&(&b.role, &b.table, b.operation.as_str())));
        self.saved_views.sort_by_key(DocumentView::key);
        self
    }

    /// The contents alone, for comparing two documents whatever their version or origin.
    pub(crate) fn contents(&self) -> MetadataDocument {
        MetadataDocument { resource_version: 0, backend: String::new(), ..self.clone() }.sorted()
    }
}

/// The document as the database holds it now: every table the catalogue has (tracked or
/// not) and every table something is stored for, from a schema read just now.
pub(crate) async fn current(state: &AppState) -> Result<MetadataDocument> {
    state.refresh_schema().await?;
    let db = state.db();
    let resource_version = version(db).await?;
    let decisions = crate::tracking::decisions(db).await?;
    let overrides = super::all(db).await?;
    let schema = state.schema();
    let mut tables: BTreeMap<String, DocumentTable> = BTreeMap::new();
    for (name, tracked) in
        schema.tables.iter().map(|t| (&t.name, true)).chain(schema.untracked.iter().map(|t| (&t.name, false)))
    {
        tables.insert(name.clone(), DocumentTable { tracked, metadata: TableMetadata::default() });
    }
    for (name, tracked) in decisions {
        tables.entry(name).or_insert(DocumentTable { tracked, metadata: TableMetadata::default() });
    }
    for (name, metadata) in overrides {
        tables
            .entry(name)
            .or_insert_with(|| DocumentTable { tracked: false, metadata: TableMetadata::default() })
            .metadata = metadata;
    }
    Ok(MetadataDocument {
        rubbie_metadata: FORMAT,
        resource_version,
        backend: backend_name(db.backend()).to_owned(),
        tables,
        roles: rules::roles(db).await?.into_iter().filter(|r| !r.builtin).collect(),
        permissions: rules::permissions(db).await?,
        saved_views: crate::http::views::all(db).await?,
        diagram_layouts: layouts::all(db).await?,
    }
    .sorted())
}

/// The current `resource_version`: how many changes the document's categories have had.
pub(crate) async fn version(db: &Database) -> Result<i64> {
    crate::audit::record::changes_of(&mut db.pooled(), &CATEGORIES).await
}

fn backend_name(backend: crate::db::Backend) -> &'static str {
    match backend {
        crate::db::Backend::Sqlite => "sqlite",
        crate::db::Backend::Postgres => "postgres",
        crate::db::Backend::Mysql => "mysql",
    }
}
