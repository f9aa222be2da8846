//! The query layer: the where language, sorting, primary keys from URLs, and every read and
//! write of the host's rows (one place, where permissions are checked and audit entries written).

pub(crate) mod cursor;
pub(crate) mod filter;
pub(crate) mod import;
pub(crate) mod labels;
pub(crate) mod limits;
pub(crate) mod order;
pub(crate) mod page;
pub(crate) mod pk;
pub(crate) mod probe;
pub(crate) mod read;
pub(crate) mod rows;
pub(crate) mod write;
