//! Sign-in attempts are counted per account (per typed name when no account matches); past the
//! limit the login answers 429 until the window has passed, so passwords cannot be guessed at
//! speed. Keys are resolved accounts, so collation tricks ("admin " or "ÁDMIN" finding the same
//! row on MySQL) share one budget. The counts live in `rubbie_login_attempts`, so every instance
//! of the host shares one budget per account.

use std::time::Duration;

use sea_query::{Expr, ExprTrait, Query};

use crate::db::Database;
use crate::db::exec::Executor;
use crate::error::Result;

const TABLE: &str = "rubbie_login_attempts";

pub(crate) struct LoginLimiter {
    attempts: u32,
    window: Duration,
}

impl LoginLimiter {
    pub(crate) fn new(attempts: u32, window: Duration) -> Self {
        LoginLimiter { attempts, window }
    }

    /// Counts an attempt for `key` and says whether it is within the limit. Attempts are
    /// counted before the password is checked, and each count is one atomic UPDATE, so parallel
    /// requests (to any instance) cannot slip past the limit.
    pub(crate) async fn attempt(&self, db: &Database, key: &str) -> Result<bool> {
        let key = crate::auth::password::secret_hash(key);
        let now = crate::auth::now();
        let expired = now - self.window.as_secs() as i64;
        // A window that has passed starts again at one attempt.
        let count = Query::update()
            .table(TABLE)
            .value(
                "attempts",
                Expr::case(Expr::col("window_start").lte(expired), 1).finally(Expr::col("attempts").add(1)),
            )
            .value(
                "window_start",
                Expr::case(Expr::col("window_start").lte(expired), now).finally(Expr::col("window_start")),
            )
            .and_where(Expr::col("key_hash").eq(key.as_str()))
            .to_owned();
        let mut counted = db.pooled().execute(&count).await?.rows_affected > 0;
        if !counted {
            // Expired rows of other keys go now, so the table stays as small as the window.
            db.pooled()
                .execute(
                    &Query::delete().from_table(TABLE).and_where(Expr::col("window_start").lte(expired)).to_owned(),
                )
                .await?;
            let first = Query::insert()
                .into_table(TABLE)
                .columns(["key_hash", "attempts", "window_start"])
                .values_panic([key.as_str().into(), 1.into(), now.into()])
                .to_owned();
            // Another request may have inserted the row a moment ago: count on it instead.
            counted = db.pooled().execute(&first).await.is_ok() || db.pooled().execute(&count).await?.rows_affected > 0;
        }
        let select =
            Query::select().column("attempts").from(TABLE).and_where(Expr::col("key_hash").eq(key.as_str())).to_owned();
        let attempts = db.pooled().fetch_integers(&select).await?.first().copied().unwrap_or(i64::MAX);
        Ok(counted && attempts <= i64::from(self.attempts))
    }

    /// A successful sign-in forgets the key's attempts.
    pub(crate) async fn succeeded(&self, db: &Database, key: &str) -> Result<()> {
        let key = crate::auth::password::secret_hash(key);
        db.pooled()
            .execute(&Query::delete().from_table(TABLE).and_where(Expr::col("key_hash").eq(key)).to_owned())
            .await?;
        Ok(())
    }
}
