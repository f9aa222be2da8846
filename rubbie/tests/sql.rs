//! The SQL runner on every configured backend: typed rows, caps, read mode enforced by the
//! database, writes committed with their audit entry, error positions, time limits, cancel
//! (from this instance and another), exports, EXPLAIN, history and snippets.

mod common;

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, assert_error};
use rubbie::Backend;
use serde_json::{Value, json};

async fn run(admin: &mut Client, body: Value) -> common::Reply {
    admin.send(Method::POST, "/admin/api/v1/sql", Some(body)).await
}

async fn count_makers(admin: &mut Client) -> i64 {
    let reply = run(admin, json!({"sql": "SELECT COUNT(*) AS n FROM makers"})).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    let n = &reply.json["rows"][0][0];
    n.as_i64().or_else(|| n.as_str().and_then(|s| s.parse().ok())).unwrap()
}

/// A statement that runs until it is stopped.
fn endless(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "SELECT pg_sleep(30)",
        Backend::Mysql => "SELECT SLEEP(30) FROM makers",
        Backend::Sqlite => "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
    }
}

#[tokio::test]
async fn reads_return_typed_rows_and_writes_commit_with_an_audit_entry() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        let backend = t.backend();

        let reply = run(&mut admin, json!({"sql": "SELECT id, name FROM makers ORDER BY id;  -- all of them\n"})).await;
        assert_eq!(reply.status, StatusCode::OK, "{backend:?}: {}", reply.text);
        assert_eq!(reply.json["columns"][1]["name"], "name");
        assert_eq!(reply.json["rows"], json!([[1, "Acme"], [2, "Globex"], [3, "Initech"]]), "{backend:?}");
        assert_eq!(reply.json["row_count"], 3);
        assert_eq!(reply.json["truncated"], false);
        assert!(reply.json["columns"][0]["type"].as_str().is_some_and(|t| !t.is_empty()));

        let reply = run(&mut admin, json!({"sql": "SELECT 9007199254740993 AS big, NULL AS nada, 'x' AS t"})).await;
        assert_eq!(reply.status, StatusCode::OK, "{backend:?}: {}", reply.text);
        assert_eq!(reply.json["rows"][0], json!(["9007199254740993", null, "x"]), "{backend:?}");

        // The page stops at max_rows and says there was more.
        let many = "SELECT a.id, b.id, c.id FROM gadgets a, gadgets b, gadgets c";
        let reply = run(&mut admin, json!({"sql": many, "max_rows": 5})).await;
        assert_eq!(reply.status, StatusCode::OK, "{backend:?}: {}", reply.text);
        assert_eq!(reply.json["rows"].as_array().unwrap().len(), 5);
        assert_eq!(reply.json["truncated"], true);

        let reply = run(
            &mut admin,
            json!({"sql": "UPDATE makers SET name = 'Acme Ltd' WHERE id = 1", "mode": "write", "run_id": "w-1"}),
        )
        .await;
        assert_eq!(reply.status, StatusCode::OK, "{backend:?}: {}", reply.text);
        assert_eq!(reply.json["rows_affected"], 1);
        assert_eq!(reply.json["run_id"], "w-1");
        let reply = run(&mut admin, json!({"sql": "SELECT name FROM makers WHERE id = 1"})).await;
        assert_eq!(reply.json["rows"], json!([["Acme Ltd"]]));
        let audit = admin.get("/admin/api/v1/audit?category=sql").await;
        assert_eq!(audit.status, StatusCode::OK, "{}", audit.text);
        let entries = audit.json["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "one entry per write, none for reads: {}", audit.text);
        assert!(entries[0]["summary"].as_str().unwrap().starts_with("UPDATE makers"));

        // A write the database refuses leaves nothing behind, audit entry included.
        let reply =
            run(&mut admin, json!({"sql": "INSERT INTO makers (name) VALUES ('Globex')", "mode": "write"})).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "sql");
        assert_eq!(count_makers(&mut admin).await, 3);
        let audit = admin.get("/admin/api/v1/audit?category=sql").await;
        assert_eq!(audit.json["entries"].as_array().unwrap().len(), 1);

        // A used run_id is refused; the history has every run, newest first.
        let reply = run(&mut admin, json!({"sql": "SELECT 1", "run_id": "w-1"})).await;
        assert_error(&reply, StatusCode::CONFLICT, "conflict");
        let history = admin.get("/admin/api/v1/sql/history?limit=4").await;
        assert_eq!(history.status, StatusCode::OK, "{}", history.text);
        let runs = history.json["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 4);
        assert_eq!(runs[0]["status"], "succeeded");
        assert_eq!(runs[1]["status"], "failed");
        assert!(runs[1]["error"].as_str().is_some_and(|e| !e.is_empty()));
        assert_eq!(runs[3]["run_id"], "w-1");
        assert_eq!(runs[3]["mode"], "write");
        assert_eq!(runs[3]["rows_affected"], 1);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn read_mode_refuses_every_change() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        let backend = t.backend();
        let mut refused = vec![
            "INSERT INTO makers (name) VALUES ('Hooli')",
            "UPDATE makers SET name = 'x'",
            "DELETE FROM gadget_tags",
            "CREATE TABLE sneaky (id INT)",
            "DROP TABLE gadget_tags",
        ];
        match backend {
            Backend::Postgres => refused.extend([
                "WITH d AS (DELETE FROM makers RETURNING id) SELECT * FROM d",
                "SELECT nextval(pg_get_serial_sequence('makers', 'id'))",
            ]),
            Backend::Sqlite => refused.push("PRAGMA user_version = 7"),
            Backend::Mysql => {}
        }
        for sql in refused {
            let reply = run(&mut admin, json!({"sql": sql})).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{backend:?} {sql}: {}", reply.text);
            assert_error(&reply, StatusCode::BAD_REQUEST, "sql");
            assert!(reply.json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{backend:?} {sql}");
        }
        // Several statements are refused before anything runs, however they are dressed.
        for sql in
            ["COMMIT; DELETE FROM makers", "SET TRANSACTION READ WRITE; DELETE FROM makers", "SELECT 1; SELECT 2"]
        {
            let reply = run(&mut admin, json!({"sql": sql})).await;
            assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
        }
        if backend == Backend::Sqlite {
            for sql in ["ATTACH DATABASE '/tmp/other.db' AS other", "VACUUM INTO '/tmp/copy.db'"] {
                let reply = run(&mut admin, json!({"sql": sql, "mode": "write"})).await;
                assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
            }
        }
        assert_eq!(count_makers(&mut admin).await, 3, "{backend:?}");
        let tables = run(&mut admin, json!({"sql": "SELECT COUNT(*) FROM gadget_tags"})).await;
        assert_eq!(tables.status, StatusCode::OK, "{backend:?}: the table is still there: {}", tables.text);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn refused_statements_say_where_and_bad_input_is_a_4xx() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        let backend = t.backend();
        let reply = run(&mut admin, json!({"sql": "-- first line\nSELECT id,\n  FROM makers"})).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "sql");
        if backend != Backend::Sqlite {
            assert_eq!(reply.json["error"]["sql"]["line"], 3, "{backend:?}: {}", reply.text);
        }
        let reply = run(&mut admin, json!({"sql": "SELECT * FROM no_such_table"})).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "sql");

        for (body, code) in [
            (json!({"sql": "  ;  -- nothing\n"}), "bad_request"),
            (json!({"sql": "SELECT 1", "mode": "delete"}), "bad_request"),
            (json!({"sql": "SELECT 1", "max_rows": 0}), "validation"),
            (json!({"sql": "SELECT 1", "max_rows": 10001}), "validation"),
            (json!({"sql": "SELECT 1", "timeout_ms": 300001}), "validation"),
            (json!({"sql": "SELECT 1", "run_id": "no spaces"}), "validation"),
            (json!({"sql": "x".repeat(100_001)}), "validation"),
        ] {
            let reply = run(&mut admin, body).await;
            let status = if code == "validation" { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::BAD_REQUEST };
            assert_error(&reply, status, code);
        }
        let reply = admin.send(Method::POST, "/admin/api/v1/sql?format=xml", Some(json!({"sql": "SELECT 1"}))).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn time_limits_and_cancels_stop_the_statement_on_the_server() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        let backend = t.backend();

        let began = Instant::now();
        let reply = run(&mut admin, json!({"sql": endless(backend), "timeout_ms": 1000})).await;
        assert_error(&reply, StatusCode::REQUEST_TIMEOUT, "timeout");
        assert!(began.elapsed() < Duration::from_millis(3_000), "{backend:?}: took {:?}", began.elapsed());
        assert_eq!(count_makers(&mut admin).await, 3, "{backend:?}: the runner works after a timeout");

        // A cancel from a second instance of the host on the same database.
        let other_instance = Client::admin_of(rubbie::Config::new(t.db.clone())).await;
        let mut canceller = other_instance;
        let mut runner =
            Client { app: admin.app.clone(), cookie: admin.cookie.clone(), csrf: admin.csrf.clone(), bearer: None };
        let sql = endless(backend);
        let running = tokio::spawn(async move {
            let began = Instant::now();
            let reply = run(&mut runner, json!({"sql": sql, "run_id": "long-1", "timeout_ms": 20000})).await;
            (reply, began.elapsed())
        });
        let mut cancelled = false;
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(100)).await;
            let reply =
                canceller.send(Method::POST, "/admin/api/v1/sql/cancel", Some(json!({"run_id": "long-1"}))).await;
            if reply.status == StatusCode::ACCEPTED {
                cancelled = true;
                break;
            }
            assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
        }
        assert!(cancelled, "{backend:?}: the run never showed as running");
        let (reply, took) = running.await.unwrap();
        assert_eq!(reply.status, StatusCode::CONFLICT, "{backend:?}: {}", reply.text);
        assert_error(&reply, StatusCode::CONFLICT, "cancelled");
        assert!(took < Duration::from_secs(6), "{backend:?}: cancel took {took:?}");
        let reply = canceller.send(Method::POST, "/admin/api/v1/sql/cancel", Some(json!({"run_id": "long-1"}))).await;
        assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
        let history = admin.get("/admin/api/v1/sql/history?limit=1").await;
        assert_eq!(history.json["runs"][0]["status"], "cancelled", "{}", history.text);
        if backend == Backend::Postgres {
            let reply = run(
                &mut admin,
                json!({"sql": "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'rubbie sql %' AND state = 'active' AND pid <> pg_backend_pid()"}),
            )
            .await;
            assert_eq!(reply.json["rows"][0][0], 0, "nothing left running: {}", reply.text);
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn exports_stream_every_row_and_explain_shows_plans() {
    for t in TestDb::all().await {
        let t = t.with_fixture().await;
        let mut admin = Client::signed_in(&t.db).await;
        let backend = t.backend();
        let many = json!({"sql": "SELECT a.id AS x, b.id AS x, a.name FROM gadgets a, gadgets b ORDER BY 1, 2", "max_rows": 1});
        let gadgets = run(&mut admin, json!({"sql": "SELECT COUNT(*) FROM gadgets"})).await.json["rows"][0][0].clone();
        let n = gadgets.as_u64().or_else(|| gadgets.as_str().and_then(|s| s.parse().ok())).unwrap() as usize;

        let csv = admin.send(Method::POST, "/admin/api/v1/sql?format=csv", Some(many.clone())).await;
        assert_eq!(csv.status, StatusCode::OK, "{}", csv.text);
        assert!(csv.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
        let lines: Vec<&str> = csv.text.split_terminator("\r\n").collect();
        assert_eq!(lines.len(), n * n + 1, "{backend:?}: every row, not the page");
        assert_eq!(lines[0], "x,x_2,name");
        let ndjson = admin.send(Method::POST, "/admin/api/v1/sql?format=ndjson", Some(many)).await;
        let first: Value = serde_json::from_str(ndjson.text.lines().next().unwrap()).unwrap();
        assert_eq!(first["x"], 1);
        assert_eq!(first["x_2"], 1);
        assert_eq!(ndjson.text.lines().count(), n * n);
        // A statement refused before its first row is an error with a status, not a cut file.
        let refused =
            admin.send(Method::POST, "/admin/api/v1/sql?format=csv", Some(json!({"sql": "DELETE FROM makers"}))).await;
        assert_error(&refused, StatusCode::BAD_REQUEST, "sql");
        let empty = admin
            .send(
                Method::POST,
                "/admin/api/v1/sql?format=csv",
                Some(json!({"sql": "SELECT id FROM makers WHERE id < 0"})),
            )
            .await;
        assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
        assert_eq!(empty.text, "id\r\n");

        let plan = run(&mut admin, json!({"sql": "SELECT * FROM makers WHERE id = 2", "explain": "plan"})).await;
        assert_eq!(plan.status, StatusCode::OK, "{backend:?}: {}", plan.text);
        assert!(plan.json["plan"].as_str().is_some_and(|p| !p.is_empty()), "{}", plan.text);
        let analyze = json!({"sql": "DELETE FROM gadget_tags", "explain": "analyze", "mode": "write"});
        let reply = run(&mut admin, analyze).await;
        if backend == Backend::Sqlite {
            assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
        } else {
            assert_eq!(reply.status, StatusCode::OK, "{backend:?}: {}", reply.text);
            assert!(reply.json["plan"].as_str().is_some_and(|p| !p.is_empty()));
        }
        let tags = run(&mut admin, json!({"sql": "SELECT COUNT(*) FROM gadget_tags"})).await;
        let left = &tags.json["rows"][0][0];
        assert!(left == 4 || left == "4", "{backend:?}: EXPLAIN ANALYZE is rolled back: {}", tags.text);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn snippets_are_private_or_shared_and_only_their_author_edits_them() {
    let t = TestDb::sqlite().await.with_fixture().await;
    let mut admin = Client::signed_in(&t.db).await;
    let mut other = common::user(&mut admin, &t.db, "ops", "admin").await;

    let reply = admin
        .send(
            Method::POST,
            "/admin/api/v1/sql/snippets",
            Some(json!({"name": "Makers", "sql": "SELECT * FROM makers"})),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let private = reply.json["id"].as_i64().unwrap();
    let reply = admin
        .send(
            Method::POST,
            "/admin/api/v1/sql/snippets",
            Some(json!({"name": "All gadgets", "sql": "SELECT * FROM gadgets", "shared": true})),
        )
        .await;
    let shared = reply.json["id"].as_i64().unwrap();

    let mine = admin.get("/admin/api/v1/sql/snippets").await;
    assert_eq!(mine.json["snippets"].as_array().unwrap().len(), 2);
    let theirs = other.get("/admin/api/v1/sql/snippets").await;
    let listed = theirs.json["snippets"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{}", theirs.text);
    assert_eq!(listed[0]["id"], shared);
    assert_eq!(listed[0]["mine"], false);
    assert_eq!(listed[0]["author"], "admin");

    let path = |id: i64| format!("/admin/api/v1/sql/snippets/{id}");
    let reply = other.send(Method::PATCH, &path(shared), Some(json!({"sql": "DELETE FROM gadgets"}))).await;
    assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
    let reply = other.send(Method::DELETE, &path(private), None).await;
    assert_error(&reply, StatusCode::NOT_FOUND, "not_found");
    let reply = admin.send(Method::PATCH, &path(private), Some(json!({"name": "Makers by id", "shared": true}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    assert_eq!(reply.json["name"], "Makers by id");
    assert_eq!(reply.json["shared"], true);
    for body in [json!({"name": "  "}), json!({"sql": ""}), json!({"name": "x".repeat(191)})] {
        let reply = admin.send(Method::PATCH, &path(private), Some(body)).await;
        assert_error(&reply, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    }
    let reply = admin.send(Method::POST, "/admin/api/v1/sql/snippets", Some(json!({"name": "no sql"}))).await;
    assert_error(&reply, StatusCode::BAD_REQUEST, "bad_request");
    let reply = admin.send(Method::DELETE, &path(private), None).await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    assert_eq!(admin.get("/admin/api/v1/sql/snippets").await.json["snippets"].as_array().unwrap().len(), 1);
    t.cleanup().await;
}

#[tokio::test]
async fn only_admins_reach_the_runner() {
    let t = TestDb::sqlite().await.with_fixture().await;
    let mut admin = Client::signed_in(&t.db).await;
    admin.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "viewer"}))).await;
    let mut viewer = common::user(&mut admin, &t.db, "vera", "viewer").await;
    for (method, path, body) in [
        (Method::POST, "/admin/api/v1/sql", Some(json!({"sql": "SELECT 1"}))),
        (Method::POST, "/admin/api/v1/sql/cancel", Some(json!({"run_id": "x"}))),
        (Method::GET, "/admin/api/v1/sql/history", None),
        (Method::GET, "/admin/api/v1/sql/snippets", None),
    ] {
        let reply = viewer.send(method, path, body).await;
        assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
    }
    t.cleanup().await;
}
