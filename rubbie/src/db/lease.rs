//! Named leases in `rubbie_leases`: one holder at a time across every instance on the database,
//! taken when free or expired, so a crashed holder's lease runs out by itself.

use sea_query::{Expr, ExprTrait, Query};

use super::Database;
use super::exec::Executor;
use crate::audit::record::now_ms;
use crate::error::Result;

/// Takes lease `name` for `holder` for `ms` milliseconds when it is free or expired.
pub(crate) async fn take(db: &Database, name: &str, holder: &str, ms: i64) -> Result<bool> {
    let now = now_ms();
    let insert = Query::insert()
        .into_table("rubbie_leases")
        .columns(["name", "holder", "until_ms"])
        .values_panic([name.into(), "".into(), 0i64.into()])
        .on_conflict(sea_query::OnConflict::column("name").do_nothing_on(["name"]).to_owned())
        .to_owned();
    db.pooled().execute(&insert).await?;
    let take = Query::update()
        .table("rubbie_leases")
        .values([("holder", holder.into()), ("until_ms", (now + ms).into())])
        .and_where(Expr::col("name").eq(name))
        .and_where(Expr::col("until_ms").lt(now))
        .to_owned();
    Ok(db.pooled().execute(&take).await?.rows_affected == 1)
}

/// Extends `holder`'s lease by `ms` from now; false when it is no longer theirs.
pub(crate) async fn renew(db: &Database, name: &str, holder: &str, ms: i64) -> Result<bool> {
    let renew = Query::update()
        .table("rubbie_leases")
        .value("until_ms", now_ms() + ms)
        .and_where(Expr::col("name").eq(name))
        .and_where(Expr::col("holder").eq(holder))
        .to_owned();
    Ok(db.pooled().execute(&renew).await?.rows_affected == 1)
}

/// Gives `holder`'s lease up at once.
pub(crate) async fn release(db: &Database, name: &str, holder: &str) -> Result<()> {
    let release = Query::update()
        .table("rubbie_leases")
        .value("until_ms", 0i64)
        .and_where(Expr::col("name").eq(name))
        .and_where(Expr::col("holder").eq(holder))
        .to_owned();
    db.pooled().execute(&release).await.map(drop)
}

/// Whether lease `name` is held by anyone now.
pub(crate) async fn held(db: &Database, name: &str) -> Result<bool> {
    let query = Query::select()
        .expr(Expr::col("until_ms"))
        .from("rubbie_leases")
        .and_where(Expr::col("name").eq(name))
        .to_owned();
    let until = db.pooled().fetch_integers(&query).await?;
    Ok(until.first().is_some_and(|u| *u >= now_ms()))
}
