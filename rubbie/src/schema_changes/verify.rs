//! The down SQL tried before it is needed (SQLite and PostgreSQL, whose DDL is transactional):
//! up, then down, inside one transaction that is rolled back, and the schema read at both ends
//! compared. Up failing here is the change failing: refused before any file or run exists.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::plan::Plan;
use crate::db::Database;
use crate::db::introspect::introspect_in;
use crate::db::schema::{Schema, Table};
use crate::error::{Error, Result};

/// How long the trial may run on PostgreSQL, and wait for a lock: it takes the locks the
/// change takes (a type change rewrites the table), on a database others may be using.
const TRIAL_MS: u64 = 10_000;
const TRIAL_LOCK_MS: u64 = 2_000;

/// What differs after up and down, one line per table (empty: the schema came back exactly);
/// `None` when PostgreSQL stopped the trial at its time or lock limit.
pub(crate) async fn round_trip(db: &Database, plan: &Plan) -> Result<Option<Vec<String>>> {
    let mut tx = db.begin().await?;
    match db.backend() {
        // a rebuild drops a referenced table for a moment: its keys are checked at the end,
        // by the plan's own guard, as in the migration (where they are off)
        crate::db::Backend::Sqlite => tx.execute_generated("PRAGMA defer_foreign_keys = ON").await?,
        crate::db::Backend::Postgres => {
            tx.execute_generated(&format!("SET LOCAL statement_timeout = {TRIAL_MS}")).await?;
            tx.execute_generated(&format!("SET LOCAL lock_timeout = {TRIAL_LOCK_MS}")).await?;
        }
        crate::db::Backend::Mysql => {}
    }
    let outcome = trial(&mut tx, plan).await;
    if db.backend() == crate::db::Backend::Sqlite {
        // a pragma outlives the transaction, on a pooled connection: a trial that stopped
        // between a rebuild's two must not leave the legacy rename on
        let _ = tx.execute_generated("PRAGMA legacy_alter_table = OFF").await;
    }
    match outcome {
        Err(Error::Database(e)) if super::facts::cancelled(&e) => Ok(None),
        other => other.map(Some),
    }
}

async fn trial(tx: &mut crate::db::exec::Tx, plan: &Plan) -> Result<Vec<String>> {
    let before = introspect_in(tx).await?;
    for statement in &plan.up {
        tx.execute_generated(statement).await.map_err(|e| failed("the change", statement, e))?;
    }
    for statement in &plan.down {
        tx.execute_generated(statement).await.map_err(|e| failed("its rollback", statement, e))?;
    }
    let after = introspect_in(tx).await?;
    Ok(differences(&before, &after)) // the caller drops the transaction: rolled back
}

/// A statement the database refused, as a 409 with the database's own words (one it stopped
/// at the trial's limits stays as it is: the trial did not finish).
fn failed(what: &str, statement: &str, err: Error) -> Error {
    match err {
        Error::Database(e) if !super::facts::cancelled(&e) => {
            let why = e.as_database_error().map_or_else(|| e.to_string(), |d| d.message().to_owned());
            Error::conflict(format!("{what} fails on this database: {why} (in: {statement})"))
        }
        other => other,
    }
}

/// The tables whose shape differs, by name.
fn differences(before: &Schema, after: &Schema) -> Vec<String> {
    let shapes = |s: &Schema| -> BTreeMap<String, Value> {
        s.tables.iter().chain(&s.untracked).map(|t| (t.name.clone(), shape(t))).collect()
    };
    let (a, b) = (shapes(before), shapes(after));
    let mut found = Vec::new();
    for (name, shape) in &a {
        match b.get(name) {
            None => found.push(format!("table {name} (it is gone)")),
            Some(other) if other != shape => {
                let parts = ["columns", "primary_key", "foreign_keys", "indexes", "checks"];
                let which: Vec<&str> = parts.into_iter().filter(|p| shape[p] != other[p]).collect();
                found.push(format!("table {name} ({} differ)", which.join(", ")));
            }
            Some(_) => {}
        }
    }
    found.extend(b.keys().filter(|n| !a.contains_key(*n)).map(|n| format!("table {n} (it is left behind)")));
    found
}

/// What a table is, for the comparison: columns by name (a column dropped and added back comes
/// last, which is no difference that matters), keys without the names SQLite makes up.
fn shape(t: &Table) -> Value {
    let mut columns: Vec<Value> = t
        .columns
        .iter()
        .map(|c| json!([c.name, c.db_type.to_ascii_lowercase(), c.nullable, c.default, c.primary_key]))
        .collect();
    columns.sort_by_key(|c| c[0].as_str().unwrap_or_default().to_owned());
    let mut keys: Vec<Value> = t
        .foreign_keys
        .iter()
        .map(|k| json!([k.columns, k.references_table, k.references_columns, k.on_delete, k.on_update]))
        .collect();
    keys.sort_by_key(Value::to_string);
    let mut indexes: Vec<Value> = t.indexes.iter().map(|i| json!([i.name, i.columns, i.unique])).collect();
    indexes.sort_by_key(Value::to_string);
    let mut checks: Vec<&str> = t.checks.iter().map(|c| c.expression.as_str()).collect();
    checks.sort_unstable();
    json!({"columns": columns, "primary_key": t.primary_key, "foreign_keys": keys, "indexes": indexes, "checks": checks})
}
