//! The table list and table schemas: introspection on every backend, merged with models.

mod common;

use axum::http::StatusCode;
use common::{Client, TestDb, assert_error};
use rubbie::RubbieModel;
use serde_json::Value;

/// A model for the fixture's `makers` table: its labels and hints must show in the API.
#[allow(dead_code)]
#[derive(RubbieModel)]
#[rubbie(table = "makers", label = "Manufacturer")]
struct Maker {
    #[rubbie(primary_key)]
    id: i64,
    #[rubbie(label = "Company name", readonly)]
    name: String,
}

fn column<'a>(table: &'a Value, name: &str) -> &'a Value {
    table["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no column {name}"))
}

#[tokio::test]
async fn tables_are_listed_without_rubbies_own() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut client = Client::signed_in(&t.db).await;
        let reply = client.get("/admin/api/v1/tables").await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let names: Vec<&str> =
            reply.json["tables"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["gadget_tags", "gadgets", "makers"], "{:?}", t.backend());
        let makers = &reply.json["tables"][2];
        assert_eq!(makers["label"], "Manufacturer");
        assert_eq!(makers["source"], "model");
        assert_eq!(reply.json["tables"][1]["source"], "introspected");
        assert_eq!(reply.json["tables"][0]["primary_key"], serde_json::json!(["gadget_id", "tag"]));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn table_schema_describes_columns_keys_and_relations() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let mut client = Client::signed_in(&t.db).await;
        let g = client.get("/admin/api/v1/tables/gadgets").await.json;
        assert_eq!(g["primary_key"], serde_json::json!(["id"]), "{backend:?}");
        let kinds: Vec<(&str, &str)> = g["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["name"].as_str().unwrap(), c["kind"].as_str().unwrap()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("id", "integer"),
                ("maker_id", "integer"),
                ("name", "text"),
                ("price", "decimal"),
                ("weight", "float"),
                ("active", "boolean"),
                ("released", "date"),
                ("updated_at", "datetime"),
                ("specs", "json"),
                ("picture", "bytes"),
                ("kind", "enum")
            ],
            "{backend:?}"
        );
        assert_eq!(column(&g, "id")["auto_increment"], true, "{backend:?}");
        assert_eq!(column(&g, "id")["primary_key"], true);
        assert_eq!(column(&g, "name")["nullable"], false);
        assert_eq!(column(&g, "weight")["nullable"], true);
        assert_eq!(column(&g, "kind")["enum_values"], serde_json::json!(["tool", "toy"]), "{backend:?}");
        assert_eq!(column(&g, "maker_id")["references"], serde_json::json!({"table": "makers", "column": "id"}));
        assert_eq!(column(&g, "name")["label"], "Name");
        assert!(
            column(&g, "price")["default"].as_str().is_some_and(|d| d.contains('0')),
            "{backend:?}: {}",
            column(&g, "price")
        );
        assert_eq!(g["foreign_keys"][0]["columns"], serde_json::json!(["maker_id"]));
        assert_eq!(g["foreign_keys"][0]["references_table"], "makers");
        assert_eq!(g["referenced_by"][0]["references_table"], "gadget_tags");
        assert_eq!(g["referenced_by"][0]["columns"], serde_json::json!(["gadget_id"]));

        let tags = client.get("/admin/api/v1/tables/gadget_tags").await.json;
        assert_eq!(tags["primary_key"], serde_json::json!(["gadget_id", "tag"]));
        assert!(tags["indexes"].as_array().unwrap().iter().any(|i| i["unique"] == true), "{backend:?}");

        let makers = client.get("/admin/api/v1/tables/makers").await.json;
        assert_eq!(column(&makers, "name")["label"], "Company name");
        assert_eq!(column(&makers, "name")["readonly"], true);
        assert!(
            makers["indexes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["unique"] == true && i["columns"] == serde_json::json!(["name"]))
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn unknown_and_internal_tables_are_404() {
    let t = TestDb::sqlite().await.with_fixture().await;
    let mut client = Client::signed_in(&t.db).await;
    for path in [
        "/admin/api/v1/tables/nope",
        "/admin/api/v1/tables/rubbie_users",
        "/admin/api/v1/tables/rubbie_sessions/rows",
        "/admin/api/v1/tables/nope/rows/1",
    ] {
        assert_error(&client.get(path).await, StatusCode::NOT_FOUND, "not_found");
    }
    assert_error(&client.get("/admin/api/v1/unknown").await, StatusCode::NOT_FOUND, "not_found");
    t.cleanup().await;
}

#[tokio::test]
async fn sqlite_foreign_keys_to_an_implicit_primary_key_are_resolved() {
    let t = TestDb::sqlite().await;
    common::exec(&t.db, "CREATE TABLE owners (code TEXT PRIMARY KEY); CREATE TABLE pets (id INTEGER PRIMARY KEY, owner TEXT REFERENCES owners)").await;
    let mut client = Client::signed_in(&t.db).await;
    let pets = client.get("/admin/api/v1/tables/pets").await.json;
    assert_eq!(pets["foreign_keys"][0]["references_columns"], serde_json::json!(["code"]), "{pets}");
    assert_eq!(column(&pets, "owner")["references"], serde_json::json!({"table": "owners", "column": "code"}));
    t.cleanup().await;
}

#[tokio::test]
async fn tables_created_after_start_are_found() {
    let t = TestDb::sqlite().await.with_fixture().await;
    let mut client = Client::signed_in(&t.db).await;
    assert_eq!(client.get("/admin/api/v1/tables/gadgets").await.status, StatusCode::OK);
    common::exec(&t.db, "CREATE TABLE late (id INTEGER PRIMARY KEY, v TEXT)").await;
    let list = client.get("/admin/api/v1/tables").await;
    assert!(list.text.contains("\"late\""), "{}", list.text);
    assert_eq!(client.get("/admin/api/v1/tables/late/rows").await.status, StatusCode::OK);
    t.cleanup().await;
}
