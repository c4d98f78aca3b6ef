//! "Kein Interesse": a Lotse dismisses a recommended peer, who is then left out of their
//! recommendations until the dismissal is undone.

use chrono::Utc;

use super::{ServiceError, ServiceResult, Services, idempotency, policy};
use crate::auth::Viewer;
use crate::domain::{Dismissal, DomainError, Id, NodeKind, Text};
use crate::store::{Change, Rel};

impl Services {
    /// Dismisses a peer for the calling Lotse (admins name the Lotse in `by`).
    pub async fn dismiss(
        &self,
        viewer: &Viewer,
        by: Option<Id>,
        peer: Id,
        reason: Option<Text>,
    ) -> ServiceResult<Dismissal> {
        let lotse = policy::acting_lotse(viewer, by, "byLotseId")?;
        if lotse == peer {
            return Err(DomainError::invalid("lotseId", "a Lotse cannot dismiss themselves").into());
        }
        self.require_visible(viewer, NodeKind::Lotse, &peer).await?;
        let dismissal = Dismissal {
            id: super::fresh_id("dismissal"),
            lotse,
            dismissed: peer,
            reason,
            created_at: Utc::now(),
            updated_at: None,
        };
        super::first_written(self.apply_audited(viewer, vec![Change::Create(dismissal.into())]).await?)
    }

    /// Undoes a dismissal: the peer may be recommended again.
    pub async fn undo_dismissal(&self, viewer: &Viewer, by: Option<Id>, peer: &Id) -> ServiceResult<()> {
        let lotse = policy::acting_lotse(viewer, by, "byLotseId")?;
        let found = self.dismissals_by(&lotse).await?.into_iter().find(|d| &d.dismissed == peer);
        let Some(found) = found else {
            if idempotency::replayed_write() {
                return Ok(());
            }
            return Err(ServiceError::Missing(format!("'{lotse}' has not dismissed '{peer}'")));
        };
        self.apply_audited(viewer, vec![Change::Delete(NodeKind::Dismissal, found.id)]).await.map(drop)
    }

    /// The dismissals of the calling Lotse (admins name the Lotse), in id order.
    pub async fn dismissals(&self, viewer: &Viewer, by: Option<Id>) -> ServiceResult<Vec<Dismissal>> {
        let lotse = policy::acting_lotse(viewer, by, "byLotseId")?;
        self.dismissals_by(&lotse).await
    }

    async fn dismissals_by(&self, lotse: &Id) -> ServiceResult<Vec<Dismissal>> {
        self.sources(NodeKind::Dismissal, Rel::DismissedBy, lotse).await
    }
}
