//! Analysis of the derive input into the metadata to register.

use syn::ext::IdentExt;
use syn::{Data, DataStruct, DeriveInput, Fields, LitStr};

use crate::attr::{self, Errors};
use crate::case::to_snake_case;

/// Everything the derive registers for one struct.
pub(crate) struct Model {
    /// Table name: `#[rubbie(table = "...")]` or the struct name in snake_case.
    pub table: String,
    /// `#[rubbie(label = "...")]` on the struct.
    pub label: Option<LitStr>,
    /// Primary key columns, in field order.
    pub primary_key: Vec<String>,
    /// One entry per field, in declaration order.
    pub fields: Vec<Field>,
}

/// What the derive registers for one field.
pub(crate) struct Field {
    /// Column name: `#[rubbie(column = "...")]` or the field name without `r#`.
    pub column: String,
    /// `label = "..."`.
    pub label: Option<LitStr>,
    /// `hidden`.
    pub hidden: bool,
    /// `readonly`.
    pub readonly: bool,
    /// `display`.
    pub display: bool,
    /// `references = "..."`.
    pub references: Option<LitStr>,
}

/// Reads the struct and its `#[rubbie(...)]` attributes, or returns every error found.
pub(crate) fn analyze(input: &DeriveInput) -> syn::Result<Model> {
    let mut errors = Errors::default();
    let container = attr::parse_container(&input.attrs, &mut errors);

    let named = match &input.data {
        Data::Struct(DataStruct { fields: Fields::Named(named), .. }) => Some(&named.named),
        Data::Struct(DataStruct { fields: fields @ Fields::Unnamed(_), .. }) => {
            errors.spanned(fields, "RubbieModel needs named fields: tuple structs are not supported");
            None
        }
        Data::Struct(DataStruct { fields: Fields::Unit, .. }) => {
            errors.spanned(&input.ident, "RubbieModel needs named fields: unit structs are not supported");
            None
        }
        Data::Enum(data) => {
            errors.spanned(data.enum_token, "RubbieModel can only be derived for structs with named fields, not enums");
            None
        }
        Data::Union(data) => {
            errors
                .spanned(data.union_token, "RubbieModel can only be derived for structs with named fields, not unions");
            None
        }
    };

    let mut primary_key = Vec::new();
    let mut fields = Vec::new();
    for field in named.into_iter().flatten() {
        let attrs = attr::parse_field(&field.attrs, &mut errors);
        let column = match (&attrs.column, &field.ident) {
            (Some(lit), _) => lit.value(),
            (None, Some(ident)) => ident.unraw().to_string(),
            (None, None) => String::new(),
        };
        if attrs.primary_key {
            primary_key.push(column.clone());
        }
        if attrs.display && fields.iter().any(|f: &Field| f.display) {
            errors.spanned(field, "only one field can be #[rubbie(display)]");
        }
        fields.push(Field {
            column,
            label: attrs.label,
            hidden: attrs.hidden,
            readonly: attrs.readonly,
            display: attrs.display,
            references: attrs.references,
        });
    }

    if named.is_some() && primary_key.is_empty() {
        match fields.iter().find(|f| f.column == "id") {
            Some(id) => primary_key.push(id.column.clone()),
            None => errors.spanned(&input.ident, "no primary key: mark a field with #[rubbie(primary_key)]"),
        }
    }

    errors.finish()?;

    let table = match container.table {
        Some(lit) => lit.value(),
        None => to_snake_case(&input.ident.unraw().to_string()),
    };
    Ok(Model { table, label: container.label, primary_key, fields })
}
