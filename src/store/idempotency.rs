//! Idempotency keys as both stores keep them: one record per caller and key, written in the
//! same transaction as the write it belongs to, so a record exists exactly when that write
//! was applied.

use chrono::{DateTime, Duration, Utc};

use super::StoreError;

/// How long a key is remembered after its first write; older records count as absent.
pub const RETENTION: Duration = Duration::hours(24);

/// The key of one request, and which of the request's writes is being applied.
#[derive(Debug, Clone)]
pub struct WriteKey {
    /// Role and subject of the caller: keys of different callers never meet.
    pub caller: String,
    pub key: String,
    /// Digest of the request, to tell a retry from another request under the same key.
    pub fingerprint: String,
    /// 1 for the request's first write, 2 for its second …
    pub write: u32,
}

/// What a store remembers of a key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyRecord {
    pub fingerprint: String,
    /// How many writes of the request were applied.
    pub writes: u32,
    /// The answer of the request, once it is known.
    pub result: Option<String>,
    /// The first write's time.
    pub at: DateTime<Utc>,
}

impl KeyRecord {
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        self.at + RETENTION < now
    }
}

/// Whether a write went through now or had been applied by an earlier try of its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Now,
    Before,
}

/// What to do with a keyed write, given the record found in the write's transaction: the
/// record to store with the write, or `None` when the write was applied before.
pub fn decide(found: Option<KeyRecord>, key: &WriteKey, now: DateTime<Utc>) -> Result<Option<KeyRecord>, StoreError> {
    match found.filter(|record| !record.expired(now)) {
        Some(record) if record.fingerprint != key.fingerprint => Err(key_reused()),
        Some(record) if key.write <= record.writes => Ok(None),
        Some(record) => Ok(Some(KeyRecord { writes: key.write, result: None, ..record })),
        None => Ok(Some(KeyRecord { fingerprint: key.fingerprint.clone(), writes: key.write, result: None, at: now })),
    }
}

pub fn key_reused() -> StoreError {
    StoreError::KeyReused("this Idempotency-Key was used for another request; use a new key for a new request".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(write: u32) -> WriteKey {
        WriteKey { caller: "admin:a".into(), key: "k".into(), fingerprint: "f".into(), write }
    }

    fn record(writes: u32, at: DateTime<Utc>) -> KeyRecord {
        KeyRecord { fingerprint: "f".into(), writes, result: None, at }
    }

    #[test]
    fn a_write_is_applied_once_per_key_and_position() {
        let now = Utc::now();
        assert_eq!(decide(None, &key(1), now).unwrap(), Some(record(1, now)));
        assert_eq!(decide(Some(record(1, now)), &key(1), now).unwrap(), None);
        assert_eq!(decide(Some(record(1, now)), &key(2), now).unwrap(), Some(record(2, now)));
    }

    #[test]
    fn another_request_under_the_key_is_refused_until_the_key_expires() {
        let now = Utc::now();
        let other = WriteKey { fingerprint: "g".into(), ..key(1) };
        assert!(matches!(decide(Some(record(1, now)), &other, now), Err(StoreError::KeyReused(_))));
        let old = now - RETENTION - Duration::seconds(1);
        let renewed = decide(Some(record(1, old)), &other, now).unwrap().expect("written");
        assert_eq!((renewed.fingerprint.as_str(), renewed.at), ("g", now));
    }
}
