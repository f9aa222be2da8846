//! Rows: faithful types, the where language, sorting, pagination, counts and writes, on every
//! configured backend.

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, assert_error, enc};
use serde_json::{Value, json};

const ROWS: &str = "/admin/api/v1/tables/gadgets/rows";

fn names(reply: &common::Reply) -> Vec<String> {
    reply.json["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", reply.text))
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn filtered(client: &mut Client, filter: Value) -> common::Reply {
    client.get(&format!("{ROWS}?order_by=id&where={}", enc(&filter.to_string()))).await
}

/// Decimals compare by value: backends print 99.9 or 99.90.
fn decimal(v: &Value) -> f64 {
    match v {
        Value::Number(n) => n.as_f64().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("not a decimal: {other}"),
    }
}

#[tokio::test]
async fn rows_keep_their_types() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut client = Client::signed_in(&t.db).await;
        let reply = client.get(&format!("{ROWS}?order_by=id")).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        let anvil = &reply.json["rows"][0];
        assert_eq!(anvil["id"], 1, "{b:?}");
        assert_eq!(anvil["maker_id"], 1);
        assert_eq!(anvil["active"], true, "{b:?}");
        assert_eq!(reply.json["rows"][1]["active"], false, "{b:?}");
        // Exact: 12345678901.25 does not survive a trip through f32, and prints exactly here.
        assert!(anvil["price"].to_string().starts_with("12345678901.25"), "{b:?}: {}", anvil["price"]);
        assert_eq!(anvil["weight"], 50.5);
        assert_eq!(anvil["released"], "2024-02-29", "{b:?}");
        assert!(
            anvil["updated_at"].as_str().unwrap().starts_with("2024-03-01T10:30:00"),
            "{b:?}: {}",
            anvil["updated_at"]
        );
        assert_eq!(anvil["specs"], json!({"color": "black", "sizes": [1, 2]}), "{b:?}");
        assert_eq!(anvil["picture"], "AP8Q", "{b:?}: bytes as base64");
        assert_eq!(anvil["kind"], "tool");
        assert_eq!(reply.json["rows"][3]["maker_id"], Value::Null);
        assert_eq!(reply.json["count"], 5);
        assert_eq!(reply.json["count_kind"], "exact");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_where_language_filters_rows() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let cases = [
            (json!({"name": {"_eq": "Hammer"}}), vec!["Hammer"]),
            (json!({"name": {"_neq": "Hammer"}, "active": {"_eq": true}}), vec!["Anvil", "Yo-yo", "Stapler"]),
            (json!({"price": {"_gt": "15"}}), vec!["Anvil", "Rocket skates"]),
            (json!({"price": {"_gte": 15}}), vec!["Anvil", "Rocket skates", "Hammer"]),
            (json!({"price": {"_lt": 7.25}}), vec!["Yo-yo"]),
            (json!({"price": {"_lte": 7.25}}), vec!["Yo-yo", "Stapler"]),
            (json!({"id": {"_in": [2, 4, 99]}}), vec!["Rocket skates", "Yo-yo"]),
            (json!({"id": {"_in": []}}), vec![]),
            (json!({"kind": {"_nin": ["toy"]}}), vec!["Anvil", "Hammer", "Stapler"]),
            (json!({"name": {"_like": "%er"}}), vec!["Hammer", "Stapler"]),
            // _like follows the database's collation (case-insensitive on SQLite and MySQL): no capitals here.
            (json!({"name": {"_nlike": "%e%"}}), vec!["Anvil", "Yo-yo"]),
            (json!({"name": {"_ilike": "r%"}}), vec!["Rocket skates"]),
            (json!({"name": {"_nilike": "%A%"}}), vec!["Yo-yo"]),
            (json!({"kind": {"_like": "too%"}}), vec!["Anvil", "Hammer", "Stapler"]),
            (json!({"maker_id": {"_is_null": true}}), vec!["Yo-yo"]),
            (json!({"released": {"_is_null": false}}), vec!["Anvil", "Hammer", "Stapler"]),
            (json!({"released": {"_gte": "2023-01-01"}}), vec!["Anvil", "Hammer"]),
            (json!({"updated_at": {"_gt": "2024-01-01T00:00:00Z"}}), vec!["Anvil"]),
            (json!({"_or": [{"name": {"_eq": "Yo-yo"}}, {"price": {"_gt": 1000}}]}), vec!["Anvil", "Yo-yo"]),
            (json!({"_not": {"active": {"_eq": true}}}), vec!["Rocket skates"]),
            (
                json!({"_and": [{"active": {"_eq": true}}, {"_not": {"kind": {"_eq": "toy"}}}]}),
                vec!["Anvil", "Hammer", "Stapler"],
            ),
            (json!({"_or": []}), vec![]),
            // Through a foreign key (outgoing) and back (incoming).
            (json!({"maker": {"name": {"_eq": "Acme"}}}), vec!["Anvil", "Rocket skates"]),
            (json!({"makers": {"name": {"_ilike": "glob%"}}}), vec!["Hammer"]),
            (json!({"gadget_tags": {"tag": {"_eq": "heavy"}}}), vec!["Anvil", "Hammer"]),
            (
                json!({"gadget_tags": {"_and": [{"tag": {"_eq": "heavy"}}, {"note": {"_is_null": true}}]}}),
                vec!["Hammer"],
            ),
        ];
        for (filter, expected) in cases {
            let reply = filtered(&mut c, filter.clone()).await;
            assert_eq!(reply.status, StatusCode::OK, "{b:?} {filter}: {}", reply.text);
            assert_eq!(names(&reply), expected, "{b:?} {filter}");
            assert_eq!(reply.json["count"], expected.len(), "{b:?} {filter}: count follows the filter");
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_filters_are_400_and_name_the_culprit() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut c = Client::signed_in(&t.db).await;
        let cases = [
            (json!({"nope": {"_eq": 1}}), "nope"),
            (json!({"name": {"_regex": "x"}}), "_regex"),
            (json!({"price": {"_gt": "cheap"}}), "price"),
            (json!({"id": {"_eq": "one"}}), "id"),
            (json!({"active": {"_eq": "yes"}}), "active"),
            (json!({"released": {"_eq": "tomorrow"}}), "released"),
            (json!({"kind": {"_eq": "weapon"}}), "kind"),
            (json!({"price": {"_like": "1%"}}), "price"),
            (json!({"id": {"_in": 3}}), "_in"),
            (json!({"name": {"_eq": null}}), "_is_null"),
            (json!({"_and": {"name": {"_eq": "x"}}}), "_and"),
            (json!({"maker": {"nope": {"_eq": 1}}}), "nope"),
            (json!({"name": "Hammer"}), "name"),
            (json!(["not", "an", "object"]), "object"),
        ];
        for (filter, culprit) in cases {
            let reply = filtered(&mut c, filter.clone()).await;
            assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
            let message = reply.json["error"]["message"].as_str().unwrap();
            assert!(message.contains(culprit), "{filter}: {message:?} should name {culprit:?}");
            assert!(!message.to_lowercase().contains("select"), "no SQL in messages: {message}");
        }
        let reply = c.get(&format!("{ROWS}?where={}", enc("{not json"))).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
        for query in [
            "order_by=nope",
            "order_by=name,-name",
            "limit=0",
            "limit=5000",
            "limit=abc",
            "offset=-1",
            "count=maybe",
            "columns=name,nope",
            "after=garbage",
        ] {
            let reply = c.get(&format!("{ROWS}?{query}")).await;
            assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn rows_sort_paginate_and_count() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let by_price = c.get(&format!("{ROWS}?order_by=-price")).await;
        assert_eq!(names(&by_price), ["Anvil", "Rocket skates", "Hammer", "Stapler", "Yo-yo"], "{b:?}");
        let by_kind_name = c.get(&format!("{ROWS}?order_by=kind,-name")).await;
        assert_eq!(names(&by_kind_name), ["Stapler", "Hammer", "Anvil", "Yo-yo", "Rocket skates"], "{b:?}");

        let page2 = c.get(&format!("{ROWS}?order_by=name&limit=2&offset=2")).await;
        assert_eq!(names(&page2), ["Rocket skates", "Stapler"], "{b:?}");
        assert_eq!(page2.json["count"], 5);

        // Ties are broken by the primary key in the direction of the last sort key.
        let by_active = c.get(&format!("{ROWS}?order_by=-active")).await;
        assert_eq!(names(&by_active), ["Stapler", "Yo-yo", "Hammer", "Anvil", "Rocket skates"], "{b:?}");

        // Keyset: following next_cursor walks the same rows as offsets do, in mixed directions.
        for sort in ["-active,name", "-price", "kind,-id", "-active", "active"] {
            let mut walked = Vec::new();
            let mut url = format!("{ROWS}?order_by={sort}&limit=2&count=none");
            loop {
                let page = c.get(&url).await;
                assert_eq!(page.status, StatusCode::OK, "{b:?}: {}", page.text);
                assert_eq!(page.json["count"], Value::Null);
                walked.extend(names(&page));
                match page.json["next_cursor"].as_str() {
                    Some(cursor) => url = format!("{ROWS}?order_by={sort}&limit=2&count=none&after={cursor}"),
                    None => break,
                }
            }
            let all = c.get(&format!("{ROWS}?order_by={sort}")).await;
            // MySQL sorts ENUMs by declaration order but compares them as text: no keyset there.
            if b == rubbie::Backend::Mysql && sort.starts_with("kind") {
                assert_eq!(walked.len(), 2, "one page, then no cursor");
                continue;
            }
            assert_eq!(walked, names(&all), "{b:?} {sort}");
        }
        // Sort columns left out of `columns` still give a cursor, and are not returned.
        let narrow = c.get(&format!("{ROWS}?columns=name&order_by=-price&limit=2")).await;
        assert!(narrow.json["next_cursor"].is_string(), "{b:?}: {}", narrow.text);
        assert_eq!(narrow.json["rows"][0], json!({"name": "Anvil"}));

        let some = c.get(&format!("{ROWS}?columns=name,price&order_by=id&limit=1")).await;
        assert_eq!(some.json["rows"][0].as_object().unwrap().keys().count(), 2, "{}", some.text);
        assert_eq!(some.json["rows"][0]["name"], "Anvil");

        let estimated = c.get(&format!("{ROWS}?count=estimated")).await;
        assert_eq!(estimated.status, StatusCode::OK);
        assert!(estimated.json["count"].is_i64(), "{b:?}: {}", estimated.text);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn rows_are_read_written_and_deleted_by_key() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let created = c
            .send(Method::POST, ROWS, Some(json!({"name": "Widget", "price": "19.99", "active": false, "released": "2025-01-02",
                "updated_at": "2025-01-02T03:04:05Z", "specs": {"a": [1, {"b": null}]}, "picture": "AQID", "kind": "toy", "maker_id": 2})))
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{b:?}: {}", created.text);
        let id = created.json["id"].as_i64().unwrap();
        assert_eq!(id, 6, "{b:?}");
        assert_eq!(decimal(&created.json["price"]), 19.99);
        assert_eq!(created.json["active"], false);
        assert_eq!(created.json["specs"], json!({"a": [1, {"b": null}]}), "{b:?}");
        assert_eq!(created.json["picture"], "AQID", "{b:?}");
        assert_eq!(created.json["kind"], "toy");
        assert!(
            created.json["updated_at"].as_str().unwrap().starts_with("2025-01-02T03:04:05"),
            "{b:?}: {}",
            created.json["updated_at"]
        );

        // Defaults are filled by the database and returned.
        let minimal = c.send(Method::POST, ROWS, Some(json!({"name": "Minimal"}))).await;
        assert_eq!(minimal.status, StatusCode::CREATED, "{b:?}: {}", minimal.text);
        assert_eq!(minimal.json["active"], true, "{b:?}");
        assert_eq!(minimal.json["kind"], "tool");
        assert_eq!(decimal(&minimal.json["price"]), 0.0);

        let got = c.get(&format!("{ROWS}/{id}")).await;
        assert_eq!(got.json, created.json, "{b:?}");

        let patched = c
            .send(
                Method::PATCH,
                &format!("{ROWS}/{id}"),
                Some(json!({"name": "Widget Pro", "specs": null, "weight": 1.25})),
            )
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{b:?}: {}", patched.text);
        assert_eq!(patched.json["name"], "Widget Pro");
        assert_eq!(patched.json["specs"], Value::Null);
        assert_eq!(patched.json["weight"], 1.25);
        assert_eq!(patched.json["kind"], "toy", "untouched columns stay");

        assert_eq!(c.send(Method::DELETE, &format!("{ROWS}/{id}"), None).await.status, StatusCode::NO_CONTENT);
        assert_error(&c.get(&format!("{ROWS}/{id}")).await, StatusCode::NOT_FOUND, "not_found");
        assert_error(&c.send(Method::DELETE, &format!("{ROWS}/{id}"), None).await, StatusCode::NOT_FOUND, "not_found");
        assert_error(
            &c.send(Method::PATCH, &format!("{ROWS}/{id}"), Some(json!({"name": "x"}))).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn composite_keys_address_rows() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let tags = "/admin/api/v1/tables/gadget_tags/rows";
        let one = c.get(&format!("{tags}/1,heavy")).await;
        assert_eq!(one.status, StatusCode::OK, "{b:?}: {}", one.text);
        assert_eq!(one.json["note"], "very");
        // A comma inside a key value is escaped as ~2C.
        let comma = c.get(&format!("{tags}/4,fun~2Ctoy")).await;
        assert_eq!(comma.json["note"], "comma in key", "{b:?}: {}", comma.text);
        // A key that cannot name a row names none.
        assert_error(&c.get(&format!("{tags}/1")).await, StatusCode::NOT_FOUND, "not_found");
        assert_error(&c.get(&format!("{tags}/x,heavy")).await, StatusCode::NOT_FOUND, "not_found");

        let created = c.send(Method::POST, tags, Some(json!({"gadget_id": 5, "tag": "office"}))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{b:?}: {}", created.text);
        assert_eq!(created.json, json!({"gadget_id": 5, "tag": "office", "note": null}));
        // Changing part of the key answers with the row under its new key.
        let moved = c.send(Method::PATCH, &format!("{tags}/5,office"), Some(json!({"tag": "desk"}))).await;
        assert_eq!(moved.status, StatusCode::OK, "{b:?}: {}", moved.text);
        assert_eq!(moved.json["tag"], "desk");
        assert_eq!(c.send(Method::DELETE, &format!("{tags}/5,desk"), None).await.status, StatusCode::NO_CONTENT);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_writes_are_refused_with_field_errors_and_nothing_written() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let cases = [
            (json!({"name": "x", "price": "abc"}), StatusCode::UNPROCESSABLE_ENTITY, "validation", "price"),
            (json!({"name": "x", "nope": 1}), StatusCode::UNPROCESSABLE_ENTITY, "validation", "nope"),
            (json!({"name": null}), StatusCode::UNPROCESSABLE_ENTITY, "validation", "name"),
            (json!({"name": "x", "kind": "weapon"}), StatusCode::UNPROCESSABLE_ENTITY, "validation", "kind"),
            (json!({"name": "x", "active": "maybe"}), StatusCode::UNPROCESSABLE_ENTITY, "validation", "active"),
            (
                json!({"name": "x", "released": "2024-02-30x"}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
                "released",
            ),
            (json!({"name": "x", "picture": "***"}), StatusCode::UNPROCESSABLE_ENTITY, "validation", "picture"),
            (json!({"name": "x", "weight": "inf"}), StatusCode::UNPROCESSABLE_ENTITY, "validation", "weight"),
            // Enforced by the database: CHECK, NOT NULL, foreign key.
            (json!({"name": "x", "price": -5}), StatusCode::UNPROCESSABLE_ENTITY, "validation", "price"),
            (json!({"price": 1}), StatusCode::UNPROCESSABLE_ENTITY, "validation", "name"),
            (json!({"name": "x", "maker_id": 999}), StatusCode::CONFLICT, "conflict", "maker_id"),
        ];
        for (body, status, code, field) in cases {
            let reply = c.send(Method::POST, ROWS, Some(body.clone())).await;
            assert_error(&reply, status, code);
            assert!(reply.json["error"]["fields"][field].is_array(), "{b:?} {body}: {}", reply.text);
        }
        let dup = c.send(Method::POST, "/admin/api/v1/tables/makers/rows", Some(json!({"name": "Acme"}))).await;
        assert_error(&dup, StatusCode::CONFLICT, "conflict");
        assert!(dup.json["error"]["fields"]["name"].is_array(), "{b:?}: {}", dup.text);
        let patch = c.send(Method::PATCH, &format!("{ROWS}/1"), Some(json!({"price": -1}))).await;
        assert_error(&patch, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(patch.json["error"]["fields"]["price"].is_array(), "{b:?}: {}", patch.text);
        // Deleting a referenced maker breaks a foreign key.
        let referenced = c.send(Method::DELETE, "/admin/api/v1/tables/makers/rows/1", None).await;
        assert_error(&referenced, StatusCode::CONFLICT, "conflict");
        assert_error(
            &c.send(Method::PATCH, &format!("{ROWS}/1"), Some(json!({}))).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
        assert_error(&c.send(Method::POST, ROWS, Some(json!([1, 2]))).await, StatusCode::BAD_REQUEST, "bad_request");
        let raw = c.send_raw(Method::POST, ROWS, Some("{\"name\": "), "application/json").await;
        assert_error(&raw, StatusCode::BAD_REQUEST, "bad_request");

        // Nothing was half-written.
        let all = c.get(&format!("{ROWS}?order_by=id")).await;
        assert_eq!(all.json["count"], 5, "{b:?}: {}", all.text);
        assert!(decimal(&all.json["rows"][0]["price"]) > 1000.0);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn tables_without_a_primary_key_take_inserts() {
    for t in TestDb::all().await {
        let b = t.backend();
        common::exec(
            &t.db,
            "CREATE TABLE notes (message VARCHAR(200) NOT NULL, pinned BOOLEAN NOT NULL DEFAULT FALSE)",
        )
        .await;
        let mut c = Client::signed_in(&t.db).await;
        let reply = c.send(Method::POST, "/admin/api/v1/tables/notes/rows", Some(json!({"message": "hello"}))).await;
        if b == rubbie::Backend::Mysql {
            // No RETURNING and no key to read the row back by: refused before anything is written.
            assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
            assert_eq!(c.get("/admin/api/v1/tables/notes/rows").await.json["count"], 0);
        } else {
            assert_eq!(reply.status, StatusCode::CREATED, "{b:?}: {}", reply.text);
            assert_eq!(reply.json, json!({"message": "hello", "pinned": false}));
        }
        assert_error(&c.get("/admin/api/v1/tables/notes/rows/1").await, StatusCode::NOT_FOUND, "not_found");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_null_for_an_auto_increment_key_lets_the_database_choose() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut c = Client::signed_in(&t.db).await;
        let reply = c
            .send(Method::POST, "/admin/api/v1/tables/makers/rows", Some(json!({"id": null, "name": "Umbrella"})))
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}: {}", t.backend(), reply.text);
        assert_eq!(reply.json["id"], 4);
        let patch = c.send(Method::PATCH, "/admin/api/v1/tables/makers/rows/4", Some(json!({"id": null}))).await;
        assert_error(&patch, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn quick_search_looks_through_text_columns() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        for (term, expected) in [
            ("ham", vec!["Hammer"]),
            ("SKATES", vec!["Rocket skates"]),
            ("3", vec!["Hammer", "Stapler"]),
            ("%", vec![]),
            ("_", vec![]),
            ("toy", vec!["Rocket skates", "Yo-yo"]),
        ] {
            let reply = c.get(&format!("{ROWS}?order_by=id&search={}", enc(term))).await;
            assert_eq!(reply.status, StatusCode::OK, "{b:?} {term}: {}", reply.text);
            assert_eq!(names(&reply), expected, "{b:?} {term:?}");
            assert_eq!(reply.json["count"], expected.len());
        }
        let combined =
            c.get(&format!("{ROWS}?search=o&where={}", enc(&json!({"active": {"_eq": false}}).to_string()))).await;
        assert_eq!(names(&combined), ["Rocket skates"]);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bulk_actions_are_all_or_nothing() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let bulk = "/admin/api/v1/tables/gadgets/bulk";
        let toys = json!({"kind": {"_eq": "toy"}});
        // The confirmed count must still be true.
        let stale = c
            .send(
                Method::POST,
                bulk,
                Some(json!({"action": "update", "where": toys, "set": {"active": true}, "expected": 3})),
            )
            .await;
        assert_error(&stale, StatusCode::CONFLICT, "conflict");
        let updated = c
            .send(
                Method::POST,
                bulk,
                Some(
                    json!({"action": "update", "where": toys, "set": {"active": true, "price": "1.00"}, "expected": 2}),
                ),
            )
            .await;
        assert_eq!(updated.status, StatusCode::OK, "{b:?}: {}", updated.text);
        assert_eq!(updated.json["affected"], 2);
        let toys_now = c.get(&format!("{ROWS}?order_by=id&where={}", enc(&toys.to_string()))).await;
        assert!(
            toys_now.json["rows"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["active"] == true && decimal(&r["price"]) == 1.0),
            "{}",
            toys_now.text
        );

        // One bad value fails the whole update: nothing changes.
        let bad = c
            .send(Method::POST, bulk, Some(json!({"action": "update", "keys": ["1", "3"], "set": {"price": -1}})))
            .await;
        assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert!(decimal(&c.get(&format!("{ROWS}/3")).await.json["price"]) == 15.0);

        // Deleting a referenced maker among others fails them all.
        let blocked = c
            .send(
                Method::POST,
                "/admin/api/v1/tables/makers/bulk",
                Some(json!({"action": "delete", "keys": ["1", "2"]})),
            )
            .await;
        assert_error(&blocked, StatusCode::CONFLICT, "conflict");
        assert_eq!(c.get("/admin/api/v1/tables/makers/rows").await.json["count"], 3);

        let deleted = c
            .send(
                Method::POST,
                "/admin/api/v1/tables/gadget_tags/bulk",
                Some(json!({"action": "delete", "keys": ["1,heavy", "4,fun~2Ctoy"]})),
            )
            .await;
        assert_eq!(deleted.json["affected"], 2, "{b:?}: {}", deleted.text);
        let by_search = c.send(Method::POST, bulk, Some(json!({"action": "delete", "search": "skates"}))).await;
        assert_eq!(by_search.json["affected"], 1, "{b:?}: {}", by_search.text);

        for body in [
            json!({"action": "delete", "keys": []}),
            json!({"action": "delete", "keys": ["1"], "where": {}}),
            json!({"action": "update", "keys": ["1"]}),
            json!({"action": "delete", "keys": ["1"], "set": {"name": "x"}}),
            json!({"action": "explode", "keys": ["1"]}),
            json!({"action": "delete", "where": {"nope": {"_eq": 1}}}),
        ] {
            let reply = c.send(Method::POST, bulk, Some(body.clone())).await;
            assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn foreign_keys_come_with_the_labels_of_the_rows_they_reference() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let page = c.get(&format!("{ROWS}?order_by=id&labels=true")).await;
        assert_eq!(
            page.json["labels"],
            json!({"maker_id": {"1": "Acme", "2": "Globex", "3": "Initech"}}),
            "{b:?}: {}",
            page.text
        );
        let tags = c.get("/admin/api/v1/tables/gadget_tags/rows?labels=true&where=%7B%22tag%22%3A%7B%22_eq%22%3A%22heavy%22%7D%7D").await;
        assert_eq!(tags.json["labels"], json!({"gadget_id": {"1": "Anvil", "3": "Hammer"}}), "{b:?}");
        let no_fk_column = c.get(&format!("{ROWS}?columns=name&labels=true")).await;
        assert_eq!(no_fk_column.json["labels"], json!({}), "{b:?}");
        assert!(c.get(ROWS).await.json.get("labels").is_none(), "{b:?}: only when asked");

        // A role that cannot read makers gets no maker labels.
        c.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "viewer"}))).await;
        common::put_rule(&mut c, "viewer", "gadgets", "select", json!({})).await;
        let mut viewer = common::user(&mut c, &t.db, "vera", "viewer").await;
        assert_eq!(viewer.get(&format!("{ROWS}?labels=true")).await.json["labels"], json!({}), "{b:?}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_exact_count_that_runs_too_long_gives_way() {
    for t in TestDb::all().await {
        let b = t.backend();
        let seed = match b {
            rubbie::Backend::Sqlite => {
                "CREATE TABLE big (id INTEGER PRIMARY KEY, label TEXT NOT NULL); WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300000) INSERT INTO big SELECT i, 'row ' || i FROM s;"
            }
            rubbie::Backend::Postgres => {
                "CREATE TABLE big (id BIGINT PRIMARY KEY, label TEXT NOT NULL); INSERT INTO big SELECT i, 'row ' || i FROM generate_series(1, 300000) i;"
            }
            rubbie::Backend::Mysql => {
                "CREATE TABLE big (id BIGINT PRIMARY KEY, label VARCHAR(50) NOT NULL); INSERT INTO big SELECT seq, CONCAT('row ', seq) FROM seq_1_to_300000;"
            }
        };
        common::exec(&t.db, seed).await;
        rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
        let config = rubbie::Config::new(t.db.clone()).track_introspected(true);
        let mut patient = Client::new(common::app_with(config.clone()));
        patient.login(common::ADMIN.0, common::ADMIN.1).await;
        let mut hasty = Client::new(common::app_with(config.count_timeout(std::time::Duration::from_millis(1))));
        hasty.login(common::ADMIN.0, common::ADMIN.1).await;
        let path =
            format!("/admin/api/v1/tables/big/rows?count=exact&limit=5&where={}", enc(r#"{"label":{"_like":"%99%"}}"#));

        let counted = patient.get(&path).await;
        assert_eq!(
            (counted.json["count"].clone(), counted.json["count_timed_out"].clone()),
            (json!(11073), json!(false)),
            "{b:?}: {}",
            counted.text
        );
        let gave_way = hasty.get(&path).await;
        assert_eq!(gave_way.status, StatusCode::OK, "{b:?}: {}", gave_way.text);
        assert_eq!(gave_way.json["count_timed_out"], true, "{b:?}");
        assert_eq!(gave_way.json["count"], Value::Null, "{b:?}: no estimate describes a filtered count");
        assert_eq!(gave_way.json["rows"].as_array().unwrap().len(), 5, "{b:?}: the page still comes");
        // The connection the count ran on is usable again.
        assert_eq!(patient.get(&path).await.json["count"], 11073, "{b:?}");
        t.cleanup().await;
    }
}
