//! Writing the host's rows: insert, update, delete and bulk changes, each in one transaction
//! with its audit entries, within the role's rules (columns, presets, filter, check).

use sea_query::{Condition, Expr, ExprTrait, LockType, Query};
use serde_json::Value as Json;

use super::read::{combined_filter, select_rows};
use super::rows::{fetch_row, finish_row, not_found, pk_condition, returning_row, row_condition};
use crate::audit::{self, Actor};
use crate::db::exec::{Executor, Tx};
use crate::db::schema::{Column, Schema, Table};
use crate::db::values::bind;
use crate::db::{Backend, Database};
use crate::error::{Error, FieldErrors, Result};
use crate::permissions::{Access, Operation, TableAccess};

/// Checks a request body against the table and the rule: known, writable columns the rule
/// covers, values of the right type; then the rule's presets, which the body may not set. On
/// insert, a null for a column the database fills (identity, auto-increment) means "let the
/// database choose" and is left out.
pub(crate) fn writable_values(
    backend: Backend,
    table: &Table,
    body: &Json,
    inserting: bool,
    restoring: bool,
    rule: &TableAccess,
) -> Result<Vec<(String, Expr)>> {
    let Json::Object(map) = body else {
        return Err(Error::BadRequest("body: expected a JSON object of column values".into()));
    };
    if let Some(name) = map.keys().find(|k| table.column(k).is_some() && !rule.allows(k)) {
        return Err(Error::Forbidden(format!("column {name} of {} is not writable", table.name)));
    }
    if let Some((name, _)) = rule.presets.iter().find(|(k, _)| map.contains_key(k)) {
        return Err(Error::Forbidden(format!("column {name} of {} is set by a preset", table.name)));
    }
    let mut fields = FieldErrors::new();
    let mut values = Vec::new();
    let given = map.iter().map(|(k, v)| (k, v, false));
    let presets = rule.presets.iter().map(|(k, v)| (k, v, true));
    for (name, value, preset) in given.chain(presets) {
        let problem = match table.column(name) {
            None => Some(format!("unknown column of {}", table.name)),
            Some(c) if c.readonly && !preset && (!restoring || c.generated) => Some("is read-only".to_owned()),
            Some(c) if value.is_null() && c.auto_increment && inserting => None,
            Some(c) if value.is_null() && !c.nullable => Some("must not be null".to_owned()),
            Some(c) => match bind(backend, c, value) {
                Ok(expr) => {
                    values.push((name.clone(), expr));
                    None
                }
                Err(m) => Some(m),
            },
        };
        if let Some(p) = problem {
            fields.entry(name.clone()).or_default().push(p);
        }
    }
    if fields.is_empty() { Ok(values) } else { Err(Error::fields(&table.name, fields)) }
}

/// SQLite reports a broken foreign key without naming it: blame the key columns that were written.
pub(crate) fn name_foreign_keys(err: Error, table: &Table, body: &Json) -> Error {
    match err.with_columns(&table.column_names()) {
        Error::Conflict { message, mut fields } if fields.is_empty() && message.contains("foreign key") => {
            for fk in &table.foreign_keys {
                for column in fk.columns.iter().filter(|c| body.get(c.as_str()).is_some()) {
                    fields.insert(column.clone(), vec![format!("no row with this value in {}", fk.references_table)]);
                }
            }
            Error::Conflict { message, fields }
        }
        other => other,
    }
}

/// The primary key values of a row given as JSON text.
fn key_of(table: &Table, row: &str) -> Result<Vec<(String, Json)>> {
    let map: serde_json::Map<String, Json> = serde_json::from_str(row).map_err(Error::internal)?;
    Ok(table.primary_key.iter().map(|c| (c.clone(), map.get(c).cloned().unwrap_or(Json::Null))).collect())
}

/// After a write: the rule's check must hold for the written row (else 403 and the caller's
/// transaction is dropped), and the answer shows only what the role may read.
async fn checked_answer(
    tx: &mut Tx,
    schema: &Schema,
    table: &Table,
    access: &Access,
    rule: &TableAccess,
    key: &[(String, Json)],
    row: String,
) -> Result<String> {
    let backend = tx.backend();
    if let Some(check) = &rule.check {
        if table.primary_key.is_empty() {
            return Err(Error::BadRequest(format!("{} has no primary key: its check cannot be verified", table.name)));
        }
        let cond = pk_condition(backend, table, key)?.add(super::filter::compile(backend, schema, table, check)?);
        let query = Query::select().expr(Expr::cust("COUNT(*)")).from(table.name.clone()).cond_where(cond).to_owned();
        if tx.fetch_integers(&query).await?.first().copied().unwrap_or(0) == 0 {
            return Err(Error::Forbidden(format!(
                "the row does not satisfy role {}'s check on {}",
                access.role(),
                table.name
            )));
        }
    }
    if matches!(access, Access::Admin) {
        return Ok(row);
    }
    // Only what the role could read: its select columns (or just the key without select).
    let readable = access.maybe(table, Operation::Select);
    let mut map: serde_json::Map<String, Json> = serde_json::from_str(&row).map_err(Error::internal)?;
    map.retain(|k, _| match &readable {
        Some(read) => read.allows(k),
        None => table.primary_key.contains(k),
    });
    serde_json::to_string(&map).map_err(Error::internal)
}

/// The row matching `cond`, locked until the transaction ends (SQLite's write transactions are
/// exclusive already), with every column: the before image of a change.
async fn locked_row(tx: &mut Tx, table: &Table, cond: Condition) -> Result<Option<String>> {
    let backend = tx.backend();
    let columns: Vec<&Column> = table.columns.iter().collect();
    let mut query = select_rows(backend, table, &columns).cond_where(cond).to_owned();
    if backend != Backend::Sqlite {
        query.lock(LockType::Update);
    }
    let row = tx.fetch_text(&query).await?;
    row.map(|r| finish_row(backend, &columns, r)).transpose()
}

/// Column values a row must still have for a change to go ahead (a revert's "unchanged since").
pub(crate) type Expected = serde_json::Map<String, Json>;

/// 409 naming the columns whose current values are not the expected ones.
fn check_expected(table: &Table, row: Option<&str>, expected: Option<&Expected>) -> Result<()> {
    let (Some(expected), Some(row)) = (expected, row) else { return Ok(()) };
    let current = audit::images::of_text(table, row)?;
    let mut fields = FieldErrors::new();
    for (column, value) in expected {
        if current.get(column) != Some(value) {
            fields.insert(column.clone(), vec!["changed since".to_owned()]);
        }
    }
    if fields.is_empty() {
        return Ok(());
    }
    Err(Error::Conflict { message: format!("{}: the row changed since; nothing was changed", table.name), fields })
}

/// Inserts one row and returns it as stored (defaults and generated keys included).
pub(crate) async fn insert(
    db: &Database,
    schema: &Schema,
    table: &Table,
    body: &Json,
    access: &Access,
    actor: &Actor,
) -> Result<String> {
    let rule = access.to(table, Operation::Insert)?;
    let mut tx = db.begin().await?;
    let answer = insert_in(&mut tx, schema, table, body, access, &rule, actor).await?;
    tx.commit().await?;
    Ok(answer)
}

/// Inserts one row inside `tx` under `rule`, checks the rule's check on it, records it, and
/// returns it as the role may read it.
pub(crate) async fn insert_in(
    tx: &mut Tx,
    schema: &Schema,
    table: &Table,
    body: &Json,
    access: &Access,
    rule: &TableAccess,
    actor: &Actor,
) -> Result<String> {
    let backend = tx.backend();
    // A revert bringing a deleted row back restores its read-only (not generated) columns too.
    let values = writable_values(backend, table, body, true, actor.reverting.is_some(), rule)?;
    super::probe::check(tx, table, &values).await?;
    let mut insert = Query::insert().into_table(table.name.clone()).to_owned();
    if values.is_empty() {
        insert.or_default_values();
    } else {
        insert.columns(values.iter().map(|(c, _)| c.clone()));
        insert.values(values.into_iter().map(|(_, e)| e)).map_err(Error::internal)?;
    }
    let columns: Vec<&Column> = table.columns.iter().collect();
    let (key, row) = if backend != Backend::Mysql {
        insert.returning(returning_row(backend, table));
        let row = tx.fetch_text(&insert).await.map_err(|e| name_foreign_keys(e, table, body))?;
        let row = finish_row(backend, &columns, row.ok_or_else(|| Error::internal("INSERT returned no row"))?)?;
        (key_of(table, &row)?, row)
    } else {
        // MySQL has no RETURNING: insert and read back by key in the same transaction.
        let given: Option<Vec<(String, Json)>> = table
            .primary_key
            .iter()
            .map(|c| body.get(c).or_else(|| rule.presets.iter().find(|(k, _)| k == c).map(|(_, v)| v)))
            .map(|v| v.filter(|v| !v.is_null()).cloned())
            .zip(table.primary_key.iter())
            .map(|(v, c)| v.map(|v| (c.clone(), v)))
            .collect();
        let auto_key =
            table.primary_key.len() == 1 && table.column(&table.primary_key[0]).is_some_and(|c| c.auto_increment);
        if table.primary_key.is_empty() || (given.is_none() && !auto_key) {
            return Err(Error::BadRequest(format!(
                "{}: give every primary key column ({}) so the stored row can be read back",
                table.name,
                table.primary_key.join(", ")
            )));
        }
        let done = tx.execute(&insert).await.map_err(|e| name_foreign_keys(e, table, body))?;
        let key = match (given, done.last_insert_id) {
            (Some(key), _) => key,
            (None, Some(id)) => vec![(table.primary_key[0].clone(), Json::from(id))],
            (None, None) => return Err(Error::internal("no auto-increment id after INSERT")),
        };
        let cond = pk_condition(backend, table, &key)?;
        let row = fetch_row(tx, backend, table, &columns, cond)
            .await?
            .ok_or_else(|| Error::internal("inserted row not found"))?;
        (key, row)
    };
    let entry = audit::images::row_entry("insert", table, None, Some(&row))?;
    let answer = checked_answer(tx, schema, table, access, rule, &key, row).await?;
    audit::record(tx, actor, vec![entry]).await?;
    Ok(answer)
}

/// Updates the given columns of one row (if the role's filter reaches it); returns the row as
/// stored.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn update(
    db: &Database,
    schema: &Schema,
    table: &Table,
    segment: &str,
    body: &Json,
    access: &Access,
    actor: &Actor,
    expected: Option<&Expected>,
) -> Result<String> {
    let backend = db.backend();
    let rule = access.to(table, Operation::Update)?;
    let key = super::pk::parse(table, segment)?;
    let values = writable_values(backend, table, body, false, false, &rule)?;
    if values.is_empty() {
        return Err(Error::BadRequest("body: give at least one column to change".into()));
    }
    let mut tx = db.begin().await?;
    super::probe::check(&mut tx, table, &values).await?;
    let cond = row_condition(backend, schema, table, &key, &rule)?;
    // The before image, for the log (and for MySQL, which has no RETURNING, to know the row exists).
    let before = match actor.audits_rows_of(&table.name) || expected.is_some() || backend == Backend::Mysql {
        true => Some(locked_row(&mut tx, table, cond.clone()).await?.ok_or_else(|| not_found(table, segment))?),
        false => None,
    };
    check_expected(table, before.as_deref(), expected)?;
    let mut update = Query::update().table(table.name.clone()).values(values).cond_where(cond).to_owned();
    let columns: Vec<&Column> = table.columns.iter().collect();
    // The key itself may change.
    let new_key: Vec<(String, Json)> = key
        .iter()
        .map(|(c, v)| {
            let preset = rule.presets.iter().find(|(k, _)| k == c).map(|(_, v)| v);
            (c.clone(), body.get(c).or(preset).cloned().unwrap_or_else(|| v.clone()))
        })
        .collect();
    let row = if backend != Backend::Mysql {
        update.returning(returning_row(backend, table));
        let row = tx.fetch_text(&update).await.map_err(|e| name_foreign_keys(e, table, body))?;
        finish_row(backend, &columns, row.ok_or_else(|| not_found(table, segment))?)?
    } else {
        tx.execute(&update).await.map_err(|e| name_foreign_keys(e, table, body))?;
        let cond = pk_condition(backend, table, &new_key)?;
        fetch_row(&mut tx, backend, table, &columns, cond)
            .await?
            .ok_or_else(|| Error::internal("updated row not found"))?
    };
    let entry =
        before.map(|before| audit::images::row_entry("update", table, Some(&before), Some(&row))).transpose()?;
    let answer = checked_answer(&mut tx, schema, table, access, &rule, &new_key, row).await?;
    audit::record(&mut tx, actor, entry.into_iter().collect()).await?;
    tx.commit().await?;
    Ok(answer)
}

/// Deletes one row (if the role's filter reaches it).
pub(crate) async fn delete(
    db: &Database,
    schema: &Schema,
    table: &Table,
    segment: &str,
    access: &Access,
    actor: &Actor,
    expected: Option<&Expected>,
) -> Result<()> {
    let backend = db.backend();
    let rule = access.to(table, Operation::Delete)?;
    let key = super::pk::parse(table, segment)?;
    let cond = row_condition(backend, schema, table, &key, &rule)?;
    let mut tx = db.begin().await?;
    let before = match actor.audits_rows_of(&table.name) || expected.is_some() {
        true => Some(locked_row(&mut tx, table, cond.clone()).await?.ok_or_else(|| not_found(table, segment))?),
        false => None,
    };
    check_expected(table, before.as_deref(), expected)?;
    let delete = Query::delete().from_table(table.name.clone()).cond_where(cond).to_owned();
    let done = tx.execute(&delete).await.map_err(|e| e.with_columns(&table.column_names()))?;
    if done.rows_affected == 0 {
        return Err(not_found(table, segment));
    }
    let entry = before.map(|before| audit::images::row_entry("delete", table, Some(&before), None)).transpose()?;
    audit::record(&mut tx, actor, entry.into_iter().collect()).await?;
    tx.commit().await?;
    Ok(())
}

/// What a bulk action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BulkAction {
    /// Delete the selected rows.
    Delete,
    /// Set columns of the selected rows to values.
    Update,
}

/// Which rows a bulk action touches: explicit keys, or every row matching a filter.
pub(crate) enum Selection {
    Keys(Vec<String>),
    Matching { filter: Option<Json>, search: Option<String> },
}

/// Deletes or updates many rows in one transaction; `expected` is the count the user confirmed
/// (a different count now is a 409 and nothing changes). Every row changed gets its audit entry,
/// so a bulk change may touch at most `max_rows` rows. Returns the number of rows affected.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn bulk(
    db: &Database,
    schema: &Schema,
    table: &Table,
    action: BulkAction,
    selection: Selection,
    set: Option<&Json>,
    expected: Option<u64>,
    access: &Access,
    actor: &Actor,
    max_rows: usize,
) -> Result<u64> {
    let backend = db.backend();
    let op = match action {
        BulkAction::Delete => Operation::Delete,
        BulkAction::Update => Operation::Update,
    };
    let rule = access.to(table, op)?;
    // The rows: the selection, within the rule's filter. Reading through a filter needs select.
    let mut target = match &selection {
        Selection::Keys(keys) => {
            if keys.is_empty() {
                return Err(Error::BadRequest("keys: select at least one row".into()));
            }
            if keys.len() > max_rows {
                return Err(too_many(max_rows));
            }
            let keys = keys.iter().map(|segment| super::pk::parse(table, segment)).collect::<Result<Vec<_>>>()?;
            Condition::all().add(keys_condition(backend, table, &keys)?)
        }
        Selection::Matching { filter, search } => {
            let read = access.to(table, Operation::Select)?;
            let no_rule_filter = TableAccess { filter: None, ..read };
            combined_filter(backend, schema, table, (filter.as_ref(), search.as_deref()), access, &no_rule_filter)?
                .unwrap_or_else(Condition::all)
        }
    };
    if let Some(filter) = &rule.filter {
        target = target.add(super::filter::compile(backend, schema, table, filter)?);
    }
    let values = match (action, set) {
        (BulkAction::Update, Some(set)) => {
            let values = writable_values(backend, table, set, false, false, &rule)?;
            if values.is_empty() {
                return Err(Error::BadRequest("set: give at least one column to change".into()));
            }
            Some(values)
        }
        (BulkAction::Update, None) => return Err(Error::BadRequest("set: an update needs column values".into())),
        (BulkAction::Delete, Some(_)) => return Err(Error::BadRequest("set: a delete takes no values".into())),
        (BulkAction::Delete, None) => None,
    };
    if rule.check.is_some() && action == BulkAction::Update && table.primary_key.is_empty() {
        return Err(Error::BadRequest(format!(
            "{} has no primary key: role {}'s check cannot be verified on a bulk update",
            table.name,
            access.role()
        )));
    }
    let mut tx = db.begin().await?;
    if let Some(values) = &values {
        super::probe::check(&mut tx, table, values).await?;
    }
    let set_json = set.unwrap_or(&Json::Null);
    let images = actor.audits_rows_of(&table.name);
    if !images && rule.check.is_none() {
        // Nothing to record and nothing to verify afterwards: one statement over the selection.
        let count =
            Query::select().expr(Expr::cust("COUNT(*)")).from(table.name.clone()).cond_where(target.clone()).to_owned();
        let matching = tx.fetch_integers(&count).await?.first().copied().unwrap_or(0) as u64;
        confirm(expected, matching)?;
        let done = match values {
            None => tx.execute(&Query::delete().from_table(table.name.clone()).cond_where(target).to_owned()).await,
            Some(values) => {
                tx.execute(&Query::update().table(table.name.clone()).values(values).cond_where(target).to_owned())
                    .await
            }
        };
        done.map_err(|e| name_foreign_keys(e, table, set_json))?;
        tx.commit().await?;
        return Ok(matching);
    }
    // The rows, locked (whole for the log, else their keys); one more than allowed tells that
    // the selection is too big.
    let all: Vec<&Column> = table.columns.iter().collect();
    let keys_only: Vec<&Column> = table.primary_key.iter().filter_map(|c| table.column(c)).collect();
    let columns = if images || keys_only.is_empty() { all.clone() } else { keys_only };
    let mut before_query = select_rows(backend, table, &columns).cond_where(target.clone()).to_owned();
    before_query.limit(max_rows as u64 + 1);
    if backend != Backend::Sqlite {
        before_query.lock(LockType::Update);
    }
    let before = tx.fetch_texts(&before_query).await?;
    if before.len() > max_rows {
        return Err(too_many(max_rows));
    }
    let before: Vec<String> = before.into_iter().map(|r| finish_row(backend, &columns, r)).collect::<Result<_>>()?;
    let matching = before.len() as u64;
    confirm(expected, matching)?;
    if matching == 0 {
        return Ok(0);
    }
    if table.primary_key.is_empty() {
        // No key to find the rows again: changed through the filter, and an update's after
        // image is the before image with the new values.
        let done = match values {
            None => tx.execute(&Query::delete().from_table(table.name.clone()).cond_where(target).to_owned()).await,
            Some(values) => {
                tx.execute(&Query::update().table(table.name.clone()).values(values).cond_where(target).to_owned())
                    .await
            }
        };
        done.map_err(|e| name_foreign_keys(e, table, set_json))?;
        return record_keyless(tx, table, actor, action, &before, set_json).await.map(|()| matching);
    }
    // From here on the rows are addressed by key, a chunk at a time: the change may move them
    // out of the filter that found them, and statements stay under the bind-parameter limits.
    let keys: Vec<Vec<(String, Json)>> = before.iter().map(|r| key_of(table, r)).collect::<Result<_>>()?;
    let mut entries = Vec::with_capacity(if images { before.len() } else { 0 });
    for (chunk, rows) in keys.chunks(KEYS_PER_STATEMENT).zip(before.chunks(KEYS_PER_STATEMENT)) {
        let pinned = keys_condition(backend, table, chunk)?;
        let Some(values) = &values else {
            let delete = Query::delete().from_table(table.name.clone()).cond_where(pinned).to_owned();
            tx.execute(&delete).await.map_err(|e| e.with_columns(&table.column_names()))?;
            if images {
                for row in rows {
                    entries.push(audit::images::row_entry("delete", table, Some(row), None)?);
                }
            }
            continue;
        };
        let mut update = Query::update().table(table.name.clone()).values(values.clone()).cond_where(pinned).to_owned();
        let new_keys: Vec<Vec<(String, Json)>> = chunk
            .iter()
            .map(|k| {
                k.iter().map(|(c, v)| (c.clone(), set_json.get(c).cloned().unwrap_or_else(|| v.clone()))).collect()
            })
            .collect();
        let after_cond = keys_condition(backend, table, &new_keys)?;
        // The after images: returned by the UPDATE itself where the database can, else read back.
        let returned = if images && backend != Backend::Mysql {
            update.returning(returning_row(backend, table));
            Some(tx.fetch_texts(&update).await.map_err(|e| name_foreign_keys(e, table, set_json))?)
        } else {
            tx.execute(&update).await.map_err(|e| name_foreign_keys(e, table, set_json))?;
            None
        };
        if let Some(check) = &rule.check {
            let check = super::filter::compile(backend, schema, table, check)?;
            let violations = Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from(table.name.clone())
                .cond_where(after_cond.clone())
                .cond_where(check.not())
                .to_owned();
            if tx.fetch_integers(&violations).await?.first().copied().unwrap_or(0) > 0 {
                return Err(check_failed(access, table));
            }
        }
        if !images {
            continue;
        }
        let after_rows = match returned {
            Some(rows) => rows,
            None => tx.fetch_texts(&select_rows(backend, table, &all).cond_where(after_cond).to_owned()).await?,
        };
        let mut after = std::collections::HashMap::new();
        for row in after_rows {
            let row = finish_row(backend, &all, row)?;
            after.insert(key_text(&key_of(table, &row)?), row);
        }
        for (row, key) in rows.iter().zip(&new_keys) {
            let new = after.get(&key_text(key)).map(String::as_str);
            entries.push(audit::images::row_entry("update", table, Some(row), new)?);
        }
    }
    audit::record(&mut tx, actor, entries).await?;
    tx.commit().await?;
    Ok(matching)
}

/// 409 when the selection no longer has the count the user confirmed.
fn confirm(expected: Option<u64>, matching: u64) -> Result<()> {
    match expected {
        Some(expected) if expected != matching => Err(Error::Conflict {
            message: format!("the selection changed: {matching} rows match now, {expected} were confirmed"),
            fields: Default::default(),
        }),
        _ => Ok(()),
    }
}

/// Rows a bulk statement addresses by key at most (bound values stay under every limit).
const KEYS_PER_STATEMENT: usize = 1000;

/// The rows given by key: `pk IN (...)` for a one-column key (which the planner serves from
/// the index at once), else `key1 OR key2 OR ...` as a balanced tree.
fn keys_condition(backend: Backend, table: &Table, keys: &[Vec<(String, Json)>]) -> Result<Condition> {
    if let [only] = table.primary_key.as_slice() {
        let column = table.column(only).ok_or_else(|| Error::internal(format!("pk column {only} missing")))?;
        let values = keys
            .iter()
            .map(|key| bind(backend, column, &key[0].1).map_err(|m| Error::NotFound(format!("row key: {only}: {m}"))))
            .collect::<Result<Vec<_>>>()?;
        if values.is_empty() {
            return Ok(Condition::all().add(Expr::cust("1 = 0")));
        }
        return Ok(Condition::all().add(Expr::col((table.name.clone(), only.clone())).is_in(values)));
    }
    let conditions = keys.iter().map(|key| pk_condition(backend, table, key)).collect::<Result<Vec<_>>>()?;
    Ok(super::filter::group(true, conditions))
}

/// A key as one comparable text (values as JSON, so `1` and `"1"` stay apart only by type).
fn key_text(key: &[(String, Json)]) -> String {
    key.iter()
        .map(|(_, v)| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
        .collect::<Vec<_>>()
        .join("\u{0}")
}

/// Records a keyless table's bulk change: an update's after images are the before images with
/// the new values.
async fn record_keyless(
    mut tx: Tx,
    table: &Table,
    actor: &Actor,
    action: BulkAction,
    before: &[String],
    set: &Json,
) -> Result<()> {
    let mut entries = Vec::with_capacity(before.len());
    for row in before {
        let old = audit::images::of_text(table, row)?;
        let entry = match (action, set) {
            (BulkAction::Update, Json::Object(set)) => {
                let mut new = old.clone();
                new.extend(audit::images::of_map(table, set.clone()));
                audit::images::row_entry_of("update", table, Some(old), Some(new))
            }
            _ => audit::images::row_entry_of("delete", table, Some(old), None),
        };
        entries.push(entry);
    }
    audit::record(&mut tx, actor, entries).await?;
    tx.commit().await
}

/// 409: the request is well formed, the table holds more matching rows than one change may touch.
fn too_many(max_rows: usize) -> Error {
    Error::conflict(format!(
        "a bulk change may touch at most {max_rows} rows (each gets its audit entry); narrow the selection"
    ))
}

fn check_failed(access: &Access, table: &Table) -> Error {
    Error::Forbidden(format!("some rows would not satisfy role {}'s check on {}", access.role(), table.name))
}
