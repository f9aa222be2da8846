//! Importing a metadata document: checked whole first (format, sizes, names, entries that do
//! not fit the database), then written in one transaction under the locks of the audit chains
//! it covers, refused (409) when `resource_version` moved since the caller read it. One audit
//! entry holds the document before and after, so the import can be reverted.

use std::collections::{BTreeMap, HashSet};

use sea_query::Query;
use serde::Serialize;
use utoipa::ToSchema;

use super::consistency::{self, Catalogue, Inconsistency};
use super::diff::{DocumentChange, diff};
use super::document::{self, CATEGORIES, FORMAT, MetadataDocument};
use crate::audit::{self, Actor, Category, Entry};
use crate::db::exec::Executor;
use crate::error::{Error, FieldErrors, Result};
use crate::permissions::ADMIN_ROLE;
use crate::permissions::store::{self as rules, validate_role_name};
use crate::state::AppState;

/// Most entries per section of a document: a bound on the work one request asks for.
pub(crate) const MAX_ENTRIES: usize = 10_000;

/// What an apply (or a dry look at one) does.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplyOutcome {
    /// The version after the apply (unchanged by a diff).
    pub resource_version: i64,
    /// Entries added, changed or removed.
    pub changes: Vec<DocumentChange>,
    /// Entries that do not fit the database: refused unless `allow_inconsistent`, then kept
    /// (views and layouts of users this database lacks are left out).
    pub inconsistencies: Vec<Inconsistency>,
}

/// What applying `doc` would change now, and what in it does not fit the database.
pub(crate) async fn preview(state: &AppState, doc: &MetadataDocument) -> Result<ApplyOutcome> {
    well_formed(doc)?;
    let current = document::current(state).await?;
    let inconsistencies = consistency::check(doc, &catalogue_of(state).await?.as_catalogue(state));
    let kept = consistency::without(doc.clone(), &unstorable(&inconsistencies));
    let changes = diff(&current.contents(), &kept.contents());
    Ok(ApplyOutcome { resource_version: current.resource_version, changes, inconsistencies })
}

/// Makes rubbie's metadata exactly `doc`, if nobody changed it since `resource_version`.
pub(crate) async fn apply(
    state: &AppState,
    doc: MetadataDocument,
    resource_version: i64,
    allow_inconsistent: bool,
    actor: &Actor,
) -> Result<ApplyOutcome> {
    well_formed(&doc)?;
    let current = document::current(state).await?;
    if current.resource_version != resource_version {
        return Err(stale(resource_version, current.resource_version));
    }
    let inconsistencies = consistency::check(&doc, &catalogue_of(state).await?.as_catalogue(state));
    if !inconsistencies.is_empty() && !allow_inconsistent {
        let fields: FieldErrors = inconsistencies.iter().map(|i| (i.id.clone(), vec![i.reason.clone()])).collect();
        let message = format!(
            "{} entr{} do not fit the database (first: {}); drop them or apply with allow_inconsistent",
            inconsistencies.len(),
            if inconsistencies.len() == 1 { "y does" } else { "ies do" },
            inconsistencies[0].reason
        );
        return Err(Error::Conflict { message, fields });
    }
    let next = consistency::without(doc, &unstorable(&inconsistencies)).contents();
    let before = current.contents();
    let changes = diff(&before, &next);
    if changes.is_empty() {
        return Ok(ApplyOutcome { resource_version, changes, inconsistencies });
    }
    let count = changes.len();
    let summary = format!("Applied a metadata document ({count} change{})", if count == 1 { "" } else { "s" });
    write(state, &before, &next, resource_version, &summary, actor).await?;
    state.refresh_tracking().await?;
    state.sessions.clear(); // roles and rules may have changed
    Ok(ApplyOutcome { resource_version: document::version(state.db()).await?, changes, inconsistencies })
}

/// Rewrites what is stored with `change` (what follows a schema change: a renamed table's rules
/// and views...), written as an apply is, under `summary`. Nothing happens when nothing changes.
pub(crate) async fn rewrite(
    state: &AppState,
    summary: &str,
    actor: &Actor,
    change: impl FnOnce(MetadataDocument) -> MetadataDocument,
) -> Result<()> {
    let current = document::current(state).await?;
    let before = current.contents();
    let next = change(current.clone()).contents();
    if diff(&before, &next).is_empty() {
        return Ok(());
    }
    write(state, &before, &next, current.resource_version, summary, actor).await?;
    state.refresh_tracking().await?;
    state.sessions.clear();
    Ok(())
}

async fn write(
    state: &AppState,
    before: &MetadataDocument,
    next: &MetadataDocument,
    resource_version: i64,
    summary: &str,
    actor: &Actor,
) -> Result<()> {
    let by = actor.username.clone().unwrap_or_default();
    let mut tx = state.db().begin().await?;
    let now = audit::record::lock_changes_of(&mut tx, &CATEGORIES).await?;
    if now != resource_version {
        return Err(stale(resource_version, now));
    }
    let decisions: Vec<(String, bool)> = next.tables.iter().map(|(n, t)| (n.clone(), t.tracked)).collect();
    crate::tracking::replace_all(&mut tx, &decisions, &by).await?;
    let overrides: BTreeMap<_, _> = next.tables.iter().map(|(n, t)| (n.clone(), t.metadata.clone())).collect();
    super::store::replace_all(&mut tx, &overrides, &by).await?;
    rules::replace_all(&mut tx, &next.roles, &next.permissions).await?;
    crate::http::views::replace_all(&mut tx, &next.saved_views).await?;
    super::layouts::replace_all(&mut tx, &next.diagram_layouts).await?;
    let entry = Entry::new(Category::Metadata, "apply", summary).object("metadata document").before(before).after(next);
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await
}

/// The entries that cannot be stored even when inconsistency is allowed: views and layouts of
/// users this database does not have, and entries for table names no table can have. The others are kept, as Hasura keeps inconsistent metadata, and
/// listed until a table comes back or an admin drops them.
fn unstorable(inconsistencies: &[Inconsistency]) -> HashSet<String> {
    let owners = [consistency::VIEW_OWNER, consistency::LAYOUT_OWNER, consistency::TABLE_NAME];
    inconsistencies.iter().filter(|i| owners.contains(&i.kind.as_str())).map(|i| i.id.clone()).collect()
}

fn stale(given: i64, now: i64) -> Error {
    Error::conflict(format!(
        "resource_version {given} is stale: the metadata is at {now} (changed since it was read); read it again"
    ))
}

/// What a document must be before anything else is asked of it: this format, entries within
/// bounds and sizes (400/422, as the schema says), and no contradiction the schema cannot
/// state (409): each key once, rules only for roles the document has, no `admin` role.
fn well_formed(doc: &MetadataDocument) -> Result<()> {
    if doc.rubbie_metadata != FORMAT {
        return Err(Error::BadRequest(format!(
            "rubbie_metadata {} is not a format this build reads (1)",
            doc.rubbie_metadata
        )));
    }
    let sizes = [
        ("tables", doc.tables.len()),
        ("roles", doc.roles.len()),
        ("permissions", doc.permissions.len()),
        ("saved_views", doc.saved_views.len()),
        ("diagram_layouts", doc.diagram_layouts.len()),
    ];
    if let Some((section, n)) = sizes.iter().find(|(_, n)| *n > MAX_ENTRIES) {
        return Err(Error::BadRequest(format!("{section}: {n} entries, at most {MAX_ENTRIES}")));
    }
    for (name, table) in &doc.tables {
        table.metadata.check_sizes().map_err(|e| Error::field(&format!("tables.{name}"), e.to_string()))?;
    }
    let mut roles = HashSet::new();
    for role in &doc.roles {
        if role.name == ADMIN_ROLE {
            return Err(Error::conflict("roles: admin is built in; leave it out"));
        }
        validate_role_name(&role.name)?;
        if !roles.insert(role.name.as_str()) {
            return Err(Error::conflict(format!("roles: {:?} is listed twice", role.name)));
        }
    }
    let mut rules = HashSet::new();
    for p in &doc.permissions {
        if !roles.contains(p.role.as_str()) {
            return Err(Error::conflict(format!("permissions: role {:?} is not among the document's roles", p.role)));
        }
        if !rules.insert((p.role.as_str(), p.table.as_str(), p.operation)) {
            return Err(Error::conflict(format!(
                "permissions: {}/{}/{} is listed twice",
                p.role,
                p.table,
                p.operation.as_str()
            )));
        }
    }
    for (owner, layout) in &doc.diagram_layouts {
        layout.clone().checked().map_err(|e| Error::field(&format!("diagram_layouts.{owner}"), e.to_string()))?;
    }
    let mut views = HashSet::new();
    for v in &doc.saved_views {
        if crate::text::name(&v.name, 190).is_none() {
            return Err(Error::field(
                "saved_views",
                format!("view names are 1 to 190 characters, not only blanks: {:?}", v.name),
            ));
        }
        if !views.insert(v.key()) {
            return Err(Error::conflict(format!("saved_views: {}/{}/{} is listed twice", v.table, v.owner, v.name)));
        }
    }
    Ok(())
}

/// The catalogue and users a check runs against, read just now.
pub(crate) struct CatalogueRead {
    all: std::sync::Arc<crate::db::schema::Schema>,
    users: HashSet<String>,
}

impl CatalogueRead {
    pub(crate) fn as_catalogue<'a>(&'a self, state: &AppState) -> Catalogue<'a> {
        Catalogue {
            all: &self.all,
            track_introspected: state.config.track_introspected,
            backend: state.db().backend(),
            users: &self.users,
        }
    }
}

/// The introspected catalogue (the schema was refreshed by [`document::current`]) and the
/// usernames saved views may belong to.
pub(crate) async fn catalogue_of(state: &AppState) -> Result<CatalogueRead> {
    let users =
        state.db().pooled().fetch_texts(&Query::select().column("username").from("rubbie_users").to_owned()).await?;
    Ok(CatalogueRead { all: state.introspected(), users: users.into_iter().collect() })
}
