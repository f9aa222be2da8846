//! The state every rubbie handler shares: config, database and the cached schema.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use crate::auth::rate_limit::LoginLimiter;
use crate::auth::session_cache::SessionCache;
use crate::config::Config;
use crate::db::schema::{Schema, Table};
use crate::db::{Database, introspect, migrations};
use crate::error::{Error, Result};
use crate::tracking;

/// Shared, cheaply clonable state of one mounted rubbie.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

pub(crate) struct Inner {
    pub config: Config,
    pub schema: RwLock<Arc<Schema>>,
    pub last_refresh: Mutex<Option<Instant>>,
    pub ready: OnceCell<()>,
    pub login_limiter: LoginLimiter,
    pub sessions: SessionCache,
    pub started: Instant,
}

/// Unknown table names re-read the catalogue at most this often (tables created after start).
const REFRESH_AT_MOST_EVERY: Duration = Duration::from_secs(2);

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub(crate) fn new(config: Config) -> Self {
        let limiter = LoginLimiter::new(config.login_attempts, config.login_window);
        AppState(Arc::new(Inner {
            config,
            schema: RwLock::new(Arc::new(Schema::default())),
            last_refresh: Mutex::new(None),
            ready: OnceCell::new(),
            login_limiter: limiter,
            sessions: SessionCache::default(),
            started: Instant::now(),
        }))
    }

    pub(crate) fn db(&self) -> &Database {
        &self.config.db
    }

    /// Runs internal migrations and reads the schema, once, before the first request uses them.
    pub(crate) async fn ensure_ready(&self) -> Result<()> {
        self.ready
            .get_or_try_init(|| async {
                migrations::run(self.db()).await?;
                self.refresh_schema().await
            })
            .await
            .map(|_| ())
    }

    /// Re-reads the catalogue.
    pub(crate) async fn refresh_schema(&self) -> Result<()> {
        let all = introspect::introspect(self.db()).await?;
        let decisions = tracking::decisions(self.db()).await?;
        let schema = tracking::apply(all, &decisions, self.config.track_introspected);
        *self.schema.write().expect("schema lock") = Arc::new(schema);
        *self.last_refresh.lock().expect("refresh lock") = Some(Instant::now());
        Ok(())
    }

    pub(crate) fn schema(&self) -> Arc<Schema> {
        self.schema.read().expect("schema lock").clone()
    }

    /// The table with this name as `access` may see it: unknown and invisible tables are both
    /// 404, so existence does not leak.
    pub(crate) async fn table_for(&self, name: &str, access: &crate::permissions::Access) -> Result<Table> {
        let table = match self.table(name).await {
            Err(Error::NotFound(_))
                if matches!(access, crate::permissions::Access::Admin)
                    && self.schema().untracked.iter().any(|t| t.name == name) =>
            {
                return Err(Error::NotFound(format!("table {name:?} is not tracked: track it to browse it")));
            }
            other => other?,
        };
        if !access.can_see(&table.name) {
            return Err(Error::NotFound(format!("no table named {name:?}")));
        }
        Ok(table)
    }

    /// The table with this name, re-reading the catalogue once if it is not known yet.
    pub(crate) async fn table(&self, name: &str) -> Result<Table> {
        if let Some(t) = self.schema().table(name) {
            return Ok(t.clone());
        }
        let stale = self.last_refresh.lock().expect("refresh lock").is_none_or(|t| t.elapsed() > REFRESH_AT_MOST_EVERY);
        if stale {
            self.refresh_schema().await?;
            if let Some(t) = self.schema().table(name) {
                return Ok(t.clone());
            }
        }
        Err(Error::NotFound(format!("no table named {name:?}")))
    }
}
