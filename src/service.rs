//! Use cases between the API and the store: matchmaking, connection requests, writes.

use std::sync::Arc;

use chrono::Utc;

use crate::domain::{ConnectionRequest, ConnectionStatus, DomainError, Id, Node, NodeKind, Text};
use crate::matching::{self, *};
use crate::store::{Change, GraphStore, ListQuery, Page, Rel, StoreError};

/// Why a use case failed. Deliberately not `Display`: the API must map every case to a code
/// explicitly (see `graphql::errors`), never through a blanket conversion.
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

/// What a Lotse does with a connection request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    Accept,
    Decline,
    Withdraw,
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

    pub async fn get_one(&self, kind: NodeKind, id: &Id) -> ServiceResult<Option<Node>> {
        Ok(self.store.get(kind, std::slice::from_ref(id)).await?.pop())
    }

    /// Like [`Self::get_one`], but a missing node is an error.
    pub async fn require(&self, kind: NodeKind, id: &Id) -> ServiceResult<Node> {
        self.get_one(kind, id).await?.ok_or_else(|| StoreError::not_found(kind, id).into())
    }

    pub async fn list(&self, query: &ListQuery) -> ServiceResult<Page> {
        Ok(self.store.list(query).await?)
    }

    pub async fn incoming(&self, kind: NodeKind, rel: Rel, targets: &[Id]) -> ServiceResult<Vec<(Id, Vec<Id>)>> {
        Ok(self.store.incoming(kind, rel, targets).await?)
    }

    pub async fn apply(&self, changes: Vec<Change>) -> ServiceResult<()> {
        Ok(self.store.apply(changes).await?)
    }

    pub async fn ready(&self) -> ServiceResult<()> {
        Ok(self.store.ping().await?)
    }

    pub async fn recommend_peers(&self, query: &PeerQuery, first: usize) -> ServiceResult<Vec<Ranked<PeerFeatures>>> {
        let mut ranked = matching::rank_peers(self.store.peer_candidates(query).await?);
        ranked.truncate(first);
        Ok(ranked)
    }

    pub async fn similar_projects(&self, project: &Id, first: usize) -> ServiceResult<Vec<Ranked<ProjectFeatures>>> {
        let mut ranked = matching::rank_projects(self.store.project_candidates(project).await?);
        ranked.truncate(first);
        Ok(ranked)
    }

    pub async fn municipalities_to_advise(
        &self,
        expert: &Id,
        first: usize,
    ) -> ServiceResult<Vec<Ranked<AdviceFeatures>>> {
        let mut ranked = matching::rank_advice(self.store.advice_candidates(expert).await?);
        ranked.truncate(first);
        Ok(ranked)
    }

    pub async fn experts_for(&self, target: &ExpertTarget, first: usize) -> ServiceResult<Vec<Ranked<ExpertFeatures>>> {
        let mut ranked = matching::rank_experts(self.store.expert_candidates(target).await?);
        ranked.truncate(first);
        Ok(ranked)
    }

    /// Sends a connection request from one Lotse to another.
    pub async fn request_connection(
        &self,
        id: Id,
        from: Id,
        to: Id,
        message: Option<Text>,
    ) -> ServiceResult<ConnectionRequest> {
        if from == to {
            return Err(DomainError::invalid("to", "a Lotse cannot connect with themselves").into());
        }
        let request = ConnectionRequest {
            id,
            from,
            to,
            status: ConnectionStatus::Pending,
            message,
            created_at: Utc::now(),
            responded_at: None,
        };
        self.apply(vec![Change::Create(request.clone().into())]).await?;
        Ok(request)
    }

    /// Accepts, declines or withdraws a pending request.
    pub async fn respond_to_request(&self, id: &Id, response: Response) -> ServiceResult<ConnectionRequest> {
        let node = self.require(NodeKind::ConnectionRequest, id).await?;
        let mut request =
            ConnectionRequest::try_from(node).map_err(|_| StoreError::not_found(NodeKind::ConnectionRequest, id))?;
        if request.status != ConnectionStatus::Pending {
            return Err(ServiceError::State(format!(
                "connection request '{id}' is {:?}, only pending requests can be answered",
                request.status
            )));
        }
        request.status = match response {
            Response::Accept => ConnectionStatus::Accepted,
            Response::Decline => ConnectionStatus::Declined,
            Response::Withdraw => ConnectionStatus::Withdrawn,
        };
        request.responded_at = Some(Utc::now());
        self.apply(vec![Change::Update(request.clone().into())]).await?;
        Ok(request)
    }

    /// Ends an accepted connection between two Lotsen.
    pub async fn remove_connection(&self, lotse: &Id, other: &Id) -> ServiceResult<()> {
        self.require(NodeKind::Lotse, lotse).await?;
        let mut accepted = None;
        for rel in [Rel::RequestFrom, Rel::RequestTo] {
            let ids = self.incoming(NodeKind::ConnectionRequest, rel, std::slice::from_ref(lotse)).await?;
            let ids: Vec<Id> = ids.into_iter().flat_map(|(_, ids)| ids).collect();
            for node in self.get(NodeKind::ConnectionRequest, &ids).await? {
                if let Node::ConnectionRequest(r) = node {
                    if r.status == ConnectionStatus::Accepted && r.other(lotse) == other {
                        accepted = Some(r.id);
                    }
                }
            }
        }
        let id = accepted.ok_or_else(|| ServiceError::Missing(format!("'{lotse}' and '{other}' are not connected")))?;
        self.apply(vec![Change::Delete(NodeKind::ConnectionRequest, id)]).await
    }
}
