//! Reading rubbie's own tables: rows selected as JSON objects of their integer and text columns,
//! decoded with serde. One way for every backend, no per-backend row decoding.

use sea_query::{Expr, SelectStatement};
use serde::de::DeserializeOwned;

use super::exec::Executor;
use super::json_row::plain_object_sql;
use super::{Backend, Database};
use crate::error::{Error, Result};

/// `(JSON key, table, column)`: one field of an internal row.
pub(crate) type Field<'a> = (&'a str, &'a str, &'a str);

/// Every row of `query` (FROM/WHERE/ORDER set by the caller), decoded into `T`.
pub(crate) async fn fetch_all<T: DeserializeOwned>(
    db: &Database,
    fields: &[Field<'_>],
    query: SelectStatement,
) -> Result<Vec<T>> {
    fetch_all_in(&mut db.pooled(), db.backend(), fields, query).await
}

/// Every row of `query` run on `exec` (a transaction, say), decoded into `T`.
pub(crate) async fn fetch_all_in<T: DeserializeOwned>(
    exec: &mut impl Executor,
    backend: Backend,
    fields: &[Field<'_>],
    query: SelectStatement,
) -> Result<Vec<T>> {
    let query = with_object(backend, fields, query);
    let texts = exec.fetch_texts(&query).await?;
    texts.iter().map(|t| serde_json::from_str(t).map_err(Error::internal)).collect()
}

/// The first row of `query`, decoded into `T`.
pub(crate) async fn fetch_one<T: DeserializeOwned>(
    db: &Database,
    fields: &[Field<'_>],
    query: SelectStatement,
) -> Result<Option<T>> {
    Ok(fetch_all(db, fields, query).await?.into_iter().next())
}

fn with_object(backend: Backend, fields: &[Field<'_>], mut query: SelectStatement) -> SelectStatement {
    query.expr(Expr::cust(plain_object_sql(backend, fields)));
    query
}
