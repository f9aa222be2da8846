//! One error type for the whole API, rendered as the JSON error shape of the HTTP contract.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Field name → messages, for errors that concern particular columns or inputs.
pub type FieldErrors = BTreeMap<String, Vec<String>>;

/// Everything that can go wrong in a rubbie request.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed input: bad JSON, bad query parameters, unknown columns or operators.
    #[error("{0}")]
    BadRequest(String),
    /// Well-formed input that breaks a rule (type, constraint); may name fields.
    #[error("{message}")]
    Validation {
        /// Human summary.
        message: String,
        /// Per-field messages.
        fields: FieldErrors,
    },
    /// A uniqueness or reference conflict with what is stored.
    #[error("{message}")]
    Conflict {
        /// Human summary.
        message: String,
        /// Per-field messages.
        fields: FieldErrors,
    },
    /// Rows of an import that cannot be written (nothing was written).
    #[error("{message}")]
    Import {
        /// Human summary.
        message: String,
        /// What is wrong, row by row.
        problems: Vec<RowProblem>,
    },
    /// Not signed in, or bad credentials.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// A cookie-authenticated unsafe request without the right `X-CSRF-Token`.
    #[error("missing or invalid X-CSRF-Token header")]
    Csrf,
    /// No such table, row or resource.
    #[error("{0}")]
    NotFound(String),
    /// A request body over the configured size.
    #[error("{0}")]
    TooLarge(String),
    /// Too many attempts; retry later.
    #[error("{0}")]
    RateLimited(String),
    /// A statement the database refused (syntax, types, a write in read mode), with where it
    /// went wrong when the database says.
    #[error("{message}")]
    Sql {
        /// The database's message.
        message: String,
        /// The SQLSTATE (or MySQL error number).
        sqlstate: Option<String>,
        /// Line of the submitted SQL, from 1.
        line: Option<u32>,
        /// Column on that line, from 1.
        column: Option<u32>,
    },
    /// A statement that ran past its time limit (and was stopped).
    #[error("{0}")]
    Timeout(String),
    /// A statement stopped because someone cancelled it.
    #[error("{0}")]
    Cancelled(String),
    /// The database cannot be reached (down, restarting, pool exhausted past its wait); the
    /// request may be retried.
    #[error("{0}")]
    Unavailable(String),
    /// A database error not yet classified (constraint violations become 409/422).
    #[error("database error")]
    Database(#[from] sqlx::Error),
    /// Anything unexpected: logged, never echoed.
    #[error("internal error")]
    Internal(String),
}

/// `Result` with rubbie's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A validation error naming one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Error::Validation {
            message: format!("{field}: {message}"),
            fields: BTreeMap::from([(field.to_owned(), vec![message])]),
        }
    }

    /// A validation error for several fields; the message lists them after `context`.
    pub fn fields(context: &str, fields: FieldErrors) -> Self {
        let summary = fields.iter().map(|(k, v)| format!("{k}: {}", v.join(", "))).collect::<Vec<_>>().join("; ");
        let message = if context.is_empty() { summary } else { format!("{context}: {summary}") };
        Error::Validation { message, fields }
    }

    /// A conflict with the current state, naming no field.
    pub fn conflict(message: impl Into<String>) -> Self {
        Error::Conflict { message: message.into(), fields: FieldErrors::new() }
    }

    /// An internal error from anything displayable; the detail is logged, not returned.
    pub fn internal(err: impl std::fmt::Display) -> Self {
        Error::Internal(err.to_string())
    }

    /// Classifies a database error, naming the first of `columns` the database mentions.
    pub(crate) fn with_columns(self, columns: &[&str]) -> Self {
        match self {
            Error::Database(err) => crate::db::errors::classify_for(err, columns),
            other => other,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status_code(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) | Error::Sql { .. } => StatusCode::BAD_REQUEST,
            Error::Timeout(_) => StatusCode::REQUEST_TIMEOUT,
            Error::Cancelled(_) => StatusCode::CONFLICT,
            Error::Validation { .. } | Error::Import { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::Conflict { .. } => StatusCode::CONFLICT,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) | Error::Csrf => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) | Error::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code in the error body.
    pub fn code(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "bad_request",
            Error::Validation { .. } | Error::Import { .. } => "validation",
            Error::Conflict { .. } => "conflict",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden(_) => "forbidden",
            Error::Csrf => "csrf",
            Error::NotFound(_) => "not_found",
            Error::RateLimited(_) => "rate_limited",
            Error::Sql { .. } => "sql",
            Error::Timeout(_) => "timeout",
            Error::Cancelled(_) => "cancelled",
            Error::TooLarge(_) => "too_large",
            Error::Unavailable(_) => "unavailable",
            Error::Internal(_) | Error::Database(_) => "internal",
        }
    }
}

/// The JSON error body: `{"error": {"code", "message", "fields"?}}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// The error itself.
    pub error: ErrorDetail,
}

/// The inside of [`ErrorBody`].
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code: `bad_request`, `validation`, `conflict`, `unauthorized`, `forbidden`, `csrf`,
    /// `not_found`, `too_large`, `rate_limited`, `unavailable`, `internal`; from the SQL runner
    /// also `sql`, `timeout`, `cancelled`.
    pub code: String,
    /// Human-readable message.
    pub message: String,
    /// Messages per field (column or input name), when the error concerns fields.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<HashMap<String, Vec<String>>>)]
    pub fields: Option<FieldErrors>,
    /// For imports: what is wrong with which rows (at most 100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problems: Option<Vec<RowProblem>>,
    /// For `sql` errors: where the database says the statement went wrong, and its error code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sql: Option<SqlErrorAt>,
}

/// Where a refused statement went wrong.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SqlErrorAt {
    /// The SQLSTATE (PostgreSQL, SQLite's result code) or MySQL's error number.
    pub sqlstate: Option<String>,
    /// Line of the submitted SQL, from 1.
    pub line: Option<u32>,
    /// Column on that line, from 1.
    pub column: Option<u32>,
}

/// One problem of an imported row.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowProblem {
    /// The data row, counting from 1 (CSV: after the header; JSON: the array element).
    pub row: u64,
    /// The line of the file where the row starts (CSV and NDJSON).
    pub line: Option<u64>,
    /// The column concerned, when known.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let this = self.with_columns(&[]);
        let problems = match &this {
            Error::Import { problems, .. } => Some(problems.clone()),
            _ => None,
        };
        let (message, fields) = match &this {
            Error::Internal(detail) => {
                tracing::error!(%detail, "rubbie internal error");
                ("internal error".to_owned(), None)
            }
            Error::Validation { message, fields } | Error::Conflict { message, fields } => {
                (message.clone(), (!fields.is_empty()).then(|| fields.clone()))
            }
            other => (other.to_string(), None),
        };
        let sql = match &this {
            Error::Sql { sqlstate, line, column, .. } => {
                Some(SqlErrorAt { sqlstate: sqlstate.clone(), line: *line, column: *column })
            }
            _ => None,
        };
        let body = ErrorBody { error: ErrorDetail { code: this.code().to_owned(), message, fields, problems, sql } };
        (this.status_code(), axum::Json(body)).into_response()
    }
}
