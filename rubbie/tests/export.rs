//! Streamed exports in CSV, JSON and NDJSON, within what the user may read.

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, app, assert_error, enc};
use serde_json::{Value, json};

const EXPORT: &str = "/admin/api/v1/tables/gadgets/export";

#[tokio::test]
async fn exports_follow_the_view_in_three_formats() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let listed = c.get("/admin/api/v1/tables/gadgets/rows?order_by=id").await.json["rows"].clone();

        let json_export = c.get(&format!("{EXPORT}?format=json&order_by=id")).await;
        assert_eq!(json_export.status, StatusCode::OK, "{b:?}: {}", json_export.text);
        assert_eq!(json_export.headers["content-type"], "application/json");
        assert!(json_export.headers["content-disposition"].to_str().unwrap().contains("gadgets.json"));
        assert_eq!(json_export.json, listed, "{b:?}: the export is the listing, every row");

        let ndjson = c.get(&format!("{EXPORT}?format=ndjson&order_by=id")).await;
        let lines: Vec<Value> = ndjson.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(Value::Array(lines), listed);

        let csv = c.get(&format!("{EXPORT}?order_by=id&columns=id,name,specs,released,active")).await;
        assert_eq!(csv.headers["content-type"], "text/csv; charset=utf-8");
        let rows: Vec<&str> = csv.text.split("\r\n").collect();
        assert_eq!(rows[0], "id,name,specs,released,active");
        assert_eq!(
            rows[1], r#"1,Anvil,"{""color"":""black"",""sizes"":[1,2]}",2024-02-29,true"#,
            "{b:?}: {}",
            csv.text
        );
        assert_eq!(rows[2], "2,Rocket skates,,,false");
        assert_eq!(rows.len(), 7, "header, 5 rows, and the empty tail after the last CRLF");

        let filtered = c
            .get(&format!(
                "{EXPORT}?format=ndjson&columns=name&order_by=-name&where={}",
                enc(&json!({"kind": {"_eq": "toy"}}).to_string())
            ))
            .await;
        let lines: Vec<Value> = filtered.text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines, [json!({"name": "Yo-yo"}), json!({"name": "Rocket skates"})], "{b:?}");
        assert!(filtered.text.ends_with('\n'));

        let empty =
            c.get(&format!("{EXPORT}?format=json&where={}", enc(&json!({"id": {"_eq": 999}}).to_string()))).await;
        assert_eq!(empty.json, json!([]));

        assert_error(&c.get(&format!("{EXPORT}?format=xml")).await, StatusCode::BAD_REQUEST, "bad_request");
        assert_error(&c.get(&format!("{EXPORT}?columns=nope")).await, StatusCode::BAD_REQUEST, "bad_request");
        assert_error(&c.get("/admin/api/v1/tables/nope/export").await, StatusCode::NOT_FOUND, "not_found");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn exports_show_a_role_only_its_rows_and_columns() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "toys"}))).await;
        let rule = json!({"columns": ["id", "name"], "filter": {"kind": {"_eq": "toy"}}});
        let put = admin.send(Method::PUT, "/admin/api/v1/permissions/toys/gadgets/select", Some(rule)).await;
        assert_eq!(put.status, StatusCode::OK, "{}", put.text);
        admin
            .send(
                Method::POST,
                "/admin/api/v1/users",
                Some(json!({"username": "tess", "password": "password-123", "role": "toys"})),
            )
            .await;
        let mut tess = Client::new(app(&t.db));
        tess.login("tess", "password-123").await;
        let export = tess.get(&format!("{EXPORT}?format=json&order_by=id")).await;
        assert_eq!(
            export.json,
            json!([{"id": 2, "name": "Rocket skates"}, {"id": 4, "name": "Yo-yo"}]),
            "{:?}: {}",
            t.backend(),
            export.text
        );
        assert_error(&tess.get(&format!("{EXPORT}?columns=price")).await, StatusCode::FORBIDDEN, "forbidden");
        assert_error(&tess.get("/admin/api/v1/tables/makers/export").await, StatusCode::NOT_FOUND, "not_found");
        t.cleanup().await;
    }
}
