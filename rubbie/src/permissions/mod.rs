//! Roles and row/column permissions. The built-in `admin` role bypasses every rule; any other
//! role sees and changes only what its rules allow, enforced in the query layer (`query/rows.rs`
//! asks [`Access`] for every read, write and count), never only in the UI.

mod access;
pub(crate) mod store;
mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use utoipa::ToSchema;

pub(crate) use access::{Access, SessionVars, TableAccess};
pub(crate) use validate::validate;

/// The role that bypasses every rule.
pub const ADMIN_ROLE: &str = "admin";

/// An operation a rule allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Operation {
    /// Read rows (list, get, count, export).
    Select,
    /// Create rows.
    Insert,
    /// Change rows.
    Update,
    /// Remove rows.
    Delete,
}

impl Operation {
    /// All four, in matrix order.
    pub const ALL: [Operation; 4] = [Operation::Select, Operation::Insert, Operation::Update, Operation::Delete];

    /// The lowercase name stored and used in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Select => "select",
            Operation::Insert => "insert",
            Operation::Update => "update",
            Operation::Delete => "delete",
        }
    }

    /// Parses the lowercase name.
    pub fn parse(s: &str) -> Option<Self> {
        Operation::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// Which columns a rule covers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Columns {
    /// `"*"`: every column, including ones added later.
    All(AllColumns),
    /// These columns only.
    Some(Vec<String>),
}

/// The `"*"` marker of [`Columns::All`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub enum AllColumns {
    /// Every column.
    #[serde(rename = "*")]
    Star,
}

impl Default for Columns {
    fn default() -> Self {
        Columns::All(AllColumns::Star)
    }
}

impl Columns {
    /// Whether `column` is covered.
    pub fn allows(&self, column: &str) -> bool {
        match self {
            Columns::All(_) => true,
            Columns::Some(list) => list.iter().any(|c| c == column),
        }
    }
}

/// One role's rule for one table and operation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Columns the role may read (select) or write (insert, update). Default: all.
    #[serde(default)]
    pub columns: Columns,
    /// Rows the rule applies to (select, update, delete), in the where language; session
    /// variables `X-Rubbie-User-Id`, `X-Rubbie-Username`, `X-Rubbie-Role` are substituted.
    /// At most 16 levels of nesting, 2,000 conditions and 10,000 values.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::http::objects::opt_json_object"
    )]
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub filter: Option<Json>,
    /// What a written row must satisfy afterwards (insert, update), in the where language.
    /// At most 16 levels of nesting, 2,000 conditions and 10,000 values.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::http::objects::opt_json_object"
    )]
    #[schema(value_type = Option<HashMap<String, Value>>)]
    pub check: Option<Json>,
    /// Column values set on write that the role cannot override (fixed values or session
    /// variables).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = HashMap<String, Value>)]
    pub presets: BTreeMap<String, Json>,
    /// At most this many rows per select.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::http::lenient::opt_int")]
    pub limit: Option<u64>,
}
