//! Secrets rubbie makes for itself (the key of host identities' CSRF tokens), kept in
//! `rubbie_secrets` so that every instance of a host on the same database uses the same one.

use sea_query::{Expr, ExprTrait, Query};
use serde::Deserialize;

use super::Database;
use super::exec::Executor;
use super::internal::fetch_one;
use crate::error::{Error, Result};

#[derive(Deserialize)]
struct SecretRow {
    value: String,
}

/// The secret named `name`, made (256 random bits) the first time any instance asks. Two
/// instances asking at once both insert; one insert fails on the primary key and both read
/// the winner's.
pub(crate) async fn shared(db: &Database, name: &str) -> Result<Vec<u8>> {
    if let Some(found) = read(db, name).await? {
        return Ok(found);
    }
    let insert = Query::insert()
        .into_table("rubbie_secrets")
        .columns(["name", "value", "created_at"])
        .values_panic([name.into(), hex::encode(rand::random::<[u8; 32]>()).into(), crate::auth::now().into()])
        .to_owned();
    let inserted = db.pooled().execute(&insert).await;
    match read(db, name).await? {
        Some(found) => Ok(found),
        None => Err(inserted.err().unwrap_or_else(|| Error::internal(format!("secret {name} not stored")))),
    }
}

async fn read(db: &Database, name: &str) -> Result<Option<Vec<u8>>> {
    let query = Query::select().from("rubbie_secrets").and_where(Expr::col("name").eq(name)).to_owned();
    let row: Option<SecretRow> = fetch_one(db, &[("value", "rubbie_secrets", "value")], query).await?;
    row.map(|r| hex::decode(r.value).map_err(Error::internal)).transpose()
}
