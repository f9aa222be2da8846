//! Which of the database's tables rubbie serves. A table registered by a model is tracked; any
//! other table only when `Config::track_introspected` says so. An admin's track/untrack in the
//! console overrides both and is kept in `rubbie_tracked_tables`, like Hasura's tracking.

use std::collections::HashMap;

use sea_query::{Expr, ExprTrait, Query};
use serde::Deserialize;

use crate::audit::{self, Actor, Category, Entry};
use crate::db::Database;
use crate::db::exec::{Executor, Tx};
use crate::db::internal::{Field, fetch_all};
use crate::db::schema::{Schema, TableSource};
use crate::error::Result;

const TABLE: &str = "rubbie_tracked_tables";

#[derive(Deserialize)]
struct Decision {
    table_name: String,
    tracked: i64,
}

/// The admins' decisions: table name → tracked.
pub(crate) async fn decisions(db: &Database) -> Result<HashMap<String, bool>> {
    const FIELDS: [Field<'static>; 2] = [("table_name", TABLE, "table_name"), ("tracked", TABLE, "tracked")];
    let rows: Vec<Decision> = fetch_all(db, &FIELDS, Query::select().from(TABLE).to_owned()).await?;
    Ok(rows.into_iter().map(|d| (d.table_name, d.tracked != 0)).collect())
}

/// Records that `table` is (or is not) tracked, replacing an earlier decision.
pub(crate) async fn set(db: &Database, table: &str, tracked: bool, actor: &Actor) -> Result<()> {
    set_many(db, &[table.to_owned()], tracked, actor).await
}

/// Records one decision for many tables in one transaction (all or nothing), a few hundred
/// rows per statement.
pub(crate) async fn set_many(db: &Database, tables: &[String], tracked: bool, actor: &Actor) -> Result<()> {
    let by = actor.username.clone().unwrap_or_default();
    let earlier = decisions(db).await?;
    let mut tx = db.begin().await?;
    let now = crate::auth::now();
    let (action, verb) = if tracked { ("track", "Tracked") } else { ("untrack", "Untracked") };
    let entries = tables
        .iter()
        .map(|t| {
            Entry::new(Category::Tracking, action, format!("{verb} table {t}"))
                .table(t.clone())
                .object(t.clone())
                .before(earlier.get(t).map(|d| serde_json::json!({"tracked": d})))
                .after(serde_json::json!({"tracked": tracked}))
        })
        .collect();
    for chunk in tables.chunks(200) {
        tx.execute(&Query::delete().from_table(TABLE).and_where(Expr::col("table_name").is_in(chunk)).to_owned())
            .await?;
        let mut insert =
            Query::insert().into_table(TABLE).columns(["table_name", "tracked", "updated_at", "updated_by"]).to_owned();
        for table in chunk {
            insert.values_panic([table.into(), i64::from(tracked).into(), now.into(), by.as_str().into()]);
        }
        tx.execute(&insert).await?;
    }
    audit::record(&mut tx, actor, entries).await?;
    tx.commit().await
}

/// Makes the decisions exactly `decisions` (a metadata apply), inside `tx`.
pub(crate) async fn replace_all(tx: &mut Tx, decisions: &[(String, bool)], by: &str) -> Result<()> {
    tx.execute(&Query::delete().from_table(TABLE).to_owned()).await?;
    let now = crate::auth::now();
    for chunk in decisions.chunks(200) {
        let mut insert =
            Query::insert().into_table(TABLE).columns(["table_name", "tracked", "updated_at", "updated_by"]).to_owned();
        for (table, tracked) in chunk {
            insert.values_panic([table.into(), i64::from(*tracked).into(), now.into(), by.into()]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// Splits the introspected schema into tracked and untracked tables. Tracked tables lose their
/// relations to untracked ones, so nothing in rubbie reaches an untracked table through them.
pub(crate) fn apply(all: Schema, decisions: &HashMap<String, bool>, track_introspected: bool) -> Schema {
    let (mut tables, untracked): (Vec<_>, Vec<_>) = all
        .tables
        .into_iter()
        .partition(|t| decisions.get(&t.name).copied().unwrap_or(t.source == TableSource::Model || track_introspected));
    let names: std::collections::HashSet<String> = tables.iter().map(|t| t.name.clone()).collect();
    for table in &mut tables {
        table.foreign_keys.retain(|fk| names.contains(&fk.references_table));
        table.referenced_by.retain(|fk| names.contains(&fk.references_table));
        for column in &mut table.columns {
            if column.references.as_ref().is_some_and(|r| !names.contains(&r.table)) {
                column.references = None;
            }
        }
    }
    Schema { tables, untracked }
}
