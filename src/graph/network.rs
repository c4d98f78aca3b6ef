//! The whole network in memory: nodes by kind in id order plus reverse-edge indexes.

use std::collections::{BTreeSet, HashSet};
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::domain::{Ags, ConnectionStatus, Entity, Id, Municipality, Node, NodeKind, Project};
use crate::store::Rel;
use crate::store::edges::out_edges;

use crate::search::TextIndex;

use super::index::MatchIndex;
use super::weights::TopicWeights;

#[derive(Default)]
pub struct Graph {
    /// Nodes by kind and id; traversals look nodes up far more often than they list them.
    nodes: FxHashMap<NodeKind, FxHashMap<Id, Node>>,
    /// Ids by kind in order, for lists.
    ordered: FxHashMap<NodeKind, BTreeSet<Id>>,
    kind_of: FxHashMap<Id, NodeKind>,
    incoming: FxHashMap<Id, FxHashMap<Rel, BTreeSet<(NodeKind, Id)>>>,
    ags: FxHashMap<Ags, Id>,
    /// Dense numbers and arrays for matchmaking.
    index: MatchIndex,
    /// Worked out on the first question after a change.
    weights: OnceLock<TopicWeights>,
    /// The full-text index of search, kept in step like the others.
    text: TextIndex,
}

static EMPTY: BTreeSet<(NodeKind, Id)> = BTreeSet::new();

impl Graph {
    /// Inserts or replaces a node, keeping every index in step; returns the previous version.
    pub fn insert(&mut self, node: Node) -> Option<Node> {
        let previous = self.remove(node.kind(), node.id());
        self.weights.take();
        self.index.insert(&node);
        let key = (node.kind(), node.id().clone());
        for (rel, target) in out_edges(&node) {
            self.incoming.entry(target.clone()).or_default().entry(rel).or_default().insert(key.clone());
        }
        if let Node::Municipality(Municipality { ags: Some(ags), id, .. }) = &node {
            self.ags.insert(ags.clone(), id.clone());
        }
        self.kind_of.insert(key.1.clone(), key.0);
        self.ordered.entry(key.0).or_default().insert(key.1.clone());
        self.nodes.entry(key.0).or_default().insert(key.1.clone(), node);
        self.index_text(key.0, &key.1);
        previous
    }

    /// Indexes a node's texts for search, and those of the nodes that show its name.
    fn index_text(&mut self, kind: NodeKind, id: &Id) {
        let mut stale = vec![(kind, id.clone())];
        stale.extend(crate::search::readers(self, kind, id));
        for (kind, id) in stale {
            if let Some(fields) = self.node(kind, &id).and_then(|node| crate::search::fields(self, node)) {
                self.text.put(kind, &id, &fields);
            }
        }
    }

    /// Removes a node and the edges it owns; edges pointing at it stay in the index.
    pub fn remove(&mut self, kind: NodeKind, id: &Id) -> Option<Node> {
        let node = self.nodes.get_mut(&kind)?.remove(id)?;
        self.weights.take();
        self.index.remove(&node);
        self.text.remove(id);
        if let Some(ordered) = self.ordered.get_mut(&kind) {
            ordered.remove(id);
        }
        self.kind_of.remove(id);
        let key = (kind, id.clone());
        for (rel, target) in out_edges(&node) {
            if let Some(by_rel) = self.incoming.get_mut(target) {
                if let Some(set) = by_rel.get_mut(&rel) {
                    set.remove(&key);
                    if set.is_empty() {
                        by_rel.remove(&rel);
                    }
                }
                if by_rel.is_empty() {
                    self.incoming.remove(target);
                }
            }
        }
        if let Node::Municipality(Municipality { ags: Some(ags), .. }) = &node {
            self.ags.remove(ags);
        }
        Some(node)
    }

    pub fn index(&self) -> &MatchIndex {
        &self.index
    }

    /// The full-text index of search.
    pub fn text(&self) -> &TextIndex {
        &self.text
    }

    pub fn node(&self, kind: NodeKind, id: &Id) -> Option<&Node> {
        self.nodes.get(&kind)?.get(id)
    }

    pub fn get<E: Entity>(&self, id: &Id) -> Option<&E> {
        self.node(E::KIND, id).and_then(E::from_ref)
    }

    pub fn kind_of(&self, id: &Id) -> Option<NodeKind> {
        self.kind_of.get(id).copied()
    }

    pub fn municipality_with_ags(&self, ags: &Ags) -> Option<&Id> {
        self.ags.get(ags)
    }

    /// Nodes of a kind in id order.
    pub fn all(&self, kind: NodeKind) -> impl Iterator<Item = &Node> {
        self.ordered.get(&kind).into_iter().flatten().filter_map(move |id| self.node(kind, id))
    }

    /// Nodes of every kind.
    pub fn len(&self) -> usize {
        self.kind_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kind_of.is_empty()
    }

    pub fn count(&self, kind: NodeKind) -> usize {
        self.nodes.get(&kind).map_or(0, FxHashMap::len)
    }

    /// Every node with an edge `rel` to `target`, ordered by kind and id.
    pub fn incoming(&self, rel: Rel, target: &Id) -> &BTreeSet<(NodeKind, Id)> {
        self.incoming.get(target).and_then(|by_rel| by_rel.get(&rel)).unwrap_or(&EMPTY)
    }

    /// Ids of the nodes of `E`'s kind with an edge `rel` to `target`.
    pub fn sources<'a, E: Entity>(&'a self, rel: Rel, target: &Id) -> impl Iterator<Item = &'a E> + 'a {
        self.incoming(rel, target).iter().filter_map(
            move |(kind, id)| {
                if *kind == E::KIND { self.get::<E>(id) } else { None }
            },
        )
    }

    /// Every node pointing at `target`, with the relationship.
    pub fn dependents(&self, target: &Id) -> Vec<(Rel, NodeKind, Id)> {
        let mut found = Vec::new();
        for rel in Rel::ALL {
            for (kind, id) in self.incoming(rel, target) {
                found.push((rel, *kind, id.clone()));
            }
        }
        found
    }

    pub fn projects_of(&self, lotse: &Id) -> impl Iterator<Item = &Project> {
        self.sources::<Project>(Rel::HasMember, lotse)
    }

    /// Lotsen with an accepted connection to `lotse`.
    pub fn contacts(&self, lotse: &Id) -> BTreeSet<&Id> {
        let mut contacts = BTreeSet::new();
        for rel in [Rel::RequestFrom, Rel::RequestTo] {
            for request in self.sources::<crate::domain::ConnectionRequest>(rel, lotse) {
                if request.status == ConnectionStatus::Accepted {
                    contacts.insert(request.other(lotse));
                }
            }
        }
        contacts
    }

    /// The regions a district lies in, innermost first.
    pub fn regions_of_district(&self, district: &Id) -> Vec<&Id> {
        let mut chain = Vec::new();
        let mut next = self.get::<crate::domain::District>(district).map(|d| &d.region);
        while let Some(region) = next {
            if chain.contains(&region) {
                break;
            }
            chain.push(region);
            next = self.get::<crate::domain::Region>(region).and_then(|r| r.parent.as_ref());
        }
        chain
    }

    /// Whether a municipality lies in `area` (a district or a region at any level).
    pub fn municipality_within(&self, municipality: &Municipality, area: &Id) -> bool {
        &municipality.district == area || self.regions_of_district(&municipality.district).contains(&area)
    }

    /// Rarity of a topic: `ln(1 + projects / projects about the topic)`.
    pub fn rarity(&self, topic: &Id) -> f64 {
        crate::matching::rarity(self.count(NodeKind::Project), self.incoming(Rel::About, topic).len())
    }

    /// Topic weights for matchmaking, as of the last change.
    pub fn weights(&self) -> &TopicWeights {
        self.weights.get_or_init(|| TopicWeights::new(self))
    }

    pub fn label(&self, kind: NodeKind, id: &Id) -> String {
        self.node(kind, id).map_or_else(|| id.to_string(), |node| node_name(node).to_owned())
    }

    /// Ids of all nodes reachable through `rel` edges upwards from `start` (for cycle checks).
    pub fn ancestors(&self, kind: NodeKind, start: &Id, rel: Rel) -> HashSet<Id> {
        let mut seen = HashSet::new();
        let mut next = Some(start.clone());
        while let Some(id) = next.take() {
            if !seen.insert(id.clone()) {
                break;
            }
            next = self
                .node(kind, &id)
                .and_then(|n| out_edges(n).into_iter().find(|(r, _)| *r == rel).map(|(_, t)| t.clone()));
        }
        seen
    }
}

/// The name people read for a node.
pub fn node_name(node: &Node) -> &str {
    match node {
        Node::Region(n) => n.name.as_str(),
        Node::District(n) => n.name.as_str(),
        Node::Municipality(n) => n.name.as_str(),
        Node::Topic(n) => n.name.as_str(),
        Node::Organization(n) => n.name.as_str(),
        Node::Lotse(n) => n.name.as_str(),
        Node::Expert(n) => n.name.as_str(),
        Node::Project(n) => n.title.as_str(),
        Node::ConnectionRequest(n) => n.id.as_str(),
        Node::ProjectInvitation(n) => n.id.as_str(),
        Node::Dismissal(n) => n.id.as_str(),
        Node::AuditEntry(n) => n.action.as_str(),
    }
}
