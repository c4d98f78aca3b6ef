//! Bearer tokens already verified. A client sends the same token with every request until it
//! expires; checking its signature and claims again each time costs more than a cheap query.
//! An entry lives no longer than the token itself: the keys are fixed at start, so a token
//! that verified once verifies again until its `exp` (plus the leeway) has passed.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use lru::LruCache;

use super::Viewer;
use crate::sync::lock_cache;

/// Most tokens remembered; the least recently used one makes room for a new one.
const CAPACITY: NonZeroUsize = NonZeroUsize::new(4096).expect("non-zero");
/// Longest token remembered; longer ones are verified each time, so that the cache holds at
/// most `CAPACITY × MAX_TOKEN_BYTES` of tokens.
const MAX_TOKEN_BYTES: usize = 4096;

struct Entry {
    viewer: Viewer,
    /// Last second (Unix time) at which the token is still accepted.
    valid_until: u64,
}

pub(super) struct VerifiedTokens {
    entries: Mutex<LruCache<Box<str>, Entry>>,
}

impl VerifiedTokens {
    pub(super) fn new() -> Self {
        Self { entries: Mutex::new(LruCache::new(CAPACITY)) }
    }

    /// The viewer of a token verified before, unless it has expired since.
    pub(super) fn get(&self, token: &str, now: u64) -> Option<Viewer> {
        let mut entries = lock_cache(&self.entries);
        let entry = entries.get(token)?;
        if now <= entry.valid_until {
            return Some(entry.viewer.clone());
        }
        entries.pop(token);
        None
    }

    /// Remembers a token that just passed every check.
    pub(super) fn insert(&self, token: &str, viewer: &Viewer, valid_until: u64) {
        if token.len() > MAX_TOKEN_BYTES {
            return;
        }
        let mut entries = lock_cache(&self.entries);
        entries.put(token.into(), Entry { viewer: viewer.clone(), valid_until });
    }
}
