//! Running one statement on a connection of its own, with the database enforcing the rules:
//!
//! - the connection comes from a small pool of the runner's (so runs never starve the console)
//!   and is closed after the run, so nothing a statement sets (`SET ROLE`, temporary tables,
//!   PRAGMAs) outlives it; SQLite reads use a connection opened read-only;
//! - PostgreSQL and MySQL read in a READ ONLY transaction; the statement is prepared first, so
//!   the server itself refuses more than one command, then run over the text protocol, whose
//!   values read the same way whatever their type;
//! - the time limit is the database's (`statement_timeout`, `max_statement_time`, a progress
//!   handler), backed by a watchdog that cancels like a user would (`pg_cancel_backend`,
//!   `KILL QUERY`) for what the server does not stop itself (MySQL writes);
//! - rows go out through a bounded channel as the cursor yields them: when the reader has
//!   enough (a page's cap, a client gone), a read is cancelled on the server rather than drained.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use serde_json::Value as Json;
use sqlx::mysql::{MySql, MySqlPool, MySqlPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgPool, PgPoolOptions, Postgres};
use sqlx::sqlite::{Sqlite, SqlitePool, SqlitePoolOptions};
use sqlx::{AssertSqlSafe, Column, Either, SqlSafeStr, Statement, Transaction, TypeInfo};
use tokio::sync::{OnceCell, mpsc, oneshot};

use super::cells::{Cells, Kind};
use super::{Explain, Mode, ResultColumn, history};
use crate::audit::{self, Actor, Category, Entry};
use crate::db::Database;
use crate::db::exec::Tx;
use crate::error::{Error, Result};

/// How long a run waits for one of the runner's connections.
const ACQUIRE_WAIT: Duration = Duration::from_secs(3);
/// After the time limit, how long the database gets to stop the statement before the runner
/// cancels it itself, and then before it drops the connection.
const GRACE: Duration = Duration::from_millis(500);
const HARD_GRACE: Duration = Duration::from_secs(2);
/// How often a SQLite run looks for a cancel made on another instance.
const CANCEL_POLL: Duration = Duration::from_millis(250);
/// SQLite virtual-machine steps between two looks at the deadline.
const PROGRESS_STEPS: i32 = 1_000;
/// Rows buffered between the cursor and the reader.
const ROWS_IN_FLIGHT: usize = 512;

/// One run, ready to go.
pub(crate) struct Job {
    pub run_id: String,
    pub user_id: i64,
    /// The whole text submitted, and where in it the one statement is (error positions).
    pub submitted: String,
    pub statement: std::ops::Range<usize>,
    pub mode: Mode,
    pub explain: Option<Explain>,
    /// The backend's EXPLAIN put before the statement ("" when not explaining).
    pub prefix: &'static str,
    pub timeout: Duration,
    pub actor: Actor,
}

impl Job {
    fn statement(&self) -> &str {
        &self.submitted[self.statement.clone()]
    }
}

/// How a run ended.
#[derive(Debug)]
pub(crate) struct Summary {
    /// Rows the statement returned (all of them, for a write; those read, for a read).
    pub rows: u64,
    pub rows_affected: u64,
    /// The reader stopped before the last row (a read is then cancelled on the server).
    pub stopped_early: bool,
    pub elapsed: Duration,
}

impl Summary {
    /// The summary of a run whose end was already read.
    pub(crate) fn empty() -> Summary {
        Summary { rows: 0, rows_affected: 0, stopped_early: false, elapsed: Duration::ZERO }
    }
}

/// A started run: its columns (the sender is dropped when it could not start), its rows, and
/// how it ended.
pub(crate) struct Started {
    pub columns: oneshot::Receiver<Vec<ResultColumn>>,
    pub rows: mpsc::Receiver<Vec<Json>>,
    pub done: tokio::task::JoinHandle<Result<Summary>>,
    /// Cancels the run if the request goes away before its end was read.
    pub cancel_on_drop: CancelGuard,
    /// Whether the rows are an EXPLAIN's.
    pub explain: bool,
}

/// Cancels its run when dropped, unless disarmed.
pub(crate) struct CancelGuard {
    runner: Arc<Runner>,
    db: Database,
    run_id: Option<String>,
}

impl CancelGuard {
    pub(crate) fn disarm(&mut self) {
        self.run_id = None;
    }
}

impl Drop for CancelGuard {
    fn drop(&mut self) {
        if let Some(run_id) = self.run_id.take() {
            let (runner, db) = (self.runner.clone(), self.db.clone());
            tokio::spawn(async move {
                if let Err(err) = runner.cancel(&db, &run_id).await {
                    tracing::warn!(%err, run_id, "sql runner: cancelling a run whose client left failed");
                }
            });
        }
    }
}

/// The runner of one mounted rubbie: its pools, made on first use, and the cancel flags of the
/// runs going on in this instance.
#[derive(Default)]
pub(crate) struct Runner {
    pools: OnceCell<Pools>,
    local: Mutex<HashMap<String, Arc<AtomicBool>>>,
}

enum Pools {
    /// `shared`: an in-memory database, which exists only on the host's one connection.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        shared: bool,
    },
    Postgres(PgPool),
    Mysql {
        pool: MySqlPool,
        mariadb: bool,
    },
}

impl Runner {
    async fn pools(&self, db: &Database) -> Result<&Pools> {
        self.pools
            .get_or_try_init(|| async {
                let size = super::RUNS_PER_INSTANCE;
                Ok(match db {
                    Database::Sqlite(main) => {
                        let options = (*main.connect_options()).clone();
                        // sqlx has no getter for it; the options' Debug output says.
                        if format!("{options:?}").contains("in_memory: true") {
                            Pools::Sqlite { read: main.clone(), write: main.clone(), shared: true }
                        } else {
                            let pool = |o| {
                                SqlitePoolOptions::new()
                                    .max_connections(size)
                                    .acquire_timeout(ACQUIRE_WAIT)
                                    .connect_lazy_with(o)
                            };
                            Pools::Sqlite {
                                read: pool(options.clone().read_only(true)),
                                write: pool(options),
                                shared: false,
                            }
                        }
                    }
                    Database::Postgres(main) => Pools::Postgres(
                        PgPoolOptions::new()
                            .max_connections(size)
                            .acquire_timeout(ACQUIRE_WAIT)
                            .connect_lazy_with((*main.connect_options()).clone().application_name("rubbie sql")),
                    ),
                    Database::Mysql(main) => {
                        let version: String = sqlx::query_scalar("SELECT VERSION()").fetch_one(main).await?;
                        Pools::Mysql {
                            pool: MySqlPoolOptions::new()
                                .max_connections(size)
                                .acquire_timeout(ACQUIRE_WAIT)
                                .connect_lazy_with((*main.connect_options()).clone()),
                            mariadb: version.contains("MariaDB"),
                        }
                    }
                })
            })
            .await
    }

    /// Whether the MySQL server is MariaDB (its EXPLAIN and time limit differ).
    pub(crate) async fn is_mariadb(&self, db: &Database) -> Result<bool> {
        Ok(matches!(self.pools(db).await?, Pools::Mysql { mariadb: true, .. }))
    }

    /// Records `job` in the history and starts it in a task of its own, so a client that goes
    /// away cannot leave a statement half-handled: the run still ends and is recorded.
    pub(crate) async fn start(self: &Arc<Self>, db: &Database, job: Job) -> Result<Started> {
        self.pools(db).await?;
        let new = history::NewRun {
            run_id: &job.run_id,
            user_id: job.user_id,
            mode: job.mode.as_str(),
            explain: job.explain.map(Explain::as_str),
            sql: job.statement(),
            timeout_ms: job.timeout.as_millis() as i64,
        };
        history::start(db, &new, super::RUNS_PER_USER).await?;
        let flag = Arc::new(AtomicBool::new(false));
        self.lock_local().insert(job.run_id.clone(), flag.clone());
        let (columns_tx, columns) = oneshot::channel();
        let (rows_tx, rows) = mpsc::channel(ROWS_IN_FLIGHT);
        let cancel_on_drop = CancelGuard { runner: self.clone(), db: db.clone(), run_id: Some(job.run_id.clone()) };
        let explain = job.explain.is_some();
        let (runner, db) = (self.clone(), db.clone());
        let done = tokio::spawn(async move {
            let begun = Instant::now();
            let out = Out { columns: Some(columns_tx), rows: rows_tx };
            let result = runner.run(&db, &job, &flag, out).await;
            runner.lock_local().remove(&job.run_id);
            let ended = match &result {
                Ok(s) => history::Ended {
                    status: "succeeded",
                    elapsed_ms: s.elapsed.as_millis() as i64,
                    row_count: Some(s.rows as i64),
                    rows_affected: Some(s.rows_affected as i64),
                    error: None,
                },
                Err(err) => history::Ended {
                    status: match err {
                        Error::Timeout(_) => "timeout",
                        Error::Cancelled(_) => "cancelled",
                        _ => "failed",
                    },
                    elapsed_ms: begun.elapsed().as_millis() as i64,
                    row_count: None,
                    rows_affected: None,
                    error: Some(err.to_string()),
                },
            };
            if let Err(err) = history::finish(&db, &job.run_id, job.user_id, ended).await {
                tracing::warn!(%err, run_id = job.run_id, "sql runner: the history row was not updated");
            }
            result
        });
        Ok(Started { columns, rows, done, cancel_on_drop, explain })
    }

    fn lock_local(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<AtomicBool>>> {
        self.local.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Stops run `run_id` wherever it runs. False when it is not running (any more).
    pub(crate) async fn cancel(&self, db: &Database, run_id: &str) -> Result<bool> {
        let Some(running) = history::request_cancel(db, run_id).await? else {
            return Ok(false);
        };
        if let Some(flag) = self.lock_local().get(run_id) {
            flag.store(true, Ordering::SeqCst);
        }
        if let Some(pid) = running.backend_pid {
            stop_on_server(db, run_id, pid).await;
        }
        Ok(true)
    }

    async fn run(&self, db: &Database, job: &Job, flag: &Arc<AtomicBool>, out: Out) -> Result<Summary> {
        let deadline = Instant::now() + job.timeout;
        let pools = self.pools(db).await?;
        let pid_slot = std::sync::OnceLock::new();
        let work = async {
            match pools {
                Pools::Postgres(pool) => {
                    let begin = if job.mode == Mode::Read { "BEGIN READ ONLY" } else { "BEGIN" };
                    let setup = Setup::Postgres { timeout: job.timeout, run_id: job.run_id.clone() };
                    drive::<Postgres>(db, checkout(pool, true).await?, begin, setup, job, &pid_slot, out).await
                }
                Pools::Mysql { pool, mariadb } => {
                    let begin = if job.mode == Mode::Read { "START TRANSACTION READ ONLY" } else { "BEGIN" };
                    let setup = Setup::Mysql { timeout: job.timeout, mariadb: *mariadb, read: job.mode == Mode::Read };
                    drive::<MySql>(db, checkout(pool, true).await?, begin, setup, job, &pid_slot, out).await
                }
                Pools::Sqlite { read, write, shared } => {
                    let pool = if job.mode == Mode::Read { read } else { write };
                    let begin = if job.mode == Mode::Write { "BEGIN IMMEDIATE" } else { "BEGIN" };
                    let read_only = *shared && job.mode == Mode::Read;
                    let setup = Setup::Sqlite { deadline, flag: flag.clone(), read_only };
                    drive::<Sqlite>(db, checkout(pool, !shared).await?, begin, setup, job, &pid_slot, out).await
                }
            }
        };
        let watchdog = async {
            // A cancel made on any instance reaches the run through its history row. SQLite's
            // progress handler stops at the flag; PostgreSQL and MySQL are told from here as
            // long as the run lasts, since a cancel that lands before the statement starts
            // executing (or before its connection is known) does nothing on the server.
            while Instant::now() < deadline {
                tokio::time::sleep(CANCEL_POLL).await;
                if !flag.load(Ordering::SeqCst) && history::cancel_requested(db, &job.run_id).await.unwrap_or(false) {
                    flag.store(true, Ordering::SeqCst);
                }
                if flag.load(Ordering::SeqCst)
                    && let Some(&pid) = pid_slot.get()
                {
                    stop_on_server(db, &job.run_id, pid).await;
                }
            }
            tokio::time::sleep_until((deadline + GRACE).into()).await;
            if let Some(&pid) = pid_slot.get() {
                stop_on_server(db, &job.run_id, pid).await;
            }
            tokio::time::sleep(HARD_GRACE).await;
        };
        let outcome = tokio::select! {
            result = work => result,
            // The statement outlived every way of stopping it: its connection is dropped (closed).
            () = watchdog => Err(Error::Timeout(timeout_message(job))),
        };
        match outcome {
            Err(Error::Database(err)) if is_interrupt(&err) => {
                let cancelled =
                    flag.load(Ordering::SeqCst) || history::cancel_requested(db, &job.run_id).await.unwrap_or(false);
                Err(if cancelled {
                    Error::Cancelled("the statement was cancelled".into())
                } else {
                    Error::Timeout(timeout_message(job))
                })
            }
            Err(Error::Database(err)) if !crate::db::errors::is_unreachable(&err) => Err(sql_error(job, err)),
            other => other,
        }
    }
}

fn timeout_message(job: &Job) -> String {
    format!("the statement ran longer than its limit of {} ms and was stopped", job.timeout.as_millis())
}

/// PostgreSQL's query_canceled (timeout or cancel), MySQL's interrupted query and time limits,
/// SQLite's SQLITE_INTERRUPT.
fn is_interrupt(err: &sqlx::Error) -> bool {
    let sqlx::Error::Database(db_err) = err else {
        return false;
    };
    if let Some(mysql) = db_err.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        return matches!(mysql.number(), 1317 | 1969 | 3024);
    }
    if db_err.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
        return db_err.code().as_deref() == Some("9") || db_err.message() == "interrupted";
    }
    db_err.code().as_deref() == Some("57014")
}

/// The database's refusal as a 400, with the line and column PostgreSQL points at (its
/// position counts characters of what was sent, EXPLAIN included) and the line MySQL names.
fn sql_error(job: &Job, err: sqlx::Error) -> Error {
    let sqlx::Error::Database(db_err) = &err else {
        return err.into();
    };
    let message = db_err.message().to_owned();
    let mut sqlstate = db_err.code().map(|c| c.into_owned());
    let mut at: Option<(u32, Option<u32>)> = None;
    let before: &str = &job.submitted[..job.statement.start];
    if let Some(pg) = db_err.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
        if let Some(sqlx::postgres::PgErrorPosition::Original(chars)) = pg.position() {
            let in_statement = chars.saturating_sub(1).saturating_sub(job.prefix.chars().count());
            let upto: String = before.chars().chain(job.statement().chars().take(in_statement)).collect();
            let line = upto.matches('\n').count() as u32 + 1;
            let column = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u32 + 1;
            at = Some((line, Some(column)));
        }
    } else if let Some(mysql) = db_err.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
        sqlstate = Some(mysql.number().to_string());
        if let Some(n) = message.rsplit("at line ").next().and_then(|n| n.trim().parse::<u32>().ok()) {
            at = Some((before.matches('\n').count() as u32 + n, None));
        }
    }
    Error::Sql { message, sqlstate, line: at.map(|a| a.0), column: at.and_then(|a| a.1) }
}

/// Cancels a statement from another connection. PostgreSQL checks that the connection still
/// runs this run (its `application_name`); MySQL connection ids are never reused by the runner
/// (one connection per run); SQLite stops through the flag its progress handler reads.
async fn stop_on_server(db: &Database, run_id: &str, pid: i64) {
    let stopped = match db {
        Database::Postgres(main) => {
            sqlx::query("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND application_name = $2")
                .bind(pid as i32)
                .bind(application_name(run_id))
                .execute(main)
                .await
                .map(drop)
        }
        Database::Mysql(main) => {
            sqlx::raw_sql(AssertSqlSafe(format!("KILL QUERY {pid}"))).execute(main).await.map(drop)
        }
        Database::Sqlite(_) => Ok(()),
    };
    if let Err(err) = stopped {
        // The statement may have ended in between (MySQL: unknown thread id).
        tracing::debug!(%err, run_id, "sql runner: cancel on the server did nothing");
    }
}

/// One line for the audit log: the statement's start.
fn summary_of(sql: &str) -> String {
    let flat = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 200 { format!("{}…", flat.chars().take(200).collect::<String>()) } else { flat }
}

/// Where a run's output goes.
struct Out {
    columns: Option<oneshot::Sender<Vec<ResultColumn>>>,
    rows: mpsc::Sender<Vec<Json>>,
}

/// A connection for one run; closed afterwards unless it is the host's only one.
async fn checkout<DB: sqlx::Database>(pool: &sqlx::Pool<DB>, close: bool) -> Result<PoolConnection<DB>> {
    let mut conn = pool.acquire().await.map_err(|err| match err {
        sqlx::Error::PoolTimedOut => {
            Error::RateLimited(format!("the SQL runner is busy ({} runs at once): try again", super::RUNS_PER_INSTANCE))
        }
        other => other.into(),
    })?;
    if close {
        conn.close_on_drop();
    }
    Ok(conn)
}

fn application_name(run_id: &str) -> String {
    format!("rubbie sql {run_id}")
}

/// What a backend sets up on the run's connection before the statement.
enum Setup {
    Postgres { timeout: Duration, run_id: String },
    Mysql { timeout: Duration, mariadb: bool, read: bool },
    Sqlite { deadline: Instant, flag: Arc<AtomicBool>, read_only: bool },
}

/// The backend-specific parts of a run.
trait RunnerDb: sqlx::Database<Row: Cells> {
    /// Sets the time limit; returns the server's id of the connection (what a cancel stops).
    fn setup(conn: &mut Self::Connection, setup: &Setup) -> impl Future<Output = Result<Option<i64>>> + Send;
    /// Undoes what `setup` set on a connection that is kept.
    fn teardown(conn: &mut Self::Connection, setup: &Setup) -> impl Future<Output = ()> + Send;
    fn affected(done: &Self::QueryResult) -> u64;
    fn wrap(tx: Transaction<'static, Self>) -> Tx;
}

impl RunnerDb for Postgres {
    async fn setup(conn: &mut sqlx::PgConnection, setup: &Setup) -> Result<Option<i64>> {
        let Setup::Postgres { timeout, run_id } = setup else { unreachable!("setup of another backend") };
        let ms = timeout.as_millis().to_string();
        // One round trip; `true`: the settings end with the transaction. Taking a snapshot here
        // also makes a later `SET TRANSACTION READ WRITE` fail.
        let pid: i32 = sqlx::query_scalar(
            "SELECT pg_backend_pid() FROM (SELECT set_config('statement_timeout', $1, true), \
             set_config('lock_timeout', $2, true), set_config('application_name', $3, true)) AS s",
        )
        .bind(&ms)
        .bind(timeout.min(&Duration::from_secs(3)).as_millis().to_string())
        .bind(application_name(run_id))
        .fetch_one(&mut *conn)
        .await?;
        Ok(Some(i64::from(pid)))
    }

    async fn teardown(_: &mut sqlx::PgConnection, _: &Setup) {}

    fn affected(done: &sqlx::postgres::PgQueryResult) -> u64 {
        done.rows_affected()
    }

    fn wrap(tx: Transaction<'static, Postgres>) -> Tx {
        Tx::Postgres(tx)
    }
}

impl RunnerDb for MySql {
    async fn setup(conn: &mut sqlx::MySqlConnection, setup: &Setup) -> Result<Option<i64>> {
        let Setup::Mysql { timeout, mariadb, read } = setup else { unreachable!("setup of another backend") };
        if *read {
            // DDL commits the READ ONLY transaction before it runs; the session's next
            // transactions are read-only too, so it is refused all the same.
            sqlx::raw_sql("SET SESSION TRANSACTION READ ONLY").execute(&mut *conn).await?;
        }
        // MariaDB limits every statement (seconds); MySQL only SELECTs (milliseconds), and the
        // watchdog's KILL QUERY covers the rest.
        let limit = if *mariadb {
            format!("SET SESSION max_statement_time = {}", timeout.as_secs_f64())
        } else {
            format!("SET SESSION max_execution_time = {}", timeout.as_millis())
        };
        sqlx::raw_sql(AssertSqlSafe(limit)).execute(&mut *conn).await?;
        let id: u64 = sqlx::query_scalar("SELECT CONNECTION_ID()").fetch_one(&mut *conn).await?;
        Ok(Some(id as i64))
    }

    async fn teardown(_: &mut sqlx::MySqlConnection, _: &Setup) {}

    fn affected(done: &sqlx::mysql::MySqlQueryResult) -> u64 {
        done.rows_affected()
    }

    fn wrap(tx: Transaction<'static, MySql>) -> Tx {
        Tx::Mysql(tx)
    }
}

impl RunnerDb for Sqlite {
    async fn setup(conn: &mut sqlx::SqliteConnection, setup: &Setup) -> Result<Option<i64>> {
        let Setup::Sqlite { deadline, flag, read_only } = setup else { unreachable!("setup of another backend") };
        let (deadline, flag) = (*deadline, flag.clone());
        conn.lock_handle()
            .await?
            .set_progress_handler(PROGRESS_STEPS, move || !flag.load(Ordering::Relaxed) && Instant::now() < deadline);
        if *read_only {
            sqlx::raw_sql("PRAGMA query_only = ON").execute(&mut *conn).await?;
        }
        Ok(None)
    }

    async fn teardown(conn: &mut sqlx::SqliteConnection, setup: &Setup) {
        if let Setup::Sqlite { read_only, .. } = setup {
            if let Ok(mut handle) = conn.lock_handle().await {
                handle.remove_progress_handler();
            }
            if *read_only {
                let _ = sqlx::raw_sql("PRAGMA query_only = OFF").execute(&mut *conn).await;
            }
        }
    }

    fn affected(done: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        done.rows_affected()
    }

    fn wrap(tx: Transaction<'static, Sqlite>) -> Tx {
        Tx::Sqlite(tx)
    }
}

/// The run on its connection: begin, set up, prepare (columns), stream, then commit a write
/// with its audit entry, or roll back.
async fn drive<DB: RunnerDb>(
    db: &Database,
    conn: PoolConnection<DB>,
    begin: &'static str,
    setup: Setup,
    job: &Job,
    pid_slot: &std::sync::OnceLock<i64>,
    mut out: Out,
) -> Result<Summary>
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let started = Instant::now();
    let mut tx = Transaction::begin(conn, Some(AssertSqlSafe(begin).into_sql_str())).await?;
    if let Some(pid) = DB::setup(&mut tx, &setup).await? {
        pid_slot.set(pid).ok();
        history::set_backend_pid(db, &job.run_id, pid).await?;
    }
    let produced = stream::<DB>(&mut tx, job, &mut out).await;
    DB::teardown(&mut tx, &setup).await;
    let produced = produced?;
    if produced.stopped_early && job.mode == Mode::Read {
        // Rather than read every remaining row off the wire, stop the statement.
        if let Some(&pid) = pid_slot.get() {
            stop_on_server(db, &job.run_id, pid).await;
        }
        let _ = tx.rollback().await;
    } else if job.mode == Mode::Write && job.explain.is_none() {
        let mut tx = DB::wrap(tx);
        let entry = Entry::new(Category::Sql, "run", summary_of(job.statement())).detail(serde_json::json!({
            "sql": job.statement(),
            "rows_affected": produced.rows_affected,
            "rows": produced.rows,
        }));
        audit::record(&mut tx, &job.actor, vec![entry]).await?;
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(Summary { elapsed: started.elapsed(), ..produced })
}

/// Prepares the statement (the server refuses several commands and reports the columns), then
/// runs it over the text protocol and hands the rows to the reader.
async fn stream<DB: RunnerDb>(conn: &mut DB::Connection, job: &Job, out: &mut Out) -> Result<Summary>
where
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let text = format!("{}{}", job.prefix, job.statement());
    let prepared = sqlx::Executor::prepare(&mut *conn, AssertSqlSafe(text.clone()).into_sql_str()).await?;
    let columns: Vec<ResultColumn> = prepared
        .columns()
        .iter()
        .map(|c| ResultColumn { name: c.name().to_owned(), type_name: c.type_info().name().to_owned() })
        .collect();
    let kinds: Vec<Kind> = columns.iter().map(|c| Kind::of(&c.type_name)).collect();
    if let Some(tx) = out.columns.take() {
        let _ = tx.send(columns);
    }
    let mut summary = Summary { rows: 0, rows_affected: 0, stopped_early: false, elapsed: Duration::ZERO };
    let mut items = sqlx::raw_sql(AssertSqlSafe(text)).fetch_many(&mut *conn);
    while let Some(item) = items.try_next().await? {
        match item {
            Either::Left(done) => summary.rows_affected += DB::affected(&done),
            Either::Right(row) => {
                summary.rows += 1;
                if summary.stopped_early {
                    continue; // a write runs to its end; the rows past the reader are counted only
                }
                if out.rows.send(row.cells(&kinds)?).await.is_err() {
                    summary.stopped_early = true;
                    if job.mode == Mode::Read || job.explain.is_some() {
                        break;
                    }
                }
            }
        }
    }
    Ok(summary)
}
