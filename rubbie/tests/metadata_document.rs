//! The metadata document: exported with a stable key order, diffed, applied in one
//! transaction (409 on a stale resource_version, also when two applies race), reverted from
//! the audit log, and inconsistent entries refused, kept on request, listed and dropped.

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, assert_error, exec, put_rule};
use serde_json::{Value, json};

const DOC: &str = "/admin/api/v1/metadata";

/// Sets up one of everything the document holds.
async fn configure(admin: &mut Client) {
    let role = admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "viewer"}))).await;
    assert_eq!(role.status, StatusCode::CREATED, "{}", role.text);
    put_rule(
        admin,
        "viewer",
        "gadgets",
        "select",
        json!({"filter": {"active": {"_eq": true}}, "columns": ["id", "name"]}),
    )
    .await;
    let meta = json!({"label": "Devices", "columns": {"price": {"readonly": true}}});
    let patched = admin.send(Method::PATCH, "/admin/api/v1/tables/gadgets/metadata", Some(meta)).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
    let view = json!({"name": "Cheap", "where": {"price": {"_lt": 20}}, "order_by": "-price"});
    let saved = admin.send(Method::POST, "/admin/api/v1/tables/gadgets/views", Some(view)).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text);
    let untracked = admin.send(Method::POST, "/admin/api/v1/tables/gadget_tags/untrack", None).await;
    assert_eq!(untracked.status, StatusCode::NO_CONTENT, "{}", untracked.text);
}

async fn apply(admin: &mut Client, document: &Value, version: &Value, allow: bool) -> common::Reply {
    let body = json!({"document": document, "resource_version": version, "allow_inconsistent": allow});
    admin.send(Method::POST, "/admin/api/v1/metadata/apply", Some(body)).await
}

#[tokio::test]
async fn document_exports_diffs_applies_and_reverts() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        configure(&mut admin).await;

        let first = admin.get(DOC).await;
        assert_eq!(first.status, StatusCode::OK, "{backend:?}: {}", first.text);
        let doc = first.json.clone();
        assert_eq!(doc["rubbie_metadata"], 1);
        assert_eq!(
            doc["tables"]["gadgets"],
            json!({"tracked": true, "metadata": {"label": "Devices", "columns": {"price": {"readonly": true}}}})
        );
        assert_eq!(doc["tables"]["gadget_tags"], json!({"tracked": false}), "{backend:?}");
        assert_eq!(doc["tables"]["makers"]["tracked"], true);
        assert_eq!(doc["roles"], json!([{"name": "viewer", "description": null, "builtin": false}]));
        assert_eq!(doc["permissions"][0]["role"], "viewer");
        assert_eq!(
            doc["saved_views"],
            json!([{"table": "gadgets", "owner": "admin", "name": "Cheap", "shared": false, "where": {"price": {"_lt": 20}}, "order_by": "-price"}])
        );
        assert_eq!(admin.get(DOC).await.text, first.text, "{backend:?}: the same state exports the same bytes");
        let version = doc["resource_version"].clone();
        assert!(version.as_i64().is_some_and(|v| v > 0), "{version}");

        // A changed document: one label, one more role, no view, tags tracked again.
        let mut next = doc.clone();
        next["tables"]["gadgets"]["metadata"]["label"] = json!("Things");
        next["tables"]["gadget_tags"]["tracked"] = json!(true);
        next["roles"].as_array_mut().unwrap().push(json!({"name": "editor", "description": "Edits"}));
        next["saved_views"] = json!([]);
        let diff = admin.send(Method::POST, "/admin/api/v1/metadata/diff", Some(json!({"document": next}))).await;
        assert_eq!(diff.status, StatusCode::OK, "{backend:?}: {}", diff.text);
        let summary: Vec<String> = diff.json["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                format!(
                    "{} {} {}",
                    c["section"].as_str().unwrap(),
                    c["action"].as_str().unwrap(),
                    c["object"].as_str().unwrap()
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                "tables change gadget_tags",
                "tables change gadgets",
                "roles add editor",
                "saved_views remove gadgets/admin/Cheap"
            ],
            "{backend:?}"
        );
        assert_eq!(diff.json["inconsistencies"], json!([]));
        assert_eq!(admin.get(DOC).await.text, first.text, "a diff changes nothing");

        let applied = apply(&mut admin, &next, &version, false).await;
        assert_eq!(applied.status, StatusCode::OK, "{backend:?}: {}", applied.text);
        assert_eq!(applied.json["changes"].as_array().unwrap().len(), 4);
        let new_version = applied.json["resource_version"].as_i64().unwrap();
        assert!(new_version > version.as_i64().unwrap());
        assert_eq!(admin.get("/admin/api/v1/tables/gadgets").await.json["label"], "Things");
        assert_eq!(admin.get("/admin/api/v1/tables/gadget_tags/rows").await.status, StatusCode::OK, "tracked again");
        assert_eq!(admin.get("/admin/api/v1/tables/gadgets/views").await.json["views"], json!([]));
        let roles = admin.get("/admin/api/v1/roles").await.json;
        assert!(roles["roles"].as_array().unwrap().iter().any(|r| r["name"] == "editor"));
        let after = admin.get(DOC).await.json;
        assert_eq!(after["resource_version"], new_version);

        // Applying the same document again is a no-op; an old version is refused.
        let again = apply(&mut admin, &next, &json!(new_version), false).await;
        assert_eq!((again.status, again.json["changes"].clone()), (StatusCode::OK, json!([])));
        let stale = apply(&mut admin, &doc, &version, false).await;
        assert_error(&stale, StatusCode::CONFLICT, "conflict");
        assert!(stale.json["error"]["message"].as_str().unwrap().contains("stale"), "{}", stale.text);

        // One audit entry holds the import; reverting it brings the first document back.
        let entries = admin.get("/admin/api/v1/audit?category=metadata&action=apply").await.json;
        let entry = &entries["entries"][0];
        assert_eq!(entry["summary"], "Applied a metadata document (4 changes)", "{entries}");
        let revert = admin
            .send(Method::POST, &format!("/admin/api/v1/audit/{}/revert", entry["id"]), Some(json!({"dry_run": false})))
            .await;
        assert_eq!(revert.status, StatusCode::OK, "{backend:?}: {}", revert.text);
        let reverted = admin.get(DOC).await.json;
        let strip = |mut d: Value| {
            d["resource_version"] = json!(0);
            d
        };
        assert_eq!(strip(reverted), strip(doc.clone()), "{backend:?}");
        assert_eq!(admin.get("/admin/api/v1/tables/gadgets").await.json["label"], "Devices");

        t.cleanup().await;
    }
}

#[tokio::test]
async fn inconsistent_entries_are_refused_kept_listed_and_dropped() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        configure(&mut admin).await;
        let doc = admin.get(DOC).await.json;
        let mut next = doc.clone();
        next["tables"]["ghosts"] = json!({"tracked": true, "metadata": {"label": "Boo"}});
        next["tables"]["gadgets"]["metadata"]["columns"]["colour"] = json!({"hidden": true});
        next["permissions"]
            .as_array_mut()
            .unwrap()
            .push(json!({"role": "viewer", "table": "ghosts", "operation": "select", "rule": {}}));
        next["saved_views"]
            .as_array_mut()
            .unwrap()
            .push(json!({"table": "gadgets", "owner": "nobody", "name": "Theirs"}));

        let refused = apply(&mut admin, &next, &doc["resource_version"], false).await;
        assert_error(&refused, StatusCode::CONFLICT, "conflict");
        let fields = refused.json["error"]["fields"].as_object().unwrap();
        let mut ids: Vec<&str> = fields.keys().map(String::as_str).collect();
        ids.sort();
        assert_eq!(
            ids,
            ["column:gadgets.colour", "permission:viewer/ghosts/select", "table:ghosts", "view:gadgets/nobody/Theirs"],
            "{backend:?}: {}",
            refused.text
        );
        assert_eq!(admin.get(DOC).await.json["resource_version"], doc["resource_version"], "nothing written");

        let diff = admin.send(Method::POST, "/admin/api/v1/metadata/diff", Some(json!({"document": next}))).await;
        assert_eq!(diff.json["inconsistencies"].as_array().unwrap().len(), 4, "{}", diff.text);

        // Allowed: kept (a view of a user this database lacks cannot be, and is left out).
        let kept = apply(&mut admin, &next, &doc["resource_version"], true).await;
        assert_eq!(kept.status, StatusCode::OK, "{backend:?}: {}", kept.text);
        let stored = admin.get(DOC).await.json;
        assert_eq!(stored["tables"]["ghosts"]["metadata"]["label"], "Boo");
        assert_eq!(stored["saved_views"].as_array().unwrap().len(), 1, "{}", stored["saved_views"]);
        assert_eq!(admin.get("/admin/api/v1/tables/gadgets").await.status, StatusCode::OK, "gadgets still served");

        // A column dropped outside rubbie leaves its override behind: listed too.
        exec(&t.db, "ALTER TABLE gadgets DROP COLUMN weight").await;
        let patched = admin
            .send(
                Method::PATCH,
                "/admin/api/v1/tables/gadgets/metadata",
                Some(json!({"columns": {"released": {"hidden": true}}})),
            )
            .await;
        assert_eq!(patched.status, StatusCode::OK, "{}", patched.text);
        let list = admin.get("/admin/api/v1/metadata/inconsistencies").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.text);
        let listed: Vec<&str> =
            list.json["inconsistencies"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(listed, ["column:gadgets.colour", "table:ghosts", "permission:viewer/ghosts/select"], "{backend:?}");
        let mut with_weight = admin.get(DOC).await.json;
        with_weight["tables"]["gadgets"]["metadata"]["columns"]["weight"] = json!({"label": "Mass"});
        let version = with_weight["resource_version"].clone();
        assert_eq!(apply(&mut admin, &with_weight, &version, true).await.status, StatusCode::OK);
        let list = admin.get("/admin/api/v1/metadata/inconsistencies").await.json;
        assert!(
            list["inconsistencies"].as_array().unwrap().iter().any(|i| i["id"] == "column:gadgets.weight"),
            "{list}"
        );

        // Dropping needs the list's version and ids it has.
        let unknown = json!({"ids": ["table:nothing"], "resource_version": list["resource_version"]});
        let refused = admin.send(Method::POST, "/admin/api/v1/metadata/inconsistencies/drop", Some(unknown)).await;
        assert_error(&refused, StatusCode::CONFLICT, "conflict");
        let ids: Vec<Value> = list["inconsistencies"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect();
        let drop = json!({"ids": ids, "resource_version": list["resource_version"]});
        let dropped = admin.send(Method::POST, "/admin/api/v1/metadata/inconsistencies/drop", Some(drop)).await;
        assert_eq!(dropped.status, StatusCode::OK, "{backend:?}: {}", dropped.text);
        assert_eq!(dropped.json["inconsistencies"], json!([]));
        let clean = admin.get(DOC).await.json;
        assert!(clean["tables"].get("ghosts").is_none());
        assert_eq!(
            clean["tables"]["gadgets"]["metadata"]["columns"],
            json!({"price": {"readonly": true}, "released": {"hidden": true}})
        );
        assert_eq!(clean["permissions"].as_array().unwrap().len(), 1);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn malformed_documents_are_refused_before_anything() {
    let t = TestDb::sqlite().await.with_fixture().await;
    let mut admin = Client::signed_in(&t.db).await;
    let doc = admin.get(DOC).await.json;
    let version = doc["resource_version"].clone();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut d = doc.clone();
        f(&mut d);
        d
    };
    let cases = [
        (with(&|d| d["rubbie_metadata"] = json!(2)), StatusCode::BAD_REQUEST),
        // contradictions the schema cannot state are conflicts
        (with(&|d| d["roles"] = json!([{"name": "a"}, {"name": "a"}])), StatusCode::CONFLICT),
        (with(&|d| d["roles"] = json!([{"name": "admin"}])), StatusCode::CONFLICT),
        (with(&|d| d["roles"] = json!([{"name": "Bad Name"}])), StatusCode::UNPROCESSABLE_ENTITY),
        (
            with(&|d| {
                d["permissions"] = json!([{"role": "ghost", "table": "gadgets", "operation": "select", "rule": {}}])
            }),
            StatusCode::CONFLICT,
        ),
        // a struct given as an array of its fields, which serde's derive alone would take
        (
            with(&|d| {
                d["tables"]["gadgets"] = json!({"tracked": true, "metadata": {"columns": {"name": [null, null]}}})
            }),
            StatusCode::BAD_REQUEST,
        ),
        (with(&|d| d["tables"]["gadgets"] = json!([true])), StatusCode::BAD_REQUEST),
        (with(&|d| d["roles"] = json!([["a", null, false]])), StatusCode::BAD_REQUEST),
        // a filter that is not an object, on an entry nothing compiles (its table is missing)
        (
            with(&|d| d["saved_views"] = json!([{"table": "ghost", "owner": "nobody", "name": "v", "where": [null]}])),
            StatusCode::BAD_REQUEST,
        ),
        (
            with(&|d| d["tables"]["gadgets"] = json!({"tracked": true, "metadata": {"label": "x".repeat(201)}})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (with(&|d| d["tables"]["gadgets"] = json!({"tracked": true, "colour": "red"})), StatusCode::BAD_REQUEST),
        (
            with(&|d| d["saved_views"] = json!([{"table": "gadgets", "owner": "admin", "name": "  "}])),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (document, status) in cases {
        let reply = apply(&mut admin, &document, &version, true).await;
        assert_eq!(reply.status, status, "{document}: {}", reply.text);
        assert!(reply.json["error"]["message"].is_string(), "{}", reply.text);
    }
    let many: Vec<Value> = (0..10_001).map(|i| json!({"name": format!("r{i}")})).collect();
    let reply = apply(&mut admin, &with(&|d| d["roles"] = json!(many)), &version, true).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(admin.get(DOC).await.json["resource_version"], version, "nothing was written");
    t.cleanup().await;
}

#[tokio::test]
async fn two_applies_of_one_version_let_exactly_one_through() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let admin = Client::signed_in(&t.db).await;
        let mut a = admin;
        let doc = a.get(DOC).await.json;
        let mut b = Client::admin_of(rubbie::Config::new(t.db.clone()).track_introspected(true)).await;
        let version = doc["resource_version"].clone();
        let (mut first, mut second) = (doc.clone(), doc.clone());
        first["tables"]["gadgets"]["metadata"] = json!({"label": "First"});
        second["tables"]["gadgets"]["metadata"] = json!({"label": "Second"});
        let (x, y) = tokio::join!(apply(&mut a, &first, &version, false), apply(&mut b, &second, &version, false));
        let mut statuses = [x.status, y.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{backend:?}: {} / {}", x.text, y.text);
        let winner = if x.status == StatusCode::OK { "First" } else { "Second" };
        assert_eq!(a.get("/admin/api/v1/tables/gadgets").await.json["label"], winner, "{backend:?}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn diagram_layouts_are_per_user_checked_and_travel_in_the_document() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        const LAYOUT: &str = "/admin/api/v1/schema/layout";
        assert_eq!(admin.get(LAYOUT).await.json, json!({"positions": {}}), "{backend:?}: nothing saved yet");
        let layout = json!({"positions": {"gadgets": {"x": 10.5, "y": -40.0}, "makers": {"x": 300.0, "y": 0.0}},
                            "viewport": {"x": 1.0, "y": 2.0, "zoom": 0.75}});
        let saved = admin.send(Method::PUT, LAYOUT, Some(layout.clone())).await;
        assert_eq!(saved.status, StatusCode::OK, "{backend:?}: {}", saved.text);
        assert_eq!(admin.get(LAYOUT).await.json, layout);
        let mut viewer = common::user(&mut admin, &t.db, "vera", "admin").await;
        assert_eq!(viewer.get(LAYOUT).await.json["positions"], json!({}), "layouts are per user");

        for bad in [
            json!({"positions": {}, "viewport": {"x": 0, "y": 0, "zoom": 0}}),
            json!({"positions": {"gadgets": {"x": 1e8, "y": 0}}}),
        ] {
            assert_error(
                &admin.send(Method::PUT, LAYOUT, Some(bad)).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
            );
        }
        let many: serde_json::Map<String, Value> =
            (0..5001).map(|i| (format!("t{i}"), json!({"x": 0, "y": 0}))).collect();
        let refused = admin.send(Method::PUT, LAYOUT, Some(json!({"positions": many}))).await;
        assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        assert_error(
            &admin.send(Method::PUT, LAYOUT, Some(json!({"pos": {}}))).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
        assert_eq!(admin.get(LAYOUT).await.json, layout, "refused layouts change nothing");

        // In the document by username; an apply puts them back, and leaves out a stranger's.
        let doc = admin.get(DOC).await.json;
        assert_eq!(doc["diagram_layouts"]["admin"], layout, "{backend:?}");
        let mut next = doc.clone();
        next["diagram_layouts"]["admin"] = json!({"positions": {"gadgets": {"x": 0.0, "y": 0.0}}});
        next["diagram_layouts"]["stranger"] = json!({"positions": {}});
        let applied = apply(&mut admin, &next, &doc["resource_version"], true).await;
        assert_eq!(applied.status, StatusCode::OK, "{backend:?}: {}", applied.text);
        assert!(applied.json["inconsistencies"].as_array().unwrap().iter().any(|i| i["id"] == "layout:stranger"));
        assert_eq!(admin.get(LAYOUT).await.json, json!({"positions": {"gadgets": {"x": 0.0, "y": 0.0}}}));
        let stored = admin.get(DOC).await.json;
        assert!(stored["diagram_layouts"].get("stranger").is_none());
        assert!(stored["diagram_layouts"].get("vera").is_none(), "vera saved none");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_big_document_imports_and_its_audit_entry_keeps_it_whole() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        let mut doc = admin.get(DOC).await.json;
        // 800 described tables: 3.2 MB, over the API's usual 2 MiB body limit
        for i in 0..800 {
            let description = format!("{i} {}", "d".repeat(3990));
            doc["tables"][format!("planned_{i:03}")] =
                json!({"tracked": false, "metadata": {"description": description}});
        }
        let applied = apply(&mut admin, &doc, &doc["resource_version"].clone(), true).await;
        assert_eq!(applied.status, StatusCode::OK, "{backend:?}: {}", &applied.text[..applied.text.len().min(400)]);
        let stored = admin.get(DOC).await.json;
        assert_eq!(stored["tables"]["planned_799"]["metadata"]["description"].as_str().unwrap().len(), 3994);
        let entries = admin.get("/admin/api/v1/audit?category=metadata&action=apply").await.json;
        let entry = admin.get(&format!("/admin/api/v1/audit/{}", entries["entries"][0]["id"])).await.json;
        assert_eq!(entry["after"]["tables"].as_object().unwrap().len(), stored["tables"].as_object().unwrap().len());
        let verify = admin.get("/admin/api/v1/audit/verify").await.json;
        assert_eq!(verify["ok"], true, "{backend:?}: {verify}");
        let huge =
            json!({"document": {"rubbie_metadata": 1, "backend": "x".repeat(17 * 1024 * 1024)}, "resource_version": 0});
        assert_error(
            &admin.send(Method::POST, "/admin/api/v1/metadata/apply", Some(huge)).await,
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
        );
        t.cleanup().await;
    }
}
