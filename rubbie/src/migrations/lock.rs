//! One run at a time, across the console and the host's own `migrator.run()`: the very lock sqlx
//! takes (PostgreSQL's advisory lock, MySQL's `GET_LOCK`, with sqlx's keys), held on a dedicated
//! connection that is closed when the run ends, so a failure can never leave a pooled connection
//! holding it. SQLite, which sqlx does not lock, gets a lease in `rubbie_leases`.

use sqlx::mysql::MySqlConnection;
use sqlx::postgres::PgConnection;
use sqlx::sqlite::SqlitePool;
use sqlx::{Connection, Row};

use crate::db::{Database, lease};
use crate::error::Result;

const LEASE: &str = "migrations";
/// The SQLite lease's length; renewed with every heartbeat.
pub(crate) const LEASE_MS: i64 = 60_000;

/// A held lock and the connection the run uses.
pub(crate) enum Locked {
    /// SQLite: each step takes a pooled connection (an in-memory database has only one).
    Sqlite {
        pool: SqlitePool,
        holder: String,
    },
    Postgres {
        conn: PgConnection,
        key: i64,
    },
    Mysql {
        conn: MySqlConnection,
        name: String,
    },
}

/// sqlx's lock id for a database name (`generate_lock_id` in sqlx-postgres and sqlx-mysql).
fn lock_id(database: &str) -> i64 {
    const CRC_IEEE: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);
    0x3d32ad9e * i64::from(CRC_IEEE.checksum(database.as_bytes()))
}

/// Takes the lock without waiting; `None` when someone else holds it.
pub(crate) async fn try_lock(db: &Database) -> Result<Option<Locked>> {
    match db {
        Database::Sqlite(pool) => {
            let holder = hex::encode(rand::random::<[u8; 8]>());
            let taken = lease::take(db, LEASE, &holder, LEASE_MS).await?;
            Ok(taken.then(|| Locked::Sqlite { pool: pool.clone(), holder }))
        }
        Database::Postgres(pool) => {
            let options = (*pool.connect_options()).clone().application_name("rubbie migrations");
            let mut conn = PgConnection::connect_with(&options).await?;
            let database: String = sqlx::query_scalar("SELECT current_database()").fetch_one(&mut conn).await?;
            let key = lock_id(&database);
            let got: bool =
                sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(key).fetch_one(&mut conn).await?;
            if got {
                return Ok(Some(Locked::Postgres { conn, key }));
            }
            conn.close().await.ok();
            Ok(None)
        }
        Database::Mysql(pool) => {
            let mut conn = MySqlConnection::connect_with(&pool.connect_options()).await?;
            let database: String = sqlx::query_scalar("SELECT DATABASE()").fetch_one(&mut conn).await?;
            let name = format!("{:x}", lock_id(&database));
            let got: Option<i64> = sqlx::query_scalar("SELECT GET_LOCK(?, 0)").bind(&name).fetch_one(&mut conn).await?;
            if got == Some(1) {
                return Ok(Some(Locked::Mysql { conn, name }));
            }
            conn.close().await.ok();
            Ok(None)
        }
    }
}

impl Locked {
    /// SQLite's lease holder, which must be renewed while the run lasts (the other locks live
    /// as long as their connection).
    pub(crate) fn lease_holder(&self) -> Option<String> {
        match self {
            Locked::Sqlite { holder, .. } => Some(holder.clone()),
            _ => None,
        }
    }

    /// Releases the lock and closes the dedicated connection.
    pub(crate) async fn release(self, db: &Database) {
        let done = match self {
            Locked::Sqlite { holder, .. } => lease::release(db, LEASE, &holder).await.map_err(|e| e.to_string()),
            Locked::Postgres { mut conn, key } => {
                let _ = sqlx::query("SELECT pg_advisory_unlock($1)").bind(key).execute(&mut conn).await;
                conn.close().await.map_err(|e| e.to_string())
            }
            Locked::Mysql { mut conn, name } => {
                let _ = sqlx::query("SELECT RELEASE_LOCK(?)").bind(&name).execute(&mut conn).await;
                conn.close().await.map_err(|e| e.to_string())
            }
        };
        if let Err(err) = done {
            // Closing failed: the server drops the lock with the connection anyway.
            tracing::warn!(error = %err, "rubbie: releasing the migration lock failed");
        }
    }
}

/// Extends SQLite's lease for `holder`.
pub(crate) async fn renew_lease(db: &Database, holder: &str) -> Result<()> {
    lease::renew(db, LEASE, holder, LEASE_MS).await.map(drop)
}

/// Who holds the lock, when someone does: a database session, described as well as the
/// database allows (the console's own runs are named by the caller from the run history).
pub(crate) async fn holder(db: &Database) -> Result<Option<String>> {
    match db {
        Database::Sqlite(_) => {
            Ok(lease::held(db, LEASE).await?.then(|| "another rubbie instance's migration run".to_owned()))
        }
        Database::Postgres(pool) => {
            let key = lock_id(&sqlx::query_scalar::<_, String>("SELECT current_database()").fetch_one(pool).await?);
            let row = sqlx::query(
                "SELECT a.pid, COALESCE(a.application_name, ''), COALESCE(a.usename::text, ''), \
                 COALESCE(host(a.client_addr), 'local') FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
                 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
                 AND ((l.classid::bigint << 32) | l.objid::bigint) = $1 LIMIT 1",
            )
            .bind(key)
            .fetch_optional(pool)
            .await?;
            Ok(row.map(|r| {
                let (pid, app, user, addr): (i32, String, String, String) = (r.get(0), r.get(1), r.get(2), r.get(3));
                let app =
                    if app.is_empty() { "no application name".to_owned() } else { format!("application {app:?}") };
                format!("PostgreSQL session {pid} ({app}, user {user}, from {addr})")
            }))
        }
        Database::Mysql(pool) => {
            let name =
                format!("{:x}", lock_id(&sqlx::query_scalar::<_, String>("SELECT DATABASE()").fetch_one(pool).await?));
            let id: Option<i64> = sqlx::query_scalar("SELECT IS_USED_LOCK(?)").bind(&name).fetch_one(pool).await?;
            let Some(id) = id else { return Ok(None) };
            let who: Option<(String, String)> =
                sqlx::query_as("SELECT USER, HOST FROM information_schema.PROCESSLIST WHERE ID = ?")
                    .bind(id)
                    .fetch_optional(pool)
                    .await?;
            let who = who.map(|(user, host)| format!(", user {user} from {host}")).unwrap_or_default();
            Ok(Some(format!("MySQL connection {id}{who}")))
        }
    }
}
