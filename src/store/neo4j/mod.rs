//! The Neo4j store: the network as labelled nodes and relationships in a Neo4j 5 database,
//! reached over Bolt through neo4rs, with every query in `cypher/`.
//!
//! The service may start while Neo4j is down: the store then reports
//! [`StoreError::Unavailable`] (readiness 503) and applies its migrations on the first call
//! that reaches the server. Every operation runs in one transaction, retried a few times
//! with backoff when the connection broke or the server asked for a retry, and every one
//! ends by its deadline ([`connect::READ_DEADLINE`], [`connect::WRITE_DEADLINE`]) whatever
//! the server or the pool does.

mod connect;
mod feed;
mod keys;

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
use tokio::time::Instant;

use crate::config::{FeedConfig, Neo4jConfig};
use crate::domain::{Id, Node, NodeKind};
use crate::graph::Projection;
use crate::store::{Applied, Change, GraphStore, KeyRecord, Rel, StoreError, StoreResult, WriteKey};

use connect::{DbResult, Pool, Tx, cypher, retry, retry_on};

const PING: &str = include_str!("../../../cypher/ping.cypher");
const WIPE: &str = include_str!("../../../cypher/wipe.cypher");
const WIPE_RELATIONSHIPS: &str = include_str!("../../../cypher/wipe_relationships.cypher");
const FEED_RESET: &str = include_str!("../../../cypher/change_feed_reset.cypher");
/// Relationships, then nodes, deleted per transaction by [`wipe`].
const WIPE_BATCH: i64 = 10_000;

pub struct Neo4jStore {
    graph: Arc<Pool>,
    /// The one connection writes use (they queue on `writes` anyway), so that after a failed
    /// write exactly that connection can be reset: see [`Neo4jStore::write`]. It waits longer
    /// for answers than the read connections do: [`connect::WRITE_IO_TIMEOUT`].
    writer: Pool,
    user: String,
    /// Set once the migrations ran (or were found applied) against this database.
    migrated: Arc<OnceCell<()>>,
    /// Writes of this process queue here rather than on the database's write lock.
    writes: Mutex<()>,
    projection: Arc<Projection>,
    follower: Arc<feed::Follower>,
    feed: FeedConfig,
}

/// Runs `$body` in a read transaction with retries; `$tx` names the transaction inside.
macro_rules! read {
    ($self:ident, $operation:literal, |$tx:ident| $body:expr) => {{
        let deadline = Instant::now() + connect::READ_DEADLINE;
        $self.ready(deadline).await?;
        retry_on(&$self.graph, $operation, deadline, move |graph| async move {
            let mut $tx = Tx::begin(&graph).await?;
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
        let projection = Arc::new(Projection::loading());
        // Connections of its own, so that following the feed never waits for requests.
        let feed_pool = Pool::open(&Neo4jConfig { pool_size: 2, ..config.clone() }, connect::IO_TIMEOUT)?;
        let follower = Arc::new(feed::Follower::new(feed_pool, projection.clone()));
        let store = Self {
            graph: Arc::new(Pool::open(config, connect::IO_TIMEOUT)?),
            writer: Pool::open(&Neo4jConfig { pool_size: 1, ..config.clone() }, connect::WRITE_IO_TIMEOUT)?,
            user: config.user.clone(),
            migrated: Arc::new(OnceCell::new()),
            writes: Mutex::new(()),
            projection,
            follower,
            feed: config.feed,
        };
        match store.ready(Instant::now() + PING_TIMEOUT).await {
            Ok(()) => tracing::info!("connected to Neo4j"),
            Err(StoreError::Unavailable(detail)) => {
                tracing::warn!(%detail, "Neo4j is not ready yet (not reachable, or its migrations still run); serving 'unavailable' until it is");
            }
            Err(error) => return Err(error),
        }
        store.follower.spawn(config.feed.interval);
        Ok(store)
    }

    /// Applies the migrations unless done. The caller waits until `deadline` (a later call
    /// waits again); the migrations themselves run on in a task of their own until
    /// [`connect::MIGRATION_DEADLINE`], so a short deadline (a health probe) cannot cut them
    /// short however long a busy server takes.
    async fn ready(&self, deadline: Instant) -> StoreResult<()> {
        if self.migrated.initialized() {
            return Ok(());
        }
        let (migrated, graph, user) = (self.migrated.clone(), self.graph.clone(), self.user.clone());
        let migrating =
            tokio::spawn(async move {
                let own_deadline = Instant::now() + connect::MIGRATION_DEADLINE;
                let user = &user;
                let graph = &graph;
                migrated
                    .get_or_try_init(|| {
                        retry_on(graph, "migrate", own_deadline, move |graph| async move {
                            migrations::run(&graph, user).await
                        })
                    })
                    .await
                    .copied()
            });
        match tokio::time::timeout_at(deadline, migrating).await {
            Ok(Ok(migrated)) => migrated,
            Ok(Err(stopped)) => Err(StoreError::Internal(format!("the Neo4j migrations stopped: {stopped}"))),
            Err(_) => Err(StoreError::Unavailable("the Neo4j schema migrations are still running".into())),
        }
    }

    /// One try of a write, finished by `deadline`: until COMMIT is sent, running out of time
    /// leaves nothing written; after it, the outcome is unknown.
    async fn write(
        &self,
        writer: Graph,
        changes: Vec<Change>,
        key: Option<&WriteKey>,
        deadline: Instant,
    ) -> DbResult<Option<writes::Committed>> {
        let prepared = tokio::time::timeout_at(deadline, self.prepare_write(&writer, changes, key)).await;
        let (tx, committed) = connect::by_deadline(prepared)?;
        tx.commit_by(deadline).await?;
        Ok(committed)
    }

    /// Begins the write transaction and runs its statements; the caller commits.
    async fn prepare_write(
        &self,
        writer: &Graph,
        changes: Vec<Change>,
        key: Option<&WriteKey>,
    ) -> DbResult<(Tx, Option<writes::Committed>)> {
        let mut tx = Tx::begin(writer).await?;
        let applied = writes::apply(&mut tx, changes, key, self.feed.retention).await;
        if let Err(error) = applied {
            // Rolled back now, so the write lock is free for the next write at once.
            if let Err(rollback) = tx.finish().await {
                tracing::debug!(?rollback, "rollback after a failed write");
                // After a statement failed, the server ignores ROLLBACK; only a RESET ends the
                // transaction, which the pool sends when it hands the connection out again.
                // Until then the transaction keeps the write lock and its memory (all there
                // is, when it ran out), which other clients of the database wait for.
                let reset = async { Tx::begin(writer).await?.finish().await };
                if let Err(reset) = reset.await {
                    tracing::debug!(?reset, "reset after a failed write");
                }
                return Err(error);
            }
            return Err(error);
        }
        Ok((tx, applied?))
    }

    /// A write with all its tries, done by [`connect::write_deadline`].
    async fn write_with_retries(&self, changes: Vec<Change>, key: Option<&WriteKey>) -> StoreResult<Applied> {
        let deadline = Instant::now() + connect::write_deadline(changes.len());
        self.ready(deadline).await?;
        let Ok(_queue) = tokio::time::timeout_at(deadline, self.writes.lock()).await else {
            return Err(StoreError::Unavailable("earlier writes did not finish before the deadline".into()));
        };
        let changes = &changes;
        // The retries' own deadline comes a moment later, so that a try that runs out of time
        // during COMMIT reports that (`write` watches `deadline` itself) rather than being cut off.
        let committed = retry_on(&self.writer, "apply", deadline + COMMIT_GRACE, move |writer| {
            self.write(writer, changes.clone(), key, deadline)
        })
        .await?;
        let Some(committed) = committed else { return Ok(Applied::Before) };
        // Committed: the record holds the write whatever the projection does now; a failure
        // to take it is logged, and the change feed brings it.
        if let Err(error) = self.follower.committed(committed.position, committed.states).await {
            tracing::warn!(%error, "the projection could not take this instance's write; the change feed will bring it");
        }
        Ok(Applied::Now)
    }
}

#[async_trait]
impl GraphStore for Neo4jStore {
    async fn get(&self, kind: NodeKind, ids: &[Id]) -> StoreResult<Vec<Node>> {
        read!(self, "get", |tx| reads::get(&mut tx, kind, ids))
    }

    async fn incoming(&self, kind: NodeKind, rel: Rel, targets: &[Id]) -> StoreResult<Vec<(Id, Vec<Id>)>> {
        read!(self, "incoming", |tx| reads::incoming(&mut tx, kind, rel, targets))
    }

    #[tracing::instrument(skip_all, fields(changes = changes.len()))]
    async fn apply(&self, changes: Vec<Change>) -> StoreResult<()> {
        self.write_with_retries(changes, None).await.map(drop)
    }

    #[tracing::instrument(skip_all, fields(changes = changes.len(), write = key.write))]
    async fn apply_once(&self, changes: Vec<Change>, key: &WriteKey) -> StoreResult<Applied> {
        self.write_with_retries(changes, Some(key)).await
    }

    async fn key_record(&self, caller: &str, key: &str) -> StoreResult<Option<KeyRecord>> {
        let found = read!(self, "key_record", |tx| keys::read(&mut tx, caller, key))?;
        Ok(found.filter(|record| !record.expired(chrono::Utc::now())))
    }

    async fn save_result(&self, caller: &str, key: &str, result: &str) -> StoreResult<()> {
        let deadline = Instant::now() + connect::READ_DEADLINE;
        let params = json!({ "id": keys::node_id(caller, key), "result": result });
        let params = &params;
        retry_on(&self.graph, "save_result", deadline, move |graph| async move {
            let mut tx = Tx::begin(&graph).await?;
            tx.run(cypher(keys::RESULT, params.clone())?).await?;
            tx.commit().await
        })
        .await
    }

    fn projection(&self) -> Arc<Projection> {
        self.projection.clone()
    }

    async fn ping(&self) -> StoreResult<()> {
        let deadline = Instant::now() + PING_TIMEOUT;
        let ping = async {
            self.ready(deadline).await?;
            retry_on(&self.graph, "ping", deadline, move |graph| async move {
                let mut tx = Tx::begin(&graph).await?;
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
    retry("wipe", Instant::now() + connect::WRITE_DEADLINE, move || async move {
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
    retry("wipe", Instant::now() + connect::WRITE_DEADLINE, move || async move {
        let mut tx = Tx::begin(graph).await?;
        let rows: Vec<Deleted> = tx.rows(cypher(statement, json!({ "batch": WIPE_BATCH }))?).await?;
        tx.commit().await?;
        Ok(rows.first().map_or(0, |row| row.deleted))
    })
    .await
}

/// Readiness answers within this time even when the server hangs.
const PING_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);
/// See [`Neo4jStore::apply`].
const COMMIT_GRACE: std::time::Duration = std::time::Duration::from_secs(1);
