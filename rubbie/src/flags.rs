//! Feature flags: stored in `rubbie_flags`, managed from the console, read cheaply by the host.
//!
//! ```no_run
//! # async fn demo(config: rubbie::Config) {
//! let flags = config.flags();
//! if flags.is_enabled("shop.maintenance").await { /* ... */ }
//! # }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use tokio::sync::OnceCell;

use crate::audit::{self, Actor, Category, Entry};
use crate::auth::now;
use crate::db::exec::{Executor, Tx};
use crate::db::internal::{Field, fetch_all, fetch_all_in, fetch_one};
use crate::db::{Database, migrations};
use crate::error::{Error, Result};

/// Another instance's change is seen within this long; this instance's own changes at once.
const CACHE_FOR: Duration = Duration::from_secs(2);

/// A feature flag.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Flag {
    /// Unique name: 1–100 characters of `a-z 0-9 . _ -`.
    pub name: String,
    /// What the flag switches.
    pub description: Option<String>,
    /// Whether it is on.
    pub enabled: bool,
    /// Last change, Unix seconds.
    pub updated_at: i64,
    /// Who made the last change.
    pub updated_by: Option<String>,
}

#[derive(Deserialize)]
struct FlagRow {
    name: String,
    description: Option<String>,
    enabled: i64,
    updated_at: i64,
    updated_by: Option<String>,
}

impl From<FlagRow> for Flag {
    fn from(r: FlagRow) -> Self {
        Flag {
            name: r.name,
            description: r.description,
            enabled: r.enabled != 0,
            updated_at: r.updated_at,
            updated_by: r.updated_by,
        }
    }
}

const FIELDS: [Field<'static>; 5] = [
    ("name", "rubbie_flags", "name"),
    ("description", "rubbie_flags", "description"),
    ("enabled", "rubbie_flags", "enabled"),
    ("updated_at", "rubbie_flags", "updated_at"),
    ("updated_by", "rubbie_flags", "updated_by"),
];

/// Every flag's state at one moment.
type Snapshot = Arc<HashMap<String, bool>>;

/// The host's handle on the feature flags (cheap to clone; shares its cache with the console,
/// so a toggle in the UI is seen by this instance immediately).
#[derive(Clone)]
pub struct Flags(Arc<Inner>);

struct Inner {
    db: Database,
    ready: OnceCell<()>,
    cache: RwLock<Option<(Instant, Snapshot)>>,
}

/// What may change on a flag.
pub(crate) struct FlagChange {
    pub enabled: Option<bool>,
    pub description: Option<Option<String>>,
}

impl Flags {
    pub(crate) fn new(db: Database) -> Self {
        Flags(Arc::new(Inner { db, ready: OnceCell::new(), cache: RwLock::new(None) }))
    }

    /// Whether the flag exists and is on. Answers from memory, re-reading the table at most
    /// every two seconds; a database error counts as "off" (and is logged).
    pub async fn is_enabled(&self, name: &str) -> bool {
        match self.snapshot().await {
            Ok(flags) => flags.get(name).copied().unwrap_or(false),
            Err(err) => {
                tracing::warn!(%err, flag = name, "reading feature flags failed; treating the flag as off");
                false
            }
        }
    }

    async fn snapshot(&self) -> Result<Snapshot> {
        if let Some((at, flags)) = self.0.cache.read().expect("flags cache").as_ref()
            && at.elapsed() < CACHE_FOR
        {
            return Ok(flags.clone());
        }
        let flags: Snapshot = Arc::new(self.list().await?.into_iter().map(|f| (f.name, f.enabled)).collect());
        *self.0.cache.write().expect("flags cache") = Some((Instant::now(), flags.clone()));
        Ok(flags)
    }

    fn invalidate(&self) {
        *self.0.cache.write().expect("flags cache") = None;
    }

    async fn db(&self) -> Result<&Database> {
        self.0.ready.get_or_try_init(|| migrations::run(&self.0.db)).await?;
        Ok(&self.0.db)
    }

    /// Every flag, by name.
    pub async fn list(&self) -> Result<Vec<Flag>> {
        let query = Query::select().from("rubbie_flags").order_by("name", Order::Asc).to_owned();
        let rows: Vec<FlagRow> = fetch_all(self.db().await?, &FIELDS, query).await?;
        Ok(rows.into_iter().map(Flag::from).collect())
    }

    pub(crate) async fn get(&self, name: &str) -> Result<Flag> {
        let query = Query::select().from("rubbie_flags").and_where(Expr::col("name").eq(name)).to_owned();
        let row: Option<FlagRow> = fetch_one(self.db().await?, &FIELDS, query).await?;
        row.map(Flag::from).ok_or_else(|| Error::NotFound(format!("no flag named {name:?}")))
    }

    pub(crate) async fn create(
        &self,
        name: &str,
        description: Option<&str>,
        enabled: bool,
        actor: &Actor,
    ) -> Result<Flag> {
        validate_name(name)?;
        let by = actor.username.clone().unwrap_or_default();
        let insert = Query::insert()
            .into_table("rubbie_flags")
            .columns(["name", "description", "enabled", "updated_at", "updated_by"])
            .values_panic([
                name.into(),
                description.map(str::to_owned).into(),
                i64::from(enabled).into(),
                now().into(),
                by.into(),
            ])
            .to_owned();
        let db = self.db().await?;
        let mut tx = db.begin().await?;
        tx.execute(&insert).await.map_err(|e| e.with_columns(&["name"]))?;
        let flag = Self::get_in(&mut tx, name).await?;
        let state = if enabled { "on" } else { "off" };
        let entry =
            Entry::new(Category::Flag, "create", format!("Created flag {name} ({state})")).object(name).after(&flag);
        audit::record(&mut tx, actor, vec![entry]).await?;
        tx.commit().await?;
        self.invalidate();
        Ok(flag)
    }

    /// The flag as the transaction sees it.
    async fn get_in(tx: &mut Tx, name: &str) -> Result<Flag> {
        let query = Query::select().from("rubbie_flags").and_where(Expr::col("name").eq(name)).to_owned();
        let backend = tx.backend();
        let row: Option<FlagRow> = fetch_all_in(tx, backend, &FIELDS, query).await?.into_iter().next();
        row.map(Flag::from).ok_or_else(|| Error::NotFound(format!("no flag named {name:?}")))
    }

    pub(crate) async fn update(&self, name: &str, change: FlagChange, actor: &Actor) -> Result<Flag> {
        let by = actor.username.clone().unwrap_or_default();
        let db = self.db().await?;
        let mut tx = db.begin().await?;
        // Existence first: MySQL counts only rows whose values changed.
        let before = Self::get_in(&mut tx, name).await?;
        let mut update = Query::update()
            .table("rubbie_flags")
            .values([("updated_at", now().into()), ("updated_by", by.into())])
            .and_where(Expr::col("name").eq(name))
            .to_owned();
        if let Some(enabled) = change.enabled {
            update.value("enabled", i64::from(enabled));
        }
        if let Some(description) = change.description {
            update.value("description", description);
        }
        tx.execute(&update).await?;
        let after = Self::get_in(&mut tx, name).await?;
        let summary = match (before.enabled, after.enabled) {
            (false, true) => format!("Turned flag {name} on"),
            (true, false) => format!("Turned flag {name} off"),
            _ => format!("Changed flag {name}"),
        };
        let entry = Entry::new(Category::Flag, "update", summary).object(name).before(&before).after(&after);
        audit::record(&mut tx, actor, vec![entry]).await?;
        tx.commit().await?;
        self.invalidate();
        Ok(after)
    }

    pub(crate) async fn delete(&self, name: &str, actor: &Actor) -> Result<()> {
        let delete = Query::delete().from_table("rubbie_flags").and_where(Expr::col("name").eq(name)).to_owned();
        let mut tx = self.db().await?.begin().await?;
        let before = Self::get_in(&mut tx, name).await?;
        tx.execute(&delete).await?;
        let entry = Entry::new(Category::Flag, "delete", format!("Deleted flag {name}")).object(name).before(&before);
        audit::record(&mut tx, actor, vec![entry]).await?;
        tx.commit().await?;
        self.invalidate();
        Ok(())
    }
}

fn validate_name(name: &str) -> Result<()> {
    let ok = (1..=100).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
    if ok { Ok(()) } else { Err(Error::field("name", "use 1 to 100 characters of a-z, 0-9, '.', '_' and '-'")) }
}

#[cfg(test)]
mod tests {
    use super::validate_name;

    #[test]
    fn flag_names() {
        assert!(validate_name("shop.maintenance").is_ok());
        assert!(validate_name("a-b_c.1").is_ok());
        assert!(validate_name("").is_err());
        assert!(validate_name("Shop").is_err());
        assert!(validate_name("with space").is_err());
        assert!(validate_name(&"x".repeat(101)).is_err());
    }
}
