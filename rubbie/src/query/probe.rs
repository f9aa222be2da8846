//! Values of the types rubbie does not check itself — PostgreSQL's inet, interval, ranges, bit
//! strings, money, xml, arrays' elements... (`ColumnKind::Other`) — are cast by the database
//! once before the write, so a bad one is a 422 that names its column and says what the
//! database found wrong, instead of an error about the whole statement. MySQL and SQLite name
//! the column in their own errors (or do not check types), so they need no probe.

use sea_query::{Expr, ExprTrait, Query};

use crate::db::Backend;
use crate::db::exec::{Executor, Tx};
use crate::db::schema::{ColumnKind, Table};
use crate::error::{Error, FieldErrors, Result};

/// Casts each bound value of an unchecked type in `tx`; the first that the database refuses is
/// reported as a field error (the transaction is then rolled back with the write).
pub(crate) async fn check(tx: &mut Tx, table: &Table, values: &[(String, Expr)]) -> Result<()> {
    if tx.backend() != Backend::Postgres {
        return Ok(());
    }
    let unchecked = values.iter().filter(|(name, _)| table.column(name).is_some_and(|c| c.kind == ColumnKind::Other));
    for (name, value) in unchecked {
        let probe = Query::select().expr(Expr::case(value.clone().is_null(), 0i64).finally(1i64)).to_owned();
        if let Err(err) = tx.fetch_integers(&probe).await {
            let Error::Database(sqlx::Error::Database(db_err)) = &err else { return Err(err) };
            let mut fields = FieldErrors::new();
            fields.insert(name.clone(), vec![db_err.message().to_owned()]);
            return Err(Error::fields(&table.name, fields));
        }
    }
    Ok(())
}
