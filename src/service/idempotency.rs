//! Requests under an idempotency key: a client that repeats a mutation with the key of its
//! first try gets the first try's answer, and its writes are applied once.
//!
//! Every write of a keyed request goes to the store with the key and its position in the
//! request ([`WriteKey`]); the store records the key in the write's own transaction, so a
//! record exists exactly when that write was applied, and skips a write whose record says it
//! was. New ids are derived from the key, so a repeated request names the nodes of the first.
//! The answer is added to the record once the request is done; a retry that finds it gets
//! it as it was. A retry that finds a record without answer (the first try's answer was lost,
//! e.g. `WRITE_OUTCOME_UNKNOWN`) runs the request again, with the writes already applied
//! skipped; use cases whose checks such a write made untrue (a request no longer pending, a
//! person already erased) ask [`replayed_write`] and answer with the stored state instead of
//! an error. The request's scope travels with the task that runs it (a task-local), so every
//! write path — resolvers and use cases alike — sees it without threading it through.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha1::{Digest, Sha1};

use super::{ServiceError, ServiceResult, Services};
use crate::auth::Viewer;
use crate::domain::{DomainError, Id};
use crate::store::idempotency::key_reused;
use crate::store::{Applied, Change, StoreError, WriteKey};

/// Longest key accepted; UUIDs and similar fit easily.
pub const MAX_KEY_LENGTH: usize = 255;

/// A client's key for a request: 1 to [`MAX_KEY_LENGTH`] visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        if raw.is_empty() || raw.len() > MAX_KEY_LENGTH || !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(DomainError::invalid(
                "Idempotency-Key",
                format!("must be 1 to {MAX_KEY_LENGTH} visible ASCII characters"),
            ));
        }
        Ok(Self(raw.to_owned()))
    }
}

/// The keyed request the current task runs.
struct Scope {
    caller: String,
    key: String,
    fingerprint: String,
    /// Writes an earlier try of the request applied.
    applied_before: u32,
    /// Writes the request started, and those that went through (now or before).
    started: AtomicU32,
    done: AtomicU32,
    /// A write's outcome is unknown: the answer must not be kept.
    uncertain: AtomicBool,
    /// Ids handed out so far.
    ids: AtomicU32,
}

tokio::task_local! {
    static SCOPE: Arc<Scope>;
}

fn current() -> Option<Arc<Scope>> {
    SCOPE.try_with(Arc::clone).ok()
}

/// Whether the write the current use case is about to make was applied by an earlier try of
/// its request; if so, it counts as made, and the use case must not make it again.
pub(super) fn replayed_write() -> bool {
    current().is_some_and(|scope| {
        let replayed = scope.started.load(Ordering::Relaxed) < scope.applied_before;
        if replayed {
            scope.started.fetch_add(1, Ordering::Relaxed);
            scope.done.fetch_add(1, Ordering::Relaxed);
        }
        replayed
    })
}

fn hex_digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha1::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A digest of what a request asks for, to tell its retries from other requests.
pub fn fingerprint(request: &impl Serialize) -> String {
    hex_digest(&[&serde_json::to_vec(request).unwrap_or_default()])
}

/// A fresh id `<prefix>-<32 hex digits>`: random, or under a key the same on every try.
pub fn fresh_id(prefix: &str) -> Id {
    let unique = match current() {
        Some(scope) => {
            let n = scope.ids.fetch_add(1, Ordering::Relaxed);
            hex_digest(&[scope.caller.as_bytes(), scope.key.as_bytes(), prefix.as_bytes(), &n.to_le_bytes()])[..32]
                .to_owned()
        }
        None => uuid::Uuid::new_v4().simple().to_string(),
    };
    Id::parse_field("id", &format!("{prefix}-{unique}")).expect("prefixes and hex digits make valid ids")
}

/// The caller as keys are kept per caller: role and subject.
fn caller(viewer: &Viewer) -> String {
    format!("{}:{}", viewer.role_name(), viewer.subject())
}

impl Services {
    /// Runs `request` (which yields its answer) once per caller and key: a repeat gets the
    /// stored answer, or runs with the writes already applied skipped. An answer is kept only
    /// when `settled` says it is final (not one that a retry may change, such as a store that
    /// could not be reached).
    pub async fn once<R, F>(
        &self,
        viewer: &Viewer,
        key: &IdempotencyKey,
        fingerprint: String,
        request: F,
        settled: impl FnOnce(&R) -> bool,
    ) -> ServiceResult<R>
    where
        R: Serialize + DeserializeOwned,
        F: Future<Output = R>,
    {
        if viewer == &Viewer::Anonymous {
            // Nothing an anonymous caller sends writes; the request answers why.
            return Ok(request.await);
        }
        let caller = caller(viewer);
        let mut applied_before = 0;
        if let Some(record) = self.store.key_record(&caller, &key.0).await? {
            if record.fingerprint != fingerprint {
                return Err(key_reused().into());
            }
            if let Some(stored) = record.result.and_then(|r| serde_json::from_str(&r).ok()) {
                return Ok(stored);
            }
            applied_before = record.writes;
        }
        let scope = Arc::new(Scope {
            caller: caller.clone(),
            key: key.0.clone(),
            fingerprint,
            applied_before,
            started: AtomicU32::new(0),
            done: AtomicU32::new(0),
            uncertain: AtomicBool::new(false),
            ids: AtomicU32::new(0),
        });
        let answer = SCOPE.scope(Arc::clone(&scope), request).await;
        if scope.done.load(Ordering::Relaxed) > 0 && !scope.uncertain.load(Ordering::Relaxed) && settled(&answer) {
            let stored = serde_json::to_string(&answer).map_err(|e| StoreError::Internal(e.to_string()));
            // The writes are applied either way; without the answer a retry runs again.
            if let Err(error) = async { self.store.save_result(&caller, &key.0, &stored?).await }.await {
                tracing::warn!(?error, "the answer of a keyed request could not be kept");
            }
        }
        Ok(answer)
    }

    /// Applies a batch: under a key once per request, else as it comes.
    pub(super) async fn write(&self, changes: Vec<Change>) -> ServiceResult<()> {
        let Some(scope) = current() else {
            return Ok(self.store.apply(changes).await?);
        };
        let write = scope.started.fetch_add(1, Ordering::Relaxed) + 1;
        let key = WriteKey {
            caller: scope.caller.clone(),
            key: scope.key.clone(),
            fingerprint: scope.fingerprint.clone(),
            write,
        };
        match self.store.apply_once(changes, &key).await {
            Ok(Applied::Now | Applied::Before) => {
                scope.done.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(error) => {
                if matches!(error, StoreError::OutcomeUnknown(_)) {
                    scope.uncertain.store(true, Ordering::Relaxed);
                }
                Err(ServiceError::Store(error))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_visible_ascii_of_bounded_length() {
        assert!(IdempotencyKey::parse("3f2a-42_x.Y").is_ok());
        for bad in ["", "with space", "umlaut-ä", &"k".repeat(MAX_KEY_LENGTH + 1)] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn ids_under_a_key_repeat_with_the_key_and_differ_without() {
        let scope = || {
            Arc::new(Scope {
                caller: "admin:a".into(),
                key: "k".into(),
                fingerprint: "f".into(),
                applied_before: 0,
                started: AtomicU32::new(0),
                done: AtomicU32::new(0),
                uncertain: AtomicBool::new(false),
                ids: AtomicU32::new(0),
            })
        };
        let run = || async { (fresh_id("region"), fresh_id("region")) };
        let first = SCOPE.scope(scope(), run()).await;
        let again = SCOPE.scope(scope(), run()).await;
        assert_eq!(first, again);
        assert_ne!(first.0, first.1);
        assert_ne!(fresh_id("region"), fresh_id("region"));
    }
}
