//! Locking for in-memory caches.

use std::sync::{Mutex, MutexGuard};

/// Locks a cache. A panic while another request held the lock leaves at worst an entry that
/// is missing or stale, never a wrong one, so the cache stays in use instead of failing every
/// request after.
pub fn lock_cache<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
