//! Connection requests between Lotsen: sent, answered and ended only by the Lotsen involved.

use chrono::Utc;

use super::{ServiceError, ServiceResult, Services, allowed, idempotency, policy};
use crate::auth::Viewer;
use crate::domain::{ConnectionRequest, ConnectionStatus, DomainError, Id, Lotse, NodeKind, Text};
use crate::store::{Change, StoreError};

/// What a Lotse does with a connection request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    Accept,
    Decline,
    Withdraw,
}

impl Services {
    /// Sends a connection request. A hidden Lotse who is not a contact cannot be found.
    pub async fn request_connection(
        &self,
        viewer: &Viewer,
        from: Option<Id>,
        to: Id,
        message: Option<Text>,
    ) -> ServiceResult<ConnectionRequest> {
        let from = policy::acting_lotse(viewer, from, "fromLotseId")?;
        if from == to {
            return Err(DomainError::invalid("toLotseId", "a Lotse cannot connect with themselves").into());
        }
        if self.require_visible(viewer, NodeKind::Lotse, &to).await.is_err() {
            return Err(StoreError::UnknownReference { field: "toLotseId", expected: "lotse", id: to }.into());
        }
        let request = ConnectionRequest {
            id: new_request_id(),
            from,
            to,
            status: ConnectionStatus::Pending,
            message,
            created_at: Utc::now(),
            responded_at: None,
            updated_at: None,
        };
        super::first_written(self.apply_audited(viewer, vec![Change::Create(request.into())]).await?)
    }

    /// Accepts or declines (as the addressee) or withdraws (as the sender) a pending request.
    pub async fn respond_to_request(
        &self,
        viewer: &Viewer,
        id: &Id,
        response: Response,
    ) -> ServiceResult<ConnectionRequest> {
        let mut request: ConnectionRequest = self.require_visible_as(viewer, id).await?;
        let party = match response {
            Response::Accept | Response::Decline => &request.to,
            Response::Withdraw => &request.from,
        };
        allowed(policy::may_answer_request(viewer, party, response == Response::Withdraw))?;
        if request.status != ConnectionStatus::Pending {
            if idempotency::replayed_write() {
                return Ok(request);
            }
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
        super::first_written(self.apply_audited(viewer, vec![Change::Update(request.into())]).await?)
    }

    /// Ends an accepted connection between two Lotsen.
    pub async fn remove_connection(&self, viewer: &Viewer, lotse: Option<Id>, other: &Id) -> ServiceResult<()> {
        let lotse = policy::acting_lotse(viewer, lotse, "lotseId")?;
        self.require_as::<Lotse>(&lotse).await?;
        let accepted = self
            .requests_of(&lotse)
            .await?
            .into_iter()
            .find(|r| r.status == ConnectionStatus::Accepted && r.other(&lotse) == other);
        let Some(accepted) = accepted else {
            if idempotency::replayed_write() {
                return Ok(());
            }
            return Err(ServiceError::Missing(format!("'{lotse}' and '{other}' are not connected")));
        };
        self.apply_audited(viewer, vec![Change::Delete(NodeKind::ConnectionRequest, accepted.id)]).await.map(drop)
    }
}

fn new_request_id() -> Id {
    super::fresh_id("conn")
}
