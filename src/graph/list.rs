//! Filtered, id-ordered pages of nodes, and how many nodes a list holds.

use crate::domain::{Municipality, Node, NodeKind};
use crate::store::edges::out_edges;
use crate::store::{ListFilter, ListQuery, Page};

use super::{Graph, node_name};

pub fn list(graph: &Graph, query: &ListQuery) -> Page {
    let Some(kind) = query.kind else {
        return Page { nodes: Vec::new(), has_next_page: false };
    };
    let filter = &query.filter;
    let mut nodes = Vec::with_capacity(query.first.min(128) + 1);
    let mut push = |node: &Node| {
        if matches(graph, node, filter) {
            nodes.push(node.clone());
        }
        nodes.len() > query.first
    };
    // Start from the smallest fitting index: the sources of the first edge condition.
    if let Some((rel, target)) = filter.edges.first() {
        let sources = graph.incoming(*rel, target).iter().filter(|(k, _)| *k == kind);
        for (_, id) in sources.skip_while(|(_, id)| query.after.as_ref().is_some_and(|a| id <= a)) {
            if let Some(node) = graph.node(kind, id)
                && push(node)
            {
                break;
            }
        }
    } else {
        for node in graph.all(kind).skip_while(|n| query.after.as_ref().is_some_and(|a| n.id() <= a)) {
            if push(node) {
                break;
            }
        }
    }
    let has_next_page = nodes.len() > query.first;
    nodes.truncate(query.first);
    Page { nodes, has_next_page }
}

/// How many nodes of the list's kind pass its filter and `visible`, ignoring its page:
/// counted in place, without copying a node.
pub fn count(graph: &Graph, query: &ListQuery, visible: impl Fn(&Node) -> bool) -> usize {
    let Some(kind) = query.kind else { return 0 };
    let fits = |node: &&Node| visible(node) && matches(graph, node, &query.filter);
    match query.filter.edges.first() {
        Some((rel, target)) => graph
            .incoming(*rel, target)
            .iter()
            .filter(|(k, _)| *k == kind)
            .filter_map(|(_, id)| graph.node(kind, id))
            .filter(fits)
            .count(),
        None => graph.all(kind).filter(fits).count(),
    }
}

fn matches(graph: &Graph, node: &Node, filter: &ListFilter) -> bool {
    let edges = out_edges(node);
    if !filter.edges.iter().all(|(rel, target)| edges.iter().any(|(r, t)| r == rel && *t == target)) {
        return false;
    }
    if let Some(text) = &filter.text
        && !node_name(node).to_lowercase().contains(&text.to_lowercase())
    {
        return false;
    }
    if let Some(since) = filter.changed_since
        && node.updated_at().is_none_or(|at| at < since)
    {
        return false;
    }
    if let Some(status) = filter.status
        && !matches!(node, Node::Project(p) if p.status == status)
    {
        return false;
    }
    let municipality = located_in(graph, node);
    if filter.population_min.is_some() || filter.population_max.is_some() {
        let population = municipality.and_then(|m| m.population);
        let fits = population.is_some_and(|p| {
            filter.population_min.is_none_or(|min| p >= min) && filter.population_max.is_none_or(|max| p <= max)
        });
        if !fits {
            return false;
        }
    }
    if let Some(area) = &filter.within {
        let inside = match node {
            Node::District(d) => &d.id == area || graph.regions_of_district(&d.id).contains(&area),
            Node::Region(r) => graph.ancestors(NodeKind::Region, &r.id, crate::store::Rel::InRegion).contains(area),
            Node::Expert(e) => e.serves.contains(area),
            _ => municipality.is_some_and(|m| graph.municipality_within(m, area)),
        };
        if !inside {
            return false;
        }
    }
    true
}

/// The municipality a node belongs to, for location and population filters.
fn located_in<'g>(graph: &'g Graph, node: &'g Node) -> Option<&'g Municipality> {
    match node {
        Node::Municipality(m) => Some(m),
        Node::Lotse(l) => graph.get(&l.municipality),
        Node::Project(p) => graph.get(&p.municipality),
        _ => None,
    }
}
