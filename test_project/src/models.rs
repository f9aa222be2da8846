//! The shop's tables as rubbie models: labels and hints over what introspection finds.

#![allow(dead_code)] // The fields document the tables; the host reads rows as JSON.

use rubbie::RubbieModel;

/// A product category (a tree through `parent_id`).
#[derive(RubbieModel)]
#[rubbie(table = "categories", label = "Category")]
pub struct Category {
    #[rubbie(primary_key)]
    pub id: i64,
    pub name: String,
    pub description: Option<String>,
    #[rubbie(label = "Parent category", references = "categories")]
    pub parent_id: Option<i64>,
}

/// A shop customer.
#[derive(RubbieModel)]
#[rubbie(table = "customers", label = "Customer")]
pub struct Customer {
    #[rubbie(primary_key)]
    pub id: i64,
    pub name: String,
    #[rubbie(label = "E-mail")]
    pub email: String,
    pub country: String,
    #[rubbie(label = "VIP")]
    pub is_vip: bool,
    #[rubbie(hidden)]
    pub notes: Option<String>,
    #[rubbie(label = "Signed up", readonly)]
    pub signed_up_at: String,
    pub birthday: Option<String>,
}

/// A product for sale.
#[derive(RubbieModel)]
#[rubbie(table = "products", label = "Product")]
pub struct Product {
    #[rubbie(primary_key)]
    pub id: i64,
    #[rubbie(references = "categories")]
    pub category_id: i64,
    #[rubbie(label = "SKU")]
    pub sku: String,
    pub name: String,
    pub price: String,
    pub in_stock: bool,
    pub attributes: Option<String>,
    pub created_at: String,
}

/// An order of one customer.
#[derive(RubbieModel)]
#[rubbie(table = "orders", label = "Order")]
pub struct Order {
    #[rubbie(primary_key)]
    pub id: i64,
    #[rubbie(references = "customers")]
    pub customer_id: i64,
    pub status: String,
    pub total: String,
    #[rubbie(label = "Placed")]
    pub placed_at: String,
    pub shipped_on: Option<String>,
    pub shipping_address: Option<String>,
}

/// One line of an order (composite primary key).
#[derive(RubbieModel)]
#[rubbie(table = "order_items", label = "Order item")]
pub struct OrderItem {
    #[rubbie(primary_key, references = "orders")]
    pub order_id: i64,
    #[rubbie(primary_key, references = "products")]
    pub product_id: i64,
    pub quantity: i64,
    pub unit_price: String,
}
