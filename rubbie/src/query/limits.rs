//! The size limits of a where expression, checked before anything is compiled.
//!
//! A filter arrives from any signed-in user (query string, bulk body, saved view, permission
//! rule). Unbounded, one request could overflow the stack of the host's process while the
//! expression is compiled, rendered or dropped, or build a statement the database refuses
//! (SQLite: "Expression tree is too large"). The walk below is iterative, so it is safe on any
//! input serde_json accepts (which nests at most 128 deep); bodies are bounded by axum's
//! default 2 MB limit and query strings by the 64 KiB an `http::Uri` holds.

use serde_json::Value as Json;

use crate::error::{Error, Result};

/// How deeply `_and` / `_or` / `_not` groups and relations may nest.
pub(crate) const MAX_DEPTH: usize = 16;
/// How many conditions one expression may hold, counting each member of an `_and` / `_or`
/// and each operator: an `_or` of 1,000 comparisons fits.
pub(crate) const MAX_TERMS: usize = 2_000;
/// How many values one expression may bind, `_in` / `_nin` lists included.
pub(crate) const MAX_VALUES: usize = 10_000;

/// The limits, as the OpenAPI document and error messages state them.
pub(crate) fn describe() -> String {
    format!("at most {MAX_DEPTH} levels of nesting, {MAX_TERMS} conditions and {MAX_VALUES} values")
}

fn too_big(path: &str, what: String) -> Error {
    Error::BadRequest(format!("{path}: {what} (a filter may have {})", describe()))
}

/// Checks `expr` against the limits; `path` names where it came from (`where`, `filter`...).
pub(crate) fn check(expr: &Json, path: &str) -> Result<()> {
    let mut terms = 0usize;
    let mut values = 0usize;
    // (expression, its nesting depth)
    let mut stack: Vec<(&Json, usize)> = vec![(expr, 1)];
    while let Some((value, depth)) = stack.pop() {
        if depth > MAX_DEPTH {
            return Err(too_big(path, format!("nested deeper than {MAX_DEPTH} levels")));
        }
        // Anything that is not an object is refused by the compiler with its own message.
        let Json::Object(map) = value else { continue };
        for (key, inner) in map {
            match (key.as_str(), inner) {
                ("_and" | "_or", Json::Array(items)) => {
                    terms += items.len();
                    stack.extend(items.iter().map(|item| (item, depth + 1)));
                }
                ("_not", _) => stack.push((inner, depth + 1)),
                (_, Json::Object(ops)) if is_operators(ops) => {
                    terms += ops.len();
                    values +=
                        ops.values().map(|v| if let Json::Array(list) = v { list.len() } else { 1 }).sum::<usize>();
                }
                // A relation: another expression over the related table.
                (_, Json::Object(_)) => stack.push((inner, depth + 1)),
                _ => terms += 1,
            }
            if terms > MAX_TERMS {
                return Err(too_big(path, format!("more than {MAX_TERMS} conditions")));
            }
            if values > MAX_VALUES {
                return Err(too_big(path, format!("more than {MAX_VALUES} values")));
            }
        }
    }
    Ok(())
}

/// Whether an object is a column's operators (`{"_eq": 1}`) rather than a relation's expression.
fn is_operators(map: &serde_json::Map<String, Json>) -> bool {
    map.keys().next().is_some_and(|k| super::filter::OPERATORS.contains(&k.as_str()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn or_of(n: usize) -> Json {
        json!({"_or": (0..n).map(|i| json!({"id": {"_eq": i}})).collect::<Vec<_>>()})
    }

    fn nested(depth: usize) -> Json {
        (0..depth).fold(json!({"id": {"_eq": 1}}), |inner, _| json!({"_not": inner}))
    }

    #[test]
    fn limits_accept_what_fits_and_name_what_does_not() {
        assert!(check(&or_of(MAX_TERMS / 2), "where").is_ok());
        let err = check(&or_of(MAX_TERMS / 2 + 1), "where").unwrap_err().to_string();
        assert!(err.contains("more than 2000 conditions"), "{err}");
        assert!(check(&nested(MAX_DEPTH - 1), "where").is_ok());
        let err = check(&nested(MAX_DEPTH), "where").unwrap_err().to_string();
        assert!(err.contains("nested deeper than 16"), "{err}");
        let list: Vec<usize> = (0..=MAX_VALUES).collect();
        let err = check(&json!({"id": {"_in": list}}), "where").unwrap_err().to_string();
        assert!(err.contains("more than 10000 values"), "{err}");
        // Relations nest too.
        let relations = (0..MAX_DEPTH).fold(json!({"id": {"_eq": 1}}), |inner, _| json!({"customer": inner}));
        assert!(check(&relations, "where").is_err());
    }
}
