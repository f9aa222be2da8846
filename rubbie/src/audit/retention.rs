//! Retention: per category, entries older than the configured age, or beyond the configured
//! count, are deleted in the background, oldest first and in batches. Each batch moves the
//! category's seal (the hash the remaining chain starts from), so the chain stays verifiable,
//! and each prune is itself an entry. One instance prunes at a time (a lease in the database).

use std::time::Duration;

use sea_query::{Expr, ExprTrait, LockType, Order, Query};

use super::record::now_ms;
use super::{Actor, Category, Entry};
use crate::db::exec::Executor;
use crate::db::internal::fetch_all_in;
use crate::db::{Backend, Database, lease};
use crate::error::Result;
use crate::state::AppState;

/// Entries deleted per transaction.
const BATCH: u64 = 500;
/// How long one instance holds the prune lease.
const LEASE_MS: i64 = 10 * 60 * 1000;
const LEASE: &str = "audit_retention";

/// Starts the background prune, if the host configured any retention; it ends when the last
/// clone of the state (the router) is dropped.
pub(crate) fn spawn(state: &AppState) {
    let audit = &state.config.audit;
    if audit.max_age.is_empty() && audit.max_entries.is_empty() {
        return;
    }
    let every = audit.prune_every;
    let weak = state.downgrade();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let Some(state) = AppState::upgrade(&weak) else { break };
            if let Err(err) = prune(&state).await {
                tracing::warn!(error = %err, "rubbie audit retention failed; will retry");
            }
        }
    });
}

/// Prunes every category once (if this instance gets the lease); returns the entries deleted.
pub(crate) async fn prune(state: &AppState) -> Result<u64> {
    let db = state.db();
    let holder = hex::encode(rand::random::<[u8; 8]>());
    if !lease::take(db, LEASE, &holder, LEASE_MS).await? {
        return Ok(0);
    }
    let mut total = 0;
    for category in Category::ALL {
        let age = state.config.audit.max_age.get(&category).copied();
        let count = state.config.audit.max_entries.get(&category).copied();
        if age.is_none() && count.is_none() {
            continue;
        }
        let Some(through) = cutoff(db, category, age, count).await? else { continue };
        let (deleted, seal) = delete_through(db, category, through).await?;
        if deleted > 0 {
            total += deleted;
            let summary = format!("Pruned {deleted} {} entries (retention)", category.as_str());
            let entry =
                Entry::new(Category::Audit, "purge", summary).object(category.as_str()).detail(serde_json::json!({
                    "category": category.as_str(), "deleted": deleted, "through_id": through, "sealed_hash": seal,
                }));
            let mut tx = db.begin().await?;
            super::record(&mut tx, &Actor::system(state), vec![entry]).await?;
            tx.commit().await?;
        }
    }
    lease::release(db, LEASE, &holder).await?;
    Ok(total)
}

/// The newest id to delete in `category`: everything older than `age`, and everything but the
/// newest `count`.
async fn cutoff(db: &Database, category: Category, age: Option<Duration>, count: Option<u64>) -> Result<Option<i64>> {
    let base = || {
        Query::select()
            .column("id")
            .from("rubbie_audit")
            .and_where(Expr::col("category").eq(category.as_str()))
            .to_owned()
    };
    let mut through = None;
    if let Some(age) = age {
        let before = now_ms() - age.as_millis() as i64;
        let q = base().and_where(Expr::col("at").lt(before)).order_by("id", Order::Desc).limit(1).to_owned();
        through = db.pooled().fetch_integers(&q).await?.first().copied();
    }
    if let Some(count) = count {
        let q = base().order_by("id", Order::Desc).limit(1).offset(count).to_owned();
        if let Some(id) = db.pooled().fetch_integers(&q).await?.first().copied() {
            through = Some(through.map_or(id, |t: i64| Ord::max(t, id)));
        }
    }
    Ok(through)
}

#[derive(serde::Deserialize)]
struct Doomed {
    id: i64,
    hash: String,
}

/// Deletes `category`'s entries up to id `through`, a batch per transaction, moving the seal
/// along; returns how many went and the final seal.
async fn delete_through(db: &Database, category: Category, through: i64) -> Result<(u64, Option<String>)> {
    let mut deleted = 0;
    let mut seal = None;
    loop {
        let mut tx = db.begin().await?;
        let mut lock = Query::select()
            .column("last_hash")
            .from("rubbie_audit_chains")
            .and_where(Expr::col("category").eq(category.as_str()))
            .to_owned();
        if db.backend() != Backend::Sqlite {
            lock.lock(LockType::Update);
        }
        tx.fetch_texts(&lock).await?;
        let query = Query::select()
            .from("rubbie_audit")
            .and_where(Expr::col("category").eq(category.as_str()))
            .and_where(Expr::col("id").lte(through))
            .order_by("id", Order::Asc)
            .limit(BATCH)
            .to_owned();
        let fields = [("id", "rubbie_audit", "id"), ("hash", "rubbie_audit", "hash")];
        let batch: Vec<Doomed> = fetch_all_in(&mut tx, db.backend(), &fields, query).await?;
        let Some(last) = batch.last() else { break };
        let ids: Vec<i64> = batch.iter().map(|d| d.id).collect();
        tx.execute(&Query::delete().from_table("rubbie_audit").and_where(Expr::col("id").is_in(ids)).to_owned())
            .await?;
        let moved = Query::update()
            .table("rubbie_audit_chains")
            .values([("sealed_hash", last.hash.clone().into()), ("sealed_through", last.id.into())])
            .and_where(Expr::col("category").eq(category.as_str()))
            .to_owned();
        tx.execute(&moved).await?;
        tx.commit().await?;
        deleted += batch.len() as u64;
        seal = Some(last.hash.clone());
        if (batch.len() as u64) < BATCH {
            break;
        }
    }
    Ok((deleted, seal))
}
