//! Structs nested in a body read from JSON objects only. serde's derive also reads a struct
//! from an array of its fields in order (`[null, true]`), which no schema allows; the body
//! extractor refuses that at the top, these `deserialize_with` helpers where structs nest.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, Error};
use serde_json::Value;

fn from_object<T: DeserializeOwned, E: Error>(value: Value) -> Result<T, E> {
    match value {
        Value::Object(_) => T::deserialize(value).map_err(E::custom),
        other => Err(E::custom(format!("invalid type: {}, expected an object", kind(&other)))),
    }
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A struct, from an object.
pub(crate) fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<T, D::Error> {
    from_object(Value::deserialize(d)?)
}

/// An optional struct: `null` or an object.
pub(crate) fn opt_object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        value => from_object(value).map(Some),
    }
}

/// An optional JSON object kept as it is (a filter in the where language): `null` or an object,
/// never another kind, even where nothing compiles it (an entry left out as inconsistent).
pub(crate) fn opt_json_object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        value @ Value::Object(_) => Ok(Some(value)),
        other => Err(D::Error::custom(format!("invalid type: {}, expected an object", kind(&other)))),
    }
}

/// A list of structs, each from an object.
pub(crate) fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    Vec::<Value>::deserialize(d)?.into_iter().map(from_object).collect()
}

/// A map of structs by name, each from an object.
pub(crate) fn map<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<BTreeMap<String, T>, D::Error> {
    BTreeMap::<String, Value>::deserialize(d)?.into_iter().map(|(k, v)| Ok((k, from_object(v)?))).collect()
}

/// A map of optional structs by name: each `null` or an object.
pub(crate) fn opt_map<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<BTreeMap<String, Option<T>>, D::Error> {
    BTreeMap::<String, Value>::deserialize(d)?
        .into_iter()
        .map(|(k, v)| Ok((k, if v.is_null() { None } else { Some(from_object(v)?) })))
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        #[serde(default)]
        a: Option<bool>,
    }

    #[derive(Debug, Deserialize)]
    struct Outer {
        #[serde(default, deserialize_with = "super::map")]
        by_name: BTreeMap<String, Inner>,
        #[serde(default, deserialize_with = "super::list")]
        items: Vec<Inner>,
        #[serde(default, deserialize_with = "super::opt_map")]
        resets: BTreeMap<String, Option<Inner>>,
    }

    fn parse(s: &str) -> Result<Outer, String> {
        serde_json::from_str(s).map_err(|e| e.to_string())
    }

    #[test]
    fn nested_structs_come_from_objects_only() {
        let ok = parse(r#"{"by_name":{"x":{"a":true}},"items":[{}],"resets":{"y":null,"z":{}}}"#).unwrap();
        assert_eq!(ok.by_name["x"], Inner { a: Some(true) });
        assert_eq!(ok.items, [Inner { a: None }]);
        assert_eq!(ok.resets["y"], None);
        assert!(parse(r#"{"by_name":{"x":[true]}}"#).unwrap_err().contains("expected an object"));
        assert!(parse(r#"{"items":[[null]]}"#).unwrap_err().contains("invalid type: array"));
        assert!(parse(r#"{"resets":{"z":[null]}}"#).unwrap_err().contains("expected an object"));
        // serde's own derive would take the array: the reason these helpers exist
        assert_eq!(serde_json::from_str::<Inner>("[true]").unwrap(), Inner { a: Some(true) });
    }
}
