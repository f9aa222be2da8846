//! rubbie's users: list, create, disable, reset password, assign a role. At least one active
//! admin always remains.

use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{now, password};
use crate::audit::{self, Actor, Category, Entry};
use crate::db::Database;
use crate::db::exec::{Executor, Tx};
use crate::db::internal::{Field, fetch_all, fetch_all_in, fetch_one};
use crate::db::migrations;
use crate::error::{Error, Result};
use crate::permissions::{ADMIN_ROLE, store as roles};

/// A user as listed (never with the password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Role name.
    pub role: String,
    /// Disabled users cannot sign in, and their sessions and tokens stop working.
    pub active: bool,
    /// Created, Unix seconds.
    pub created_at: i64,
    /// Who signs the user in: rubbie (a password) or the host application
    /// (`Config::authenticate`), which also sets the role.
    pub managed_by: ManagedBy,
}

/// Who signs a user in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ManagedBy {
    /// rubbie's own sign-in, with a password.
    Rubbie,
    /// The host's authentication hook; the row is created on first sight.
    Host,
}

/// A `rubbie_users` row as stored: the one shape every module reads users in.
#[derive(Clone, Deserialize)]
pub(crate) struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub active: i64,
    pub created_at: i64,
    pub managed_by: ManagedBy,
}

const FIELDS: [Field<'static>; 7] = [
    ("id", "rubbie_users", "id"),
    ("username", "rubbie_users", "username"),
    ("password_hash", "rubbie_users", "password_hash"),
    ("role", "rubbie_users", "role"),
    ("active", "rubbie_users", "active"),
    ("created_at", "rubbie_users", "created_at"),
    ("managed_by", "rubbie_users", "managed_by"),
];

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            username: r.username,
            role: r.role,
            active: r.active != 0,
            created_at: r.created_at,
            managed_by: r.managed_by,
        }
    }
}

/// The user named `username`, if any.
pub(crate) async fn by_username(db: &Database, username: &str) -> Result<Option<UserRow>> {
    let query = Query::select().from("rubbie_users").and_where(Expr::col("username").eq(username)).to_owned();
    fetch_one(db, &FIELDS, query).await
}

/// The user named `username` as the transaction sees it.
pub(crate) async fn by_username_in(tx: &mut Tx, username: &str) -> Result<Option<UserRow>> {
    let query = Query::select().from("rubbie_users").and_where(Expr::col("username").eq(username)).to_owned();
    let backend = tx.backend();
    Ok(fetch_all_in(tx, backend, &FIELDS, query).await?.into_iter().next())
}

/// What may change on a user.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct UserChange {
    /// New role.
    pub role: Option<String>,
    /// Enable or disable.
    pub active: Option<bool>,
    /// New password: 8 to 1,024 characters, not a common password, not the user name. Signs out
    /// every session of the user (but the admin's own, when resetting their own password).
    #[schema(min_length = 8, max_length = 1024)]
    pub password: Option<String>,
}

async fn check_role(db: &Database, role: &str) -> Result<()> {
    if !roles::role_exists(db, role).await? {
        // well-formed, but nothing by that name exists now: a conflict with the state, not a bad field
        return Err(Error::conflict(format!("role: no role named {role:?}")));
    }
    Ok(())
}

/// Every user's id by username, as the transaction sees them (to store what a document names
/// by username).
pub(crate) async fn ids_in(tx: &mut Tx) -> Result<std::collections::HashMap<String, i64>> {
    #[derive(Deserialize)]
    struct Id {
        id: i64,
        username: String,
    }
    const FIELDS: [Field<'static>; 2] = [("id", "rubbie_users", "id"), ("username", "rubbie_users", "username")];
    let backend = tx.backend();
    let rows: Vec<Id> = fetch_all_in(tx, backend, &FIELDS, Query::select().from("rubbie_users").to_owned()).await?;
    Ok(rows.into_iter().map(|r| (r.username, r.id)).collect())
}

pub(crate) async fn list(db: &Database) -> Result<Vec<User>> {
    let rows: Vec<UserRow> =
        fetch_all(db, &FIELDS, Query::select().from("rubbie_users").order_by("id", Order::Asc).to_owned()).await?;
    Ok(rows.into_iter().map(User::from).collect())
}

pub(crate) async fn get(db: &Database, id: i64) -> Result<User> {
    let row: Option<UserRow> =
        fetch_one(db, &FIELDS, Query::select().from("rubbie_users").and_where(Expr::col("id").eq(id)).to_owned())
            .await?;
    row.map(User::from).ok_or_else(|| Error::NotFound(format!("no user {id}")))
}

/// The user `id` as the transaction sees it.
async fn get_in(tx: &mut Tx, id: i64) -> Result<User> {
    let query = Query::select().from("rubbie_users").and_where(Expr::col("id").eq(id)).to_owned();
    let backend = tx.backend();
    let row: Option<UserRow> = fetch_all_in(tx, backend, &FIELDS, query).await?.into_iter().next();
    row.map(User::from).ok_or_else(|| Error::NotFound(format!("no user {id}")))
}

fn entry(action: &'static str, summary: String, user: &User) -> Entry {
    Entry::new(Category::User, action, summary).object(format!("user {}", user.id))
}

pub(crate) async fn create(db: &Database, username: &str, password: &str, role: &str, actor: &Actor) -> Result<User> {
    let username =
        crate::text::name(username, 190).ok_or_else(|| Error::field("username", "must be 1 to 190 characters"))?;
    super::password_policy::check("password", password, Some(username))?;
    check_role(db, role).await?;
    let hash = password::hash(password)?;
    let insert = Query::insert()
        .into_table("rubbie_users")
        .columns(["username", "password_hash", "role", "active", "created_at"])
        .values_panic([username.into(), hash.into(), role.into(), 1i64.into(), now().into()])
        .to_owned();
    let mut tx = db.begin().await?;
    tx.execute(&insert).await.map_err(|e| e.with_columns(&["username"]))?;
    let user = by_username_in(&mut tx, username)
        .await?
        .map(User::from)
        .ok_or_else(|| Error::internal("created user not found"))?;
    let entry = entry("create", format!("Created user {} ({})", user.username, user.role), &user).after(&user);
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await?;
    Ok(user)
}

/// How many active admins there are besides `except`.
async fn other_active_admins(db: &Database, except: i64) -> Result<i64> {
    let query = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from("rubbie_users")
        .and_where(Expr::col("role").eq(ADMIN_ROLE))
        .and_where(Expr::col("active").eq(1))
        .and_where(Expr::col("id").ne(except))
        .to_owned();
    Ok(db.pooled().fetch_integers(&query).await?.first().copied().unwrap_or(0))
}

fn last_admin() -> Error {
    Error::Conflict { message: "at least one active admin must remain".into(), fields: Default::default() }
}

pub(crate) async fn update(db: &Database, id: i64, change: UserChange, actor: &Actor) -> Result<User> {
    let user = get(db, id).await?;
    if user.managed_by == ManagedBy::Host && (change.role.is_some() || change.password.is_some()) {
        return Err(Error::conflict(format!(
            "{} is signed in by the host application, which sets their role and has their password",
            user.username
        )));
    }
    if let Some(role) = &change.role {
        check_role(db, role).await?;
    }
    if let Some(password) = &change.password {
        super::password_policy::check("password", password, Some(&user.username))?;
    }
    let stays_admin =
        change.role.as_deref().unwrap_or(&user.role) == ADMIN_ROLE && change.active.unwrap_or(user.active);
    if user.role == ADMIN_ROLE && user.active && !stays_admin && other_active_admins(db, id).await? == 0 {
        return Err(last_admin());
    }
    let mut update = Query::update().table("rubbie_users").and_where(Expr::col("id").eq(id)).to_owned();
    if let Some(role) = change.role {
        update.value("role", role);
    }
    if let Some(active) = change.active {
        update.value("active", i64::from(active));
    }
    let password_changed = change.password.is_some();
    if let Some(password) = change.password {
        update.value("password_hash", password::hash(&password)?);
    }
    if update.get_values().is_empty() {
        return Ok(user);
    }
    let mut tx = db.begin().await?;
    let before = get_in(&mut tx, id).await?;
    tx.execute(&update).await?;
    let after = get_in(&mut tx, id).await?;
    let mut entry = entry("update", format!("Changed user {}", after.username), &after).before(&before).after(&after);
    if password_changed {
        entry = entry.detail(serde_json::json!({"password_changed": true}));
        entry.summary = format!("Changed user {} (password reset)", after.username);
    }
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn delete(db: &Database, id: i64, actor: &Actor) -> Result<()> {
    let user = get(db, id).await?;
    if user.role == ADMIN_ROLE && user.active && other_active_admins(db, id).await? == 0 {
        return Err(last_admin());
    }
    let mut tx = db.begin().await?;
    // MySQL ignores inline REFERENCES ... ON DELETE CASCADE: remove what belongs to the user.
    for table in ["rubbie_sessions", "rubbie_session_details", "rubbie_api_tokens", "rubbie_explorer_requests"] {
        tx.execute(&Query::delete().from_table(table).and_where(Expr::col("user_id").eq(id)).to_owned()).await?;
    }
    tx.execute(&Query::delete().from_table("rubbie_users").and_where(Expr::col("id").eq(id)).to_owned()).await?;
    let entry = entry("delete", format!("Deleted user {}", user.username), &user).before(&user);
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await
}

/// The user's own password change (checked by the caller): the new hash and its audit entry.
pub(crate) async fn set_password(db: &Database, id: i64, password: &str, actor: &Actor) -> Result<()> {
    let update = Query::update()
        .table("rubbie_users")
        .value("password_hash", password::hash(password)?)
        .and_where(Expr::col("id").eq(id))
        .to_owned();
    let mut tx = db.begin().await?;
    let user = get_in(&mut tx, id).await?;
    tx.execute(&update).await?;
    let entry = entry("update", format!("{} changed their password", user.username), &user)
        .detail(serde_json::json!({"password_changed": true}));
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await
}

/// Adds the user the host's authentication named for the first time (no password: only the
/// host signs them in). Two first requests at once: one insert wins, both get its row.
pub(crate) async fn create_host_user(db: &Database, username: &str, role: &str, actor: &Actor) -> Result<UserRow> {
    let insert = Query::insert()
        .into_table("rubbie_users")
        .columns(["username", "password_hash", "role", "active", "created_at", "managed_by"])
        .values_panic([username.into(), "".into(), role.into(), 1i64.into(), now().into(), "host".into()])
        .to_owned();
    let mut tx = db.begin().await?;
    if let Err(err) = tx.execute(&insert).await {
        drop(tx);
        return by_username(db, username).await?.ok_or(err);
    }
    let row = by_username_in(&mut tx, username).await?.ok_or_else(|| Error::internal("created user not found"))?;
    let user = User::from(row.clone());
    let entry =
        entry("create", format!("{} first signed in through the host ({role})", user.username), &user).after(&user);
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await?;
    Ok(row)
}

/// Follows the role the host's authentication now gives a user it signs in.
pub(crate) async fn set_host_role(db: &Database, id: i64, role: &str, actor: &Actor) -> Result<()> {
    let update = Query::update()
        .table("rubbie_users")
        .value("role", role)
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("managed_by").eq("host"))
        .to_owned();
    let mut tx = db.begin().await?;
    let before = get_in(&mut tx, id).await?;
    tx.execute(&update).await?;
    let after = get_in(&mut tx, id).await?;
    let summary = format!("The host signed {} in as {role} (was {})", after.username, before.role);
    audit::record(&mut tx, actor, vec![entry("update", summary, &after).before(&before).after(&after)]).await?;
    tx.commit().await
}

/// How many users exist (the demo creates a first admin when there are none).
pub async fn user_count(db: &Database) -> Result<i64> {
    migrations::run(db).await?;
    let n = db
        .pooled()
        .fetch_integers(&Query::select().expr(Expr::cust("COUNT(*)")).from("rubbie_users").to_owned())
        .await?;
    Ok(n.first().copied().unwrap_or(0))
}

/// Makes sure an active admin `username` exists with this password (creating rubbie's tables
/// first if needed). Used by hosts to bootstrap the first sign-in.
pub async fn create_or_update_admin(db: &Database, username: &str, password: &str) -> Result<()> {
    migrations::run(db).await?;
    if username.trim().is_empty() || password.is_empty() {
        return Err(Error::BadRequest("admin username and password must not be empty".into()));
    }
    let hash = password::hash(password)?;
    let statement: Box<crate::db::exec::Stmt> = match by_username(db, username).await? {
        Some(user) => Box::new(
            Query::update()
                .table("rubbie_users")
                .values([("password_hash", hash.into()), ("role", "admin".into()), ("active", 1i64.into())])
                .and_where(Expr::col("id").eq(user.id))
                .to_owned(),
        ),
        None => Box::new(
            Query::insert()
                .into_table("rubbie_users")
                .columns(["username", "password_hash", "role", "active", "created_at"])
                .values_panic([username.into(), hash.into(), "admin".into(), 1i64.into(), now().into()])
                .to_owned(),
        ),
    };
    db.pooled().execute(statement.as_ref()).await?;
    Ok(())
}
