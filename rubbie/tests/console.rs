//! The console's own areas: feature flags (and the host's cached reads), settings with
//! redaction, and the explorer's history and saved requests, on every configured backend.

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, app_with, assert_error};
use serde_json::json;

#[tokio::test]
async fn flags_are_managed_and_the_host_sees_changes_at_once() {
    for t in TestDb::all().await {
        let b = t.backend();
        rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
        let config = rubbie::Config::new(t.db.clone());
        let flags = config.flags();
        let mut c = Client::new(app_with(config));
        c.login(common::ADMIN.0, common::ADMIN.1).await;
        assert!(!flags.is_enabled("shop.maintenance").await, "unknown flags are off");

        let created = c
            .send(
                Method::POST,
                "/admin/api/v1/flags",
                Some(json!({"name": "shop.maintenance", "description": "Close the shop"})),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{b:?}: {}", created.text);
        assert_eq!(created.json["enabled"], false);
        assert_eq!(created.json["updated_by"], common::ADMIN.0);
        assert!(!flags.is_enabled("shop.maintenance").await);

        let on = c.send(Method::PATCH, "/admin/api/v1/flags/shop.maintenance", Some(json!({"enabled": true}))).await;
        assert_eq!(on.status, StatusCode::OK, "{b:?}: {}", on.text);
        assert_eq!(on.json["enabled"], true);
        assert_eq!(on.json["description"], "Close the shop", "untouched fields stay");
        assert!(flags.is_enabled("shop.maintenance").await, "{b:?}: the console's change is seen without waiting");
        // Toggling to the same value is fine (MySQL reports no changed rows).
        assert_eq!(
            c.send(Method::PATCH, "/admin/api/v1/flags/shop.maintenance", Some(json!({"enabled": true}))).await.status,
            StatusCode::OK
        );
        let cleared =
            c.send(Method::PATCH, "/admin/api/v1/flags/shop.maintenance", Some(json!({"description": null}))).await;
        assert_eq!(cleared.json["description"], serde_json::Value::Null);
        assert_eq!(cleared.json["enabled"], true);

        assert_error(
            &c.send(Method::POST, "/admin/api/v1/flags", Some(json!({"name": "shop.maintenance"}))).await,
            StatusCode::CONFLICT,
            "conflict",
        );
        for bad in ["", "Upper", "has space", "x".repeat(101).as_str()] {
            let reply = c.send(Method::POST, "/admin/api/v1/flags", Some(json!({"name": bad}))).await;
            assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "validation");
            assert!(reply.json["error"]["fields"]["name"].is_array());
        }
        assert_error(
            &c.send(Method::PATCH, "/admin/api/v1/flags/nope", Some(json!({"enabled": true}))).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );

        let list = c.get("/admin/api/v1/flags").await;
        assert_eq!(list.json["flags"].as_array().unwrap().len(), 1);
        assert_eq!(
            c.send(Method::DELETE, "/admin/api/v1/flags/shop.maintenance", None).await.status,
            StatusCode::NO_CONTENT
        );
        assert!(!flags.is_enabled("shop.maintenance").await);
        assert_error(
            &c.send(Method::DELETE, "/admin/api/v1/flags/shop.maintenance", None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn settings_describe_the_server_and_redact_secrets() {
    for t in TestDb::all().await {
        let b = t.backend();
        let t = t.with_fixture().await;
        rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
        let config = rubbie::Config::new(t.db.clone())
            .host_info("shop", "1.2.3")
            .setting("DATABASE_URL", Some("postgres://app:s3cr3t-pw@db:5432/shop"))
            .setting("PAYMENT_API_KEY", Some("sk_live_abcdef"))
            .setting("BIND_ADDR", Some("0.0.0.0:8080"))
            .setting("OPTIONAL_THING", None::<String>)
            .secret_setting("ANYTHING", Some("hidden-value"));
        let mut c = Client::new(app_with(config));
        c.login(common::ADMIN.0, common::ADMIN.1).await;

        let server = c.get("/admin/api/v1/settings/server").await;
        assert_eq!(server.status, StatusCode::OK, "{b:?}: {}", server.text);
        assert_eq!(server.json["backend"], serde_json::to_value(b).unwrap());
        assert!(
            server.json["database_version"].as_str().is_some_and(|v| v.chars().any(|c| c.is_ascii_digit())),
            "{}",
            server.text
        );
        assert_eq!(server.json["host"], json!({"name": "shop", "version": "1.2.3"}));
        assert_eq!(server.json["rubbie_version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(server.json["tables_count"], 0, "no models here, and nothing tracked yet");
        assert_eq!(server.json["untracked_tables_count"], 3);
        assert_eq!(server.json["internal_schema_version"], 12);
        assert!(server.json["pool"]["max_connections"].as_u64().unwrap() >= 1);
        assert!(server.json["uptime_seconds"].is_u64());

        let config = c.get("/admin/api/v1/settings/config").await;
        assert_eq!(config.status, StatusCode::OK);
        let text = config.text.clone();
        for secret in ["s3cr3t-pw", "sk_live_abcdef", "hidden-value"] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        let host = config.json["host"].as_array().unwrap();
        let find = |key: &str| host.iter().find(|s| s["key"] == key).unwrap().clone();
        assert_eq!(find("DATABASE_URL")["value"], "postgres://app:***@db:5432/shop");
        assert_eq!(find("PAYMENT_API_KEY")["secret"], true);
        assert_eq!(find("BIND_ADDR")["value"], "0.0.0.0:8080");
        assert_eq!(find("OPTIONAL_THING")["value"], serde_json::Value::Null);
        assert_eq!(find("ANYTHING")["secret"], true);
        assert!(config.json["rubbie"].as_array().unwrap().iter().any(|s| s["key"] == "session_ttl_seconds"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_explorer_keeps_history_and_saved_requests_per_user_without_credentials() {
    for t in TestDb::all().await {
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let sent = json!({
            "method": "GET", "url": "/api/status",
            "headers": {"Accept": "application/json", "X-CSRF-Token": "abc", "Authorization": "Bearer rbt_x", "Cookie": "a=b"},
            "body": null, "status": 200, "duration_ms": 12, "response_size": 34
        });
        let added = c.send(Method::POST, "/admin/api/v1/explorer/history", Some(sent)).await;
        assert_eq!(added.status, StatusCode::CREATED, "{b:?}: {}", added.text);
        assert_eq!(added.json["headers"], json!({"Accept": "application/json"}), "credentials are never stored");
        assert_eq!(added.json["status"], 200);
        let second = json!({"method": "POST", "url": "/admin/api/v1/flags", "body": "{\"name\":\"x\"}", "status": 201});
        assert_eq!(
            c.send(Method::POST, "/admin/api/v1/explorer/history", Some(second)).await.status,
            StatusCode::CREATED
        );
        let history = c.get("/admin/api/v1/explorer/history").await;
        let urls: Vec<&str> =
            history.json["requests"].as_array().unwrap().iter().map(|r| r["url"].as_str().unwrap()).collect();
        assert_eq!(urls, ["/admin/api/v1/flags", "/api/status"], "newest first");

        let bad =
            c.send(Method::POST, "/admin/api/v1/explorer/history", Some(json!({"method": "FETCH", "url": ""}))).await;
        assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(bad.json["error"]["fields"]["method"].is_array() && bad.json["error"]["fields"]["url"].is_array());

        let saved = c
            .send(
                Method::POST,
                "/admin/api/v1/explorer/saved",
                Some(json!({"name": "Shop status", "method": "GET", "url": "/api/status"})),
            )
            .await;
        assert_eq!(saved.status, StatusCode::CREATED, "{b:?}: {}", saved.text);
        let id = saved.json["id"].as_i64().unwrap();
        assert_error(
            &c.send(
                Method::POST,
                "/admin/api/v1/explorer/saved",
                Some(json!({"name": " ", "method": "GET", "url": "/x"})),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
        );
        let renamed =
            c.send(Method::PATCH, &format!("/admin/api/v1/explorer/saved/{id}"), Some(json!({"name": "Status"}))).await;
        assert_eq!(renamed.json["name"], "Status");
        assert_eq!(renamed.json["url"], "/api/status");

        // Another user sees none of it.
        rubbie::create_or_update_admin(&t.db, "other", "another password").await.unwrap();
        let mut other = Client::new(common::app(&t.db));
        other.login("other", "another password").await;
        assert_eq!(other.get("/admin/api/v1/explorer/history").await.json["requests"], json!([]));
        assert_eq!(other.get("/admin/api/v1/explorer/saved").await.json["requests"], json!([]));
        assert_error(
            &other.send(Method::DELETE, &format!("/admin/api/v1/explorer/saved/{id}"), None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );

        assert_eq!(
            c.send(Method::DELETE, &format!("/admin/api/v1/explorer/saved/{id}"), None).await.status,
            StatusCode::NO_CONTENT
        );
        assert_eq!(c.send(Method::DELETE, "/admin/api/v1/explorer/history", None).await.status, StatusCode::NO_CONTENT);
        assert_eq!(c.get("/admin/api/v1/explorer/history").await.json["requests"], json!([]));
        t.cleanup().await;
    }
}
