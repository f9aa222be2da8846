//! The settings area: what is running (versions, database, pool, uptime) and how it is
//! configured, with secrets redacted.

use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Router};
use sea_query::{Expr, Query};
use serde::Serialize;
use utoipa::ToSchema;

use super::extract::Json;
use super::users::require_admin;
use crate::auth::CurrentUser;
use crate::config::HostInfo;
use crate::db::exec::Executor;
use crate::db::schema::TableSource;
use crate::db::{Backend, Database, migrations};
use crate::error::Result;
use crate::redact;
use crate::state::AppState;

pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/api/v1/settings/server", get(server)).route("/api/v1/settings/config", get(config))
}

/// Connection pool usage.
#[derive(Serialize, ToSchema)]
pub struct PoolInfo {
    /// Open connections.
    pub size: u32,
    /// Open connections not in use.
    pub idle: usize,
    /// The pool's limit.
    pub max_connections: u32,
}

/// What is running.
#[derive(Serialize, ToSchema)]
pub struct ServerInfo {
    /// rubbie's version.
    pub rubbie_version: &'static str,
    /// The host application, when it named itself (`Config::host_info`).
    pub host: Option<HostInfo>,
    /// Database backend.
    pub backend: Backend,
    /// The database server's own version string.
    pub database_version: String,
    /// Connection pool usage.
    pub pool: PoolInfo,
    /// Seconds since this rubbie router was built.
    pub uptime_seconds: u64,
    /// Tables rubbie serves (tracked).
    pub tables_count: usize,
    /// Tables in the database that are not tracked.
    pub untracked_tables_count: usize,
    /// Of those, tables with a `#[derive(RubbieModel)]`.
    pub model_tables_count: usize,
    /// Version of rubbie's own tables.
    pub internal_schema_version: i64,
}

/// One configuration entry; secret values arrive redacted.
#[derive(Serialize, ToSchema)]
pub struct Setting {
    /// Name.
    pub key: String,
    /// Value as it may be shown (null when unset).
    pub value: Option<String>,
    /// Whether the value is a secret (and so redacted).
    pub secret: bool,
}

/// rubbie's effective configuration and the host's declared settings.
#[derive(Serialize, ToSchema)]
pub struct ConfigOverview {
    /// rubbie's own settings.
    pub rubbie: Vec<Setting>,
    /// Settings the host declared with `Config::setting` / `Config::secret_setting`.
    pub host: Vec<Setting>,
}

async fn database_version(db: &Database) -> Result<String> {
    let function = match db.backend() {
        Backend::Sqlite => "sqlite_version()",
        Backend::Postgres => "version()",
        Backend::Mysql => "CAST(VERSION() AS CHAR)",
    };
    Ok(db.pooled().fetch_text(&Query::select().expr(Expr::cust(function)).to_owned()).await?.unwrap_or_default())
}

fn pool_info(db: &Database) -> PoolInfo {
    match db {
        Database::Sqlite(p) => {
            PoolInfo { size: p.size(), idle: p.num_idle(), max_connections: p.options().get_max_connections() }
        }
        Database::Postgres(p) => {
            PoolInfo { size: p.size(), idle: p.num_idle(), max_connections: p.options().get_max_connections() }
        }
        Database::Mysql(p) => {
            PoolInfo { size: p.size(), idle: p.num_idle(), max_connections: p.options().get_max_connections() }
        }
    }
}

/// Versions, database, pool and uptime.
#[utoipa::path(get, path = "/api/v1/settings/server", tag = "settings", responses((status = 200, body = ServerInfo)))]
pub(crate) async fn server(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<ServerInfo>> {
    require_admin(&me)?;
    let schema = state.schema();
    Ok(Json(ServerInfo {
        rubbie_version: env!("CARGO_PKG_VERSION"),
        host: state.config.host.clone(),
        backend: state.db().backend(),
        database_version: database_version(state.db()).await?,
        pool: pool_info(state.db()),
        uptime_seconds: state.started.elapsed().as_secs(),
        tables_count: schema.tables.len(),
        untracked_tables_count: schema.untracked.len(),
        model_tables_count: schema.tables.iter().filter(|t| t.source == TableSource::Model).count(),
        internal_schema_version: migrations::current_version(state.db()).await?,
    }))
}

fn plain(key: &str, value: impl ToString) -> Setting {
    Setting { key: key.to_owned(), value: Some(value.to_string()), secret: false }
}

/// rubbie's effective configuration and the host's settings, secrets redacted.
#[utoipa::path(get, path = "/api/v1/settings/config", tag = "settings", responses((status = 200, body = ConfigOverview)))]
pub(crate) async fn config(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
) -> Result<Json<ConfigOverview>> {
    require_admin(&me)?;
    let c = &state.config;
    let rubbie = vec![
        plain("database_backend", format!("{:?}", c.db.backend()).to_lowercase()),
        plain("cors_origin", c.cors_origin.as_deref().unwrap_or("(none: same origin only)")),
        plain("secure_cookies", c.secure_cookies),
        plain("session_ttl_seconds", c.session_ttl.as_secs()),
        plain("session_idle_timeout_seconds", c.session_idle.as_secs()),
        plain("login_attempts_per_window", c.login_attempts),
        plain("login_window_seconds", c.login_window.as_secs()),
        plain("host_openapi_merged", c.host_openapi.is_some()),
        plain("track_introspected", c.track_introspected),
        plain("count_timeout_ms", c.count_timeout.as_millis()),
        plain("import_limit_bytes", c.import_limit),
    ];
    let host = c
        .host_settings
        .iter()
        .map(|s| Setting { key: s.key.clone(), value: redact::shown(s.value.as_deref(), s.secret), secret: s.secret })
        .collect();
    Ok(Json(ConfigOverview { rubbie, host }))
}
