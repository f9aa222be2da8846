//! Parsing of `#[rubbie(...)]` attributes on the struct and its fields.
//!
//! Every problem is recorded in [`Errors`] with the span of the offending token, and parsing
//! goes on, so one compile shows all of them.

use proc_macro2::Group;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, Expr, ExprLit, Lit, LitStr, Token, token};

/// Keys accepted in `#[rubbie(...)]` on the struct.
const CONTAINER_KEYS: &[&str] = &["table", "label"];

/// Keys accepted in `#[rubbie(...)]` on a field.
const FIELD_KEYS: &[&str] = &["primary_key", "label", "hidden", "readonly", "display", "references", "column"];

/// Accumulates every error found, to report them all at once.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    /// Records one more error.
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    /// Records an error spanning `tokens`.
    pub(crate) fn spanned(&mut self, tokens: impl ToTokens, message: impl std::fmt::Display) {
        self.push(syn::Error::new_spanned(tokens, message));
    }

    /// `Ok` if nothing was recorded, else all errors combined.
    pub(crate) fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

/// `#[rubbie(...)]` on the struct.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `table = "..."`.
    pub table: Option<LitStr>,
    /// `label = "..."`.
    pub label: Option<LitStr>,
}

/// `#[rubbie(...)]` on a field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// `primary_key`.
    pub primary_key: bool,
    /// `label = "..."`.
    pub label: Option<LitStr>,
    /// `hidden`.
    pub hidden: bool,
    /// `readonly`.
    pub readonly: bool,
    /// `display`: this column names the row.
    pub display: bool,
    /// `references = "table"` or `"table.column"`.
    pub references: Option<LitStr>,
    /// `column = "..."`.
    pub column: Option<LitStr>,
}

/// Parses the struct's `#[rubbie(...)]` attributes, ignoring every other attribute.
pub(crate) fn parse_container(attrs: &[Attribute], errors: &mut Errors) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for_each_key(attrs, errors, |meta, key, errors| {
        match key.as_str() {
            "table" => {
                let value = string_value(&meta, &key, errors)?;
                if let Some(lit) = &value {
                    non_empty(lit, &key, errors);
                }
                set_once(&mut out.table, value, &meta, &key, errors);
            }
            "label" => {
                let value = string_value(&meta, &key, errors)?;
                set_once(&mut out.label, value, &meta, &key, errors);
            }
            _ => unknown_key(&meta, &key, "struct", CONTAINER_KEYS, errors)?,
        }
        Ok(())
    });
    out
}

/// Parses a field's `#[rubbie(...)]` attributes, ignoring every other attribute.
pub(crate) fn parse_field(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for_each_key(attrs, errors, |meta, key, errors| {
        match key.as_str() {
            "primary_key" => set_flag(&mut out.primary_key, &meta, &key, errors)?,
            "hidden" => set_flag(&mut out.hidden, &meta, &key, errors)?,
            "readonly" => set_flag(&mut out.readonly, &meta, &key, errors)?,
            "display" => set_flag(&mut out.display, &meta, &key, errors)?,
            "label" => {
                let value = string_value(&meta, &key, errors)?;
                set_once(&mut out.label, value, &meta, &key, errors);
            }
            "column" => {
                let value = string_value(&meta, &key, errors)?;
                if let Some(lit) = &value {
                    non_empty(lit, &key, errors);
                }
                set_once(&mut out.column, value, &meta, &key, errors);
            }
            "references" => {
                let value = string_value(&meta, &key, errors)?;
                if let Some(lit) = &value {
                    check_references(lit, errors);
                }
                set_once(&mut out.references, value, &meta, &key, errors);
            }
            _ => unknown_key(&meta, &key, "field", FIELD_KEYS, errors)?,
        }
        Ok(())
    });
    out
}

/// Calls `f` with each key of each `#[rubbie(...)]` attribute, recording syntax errors.
fn for_each_key(
    attrs: &[Attribute],
    errors: &mut Errors,
    mut f: impl FnMut(ParseNestedMeta<'_>, String, &mut Errors) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("rubbie")) {
        let result = attr.parse_nested_meta(|meta| {
            let key = path_to_string(&meta.path);
            f(meta, key, errors)
        });
        if let Err(e) = result {
            errors.push(e);
        }
    }
}

/// `a::b` for a path, without the spaces `to_token_stream` puts in.
fn path_to_string(path: &syn::Path) -> String {
    path.to_token_stream().to_string().replace(' ', "")
}

/// Parses `= "..."`; a missing `=` or a value other than a string literal is recorded.
fn string_value(meta: &ParseNestedMeta<'_>, key: &str, errors: &mut Errors) -> syn::Result<Option<LitStr>> {
    if !meta.input.peek(Token![=]) {
        skip_value(meta)?;
        errors.spanned(&meta.path, format!("`{key}` needs a value: write `{key} = \"...\"`"));
        return Ok(None);
    }
    let expr: Expr = meta.value()?.parse()?;
    match expr {
        Expr::Lit(ExprLit { lit: Lit::Str(lit), .. }) => Ok(Some(lit)),
        other => {
            errors.spanned(other, format!("expected a string literal: `{key} = \"...\"`"));
            Ok(None)
        }
    }
}

/// Checks that a flag such as `hidden` has no value; a value is recorded as an error.
fn no_value(meta: &ParseNestedMeta<'_>, key: &str, errors: &mut Errors) -> syn::Result<()> {
    if let Some(value) = skip_value(meta)? {
        errors.spanned(value, format!("`{key}` takes no value: write `#[rubbie({key})]`"));
    }
    Ok(())
}

/// Consumes `= expr` or `(...)` after a key, if present, and returns the tokens consumed.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Option<proc_macro2::TokenStream>> {
    if meta.input.peek(Token![=]) {
        let expr: Expr = meta.value()?.parse()?;
        Ok(Some(expr.into_token_stream()))
    } else if meta.input.peek(token::Paren) {
        let group: Group = meta.input.parse()?;
        Ok(Some(group.into_token_stream()))
    } else {
        Ok(None)
    }
}

/// Records an unknown key (after skipping its value), listing the keys allowed at `level`.
fn unknown_key(
    meta: &ParseNestedMeta<'_>,
    key: &str,
    level: &str,
    allowed: &[&str],
    errors: &mut Errors,
) -> syn::Result<()> {
    skip_value(meta)?;
    let allowed = allowed.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ");
    errors.spanned(&meta.path, format!("unknown rubbie {level} attribute `{key}`; expected one of: {allowed}"));
    Ok(())
}

/// Stores `value` in `slot`, recording a duplicate if the key was already given.
fn set_once(
    slot: &mut Option<LitStr>,
    value: Option<LitStr>,
    meta: &ParseNestedMeta<'_>,
    key: &str,
    errors: &mut Errors,
) {
    if slot.is_some() {
        errors.spanned(&meta.path, format!("duplicate rubbie attribute `{key}`"));
    } else {
        *slot = value;
    }
}

/// Sets a flag such as `hidden`, recording a value given to it or a repeated flag.
fn set_flag(slot: &mut bool, meta: &ParseNestedMeta<'_>, key: &str, errors: &mut Errors) -> syn::Result<()> {
    no_value(meta, key, errors)?;
    if *slot {
        errors.spanned(&meta.path, format!("duplicate rubbie attribute `{key}`"));
    }
    *slot = true;
    Ok(())
}

/// Records an error if `lit` is the empty string.
fn non_empty(lit: &LitStr, key: &str, errors: &mut Errors) {
    if lit.value().is_empty() {
        errors.spanned(lit, format!("`{key}` must not be empty"));
    }
}

/// Records an error unless `lit` is `"table"` or `"table.column"`.
fn check_references(lit: &LitStr, errors: &mut Errors) {
    let value = lit.value();
    let parts: Vec<&str> = value.split('.').collect();
    let well_formed = parts.len() <= 2 && parts.iter().all(|p| !p.is_empty() && !p.chars().any(char::is_whitespace));
    if !well_formed {
        errors.spanned(lit, format!("`references` must be `\"table\"` or `\"table.column\"`, found {:?}", value));
    }
}
