//! The built rubbie SPA (`dist/`, committed), embedded and served: immutable caching for hashed
//! assets, `no-cache` + strong ETag for `index.html`, SPA fallback for extension-less paths,
//! 404 for missing assets, compression negotiated per request.
//!
//! For work on the SPA itself, `RUBBIE_VUE_DIST_DIR=/path/to/rubbie-vue/dist` makes the server read
//! the files from that folder on every request instead (a fresh `npm run build` shows without
//! recompiling Rust).
//!
//! The SPA never hard-codes its mount prefix: `index.html` carries `<base href="./" />`, which
//! is rewritten here to the prefix the request actually came through.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use axum::extract::{OriginalUri, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use include_dir::{Dir, include_dir};
use sha2::{Digest, Sha256};
use tower_http::compression::CompressionLayer;

static DIST: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/dist");

/// What `web/index.html` contains and the server rewrites to the real prefix.
const BASE_PLACEHOLDER: &str = r#"<base href="./" />"#;

/// A router serving the SPA for every path it is given (use it as the last merge/fallback).
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new().fallback(serve).layer(CompressionLayer::new())
}

/// The folder named by `RUBBIE_VUE_DIST_DIR`, read once.
fn dist_override() -> Option<&'static PathBuf> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| std::env::var_os("RUBBIE_VUE_DIST_DIR").map(PathBuf::from)).as_ref()
}

/// A file of the SPA with its ETag: from the override folder when set, else embedded.
fn dist_file(path: &str) -> Option<(Cow<'static, [u8]>, String)> {
    if let Some(dir) = dist_override() {
        // Paths come from URLs: never let one climb out of the folder.
        if path.split('/').any(|part| part == ".." || part.is_empty()) {
            return None;
        }
        let bytes = std::fs::read(dir.join(path)).ok()?;
        let tag = etag(&bytes);
        return Some((Cow::Owned(bytes), tag));
    }
    let file = DIST.get_file(path)?;
    let tag = file_etags().get(path).cloned().unwrap_or_else(|| etag(file.contents()));
    Some((Cow::Borrowed(file.contents()), tag))
}

fn etag(bytes: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(bytes))[..32])
}

/// Strong ETags of the embedded files, computed once.
fn file_etags() -> &'static HashMap<&'static str, String> {
    static ETAGS: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    ETAGS.get_or_init(|| {
        let mut map = HashMap::new();
        let mut stack = vec![&DIST];
        while let Some(dir) = stack.pop() {
            for file in dir.files() {
                if let Some(path) = file.path().to_str() {
                    map.insert(path, etag(file.contents()));
                }
            }
            stack.extend(dir.dirs());
        }
        map
    })
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn not_modified(headers: &HeaderMap, tag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
}

fn respond(
    headers: &HeaderMap,
    body: Vec<u8>,
    tag: String,
    content_type: &'static str,
    cache: &'static str,
) -> Response {
    let mut response = if not_modified(headers, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(body))
    };
    let ok = response.status() == StatusCode::OK;
    let h = response.headers_mut();
    if ok {
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(tag) = HeaderValue::from_str(&tag) {
        h.insert(header::ETAG, tag);
    }
    // The security headers (CSP, framing, sniffing...) are rubbie's, on every answer it sends.
    response
}

async fn serve(OriginalUri(original): OriginalUri, request: Request) -> Response {
    let inner = request.uri().path().to_owned();
    let outer = original.path();
    let path = inner.trim_start_matches('/');
    // Nested at "/admin", a request for "/admin" must become "/admin/" so relative URLs resolve.
    if path.is_empty() && !outer.ends_with('/') {
        return Redirect::permanent(&format!("{outer}/")).into_response();
    }
    if let Some((bytes, tag)) = dist_file(path).filter(|_| path != "index.html") {
        let cache = if path.starts_with("assets/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        return respond(request.headers(), bytes.into_owned(), tag, content_type(path), cache);
    }
    // Missing files are 404: anything under assets/, and dotted names at the top (favicon.ico).
    // Deeper dotted paths are SPA routes (a row key like 1.5 or an e-mail address).
    if path.starts_with("assets/") || (!path.contains('/') && path.contains('.') && path != "index.html") {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let index = dist_file("index.html").and_then(|(bytes, _)| String::from_utf8(bytes.into_owned()).ok());
    let Some(index) = index else {
        return (StatusCode::NOT_FOUND, "the rubbie SPA is not built: run scripts/build-web.sh").into_response();
    };
    let prefix = outer.strip_suffix(&inner).unwrap_or("");
    let html = index.replacen(BASE_PLACEHOLDER, &format!(r#"<base href="{}/" />"#, html_escape(prefix)), 1);
    let tag = etag(html.as_bytes());
    respond(request.headers(), html.into_bytes(), tag, "text/html; charset=utf-8", "no-cache")
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;")
}
