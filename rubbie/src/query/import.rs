//! Writing many rows into a table in one transaction: all or nothing, and every problem reported
//! with the row (and file line) it came from, up to [`MAX_PROBLEMS`].
//!
//! Rows go in as multi-row INSERTs, each batch under a savepoint; a batch the database refuses
//! is rolled back to its savepoint and replayed row by row to find the rows at fault. Roles with
//! an insert check are written row by row, since the check is verified on each written row.
//! Every row written gets its audit entry (the stored row where the database returns it).

use sea_query::{Expr, Query};
use serde_json::Value as Json;

use super::rows::returning_row;
use super::write::{insert_in, name_foreign_keys, writable_values};
use crate::audit::{self, Actor, Entry};
use crate::db::exec::{Executor, Tx};
use crate::db::schema::{Schema, Table};
use crate::db::{Backend, Database};
use crate::error::{Error, Result, RowProblem};
use crate::permissions::{Access, Operation, TableAccess};

/// Reporting stops after this many problems (the import fails either way).
pub(crate) const MAX_PROBLEMS: usize = 100;
/// Rows per INSERT, and bound values per INSERT (below every backend's limit).
const BATCH_ROWS: usize = 500;
const BATCH_VALUES: usize = 30_000;

/// Where a row came from in the file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin {
    /// Data row, from 1.
    pub row: u64,
    /// File line where it starts, when the format has lines.
    pub line: Option<u64>,
}

impl Origin {
    pub(crate) fn problem(self, column: Option<&str>, message: impl Into<String>) -> RowProblem {
        RowProblem { row: self.row, line: self.line, column: column.map(str::to_owned), message: message.into() }
    }
}

/// One row to import: column → value, as a request body would give it.
pub(crate) struct Record {
    pub origin: Origin,
    pub values: Json,
}

/// What an import did (or, in a dry run, would do).
pub(crate) struct Outcome {
    /// Rows read from the file.
    pub rows: u64,
    /// Rows written (0 in a dry run).
    pub inserted: u64,
}

/// The row-level problems an error stands for: one per named field, else one for the row.
fn problems_of(err: Error, record: &Record, table: &Table) -> Vec<RowProblem> {
    match name_foreign_keys(err.with_columns(&table.column_names()), table, &record.values) {
        Error::Validation { fields, message } | Error::Conflict { fields, message } => {
            if fields.is_empty() {
                return vec![record.origin.problem(None, message)];
            }
            fields
                .into_iter()
                .flat_map(|(column, messages)| {
                    messages.into_iter().map(move |m| record.origin.problem(Some(&column), m))
                })
                .collect()
        }
        Error::Internal(detail) => {
            tracing::error!(%detail, "rubbie import: internal error on a row");
            vec![record.origin.problem(None, "internal error")]
        }
        other => vec![record.origin.problem(None, other.to_string())],
    }
}

/// Imports `records` into `table` as `access` may insert; a dry run checks everything the same
/// way (the database's constraints included) and rolls back.
pub(crate) async fn import(
    db: &Database,
    schema: &Schema,
    table: &Table,
    records: impl Iterator<Item = std::result::Result<Record, RowProblem>>,
    access: &Access,
    actor: &Actor,
    dry_run: bool,
) -> Result<Outcome> {
    let rule = access.to(table, Operation::Insert)?;
    let row_by_row = rule.check.is_some();
    let mut tx = db.begin().await?;
    let mut problems: Vec<RowProblem> = Vec::new();
    let mut batch: Vec<(Record, Vec<(String, Expr)>)> = Vec::new();
    let mut rows = 0;
    for item in records {
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
        rows += 1;
        let record = match item {
            Ok(record) => record,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        match writable_values(tx.backend(), table, &record.values, true, false, &rule) {
            // The same for every row: the role may not write this column at all.
            Err(err @ Error::Forbidden(_)) => return Err(err),
            Err(err) => problems.extend(problems_of(err, &record, table)),
            Ok(_) if row_by_row => one_row(&mut tx, schema, table, access, &rule, actor, record, &mut problems).await?,
            Ok(values) => {
                let full = batch.len() >= BATCH_ROWS
                    || batch.iter().map(|(_, v)| v.len()).sum::<usize>() + values.len() > BATCH_VALUES
                    || batch.last().is_some_and(|(_, last)| !same_columns(last, &values));
                if full {
                    flush(&mut tx, table, std::mem::take(&mut batch), &mut problems, actor).await?;
                }
                batch.push((record, values));
            }
        }
    }
    flush(&mut tx, table, batch, &mut problems, actor).await?;
    if !problems.is_empty() {
        problems.truncate(MAX_PROBLEMS);
        let shown = if problems.len() == MAX_PROBLEMS { "the first " } else { "" };
        let outcome = if dry_run { "the check failed" } else { "nothing was imported" };
        return Err(Error::Import {
            message: format!("{}: {outcome}; {shown}{} problem(s) in the rows read", table.name, problems.len()),
            problems,
        });
    }
    if dry_run {
        return Ok(Outcome { rows, inserted: 0 });
    }
    tx.commit().await?;
    Ok(Outcome { rows, inserted: rows })
}

fn same_columns(a: &[(String, Expr)], b: &[(String, Expr)]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|((x, _), (y, _))| x == y)
}

/// Runs `write` under a savepoint: kept when it succeeds, rolled back when it fails.
macro_rules! under_savepoint {
    ($tx:expr, $write:expr) => {{
        $tx.execute_constant("SAVEPOINT rubbie_import").await?;
        let result = $write;
        let undo =
            if result.is_ok() { "RELEASE SAVEPOINT rubbie_import" } else { "ROLLBACK TO SAVEPOINT rubbie_import" };
        $tx.execute_constant(undo).await?;
        result
    }};
}

/// Writes rows with the same columns as one INSERT; on failure, row by row to find the culprits.
/// The rows written are recorded in the audit log.
async fn flush(
    tx: &mut Tx,
    table: &Table,
    batch: Vec<(Record, Vec<(String, Expr)>)>,
    problems: &mut Vec<RowProblem>,
    actor: &Actor,
) -> Result<()> {
    let Some((_, first)) = batch.first() else { return Ok(()) };
    let columns: Vec<String> = first.iter().map(|(c, _)| c.clone()).collect();
    let mut entries = Vec::with_capacity(batch.len());
    let insert_of = |rows: &[&(Record, Vec<(String, Expr)>)]| -> Result<sea_query::InsertStatement> {
        let mut insert = Query::insert().into_table(table.name.clone()).to_owned();
        if columns.is_empty() {
            insert.or_default_values();
        } else {
            insert.columns(columns.clone());
            for (_, values) in rows {
                insert.values(values.iter().map(|(_, e)| e.clone())).map_err(Error::internal)?;
            }
        }
        Ok(insert)
    };
    // Rows of defaults only go one statement each, since DEFAULT VALUES takes one row.
    let all: Vec<&(Record, Vec<(String, Expr)>)> = batch.iter().collect();
    if !columns.is_empty() {
        let insert = insert_of(&all)?;
        if let Ok(mut written) = under_savepoint!(tx, written(tx, table, &insert, &all).await) {
            entries.append(&mut written);
            return audit::record(tx, actor, entries).await;
        }
    }
    for row in all {
        let insert = insert_of(&[row])?;
        match under_savepoint!(tx, written(tx, table, &insert, &[row]).await) {
            Ok(mut written) => entries.append(&mut written),
            Err(err) => {
                problems.extend(problems_of(err, &row.0, table));
                if problems.len() >= MAX_PROBLEMS {
                    break;
                }
            }
        }
    }
    audit::record(tx, actor, entries).await
}

/// Runs `insert` of `rows` and returns their audit entries: the stored rows where the database
/// returns them (PostgreSQL, SQLite); on MySQL the values written, with the generated key.
async fn written(
    tx: &mut Tx,
    table: &Table,
    insert: &sea_query::InsertStatement,
    rows: &[&(Record, Vec<(String, Expr)>)],
) -> Result<Vec<Entry>> {
    let backend = tx.backend();
    if backend != Backend::Mysql {
        let mut insert = insert.clone();
        insert.returning(returning_row(backend, table));
        let stored = tx.fetch_texts(&insert).await?;
        let columns: Vec<&crate::db::schema::Column> = table.columns.iter().collect();
        return stored
            .into_iter()
            .map(|row| {
                audit::images::row_entry("insert", table, None, Some(&super::rows::finish_row(backend, &columns, row)?))
            })
            .collect();
    }
    let done = tx.execute(insert).await?;
    let auto = match table.primary_key.as_slice() {
        [only] if table.column(only).is_some_and(|c| c.auto_increment) => Some(only.clone()),
        _ => None,
    };
    Ok(rows
        .iter()
        .enumerate()
        .map(|(i, (record, _))| {
            let mut image = match &record.values {
                Json::Object(map) => map.clone(),
                _ => Default::default(),
            };
            // A multi-row INSERT's generated ids are consecutive from the first one.
            if let (Some(pk), Some(first)) = (&auto, done.last_insert_id)
                && image.get(pk).is_none_or(Json::is_null)
            {
                image.insert(pk.clone(), Json::from(first + i as i64));
            }
            audit::images::row_entry_of("insert", table, None, Some(audit::images::of_map(table, image)))
        })
        .collect())
}

/// One row through the ordinary insert (the rule's check verified on it).
#[allow(clippy::too_many_arguments)]
async fn one_row(
    tx: &mut Tx,
    schema: &Schema,
    table: &Table,
    access: &Access,
    rule: &TableAccess,
    actor: &Actor,
    record: Record,
    problems: &mut Vec<RowProblem>,
) -> Result<()> {
    if let Err(err) = under_savepoint!(tx, insert_in(tx, schema, table, &record.values, access, rule, actor).await) {
        problems.extend(problems_of(err, &record, table));
    }
    Ok(())
}
