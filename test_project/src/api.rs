//! The host's own small JSON API, with its own OpenAPI document (merged into rubbie's).

use axum::Router;
use axum::extract::{Query, State};
use axum::routing::get;
use rubbie::Database;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The host API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(paths(status, products), components(schemas(ShopStatus, ProductCard)), tags((name = "shop", description = "The demo shop's own API")))]
pub struct ShopApi;

/// What the shop's handlers share.
#[derive(Clone)]
pub struct Shop {
    pub db: Database,
    pub flags: rubbie::Flags,
}

/// The feature flag that puts the shop into maintenance (toggle it in the console's settings).
pub const MAINTENANCE_FLAG: &str = "shop.maintenance";

pub fn router(shop: Shop) -> Router {
    Router::new().route("/api/status", get(status)).route("/api/products", get(products)).with_state(shop)
}

/// Shop status.
#[derive(Serialize, ToSchema)]
pub struct ShopStatus {
    /// `open`, or `maintenance` while the `shop.maintenance` feature flag is on.
    pub shop: &'static str,
    /// Database backend in use.
    pub backend: rubbie::Backend,
}

/// Is the shop open?
#[utoipa::path(get, path = "/api/status", tag = "shop", responses((status = 200, body = ShopStatus)))]
async fn status(State(shop): State<Shop>) -> axum::Json<ShopStatus> {
    let state = if shop.flags.is_enabled(MAINTENANCE_FLAG).await { "maintenance" } else { "open" };
    axum::Json(ShopStatus { shop: state, backend: shop.db.backend() })
}

/// A product as the shop front shows it.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct ProductCard {
    /// Product id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Price as a decimal string.
    pub price: String,
}

/// Paging of the product list.
#[derive(Deserialize, IntoParams)]
pub struct ProductQuery {
    /// How many products (1–100, default 10).
    pub limit: Option<i64>,
}

/// Products in stock, cheapest first.
#[utoipa::path(get, path = "/api/products", tag = "shop", params(ProductQuery),
    responses((status = 200, body = Vec<ProductCard>)))]
async fn products(
    State(Shop { db, .. }): State<Shop>,
    Query(q): Query<ProductQuery>,
) -> Result<axum::Json<Vec<ProductCard>>, (axum::http::StatusCode, String)> {
    let limit = q.limit.unwrap_or(10).clamp(1, 100);
    let failed = |e: sqlx::Error| {
        tracing::error!(%e, "products");
        (axum::http::StatusCode::INTERNAL_SERVER_ERROR, "database error".to_owned())
    };
    let rows: Vec<(i64, String, String)> = match &db {
        Database::Sqlite(p) => sqlx::query_as(
            "SELECT id, name, CAST(price AS TEXT) AS price FROM products WHERE in_stock ORDER BY price, id LIMIT ?",
        )
        .bind(limit)
        .fetch_all(p)
        .await
        .map_err(failed)?,
        Database::Postgres(p) => sqlx::query_as(
            "SELECT id, name, price::text AS price FROM products WHERE in_stock ORDER BY price, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(p)
        .await
        .map_err(failed)?,
        Database::Mysql(p) => sqlx::query_as(
            "SELECT id, name, CAST(price AS CHAR) AS price FROM products WHERE in_stock ORDER BY price, id LIMIT ?",
        )
        .bind(limit)
        .fetch_all(p)
        .await
        .map_err(failed)?,
    };
    Ok(axum::Json(rows.into_iter().map(|(id, name, price)| ProductCard { id, name, price }).collect()))
}
