//! Invitations to work on a project, and the lists a Lotse answers them from.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};

use crate::domain::*;
use crate::graphql::objects::{LotseObject, ProjectObject};
use crate::graphql::support::*;

/// An invitation to work on a project, which the invited Lotse accepts or declines.
pub struct ProjectInvitationObject(pub ProjectInvitation);

impl From<ProjectInvitation> for ProjectInvitationObject {
    fn from(i: ProjectInvitation) -> Self {
        Self(i)
    }
}

/// An invitation to work on a project, which the invited Lotse accepts or declines.
#[Object(name = "ProjectInvitation")]
impl ProjectInvitationObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// The project.
    async fn project(&self, ctx: &Context<'_>) -> Result<ProjectObject> {
        Ok(load_required::<Project>(ctx, &self.0.project).await?.into())
    }
    /// The invited Lotse.
    async fn lotse(&self, ctx: &Context<'_>) -> Result<LotseObject> {
        Ok(load_required::<Lotse>(ctx, &self.0.lotse).await?.into())
    }
    /// The Lotse who invited.
    async fn invited_by(&self, ctx: &Context<'_>) -> Result<LotseObject> {
        Ok(load_required::<Lotse>(ctx, &self.0.invited_by).await?.into())
    }
    /// The role offered.
    async fn role(&self) -> ProjectRole {
        self.0.role
    }
    /// State of the invitation.
    async fn status(&self) -> InvitationStatus {
        self.0.status
    }
    /// When the invitation was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When it was accepted or declined.
    async fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.0.responded_at
    }
}

#[derive(Default)]
pub struct InvitationQuery;

#[Object]
impl InvitationQuery {
    /// The invitations the calling Lotse received (admins name the Lotse), in id order;
    /// only those of one status when `status` is given.
    async fn my_invitations(
        &self,
        ctx: &Context<'_>,
        status: Option<InvitationStatus>,
        lotse_id: Option<ID>,
    ) -> Result<Vec<ProjectInvitationObject>> {
        let lotse = optional_id("lotseId", lotse_id.as_ref())?;
        let invitations = services(ctx)?.invitations_of(viewer(ctx)?, lotse).await?;
        Ok(invitations.into_iter().filter(|i| status.is_none_or(|s| i.status == s)).map(Into::into).collect())
    }
}

/// Invitations to a project that the caller may see (see `Project.invitations`).
pub async fn invitations_to(
    ctx: &Context<'_>,
    project: &Project,
    status: Option<InvitationStatus>,
) -> Result<Vec<ProjectInvitationObject>> {
    let invitations = services(ctx)?.invitations_to(viewer(ctx)?, project).await?;
    Ok(invitations.into_iter().filter(|i| status.is_none_or(|s| i.status == s)).map(Into::into).collect())
}
