//! The embedded store: SQLite on disk for durability; reads, lists and traversals are served
//! from the matching projection, which it builds from disk at start and changes in step
//! with every write.

mod sqlite;

use std::path::Path;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::domain::{Id, Node, NodeKind};
use crate::graph::{Graph, Projection, write};
use crate::store::idempotency::{self, Applied, KeyRecord, WriteKey};
use crate::store::{Change, GraphStore, Rel, StoreError, StoreResult};

use sqlite::Database;

pub struct EmbeddedStore {
    projection: Arc<Projection>,
    /// Held for the whole of a write, so writes apply one at a time.
    database: Mutex<Database>,
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Internal("a previous write panicked; restart the service".into())
}

impl EmbeddedStore {
    /// Opens (or creates) the store in `dir` and loads the graph into memory.
    #[tracing::instrument(skip_all, fields(dir = %dir.display()))]
    pub fn open(dir: &Path) -> StoreResult<Self> {
        let database = Database::open(dir)?;
        let mut graph = Graph::default();
        let nodes = database.load()?;
        tracing::info!(nodes = nodes.len(), "loaded graph");
        for node in nodes {
            graph.insert(node);
        }
        Ok(Self { projection: Arc::new(Projection::loaded(graph)), database: Mutex::new(database) })
    }

    fn read<T>(&self, f: impl FnOnce(&Graph) -> StoreResult<T>) -> StoreResult<T> {
        self.projection.read(f)
    }

    /// Applies `changes` with the record of `key`, or nothing if `key` says they were applied:
    /// checks them against the projection, writes what they touched to disk, and undoes them
    /// in the projection when either fails.
    fn apply_blocking(&self, changes: Vec<Change>, key: Option<&WriteKey>) -> StoreResult<Applied> {
        let mut database = self.database.lock().map_err(poisoned)?;
        let record = match key {
            Some(key) => {
                let found = database.key_record(&key.caller, &key.key)?;
                match idempotency::decide(found, key, chrono::Utc::now())? {
                    Some(record) => Some((key, record)),
                    None => return Ok(Applied::Before),
                }
            }
            None => None,
        };
        let committed = self.projection.write(|graph| match write::apply(graph, changes) {
            Ok(undo) => {
                let key = record.as_ref().map(|(key, record)| (*key, record));
                if let Err(error) = database.write(&undo.touched(graph), key) {
                    undo.rollback(graph);
                    return Err(error);
                }
                Ok(if self.projection.is_watched() { undo.changes(graph) } else { Vec::new() })
            }
            Err((error, undo)) => {
                undo.rollback(graph);
                Err(error)
            }
        })?;
        // Still under the database lock: watchers hear of writes in the order they committed.
        self.projection.publish(committed);
        Ok(Applied::Now)
    }
}

/// Runs a write that waits for the disk; on a multi-threaded runtime other tasks move on.
fn disk<T>(write: impl FnOnce() -> T) -> T {
    let multi_threaded = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi_threaded { tokio::task::block_in_place(write) } else { write() }
}

#[async_trait]
impl GraphStore for EmbeddedStore {
    async fn get(&self, kind: NodeKind, ids: &[Id]) -> StoreResult<Vec<Node>> {
        self.read(|g| Ok(ids.iter().filter_map(|id| g.node(kind, id).cloned()).collect()))
    }

    async fn incoming(&self, kind: NodeKind, rel: Rel, targets: &[Id]) -> StoreResult<Vec<(Id, Vec<Id>)>> {
        self.read(|g| {
            Ok(targets
                .iter()
                .map(|target| {
                    let ids = g.incoming(rel, target).iter().filter(|(k, _)| *k == kind).map(|(_, id)| id.clone());
                    (target.clone(), ids.collect())
                })
                .collect())
        })
    }

    #[tracing::instrument(skip_all, fields(changes = changes.len()))]
    async fn apply(&self, changes: Vec<Change>) -> StoreResult<()> {
        disk(|| self.apply_blocking(changes, None)).map(drop)
    }

    #[tracing::instrument(skip_all, fields(changes = changes.len(), write = key.write))]
    async fn apply_once(&self, changes: Vec<Change>, key: &WriteKey) -> StoreResult<Applied> {
        disk(|| self.apply_blocking(changes, Some(key)))
    }

    async fn key_record(&self, caller: &str, key: &str) -> StoreResult<Option<KeyRecord>> {
        let found = self.database.lock().map_err(poisoned)?.key_record(caller, key)?;
        Ok(found.filter(|record| !record.expired(chrono::Utc::now())))
    }

    async fn save_result(&self, caller: &str, key: &str, result: &str) -> StoreResult<()> {
        disk(|| self.database.lock().map_err(poisoned)?.save_result(caller, key, result))
    }

    fn projection(&self) -> Arc<Projection> {
        self.projection.clone()
    }

    async fn ping(&self) -> StoreResult<()> {
        self.database.lock().map_err(poisoned)?.ping()
    }
}
