#![forbid(unsafe_code)]
#![deny(warnings)]

use rubbie::RubbieModel;

#[derive(RubbieModel, serde::Serialize)]
#[serde(rename_all = "camelCase")]
#[rubbie(table = "customers", label = "Customer")]
pub struct Customer {
    #[rubbie(primary_key, readonly)]
    pub customer_id: i64,
    #[serde(rename = "mail")]
    #[rubbie(label = "E-mail")]
    pub email: String,
    #[rubbie(hidden)]
    #[rubbie(column = "pw_hash")]
    pub password_hash: String,
    #[rubbie(references = "countries.code")]
    pub country: Option<String>,
    #[rubbie(references = "customers")]
    pub referrer: Option<i64>,
    pub r#type: String,
}

/// Generic structs get a generic impl.
#[derive(RubbieModel)]
pub struct Wrapper<'a, T: Clone>
where
    T: Send,
{
    pub id: i64,
    pub value: &'a T,
}

/// Composite primary keys keep field order.
#[derive(RubbieModel)]
#[rubbie()]
pub struct OrderLine {
    #[rubbie(primary_key)]
    pub order_id: i64,
    #[rubbie(primary_key)]
    pub line_no: i32,
}

fn main() {
    let info = Customer::model_info();
    assert_eq!(info.table, "customers");
    assert_eq!(info.primary_key, ["customer_id"]);
    assert_eq!(info.fields[5].column, "type");
    assert_eq!(
        <Wrapper<'static, u8> as RubbieModel>::model_info().table,
        "wrapper"
    );
    assert_eq!(OrderLine::model_info().primary_key, ["order_id", "line_no"]);
}
