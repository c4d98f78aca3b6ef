//! The rights of a data subject (DSGVO): access to all data held (Art. 15) and erasure (Art. 17).

use super::{ServiceError, ServiceResult, Services, policy};
use crate::auth::Viewer;
use crate::domain::{
    AuditEntry, ConnectionRequest, Dismissal, Expert, Id, Lotse, Node, NodeKind, Project, ProjectInvitation,
};
use crate::store::{Change, Rel};

/// What replaces an erased person's id in the audit log.
pub const ERASED: &str = "[erased]";

/// Everything stored about one person.
#[derive(Debug, Clone, Default)]
pub struct MyData {
    pub lotse: Option<Lotse>,
    pub expert: Option<Expert>,
    /// Projects the person works on.
    pub projects: Vec<Project>,
    /// Connection requests sent or received.
    pub connection_requests: Vec<ConnectionRequest>,
    /// Invitations to projects received.
    pub invitations: Vec<ProjectInvitation>,
    /// Recommended peers dismissed.
    pub dismissals: Vec<Dismissal>,
    /// Audit entries that name the person.
    pub audit_entries: Vec<AuditEntry>,
}

impl MyData {
    /// The same records as one JSON document, in the export format.
    pub fn to_json(&self) -> serde_json::Value {
        let nodes: Vec<Node> = self
            .lotse
            .iter()
            .cloned()
            .map(Node::from)
            .chain(self.expert.iter().cloned().map(Node::from))
            .chain(self.projects.iter().cloned().map(Node::from))
            .chain(self.connection_requests.iter().cloned().map(Node::from))
            .chain(self.invitations.iter().cloned().map(Node::from))
            .chain(self.dismissals.iter().cloned().map(Node::from))
            .chain(self.audit_entries.iter().cloned().map(Node::from))
            .collect();
        serde_json::json!({ "records": nodes })
    }
}

fn mentions(entry: &AuditEntry, id: &Id) -> bool {
    entry.target == id.as_str()
        || entry.detail.as_deref().is_some_and(|d| d.split_whitespace().any(|w| w == id.as_str()))
}

impl Services {
    /// Every audit entry, oldest first.
    async fn audit_log(&self) -> ServiceResult<Vec<AuditEntry>> {
        let entries = self.list_all(NodeKind::AuditEntry).await?;
        Ok(entries.into_iter().filter_map(|n| AuditEntry::try_from(n).ok()).collect())
    }

    /// Everything stored about the calling Lotse or expert.
    pub async fn my_data(&self, viewer: &Viewer) -> ServiceResult<MyData> {
        let (kind, id) = policy::own_person(viewer).map_err(ServiceError::Forbidden)?;
        let mut data = MyData::default();
        if kind == NodeKind::Lotse {
            data.lotse = Some(self.require_as::<Lotse>(id).await?);
            data.projects = self.sources(NodeKind::Project, Rel::HasMember, id).await?;
            data.connection_requests = self.requests_of(id).await?;
            data.invitations = self.sources(NodeKind::ProjectInvitation, Rel::Invites, id).await?;
            data.dismissals = self.sources(NodeKind::Dismissal, Rel::DismissedBy, id).await?;
        } else {
            data.expert = Some(self.require_as::<Expert>(id).await?);
        }
        data.audit_entries = self.audit_log().await?.into_iter().filter(|e| mentions(e, id)).collect();
        Ok(data)
    }

    /// Erases the calling Lotse or expert.
    pub async fn delete_my_account(&self, viewer: &Viewer) -> ServiceResult<Id> {
        let (kind, id) = policy::own_person(viewer).map_err(ServiceError::Forbidden)?;
        self.erase(viewer, kind, id).await.map(|()| id.clone())
    }

    /// Erases a Lotse or expert completely: the node, every edge, and their id in the audit log.
    pub async fn erase_person(&self, viewer: &Viewer, kind: NodeKind, id: &Id) -> ServiceResult<()> {
        super::allowed(policy::may_erase_others(viewer))?;
        self.erase(viewer, kind, id).await
    }

    async fn erase(&self, viewer: &Viewer, kind: NodeKind, id: &Id) -> ServiceResult<()> {
        if self.get_one(kind, id).await?.is_none() && super::idempotency::replayed_write() {
            return Ok(());
        }
        self.require(kind, id).await?;
        let mut changes = vec![Change::Delete(kind, id.clone())];
        for mut entry in self.audit_log().await?.into_iter().filter(|e| mentions(e, id)) {
            if entry.target == id.as_str() {
                entry.target = ERASED.to_owned();
            }
            entry.detail = entry.detail.map(|d| d.replace(id.as_str(), ERASED));
            if entry.actor == id.as_str() {
                entry.actor = ERASED.to_owned();
            }
            changes.push(Change::Update(entry.into()));
        }
        // The erasure itself is audited without naming the person.
        if viewer.is_admin() {
            let entry = AuditEntry {
                id: super::audit_id(),
                at: chrono::Utc::now(),
                actor: viewer.subject(),
                role: viewer.role_name().to_owned(),
                action: "erase".into(),
                target_kind: kind,
                target: ERASED.to_owned(),
                detail: None,
                updated_at: None,
            };
            changes.push(Change::Create(entry.into()));
        }
        self.write(changes).await
    }
}
