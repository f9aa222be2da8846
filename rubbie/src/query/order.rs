//! `order_by=col,-col2`: validated against the table, with the primary key appended as a
//! tie-breaker so pages are stable and keyset cursors are exact.
//!
//! The tie-breaker runs in the direction of the last sort key: `-created_at` becomes
//! `created_at DESC, id DESC`, which an index on `created_at` (whose entries end in the row id
//! or primary key) serves read backwards, where `created_at DESC, id ASC` needs a sort. A sort
//! that is unique already (the primary key, or a unique index of non-null columns) gets none.

use crate::db::schema::Table;
use crate::error::{Error, Result};

/// The most columns `order_by` may name (a keyset cursor compares every key).
pub(crate) const MAX_KEYS: usize = 16;

/// One sort key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortKey {
    pub column: String,
    pub descending: bool,
    /// Not asked for by the request (the tie-breaker added for stable pages, or the table's
    /// default sort): dropped for roles that may not read it.
    pub implied: bool,
}

/// Parses `order_by` (the table's default sort when none is given) and completes it with the
/// primary key (or every column when there is none).
pub(crate) fn parse(table: &Table, param: Option<&str>) -> Result<Vec<SortKey>> {
    let asked = param.map(str::trim).filter(|p| !p.is_empty());
    let text = asked.or(table.default_sort.as_deref()).unwrap_or_default();
    let mut keys: Vec<SortKey> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        if keys.len() == MAX_KEYS {
            return Err(Error::BadRequest(format!("order_by: at most {MAX_KEYS} columns")));
        }
        let (descending, name) = match part.strip_prefix('-') {
            Some(name) => (true, name),
            None => (false, part.strip_prefix('+').unwrap_or(part)),
        };
        if table.column(name).is_none() {
            return Err(Error::BadRequest(format!("order_by: unknown column {name:?} in {}", table.name)));
        }
        if keys.iter().any(|k| k.column == name) {
            return Err(Error::BadRequest(format!("order_by: column {name:?} given twice")));
        }
        keys.push(SortKey { column: name.to_owned(), descending, implied: asked.is_none() });
    }
    if is_unique(table, &keys) {
        return Ok(keys);
    }
    let descending = keys.last().is_some_and(|k| k.descending);
    let tie_breakers: Vec<&str> = if table.primary_key.is_empty() {
        table.columns.iter().map(|c| c.name.as_str()).collect()
    } else {
        table.primary_key.iter().map(String::as_str).collect()
    };
    for column in tie_breakers {
        if !keys.iter().any(|k| k.column == column) {
            keys.push(SortKey { column: column.to_owned(), descending, implied: true });
        }
    }
    Ok(keys)
}

/// Whether the asked-for keys already order rows uniquely: they include the whole primary key,
/// or every column of a unique index whose columns cannot be null (NULLs repeat in a unique index).
fn is_unique(table: &Table, keys: &[SortKey]) -> bool {
    let sorted = |column: &String| keys.iter().any(|k| &k.column == column);
    let not_null = |column: &String| table.column(column).is_some_and(|c| !c.nullable);
    (!table.primary_key.is_empty() && table.primary_key.iter().all(sorted))
        || table.indexes.iter().any(|i| i.unique && i.columns.iter().all(|c| sorted(c) && not_null(c)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::{Column, ColumnKind, Index};

    fn table() -> Table {
        let column = |name: &str, nullable: bool| Column { nullable, ..Column::test(name, ColumnKind::Text, "text") };
        let columns =
            vec![column("id", false), column("created_at", false), column("code", false), column("email", true)];
        Table {
            indexes: vec![
                Index { name: "orders_code".into(), columns: vec!["code".into()], unique: true },
                Index { name: "orders_email".into(), columns: vec!["email".into()], unique: true },
            ],
            ..Table::named("orders", &["id"], columns)
        }
    }

    fn spelled(keys: &[SortKey]) -> Vec<String> {
        keys.iter().map(|k| format!("{}{}", if k.descending { "-" } else { "" }, k.column)).collect()
    }

    #[test]
    fn tie_breaker_follows_the_last_key_and_is_left_out_when_unique() {
        let t = table();
        let keys = |p: &str| spelled(&parse(&t, Some(p)).unwrap());
        assert_eq!(keys("-created_at"), ["-created_at", "-id"]);
        assert_eq!(keys("created_at"), ["created_at", "id"]);
        assert_eq!(keys("-created_at,code"), ["-created_at", "code"], "code is unique and not null");
        assert_eq!(keys("email"), ["email", "id"], "a unique nullable column repeats its NULLs");
        assert_eq!(keys("-id"), ["-id"]);
        assert_eq!(spelled(&parse(&t, None).unwrap()), ["id"]);
    }
}
