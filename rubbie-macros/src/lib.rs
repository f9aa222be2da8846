//! `#[derive(RubbieModel)]`: registers a struct's table, labels and column hints with rubbie.
//!
//! Use it through the `rubbie` crate (`rubbie::RubbieModel`); the generated code refers to
//! `::rubbie::__private`, so this crate is not meant to be depended on directly.

mod attr;
mod case;
mod expand;
mod model;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `rubbie::RubbieModel` and registers the struct's `ModelInfo` with rubbie.
///
/// Struct attributes: `#[rubbie(table = "customers", label = "Customer")]` (the table defaults
/// to the struct name in snake_case).
///
/// Field attributes: `primary_key`, `label = "..."`, `hidden`, `readonly`, `display` (the
/// column that names a row where others reference it), `references = "table"` or `references = "table.column"`, and `column = "..."` (the column
/// defaults to the field name). Without `primary_key`, a field whose column is `id` is the key.
#[proc_macro_derive(RubbieModel, attributes(rubbie))]
pub fn derive_rubbie_model(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::expand(&input).unwrap_or_else(syn::Error::into_compile_error).into()
}
