//! The edges of the graph, read off the nodes that own them.

use crate::domain::{Id, Node, NodeKind};

/// Relationship types, named as in Cypher. Internally each edge is owned by one node
/// (`Project` owns its `WORKS_ON` edges as members, a request owns `REQUEST_FROM`/`REQUEST_TO`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rel {
    /// Region → parent region, district → region.
    InRegion,
    /// Municipality → district.
    InDistrict,
    /// Lotse → municipality.
    WorksFor,
    /// Lotse → topic (competence).
    KnowsAbout,
    /// Project → municipality.
    OwnedBy,
    /// Project → topic.
    About,
    /// Project → Lotse (stored on the project as a member).
    HasMember,
    /// Topic → parent topic.
    Broader,
    /// Expert → topic.
    ExpertIn,
    /// Expert → region or district.
    Serves,
    /// Expert → organization.
    MemberOf,
    /// Connection request → sender / addressee.
    RequestFrom,
    RequestTo,
    /// Project invitation → project / invited Lotse / inviting Lotse.
    InvitedTo,
    Invites,
    InvitedBy,
    /// Dismissal → the Lotse who dismissed / the peer dismissed.
    DismissedBy,
    Dismisses,
}

impl Rel {
    pub const ALL: [Rel; 18] = [
        Rel::InRegion,
        Rel::InDistrict,
        Rel::WorksFor,
        Rel::KnowsAbout,
        Rel::OwnedBy,
        Rel::About,
        Rel::HasMember,
        Rel::Broader,
        Rel::ExpertIn,
        Rel::Serves,
        Rel::MemberOf,
        Rel::RequestFrom,
        Rel::RequestTo,
        Rel::InvitedTo,
        Rel::Invites,
        Rel::InvitedBy,
        Rel::DismissedBy,
        Rel::Dismisses,
    ];

    /// Kinds a target may have.
    pub fn targets(self) -> &'static [NodeKind] {
        use NodeKind as K;
        match self {
            Rel::InRegion => &[K::Region],
            Rel::InDistrict => &[K::District],
            Rel::WorksFor | Rel::OwnedBy => &[K::Municipality],
            Rel::KnowsAbout | Rel::About | Rel::Broader | Rel::ExpertIn => &[K::Topic],
            Rel::HasMember
            | Rel::RequestFrom
            | Rel::RequestTo
            | Rel::Invites
            | Rel::InvitedBy
            | Rel::DismissedBy
            | Rel::Dismisses => &[K::Lotse],
            Rel::InvitedTo => &[K::Project],
            Rel::Serves => &[K::Region, K::District],
            Rel::MemberOf => &[K::Organization],
        }
    }

    /// Whether removing the target also removes this edge (and for requests, invitations and
    /// dismissals, the node that owns it). Otherwise the target may not be deleted while the
    /// edge exists.
    pub fn cascades(self) -> bool {
        matches!(
            self,
            Rel::HasMember
                | Rel::RequestFrom
                | Rel::RequestTo
                | Rel::InvitedTo
                | Rel::Invites
                | Rel::InvitedBy
                | Rel::DismissedBy
                | Rel::Dismisses
        )
    }

    /// The input field that holds this edge, for error messages.
    pub fn field(self) -> &'static str {
        match self {
            Rel::InRegion => "region",
            Rel::InDistrict => "district",
            Rel::WorksFor | Rel::OwnedBy => "municipality",
            Rel::KnowsAbout | Rel::About | Rel::ExpertIn => "topics",
            Rel::HasMember => "members",
            Rel::Broader => "parent",
            Rel::Serves => "serves",
            Rel::MemberOf => "organization",
            Rel::RequestFrom => "from",
            Rel::RequestTo => "to",
            Rel::InvitedTo => "project",
            Rel::Invites | Rel::DismissedBy => "lotse",
            Rel::InvitedBy => "invited_by",
            Rel::Dismisses => "dismissed",
        }
    }
}

/// Every edge a node owns, as (relationship, target id).
pub fn out_edges(node: &Node) -> Vec<(Rel, &Id)> {
    let mut edges = Vec::new();
    match node {
        Node::Region(r) => edges.extend(r.parent.iter().map(|p| (Rel::InRegion, p))),
        Node::District(d) => edges.push((Rel::InRegion, &d.region)),
        Node::Municipality(m) => edges.push((Rel::InDistrict, &m.district)),
        Node::Topic(t) => edges.extend(t.parent.iter().map(|p| (Rel::Broader, p))),
        Node::Organization(_) => {}
        Node::Lotse(l) => {
            edges.push((Rel::WorksFor, &l.municipality));
            edges.extend(l.topics.iter().map(|t| (Rel::KnowsAbout, t)));
        }
        Node::Expert(e) => {
            edges.extend(e.organization.iter().map(|o| (Rel::MemberOf, o)));
            edges.extend(e.topics.iter().map(|t| (Rel::ExpertIn, t)));
            edges.extend(e.serves.iter().map(|s| (Rel::Serves, s)));
        }
        Node::Project(p) => {
            edges.push((Rel::OwnedBy, &p.municipality));
            edges.extend(p.topics.iter().map(|t| (Rel::About, t)));
            edges.extend(p.members.iter().map(|m| (Rel::HasMember, &m.lotse)));
        }
        Node::ConnectionRequest(c) => {
            edges.push((Rel::RequestFrom, &c.from));
            edges.push((Rel::RequestTo, &c.to));
        }
        Node::ProjectInvitation(i) => {
            edges.push((Rel::InvitedTo, &i.project));
            edges.push((Rel::Invites, &i.lotse));
            edges.push((Rel::InvitedBy, &i.invited_by));
        }
        Node::Dismissal(d) => {
            edges.push((Rel::DismissedBy, &d.lotse));
            edges.push((Rel::Dismisses, &d.dismissed));
        }
        Node::AuditEntry(_) => {}
    }
    edges
}
