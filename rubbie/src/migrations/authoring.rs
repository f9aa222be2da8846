//! "Save as migration": SQL written in the console becomes a new migration in `migrations_dir`.
//! The files are staged under names sqlx ignores, the up SQL runs as an ordinary console run
//! (the lock, the log, the audit entry, sqlx's own `apply`), and only when it succeeded are the
//! files renamed into place, so a statement that failed never leaves a file behind and one that
//! ran is listed as applied with the checksum `sqlx::migrate!()` will compute from the file.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType};

use super::plan::{Direction, Step};
use crate::error::{Error, FieldErrors, Result};

/// The longest name, in characters (it becomes part of a file name).
const MAX_NAME: usize = 64;

/// A migration to write, as the request gives it.
pub(crate) struct Draft {
    /// Lower-case letters, digits and underscores: `add_order_notes`.
    pub name: String,
    pub up_sql: String,
    /// `None` with `irreversible`.
    pub down_sql: Option<String>,
}

/// Checks a draft before anything is locked or written.
pub(crate) fn validate(name: &str, up: &str, down: Option<&str>, irreversible: bool) -> Result<()> {
    let mut fields = FieldErrors::new();
    let mut bad = |field: &str, message: String| fields.entry(field.to_owned()).or_default().push(message);
    let name_ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !name.starts_with('_');
    if !name_ok {
        bad("name", format!("1–{MAX_NAME} lower-case letters, digits and underscores, not starting with one"));
    }
    for (field, sql) in [("up_sql", Some(up)), ("down_sql", down)] {
        match sql {
            Some(s) if s.trim().is_empty() => bad(field, "empty".into()),
            Some(s) if s.chars().count() > crate::sql::MAX_SQL_CHARS => {
                bad(field, format!("at most {} characters", crate::sql::MAX_SQL_CHARS))
            }
            _ => {}
        }
    }
    match (down.is_some(), irreversible) {
        (false, false) => bad("down_sql", "give the SQL that undoes it, or mark the migration irreversible".into()),
        (true, true) => bad("irreversible", "an irreversible migration has no down SQL".into()),
        _ => {}
    }
    if fields.is_empty() { Ok(()) } else { Err(Error::fields("migration", fields)) }
}

/// The next version: the current UTC time as `YYYYMMDDHHMMSS` (what `sqlx migrate add` uses),
/// or one past the newest known version when that is later.
pub(crate) fn next_version(newest: Option<i64>) -> i64 {
    let now = time::OffsetDateTime::now_utc();
    let stamp = format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second()
    );
    let stamp: i64 = stamp.parse().unwrap_or(0);
    newest.map_or(stamp, |n| stamp.max(n.saturating_add(1)))
}

/// The step the run takes: the up migration exactly as sqlx will read it back from the file
/// (description from the name, `-- no-transaction` detected the same way).
pub(crate) fn step(version: i64, draft: &Draft) -> Step {
    let description = draft.name.replace('_', " ");
    let no_tx = draft.up_sql.starts_with("-- no-transaction");
    let migration = Migration::new(
        version,
        Cow::Owned(description.clone()),
        MigrationType::ReversibleUp,
        sqlx::AssertSqlSafe(draft.up_sql.clone()).into_sql_str(),
        no_tx,
    );
    Step { version, description, direction: Direction::Up, migration }
}

/// Files written under temporary names, to publish or discard when the run ends.
#[derive(Debug)]
pub(crate) struct Staged {
    /// (temporary, final) paths.
    files: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    /// The final paths, for the response and the run's log.
    pub(crate) fn targets(&self) -> Vec<String> {
        self.files.iter().map(|(_, to)| to.display().to_string()).collect()
    }

    /// Writes the draft's files under names sqlx skips (no `.sql` ending). 409 when a file of
    /// that version exists or the directory cannot be written.
    pub(crate) async fn write(dir: &Path, version: i64, draft: &Draft) -> Result<Staged> {
        let mut contents = vec![("up", draft.up_sql.clone())];
        if let Some(down) = &draft.down_sql {
            contents.push(("down", down.clone()));
        }
        let dir = dir.to_owned();
        let name = draft.name.clone();
        tokio::task::spawn_blocking(move || {
            let mut files = Vec::new();
            for (kind, sql) in contents {
                let to = dir.join(format!("{version}_{name}.{kind}.sql"));
                let tmp = dir.join(format!(".rubbie-{version}-{kind}.partial"));
                let staged = Staged { files: files.clone() };
                if to.exists() {
                    staged.discard_now();
                    return Err(Error::conflict(format!("{} exists already", to.display())));
                }
                if let Err(err) = write_synced(&tmp, &sql) {
                    staged.discard_now();
                    let _ = std::fs::remove_file(&tmp);
                    return Err(Error::conflict(format!("cannot write to {}: {err}", dir.display())));
                }
                files.push((tmp, to));
            }
            Ok(Staged { files })
        })
        .await
        .map_err(|e| Error::internal(format!("writing the migration files: {e}")))?
    }

    /// Renames the files into place (the run's SQL succeeded).
    pub(crate) async fn publish(self) -> Result<()> {
        tokio::task::spawn_blocking(move || {
            for (tmp, to) in &self.files {
                std::fs::rename(tmp, to).map_err(|e| {
                    Error::internal(format!("cannot rename {} to {}: {e}", tmp.display(), to.display()))
                })?;
            }
            Ok(())
        })
        .await
        .map_err(|e| Error::internal(format!("publishing the migration files: {e}")))?
    }

    /// Removes the staged files (the run failed).
    pub(crate) async fn discard(self) {
        let _ = tokio::task::spawn_blocking(move || self.discard_now()).await;
    }

    fn discard_now(&self) {
        for (tmp, _) in &self.files {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

fn write_synced(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::fs::File::create(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sql_are_checked() {
        assert!(validate("add_notes", "ALTER TABLE t ADD x INT", Some("ALTER TABLE t DROP x"), false).is_ok());
        assert!(validate("add_notes", "CREATE INDEX i ON t (x)", None, true).is_ok());
        for name in ["", "Add", "add notes", "_x", "a/b", &"x".repeat(65)] {
            assert!(validate(name, "SELECT 1", None, true).is_err(), "{name:?}");
        }
        assert!(validate("x", " ", None, true).is_err());
        assert!(validate("x", "SELECT 1", None, false).is_err(), "neither down SQL nor irreversible");
        assert!(validate("x", "SELECT 1", Some("SELECT 1"), true).is_err(), "both");
    }

    #[test]
    fn versions_follow_the_newest() {
        let now = next_version(None);
        assert!(now > 20_260_101_000_000, "{now}");
        assert_eq!(next_version(Some(now + 10)), now + 11);
        assert!(next_version(Some(1)) >= now);
    }

    #[test]
    fn the_checksum_is_the_files() {
        let draft = Draft { name: "add_notes".into(), up_sql: "ALTER TABLE t ADD x INT;\n".into(), down_sql: None };
        let step = step(7, &draft);
        use sha2::Digest;
        assert_eq!(&*step.migration.checksum, &sha2::Sha384::digest(draft.up_sql.as_bytes())[..]);
        assert_eq!(step.description, "add notes");
    }
}
