//! How a host configures rubbie.

use std::time::Duration;

use crate::audit::Category as AuditCategory;
use crate::db::Database;
use crate::flags::Flags;

/// rubbie's configuration: the database and the few knobs a host may turn.
///
/// # Example
/// ```no_run
/// # async fn demo() -> Result<(), sqlx::Error> {
/// let db = rubbie::Database::connect("sqlite://shop.db").await?;
/// let config = rubbie::Config::new(db).cors_origin("http://localhost:5173").secure_cookies(true);
/// let app: axum::Router = axum::Router::new().nest("/admin", rubbie::router(config));
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Config {
    pub(crate) db: Database,
    pub(crate) cors_origin: Option<String>,
    pub(crate) secure_cookies: bool,
    pub(crate) session_ttl: Duration,
    pub(crate) session_idle: Duration,
    pub(crate) host_openapi: Option<utoipa::openapi::OpenApi>,
    pub(crate) login_attempts: u32,
    pub(crate) login_window: Duration,
    pub(crate) flags: Flags,
    pub(crate) host: Option<HostInfo>,
    pub(crate) host_settings: Vec<HostSetting>,
    pub(crate) track_introspected: bool,
    pub(crate) count_timeout: Duration,
    pub(crate) import_limit: usize,
    pub(crate) audit: AuditConfig,
    pub(crate) migrations: MigrationsConfig,
    pub(crate) sql_timeout: Duration,
    pub(crate) authenticate: Option<crate::auth::host::Hook>,
    pub(crate) sign_in: SignInConfig,
}

/// How people sign in: rubbie's own form, the host's pages, or both.
#[derive(Clone)]
pub(crate) struct SignInConfig {
    /// Whether rubbie's own users may sign in with a password.
    pub password: bool,
    /// Where the sign-in page sends people to sign in through the host.
    pub host_url: Option<String>,
    /// Where "Sign out" sends people the host signed in.
    pub host_sign_out_url: Option<String>,
}

/// The host's own sqlx migrations, as the console shows and runs them.
#[derive(Clone, Default)]
pub(crate) struct MigrationsConfig {
    /// What `sqlx::migrate!()` embedded in the host.
    pub migrator: Option<&'static sqlx::migrate::Migrator>,
    /// The directory the host's migrations live in (read at run time, written by the console).
    pub dir: Option<std::path::PathBuf>,
    /// Whether admins may apply and roll back from the console.
    pub allow_runs: bool,
    /// Development mode: the schema editor writes migrations into `dir` and applies them.
    pub dev_mode: bool,
}

/// How the audit log is kept.
#[derive(Clone)]
pub(crate) struct AuditConfig {
    /// HMAC key for the hash chain, kept by the host outside the database.
    pub key: Option<std::sync::Arc<[u8]>>,
    /// Per category: entries older than this are pruned.
    pub max_age: std::collections::HashMap<AuditCategory, Duration>,
    /// Per category: only the newest this many entries are kept.
    pub max_entries: std::collections::HashMap<AuditCategory, u64>,
    /// How often the background prune runs.
    pub prune_every: Duration,
    /// Rows one bulk change may touch (each gets its entry).
    pub bulk_limit: usize,
    /// Tables whose row changes are not recorded.
    pub unaudited: std::sync::Arc<std::collections::HashSet<String>>,
}

/// The host application's name and version, shown on the settings page.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct HostInfo {
    /// Application name.
    pub name: String,
    /// Application version.
    pub version: String,
}

/// A setting the host declares for the configuration overview.
#[derive(Clone, Debug)]
pub(crate) struct HostSetting {
    pub key: String,
    pub value: Option<String>,
    pub secret: bool,
}

impl Config {
    /// A configuration over `db` with defaults: no CORS, cookies without `Secure`, sessions that
    /// end 7 days after sign-in or after 8 hours without a request.
    pub fn new(db: Database) -> Self {
        Config {
            cors_origin: None,
            secure_cookies: false,
            session_ttl: Duration::from_secs(7 * 24 * 3600),
            session_idle: Duration::from_secs(8 * 3600),
            host_openapi: None,
            login_attempts: 5,
            login_window: Duration::from_secs(300),
            flags: Flags::new(db.clone()),
            host: None,
            host_settings: Vec::new(),
            track_introspected: false,
            count_timeout: Duration::from_secs(5),
            import_limit: 64 * 1024 * 1024,
            audit: AuditConfig {
                key: None,
                max_age: Default::default(),
                max_entries: Default::default(),
                prune_every: Duration::from_secs(3600),
                bulk_limit: 10_000,
                unaudited: Default::default(),
            },
            migrations: MigrationsConfig::default(),
            sql_timeout: Duration::from_secs(10),
            authenticate: None,
            sign_in: SignInConfig { password: true, host_url: None, host_sign_out_url: None },
            db,
        }
    }

    /// Allows one browser origin (e.g. a separately served SPA) to call the API with credentials.
    pub fn cors_origin(mut self, origin: impl Into<String>) -> Self {
        self.cors_origin = Some(origin.into());
        self
    }

    /// Marks the session cookie `Secure` and names it `__Host-rubbie_session` with `Path=/`, so
    /// no other site or subdomain can set or shadow it (set this when served over TLS).
    pub fn secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }

    /// How long a session lasts after sign-in, however it is used (the absolute lifetime).
    pub fn session_ttl(mut self, ttl: Duration) -> Self {
        self.session_ttl = ttl;
        self
    }

    /// How long a session lasts without a request (the idle lifetime; default 8 hours).
    pub fn session_idle_timeout(mut self, idle: Duration) -> Self {
        self.session_idle = idle;
        self
    }

    /// Lets the host sign its own users in: `hook` gets each request's parts (headers, cookies,
    /// the extensions its own middleware set) and answers who sent it, as a user name and a
    /// rubbie role, or `None` to leave the request to rubbie's own sign-in. Asked before
    /// rubbie's own session and API tokens on every protected request; the users it names get
    /// a row on the Users page (managed by the host, which keeps their role).
    ///
    /// ```no_run
    /// # fn demo(config: rubbie::Config) -> rubbie::Config {
    /// config.authenticate(|parts: axum::http::request::Parts| async move {
    ///     // behind a proxy that signs people in and says who they are
    ///     let user = parts.headers.get("x-forwarded-user")?.to_str().ok()?.to_owned();
    ///     Some(rubbie::Identity::new(user, "editor"))
    /// })
    /// # }
    /// ```
    pub fn authenticate<F, Fut>(mut self, hook: F) -> Self
    where
        F: Fn(axum::http::request::Parts) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Option<crate::auth::Identity>> + Send + 'static,
    {
        self.authenticate = Some(crate::auth::host::hook(hook));
        self
    }

    /// Turns rubbie's own password sign-in on or off (on by default); API tokens keep working.
    pub fn password_sign_in(mut self, enabled: bool) -> Self {
        self.sign_in.password = enabled;
        self
    }

    /// The host's sign-in page: rubbie's sign-in page links to it, adding `next` (the console
    /// address to come back to) as a query parameter.
    pub fn host_sign_in_url(mut self, url: impl Into<String>) -> Self {
        self.sign_in.host_url = Some(url.into());
        self
    }

    /// Where "Sign out" sends a user the host signed in (a form `POST`; without it, the console
    /// offers no sign-out to them, since only the host can end their session).
    pub fn host_sign_out_url(mut self, url: impl Into<String>) -> Self {
        self.sign_in.host_sign_out_url = Some(url.into());
        self
    }

    /// Merges the host's own OpenAPI document into `/api/openapi.json` and Swagger UI.
    pub fn host_openapi(mut self, spec: utoipa::openapi::OpenApi) -> Self {
        self.host_openapi = Some(spec);
        self
    }

    /// Failed sign-ins allowed per username within `window` before answering 429.
    pub fn login_rate_limit(mut self, attempts: u32, window: Duration) -> Self {
        self.login_attempts = attempts;
        self.login_window = window;
        self
    }

    /// Tracks every table found by introspection, not only the models' (an admin can still
    /// untrack one in the console). Off by default: other tables are listed as untracked until
    /// an admin tracks them.
    pub fn track_introspected(mut self, track: bool) -> Self {
        self.track_introspected = track;
        self
    }

    /// How long an exact row count may run before the listing gives up on it and answers with
    /// the estimate instead (default 5 s), so a count never hangs a page.
    pub fn count_timeout(mut self, timeout: Duration) -> Self {
        self.count_timeout = timeout;
        self
    }

    /// How long a statement of the SQL runner may run by default (10 s); a run may ask for up to
    /// 300 s. The database stops it (PostgreSQL `statement_timeout`, MariaDB
    /// `max_statement_time`, MySQL `KILL QUERY`, SQLite a progress handler).
    pub fn sql_timeout(mut self, timeout: Duration) -> Self {
        self.sql_timeout = timeout.clamp(Duration::from_millis(1), crate::sql::MAX_TIMEOUT);
        self
    }

    /// The largest file `POST /tables/{table}/import` accepts, in bytes (default 64 MiB).
    pub fn import_limit(mut self, bytes: usize) -> Self {
        self.import_limit = bytes;
        self
    }

    /// Seals the audit log's hash chain with HMAC-SHA-256 under `key` instead of plain SHA-256.
    /// Keep the key outside the database (an environment secret): then someone who can edit the
    /// database cannot forge the chain after changing an entry. Changing the key breaks
    /// verification of the entries written before.
    pub fn audit_key(mut self, key: impl AsRef<[u8]>) -> Self {
        self.audit.key = Some(key.as_ref().into());
        self
    }

    /// Keeps the audit entries of `category` at most `max_age` old and at most `max_entries` of
    /// them (`None`: no limit, the default). Pruned in the background, oldest first, in batches;
    /// each prune is itself an entry.
    pub fn audit_retention(
        mut self,
        category: AuditCategory,
        max_age: Option<Duration>,
        max_entries: Option<u64>,
    ) -> Self {
        match max_age {
            Some(age) => self.audit.max_age.insert(category, age),
            None => self.audit.max_age.remove(&category),
        };
        match max_entries {
            Some(n) => self.audit.max_entries.insert(category, n),
            None => self.audit.max_entries.remove(&category),
        };
        self
    }

    /// How often the audit retention runs (default hourly).
    pub fn audit_prune_every(mut self, every: Duration) -> Self {
        self.audit.prune_every = every.max(Duration::from_secs(1));
        self
    }

    /// The most rows one bulk update or delete may touch (default 10,000): every row changed
    /// gets its audit entry, written in the same transaction, and the before images are held in
    /// memory meanwhile.
    pub fn audit_bulk_limit(mut self, rows: usize) -> Self {
        self.audit.bulk_limit = rows.max(1);
        self
    }

    /// Leaves the row changes of `table` out of the audit log (for a table that pipelines
    /// write in bulk, where the log would only repeat them, as Directus' per-collection
    /// accountability does). Everything else about the table is still recorded: tracking,
    /// permissions, saved views.
    pub fn audit_exclude_table(mut self, table: impl Into<String>) -> Self {
        std::sync::Arc::make_mut(&mut self.audit.unaudited).insert(table.into());
        self
    }

    /// The host's migrations, as `sqlx::migrate!()` embeds them: the console lists them with
    /// their status and SQL (admins only), and runs them when [`Config::allow_migration_runs`].
    ///
    /// ```ignore
    /// static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");
    /// let config = rubbie::Config::new(db).migrator(&MIGRATOR).migrations_dir("./migrations");
    /// ```
    pub fn migrator(mut self, migrator: &'static sqlx::migrate::Migrator) -> Self {
        self.migrations.migrator = Some(migrator);
        self
    }

    /// Where the host's migration files live: read at run time, so a file added since the host
    /// was built is listed (and can be applied) before the host is rebuilt to embed it.
    pub fn migrations_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Self {
        self.migrations.dir = Some(dir.into());
        self
    }

    /// Lets admins apply and roll back the host's migrations from the console (off by default:
    /// then the console only shows them). A console run takes the same database lock as the
    /// host's own `migrator.run()`, so the two never run at once.
    pub fn allow_migration_runs(mut self, allow: bool) -> Self {
        self.migrations.allow_runs = allow;
        self
    }

    /// Development mode: admins may change the schema from the console (create, alter, rename
    /// and drop tables, columns, indexes and foreign keys). Each change is written as a new
    /// migration into [`Config::migrations_dir`], which must be writable, and applied as a
    /// console run; the migrations page rolls it back. Off by default: the schema pages are then
    /// read-only. Never enable it where the schema is owned by a deploy pipeline.
    pub fn dev_mode(mut self, on: bool) -> Self {
        self.migrations.dev_mode = on;
        self
    }

    /// Names the host application (and its version) on the settings page.
    pub fn host_info(mut self, name: impl Into<String>, version: impl Into<String>) -> Self {
        self.host = Some(HostInfo { name: name.into(), version: version.into() });
        self
    }

    /// Declares a host setting for the configuration overview. Values of keys that look secret
    /// (password, secret, token, key...) and passwords inside URLs are redacted when shown.
    pub fn setting(mut self, key: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        let key = key.into();
        let secret = crate::redact::is_secret_key(&key);
        self.host_settings.push(HostSetting { key, value: value.map(Into::into), secret });
        self
    }

    /// Declares a host setting that is always redacted when shown.
    pub fn secret_setting(mut self, key: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        self.host_settings.push(HostSetting { key: key.into(), value: value.map(Into::into), secret: true });
        self
    }

    /// The feature flags, for the host to read (`flags.is_enabled("name").await`).
    pub fn flags(&self) -> Flags {
        self.flags.clone()
    }

    /// The database this configuration points at.
    pub fn database(&self) -> &Database {
        &self.db
    }
}
