//! Durable storage of the embedded store: one SQLite table of nodes as JSON, written in
//! WAL mode with full sync, so an acknowledged write survives a crash, and one of
//! idempotency keys, written in the same transactions.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::domain::{Id, Node, NodeKind};
use crate::store::idempotency::RETENTION;
use crate::store::{KeyRecord, StoreError, StoreResult, WriteKey};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS nodes (
    kind TEXT NOT NULL,
    id   TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS idempotency_keys (
    caller      TEXT NOT NULL,
    key         TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    writes      INTEGER NOT NULL,
    result      TEXT,
    at_ms       INTEGER NOT NULL,
    PRIMARY KEY (caller, key)
) WITHOUT ROWID;
";

pub struct Database {
    conn: Connection,
}

fn internal(error: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(error.to_string())
}

impl Database {
    pub fn open(dir: &Path) -> StoreResult<Self> {
        std::fs::create_dir_all(dir).map_err(|e| internal(format!("cannot create data dir {}: {e}", dir.display())))?;
        let conn = Connection::open(dir.join("lotsennetz.sqlite3")).map_err(internal)?;
        // Takes effect only for a new file, and only before WAL mode is set. Larger pages than
        // the default 4 KiB cut the B-tree work of bulk writes (imports) by about a fifth.
        conn.pragma_update(None, "page_size", 16_384).map_err(internal)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(internal)?;
        conn.pragma_update(None, "synchronous", "FULL").map_err(internal)?;
        // Erased personal data must not linger in free pages of the file.
        conn.pragma_update(None, "secure_delete", "ON").map_err(internal)?;
        conn.execute_batch(SCHEMA).map_err(internal)?;
        Ok(Self { conn })
    }

    /// Every stored node.
    pub fn load(&self) -> StoreResult<Vec<Node>> {
        let mut statement = self.conn.prepare("SELECT kind, id, data FROM nodes").map_err(internal)?;
        let rows = statement
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)))
            .map_err(internal)?;
        let mut nodes = Vec::new();
        for row in rows {
            let (kind, id, data) = row.map_err(internal)?;
            let node: Node = serde_json::from_str(&data)
                .map_err(|e| internal(format!("stored {kind} '{id}' cannot be read: {e}")))?;
            nodes.push(node);
        }
        Ok(nodes)
    }

    /// Writes the new state of every touched node in one transaction. Nodes come in the
    /// table's key order (see `Undo::touched`): rows of a bulk write into an empty table are
    /// then appended to the last page of the B-tree instead of splitting pages all over it.
    /// `key`, when given, is stored with them; expired keys are dropped.
    pub fn write(
        &mut self,
        nodes: &[(NodeKind, &Id, Option<&Node>)],
        key: Option<(&WriteKey, &KeyRecord)>,
    ) -> StoreResult<()> {
        let tx = self.conn.transaction().map_err(internal)?;
        if let Some((key, record)) = key {
            tx.execute(
                "INSERT INTO idempotency_keys (caller, key, fingerprint, writes, result, at_ms) VALUES (?1, ?2, ?3, ?4, NULL, ?5) \
                 ON CONFLICT (caller, key) DO UPDATE SET fingerprint = excluded.fingerprint, writes = excluded.writes, result = NULL, at_ms = excluded.at_ms",
                params![key.caller, key.key, record.fingerprint, record.writes, record.at.timestamp_millis()],
            )
            .map_err(internal)?;
            let cutoff = (Utc::now() - RETENTION).timestamp_millis();
            tx.execute("DELETE FROM idempotency_keys WHERE at_ms < ?1", params![cutoff]).map_err(internal)?;
        }
        {
            let mut upsert = tx
                .prepare_cached("INSERT INTO nodes (kind, id, data) VALUES (?1, ?2, ?3) ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data")
                .map_err(internal)?;
            let mut delete = tx.prepare_cached("DELETE FROM nodes WHERE kind = ?1 AND id = ?2").map_err(internal)?;
            let mut data = Vec::new();
            for &(kind, id, node) in nodes {
                match node {
                    Some(node) => {
                        data.clear();
                        serde_json::to_writer(&mut data, node).map_err(internal)?;
                        let data = std::str::from_utf8(&data).map_err(internal)?;
                        upsert.execute(params![kind.as_str(), id.as_str(), data]).map_err(internal)?;
                    }
                    None => {
                        delete.execute(params![kind.as_str(), id.as_str()]).map_err(internal)?;
                    }
                }
            }
        }
        tx.commit().map_err(internal)
    }

    /// The record of a caller's key, expired or not.
    pub fn key_record(&self, caller: &str, key: &str) -> StoreResult<Option<KeyRecord>> {
        self.conn
            .query_row(
                "SELECT fingerprint, writes, result, at_ms FROM idempotency_keys WHERE caller = ?1 AND key = ?2",
                params![caller, key],
                |row| {
                    let at = DateTime::from_timestamp_millis(row.get(3)?).unwrap_or_default();
                    Ok(KeyRecord { fingerprint: row.get(0)?, writes: row.get(1)?, result: row.get(2)?, at })
                },
            )
            .optional()
            .map_err(internal)
    }

    pub fn save_result(&self, caller: &str, key: &str, result: &str) -> StoreResult<()> {
        self.conn
            .execute(
                "UPDATE idempotency_keys SET result = ?3 WHERE caller = ?1 AND key = ?2",
                params![caller, key, result],
            )
            .map(drop)
            .map_err(internal)
    }

    pub fn ping(&self) -> StoreResult<()> {
        self.conn.query_row("SELECT 1", [], |_| Ok(())).map_err(|e| StoreError::Unavailable(e.to_string()))
    }
}
