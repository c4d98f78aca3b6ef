//! The Neo4j store: the network as labelled nodes and relationships in a Neo4j 5 database,
//! reached over Bolt through neo4rs, with every query in `cypher/`.
//!
//! The service may start while Neo4j is down: the store then reports
//! [`StoreError::Unavailable`] (readiness 503) and applies its migrations on the first call
//! that reaches the server. Every operation runs in one transaction, retried a few times
//! with backoff when the connection broke or the server asked for a retry.

mod connect;
mod feed;

pub use connect::connect as connect_graph;
mod mapping;
mod migrations;
mod reads;
mod writes;

use std::sync::Arc;

use async_trait::async_trait;
use neo4rs::Graph;
use serde_json::json;
use tokio::sync::{Mutex, OnceCell};

use crate::config::{FeedConfig, Neo4jConfig};
use crate::domain::{Id, Node, NodeKind};
use crate::graph::Projection;
use crate::store::{Change, GraphStore, ListQuery, Page, Rel, StoreError, StoreResult};

use connect::{DbError, DbResult, Tx, cypher, retry};

const PING: &str = include_str!("../../../cypher/ping.cypher");
const WIPE: &str = include_str!("../../../cypher/wipe.cypher");
const WIPE_RELATIONSHIPS: &str = include_str!("../../../cypher/wipe_relationships.cypher");
const FEED_RESET: &str = include_str!("../../../cypher/change_feed_reset.cypher");
/// Relationships, then nodes, deleted per transaction by [`wipe`].
const WIPE_BATCH: i64 = 10_000;

pub struct Neo4jStore {
    graph: Graph,
    /// The one connection writes use (they queue on `writes` anyway), so that after a failed
    /// write exactly that connection can be reset: see [`Neo4jStore::write`]. It waits longer
    /// for answers than the read connections do: [`connect::WRITE_IO_TIMEOUT`].
    writer: Graph,
    user: String,
    /// Set once the migrations ran (or were found applied) against this database.
    migrated: OnceCell<()>,
    /// Writes of this process queue here rather than on the database's write lock.
    writes: Mutex<()>,
    projection: Arc<Projection>,
    follower: Arc<feed::Follower>,
    feed: FeedConfig,
}

/// Runs `$body` in a read transaction with retries; `$tx` names the transaction inside.
macro_rules! read {
    ($self:ident, $operation:literal, |$tx:ident| $body:expr) => {{
        $self.ready().await?;
        retry($operation, move || async move {
            let mut $tx = Tx::begin(&$self.graph).await?;
            let result = $body.await;
            let finished = $tx.finish().await;
            match result {
                // After a statement failed, the server also refuses the rollback; the
                // statement's error is the one that tells what went wrong.
                Err(error) => {
                    if let Err(rollback) = finished {
                        tracing::debug!(?rollback, "rollback after a failed read");
                    }
                    Err(error)
                }
                Ok(value) => finished.map(|()| value),
            }
        })
        .await
    }};
}

impl Neo4jStore {
    /// Connects and applies the migrations. A server that cannot be reached is not an error
    /// (the store answers "unavailable" until it can); a changed migration is.
    #[tracing::instrument(skip_all, fields(uri = %config.uri_for_display(), database = ?config.database))]
    pub async fn open(config: &Neo4jConfig) -> StoreResult<Self> {
        let graph = connect::connect(config)?;
        let projection = Arc::new(Projection::loading());
        let follower = Arc::new(feed::Follower::new(graph.clone(), projection.clone()));
        let store = Self {
            graph,
            writer: connect::connect_waiting(
                &Neo4jConfig { pool_size: 1, ..config.clone() },
                connect::WRITE_IO_TIMEOUT,
            )?,
            user: config.user.clone(),
            migrated: OnceCell::new(),
            writes: Mutex::new(()),
            projection,
            follower,
            feed: config.feed,
        };
        match store.ready().await {
            Ok(()) => tracing::info!("connected to Neo4j"),
            Err(StoreError::Unavailable(detail)) => {
                tracing::warn!(%detail, "Neo4j cannot be reached yet; serving 'unavailable' until it can");
            }
            Err(error) => return Err(error),
        }
        store.follower.spawn(config.feed.interval);
        Ok(store)
    }

    async fn ready(&self) -> StoreResult<()> {
        self.migrated
            .get_or_try_init(|| retry("migrate", move || migrations::run(&self.graph, &self.user)))
            .await
            .copied()
    }

    async fn write(&self, changes: Vec<Change>) -> DbResult<writes::Committed> {
        let mut tx = Tx::begin(&self.writer).await?;
        let committed = match writes::apply(&mut tx, changes, self.feed.retention).await {
            Ok(committed) => committed,
            Err(error) => {
                // Rolled back now, so the write lock is free for the next write at once.
                if let Err(rollback) = tx.finish().await {
                    tracing::debug!(?rollback, "rollback after a failed write");
                    // After a statement failed, the server ignores ROLLBACK; only a RESET ends the
                    // transaction, which the pool sends when it hands the connection out again.
                    // Until then the transaction keeps the write lock and its memory (all there
                    // is, when it ran out), which other clients of the database wait for.
                    let reset = async { Tx::begin(&self.writer).await?.finish().await };
                    if let Err(reset) = reset.await {
                        tracing::debug!(?reset, "reset after a failed write");
                    }
                }
                return Err(error);
            }
        };
        // A connection lost during COMMIT leaves the outcome unknown: not retried.
        tx.commit().await.map_err(|error| match error {
            DbError::Unreachable(detail) => DbError::Refused(format!("outcome of the write unknown: {detail}")),
            other => other,
        })?;
        Ok(committed)
    }
}

#[async_trait]
impl GraphStore for Neo4jStore {
    async fn get(&self, kind: NodeKind, ids: &[Id]) -> StoreResult<Vec<Node>> {
        read!(self, "get", |tx| reads::get(&mut tx, kind, ids))
    }

    async fn list(&self, query: &ListQuery) -> StoreResult<Page> {
        read!(self, "list", |tx| reads::list(&mut tx, query))
    }

    async fn incoming(&self, kind: NodeKind, rel: Rel, targets: &[Id]) -> StoreResult<Vec<(Id, Vec<Id>)>> {
        read!(self, "incoming", |tx| reads::incoming(&mut tx, kind, rel, targets))
    }

    #[tracing::instrument(skip_all, fields(changes = changes.len()))]
    async fn apply(&self, changes: Vec<Change>) -> StoreResult<()> {
        self.ready().await?;
        let _queue = self.writes.lock().await;
        let changes = &changes;
        let committed = retry("apply", move || self.write(changes.clone())).await?;
        // Committed: the record holds the write whatever the projection does now; a failure
        // to follow it is logged and repaired by the feed.
        if let Err(error) = self.follower.committed(committed.position, committed.states).await {
            tracing::warn!(%error, "the projection could not take this instance's write; the change feed will bring it");
        }
        Ok(())
    }

    fn projection(&self) -> Arc<Projection> {
        self.projection.clone()
    }

    async fn ping(&self) -> StoreResult<()> {
        let ping = async {
            self.ready().await?;
            retry("ping", move || async move {
                let mut tx = Tx::begin(&self.graph).await?;
                tx.run(cypher(PING, json!({}))?).await?;
                tx.finish().await
            })
            .await
        };
        tokio::time::timeout(PING_TIMEOUT, ping)
            .await
            .unwrap_or_else(|_| Err(StoreError::Unavailable("Neo4j did not answer in time".into())))
    }
}

/// Deletes every node of the network, for tests and benchmarks that need an empty database.
///
/// One transaction for all would hold the whole deletion in the server's transaction memory
/// (a national network does not fit a small heap), and a single `CALL { } IN TRANSACTIONS`
/// statement would answer only at the end, after longer than a receive may take here; so it
/// deletes [`WIPE_BATCH`] relationships per transaction until none are left, then as many
/// nodes per transaction (deleting a node with many relationships at once is what fills the
/// memory).
pub async fn wipe(graph: &Graph) -> StoreResult<()> {
    for statement in [WIPE_RELATIONSHIPS, WIPE] {
        while delete_batch(graph, statement).await? > 0 {}
    }
    retry("wipe", move || async move {
        let mut tx = Tx::begin(graph).await?;
        tx.run(cypher(FEED_RESET, json!({}))?).await?;
        tx.commit().await
    })
    .await
}

/// Runs one batch of a wipe in its own transaction; the number deleted.
async fn delete_batch(graph: &Graph, statement: &'static str) -> StoreResult<i64> {
    #[derive(serde::Deserialize)]
    struct Deleted {
        deleted: i64,
    }
    retry("wipe", move || async move {
        let mut tx = Tx::begin(graph).await?;
        let rows: Vec<Deleted> = tx.rows(cypher(statement, json!({ "batch": WIPE_BATCH }))?).await?;
        tx.commit().await?;
        Ok(rows.first().map_or(0, |row| row.deleted))
    })
    .await
}

/// Readiness answers within this time even when the server hangs.
const PING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
