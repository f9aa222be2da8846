//! Saved views: per user, checked against the table, shareable, changed only by their owner.

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, assert_error, put_rule, user};
use serde_json::json;

const VIEWS: &str = "/admin/api/v1/tables/gadgets/views";

#[tokio::test]
async fn views_are_saved_checked_shared_and_owned() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        let body = json!({"name": "Heavy tools", "where": {"weight": {"_gt": 1}}, "order_by": "-price",
                          "columns": ["name", "price"], "search": " "});
        let created = admin.send(Method::POST, VIEWS, Some(body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{b:?}: {}", created.text);
        let v = &created.json;
        assert_eq!(v["name"], "Heavy tools");
        assert_eq!(v["where"], json!({"weight": {"_gt": 1}}));
        assert_eq!(v["search"], json!(null), "{b:?}: blank search is no search");
        assert_eq!(
            (v["shared"].clone(), v["mine"].clone(), v["owner"].clone()),
            (json!(false), json!(true), json!("admin"))
        );
        let id = v["id"].as_i64().unwrap();

        let again = admin.send(Method::POST, VIEWS, Some(json!({"name": "Heavy tools"}))).await;
        assert_error(&again, StatusCode::CONFLICT, "conflict");
        assert!(again.json["error"]["fields"]["name"].is_array());
        let bad_column =
            admin.send(Method::POST, VIEWS, Some(json!({"name": "x", "where": {"colour": {"_eq": 1}}}))).await;
        assert_error(&bad_column, StatusCode::BAD_REQUEST, "bad_request");
        let bad_sort = admin.send(Method::POST, VIEWS, Some(json!({"name": "x", "order_by": "nope"}))).await;
        assert_error(&bad_sort, StatusCode::BAD_REQUEST, "bad_request");
        let no_name = admin.send(Method::POST, VIEWS, Some(json!({"where": {}}))).await;
        assert_error(&no_name, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        let unknown_field = admin.send(Method::POST, VIEWS, Some(json!({"name": "x", "colour": 1}))).await;
        assert_eq!(unknown_field.status.as_u16() / 100, 4, "{b:?}: {}", unknown_field.text);

        // Another user sees it only once it is shared, and cannot change it.
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "viewer"}))).await;
        put_rule(&mut admin, "viewer", "gadgets", "select", json!({})).await;
        let mut viewer = user(&mut admin, &t.db, "vera", "viewer").await;
        assert_eq!(viewer.get(VIEWS).await.json["views"], json!([]), "{b:?}");
        assert_error(&viewer.get(&format!("{VIEWS}/{id}")).await, StatusCode::NOT_FOUND, "not_found");
        let shared = admin.send(Method::PATCH, &format!("{VIEWS}/{id}"), Some(json!({"shared": true}))).await;
        assert_eq!(shared.json["shared"], true, "{b:?}: {}", shared.text);
        assert_eq!(shared.json["order_by"], "-price", "{b:?}: a PATCH keeps what it does not name");
        let seen = viewer.get(VIEWS).await.json;
        assert_eq!(seen["views"][0]["name"], "Heavy tools", "{b:?}");
        assert_eq!(seen["views"][0]["mine"], false);
        let change = viewer.send(Method::PATCH, &format!("{VIEWS}/{id}"), Some(json!({"name": "Mine now"}))).await;
        assert_error(&change, StatusCode::FORBIDDEN, "forbidden");
        assert_error(
            &viewer.send(Method::DELETE, &format!("{VIEWS}/{id}"), None).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        let own = viewer.send(Method::POST, VIEWS, Some(json!({"name": "Heavy tools", "order_by": "name"}))).await;
        assert_eq!(own.status, StatusCode::CREATED, "{b:?}: names are unique per owner: {}", own.text);
        assert_eq!(viewer.get(VIEWS).await.json["views"].as_array().unwrap().len(), 2);
        assert_eq!(admin.get(VIEWS).await.json["views"].as_array().unwrap().len(), 1, "{b:?}: vera's is private");

        // Clearing parts, then deleting.
        let cleared =
            admin.send(Method::PATCH, &format!("{VIEWS}/{id}"), Some(json!({"where": {}, "columns": []}))).await;
        assert_eq!(
            (cleared.json["where"].clone(), cleared.json["columns"].clone()),
            (json!(null), json!(null)),
            "{b:?}"
        );
        assert_eq!(admin.send(Method::DELETE, &format!("{VIEWS}/{id}"), None).await.status, StatusCode::NO_CONTENT);
        assert_error(&admin.get(&format!("{VIEWS}/{id}")).await, StatusCode::NOT_FOUND, "not_found");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_view_may_only_use_what_the_role_reads() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "viewer"}))).await;
        put_rule(&mut admin, "viewer", "gadgets", "select", json!({"columns": ["id", "name"]})).await;
        let mut viewer = user(&mut admin, &t.db, "vera", "viewer").await;
        let hidden = viewer.send(Method::POST, VIEWS, Some(json!({"name": "x", "order_by": "price"}))).await;
        assert_error(&hidden, StatusCode::FORBIDDEN, "forbidden");
        let makers = viewer.get("/admin/api/v1/tables/makers/views").await;
        assert_error(&makers, StatusCode::NOT_FOUND, "not_found");
        t.cleanup().await;
    }
}
