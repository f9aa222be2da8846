//! Turning database errors into API errors: constraint violations and bad values become 409/422
//! with the column named where it can be known; everything else is an internal error.

use sqlx::error::ErrorKind;

use crate::error::{Error, FieldErrors};

/// Classifies a database error, naming the first of `columns` the database mentioned.
pub(crate) fn classify_for(err: sqlx::Error, columns: &[&str]) -> Error {
    let sqlx::Error::Database(db_err) = &err else {
        return match err {
            sqlx::Error::RowNotFound => Error::NotFound("row not found".into()),
            other => Error::internal(other),
        };
    };
    let text = format!(
        "{} {}",
        db_err.message(),
        db_err.constraint().unwrap_or_default()
    );
    let column = pg_column(db_err.as_ref()).or_else(|| mentioned_column(&text, columns));
    let (conflict, what) = match db_err.kind() {
        ErrorKind::UniqueViolation => (true, "a row with this value already exists"),
        ErrorKind::ForeignKeyViolation => (
            true,
            "violates a foreign key: the referenced row does not exist or is still referenced",
        ),
        ErrorKind::NotNullViolation => (false, "must not be null"),
        ErrorKind::CheckViolation => (false, "violates a check constraint"),
        _ if is_bad_value(db_err.as_ref()) => (false, "invalid value for this column"),
        _ => return Error::internal(err),
    };
    let mut fields = FieldErrors::new();
    let message = match &column {
        Some(col) => {
            fields.insert(col.clone(), vec![what.to_owned()]);
            format!("{col}: {what}")
        }
        None => format!("{what} ({})", db_err.constraint().unwrap_or("constraint")),
    };
    if conflict {
        Error::Conflict { message, fields }
    } else {
        Error::Validation { message, fields }
    }
}

/// PostgreSQL names the column of a NOT NULL violation directly.
fn pg_column(err: &(dyn sqlx::error::DatabaseError + 'static)) -> Option<String> {
    err.try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .and_then(|e| e.column())
        .map(str::to_owned)
}

/// Data errors: values the column type rejects (bad number, date, enum value, too long...).
fn is_bad_value(err: &(dyn sqlx::error::DatabaseError + 'static)) -> bool {
    let code = err.code().unwrap_or_default();
    // Postgres SQLSTATE class 22 (data exception); MySQL 1264/1265/1292/1366/1406 and SQLSTATE 22*.
    code.starts_with("22")
        || matches!(code.as_ref(), "HY000" if err.message().contains("Incorrect"))
        || err.message().starts_with("Data too long")
        || err.message().starts_with("Incorrect")
        || err.message().starts_with("Out of range")
}

/// The longest column name that appears as a whole word in the database's message.
fn mentioned_column(text: &str, columns: &[&str]) -> Option<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .collect();
    let mut best: Option<&str> = None;
    for col in columns {
        let hit = words.iter().any(|w| {
            *w == *col
                || w.ends_with(&format!("_{col}"))
                || w.starts_with(&format!("{col}_"))
                || w.contains(&format!("_{col}_"))
        });
        if hit && best.is_none_or(|b| col.len() > b.len()) {
            best = Some(col);
        }
    }
    best.map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::mentioned_column;

    #[test]
    fn finds_columns_in_constraint_messages() {
        let cols = ["id", "price", "name", "unit_price"];
        assert_eq!(
            mentioned_column("CHECK constraint failed: price >= 0", &cols).as_deref(),
            Some("price")
        );
        assert_eq!(
            mentioned_column("NOT NULL constraint failed: products.name", &cols).as_deref(),
            Some("name")
        );
        assert_eq!(
            mentioned_column("violates check constraint products_unit_price_check", &cols)
                .as_deref(),
            Some("unit_price")
        );
        assert_eq!(mentioned_column("something else entirely", &cols), None);
    }
}
