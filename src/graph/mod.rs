//! The matching engine's projection of the network: every node in memory with reverse-edge
//! indexes, dense numbers, adjacency arrays and topic weights, and the four questions
//! answered over it (candidate generation with raw features; ranking is in
//! [`crate::matching`]).
//!
//! Both stores keep one: the embedded store builds it from SQLite and serves its reads from
//! it; the Neo4j store streams it from the database at start and keeps it current with its
//! own writes and the change feed. The write rules ([`write`]) live here too, so that every
//! store checks a batch of changes with the same code.

pub mod candidates;
mod exclude;
pub mod index;
mod network;
pub mod peers;
mod text;
mod walk;
mod weights;
pub mod write;

use std::sync::RwLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub use network::{Graph, node_name};

use serde::{Deserialize, Serialize};

use crate::domain::{Id, Node, NodeKind};
use crate::matching::{
    AdviceCandidates, ExpertCandidates, ExpertTarget, PeerCandidates, PeerQuery, ProjectCandidates, ProjectQuery,
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

/// The graph the engine reads, and whether it holds the whole network yet.
pub struct Projection {
    graph: RwLock<Graph>,
    loaded: AtomicBool,
    /// Change feed entries that the last poll found unread (0 where there is no feed).
    feed_behind: AtomicU64,
}

fn poisoned<T>(_: T) -> StoreError {
    StoreError::Internal("a previous write to the projection panicked; restart the service".into())
}

impl Projection {
    /// A projection of a network read completely.
    pub fn loaded(graph: Graph) -> Self {
        Self { graph: RwLock::new(graph), loaded: AtomicBool::new(true), feed_behind: AtomicU64::new(0) }
    }

    /// A projection still to be loaded: questions are answered "unavailable" until
    /// [`Projection::replace`] puts a whole network in.
    pub fn loading() -> Self {
        Self { graph: RwLock::new(Graph::default()), loaded: AtomicBool::new(false), feed_behind: AtomicU64::new(0) }
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

    /// Change feed entries the last poll found unread, for the metrics.
    pub fn feed_behind(&self) -> u64 {
        self.feed_behind.load(Ordering::Relaxed)
    }

    pub fn set_feed_behind(&self, entries: u64) {
        self.feed_behind.store(entries, Ordering::Relaxed);
    }

    /// Puts a freshly loaded network in place of the current one.
    pub fn replace(&self, graph: Graph) -> StoreResult<()> {
        *self.graph.write().map_err(poisoned)? = graph;
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

    /// Changes the graph under its write lock.
    pub fn write<T>(&self, f: impl FnOnce(&mut Graph) -> StoreResult<T>) -> StoreResult<T> {
        f(&mut *self.graph.write().map_err(poisoned)?)
    }

    /// Puts node states written elsewhere, in the order they were committed.
    pub fn put_states(&self, states: Vec<NodeState>) -> StoreResult<()> {
        self.write(|graph| {
            for state in states {
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
        })
    }

    #[tracing::instrument(skip_all, fields(lotse = %query.lotse))]
    pub fn peers(&self, query: &PeerQuery) -> StoreResult<PeerCandidates> {
        self.read(|g| peers::peers(g, query))
    }

    #[tracing::instrument(skip_all, fields(project = %query.project))]
    pub fn projects(&self, query: &ProjectQuery) -> StoreResult<ProjectCandidates> {
        self.read(|g| candidates::projects(g, query))
    }

    #[tracing::instrument(skip_all, fields(expert = %expert))]
    pub fn advice(&self, expert: &Id) -> StoreResult<AdviceCandidates> {
        self.read(|g| candidates::advice(g, expert))
    }

    #[tracing::instrument(skip_all)]
    pub fn experts(&self, target: &ExpertTarget) -> StoreResult<ExpertCandidates> {
        self.read(|g| candidates::experts(g, target))
    }
}
