//! Idempotency keys in Neo4j: `(:IdempotencyKey {id, caller, key, fingerprint, writes, result,
//! at})`, one per caller and key, written in the write's own transaction.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::connect::{DbResult, Tx, cypher};
use crate::store::idempotency::{self, RETENTION};
use crate::store::{KeyRecord, WriteKey};

const READ: &str = include_str!("../../../cypher/idempotency_key.cypher");
const WRITE: &str = include_str!("../../../cypher/idempotency_key_write.cypher");
const EXPIRE: &str = include_str!("../../../cypher/idempotency_key_expire.cypher");
pub const RESULT: &str = include_str!("../../../cypher/idempotency_key_result.cypher");

/// The node's id: a caller's subject never holds a line break, nor does a header value.
pub fn node_id(caller: &str, key: &str) -> String {
    format!("{caller}\n{key}")
}

#[derive(Deserialize)]
struct Row {
    fingerprint: String,
    writes: i64,
    result: Option<String>,
    at: i64,
}

/// The record of a caller's key, expired or not.
pub async fn read(tx: &mut Tx, caller: &str, key: &str) -> DbResult<Option<KeyRecord>> {
    let rows: Vec<Row> = tx.rows(cypher(READ, json!({ "id": node_id(caller, key) }))?).await?;
    Ok(rows.into_iter().next().map(|row| KeyRecord {
        fingerprint: row.fingerprint,
        writes: u32::try_from(row.writes).unwrap_or(u32::MAX),
        result: row.result,
        at: DateTime::from_timestamp_millis(row.at).unwrap_or_default(),
    }))
}

/// Inside a write transaction that holds the write lock: the record to write with the
/// changes, or `None` when the request applied this write before.
pub async fn claim(tx: &mut Tx, key: &WriteKey) -> DbResult<Option<KeyRecord>> {
    let found = read(tx, &key.caller, &key.key).await?;
    Ok(idempotency::decide(found, key, Utc::now())?)
}

/// Writes the record in the write's transaction, and drops some expired ones.
pub async fn write(tx: &mut Tx, key: &WriteKey, record: &KeyRecord) -> DbResult<()> {
    let params = json!({
        "id": node_id(&key.caller, &key.key),
        "caller": key.caller,
        "key": key.key,
        "fingerprint": record.fingerprint,
        "writes": record.writes,
        "at": record.at.timestamp_millis(),
    });
    tx.run(cypher(WRITE, params)?).await?;
    let cutoff = (Utc::now() - RETENTION).timestamp_millis();
    tx.run(cypher(EXPIRE, json!({ "cutoff": cutoff }))?).await
}
