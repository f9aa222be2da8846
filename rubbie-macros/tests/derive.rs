//! `#[derive(RubbieModel)]` end to end: the registered `ModelInfo` and the inventory entry.

use rubbie::RubbieModel;

#[derive(RubbieModel, serde::Serialize)]
#[rubbie(table = "customers", label = "Customer")]
#[allow(dead_code)]
struct Customer {
    #[rubbie(primary_key, readonly)]
    id: i64,
    #[serde(rename = "mail")]
    #[rubbie(label = "E-mail")]
    email: String,
    #[rubbie(hidden, column = "pw_hash")]
    password_hash: String,
    #[rubbie(references = "countries.code")]
    country: Option<String>,
    #[rubbie(references = "customers")]
    referrer: Option<i64>,
    r#type: String,
}

#[derive(RubbieModel)]
#[allow(dead_code)]
struct OrderLine {
    #[rubbie(primary_key)]
    order_id: i64,
    #[rubbie(primary_key)]
    line_no: i32,
    qty: i32,
}

#[derive(RubbieModel)]
#[allow(dead_code)]
struct Pair<T> {
    id: i64,
    value: T,
}

#[test]
fn model_info_contents() {
    let info = Customer::model_info();
    assert_eq!(info.table, "customers");
    assert_eq!(info.label, Some("Customer"));
    assert_eq!(info.primary_key, ["id"]);

    let columns: Vec<&str> = info.fields.iter().map(|f| f.column).collect();
    assert_eq!(columns, ["id", "email", "pw_hash", "country", "referrer", "type"]);

    let [id, email, pw, country, referrer, ty] = info.fields else {
        panic!("expected 6 fields, got {:?}", info.fields);
    };
    assert!(id.readonly && !id.hidden && id.label.is_none() && id.references.is_none());
    assert_eq!(email.label, Some("E-mail"));
    assert!(!email.hidden && !email.readonly);
    assert!(pw.hidden && !pw.readonly);
    assert_eq!(country.references, Some("countries.code"));
    assert_eq!(referrer.references, Some("customers"));
    assert!(ty.label.is_none() && !ty.hidden && !ty.readonly && ty.references.is_none());
}

#[test]
fn defaults() {
    let info = OrderLine::model_info();
    assert_eq!(info.table, "order_line");
    assert_eq!(info.label, None);
    assert_eq!(info.primary_key, ["order_id", "line_no"]);
    assert_eq!(info.fields.len(), 3);
}

#[test]
fn generic_struct() {
    let a = <Pair<u8> as RubbieModel>::model_info();
    let b = <Pair<String> as RubbieModel>::model_info();
    assert!(std::ptr::eq(a, b));
    assert_eq!(a.table, "pair");
    assert_eq!(a.primary_key, ["id"]);
}

#[test]
fn registered_in_inventory() {
    let tables: Vec<&str> = rubbie::__private::registered_models().map(|m| m.table).collect();
    for table in ["customers", "order_line", "pair"] {
        assert_eq!(tables.iter().filter(|t| **t == table).count(), 1, "{table} in {tables:?}");
    }
    let customer = rubbie::__private::registered_models().find(|m| m.table == "customers").unwrap();
    assert_eq!(customer.label, Customer::model_info().label);
    assert_eq!(customer.fields.len(), Customer::model_info().fields.len());
}
