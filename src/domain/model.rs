//! Nodes of the graph and the edges they own, in the shape they are stored and exported.
//!
//! Each node lists its outgoing edges by id (`Lotse::municipality` is `WORKS_FOR`,
//! `Project::topics` is `ABOUT`, …); stores keep the reverse direction in their indexes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Ags, Coordinates, Email, Id, Name, Phone, Text};

macro_rules! kinds {
    ($($variant:ident => $label:literal),+ $(,)?) => {
        /// The kinds of node in the graph.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum NodeKind { $($variant),+ }

        impl NodeKind {
            pub const ALL: &'static [NodeKind] = &[$(NodeKind::$variant),+];

            /// The lower-case name used in storage, exports and error messages.
            pub fn as_str(self) -> &'static str {
                match self { $(NodeKind::$variant => $label),+ }
            }
        }

        /// Any node of the graph; serialized with a `type` tag as in the import format.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case")]
        pub enum Node { $($variant($variant)),+ }

        impl Node {
            pub fn kind(&self) -> NodeKind {
                match self { $(Node::$variant(_) => NodeKind::$variant),+ }
            }

            pub fn id(&self) -> &Id {
                match self { $(Node::$variant(n) => &n.id),+ }
            }

            /// When the node was last written through the API.
            pub fn updated_at(&self) -> Option<DateTime<Utc>> {
                match self { $(Node::$variant(n) => n.updated_at),+ }
            }

            pub fn set_updated_at(&mut self, at: Option<DateTime<Utc>>) {
                match self { $(Node::$variant(n) => n.updated_at = at),+ }
            }

            /// Whether two versions of a node hold the same data, whenever they were written.
            pub fn same_data(&self, other: &Node) -> bool {
                let mut other = other.clone();
                other.set_updated_at(self.updated_at());
                self == &other
            }
        }

        $(
            impl From<$variant> for Node {
                fn from(n: $variant) -> Node { Node::$variant(n) }
            }

            impl TryFrom<Node> for $variant {
                type Error = Node;
                fn try_from(node: Node) -> Result<Self, Node> {
                    match node { Node::$variant(n) => Ok(n), other => Err(other) }
                }
            }

            impl Entity for $variant {
                const KIND: NodeKind = NodeKind::$variant;
                fn id(&self) -> &Id { &self.id }
                fn from_ref(node: &Node) -> Option<&Self> {
                    match node { Node::$variant(n) => Some(n), _ => None }
                }
            }
        )+
    };
}

/// A node type with a fixed kind; lets stores and loaders work generically.
pub trait Entity: Into<Node> + TryFrom<Node, Error = Node> + Clone + Send + Sync + 'static {
    const KIND: NodeKind;
    fn id(&self) -> &Id;
    /// Borrows the entity out of a node of its kind.
    fn from_ref(node: &Node) -> Option<&Self>;
}

kinds! {
    Region => "region",
    District => "district",
    Municipality => "municipality",
    Topic => "topic",
    Organization => "organization",
    Lotse => "lotse",
    Expert => "expert",
    Project => "project",
    ConnectionRequest => "connection_request",
    ProjectInvitation => "project_invitation",
    Dismissal => "dismissal",
    AuditEntry => "audit_entry",
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! graphql_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, async_graphql::Enum)]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($(#[$vdoc])* $variant),+ }
    };
}

graphql_enum!(
    /// Administrative level of a region.
    RegionKind {
        /// One of the four Regierungsbezirke (Stuttgart, Karlsruhe, Freiburg, Tübingen).
        Regierungsbezirk,
        /// A planning region (Regionalverband), e.g. Region Stuttgart.
        Region,
        /// A Land, for networks beyond Baden-Württemberg.
        Land,
    }
);

graphql_enum!(
    /// Kind of district.
    DistrictKind {
        /// Landkreis: a rural district with several municipalities.
        Landkreis,
        /// Stadtkreis (kreisfreie Stadt): a city that is its own district.
        Stadtkreis,
    }
);

graphql_enum!(
    /// Legal kind of municipality.
    MunicipalityKind {
        /// Gemeinde.
        Gemeinde,
        /// Stadt.
        Stadt,
        /// Große Kreisstadt (town of more than 20,000 inhabitants with extended duties).
        GrosseKreisstadt,
        /// Stadtkreis: a city that is its own district.
        Stadtkreis,
    }
);

graphql_enum!(
    /// Who may find a Lotse.
    Visibility {
        /// Visible to the whole network and recommended to peers.
        Network,
        /// Visible to accepted contacts only; never recommended.
        ContactsOnly,
        /// Hidden from everyone but the person and admins; never recommended.
        Hidden,
    }
);

graphql_enum!(
    /// Stage of a project.
    ProjectStatus {
        /// Planned, not yet started.
        Planned,
        /// Running.
        Active,
        /// Finished; its results can be reused.
        Completed,
        /// Paused or stopped.
        Paused,
    }
);

graphql_enum!(
    /// Part a Lotse plays in a project.
    ProjectRole {
        /// Leads the project.
        Lead,
        /// Works in the project.
        Member,
        /// Advises the project from outside.
        Advisor,
    }
);

graphql_enum!(
    /// State of a connection request between two Lotsen.
    ConnectionStatus {
        /// Sent, awaiting an answer.
        Pending,
        /// Accepted: the two Lotsen are connected.
        Accepted,
        /// Declined by the addressee.
        Declined,
        /// Withdrawn by the sender.
        Withdrawn,
    }
);

graphql_enum!(
    /// State of an invitation to work on a project.
    InvitationStatus {
        /// Sent, awaiting an answer.
        Pending,
        /// Accepted: the invited Lotse works on the project.
        Accepted,
        /// Declined by the invited Lotse.
        Declined,
    }
);

/// Regierungsbezirk, planning region or Land (`(Region)-[:IN_REGION]->(Region)` via `parent`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub id: Id,
    pub name: Name,
    #[serde(default = "default_region_kind")]
    pub kind: RegionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// Landkreis or Stadtkreis (`(District)-[:IN_REGION]->(Region)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct District {
    pub id: Id,
    pub name: Name,
    #[serde(default = "default_district_kind")]
    pub kind: DistrictKind,
    pub region: Id,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// A Gemeinde or Stadt (`(Municipality)-[:IN_DISTRICT]->(District)`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Municipality {
    pub id: Id,
    pub name: Name,
    pub district: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ags: Option<Ags>,
    #[serde(default = "default_municipality_kind")]
    pub kind: MunicipalityKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub population: Option<u32>,
    #[serde(default, flatten, skip_serializing_if = "Option::is_none")]
    pub location: Option<Coordinates>,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// A subject of municipal digitalisation; topics form a taxonomy through `parent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub id: Id,
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// An institution experts belong to, e.g. a KIC@bw partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organization {
    pub id: Id,
    pub name: Name,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// A Kommunale:r Digitallotse (`WORKS_FOR` a municipality, `KNOWS_ABOUT` topics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lotse {
    pub id: Id,
    pub name: Name,
    pub municipality: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<Phone>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Id>,
    #[serde(default = "default_visibility")]
    pub visibility: Visibility,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

fn default_visibility() -> Visibility {
    Visibility::Network
}

fn default_region_kind() -> RegionKind {
    RegionKind::Region
}

fn default_district_kind() -> DistrictKind {
    DistrictKind::Landkreis
}

fn default_municipality_kind() -> MunicipalityKind {
    MunicipalityKind::Gemeinde
}

/// A regional expert (`MEMBER_OF` an organization, `EXPERT_IN` topics, `SERVES` regions/districts).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Expert {
    pub id: Id,
    pub name: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Email>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Id>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<Id>,
    /// Ids of regions or districts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub serves: Vec<Id>,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// A Lotse's part in a project (`(Lotse)-[:WORKS_ON {role}]->(Project)`). Read from
/// `{"lotse": id, "role": …}` or, as a member, from a bare Lotse id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "MembershipRecord")]
pub struct Membership {
    pub lotse: Id,
    pub role: ProjectRole,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MembershipRecord {
    Lotse(Id),
    Full {
        lotse: Id,
        #[serde(default = "default_role")]
        role: ProjectRole,
    },
}

fn default_role() -> ProjectRole {
    ProjectRole::Member
}

impl From<MembershipRecord> for Membership {
    fn from(record: MembershipRecord) -> Self {
        match record {
            MembershipRecord::Lotse(lotse) => Membership { lotse, role: ProjectRole::Member },
            MembershipRecord::Full { lotse, role } => Membership { lotse, role },
        }
    }
}

/// A digitalisation project (`OWNED_BY` a municipality, `ABOUT` topics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: Id,
    pub title: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    pub municipality: Id,
    pub topics: Vec<Id>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Membership>,
    #[serde(default = "default_status")]
    pub status: ProjectStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

fn default_status() -> ProjectStatus {
    ProjectStatus::Active
}

/// A request from one Lotse to connect with another; accepted requests are `CONNECTED` edges.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionRequest {
    pub id: Id,
    pub from: Id,
    pub to: Id,
    pub status: ConnectionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Text>,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responded_at: Option<DateTime<Utc>>,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

impl ConnectionRequest {
    /// The other end of the request, seen from `lotse`.
    pub fn other(&self, lotse: &Id) -> &Id {
        if &self.from == lotse { &self.to } else { &self.from }
    }
}

/// An invitation to work on a project (`INVITED_TO` the project, `INVITES` a Lotse,
/// `INVITED_BY` the lead who sent it): the Lotse joins only by accepting it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectInvitation {
    pub id: Id,
    pub project: Id,
    /// The invited Lotse.
    pub lotse: Id,
    /// The Lotse who invited.
    pub invited_by: Id,
    /// The role offered.
    pub role: ProjectRole,
    pub status: InvitationStatus,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responded_at: Option<DateTime<Utc>>,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// A Lotse's "kein Interesse" about a recommended peer (`DISMISSED_BY` the Lotse, `DISMISSES`
/// the peer): the peer is left out of the Lotse's recommendations while it exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dismissal {
    pub id: Id,
    /// The Lotse who dismissed.
    pub lotse: Id,
    /// The peer dismissed.
    pub dismissed: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
    pub created_at: DateTime<Utc>,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// One write by an admin or integration: who did what to which node, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Id,
    pub at: DateTime<Utc>,
    /// Subject of the token that wrote.
    pub actor: String,
    /// Role of that token.
    pub role: String,
    /// `create`, `update`, `delete`, `set_member`, `remove_member` or `erase`.
    pub action: String,
    pub target_kind: NodeKind,
    /// Id of the node written; replaced when the person it names is erased.
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// When the node was last written through the API.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::stamp")]
    pub updated_at: Option<DateTime<Utc>>,
}
