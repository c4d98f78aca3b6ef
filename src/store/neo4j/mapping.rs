//! How nodes are laid out in Neo4j: a kind label plus `Node`, scalar fields as properties, and
//! every edge a node owns as a relationship (ordered lists keep their position in `idx`).

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::domain::{Node, NodeKind};
use crate::graph::node_name;
use crate::store::Rel;
use crate::store::edges::out_edges;
use crate::store::{StoreError, StoreResult};

/// Property holding the lower-cased name or title, for `nameContains`.
const SEARCH_PROPERTY: &str = "_search";

/// The label of a kind: `connection_request` becomes `ConnectionRequest`.
pub fn label(kind: NodeKind) -> String {
    kind.as_str()
        .split('_')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
        })
        .collect()
}

fn kind_of_labels(labels: &[String]) -> Option<NodeKind> {
    NodeKind::ALL.iter().copied().find(|kind| labels.contains(&label(*kind)))
}

/// The Cypher relationship type of an edge.
pub fn rel_type(rel: Rel) -> &'static str {
    match rel {
        Rel::InRegion => "IN_REGION",
        Rel::InDistrict => "IN_DISTRICT",
        Rel::WorksFor => "WORKS_FOR",
        Rel::KnowsAbout => "KNOWS_ABOUT",
        Rel::OwnedBy => "OWNED_BY",
        Rel::About => "ABOUT",
        Rel::HasMember => "WORKS_ON",
        Rel::Broader => "BROADER",
        Rel::ExpertIn => "EXPERT_IN",
        Rel::Serves => "SERVES",
        Rel::MemberOf => "MEMBER_OF",
        Rel::RequestFrom => "REQUEST_FROM",
        Rel::RequestTo => "REQUEST_TO",
        Rel::InvitedTo => "INVITED_TO",
        Rel::Invites => "INVITES",
        Rel::InvitedBy => "INVITED_BY",
        Rel::DismissedBy => "DISMISSED_BY",
        Rel::Dismisses => "DISMISSES",
    }
}

/// Whether the relationship points from the edge's target to its owner: a project owns its
/// members, but in the graph the Lotse `WORKS_ON` the project.
pub fn reversed(rel: Rel) -> bool {
    rel == Rel::HasMember
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    One,
    Optional,
    List,
    Members,
}

/// The field of a node's serialized form that holds the edges of one relationship.
struct EdgeField {
    field: &'static str,
    rel: Rel,
    shape: Shape,
}

const fn edge(field: &'static str, rel: Rel, shape: Shape) -> EdgeField {
    EdgeField { field, rel, shape }
}

fn edge_fields(kind: NodeKind) -> &'static [EdgeField] {
    use Shape::*;
    const REGION: &[EdgeField] = &[edge("parent", Rel::InRegion, Optional)];
    const DISTRICT: &[EdgeField] = &[edge("region", Rel::InRegion, One)];
    const MUNICIPALITY: &[EdgeField] = &[edge("district", Rel::InDistrict, One)];
    const TOPIC: &[EdgeField] = &[edge("parent", Rel::Broader, Optional)];
    const LOTSE: &[EdgeField] = &[edge("municipality", Rel::WorksFor, One), edge("topics", Rel::KnowsAbout, List)];
    const EXPERT: &[EdgeField] = &[
        edge("organization", Rel::MemberOf, Optional),
        edge("topics", Rel::ExpertIn, List),
        edge("serves", Rel::Serves, List),
    ];
    const PROJECT: &[EdgeField] = &[
        edge("municipality", Rel::OwnedBy, One),
        edge("topics", Rel::About, List),
        edge("members", Rel::HasMember, Members),
    ];
    const REQUEST: &[EdgeField] = &[edge("from", Rel::RequestFrom, One), edge("to", Rel::RequestTo, One)];
    const INVITATION: &[EdgeField] = &[
        edge("project", Rel::InvitedTo, One),
        edge("lotse", Rel::Invites, One),
        edge("invited_by", Rel::InvitedBy, One),
    ];
    const DISMISSAL: &[EdgeField] = &[edge("lotse", Rel::DismissedBy, One), edge("dismissed", Rel::Dismisses, One)];
    match kind {
        NodeKind::Region => REGION,
        NodeKind::District => DISTRICT,
        NodeKind::Municipality => MUNICIPALITY,
        NodeKind::Topic => TOPIC,
        NodeKind::Organization | NodeKind::AuditEntry => &[],
        NodeKind::Lotse => LOTSE,
        NodeKind::Expert => EXPERT,
        NodeKind::Project => PROJECT,
        NodeKind::ConnectionRequest => REQUEST,
        NodeKind::ProjectInvitation => INVITATION,
        NodeKind::Dismissal => DISMISSAL,
    }
}

/// A node ready to be written: its label and scalar properties.
pub struct NodeRow {
    pub id: String,
    pub label: String,
    pub properties: Value,
}

/// A relationship ready to be written.
pub struct EdgeRow {
    pub from: String,
    pub to: String,
    pub rel_type: &'static str,
    pub properties: Value,
}

impl NodeRow {
    pub fn to_json(&self) -> Value {
        json!({ "id": self.id, "label": self.label, "properties": self.properties })
    }
}

impl EdgeRow {
    pub fn to_json(&self) -> Value {
        json!({ "from": self.from, "to": self.to, "type": self.rel_type, "properties": self.properties })
    }
}

fn internal(what: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(what.to_string())
}

/// Splits a node into its properties and the relationships it owns.
pub fn to_rows(node: &Node) -> StoreResult<(NodeRow, Vec<EdgeRow>)> {
    let Value::Object(mut properties) = serde_json::to_value(node).map_err(internal)? else {
        return Err(internal(format!("{} '{}' does not serialize to an object", node.kind(), node.id())));
    };
    properties.remove("type");
    let mut roles: Vec<Value> = Vec::new();
    for field in edge_fields(node.kind()) {
        if let (Shape::Members, Some(Value::Array(members))) = (field.shape, properties.remove(field.field)) {
            roles = members.into_iter().map(|mut m| m["role"].take()).collect();
        }
    }
    properties.insert(SEARCH_PROPERTY.into(), Value::String(node_name(node).to_lowercase()));
    let owner = node.id().to_string();
    let mut position: Vec<(Rel, usize)> = Vec::new();
    let mut edges = Vec::new();
    for (rel, target) in out_edges(node) {
        let idx = match position.iter_mut().find(|(r, _)| *r == rel) {
            Some((_, next)) => {
                *next += 1;
                *next - 1
            }
            None => {
                position.push((rel, 1));
                0
            }
        };
        let properties = match rel {
            Rel::HasMember => json!({ "idx": idx, "role": roles.get(idx).cloned().unwrap_or(Value::Null) }),
            Rel::KnowsAbout | Rel::About | Rel::ExpertIn | Rel::Serves => json!({ "idx": idx }),
            _ => json!({}),
        };
        let (from, to) =
            if reversed(rel) { (target.to_string(), owner.clone()) } else { (owner.clone(), target.to_string()) };
        edges.push(EdgeRow { from, to, rel_type: rel_type(rel), properties });
    }
    let row = NodeRow { id: owner, label: label(node.kind()), properties: Value::Object(properties) };
    Ok((row, edges))
}

/// A node as `read_nodes.cypher` returns it.
#[derive(Debug, Deserialize)]
pub struct StoredNode {
    labels: Vec<String>,
    properties: Map<String, Value>,
    edges: Vec<StoredEdge>,
    members: Vec<StoredMember>,
}

#[derive(Debug, Deserialize)]
struct StoredEdge {
    rel: String,
    target: String,
    idx: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct StoredMember {
    lotse: String,
    idx: Option<i64>,
    role: Option<String>,
}

/// Puts a node back together from its properties and relationships.
pub fn from_stored(stored: StoredNode) -> StoreResult<Node> {
    let kind = kind_of_labels(&stored.labels)
        .ok_or_else(|| internal(format!("stored node with labels {:?} has no known kind", stored.labels)))?;
    let mut object = stored.properties;
    object.remove(SEARCH_PROPERTY);
    let id = object.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
    for field in edge_fields(kind) {
        let value = match field.shape {
            Shape::Members => {
                let mut members: Vec<&StoredMember> = stored.members.iter().collect();
                members.sort_by_key(|m| m.idx);
                Value::Array(members.iter().map(|m| json!({ "lotse": m.lotse, "role": m.role })).collect())
            }
            shape => {
                let mut targets: Vec<&StoredEdge> =
                    stored.edges.iter().filter(|e| e.rel == rel_type(field.rel)).collect();
                targets.sort_by_key(|e| e.idx);
                match (shape, targets.as_slice()) {
                    (Shape::List, _) => Value::Array(targets.iter().map(|e| Value::from(e.target.as_str())).collect()),
                    (Shape::Optional, []) => continue,
                    (_, [only]) => Value::from(only.target.as_str()),
                    _ => {
                        return Err(internal(format!(
                            "{kind} '{id}' has {} {} relationships, expected one",
                            targets.len(),
                            rel_type(field.rel)
                        )));
                    }
                }
            }
        };
        object.insert(field.field.into(), value);
    }
    object.insert("type".into(), Value::from(kind.as_str()));
    serde_json::from_value(Value::Object(object))
        .map_err(|e| internal(format!("stored {kind} '{id}' cannot be read: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_nodes() -> Vec<Node> {
        let nodes = serde_json::json!([
            {"type": "region", "id": "r1", "name": "Region", "kind": "REGION", "parent": "r0"},
            {"type": "district", "id": "d1", "name": "Kreis", "kind": "LANDKREIS", "region": "r1"},
            {"type": "municipality", "id": "m1", "name": "Ort", "district": "d1", "ags": "08111000",
             "kind": "STADT", "population": 1200, "lat": 48.5, "lon": 9.0},
            {"type": "topic", "id": "t1", "name": "E-Akte", "parent": "t0"},
            {"type": "organization", "id": "o1", "name": "KIC"},
            {"type": "lotse", "id": "l1", "name": "Anna", "municipality": "m1", "topics": ["t2", "t1"],
             "visibility": "CONTACTS_ONLY", "email": "a@example.org", "updated_at": "2026-03-01T10:00:00.000001Z"},
            {"type": "expert", "id": "e1", "name": "Eva", "organization": "o1", "topics": ["t1"], "serves": ["d1", "r1"]},
            {"type": "project", "id": "p1", "title": "Akte", "municipality": "m1", "topics": ["t3", "t1"],
             "members": [{"lotse": "l2", "role": "MEMBER"}, {"lotse": "l1", "role": "LEAD"}],
             "status": "COMPLETED", "start_date": "2024-01-31"},
            {"type": "connection_request", "id": "c1", "from": "l1", "to": "l2", "status": "PENDING",
             "created_at": "2025-03-01T10:00:00Z"},
            {"type": "project_invitation", "id": "i1", "project": "p1", "lotse": "l3", "invited_by": "l1",
             "role": "MEMBER", "status": "PENDING", "created_at": "2025-03-01T10:00:00Z"},
            {"type": "dismissal", "id": "x1", "lotse": "l1", "dismissed": "l4", "reason": "kein Interesse",
             "created_at": "2025-03-01T10:00:00Z"}
        ]);
        serde_json::from_value(nodes).expect("sample nodes parse")
    }

    /// What `read_nodes.cypher` would return for a written node.
    fn stored(node: &Node) -> StoredNode {
        let (row, edges) = to_rows(node).expect("rows");
        let Value::Object(properties) = row.properties else { panic!("object") };
        let idx = |e: &EdgeRow| e.properties.get("idx").and_then(Value::as_i64);
        StoredNode {
            labels: vec!["Node".into(), row.label],
            properties,
            edges: edges
                .iter()
                .filter(|e| e.rel_type != "WORKS_ON")
                .rev()
                .map(|e| StoredEdge { rel: e.rel_type.into(), target: e.to.clone(), idx: idx(e) })
                .collect(),
            members: edges
                .iter()
                .filter(|e| e.rel_type == "WORKS_ON")
                .rev()
                .map(|e| StoredMember {
                    lotse: e.from.clone(),
                    idx: idx(e),
                    role: e.properties.get("role").and_then(Value::as_str).map(str::to_owned),
                })
                .collect(),
        }
    }

    #[test]
    fn every_kind_round_trips_through_properties_and_relationships() {
        for node in sample_nodes() {
            assert_eq!(from_stored(stored(&node)).expect("reads back"), node);
        }
    }

    #[test]
    fn edges_are_the_ones_the_node_owns() {
        for node in sample_nodes() {
            let (_, edges) = to_rows(&node).expect("rows");
            assert_eq!(edges.len(), out_edges(&node).len(), "{node:?}");
        }
    }

    #[test]
    fn labels_are_camel_case_kinds() {
        assert_eq!(label(NodeKind::ConnectionRequest), "ConnectionRequest");
        assert_eq!(label(NodeKind::Lotse), "Lotse");
        assert_eq!(kind_of_labels(&["Node".into(), "Project".into()]), Some(NodeKind::Project));
    }
}
