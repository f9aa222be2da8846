//! Roles and rules enforced through every endpoint, on every configured backend.

mod common;

use axum::http::{Method, StatusCode};
use common::{ADMIN, Client, Reply, TestDb, app, assert_error, enc, put_rule, user};
use serde_json::{Value, json};

const GADGETS: &str = "/admin/api/v1/tables/gadgets/rows";

fn names(reply: &Reply) -> Vec<String> {
    reply.json["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", reply.text))
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_owned())
        .collect()
}

fn keys(row: &Value) -> Vec<String> {
    row.as_object().unwrap().keys().cloned().collect()
}

/// A viewer reads some columns of active gadgets (at most 3 rows), all of makers, nothing of
/// gadget_tags, and writes nothing.
async fn viewer_setup(admin: &mut Client) {
    assert_eq!(
        admin
            .send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "viewer", "description": "Reads"})))
            .await
            .status,
        StatusCode::CREATED
    );
    put_rule(admin, "viewer", "gadgets", "select", json!({"columns": ["id", "name", "price", "maker_id", "active"], "filter": {"active": {"_eq": true}}, "limit": 3})).await;
    put_rule(admin, "viewer", "makers", "select", json!({})).await;
}

#[tokio::test]
async fn a_viewer_reads_only_allowed_rows_and_columns_and_writes_nothing() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        viewer_setup(&mut admin).await;
        let mut v = user(&mut admin, &t.db, "vera", "viewer").await;

        let tables: Vec<String> = v.get("/admin/api/v1/tables").await.json["tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(tables, ["gadgets", "makers"], "{b:?}");
        for path in [
            "/admin/api/v1/tables/gadget_tags",
            "/admin/api/v1/tables/gadget_tags/rows",
            "/admin/api/v1/tables/gadget_tags/rows/1,heavy",
        ] {
            assert_error(&v.get(path).await, StatusCode::NOT_FOUND, "not_found");
        }
        let schema = v.get("/admin/api/v1/tables/gadgets").await.json;
        let columns: Vec<&str> =
            schema["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
        assert_eq!(columns, ["id", "maker_id", "name", "price", "active"]);
        assert!(schema["columns"].as_array().unwrap().iter().all(|c| c["readonly"] == true));
        assert_eq!(schema["referenced_by"], json!([]), "gadget_tags is not the viewer's to see");
        assert_eq!(schema["foreign_keys"][0]["references_table"], "makers");

        // Rows: the filter (active only), the columns, the cap of 3.
        let list = v.get(&format!("{GADGETS}?order_by=id")).await;
        assert_eq!(list.status, StatusCode::OK, "{b:?}: {}", list.text);
        assert_eq!(names(&list), ["Anvil", "Hammer", "Yo-yo"], "{b:?}");
        assert_eq!(list.json["count"], 3);
        assert_eq!(keys(&list.json["rows"][0]), ["id", "maker_id", "name", "price", "active"]);
        let page2 = v.get(&format!("{GADGETS}?order_by=id&limit=2&offset=2")).await;
        assert_eq!(names(&page2), ["Yo-yo"], "the cap bounds the whole result");
        let filtered = v.get(&format!("{GADGETS}?where={}", enc(&json!({"price": {"_lt": 20}}).to_string()))).await;
        assert_eq!(
            names(&filtered),
            ["Hammer", "Yo-yo", "Stapler"].iter().take(3).map(|s| s.to_string()).collect::<Vec<_>>(),
            "{b:?}"
        );
        // An inactive row is not there at all.
        assert_error(&v.get(&format!("{GADGETS}/2")).await, StatusCode::NOT_FOUND, "not_found");
        let one = v.get(&format!("{GADGETS}/1")).await;
        assert_eq!(keys(&one.json), ["id", "maker_id", "name", "price", "active"]);

        // Hidden columns can be neither read, filtered, sorted, nor used as a relation target.
        for query in
            ["columns=weight", "order_by=weight", &format!("where={}", enc(&json!({"weight": {"_gt": 1}}).to_string()))]
        {
            assert_error(&v.get(&format!("{GADGETS}?{query}")).await, StatusCode::FORBIDDEN, "forbidden");
        }
        let via_hidden = v
            .get(&format!("{GADGETS}?where={}", enc(&json!({"gadget_tags": {"tag": {"_eq": "heavy"}}}).to_string())))
            .await;
        assert_error(&via_hidden, StatusCode::BAD_REQUEST, "bad_request");
        let via_makers = v
            .get(&format!(
                "{GADGETS}?order_by=id&where={}",
                enc(&json!({"maker": {"name": {"_eq": "Acme"}}}).to_string())
            ))
            .await;
        assert_eq!(names(&via_makers), ["Anvil"], "{b:?}: {}", via_makers.text);

        // No writes at all.
        assert_error(
            &v.send(Method::POST, GADGETS, Some(json!({"name": "x"}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_error(
            &v.send(Method::PATCH, &format!("{GADGETS}/1"), Some(json!({"name": "x"}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_error(&v.send(Method::DELETE, &format!("{GADGETS}/1"), None).await, StatusCode::FORBIDDEN, "forbidden");
        // Nor any management.
        for path in [
            "/admin/api/v1/users",
            "/admin/api/v1/roles",
            "/admin/api/v1/permissions",
            "/admin/api/v1/settings/server",
            "/admin/api/v1/flags",
        ] {
            assert_error(&v.get(path).await, StatusCode::FORBIDDEN, "forbidden");
        }
        // Only admins may view as another role; an admin viewing as viewer sees what vera sees.
        let mut as_viewer = Client::new(app(&t.db));
        as_viewer.cookie = admin.cookie.clone();
        as_viewer.csrf = admin.csrf.clone();
        let reply = send_with(&mut as_viewer, "viewer", &format!("{GADGETS}?order_by=id")).await;
        assert_eq!(reply.json["rows"], list.json["rows"]);
        let reply = send_with(&mut v, "admin", &format!("{GADGETS}?order_by=id")).await;
        assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
        t.cleanup().await;
    }
}

async fn send_with(client: &mut Client, view_as: &str, path: &str) -> Reply {
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .uri(path)
        .header("cookie", client.cookie.clone().unwrap())
        .header("x-rubbie-view-as", view_as)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = client.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = http_body_util::BodyExt::collect(response.into_body()).await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        json: serde_json::from_slice(&bytes).unwrap_or(Value::Null),
        text: String::from_utf8_lossy(&bytes).into(),
    }
}

#[tokio::test]
async fn an_editor_writes_within_filter_columns_presets_and_checks() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "editor"}))).await;
        let globex = json!({"maker_id": {"_eq": 2}});
        put_rule(&mut admin, "editor", "gadgets", "select", json!({"filter": globex})).await;
        put_rule(&mut admin, "editor", "gadgets", "insert", json!({"columns": ["name", "price", "kind"], "presets": {"maker_id": 2}, "check": {"price": {"_lte": 100}}})).await;
        put_rule(
            &mut admin,
            "editor",
            "gadgets",
            "update",
            json!({"columns": ["name", "price"], "filter": globex, "check": {"price": {"_lte": 100}}}),
        )
        .await;
        put_rule(&mut admin, "editor", "gadgets", "delete", json!({"filter": globex})).await;
        let mut e = user(&mut admin, &t.db, "ed", "editor").await;

        let created = e.send(Method::POST, GADGETS, Some(json!({"name": "Wrench", "price": "50"}))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{b:?}: {}", created.text);
        assert_eq!(created.json["maker_id"], 2, "preset applied");
        let id = created.json["id"].as_i64().unwrap();
        assert_error(
            &e.send(Method::POST, GADGETS, Some(json!({"name": "Gold wrench", "price": "500"}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_error(
            &e.send(Method::POST, GADGETS, Some(json!({"name": "x", "maker_id": 1}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_error(
            &e.send(Method::POST, GADGETS, Some(json!({"name": "x", "active": false}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );

        assert_error(
            &e.send(Method::PATCH, &format!("{GADGETS}/1"), Some(json!({"price": 1}))).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        let ok = e.send(Method::PATCH, &format!("{GADGETS}/3"), Some(json!({"price": 20}))).await;
        assert_eq!(ok.status, StatusCode::OK, "{b:?}: {}", ok.text);
        assert_error(
            &e.send(Method::PATCH, &format!("{GADGETS}/3"), Some(json!({"price": 200}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_error(
            &e.send(Method::PATCH, &format!("{GADGETS}/3"), Some(json!({"kind": "toy"}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_error(&e.send(Method::DELETE, &format!("{GADGETS}/1"), None).await, StatusCode::NOT_FOUND, "not_found");

        let mine = e.get(&format!("{GADGETS}?order_by=id")).await;
        assert_eq!(names(&mine), ["Hammer", "Wrench"], "{b:?}");
        assert_eq!(e.send(Method::DELETE, &format!("{GADGETS}/{id}"), None).await.status, StatusCode::NO_CONTENT);

        // Nothing refused was written: the admin sees the original rows and Hammer at 20.
        let all = admin.get(&format!("{GADGETS}?order_by=id")).await;
        assert_eq!(names(&all), ["Anvil", "Rocket skates", "Hammer", "Yo-yo", "Stapler"], "{b:?}");
        assert_eq!(all.json["rows"][2]["price"].to_string().parse::<f64>().unwrap(), 20.0);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn session_variables_scope_rows_to_the_user() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "vendor"}))).await;
        put_rule(&mut admin, "vendor", "makers", "select", json!({"filter": {"name": {"_eq": "X-Rubbie-Username"}}}))
            .await;
        put_rule(
            &mut admin,
            "vendor",
            "gadgets",
            "select",
            json!({"filter": {"maker": {"name": {"_eq": "X-Rubbie-Username"}}}}),
        )
        .await;
        let mut g = user(&mut admin, &t.db, "Globex", "vendor").await;
        let makers = g.get("/admin/api/v1/tables/makers/rows").await;
        assert_eq!(makers.json["rows"].as_array().unwrap().len(), 1, "{:?}: {}", t.backend(), makers.text);
        assert_eq!(makers.json["rows"][0]["name"], "Globex");
        assert_eq!(names(&g.get(GADGETS).await), ["Hammer"]);
        t.cleanup().await;
    }
}

/// Random filters combined with a row filter never return a row outside it.
#[tokio::test]
async fn random_filters_never_escape_the_row_filter() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "limited"}))).await;
        let rule_filter = json!({"_or": [{"maker_id": {"_eq": 1}}, {"kind": {"_eq": "toy"}}]});
        put_rule(&mut admin, "limited", "gadgets", "select", json!({"filter": rule_filter})).await;
        put_rule(&mut admin, "limited", "makers", "select", json!({})).await;
        let mut l = user(&mut admin, &t.db, "lim", "limited").await;
        let allowed: Vec<i64> =
            admin.get(&format!("{GADGETS}?where={}", enc(&rule_filter.to_string()))).await.json["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
                .collect();
        let mut seed: u64 = 0x5eed;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let leaves = [
            json!({"price": {"_gt": 10}}),
            json!({"price": {"_lte": 50}}),
            json!({"active": {"_eq": true}}),
            json!({"name": {"_ilike": "%a%"}}),
            json!({"maker_id": {"_is_null": true}}),
            json!({"id": {"_in": [1, 2, 3, 4, 5]}}),
            json!({"kind": {"_neq": "tool"}}),
            json!({"maker": {"name": {"_like": "%"}}}),
        ];
        for round in 0..40 {
            let mut expr = leaves[next(leaves.len() as u64) as usize].clone();
            for _ in 0..next(4) {
                let other = leaves[next(leaves.len() as u64) as usize].clone();
                expr = match next(3) {
                    0 => json!({"_or": [expr, other]}),
                    1 => json!({"_and": [expr, other]}),
                    _ => json!({"_not": expr}),
                };
            }
            let reply = l.get(&format!("{GADGETS}?where={}", enc(&expr.to_string()))).await;
            assert_eq!(reply.status, StatusCode::OK, "{b:?} round {round} {expr}: {}", reply.text);
            for row in reply.json["rows"].as_array().unwrap() {
                assert!(allowed.contains(&row["id"].as_i64().unwrap()), "{b:?} round {round}: {expr} leaked {row}");
            }
            assert!(reply.json["count"].as_i64().unwrap() <= allowed.len() as i64);
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn roles_users_and_the_last_admin() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        let me: i64 = admin.get("/admin/api/v1/auth/me").await.json["user"]["id"].as_i64().unwrap();
        assert_error(
            &admin.send(Method::PATCH, &format!("/admin/api/v1/users/{me}"), Some(json!({"active": false}))).await,
            StatusCode::CONFLICT,
            "conflict",
        );
        assert_error(
            &admin.send(Method::DELETE, &format!("/admin/api/v1/users/{me}"), None).await,
            StatusCode::CONFLICT,
            "conflict",
        );
        for bad in [
            json!({"username": "", "password": "password-123", "role": "admin"}),
            json!({"username": "x", "password": "short", "role": "admin"}),
        ] {
            assert_error(
                &admin.send(Method::POST, "/admin/api/v1/users", Some(bad)).await,
                StatusCode::UNPROCESSABLE_ENTITY,
                "validation",
            );
        }
        // A role that does not exist is a conflict with what exists, not a malformed field.
        let nope = json!({"username": "x", "password": "password-123", "role": "nope"});
        assert_error(
            &admin.send(Method::POST, "/admin/api/v1/users", Some(nope)).await,
            StatusCode::CONFLICT,
            "conflict",
        );
        let second = admin
            .send(
                Method::POST,
                "/admin/api/v1/users",
                Some(json!({"username": "root2", "password": "password-123", "role": "admin"})),
            )
            .await;
        let second_id = second.json["id"].as_i64().unwrap();
        assert_error(
            &admin
                .send(
                    Method::POST,
                    "/admin/api/v1/users",
                    Some(json!({"username": "root2", "password": "password-123", "role": "admin"})),
                )
                .await,
            StatusCode::CONFLICT,
            "conflict",
        );

        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "staff"}))).await;
        assert_error(
            &admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "staff"}))).await,
            StatusCode::CONFLICT,
            "conflict",
        );
        // admin always exists: the same conflict as any taken name
        assert_error(
            &admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "admin"}))).await,
            StatusCode::CONFLICT,
            "conflict",
        );
        put_rule(&mut admin, "staff", "makers", "select", json!({"columns": ["name"]})).await;
        let demoted = admin
            .send(Method::PATCH, &format!("/admin/api/v1/users/{second_id}"), Some(json!({"role": "staff"})))
            .await;
        assert_eq!(demoted.json["role"], "staff");
        assert_error(
            &admin.send(Method::DELETE, "/admin/api/v1/roles/staff", None).await,
            StatusCode::CONFLICT,
            "conflict",
        );
        let renamed = admin.send(Method::PATCH, "/admin/api/v1/roles/staff", Some(json!({"name": "crew"}))).await;
        assert_eq!(renamed.json["name"], "crew", "{}", renamed.text);
        let user = admin.get("/admin/api/v1/users").await;
        assert!(user.json["users"].as_array().unwrap().iter().any(|u| u["username"] == "root2" && u["role"] == "crew"));
        let matrix = admin.get("/admin/api/v1/permissions").await;
        assert_eq!(matrix.json["permissions"][0]["role"], "crew", "rules follow a rename");

        // Rules are validated against the schema.
        for (path, rule) in [
            ("crew/makers/select", json!({"columns": ["nope"]})),
            ("crew/makers/select", json!({"filter": {"name": {"_regex": "x"}}})),
            ("crew/makers/select", json!({"check": {"name": {"_eq": "x"}}})),
            ("crew/makers/insert", json!({"presets": {"name": 5, "nope": 1}})),
            ("crew/makers/delete", json!({"limit": 3})),
        ] {
            let reply = admin.send(Method::PUT, &format!("/admin/api/v1/permissions/{path}"), Some(rule.clone())).await;
            assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        }
        assert_error(
            &admin.send(Method::PUT, "/admin/api/v1/permissions/crew/nope/select", Some(json!({}))).await,
            StatusCode::NOT_FOUND,
            "not_found",
        );
        assert_error(
            &admin.send(Method::PUT, "/admin/api/v1/permissions/crew/makers/upsert", Some(json!({}))).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
        assert_error(
            &admin.send(Method::PUT, "/admin/api/v1/permissions/crew/makers/select", Some(json!({"colums": []}))).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );

        // Export, change, import: back to the exported state, in one piece.
        let doc = admin.get("/admin/api/v1/permissions/export").await.json;
        assert_eq!(doc["roles"][0]["name"], "crew");
        put_rule(&mut admin, "crew", "gadgets", "select", json!({})).await;
        let imported = admin.send(Method::POST, "/admin/api/v1/permissions/import", Some(doc.clone())).await;
        assert_eq!(imported.status, StatusCode::NO_CONTENT, "{}", imported.text);
        assert_eq!(admin.get("/admin/api/v1/permissions/export").await.json, doc);
        let orphaning = json!({"version": 1, "roles": [], "permissions": []});
        assert_error(
            &admin.send(Method::POST, "/admin/api/v1/permissions/import", Some(orphaning)).await,
            StatusCode::CONFLICT,
            "conflict",
        );
        assert_eq!(admin.get("/admin/api/v1/permissions/export").await.json, doc, "a refused import changes nothing");

        // The preview shows what a draft rule would let the role see.
        let preview = admin.send(Method::POST, "/admin/api/v1/permissions/preview", Some(json!({"role": "crew", "table": "gadgets", "rule": {"columns": ["name"], "filter": {"kind": {"_eq": "toy"}}}}))).await;
        assert_eq!(preview.status, StatusCode::OK, "{}", preview.text);
        assert_eq!(preview.json["rows"], json!([{"name": "Rocket skates"}, {"name": "Yo-yo"}]));

        // Demoting the other admin back works while one remains; then the first may step down.
        admin.send(Method::PATCH, &format!("/admin/api/v1/users/{second_id}"), Some(json!({"role": "admin"}))).await;
        let stepped =
            admin.send(Method::PATCH, &format!("/admin/api/v1/users/{me}"), Some(json!({"role": "crew"}))).await;
        assert_eq!(stepped.status, StatusCode::OK, "{}", stepped.text);
        let _ = ADMIN;
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bulk_actions_obey_the_role() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut admin = Client::signed_in(&t.db).await;
        admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "acme"}))).await;
        let acme = json!({"maker_id": {"_eq": 1}});
        put_rule(&mut admin, "acme", "gadgets", "select", json!({"filter": acme})).await;
        put_rule(
            &mut admin,
            "acme",
            "gadgets",
            "update",
            json!({"columns": ["price"], "filter": acme, "check": {"price": {"_lte": 1000}}}),
        )
        .await;
        let mut a = user(&mut admin, &t.db, "acme-user", "acme").await;
        let bulk = "/admin/api/v1/tables/gadgets/bulk";
        // Every row in the request, but only Acme's are reachable.
        let all = a.send(Method::POST, bulk, Some(json!({"action": "update", "set": {"price": 5}}))).await;
        assert_eq!(all.json["affected"], 2, "{b:?}: {}", all.text);
        let others = admin.get(&format!("{GADGETS}/3")).await;
        assert_eq!(others.json["price"].to_string().parse::<f64>().unwrap(), 15.0, "Hammer untouched");
        assert_error(
            &a.send(Method::POST, bulk, Some(json!({"action": "update", "set": {"price": 5000}}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_error(
            &a.send(Method::POST, bulk, Some(json!({"action": "update", "set": {"name": "x"}}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        assert_error(
            &a.send(Method::POST, bulk, Some(json!({"action": "delete", "keys": ["1"]}))).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        );
        let anvil = admin.get(&format!("{GADGETS}/1")).await;
        assert_eq!(anvil.json["price"].to_string().parse::<f64>().unwrap(), 5.0, "the refused update changed nothing");
        t.cleanup().await;
    }
}
