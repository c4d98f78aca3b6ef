//! The matching engine's projection of the network: every node in memory with reverse-edge
//! indexes, dense numbers, adjacency arrays and topic weights, and the four questions
//! answered over it (candidate generation with raw features; ranking is in
//! [`crate::matching`]).
//!
//! Both stores keep one: the embedded store builds it from SQLite and serves its reads from
//! it; the Neo4j store streams it from the database at start and keeps it current with its
//! own writes and the change feed. The write rules ([`write`]) live here too, so that every
//! store checks a batch of changes with the same code.

mod answers;
pub mod candidates;
mod dismissals;
mod exclude;
pub mod index;
pub mod list;
mod network;
pub mod paths;
pub mod peers;
mod text;
mod walk;
mod weights;
pub mod write;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

pub use answers::DEFAULT_PEER_ANSWERS;
pub use network::{Graph, node_name};
pub use walk::{WALK, WalkSettings};

use serde::{Deserialize, Serialize};

use crate::domain::{Id, Node, NodeKind};
use crate::matching::{
    AdviceCandidates, ExpertCandidates, ExpertQuery, PeerCandidates, PeerQuery, ProjectCandidates, ProjectQuery,
};
use crate::store::{StoreError, StoreResult};

/// The state of one node after a write: the node as stored, or `None` when it was deleted.
/// Writes are shared between instances as these states: putting them in order is idempotent,
/// so a projection may replay a state it already holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeState {
    pub kind: NodeKind,
    pub id: Id,
    pub node: Option<Node>,
}

/// One node as a committed write left it, beside its state before the write.
#[derive(Debug, Clone)]
pub struct NodeChange {
    pub kind: NodeKind,
    pub id: Id,
    pub before: Option<Node>,
    pub after: Option<Node>,
}

/// The nodes one committed write changed, in the order the projection took them.
pub type Changes = Arc<[NodeChange]>;

/// Committed writes kept for a watcher that has not read them yet; one further behind misses
/// the oldest (see [`Projection::watch`]).
const WATCH_CAPACITY: usize = 1024;

/// The graph the engine reads, and whether it holds the whole network yet.
pub struct Projection {
    graph: RwLock<Graph>,
    /// The graph's state: a new number for every write under its lock.
    state: AtomicU64,
    /// Answers of `recommendPeers` for the current state.
    peer_answers: answers::PeerAnswers,
    loaded: AtomicBool,
    /// Change feed entries that the last poll found unread (0 where there is no feed).
    feed_behind: AtomicU64,
    /// Every committed write, for live notifications.
    changes: tokio::sync::broadcast::Sender<Changes>,
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Internal("a previous write to the projection panicked; restart the service".into())
}

impl Projection {
    /// A projection of a network read completely.
    pub fn loaded(graph: Graph) -> Self {
        Self::with(graph, true)
    }

    /// A projection still to be loaded: questions are answered "unavailable" until
    /// [`Projection::replace`] puts a whole network in.
    pub fn loading() -> Self {
        Self::with(Graph::default(), false)
    }

    fn with(graph: Graph, loaded: bool) -> Self {
        Self {
            graph: RwLock::new(graph),
            state: AtomicU64::new(0),
            peer_answers: answers::PeerAnswers::default(),
            loaded: AtomicBool::new(loaded),
            feed_behind: AtomicU64::new(0),
            changes: tokio::sync::broadcast::channel(WATCH_CAPACITY).0,
        }
    }

    /// The writes committed from now on, whichever store or service instance made them: the
    /// embedded store publishes each commit, the Neo4j store its own writes and the change
    /// feed's. A watcher that falls [`WATCH_CAPACITY`] writes behind is told how many it
    /// missed. A projection loaded anew publishes nothing for what the load changed.
    pub fn watch(&self) -> tokio::sync::broadcast::Receiver<Changes> {
        self.changes.subscribe()
    }

    /// Whether anyone watches the writes: only then are their changes worth collecting.
    pub fn is_watched(&self) -> bool {
        self.changes.receiver_count() > 0
    }

    /// Tells the watchers of a committed write; states the projection held already (a replay)
    /// are left out.
    pub fn publish(&self, changes: Vec<NodeChange>) {
        let changes: Vec<NodeChange> = changes.into_iter().filter(|c| c.before != c.after).collect();
        if !changes.is_empty() && self.is_watched() {
            // No watcher left since the check: nobody to tell.
            let _ = self.changes.send(changes.into());
        }
    }

    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    /// How many nodes the projection holds.
    pub fn len(&self) -> usize {
        self.graph.read().map_or(0, |graph| graph.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many nodes of a kind the projection holds.
    pub fn count(&self, kind: NodeKind) -> usize {
        self.graph.read().map_or(0, |graph| graph.count(kind))
    }

    /// Change feed entries the last poll found unread, for the metrics.
    pub fn feed_behind(&self) -> u64 {
        self.feed_behind.load(Ordering::Relaxed)
    }

    pub fn set_feed_behind(&self, entries: u64) {
        self.feed_behind.store(entries, Ordering::Relaxed);
    }

    /// Keeps up to `capacity` answers of `recommendPeers` for the graph's current state
    /// (`--peer-cache`); 0 keeps none.
    pub fn keep_peer_answers(&self, capacity: usize) {
        self.peer_answers.resize(capacity);
    }

    /// Questions of `recommendPeers` answered from a kept answer, and worked out, since the start.
    pub fn peer_answer_counts(&self) -> (u64, u64) {
        self.peer_answers.counts()
    }

    /// Puts a freshly loaded network in place of the current one.
    pub fn replace(&self, graph: Graph) -> StoreResult<()> {
        let mut current = self.graph.write().map_err(poisoned)?;
        *current = graph;
        self.state.fetch_add(1, Ordering::AcqRel);
        drop(current);
        self.loaded.store(true, Ordering::Release);
        Ok(())
    }

    /// Reads the graph; unavailable while it is being loaded.
    pub fn read<T>(&self, f: impl FnOnce(&Graph) -> StoreResult<T>) -> StoreResult<T> {
        if !self.is_loaded() {
            return Err(StoreError::Unavailable("the matching projection is still being loaded".into()));
        }
        f(&*self.graph.read().map_err(poisoned)?)
    }

    /// Waits up to `patience` for the projection to be loaded (the Neo4j store loads it in the
    /// background after opening).
    pub async fn wait_loaded(&self, patience: std::time::Duration) {
        let deadline = tokio::time::Instant::now() + patience;
        while !self.is_loaded() && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// Changes the graph under its write lock.
    pub fn write<T>(&self, f: impl FnOnce(&mut Graph) -> StoreResult<T>) -> StoreResult<T> {
        let mut graph = self.graph.write().map_err(poisoned)?;
        // A new state before the change: also a write that fails halfway makes the kept
        // answers old.
        self.state.fetch_add(1, Ordering::AcqRel);
        f(&mut graph)
    }

    /// Puts node states written elsewhere, in the order they were committed.
    pub fn put_states(&self, states: Vec<NodeState>) -> StoreResult<()> {
        let watched = self.is_watched();
        let mut changes = Vec::new();
        self.write(|graph| {
            for state in states {
                if watched {
                    let before = graph.node(state.kind, &state.id).cloned();
                    changes.push(NodeChange {
                        kind: state.kind,
                        id: state.id.clone(),
                        before,
                        after: state.node.clone(),
                    });
                }
                match state.node {
                    Some(node) => {
                        graph.insert(node);
                    }
                    None => {
                        graph.remove(state.kind, &state.id);
                    }
                }
            }
            Ok(())
        })?;
        self.publish(changes);
        Ok(())
    }

    #[tracing::instrument(skip_all, fields(lotse = %query.lotse))]
    pub fn peers(&self, query: &PeerQuery) -> StoreResult<PeerCandidates> {
        // The state cannot change while the graph is read.
        self.read(|g| self.peer_answers.answer(self.state.load(Ordering::Acquire), query, || peers::peers(g, query)))
    }

    #[tracing::instrument(skip_all, fields(project = %query.project))]
    pub fn projects(&self, query: &ProjectQuery) -> StoreResult<ProjectCandidates> {
        self.read(|g| candidates::projects(g, query))
    }

    /// A page of search hits among the nodes `sees` lets through.
    #[tracing::instrument(skip_all)]
    pub fn search(
        &self,
        query: &crate::search::SearchQuery,
        sees: &dyn Fn(&Node) -> bool,
    ) -> StoreResult<crate::search::SearchPage> {
        self.read(|g| Ok(crate::search::search(g, query, sees)))
    }

    /// The shortest introduction paths between two Lotsen through people `sees` lets through.
    #[tracing::instrument(skip_all, fields(from = %from, to = %to))]
    pub fn introduction_paths(
        &self,
        from: &Id,
        to: &Id,
        first: usize,
        sees: &dyn Fn(&Node) -> bool,
    ) -> StoreResult<Vec<paths::IntroductionPath>> {
        self.read(|g| paths::introduction_paths(g, from, to, first, sees))
    }

    #[tracing::instrument(skip_all, fields(expert = %expert))]
    pub fn advice(&self, expert: &Id) -> StoreResult<AdviceCandidates> {
        self.read(|g| candidates::advice(g, expert))
    }

    #[tracing::instrument(skip_all)]
    pub fn experts(&self, query: &ExpertQuery) -> StoreResult<ExpertCandidates> {
        self.read(|g| candidates::experts(g, query))
    }
}
