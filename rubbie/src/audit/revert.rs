//! Reverting an entry: the inverse change, made through the ordinary write path (so the
//! reverting user's permissions apply and the revert is itself an entry), and only when it is
//! safe: the target must still look as the entry left it (else 409, unless an admin forces it).
//!
//! Rows: an update gets its changed columns back, a deleted row is inserted again with its key,
//! an inserted row is deleted. Permission rules, permission imports, flags and tracking go back
//! to their before state. Withheld columns (hidden, secret) were never stored, so they stay as
//! they are.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use utoipa::ToSchema;

use super::images::is_marker;
use super::read::{self, AuditEntry};
use super::{Actor, Category};
use crate::error::{Error, Result};
use crate::permissions::store::{self as rules, Permission, PermissionsDocument};
use crate::permissions::{Access, Operation};
use crate::query::write;
use crate::state::AppState;

/// How to revert.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevertRequest {
    /// Only say what would happen (and whether it is safe); change nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// Admins only: revert even though the target changed since.
    #[serde(default)]
    pub force: bool,
}

/// What a revert does (or, in a dry run, would do).
#[derive(Debug, Serialize, ToSchema)]
pub struct RevertPlan {
    /// The entry reverted.
    pub entry_id: i64,
    /// Nothing was changed.
    pub dry_run: bool,
    /// The change made: `update`, `insert` or `delete` of a row, or `restore` of an object.
    pub action: String,
    /// The table concerned.
    pub table: Option<String>,
    /// The row's key, for rows.
    pub row_key: Option<String>,
    /// The values written (the row or object restored).
    #[schema(value_type = Option<Value>)]
    pub values: Option<Json>,
    /// What the target must still be for the revert to be safe.
    #[schema(value_type = Option<Value>)]
    pub expected: Option<Json>,
    /// In a dry run of a row revert: the row's current values of the columns in `expected`
    /// (null when the row does not exist).
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub current: Option<Json>,
    /// Where the target differs from `expected` now (a dry run reports them; a revert refuses).
    pub conflicts: Vec<String>,
}

/// Reverts entry `id` as `access`/`actor`.
pub(crate) async fn revert(
    state: &AppState,
    access: &Access,
    actor: &Actor,
    id: i64,
    req: &RevertRequest,
) -> Result<RevertPlan> {
    let entry = read::one(state.db(), id).await?;
    if req.force && !matches!(access, Access::Admin) {
        return Err(Error::Forbidden("only an admin can force a revert".into()));
    }
    let actor = Actor { reverting: Some(id), ..actor.clone() };
    match entry.category {
        Category::Row => row(state, access, &actor, &entry, req).await,
        _ if !matches!(access, Access::Admin) => {
            Err(Error::Forbidden(format!("only an admin can revert {} entries", entry.category.as_str())))
        }
        Category::Permission => permission(state, &actor, &entry, req).await,
        Category::Flag => flag(state, &actor, &entry, req).await,
        Category::Tracking => tracking(state, &actor, &entry, req).await,
        Category::Metadata => metadata(state, &actor, &entry, req).await,
        // a refusal about the entry, not the request: 409 like the other "not now" answers
        other => Err(Error::conflict(format!("{} entries cannot be reverted", other.as_str()))),
    }
}

fn object(image: &Option<Json>) -> Map<String, Json> {
    image.as_ref().and_then(Json::as_object).cloned().unwrap_or_default()
}

fn plan(entry: &AuditEntry, req: &RevertRequest, action: &str) -> RevertPlan {
    RevertPlan {
        entry_id: entry.id,
        dry_run: req.dry_run,
        action: action.to_owned(),
        table: entry.table.clone(),
        row_key: entry.row_key.clone(),
        values: None,
        expected: None,
        current: None,
        conflicts: Vec::new(),
    }
}

async fn row(
    state: &AppState,
    access: &Access,
    actor: &Actor,
    entry: &AuditEntry,
    req: &RevertRequest,
) -> Result<RevertPlan> {
    let name = entry.table.as_deref().ok_or_else(|| Error::internal("row entry without a table"))?;
    let table = state.table_for(name, access).await?;
    let key = entry
        .row_key
        .clone()
        .ok_or_else(|| Error::conflict(format!("{name} has no primary key: its rows cannot be reverted")))?;
    let (before, after) = (object(&entry.before), object(&entry.after));
    let writable = |c: &str| table.column(c).is_some_and(|c| !c.readonly);
    let usable = |(c, v): (&String, &Json)| (writable(c) && !is_marker(v)).then(|| (c.clone(), v.clone()));
    // A deleted row comes back whole: read-only columns too, only generated ones are left out.
    let restorable = |(c, v): (&String, &Json)| {
        (table.column(c).is_some_and(|c| !c.generated) && !is_marker(v)).then(|| (c.clone(), v.clone()))
    };
    let schema = state.schema();
    let (action, values, expected): (&str, Option<Map<String, Json>>, Map<String, Json>) = match entry.action.as_str() {
        "update" => {
            let changed: Vec<&String> = entry.changed.iter().filter(|c| table.column(c).is_some()).collect();
            let values: Map<String, Json> =
                changed.iter().filter_map(|c| before.get(c.as_str()).map(|v| (*c, v))).filter_map(usable).collect();
            if values.is_empty() {
                return Err(Error::conflict("nothing to restore: only withheld or read-only columns changed"));
            }
            let expected = values.keys().filter_map(|c| after.get(c).map(|v| (c.clone(), v.clone()))).collect();
            ("update", Some(values), expected)
        }
        "insert" => ("delete", None, after.iter().filter_map(usable).collect()),
        "delete" => ("insert", Some(before.iter().filter_map(restorable).collect()), Map::new()),
        other => return Err(Error::conflict(format!("row entries of action {other} cannot be reverted"))),
    };
    let mut plan = plan(entry, req, action);
    // What the role may not read stays out of the plan (the write itself checks what it may write).
    let readable = |map: &Map<String, Json>| -> Map<String, Json> {
        match access.maybe(&table, Operation::Select) {
            _ if matches!(access, Access::Admin) => map.clone(),
            Some(rule) => map.iter().filter(|(c, _)| rule.allows(c)).map(|(c, v)| (c.clone(), v.clone())).collect(),
            None => Map::new(),
        }
    };
    plan.values = values.as_ref().map(|v| Json::Object(readable(v)));
    plan.expected = (!expected.is_empty()).then(|| Json::Object(readable(&expected)));
    let guard = (!req.force && !expected.is_empty()).then_some(&expected);
    if req.dry_run {
        let current = match crate::query::rows::get(state.db(), &schema, &table, &key, access).await {
            Ok(row) => Some(super::images::of_text(&table, &row)?),
            Err(Error::NotFound(_)) => None,
            Err(other) => return Err(other),
        };
        plan.conflicts = match (action, &current) {
            ("insert", Some(_)) => vec!["the row exists again".to_owned()],
            ("insert", None) => Vec::new(),
            (_, None) => vec!["the row no longer exists".to_owned()],
            (_, Some(now)) => readable(&expected)
                .iter()
                .filter(|(c, v)| now.get(c.as_str()) != Some(v))
                .map(|(c, _)| c.clone())
                .collect(),
        };
        plan.current = current.map(|now| {
            Json::Object(now.into_iter().filter(|(c, _)| expected.contains_key(c) || action == "insert").collect())
        });
        return Ok(plan);
    }
    match action {
        "update" => {
            let body = Json::Object(values.unwrap_or_default());
            write::update(state.db(), &schema, &table, &key, &body, access, actor, guard).await?;
        }
        "delete" => write::delete(state.db(), &schema, &table, &key, access, actor, guard).await?,
        _ => {
            let body = Json::Object(values.unwrap_or_default());
            write::insert(state.db(), &schema, &table, &body, access, actor).await.map_err(|e| match e {
                Error::Conflict { fields, .. } => Error::Conflict {
                    message: format!("{name}: the row cannot be inserted again (its key or a unique value is taken)"),
                    fields,
                },
                other => other,
            })?;
        }
    }
    Ok(plan)
}

fn conflict(what: &str) -> Error {
    Error::Conflict {
        message: format!("{what} changed since this entry; revert with force to overwrite"),
        fields: Default::default(),
    }
}

async fn permission(state: &AppState, actor: &Actor, entry: &AuditEntry, req: &RevertRequest) -> Result<RevertPlan> {
    let db = state.db();
    let mut plan = plan(entry, req, "restore");
    plan.values = entry.before.clone();
    plan.expected = entry.after.clone();
    if entry.action == "import" {
        let doc: PermissionsDocument = serde_json::from_value(entry.before.clone().unwrap_or_default())
            .map_err(|e| Error::BadRequest(format!("the entry's document cannot be read: {e}")))?;
        let now = serde_json::to_value(rules::export(db).await?).map_err(Error::internal)?;
        if Some(&now) != entry.after.as_ref() {
            plan.conflicts.push("the roles and permissions".into());
        }
        return finish(plan, req, || async { rules::import(db, &doc, actor).await }).await;
    }
    let object = entry.object.as_deref().unwrap_or_default();
    let mut parts = object.splitn(3, '/');
    let (Some(role), Some(table), Some(op)) = (parts.next(), parts.next(), parts.next().and_then(Operation::parse))
    else {
        return Err(Error::internal(format!("permission entry object {object:?}")));
    };
    let current =
        rules::permissions(db).await?.into_iter().find(|p| p.role == role && p.table == table && p.operation == op);
    let now = current.as_ref().map(|p| serde_json::to_value(&p.rule)).transpose().map_err(Error::internal)?;
    if now != entry.after {
        plan.conflicts.push(format!("{role}'s {} rule on {table}", op.as_str()));
    }
    let restore = entry.before.clone();
    finish(plan, req, || async {
        match restore {
            Some(rule) => {
                let rule = serde_json::from_value(rule).map_err(|e| Error::BadRequest(format!("stored rule: {e}")))?;
                let p = Permission { role: role.to_owned(), table: table.to_owned(), operation: op, rule };
                rules::set_permission(db, &p, actor).await
            }
            None => rules::delete_permission(db, role, table, op, actor).await,
        }
    })
    .await
}

async fn flag(state: &AppState, actor: &Actor, entry: &AuditEntry, req: &RevertRequest) -> Result<RevertPlan> {
    let flags = &state.config.flags;
    let name = entry.object.clone().unwrap_or_default();
    let mut plan = plan(entry, req, "restore");
    plan.values = entry.before.clone();
    plan.expected = entry.after.clone();
    let pick =
        |image: &Option<Json>| image.as_ref().map(|i| (i.get("enabled").cloned(), i.get("description").cloned()));
    let now = match flags.get(&name).await {
        Ok(flag) => Some(serde_json::to_value(flag).map_err(Error::internal)?),
        Err(Error::NotFound(_)) => None,
        Err(other) => return Err(other),
    };
    if pick(&now) != pick(&entry.after) {
        plan.conflicts.push(format!("flag {name}"));
    }
    let before = entry.before.clone();
    let exists = now.is_some();
    finish(plan, req, || async {
        let Some(before) = before else { return flags.delete(&name, actor).await };
        let enabled = before.get("enabled").and_then(Json::as_bool).unwrap_or(false);
        let description = before.get("description").and_then(Json::as_str).map(str::to_owned);
        if exists {
            let change = crate::flags::FlagChange { enabled: Some(enabled), description: Some(description) };
            flags.update(&name, change, actor).await.map(drop)
        } else {
            flags.create(&name, description.as_deref(), enabled, actor).await.map(drop)
        }
    })
    .await
}

async fn tracking(state: &AppState, actor: &Actor, entry: &AuditEntry, req: &RevertRequest) -> Result<RevertPlan> {
    let table = entry.table.clone().unwrap_or_default();
    let mut plan = plan(entry, req, "restore");
    let tracked_after = entry.after.as_ref().and_then(|a| a.get("tracked")).and_then(Json::as_bool).unwrap_or(true);
    plan.values = Some(serde_json::json!({"tracked": !tracked_after}));
    plan.expected = entry.after.clone();
    let now = crate::tracking::decisions(state.db()).await?.get(&table).copied();
    if now != Some(tracked_after) {
        plan.conflicts.push(format!("tracking of {table}"));
    }
    finish(plan, req, || async {
        crate::tracking::set(state.db(), &table, !tracked_after, actor).await?;
        state.refresh_tracking().await
    })
    .await
}

async fn metadata(state: &AppState, actor: &Actor, entry: &AuditEntry, req: &RevertRequest) -> Result<RevertPlan> {
    let name = entry.table.clone().unwrap_or_default();
    let mut plan = plan(entry, req, "restore");
    plan.values = entry.before.clone();
    plan.expected = entry.after.clone();
    if entry.action == "apply" {
        return metadata_document(state, actor, entry, req, plan).await;
    }
    let read = |image: &Option<Json>| -> Result<crate::metadata::TableMetadata> {
        serde_json::from_value(image.clone().unwrap_or_default())
            .map_err(|e| Error::conflict(format!("the entry's metadata cannot be read: {e}")))
    };
    let (before, after) = (read(&entry.before)?, read(&entry.after)?);
    state.refresh_schema().await?;
    let table = state.without_overrides(&name).ok_or_else(|| Error::conflict(format!("table {name} is gone")))?;
    if state.overrides_of(&name) != after {
        plan.conflicts.push(format!("the metadata of {name}"));
    }
    finish(plan, req, || async {
        crate::metadata::restore(state.db(), &table, before, actor).await?;
        state.refresh_tracking().await
    })
    .await
}

/// A metadata document apply, undone by applying the document it replaced (entries that no
/// longer fit the database are kept, as the apply would keep them).
async fn metadata_document(
    state: &AppState,
    actor: &Actor,
    entry: &AuditEntry,
    req: &RevertRequest,
    mut plan: RevertPlan,
) -> Result<RevertPlan> {
    let read = |image: &Option<Json>| -> Result<crate::metadata::MetadataDocument> {
        serde_json::from_value(image.clone().unwrap_or_default())
            .map_err(|e| Error::conflict(format!("the entry's document cannot be read: {e}")))
    };
    let (before, after) = (read(&entry.before)?, read(&entry.after)?);
    let now = crate::metadata::current_document(state).await?;
    let version = now.resource_version;
    let (now, after) = (serde_json::to_value(now.contents()), serde_json::to_value(after.contents()));
    if now.map_err(Error::internal)? != after.map_err(Error::internal)? {
        plan.conflicts.push("the metadata document".into());
    }
    finish(plan, req, || async { crate::metadata::apply_document(state, before, version, true, actor).await.map(drop) })
        .await
}

/// Runs `apply` unless this is a dry run; refuses on conflicts unless forced.
async fn finish<F, Fut>(plan: RevertPlan, req: &RevertRequest, apply: F) -> Result<RevertPlan>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    if req.dry_run {
        return Ok(plan);
    }
    if !plan.conflicts.is_empty() && !req.force {
        return Err(conflict(&plan.conflicts.join(", ")));
    }
    apply().await?;
    Ok(plan)
}
