//! Whether a rule fits a table: the checks every way of storing a rule goes through (one
//! rule, an import, a metadata document).

use super::{Operation, Rule};
use crate::db::Backend;
use crate::db::schema::Schema;
use crate::error::{Error, Result};

/// Checks a rule against the table: known columns, filters and checks that compile, presets of
/// the right type, and only the parts that mean something for the operation.
pub(crate) fn validate(backend: Backend, schema: &Schema, table: &str, op: Operation, rule: &Rule) -> Result<()> {
    let table = schema.table(table).ok_or_else(|| Error::NotFound(format!("no table named {table:?}")))?;
    let invalid = |field: &str, message: String| Error::field(field, message);
    if let super::Columns::Some(columns) = &rule.columns
        && let Some(unknown) = columns.iter().find(|c| table.column(c).is_none())
    {
        return Err(invalid("columns", format!("unknown column {unknown:?} of {}", table.name)));
    }
    let applies = |field: &str, ops: &[Operation]| -> Result<()> {
        if ops.contains(&op) { Ok(()) } else { Err(invalid(field, format!("does not apply to {}", op.as_str()))) }
    };
    // Placeholder session values: the rule must compile for any user.
    let vars = super::SessionVars { user_id: 0, username: String::new(), role: String::new() };
    if let Some(filter) = &rule.filter {
        applies("filter", &[Operation::Select, Operation::Update, Operation::Delete])?;
        crate::query::filter::compile(backend, schema, table, &vars.substitute(filter))
            .map_err(|e| invalid("filter", e.to_string()))?;
    }
    if let Some(check) = &rule.check {
        applies("check", &[Operation::Insert, Operation::Update])?;
        crate::query::filter::compile(backend, schema, table, &vars.substitute(check))
            .map_err(|e| invalid("check", e.to_string()))?;
    }
    if !rule.presets.is_empty() {
        applies("presets", &[Operation::Insert, Operation::Update])?;
        for (column, value) in &rule.presets {
            let c = table.column(column).ok_or_else(|| invalid("presets", format!("unknown column {column:?}")))?;
            crate::db::values::bind(backend, c, &vars.substitute(value))
                .map_err(|m| invalid("presets", format!("{column}: {m}")))?;
        }
    }
    if rule.limit.is_some() {
        applies("limit", &[Operation::Select])?;
    }
    Ok(())
}
