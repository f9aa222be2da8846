//! A user's sessions beyond sign-in: where and when each was last used, the idle limit beside the
//! absolute one, and signing out one session or every other (after OWASP ASVS 5.0, V7). The
//! details live in `rubbie_session_details`, one row per session, so every instance sees them.

use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{AuthMethod, CurrentUser, now, password};
use crate::audit::{self, Actor, Category, Entry};
use crate::db::Database;
use crate::db::exec::{Executor, Tx};
use crate::db::internal::{fetch_all, fetch_one};
use crate::error::{Error, Result};

const DETAILS: &str = "rubbie_session_details";
/// A session's last use is written at most this often (not one write per request).
pub(crate) const TOUCH_EVERY_SECS: i64 = 60;
/// Characters of the session id's hash a client sees and names a session by.
const PUBLIC_ID_CHARS: usize = 16;

/// One of the user's sessions, as the Account page lists it.
#[derive(Serialize, ToSchema)]
pub struct SessionSummary {
    /// Names the session in `DELETE /api/v1/auth/sessions/{id}` (not its secret).
    pub id: String,
    /// Signed in at, Unix seconds.
    pub created_at: i64,
    /// Last request, Unix seconds (to the minute).
    pub last_seen_at: i64,
    /// Ends at the latest then (the absolute lifetime), Unix seconds.
    pub expires_at: i64,
    /// The client's address at sign-in.
    pub ip: Option<String>,
    /// The browser at sign-in.
    pub user_agent: Option<String>,
    /// The session this request came with.
    pub current: bool,
}

fn public_id(session_id: &str) -> String {
    session_id.chars().take(PUBLIC_ID_CHARS).collect()
}

/// Records where a new session signed in from (in the sign-in's transaction).
pub(crate) async fn record(tx: &mut Tx, session_id: &str, user_id: i64, actor: &Actor) -> Result<()> {
    let cut = |v: &Option<String>, n: usize| v.as_ref().map(|s| s.chars().take(n).collect::<String>());
    let insert = Query::insert()
        .into_table(DETAILS)
        .columns(["session_id", "user_id", "ip", "user_agent", "last_seen_at"])
        .values_panic([
            session_id.into(),
            user_id.into(),
            cut(&actor.ip, 64).into(),
            cut(&actor.user_agent, 400).into(),
            now().into(),
        ])
        .to_owned();
    tx.execute(&insert).await?;
    // Details of sessions that ended (expired, signed out, swept) go with them.
    let orphans = Query::delete()
        .from_table(DETAILS)
        .and_where(
            Expr::col("session_id").not_in_subquery(Query::select().column("id").from("rubbie_sessions").to_owned()),
        )
        .to_owned();
    tx.execute(&orphans).await.map(drop)
}

/// Notes a use of the session (the caller writes at most every [`TOUCH_EVERY_SECS`]).
pub(crate) async fn touch(db: &Database, session_id: &str, user_id: i64) -> Result<()> {
    let update = Query::update()
        .table(DETAILS)
        .value("last_seen_at", now())
        .and_where(Expr::col("session_id").eq(session_id))
        .to_owned();
    if db.pooled().execute(&update).await?.rows_affected > 0 {
        return Ok(());
    }
    // A session from before the details existed (internal migration 9): it gets them now, so
    // its idle time counts from here instead of from its sign-in. Two requests at once: one
    // insert wins, and the other's use is the same moment.
    let insert = Query::insert()
        .into_table(DETAILS)
        .columns(["session_id", "user_id", "last_seen_at"])
        .values_panic([session_id.into(), user_id.into(), now().into()])
        .to_owned();
    let _ = db.pooled().execute(&insert).await;
    Ok(())
}

#[derive(Deserialize)]
struct Row {
    id: String,
    created_at: i64,
    expires_at: i64,
    last_seen_at: Option<i64>,
    ip: Option<String>,
    user_agent: Option<String>,
}

/// The user's live sessions, the most recently used first.
pub(crate) async fn list(db: &Database, user_id: i64, current: Option<&str>) -> Result<Vec<SessionSummary>> {
    let query = Query::select()
        .from("rubbie_sessions")
        .left_join(DETAILS, Expr::col((DETAILS, "session_id")).equals(("rubbie_sessions", "id")))
        .and_where(Expr::col(("rubbie_sessions", "user_id")).eq(user_id))
        .and_where(Expr::col(("rubbie_sessions", "expires_at")).gt(now()))
        .order_by(("rubbie_sessions", "created_at"), Order::Desc)
        .to_owned();
    let fields = [
        ("id", "rubbie_sessions", "id"),
        ("created_at", "rubbie_sessions", "created_at"),
        ("expires_at", "rubbie_sessions", "expires_at"),
        ("last_seen_at", DETAILS, "last_seen_at"),
        ("ip", DETAILS, "ip"),
        ("user_agent", DETAILS, "user_agent"),
    ];
    let rows: Vec<Row> = fetch_all(db, &fields, query).await?;
    let mut out: Vec<SessionSummary> = rows
        .into_iter()
        .map(|r| SessionSummary {
            current: current == Some(r.id.as_str()),
            id: public_id(&r.id),
            last_seen_at: r.last_seen_at.unwrap_or(r.created_at),
            created_at: r.created_at,
            expires_at: r.expires_at,
            ip: r.ip,
            user_agent: r.user_agent,
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse((s.current, s.last_seen_at)));
    Ok(out)
}

/// Ends every session of `user_id` but `keep` (the caller's own, when it has one); returns how
/// many ended. One audit entry says so.
pub(crate) async fn sign_out_others(
    db: &Database,
    user_id: i64,
    keep: Option<&str>,
    why: &str,
    actor: &Actor,
) -> Result<u64> {
    let mut delete =
        Query::delete().from_table("rubbie_sessions").and_where(Expr::col("user_id").eq(user_id)).to_owned();
    if let Some(keep) = keep {
        delete.and_where(Expr::col("id").ne(keep));
    }
    let mut tx = db.begin().await?;
    let ended = tx.execute(&delete).await?.rows_affected;
    let name = actor.username.clone().unwrap_or_default();
    let entry = Entry::new(
        Category::Session,
        "logout",
        format!("{ended} other session(s) of user {user_id} signed out ({why})"),
    )
    .object(format!("user {user_id}"))
    .detail(serde_json::json!({"sessions": ended, "reason": why, "by": name}));
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await?;
    Ok(ended)
}

/// Ends the user's session named `id` (its public id); 404 when there is none, 409 for
/// `current` (the request's own: signing out is `POST /api/v1/auth/logout`, which also clears
/// the cookie).
pub(crate) async fn revoke(db: &Database, user_id: i64, id: &str, current: Option<&str>, actor: &Actor) -> Result<()> {
    if id.len() != PUBLIC_ID_CHARS || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::NotFound(format!("no session {id:?}")));
    }
    if current.is_some_and(|c| public_id(c) == id) {
        return Err(Error::conflict("this is the session of this request: sign out instead"));
    }
    let mut tx = db.begin().await?;
    let delete = Query::delete()
        .from_table("rubbie_sessions")
        .and_where(Expr::col("user_id").eq(user_id))
        .and_where(Expr::col("id").like(format!("{id}%")))
        .to_owned();
    if tx.execute(&delete).await?.rows_affected == 0 {
        return Err(Error::NotFound(format!("no session {id:?}")));
    }
    let entry = Entry::new(Category::Session, "logout", format!("Session {id} of user {user_id} signed out"))
        .object(format!("user {user_id}"));
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await
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
    record(&mut tx, &password::secret_hash(&secret), user_id, actor).await?;
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
    if now() - last_seen >= (idle_secs / 2).clamp(1, TOUCH_EVERY_SECS) {
        touch(db, &session_id, row.id).await?;
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
