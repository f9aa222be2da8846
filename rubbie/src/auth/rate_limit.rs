//! Sign-in attempts are counted per account (per typed name when no account matches); past the
//! limit the login answers 429 until the window has passed, so passwords cannot be guessed at
//! speed. Keys are resolved accounts, so collation tricks ("admin " or "ÁDMIN" finding the same
//! row on MySQL) share one budget.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) struct LoginLimiter {
    attempts: u32,
    window: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginLimiter {
    pub(crate) fn new(attempts: u32, window: Duration) -> Self {
        LoginLimiter { attempts, window, failures: Mutex::new(HashMap::new()) }
    }

    /// Counts an attempt for `key` and says whether it is within the limit. Attempts are
    /// counted before the password is checked, so parallel requests cannot slip past the limit.
    pub(crate) fn attempt(&self, key: &str) -> bool {
        let mut map = self.failures.lock().expect("limiter lock");
        // Bound memory under a flood of made-up usernames.
        if map.len() > 10_000 {
            map.retain(|_, (_, since)| since.elapsed() < self.window);
        }
        let entry = map.entry(key.to_owned()).or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        if entry.0 >= self.attempts {
            return false;
        }
        entry.0 += 1;
        true
    }

    /// A successful sign-in forgets the key's attempts.
    pub(crate) fn succeeded(&self, username: &str) {
        self.failures.lock().expect("limiter lock").remove(&username.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_forgets_on_success() {
        let limiter = LoginLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.attempt("user:1"));
        assert!(limiter.attempt("user:1"));
        assert!(!limiter.attempt("user:1"));
        assert!(limiter.attempt("user:2"));
        limiter.succeeded("user:1");
        assert!(limiter.attempt("user:1"));
    }
}
