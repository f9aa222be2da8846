//! A one-second memory of recent session lookups: a browser fires several requests at once and
//! each would otherwise cost a database round trip before any work starts. This instance forgets
//! an entry at once on sign-out and on any change to users or roles; other instances see such a
//! change within a second.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::CurrentUser;

const TTL: Duration = Duration::from_secs(1);
/// Past this many entries the map is swept (bounded memory under many sessions).
const MAX_ENTRIES: usize = 10_000;

#[derive(Default)]
pub(crate) struct SessionCache {
    entries: Mutex<HashMap<String, (Instant, CurrentUser)>>,
}

impl SessionCache {
    /// The user of a session id, if looked up less than a second ago.
    pub(crate) fn get(&self, session_id: &str) -> Option<CurrentUser> {
        let entries = self.entries.lock().expect("session cache");
        entries.get(session_id).filter(|(at, _)| at.elapsed() < TTL).map(|(_, user)| user.clone())
    }

    pub(crate) fn put(&self, session_id: &str, user: &CurrentUser) {
        let mut entries = self.entries.lock().expect("session cache");
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (at, _)| at.elapsed() < TTL);
        }
        entries.insert(session_id.to_owned(), (Instant::now(), user.clone()));
    }

    pub(crate) fn forget(&self, session_id: &str) {
        self.entries.lock().expect("session cache").remove(session_id);
    }

    /// After a change to users or roles: every cached answer may be stale.
    pub(crate) fn clear(&self) {
        self.entries.lock().expect("session cache").clear();
    }
}
