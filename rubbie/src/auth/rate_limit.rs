//! Failed sign-ins are counted per username; past the limit the login answers 429 until the
//! window has passed, so passwords cannot be guessed at speed.

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
        LoginLimiter {
            attempts,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether this username may try now.
    pub(crate) fn allowed(&self, username: &str) -> bool {
        let mut map = self.failures.lock().expect("limiter lock");
        match map.get(&username.to_lowercase()) {
            Some((count, since)) if since.elapsed() < self.window => *count < self.attempts,
            Some(_) => {
                map.remove(&username.to_lowercase());
                true
            }
            None => true,
        }
    }

    pub(crate) fn failed(&self, username: &str) {
        let mut map = self.failures.lock().expect("limiter lock");
        // Bound memory under a flood of made-up usernames.
        if map.len() > 10_000 {
            map.retain(|_, (_, since)| since.elapsed() < self.window);
        }
        let entry = map
            .entry(username.to_lowercase())
            .or_insert((0, Instant::now()));
        if entry.1.elapsed() >= self.window {
            *entry = (0, Instant::now());
        }
        entry.0 += 1;
    }

    pub(crate) fn succeeded(&self, username: &str) {
        self.failures
            .lock()
            .expect("limiter lock")
            .remove(&username.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_forgets_on_success() {
        let limiter = LoginLimiter::new(2, Duration::from_secs(60));
        assert!(limiter.allowed("Ann"));
        limiter.failed("ann");
        limiter.failed("ANN");
        assert!(!limiter.allowed("ann"));
        assert!(limiter.allowed("bob"));
        limiter.succeeded("ann");
        assert!(limiter.allowed("ann"));
    }
}
