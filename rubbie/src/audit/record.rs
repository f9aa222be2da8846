//! Writing entries inside the caller's transaction: the category's chain row is locked (so
//! entries of one category are appended one writer at a time, in id order), the entries are
//! hashed onto the chain and inserted in batches, and the chain's head moves on. If any of it
//! fails, the caller's transaction fails with it, and the change never happens.

use sea_query::{CommonTableExpression, Expr, ExprTrait, LockType, OnConflict, Query, WithClause};
use sha2::{Digest, Sha256};

use super::chain::{GENESIS, Sealed};
use super::{Actor, Category, Entry, changed_keys};
use crate::db::exec::{Executor, Tx};
use crate::db::{Backend, Database};
use crate::error::{Error, Result};

/// Entries per INSERT: 24 values each stays under every backend's bind-parameter limit.
const ROWS_PER_INSERT: usize = 500;

/// Longest `summary` and `object` stored (the columns' sizes); longer text is cut.
const MAX_SUMMARY: usize = 400;

/// Appends `entries`, written by `actor`, to the log inside `tx`.
pub(crate) async fn record(tx: &mut Tx, actor: &Actor, mut entries: Vec<Entry>) -> Result<()> {
    entries.retain(|e| e.category != Category::Row || e.table.as_deref().is_none_or(|t| actor.audits_rows_of(t)));
    if entries.is_empty() {
        return Ok(());
    }
    let at = now_ms();
    // Chains are locked in one fixed order, so two writers never wait on each other in a circle.
    for category in Category::ALL {
        let mine: Vec<&Entry> = entries.iter().filter(|e| e.category == category).collect();
        if mine.is_empty() {
            continue;
        }
        let mut prev = lock_chain(tx, category).await?;
        let mut rows = Vec::with_capacity(mine.len());
        for entry in mine {
            let sealed = sealed(actor, at, entry)?;
            let hash = sealed.hash(&prev, actor.seal_key.as_deref());
            let target = entry.row_key.as_ref().map(|k| target_hash(entry.table.as_deref().unwrap_or(""), k));
            rows.push((sealed, std::mem::replace(&mut prev, hash.clone()), hash, target));
        }
        let head = Query::update()
            .table("rubbie_audit_chains")
            .value("last_hash", prev)
            .value("changes", Expr::col("changes").add(rows.len() as i64))
            .and_where(Expr::col("category").eq(category.as_str()))
            .to_owned();
        let chunks: Vec<_> = rows.chunks(ROWS_PER_INSERT).collect();
        for (i, chunk) in chunks.iter().enumerate() {
            let mut insert = insert(chunk)?;
            // PostgreSQL moves the head in the same statement as the last INSERT (one round trip less).
            if i + 1 == chunks.len() && tx.backend() == Backend::Postgres {
                let cte = CommonTableExpression::new().query(head.clone()).table_name("rubbie_head").to_owned();
                insert.with_cte(WithClause::new().cte(cte).to_owned());
            }
            tx.execute(&insert).await?;
        }
        if tx.backend() != Backend::Postgres {
            tx.execute(&head).await?;
        }
    }
    Ok(())
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// What `rubbie_audit.target_hash` holds for a row: one indexed value for "this row's history".
pub(crate) fn target_hash(table: &str, row_key: &str) -> String {
    let mut digest = Sha256::new();
    digest.update(table.as_bytes());
    digest.update([0]);
    digest.update(row_key.as_bytes());
    hex::encode(digest.finalize())
}

/// Locks `category`'s chain row and returns the hash to link to.
async fn lock_chain(tx: &mut Tx, category: Category) -> Result<String> {
    let backend = tx.backend();
    let mut select = Query::select()
        .column("last_hash")
        .from("rubbie_audit_chains")
        .and_where(Expr::col("category").eq(category.as_str()))
        .to_owned();
    // SQLite write transactions are already exclusive (BEGIN IMMEDIATE).
    if backend != Backend::Sqlite {
        select.lock(LockType::Update);
    }
    if let Some(hash) = tx.fetch_text(&select).await? {
        return Ok(hash);
    }
    // Only when a row was deleted by hand since start-up: create it again (start-up creates
    // every category's, so two first writers never race here and deadlock on MySQL's gap locks).
    tx.execute(&create_chain(category)).await?;
    tx.fetch_text(&select).await?.ok_or_else(|| Error::internal("audit chain row missing"))
}

/// How many entries `categories` have had, summed: a counter that moves with every change to
/// what they cover.
pub(crate) async fn changes_of(exec: &mut impl Executor, categories: &[Category]) -> Result<i64> {
    let mut total = 0;
    for select in counters(categories, false) {
        total += exec.fetch_integers(&select).await?.first().copied().unwrap_or(0);
    }
    Ok(total)
}

/// [`changes_of`] with the chain rows locked for the rest of `tx` (one by one, in the order
/// [`record`] locks them), so no entry of theirs is written until it ends.
pub(crate) async fn lock_changes_of(tx: &mut Tx, categories: &[Category]) -> Result<i64> {
    // SQLite write transactions are already exclusive (BEGIN IMMEDIATE).
    let lock = tx.backend() != Backend::Sqlite;
    let mut total = 0;
    for select in counters(categories, lock) {
        total += tx.fetch_integers(&select).await?.first().copied().unwrap_or(0);
    }
    Ok(total)
}

fn counters(categories: &[Category], lock: bool) -> Vec<sea_query::SelectStatement> {
    let select = |category: Category| {
        let mut select = Query::select()
            .column("changes")
            .from("rubbie_audit_chains")
            .and_where(Expr::col("category").eq(category.as_str()))
            .to_owned();
        if lock {
            select.lock(LockType::Update);
        }
        select
    };
    Category::ALL.into_iter().filter(|c| categories.contains(c)).map(select).collect()
}

/// The chain row of `category`, created unless it exists.
fn create_chain(category: Category) -> sea_query::InsertStatement {
    Query::insert()
        .into_table("rubbie_audit_chains")
        .columns(["category", "last_hash", "sealed_hash", "sealed_through"])
        .values_panic([category.as_str().into(), GENESIS.into(), GENESIS.into(), 0i64.into()])
        .on_conflict(OnConflict::column("category").do_nothing_on(["category"]).to_owned())
        .to_owned()
}

/// Creates every category's chain row (at start-up, before any write).
pub(crate) async fn create_chains(db: &Database) -> Result<()> {
    for category in Category::ALL {
        db.pooled().execute(&create_chain(category)).await?;
    }
    Ok(())
}

fn sealed(actor: &Actor, at: i64, entry: &Entry) -> Result<Sealed> {
    let text = |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string());
    let changed = entry.changed.clone().unwrap_or_else(|| changed_keys(entry.before.as_ref(), entry.after.as_ref()));
    let changed =
        if changed.is_empty() { None } else { Some(serde_json::to_string(&changed).map_err(Error::internal)?) };
    Ok(Sealed {
        at,
        category: entry.category.as_str().to_owned(),
        action: entry.action.to_owned(),
        user_id: actor.user_id,
        username: actor.username.clone(),
        role: actor.role.clone(),
        via: actor.via.to_owned(),
        token_id: actor.token_id,
        view_as: actor.view_as.clone(),
        ip: actor.ip.clone(),
        user_agent: actor.user_agent.clone(),
        request_id: actor.request_id.clone(),
        table_name: entry.table.clone(),
        row_key: entry.row_key.clone(),
        object: entry.object.as_ref().map(|o| cut(o, MAX_SUMMARY)),
        before_json: text(&entry.before),
        after_json: text(&entry.after),
        changed,
        summary: cut(&entry.summary, MAX_SUMMARY),
        detail: text(&entry.detail),
        reverts_id: entry.reverts_id.or(actor.reverting),
    })
}

pub(crate) fn cut(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

fn insert(rows: &[(Sealed, String, String, Option<String>)]) -> Result<sea_query::InsertStatement> {
    let mut insert = Query::insert().into_table("rubbie_audit").to_owned();
    insert.columns(Sealed::COLUMNS.into_iter().chain(["prev_hash", "hash", "target_hash"]));
    for (s, prev, hash, target) in rows {
        let values: Vec<Expr> = vec![
            s.at.into(),
            s.category.clone().into(),
            s.action.clone().into(),
            s.user_id.into(),
            s.username.clone().into(),
            s.role.clone().into(),
            s.via.clone().into(),
            s.token_id.into(),
            s.view_as.clone().into(),
            s.ip.clone().into(),
            s.user_agent.clone().into(),
            s.request_id.clone().into(),
            s.table_name.clone().into(),
            s.row_key.clone().into(),
            s.object.clone().into(),
            s.before_json.clone().into(),
            s.after_json.clone().into(),
            s.changed.clone().into(),
            s.summary.clone().into(),
            s.detail.clone().into(),
            s.reverts_id.into(),
            prev.clone().into(),
            hash.clone().into(),
            target.clone().into(),
        ];
        insert.values(values).map_err(Error::internal)?;
    }
    Ok(insert)
}
