//! Roles and rules in rubbie's tables, and the JSON document they export to and import from.

use std::collections::HashMap;

use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ADMIN_ROLE, Operation, Rule};
use crate::audit::{self, Actor, Category, Entry};
use crate::auth::now;
use crate::db::Database;
use crate::db::exec::{Executor, Tx};
use crate::db::internal::{Field, fetch_all, fetch_all_in};
use crate::error::{Error, Result};

/// A role.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Role {
    /// Unique name: 1–64 characters of `a-z 0-9 _ -`.
    #[schema(pattern = r"^[a-z0-9_-]{1,64}$")]
    pub name: String,
    /// What the role is for.
    pub description: Option<String>,
    /// `true` for the built-in `admin` role, which bypasses every rule.
    #[serde(default)]
    pub builtin: bool,
}

/// One cell of the permission matrix.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Permission {
    /// Role name.
    pub role: String,
    /// Table name.
    pub table: String,
    /// Operation.
    pub operation: Operation,
    /// The rule.
    #[serde(deserialize_with = "crate::http::objects::object")]
    pub rule: Rule,
}

/// Roles and permissions as one document (export/import).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PermissionsDocument {
    /// Format version (1).
    #[schema(minimum = 1, maximum = 1)]
    pub version: u32,
    /// Roles other than `admin`.
    #[serde(deserialize_with = "crate::http::objects::list")]
    pub roles: Vec<Role>,
    /// Every rule.
    #[serde(deserialize_with = "crate::http::objects::list")]
    pub permissions: Vec<Permission>,
}

#[derive(Deserialize)]
struct RoleRow {
    name: String,
    description: Option<String>,
}

#[derive(Deserialize)]
struct PermissionRow {
    role: String,
    table_name: String,
    operation: String,
    rule: String,
}

const ROLE_FIELDS: [Field<'static>; 2] =
    [("name", "rubbie_roles", "name"), ("description", "rubbie_roles", "description")];
const PERMISSION_FIELDS: [Field<'static>; 4] = [
    ("role", "rubbie_permissions", "role"),
    ("table_name", "rubbie_permissions", "table_name"),
    ("operation", "rubbie_permissions", "operation"),
    ("rule", "rubbie_permissions", "rule"),
];

fn decode(row: PermissionRow) -> Result<Permission> {
    Ok(Permission {
        operation: Operation::parse(&row.operation)
            .ok_or_else(|| Error::internal(format!("stored operation {}", row.operation)))?,
        rule: serde_json::from_str(&row.rule).map_err(Error::internal)?,
        role: row.role,
        table: row.table_name,
    })
}

/// Checks a role name: 1–64 of `a-z 0-9 _ -`, and not `admin`.
pub(crate) fn validate_role_name(name: &str) -> Result<()> {
    let ok = (1..=64).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-'));
    if !ok {
        return Err(Error::field("name", "use 1 to 64 characters of a-z, 0-9, '_' and '-'"));
    }
    if name == ADMIN_ROLE {
        // a conflict with the role that always exists, not a malformed name
        return Err(Error::conflict("admin is built in"));
    }
    Ok(())
}

/// Every role, `admin` first.
pub(crate) async fn roles(db: &Database) -> Result<Vec<Role>> {
    let query = Query::select().from("rubbie_roles").order_by("name", Order::Asc).to_owned();
    let rows: Vec<RoleRow> = fetch_all(db, &ROLE_FIELDS, query).await?;
    let admin =
        Role { name: ADMIN_ROLE.into(), description: Some("Built in: bypasses every rule".into()), builtin: true };
    Ok(std::iter::once(admin)
        .chain(rows.into_iter().map(|r| Role { name: r.name, description: r.description, builtin: false }))
        .collect())
}

/// Whether the role exists (`admin` always does).
pub(crate) async fn role_exists(db: &Database, name: &str) -> Result<bool> {
    Ok(roles(db).await?.iter().any(|r| r.name == name))
}

pub(crate) async fn create_role(db: &Database, name: &str, description: Option<&str>, actor: &Actor) -> Result<Role> {
    validate_role_name(name)?;
    let insert = Query::insert()
        .into_table("rubbie_roles")
        .columns(["name", "description", "created_at"])
        .values_panic([name.into(), description.map(str::to_owned).into(), now().into()])
        .to_owned();
    let role = Role { name: name.to_owned(), description: description.map(str::to_owned), builtin: false };
    let mut tx = db.begin().await?;
    tx.execute(&insert).await.map_err(|e| e.with_columns(&["name"]))?;
    let entry = Entry::new(Category::Role, "create", format!("Created role {name}")).object(name).after(&role);
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await?;
    Ok(role)
}

/// Renames and/or re-describes a role; users and rules follow a rename.
pub(crate) async fn update_role(
    db: &Database,
    name: &str,
    new_name: Option<&str>,
    description: Option<Option<&str>>,
    actor: &Actor,
) -> Result<Role> {
    if name == ADMIN_ROLE {
        return Err(Error::Forbidden("the admin role cannot be changed".into()));
    }
    let current = roles(db)
        .await?
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| Error::NotFound(format!("no role named {name:?}")))?;
    let target = new_name.unwrap_or(name);
    if target != name {
        validate_role_name(target)?;
        if role_exists(db, target).await? {
            return Err(Error::Conflict {
                message: format!("a role named {target:?} exists"),
                fields: [("name".to_owned(), vec!["already exists".to_owned()])].into(),
            });
        }
    }
    let description = description.map(|d| d.map(str::to_owned)).unwrap_or(current.description.clone());
    let mut tx = db.begin().await?;
    tx.execute(
        &Query::update()
            .table("rubbie_roles")
            .values([("name", target.into()), ("description", description.clone().into())])
            .and_where(Expr::col("name").eq(name))
            .to_owned(),
    )
    .await?;
    if target != name {
        for (table, column) in [("rubbie_permissions", "role"), ("rubbie_users", "role")] {
            tx.execute(
                &Query::update().table(table).value(column, target).and_where(Expr::col(column).eq(name)).to_owned(),
            )
            .await?;
        }
    }
    let role = Role { name: target.to_owned(), description, builtin: false };
    let summary =
        if target != name { format!("Renamed role {name} to {target}") } else { format!("Changed role {name}") };
    let entry = Entry::new(Category::Role, "update", summary).object(target).before(&current).after(&role);
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await?;
    Ok(role)
}

/// Deletes a role and its rules; refused while users have it.
pub(crate) async fn delete_role(db: &Database, name: &str, actor: &Actor) -> Result<()> {
    if name == ADMIN_ROLE {
        return Err(Error::Forbidden("the admin role cannot be deleted".into()));
    }
    let role = roles(db)
        .await?
        .into_iter()
        .find(|r| r.name == name)
        .ok_or_else(|| Error::NotFound(format!("no role named {name:?}")))?;
    let users = db
        .pooled()
        .fetch_integers(
            &Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from("rubbie_users")
                .and_where(Expr::col("role").eq(name))
                .to_owned(),
        )
        .await?
        .first()
        .copied()
        .unwrap_or(0);
    if users > 0 {
        return Err(Error::Conflict {
            message: format!("{users} user(s) still have the role {name:?}"),
            fields: Default::default(),
        });
    }
    let mut tx = db.begin().await?;
    let rules = rules_in(&mut tx, Expr::col("role").eq(name)).await?;
    tx.execute(&Query::delete().from_table("rubbie_permissions").and_where(Expr::col("role").eq(name)).to_owned())
        .await?;
    tx.execute(&Query::delete().from_table("rubbie_roles").and_where(Expr::col("name").eq(name)).to_owned()).await?;
    let mut entries =
        vec![Entry::new(Category::Role, "delete", format!("Deleted role {name}")).object(name).before(&role)];
    entries.extend(rules.iter().map(|p| permission_entry("delete", p, Some(p), None)));
    audit::record(&mut tx, actor, entries).await?;
    tx.commit().await
}

/// The rules matching `cond`, as the transaction sees them.
async fn rules_in(tx: &mut Tx, cond: sea_query::Expr) -> Result<Vec<Permission>> {
    let backend = tx.backend();
    let query = Query::select().from("rubbie_permissions").and_where(cond).to_owned();
    let rows: Vec<PermissionRow> = fetch_all_in(tx, backend, &PERMISSION_FIELDS, query).await?;
    rows.into_iter().map(decode).collect()
}

/// One rule's current state in the transaction.
async fn rule_in(tx: &mut Tx, role: &str, table: &str, op: Operation) -> Result<Option<Permission>> {
    let cond =
        Expr::col("role").eq(role).and(Expr::col("table_name").eq(table)).and(Expr::col("operation").eq(op.as_str()));
    Ok(rules_in(tx, cond).await?.into_iter().next())
}

/// The audit entry of a rule change: the object is `role/table/operation`.
pub(crate) fn permission_entry(
    action: &'static str,
    p: &Permission,
    before: Option<&Permission>,
    after: Option<&Permission>,
) -> Entry {
    let op = p.operation.as_str();
    let summary = match action {
        "delete" => format!("Removed {}'s {op} rule on {}", p.role, p.table),
        _ => format!("Set {}'s {op} rule on {}", p.role, p.table),
    };
    Entry::new(Category::Permission, action, summary)
        .table(p.table.clone())
        .object(format!("{}/{}/{op}", p.role, p.table))
        .before(before.map(|p| &p.rule))
        .after(after.map(|p| &p.rule))
}

/// Every rule, by role, table, operation.
pub(crate) async fn permissions(db: &Database) -> Result<Vec<Permission>> {
    let query = Query::select()
        .from("rubbie_permissions")
        .order_by("role", Order::Asc)
        .order_by("table_name", Order::Asc)
        .order_by("operation", Order::Asc)
        .to_owned();
    let rows: Vec<PermissionRow> = fetch_all(db, &PERMISSION_FIELDS, query).await?;
    rows.into_iter().map(decode).collect()
}

/// One role's rules, keyed by table and operation.
pub(crate) async fn rules_of(db: &Database, role: &str) -> Result<HashMap<(String, Operation), Rule>> {
    let query = Query::select().from("rubbie_permissions").and_where(Expr::col("role").eq(role)).to_owned();
    let rows: Vec<PermissionRow> = fetch_all(db, &PERMISSION_FIELDS, query).await?;
    rows.into_iter().map(decode).map(|p| p.map(|p| ((p.table, p.operation), p.rule))).collect()
}

async fn write_permission(tx: &mut Tx, p: &Permission) -> Result<()> {
    tx.execute(
        &Query::delete()
            .from_table("rubbie_permissions")
            .and_where(Expr::col("role").eq(p.role.as_str()))
            .and_where(Expr::col("table_name").eq(p.table.as_str()))
            .and_where(Expr::col("operation").eq(p.operation.as_str()))
            .to_owned(),
    )
    .await?;
    let rule = serde_json::to_string(&p.rule).map_err(Error::internal)?;
    tx.execute(
        &Query::insert()
            .into_table("rubbie_permissions")
            .columns(["role", "table_name", "operation", "rule", "updated_at"])
            .values_panic([
                p.role.as_str().into(),
                p.table.as_str().into(),
                p.operation.as_str().into(),
                rule.into(),
                now().into(),
            ])
            .to_owned(),
    )
    .await?;
    Ok(())
}

/// Sets (creates or replaces) one rule. The caller has validated it against the schema.
pub(crate) async fn set_permission(db: &Database, p: &Permission, actor: &Actor) -> Result<()> {
    if !role_exists(db, &p.role).await? {
        return Err(Error::NotFound(format!("no role named {:?}", p.role)));
    }
    if p.role == ADMIN_ROLE {
        return Err(Error::BadRequest("admin bypasses every rule; give rules to other roles".into()));
    }
    let mut tx = db.begin().await?;
    let before = rule_in(&mut tx, &p.role, &p.table, p.operation).await?;
    write_permission(&mut tx, p).await?;
    let action = if before.is_some() { "update" } else { "create" };
    audit::record(&mut tx, actor, vec![permission_entry(action, p, before.as_ref(), Some(p))]).await?;
    tx.commit().await
}

/// Removes one rule.
pub(crate) async fn delete_permission(
    db: &Database,
    role: &str,
    table: &str,
    op: Operation,
    actor: &Actor,
) -> Result<()> {
    let delete = Query::delete()
        .from_table("rubbie_permissions")
        .and_where(Expr::col("role").eq(role))
        .and_where(Expr::col("table_name").eq(table))
        .and_where(Expr::col("operation").eq(op.as_str()))
        .to_owned();
    let mut tx = db.begin().await?;
    let Some(before) = rule_in(&mut tx, role, table, op).await? else {
        return Err(Error::NotFound(format!("role {role} has no {} rule on {table}", op.as_str())));
    };
    tx.execute(&delete).await?;
    audit::record(&mut tx, actor, vec![permission_entry("delete", &before, Some(&before), None)]).await?;
    tx.commit().await
}

/// The whole document.
pub(crate) async fn export(db: &Database) -> Result<PermissionsDocument> {
    let roles = roles(db).await?.into_iter().filter(|r| !r.builtin).collect();
    Ok(PermissionsDocument { version: 1, roles, permissions: permissions(db).await? })
}

/// Replaces every role and rule with the document's, in one transaction. Users keep their role
/// names; a user whose role the document lacks is refused (nothing is changed).
pub(crate) async fn import(db: &Database, doc: &PermissionsDocument, actor: &Actor) -> Result<()> {
    if doc.version != 1 {
        return Err(Error::BadRequest(format!("unsupported document version {}", doc.version)));
    }
    for role in &doc.roles {
        validate_role_name(&role.name)?;
    }
    let previous = export(db).await?;
    let mut tx = db.begin().await?;
    replace_all(&mut tx, &doc.roles, &doc.permissions).await?;
    let summary = format!("Imported {} role(s) and {} rule(s)", doc.roles.len(), doc.permissions.len());
    let entry =
        Entry::new(Category::Permission, "import", summary).object("permissions document").before(&previous).after(doc);
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await
}

/// Makes the roles and rules exactly these, inside `tx` (an import, a metadata apply). Refused
/// (409) while a user has a role that `roles` lacks.
pub(crate) async fn replace_all(tx: &mut Tx, roles: &[Role], permissions: &[Permission]) -> Result<()> {
    tx.execute(&Query::delete().from_table("rubbie_permissions").to_owned()).await?;
    tx.execute(&Query::delete().from_table("rubbie_roles").to_owned()).await?;
    for role in roles {
        tx.execute(
            &Query::insert()
                .into_table("rubbie_roles")
                .columns(["name", "description", "created_at"])
                .values_panic([role.name.as_str().into(), role.description.clone().into(), now().into()])
                .to_owned(),
        )
        .await
        .map_err(|e| e.with_columns(&["name"]))?;
    }
    for p in permissions {
        if !roles.iter().any(|r| r.name == p.role) {
            return Err(Error::BadRequest(format!("permission for unknown role {:?}", p.role)));
        }
        write_permission(tx, p).await?;
    }
    let orphans = tx
        .fetch_texts(
            &Query::select()
                .column("role")
                .from("rubbie_users")
                .and_where(Expr::col("role").ne(ADMIN_ROLE))
                .and_where(Expr::col("role").is_not_in(roles.iter().map(|r| r.name.clone())))
                .to_owned(),
        )
        .await?;
    if let Some(role) = orphans.first() {
        return Err(Error::Conflict {
            message: format!("users still have the role {role:?}, which the document lacks"),
            fields: Default::default(),
        });
    }
    Ok(())
}
