//! The host's migrations in the console, on every configured backend: every status made real,
//! apply and roll back to a target, the refusals that come before any SQL, failed migrations
//! and their recovery, the lock shared with the host's own `migrator.run()`, and the streamed
//! output.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::{Client, TestDb, app_with, assert_error};
use rubbie::Backend;
use serde_json::{Value, json};
use sqlx::migrate::Migrator;

/// A migrations directory of its own for one test.
struct Dir(PathBuf);

impl Dir {
    fn new(files: &[(&str, &str)]) -> Dir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "rubbie_migr_{}_{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let d = Dir(dir);
        for (name, sql) in files {
            d.write(name, sql);
        }
        d
    }

    fn write(&self, name: &str, sql: &str) {
        std::fs::write(self.0.join(name), sql).unwrap();
    }

    fn remove(&self, name: &str) {
        std::fs::remove_file(self.0.join(name)).unwrap();
    }

    /// What `sqlx::migrate!()` would embed from this directory now.
    async fn migrator(&self) -> &'static Migrator {
        Box::leak(Box::new(Migrator::new(self.0.clone()).await.unwrap()))
    }

    /// A host that embeds the directory as it is now and lets admins run migrations.
    async fn host(&self, t: &TestDb) -> Client {
        let config = rubbie::Config::new(t.db.clone())
            .migrator(self.migrator().await)
            .migrations_dir(&self.0)
            .allow_migration_runs(true);
        Client::admin_of(config).await
    }
}

/// The admin, signed in to a host whose migrations directory holds `BASE`, applied.
async fn applied_base(t: &TestDb) -> (Dir, Client) {
    rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
    let dir = Dir::new(&[BASE]);
    let mut c = dir.host(t).await;
    assert_eq!(run(&mut c, json!({"action": "apply"})).await["status"], "succeeded");
    (dir, c)
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn path(dir: &Path) -> String {
    dir.display().to_string()
}

/// (version, status) of every migration listed.
async fn statuses(c: &mut Client) -> Vec<(i64, String)> {
    let list = c.get("/admin/api/v1/migrations").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    list.json["migrations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["version"].as_i64().unwrap(), m["status"].as_str().unwrap().to_owned()))
        .collect()
}

fn st(pairs: &[(i64, &str)]) -> Vec<(i64, String)> {
    pairs.iter().map(|(v, s)| (*v, (*s).to_owned())).collect()
}

/// Starts a run and waits for its end; returns the finished run.
async fn run(c: &mut Client, body: Value) -> Value {
    let started = c.send(Method::POST, "/admin/api/v1/migrations/runs", Some(body)).await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text);
    wait(c, started.json["id"].as_i64().unwrap()).await
}

async fn wait(c: &mut Client, id: i64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let run = c.get(&format!("/admin/api/v1/migrations/runs/{id}")).await;
        assert_eq!(run.status, StatusCode::OK, "{}", run.text);
        if run.json["status"] != "running" {
            return run.json;
        }
        assert!(Instant::now() < deadline, "run {id} did not end");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn table_exists(t: &TestDb, table: &str) -> bool {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    let sql = sqlx::AssertSqlSafe(sql);
    match &t.db {
        rubbie::Database::Sqlite(p) => sqlx::query(sql).fetch_one(p).await.is_ok(),
        rubbie::Database::Postgres(p) => sqlx::query(sql).fetch_one(p).await.is_ok(),
        rubbie::Database::Mysql(p) => sqlx::query(sql).fetch_one(p).await.is_ok(),
    }
}

const BASE: (&str, &str) = ("1_base.sql", "CREATE TABLE m_base (id INTEGER PRIMARY KEY);\n");
const A_UP: (&str, &str) = ("2_add_a.up.sql", "CREATE TABLE m_a (id INTEGER PRIMARY KEY);\n");
const A_DOWN: (&str, &str) = ("2_add_a.down.sql", "DROP TABLE m_a;\n");
const B_UP: (&str, &str) = ("3_add_b.up.sql", "CREATE TABLE m_b (id INTEGER PRIMARY KEY);\n");
const B_DOWN: (&str, &str) = ("3_add_b.down.sql", "DROP TABLE m_b;\n");

#[tokio::test]
async fn apply_and_roll_back_to_a_target_refusing_irreversible_steps_before_any_sql() {
    for t in TestDb::all().await {
        let b = t.backend();
        rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
        let dir = Dir::new(&[BASE, A_UP, A_DOWN, B_UP, B_DOWN]);
        let mut c = dir.host(&t).await;

        let list = c.get("/admin/api/v1/migrations").await;
        assert_eq!(list.json["configured"], true);
        assert_eq!(list.json["can_run"], true);
        assert_eq!(list.json["directory"], path(&dir.0));
        assert_eq!(statuses(&mut c).await, st(&[(1, "pending"), (2, "pending"), (3, "pending")]), "{b:?}");
        assert!(!table_exists(&t, "_sqlx_migrations").await, "{b:?}: looking creates nothing");

        let plan =
            c.send(Method::POST, "/admin/api/v1/migrations/plan", Some(json!({"action": "apply", "target": 2}))).await;
        assert_eq!(plan.status, StatusCode::OK, "{b:?}: {}", plan.text);
        assert_eq!(plan.json["steps"][1]["sql"], A_UP.1, "the dialog shows exactly the SQL that will run");
        assert_eq!(plan.json["steps"].as_array().unwrap().len(), 2);

        let done = run(&mut c, json!({"action": "apply", "target": 2, "expect": [1, 2]})).await;
        assert_eq!(done["status"], "succeeded", "{b:?}: {done}");
        assert_eq!(done["user"], common::ADMIN.0);
        assert_eq!(done["steps"].as_array().unwrap().len(), 2, "{done}");
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied"), (2, "applied"), (3, "pending")]), "{b:?}");
        // The home page counts them.
        let home = c.get("/admin/api/v1/overview").await;
        assert_eq!(
            home.json["migrations"],
            json!({"applied": 2, "pending": 1, "failed": 0, "mismatch": 0, "missing": 0, "running": false}),
            "{b:?}: {}",
            home.text
        );

        // The plan the user confirmed no longer matches: nothing runs.
        let stale = c
            .send(Method::POST, "/admin/api/v1/migrations/runs", Some(json!({"action": "apply", "expect": [1, 2, 3]})))
            .await;
        assert_error(&stale, StatusCode::CONFLICT, "conflict");
        assert!(stale.text.contains("changed since the plan was shown"), "{}", stale.text);

        assert_eq!(run(&mut c, json!({"action": "apply"})).await["status"], "succeeded");
        let detail = c.get("/admin/api/v1/migrations/3").await;
        assert_eq!(detail.json["status"], "applied", "{}", detail.text);
        assert_eq!(detail.json["up_sql"], B_UP.1);
        assert_eq!(detail.json["down_sql"], B_DOWN.1);
        assert_eq!(detail.json["recorded_sql"], B_UP.1, "rubbie kept the SQL it ran");
        assert_eq!(detail.json["checksum"], detail.json["applied_checksum"]);
        assert!(detail.json["installed_on"].as_str().unwrap().ends_with('Z'), "{}", detail.text);
        let base = c.get("/admin/api/v1/migrations/1").await;
        assert_eq!(base.json["reversible"], false);
        assert_eq!(base.json["down_sql"], Value::Null);
        assert_error(&c.get("/admin/api/v1/migrations/99").await, StatusCode::NOT_FOUND, "not_found");
        assert_error(&c.get("/admin/api/v1/migrations/x").await, StatusCode::BAD_REQUEST, "bad_request");

        // Rolling everything back would cross 1, which has no down migration: refused up front.
        let refused = c
            .send(Method::POST, "/admin/api/v1/migrations/runs", Some(json!({"action": "rollback", "target": 0})))
            .await;
        assert_error(&refused, StatusCode::CONFLICT, "conflict");
        assert!(refused.text.contains("has no down migration"), "{}", refused.text);
        assert!(table_exists(&t, "m_b").await && table_exists(&t, "m_a").await, "{b:?}: nothing ran");
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied"), (2, "applied"), (3, "applied")]));

        // By default a rollback undoes the newest only; with a target, everything above it.
        assert_eq!(run(&mut c, json!({"action": "rollback"})).await["status"], "succeeded");
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied"), (2, "applied"), (3, "pending")]));
        assert_eq!(run(&mut c, json!({"action": "apply"})).await["status"], "succeeded");
        let back = run(&mut c, json!({"action": "rollback", "target": 1})).await;
        assert_eq!(back["status"], "succeeded", "{back}");
        let order: Vec<i64> =
            back["steps"].as_array().unwrap().iter().map(|s| s["version"].as_i64().unwrap()).collect();
        assert_eq!(order, vec![3, 2], "newest first");
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied"), (2, "pending"), (3, "pending")]));
        assert!(!table_exists(&t, "m_a").await && !table_exists(&t, "m_b").await, "{b:?}");

        let nothing = c.send(Method::POST, "/admin/api/v1/migrations/plan", Some(json!({"action": "rollback"}))).await;
        assert_error(&nothing, StatusCode::CONFLICT, "conflict");
        assert!(nothing.text.contains("has no down migration"), "{}", nothing.text);

        // The history keeps who ran what, with the SQL, and the audit log has each step.
        let history = c.get("/admin/api/v1/migrations/runs").await;
        let runs = history.json["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 5, "{}", history.text);
        assert_eq!(runs[0]["action"], "rollback");
        assert_eq!(runs[0]["steps"][0]["sql"], B_DOWN.1);
        let audit = c.get("/admin/api/v1/audit?category=migration").await;
        let entries = audit.json["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 7, "one entry per step: {}", audit.text);
        assert_eq!(entries[0]["action"], "rollback");
        assert!(entries[0]["summary"].as_str().unwrap().contains("Rolled back migration 2"), "{}", entries[0]);

        // The output as Server-Sent Events: every event, then `end` with the run.
        let id = runs[0]["id"].as_i64().unwrap();
        let events = c.get(&format!("/admin/api/v1/migrations/runs/{id}/events")).await;
        assert_eq!(events.status, StatusCode::OK);
        assert!(events.text.contains("\"kind\":\"step_done\""), "{}", events.text);
        assert!(events.text.contains("event: end"), "{}", events.text);
        assert_error(&c.get("/admin/api/v1/migrations/runs/9999/events").await, StatusCode::NOT_FOUND, "not_found");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_failed_migration_is_reported_and_recovered() {
    for t in TestDb::all().await {
        let b = t.backend();
        let (dir, mut c) = applied_base(&t).await;

        // A file added since the build is listed, runnable, and fails half-way.
        dir.write("2_broken.sql", "CREATE TABLE m_half (id INTEGER PRIMARY KEY);\nTHIS IS NOT SQL;\n");
        let list = c.get("/admin/api/v1/migrations").await;
        assert_eq!(list.json["migrations"][1]["embedded"], false, "{}", list.text);
        let failed = run(&mut c, json!({"action": "apply"})).await;
        assert_eq!(failed["status"], "failed", "{b:?}: {failed}");
        let error = failed["error"].as_str().unwrap();
        assert!(error.to_lowercase().contains("syntax"), "{b:?}: the database's message: {error}");
        assert_eq!(failed["steps"][0]["kind"], "step_failed");
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied"), (2, "failed")]), "{b:?}");
        assert_eq!(c.get("/admin/api/v1/overview").await.json["migrations"]["failed"], 1, "{b:?}: home shows it");
        let detail = c.get("/admin/api/v1/migrations/2").await;
        assert!(detail.json["error"].as_str().is_some_and(|e| e.to_lowercase().contains("syntax")), "{}", detail.text);
        // PostgreSQL and SQLite roll the step back whole; MySQL commits DDL as it goes.
        assert_eq!(table_exists(&t, "m_half").await, b == Backend::Mysql, "{b:?}");

        let blocked = c.send(Method::POST, "/admin/api/v1/migrations/runs", Some(json!({"action": "apply"}))).await;
        assert_error(&blocked, StatusCode::CONFLICT, "conflict");
        assert!(blocked.text.contains("failed"), "{}", blocked.text);
        let not_failed =
            c.send(Method::POST, "/admin/api/v1/migrations/runs", Some(json!({"action": "clear", "target": 1}))).await;
        assert_error(&not_failed, StatusCode::CONFLICT, "conflict");

        // Clear: pending again. Fix the file, apply.
        assert_eq!(run(&mut c, json!({"action": "clear", "target": 2})).await["status"], "succeeded");
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied"), (2, "pending")]), "{b:?}");
        if b == Backend::Mysql {
            common::exec(&t.db, "DROP TABLE m_half").await;
        }
        // Fail again, then mark it applied (as if an operator finished it by hand).
        let again = run(&mut c, json!({"action": "apply"})).await;
        assert_eq!(again["status"], "failed");
        let marked = run(&mut c, json!({"action": "mark_applied", "target": 2})).await;
        assert_eq!(marked["status"], "succeeded", "{marked}");
        assert_eq!(marked["steps"][0]["kind"], "marked_applied");
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied"), (2, "applied")]), "{b:?}");

        // Edited after it was applied: mismatch (and whether only line endings differ).
        dir.write("2_broken.sql", "CREATE TABLE m_half (id INTEGER PRIMARY KEY);\r\nTHIS IS NOT SQL;\r\n");
        let mut c = dir.host(&t).await;
        let list = c.get("/admin/api/v1/migrations").await;
        let m = &list.json["migrations"][1];
        assert_eq!(m["status"], "mismatch", "{}", list.text);
        assert_eq!(m["line_endings_only"], true);
        assert_ne!(m["checksum"], m["applied_checksum"]);
        dir.write("2_broken.sql", "CREATE TABLE m_whole (id INTEGER PRIMARY KEY);\n");
        let mut c = dir.host(&t).await;
        let list = c.get("/admin/api/v1/migrations").await;
        assert_eq!(list.json["migrations"][1]["status"], "mismatch");
        assert_eq!(list.json["migrations"][1]["line_endings_only"], false);
        let refused = c.send(Method::POST, "/admin/api/v1/migrations/plan", Some(json!({"action": "apply"}))).await;
        assert_error(&refused, StatusCode::CONFLICT, "conflict");
        assert!(refused.text.contains("changed after it was applied"), "{}", refused.text);

        // Gone from the host: missing. A new file below the newest applied: out of order.
        dir.remove("2_broken.sql");
        dir.write("0_early.sql", "CREATE TABLE m_early (id INTEGER PRIMARY KEY);\n");
        let mut c = dir.host(&t).await;
        assert_eq!(statuses(&mut c).await, st(&[(0, "out_of_order"), (1, "applied"), (2, "missing")]), "{b:?}");
        t.cleanup().await;
    }
}

fn slow_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "SELECT pg_sleep(1.5);\n",
        Backend::Mysql => "SELECT SLEEP(1.5);\n",
        // SQLite cannot sleep in SQL: count a few million rows instead.
        Backend::Sqlite => {
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3000000) SELECT COUNT(*) FROM n;\n"
        }
    }
}

#[tokio::test]
async fn one_run_at_a_time_across_the_console_and_the_hosts_own_migrator() {
    for t in TestDb::all().await {
        let b = t.backend();
        rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
        let dir = Dir::new(&[BASE, ("2_slow.sql", slow_sql(b))]);
        let mut c = dir.host(&t).await;
        // Another instance of the host on the same database.
        let mut other = dir.host(&t).await;

        let started = c.send(Method::POST, "/admin/api/v1/migrations/runs", Some(json!({"action": "apply"}))).await;
        assert_eq!(started.status, StatusCode::ACCEPTED, "{}", started.text);
        let id = started.json["id"].as_i64().unwrap();
        let second = other.send(Method::POST, "/admin/api/v1/migrations/runs", Some(json!({"action": "apply"}))).await;
        assert_error(&second, StatusCode::CONFLICT, "conflict");
        assert!(second.text.contains(&format!("console run #{id}")), "{b:?}: names the holder: {}", second.text);
        let list = other.get("/admin/api/v1/migrations").await;
        assert_eq!(list.json["lock"]["held"], true, "{}", list.text);
        assert_eq!(list.json["can_run"], false);
        assert_eq!(list.json["active_run"]["id"], id, "a reloaded page re-attaches to the run");

        if b == Backend::Postgres {
            // The host's own migrator.run() waits for the console's run (same lock).
            let migrator = dir.migrator().await;
            let t0 = Instant::now();
            let rubbie::Database::Postgres(p) = &t.db else { unreachable!() };
            migrator.run(p).await.unwrap();
            let run = c.get(&format!("/admin/api/v1/migrations/runs/{id}")).await;
            // The console's run lets go of the lock after its last step and only then records
            // that it finished, so its status may still say running here; its steps are done.
            let done = |v: i64| {
                run.json["steps"].as_array().unwrap().iter().any(|s| s["kind"] == "step_done" && s["version"] == v)
            };
            assert!(done(2), "the host's run only went on after the console's last step: {}", run.text);
            assert!(t0.elapsed() > Duration::from_millis(500), "it waited");
        }
        assert_eq!(wait(&mut c, id).await["status"], "succeeded");

        match &t.db {
            rubbie::Database::Postgres(p) => {
                // And the other way round: while the host's migrator holds the lock, the console
                // names the session that holds it.
                dir.write("3_hold.sql", "SELECT pg_sleep(3);\n");
                let migrator = dir.migrator().await;
                let pool = p.clone();
                let host = tokio::spawn(async move { migrator.run(&pool).await });
                tokio::time::sleep(Duration::from_millis(700)).await;
                let mut c = dir.host(&t).await;
                assert_lock_named(&mut c, "PostgreSQL session").await;
                host.await.unwrap().unwrap();
            }
            rubbie::Database::Mysql(p) => {
                let mut conn = p.acquire().await.unwrap();
                let name: String = sqlx::query_scalar("SELECT DATABASE()").fetch_one(&mut *conn).await.unwrap();
                let crc = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(name.as_bytes());
                let key = format!("{:x}", 0x3d32ad9e * i64::from(crc));
                // What a host's migrator holds on MySQL: GET_LOCK under sqlx's name.
                let got: Option<i64> =
                    sqlx::query_scalar("SELECT GET_LOCK(?, 0)").bind(&key).fetch_one(&mut *conn).await.unwrap();
                assert_eq!(got, Some(1));
                let mut c = dir.host(&t).await;
                assert_lock_named(&mut c, "MySQL connection").await;
                let version: String = sqlx::query_scalar("SELECT VERSION()").fetch_one(p).await.unwrap();
                if version.contains("MariaDB") {
                    // sqlx waits with GET_LOCK(name, -1), which MariaDB answers NULL at once instead of
                    // waiting: there the host's own migrator.run() takes no lock at all. Console runs
                    // still exclude each other; this check says when that changes.
                    let other: Option<i64> =
                        sqlx::query_scalar("SELECT GET_LOCK(?, -1)").bind(&key).fetch_one(p).await.unwrap();
                    assert_eq!(
                        other, None,
                        "MariaDB {version} now waits on GET_LOCK(-1): test the host's run here too"
                    );
                }
                sqlx::query("SELECT RELEASE_LOCK(?)").bind(&key).execute(&mut *conn).await.unwrap();
                assert_eq!(c.get("/admin/api/v1/migrations").await.json["lock"]["held"], false);
            }
            rubbie::Database::Sqlite(_) => {}
        }
        t.cleanup().await;
    }
}

/// The lock is held by someone outside the console: listed, and a run is refused naming them.
async fn assert_lock_named(c: &mut Client, holder: &str) {
    let list = c.get("/admin/api/v1/migrations").await;
    assert_eq!(list.json["lock"]["held"], true, "{}", list.text);
    let named = list.json["lock"]["holder"].as_str().unwrap().to_owned();
    assert!(named.starts_with(holder), "{named}");
    let refused = c.send(Method::POST, "/admin/api/v1/migrations/runs", Some(json!({"action": "apply"}))).await;
    assert_error(&refused, StatusCode::CONFLICT, "conflict");
    assert!(refused.text.contains(&named), "{} / {named}", refused.text);
}

#[tokio::test]
async fn runs_need_the_hosts_permission_and_an_admin() {
    for t in TestDb::all().await {
        rubbie::create_or_update_admin(&t.db, common::ADMIN.0, common::ADMIN.1).await.unwrap();
        let dir = Dir::new(&[BASE]);
        let config = rubbie::Config::new(t.db.clone()).migrator(dir.migrator().await);
        let mut c = Client::admin_of(config).await;
        let list = c.get("/admin/api/v1/migrations").await;
        assert_eq!(list.json["can_run"], false);
        assert_eq!(list.json["runs_allowed"], false);
        assert_eq!(list.json["migrations"][0]["status"], "pending");
        let refused = c.send(Method::POST, "/admin/api/v1/migrations/runs", Some(json!({"action": "apply"}))).await;
        assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
        let bad = c.send(Method::POST, "/admin/api/v1/migrations/plan", Some(json!({"action": "explode"}))).await;
        assert_eq!(bad.status.as_u16() / 100, 4, "{}", bad.text);

        c.send(Method::POST, "/admin/api/v1/roles", Some(json!({"name": "viewer"}))).await;
        let mut viewer = common::user(&mut c, &t.db, "vera", "viewer").await;
        assert_error(&viewer.get("/admin/api/v1/migrations").await, StatusCode::FORBIDDEN, "forbidden");
        let app = app_with(rubbie::Config::new(t.db.clone()));
        let mut plain = Client::new(app);
        plain.login(common::ADMIN.0, common::ADMIN.1).await;
        let unconfigured = plain.get("/admin/api/v1/migrations").await;
        assert_eq!(unconfigured.json["configured"], false, "{}", unconfigured.text);
        t.cleanup().await;
    }
}

/// The files in the directory, sorted.
fn files(dir: &Dir) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(&dir.0).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

async fn save(c: &mut Client, body: Value) -> Value {
    let saved = c.send(Method::POST, "/admin/api/v1/migrations", Some(body)).await;
    assert_eq!(saved.status, StatusCode::ACCEPTED, "{}", saved.text);
    let run = wait(c, saved.json["id"].as_i64().unwrap()).await;
    json!({"saved": saved.json, "run": run})
}

#[tokio::test]
async fn sql_saved_as_a_migration_is_written_only_after_it_ran_and_listed_as_applied() {
    for t in TestDb::all().await {
        let b = t.backend();
        let (dir, mut c) = applied_base(&t).await;

        // Refused before anything is written or run.
        for bad in [
            json!({"name": "Add Notes", "up_sql": "SELECT 1", "irreversible": true}),
            json!({"name": "x", "up_sql": "  ", "irreversible": true}),
            json!({"name": "x", "up_sql": "SELECT 1"}),
            json!({"name": "x", "up_sql": "SELECT 1", "down_sql": "SELECT 1", "irreversible": true}),
        ] {
            let refused = c.send(Method::POST, "/admin/api/v1/migrations", Some(bad.clone())).await;
            assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "validation");
        }
        assert_eq!(files(&dir), ["1_base.sql"]);

        // SQL that fails leaves no file behind and nothing recorded.
        let failed = save(&mut c, json!({"name": "broken", "up_sql": "CREATE TABLE (", "irreversible": true})).await;
        assert_eq!(failed["run"]["status"], "failed", "{failed}");
        assert_eq!(files(&dir), ["1_base.sql"], "no partial or final file after a failed run");
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied")]));

        // SQL that runs becomes `<version>_<name>.up.sql` / `.down.sql`, applied.
        let up = "CREATE TABLE m_saved (id INTEGER PRIMARY KEY);\n";
        let done = save(&mut c, json!({"name": "add_saved", "up_sql": up, "down_sql": "DROP TABLE m_saved;\n"})).await;
        assert_eq!(done["run"]["status"], "succeeded", "{done}");
        let version = done["saved"]["version"].as_i64().unwrap();
        assert!(version > 20_260_000_000_000, "a timestamp version: {version}");
        assert_eq!(
            files(&dir),
            ["1_base.sql".to_owned(), format!("{version}_add_saved.down.sql"), format!("{version}_add_saved.up.sql")]
        );
        assert_eq!(std::fs::read_to_string(dir.0.join(format!("{version}_add_saved.up.sql"))).unwrap(), up);
        assert!(table_exists(&t, "m_saved").await);
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied"), (version, "applied")]));
        let events = c.get(&format!("/admin/api/v1/migrations/runs/{}", done["saved"]["id"])).await;
        assert_eq!(events.json["action"], "apply", "{}", events.text);
        let detail = c.get(&format!("/admin/api/v1/migrations/{version}")).await;
        assert_eq!(detail.json["up_sql"], up);
        assert_eq!(detail.json["reversible"], true);
        assert_eq!(detail.json["description"], "add saved");

        // The host rebuilt with the file embedded computes the same checksum: still applied.
        let mut rebuilt = dir.host(&t).await;
        assert_eq!(statuses(&mut rebuilt).await, st(&[(1, "applied"), (version, "applied")]));

        // Its down file rolls it back like any other.
        assert_eq!(run(&mut c, json!({"action": "rollback", "target": 1})).await["status"], "succeeded");
        assert!(!table_exists(&t, "m_saved").await);
        assert_eq!(statuses(&mut c).await, st(&[(1, "applied"), (version, "pending")]));
        assert_eq!(run(&mut c, json!({"action": "apply"})).await["status"], "succeeded");

        // Irreversible: only the up file; the next version follows the newest.
        let idx = save(&mut c, json!({"name": "index_saved", "up_sql": "CREATE INDEX m_saved_id ON m_saved (id);\n", "irreversible": true})).await;
        assert_eq!(idx["run"]["status"], "succeeded", "{idx}");
        let v2 = idx["saved"]["version"].as_i64().unwrap();
        assert!(v2 > version);
        assert!(files(&dir).contains(&format!("{v2}_index_saved.up.sql")));
        assert!(!files(&dir).iter().any(|f| f.starts_with(&format!("{v2}_")) && f.ends_with(".down.sql")));
        let detail = c.get(&format!("/admin/api/v1/migrations/{v2}")).await;
        assert_eq!(detail.json["reversible"], false, "{}", detail.text);

        // Two statements, the second failing: rolled back with its files discarded where DDL is
        // transactional; on MySQL the first one committed, so the files stay and it is failed.
        let before = files(&dir);
        let up = "CREATE TABLE m_half (id INTEGER PRIMARY KEY);\nCREATE TABLE m_half (id INTEGER PRIMARY KEY);\n";
        let half = save(&mut c, json!({"name": "half", "up_sql": up, "irreversible": true})).await;
        assert_eq!(half["run"]["status"], "failed", "{half}");
        let v3 = half["saved"]["version"].as_i64().unwrap();
        if b == Backend::Mysql {
            assert!(table_exists(&t, "m_half").await);
            assert!(files(&dir).contains(&format!("{v3}_half.up.sql")), "{:?}", files(&dir));
            assert!(statuses(&mut c).await.contains(&(v3, "failed".to_owned())));
        } else {
            assert!(!table_exists(&t, "m_half").await);
            assert_eq!(files(&dir), before);
            assert!(!statuses(&mut c).await.iter().any(|(v, _)| *v == v3));
        }

        // A host without a directory, or one that disappeared: 409 naming why.
        let no_dir = rubbie::Config::new(t.db.clone()).migrator(dir.migrator().await).allow_migration_runs(true);
        let mut no_dir = Client::admin_of(no_dir).await;
        let body = json!({"name": "x", "up_sql": "SELECT 1", "irreversible": true});
        let refused = no_dir.send(Method::POST, "/admin/api/v1/migrations", Some(body.clone())).await;
        assert_error(&refused, StatusCode::CONFLICT, "conflict");
        assert!(refused.text.contains("migrations_dir"), "{}", refused.text);
        let gone = Dir::new(&[]);
        let mut orphan = gone.host(&t).await;
        std::fs::remove_dir_all(&gone.0).unwrap();
        let refused = orphan.send(Method::POST, "/admin/api/v1/migrations", Some(body)).await;
        assert_error(&refused, StatusCode::CONFLICT, "conflict");
        t.cleanup().await;
    }
}
