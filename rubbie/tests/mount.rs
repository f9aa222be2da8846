//! rubbie mounts under a prefix or at the root, serving the API, Swagger UI and the SPA with the
//! right `<base href>`; its OpenAPI document is snapshotted.

mod common;

use axum::Router;
use axum::http::StatusCode;
use common::{Client, TestDb, assert_error};

async fn check_mount(app: Router, prefix: &str) {
    let mut client = Client::new(app);
    let index = client.get(&format!("{prefix}/")).await;
    assert_eq!(index.status, StatusCode::OK);
    assert!(
        index.text.contains(&format!(r#"<base href="{prefix}/" />"#)),
        "{}",
        &index.text[..200.min(index.text.len())]
    );
    // Deep links of the SPA fall back to index.html; missing assets are 404.
    let deep = client.get(&format!("{prefix}/tables/customers/rows/7")).await;
    assert_eq!(deep.status, StatusCode::OK);
    assert!(deep.text.contains(&format!(r#"<base href="{prefix}/" />"#)));
    assert_eq!(client.get(&format!("{prefix}/assets/missing-1234.js")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(client.get(&format!("{prefix}/api/v1/health")).await.json["status"], "ok");
    assert_error(&client.get(&format!("{prefix}/api/v1/tables")).await, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_error(&client.get(&format!("{prefix}/api/nothing")).await, StatusCode::NOT_FOUND, "not_found");
    let docs = client.get(&format!("{prefix}/api/docs/")).await;
    assert_eq!(docs.status, StatusCode::OK);
    assert!(docs.text.contains("swagger"), "Swagger UI page");
    let config = client.get(&format!("{prefix}/api/docs/swagger-initializer.js")).await;
    assert!(config.text.contains("../openapi.json"), "Swagger UI loads the document relatively: {}", config.text);
    let spec = client.get(&format!("{prefix}/api/openapi.json")).await;
    let server = if prefix.is_empty() { "/" } else { prefix };
    assert_eq!(spec.json["servers"][0]["url"], server);
    // The browser security headers are on every kind of answer: the SPA, an asset, Swagger UI,
    // the API, its errors.
    let asset = index.text.split("src=\"./").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    for path in ["/", "/tables/customers", &format!("/{asset}"), "/api/docs/", "/api/v1/health", "/api/v1/tables"] {
        let reply = client.get(&format!("{prefix}{path}")).await;
        assert_security_headers(&reply, path);
    }
}

fn assert_security_headers(reply: &common::Reply, path: &str) {
    let h = &reply.headers;
    let csp = h["content-security-policy"].to_str().unwrap();
    for directive in
        ["default-src 'self'", "script-src 'self';", "object-src 'none'", "base-uri 'self'", "frame-ancestors 'none'"]
    {
        assert!(csp.contains(directive), "{path}: {directive} missing from {csp}");
    }
    assert!(
        !csp.contains("unsafe-eval")
            && !csp.split(';').any(|d| d.contains("script-src") && d.contains("unsafe-inline"))
    );
    assert_eq!(h["x-frame-options"], "DENY", "{path}");
    assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
    assert_eq!(h["referrer-policy"], "same-origin", "{path}");
    assert!(h["permissions-policy"].to_str().unwrap().contains("camera=()"), "{path}");
}

#[tokio::test]
async fn mounts_under_a_prefix_and_at_the_root() {
    let t = TestDb::sqlite().await;
    check_mount(Router::new().nest_service("/admin", rubbie::router(rubbie::Config::new(t.db.clone()))), "/admin")
        .await;
    check_mount(
        Router::new().nest_service("/ops/console", rubbie::router(rubbie::Config::new(t.db.clone()))),
        "/ops/console",
    )
    .await;
    check_mount(Router::new().merge(rubbie::router(rubbie::Config::new(t.db.clone()))), "").await;
    // A host with its own state nests rubbie's router all the same.
    #[derive(Clone)]
    struct HostState;
    let hosted: Router = Router::new()
        .route("/hello", axum::routing::get(|| async { "hi" }))
        .with_state(HostState)
        .nest_service("/admin", rubbie::router(rubbie::Config::new(t.db.clone())));
    check_mount(hosted, "/admin").await;
    t.cleanup().await;
}

#[tokio::test]
async fn cors_allows_only_the_configured_origin_with_credentials() {
    let t = TestDb::sqlite().await;
    let app = common::app_with(rubbie::Config::new(t.db.clone()).cors_origin("http://localhost:5173"));
    let preflight = |origin: &'static str| {
        axum::http::Request::builder()
            .method("OPTIONS")
            .uri("/admin/api/v1/tables")
            .header("origin", origin)
            .header("access-control-request-method", "PATCH")
            .header("access-control-request-headers", "x-csrf-token,content-type")
            .body(axum::body::Body::empty())
            .unwrap()
    };
    use tower::ServiceExt;
    let ok = app.clone().oneshot(preflight("http://localhost:5173")).await.unwrap();
    assert_eq!(ok.headers()["access-control-allow-origin"], "http://localhost:5173");
    assert_eq!(ok.headers()["access-control-allow-credentials"], "true");
    let other = app.oneshot(preflight("http://evil.example")).await.unwrap();
    // The configured origin is all the header ever says; the browser refuses any other.
    assert_ne!(
        other.headers().get("access-control-allow-origin").map(|v| v.to_str().unwrap()),
        Some("http://evil.example")
    );
    t.cleanup().await;
}

#[test]
fn openapi_document_snapshot() {
    let doc = rubbie::openapi::document(None);
    let json: serde_json::Value = serde_json::from_str(&doc.to_json().unwrap()).unwrap();
    assert_eq!(json["openapi"], "3.1.0");
    insta::assert_json_snapshot!("openapi", json);
}

/// Generated clients name their functions after operation ids: two handlers with the same name
/// in different modules would collide (and the SPA's types would merge them).
#[test]
fn operation_ids_are_unique() {
    let doc = rubbie::openapi::document(None);
    let json: serde_json::Value = serde_json::from_str(&doc.to_json().unwrap()).unwrap();
    let mut seen = std::collections::BTreeMap::new();
    for (path, item) in json["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if let Some(id) = op["operationId"].as_str()
                && let Some(other) = seen.insert(id.to_owned(), format!("{method} {path}"))
            {
                panic!("operationId {id} is used by {other} and {method} {path}");
            }
        }
    }
}
