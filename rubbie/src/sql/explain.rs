//! EXPLAIN per backend: the statement is prefixed with the backend's own EXPLAIN (the user's
//! SQL is never otherwise rewritten), and the rows it returns are turned into one plan text.

use serde_json::Value as Json;

use super::Explain;
use super::cells::csv_text;
use crate::db::Backend;
use crate::error::{Error, Result};

/// The text put before the statement.
pub(crate) fn prefix(backend: Backend, mariadb: bool, kind: Explain) -> Result<&'static str> {
    Ok(match (backend, mariadb, kind) {
        (Backend::Postgres, _, Explain::Plan) => "EXPLAIN ",
        (Backend::Postgres, _, Explain::Analyze) => "EXPLAIN (ANALYZE, BUFFERS) ",
        (Backend::Mysql, true, Explain::Plan) => "EXPLAIN FORMAT=JSON ",
        (Backend::Mysql, true, Explain::Analyze) => "ANALYZE FORMAT=JSON ",
        (Backend::Mysql, false, Explain::Plan) => "EXPLAIN FORMAT=TREE ",
        (Backend::Mysql, false, Explain::Analyze) => "EXPLAIN ANALYZE ",
        (Backend::Sqlite, _, Explain::Plan) => "EXPLAIN QUERY PLAN ",
        (Backend::Sqlite, _, Explain::Analyze) => {
            return Err(Error::BadRequest("explain: SQLite has no EXPLAIN ANALYZE; use \"plan\"".into()));
        }
    })
}

/// The plan as text: PostgreSQL's lines, MySQL's tree or MariaDB's JSON (indented), SQLite's
/// `(id, parent, notused, detail)` rows drawn as a tree.
pub(crate) fn plan_text(backend: Backend, rows: &[Vec<Json>]) -> String {
    match backend {
        Backend::Sqlite => sqlite_tree(rows),
        _ => rows
            .iter()
            .map(|row| {
                let cell = row.first().map(csv_text).unwrap_or_default();
                match serde_json::from_str::<Json>(&cell) {
                    Ok(json @ (Json::Object(_) | Json::Array(_))) => {
                        serde_json::to_string_pretty(&json).unwrap_or(cell)
                    }
                    _ => cell,
                }
            })
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn sqlite_tree(rows: &[Vec<Json>]) -> String {
    let nodes: Vec<(i64, i64, String)> = rows
        .iter()
        .map(|r| {
            let int = |i: usize| r.get(i).and_then(Json::as_i64).unwrap_or(0);
            (int(0), int(1), r.get(3).map(csv_text).unwrap_or_default())
        })
        .collect();
    let mut out = Vec::new();
    // Rows come parent first, so one pass with a stack of open ancestors draws the tree.
    let mut ancestors: Vec<i64> = Vec::new();
    for (id, parent, detail) in nodes {
        while ancestors.last().is_some_and(|&a| a != parent) {
            ancestors.pop();
        }
        out.push(format!("{}{detail}", "  ".repeat(ancestors.len())));
        ancestors.push(id);
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sqlite_plans_draw_as_trees() {
        let rows = vec![
            vec![json!(2), json!(0), json!(0), json!("SCAN orders")],
            vec![json!(5), json!(2), json!(0), json!("USE TEMP B-TREE")],
            vec![json!(9), json!(0), json!(0), json!("SEARCH customers")],
        ];
        assert_eq!(plan_text(Backend::Sqlite, &rows), "SCAN orders\n  USE TEMP B-TREE\nSEARCH customers");
    }
}
