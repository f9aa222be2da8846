//! The host's migrations as rubbie knows them: what `sqlx::migrate!()` embedded, plus files in
//! `migrations_dir` that are newer than the build (written by the console, or not yet embedded).

use std::collections::BTreeMap;

use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::config::MigrationsConfig;
use crate::error::Result;

/// One version: its up and (if reversible) down migration.
#[derive(Clone, Debug)]
pub(crate) struct Known {
    pub description: String,
    pub up: Migration,
    pub down: Option<Migration>,
    /// Embedded in the host's build; false for a file only found in `migrations_dir`.
    pub embedded: bool,
}

impl Known {
    pub(crate) fn checksum_hex(&self) -> String {
        hex::encode(&*self.up.checksum)
    }
}

/// The catalogue by version, and why the directory could not be read, if it could not.
pub(crate) struct Catalog {
    pub versions: BTreeMap<i64, Known>,
    pub directory_error: Option<String>,
}

/// Reads the embedded migrations and `migrations_dir` (on a blocking thread).
pub(crate) async fn load(config: &MigrationsConfig) -> Result<Catalog> {
    let mut versions = config.migrator.map(|m| group(m.iter().cloned(), true)).unwrap_or_default();
    let mut directory_error = None;
    if let Some(dir) = config.dir.clone() {
        match Migrator::new(dir).await {
            Ok(found) => {
                // What the host embedded is what its own `migrator.run()` applies: it wins.
                for (version, known) in group(found.iter().cloned(), false) {
                    versions.entry(version).or_insert(known);
                }
            }
            Err(err) => directory_error = Some(err.to_string()),
        }
    }
    Ok(Catalog { versions, directory_error })
}

/// Pairs each version's up and down files.
fn group(migrations: impl Iterator<Item = Migration>, embedded: bool) -> BTreeMap<i64, Known> {
    let mut ups = BTreeMap::new();
    let mut downs = BTreeMap::new();
    for m in migrations {
        match m.migration_type {
            MigrationType::ReversibleDown => downs.insert(m.version, m),
            MigrationType::Simple | MigrationType::ReversibleUp => ups.insert(m.version, m),
        };
    }
    ups.into_iter()
        .map(|(version, up)| {
            let known = Known { description: up.description.to_string(), down: downs.remove(&version), up, embedded };
            (version, known)
        })
        .collect()
}
