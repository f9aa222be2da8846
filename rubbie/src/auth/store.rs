//! rubbie's users, sessions and API tokens in its own tables.

use sea_query::{Expr, ExprTrait, Query};
use serde::Deserialize;

use super::{AuthMethod, CurrentUser, now, password, sessions};
use crate::audit::{self, Actor, Category, Entry};
use crate::db::exec::Executor;
use crate::db::internal::fetch_one;
use crate::db::{Database, migrations};
use crate::error::{Error, Result};

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
    let statement: Box<crate::db::exec::Stmt> = match super::users::by_username(db, username).await? {
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

/// Creates a session and records the sign-in; returns `(secret for the cookie, csrf token)`.
pub(crate) async fn create_session(
    db: &Database,
    user_id: i64,
    ttl_secs: i64,
    actor: &Actor,
) -> Result<(String, String)> {
    let secret = password::random_secret();
    let csrf = password::random_secret();
    let t = now();
    let insert = Query::insert()
        .into_table("rubbie_sessions")
        .columns(["id", "user_id", "csrf_token", "created_at", "expires_at"])
        .values_panic([
            password::secret_hash(&secret).into(),
            user_id.into(),
            csrf.clone().into(),
            t.into(),
            (t + ttl_secs).into(),
        ])
        .to_owned();
    let mut tx = db.begin().await?;
    tx.execute(&insert).await?;
    // Old sessions are swept on sign-in so the table does not grow without bound.
    let sweep = Query::delete().from_table("rubbie_sessions").and_where(Expr::col("expires_at").lt(t)).to_owned();
    tx.execute(&sweep).await?;
    sessions::record(&mut tx, &password::secret_hash(&secret), user_id, actor).await?;
    let name = actor.username.clone().unwrap_or_default();
    let entry = Entry::new(Category::Session, "login", format!("{name} signed in")).object(name);
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await?;
    Ok((secret, csrf))
}

#[derive(Deserialize)]
struct SessionRow {
    id: i64,
    username: String,
    role: String,
    csrf_token: String,
    created_at: i64,
    last_seen_at: Option<i64>,
}

/// The active user of a session cookie secret, if the session is valid: within its absolute
/// lifetime (`expires_at`) and used within the last `idle_secs`. Notes the use, at most once a
/// minute.
pub(crate) async fn session_user(db: &Database, secret: &str, idle_secs: i64) -> Result<Option<CurrentUser>> {
    let session_id = password::secret_hash(secret);
    let query = Query::select()
        .from("rubbie_sessions")
        .inner_join("rubbie_users", Expr::col(("rubbie_users", "id")).equals(("rubbie_sessions", "user_id")))
        .left_join(
            "rubbie_session_details",
            Expr::col(("rubbie_session_details", "session_id")).equals(("rubbie_sessions", "id")),
        )
        .and_where(Expr::col(("rubbie_sessions", "id")).eq(session_id.as_str()))
        .and_where(Expr::col(("rubbie_sessions", "expires_at")).gt(now()))
        .and_where(Expr::col(("rubbie_users", "active")).eq(1))
        .to_owned();
    let fields = [
        ("id", "rubbie_users", "id"),
        ("username", "rubbie_users", "username"),
        ("role", "rubbie_users", "role"),
        ("csrf_token", "rubbie_sessions", "csrf_token"),
        ("created_at", "rubbie_sessions", "created_at"),
        ("last_seen_at", "rubbie_session_details", "last_seen_at"),
    ];
    let Some(row) = fetch_one::<SessionRow>(db, &fields, query).await? else {
        return Ok(None);
    };
    let last_seen = row.last_seen_at.unwrap_or(row.created_at);
    if now() - last_seen > idle_secs {
        return Ok(None);
    }
    // Written at most once a minute, and often enough that a short idle limit sees the use.
    if now() - last_seen >= (idle_secs / 2).clamp(1, sessions::TOUCH_EVERY_SECS) {
        sessions::touch(db, &session_id).await?;
    }
    Ok(Some(CurrentUser {
        id: row.id,
        username: row.username,
        role: row.role,
        via: AuthMethod::Session { csrf_token: row.csrf_token, session_id },
    }))
}

/// Ends a session and records the sign-out.
pub(crate) async fn delete_session(db: &Database, session_id: &str, actor: &Actor) -> Result<()> {
    let mut tx = db.begin().await?;
    tx.execute(&Query::delete().from_table("rubbie_sessions").and_where(Expr::col("id").eq(session_id)).to_owned())
        .await?;
    let name = actor.username.clone().unwrap_or_default();
    let entry = Entry::new(Category::Session, "logout", format!("{name} signed out")).object(name);
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await
}

/// Records a failed sign-in as `username` (whether or not such a user exists).
pub(crate) async fn record_failed_login(db: &Database, username: &str, actor: &Actor) -> Result<()> {
    let name: String = username.chars().take(190).collect();
    let entry = Entry::new(Category::Session, "login_failed", format!("Failed sign-in as {name}")).object(name);
    let mut tx = db.begin().await?;
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await
}

#[derive(Deserialize)]
struct TokenRow {
    token_id: i64,
    last_used_at: Option<i64>,
    id: i64,
    username: String,
    role: String,
}

/// A token's last use is written at most this often (not one write per request).
const TOUCH_EVERY_SECS: i64 = 60;

/// The active user of a personal API token, recording its use.
pub(crate) async fn token_user(db: &Database, secret: &str) -> Result<Option<CurrentUser>> {
    let query = Query::select()
        .from("rubbie_api_tokens")
        .inner_join("rubbie_users", Expr::col(("rubbie_users", "id")).equals(("rubbie_api_tokens", "user_id")))
        .and_where(Expr::col(("rubbie_api_tokens", "token_hash")).eq(password::secret_hash(secret)))
        .and_where(Expr::col(("rubbie_users", "active")).eq(1))
        .to_owned();
    let fields = [
        ("token_id", "rubbie_api_tokens", "id"),
        ("last_used_at", "rubbie_api_tokens", "last_used_at"),
        ("id", "rubbie_users", "id"),
        ("username", "rubbie_users", "username"),
        ("role", "rubbie_users", "role"),
    ];
    let Some(row) = fetch_one::<TokenRow>(db, &fields, query).await? else {
        return Ok(None);
    };
    if row.last_used_at.is_none_or(|t| now() - t >= TOUCH_EVERY_SECS) {
        let touch = Query::update()
            .table("rubbie_api_tokens")
            .value("last_used_at", now())
            .and_where(Expr::col("id").eq(row.token_id))
            .to_owned();
        db.pooled().execute(&touch).await?;
    }
    Ok(Some(CurrentUser {
        id: row.id,
        username: row.username,
        role: row.role,
        via: AuthMethod::Token { id: row.token_id },
    }))
}
