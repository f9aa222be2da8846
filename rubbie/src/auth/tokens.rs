//! Personal API tokens: created once (the secret is shown only then), listed, revoked.

use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};

use super::{AuthMethod, CurrentUser, now, password};
use crate::audit::{self, Actor, Category, Entry};
use crate::db::Database;
use crate::db::exec::Executor;
use crate::db::internal::{fetch_all, fetch_one};
use crate::error::{Error, Result};

/// A personal API token as listed (never with its secret).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiToken {
    /// Token id.
    pub id: i64,
    /// The name the user gave it.
    pub name: String,
    /// Creation time, Unix seconds.
    pub created_at: i64,
    /// Last use, Unix seconds.
    pub last_used_at: Option<i64>,
}

const FIELDS: [(&str, &str, &str); 4] = [
    ("id", "rubbie_api_tokens", "id"),
    ("name", "rubbie_api_tokens", "name"),
    ("created_at", "rubbie_api_tokens", "created_at"),
    ("last_used_at", "rubbie_api_tokens", "last_used_at"),
];

pub(crate) async fn list(db: &Database, user_id: i64) -> Result<Vec<ApiToken>> {
    let query = Query::select()
        .from("rubbie_api_tokens")
        .and_where(Expr::col("user_id").eq(user_id))
        .order_by("id", Order::Asc)
        .to_owned();
    fetch_all(db, &FIELDS, query).await
}

/// Creates a token; returns it and its secret (shown once).
pub(crate) async fn create(db: &Database, user_id: i64, name: &str, actor: &Actor) -> Result<(ApiToken, String)> {
    let name = crate::text::name(name, 190).ok_or_else(|| Error::field("name", "must be 1 to 190 characters"))?;
    let secret = format!("rbt_{}", password::random_secret());
    let created_at = now();
    let mut tx = db.begin().await?;
    let insert = Query::insert()
        .into_table("rubbie_api_tokens")
        .columns(["user_id", "name", "token_hash", "created_at"])
        .values_panic([user_id.into(), name.into(), password::secret_hash(&secret).into(), created_at.into()])
        .to_owned();
    tx.execute(&insert).await?;
    let id_query = Query::select()
        .column("id")
        .from("rubbie_api_tokens")
        .and_where(Expr::col("token_hash").eq(password::secret_hash(&secret)))
        .to_owned();
    let id = tx.fetch_integers(&id_query).await?.first().copied().ok_or_else(|| Error::internal("token vanished"))?;
    let token = ApiToken { id, name: name.to_owned(), created_at, last_used_at: None };
    let entry = Entry::new(Category::Token, "create", format!("Created API token {name:?}"))
        .object(format!("token {id}"))
        .after(serde_json::json!({"id": id, "user_id": user_id, "name": name}));
    audit::record(&mut tx, actor, vec![entry]).await?;
    tx.commit().await?;
    Ok((token, secret))
}

/// Revokes one of the user's tokens; 404 when it is not theirs.
pub(crate) async fn revoke(db: &Database, user_id: i64, id: i64, actor: &Actor) -> Result<()> {
    let mine = Expr::col("id").eq(id).and(Expr::col("user_id").eq(user_id));
    let mut tx = db.begin().await?;
    let query = Query::select().from("rubbie_api_tokens").cond_where(mine.clone()).to_owned();
    let token: ApiToken = crate::db::internal::fetch_all_in(&mut tx, db.backend(), &FIELDS, query)
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(format!("no token {id}")))?;
    tx.execute(&Query::delete().from_table("rubbie_api_tokens").cond_where(mine).to_owned()).await?;
    let entry = Entry::new(Category::Token, "delete", format!("Revoked API token {:?}", token.name))
        .object(format!("token {id}"))
        .before(serde_json::json!({"id": id, "user_id": user_id, "name": token.name}));
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
