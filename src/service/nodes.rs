//! Creating, changing and deleting nodes: the one way the API writes a node of any kind.

use super::{ServiceResult, Services, allowed, policy};
use crate::auth::Viewer;
use crate::domain::{Entity, Id, NodeKind};
use crate::store::Change;

impl Services {
    /// The id of a new node: the one the caller chose (admins and integrations only), or a
    /// fresh random one.
    pub fn new_id(&self, viewer: &Viewer, kind: NodeKind, chosen: Option<Id>) -> ServiceResult<Id> {
        match chosen {
            Some(id) => {
                allowed(policy::may_choose_ids(viewer))?;
                Ok(id)
            }
            None => Ok(super::fresh_id(&kind.as_str().replace('_', "-"))),
        }
    }

    /// Creates a node. Projects go through [`Services::create_project`].
    pub async fn create<E: Entity>(&self, viewer: &Viewer, node: E) -> ServiceResult<E> {
        debug_assert!(E::KIND != NodeKind::Project, "projects are created with their invitations");
        super::first_written(self.apply(viewer, vec![Change::Create(node.into())]).await?)
    }

    /// The current version of a node the caller is about to change; NOT_FOUND when it is
    /// missing or the caller may not see it.
    pub async fn editable<E: Entity>(&self, viewer: &Viewer, id: &Id) -> ServiceResult<E> {
        self.require_visible_as(viewer, id).await
    }

    /// Replaces a node with its changed version.
    pub async fn update<E: Entity>(&self, viewer: &Viewer, node: E) -> ServiceResult<E> {
        super::first_written(self.apply(viewer, vec![Change::Update(node.into())]).await?)
    }

    /// Deletes a node with the edges it owns.
    pub async fn delete(&self, viewer: &Viewer, kind: NodeKind, id: &Id) -> ServiceResult<()> {
        self.apply(viewer, vec![Change::Delete(kind, id.clone())]).await.map(drop)
    }
}
