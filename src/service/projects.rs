//! Who works on a project: its creator at once, everyone else only by accepting an
//! invitation; a Lotse leaves any project, its leads remove members.

use chrono::Utc;

use super::{ServiceError, ServiceResult, Services, allowed, idempotency, policy};
use crate::auth::Viewer;
use crate::domain::{Id, InvitationStatus, Membership, NodeKind, Project, ProjectInvitation, ProjectRole};
use crate::store::{Change, Rel, StoreError};

fn invitation(project: &Id, lotse: Id, invited_by: &Id, role: ProjectRole) -> ProjectInvitation {
    ProjectInvitation {
        id: super::fresh_id("invitation"),
        project: project.clone(),
        lotse,
        invited_by: invited_by.clone(),
        role,
        status: InvitationStatus::Pending,
        created_at: Utc::now(),
        responded_at: None,
        updated_at: None,
    }
}

impl Services {
    /// Creates a project. A Lotse who creates it works on it at once (as its lead unless they
    /// listed themselves with another role); the other Lotsen listed are invited. Admins and
    /// integrations add the listed members directly.
    pub async fn create_project(&self, viewer: &Viewer, mut project: Project) -> ServiceResult<Project> {
        let Some(me) = viewer.lotse() else {
            return super::first_written(self.apply(viewer, vec![Change::Create(project.into())]).await?);
        };
        let (mine, others): (Vec<Membership>, Vec<Membership>) =
            std::mem::take(&mut project.members).into_iter().partition(|m| &m.lotse == me);
        let role = mine.first().map_or(ProjectRole::Lead, |m| m.role);
        project.members = vec![Membership { lotse: me.clone(), role }];
        let mut changes = vec![Change::Create(project.clone().into())];
        self.authorize(viewer, &changes).await?;
        if !others.is_empty() {
            allowed(policy::may_invite(viewer, &project))?;
        }
        for other in others {
            if self.require_visible(viewer, NodeKind::Lotse, &other.lotse).await.is_err() {
                return Err(
                    StoreError::UnknownReference { field: "members", expected: "lotse", id: other.lotse }.into()
                );
            }
            changes.push(Change::Create(invitation(&project.id, other.lotse, me, other.role).into()));
        }
        super::first_written(self.apply_audited(viewer, changes).await?)
    }

    /// Adds a Lotse to a project or changes their role. A Lotse leading the project invites
    /// someone who does not work on it yet instead: they join by accepting. Admins and
    /// integrations add members directly.
    pub async fn add_project_member(
        &self,
        viewer: &Viewer,
        project: &Id,
        lotse: Id,
        role: ProjectRole,
    ) -> ServiceResult<Project> {
        let current: Project = self.require_visible_as(viewer, project).await?;
        if viewer.lotse().is_some() && !current.members.iter().any(|m| m.lotse == lotse) {
            self.invite(viewer, project, lotse, role).await?;
            return Ok(current);
        }
        self.apply(viewer, vec![Change::SetMember { project: project.clone(), lotse, role }]).await?;
        self.require_visible_as(viewer, project).await
    }

    /// Invites a Lotse to a project the calling Lotse leads.
    pub async fn invite(
        &self,
        viewer: &Viewer,
        project: &Id,
        lotse: Id,
        role: ProjectRole,
    ) -> ServiceResult<ProjectInvitation> {
        let current: Project = self.require_visible_as(viewer, project).await?;
        let Some(me) = viewer.lotse() else {
            return super::forbidden("only Lotsen invite; admins and integrations add members directly");
        };
        allowed(policy::may_invite(viewer, &current))?;
        self.require_visible(viewer, NodeKind::Lotse, &lotse).await?;
        let invitation = invitation(project, lotse, me, role);
        super::first_written(self.apply_audited(viewer, vec![Change::Create(invitation.into())]).await?)
    }

    /// Removes a Lotse from a project: the Lotse themselves (leaving it) or one of its leads.
    pub async fn remove_project_member(&self, viewer: &Viewer, project: &Id, lotse: Id) -> ServiceResult<Project> {
        self.apply(viewer, vec![Change::RemoveMember { project: project.clone(), lotse }]).await?;
        self.require_visible_as(viewer, project).await
    }

    /// The invitations the calling Lotse (or the one an admin names) received, in id order.
    pub async fn invitations_of(&self, viewer: &Viewer, lotse: Option<Id>) -> ServiceResult<Vec<ProjectInvitation>> {
        let lotse = policy::acting_lotse(viewer, lotse, "lotseId")?;
        self.sources(NodeKind::ProjectInvitation, Rel::Invites, &lotse).await
    }

    /// The invitations to a project, in id order, as far as the viewer may see them.
    pub async fn invitations_to(&self, viewer: &Viewer, project: &Project) -> ServiceResult<Vec<ProjectInvitation>> {
        let all: Vec<ProjectInvitation> =
            self.sources(NodeKind::ProjectInvitation, Rel::InvitedTo, &project.id).await?;
        Ok(all.into_iter().filter(|i| policy::may_see_invitation(viewer, i, project)).collect())
    }

    /// Accepts or declines a pending invitation; accepting makes the invited Lotse a member
    /// in the role offered.
    pub async fn respond_to_invitation(
        &self,
        viewer: &Viewer,
        id: &Id,
        accept: bool,
    ) -> ServiceResult<ProjectInvitation> {
        let mut invitation: ProjectInvitation = self.require_visible_as(viewer, id).await?;
        allowed(policy::may_answer_invitation(viewer, &invitation))?;
        if invitation.status != InvitationStatus::Pending {
            if idempotency::replayed_write() {
                return Ok(invitation);
            }
            return Err(ServiceError::State(format!(
                "invitation '{id}' is {:?}, only pending invitations can be answered",
                invitation.status
            )));
        }
        invitation.status = if accept { InvitationStatus::Accepted } else { InvitationStatus::Declined };
        invitation.responded_at = Some(Utc::now());
        let mut changes = vec![Change::Update(invitation.clone().into())];
        if accept {
            changes.push(Change::SetMember {
                project: invitation.project.clone(),
                lotse: invitation.lotse.clone(),
                role: invitation.role,
            });
        }
        super::first_written(self.apply_audited(viewer, changes).await?)
    }
}
