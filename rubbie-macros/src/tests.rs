//! Unit tests: analysis of derive inputs, error messages and a snapshot of the expansion.

use syn::{DeriveInput, parse_quote};

use crate::case::to_snake_case;
use crate::expand::expand;
use crate::model::{Model, analyze};

/// Analyzes `input`, panicking on errors.
fn model(input: DeriveInput) -> Model {
    match analyze(&input) {
        Ok(model) => model,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

/// Analyzes `input` and returns every error message, panicking if it succeeds.
fn errors(input: DeriveInput) -> Vec<String> {
    match analyze(&input) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// Formats the expansion of `input` as Rust source.
fn expanded(input: DeriveInput) -> String {
    let tokens = expand(&input).unwrap();
    prettyplease::unparse(&syn::parse2(tokens).unwrap())
}

#[test]
fn snake_case() {
    assert_eq!(to_snake_case("Customer"), "customer");
    assert_eq!(to_snake_case("CustomerOrder"), "customer_order");
    assert_eq!(to_snake_case("HTTPLog"), "http_log");
    assert_eq!(to_snake_case("OrderV2"), "order_v2");
    assert_eq!(to_snake_case("Order2Item"), "order2_item");
    assert_eq!(to_snake_case("already_snake"), "already_snake");
    assert_eq!(to_snake_case("Line_Item"), "line_item");
}

#[test]
fn defaults() {
    let m = model(parse_quote! {
        struct CustomerOrder {
            id: i64,
            r#type: String,
            total: f64,
        }
    });
    assert_eq!(m.table, "customer_order");
    assert!(m.label.is_none());
    assert_eq!(m.primary_key, ["id"]);
    let columns: Vec<_> = m.fields.iter().map(|f| f.column.as_str()).collect();
    assert_eq!(columns, ["id", "type", "total"]);
    let f = &m.fields[1];
    assert!(f.label.is_none() && f.references.is_none() && !f.hidden && !f.readonly);
}

#[test]
fn raw_struct_name() {
    let m = model(parse_quote! { struct r#Match { id: i64 } });
    assert_eq!(m.table, "match");
}

#[test]
fn all_attributes() {
    let m = model(parse_quote! {
        #[derive(Debug)]
        #[rubbie(table = "customers", label = "Customer")]
        #[serde(rename_all = "camelCase")]
        struct Customer {
            #[rubbie(primary_key, readonly)]
            customer_id: i64,
            #[serde(rename = "mail")]
            #[rubbie(label = "E-mail")]
            email: String,
            #[rubbie(hidden)]
            #[rubbie(column = "pw_hash")]
            password_hash: String,
            #[rubbie(references = "countries.code")]
            country: String,
        }
    });
    assert_eq!(m.table, "customers");
    assert_eq!(m.label.unwrap().value(), "Customer");
    assert_eq!(m.primary_key, ["customer_id"]);
    assert!(m.fields[0].readonly && !m.fields[0].hidden);
    assert_eq!(m.fields[1].label.as_ref().unwrap().value(), "E-mail");
    assert_eq!(m.fields[2].column, "pw_hash");
    assert!(m.fields[2].hidden && !m.fields[2].readonly);
    assert_eq!(m.fields[3].references.as_ref().unwrap().value(), "countries.code");
}

#[test]
fn composite_primary_key_in_field_order() {
    let m = model(parse_quote! {
        struct OrderLine {
            id: i64,
            #[rubbie(primary_key)]
            order_id: i64,
            #[rubbie(primary_key, column = "line_no")]
            line: i32,
        }
    });
    assert_eq!(m.primary_key, ["order_id", "line_no"]);
}

#[test]
fn id_column_found_through_column_override() {
    let m = model(parse_quote! {
        struct Tag {
            name: String,
            #[rubbie(column = "id")]
            key: i64,
        }
    });
    assert_eq!(m.primary_key, ["id"]);
}

#[test]
fn table_reference_without_column() {
    let m = model(parse_quote! {
        struct Order {
            id: i64,
            #[rubbie(references = "customers")]
            customer: i64,
        }
    });
    assert_eq!(m.fields[1].references.as_ref().unwrap().value(), "customers");
}

#[test]
fn empty_rubbie_attribute_is_allowed() {
    let m = model(parse_quote! {
        #[rubbie()]
        struct Thing { #[rubbie()] id: i64 }
    });
    assert_eq!(m.table, "thing");
}

#[test]
fn not_a_struct_with_named_fields() {
    let msgs = errors(parse_quote! { enum E { A } });
    assert_eq!(msgs, ["RubbieModel can only be derived for structs with named fields, not enums"]);
    let msgs = errors(parse_quote! { struct T(i64); });
    assert_eq!(msgs, ["RubbieModel needs named fields: tuple structs are not supported"]);
    let msgs = errors(parse_quote! { struct U; });
    assert_eq!(msgs, ["RubbieModel needs named fields: unit structs are not supported"]);
    let msgs = errors(parse_quote! { union X { a: u32 } });
    assert_eq!(msgs, ["RubbieModel can only be derived for structs with named fields, not unions"]);
}

#[test]
fn no_primary_key() {
    let msgs = errors(parse_quote! { struct Log { at: i64, line: String } });
    assert_eq!(msgs, ["no primary key: mark a field with #[rubbie(primary_key)]"]);
}

#[test]
fn unknown_keys_list_allowed_keys() {
    let msgs = errors(parse_quote! {
        #[rubbie(name = "x", hidden)]
        struct S {
            #[rubbie(primary, table = "t")]
            id: i64,
        }
    });
    assert_eq!(
        msgs,
        [
            "unknown rubbie struct attribute `name`; expected one of: `table`, `label`",
            "unknown rubbie struct attribute `hidden`; expected one of: `table`, `label`",
            "unknown rubbie field attribute `primary`; expected one of: `primary_key`, \
             `label`, `hidden`, `readonly`, `display`, `references`, `column`",
            "unknown rubbie field attribute `table`; expected one of: `primary_key`, \
             `label`, `hidden`, `readonly`, `display`, `references`, `column`",
        ]
    );
}

#[test]
fn duplicate_keys() {
    let msgs = errors(parse_quote! {
        #[rubbie(table = "a")]
        #[rubbie(table = "b", label = "L", label = "M")]
        struct S {
            #[rubbie(primary_key, hidden, hidden)]
            #[rubbie(primary_key, column = "x", column = "y")]
            id: i64,
        }
    });
    assert_eq!(
        msgs,
        [
            "duplicate rubbie attribute `table`",
            "duplicate rubbie attribute `label`",
            "duplicate rubbie attribute `hidden`",
            "duplicate rubbie attribute `primary_key`",
            "duplicate rubbie attribute `column`",
        ]
    );
}

#[test]
fn wrong_value_types() {
    let msgs = errors(parse_quote! {
        #[rubbie(label = 5, table = customers)]
        struct S {
            #[rubbie(primary_key = true, label)]
            id: i64,
            #[rubbie(hidden(yes), references = 1.5)]
            other: i64,
        }
    });
    assert_eq!(
        msgs,
        [
            "expected a string literal: `label = \"...\"`",
            "expected a string literal: `table = \"...\"`",
            "`primary_key` takes no value: write `#[rubbie(primary_key)]`",
            "`label` needs a value: write `label = \"...\"`",
            "`hidden` takes no value: write `#[rubbie(hidden)]`",
            "expected a string literal: `references = \"...\"`",
        ]
    );
}

#[test]
fn empty_table_and_column() {
    let msgs = errors(parse_quote! {
        #[rubbie(table = "")]
        struct S {
            #[rubbie(primary_key, column = "")]
            id: i64,
        }
    });
    assert_eq!(msgs, ["`table` must not be empty", "`column` must not be empty"]);
}

#[test]
fn malformed_references() {
    for bad in ["", ".", "a.", ".b", "a.b.c", "a b", "a.b c"] {
        let lit = syn::LitStr::new(bad, proc_macro2::Span::call_site());
        let msgs = errors(parse_quote! {
            struct S {
                id: i64,
                #[rubbie(references = #lit)]
                other: i64,
            }
        });
        assert_eq!(
            msgs,
            [format!("`references` must be `\"table\"` or `\"table.column\"`, found {bad:?}")],
            "for {bad:?}"
        );
    }
}

#[test]
fn syntax_error_is_reported_with_other_errors() {
    let msgs = errors(parse_quote! {
        #[rubbie]
        struct S {
            #[rubbie(label = 1)]
            id: i64,
        }
    });
    assert_eq!(msgs.len(), 2, "{msgs:?}");
    assert!(msgs[0].contains("expected attribute arguments in parentheses"));
    assert_eq!(msgs[1], "expected a string literal: `label = \"...\"`");
}

#[test]
fn generics_go_into_the_impl() {
    let out = expanded(parse_quote! {
        struct Wrapper<'a, T: Clone> where T: Send {
            id: i64,
            value: &'a T,
        }
    });
    assert!(
        out.contains(
            "impl<'a, T: Clone> ::rubbie::__private::RubbieModel for Wrapper<'a, T>\n    where\n        T: Send,"
        ),
        "{out}"
    );
}

#[test]
fn expansion_snapshot() {
    let expansion = expanded(parse_quote! {
        #[derive(Debug, Clone)]
        #[rubbie(table = "customers", label = "Customer")]
        struct Customer {
            #[rubbie(primary_key, readonly)]
            id: i64,
            #[rubbie(label = "E-mail")]
            email: String,
            #[rubbie(hidden, column = "pw_hash")]
            password_hash: String,
            #[rubbie(references = "countries.code")]
            country: Option<String>,
            r#type: String,
        }
    });
    insta::assert_snapshot!(expansion);
}

#[test]
fn one_display_field_at_most() {
    let msgs = errors(parse_quote! {
        struct S {
            id: i64,
            #[rubbie(display)]
            name: String,
            #[rubbie(display)]
            email: String,
        }
    });
    assert_eq!(msgs, ["only one field can be #[rubbie(display)]"]);
}
