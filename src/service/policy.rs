//! Who may read and write what: the rules of object-level authorization and privacy.
//!
//! | caller | reads | writes |
//! |---|---|---|
//! | anonymous | nothing (only `/health` and the IDE page) | nothing |
//! | Lotse | the network, except hidden Lotsen who are not their contacts | own profile (not the municipality), projects they work on (not owner or members), roles and members of projects they lead (others join only by accepting an invitation), leaving any project, their own connection requests, invitations and dismissals |
//! | expert | the network, except hidden Lotsen | own profile (not the organization) |
//! | integration | with scope `read` or `import`: the network, except hidden Lotsen | with scope `import`: everything |
//! | admin | everything | everything |
//!
//! Contact data (e-mail, phone) of a Lotse is visible to the person, their accepted contacts
//! and admins. Connection requests are visible to their two Lotsen and admins, invitations to
//! the invited and inviting Lotse, the project's members and admins, dismissals to the Lotse
//! who made them and admins; the audit log to admins. What a caller may not see answers like
//! what does not exist (`NOT_FOUND`), on reads and writes alike. Only admins and `import`
//! integrations choose the ids of new nodes: an id taken by a hidden node would otherwise
//! tell that it exists.

use std::collections::HashSet;

use super::{ServiceError, ServiceResult};
use crate::auth::Viewer;
use crate::domain::{DomainError, Id, Lotse, Node, NodeKind, Project, ProjectInvitation, ProjectRole, Visibility};
use crate::store::Change;

/// A rule's answer: allowed, or why not.
pub type Verdict = Result<(), String>;

fn deny(reason: &str) -> Verdict {
    Err(reason.to_owned())
}

/// Whether the caller may give a new node its id.
pub fn may_choose_ids(viewer: &Viewer) -> Verdict {
    if viewer.may_write_anything() { Ok(()) } else { deny("only admins and integrations choose the ids of new nodes") }
}

/// Whether the caller may import records.
pub fn may_import(viewer: &Viewer) -> Verdict {
    if viewer.may_write_anything() { Ok(()) } else { deny("importing needs an admin or the import scope") }
}

/// Whether the caller may read the audit log.
pub fn may_read_audit_log(viewer: &Viewer) -> Verdict {
    if viewer.is_admin() { Ok(()) } else { deny("only admins read the audit log") }
}

/// Whether the caller may erase someone else.
pub fn may_erase_others(viewer: &Viewer) -> Verdict {
    if viewer.is_admin() { Ok(()) } else { deny("only admins erase other people") }
}

/// Whether the caller may see a Lotse's personal lists.
pub fn own_data(viewer: &Viewer, lotse: &Id) -> Verdict {
    if viewer.lotse() == Some(lotse) || viewer.is_admin() { Ok(()) } else { deny("only the Lotse and admins see this") }
}

/// Whether the caller may see a Lotse's peer recommendations.
pub fn may_see_peers_of(viewer: &Viewer, lotse: &Id) -> Verdict {
    if viewer.lotse() == Some(lotse) || viewer.is_admin() || matches!(viewer, Viewer::Integration { .. }) {
        Ok(())
    } else {
        deny("Lotsen see only their own peer recommendations")
    }
}

/// Whether the caller may see an expert's advice list.
pub fn may_see_advice_of(viewer: &Viewer, expert: &Id) -> Verdict {
    if viewer.expert() == Some(expert) || viewer.is_admin() || matches!(viewer, Viewer::Integration { .. }) {
        Ok(())
    } else {
        deny("experts see only their own advice list")
    }
}

/// The Lotse a personal operation (connections, invitations, dismissals) acts for: the given
/// one, which must be the caller unless an admin or `import` integration acts, or the calling
/// Lotse.
pub fn acting_lotse(viewer: &Viewer, given: Option<Id>, field: &str) -> ServiceResult<Id> {
    let forbidden = |reason: &str| Err(ServiceError::Forbidden(reason.to_owned()));
    match (given, viewer.lotse()) {
        (Some(given), Some(me)) if &given != me => forbidden("Lotsen act only for themselves here"),
        (Some(given), _) if viewer.lotse().is_some() || viewer.may_write_anything() => Ok(given),
        (None, Some(me)) => Ok(me.clone()),
        (None, None) => Err(DomainError::invalid(field, "is required unless a Lotse calls").into()),
        _ => forbidden("only Lotsen and admins do this"),
    }
}

/// The caller's own person: only Lotsen and experts have personal data and an account here.
pub fn own_person(viewer: &Viewer) -> Result<(NodeKind, &Id), String> {
    match viewer {
        Viewer::Lotse(id) => Ok((NodeKind::Lotse, id)),
        Viewer::Expert(id) => Ok((NodeKind::Expert, id)),
        _ => Err("only Lotsen and experts have personal data and an account here".to_owned()),
    }
}

/// Whether the caller may answer (accept or decline, as `party`) or withdraw (as sender) a
/// connection request.
pub fn may_answer_request(viewer: &Viewer, party: &Id, withdraw: bool) -> Verdict {
    match (viewer.lotse() == Some(party) || viewer.is_admin(), withdraw) {
        (true, _) => Ok(()),
        (false, true) => deny("only the sender withdraws a request"),
        (false, false) => deny("only the addressee answers a request"),
    }
}

/// Whether the caller may invite others to a project: its leads, admins and `import`
/// integrations.
pub fn may_invite(viewer: &Viewer, project: &Project) -> Verdict {
    match viewer.lotse() {
        Some(me) if is_member(Some(&Node::Project(project.clone())), me, true) => Ok(()),
        None if viewer.may_write_anything() => Ok(()),
        _ => deny("only the project's lead invites others"),
    }
}

/// Whether the caller may accept or decline an invitation: the invited Lotse and admins.
pub fn may_answer_invitation(viewer: &Viewer, invitation: &ProjectInvitation) -> Verdict {
    if viewer.lotse() == Some(&invitation.lotse) || viewer.is_admin() {
        Ok(())
    } else {
        deny("only the invited Lotse answers an invitation")
    }
}

/// Whether the caller may see an invitation to `project`.
pub fn may_see_invitation(viewer: &Viewer, invitation: &ProjectInvitation, project: &Project) -> bool {
    viewer.is_admin()
        || viewer.lotse().is_some_and(|me| {
            me == &invitation.lotse || me == &invitation.invited_by || project.members.iter().any(|m| &m.lotse == me)
        })
}

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
            if p.members.iter().any(|m| &m.lotse != me) {
                return denied("others join a Lotse's project only by accepting an invitation");
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
        (Viewer::Lotse(me), Change::SetMember { lotse, .. }) => {
            if !is_member(current, me, true) {
                return denied("only the project's lead does this");
            }
            if !is_member(current, lotse, false) {
                return denied("others join a project only by accepting an invitation");
            }
            Ok(())
        }
        (Viewer::Lotse(me), Change::Delete(NodeKind::Project, _)) => {
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
        Node::ProjectInvitation(i) => viewer.lotse().is_some_and(|me| me == &i.lotse || me == &i.invited_by),
        Node::Dismissal(d) => viewer.lotse() == Some(&d.lotse),
        Node::AuditEntry(_) => false,
        _ => true,
    }
}

/// Whether the viewer may see a Lotse's e-mail and phone.
pub fn may_see_contact_data(viewer: &Viewer, contacts: &HashSet<Id>, lotse: &Id) -> bool {
    viewer.is_admin() || viewer.lotse() == Some(lotse) || contacts.contains(lotse)
}
