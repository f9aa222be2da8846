//! What the benchmarks share: medians of alternating runs, raw SQL, a signed-in client of the
//! real router, memory readings, and a fresh database per backend.

#![allow(dead_code)]

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use rubbie::Database;
use sqlx::AssertSqlSafe;
use tower::ServiceExt;

/// Runs of each measurement.
pub const RUNS: usize = 31;

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Medians of `a` and `b` run alternately, so load from elsewhere hits both alike.
pub async fn time_pair<A, AF, B, BF>(mut a: A, mut b: B) -> (Duration, Duration)
where
    A: FnMut() -> AF,
    AF: std::future::Future<Output = ()>,
    B: FnMut() -> BF,
    BF: std::future::Future<Output = ()>,
{
    a().await;
    b().await;
    let (mut sa, mut sb) = (Vec::with_capacity(RUNS), Vec::with_capacity(RUNS));
    for _ in 0..RUNS {
        let start = Instant::now();
        a().await;
        sa.push(start.elapsed());
        let start = Instant::now();
        b().await;
        sb.push(start.elapsed());
    }
    (median(sa), median(sb))
}

pub async fn exec(db: &Database, sql: &str) {
    let sql = AssertSqlSafe(sql.to_owned());
    match db {
        Database::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
        Database::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
        Database::Mysql(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
    }
    .expect("bench SQL");
}

/// The raw query through sqlx, rows fetched (and decoded by the driver), nothing else.
pub async fn raw(db: &Database, sql: &str) -> usize {
    let sql = AssertSqlSafe(sql.to_owned());
    match db {
        Database::Sqlite(p) => sqlx::query(sql).fetch_all(p).await.map(|r| r.len()),
        Database::Postgres(p) => sqlx::query(sql).fetch_all(p).await.map(|r| r.len()),
        Database::Mysql(p) => sqlx::query(sql).fetch_all(p).await.map(|r| r.len()),
    }
    .expect("raw query")
}

pub struct Api {
    pub app: Router,
    pub cookie: String,
    pub csrf: String,
}

impl Api {
    /// Signed in to rubbie serving every table.
    pub async fn new(db: &Database) -> Api {
        Api::with(rubbie::Config::new(db.clone()).track_introspected(true)).await
    }

    /// Signed in to rubbie with this configuration.
    pub async fn with(config: rubbie::Config) -> Api {
        rubbie::create_or_update_admin(config.database(), "bench", "bench-password").await.unwrap();
        let app = Router::new().nest_service("/admin", rubbie::router(config));
        let login = Request::post("/admin/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(r#"{"username":"bench","password":"bench-password"}"#))
            .unwrap();
        let response = app.clone().oneshot(login).await.unwrap();
        let cookie = response.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        let csrf =
            serde_json::from_slice::<serde_json::Value>(&body).unwrap()["csrf_token"].as_str().unwrap().to_owned();
        Api { app, cookie, csrf }
    }

    /// POST with an optional JSON body; panics unless 2xx.
    pub async fn post(&self, path: &str, json: Option<&str>) {
        self.send("POST", path, json).await
    }

    /// Any method with an optional JSON body; panics unless 2xx.
    pub async fn send(&self, method: &str, path: &str, json: Option<&str>) {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "application/json")
            .body(json.map(|j| Body::from(j.to_owned())).unwrap_or_else(Body::empty))
            .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(status.is_success(), "{path}: {status} {}", String::from_utf8_lossy(&body));
    }

    /// POST a CSV file; panics unless 200.
    pub async fn post_csv(&self, path: &str, csv: String) {
        let request = Request::post(path)
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "text/csv")
            .body(Body::from(csv))
            .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(status, StatusCode::OK, "{path}: {}", String::from_utf8_lossy(&body));
    }

    /// GET, the whole body read; returns the body.
    pub async fn get(&self, path: &str) -> bytes_len::Body {
        let request = Request::get(path).header("cookie", &self.cookie).body(Body::empty()).unwrap();
        read_body(path, self.app.clone().oneshot(request).await.unwrap()).await
    }

    /// POST a JSON body, the whole (streamed) answer read; returns its size and first bytes.
    pub async fn post_read(&self, path: &str, json: &str) -> bytes_len::Body {
        let request = Request::post(path)
            .header("cookie", &self.cookie)
            .header("x-csrf-token", &self.csrf)
            .header("content-type", "application/json")
            .body(Body::from(json.to_owned()))
            .unwrap();
        read_body(path, self.app.clone().oneshot(request).await.unwrap()).await
    }
}

/// Reads a 200 answer frame by frame, keeping only its length and first 4 kB.
async fn read_body(path: &str, response: axum::response::Response) -> bytes_len::Body {
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let mut body = response.into_body();
    let mut len = 0;
    let mut first = Vec::new();
    while let Some(frame) = body.frame().await {
        if let Ok(data) = frame.unwrap().into_data() {
            if first.len() < 4096 {
                first.extend_from_slice(&data[..data.len().min(4096 - first.len())]);
            }
            len += data.len();
        }
    }
    bytes_len::Body { len, head: first }
}

/// Runs `f`, sampling this process's resident set every 20 ms: its result, how long it took, and
/// the peak growth over the start in MB.
pub async fn with_peak_rss<T, F: std::future::Future<Output = T>>(f: F) -> (T, Duration, f64) {
    let before = rss_kb();
    let peak = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(before));
    let sampler = {
        let peak = peak.clone();
        tokio::spawn(async move {
            loop {
                peak.fetch_max(rss_kb(), std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = Instant::now();
    let out = f.await;
    let took = started.elapsed();
    sampler.abort();
    let growth = peak.load(std::sync::atomic::Ordering::Relaxed).max(rss_kb()).saturating_sub(before);
    (out, took, growth as f64 / 1024.0)
}

mod bytes_len {
    /// A response body's size and its first bytes (never the whole of an export in memory).
    pub struct Body {
        pub len: usize,
        pub head: Vec<u8>,
    }
}

/// Resident set size of this process, kB (Linux).
pub fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A fresh database named `name` on the server of `url` (dropped first if left over).
pub async fn fresh_database(url: &str, name: &str) -> Database {
    let admin = Database::connect(url).await.unwrap();
    let force = if admin.backend() == rubbie::Backend::Postgres { " WITH (FORCE)" } else { "" };
    exec(&admin, &format!("DROP DATABASE IF EXISTS {name}{force}")).await;
    exec(&admin, &format!("CREATE DATABASE {name}")).await;
    Database::connect(&format!("{}/{name}", url.rsplit_once('/').unwrap().0)).await.unwrap()
}

/// Drops what [`fresh_database`] made.
pub async fn drop_database(url: &str, name: &str, db: Database) {
    drop(db);
    let admin = Database::connect(url).await.unwrap();
    let force = if admin.backend() == rubbie::Backend::Postgres { " WITH (FORCE)" } else { "" };
    exec(&admin, &format!("DROP DATABASE IF EXISTS {name}{force}")).await;
}

/// Each configured backend: SQLite in a temporary file always, PostgreSQL and MariaDB when
/// RUBBIE_TEST_POSTGRES_URL / RUBBIE_TEST_MYSQL_URL are set. Runs `bench` on each in turn.
pub async fn on_each_backend<F, Fut>(name: &str, mut bench: F)
where
    F: FnMut(&'static str, Database) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = std::env::temp_dir().join(format!("rubbie_{name}_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sqlite = Database::connect(&format!("sqlite://{}", dir.join("bench.db").display())).await.unwrap();
    bench("SQLite", sqlite).await;
    std::fs::remove_dir_all(&dir).ok();
    for (label, var) in [("PostgreSQL", "RUBBIE_TEST_POSTGRES_URL"), ("MariaDB", "RUBBIE_TEST_MYSQL_URL")] {
        if let Ok(url) = std::env::var(var) {
            let db = fresh_database(&url, name).await;
            bench(label, db.clone()).await;
            drop_database(&url, name, db).await;
        }
    }
}

/// Times one run of `f`.
pub async fn once<F: std::future::Future<Output = ()>>(f: F) -> Duration {
    let start = Instant::now();
    f.await;
    start.elapsed()
}
