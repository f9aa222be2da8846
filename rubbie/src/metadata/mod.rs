//! Console metadata: what admins say about tables and columns (labels, descriptions, display
//! column, default sort, hidden, read-only) without touching the database schema. The derive's
//! and introspection's values are the defaults; the overrides kept in `rubbie_table_metadata`
//! win over them, and `null` in a change gives the default back. No metadata edit issues DDL.

mod overrides;
mod store;

pub(crate) use overrides::{ColumnChange, MetadataChange, TableMetadata, apply, defaults_of};
pub(crate) use store::{all, restore, update};
