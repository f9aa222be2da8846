//! What a run will do, decided before any SQL runs: the steps of an apply or a rollback, or the
//! refusal (409) that explains why not.

use serde::{Deserialize, Serialize};
use sqlx::migrate::Migration;
use utoipa::ToSchema;

use super::catalog::Catalog;
use super::status::{MigrationInfo, Status};
use crate::error::{Error, Result};

/// What a run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Apply every pending migration, or those up to `target`.
    Apply,
    /// Roll back the newest applied migration, or every one above `target`.
    Rollback,
    /// Recovery: record the failed migration `target` as applied (its SQL was finished by hand).
    MarkApplied,
    /// Recovery: forget the failed migration `target`, so it is pending again.
    Clear,
}

impl Action {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Action::Apply => "apply",
            Action::Rollback => "rollback",
            Action::MarkApplied => "mark_applied",
            Action::Clear => "clear",
        }
    }
}

/// `up` or `down`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Applying.
    Up,
    /// Rolling back.
    Down,
}

impl Direction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
        }
    }
}

/// One step of a plan.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    pub version: i64,
    pub description: String,
    pub direction: Direction,
    /// The migration to run (for recovery actions: the up migration, never run).
    pub migration: Migration,
}

/// The steps `action` takes from the state in `statuses`.
pub(crate) fn plan(
    catalog: &Catalog,
    statuses: &[MigrationInfo],
    action: Action,
    target: Option<i64>,
    ignore_missing: bool,
) -> Result<Vec<Step>> {
    if let Some(t) = target
        && !statuses.iter().any(|m| m.version == t)
        && !(action == Action::Rollback && t == 0)
    {
        return Err(Error::NotFound(format!("no migration with version {t}")));
    }
    let of = |status: Status| statuses.iter().filter(move |m| m.status == status);
    let step = |version: i64, direction: Direction| -> Result<Step> {
        let known = catalog.versions.get(&version).ok_or_else(|| {
            Error::conflict(format!("migration {version} is applied in the database but unknown to the host"))
        })?;
        let migration = match direction {
            Direction::Up => known.up.clone(),
            Direction::Down => known.down.clone().ok_or_else(|| {
                Error::conflict(format!(
                    "migration {version} ({}) has no down migration: cannot roll back past it",
                    known.description
                ))
            })?,
        };
        Ok(Step { version, description: known.description.clone(), direction, migration })
    };
    match action {
        Action::Apply | Action::Rollback => {
            if let Some(failed) = of(Status::Failed).next() {
                return Err(Error::conflict(format!(
                    "migration {} failed: mark it applied or clear it before running migrations",
                    failed.version
                )));
            }
            if let Some(changed) = of(Status::Mismatch).next() {
                return Err(Error::conflict(format!(
                    "migration {} was changed after it was applied (checksums differ): restore the applied file first",
                    changed.version
                )));
            }
            if !ignore_missing && let Some(missing) = of(Status::Missing).next() {
                return Err(Error::conflict(format!(
                    "migration {} is applied in the database but unknown to the host",
                    missing.version
                )));
            }
        }
        Action::MarkApplied | Action::Clear => {
            // without a target: the failed migration (sqlx stops at the first, so there is one)
            let info = match target {
                Some(t) => statuses.iter().find(|m| m.version == t).expect("checked above"),
                None => of(Status::Failed).next().ok_or_else(|| Error::conflict("no migration has failed"))?,
            };
            let t = info.version;
            if info.status != Status::Failed {
                return Err(Error::conflict(format!("migration {t} has not failed (it is {:?})", info.status)));
            }
            let known = catalog.versions.get(&t);
            if action == Action::MarkApplied && known.is_none() {
                return Err(Error::conflict(format!("migration {t} is unknown to the host: clear it instead")));
            }
            // A dirty row unknown to the host can still be cleared: nothing of it ever runs.
            let migration = known.map(|k| k.up.clone()).unwrap_or_else(|| {
                let empty = sqlx::SqlSafeStr::into_sql_str("");
                Migration::new(t, info.description.clone().into(), sqlx::migrate::MigrationType::Simple, empty, false)
            });
            return Ok(vec![Step {
                version: t,
                description: info.description.clone(),
                direction: Direction::Up,
                migration,
            }]);
        }
    }
    let steps: Vec<Step> = match action {
        Action::Apply => statuses
            .iter()
            .filter(|m| matches!(m.status, Status::Pending | Status::OutOfOrder))
            .filter(|m| target.is_none_or(|t| m.version <= t))
            .map(|m| step(m.version, Direction::Up))
            .collect::<Result<_>>()?,
        _ => {
            let applied: Vec<&MigrationInfo> =
                statuses.iter().rev().filter(|m| matches!(m.status, Status::Applied | Status::Missing)).collect();
            let chosen: Vec<&MigrationInfo> = match target {
                None => applied.into_iter().take(1).collect(),
                Some(t) => applied.into_iter().filter(|m| m.version > t).collect(),
            };
            chosen.into_iter().map(|m| step(m.version, Direction::Down)).collect::<Result<_>>()?
        }
    };
    if steps.is_empty() {
        let what = if action == Action::Apply { "no pending migrations" } else { "no applied migrations" };
        return Err(Error::conflict(format!(
            "nothing to do: {what}{}",
            target.map(|t| format!(" for target {t}")).unwrap_or_default()
        )));
    }
    Ok(steps)
}
