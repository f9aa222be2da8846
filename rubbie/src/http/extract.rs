//! Extractors that answer malformed input with the JSON error shape instead of axum's plain text.

use axum::extract::FromRequest;
use axum::extract::FromRequestParts;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::response::{IntoResponse, Response};

use crate::error::Error;

/// `axum::Json` with rubbie's errors; also the JSON response type. Every body rubbie takes is
/// a JSON object, and one that is not is refused here: serde would otherwise read a struct from
/// an array of its fields (`[true, null]`), which no schema allows.
pub(crate) struct Json<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Error> {
        let is_json = req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
            .is_some_and(|m| m == "application/json" || (m.starts_with("application/") && m.ends_with("+json")));
        if !is_json {
            return Err(Error::BadRequest("expected a JSON body with Content-Type: application/json".into()));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|e| match e.status() {
            axum::http::StatusCode::PAYLOAD_TOO_LARGE => Error::TooLarge(e.body_text()),
            _ => Error::BadRequest(format!("unreadable body: {}", e.body_text())),
        })?;
        if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(Error::BadRequest("invalid JSON body: expected a JSON object".into()));
        }
        if has_nul_escape(&bytes) {
            return Err(Error::BadRequest("invalid JSON body: text may not contain U+0000 (\\u0000)".into()));
        }
        Ok(Json(axum::Json::<T>::from_bytes(&bytes)?.0))
    }
}

/// Whether a JSON text holds the escape `\u0000`. PostgreSQL cannot store that character in
/// text, so rubbie takes it nowhere (on every backend alike) rather than fail on one; JSON
/// cannot carry it unescaped. Backslashes occur only in strings, each starting an escape.
fn has_nul_escape(json: &[u8]) -> bool {
    let mut i = 0;
    while let Some(at) = json[i..].iter().position(|&b| b == b'\\') {
        let escape = i + at;
        if json[escape + 1..].starts_with(b"u0000") {
            return true;
        }
        i = escape + 2; // past the escaped character, so `\\u0000` is text, not an escape
        if i >= json.len() {
            return false;
        }
    }
    false
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Query` with rubbie's errors.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub(crate) struct Query<T>(pub T);

/// `axum::extract::Path` with rubbie's errors.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub(crate) struct Path<T>(pub T);

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::MissingJsonContentType(_) => {
                Error::BadRequest("expected a JSON body with Content-Type: application/json".into())
            }
            other => Error::BadRequest(format!("invalid JSON body: {}", other.body_text())),
        }
    }
}

impl From<QueryRejection> for Error {
    fn from(rejection: QueryRejection) -> Self {
        Error::BadRequest(format!("invalid query parameters: {}", rejection.body_text()))
    }
}

impl From<PathRejection> for Error {
    fn from(rejection: PathRejection) -> Self {
        Error::BadRequest(format!("invalid path: {}", rejection.body_text()))
    }
}

/// A JSON response whose body is already serialised (rows built by the database).
pub(crate) struct RawJson(pub String);

impl IntoResponse for RawJson {
    fn into_response(self) -> Response {
        ([(axum::http::header::CONTENT_TYPE, "application/json")], self.0).into_response()
    }
}

/// The path prefix rubbie is mounted under (`/admin`, or empty at the root), from the request's
/// original URI minus the path the nested router sees.
pub(crate) struct MountPrefix(pub String);

impl<S: Send + Sync> FromRequestParts<S> for MountPrefix {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let inner = parts.uri.path();
        let outer = parts.extensions.get::<axum::extract::OriginalUri>().map(|o| o.0.path()).unwrap_or(inner);
        Ok(MountPrefix(outer.strip_suffix(inner).unwrap_or_default().to_owned()))
    }
}

/// What the signed-in user may do; an admin may send `X-Rubbie-View-As: <role>` to browse as
/// that role (to check its rules).
pub(crate) struct RequestAccess(pub crate::permissions::Access);

impl FromRequestParts<crate::state::AppState> for RequestAccess {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::state::AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = parts
            .extensions
            .get::<crate::auth::CurrentUser>()
            .cloned()
            .ok_or_else(|| Error::Unauthorized("sign in first".into()))?;
        let view_as = parts.headers.get("x-rubbie-view-as").and_then(|v| v.to_str().ok()).filter(|v| !v.is_empty());
        Ok(RequestAccess(crate::permissions::Access::of(state.db(), &user, view_as).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::has_nul_escape;

    #[test]
    fn nul_escapes_are_found_and_escaped_backslashes_are_not() {
        assert!(has_nul_escape(br#"{"a": "x\u0000y"}"#));
        assert!(has_nul_escape(br#"{"a": "\\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"a": "\\u0000"}"#));
        assert!(!has_nul_escape(br#"{"a": "\u0001 \n"}"#));
        assert!(!has_nul_escape(br#"{"a": "\\"}"#));
        assert!(!has_nul_escape(b"{\"a\": \"\\"));
        assert!(!has_nul_escape(b"{}"));
    }
}
