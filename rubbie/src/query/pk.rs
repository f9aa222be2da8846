//! Primary keys in URLs: one value as is; composite keys joined by `,` with `~` escapes
//! (`~2C` for `,`, `~7E` for `~`), in primary-key order.

use serde_json::Value as Json;

use crate::db::schema::Table;
use crate::error::{Error, Result};

/// The primary key values of `segment`, paired with their columns.
pub(crate) fn parse(table: &Table, segment: &str) -> Result<Vec<(String, Json)>> {
    if table.primary_key.is_empty() {
        // a key that cannot name a row names none: 404, as a well-formed key of no row would
        return Err(Error::NotFound(format!("{} has no primary key: rows cannot be addressed one by one", table.name)));
    }
    let parts: Vec<String> = if table.primary_key.len() == 1 {
        vec![segment.to_owned()]
    } else {
        segment.split(',').map(|p| p.replace("~2C", ",").replace("~7E", "~")).collect()
    };
    if parts.len() != table.primary_key.len() {
        return Err(Error::NotFound(format!(
            "row key {segment:?}: expected {} values ({}) separated by commas",
            table.primary_key.len(),
            table.primary_key.join(", ")
        )));
    }
    Ok(table.primary_key.iter().cloned().zip(parts.into_iter().map(Json::String)).collect())
}

/// The URL segment for a row's key (the inverse of [`parse`]).
pub(crate) fn encode(values: &[&str]) -> String {
    values.iter().map(|v| v.replace('~', "~7E").replace(',', "~2C")).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::schema::Table;

    fn table(pk: &[&str]) -> Table {
        Table::named("t", pk, vec![])
    }

    #[test]
    fn composite_keys_round_trip_with_escapes() {
        let t = table(&["a", "b"]);
        let seg = encode(&["x,y", "~z"]);
        let parsed = parse(&t, &seg).unwrap();
        assert_eq!(parsed[0].1, Json::String("x,y".into()));
        assert_eq!(parsed[1].1, Json::String("~z".into()));
        assert!(parse(&t, "1").is_err());
        assert_eq!(parse(&table(&["id"]), "a,b").unwrap()[0].1, Json::String("a,b".into()));
        assert!(parse(&table(&[]), "1").is_err());
    }
}
