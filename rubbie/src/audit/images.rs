//! Row images as the log stores them: the row's JSON object with hidden columns and columns
//! whose names say they hold secrets replaced by a marker, so the log never holds them in clear
//! (and a revert leaves them as they are).

use serde_json::{Map, Value as Json};

use crate::db::schema::Table;
use crate::error::{Error, Result};
use crate::redact::REDACTED;

/// Whether the log keeps `column`'s values out of its images.
pub(crate) fn is_withheld(table: &Table, column: &str) -> bool {
    table.column(column).is_some_and(|c| c.hidden) || crate::redact::is_secret_key(column)
}

/// The image of a row given as the database's JSON text.
pub(crate) fn of_text(table: &Table, row: &str) -> Result<Map<String, Json>> {
    let map: Map<String, Json> = serde_json::from_str(row).map_err(Error::internal)?;
    Ok(of_map(table, map))
}

/// The image of a row given as a JSON object.
pub(crate) fn of_map(table: &Table, mut map: Map<String, Json>) -> Map<String, Json> {
    for (name, value) in map.iter_mut() {
        if is_withheld(table, name) && !value.is_null() {
            *value = Json::String(REDACTED.to_owned());
        }
    }
    map
}

/// Whether a stored image value is the marker of a withheld column.
pub(crate) fn is_marker(value: &Json) -> bool {
    value.as_str() == Some(REDACTED)
}

/// The URL segment of a row's key (as in `/rows/{pk}`), from its image.
pub(crate) fn row_key(table: &Table, image: &Map<String, Json>) -> String {
    let values: Vec<String> = table
        .primary_key
        .iter()
        .map(|c| match image.get(c) {
            Some(Json::String(s)) => s.clone(),
            Some(Json::Null) | None => String::new(),
            Some(other) => other.to_string(),
        })
        .collect();
    if let [only] = values.as_slice() {
        return only.clone(); // a single key is used as is, unescaped
    }
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    crate::query::pk::encode(&values)
}

/// A short text naming a row for the summary: its display column, else its key.
pub(crate) fn label(table: &Table, image: &Map<String, Json>, key: &str) -> String {
    let shown = table
        .display_column
        .as_ref()
        .and_then(|c| image.get(c))
        .and_then(|v| v.as_str().map(str::to_owned).or_else(|| (!v.is_null()).then(|| v.to_string())));
    match shown {
        Some(text) if !is_withheld(table, table.display_column.as_deref().unwrap_or_default()) => {
            format!("{} {key} ({})", table.name, text.chars().take(80).collect::<String>())
        }
        _ => format!("{} {key}", table.name),
    }
}

/// The entry of one row change: `before` and `after` are the row as the database's JSON text
/// (none for an insert's before and a delete's after).
pub(crate) fn row_entry(
    action: &'static str,
    table: &Table,
    before: Option<&str>,
    after: Option<&str>,
) -> Result<super::Entry> {
    let decode = |row: &str| serde_json::from_str::<Map<String, Json>>(row).map_err(Error::internal);
    let (before, after) = (before.map(decode).transpose()?, after.map(decode).transpose()?);
    // What changed is read before withholding: a changed secret shows as changed, not its value.
    let changed = changed_of(&before, &after);
    Ok(build(action, table, before.map(|m| of_map(table, m)), after.map(|m| of_map(table, m)), changed))
}

/// [`row_entry`] for images already decoded (and withheld).
pub(crate) fn row_entry_of(
    action: &'static str,
    table: &Table,
    before: Option<Map<String, Json>>,
    after: Option<Map<String, Json>>,
) -> super::Entry {
    let changed = changed_of(&before, &after);
    build(action, table, before, after, changed)
}

fn changed_of(before: &Option<Map<String, Json>>, after: &Option<Map<String, Json>>) -> Vec<String> {
    super::changed_in(before.as_ref(), after.as_ref())
}

fn build(
    action: &'static str,
    table: &Table,
    before: Option<Map<String, Json>>,
    after: Option<Map<String, Json>>,
    changed: Vec<String>,
) -> super::Entry {
    let shown = after.as_ref().or(before.as_ref()).cloned().unwrap_or_default();
    let key = (!table.primary_key.is_empty()).then(|| row_key(table, &shown));
    let verb = match action {
        "insert" => "Inserted",
        "update" => "Updated",
        "delete" => "Deleted",
        other => other,
    };
    let mut summary = format!("{verb} {}", label(table, &shown, key.as_deref().unwrap_or("(no key)")));
    if action == "update" {
        let names: Vec<&str> = changed.iter().take(5).map(String::as_str).collect();
        summary = match changed.len() {
            0 => format!("{summary} (no change)"),
            n if n > 5 => format!("{summary}: {} and {} more", names.join(", "), n - 5),
            _ => format!("{summary}: {}", names.join(", ")),
        };
    }
    let mut entry = super::Entry::new(super::Category::Row, action, summary).table(table.name.clone());
    entry.row_key = key;
    entry.before = before.map(Json::Object);
    entry.after = after.map(Json::Object);
    entry.changed = Some(changed);
    entry
}
