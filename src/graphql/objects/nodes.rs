//! Any node by its global id (the `Node` interface), and the signed-in caller (`me`).

use async_graphql::{Context, ID, Interface, Object, Result, SimpleObject};

use crate::domain::*;
use crate::graphql::errors::bad_input;
use crate::graphql::objects::account::AuditEntryObject;
use crate::graphql::objects::feedback::DismissalObject;
use crate::graphql::objects::*;
use crate::graphql::support::*;

/// Most ids `nodes` reads at once.
const MAX_IDS: usize = 100;

/// Any node of the network. Ids are unique across all kinds, so one id names one node; a node
/// the caller may not see is `null`, as one that does not exist.
#[derive(Interface)]
#[graphql(name = "Node", field(name = "id", ty = "ID", desc = "Stable identifier, unique across all kinds."))]
pub enum NodeInterface {
    Region(RegionObject),
    District(DistrictObject),
    Municipality(MunicipalityObject),
    Topic(TopicObject),
    Organization(OrganizationObject),
    Lotse(LotseObject),
    Expert(ExpertObject),
    Project(ProjectObject),
    ConnectionRequest(ConnectionRequestObject),
    ProjectInvitation(ProjectInvitationObject),
    Dismissal(DismissalObject),
    AuditEntry(AuditEntryObject),
}

async fn one<E: Entity>(
    ctx: &Context<'_>,
    id: &Id,
    wrap: impl FnOnce(E) -> NodeInterface,
) -> Result<Option<NodeInterface>> {
    Ok(load::<E>(ctx, id).await?.map(wrap))
}

/// The node with this id, if the caller may see it.
async fn node_by_id(ctx: &Context<'_>, id: &Id) -> Result<Option<NodeInterface>> {
    let Some(kind) = services(ctx)?.kind_of(id)? else {
        return Ok(None);
    };
    use NodeInterface as N;
    match kind {
        NodeKind::Region => one::<Region>(ctx, id, |n| N::Region(n.into())).await,
        NodeKind::District => one::<District>(ctx, id, |n| N::District(n.into())).await,
        NodeKind::Municipality => one::<Municipality>(ctx, id, |n| N::Municipality(n.into())).await,
        NodeKind::Topic => one::<Topic>(ctx, id, |n| N::Topic(n.into())).await,
        NodeKind::Organization => one::<Organization>(ctx, id, |n| N::Organization(n.into())).await,
        NodeKind::Lotse => one::<Lotse>(ctx, id, |n| N::Lotse(n.into())).await,
        NodeKind::Expert => one::<Expert>(ctx, id, |n| N::Expert(n.into())).await,
        NodeKind::Project => one::<Project>(ctx, id, |n| N::Project(n.into())).await,
        NodeKind::ConnectionRequest => one::<ConnectionRequest>(ctx, id, |n| N::ConnectionRequest(n.into())).await,
        NodeKind::ProjectInvitation => one::<ProjectInvitation>(ctx, id, |n| N::ProjectInvitation(n.into())).await,
        NodeKind::Dismissal => one::<Dismissal>(ctx, id, |n| N::Dismissal(DismissalObject(n))).await,
        NodeKind::AuditEntry => one::<AuditEntry>(ctx, id, |n| N::AuditEntry(n.into())).await,
    }
}

/// The caller as their token names them.
#[derive(SimpleObject)]
pub struct Me {
    /// Subject of the token: the Lotse's or expert's id, else the admin's or integration's name.
    pub subject: String,
    /// Role of the token: lotse, expert, admin or integration.
    pub role: String,
    /// The caller's profile when a Lotse calls.
    pub lotse: Option<LotseObject>,
    /// The caller's profile when an expert calls.
    pub expert: Option<ExpertObject>,
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any node by id, whatever its kind (`... on Lotse { name }`); `null` when it does not
    /// exist or the caller may not see it.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<NodeInterface>> {
        node_by_id(ctx, &parse_id("id", &id)?).await
    }
    /// Nodes by id, in the order asked, `null` where `node` would be; at most 100 ids.
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<Option<NodeInterface>>> {
        if ids.len() > MAX_IDS {
            return Err(bad_input("ids", format!("at most {MAX_IDS} ids")));
        }
        let mut found = Vec::with_capacity(ids.len());
        for id in &ids {
            found.push(node_by_id(ctx, &parse_id("ids", id)?).await?);
        }
        Ok(found)
    }
    /// The signed-in caller, with their profile when a Lotse or expert calls.
    async fn me(&self, ctx: &Context<'_>) -> Result<Me> {
        let viewer = viewer(ctx)?;
        let lotse = match viewer.lotse() {
            Some(id) => load::<Lotse>(ctx, id).await?.map(Into::into),
            None => None,
        };
        let expert = match viewer.expert() {
            Some(id) => load::<Expert>(ctx, id).await?.map(Into::into),
            None => None,
        };
        Ok(Me { subject: viewer.subject(), role: viewer.role_name().to_owned(), lotse, expert })
    }
}
