//! Who may read and write what: the rules of object-level authorization and privacy.
//!
//! | caller | reads | writes |
//! |---|---|---|
//! | anonymous | nothing (only `/health` and the IDE page) | nothing |
//! | Lotse | the network, except hidden Lotsen who are not their contacts | own profile (not the municipality), projects they work on (not owner or members), members of projects they lead, their own connection requests |
//! | expert | the network, except hidden Lotsen | own profile (not the organization) |
//! | integration | with scope `read` or `import`: the network, except hidden Lotsen | with scope `import`: everything |
//! | admin | everything | everything |
//!
//! Contact data (e-mail, phone) of a Lotse is visible to the person, their accepted contacts
//! and admins. Connection requests are visible to their two Lotsen and admins; the audit log
//! to admins.

use std::collections::HashSet;

use crate::auth::Viewer;
use crate::domain::{Id, Lotse, Node, NodeKind, ProjectRole, Visibility};
use crate::store::Change;

/// The node a change is about, whose current version the rules need.
pub fn subject_of(change: &Change) -> Option<(NodeKind, &Id)> {
    match change {
        Change::Create(_) => None,
        Change::Update(node) => Some((node.kind(), node.id())),
        Change::Delete(kind, id) => Some((*kind, id)),
        Change::SetMember { project, .. } | Change::RemoveMember { project, .. } => Some((NodeKind::Project, project)),
    }
}

fn is_member(node: Option<&Node>, lotse: &Id, lead: bool) -> bool {
    matches!(node, Some(Node::Project(p)) if p.members.iter().any(|m| &m.lotse == lotse && (!lead || m.role == ProjectRole::Lead)))
}

/// Whether a Lotse or expert may make `change`; `current` is the node's stored version and
/// `actor` the calling Lotse's profile. Admins and `import` integrations are not asked.
pub fn authorize(
    viewer: &Viewer,
    actor: Option<&Lotse>,
    change: &Change,
    current: Option<&Node>,
) -> Result<(), String> {
    let denied = |reason: &str| Err(reason.to_owned());
    match (viewer, change) {
        (Viewer::Lotse(me), Change::Create(Node::Project(p))) => {
            if actor.is_none_or(|a| a.municipality != p.municipality) {
                return denied("Lotsen create projects only for their own municipality");
            }
            if !p.members.iter().any(|m| &m.lotse == me) {
                return denied("Lotsen create projects only as a member");
            }
            Ok(())
        }
        (Viewer::Lotse(me), Change::Update(Node::Lotse(new))) if &new.id == me => match current {
            Some(Node::Lotse(old)) if old.municipality == new.municipality => Ok(()),
            Some(_) => denied("only admins move a Lotse to another municipality"),
            None => Ok(()),
        },
        (Viewer::Lotse(me), Change::Update(Node::Project(new))) => match current {
            Some(Node::Project(old)) if is_member(current, me, false) => {
                if old.municipality != new.municipality || old.members != new.members {
                    return denied("the owner and members of a project change only through their own operations");
                }
                Ok(())
            }
            _ => denied("Lotsen change only projects they work on"),
        },
        (Viewer::Lotse(me), Change::Delete(NodeKind::Project, _)) | (Viewer::Lotse(me), Change::SetMember { .. }) => {
            if is_member(current, me, true) {
                Ok(())
            } else {
                denied("only the project's lead does this")
            }
        }
        (Viewer::Lotse(me), Change::RemoveMember { lotse, .. }) => {
            if lotse == me || is_member(current, me, true) {
                Ok(())
            } else {
                denied("only the project's lead removes others")
            }
        }
        (Viewer::Expert(me), Change::Update(Node::Expert(new))) if &new.id == me => match current {
            Some(Node::Expert(old)) if old.organization == new.organization => Ok(()),
            Some(_) => denied("only admins change an expert's organization"),
            None => Ok(()),
        },
        (Viewer::Anonymous, _) => denied("sign in first"),
        (Viewer::Integration { .. }, _) => denied("integrations write only with the import scope"),
        _ => denied("not allowed for this role"),
    }
}

/// Whether the viewer may see a node at all. `contacts` are the viewer's accepted contacts.
pub fn may_see(viewer: &Viewer, contacts: &HashSet<Id>, node: &Node) -> bool {
    if viewer.is_admin() {
        return true;
    }
    if !viewer.may_read() {
        return false;
    }
    match node {
        Node::Lotse(l) => {
            l.visibility != Visibility::Hidden || viewer.lotse() == Some(&l.id) || contacts.contains(&l.id)
        }
        Node::ConnectionRequest(r) => viewer.lotse().is_some_and(|me| me == &r.from || me == &r.to),
        Node::AuditEntry(_) => false,
        _ => true,
    }
}

/// Whether the viewer may see a Lotse's e-mail and phone.
pub fn may_see_contact_data(viewer: &Viewer, contacts: &HashSet<Id>, lotse: &Id) -> bool {
    viewer.is_admin() || viewer.lotse() == Some(lotse) || contacts.contains(lotse)
}
