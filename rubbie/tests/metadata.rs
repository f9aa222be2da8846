//! Console metadata: overrides over the derive's and introspection's defaults, reset with
//! `null`, seen by the table schema, the list, the rows' default sort and writes, by a second
//! instance on the same database, and audited. Never any DDL.

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, assert_error, user};
use serde_json::{Value, json};

const META: &str = "/admin/api/v1/tables/gadgets/metadata";

fn column<'a>(table: &'a Value, name: &str) -> &'a Value {
    table["columns"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()
}

fn names(page: &Value) -> Vec<&str> {
    page["rows"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn overrides_apply_reset_and_reach_every_instance() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        let fresh = admin.get(META).await;
        assert_eq!(fresh.status, StatusCode::OK, "{}", fresh.text);
        assert_eq!(fresh.json["overrides"], json!({}), "{backend:?}");
        assert_eq!(fresh.json["defaults"]["label"], "Gadgets");
        assert_eq!(fresh.json["defaults"]["display_column"], "name");
        assert_eq!(
            fresh.json["defaults"]["columns"]["price"],
            json!({"label": "Price", "hidden": false, "readonly": false})
        );
        let before = admin.get("/admin/api/v1/tables/gadgets").await.json;

        let change = json!({
            "label": "Devices", "description": "Everything we sell", "display_column": "kind",
            "default_sort": "-price", "hidden": true,
            "columns": {"price": {"label": "Price (EUR)", "description": "Gross", "readonly": true}, "weight": {"hidden": true}}
        });
        let changed = admin.send(Method::PATCH, META, Some(change)).await;
        assert_eq!(changed.status, StatusCode::OK, "{backend:?}: {}", changed.text);
        assert_eq!(changed.json["overrides"]["label"], "Devices");
        assert_eq!(changed.json["overrides"]["columns"]["weight"], json!({"hidden": true}));
        assert_eq!(changed.json["defaults"]["label"], "Gadgets", "defaults stay what they were");

        let schema = admin.get("/admin/api/v1/tables/gadgets").await.json;
        assert_eq!(
            (
                &schema["label"],
                &schema["description"],
                &schema["display_column"],
                &schema["default_sort"],
                &schema["hidden"]
            ),
            (&json!("Devices"), &json!("Everything we sell"), &json!("kind"), &json!("-price"), &json!(true))
        );
        assert_eq!(column(&schema, "price")["label"], "Price (EUR)");
        assert_eq!(column(&schema, "price")["description"], "Gross");
        assert_eq!(column(&schema, "price")["readonly"], true);
        assert_eq!(column(&schema, "weight")["hidden"], true);
        // No DDL: the database's own description of the table is what it was.
        for key in ["columns", "primary_key", "foreign_keys", "indexes"] {
            let strip = |v: &Value| {
                let mut v = v[key].clone();
                if let Some(cols) = v.as_array_mut() {
                    for c in cols {
                        for k in ["label", "description", "hidden", "readonly"] {
                            c.as_object_mut().map(|o| o.remove(k));
                        }
                    }
                }
                v
            };
            assert_eq!(strip(&schema), strip(&before), "{key} unchanged");
        }
        let list = admin.get("/admin/api/v1/tables").await.json;
        let listed = list["tables"].as_array().unwrap().iter().find(|t| t["name"] == "gadgets").unwrap();
        assert_eq!((&listed["label"], &listed["hidden"]), (&json!("Devices"), &json!(true)));

        // The default sort orders a listing that asks for none; a sort asked for still wins.
        let rows = admin.get("/admin/api/v1/tables/gadgets/rows").await.json;
        assert_eq!(names(&rows), ["Anvil", "Rocket skates", "Hammer", "Stapler", "Yo-yo"], "{backend:?}");
        let asked = admin.get("/admin/api/v1/tables/gadgets/rows?order_by=name").await.json;
        assert_eq!(names(&asked)[0], "Anvil");
        // Read-only now: writes to it are refused, the rest of the row still writes.
        let refused = admin.send(Method::PATCH, "/admin/api/v1/tables/gadgets/rows/2", Some(json!({"price": 1}))).await;
        assert!(refused.status.is_client_error(), "{}", refused.text);
        assert!(refused.text.contains("price"), "{}", refused.text);
        let allowed =
            admin.send(Method::PATCH, "/admin/api/v1/tables/gadgets/rows/2", Some(json!({"weight": 2.5}))).await;
        assert_eq!(allowed.status, StatusCode::OK, "{}", allowed.text);

        // A second instance on the same database sees it at its next schema refresh.
        let mut other = Client::signed_in(&t.db).await;
        assert_eq!(other.get("/admin/api/v1/tables/gadgets").await.json["label"], "Devices", "{backend:?}");

        // Audited, with before and after.
        let audit = admin.get("/admin/api/v1/audit?category=metadata").await.json;
        let entry = &audit["entries"][0];
        assert_eq!((&entry["action"], &entry["table"]), (&json!("update"), &json!("gadgets")), "{audit}");
        assert_eq!(entry["before"], json!({}));
        assert_eq!(entry["after"]["label"], "Devices");

        // null gives the default back; a column's null resets all of it.
        let reset = admin
            .send(
                Method::PATCH,
                META,
                Some(json!({"label": null, "hidden": null, "default_sort": null, "columns": {"price": null}})),
            )
            .await;
        assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
        assert_eq!(
            reset.json["overrides"],
            json!({"description": "Everything we sell", "display_column": "kind", "columns": {"weight": {"hidden": true}}})
        );
        let schema = admin.get("/admin/api/v1/tables/gadgets").await.json;
        assert_eq!(
            (&schema["label"], &schema["hidden"], &schema["default_sort"]),
            (&json!("Gadgets"), &json!(false), &Value::Null)
        );
        assert_eq!(column(&schema, "price")["readonly"], false);
        let all_reset = admin
            .send(
                Method::PATCH,
                META,
                Some(json!({"description": null, "display_column": null, "columns": {"weight": null}})),
            )
            .await;
        assert_eq!(all_reset.json["overrides"], json!({}));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_changes_are_refused_and_change_nothing() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::PATCH, META, Some(json!({"label": "Devices"}))).await;
        for (body, status, code) in [
            (json!({"display_column": "nope"}), StatusCode::CONFLICT, "conflict"),
            (json!({"default_sort": "-nope"}), StatusCode::CONFLICT, "conflict"),
            (json!({"default_sort": " "}), StatusCode::CONFLICT, "conflict"),
            (json!({"columns": {"nope": {"hidden": true}}}), StatusCode::CONFLICT, "conflict"),
            (json!({"label": "  "}), StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            (json!({"label": "x".repeat(201)}), StatusCode::UNPROCESSABLE_ENTITY, "validation"),
            (
                json!({"columns": {"price": {"description": "x".repeat(4001)}}}),
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
            ),
            (json!({"colour": "red"}), StatusCode::BAD_REQUEST, "bad_request"),
            (json!({"columns": null}), StatusCode::BAD_REQUEST, "bad_request"),
            (json!({"hidden": "yes"}), StatusCode::BAD_REQUEST, "bad_request"),
        ] {
            let reply = admin.send(Method::PATCH, META, Some(body.clone())).await;
            assert_error(&reply, status, code);
            assert!(reply.status != StatusCode::OK, "{backend:?} {body}");
        }
        assert_eq!(admin.get(META).await.json["overrides"], json!({"label": "Devices"}), "{backend:?}");
        let missing =
            admin.send(Method::PATCH, "/admin/api/v1/tables/nope/metadata", Some(json!({"label": "x"}))).await;
        assert_error(&missing, StatusCode::NOT_FOUND, "not_found");

        // Only admins read or change metadata.
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "crew"}))).await;
        let mut crew = user(&mut admin, &t.db, "crew-member", "crew").await;
        assert_eq!(crew.get(META).await.status, StatusCode::FORBIDDEN);
        assert_eq!(crew.send(Method::PATCH, META, Some(json!({"label": "Mine"}))).await.status, StatusCode::FORBIDDEN);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn concurrent_first_edits_both_land() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut a = Client::signed_in(&t.db).await;
        let (mut b, mut c, mut d) =
            (Client::signed_in(&t.db).await, Client::signed_in(&t.db).await, Client::signed_in(&t.db).await);
        let meta = "/admin/api/v1/tables/makers/metadata";
        // Four instances make the first edits of one table at once (and the first entries of the
        // audit log's metadata chain): each waits for the one before, none is lost.
        let replies = tokio::join!(
            a.send(Method::PATCH, meta, Some(json!({"description": "Who makes them"}))),
            b.send(Method::PATCH, meta, Some(json!({"columns": {"name": {"label": "Company"}}}))),
            c.send(Method::PATCH, meta, Some(json!({"label": "Manufacturers"}))),
            d.send(Method::PATCH, meta, Some(json!({"hidden": true}))),
        );
        for reply in [&replies.0, &replies.1, &replies.2, &replies.3] {
            assert_eq!(reply.status, StatusCode::OK, "{:?}: {}", t.backend(), reply.text);
        }
        let stored = a.get(meta).await.json;
        assert_eq!(
            stored["overrides"],
            json!({"label": "Manufacturers", "description": "Who makes them", "hidden": true, "columns": {"name": {"label": "Company"}}}),
            "{:?}",
            t.backend()
        );
        let chain = a.get("/admin/api/v1/audit/verify").await.json;
        assert_eq!(chain["ok"], true, "{chain}");
        assert_eq!(a.get("/admin/api/v1/audit?category=metadata").await.json["entries"].as_array().unwrap().len(), 4);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_change_is_reverted_unless_changed_since() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::PATCH, META, Some(json!({"label": "Devices"}))).await;
        admin.send(Method::PATCH, META, Some(json!({"columns": {"price": {"hidden": true}}}))).await;
        let entries = admin.get("/admin/api/v1/audit?category=metadata").await.json;
        let (newest, older) =
            (entries["entries"][0]["id"].as_i64().unwrap(), entries["entries"][1]["id"].as_i64().unwrap());

        // The older change was changed since: refused (a dry run says why), unless forced.
        let refused = admin.send(Method::POST, &format!("/admin/api/v1/audit/{older}/revert"), Some(json!({}))).await;
        assert_error(&refused, StatusCode::CONFLICT, "conflict");
        let dry = admin
            .send(Method::POST, &format!("/admin/api/v1/audit/{older}/revert"), Some(json!({"dry_run": true})))
            .await;
        assert_eq!(dry.json["conflicts"], json!(["the metadata of gadgets"]), "{backend:?}: {}", dry.text);

        // The newest is reverted: the column's override is gone, the label stays.
        let reverted = admin.send(Method::POST, &format!("/admin/api/v1/audit/{newest}/revert"), Some(json!({}))).await;
        assert_eq!(reverted.status, StatusCode::OK, "{backend:?}: {}", reverted.text);
        assert_eq!(admin.get(META).await.json["overrides"], json!({"label": "Devices"}));
        assert_eq!(column(&admin.get("/admin/api/v1/tables/gadgets").await.json, "price")["hidden"], false);
        // ... and now the older one is current again, so it reverts too.
        let again = admin.send(Method::POST, &format!("/admin/api/v1/audit/{older}/revert"), Some(json!({}))).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text);
        assert_eq!(admin.get(META).await.json["overrides"], json!({}));
        let log = admin.get("/admin/api/v1/audit?category=metadata").await.json;
        assert_eq!(log["entries"].as_array().unwrap().len(), 4, "each revert is an entry");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_schema_lists_every_table_with_relations_and_metadata() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let backend = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/tables/gadget_tags/untrack", None).await;
        admin.send(Method::PATCH, META, Some(json!({"description": "Everything we sell"}))).await;
        let doc = admin.get("/admin/api/v1/schema").await;
        assert_eq!(doc.status, StatusCode::OK, "{}", doc.text);
        let tables = doc.json["tables"].as_array().unwrap();
        let by_name = |n: &str| tables.iter().find(|t| t["name"] == n).unwrap_or_else(|| panic!("{n} missing"));
        let names: Vec<&str> = tables.iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["gadgets", "makers", "gadget_tags"], "{backend:?}: tracked first, then untracked");
        let gadgets = by_name("gadgets");
        assert_eq!((&gadgets["tracked"], &gadgets["description"]), (&json!(true), &json!("Everything we sell")));
        assert_eq!(gadgets["foreign_keys"][0]["references_table"], "makers");
        assert_eq!(by_name("makers")["referenced_by"][0]["references_table"], "gadgets");
        assert_eq!(by_name("gadget_tags")["tracked"], false);
        assert!(column(gadgets, "price")["type"].is_string());
        // Keys' actions and CHECK constraints, as each database reports them.
        let fk = &gadgets["foreign_keys"][0];
        // the default: MariaDB says RESTRICT (what InnoDB's NO ACTION does), the others NO ACTION
        let default = if backend == rubbie::Backend::Mysql { "RESTRICT" } else { "NO ACTION" };
        assert_eq!((&fk["on_delete"], &fk["on_update"]), (&json!(default), &json!(default)), "{backend:?}");
        let tags = by_name("gadget_tags");
        assert_eq!(tags["foreign_keys"][0]["on_delete"], "CASCADE", "{backend:?}");
        let checks = gadgets["checks"].as_array().unwrap();
        let price: Vec<&Value> =
            checks.iter().filter(|c| c["expression"].as_str().unwrap().contains("price")).collect();
        assert_eq!(price.len(), 1, "{backend:?}: {checks:?}");
        assert!(price[0]["expression"].as_str().unwrap().contains(">="), "{backend:?}: {checks:?}");
        assert_eq!(price[0]["name"].is_string(), backend != rubbie::Backend::Sqlite, "{backend:?}: {checks:?}");
        assert!(checks.iter().all(|c| !c["expression"].as_str().unwrap().contains("json_valid")), "{backend:?}");

        // A role sees the tables it may read, shaped, and nothing untracked.
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "crew"}))).await;
        common::put_rule(&mut admin, "crew", "gadgets", "select", json!({"columns": ["id", "name"]})).await;
        let mut crew = user(&mut admin, &t.db, "crew-member", "crew").await;
        let seen = crew.get("/admin/api/v1/schema").await.json;
        let seen_names: Vec<&str> =
            seen["tables"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
        assert_eq!(seen_names, ["gadgets"], "{backend:?}");
        let columns: Vec<&str> =
            seen["tables"][0]["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(columns, ["id", "name"]);
        assert_eq!(seen["tables"][0]["row_estimate"], Value::Null);
        assert_eq!(seen["tables"][0]["checks"], json!([]), "a CHECK may name any column");
        assert_eq!(seen["tables"][0]["foreign_keys"], json!([]), "maker_id is not the role's to see");
        let indexed: Vec<&Value> = seen["tables"][0]["indexes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|i| i["columns"].as_array().unwrap())
            .collect();
        assert!(indexed.iter().all(|c| *c == "id" || *c == "name"), "{backend:?}: {indexed:?}");
        t.cleanup().await;
    }
}
