//! "Kein Interesse": dismissing recommended peers, and undoing it.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};

use crate::domain::*;
use crate::graphql::objects::LotseObject;
use crate::graphql::support::*;

/// A recommended peer a Lotse is not interested in: left out of their `recommendPeers`
/// until `undoDismissal`.
pub struct DismissalObject(pub Dismissal);

/// A recommended peer a Lotse is not interested in: left out of their `recommendPeers`
/// until `undoDismissal`.
#[Object(name = "Dismissal")]
impl DismissalObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// The peer dismissed.
    async fn lotse(&self, ctx: &Context<'_>) -> Result<LotseObject> {
        Ok(load_required::<Lotse>(ctx, &self.0.dismissed).await?.into())
    }
    /// Why, in the Lotse's words.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_ref().map(Text::as_str)
    }
    /// When the peer was dismissed.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(Default)]
pub struct FeedbackQuery;

#[Object]
impl FeedbackQuery {
    /// The peers the calling Lotse dismissed (admins name the Lotse in `byLotseId`), in id
    /// order of the dismissals.
    async fn dismissals(&self, ctx: &Context<'_>, by_lotse_id: Option<ID>) -> Result<Vec<DismissalObject>> {
        let by = optional_id("byLotseId", by_lotse_id.as_ref())?;
        let dismissals = services(ctx)?.dismissals(viewer(ctx)?, by).await?;
        Ok(dismissals.into_iter().map(DismissalObject).collect())
    }
}

#[derive(Default)]
pub struct FeedbackMutation;

#[Object]
impl FeedbackMutation {
    /// "Kein Interesse": leaves a peer out of the calling Lotse's recommendations until
    /// `undoDismissal` (admins name the Lotse in `byLotseId`). CONFLICT when already dismissed.
    async fn dismiss_recommendation(
        &self,
        ctx: &Context<'_>,
        lotse_id: ID,
        reason: Option<String>,
        by_lotse_id: Option<ID>,
    ) -> Result<DismissalObject> {
        let peer = parse_id("lotseId", &lotse_id)?;
        let by = optional_id("byLotseId", by_lotse_id.as_ref())?;
        let reason = reason.map(|r| Text::parse_field("reason", &r).map_err(invalid)).transpose()?;
        Ok(DismissalObject(services(ctx)?.dismiss(viewer(ctx)?, by, peer, reason).await?))
    }
    /// Undoes a dismissal: the peer may be recommended again; returns true. NOT_FOUND when the
    /// peer was not dismissed.
    async fn undo_dismissal(&self, ctx: &Context<'_>, lotse_id: ID, by_lotse_id: Option<ID>) -> Result<bool> {
        let peer = parse_id("lotseId", &lotse_id)?;
        let by = optional_id("byLotseId", by_lotse_id.as_ref())?;
        services(ctx)?.undo_dismissal(viewer(ctx)?, by, &peer).await?;
        Ok(true)
    }
}
