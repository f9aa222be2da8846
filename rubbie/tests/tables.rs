//! The table list and table schemas: introspection on every backend, merged with models.

mod common;

use axum::http::{Method, StatusCode};
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

#[tokio::test]
async fn introspected_tables_are_served_once_tracked() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
        let fresh = || Client::admin_of(rubbie::Config::new(t.db.clone()));
        let mut c = fresh().await;
        let names = |reply: &common::Reply, key: &str| -> Vec<String> {
            reply.json[key].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
        };
        let listed = c.get("/admin/api/v1/tables").await;
        assert_eq!(names(&listed, "tables"), ["makers"], "{b:?}: only the model is tracked by default");
        assert_eq!(names(&listed, "untracked"), ["gadget_tags", "gadgets"], "{b:?}");
        let rows = c.get("/admin/api/v1/tables/gadgets/rows").await;
        assert_error(&rows, StatusCode::NOT_FOUND, "not_found");
        assert!(rows.json["error"]["message"].as_str().unwrap().contains("not tracked"), "{}", rows.text);

        let tracked = c.send(Method::POST, "/admin/api/v1/tables/gadgets/track", None).await;
        assert_eq!(tracked.status, StatusCode::OK, "{b:?}: {}", tracked.text);
        assert_eq!(tracked.json["name"], "gadgets");
        assert_eq!(tracked.json["display_column"], "name");
        assert_eq!(c.get("/admin/api/v1/tables/gadgets/rows").await.status, StatusCode::OK);
        // Relations to untracked tables are not followed.
        let gadgets = c.get("/admin/api/v1/tables/gadgets").await.json;
        assert_eq!(gadgets["referenced_by"], serde_json::json!([]), "{b:?}: gadget_tags is untracked");
        let through = format!(
            "/admin/api/v1/tables/gadgets/rows?where={}",
            common::enc(r#"{"gadget_tags":{"tag":{"_eq":"heavy"}}}"#)
        );
        assert_eq!(c.get(&through).await.status, StatusCode::BAD_REQUEST, "{b:?}");

        // Decisions persist: a new instance on the same database serves the same tables.
        let mut c = fresh().await;
        assert_eq!(names(&c.get("/admin/api/v1/tables").await, "tables"), ["gadgets", "makers"], "{b:?}");
        assert_eq!(
            c.send(Method::POST, "/admin/api/v1/tables/makers/untrack", None).await.status,
            StatusCode::NO_CONTENT
        );
        let listed = c.get("/admin/api/v1/tables").await;
        assert_eq!(names(&listed, "tables"), ["gadgets"], "{b:?}: a model can be untracked too");
        assert_eq!(column(&c.get("/admin/api/v1/tables/gadgets").await.json, "maker_id")["references"], Value::Null);
        assert_error(
            &c.send(Method::POST, "/admin/api/v1/tables/nope/track", None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );

        // Only admins track, and only admins see what is untracked.
        c.send(Method::POST, "/admin/api/v1/roles", Some(serde_json::json!({"name": "viewer"}))).await;
        common::put_rule(&mut c, "viewer", "gadgets", "select", serde_json::json!({})).await;
        let mut viewer = common::user(&mut c, &t.db, "vera", "viewer").await;
        let seen = viewer.get("/admin/api/v1/tables").await;
        assert_eq!((names(&seen, "tables"), names(&seen, "untracked")), (vec!["gadgets".to_owned()], vec![]), "{b:?}");
        let refused = viewer.send(Method::POST, "/admin/api/v1/tables/gadget_tags/track", None).await;
        assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn tables_name_their_display_column() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut c = Client::signed_in(&t.db).await;
        let listed = c.get("/admin/api/v1/tables").await.json;
        let display: Vec<(&str, &Value)> = listed["tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| (t["name"].as_str().unwrap(), &t["display_column"]))
            .collect();
        assert_eq!(
            display,
            [("gadget_tags", &Value::Null), ("gadgets", &Value::from("name")), ("makers", &Value::from("name"))]
        );
        t.cleanup().await;
    }
}

/// The catalogue is cached, yet every change is seen at once: new tables, columns, indexes and
/// foreign keys, dropped tables, and tracking decisions made by another instance.
#[tokio::test]
async fn catalogue_changes_are_seen_at_once_and_track_all_tracks_the_rest() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
        let instance = || Client::admin_of(rubbie::Config::new(t.db.clone()));
        let (mut one, mut two) = (instance().await, instance().await);
        let names = |reply: &common::Reply, key: &str| -> Vec<String> {
            reply.json[key].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(names(&two.get("/admin/api/v1/tables").await, "untracked"), ["gadget_tags", "gadgets"]);

        let tracked = one.send(Method::POST, "/admin/api/v1/tracking/track-all", None).await;
        assert_eq!(tracked.status, StatusCode::OK, "{b:?}: {}", tracked.text);
        assert_eq!(tracked.json["tracked"], serde_json::json!(["gadget_tags", "gadgets"]));
        let listed = two.get("/admin/api/v1/tables").await;
        assert_eq!(names(&listed, "tables"), ["gadget_tags", "gadgets", "makers"], "{b:?}: seen by the other instance");
        assert_eq!(names(&listed, "untracked"), Vec::<String>::new());

        let (text, int) = if b == rubbie::Backend::Postgres { ("TEXT", "BIGINT") } else { ("VARCHAR(50)", "BIGINT") };
        common::exec(&t.db, &format!("ALTER TABLE makers ADD COLUMN country {text} NULL")).await;
        let makers = two.get("/admin/api/v1/tables/makers").await.json;
        assert_eq!(column(&makers, "country")["nullable"], true, "{b:?}: a new column at once");
        common::exec(&t.db, "CREATE INDEX makers_country ON makers (country)").await;
        let makers = two.get("/admin/api/v1/tables/makers").await.json;
        assert!(makers["indexes"].to_string().contains("makers_country"), "{b:?}: a new index at once: {makers}");
        common::exec(
            &t.db,
            &format!("CREATE TABLE parts (id {int} PRIMARY KEY, maker_id {int} NULL REFERENCES makers (id))"),
        )
        .await;
        let listed = two.get("/admin/api/v1/tables").await;
        assert!(names(&listed, "untracked").contains(&"parts".to_owned()), "{b:?}: {}", listed.text);
        common::exec(&t.db, "DROP TABLE parts").await;
        let listed = two.get("/admin/api/v1/tables").await;
        assert!(!listed.text.contains("\"parts\""), "{b:?}: a dropped table is gone at once");
        t.cleanup().await;
    }
}
