//! Applying a batch of changes to the in-memory graph: every rule checked, undone on failure.

use crate::domain::{
    ConnectionStatus, Dismissal, Id, InvitationStatus, Membership, Node, NodeKind, Project, ProjectInvitation,
};
use crate::store::edges::out_edges;
use crate::store::{Change, Rel, StoreError, StoreResult};

use super::network::Graph;

/// The state of every node a batch touched before it ran, to undo it.
#[derive(Default)]
pub struct Undo {
    previous: Vec<(NodeKind, Id, Option<Node>)>,
}

impl Undo {
    /// Every node the batch touched, once, with its new state (`None` = deleted), in the
    /// order of kind name and id.
    pub fn touched<'u, 'g>(&'u self, graph: &'g Graph) -> Vec<(NodeKind, &'u Id, Option<&'g Node>)> {
        let mut touched: Vec<_> =
            self.previous.iter().map(|(kind, id, _)| (*kind, id, graph.node(*kind, id))).collect();
        touched.sort_unstable_by(|(a_kind, a_id, _), (b_kind, b_id, _)| {
            (a_kind.as_str(), a_id).cmp(&(b_kind.as_str(), b_id))
        });
        touched.dedup_by(|(a_kind, a_id, _), (b_kind, b_id, _)| a_kind == b_kind && a_id == b_id);
        touched
    }

    /// Every node the batch touched, once, with its state before the batch and after it, in
    /// the order the batch first touched them.
    pub fn changes(&self, graph: &Graph) -> Vec<super::NodeChange> {
        let mut seen = std::collections::HashSet::new();
        self.previous
            .iter()
            .filter(|(kind, id, _)| seen.insert((*kind, id)))
            .map(|(kind, id, before)| super::NodeChange {
                kind: *kind,
                id: id.clone(),
                before: before.clone(),
                after: graph.node(*kind, id).cloned(),
            })
            .collect()
    }

    pub fn rollback(self, graph: &mut Graph) {
        for (kind, id, previous) in self.previous.into_iter().rev() {
            match previous {
                Some(node) => {
                    graph.insert(node);
                }
                None => {
                    graph.remove(kind, &id);
                }
            }
        }
    }
}

/// Applies all changes, or none: on the first error the graph is restored.
pub fn apply(graph: &mut Graph, changes: Vec<Change>) -> Result<Undo, (StoreError, Undo)> {
    let mut undo = Undo::default();
    for change in changes {
        if let Err(error) = apply_one(graph, change, &mut undo) {
            return Err((error, undo));
        }
    }
    Ok(undo)
}

fn apply_one(graph: &mut Graph, change: Change, undo: &mut Undo) -> StoreResult<()> {
    match change {
        Change::Create(node) => {
            if let Some(kind) = graph.kind_of(node.id()) {
                return Err(StoreError::Conflict(format!("id '{}' is already used by a {kind}", node.id())));
            }
            check(graph, &node)?;
            put(graph, node, undo);
        }
        Change::Update(node) => {
            if graph.node(node.kind(), node.id()).is_none() {
                return Err(StoreError::not_found(node.kind(), node.id()));
            }
            check(graph, &node)?;
            put(graph, node, undo);
        }
        Change::Delete(kind, id) => delete(graph, kind, &id, undo)?,
        Change::SetMember { project, lotse, role } => {
            let mut updated = project_for_membership(graph, &project)?;
            if graph.get::<crate::domain::Lotse>(&lotse).is_none() {
                return Err(StoreError::not_found(NodeKind::Lotse, &lotse));
            }
            match updated.members.iter_mut().find(|m| m.lotse == lotse) {
                Some(member) => member.role = role,
                None => updated.members.push(Membership { lotse, role }),
            }
            put(graph, updated.into(), undo);
        }
        Change::RemoveMember { project, lotse } => {
            let mut updated = project_for_membership(graph, &project)?;
            let before = updated.members.len();
            updated.members.retain(|m| m.lotse != lotse);
            if updated.members.len() == before {
                return Err(StoreError::Conflict(format!("lotse '{lotse}' is not a member of project '{project}'")));
            }
            put(graph, updated.into(), undo);
        }
    }
    Ok(())
}

fn project_for_membership(graph: &Graph, project: &Id) -> StoreResult<Project> {
    graph.get::<Project>(project).cloned().ok_or_else(|| StoreError::not_found(NodeKind::Project, project))
}

fn put(graph: &mut Graph, node: Node, undo: &mut Undo) {
    let (kind, id) = (node.kind(), node.id().clone());
    let previous = graph.insert(node);
    undo.previous.push((kind, id, previous));
}

/// Checks the references and uniqueness rules of a node about to be written.
fn check(graph: &Graph, node: &Node) -> StoreResult<()> {
    for (rel, target) in out_edges(node) {
        let found = graph.kind_of(target).is_some_and(|kind| rel.targets().contains(&kind));
        if !found {
            let expected = match rel.targets() {
                [only] => only.as_str(),
                _ => "region or district",
            };
            return Err(StoreError::UnknownReference { field: rel.field(), expected, id: target.clone() });
        }
    }
    match node {
        Node::Municipality(m) => {
            if let Some(ags) = &m.ags
                && graph.municipality_with_ags(ags).is_some_and(|owner| owner != &m.id)
            {
                return Err(StoreError::Conflict(format!("AGS {ags} belongs to another municipality")));
            }
        }
        Node::Region(r) => {
            if let Some(parent) = &r.parent {
                no_cycle(graph, NodeKind::Region, &r.id, parent, Rel::InRegion)?;
            }
        }
        Node::Topic(t) => {
            if let Some(parent) = &t.parent {
                no_cycle(graph, NodeKind::Topic, &t.id, parent, Rel::Broader)?;
            }
        }
        Node::ConnectionRequest(c) if matches!(c.status, ConnectionStatus::Pending | ConnectionStatus::Accepted) => {
            let open = graph
                .sources::<crate::domain::ConnectionRequest>(Rel::RequestFrom, &c.from)
                .chain(graph.sources::<crate::domain::ConnectionRequest>(Rel::RequestTo, &c.from))
                .any(|other| {
                    other.id != c.id
                        && other.other(&c.from) == &c.to
                        && matches!(other.status, ConnectionStatus::Pending | ConnectionStatus::Accepted)
                });
            if open {
                return Err(StoreError::Conflict(format!(
                    "a pending or accepted connection between '{}' and '{}' already exists",
                    c.from, c.to
                )));
            }
        }
        Node::ProjectInvitation(i) if i.status == InvitationStatus::Pending => {
            if graph.get::<Project>(&i.project).is_some_and(|p| p.members.iter().any(|m| m.lotse == i.lotse)) {
                return Err(StoreError::Conflict(format!(
                    "lotse '{}' already works on project '{}'",
                    i.lotse, i.project
                )));
            }
            let open = graph
                .sources::<ProjectInvitation>(Rel::InvitedTo, &i.project)
                .any(|other| other.id != i.id && other.lotse == i.lotse && other.status == InvitationStatus::Pending);
            if open {
                return Err(StoreError::Conflict(format!(
                    "lotse '{}' is already invited to project '{}'",
                    i.lotse, i.project
                )));
            }
        }
        Node::Dismissal(d) => {
            let twice = graph
                .sources::<Dismissal>(Rel::DismissedBy, &d.lotse)
                .any(|other| other.id != d.id && other.dismissed == d.dismissed);
            if twice {
                return Err(StoreError::Conflict(format!("'{}' has already dismissed '{}'", d.lotse, d.dismissed)));
            }
        }
        _ => {}
    }
    Ok(())
}

fn no_cycle(graph: &Graph, kind: NodeKind, id: &Id, parent: &Id, rel: Rel) -> StoreResult<()> {
    if graph.ancestors(kind, parent, rel).contains(id) {
        return Err(StoreError::Conflict(format!("parent '{parent}' would make {kind} '{id}' its own ancestor")));
    }
    Ok(())
}

/// Removes a node; edges that cascade go with it, any other dependent refuses the delete.
fn delete(graph: &mut Graph, kind: NodeKind, id: &Id, undo: &mut Undo) -> StoreResult<()> {
    if graph.node(kind, id).is_none() {
        return Err(StoreError::not_found(kind, id));
    }
    let dependents = graph.dependents(id);
    let blocking: Vec<_> = dependents.iter().filter(|(rel, _, _)| !rel.cascades()).collect();
    if let Some((_, dep_kind, dep_id)) = blocking.first() {
        return Err(StoreError::Conflict(format!(
            "{kind} '{id}' is still referenced by {} node(s), e.g. {dep_kind} '{dep_id}'; remove or move them first",
            blocking.len()
        )));
    }
    for (rel, dep_kind, dep_id) in dependents {
        match rel {
            Rel::HasMember => {
                let mut project = project_for_membership(graph, &dep_id)?;
                project.members.retain(|m| &m.lotse != id);
                put(graph, project.into(), undo);
            }
            _ => {
                let previous = graph.remove(dep_kind, &dep_id);
                undo.previous.push((dep_kind, dep_id, previous));
            }
        }
    }
    let previous = graph.remove(kind, id);
    undo.previous.push((kind, id.clone(), previous));
    Ok(())
}
