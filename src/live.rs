//! Live notifications: what a committed write means to one signed-in person.
//!
//! Every write reaches the matching projection (see [`crate::graph::Projection::watch`]), on
//! either store and from every service instance over the same Neo4j database. A [`Listener`]
//! reads each write for its viewer and names what they are told of:
//!
//! | kind | who | when |
//! |---|---|---|
//! | `CONNECTION_REQUESTED` | the Lotse asked | a connection request to them is created (or asked again) |
//! | `CONNECTION_ACCEPTED` | the Lotse who asked | their request is accepted |
//! | `PROJECT_MATCHED` | a Lotse | a project is created about topics they know, and they are not in it |
//! | `INVITED_TO_PROJECT` | the Lotse invited | someone invites them to a project |
//! | `INVITATION_ANSWERED` | the Lotse who invited | the invited Lotse accepts or declines |
//! | `GAP_OPENED` | an expert | a municipality in their area now runs a project in one of their topics that no local Lotse knows (a gap of `municipalitiesToAdvise`) |
//!
//! A new kind is one more [`Notification`] variant, its [`NotificationKind`], and the arm in
//! [`Listener::hear`] that finds it. Each notification passes the visibility rule of a query
//! ([`policy::may_see`]) for the node it is about; what the client selects of it is resolved
//! like any query.

use std::collections::{HashMap, HashSet};

use crate::auth::Viewer;
use crate::domain::{
    ConnectionRequest, ConnectionStatus, Id, InvitationStatus, Lotse, Node, NodeKind, Project, ProjectInvitation,
};
use crate::graph::{NodeChange, Projection, candidates};
use crate::service::policy;
use crate::store::StoreResult;

/// What one person is told of.
#[derive(Debug, Clone, PartialEq)]
pub enum Notification {
    ConnectionRequested(ConnectionRequest),
    ConnectionAccepted(ConnectionRequest),
    ProjectMatched { project: Project, topics: Vec<Id> },
    InvitedToProject(ProjectInvitation),
    InvitationAnswered(ProjectInvitation),
    GapOpened { municipality: Id, topic: Id, projects: Vec<Id> },
}

/// The kinds of notification, to choose from when subscribing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum NotificationKind {
    /// Someone asked the signed-in Lotse to connect.
    ConnectionRequested,
    /// A connection request the signed-in Lotse sent was accepted.
    ConnectionAccepted,
    /// A new project is about topics the signed-in Lotse knows.
    ProjectMatched,
    /// Someone invited the signed-in Lotse to a project.
    InvitedToProject,
    /// A Lotse the signed-in Lotse invited to a project accepted or declined.
    InvitationAnswered,
    /// A new gap opened in the signed-in expert's area.
    GapOpened,
}

impl Notification {
    pub fn kind(&self) -> NotificationKind {
        match self {
            Self::ConnectionRequested(_) => NotificationKind::ConnectionRequested,
            Self::ConnectionAccepted(_) => NotificationKind::ConnectionAccepted,
            Self::ProjectMatched { .. } => NotificationKind::ProjectMatched,
            Self::InvitedToProject(_) => NotificationKind::InvitedToProject,
            Self::InvitationAnswered(_) => NotificationKind::InvitationAnswered,
            Self::GapOpened { .. } => NotificationKind::GapOpened,
        }
    }
}

/// Why a listener stops: the person it listens for no longer exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Revoked;

/// The gaps of an expert's area: (municipality, topic) with the projects about the topic.
type Gaps = HashMap<(Id, Id), Vec<Id>>;

/// Reads committed writes for one viewer.
pub struct Listener {
    viewer: Viewer,
    /// An expert's gaps as of the last write read.
    gaps: Gaps,
}

/// Kinds whose changes can open a gap.
const GAP_KINDS: [NodeKind; 6] = [
    NodeKind::Project,
    NodeKind::Lotse,
    NodeKind::Expert,
    NodeKind::Municipality,
    NodeKind::District,
    NodeKind::Region,
];

impl Listener {
    /// A listener for the viewer, starting from the network as the projection holds it now.
    pub fn new(viewer: Viewer, projection: &Projection) -> StoreResult<Self> {
        let gaps = match viewer.expert() {
            Some(expert) => gaps(projection, expert)?,
            None => Gaps::new(),
        };
        Ok(Self { viewer, gaps })
    }

    /// What the viewer is told of a committed write; [`Revoked`] when it deleted the viewer.
    pub fn hear(&mut self, projection: &Projection, changes: &[NodeChange]) -> Result<Vec<Notification>, Revoked> {
        let me = match &self.viewer {
            Viewer::Lotse(id) | Viewer::Expert(id) => Some(id),
            _ => None,
        };
        let own_kind = if self.viewer.lotse().is_some() { NodeKind::Lotse } else { NodeKind::Expert };
        if changes.iter().any(|c| c.kind == own_kind && Some(&c.id) == me && c.after.is_none()) {
            return Err(Revoked);
        }
        let mut heard = Vec::new();
        if let Some(me) = self.viewer.lotse() {
            let competences: HashSet<Id> = projection
                .read(|graph| Ok(graph.get::<Lotse>(me).map(|l| l.topics.iter().cloned().collect())))
                .ok()
                .flatten()
                .unwrap_or_default();
            heard.extend(changes.iter().filter_map(|change| lotse_notification(me, &competences, change)));
        }
        if let Some(expert) = self.viewer.expert()
            && changes.iter().any(|c| GAP_KINDS.contains(&c.kind))
        {
            match gaps(projection, expert) {
                Ok(now) => {
                    let mut opened: Vec<Notification> = now
                        .iter()
                        .filter(|(key, _)| !self.gaps.contains_key(*key))
                        .map(|((municipality, topic), projects)| Notification::GapOpened {
                            municipality: municipality.clone(),
                            topic: topic.clone(),
                            projects: projects.clone(),
                        })
                        .collect();
                    opened.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
                    heard.extend(opened);
                    self.gaps = now;
                }
                Err(error) => tracing::warn!(%error, "gaps not computed for a notification"),
            }
        }
        heard.retain(|notification| self.may_see(notification));
        Ok(heard)
    }

    /// The visibility rule of a query, for the node a notification is about.
    fn may_see(&self, notification: &Notification) -> bool {
        let no_contacts = HashSet::new();
        match notification {
            Notification::ConnectionRequested(request) | Notification::ConnectionAccepted(request) => {
                policy::may_see(&self.viewer, &no_contacts, &Node::ConnectionRequest(request.clone()))
            }
            Notification::ProjectMatched { project, .. } => {
                policy::may_see(&self.viewer, &no_contacts, &Node::Project(project.clone()))
            }
            Notification::InvitedToProject(invitation) | Notification::InvitationAnswered(invitation) => {
                policy::may_see(&self.viewer, &no_contacts, &Node::ProjectInvitation(invitation.clone()))
            }
            Notification::GapOpened { .. } => self.viewer.may_read() && self.viewer.expert().is_some(),
        }
    }
}

/// What one changed node tells the Lotse `me`, who knows `competences`.
fn lotse_notification(me: &Id, competences: &HashSet<Id>, change: &NodeChange) -> Option<Notification> {
    match (&change.before, &change.after) {
        (before, Some(Node::ConnectionRequest(request))) if request.status == ConnectionStatus::Pending => {
            let was_pending =
                matches!(before, Some(Node::ConnectionRequest(r)) if r.status == ConnectionStatus::Pending);
            (&request.to == me && !was_pending).then(|| Notification::ConnectionRequested(request.clone()))
        }
        (Some(Node::ConnectionRequest(before)), Some(Node::ConnectionRequest(request)))
            if request.status == ConnectionStatus::Accepted && before.status != ConnectionStatus::Accepted =>
        {
            (&request.from == me).then(|| Notification::ConnectionAccepted(request.clone()))
        }
        (before, Some(Node::ProjectInvitation(invitation))) if invitation.status == InvitationStatus::Pending => {
            let was_pending =
                matches!(before, Some(Node::ProjectInvitation(i)) if i.status == InvitationStatus::Pending);
            (&invitation.lotse == me && !was_pending).then(|| Notification::InvitedToProject(invitation.clone()))
        }
        (Some(Node::ProjectInvitation(before)), Some(Node::ProjectInvitation(invitation)))
            if before.status == InvitationStatus::Pending =>
        {
            (&invitation.invited_by == me).then(|| Notification::InvitationAnswered(invitation.clone()))
        }
        (None, Some(Node::Project(project))) => {
            let topics: Vec<Id> = project.topics.iter().filter(|t| competences.contains(*t)).cloned().collect();
            let member = project.members.iter().any(|m| &m.lotse == me);
            (!topics.is_empty() && !member).then(|| Notification::ProjectMatched { project: project.clone(), topics })
        }
        _ => None,
    }
}

/// The gaps of an expert's area now; none when the expert is not in the network.
fn gaps(projection: &Projection, expert: &Id) -> StoreResult<Gaps> {
    projection.read(|graph| {
        if graph.node(NodeKind::Expert, expert).is_none() {
            return Ok(Gaps::new());
        }
        let advice = candidates::advice(graph, expert)?;
        Ok(advice
            .candidates
            .into_iter()
            .flat_map(|candidate| {
                let municipality = candidate.municipality.id;
                candidate.gaps.into_iter().map(move |gap| {
                    let projects = gap.projects.into_iter().map(|p| p.id).collect();
                    ((municipality.clone(), gap.topic.id), projects)
                })
            })
            .collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn id(raw: &str) -> Id {
        Id::parse_field("id", raw).unwrap()
    }

    fn request(status: ConnectionStatus) -> ConnectionRequest {
        ConnectionRequest {
            id: id("r1"),
            from: id("a"),
            to: id("b"),
            status,
            message: None,
            created_at: Utc::now(),
            responded_at: None,
            updated_at: None,
        }
    }

    fn change(before: Option<ConnectionRequest>, after: ConnectionRequest) -> NodeChange {
        NodeChange {
            kind: NodeKind::ConnectionRequest,
            id: id("r1"),
            before: before.map(Node::ConnectionRequest),
            after: Some(Node::ConnectionRequest(after)),
        }
    }

    #[test]
    fn the_projection_publishes_each_change_once_with_its_state_before() {
        use crate::domain::{Name, Topic};
        use crate::graph::{Graph, NodeState};
        let projection = Projection::loaded(Graph::default());
        let topic = |name: &str| {
            Node::Topic(Topic {
                id: id("t"),
                name: Name::parse_field("name", name).unwrap(),
                parent: None,
                updated_at: None,
            })
        };
        let state = |node: Option<Node>| NodeState { kind: NodeKind::Topic, id: id("t"), node };
        projection.put_states(vec![state(Some(topic("E-Akte")))]).unwrap();
        let mut watch = projection.watch();

        projection.put_states(vec![state(Some(topic("E-Akte")))]).unwrap();
        projection.put_states(vec![state(Some(topic("Breitband"))), state(None)]).unwrap();

        let published = watch.try_recv().expect("the second write was published");
        let states: Vec<_> = published.iter().map(|c| (c.before.clone(), c.after.clone())).collect();
        assert_eq!(states, vec![(Some(topic("E-Akte")), Some(topic("Breitband"))), (Some(topic("Breitband")), None)]);
        assert!(watch.try_recv().is_err(), "the replayed state was published");
    }

    #[test]
    fn a_request_is_told_to_whom_it_asks_and_its_acceptance_to_who_asked() {
        let none = HashSet::new();
        let asked = change(None, request(ConnectionStatus::Pending));
        assert!(matches!(lotse_notification(&id("b"), &none, &asked), Some(Notification::ConnectionRequested(_))));
        assert_eq!(lotse_notification(&id("a"), &none, &asked), None);

        let accepted = change(Some(request(ConnectionStatus::Pending)), request(ConnectionStatus::Accepted));
        assert!(matches!(lotse_notification(&id("a"), &none, &accepted), Some(Notification::ConnectionAccepted(_))));
        assert_eq!(lotse_notification(&id("b"), &none, &accepted), None);

        let declined = change(Some(request(ConnectionStatus::Pending)), request(ConnectionStatus::Declined));
        assert_eq!(lotse_notification(&id("a"), &none, &declined), None);
        assert_eq!(lotse_notification(&id("b"), &none, &declined), None);
    }

    #[test]
    fn an_invitation_is_told_to_whom_it_invites_and_its_answer_to_who_invited() {
        use crate::domain::ProjectRole;
        let invitation = |status| ProjectInvitation {
            id: id("i1"),
            project: id("p"),
            lotse: id("b"),
            invited_by: id("a"),
            role: ProjectRole::Member,
            status,
            created_at: Utc::now(),
            responded_at: None,
            updated_at: None,
        };
        let change = |before: Option<InvitationStatus>, after| NodeChange {
            kind: NodeKind::ProjectInvitation,
            id: id("i1"),
            before: before.map(|s| Node::ProjectInvitation(invitation(s))),
            after: Some(Node::ProjectInvitation(invitation(after))),
        };
        let none = HashSet::new();
        let invited = change(None, InvitationStatus::Pending);
        assert!(matches!(lotse_notification(&id("b"), &none, &invited), Some(Notification::InvitedToProject(_))));
        assert_eq!(lotse_notification(&id("a"), &none, &invited), None);
        let again = change(Some(InvitationStatus::Pending), InvitationStatus::Pending);
        assert_eq!(lotse_notification(&id("b"), &none, &again), None);

        for answer in [InvitationStatus::Accepted, InvitationStatus::Declined] {
            let answered = change(Some(InvitationStatus::Pending), answer);
            let told = lotse_notification(&id("a"), &none, &answered);
            assert!(matches!(told, Some(Notification::InvitationAnswered(i)) if i.status == answer));
            assert_eq!(lotse_notification(&id("b"), &none, &answered), None);
        }
    }
}
