//! Imports of CSV, JSON and NDJSON files: all or nothing, problems named by row, line and column.

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, app_with, assert_error, enc, put_rule, user};
use serde_json::{Value, json};

const IMPORT: &str = "/admin/api/v1/tables/gadgets/import";

async fn gadget_count(c: &mut Client) -> i64 {
    c.get("/admin/api/v1/tables/gadgets/rows?count=exact&limit=1").await.json["count"].as_i64().unwrap()
}

fn without(mut rows: Value, columns: &[&str]) -> Value {
    for row in rows.as_array_mut().unwrap() {
        for c in columns {
            row.as_object_mut().unwrap().remove(*c);
        }
    }
    rows
}

#[tokio::test]
async fn a_csv_export_imports_back_as_the_same_rows() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let columns = "maker_id,name,price,weight,active,released,specs,kind";
        let csv = c.get(&format!("/admin/api/v1/tables/gadgets/export?order_by=id&columns={columns}")).await.text;

        let dry = c.send_raw(Method::POST, &format!("{IMPORT}?dry_run=true"), Some(&csv), "text/csv").await;
        assert_eq!(dry.status, StatusCode::OK, "{b:?}: {}", dry.text);
        assert_eq!(dry.json, json!({"rows": 5, "inserted": 0, "dry_run": true}));
        assert_eq!(gadget_count(&mut c).await, 5, "{b:?}: a dry run writes nothing");

        let done = c.send_raw(Method::POST, IMPORT, Some(&csv), "text/csv; charset=utf-8").await;
        assert_eq!(done.json, json!({"rows": 5, "inserted": 5, "dry_run": false}), "{b:?}: {}", done.text);
        let rows = c.get(&format!("/admin/api/v1/tables/gadgets/rows?order_by=id&columns={columns}")).await.json;
        let rows = rows["rows"].as_array().unwrap();
        assert_eq!(rows.len(), 10);
        assert_eq!(without(json!(rows[5..]), &[]), without(json!(rows[..5]), &[]), "{b:?}: same values again");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn nothing_is_written_when_any_row_is_wrong_and_every_problem_is_named() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        // Line 3: not a number; line 4 (a quoted line break makes row 3 two lines long):
        // a negative price breaks the CHECK; line 6: no such maker; line 7: one field short.
        let csv = "name,price,maker_id\nGood,1.50,1\nBad price,abc,1\n\"Two\nlines\",-5,2\nNo maker,2,99\nShort,3\nAlso good,4,\n";
        let reply = c.send_raw(Method::POST, IMPORT, Some(csv), "text/csv").await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        let problems: Vec<(u64, Option<u64>, Option<&str>)> = reply.json["error"]["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["row"].as_u64().unwrap(), p["line"].as_u64(), p["column"].as_str()))
            .collect();
        assert!(problems.contains(&(2, Some(3), Some("price"))), "{b:?}: {problems:?}");
        assert!(problems.contains(&(3, Some(4), Some("price"))), "{b:?}: {problems:?}");
        assert!(problems.contains(&(4, Some(6), Some("maker_id"))), "{b:?}: {problems:?}");
        assert!(problems.contains(&(5, Some(7), None)), "{b:?}: {problems:?}");
        assert_eq!(problems.len(), 4, "{b:?}: {}", reply.text);
        assert!(reply.json["error"]["message"].as_str().unwrap().contains("nothing was imported"));
        assert_eq!(gadget_count(&mut c).await, 5, "{b:?}: all or nothing");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn json_and_ndjson_map_fields_to_columns() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let mapping = enc(r#"{"title":"name","cost":"price","comment":null}"#);
        let body = json!([
            {"title": "Kite", "cost": "12.50", "comment": "skipped", "specs": {"tail": true}},
            {"title": "Ball", "cost": 3, "active": false}
        ]);
        let reply = c
            .send_raw(Method::POST, &format!("{IMPORT}?mapping={mapping}"), Some(&body.to_string()), "application/json")
            .await;
        assert_eq!(reply.json["inserted"], 2, "{b:?}: {}", reply.text);
        let kite =
            c.get(&format!("/admin/api/v1/tables/gadgets/rows?where={}", enc(r#"{"name":{"_eq":"Kite"}}"#))).await;
        // Exact decimals keep their scale, except in SQLite, which stores NUMERIC as a number.
        let price = if b == rubbie::Backend::Sqlite { "12.5" } else { "12.50" };
        assert_eq!(kite.json["rows"][0]["price"].to_string(), price, "{b:?}");
        assert_eq!(kite.json["rows"][0]["specs"], json!({"tail": true}), "{b:?}");

        let ndjson = "{\"name\": \"Top\", \"price\": 1}\n\n{\"name\": \"Broken\", \n{\"name\": \"Kite2\", \"colour\": \"red\"}\n";
        let reply = c.send_raw(Method::POST, &format!("{IMPORT}?format=ndjson"), Some(ndjson), "text/plain").await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        let problems = &reply.json["error"]["problems"];
        assert_eq!(problems[0]["line"], 3, "{b:?}: blank lines count as lines: {}", reply.text);
        assert_eq!(problems[1]["line"], 4, "{b:?}");
        assert_eq!(problems[1]["column"], "colour", "{b:?}");
        assert_eq!(gadget_count(&mut c).await, 7, "{b:?}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_files_and_mappings_are_clear_errors() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut c = Client::signed_in(&t.db).await;
        let unknown = c.send_raw(Method::POST, IMPORT, Some("name,colour\nA,red\n"), "text/csv").await;
        assert_error(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(unknown.json["error"]["fields"]["colour"][0].as_str().unwrap().contains("map this field"));
        let twice = enc(r#"{"title":"name"}"#);
        let twice =
            c.send_raw(Method::POST, &format!("{IMPORT}?mapping={twice}"), Some("name,title\nA,B\n"), "text/csv").await;
        assert_error(&twice, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        let bad_target = enc(r#"{"name":"nom"}"#);
        let bad_target =
            c.send_raw(Method::POST, &format!("{IMPORT}?mapping={bad_target}"), Some("name\nA\n"), "text/csv").await;
        assert_error(&bad_target, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        let not_json = c.send_raw(Method::POST, IMPORT, Some("[{\"name\": \"A\"},"), "application/json").await;
        assert_error(&not_json, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(not_json.json["error"]["message"].as_str().unwrap().contains("line 1"), "{}", not_json.text);
        let no_format = c.send_raw(Method::POST, IMPORT, Some("name\nA\n"), "application/octet-stream").await;
        assert_error(&no_format, StatusCode::BAD_REQUEST, "bad_request");
        assert_eq!(gadget_count(&mut c).await, 5);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn files_over_the_limit_are_refused() {
    let t = TestDb::sqlite().await.with_fixture().await;
    rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
    let mut c = Client::new(app_with(rubbie::Config::new(t.db.clone()).track_introspected(true).import_limit(64)));
    c.login(common::ADMIN.0, common::ADMIN.1).await;
    let big = format!("name\n{}", "Gadget\n".repeat(20));
    assert_error(
        &c.send_raw(Method::POST, IMPORT, Some(&big), "text/csv").await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    // Past the 2 MiB limit of ordinary requests, under the import limit (64 MiB by default).
    let mut c = Client::signed_in(&t.db).await;
    let many: String = (0..120_000).map(|i| format!("Gadget number {i:06},{}.00\n", i % 100)).collect();
    let reply = c.send_raw(Method::POST, IMPORT, Some(&format!("name,price\n{many}")), "text/csv").await;
    assert_eq!(reply.json["inserted"], 120_000, "{}", &reply.text[..reply.text.len().min(500)]);
    t.cleanup().await;
}

#[tokio::test]
async fn imports_obey_the_role() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "clerk"}))).await;
        put_rule(&mut admin, "clerk", "gadgets", "select", json!({})).await;
        put_rule(&mut admin, "clerk", "makers", "select", json!({})).await;
        put_rule(
            &mut admin,
            "clerk",
            "gadgets",
            "insert",
            json!({"columns": ["name", "price"], "check": {"price": {"_lt": 100}}}),
        )
        .await;
        let mut clerk = user(&mut admin, &t.db, "clerk1", "clerk").await;
        let refused = clerk.send_raw(Method::POST, IMPORT, Some("name,price,weight\nA,1,2\n"), "text/csv").await;
        assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
        let checked = clerk.send_raw(Method::POST, IMPORT, Some("name,price\nCheap,5\nDear,500\n"), "text/csv").await;
        assert_error(&checked, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_eq!(checked.json["error"]["problems"][0]["row"], 2, "{b:?}: {}", checked.text);
        assert_eq!(checked.json["error"]["problems"].as_array().unwrap().len(), 1, "{b:?}");
        let fine = clerk.send_raw(Method::POST, IMPORT, Some("name,price\nCheap,5\nFair,50\n"), "text/csv").await;
        assert_eq!(fine.json["inserted"], 2, "{b:?}: {}", fine.text);
        let makers =
            clerk.send_raw(Method::POST, "/admin/api/v1/tables/makers/import", Some("name\nX\n"), "text/csv").await;
        assert_error(&makers, StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(gadget_count(&mut admin).await, 7, "{b:?}");
        t.cleanup().await;
    }
}
