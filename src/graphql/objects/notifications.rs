//! Live notifications (see [`crate::live`]): the subscription root and one object per kind.
//!
//! The transport (`/graphql/ws`) listens for its connection's viewer and runs the
//! subscription's document once for each write that tells them something, with those
//! notifications as [`Delivery`]; each run resolves the selection like a query, with the
//! caller's rights as they are at that moment.

use std::sync::Arc;

use async_graphql::futures_util::Stream;
use async_graphql::{Context, Object, Result, Subscription, Union};

use crate::domain::{Id, Municipality, Project, Topic};
use crate::graphql::objects::{
    ConnectionRequestObject, MunicipalityObject, ProjectInvitationObject, ProjectObject, TopicObject,
};
use crate::graphql::support::{load_many, load_required};
use crate::live::{Notification, NotificationKind};

/// The notifications one write brought the subscriber.
#[derive(Clone)]
pub struct Delivery(pub Arc<[Notification]>);

/// Someone asked the signed-in Lotse to connect.
pub struct ConnectionRequested(ConnectionRequestObject);

/// Someone asked the signed-in Lotse to connect.
#[Object]
impl ConnectionRequested {
    /// The request, addressed to the signed-in Lotse.
    async fn request(&self) -> &ConnectionRequestObject {
        &self.0
    }
}

/// A request the signed-in Lotse sent was accepted: the two are contacts now.
pub struct ConnectionAccepted(ConnectionRequestObject);

/// A request the signed-in Lotse sent was accepted: the two are contacts now.
#[Object]
impl ConnectionAccepted {
    /// The request, sent by the signed-in Lotse.
    async fn request(&self) -> &ConnectionRequestObject {
        &self.0
    }
}

/// A new project about topics the signed-in Lotse knows.
pub struct ProjectMatched {
    project: ProjectObject,
    topics: Vec<Id>,
}

/// A new project about topics the signed-in Lotse knows.
#[Object]
impl ProjectMatched {
    /// The new project.
    async fn project(&self) -> &ProjectObject {
        &self.project
    }
    /// The project's topics that the signed-in Lotse knows.
    async fn topics(&self, ctx: &Context<'_>) -> Result<Vec<TopicObject>> {
        Ok(load_many::<Topic>(ctx, &self.topics).await?.into_iter().map(Into::into).collect())
    }
}

/// Someone invited the signed-in Lotse to a project; they accept or decline it.
pub struct InvitedToProject(ProjectInvitationObject);

/// Someone invited the signed-in Lotse to a project; they accept or decline it.
#[Object]
impl InvitedToProject {
    /// The invitation, pending, to the signed-in Lotse.
    async fn invitation(&self) -> &ProjectInvitationObject {
        &self.0
    }
}

/// A Lotse the signed-in Lotse invited to a project accepted or declined.
pub struct InvitationAnswered(ProjectInvitationObject);

/// A Lotse the signed-in Lotse invited to a project accepted or declined.
#[Object]
impl InvitationAnswered {
    /// The invitation, sent by the signed-in Lotse, with its answer as `status`.
    async fn invitation(&self) -> &ProjectInvitationObject {
        &self.0
    }
}

/// A municipality in the signed-in expert's area now runs a project in one of their topics
/// that no local Lotse knows.
pub struct GapOpened {
    municipality: Id,
    topic: Id,
    projects: Vec<Id>,
}

/// A municipality in the signed-in expert's area now runs a project in one of their topics
/// that no local Lotse knows.
#[Object]
impl GapOpened {
    /// The municipality with the gap.
    async fn municipality(&self, ctx: &Context<'_>) -> Result<MunicipalityObject> {
        Ok(load_required::<Municipality>(ctx, &self.municipality).await?.into())
    }
    /// The expert's topic that no local Lotse knows.
    async fn topic(&self, ctx: &Context<'_>) -> Result<TopicObject> {
        Ok(load_required::<Topic>(ctx, &self.topic).await?.into())
    }
    /// The municipality's projects about the topic.
    async fn projects(&self, ctx: &Context<'_>) -> Result<Vec<ProjectObject>> {
        Ok(load_many::<Project>(ctx, &self.projects).await?.into_iter().map(Into::into).collect())
    }
}

/// Something that happened which concerns the subscriber.
#[derive(Union)]
#[graphql(name = "Notification")]
pub enum NotificationObject {
    ConnectionRequested(ConnectionRequested),
    ConnectionAccepted(ConnectionAccepted),
    ProjectMatched(ProjectMatched),
    InvitedToProject(InvitedToProject),
    InvitationAnswered(InvitationAnswered),
    GapOpened(GapOpened),
}

impl From<Notification> for NotificationObject {
    fn from(notification: Notification) -> Self {
        match notification {
            Notification::ConnectionRequested(request) => {
                Self::ConnectionRequested(ConnectionRequested(request.into()))
            }
            Notification::ConnectionAccepted(request) => Self::ConnectionAccepted(ConnectionAccepted(request.into())),
            Notification::ProjectMatched { project, topics } => {
                Self::ProjectMatched(ProjectMatched { project: project.into(), topics })
            }
            Notification::InvitedToProject(invitation) => Self::InvitedToProject(InvitedToProject(invitation.into())),
            Notification::InvitationAnswered(invitation) => {
                Self::InvitationAnswered(InvitationAnswered(invitation.into()))
            }
            Notification::GapOpened { municipality, topic, projects } => {
                Self::GapOpened(GapOpened { municipality, topic, projects })
            }
        }
    }
}

/// Every subscription, served over WebSocket at `/graphql/ws`.
#[derive(Default)]
pub struct Subscription;

/// Every subscription, served over WebSocket at `/graphql/ws`.
#[Subscription]
impl Subscription {
    /// What concerns the signed-in person from now on: for a Lotse connection requests to
    /// them, acceptances of their requests, new projects in their topics, invitations to
    /// projects and the answers to the invitations they sent; for an expert new gaps in their
    /// area. `kinds` chooses among them (all when left out).
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<NotificationKind>>,
    ) -> Result<impl Stream<Item = NotificationObject> + use<>> {
        let delivery = ctx.data::<Delivery>()?;
        let chosen: Vec<NotificationObject> = delivery
            .0
            .iter()
            .filter(|n| kinds.as_ref().is_none_or(|kinds| kinds.contains(&n.kind())))
            .cloned()
            .map(Into::into)
            .collect();
        Ok(async_graphql::futures_util::stream::iter(chosen))
    }
}
