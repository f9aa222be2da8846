//! rubbie's own tables (`rubbie_*`), created and upgraded by versioned internal migrations at
//! startup on all three backends. Each step is idempotent (`IF NOT EXISTS`), so instances that
//! start together cannot break each other.

use sea_query::{Expr, ExprTrait, Query};

use super::exec::Executor;
use super::{Backend, Database};
use crate::error::Result;

/// One schema step; `{id}`, `{bigint}`, `{text}` are replaced per backend.
struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
    /// `(table, column, definition)` added first where missing: `ALTER TABLE ... ADD COLUMN` has
    /// no `IF NOT EXISTS` on SQLite or MySQL, so the catalogue is asked instead.
    add_columns: &'static [(&'static str, &'static str, &'static str)],
    /// Run last, on MySQL/MariaDB only (statements that are idempotent by nature, like MODIFY).
    mysql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "users, sessions and api tokens",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_users (
    id {id},
    username VARCHAR(190) NOT NULL UNIQUE,
    password_hash VARCHAR(255) NOT NULL,
    role VARCHAR(64) NOT NULL DEFAULT 'admin',
    active SMALLINT NOT NULL DEFAULT 1,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS rubbie_sessions (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES rubbie_users (id) ON DELETE CASCADE,
    csrf_token VARCHAR(64) NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS rubbie_api_tokens (
    id {id},
    user_id BIGINT NOT NULL REFERENCES rubbie_users (id) ON DELETE CASCADE,
    name VARCHAR(190) NOT NULL,
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT NULL
);
",
        add_columns: &[],
        mysql: "",
    },
    Migration {
        version: 2,
        name: "feature flags and explorer requests",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_flags (
    name VARCHAR(100) NOT NULL PRIMARY KEY,
    description TEXT NULL,
    enabled SMALLINT NOT NULL DEFAULT 0,
    updated_at BIGINT NOT NULL,
    updated_by VARCHAR(190) NULL
);
CREATE TABLE IF NOT EXISTS rubbie_explorer_requests (
    id {id},
    user_id BIGINT NOT NULL REFERENCES rubbie_users (id) ON DELETE CASCADE,
    kind VARCHAR(10) NOT NULL,
    name VARCHAR(190) NULL,
    method VARCHAR(10) NOT NULL,
    url TEXT NOT NULL,
    headers TEXT NOT NULL,
    body TEXT NULL,
    status INTEGER NULL,
    duration_ms BIGINT NULL,
    response_size BIGINT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL{inline_index:rubbie_explorer_requests_user (user_id, kind, id)}
);
{create_index:rubbie_explorer_requests_user ON rubbie_explorer_requests (user_id, kind, id)}
",
        add_columns: &[],
        mysql: "",
    },
    Migration {
        version: 3,
        name: "roles and permissions",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_roles (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    description TEXT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS rubbie_permissions (
    role VARCHAR(64) NOT NULL,
    table_name VARCHAR(190) NOT NULL,
    operation VARCHAR(10) NOT NULL,
    rule TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (role, table_name, operation)
);
",
        add_columns: &[],
        mysql: "",
    },
    Migration {
        version: 4,
        name: "tracked tables and saved views",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_tracked_tables (
    table_name VARCHAR(190) NOT NULL PRIMARY KEY,
    tracked SMALLINT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by VARCHAR(190) NULL
);
CREATE TABLE IF NOT EXISTS rubbie_saved_views (
    id {id},
    user_id BIGINT NOT NULL REFERENCES rubbie_users (id) ON DELETE CASCADE,
    table_name VARCHAR(190) NOT NULL,
    name VARCHAR(190) NOT NULL,
    definition TEXT NOT NULL,
    shared SMALLINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (user_id, table_name, name)
);
",
        add_columns: &[],
        mysql: "",
    },
    Migration {
        version: 5,
        name: "login attempts shared by every instance",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_login_attempts (
    key_hash VARCHAR(64) NOT NULL PRIMARY KEY,
    attempts BIGINT NOT NULL,
    window_start BIGINT NOT NULL{inline_index:rubbie_login_attempts_window (window_start)}
);
{create_index:rubbie_login_attempts_window ON rubbie_login_attempts (window_start)}
",
        add_columns: &[],
        mysql: "",
    },
    // Indexes serve a row's history, the category and table filters, and retention by age; the
    // user and request filters walk the log newest first (every index costs each write).
    Migration {
        version: 6,
        name: "audit log with a hash chain per category",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_audit (
    id {id},
    at BIGINT NOT NULL,
    category VARCHAR(16) NOT NULL,
    action VARCHAR(32) NOT NULL,
    user_id BIGINT NULL,
    username VARCHAR(190) NULL,
    role VARCHAR(64) NULL,
    via VARCHAR(16) NOT NULL,
    token_id BIGINT NULL,
    view_as VARCHAR(64) NULL,
    ip VARCHAR(64) NULL,
    user_agent VARCHAR(512) NULL,
    request_id VARCHAR(64) NULL,
    table_name VARCHAR(190) NULL,
    row_key TEXT NULL,
    target_hash VARCHAR(64) NULL,
    object VARCHAR(400) NULL,
    before_json TEXT NULL,
    after_json TEXT NULL,
    changed TEXT NULL,
    summary VARCHAR(400) NOT NULL,
    detail TEXT NULL,
    reverts_id BIGINT NULL,
    prev_hash VARCHAR(64) NOT NULL,
    hash VARCHAR(64) NOT NULL{inline_index:rubbie_audit_target (target_hash, id)}{inline_index:rubbie_audit_category (category, id)}{inline_index:rubbie_audit_table (table_name, id)}{inline_index:rubbie_audit_at (at)}
);
{create_index:rubbie_audit_target ON rubbie_audit (target_hash, id)}
{create_index:rubbie_audit_category ON rubbie_audit (category, id)}
{create_index:rubbie_audit_table ON rubbie_audit (table_name, id)}
{create_index:rubbie_audit_at ON rubbie_audit (at)}
CREATE TABLE IF NOT EXISTS rubbie_audit_chains (
    category VARCHAR(16) NOT NULL PRIMARY KEY,
    last_hash VARCHAR(64) NOT NULL,
    sealed_hash VARCHAR(64) NOT NULL,
    sealed_through BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS rubbie_leases (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    holder VARCHAR(64) NOT NULL,
    until_ms BIGINT NOT NULL
);
",
        add_columns: &[],
        mysql: "",
    },
    Migration {
        version: 7,
        name: "migration runs of the host's migrations and their events",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_migration_runs (
    id {id},
    action VARCHAR(16) NOT NULL,
    target BIGINT NULL,
    status VARCHAR(16) NOT NULL,
    user_name VARCHAR(190) NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT NULL,
    heartbeat_at BIGINT NOT NULL,
    error TEXT NULL
);
CREATE TABLE IF NOT EXISTS rubbie_migration_events (
    run_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    at BIGINT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    version BIGINT NULL,
    direction VARCHAR(8) NULL,
    description TEXT NULL,
    sql_text TEXT NULL,
    elapsed_ms BIGINT NULL,
    error TEXT NULL,
    PRIMARY KEY (run_id, seq){inline_index:rubbie_migration_events_version (version, run_id, seq)}
);
{create_index:rubbie_migration_events_version ON rubbie_migration_events (version, run_id, seq)}
",
        add_columns: &[],
        mysql: "",
    },
    Migration {
        version: 8,
        name: "sql runner history and snippets",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_sql_runs (
    id {id},
    run_id VARCHAR(64) NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES rubbie_users (id) ON DELETE CASCADE,
    mode VARCHAR(8) NOT NULL,
    explain_kind VARCHAR(8) NULL,
    sql_text TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    started_at BIGINT NOT NULL,
    timeout_ms BIGINT NOT NULL,
    elapsed_ms BIGINT NULL,
    row_count BIGINT NULL,
    rows_affected BIGINT NULL,
    error TEXT NULL,
    backend_pid BIGINT NULL,
    cancel_requested SMALLINT NOT NULL DEFAULT 0{inline_index:rubbie_sql_runs_user (user_id, id)}
);
{create_index:rubbie_sql_runs_user ON rubbie_sql_runs (user_id, id)}
CREATE TABLE IF NOT EXISTS rubbie_sql_snippets (
    id {id},
    user_id BIGINT NOT NULL REFERENCES rubbie_users (id) ON DELETE CASCADE,
    name VARCHAR(190) NOT NULL,
    sql_text TEXT NOT NULL,
    shared SMALLINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL{inline_index:rubbie_sql_snippets_user (user_id, name)}
);
{create_index:rubbie_sql_snippets_user ON rubbie_sql_snippets (user_id, name)}
",
        add_columns: &[],
        mysql: "",
    },
    Migration {
        version: 9,
        name: "session details: where from, last use",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_session_details (
    session_id VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id BIGINT NOT NULL,
    ip VARCHAR(64) NULL,
    user_agent VARCHAR(400) NULL,
    last_seen_at BIGINT NOT NULL{inline_index:rubbie_session_details_user (user_id)}
);
{create_index:rubbie_session_details_user ON rubbie_session_details (user_id)}
",
        add_columns: &[],
        mysql: "",
    },
    Migration {
        version: 10,
        name: "users signed in by the host; rubbie's own secrets",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_secrets (
    name VARCHAR(64) NOT NULL PRIMARY KEY,
    value VARCHAR(128) NOT NULL,
    created_at BIGINT NOT NULL
);
",
        add_columns: &[("rubbie_users", "managed_by", "VARCHAR(16) NOT NULL DEFAULT 'rubbie'")],
        mysql: "",
    },
    Migration {
        version: 11,
        name: "table and column metadata",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_table_metadata (
    table_name VARCHAR(190) NOT NULL PRIMARY KEY,
    overrides TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by VARCHAR(190) NULL
);
",
        add_columns: &[],
        mysql: "",
    },
    Migration {
        version: 12,
        name: "a change counter per audit chain (the metadata document's version); diagram layouts",
        sql: "
CREATE TABLE IF NOT EXISTS rubbie_diagram_layouts (
    user_id BIGINT NOT NULL PRIMARY KEY REFERENCES rubbie_users (id) ON DELETE CASCADE,
    layout TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
",
        add_columns: &[("rubbie_audit_chains", "changes", "BIGINT NOT NULL DEFAULT 0")],
        // MySQL's TEXT holds 64 KiB: a metadata document in an audit entry, a table's overrides
        // with long descriptions or a 5,000-table layout outgrow it (the others' TEXT has no limit).
        mysql: "
ALTER TABLE rubbie_audit MODIFY before_json LONGTEXT NULL, MODIFY after_json LONGTEXT NULL,
    MODIFY changed LONGTEXT NULL, MODIFY detail LONGTEXT NULL;
ALTER TABLE rubbie_table_metadata MODIFY overrides LONGTEXT NOT NULL;
ALTER TABLE rubbie_permissions MODIFY rule LONGTEXT NOT NULL;
ALTER TABLE rubbie_saved_views MODIFY definition LONGTEXT NOT NULL;
ALTER TABLE rubbie_diagram_layouts MODIFY layout LONGTEXT NOT NULL;
",
    },
];

/// Fills the per-backend placeholders: `{id}` (an auto-increment primary key), and indexes as
/// `{inline_index:NAME (COLS)}` (MySQL, which has no `CREATE INDEX IF NOT EXISTS`) or
/// `{create_index:NAME ON TABLE (COLS)}` (everyone else); each renders on its backends only.
fn render(backend: Backend, sql: &str) -> String {
    let id = match backend {
        Backend::Sqlite => "INTEGER PRIMARY KEY AUTOINCREMENT",
        Backend::Postgres => "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
        Backend::Mysql => "BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
    };
    let mut out = sql.replace("{id}", id);
    for (tag, mysql) in [("{inline_index:", true), ("{create_index:", false)] {
        while let Some(start) = out.find(tag) {
            let end = start + out[start..].find('}').expect("placeholder closes");
            let body = out[start + tag.len()..end].to_owned();
            let rendered = match (mysql, backend == Backend::Mysql) {
                (true, true) => format!(",\n    INDEX {body}"),
                (false, false) => format!("CREATE INDEX IF NOT EXISTS {body};"),
                _ => String::new(),
            };
            out.replace_range(start..=end, &rendered);
        }
    }
    out
}

/// Brings rubbie's own tables up to [`LATEST_VERSION`].
pub async fn run(db: &Database) -> Result<()> {
    db.execute_trusted(
        "CREATE TABLE IF NOT EXISTS rubbie_schema_version (version BIGINT NOT NULL PRIMARY KEY, name VARCHAR(190) NOT NULL, applied_at BIGINT NOT NULL)".to_owned(),
    )
    .await?;
    let applied =
        db.pooled().fetch_integers(&Query::select().column("version").from("rubbie_schema_version").to_owned()).await?;
    for migration in MIGRATIONS.iter().filter(|m| !applied.contains(&m.version)) {
        for (table, column, definition) in migration.add_columns {
            if !has_column(db, table, column).await? {
                db.execute_trusted(format!("ALTER TABLE {table} ADD COLUMN {column} {definition}")).await?;
            }
        }
        // A step that only adds columns has no SQL (MySQL refuses an empty query).
        if !migration.sql.trim().is_empty() {
            db.execute_trusted(render(db.backend(), migration.sql)).await?;
        }
        if db.backend() == Backend::Mysql && !migration.mysql.trim().is_empty() {
            db.execute_trusted(migration.mysql.to_owned()).await?;
        }
        let record = Query::insert()
            .into_table("rubbie_schema_version")
            .columns(["version", "name", "applied_at"])
            .values_panic([migration.version.into(), migration.name.into(), crate::auth::now().into()])
            .to_owned();
        // Another instance may have recorded it a moment ago: that is fine.
        if let Err(err) = db.pooled().execute(&record).await {
            let still_missing = db
                .pooled()
                .fetch_integers(
                    &Query::select()
                        .column("version")
                        .from("rubbie_schema_version")
                        .and_where(Expr::col("version").eq(migration.version))
                        .to_owned(),
                )
                .await?
                .is_empty();
            if still_missing {
                return Err(err);
            }
        }
        tracing::info!(version = migration.version, name = migration.name, "rubbie internal migration applied");
    }
    Ok(())
}

/// Whether rubbie's own `table` has `column` yet.
async fn has_column(db: &Database, table: &str, column: &str) -> Result<bool> {
    let catalogue = match db.backend() {
        Backend::Sqlite => format!("pragma_table_info('{table}') WHERE name = '{column}'"),
        Backend::Postgres => format!(
            "information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = '{column}'"
        ),
        Backend::Mysql => format!(
            "information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{table}' AND column_name = '{column}'"
        ),
    };
    let count = Query::select().expr(Expr::cust(format!("(SELECT COUNT(*) FROM {catalogue})"))).to_owned();
    Ok(db.pooled().fetch_integers(&count).await?.first().copied().unwrap_or(0) > 0)
}

/// The internal schema version recorded in the database.
pub(crate) async fn current_version(db: &Database) -> Result<i64> {
    let query = Query::select().expr(Expr::cust("MAX(version)")).from("rubbie_schema_version").to_owned();
    Ok(db.pooled().fetch_integers(&query).await?.first().copied().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_render_per_backend() {
        let sql = "CREATE TABLE t (a INT{inline_index:t_a (a)}\n);\n{create_index:t_a ON t (a)}";
        assert_eq!(render(Backend::Mysql, sql), "CREATE TABLE t (a INT,\n    INDEX t_a (a)\n);\n");
        assert_eq!(
            render(Backend::Postgres, sql),
            "CREATE TABLE t (a INT\n);\nCREATE INDEX IF NOT EXISTS t_a ON t (a);"
        );
    }
}
