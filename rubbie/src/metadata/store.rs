//! `rubbie_table_metadata`: one row per table with overrides, as JSON. Read with the tracking
//! decisions on every schema refresh, so an edit on one instance reaches the others as fast as
//! a tracking change does.

use std::collections::{BTreeMap, HashMap};

use sea_query::{Expr, ExprTrait, LockType, OnConflict, Query};
use serde::Deserialize;

use super::overrides::{MetadataChange, TableMetadata};
use crate::audit::{self, Actor, Category, Entry};
use crate::db::exec::{Executor, Tx};
use crate::db::internal::{Field, fetch_all, fetch_all_in};
use crate::db::schema::Table;
use crate::db::{Backend, Database};
use crate::error::{Error, Result};

const TABLE: &str = "rubbie_table_metadata";
const FIELDS: [Field<'static>; 2] = [("table_name", TABLE, "table_name"), ("overrides", TABLE, "overrides")];

#[derive(Deserialize)]
struct Row {
    table_name: String,
    overrides: String,
}

/// Every table's overrides, by table name. A row that no longer reads (edited by hand) is
/// skipped with a warning: metadata never stops a table from being served.
pub(crate) async fn all(db: &Database) -> Result<HashMap<String, TableMetadata>> {
    let rows: Vec<Row> = fetch_all(db, &FIELDS, Query::select().from(TABLE).to_owned()).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| match serde_json::from_str(&row.overrides) {
            Ok(metadata) => Some((row.table_name, metadata)),
            Err(err) => {
                tracing::warn!(table = row.table_name, %err, "unreadable metadata overrides skipped");
                None
            }
        })
        .collect())
}

/// Applies `change` to the overrides of `table` (checked against its columns) and records it
/// in the audit log, in one transaction; answers with the overrides now stored.
pub(crate) async fn update(
    db: &Database,
    table: &Table,
    change: MetadataChange,
    actor: &Actor,
) -> Result<TableMetadata> {
    write(db, table, |current| current.changed(change, table), actor).await
}

/// Puts back overrides as they were (a revert), checked against the table as it is now.
pub(crate) async fn restore(db: &Database, table: &Table, overrides: TableMetadata, actor: &Actor) -> Result<()> {
    write(db, table, |current| overrides.checked(current, table), actor).await.map(drop)
}

/// Replaces the overrides of `table` with what `next` makes of the current ones, under the
/// row's lock, with the audit entry in the same transaction.
async fn write(
    db: &Database,
    table: &Table,
    next: impl FnOnce(&TableMetadata) -> Result<TableMetadata>,
    actor: &Actor,
) -> Result<TableMetadata> {
    let mut tx = db.begin().await?;
    let current = locked(&mut tx, &table.name).await?;
    let next = next(&current)?;
    let by = actor.username.clone().unwrap_or_default();
    let text = serde_json::to_string(&next).map_err(Error::internal)?;
    let row = Expr::col("table_name").eq(table.name.as_str());
    if next.is_empty() {
        tx.execute(&Query::delete().from_table(TABLE).and_where(row).to_owned()).await?;
    } else {
        let update = Query::update()
            .table(TABLE)
            .values([("overrides", text.into()), ("updated_at", crate::auth::now().into()), ("updated_by", by.into())])
            .and_where(row)
            .to_owned();
        tx.execute(&update).await?;
    }
    if next != current {
        let entry = Entry::new(Category::Metadata, "update", format!("Changed the metadata of table {}", table.name))
            .table(table.name.clone())
            .object(table.name.clone())
            .before(&current)
            .after(&next);
        audit::record(&mut tx, actor, vec![entry]).await?;
    }
    tx.commit().await?;
    Ok(next)
}

/// Makes the stored overrides exactly `overrides` (a metadata apply), inside `tx`.
pub(crate) async fn replace_all(tx: &mut Tx, overrides: &BTreeMap<String, TableMetadata>, by: &str) -> Result<()> {
    tx.execute(&Query::delete().from_table(TABLE).to_owned()).await?;
    let now = crate::auth::now();
    let rows: Vec<_> = overrides.iter().filter(|(_, m)| !m.is_empty()).collect();
    for chunk in rows.chunks(100) {
        let mut insert = Query::insert()
            .into_table(TABLE)
            .columns(["table_name", "overrides", "updated_at", "updated_by"])
            .to_owned();
        for (table, metadata) in chunk {
            let text = serde_json::to_string(metadata).map_err(Error::internal)?;
            insert.values_panic([table.as_str().into(), text.into(), now.into(), by.into()]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// The table's overrides, its row locked for this transaction. The row is created (empty)
/// first when missing: inserting before the locking read makes two first edits of one table
/// wait for each other, where a locking read of a missing row would take gap locks on MySQL
/// that both then block each other's insert on (a deadlock).
async fn locked(tx: &mut Tx, table: &str) -> Result<TableMetadata> {
    let backend = tx.backend();
    let create = Query::insert()
        .into_table(TABLE)
        .columns(["table_name", "overrides", "updated_at"])
        .values_panic([table.into(), "{}".into(), crate::auth::now().into()])
        .on_conflict(OnConflict::column("table_name").do_nothing_on(["table_name"]).to_owned())
        .to_owned();
    tx.execute(&create).await?;
    let mut select = Query::select().from(TABLE).and_where(Expr::col("table_name").eq(table)).to_owned();
    // SQLite write transactions are already exclusive (BEGIN IMMEDIATE).
    if backend != Backend::Sqlite {
        select.lock(LockType::Update);
    }
    let rows: Vec<Row> = fetch_all_in(tx, backend, &FIELDS, select).await?;
    let row = rows.into_iter().next().ok_or_else(|| Error::internal("metadata row missing"))?;
    // A row edited by hand into something unreadable is replaced by the change.
    Ok(serde_json::from_str(&row.overrides).unwrap_or_default())
}
