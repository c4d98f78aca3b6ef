//! Use cases between the API and the store: who may do what (see [`policy`]), matchmaking,
//! connection requests, personal data, writes with their audit trail.

mod account;
mod connections;
mod dismissals;
mod display;
pub mod idempotency;
mod nodes;
pub mod policy;
mod projects;
mod search;

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Utc;

use crate::auth::Viewer;
use crate::domain::{AuditEntry, ConnectionRequest, ConnectionStatus, DomainError, Id, Lotse, Node, NodeKind};
use crate::matching::{self, *};
use crate::store::{Change, GraphStore, ListOrder, ListQuery, Page, Rel, StoreError};

pub use account::MyData;
pub use connections::Response;
pub use idempotency::{IdempotencyKey, fresh_id};

/// Why a use case failed. Deliberately not `Display`: the API must map every case to a code
/// explicitly (see `graphql::errors`), never through a blanket conversion. People read it
/// through [`ServiceError::display`].
#[derive(Debug)]
pub enum ServiceError {
    /// Input breaks a domain rule.
    Invalid(DomainError),
    /// The store refused or failed.
    Store(StoreError),
    /// The request is valid but the current state forbids it (e.g. accepting a declined request).
    State(String),
    /// A relationship the request names does not exist (e.g. removing a connection that is none).
    Missing(String),
    /// The caller has no valid token.
    Unauthenticated,
    /// The caller may not do this.
    Forbidden(String),
}

impl From<DomainError> for ServiceError {
    fn from(e: DomainError) -> Self {
        Self::Invalid(e)
    }
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// The first node a write created or replaced, as its entity.
fn first_written<E: crate::domain::Entity>(written: Vec<Node>) -> ServiceResult<E> {
    written
        .into_iter()
        .find_map(|n| E::try_from(n).ok())
        .ok_or_else(|| StoreError::Internal(format!("a write of a {} returned none", E::KIND)).into())
}

fn forbidden<T>(reason: impl Into<String>) -> ServiceResult<T> {
    Err(ServiceError::Forbidden(reason.into()))
}

/// A rule's verdict as the outcome of a use case.
fn allowed(verdict: policy::Verdict) -> ServiceResult<()> {
    verdict.map_err(ServiceError::Forbidden)
}

#[derive(Clone)]
pub struct Services {
    store: Arc<dyn GraphStore>,
}

impl Services {
    pub fn new(store: Arc<dyn GraphStore>) -> Self {
        Self { store }
    }

    pub async fn get(&self, kind: NodeKind, ids: &[Id]) -> ServiceResult<Vec<Node>> {
        Ok(self.store.get(kind, ids).await?)
    }

    /// The nodes a ranking names, from the projection it was ranked over: the same state of
    /// the network, without a round trip to the store.
    pub fn ranked_nodes(&self, kind: NodeKind, ids: &[Id]) -> ServiceResult<Vec<Node>> {
        let projection = self.store.projection();
        Ok(projection.read(|graph| Ok(ids.iter().filter_map(|id| graph.node(kind, id).cloned()).collect()))?)
    }

    /// The kind of the node with this id (ids are unique across kinds), from the projection.
    pub fn kind_of(&self, id: &Id) -> ServiceResult<Option<NodeKind>> {
        Ok(self.store.projection().read(|graph| Ok(graph.kind_of(id)))?)
    }

    pub async fn get_one(&self, kind: NodeKind, id: &Id) -> ServiceResult<Option<Node>> {
        Ok(self.store.get(kind, std::slice::from_ref(id)).await?.pop())
    }

    /// Like [`Self::get_one`], but a missing node is an error.
    pub async fn require(&self, kind: NodeKind, id: &Id) -> ServiceResult<Node> {
        self.get_one(kind, id).await?.ok_or_else(|| StoreError::not_found(kind, id).into())
    }

    async fn require_as<E: crate::domain::Entity>(&self, id: &Id) -> ServiceResult<E> {
        let node = self.require(E::KIND, id).await?;
        E::try_from(node).map_err(|_| StoreError::not_found(E::KIND, id).into())
    }

    pub async fn list(&self, query: &ListQuery) -> ServiceResult<Page> {
        Ok(self.store.list(query).await?)
    }

    /// Waits until the projection holds the network, for the reads of the command line and
    /// of the start (the Neo4j store loads it in the background after opening, and keeps
    /// trying while Neo4j cannot be reached); says so every half minute while it waits;
    /// gives up after ten minutes, and the reads then answer `SERVICE_UNAVAILABLE`.
    pub async fn projection_loaded(&self) {
        const PATIENCE: std::time::Duration = std::time::Duration::from_secs(600);
        const NOTICE: std::time::Duration = std::time::Duration::from_secs(30);
        let projection = self.store.projection();
        let started = std::time::Instant::now();
        projection.wait_loaded(std::time::Duration::from_secs(2)).await;
        while !projection.is_loaded() && started.elapsed() < PATIENCE {
            let left = PATIENCE.saturating_sub(started.elapsed());
            tracing::warn!(
                waited_s = started.elapsed().as_secs(),
                "waiting for the store to load the network (is Neo4j reachable?); giving up in {} s",
                left.as_secs()
            );
            projection.wait_loaded(NOTICE.min(left)).await;
        }
    }

    /// Every node of a kind in id order, read a page at a time.
    pub async fn list_all(&self, kind: NodeKind) -> ServiceResult<Vec<Node>> {
        const PAGE: usize = 10_000;
        self.projection_loaded().await;
        let (mut nodes, mut after) = (Vec::new(), None);
        loop {
            let page = self.list(&ListQuery { kind: Some(kind), after, first: PAGE, ..Default::default() }).await?;
            after = page.nodes.last().map(|n| crate::graph::list::position(&ListOrder::default(), n));
            nodes.extend(page.nodes);
            if !page.has_next_page {
                return Ok(nodes);
            }
        }
    }

    /// How many nodes a list holds (its page left aside) that the viewer may see, counted on
    /// the projection; `contacts` are the viewer's accepted contacts.
    pub fn count(&self, viewer: &Viewer, contacts: &HashSet<Id>, query: &ListQuery) -> ServiceResult<usize> {
        let projection = self.store.projection();
        Ok(projection
            .read(|graph| Ok(crate::graph::list::count(graph, query, |n| policy::may_see(viewer, contacts, n))))?)
    }

    /// How many of the nodes of `kind` with these ids exist and the viewer may see.
    pub fn count_ids(
        &self,
        viewer: &Viewer,
        contacts: &HashSet<Id>,
        kind: NodeKind,
        ids: &[Id],
    ) -> ServiceResult<usize> {
        let projection = self.store.projection();
        Ok(projection.read(|graph| {
            Ok(ids
                .iter()
                .filter_map(|id| graph.node(kind, id))
                .filter(|n| policy::may_see(viewer, contacts, n))
                .count())
        })?)
    }

    pub async fn incoming(&self, kind: NodeKind, rel: Rel, targets: &[Id]) -> ServiceResult<Vec<(Id, Vec<Id>)>> {
        Ok(self.store.incoming(kind, rel, targets).await?)
    }

    /// Ready when the store answers and the matching projection holds the network.
    pub async fn ready(&self) -> ServiceResult<()> {
        self.store.ping().await?;
        if !self.store.projection().is_loaded() {
            return Err(StoreError::Unavailable("the matching projection is still being loaded".into()).into());
        }
        Ok(())
    }

    /// Writes `changes` all or nothing, if the viewer may make every one of them; writes by
    /// admins and integrations are recorded in the audit log in the same batch.
    pub(crate) async fn apply(&self, viewer: &Viewer, changes: Vec<Change>) -> ServiceResult<Vec<Node>> {
        self.authorize(viewer, &changes).await?;
        self.apply_audited(viewer, changes).await
    }

    /// Whether the viewer may make every one of `changes`: a change about a node the viewer
    /// may not see fails as if the node did not exist.
    async fn authorize(&self, viewer: &Viewer, changes: &[Change]) -> ServiceResult<()> {
        if viewer == &Viewer::Anonymous {
            return Err(ServiceError::Unauthenticated);
        }
        if viewer.may_write_anything() {
            return Ok(());
        }
        let actor = match viewer.lotse() {
            Some(id) => Some(self.require_as::<Lotse>(id).await?),
            None => None,
        };
        for change in changes {
            let current = match policy::subject_of(change) {
                Some((kind, id)) => Some(self.require_visible(viewer, kind, id).await?),
                None => None,
            };
            policy::authorize(viewer, actor.as_ref(), change, current.as_ref()).map_err(ServiceError::Forbidden)?;
        }
        Ok(())
    }

    /// The viewer's accepted contacts (none for callers who are not Lotsen).
    async fn contacts_of_viewer(&self, viewer: &Viewer) -> ServiceResult<HashSet<Id>> {
        match viewer.lotse() {
            Some(me) => self.contacts(me).await,
            None => Ok(HashSet::new()),
        }
    }

    /// A node the viewer may see; missing and invisible nodes fail alike with NOT_FOUND.
    pub async fn require_visible(&self, viewer: &Viewer, kind: NodeKind, id: &Id) -> ServiceResult<Node> {
        let node = self.get_one(kind, id).await?;
        let contacts = match (kind, &node) {
            (NodeKind::Lotse, Some(_)) => self.contacts_of_viewer(viewer).await?,
            _ => HashSet::new(),
        };
        match node {
            Some(node) if policy::may_see(viewer, &contacts, &node) => Ok(node),
            _ => Err(StoreError::not_found(kind, id).into()),
        }
    }

    /// Like [`Self::require_visible`], as an entity.
    async fn require_visible_as<E: crate::domain::Entity>(&self, viewer: &Viewer, id: &Id) -> ServiceResult<E> {
        let node = self.require_visible(viewer, E::KIND, id).await?;
        E::try_from(node).map_err(|_| StoreError::not_found(E::KIND, id).into())
    }

    /// Writes changes with the operator's rights, without audit entries: for the command
    /// line (demo data, imports), never reachable over the API.
    pub async fn apply_as_operator(&self, changes: Vec<Change>) -> ServiceResult<()> {
        Ok(self.store.apply(changes).await?)
    }

    /// Writes changes already authorized, with audit entries for admins and integrations;
    /// every node created or replaced gets the time of the write as its `updated_at`.
    /// Returns those nodes as written, in the order of `changes`.
    async fn apply_audited(&self, viewer: &Viewer, mut changes: Vec<Change>) -> ServiceResult<Vec<Node>> {
        let at = crate::domain::stamp::now();
        let mut written = Vec::new();
        for change in &mut changes {
            if let Change::Create(node) | Change::Update(node) = change {
                node.set_updated_at(Some(at));
                written.push(node.clone());
            }
        }
        if matches!(viewer, Viewer::Admin { .. } | Viewer::Integration { .. }) {
            let entries: Vec<Change> =
                changes.iter().map(|c| Change::Create(audit_entry(viewer, c, at).into())).collect();
            changes.extend(entries);
        }
        self.write(changes).await?;
        Ok(written)
    }

    /// The Lotsen `lotse` has an accepted connection with.
    pub async fn contacts(&self, lotse: &Id) -> ServiceResult<HashSet<Id>> {
        Ok(self
            .requests_of(lotse)
            .await?
            .into_iter()
            .filter(|r| r.status == ConnectionStatus::Accepted)
            .map(|r| r.other(lotse).clone())
            .collect())
    }

    /// The nodes of `kind` with an edge `rel` to `target`, in id order.
    async fn sources<E: crate::domain::Entity>(&self, kind: NodeKind, rel: Rel, target: &Id) -> ServiceResult<Vec<E>> {
        let ids: Vec<Id> = self
            .incoming(kind, rel, std::slice::from_ref(target))
            .await?
            .into_iter()
            .flat_map(|(_, ids)| ids)
            .collect();
        Ok(self.get(kind, &ids).await?.into_iter().filter_map(|n| E::try_from(n).ok()).collect())
    }

    /// Connection requests sent or received by `lotse`, in id order.
    pub async fn requests_of(&self, lotse: &Id) -> ServiceResult<Vec<ConnectionRequest>> {
        let mut ids = Vec::new();
        for rel in [Rel::RequestFrom, Rel::RequestTo] {
            let found = self.incoming(NodeKind::ConnectionRequest, rel, std::slice::from_ref(lotse)).await?;
            ids.extend(found.into_iter().flat_map(|(_, ids)| ids));
        }
        ids.sort();
        ids.dedup();
        Ok(self.get(NodeKind::ConnectionRequest, &ids).await?.into_iter().filter_map(|n| n.try_into().ok()).collect())
    }

    pub async fn recommend_peers(
        &self,
        viewer: &Viewer,
        query: &PeerQuery,
        first: usize,
    ) -> ServiceResult<Vec<Ranked<PeerFeatures>>> {
        allowed(policy::may_see_peers_of(viewer, &query.lotse))?;
        Ok(matching::rank_peers(self.store.projection().peers(query)?, first))
    }

    pub async fn similar_projects(&self, project: &Id, first: usize) -> ServiceResult<Vec<Ranked<ProjectFeatures>>> {
        let query = ProjectQuery { project: project.clone(), limit: Some(first) };
        Ok(matching::rank_projects(self.store.projection().projects(&query)?, first))
    }

    pub async fn municipalities_to_advise(
        &self,
        viewer: &Viewer,
        expert: &Id,
        first: usize,
    ) -> ServiceResult<Vec<Ranked<AdviceFeatures>>> {
        allowed(policy::may_see_advice_of(viewer, expert))?;
        Ok(matching::rank_advice(self.store.projection().advice(expert)?, first))
    }

    /// Experts for a target; an expert asking is not among them.
    pub async fn experts_for(
        &self,
        viewer: &Viewer,
        target: ExpertTarget,
        first: usize,
    ) -> ServiceResult<Vec<Ranked<ExpertFeatures>>> {
        let query = ExpertQuery { target, asking: viewer.expert().cloned() };
        Ok(matching::rank_experts(self.store.projection().experts(&query)?, first))
    }
}

fn audit_entry(viewer: &Viewer, change: &Change, at: chrono::DateTime<Utc>) -> AuditEntry {
    let (action, target_kind, target, detail) = match change {
        Change::Create(n) => ("create", n.kind(), n.id().to_string(), None),
        Change::Update(n) => ("update", n.kind(), n.id().to_string(), None),
        Change::Delete(kind, id) => ("delete", *kind, id.to_string(), None),
        Change::SetMember { project, lotse, role } => {
            ("set_member", NodeKind::Project, project.to_string(), Some(format!("{lotse} as {role:?}")))
        }
        Change::RemoveMember { project, lotse } => {
            ("remove_member", NodeKind::Project, project.to_string(), Some(lotse.to_string()))
        }
    };
    AuditEntry {
        id: audit_id(),
        at: Utc::now(),
        actor: viewer.subject(),
        role: viewer.role_name().to_owned(),
        action: action.to_owned(),
        target_kind,
        target,
        detail,
        updated_at: Some(at),
    }
}

/// Audit ids sort by time, so the log lists in order.
fn audit_id() -> Id {
    let now = Utc::now();
    let id = format!("audit-{}-{}", now.format("%Y%m%dT%H%M%S%.6fZ"), &uuid::Uuid::new_v4().simple().to_string()[..8]);
    Id::parse_field("id", &id).expect("audit ids are made of valid characters")
}
