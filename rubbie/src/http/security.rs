//! The browser security headers on every answer rubbie sends — the SPA, Swagger UI and the API
//! alike (after OWASP ASVS 5.0, V3.4): a Content-Security-Policy that allows scripts from rubbie's
//! own origin only, no framing by other sites, no content sniffing, no referrer sent elsewhere, and
//! no powerful browser features. A host that wants another policy sets its own header in a layer
//! outside rubbie's router; that one wins.

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// Scripts, connections, fonts and workers from this origin only; images also from `data:`
/// (the favicon, Swagger UI's icons) and `blob:` (exports); no plugins, no `<base>` or form
/// target elsewhere, no framing. Styles allow `'unsafe-inline'`: CodeMirror (the SQL and JSON
/// editors) and Swagger UI inject `<style>` elements, and a style cannot run script.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; \
    connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; \
    form-action 'self'; frame-ancestors 'none'";

/// Browser features the console never uses, switched off for it and anything it could embed.
pub(crate) const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
    serial=(), bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()";

/// Adds the headers to `response` (the middleware of `rubbie::router`).
pub(crate) async fn headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static(PERMISSIONS_POLICY));
    response
}
