//! The rubbie demo: a small shop with its own API, and rubbie mounted at `/admin`.
//!
//! Environment: `BIND_ADDR` (default `127.0.0.1:8000`), `DATABASE_URL` (default a SQLite file
//! `rubbie_demo.db` in the working directory), `DATABASE_ACQUIRE_TIMEOUT_MS` (default 3000),
//! `RUBBIE_ADMIN_USERNAME` / `RUBBIE_ADMIN_PASSWORD`, `RUBBIE_AUDIT_KEY` (seals the audit log's
//! hash chain with HMAC; default plain SHA-256), `RUBBIE_MIGRATIONS_DIR` (where the console writes
//! saved migrations; default the source directory of the backend's migrations),
//! `RUBBIE_DEMO_HOST_AUTH_SECRET` (turns on the demo of host sign-in at `/demo/sign-in`),
//! `RUBBIE_DEV_MODE=1` (development mode: the schema editor writes migrations into that directory).
//! `test_project openapi` prints the merged OpenAPI document and exits.

mod api;
mod host_sign_in;
mod models;
mod shop;

use std::process::ExitCode;

use rand::Rng;
use rand::distr::Alphanumeric;
use utoipa::OpenApi;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("test_project: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("openapi") {
        let doc = rubbie::openapi::document(Some(&api::ShopApi::openapi()));
        println!("{}", doc.to_pretty_json()?);
        return Ok(());
    }
    let url = std::env::var("DATABASE_URL").unwrap_or_else(|_| "sqlite://rubbie_demo.db".to_owned());
    let bind = std::env::var("BIND_ADDR").unwrap_or_else(|_| "127.0.0.1:8000".to_owned());
    let wait = match std::env::var("DATABASE_ACQUIRE_TIMEOUT_MS") {
        Ok(ms) => {
            ms.parse().map_err(|_| format!("DATABASE_ACQUIRE_TIMEOUT_MS: not a number of milliseconds: {ms:?}"))?
        }
        Err(_) => 3000,
    };
    let pool = rubbie::PoolOptions::default().acquire_timeout(std::time::Duration::from_millis(wait));
    let db = rubbie::Database::connect_with(&url, pool)
        .await
        .map_err(|e| format!("cannot open {}: {e}", rubbie::mask_url_password(&url)))?;
    if shop::ensure(&db).await? {
        tracing::info!(orders = shop::ORDERS, "demo shop created and seeded");
    }
    bootstrap_admin(&db).await?;

    let config = rubbie::Config::new(db.clone())
        .migrator(shop::migrator(db.backend()))
        .allow_migration_runs(true)
        .host_openapi(api::ShopApi::openapi())
        .host_info(env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION"))
        .setting("BIND_ADDR", Some(&bind))
        .setting("DATABASE_URL", Some(&url))
        .setting("RUBBIE_ADMIN_USERNAME", std::env::var("RUBBIE_ADMIN_USERNAME").ok())
        .secret_setting("RUBBIE_ADMIN_PASSWORD", std::env::var("RUBBIE_ADMIN_PASSWORD").ok());
    // RUBBIE_MIGRATIONS_DIR: where "save as migration" writes (the e2e suite uses a copy, so the
    // source tree is never written to by tests); by default the source directory.
    let dir = std::env::var_os("RUBBIE_MIGRATIONS_DIR").map(std::path::PathBuf::from);
    let config = match dir.or_else(|| shop::migrations_dir(db.backend())) {
        Some(dir) => config.migrations_dir(dir),
        None => config,
    };
    let dev_mode = std::env::var("RUBBIE_DEV_MODE").is_ok_and(|v| v == "1");
    let config = config.dev_mode(dev_mode).setting("RUBBIE_DEV_MODE", Some(if dev_mode { "1" } else { "0" }));
    let audit_key = std::env::var("RUBBIE_AUDIT_KEY").ok().filter(|k| !k.is_empty());
    let config = match &audit_key {
        Some(key) => config.audit_key(key).secret_setting("RUBBIE_AUDIT_KEY", Some(key)),
        None => config,
    };
    // The shop's own sign-in, trusted by the console (the demo of `Config::authenticate`).
    let demo_auth = host_sign_in::DemoAuth::from_env()?;
    let config = match &demo_auth {
        Some(auth) => config
            .authenticate(auth.hook())
            .host_sign_in_url(host_sign_in::SIGN_IN_PATH)
            .host_sign_out_url(host_sign_in::SIGN_OUT_PATH)
            .secret_setting("RUBBIE_DEMO_HOST_AUTH_SECRET", Some("set")),
        None => config,
    };
    let shop = api::Shop { db, flags: config.flags() };
    let mut app = api::router(shop).nest_service("/admin", rubbie::router(config));
    if let Some(auth) = &demo_auth {
        app = app.merge(auth.router());
    }
    let listener = tokio::net::TcpListener::bind(&bind).await.map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    let addr = listener.local_addr()?;
    println!("rubbie admin ready: http://{addr}/admin/");
    // With connect info, the audit log records each change's client address.
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await?;
    Ok(())
}

/// RUBBIE_ADMIN_USERNAME + RUBBIE_ADMIN_PASSWORD → that admin exists with that password; neither
/// set and no user yet → `admin` with a random password, printed once.
async fn bootstrap_admin(db: &rubbie::Database) -> Result<(), Box<dyn std::error::Error>> {
    let username = std::env::var("RUBBIE_ADMIN_USERNAME").ok().filter(|s| !s.is_empty());
    let password = std::env::var("RUBBIE_ADMIN_PASSWORD").ok().filter(|s| !s.is_empty());
    match (username, password) {
        (Some(u), Some(p)) => rubbie::create_or_update_admin(db, &u, &p).await?,
        (None, None) if rubbie::user_count(db).await? == 0 => {
            let password: String = rand::rng().sample_iter(&Alphanumeric).take(20).map(char::from).collect();
            rubbie::create_or_update_admin(db, "admin", &password).await?;
            println!("created the first rubbie user: admin / {password}  (shown only this once)");
        }
        (None, None) => {}
        _ => {
            return Err("set both RUBBIE_ADMIN_USERNAME and RUBBIE_ADMIN_PASSWORD, or neither".into());
        }
    }
    Ok(())
}
