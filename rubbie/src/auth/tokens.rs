//! Personal API tokens: created once (the secret is shown only then), listed, revoked.

use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};

use super::{now, password};
use crate::db::Database;
use crate::db::exec::Executor;
use crate::db::internal::fetch_all;
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
pub(crate) async fn create(db: &Database, user_id: i64, name: &str) -> Result<(ApiToken, String)> {
    let name = name.trim();
    if name.is_empty() || name.len() > 190 {
        return Err(Error::field("name", "must be 1 to 190 characters"));
    }
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
    tx.commit().await?;
    Ok((ApiToken { id, name: name.to_owned(), created_at, last_used_at: None }, secret))
}

/// Revokes one of the user's tokens; 404 when it is not theirs.
pub(crate) async fn revoke(db: &Database, user_id: i64, id: i64) -> Result<()> {
    let delete = Query::delete()
        .from_table("rubbie_api_tokens")
        .and_where(Expr::col("id").eq(id))
        .and_where(Expr::col("user_id").eq(user_id))
        .to_owned();
    match db.pooled().execute(&delete).await?.rows_affected {
        0 => Err(Error::NotFound(format!("no token {id}"))),
        _ => Ok(()),
    }
}
