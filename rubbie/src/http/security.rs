//! The browser security headers on every answer rubbie sends — the SPA, Swagger UI and the API
//! alike (after OWASP ASVS 5.0, V3.4): a Content-Security-Policy that allows scripts from rubbie's
//! own origin only, no framing by other sites, no content sniffing, no referrer sent elsewhere, and
//! no powerful browser features. A host that wants another policy sets its own header in a layer
//! outside rubbie's router; that one wins.

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// Scripts, connections, fonts and workers from this origin only; images also from `data:`
/// (the favicon, Swagger UI's icons) and `blob:` (exports); no plugins, no `<base>` elsewhere,
/// no framing. Styles allow `'unsafe-inline'`: CodeMirror (the SQL and JSON editors) and Swagger
/// UI inject `<style>` elements, and a style cannot run script. Forms go to this origin only,
/// and to the origin of the host's sign-out page when that is elsewhere (a single sign-on).
pub(crate) fn content_security_policy(host_sign_out_url: Option<&str>) -> String {
    let form_action = match host_sign_out_url.and_then(origin) {
        Some(origin) => format!("'self' {origin}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; base-uri 'self'; \
         form-action {form_action}; frame-ancestors 'none'"
    )
}

/// `https://host[:port]` of an absolute http(s) URL made only of characters a policy can carry.
fn origin(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host_len = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = &url[..url.len() - rest.len() + host_len];
    let host = &rest[..host_len];
    let plain = !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    plain.then_some(origin)
}

/// Browser features the console never uses, switched off for it and anything it could embed.
pub(crate) const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), \
    serial=(), bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()";

/// Adds the headers, with the policy made once for the router, to `response`.
pub(crate) fn headers(mut response: Response, policy: &HeaderValue) -> Response {
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, policy.clone());
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("permissions-policy", HeaderValue::from_static(PERMISSIONS_POLICY));
    response
}

#[cfg(test)]
mod tests {
    use super::{content_security_policy, origin};

    #[test]
    fn forms_may_go_to_the_origin_of_an_outside_sign_out_page_only() {
        assert!(content_security_policy(None).contains("form-action 'self';"));
        assert!(content_security_policy(Some("/demo/sign-out")).contains("form-action 'self';"));
        let sso = content_security_policy(Some("https://sso.example.com:8443/logout?app=shop"));
        assert!(sso.contains("form-action 'self' https://sso.example.com:8443;"), "{sso}");
        assert_eq!(origin("http://[::1]:9000/out"), Some("http://[::1]:9000"));
        assert_eq!(origin("https://evil.example; script-src *"), None);
        assert_eq!(origin("https:///path"), None);
        assert_eq!(origin("javascript:alert(1)"), None);
    }
}
