//! What one request may do: the admin bypass, or a role's rules with its session variables.

use std::collections::HashMap;

use serde_json::Value as Json;

use super::{ADMIN_ROLE, Operation, Rule, store};
use crate::auth::CurrentUser;
use crate::db::Database;
use crate::db::schema::Table;
use crate::error::{Error, Result};

/// Values substituted for `X-Rubbie-*` strings in rules.
#[derive(Debug, Clone)]
pub(crate) struct SessionVars {
    pub user_id: i64,
    pub username: String,
    pub role: String,
}

impl SessionVars {
    /// `value` with every session-variable string replaced (names are case-insensitive).
    pub(crate) fn substitute(&self, value: &Json) -> Json {
        match value {
            Json::String(s) => match s.to_ascii_lowercase().as_str() {
                "x-rubbie-user-id" => Json::from(self.user_id),
                "x-rubbie-username" => Json::String(self.username.clone()),
                "x-rubbie-role" => Json::String(self.role.clone()),
                _ => value.clone(),
            },
            Json::Array(items) => Json::Array(items.iter().map(|v| self.substitute(v)).collect()),
            Json::Object(map) => Json::Object(map.iter().map(|(k, v)| (k.clone(), self.substitute(v))).collect()),
            other => other.clone(),
        }
    }
}

/// What a request may do.
#[derive(Debug, Clone)]
pub(crate) enum Access {
    /// The admin role: no rules apply.
    Admin,
    /// Any other role: only its rules.
    Role { vars: SessionVars, rules: HashMap<(String, Operation), Rule> },
}

/// The effective limits of one operation on one table (everything `None`/empty for admins).
#[derive(Debug, Clone, Default)]
pub(crate) struct TableAccess {
    /// Columns covered; `None` means all.
    pub columns: Option<Vec<String>>,
    /// Row filter with session variables substituted.
    pub filter: Option<Json>,
    /// Post-write check with session variables substituted.
    pub check: Option<Json>,
    /// Forced column values, session variables substituted.
    pub presets: Vec<(String, Json)>,
    /// Row cap for selects.
    pub limit: Option<u64>,
}

impl TableAccess {
    /// Whether the column is covered.
    pub(crate) fn allows(&self, column: &str) -> bool {
        self.columns.as_ref().is_none_or(|c| c.iter().any(|n| n == column))
    }
}

impl Access {
    /// The access of a signed-in user; an admin may view as another role (`view_as`).
    pub(crate) async fn of(db: &Database, user: &CurrentUser, view_as: Option<&str>) -> Result<Access> {
        let role = match view_as {
            Some(role) if user.role == ADMIN_ROLE => role,
            Some(_) => return Err(Error::Forbidden("only admins may view as another role".into())),
            None => user.role.as_str(),
        };
        if role == ADMIN_ROLE {
            return Ok(Access::Admin);
        }
        if view_as.is_some() && !store::role_exists(db, role).await? {
            return Err(Error::NotFound(format!("no role named {role:?}")));
        }
        let rules = store::rules_of(db, role).await?;
        let vars = SessionVars { user_id: user.id, username: user.username.clone(), role: role.to_owned() };
        Ok(Access::Role { vars, rules })
    }

    /// Whether any rule mentions the table (otherwise it does not exist for this role).
    pub(crate) fn can_see(&self, table: &str) -> bool {
        match self {
            Access::Admin => true,
            Access::Role { rules, .. } => rules.keys().any(|(t, _)| t == table),
        }
    }

    /// The role's name (for messages).
    pub(crate) fn role(&self) -> &str {
        match self {
            Access::Admin => ADMIN_ROLE,
            Access::Role { vars, .. } => &vars.role,
        }
    }

    /// The limits of `op` on `table`: 404 when the role cannot see the table at all, 403 when it
    /// sees it but may not do this.
    pub(crate) fn to(&self, table: &Table, op: Operation) -> Result<TableAccess> {
        let Access::Role { vars, rules } = self else { return Ok(TableAccess::default()) };
        if !self.can_see(&table.name) {
            return Err(Error::NotFound(format!("no table named {:?}", table.name)));
        }
        let rule = rules
            .get(&(table.name.clone(), op))
            .ok_or_else(|| Error::Forbidden(format!("role {} may not {} on {}", vars.role, op.as_str(), table.name)))?;
        Ok(TableAccess {
            columns: match &rule.columns {
                super::Columns::All(_) => None,
                super::Columns::Some(list) => Some(list.clone()),
            },
            filter: rule.filter.as_ref().map(|f| vars.substitute(f)),
            check: rule.check.as_ref().map(|c| vars.substitute(c)),
            presets: rule.presets.iter().map(|(k, v)| (k.clone(), vars.substitute(v))).collect(),
            limit: rule.limit,
        })
    }

    /// The table as this role may see it: only columns it may read or write (a column it may
    /// read but not write is read-only). `None` for tables it cannot see.
    pub(crate) fn shape(&self, table: &Table) -> Option<Table> {
        if matches!(self, Access::Admin) {
            return Some(table.clone());
        }
        if !self.can_see(&table.name) {
            return None;
        }
        let read = self.maybe(table, Operation::Select);
        let writes: Vec<TableAccess> =
            [Operation::Insert, Operation::Update].into_iter().filter_map(|op| self.maybe(table, op)).collect();
        let mut shaped = table.clone();
        // Relations only to tables the role can see: others do not exist for it.
        shaped.foreign_keys.retain(|fk| self.can_see(&fk.references_table));
        shaped.referenced_by.retain(|fk| self.can_see(&fk.references_table));
        shaped.columns.retain_mut(|c| {
            let readable = read.as_ref().is_some_and(|r| r.allows(&c.name));
            let writable = writes.iter().any(|w| w.allows(&c.name) && !w.presets.iter().any(|(k, _)| k == &c.name));
            c.readonly |= !writable;
            if c.references.as_ref().is_some_and(|r| !self.can_see(&r.table)) {
                c.references = None;
            }
            readable || writable
        });
        // Nothing that names a column the role cannot see: indexes over them, keys through
        // them, and CHECK expressions (free text, so none at all).
        let seen = |c: &String| shaped.columns.iter().any(|col| &col.name == c);
        shaped.indexes.retain(|i| i.columns.iter().all(seen));
        shaped.foreign_keys.retain(|fk| fk.columns.iter().all(seen));
        shaped.checks.clear();
        Some(shaped)
    }

    /// Like [`Access::to`], but `None` when the role has no such rule (for optional reads such as
    /// returning the row after a write).
    pub(crate) fn maybe(&self, table: &Table, op: Operation) -> Option<TableAccess> {
        self.to(table, op).ok()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn session_variables_are_substituted_everywhere() {
        let vars = SessionVars { user_id: 7, username: "ann".into(), role: "editor".into() };
        let rule = json!({"_and": [{"owner_id": {"_eq": "X-Rubbie-User-Id"}}, {"who": {"_in": ["x-rubbie-username", "bob"]}}, {"r": {"_eq": "X-Rubbie-Role"}}]});
        assert_eq!(
            vars.substitute(&rule),
            json!({"_and": [{"owner_id": {"_eq": 7}}, {"who": {"_in": ["ann", "bob"]}}, {"r": {"_eq": "editor"}}]})
        );
    }
}
