//! No filter can take the host down: oversized and deeply nested where expressions sent to every
//! endpoint that takes one are refused with a 400 that names the limit, expressions that fit are
//! answered, and the router still answers afterwards — on every configured backend. And JSON
//! bodies follow the document: objects only, no U+0000, integers also as integral floats.

mod common;

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, assert_error, enc};
use serde_json::{Value, json};

/// `_or` of `n` comparisons on the id.
fn wide_or(n: usize) -> Value {
    json!({"_or": (0..n).map(|i| json!({"id": {"_eq": i}})).collect::<Vec<_>>()})
}

/// `n` nested `_and` groups.
fn deep_and(n: usize) -> Value {
    (0..n).fold(json!({"id": {"_gt": 0}}), |inner, _| json!({"_and": [inner]}))
}

/// The longest URI the `http` crate (and so hyper) represents; longer ones never reach rubbie.
const MAX_URI: usize = 65_000;

/// Sends `filter` to every endpoint that takes a where expression; returns (endpoint, reply).
/// The query-string endpoints are skipped when the filter cannot fit in a URI.
async fn send_everywhere(client: &mut Client, filter: &Value) -> Vec<(&'static str, common::Reply)> {
    let text = enc(&filter.to_string());
    let mut out = Vec::new();
    let t = "/admin/api/v1/tables/gadgets";
    if text.len() < MAX_URI - 100 {
        out.push(("rows", client.get(&format!("{t}/rows?count=exact&where={text}")).await));
        out.push(("export", client.get(&format!("{t}/export?format=ndjson&where={text}")).await));
    }
    // A search that matches nothing narrows the filter, so the bulk action deletes no fixture row.
    let bulk = json!({"action": "delete", "where": filter, "search": "no such gadget"});
    out.push(("bulk", client.send(Method::POST, &format!("{t}/bulk"), Some(bulk)).await));
    let view = json!({"name": format!("v{}", filter.to_string().len()), "where": filter});
    out.push(("views", client.send(Method::POST, &format!("{t}/views"), Some(view)).await));
    let rule = json!({"filter": filter});
    out.push((
        "permission rule",
        client.send(Method::PUT, "/admin/api/v1/permissions/viewer/gadgets/select", Some(rule.clone())).await,
    ));
    out.push((
        "permission preview",
        client
            .send(
                Method::POST,
                "/admin/api/v1/permissions/preview",
                Some(json!({"role": "viewer", "table": "gadgets", "rule": rule})),
            )
            .await,
    ));
    let document = json!({"version": 1, "roles": [{"name": "viewer"}], "permissions": [
        {"role": "viewer", "table": "gadgets", "operation": "select", "rule": {"filter": filter}}]});
    out.push((
        "permissions import",
        client.send(Method::POST, "/admin/api/v1/permissions/import", Some(document)).await,
    ));
    out
}

#[tokio::test]
async fn oversized_filters_are_refused_everywhere_and_the_host_keeps_answering() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let b = t.backend();
        let mut client = Client::signed_in(&t.db).await;
        let role = client.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "viewer"}))).await;
        assert_eq!(role.status, StatusCode::CREATED, "{}", role.text);

        let refused = [
            // The bulk body that aborted a release build before.
            ("20,000 _or terms", wide_or(20_000), "conditions"),
            // Small enough for a query string.
            ("2,500 empty groups", json!({"_and": vec![json!({}); 2_500]}), "conditions"),
            ("too deep", deep_and(40), "nested deeper"),
            ("too many values", json!({"id": {"_in": vec![0; 10_001]}}), "values"),
            ("too many values in a body", json!({"id": {"_in": (0..50_000).collect::<Vec<_>>()}}), "values"),
            // Deeper than serde_json parses: refused as invalid JSON, before any recursion of ours.
            ("deeper than JSON", json!({"_and": (0..200).fold(json!(1), |v, _| json!([v]))}), ""),
        ];
        for (what, filter, says) in &refused {
            for (endpoint, reply) in send_everywhere(&mut client, filter).await {
                assert!(
                    reply.status == StatusCode::BAD_REQUEST || reply.status == StatusCode::UNPROCESSABLE_ENTITY,
                    "{b:?} {endpoint} {what}: {} {}",
                    reply.status,
                    reply.text
                );
                let message = reply.json["error"]["message"].as_str().unwrap_or_default().to_owned()
                    + &reply.json["error"]["fields"].to_string();
                assert!(message.contains(says), "{b:?} {endpoint} {what}: {}", reply.text);
            }
        }
        // What fits is answered: a thousand `_or` terms (SQLite refused these as an expression
        // tree too large before they were grouped), 10,000 `_in` values, 15 levels of nesting.
        let fitting = [
            ("1,000 _or terms", wide_or(1_000)),
            ("10,000 _in values", json!({"id": {"_in": (0..10_000).collect::<Vec<_>>()}})),
            ("1,000 _in values in a query string", json!({"id": {"_in": (0..1_000).collect::<Vec<_>>()}})),
            ("15 levels", deep_and(14)),
        ];
        for (what, filter) in &fitting {
            for (endpoint, reply) in send_everywhere(&mut client, filter).await {
                assert!(reply.status.is_success(), "{b:?} {endpoint} {what}: {} {}", reply.status, reply.text);
            }
            let reply = client
                .send(
                    Method::POST,
                    "/admin/api/v1/tables/gadgets/bulk",
                    Some(json!({"action": "update", "where": filter,
                    "set": {"weight": 1.0}})),
                )
                .await;
            assert_eq!(reply.json["affected"], 5, "{b:?} {what}: every fixture gadget matches: {}", reply.text);
        }
        assert_eq!(client.get("/admin/api/v1/health").await.status, StatusCode::OK, "{b:?}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn json_bodies_are_objects_without_nul_and_take_integral_floats() {
    for t in TestDb::all().await {
        let b = t.backend();
        let mut c = Client::signed_in(&t.db).await;
        let created = c.send(Method::POST, "/admin/api/v1/flags", Some(json!({"name": "bodies"}))).await;
        assert_eq!(created.status, StatusCode::CREATED, "{b:?}: {}", created.text);

        // serde would read the struct from an array of its fields; the schema says object
        let array =
            c.send_raw(Method::PATCH, "/admin/api/v1/flags/bodies", Some("[true, null]"), "application/json").await;
        assert_error(&array, StatusCode::BAD_REQUEST, "bad_request");
        assert!(array.text.contains("expected a JSON object"), "{b:?}: {}", array.text);
        let flag = c.get("/admin/api/v1/flags").await;
        assert!(flag.text.contains(r#""enabled":false"#), "{b:?}: nothing changed: {}", flag.text);

        // U+0000 is refused everywhere alike (PostgreSQL cannot store it), an escaped backslash
        // before "u0000" is just text
        let nul = json!({"description": "a\u{0}b"});
        assert_error(
            &c.send(Method::PATCH, "/admin/api/v1/flags/bodies", Some(nul)).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
        let text = json!({"description": "C:\\u0000"});
        let reply = c.send(Method::PATCH, "/admin/api/v1/flags/bodies", Some(text)).await;
        assert_eq!(reply.status, StatusCode::OK, "{b:?}: {}", reply.text);
        assert_eq!(reply.json["description"], "C:\\u0000");

        // JSON Schema counts 200.0 as an integer; 1.5 is not one
        let entry = json!({"method": "GET", "url": "/x", "status": 200.0, "duration_ms": 3.0});
        let stored = c.send(Method::POST, "/admin/api/v1/explorer/history", Some(entry)).await;
        assert_eq!(stored.status, StatusCode::CREATED, "{b:?}: {}", stored.text);
        assert_eq!((stored.json["status"].as_i64(), stored.json["duration_ms"].as_i64()), (Some(200), Some(3)));
        let half = json!({"method": "GET", "url": "/x", "status": 1.5});
        assert_error(
            &c.send(Method::POST, "/admin/api/v1/explorer/history", Some(half)).await,
            StatusCode::BAD_REQUEST,
            "bad_request",
        );
        t.cleanup().await;
    }
}
