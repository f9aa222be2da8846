//! The schema editor on every configured backend: changes previewed with their SQL both ways,
//! facts from the data and the down SQL verified; applied as migrations whose files appear only
//! after success; rubbie's records following; refusals before anything runs.

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, exec};
use rubbie::Backend;
use serde_json::{Value, json};

const PREVIEW: &str = "/admin/api/v1/schema/changes/preview";
const APPLY: &str = "/admin/api/v1/schema/changes";

/// A migrations directory of its own, removed afterwards.
struct Dir(PathBuf);

impl Dir {
    fn new() -> Dir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "rubbie_schema_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        Dir(dir)
    }

    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn editor(t: &TestDb, dir: &Dir) -> Client {
    rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
    let config = rubbie::Config::new(t.db.clone()).migrations_dir(&dir.0).allow_migration_runs(true).dev_mode(true);
    Client::admin_of(config).await
}

async fn apply(c: &mut Client, name: &str, changes: Value) -> common::Reply {
    c.send(Method::POST, APPLY, Some(json!({"name": name, "changes": changes}))).await
}

async fn applied(c: &mut Client, name: &str, changes: Value) -> Value {
    let reply = apply(c, name, changes).await;
    assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.text);
    assert_eq!(reply.json["status"], "applied");
    reply.json
}

async fn preview(c: &mut Client, changes: Value) -> common::Reply {
    c.send(Method::POST, PREVIEW, Some(json!({"changes": changes}))).await
}

/// Rolls the newest applied migration back and waits for the run.
async fn roll_back_last(c: &mut Client) {
    let list = c.get("/admin/api/v1/migrations").await;
    let versions: Vec<i64> = list.json["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["status"] == "applied")
        .map(|m| m["version"].as_i64().unwrap())
        .collect();
    let target = versions.iter().rev().nth(1).copied().unwrap_or(0);
    let started = c
        .send(Method::POST, "/admin/api/v1/migrations/runs", Some(json!({"action": "rollback", "target": target})))
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text);
    let id = started.json["id"].as_i64().unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let run = c.get(&format!("/admin/api/v1/migrations/runs/{id}")).await;
        if run.json["status"] != "running" {
            assert_eq!(run.json["status"], "succeeded", "{}", run.text);
            return;
        }
        assert!(Instant::now() < deadline, "run {id} did not end");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn columns(schema: &Value) -> Vec<String> {
    schema["columns"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect()
}

async fn table(c: &mut Client, name: &str) -> common::Reply {
    c.get(&format!("/admin/api/v1/tables/{name}")).await
}

#[tokio::test]
async fn outside_dev_mode_the_schema_is_read_only_and_says_why() {
    let t = TestDb::sqlite().await;
    let mut admin = Client::signed_in(&t.db).await;
    let schema = admin.get("/admin/api/v1/schema").await;
    assert_eq!(schema.json["editing"]["enabled"], false);
    assert!(schema.json["editing"]["reason"].as_str().unwrap().contains("dev_mode"), "{}", schema.text);
    let changes = json!([{"op": "drop_table", "table": "x"}]);
    let refused = preview(&mut admin, changes.clone()).await;
    common::assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    assert!(refused.text.contains("Config::dev_mode(true)"), "{}", refused.text);
    let refused = apply(&mut admin, "x", changes).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    t.cleanup().await;
}

#[tokio::test]
async fn tables_are_created_changed_dropped_and_rolled_back() {
    for t in TestDb::all().await {
        let backend = t.backend();
        let dir = Dir::new();
        let mut c = editor(&t, &dir).await;
        assert_eq!(c.get("/admin/api/v1/schema").await.json["editing"]["enabled"], true);

        // a table with a unique column, then one that references it
        let authors = json!([{"op": "create_table", "table": "authors", "columns": [
            {"name": "id", "type": "integer", "primary_key": true},
            {"name": "name", "type": "varchar(100)", "nullable": false, "unique": true},
        ]}]);
        let shown = preview(&mut c, authors.clone()).await;
        assert_eq!(shown.status, StatusCode::OK, "{backend:?}: {}", shown.text);
        assert!(shown.json["up_sql"].as_str().unwrap().starts_with("CREATE TABLE"), "{}", shown.text);
        assert!(shown.json["down_sql"].as_str().unwrap().contains("DROP TABLE"), "{}", shown.text);
        let verified = if backend == Backend::Mysql { Value::Null } else { json!(true) };
        assert_eq!(shown.json["down_verified"], verified, "{backend:?}: {}", shown.text);
        assert!(dir.files().is_empty(), "a preview writes nothing");
        let done = applied(&mut c, "create_authors", authors).await;
        assert_eq!(done["files"].as_array().unwrap().len(), 2, "up and down");
        assert_eq!(dir.files().len(), 2, "{:?}", dir.files());
        let tables = c.get("/admin/api/v1/tables").await;
        assert!(tables.text.contains("\"authors\""), "created tables are tracked at once: {}", tables.text);

        let books = json!([{"op": "create_table", "table": "books",
            "columns": [
                {"name": "id", "type": "integer", "primary_key": true},
                {"name": "author_id", "type": "integer"},
                {"name": "title", "type": "varchar(200)", "default": "untitled"},
            ],
            "foreign_keys": [{"columns": ["author_id"], "references_table": "authors", "references_columns": ["id"], "on_delete": "cascade"}],
        }]);
        applied(&mut c, "create_books", books).await;
        let schema = table(&mut c, "books").await;
        assert_eq!(schema.json["foreign_keys"][0]["on_delete"], "CASCADE", "{}", schema.text);
        // a column changed without naming its default keeps it
        applied(
            &mut c,
            "longer_titles",
            json!([{"op": "alter_column", "table": "books",
            "column": {"name": "title", "type": "varchar(250)"}}]),
        )
        .await;
        let title = table(&mut c, "books").await.json["columns"][2].clone();
        assert!(title["type"].as_str().unwrap().contains("250"), "{title}");
        assert!(title["default"].as_str().is_some_and(|d| d.contains("untitled")), "{backend:?}: {title}");
        exec(&t.db, "INSERT INTO authors (id, name) VALUES (1, 'Ann'), (2, 'Bo')").await;
        exec(&t.db, "INSERT INTO books (id, author_id, title) VALUES (1, 1, 'A'), (2, 1, 'A'), (3, NULL, NULL)").await;

        // facts: duplicates block a unique index; NULLs block NOT NULL; drops count their loss
        let refused = apply(
            &mut c,
            "unique_titles",
            json!([{"op": "add_index", "table": "books",
            "index": {"columns": ["title"], "unique": true}}]),
        )
        .await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
        assert!(refused.json["error"]["fields"]["duplicates"].is_array(), "{}", refused.text);
        let change = json!([{"op": "alter_column", "table": "books",
            "column": {"name": "author_id", "type": "integer", "nullable": false}}]);
        let shown = preview(&mut c, change.clone()).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
        let nulls = shown.json["facts"].as_array().unwrap().iter().find(|f| f["kind"] == "nulls").cloned();
        let nulls = nulls.unwrap_or_else(|| panic!("{backend:?}: {}", shown.text));
        assert_eq!((nulls["count"].as_i64(), nulls["blocking"].as_bool()), (Some(1), Some(true)));
        assert_eq!(apply(&mut c, "author_required", change).await.status, StatusCode::CONFLICT);
        let shown = preview(&mut c, json!([{"op": "drop_column", "table": "books", "column": "title"}])).await;
        assert_eq!(shown.json["facts"][0]["kind"], "values_lost", "{}", shown.text);
        assert_eq!(shown.json["facts"][0]["count"], 2, "{}", shown.text);
        assert_eq!(shown.json["facts"][0]["blocking"], false);

        // a rename carries the column's label and a role's permission along
        let label = c
            .send(
                Method::PATCH,
                "/admin/api/v1/tables/books/metadata",
                Some(json!({"columns": {"title": {"label": "Book title"}}})),
            )
            .await;
        assert_eq!(label.status, StatusCode::OK, "{}", label.text);
        let role = c.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "reader"}))).await;
        assert!(role.status.is_success(), "{}", role.text);
        common::put_rule(
            &mut c,
            "reader",
            "books",
            "select",
            json!({"columns": ["id", "title"], "filter": {"title": {"_neq": "secret"}}}),
        )
        .await;
        applied(
            &mut c,
            "rename_title",
            json!([{"op": "rename_column", "table": "books", "from": "title", "to": "headline"}]),
        )
        .await;
        let schema = table(&mut c, "books").await;
        let headline = schema.json["columns"].as_array().unwrap().iter().find(|c| c["name"] == "headline").cloned();
        assert_eq!(headline.unwrap()["label"], "Book title", "{}", schema.text);
        let rules = c.get("/admin/api/v1/metadata").await.json["permissions"].clone();
        assert_eq!(rules[0]["rule"]["columns"], json!(["id", "headline"]), "{rules}");
        assert_eq!(rules[0]["rule"]["filter"], json!({"headline": {"_neq": "secret"}}), "{rules}");
        // audited twice: the migration's step, and what followed it in rubbie's records
        let migration = c.get("/admin/api/v1/audit?category=migration").await.json;
        assert!(migration["entries"][0]["summary"].as_str().unwrap().contains("rename title"), "{migration}");
        let follow = c.get("/admin/api/v1/audit?category=metadata").await.json;
        assert_eq!(follow["entries"][0]["summary"], "Followed the schema change rename_title", "{follow}");

        // add a column, then roll its migration back from the migrations page
        applied(
            &mut c,
            "add_pages",
            json!([{"op": "add_column", "table": "books",
            "column": {"name": "pages", "type": "integer", "nullable": false, "default": 0}}]),
        )
        .await;
        assert!(columns(&table(&mut c, "books").await.json).contains(&"pages".to_owned()));
        roll_back_last(&mut c).await;
        assert!(!columns(&table(&mut c, "books").await.json).contains(&"pages".to_owned()), "rolled back");

        // a table still referenced cannot go; once its referrer is gone it can, and comes back empty
        let refused = preview(&mut c, json!([{"op": "drop_table", "table": "authors"}])).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
        assert!(refused.text.contains("books"), "{}", refused.text);
        let shown = preview(&mut c, json!([{"op": "drop_table", "table": "books"}])).await;
        assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
        assert_eq!(shown.json["facts"][0]["kind"], "rows_lost", "{}", shown.text);
        assert_eq!(shown.json["facts"][0]["count"], 3);
        assert_eq!(shown.json["down_verified"], verified, "{backend:?}: {}", shown.text);
        applied(&mut c, "drop_books", json!([{"op": "drop_table", "table": "books"}])).await;
        assert_eq!(table(&mut c, "books").await.status, StatusCode::NOT_FOUND);
        let document = c.get("/admin/api/v1/metadata").await.json;
        assert!(document["permissions"].as_array().unwrap().is_empty(), "a dropped table leaves no rules: {document}");
        assert!(document["tables"].get("books").is_none(), "nor metadata: {document}");
        // rolling back re-creates the table (empty); what rubbie kept about it comes back by
        // reverting the follow-up's audit entry, not by the rollback
        roll_back_last(&mut c).await;
        let schema = c.get("/admin/api/v1/schema").await;
        let back = schema.json["tables"].as_array().unwrap().iter().find(|t| t["name"] == "books").cloned();
        let back = back.unwrap_or_else(|| panic!("{backend:?}: books is back: {}", schema.text));
        assert_eq!(back["tracked"], false);
        assert_eq!(back["foreign_keys"][0]["references_table"], "authors", "{back}");
        assert_eq!(back["foreign_keys"][0]["on_delete"], "CASCADE", "{back}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_changes_are_refused_before_anything_runs() {
    for t in TestDb::all().await {
        let backend = t.backend();
        let dir = Dir::new();
        let mut c = editor(&t, &dir).await;
        exec(&t.db, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(50))").await;
        let cases = [
            (json!([{"op": "drop_table", "table": "ghost"}]), StatusCode::NOT_FOUND),
            (json!([{"op": "drop_column", "table": "notes", "column": "ghost"}]), StatusCode::BAD_REQUEST),
            (
                json!([{"op": "add_column", "table": "notes", "column": {"name": "x", "type": "int; DROP TABLE notes"}}]),
                StatusCode::BAD_REQUEST,
            ),
            (
                json!([{"op": "add_column", "table": "notes", "column": {"name": "x", "type": "nosuchtype"}}]),
                StatusCode::BAD_REQUEST,
            ),
            (json!([{"op": "rename_table", "table": "notes", "to": "rubbie_users"}]), StatusCode::UNPROCESSABLE_ENTITY),
            (
                json!([{"op": "add_column", "table": "notes", "column": {"name": "body", "type": "text"}}]),
                StatusCode::CONFLICT,
            ),
            (json!([{"op": "drop_column", "table": "notes", "column": "id"}]), StatusCode::CONFLICT),
            (json!([{"op": "rename_column", "table": "notes"}]), StatusCode::BAD_REQUEST),
            (json!([{"op": "explode", "table": "notes"}]), StatusCode::BAD_REQUEST),
            (json!([]), StatusCode::UNPROCESSABLE_ENTITY),
        ];
        for (changes, status) in cases {
            let reply = apply(&mut c, "bad", changes.clone()).await;
            assert_eq!(reply.status, status, "{backend:?} {changes}: {}", reply.text);
            assert!(reply.json["error"]["message"].is_string(), "{}", reply.text);
        }
        // MySQL commits each DDL statement: a request taking two is refused as a whole
        let two = json!([
            {"op": "add_column", "table": "notes", "column": {"name": "a", "type": "integer"}},
            {"op": "add_column", "table": "notes", "column": {"name": "b", "type": "integer"}},
        ]);
        let reply = preview(&mut c, two).await;
        let expected = if backend == Backend::Mysql { StatusCode::BAD_REQUEST } else { StatusCode::OK };
        assert_eq!(reply.status, expected, "{backend:?}: {}", reply.text);
        // MySQL refuses a foreign key between different types: said before anything runs
        if backend == Backend::Mysql {
            let reply = apply(&mut c, "typed", json!([{"op": "create_table", "table": "replies",
                "columns": [{"name": "id", "type": "integer", "primary_key": true}, {"name": "note_id", "type": "bigint"}],
                "foreign_keys": [{"columns": ["note_id"], "references_table": "notes", "references_columns": ["id"]}]}])).await;
            assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text);
            assert!(reply.text.contains("types"), "{}", reply.text);
        }
        // a NOT NULL column without a default over existing rows
        exec(&t.db, "INSERT INTO notes (id, body) VALUES (1, 'x')").await;
        let reply = apply(
            &mut c,
            "required",
            json!([{"op": "add_column", "table": "notes",
            "column": {"name": "due", "type": "date", "nullable": false}}]),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{backend:?}: {}", reply.text);
        assert!(dir.files().is_empty(), "nothing written: {:?}", dir.files());
        t.cleanup().await;
    }
}

/// A table as `GET /schema` describes it (tracked or not).
async fn described(c: &mut Client, name: &str) -> Value {
    let schema = c.get("/admin/api/v1/schema").await;
    let found = schema.json["tables"].as_array().unwrap().iter().find(|t| t["name"] == name).cloned();
    found.unwrap_or_else(|| panic!("no {name}: {}", schema.text))
}

async fn count(t: &TestDb, sql: &str) -> i64 {
    let rubbie::Database::Sqlite(pool) = &t.db else { unreachable!("SQLite only") };
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn sqlite_rebuilds_keep_every_child_row() {
    let t = TestDb::sqlite().await;
    let dir = Dir::new();
    let mut c = editor(&t, &dir).await;
    exec(
        &t.db,
        "CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, CHECK (length(name) > 0));
         CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors (id) ON DELETE CASCADE,
                             editor_id INTEGER, title TEXT);
         CREATE TABLE reviews (id INTEGER PRIMARY KEY, author_id INTEGER REFERENCES authors (id) ON DELETE SET NULL);
         CREATE INDEX books_title ON books (title);
         INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bo');
         INSERT INTO books VALUES (1, 1, 2, 'A'), (2, 2, 1, 'B'), (3, 1, NULL, 'C');
         INSERT INTO reviews VALUES (1, 1), (2, 2);
         CREATE INDEX authors_lower ON authors (lower(name)) WHERE id > 0;
         CREATE TRIGGER authors_touch AFTER UPDATE ON authors BEGIN UPDATE books SET title = title WHERE author_id = NEW.id; END;
         CREATE VIEW author_names AS SELECT name FROM authors;",
    )
    .await;
    let before = described(&mut c, "authors").await;

    // the referenced table is rebuilt: its children keep every row and every key
    let change = json!([{"op": "alter_column", "table": "authors", "column": {"name": "name", "type": "text"}}]);
    let shown = preview(&mut c, change.clone()).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert!(
        shown.json["up_sql"].as_str().unwrap().starts_with("-- no-transaction\nPRAGMA foreign_keys = OFF;")
            || shown.json["up_sql"].as_str().unwrap().contains("PRAGMA foreign_keys = OFF;"),
        "{}",
        shown.text
    );
    assert_eq!(shown.json["down_verified"], true, "{}", shown.text);
    let done = applied(&mut c, "relax_author_name", change).await;
    let up_file = done["files"].as_array().unwrap().iter().find(|f| f.as_str().unwrap().ends_with(".up.sql")).unwrap();
    assert!(std::fs::read_to_string(up_file.as_str().unwrap()).unwrap().starts_with("-- no-transaction\n"));
    assert_eq!(count(&t, "SELECT COUNT(*) FROM books WHERE author_id IS NOT NULL").await, 3, "no child row lost");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM reviews WHERE author_id IS NOT NULL").await, 2, "no key nulled");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM authors").await, 2);
    assert_eq!(count(&t, "SELECT foreign_keys FROM pragma_foreign_keys").await, 1, "foreign keys are on again");
    // the index as written (an expression, a condition) and the trigger come back; the view works
    let attached = "SELECT COUNT(*) FROM sqlite_master WHERE (name = 'authors_touch' AND sql LIKE '%NEW.id%') \
                    OR (name = 'authors_lower' AND sql LIKE '%(lower(name)) WHERE id > 0')";
    assert_eq!(count(&t, attached).await, 2);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM author_names").await, 2);
    let after = described(&mut c, "authors").await;
    let name = after["columns"].as_array().unwrap().iter().find(|c| c["name"] == "name").unwrap().clone();
    let shape = (name["type"].as_str().unwrap().to_lowercase(), name["nullable"].as_bool());
    assert_eq!(shape, ("text".to_owned(), Some(true)), "{after}");
    assert_eq!(after["checks"], before["checks"], "checks kept");
    assert_eq!(after["indexes"].as_array().unwrap().len(), before["indexes"].as_array().unwrap().len(), "{after}");

    // a foreign key added and dropped by rebuilding the child; orphans block the addition
    let key = json!([{"op": "add_foreign_key", "table": "books",
        "foreign_key": {"columns": ["editor_id"], "references_table": "authors", "references_columns": ["id"]}}]);
    exec(&t.db, "INSERT INTO books VALUES (4, 1, 99, 'D')").await;
    let refused = apply(&mut c, "editor_key", key.clone()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.text);
    assert!(refused.json["error"]["fields"]["orphans"].is_array(), "{}", refused.text);
    exec(&t.db, "DELETE FROM books WHERE id = 4").await;
    applied(&mut c, "editor_key", key).await;
    let books = described(&mut c, "books").await;
    assert_eq!(books["foreign_keys"].as_array().unwrap().len(), 2, "{books}");
    assert!(
        books["indexes"].as_array().unwrap().iter().any(|i| i["name"] == "books_title"),
        "indexes re-created: {books}"
    );
    assert_eq!(count(&t, "SELECT COUNT(*) FROM books").await, 3);
    let editor_key = books["foreign_keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["columns"] == json!(["editor_id"]))
        .unwrap()["name"]
        .clone();
    applied(&mut c, "drop_editor_key", json!([{"op": "drop_foreign_key", "table": "books", "name": editor_key}])).await;
    assert_eq!(described(&mut c, "books").await["foreign_keys"].as_array().unwrap().len(), 1);

    // rolling back rebuilds back: authors.name is NOT NULL again, and the rows are all there
    roll_back_last(&mut c).await; // the key comes back
    roll_back_last(&mut c).await; // and goes
    roll_back_last(&mut c).await; // name is NOT NULL again
    let back = described(&mut c, "authors").await;
    let name = back["columns"].as_array().unwrap().iter().find(|c| c["name"] == "name").unwrap().clone();
    assert_eq!(name["nullable"], false, "{back}");
    assert_eq!(count(&t, "SELECT COUNT(*) FROM books WHERE author_id IS NOT NULL").await, 3);
    assert_eq!(count(&t, "SELECT COUNT(*) FROM reviews WHERE author_id IS NOT NULL").await, 2);
    t.cleanup().await;
}

/// Every table's shape as `GET /schema` gives it, for comparing before and after: columns by
/// name (one dropped and added back comes last), keys without the names SQLite makes up.
async fn shapes(c: &mut Client) -> Value {
    let schema = c.get("/admin/api/v1/schema").await.json;
    let mut out = serde_json::Map::new();
    for t in schema["tables"].as_array().unwrap() {
        let mut columns: Vec<Value> = t["columns"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| json!([c["name"], c["type"].as_str().unwrap().to_lowercase(), c["nullable"], c["default"]]))
            .collect();
        columns.sort_by_key(|c| c[0].as_str().unwrap().to_owned());
        let mut keys: Vec<Value> = t["foreign_keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| json!([k["columns"], k["references_table"], k["references_columns"], k["on_delete"]]))
            .collect();
        keys.sort_by_key(Value::to_string);
        let mut indexes: Vec<Value> =
            t["indexes"].as_array().unwrap().iter().map(|i| json!([i["name"], i["columns"], i["unique"]])).collect();
        indexes.sort_by_key(Value::to_string);
        let shape = json!({"columns": columns, "primary_key": t["primary_key"], "keys": keys, "indexes": indexes, "checks": t["checks"]});
        out.insert(t["name"].as_str().unwrap().to_owned(), shape);
    }
    Value::Object(out)
}

#[tokio::test]
async fn every_change_kind_applies_and_rolls_back_to_the_schema_before() {
    for t in TestDb::all().await {
        let backend = t.backend();
        let dir = Dir::new();
        let mut c = editor(&t, &dir).await;
        exec(
            &t.db,
            "CREATE TABLE parents (id INTEGER PRIMARY KEY, code VARCHAR(20));
             CREATE TABLE kids (id INTEGER PRIMARY KEY, parent_id INTEGER, note VARCHAR(50),
                                CONSTRAINT kids_parent FOREIGN KEY (parent_id) REFERENCES parents (id));
             CREATE INDEX kids_note ON kids (note);
             CREATE TABLE others (id INTEGER PRIMARY KEY, parent_id INTEGER);
             INSERT INTO parents (id, code) VALUES (1, 'a'), (2, 'b');
             INSERT INTO kids (id, parent_id, note) VALUES (1, 1, 'x'), (2, 2, 'y');
             INSERT INTO others (id, parent_id) VALUES (1, 2);",
        )
        .await;
        let kids = described(&mut c, "kids").await;
        let parent_key = kids["foreign_keys"][0]["name"].clone();
        let changes = [
            json!({"op": "add_column", "table": "kids", "column": {"name": "extra", "type": "integer", "nullable": false, "default": 0}}),
            json!({"op": "alter_column", "table": "kids", "column": {"name": "note", "type": "varchar(80)", "nullable": true}}),
            json!({"op": "rename_column", "table": "kids", "from": "note", "to": "remark"}),
            json!({"op": "drop_column", "table": "parents", "column": "code"}),
            json!({"op": "add_index", "table": "kids", "index": {"columns": ["note"], "unique": true}}),
            json!({"op": "drop_index", "table": "kids", "name": "kids_note"}),
            json!({"op": "add_foreign_key", "table": "others",
                   "foreign_key": {"columns": ["parent_id"], "references_table": "parents", "references_columns": ["id"], "on_delete": "cascade"}}),
            json!({"op": "drop_foreign_key", "table": "kids", "name": parent_key}),
            json!({"op": "rename_table", "table": "parents", "to": "mothers"}),
            json!({"op": "drop_table", "table": "others"}),
        ];
        for (i, change) in changes.into_iter().enumerate() {
            let before = shapes(&mut c).await;
            let done = apply(&mut c, &format!("change_{i}"), json!([change])).await;
            assert_eq!(done.status, StatusCode::OK, "{backend:?} {change}: {}", done.text);
            assert_ne!(shapes(&mut c).await, before, "{backend:?} {change}: the schema changed");
            roll_back_last(&mut c).await;
            assert_eq!(shapes(&mut c).await, before, "{backend:?} {change}: rolled back to the schema before");
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_locked_table_stops_the_trial_run_instead_of_hanging_the_preview() {
    let Some(t) = TestDb::all().await.into_iter().find(|t| t.backend() == Backend::Postgres) else { return };
    let dir = Dir::new();
    let mut c = editor(&t, &dir).await;
    exec(&t.db, "CREATE TABLE busy (id INTEGER PRIMARY KEY)").await;
    let rubbie::Database::Postgres(pool) = &t.db else { unreachable!() };
    let mut holder = pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE busy IN ACCESS EXCLUSIVE MODE").execute(&mut *holder).await.unwrap();
    let started = Instant::now();
    let shown =
        preview(&mut c, json!([{"op": "add_column", "table": "busy", "column": {"name": "x", "type": "integer"}}]))
            .await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.text);
    assert_eq!(shown.json["down_verified"], Value::Null, "{}", shown.text);
    assert!(shown.text.contains("not verified"), "{}", shown.text);
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
    holder.rollback().await.unwrap();
    t.cleanup().await;
}
