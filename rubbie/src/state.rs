//! The state every rubbie handler shares: config, database and the cached schema.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::OnceCell;

use crate::auth::rate_limit::LoginLimiter;
use crate::auth::session_cache::SessionCache;
use crate::config::Config;
use crate::db::schema::{Schema, Table};
use crate::db::{Database, introspect, migrations};
use crate::error::{Error, Result};
use crate::metadata::{self, TableMetadata};
use crate::tracking;

/// Shared, cheaply clonable state of one mounted rubbie.
#[derive(Clone)]
pub(crate) struct AppState(Arc<Inner>);

pub(crate) struct Inner {
    pub config: Config,
    pub schema: RwLock<Arc<Schema>>,
    /// What `schema` was made from, so a refresh that finds both unchanged does nothing.
    catalogue: Mutex<Option<CatalogueCache>>,
    pub last_refresh: Mutex<Option<Instant>>,
    pub ready: OnceCell<()>,
    pub login_limiter: LoginLimiter,
    pub sessions: SessionCache,
    /// Key of the CSRF tokens of host identities, read from the database once.
    pub host_csrf_key: OnceCell<Vec<u8>>,
    pub started: Instant,
    pub sql: Arc<crate::sql::runner::Runner>,
}

/// The introspected catalogue (before tracking) with its fingerprint, and the tracking
/// decisions and metadata overrides last applied to it.
struct CatalogueCache {
    fingerprint: String,
    all: Arc<Schema>,
    decisions: HashMap<String, bool>,
    overrides: HashMap<String, TableMetadata>,
}

/// How long a row request trusts the schema before checking the catalogue's fingerprint again
/// (two cheap queries): a column dropped by a migration is noticed within this time.
const SCHEMA_FRESH_FOR: Duration = Duration::from_secs(1);

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
            catalogue: Mutex::new(None),
            last_refresh: Mutex::new(None),
            ready: OnceCell::new(),
            login_limiter: limiter,
            sessions: SessionCache::default(),
            host_csrf_key: OnceCell::new(),
            started: Instant::now(),
            sql: Arc::default(),
        }))
    }

    /// A handle that does not keep the state alive (for background tasks).
    pub(crate) fn downgrade(&self) -> std::sync::Weak<Inner> {
        Arc::downgrade(&self.0)
    }

    /// The state again, if it is still alive.
    pub(crate) fn upgrade(weak: &std::sync::Weak<Inner>) -> Option<AppState> {
        weak.upgrade().map(AppState)
    }

    pub(crate) fn db(&self) -> &Database {
        &self.config.db
    }

    /// Runs internal migrations and reads the schema, once, before the first request uses them.
    pub(crate) async fn ensure_ready(&self) -> Result<()> {
        self.ready
            .get_or_try_init(|| async {
                migrations::run(self.db()).await?;
                crate::audit::record::create_chains(self.db()).await?;
                self.refresh_schema().await?;
                crate::audit::retention::spawn(self);
                Ok::<(), Error>(())
            })
            .await
            .map(|_| ())
    }

    /// Brings the schema up to date with the database: three cheap reads (the catalogue's
    /// fingerprint, the tracking decisions and the metadata overrides, which another instance
    /// may have changed), and
    /// the catalogue itself only when its fingerprint moved. A table created a moment ago is
    /// seen at once; a schema of a thousand tables is not introspected on every call.
    pub(crate) async fn refresh_schema(&self) -> Result<()> {
        // Read before introspecting: a change in between is caught by the next refresh.
        let fingerprint = introspect::fingerprint(self.db()).await?;
        self.apply_tracking(fingerprint).await
    }

    /// Re-reads the tracking decisions and metadata only, for after this instance changed them
    /// (the catalogue itself did not move).
    pub(crate) async fn refresh_tracking(&self) -> Result<()> {
        let known = self.catalogue.lock().expect("catalogue lock").as_ref().map(|c| c.fingerprint.clone());
        match known {
            Some(fingerprint) => self.apply_tracking(fingerprint).await,
            None => self.refresh_schema().await,
        }
    }

    /// Applies the current tracking decisions and metadata to the catalogue of `fingerprint`,
    /// introspecting it first unless that is the one cached.
    async fn apply_tracking(&self, fingerprint: String) -> Result<()> {
        let decisions = tracking::decisions(self.db()).await?;
        let overrides = metadata::all(self.db()).await?;
        let cached = self.catalogue.lock().expect("catalogue lock").as_ref().and_then(|c| {
            (c.fingerprint == fingerprint)
                .then(|| (c.all.clone(), c.decisions == decisions && c.overrides == overrides))
        });
        let all = match cached {
            Some((_, true)) => {
                *self.last_refresh.lock().expect("refresh lock") = Some(Instant::now());
                return Ok(());
            }
            Some((all, false)) => all,
            None => Arc::new(introspect::introspect(self.db()).await?),
        };
        let mut schema = tracking::apply((*all).clone(), &decisions, self.config.track_introspected);
        metadata::apply(&mut schema, &overrides);
        *self.schema.write().expect("schema lock") = Arc::new(schema);
        *self.catalogue.lock().expect("catalogue lock") =
            Some(CatalogueCache { fingerprint, all, decisions, overrides });
        *self.last_refresh.lock().expect("refresh lock") = Some(Instant::now());
        Ok(())
    }

    /// The catalogue as introspected (tracked and untracked, no metadata), from the last refresh.
    pub(crate) fn introspected(&self) -> Arc<Schema> {
        let catalogue = self.catalogue.lock().expect("catalogue lock");
        catalogue.as_ref().map(|c| c.all.clone()).unwrap_or_default()
    }

    /// The table as the derive and introspection describe it, before any metadata override.
    pub(crate) fn without_overrides(&self, name: &str) -> Option<Table> {
        let catalogue = self.catalogue.lock().expect("catalogue lock");
        let all = &catalogue.as_ref()?.all;
        all.tables.iter().chain(&all.untracked).find(|t| t.name == name).cloned()
    }

    /// The stored overrides of a table (empty when none).
    pub(crate) fn overrides_of(&self, name: &str) -> TableMetadata {
        let catalogue = self.catalogue.lock().expect("catalogue lock");
        catalogue.as_ref().and_then(|c| c.overrides.get(name).cloned()).unwrap_or_default()
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

    /// The table with this name from a schema at most [`SCHEMA_FRESH_FOR`] old, checked again
    /// at once when the name is unknown (a table created a moment ago).
    pub(crate) async fn table(&self, name: &str) -> Result<Table> {
        let fresh = self.last_refresh.lock().expect("refresh lock").is_some_and(|t| t.elapsed() < SCHEMA_FRESH_FOR);
        if !fresh {
            self.refresh_schema().await?;
        }
        if let Some(t) = self.schema().table(name) {
            return Ok(t.clone());
        }
        if fresh {
            self.refresh_schema().await?;
            if let Some(t) = self.schema().table(name) {
                return Ok(t.clone());
            }
        }
        Err(Error::NotFound(format!("no table named {name:?}")))
    }
}
