//! Serving the embedded SPA: caching, ETags, fallback, 404s, compression, base href.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::response::Response;
use http_body_util::BodyExt;
use tower::ServiceExt;

async fn get(app: &Router, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = Request::builder().uri(path);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    app.clone().oneshot(request.body(Body::empty()).unwrap()).await.unwrap()
}

async fn text(response: Response) -> String {
    String::from_utf8(response.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap()
}

fn nested() -> Router {
    Router::new().nest_service("/admin", rubbie_vue::router::<()>())
}

/// The hashed JS file the committed build references.
async fn script_path(app: &Router) -> String {
    let html = text(get(app, "/admin/", &[]).await).await;
    let start = html.find("assets/").expect("index.html references assets/");
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn index_is_revalidated_with_an_etag_and_carries_the_mount_prefix() {
    let app = nested();
    let index = get(&app, "/admin/", &[]).await;
    assert_eq!(index.status(), StatusCode::OK);
    assert_eq!(index.headers()[header::CACHE_CONTROL], "no-cache");
    assert_eq!(index.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
    let tag = index.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert!(tag.starts_with('"'), "strong ETag: {tag}");
    assert!(text(index).await.contains(r#"<base href="/admin/" />"#));
    let again = get(&app, "/admin/", &[("if-none-match", &tag)]).await;
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(text(again).await.is_empty());
    assert_eq!(get(&app, "/admin", &[]).await.headers()[header::LOCATION], "/admin/");
    assert_eq!(get(&app, "/admin/index.html", &[]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_missing_ones_are_404() {
    let app = nested();
    let script = script_path(&app).await;
    let js = get(&app, &format!("/admin/{script}"), &[]).await;
    assert_eq!(js.status(), StatusCode::OK);
    assert_eq!(js.headers()[header::CACHE_CONTROL], "public, max-age=31536000, immutable");
    assert_eq!(js.headers()[header::CONTENT_TYPE], "text/javascript; charset=utf-8");
    let tag = js.headers()[header::ETAG].to_str().unwrap().to_owned();
    assert_eq!(
        get(&app, &format!("/admin/{script}"), &[("if-none-match", &tag)]).await.status(),
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(get(&app, "/admin/assets/nope-123.js", &[]).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(get(&app, "/admin/favicon.ico", &[]).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn spa_routes_fall_back_to_index_html() {
    let app = nested();
    for path in ["/admin/tables/customers", "/admin/tables/customers/rows/ann@example.com", "/admin/login?redirect=x"] {
        let response = get(&app, path, &[]).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert!(text(response).await.contains(r#"<base href="/admin/" />"#), "{path}");
    }
}

#[tokio::test]
async fn responses_are_compressed_when_the_client_accepts_it() {
    let app = nested();
    let script = script_path(&app).await;
    let js = get(&app, &format!("/admin/{script}"), &[("accept-encoding", "gzip")]).await;
    assert_eq!(js.headers()[header::CONTENT_ENCODING], "gzip");
    assert!(js.headers()[header::VARY].to_str().unwrap().to_lowercase().contains("accept-encoding"));
}

#[tokio::test]
async fn at_the_root_the_base_is_slash() {
    let app: Router = Router::new().merge(rubbie_vue::router::<()>());
    assert!(text(get(&app, "/", &[]).await).await.contains(r#"<base href="/" />"#));
}
