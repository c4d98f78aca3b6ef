//! Personal data rights (DSGVO Art. 15 and 17) and the audit log.

use async_graphql::{Context, ID, Json, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use crate::domain::*;
use crate::graphql::errors::forbidden;
use crate::graphql::lists::{ListArgs, Order, RecordOrderField, list};
use crate::graphql::objects::feedback::DismissalObject;
use crate::graphql::objects::people::ProjectMembership;
use crate::graphql::objects::{ConnectionRequestObject, ExpertObject, LotseObject, ProjectInvitationObject};
use crate::graphql::support::*;
use crate::service::MyData;
use crate::store::ListFilter;

/// Everything Lotsennetz stores about the caller.
#[derive(SimpleObject)]
pub struct MyDataObject {
    /// The caller's Lotse profile, with contact data.
    pub lotse: Option<LotseObject>,
    /// The caller's expert profile.
    pub expert: Option<ExpertObject>,
    /// Projects the caller works on, with their role.
    pub projects: Vec<ProjectMembership>,
    /// Connection requests the caller sent or received.
    pub connection_requests: Vec<ConnectionRequestObject>,
    /// Invitations to projects the caller received.
    pub invitations: Vec<ProjectInvitationObject>,
    /// Recommended peers the caller dismissed.
    pub dismissals: Vec<DismissalObject>,
    /// Audit log entries that name the caller.
    pub audit_entries: Vec<AuditEntryObject>,
    /// All of the above as machine-readable records in the export format.
    pub export: Json<serde_json::Value>,
}

impl MyDataObject {
    fn new(data: MyData) -> Self {
        let export = Json(data.to_json());
        let lotse_id = data.lotse.as_ref().map(|l| l.id.clone());
        let projects = data
            .projects
            .into_iter()
            .filter_map(|p| {
                let role = p.members.iter().find(|m| Some(&m.lotse) == lotse_id.as_ref())?.role;
                Some(ProjectMembership { project: p.into(), role })
            })
            .collect();
        Self {
            lotse: data.lotse.map(Into::into),
            expert: data.expert.map(Into::into),
            projects,
            connection_requests: data.connection_requests.into_iter().map(Into::into).collect(),
            invitations: data.invitations.into_iter().map(Into::into).collect(),
            dismissals: data.dismissals.into_iter().map(DismissalObject).collect(),
            audit_entries: data.audit_entries.into_iter().map(Into::into).collect(),
            export,
        }
    }
}

pub struct AuditEntryObject(pub AuditEntry);

impl From<AuditEntry> for AuditEntryObject {
    fn from(e: AuditEntry) -> Self {
        Self(e)
    }
}

/// One write by an admin or integration.
#[Object(name = "AuditEntry")]
impl AuditEntryObject {
    /// Identifier; entries sort by time.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// When the write happened.
    async fn at(&self) -> DateTime<Utc> {
        self.0.at
    }
    /// Subject of the token that wrote.
    async fn actor(&self) -> &str {
        &self.0.actor
    }
    /// Role of that token: admin or integration.
    async fn role(&self) -> &str {
        &self.0.role
    }
    /// create, update, delete, set_member, remove_member or erase.
    async fn action(&self) -> &str {
        &self.0.action
    }
    /// Kind of node written, e.g. "lotse".
    async fn target_kind(&self) -> &str {
        self.0.target_kind.as_str()
    }
    /// Id of the node written ("[erased]" once the person it named was erased).
    async fn target(&self) -> &str {
        &self.0.target
    }
    /// More about the write, e.g. the member and role set.
    async fn detail(&self) -> Option<&str> {
        self.0.detail.as_deref()
    }
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// Everything stored about the calling Lotse or expert (DSGVO Art. 15).
    async fn my_data(&self, ctx: &Context<'_>) -> Result<MyDataObject> {
        Ok(MyDataObject::new(services(ctx)?.my_data(viewer(ctx)?).await?))
    }
    /// Writes by admins and integrations, oldest first unless `orderBy` says otherwise; admins only.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<RecordOrderField>,
        >,
    ) -> Result<IdConnection<AuditEntryObject>> {
        crate::service::policy::may_read_audit_log(viewer(ctx)?).map_err(forbidden)?;
        list::<AuditEntry, _>(ctx, ListFilter::default(), ListArgs::new(first, after, changed_since, order_by)).await
    }
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Erases the calling Lotse or expert with every edge and personal field (DSGVO Art. 17);
    /// returns their former id.
    async fn delete_my_account(&self, ctx: &Context<'_>) -> Result<ID> {
        let id = services(ctx)?.delete_my_account(viewer(ctx)?).await?;
        Ok(ID(id.to_string()))
    }
    /// Erases a Lotse completely on request (admins only); returns the id.
    async fn erase_lotse(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        services(ctx)?.erase_person(viewer(ctx)?, NodeKind::Lotse, &parse_id("id", &id)?).await?;
        Ok(id)
    }
    /// Erases an expert completely on request (admins only); returns the id.
    async fn erase_expert(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        services(ctx)?.erase_person(viewer(ctx)?, NodeKind::Expert, &parse_id("id", &id)?).await?;
        Ok(id)
    }
}
