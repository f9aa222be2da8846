//! The database goes away under load and comes back: requests answer 503 `unavailable` within
//! the pool's wait instead of hanging, health says the database is down, nothing is half
//! written, and rubbie recovers by itself — on PostgreSQL and MariaDB (SQLite cannot go away).

mod common;

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use common::proxy::{Proxy, target_of};
use common::{ADMIN, Client, TestDb, assert_error};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(1);

#[tokio::test]
async fn database_away_is_503_within_the_wait_and_service_recovers() {
    for t in TestDb::all().await {
        if t.backend() == rubbie::Backend::Sqlite {
            continue;
        }
        let t = t.with_fixture().await;
        let b = t.backend();
        let proxy = Proxy::start(target_of(&t.url)).await;
        let options = rubbie::PoolOptions::default().acquire_timeout(WAIT);
        let db = rubbie::Database::connect_with(&proxy.url_for(&t.url), options).await.unwrap();
        rubbie::create_or_update_admin(&db, ADMIN.0, ADMIN.1).await.unwrap();
        let mut client = Client::new(common::app(&db));
        assert_eq!(client.login(ADMIN.0, ADMIN.1).await.status, StatusCode::OK);
        let row = "/admin/api/v1/tables/gadgets/rows/1";
        assert_eq!(client.get(row).await.status, StatusCode::OK, "{b:?}");

        proxy.cut();
        // Several requests at once, reads and a write: each answers 503 within the wait (plus
        // sqlx's connect back-off), none hangs.
        let started = Instant::now();
        let requests = (0..4).map(|i| {
            let mut c = Client::new(client.app.clone());
            c.cookie = client.cookie.clone();
            c.csrf = client.csrf.clone();
            async move {
                if i == 0 {
                    c.send(Method::PATCH, row, Some(json!({"name": "written while away"}))).await
                } else {
                    c.get(&format!("/admin/api/v1/tables/gadgets/rows?order_by=id&limit={i}")).await
                }
            }
        });
        for reply in futures_util::future::join_all(requests).await {
            assert_error(&reply, StatusCode::SERVICE_UNAVAILABLE, "unavailable");
        }
        let took = started.elapsed();
        assert!(took < WAIT * 5, "{b:?}: answered after {took:?}");
        let health = client.get("/admin/api/v1/health").await;
        assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE, "{b:?}: {}", health.text);
        assert_eq!(health.json["database"], "unreachable");

        proxy.restore().await;
        let deadline = Instant::now() + Duration::from_secs(15);
        let back = loop {
            let reply = client.get(row).await;
            if reply.status == StatusCode::OK || Instant::now() > deadline {
                break reply;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(back.status, StatusCode::OK, "{b:?}: not recovered: {}", back.text);
        assert_eq!(back.json["name"], "Anvil", "{b:?}: the write made while away did not happen");
        assert_eq!(client.get("/admin/api/v1/health").await.status, StatusCode::OK, "{b:?}");
        drop(db);
        t.cleanup().await;
    }
}
