//! The SQL runner streaming a 1,000,000-row result as CSV (`POST /api/v1/sql?format=csv`, the
//! whole body read through the real router) against the same query read through sqlx by hand
//! (every row fetched, nothing formatted), with the peak memory of each.
//!
//! `scripts/bench-sql.sh` runs it (release build) on SQLite and, when RUBBIE_TEST_POSTGRES_URL /
//! RUBBIE_TEST_MYSQL_URL are set, on PostgreSQL and MariaDB. Medians of alternating runs;
//! compare ratios, not absolute times.

mod bench_support;

use std::time::Duration;

use bench_support::{Api, exec, median, on_each_backend, with_peak_rss};
use futures_util::TryStreamExt;
use rubbie::{Backend, Database};
use sqlx::AssertSqlSafe;

const ROWS: u64 = 1_000_000;
/// Alternating runs of each side.
const RUNS: usize = 3;
const QUERY: &str = "SELECT id, name, qty, price, note FROM bench_sql";

async fn seed(db: &Database) {
    let sql = match db.backend() {
        Backend::Postgres => format!(
            "CREATE TABLE bench_sql (id BIGINT PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL,
               price NUMERIC(10,2) NOT NULL, note TEXT NULL);
             INSERT INTO bench_sql SELECT g, 'item ' || g, g % 100, (g % 10000) / 100.0,
               CASE WHEN g % 7 = 0 THEN NULL ELSE 'a note, with \"quotes\" ' || g END FROM generate_series(1, {ROWS}) g;
             ANALYZE bench_sql;"
        ),
        Backend::Mysql => format!(
            "CREATE TABLE bench_sql (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL, qty INTEGER NOT NULL,
               price NUMERIC(10,2) NOT NULL, note TEXT NULL);
             INSERT INTO bench_sql SELECT seq, CONCAT('item ', seq), seq % 100, (seq % 10000) / 100.0,
               IF(seq % 7 = 0, NULL, CONCAT('a note, with \"quotes\" ', seq)) FROM seq_1_to_{ROWS};
             ANALYZE TABLE bench_sql;"
        ),
        Backend::Sqlite => format!(
            "CREATE TABLE bench_sql (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER NOT NULL,
               price NUMERIC(10,2) NOT NULL, note TEXT NULL);
             WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < {ROWS})
             INSERT INTO bench_sql SELECT x, 'item ' || x, x % 100, (x % 10000) / 100.0,
               CASE WHEN x % 7 = 0 THEN NULL ELSE 'a note, with \"quotes\" ' || x END FROM g;"
        ),
    };
    exec(db, &sql).await;
}

/// Every row of the query through sqlx's text protocol, counted (the floor for any client).
async fn raw_rows(db: &Database) -> u64 {
    let sql = AssertSqlSafe(QUERY);
    macro_rules! count {
        ($pool:expr) => {
            sqlx::raw_sql(sql).fetch($pool).try_fold(0u64, |n, _| async move { Ok(n + 1) }).await
        };
    }
    match db {
        Database::Sqlite(p) => count!(p),
        Database::Postgres(p) => count!(p),
        Database::Mysql(p) => count!(p),
    }
    .unwrap()
}

/// The runner's CSV export of the query; returns its size in bytes.
async fn runner_csv(api: &Api) -> usize {
    let body = format!(r#"{{"sql":"{QUERY}","timeout_ms":300000}}"#);
    let csv = api.post_read("/admin/api/v1/sql?format=csv", &body).await;
    assert!(csv.head.starts_with(b"id,name,qty,price,note"), "{}", String::from_utf8_lossy(&csv.head));
    csv.len
}

fn rate(d: Duration) -> String {
    format!("{:.0}k rows/s", ROWS as f64 / d.as_secs_f64() / 1000.0)
}

#[tokio::main]
async fn main() {
    println!(
        "| database | raw sqlx fetch | SQL runner CSV | runner / raw | CSV size | peak RSS growth, raw / runner |"
    );
    println!("|---|---|---|---|---|---|");
    on_each_backend("bench_sql", |label, db| async move {
        seed(&db).await;
        let api = Api::new(&db).await;
        let (mut raw, mut runner) = (Vec::new(), Vec::new());
        let (mut raw_mb, mut runner_mb, mut size) = (0f64, 0f64, 0);
        for _ in 0..RUNS {
            let (rows, took, mb) = with_peak_rss(raw_rows(&db)).await;
            assert_eq!(rows, ROWS);
            raw.push(took);
            raw_mb = raw_mb.max(mb);
            let (len, took, mb) = with_peak_rss(runner_csv(&api)).await;
            runner.push(took);
            runner_mb = runner_mb.max(mb);
            size = len;
        }
        let (raw, runner) = (median(raw), median(runner));
        println!(
            "| {label} | {:.2} s ({}) | {:.2} s ({}) | {:.2}× | {:.0} MB | {:.1} MB / {:.1} MB |",
            raw.as_secs_f64(),
            rate(raw),
            runner.as_secs_f64(),
            rate(runner),
            runner.as_secs_f64() / raw.as_secs_f64(),
            size as f64 / 1e6,
            raw_mb,
            runner_mb,
        );
    })
    .await;
}
