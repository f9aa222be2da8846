//! Console metadata: what admins say about tables and columns (labels, descriptions, display
//! column, default sort, hidden, read-only) without touching the database schema. The derive's
//! and introspection's values are the defaults; the overrides kept in `rubbie_table_metadata`
//! win over them, and `null` in a change gives the default back. No metadata edit issues DDL.
//!
//! The metadata document carries all of it with tracking, roles, permissions, saved views and
//! diagram layouts, for export, diff, import and the list of entries the database no longer fits.

mod apply;
mod consistency;
mod diff;
mod document;
pub(crate) mod layouts;
mod overrides;
mod store;

pub(crate) use apply::{ApplyOutcome, apply as apply_document, catalogue_of, preview, rewrite as rewrite_document};
pub(crate) use consistency::{Inconsistency, check, without};
pub(crate) use document::{DocumentView, MetadataDocument, current as current_document};
pub(crate) use overrides::{ColumnChange, MetadataChange, TableMetadata, apply, defaults_of};
pub(crate) use store::{all, restore, update};
