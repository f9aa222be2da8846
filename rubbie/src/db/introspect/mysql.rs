//! MySQL/MariaDB catalogue: `information_schema`, restricted to `DATABASE()`.
//!
//! Every text column is cast to CHAR and every flag to SIGNED so sqlx decodes them the same way
//! on MySQL 8 and MariaDB (which differ in collations and boolean result types).

use std::collections::HashMap;

use sqlx::MySqlPool;

use super::{Catalogue, RawCheck, RawColumn, RawForeignKey, RawIndex, parse_quoted_list};
use crate::db::schema::{Check, ForeignKey};
use crate::error::Result;

const COLUMNS: &str = r#"
SELECT CAST(c.TABLE_NAME AS CHAR), CAST(c.COLUMN_NAME AS CHAR), CAST(c.COLUMN_TYPE AS CHAR),
       CAST(c.IS_NULLABLE = 'YES' AS SIGNED), CAST(c.COLUMN_DEFAULT AS CHAR),
       CAST(c.EXTRA LIKE '%auto_increment%' AS SIGNED),
       CAST(c.EXTRA LIKE '%VIRTUAL GENERATED%' OR c.EXTRA LIKE '%STORED GENERATED%' AS SIGNED)
FROM information_schema.COLUMNS c
JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION"#;

const INDEXES: &str = r#"
SELECT CAST(TABLE_NAME AS CHAR), CAST(INDEX_NAME AS CHAR), CAST(NON_UNIQUE = 0 AS SIGNED), CAST(COLUMN_NAME AS CHAR)
FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_NAME IS NOT NULL -- functional index parts have none
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX"#;

const FOREIGN_KEYS: &str = r#"
SELECT CAST(k.CONSTRAINT_NAME AS CHAR), CAST(k.TABLE_NAME AS CHAR), CAST(k.COLUMN_NAME AS CHAR),
       CAST(k.REFERENCED_TABLE_NAME AS CHAR), CAST(k.REFERENCED_COLUMN_NAME AS CHAR),
       CAST(COALESCE(r.DELETE_RULE, 'NO ACTION') AS CHAR), CAST(COALESCE(r.UPDATE_RULE, 'NO ACTION') AS CHAR)
FROM information_schema.KEY_COLUMN_USAGE k
LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.TABLE_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"#;

/// Every CHECK but MariaDB's own `json_valid` ones (those say "JSON", see below). MariaDB names
/// checks per table and has `TABLE_NAME` here; MySQL 8 names them per schema and has not, so it
/// is asked through `TABLE_CONSTRAINTS` when the first form fails.
const CHECKS_MARIADB: &str = r#"
SELECT CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR)
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE() AND CHECK_CLAUSE NOT LIKE 'json_valid(%'
ORDER BY TABLE_NAME, CONSTRAINT_NAME"#;

const CHECKS_MYSQL: &str = r#"
SELECT CAST(t.TABLE_NAME AS CHAR), CAST(c.CONSTRAINT_NAME AS CHAR), CAST(c.CHECK_CLAUSE AS CHAR)
FROM information_schema.CHECK_CONSTRAINTS c
JOIN information_schema.TABLE_CONSTRAINTS t
  ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME AND t.CONSTRAINT_TYPE = 'CHECK'
WHERE c.CONSTRAINT_SCHEMA = DATABASE()
ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME"#;

/// MariaDB's JSON is LONGTEXT with a `json_valid(col)` CHECK; MySQL 8 has a real JSON type and
/// no TABLE_NAME here, so a failure of this query just means "nothing to fix".
const JSON_CHECKS: &str = r#"
SELECT CAST(TABLE_NAME AS CHAR), CAST(CHECK_CLAUSE AS CHAR)
FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = DATABASE() AND CHECK_CLAUSE LIKE 'json_valid(%'"#;

const ESTIMATES: &str = r#"
SELECT CAST(TABLE_NAME AS CHAR), CAST(COALESCE(TABLE_ROWS, 0) AS SIGNED)
FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'
  AND (? IS NULL OR TABLE_NAME = ?)"#;

/// table, column, type, nullable, default, auto_increment, generated.
type ColumnRow = (String, String, String, i64, Option<String>, i64, i64);

pub(super) async fn read(pool: &MySqlPool) -> Result<Catalogue> {
    let mut cat = Catalogue::default();
    let columns: Vec<ColumnRow> = sqlx::query_as(COLUMNS).fetch_all(pool).await?;
    for (table, name, db_type, nullable, default, auto_increment, generated) in columns {
        let enum_values = db_type.strip_prefix("enum(").map(parse_quoted_list);
        // MariaDB reports "NULL" as the default of nullable columns without one.
        let default = default.filter(|d| d != "NULL");
        cat.columns.push(RawColumn {
            table,
            name,
            db_type,
            nullable: nullable != 0,
            default,
            auto_increment: auto_increment != 0,
            generated: generated != 0,
            enum_values,
        });
    }
    let checks: Vec<(String, String)> = sqlx::query_as(JSON_CHECKS).fetch_all(pool).await.unwrap_or_default();
    for (table, clause) in checks {
        let column = clause.trim_start_matches("json_valid(").trim_end_matches(')').trim_matches('`');
        if let Some(c) = cat.columns.iter_mut().find(|c| c.table == table && c.name == column) {
            c.db_type = "json".to_owned();
        }
    }
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(INDEXES).fetch_all(pool).await?;
    for (table, name, unique, column) in rows {
        match cat.indexes.last_mut() {
            Some(last) if last.table == table && last.name == name => last.columns.push(column),
            _ => cat.indexes.push(RawIndex {
                primary: name == "PRIMARY",
                table,
                name,
                columns: vec![column],
                unique: unique != 0,
            }),
        }
    }
    type ForeignKeyRow = (String, String, String, String, String, String, String);
    let rows: Vec<ForeignKeyRow> = sqlx::query_as(FOREIGN_KEYS).fetch_all(pool).await?;
    for (name, table, column, ref_table, ref_column, on_delete, on_update) in rows {
        match cat.foreign_keys.last_mut() {
            Some(last) if last.table == table && last.key.name == name => {
                last.key.columns.push(column);
                last.key.references_columns.push(ref_column);
            }
            _ => cat.foreign_keys.push(RawForeignKey {
                table,
                key: ForeignKey {
                    on_delete,
                    on_update,
                    ..ForeignKey::new(name, vec![column], ref_table, vec![ref_column])
                },
            }),
        }
    }
    let checks: Vec<(String, String, String)> = match sqlx::query_as(CHECKS_MARIADB).fetch_all(pool).await {
        Ok(rows) => rows,
        Err(_) => sqlx::query_as(CHECKS_MYSQL).fetch_all(pool).await?,
    };
    for (table, name, expression) in checks {
        cat.checks.push(RawCheck { table, check: Check { name: Some(name), expression } });
    }
    Ok(cat)
}

/// `TABLE_ROWS` from InnoDB statistics (an estimate).
/// The database's table names (read without opening any table) and the server's counters of
/// DDL statements, which every CREATE, ALTER, DROP or RENAME on the server moves. Reading the
/// catalogue itself (`information_schema.COLUMNS`...) opens every table: 100 ms for 1,000.
const TABLE_NAMES: &str = r#"
SELECT CAST(CONCAT(COUNT(*), '/', COALESCE(SUM(CRC32(TABLE_NAME)), 0)) AS CHAR)
FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"#;

const DDL_COUNTERS: &str = "SHOW GLOBAL STATUS WHERE Variable_name IN ('Com_alter_table', 'Com_create_table', \
    'Com_drop_table', 'Com_rename_table', 'Com_create_index', 'Com_drop_index')";

pub(super) async fn fingerprint(pool: &MySqlPool) -> Result<String> {
    let (names,): (String,) = sqlx::query_as(TABLE_NAMES).fetch_one(pool).await?;
    let counters: Vec<(String, String)> = sqlx::query_as(DDL_COUNTERS).fetch_all(pool).await?;
    let counters: Vec<String> = counters.into_iter().map(|(name, value)| format!("{name}={value}")).collect();
    Ok(format!("{names}:{}", counters.join(",")))
}

pub(super) async fn row_estimates(pool: &MySqlPool, only: Option<&str>) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(ESTIMATES).bind(only).bind(only).fetch_all(pool).await?;
    Ok(rows.into_iter().collect())
}
