//! Storage behind one trait, so the embedded store and Neo4j answer alike.
//!
//! A store is the system of record: writes arrive as a batch of [`Change`]s that it applies
//! atomically after checking every rule; reads are batched by id for the GraphQL loaders;
//! lists are ordered pages, read from the projection on both stores (see [`order`]). Matchmaking reads the store's [`Projection`], which the store
//! keeps current with every committed change.

pub mod edges;
pub mod embedded;
pub mod idempotency;
pub mod neo4j;
pub mod order;

use async_trait::async_trait;

use std::sync::Arc;

use crate::domain::{Id, Node, NodeKind, ProjectRole, ProjectStatus};
use crate::graph::Projection;

pub use edges::Rel;
pub use idempotency::{Applied, KeyRecord, WriteKey};
pub use order::{ListOrder, Position, SortKey, SortValue};

/// One write; a batch of them is applied all or nothing.
#[derive(Debug, Clone)]
pub enum Change {
    /// Adds a node; fails with [`StoreError::Conflict`] when the id is taken.
    Create(Node),
    /// Replaces an existing node; fails with [`StoreError::NotFound`] when it is missing.
    Update(Node),
    /// Removes a node with the edges it owns; refused while other nodes depend on it.
    Delete(NodeKind, Id),
    /// Adds a Lotse to a project or changes their role.
    SetMember { project: Id, lotse: Id, role: ProjectRole },
    /// Removes a Lotse from a project.
    RemoveMember { project: Id, lotse: Id },
}

/// Which nodes a list returns. Every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// The node has an edge of this kind to this node (e.g. `About` a topic).
    pub edges: Vec<(Rel, Id)>,
    /// The node lies in this district or region (transitively through parent regions).
    pub within: Option<Id>,
    /// Case-insensitive part of the name or title.
    pub text: Option<String>,
    pub status: Option<ProjectStatus>,
    pub population_min: Option<u32>,
    pub population_max: Option<u32>,
    /// The node was written through the API at or after this time.
    pub changed_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// A page of a list in an order.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub kind: Option<NodeKind>,
    pub filter: ListFilter,
    pub order: ListOrder,
    /// Return only nodes after this place in the order.
    pub after: Option<Position>,
    pub first: usize,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub nodes: Vec<Node>,
    pub has_next_page: bool,
}

/// Why a store refused or failed. The first three are the caller's doing; `TooLarge` is the
/// size of the operation, which a smaller one avoids.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{kind} '{id}' does not exist")]
    NotFound { kind: NodeKind, id: Id },
    #[error("{field}: no {expected} with id '{id}'")]
    UnknownReference { field: &'static str, expected: &'static str, id: Id },
    #[error("{0}")]
    Conflict(String),
    /// An idempotency key came back with another request than the one it was first used for.
    #[error("{0}")]
    KeyReused(String),
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// The write was sent to the store but its answer never came: it may have been applied
    /// or not. A retry with the same idempotency key is safe; one without may apply it twice.
    #[error("outcome of the write unknown: {0}")]
    OutcomeUnknown(String),
    /// The database ran out of the memory it grants transactions while running this one:
    /// trying the same again fails the same way, smaller operations can succeed.
    #[error("too large for one transaction of the store: {0}")]
    TooLarge(String),
    #[error("store failure: {0}")]
    Internal(String),
}

impl StoreError {
    pub fn not_found(kind: NodeKind, id: &Id) -> Self {
        Self::NotFound { kind, id: id.clone() }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait GraphStore: Send + Sync {
    /// The nodes of `kind` with these ids; missing ids are left out.
    async fn get(&self, kind: NodeKind, ids: &[Id]) -> StoreResult<Vec<Node>>;

    /// A page of a list, in its order: read from the projection, so that both stores order
    /// and page alike (on Neo4j, other instances' writes arrive within the change feed's bound);
    /// unavailable until the projection is loaded, like every answer of the projection.
    async fn list(&self, query: &ListQuery) -> StoreResult<Page> {
        self.projection().read(|graph| Ok(crate::graph::list::list(graph, query)))
    }

    /// Ids of nodes of `kind` with an edge `rel` to any of `targets`, per target, in id order.
    async fn incoming(&self, kind: NodeKind, rel: Rel, targets: &[Id]) -> StoreResult<Vec<(Id, Vec<Id>)>>;

    /// Applies all changes or none.
    async fn apply(&self, changes: Vec<Change>) -> StoreResult<()>;

    /// Applies all changes or none, unless the request of `key` applied this write before;
    /// the key's record is written in the same transaction (see [`idempotency`]).
    async fn apply_once(&self, changes: Vec<Change>, key: &WriteKey) -> StoreResult<Applied>;

    /// The unexpired record of a caller's key.
    async fn key_record(&self, caller: &str, key: &str) -> StoreResult<Option<KeyRecord>>;

    /// Keeps the answer of the request of a caller's key, once the key has a record.
    async fn save_result(&self, caller: &str, key: &str, result: &str) -> StoreResult<()>;

    /// The projection of the network that matchmaking reads, current with every committed
    /// change (of this process at once, of others within the change feed's bound).
    fn projection(&self) -> Arc<Projection>;

    /// Succeeds when the store can serve requests.
    async fn ping(&self) -> StoreResult<()>;
}
