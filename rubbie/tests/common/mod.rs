//! Test support: a fresh database per test on every configured backend, the fixture schema,
//! and a small client that signs in and sends requests through the real router.

#![allow(dead_code)]

pub mod proxy;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use rubbie::{Backend, Database};
use serde_json::Value;
use tower::ServiceExt;

/// A database created for one test, dropped by [`TestDb::cleanup`].
pub struct TestDb {
    pub db: Database,
    /// The URL `db` was opened with.
    pub url: String,
    drop_url: Option<(String, String)>,
    _dir: Option<tempdir::TempDirGuard>,
}

mod tempdir {
    /// Removes a temporary directory when dropped.
    pub struct TempDirGuard(pub std::path::PathBuf);
    impl Drop for TempDirGuard {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}_{}_{}_{}", std::process::id(), nanos, N.fetch_add(1, Ordering::SeqCst))
}

/// Replaces the database name (path) of a server URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map(|(b, q)| (b, Some(q))).unwrap_or((url, None));
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..].find('/').map(|i| scheme_end + i).unwrap_or(base.len());
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDb {
    /// One fresh database per backend that is configured (SQLite always).
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite().await];
        if let Ok(url) = std::env::var("RUBBIE_TEST_POSTGRES_URL") {
            dbs.push(TestDb::server(&url, "postgres").await);
        }
        if let Ok(url) = std::env::var("RUBBIE_TEST_MYSQL_URL") {
            dbs.push(TestDb::server(&url, "mysql").await);
        }
        dbs
    }

    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(unique("rubbie_test"));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("test.db").display());
        let db = Database::connect(&url).await.unwrap();
        TestDb { db, url, drop_url: None, _dir: Some(tempdir::TempDirGuard(dir)) }
    }

    async fn server(admin_url: &str, kind: &str) -> TestDb {
        let name = unique("rubbie_test");
        let admin = Database::connect(admin_url).await.unwrap_or_else(|e| panic!("{kind} at {admin_url}: {e}"));
        exec(&admin, &format!("CREATE DATABASE {name}")).await;
        close(admin).await;
        let url = with_database(admin_url, &name);
        let db = Database::connect(&url).await.unwrap();
        TestDb { db, url, drop_url: Some((admin_url.to_owned(), name)), _dir: None }
    }

    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Drops the test's database (server backends).
    pub async fn cleanup(self) {
        close(self.db).await;
        if let Some((admin_url, name)) = self.drop_url {
            let admin = Database::connect(&admin_url).await.unwrap();
            let sql = match admin.backend() {
                Backend::Postgres => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                _ => format!("DROP DATABASE IF EXISTS {name}"),
            };
            exec(&admin, &sql).await;
            close(admin).await;
        }
    }

    /// Creates the fixture schema: makers, gadgets (every kind of column) and gadget_tags
    /// (composite key), with a few rows.
    pub async fn with_fixture(self) -> Self {
        exec(&self.db, &fixture_sql(self.backend())).await;
        self
    }
}

async fn close(db: Database) {
    match db {
        Database::Sqlite(p) => p.close().await,
        Database::Postgres(p) => p.close().await,
        Database::Mysql(p) => p.close().await,
    }
}

/// Runs trusted fixture SQL.
pub async fn exec(db: &Database, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_owned());
    match db {
        Database::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
        Database::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
        Database::Mysql(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("fixture SQL failed: {e}"));
}

fn fixture_sql(backend: Backend) -> String {
    let (id, ts, json, bytes, kind, pre) = match backend {
        Backend::Sqlite => (
            "INTEGER PRIMARY KEY AUTOINCREMENT",
            "TIMESTAMP",
            "JSON",
            "BLOB",
            "TEXT NOT NULL DEFAULT 'tool' CHECK (kind IN ('tool', 'toy'))",
            "",
        ),
        Backend::Postgres => (
            "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
            "TIMESTAMPTZ",
            "JSONB",
            "BYTEA",
            "gadget_kind NOT NULL DEFAULT 'tool'",
            "CREATE TYPE gadget_kind AS ENUM ('tool', 'toy');",
        ),
        Backend::Mysql => (
            "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
            "DATETIME",
            "JSON",
            "BLOB",
            "ENUM('tool', 'toy') NOT NULL DEFAULT 'tool'",
            "",
        ),
    };
    let t: fn(&str) -> String =
        if backend == Backend::Mysql { |s: &str| s.replace('T', " ").replace('Z', "") } else { |s: &str| s.to_owned() };
    let blob = match backend {
        Backend::Postgres => "'\\x00ff10'::bytea",
        _ => "X'00FF10'",
    };
    let kind_lit = |k: &str| {
        if backend == Backend::Postgres { format!("'{k}'::gadget_kind") } else { format!("'{k}'") }
    };
    format!(
        "{pre}
CREATE TABLE makers (id {id}, name VARCHAR(100) NOT NULL UNIQUE);
CREATE TABLE gadgets (
    id {id},
    maker_id BIGINT NULL,
    name VARCHAR(100) NOT NULL,
    price NUMERIC(14, 2) NOT NULL DEFAULT 0 CHECK (price >= 0),
    weight DOUBLE PRECISION NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    released DATE NULL,
    updated_at {ts} NULL,
    specs {json} NULL,
    picture {bytes} NULL,
    kind {kind},
    FOREIGN KEY (maker_id) REFERENCES makers (id)
);
CREATE TABLE gadget_tags (
    gadget_id BIGINT NOT NULL,
    tag VARCHAR(50) NOT NULL,
    note TEXT NULL,
    PRIMARY KEY (gadget_id, tag),
    FOREIGN KEY (gadget_id) REFERENCES gadgets (id) ON DELETE CASCADE
);
INSERT INTO makers (name) VALUES ('Acme'), ('Globex'), ('Initech');
INSERT INTO gadgets (maker_id, name, price, weight, active, released, updated_at, specs, picture, kind) VALUES
    (1, 'Anvil', 12345678901.25, 50.5, TRUE, '2024-02-29', '{ts1}', '{{\"color\": \"black\", \"sizes\": [1, 2]}}', {blob}, {tool}),
    (1, 'Rocket skates', 99.90, 2.25, FALSE, NULL, NULL, NULL, NULL, {toy}),
    (2, 'Hammer', 15.00, 1.5, TRUE, '2023-06-01', '{ts2}', '{{\"color\": \"red\"}}', NULL, {tool}),
    (NULL, 'Yo-yo', 3.50, NULL, TRUE, NULL, NULL, NULL, NULL, {toy}),
    (3, 'Stapler', 7.25, 0.3, TRUE, '2020-01-15', NULL, NULL, NULL, {tool});
INSERT INTO gadget_tags (gadget_id, tag, note) VALUES (1, 'heavy', 'very'), (1, 'classic', NULL), (3, 'heavy', NULL), (4, 'fun,toy', 'comma in key');
",
        ts1 = t("2024-03-01T10:30:00Z"),
        ts2 = t("2023-06-01T08:00:00Z"),
        tool = kind_lit("tool"),
        toy = kind_lit("toy"),
    )
}

/// The rubbie router nested at `/admin` like a host would mount it, serving every table
/// (tests create tables without models; tracking itself is tested with `app_with`).
pub fn app(db: &Database) -> Router {
    app_with(rubbie::Config::new(db.clone()).track_introspected(true))
}

pub fn app_with(config: rubbie::Config) -> Router {
    Router::new().nest_service("/admin", rubbie::router(config))
}

pub const ADMIN: (&str, &str) = ("admin", "correct horse battery");

/// A response: status, headers and JSON body (Null when empty or not JSON).
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
    pub text: String,
}

/// Sends requests through the router, keeping the session cookie and CSRF token.
pub struct Client {
    pub app: Router,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl Client {
    pub fn new(app: Router) -> Self {
        Client { app, cookie: None, csrf: None, bearer: None }
    }

    /// Creates the admin user and signs in.
    pub async fn signed_in(db: &Database) -> Self {
        rubbie::create_or_update_admin(db, ADMIN.0, ADMIN.1).await.unwrap();
        let mut client = Client::new(app(db));
        let reply = client.login(ADMIN.0, ADMIN.1).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        client
    }

    /// Signs the (existing) admin in to a router of its own over `config`: another instance of
    /// the host on the same database.
    pub async fn admin_of(config: rubbie::Config) -> Self {
        let mut client = Client::new(app_with(config));
        let reply = client.login(ADMIN.0, ADMIN.1).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
        client
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Reply {
        let reply = self
            .send(
                Method::POST,
                "/admin/api/v1/auth/login",
                Some(serde_json::json!({"username": username, "password": password})),
            )
            .await;
        if reply.status == StatusCode::OK {
            let cookie = reply.headers.get(header::SET_COOKIE).unwrap().to_str().unwrap();
            self.cookie = Some(cookie.split(';').next().unwrap().to_owned());
            self.csrf = reply.json["csrf_token"].as_str().map(str::to_owned);
        }
        reply
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        self.send(Method::GET, path, None).await
    }

    pub async fn send(&mut self, method: Method, path: &str, body: Option<Value>) -> Reply {
        let body = body.map(|b| b.to_string());
        self.send_raw(method, path, body.as_deref(), "application/json").await
    }

    pub async fn send_raw(&mut self, method: Method, path: &str, body: Option<&str>, content_type: &str) -> Reply {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(csrf) = &self.csrf {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(token) = &self.bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(b) => request.header(header::CONTENT_TYPE, content_type).body(Body::from(b.to_owned())),
            None => request.body(Body::empty()),
        }
        .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, headers, json, text }
    }
}

/// Asserts the JSON error shape with this status and code.
#[track_caller]
pub fn assert_error(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "body: {}", reply.text);
    assert_eq!(reply.json["error"]["code"], code, "body: {}", reply.text);
    assert!(reply.json["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "body: {}", reply.text);
}

/// URL-encodes a query parameter value.
pub fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Sets a role's rule on a table operation (as the admin).
pub async fn put_rule(admin: &mut Client, role: &str, table: &str, op: &str, rule: Value) {
    let reply = admin.send(Method::PUT, &format!("/admin/api/v1/permissions/{role}/{table}/{op}"), Some(rule)).await;
    assert_eq!(reply.status, StatusCode::OK, "{role} {table} {op}: {}", reply.text);
}

/// Creates a user with this role (as the admin) and signs them in.
pub async fn user(admin: &mut Client, db: &rubbie::Database, name: &str, role: &str) -> Client {
    let created = admin
        .send(
            Method::POST,
            "/admin/api/v1/users",
            Some(serde_json::json!({"username": name, "password": "password-123", "role": role})),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let mut client = Client::new(app(db));
    assert_eq!(client.login(name, "password-123").await.status, StatusCode::OK);
    client
}
