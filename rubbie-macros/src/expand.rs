//! Code generation for `#[derive(RubbieModel)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{DeriveInput, LitStr};

use crate::model::{self, Field};

/// Expands `#[derive(RubbieModel)]` on `input`, or returns every error found.
pub(crate) fn expand(input: &DeriveInput) -> syn::Result<TokenStream> {
    let model = model::analyze(input)?;

    let table = &model.table;
    let label = option_str(model.label.as_ref());
    let primary_key = &model.primary_key;
    let fields = model.fields.iter().map(field_info);

    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    Ok(quote! {
        #[doc(hidden)]
        #[allow(non_upper_case_globals)]
        const _: () = {
            const __RUBBIE_MODEL_INFO: ::rubbie::__private::ModelInfo =
                ::rubbie::__private::ModelInfo {
                    table: #table,
                    label: #label,
                    primary_key: &[#(#primary_key),*],
                    fields: &[#(#fields),*],
                };

            static __RUBBIE_MODEL: ::rubbie::__private::ModelInfo = __RUBBIE_MODEL_INFO;

            ::rubbie::__private::inventory::submit! { __RUBBIE_MODEL_INFO }

            #[automatically_derived]
            impl #impl_generics ::rubbie::__private::RubbieModel for #ident #ty_generics #where_clause {
                fn model_info() -> &'static ::rubbie::__private::ModelInfo {
                    &__RUBBIE_MODEL
                }
            }
        };
    })
}

/// The `FieldInfo { ... }` literal for one field.
fn field_info(field: &Field) -> TokenStream {
    let column = &field.column;
    let label = option_str(field.label.as_ref());
    let hidden = field.hidden;
    let readonly = field.readonly;
    let display = field.display;
    let references = option_str(field.references.as_ref());
    quote! {
        ::rubbie::__private::FieldInfo {
            column: #column,
            label: #label,
            hidden: #hidden,
            readonly: #readonly,
            display: #display,
            references: #references,
        }
    }
}

/// `Some("...")` or `None` as an `Option<&'static str>` expression.
fn option_str(lit: Option<&LitStr>) -> TokenStream {
    match lit {
        Some(lit) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    }
}
