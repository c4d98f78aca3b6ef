//! The Neo4j store's projection: streamed from the database at start, kept current with this
//! instance's writes at once and with every other writer's through the change feed.
//!
//! Every write transaction appends the new states of the nodes it touched to the feed
//! (`change_feed_append.cypher`) under the database's write lock, so sequence numbers follow
//! the commits. A follower polls the feed head and puts newer entries into its projection in
//! order. Putting node states is idempotent, which makes loading safe while others write: the
//! position is read before the network is streamed, and every entry after it is put again.
//! Whatever the follower cannot account for — an entry pruned before it was read, a write too
//! large to record, a new epoch (the feed was removed with the network), a state that does
//! not fit — makes it load the whole network again.

use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::json;
use tokio::sync::Mutex;

use super::connect::{DbResult, Pool, READ_DEADLINE, Tx, cypher, retry_on_quietly};
use super::mapping::{self, StoredNode};
use crate::graph::{self, NodeState, Projection};
use crate::store::{StoreError, StoreResult};

const HEAD: &str = include_str!("../../../cypher/change_feed_head.cypher");
const ENTRIES: &str = include_str!("../../../cypher/change_feed_entries.cypher");
const COUNT: &str = include_str!("../../../cypher/count_nodes.cypher");
const SCAN: &str = include_str!("../../../cypher/scan_nodes.cypher");

/// Nodes per transaction while loading.
const SCAN_BATCH: i64 = 10_000;
/// Feed entries read per round trip while catching up.
const ENTRIES_BATCH: i64 = 500;

/// Where a projection stands in the change feed: the last entry it holds, of which feed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct FeedPosition {
    pub seq: i64,
    /// `None` before the database's first write.
    pub epoch: Option<String>,
}

#[derive(Deserialize)]
struct Entry {
    seq: i64,
    states: Option<String>,
}

#[derive(Deserialize)]
struct Count {
    count: i64,
}

/// Keeps one projection in step with the database.
pub struct Follower {
    pool: Pool,
    projection: Arc<Projection>,
    /// Held while the projection changes, so entries are put in order.
    position: Mutex<FeedPosition>,
}

impl Follower {
    pub fn new(pool: Pool, projection: Arc<Projection>) -> Self {
        Self { pool, projection, position: Mutex::new(FeedPosition::default()) }
    }

    /// Starts the task that loads the projection and then polls the feed every `interval`,
    /// until the follower is dropped.
    pub fn spawn(self: &Arc<Self>, interval: Duration) {
        let follower = Arc::downgrade(self);
        tokio::spawn(follow(follower, interval));
    }

    /// After this instance's own write: puts its states at once when nothing else was
    /// written since the last entry held, else catches up through the feed (which holds the
    /// write too, or tells to reload). Before the first load, the load brings it.
    pub async fn committed(&self, at: FeedPosition, states: Vec<NodeState>) -> StoreResult<()> {
        let mut position = self.position.lock().await;
        if !self.projection.is_loaded() {
            return Ok(());
        }
        if position.epoch == at.epoch && position.seq + 1 == at.seq {
            self.projection.put_states(states)?;
            *position = at;
            return Ok(());
        }
        self.catch_up(&mut position).await
    }

    /// Brings the projection to the feed's head: entry by entry, or by loading anew.
    async fn catch_up(&self, position: &mut FeedPosition) -> StoreResult<()> {
        let head = self.head().await?;
        self.projection.set_feed_behind(head.seq.saturating_sub(position.seq).max(0) as u64);
        if head == *position {
            return Ok(());
        }
        if head.epoch != position.epoch || head.seq < position.seq {
            tracing::info!(epoch = ?head.epoch, "the change feed was started anew; reloading the projection");
            return self.load(position).await;
        }
        while position.seq < head.seq {
            let entries = self.entries(position.seq, head.seq).await?;
            if entries.is_empty() {
                tracing::warn!(held = position.seq, "change feed entries are missing; reloading the projection");
                return self.load(position).await;
            }
            for entry in entries {
                let states = match (entry.seq == position.seq + 1, entry.states) {
                    (true, Some(states)) => serde_json::from_str::<Vec<NodeState>>(&states)
                        .map_err(|e| StoreError::Internal(format!("change feed entry {}: {e}", entry.seq)))?,
                    (true, None) => {
                        tracing::info!(
                            seq = entry.seq,
                            "a write too large for the change feed; reloading the projection"
                        );
                        return self.load(position).await;
                    }
                    (false, _) => {
                        tracing::warn!(
                            held = position.seq,
                            next = entry.seq,
                            "change feed entries were pruned before this instance read them; reloading the projection"
                        );
                        return self.load(position).await;
                    }
                };
                self.projection.put_states(states)?;
                position.seq = entry.seq;
            }
        }
        Ok(())
    }

    /// Streams the whole network into a new projection graph, logging every tenth of it.
    async fn load(&self, position: &mut FeedPosition) -> StoreResult<()> {
        let started = Instant::now();
        let at = self.head().await?;
        let total = self.count().await?;
        let mut graph = graph::Graph::default();
        let (mut loaded, mut reported, mut after) = (0i64, 0i64, None::<String>);
        loop {
            let rows = self.scan(after.as_deref()).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id.to_string());
            loaded += rows.len() as i64;
            for node in rows.into_iter().map(|r| r.node) {
                graph.insert(node);
            }
            let tenth = if total > 0 { (loaded * 10 / total).min(10) } else { 10 };
            if tenth > reported {
                reported = tenth;
                tracing::info!(nodes = loaded, of = total, "loading the matching projection: {}0 %", tenth);
            }
        }
        self.projection.replace(graph)?;
        *position = at;
        tracing::info!(nodes = loaded, seconds = started.elapsed().as_secs_f64(), "matching projection loaded");
        Box::pin(self.catch_up(position)).await
    }

    async fn head(&self) -> StoreResult<FeedPosition> {
        let deadline = tokio::time::Instant::now() + READ_DEADLINE;
        retry_on_quietly(&self.pool, "change feed head", deadline, move |graph| async move {
            let mut tx = Tx::begin(&graph).await?;
            let rows: Vec<FeedPosition> = tx.rows(cypher(HEAD, json!({}))?).await?;
            tx.finish().await?;
            Ok(rows.into_iter().next().unwrap_or_default())
        })
        .await
    }

    async fn entries(&self, after: i64, until: i64) -> StoreResult<Vec<Entry>> {
        let deadline = tokio::time::Instant::now() + READ_DEADLINE;
        retry_on_quietly(&self.pool, "change feed entries", deadline, move |graph| async move {
            let mut tx = Tx::begin(&graph).await?;
            let params = json!({ "after": after, "until": until, "limit": ENTRIES_BATCH });
            let rows: Vec<Entry> = tx.rows(cypher(ENTRIES, params)?).await?;
            tx.finish().await?;
            Ok(rows)
        })
        .await
    }

    async fn count(&self) -> StoreResult<i64> {
        let deadline = tokio::time::Instant::now() + READ_DEADLINE;
        retry_on_quietly(&self.pool, "count nodes", deadline, move |graph| async move {
            let mut tx = Tx::begin(&graph).await?;
            let rows: Vec<Count> = tx.rows(cypher(COUNT, json!({}))?).await?;
            tx.finish().await?;
            Ok(rows.first().map_or(0, |r| r.count))
        })
        .await
    }

    async fn scan(&self, after: Option<&str>) -> StoreResult<Vec<Scanned>> {
        let deadline = tokio::time::Instant::now() + READ_DEADLINE;
        retry_on_quietly(&self.pool, "load projection", deadline, move |graph| async move {
            let mut tx = Tx::begin(&graph).await?;
            let rows: Vec<StoredNode> = tx.rows(cypher(SCAN, json!({ "after": after, "batch": SCAN_BATCH }))?).await?;
            tx.finish().await?;
            rows.into_iter().map(Scanned::try_from).collect::<DbResult<Vec<_>>>()
        })
        .await
    }
}

struct Scanned {
    id: crate::domain::Id,
    node: crate::domain::Node,
}

impl TryFrom<StoredNode> for Scanned {
    type Error = super::connect::DbError;

    fn try_from(row: StoredNode) -> DbResult<Self> {
        let node = mapping::from_stored(row)?;
        Ok(Self { id: node.id().clone(), node })
    }
}

/// Loads the projection, then follows the feed, until the follower is gone. Failures (the
/// database unreachable) are logged and tried again at the next tick.
async fn follow(follower: Weak<Follower>, interval: Duration) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    loop {
        ticks.tick().await;
        let Some(follower) = follower.upgrade() else { return };
        let mut position = follower.position.lock().await;
        let result = if follower.projection.is_loaded() {
            follower.catch_up(&mut position).await
        } else {
            follower.load(&mut position).await
        };
        match result {
            Ok(()) if failing => {
                failing = false;
                tracing::info!("following the change feed again");
            }
            Ok(()) => {}
            Err(error) if !failing => {
                failing = true;
                tracing::warn!(%error, "cannot follow the change feed; trying again");
            }
            Err(error) => tracing::debug!(%error, "still cannot follow the change feed"),
        }
    }
}
