//! Filtered, ordered pages of nodes (see [`crate::store::order`]), and how many nodes a list
//! holds.

use crate::domain::{Municipality, Node, NodeKind};
use crate::store::edges::out_edges;
use crate::store::{ListFilter, ListOrder, ListQuery, Page, Position, SortValue};

use super::{Graph, node_name};

/// A page of a list in its order. In id order it stops at the end of the page; in any other
/// it looks at every node that passes the filter and keeps the page's worth after the cursor.
pub fn list(graph: &Graph, query: &ListQuery) -> Page {
    let Some(kind) = query.kind else {
        return Page { nodes: Vec::new(), has_next_page: false };
    };
    let fits = |node: &&Node| matches(graph, node, &query.filter);
    let wanted = query.first + 1;
    let mut nodes: Vec<Node> = if query.order == ListOrder::default() {
        let after = query.after.as_ref().map(|a| &a.id);
        let fitting = candidates(graph, kind, &query.filter).skip_while(|n| after.is_some_and(|a| n.id() <= a));
        fitting.filter(fits).take(wanted).cloned().collect()
    } else {
        let order = &query.order;
        let after = query.after.as_ref().map(|a| (&a.value, &a.id));
        let mut placed: Vec<(SortValue, &Node)> = candidates(graph, kind, &query.filter)
            .filter(fits)
            .map(|node| (order.value(node, node_name(node)), node))
            .filter(|(value, node)| after.is_none_or(|a| order.compare((value, node.id()), a).is_gt()))
            .collect();
        let compare =
            |a: &(SortValue, &Node), b: &(SortValue, &Node)| order.compare((&a.0, a.1.id()), (&b.0, b.1.id()));
        if placed.len() > wanted {
            placed.select_nth_unstable_by(wanted - 1, compare);
            placed.truncate(wanted);
        }
        placed.sort_unstable_by(compare);
        placed.into_iter().map(|(_, node)| node.clone()).collect()
    };
    let has_next_page = nodes.len() > query.first;
    nodes.truncate(query.first);
    Page { nodes, has_next_page }
}

/// Where a node of `query`'s order stands: its key and id, for its cursor.
pub fn position(order: &ListOrder, node: &Node) -> Position {
    Position { value: order.value(node, node_name(node)), id: node.id().clone() }
}

/// How many nodes of the list's kind pass its filter and `visible`, ignoring its page:
/// counted in place, without copying a node.
pub fn count(graph: &Graph, query: &ListQuery, visible: impl Fn(&Node) -> bool) -> usize {
    let Some(kind) = query.kind else { return 0 };
    candidates(graph, kind, &query.filter).filter(|node| visible(node) && matches(graph, node, &query.filter)).count()
}

/// The nodes of `kind` a filter may keep, in id order: from the smallest fitting index, the
/// sources of the first edge condition, or else every node of the kind.
fn candidates<'g>(graph: &'g Graph, kind: NodeKind, filter: &ListFilter) -> Box<dyn Iterator<Item = &'g Node> + 'g> {
    match filter.edges.first() {
        Some((rel, target)) => Box::new(
            graph
                .incoming(*rel, target)
                .iter()
                .filter(move |(k, _)| *k == kind)
                .filter_map(move |(_, id)| graph.node(kind, id)),
        ),
        None => Box::new(graph.all(kind)),
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
