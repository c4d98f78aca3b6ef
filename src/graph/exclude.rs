//! Who a recommendation must never name: the rules in one place, so that every question
//! obeys them.

use rustc_hash::FxHashSet as HashSet;

use crate::domain::{ConnectionRequest, ConnectionStatus, Id, Lotse, Project};
use crate::matching::ExpertQuery;
use crate::store::Rel;

use super::network::Graph;

/// The Lotsen (by number) a peer recommendation for one Lotse leaves out: the Lotse, their
/// contacts, everyone with a pending request to or from them, everyone they dismissed ("kein
/// Interesse"), and — unless asked to keep them — everyone who already works on one of their
/// projects.
pub fn excluded_peers(graph: &Graph, me: &Lotse, include_co_members: bool) -> HashSet<u32> {
    let index = graph.index();
    let mut ids: Vec<&Id> = vec![&me.id];
    ids.extend(related_by_request(graph, &me.id));
    ids.extend(graph.dismissed_by(&me.id));
    if !include_co_members {
        ids.extend(graph.projects_of(&me.id).flat_map(|p| p.members.iter().map(|m| &m.lotse)));
    }
    ids.into_iter().filter_map(|id| index.lotsen.get(id)).collect()
}

/// Lotsen with an accepted connection or a pending request to or from `lotse`.
fn related_by_request<'g>(graph: &'g Graph, lotse: &'g Id) -> impl Iterator<Item = &'g Id> + 'g {
    [Rel::RequestFrom, Rel::RequestTo].into_iter().flat_map(move |rel| {
        graph
            .sources::<ConnectionRequest>(rel, lotse)
            .filter(|r| matches!(r.status, ConnectionStatus::Accepted | ConnectionStatus::Pending))
            .map(move |r| r.other(lotse))
    })
}

/// The experts an expert-finding question leaves out: the expert asking, who needs no
/// introduction to themselves.
pub fn excluded_experts(query: &ExpertQuery) -> HashSet<&Id> {
    query.asking.iter().collect()
}

/// The projects (by number) a similar-project question about `origin` leaves out: the
/// project itself and every project one of its members works on.
pub fn excluded_projects(graph: &Graph, origin: &Project) -> HashSet<u32> {
    let index = graph.index();
    let mut ids: Vec<&Id> = vec![&origin.id];
    ids.extend(origin.members.iter().flat_map(|m| graph.projects_of(&m.lotse).map(|p| &p.id)));
    ids.into_iter().filter_map(|id| index.projects.get(id)).collect()
}
