//! The audit log: every write path leaves its entry in the same transaction, failed writes
//! leave none, reverts restore and refuse when unsafe, other roles read only what they may
//! select, the chain notices edits, retention prunes and keeps the chain verifiable.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use axum::http::{Method, StatusCode};
use common::{ADMIN, Client, TestDb, app_with, assert_error, exec, put_rule, user};
use serde_json::{Value, json};

const AUDIT: &str = "/admin/api/v1/audit";
const GADGETS: &str = "/admin/api/v1/tables/gadgets/rows";

/// The newest entries, newest first.
async fn latest(c: &mut Client, query: &str) -> Vec<Value> {
    let reply = c.get(&format!("{AUDIT}?limit=200&{query}")).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json["entries"].as_array().unwrap().clone()
}

/// A decimal as the row JSON gives it (a number with the database's scale).
fn num(v: &Value) -> f64 {
    v.to_string().trim_matches('"').parse().unwrap_or(f64::NAN)
}

async fn newest_id(c: &mut Client) -> i64 {
    latest(c, "").await.first().map(|e| e["id"].as_i64().unwrap()).unwrap_or(0)
}

/// Operations that change nothing rubbie keeps for others, and why they leave no entry.
const EXEMPT: [(&str, &str, &str); 19] = [
    ("POST", "/api/v1/explorer/history", "the user's own explorer history"),
    ("DELETE", "/api/v1/explorer/history", "the user's own explorer history"),
    ("POST", "/api/v1/explorer/saved", "the user's own saved explorer requests"),
    ("PATCH", "/api/v1/explorer/saved/{id}", "the user's own saved explorer requests"),
    ("DELETE", "/api/v1/explorer/saved/{id}", "the user's own saved explorer requests"),
    ("POST", "/api/v1/permissions/preview", "reads only"),
    ("POST", "/api/v1/migrations/plan", "reads only"),
    ("POST", "/api/v1/metadata/diff", "reads only"),
    ("POST", "/api/v1/schema/changes/preview", "reads only (its trial run is rolled back)"),
    (
        "POST",
        "/api/v1/schema/changes",
        "needs dev mode and a directory: a migration run plus a metadata entry, checked by tests/schema_changes.rs",
    ),
    ("PUT", "/api/v1/schema/layout", "the user's own diagram layout, saved as nodes are dragged"),
    ("POST", "/api/v1/migrations/runs", "runs in the background, one entry per step: tests/migrations.rs checks them"),
    ("POST", "/api/v1/migrations", "a run like /migrations/runs (its one step audited the same way)"),
    ("DELETE", "/api/v1/auth/sessions/{id}", "needs a second session: tests/auth.rs checks its entry"),
    ("POST", "/api/v1/auth/password", "changes the admin's password mid-walk: tests/auth.rs checks its entry"),
    ("POST", "/api/v1/sql/cancel", "stops a run, which then changes nothing; the SQL history records it"),
    ("POST", "/api/v1/sql/snippets", "the user's own SQL snippets"),
    ("PATCH", "/api/v1/sql/snippets/{id}", "the user's own SQL snippets"),
    ("DELETE", "/api/v1/sql/snippets/{id}", "the user's own SQL snippets"),
];

#[tokio::test]
async fn every_unsafe_operation_leaves_an_entry() {
    let doc = serde_json::to_value(rubbie::openapi::document(None)).unwrap();
    let mut operations: BTreeSet<(String, String)> = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                operations.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        assert_eq!(latest(&mut admin, "category=session").await[0]["action"], "login", "{b:?}");
        let mut covered: BTreeSet<(String, String)> =
            EXEMPT.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
        covered.insert(("POST".into(), "/api/v1/auth/login".into()));
        // (method, documented path, concrete path, body, expected category of the entry)
        let steps: Vec<(&str, &str, String, Option<Value>, &str)> = vec![
            ("POST", "/api/v1/auth/tokens", "/auth/tokens".into(), Some(json!({"name": "ci"})), "token"),
            ("DELETE", "/api/v1/auth/tokens/{id}", "/auth/tokens/{last}".into(), None, "token"),
            ("POST", "/api/v1/auth/sessions/sign-out-others", "/auth/sessions/sign-out-others".into(), None, "session"),
            (
                "POST",
                "/api/v1/tables/{table}/rows",
                "/tables/makers/rows".into(),
                Some(json!({"name": "Umbrella"})),
                "row",
            ),
            (
                "PATCH",
                "/api/v1/tables/{table}/rows/{pk}",
                "/tables/makers/rows/{last}".into(),
                Some(json!({"name": "Umbrella Corp"})),
                "row",
            ),
            ("DELETE", "/api/v1/tables/{table}/rows/{pk}", "/tables/makers/rows/{last}".into(), None, "row"),
            (
                "POST",
                "/api/v1/tables/{table}/bulk",
                "/tables/gadgets/bulk".into(),
                Some(json!({"action": "update", "keys": ["4"], "set": {"weight": 0.1}})),
                "row",
            ),
            (
                "POST",
                "/api/v1/tables/{table}/import",
                "/tables/makers/import".into(),
                Some(json!([{"name": "Hooli"}])),
                "row",
            ),
            ("POST", "/api/v1/tables/{table}/untrack", "/tables/gadget_tags/untrack".into(), None, "tracking"),
            ("POST", "/api/v1/tables/{table}/track", "/tables/gadget_tags/track".into(), None, "tracking"),
            ("POST", "/api/v1/tracking/track-all", "/tracking/track-all".into(), None, "none"),
            (
                "PATCH",
                "/api/v1/tables/{table}/metadata",
                "/tables/gadgets/metadata".into(),
                Some(json!({"label": "Devices", "columns": {"name": {"description": "What it is called"}}})),
                "metadata",
            ),
            (
                "POST",
                "/api/v1/tables/{table}/views",
                "/tables/gadgets/views".into(),
                Some(json!({"name": "cheap"})),
                "view",
            ),
            (
                "PATCH",
                "/api/v1/tables/{table}/views/{id}",
                "/tables/gadgets/views/{last}".into(),
                Some(json!({"shared": true})),
                "view",
            ),
            ("DELETE", "/api/v1/tables/{table}/views/{id}", "/tables/gadgets/views/{last}".into(), None, "view"),
            ("POST", "/api/v1/flags", "/flags".into(), Some(json!({"name": "beta", "enabled": false})), "flag"),
            ("PATCH", "/api/v1/flags/{name}", "/flags/beta".into(), Some(json!({"enabled": true})), "flag"),
            ("DELETE", "/api/v1/flags/{name}", "/flags/beta".into(), None, "flag"),
            ("POST", "/api/v1/roles", "/roles".into(), Some(json!({"name": "viewer"})), "role"),
            ("PATCH", "/api/v1/roles/{name}", "/roles/viewer".into(), Some(json!({"description": "reads"})), "role"),
            (
                "PUT",
                "/api/v1/permissions/{role}/{table}/{operation}",
                "/permissions/viewer/gadgets/select".into(),
                Some(json!({})),
                "permission",
            ),
            (
                "DELETE",
                "/api/v1/permissions/{role}/{table}/{operation}",
                "/permissions/viewer/gadgets/select".into(),
                None,
                "permission",
            ),
            (
                "POST",
                "/api/v1/users",
                "/users".into(),
                Some(json!({"username": "vera", "password": "password-123", "role": "viewer"})),
                "user",
            ),
            ("PATCH", "/api/v1/users/{id}", "/users/{last}".into(), Some(json!({"active": false})), "user"),
            ("DELETE", "/api/v1/users/{id}", "/users/{last}".into(), None, "user"),
            (
                "POST",
                "/api/v1/permissions/import",
                "/permissions/import".into(),
                Some(json!({"version": 1, "roles": [{"name": "viewer"}], "permissions": []})),
                "permission",
            ),
            ("DELETE", "/api/v1/roles/{name}", "/roles/viewer".into(), None, "role"),
            // bodies made from the document as it is then (see below)
            ("POST", "/api/v1/metadata/apply", "/metadata/apply".into(), None, "metadata"),
            (
                "POST",
                "/api/v1/metadata/inconsistencies/drop",
                "/metadata/inconsistencies/drop".into(),
                None,
                "metadata",
            ),
            (
                "POST",
                "/api/v1/audit/{id}/revert",
                "/audit/{flag}/revert".into(),
                Some(json!({"dry_run": false})),
                "flag",
            ),
            (
                "POST",
                "/api/v1/sql",
                "/sql".into(),
                Some(json!({"sql": "UPDATE makers SET name = 'Acme' WHERE id = 1", "mode": "write"})),
                "sql",
            ),
            ("POST", "/api/v1/auth/logout", "/auth/logout".into(), None, "session"),
        ];
        let mut last = String::new();
        let mut flag_entry = 0;
        for (method, documented, path, body, category) in steps {
            covered.insert((method.to_owned(), documented.to_owned()));
            let path =
                format!("/admin/api/v1{}", path.replace("{last}", &last).replace("{flag}", &flag_entry.to_string()));
            let before = newest_id(&mut admin).await;
            let body = match documented {
                "/api/v1/metadata/apply" => {
                    // stores an entry for a table the database lacks, for the drop after it
                    let mut doc = admin.get("/admin/api/v1/metadata").await.json;
                    doc["tables"]["ghosts"] = json!({"tracked": false, "metadata": {"label": "Boo"}});
                    let version = doc["resource_version"].clone();
                    Some(json!({"document": doc, "resource_version": version, "allow_inconsistent": true}))
                }
                "/api/v1/metadata/inconsistencies/drop" => {
                    let version = admin.get("/admin/api/v1/metadata").await.json["resource_version"].clone();
                    Some(json!({"ids": ["table:ghosts"], "resource_version": version}))
                }
                _ => body,
            };
            let reply = admin.send(method.parse().unwrap(), &path, body).await;
            assert!(reply.status.is_success(), "{b:?} {method} {path}: {}", reply.text);
            if let Some(id) = reply.json.get("id").or_else(|| reply.json.pointer("/token/id")) {
                last = id.to_string();
            }
            if category == "none" {
                continue; // every table is tracked already: track-all changes nothing
            }
            if method == "POST" && documented == "/api/v1/auth/logout" {
                // Signed out: read the log as a new session.
                admin.login(ADMIN.0, ADMIN.1).await;
            }
            let new: Vec<Value> =
                latest(&mut admin, "").await.into_iter().filter(|e| e["id"].as_i64().unwrap() > before).collect();
            assert!(
                new.iter().any(|e| e["category"] == category),
                "{b:?} {method} {path} left no {category} entry: {new:?}"
            );
            if documented == "/api/v1/flags/{name}" && method == "DELETE" {
                flag_entry = new.iter().find(|e| e["category"] == "flag").unwrap()["id"].as_i64().unwrap();
            }
        }
        let missing: Vec<_> = operations.difference(&covered).collect();
        assert!(
            missing.is_empty(),
            "unsafe operations this test does not cover (audit them, or add them to EXEMPT with a reason): {missing:?}"
        );
        // Token entries never hold the secret; user entries never the password.
        let all = serde_json::to_string(&latest(&mut admin, "").await).unwrap();
        assert!(
            !all.contains("rbt_") && !all.contains("password-123") && !all.contains("argon2"),
            "{b:?}: a secret in the log"
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_failed_write_leaves_no_entry_and_bulk_and_import_one_per_row() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        let before = newest_id(&mut admin).await;
        let bad = admin.send(Method::PATCH, &format!("{GADGETS}/1"), Some(json!({"price": "lots"}))).await;
        assert_eq!(bad.status.as_u16() / 100, 4, "{b:?}: {}", bad.text);
        let fk = admin.send(Method::PATCH, &format!("{GADGETS}/1"), Some(json!({"maker_id": 999}))).await;
        assert_error(&fk, StatusCode::CONFLICT, "conflict");
        let check = admin.send(Method::PATCH, &format!("{GADGETS}/1"), Some(json!({"price": -1}))).await;
        assert_eq!(check.status.as_u16() / 100, 4, "{b:?}: {}", check.text);
        assert_eq!(newest_id(&mut admin).await, before, "{b:?}: failed writes left entries");

        let bulk = admin
            .send(
                Method::POST,
                "/admin/api/v1/tables/gadgets/bulk",
                Some(json!({"action": "update", "where": {"kind": {"_eq": "tool"}}, "set": {"active": false}})),
            )
            .await;
        assert_eq!(bulk.json["affected"], 3, "{b:?}: {}", bulk.text);
        let entries = latest(&mut admin, "category=row&action=update").await;
        assert_eq!(entries.len(), 3, "{b:?}: one entry per row");
        let request = entries[0]["request_id"].clone();
        assert!(entries.iter().all(|e| e["request_id"] == request), "{b:?}: grouped by request");
        let keys: BTreeSet<&str> = entries.iter().map(|e| e["row_key"].as_str().unwrap()).collect();
        assert_eq!(keys, BTreeSet::from(["1", "3", "5"]), "{b:?}");
        assert!(entries.iter().all(|e| e["changed"] == json!(["active"])), "{b:?}: {entries:?}");
        assert!(entries.iter().all(|e| e["before"]["active"] == true && e["after"]["active"] == false), "{b:?}");

        let ndjson = "{\"name\":\"Soylent\"}\n{\"name\":\"Tyrell\"}\n";
        let imported = admin
            .send_raw(Method::POST, "/admin/api/v1/tables/makers/import", Some(ndjson), "application/x-ndjson")
            .await;
        assert_eq!(imported.json["inserted"], 2, "{b:?}: {}", imported.text);
        let inserts = latest(&mut admin, "category=row&action=insert&table=makers").await;
        assert_eq!(inserts.len(), 2, "{b:?}");
        let names: BTreeSet<&str> = inserts.iter().map(|e| e["after"]["name"].as_str().unwrap()).collect();
        assert_eq!(names, BTreeSet::from(["Soylent", "Tyrell"]));
        assert!(
            inserts.iter().all(|e| e["row_key"].as_str().is_some_and(|k| k.parse::<i64>().is_ok())),
            "{b:?}: {inserts:?}"
        );
        // A dry run and a failing import leave nothing.
        let last = newest_id(&mut admin).await;
        let dry = admin
            .send_raw(
                Method::POST,
                "/admin/api/v1/tables/makers/import?dry_run=true",
                Some("{\"name\":\"X\"}\n"),
                "application/x-ndjson",
            )
            .await;
        assert_eq!(dry.status, StatusCode::OK, "{b:?}: {}", dry.text);
        let dup = admin
            .send_raw(
                Method::POST,
                "/admin/api/v1/tables/makers/import",
                Some("{\"name\":\"New\"}\n{\"name\":\"Acme\"}\n"),
                "application/x-ndjson",
            )
            .await;
        assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY, "{b:?}: {}", dup.text);
        assert_eq!(newest_id(&mut admin).await, last, "{b:?}");

        // A bulk change beyond the limit is refused before anything changes.
        let mut small =
            Client::admin_of(rubbie::Config::new(t.db.clone()).track_introspected(true).audit_bulk_limit(2)).await;
        let big =
            small.send(Method::POST, "/admin/api/v1/tables/gadgets/bulk", Some(json!({"action": "delete"}))).await;
        assert_error(&big, StatusCode::CONFLICT, "conflict");
        assert!(big.json["error"]["message"].as_str().unwrap().contains("at most 2 rows"), "{}", big.text);
        assert_eq!(admin.get(GADGETS).await.json["count"], 5, "{b:?}");

        // A table left out of the log: its row changes leave nothing, other tables' still do.
        let quiet = rubbie::Config::new(t.db.clone()).track_introspected(true).audit_exclude_table("makers");
        let mut quiet = Client::admin_of(quiet).await;
        let last = newest_id(&mut admin).await;
        let renamed =
            quiet.send(Method::PATCH, "/admin/api/v1/tables/makers/rows/1", Some(json!({"name": "Acme Inc"}))).await;
        assert_eq!(renamed.status, StatusCode::OK, "{b:?}: {}", renamed.text);
        assert_error(
            &quiet.send(Method::DELETE, "/admin/api/v1/tables/makers/rows/99", None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        assert_eq!(
            latest(&mut admin, "category=row&table=makers").await.len(),
            2,
            "{b:?}: only the two imported before"
        );
        quiet.send(Method::PATCH, &format!("{GADGETS}/5"), Some(json!({"weight": 9}))).await;
        assert!(newest_id(&mut admin).await > last, "{b:?}");
        t.cleanup().await;
    }
}

async fn revert(c: &mut Client, id: i64, body: Value) -> common::Reply {
    c.send(Method::POST, &format!("{AUDIT}/{id}/revert"), Some(body)).await
}

#[tokio::test]
async fn reverts_restore_rows_and_refuse_after_a_later_change() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        // Update, then revert it.
        admin.send(Method::PATCH, &format!("{GADGETS}/2"), Some(json!({"name": "Jet skates", "price": 120}))).await;
        let update = latest(&mut admin, "table=gadgets&row_key=2").await[0].clone();
        assert_eq!(update["changed"], json!(["name", "price"]), "{b:?}");
        let id = update["id"].as_i64().unwrap();
        let dry = revert(&mut admin, id, json!({"dry_run": true})).await;
        assert_eq!(dry.status, StatusCode::OK, "{b:?}: {}", dry.text);
        assert_eq!(dry.json["values"]["name"], "Rocket skates");
        assert_eq!(dry.json["conflicts"], json!([]));
        assert_eq!(
            admin.get(&format!("{GADGETS}/2")).await.json["name"],
            "Jet skates",
            "{b:?}: a dry run changes nothing"
        );
        let done = revert(&mut admin, id, json!({})).await;
        assert_eq!(done.status, StatusCode::OK, "{b:?}: {}", done.text);
        let row = admin.get(&format!("{GADGETS}/2")).await.json;
        assert_eq!((row["name"].clone(), num(&row["price"])), (json!("Rocket skates"), 99.9), "{b:?}");
        let undo = latest(&mut admin, "table=gadgets&row_key=2").await[0].clone();
        assert_eq!(undo["reverts_id"], id, "{b:?}: the revert is an entry");

        // A later change makes the old entry unsafe to revert; an admin may force it.
        admin.send(Method::PATCH, &format!("{GADGETS}/2"), Some(json!({"name": "Hover skates"}))).await;
        let refused = revert(&mut admin, id, json!({})).await;
        assert_error(&refused, StatusCode::CONFLICT, "conflict");
        assert!(refused.json["error"]["fields"]["name"].is_array(), "{b:?}: {}", refused.text);
        let dry = revert(&mut admin, id, json!({"dry_run": true})).await;
        assert_eq!(dry.json["conflicts"], json!(["name", "price"]), "{b:?}: {}", dry.text);
        assert_eq!(admin.get(&format!("{GADGETS}/2")).await.json["name"], "Hover skates");
        let forced = revert(&mut admin, id, json!({"force": true})).await;
        assert_eq!(forced.status, StatusCode::OK, "{b:?}: {}", forced.text);
        assert_eq!(admin.get(&format!("{GADGETS}/2")).await.json["name"], "Rocket skates");

        // Delete, then undelete: the same key and values come back.
        let original = admin.get(&format!("{GADGETS}/3")).await.json;
        admin.send(Method::DELETE, "/admin/api/v1/tables/gadget_tags/rows/3,heavy", None).await;
        assert_eq!(admin.send(Method::DELETE, &format!("{GADGETS}/3"), None).await.status, StatusCode::NO_CONTENT);
        let deleted = latest(&mut admin, "table=gadgets&row_key=3&action=delete").await[0].clone();
        assert_eq!(deleted["before"]["name"], "Hammer", "{b:?}");
        let back = revert(&mut admin, deleted["id"].as_i64().unwrap(), json!({})).await;
        assert_eq!(back.status, StatusCode::OK, "{b:?}: {}", back.text);
        assert_eq!(admin.get(&format!("{GADGETS}/3")).await.json, original, "{b:?}: undeleted as it was");
        let again = revert(&mut admin, deleted["id"].as_i64().unwrap(), json!({})).await;
        assert_error(&again, StatusCode::CONFLICT, "conflict");

        // Insert, then revert: the row goes; not once it was changed.
        let made = admin.send(Method::POST, GADGETS, Some(json!({"name": "Kite"}))).await;
        let key = made.json["id"].to_string();
        let inserted = latest(&mut admin, &format!("table=gadgets&row_key={key}")).await[0].clone();
        assert_eq!(inserted["action"], "insert");
        let made2 = admin.send(Method::POST, GADGETS, Some(json!({"name": "Drone"}))).await;
        let key2 = made2.json["id"].to_string();
        let inserted2 = latest(&mut admin, &format!("table=gadgets&row_key={key2}")).await[0].clone();
        assert_eq!(revert(&mut admin, inserted["id"].as_i64().unwrap(), json!({})).await.status, StatusCode::OK);
        assert_error(&admin.get(&format!("{GADGETS}/{key}")).await, StatusCode::NOT_FOUND, "not_found");
        admin.send(Method::PATCH, &format!("{GADGETS}/{key2}"), Some(json!({"weight": 3}))).await;
        assert_error(
            &revert(&mut admin, inserted2["id"].as_i64().unwrap(), json!({})).await,
            StatusCode::CONFLICT,
            "conflict",
        );

        // Sessions cannot be reverted (a conflict with the entry); unknown entries are 404;
        // bodies are checked.
        let login = latest(&mut admin, "category=session").await[0]["id"].as_i64().unwrap();
        assert_error(&revert(&mut admin, login, json!({})).await, StatusCode::CONFLICT, "conflict");
        assert_error(&revert(&mut admin, 999_999, json!({})).await, StatusCode::NOT_FOUND, "not_found");
        assert_eq!(revert(&mut admin, login, json!({"dry": 1})).await.status.as_u16() / 100, 4);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn permission_flag_and_tracking_changes_revert() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "viewer"}))).await;
        put_rule(&mut admin, "viewer", "gadgets", "select", json!({"columns": ["id", "name"]})).await;
        put_rule(&mut admin, "viewer", "gadgets", "select", json!({"columns": "*"})).await;
        let set = latest(&mut admin, "category=permission").await[0].clone();
        assert_eq!(set["object"], "viewer/gadgets/select");
        assert_eq!(revert(&mut admin, set["id"].as_i64().unwrap(), json!({})).await.status, StatusCode::OK, "{b:?}");
        let rules = admin.get("/admin/api/v1/permissions").await.json;
        assert_eq!(rules["permissions"][0]["rule"]["columns"], json!(["id", "name"]), "{b:?}: {rules}");

        admin.send(Method::POST, "/admin/api/v1/flags", Some(json!({"name": "beta", "enabled": false}))).await;
        admin.send(Method::PATCH, "/admin/api/v1/flags/beta", Some(json!({"enabled": true}))).await;
        let on = latest(&mut admin, "category=flag&action=update").await[0]["id"].as_i64().unwrap();
        assert_eq!(revert(&mut admin, on, json!({})).await.status, StatusCode::OK);
        assert_eq!(admin.get("/admin/api/v1/flags").await.json["flags"][0]["enabled"], false, "{b:?}");

        admin.send(Method::POST, "/admin/api/v1/tables/makers/untrack", None).await;
        let untracked = latest(&mut admin, "category=tracking").await[0]["id"].as_i64().unwrap();
        assert_eq!(revert(&mut admin, untracked, json!({})).await.status, StatusCode::OK);
        assert_eq!(admin.get("/admin/api/v1/tables/makers/rows").await.status, StatusCode::OK, "{b:?}: tracked again");

        // Only admins revert what is not a row.
        let mut viewer = user(&mut admin, &t.db, "vera", "viewer").await;
        assert_error(&revert(&mut viewer, on, json!({})).await, StatusCode::NOT_FOUND, "not_found");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn other_roles_read_only_the_rows_they_may_select() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "toys"}))).await;
        put_rule(
            &mut admin,
            "toys",
            "gadgets",
            "select",
            json!({"columns": ["id", "name", "kind"], "filter": {"kind": {"_eq": "toy"}}}),
        )
        .await;
        put_rule(
            &mut admin,
            "toys",
            "gadgets",
            "update",
            json!({"columns": ["name"], "filter": {"kind": {"_eq": "toy"}}}),
        )
        .await;
        for (id, name) in [(1, "Big anvil"), (2, "Fast skates"), (4, "Yo-yo 2")] {
            let r =
                admin.send(Method::PATCH, &format!("{GADGETS}/{id}"), Some(json!({"name": name, "price": 1}))).await;
            assert_eq!(r.status, StatusCode::OK, "{b:?}: {}", r.text);
        }
        admin.send(Method::DELETE, "/admin/api/v1/tables/gadget_tags/rows/4,fun~2Ctoy", None).await;
        assert_eq!(admin.send(Method::DELETE, &format!("{GADGETS}/4"), None).await.status, StatusCode::NO_CONTENT);
        admin.send(Method::POST, "/admin/api/v1/flags", Some(json!({"name": "beta"}))).await;

        let mut toys = user(&mut admin, &t.db, "tom", "toys").await;
        let seen = latest(&mut toys, "").await;
        let keys: Vec<(&str, &str)> =
            seen.iter().map(|e| (e["action"].as_str().unwrap(), e["row_key"].as_str().unwrap())).collect();
        assert_eq!(
            keys,
            [("delete", "4"), ("update", "4"), ("update", "2")],
            "{b:?}: toys only, deleted ones too: {seen:?}"
        );
        for e in &seen {
            for image in [&e["before"], &e["after"]] {
                if let Some(map) = image.as_object() {
                    assert!(map.keys().all(|k| ["id", "name", "kind"].contains(&k.as_str())), "{b:?}: {image}");
                }
            }
            let changed = e["changed"].as_array().unwrap();
            assert!(changed.iter().all(|c| ["id", "name", "kind"].contains(&c.as_str().unwrap())), "{b:?}: {e}");
        }
        let hidden = latest(&mut admin, "table=gadgets&row_key=1").await[0]["id"].as_i64().unwrap();
        assert_error(&toys.get(&format!("{AUDIT}/{hidden}")).await, StatusCode::NOT_FOUND, "not_found");
        assert_error(&toys.get(&format!("{AUDIT}/verify")).await, StatusCode::FORBIDDEN, "forbidden");
        // Paging through a filtered log still ends.
        let page = toys.get(&format!("{AUDIT}?limit=1")).await.json;
        assert_eq!(page["entries"].as_array().unwrap().len(), 1, "{b:?}: {page}");
        let next = page["next_cursor"].as_str().unwrap().to_owned();
        let rest = toys.get(&format!("{AUDIT}?limit=5&cursor={next}")).await.json;
        assert_eq!(rest["entries"].as_array().unwrap().len(), 2, "{b:?}: {rest}");
        // A revert within the role's rights works; the update of a toy's price is not its to undo.
        let own = toys.send(Method::PATCH, &format!("{GADGETS}/2"), Some(json!({"name": "Slow skates"}))).await;
        assert_eq!(own.status, StatusCode::OK, "{b:?}: {}", own.text);
        let mine = latest(&mut toys, "row_key=2").await[0]["id"].as_i64().unwrap();
        assert_eq!(revert(&mut toys, mine, json!({})).await.status, StatusCode::OK, "{b:?}");
        let admins =
            seen.iter().find(|e| e["row_key"] == "2" && e["action"] == "update").unwrap()["id"].as_i64().unwrap();
        assert_error(&revert(&mut toys, admins, json!({"force": true})).await, StatusCode::FORBIDDEN, "forbidden");
        let csv = toys.get(&format!("{AUDIT}/export?format=csv")).await;
        assert_eq!(csv.status, StatusCode::OK);
        assert_eq!(csv.text.lines().count(), 1 + 5, "{b:?}: the export shows what the list shows:\n{}", csv.text);
        assert!(!csv.text.contains("beta") && !csv.text.contains("Big anvil"), "{b:?}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_chain_shows_an_edited_or_removed_entry() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        for price in [1, 2, 3, 4] {
            admin.send(Method::PATCH, &format!("{GADGETS}/1"), Some(json!({"price": price}))).await;
        }
        let ok = admin.get(&format!("{AUDIT}/verify")).await.json;
        assert_eq!((ok["ok"].clone(), ok["checked"].clone()), (json!(true), json!(5)), "{b:?}: {ok}");
        let ids: Vec<i64> =
            latest(&mut admin, "category=row").await.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        exec(&t.db, &format!("UPDATE rubbie_audit SET summary = 'nothing happened' WHERE id = {}", ids[2])).await;
        let edited = admin.get(&format!("{AUDIT}/verify")).await.json;
        assert_eq!(
            (edited["ok"].clone(), edited["first_bad_id"].clone()),
            (json!(false), json!(ids[2])),
            "{b:?}: {edited}"
        );
        assert_eq!(edited["category"], "row");
        exec(&t.db, &format!("DELETE FROM rubbie_audit WHERE id = {}", ids[2])).await;
        let removed = admin.get(&format!("{AUDIT}/verify")).await.json;
        assert_eq!(removed["first_bad_id"], json!(ids[1]), "{b:?}: the next entry's link breaks: {removed}");
        exec(&t.db, &format!("DELETE FROM rubbie_audit WHERE id >= {}", ids[1])).await;
        let cut = admin.get(&format!("{AUDIT}/verify")).await.json;
        assert_eq!(cut["ok"], false, "{b:?}: removing the newest entries shows too: {cut}");

        // With a host key, the same chain does not verify under another key (or none).
        let keyed = rubbie::Config::new(t.db.clone()).track_introspected(true).audit_key("s3cret");
        let mut k = Client::admin_of(keyed.clone()).await;
        assert_eq!(
            k.send(Method::PATCH, &format!("{GADGETS}/5"), Some(json!({"weight": 1}))).await.status,
            StatusCode::OK
        );
        let plain = admin.get(&format!("{AUDIT}/verify")).await.json;
        let session_or_row_bad = plain["ok"] == false;
        assert!(session_or_row_bad, "{b:?}: a keyed entry verifies without the key: {plain}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn retention_prunes_by_count_and_keeps_the_chain_verifiable() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        rubbie::create_or_update_admin(&t.db, ADMIN.0, ADMIN.1).await.unwrap();
        let config = rubbie::Config::new(t.db.clone())
            .track_introspected(true)
            .audit_retention(rubbie::AuditCategory::Row, None, Some(2))
            .audit_prune_every(Duration::from_millis(300));
        let mut admin = Client::new(app_with(config));
        admin.login(ADMIN.0, ADMIN.1).await;
        for price in [1, 2, 3, 4, 5] {
            admin.send(Method::PATCH, &format!("{GADGETS}/1"), Some(json!({"price": price}))).await;
        }
        let (mut rows, mut purge) = (Vec::new(), Vec::new());
        for _ in 0..50 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            rows = latest(&mut admin, "category=row").await;
            purge = latest(&mut admin, "category=audit").await;
            if rows.len() == 2 && !purge.is_empty() {
                break;
            }
        }
        assert_eq!(rows.len(), 2, "{b:?}: pruned to the newest two");
        assert_eq!(num(&rows[0]["after"]["price"]), 5.0, "{b:?}");
        assert_eq!(purge[0]["action"], "purge", "{b:?}: {purge:?}");
        assert_eq!(purge[0]["detail"]["deleted"], 3);
        let verified = admin.get(&format!("{AUDIT}/verify")).await.json;
        assert_eq!(verified["ok"], true, "{b:?}: {verified}");
        assert_eq!(latest(&mut admin, "category=session").await.len(), 1, "{b:?}: other categories untouched");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn filters_paging_and_the_overview() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        for i in 0..7 {
            admin.send(Method::PATCH, &format!("{GADGETS}/5"), Some(json!({"weight": i}))).await;
        }
        admin.send(Method::POST, "/admin/api/v1/flags", Some(json!({"name": "a_b"}))).await;
        admin.send(Method::POST, "/admin/api/v1/flags", Some(json!({"name": "axb"}))).await;
        let mut seen = Vec::new();
        let mut cursor = String::new();
        loop {
            let page = admin.get(&format!("{AUDIT}?category=row&limit=3&cursor={cursor}")).await.json;
            seen.extend(page["entries"].as_array().unwrap().iter().map(|e| e["id"].as_i64().unwrap()));
            match page["next_cursor"].as_str() {
                Some(c) => cursor = c.to_owned(),
                None => break,
            }
        }
        assert_eq!(seen.len(), 7, "{b:?}");
        assert!(seen.windows(2).all(|w| w[0] > w[1]), "{b:?}: newest first, no repeats");
        assert_eq!(latest(&mut admin, "text=a_b").await.len(), 1, "{b:?}: _ is literal in text");
        assert_eq!(latest(&mut admin, "text=%25").await.len(), 0, "{b:?}: % is literal in text");
        assert_eq!(latest(&mut admin, "text=STAPLER").await.len(), 7, "{b:?}: case-insensitive");
        assert_eq!(latest(&mut admin, "user=admin&action=create").await.len(), 2, "{b:?}");
        let future = i64::MAX / 2;
        assert!(latest(&mut admin, &format!("from={future}")).await.is_empty());
        for bad in ["category=nope", "cursor=abc", "limit=0", "limit=201", "from=x"] {
            assert_eq!(admin.get(&format!("{AUDIT}?{bad}")).await.status, StatusCode::BAD_REQUEST, "{b:?} {bad}");
        }
        assert_error(
            &admin.get(&format!("{AUDIT}?text={}", "x".repeat(201))).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
        let overview = admin.get("/admin/api/v1/overview").await.json;
        assert_eq!(overview["tables"].as_array().unwrap().len(), 3, "{b:?}: {overview}");
        assert_eq!(overview["recent"][0]["object"], "axb");
        assert_eq!(overview["recent"].as_array().unwrap().len(), 9, "{b:?}: sign-ins left out");
        assert_eq!(overview["activity"][0]["count"], 9, "{b:?}: today: {overview}");
        assert_eq!(overview["people"]["users"], 1);
        let nd = admin.get(&format!("{AUDIT}/export?format=ndjson&category=row")).await;
        assert_eq!(nd.text.lines().count(), 7, "{b:?}");
        assert_error(&admin.get(&format!("{AUDIT}/export?format=xml")).await, StatusCode::BAD_REQUEST, "bad_request");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_writers_and_a_second_instance_keep_one_chain() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        let mut other = Client::admin_of(rubbie::Config::new(t.db.clone()).track_introspected(true)).await;
        let mut writers = Vec::new();
        for i in 0..6 {
            let mut c = Client::admin_of(rubbie::Config::new(t.db.clone()).track_introspected(true)).await;
            writers.push(tokio::spawn(async move {
                let mut codes = Vec::new();
                for round in 0..5 {
                    let row = (i % 5) + 1;
                    let reply =
                        c.send(Method::PATCH, &format!("{GADGETS}/{row}"), Some(json!({"weight": round}))).await;
                    codes.push(reply.status);
                }
                codes
            }));
        }
        let bulk = other
            .send(
                Method::POST,
                "/admin/api/v1/tables/gadgets/bulk",
                Some(json!({"action": "update", "set": {"active": true}})),
            )
            .await;
        assert_eq!(bulk.status, StatusCode::OK, "{b:?}: {}", bulk.text);
        for w in writers {
            assert!(w.await.unwrap().iter().all(|s| *s == StatusCode::OK), "{b:?}: every concurrent write succeeds");
        }
        assert_eq!(latest(&mut admin, "category=row").await.len(), 30 + 5, "{b:?}");
        let verified = admin.get(&format!("{AUDIT}/verify")).await.json;
        assert_eq!(verified["ok"], true, "{b:?}: {verified}");
        t.cleanup().await;
    }
}
