//! Shared resolver plumbing: DataLoaders, id parsing, cursor pagination, writes.

use std::collections::{HashMap, HashSet};

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Error, ID, MaybeUndefined, OutputType, Result, SimpleObject};

use crate::auth::Viewer;
use crate::domain::{DomainError, Entity, Id, Name, Node, NodeKind};
use crate::service::{ServiceError, Services, policy};
use crate::store::Rel;

use super::errors::bad_input;

/// Largest page a client may ask for.
pub const MAX_FIRST: i32 = 100;
pub const DEFAULT_FIRST: i32 = 20;

/// Batches node reads of one request: many `(kind, id)` keys, one store call per kind.
pub struct NodeLoader(pub Services);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeKey(pub NodeKind, pub Id);

// `Loader` is an `async_trait` with async-graphql's `boxed-trait` feature (Cargo.toml).
#[async_trait::async_trait]
impl Loader<NodeKey> for NodeLoader {
    type Value = Node;
    type Error = Error;

    async fn load(&self, keys: &[NodeKey]) -> Result<HashMap<NodeKey, Node>, Error> {
        let mut by_kind: HashMap<NodeKind, Vec<Id>> = HashMap::new();
        for NodeKey(kind, id) in keys {
            by_kind.entry(*kind).or_default().push(id.clone());
        }
        let mut found = HashMap::with_capacity(keys.len());
        for (kind, ids) in by_kind {
            for node in self.0.get(kind, &ids).await? {
                found.insert(NodeKey(kind, node.id().clone()), node);
            }
        }
        Ok(found)
    }
}

/// Batches reverse-edge reads ("the Lotsen of these municipalities") of one request.
pub struct IncomingLoader(pub Services);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IncomingKey(pub NodeKind, pub Rel, pub Id);

#[async_trait::async_trait]
impl Loader<IncomingKey> for IncomingLoader {
    type Value = Vec<Id>;
    type Error = Error;

    async fn load(&self, keys: &[IncomingKey]) -> Result<HashMap<IncomingKey, Vec<Id>>, Error> {
        let mut groups: HashMap<(NodeKind, Rel), Vec<Id>> = HashMap::new();
        for IncomingKey(kind, rel, target) in keys {
            groups.entry((*kind, *rel)).or_default().push(target.clone());
        }
        let mut found = HashMap::with_capacity(keys.len());
        for ((kind, rel), targets) in groups {
            for (target, ids) in self.0.incoming(kind, rel, &targets).await? {
                found.insert(IncomingKey(kind, rel, target), ids);
            }
        }
        Ok(found)
    }
}

pub fn services<'a>(ctx: &Context<'a>) -> Result<&'a Services> {
    ctx.data::<Services>()
}

/// The caller of a request, with what the privacy rules need to know about them.
pub struct Caller {
    pub viewer: Viewer,
    contacts: tokio::sync::OnceCell<HashSet<Id>>,
}

impl Caller {
    pub fn new(viewer: Viewer) -> Self {
        Self { viewer, contacts: tokio::sync::OnceCell::new() }
    }
}

pub fn viewer<'a>(ctx: &Context<'a>) -> Result<&'a Viewer> {
    Ok(&ctx.data::<Caller>()?.viewer)
}

/// The caller's accepted contacts, looked up once per request.
pub async fn contacts<'a>(ctx: &Context<'a>) -> Result<&'a HashSet<Id>> {
    let caller = ctx.data::<Caller>()?;
    let services = services(ctx)?;
    caller
        .contacts
        .get_or_try_init(|| async {
            match caller.viewer.lotse() {
                Some(me) => services.contacts(me).await,
                None => Ok(HashSet::new()),
            }
        })
        .await
        .map_err(Error::from)
}

/// Drops the nodes the caller may not see (see `service::policy`).
pub(super) async fn visible<E: Entity>(ctx: &Context<'_>, nodes: Vec<Node>) -> Result<Vec<E>> {
    let viewer = viewer(ctx)?;
    let needs_contacts = matches!(E::KIND, NodeKind::Lotse) && viewer.lotse().is_some();
    let empty = HashSet::new();
    let contacts = if needs_contacts { contacts(ctx).await? } else { &empty };
    Ok(nodes.into_iter().filter(|n| policy::may_see(viewer, contacts, n)).filter_map(|n| E::try_from(n).ok()).collect())
}

/// Parses a client-supplied id, naming `field` in the error.
pub fn parse_id(field: &str, id: &ID) -> Result<Id> {
    Id::parse_field(field, id.as_str()).map_err(invalid)
}

pub fn parse_ids(field: &str, ids: &[ID]) -> Result<Vec<Id>> {
    let mut parsed: Vec<Id> = Vec::with_capacity(ids.len());
    for id in ids {
        let id = parse_id(field, id)?;
        if parsed.contains(&id) {
            return Err(bad_input(field, format!("'{id}' is listed twice")));
        }
        parsed.push(id);
    }
    Ok(parsed)
}

/// A domain rule broken by an argument, as a coded error.
pub fn invalid(error: DomainError) -> Error {
    ServiceError::from(error).into()
}

/// The id for a new node: the caller's choice (admins and integrations only), or a fresh
/// random one (see [`crate::service::fresh_id`]).
pub fn new_id(ctx: &Context<'_>, kind: NodeKind, id: Option<&ID>) -> Result<Id> {
    Ok(services(ctx)?.new_id(viewer(ctx)?, kind, optional_id("id", id)?)?)
}

pub async fn load<E: Entity>(ctx: &Context<'_>, id: &Id) -> Result<Option<E>> {
    let loader = ctx.data::<DataLoader<NodeLoader>>()?;
    let node = loader.load_one(NodeKey(E::KIND, id.clone())).await?;
    Ok(visible::<E>(ctx, node.into_iter().collect()).await?.pop())
}

/// Loads nodes in the order of `ids`, leaving out missing ones.
pub async fn load_many<E: Entity>(ctx: &Context<'_>, ids: &[Id]) -> Result<Vec<E>> {
    let loader = ctx.data::<DataLoader<NodeLoader>>()?;
    let mut found = loader.load_many(ids.iter().map(|id| NodeKey(E::KIND, id.clone()))).await?;
    let nodes = ids.iter().filter_map(|id| found.remove(&NodeKey(E::KIND, id.clone()))).collect();
    visible::<E>(ctx, nodes).await
}

/// Loads a node that an edge points to, whatever the caller may see of it otherwise (the edge
/// itself was visible); a dangling edge is an internal error.
pub async fn load_required<E: Entity>(ctx: &Context<'_>, id: &Id) -> Result<E> {
    let loader = ctx.data::<DataLoader<NodeLoader>>()?;
    let node = loader.load_one(NodeKey(E::KIND, id.clone())).await?;
    node.and_then(|n| E::try_from(n).ok()).ok_or_else(|| {
        tracing::error!(kind = %E::KIND, %id, "edge points to a missing node");
        super::errors::coded(super::errors::INTERNAL, "internal error")
    })
}

/// The nodes the items of a ranked list point to, read from the projection the list was
/// ranked over when the query selects `field` of its items, so that each item need not load
/// its own;
/// empty when the field is not selected. Like [`load_required`], whatever the caller may see
/// of them otherwise.
pub async fn load_for_list<'i, E: Entity>(
    ctx: &Context<'_>,
    field: &str,
    ids: impl IntoIterator<Item = &'i Id>,
) -> Result<HashMap<Id, E>> {
    if !ctx.look_ahead().field(field).exists() {
        return Ok(HashMap::new());
    }
    let ids: Vec<Id> = ids.into_iter().cloned().collect();
    let nodes = services(ctx)?.ranked_nodes(E::KIND, &ids)?;
    Ok(nodes.into_iter().filter_map(|n| E::try_from(n).ok()).map(|e| (e.id().clone(), e)).collect())
}

/// Ids of the nodes of `kind` with an edge `rel` to `target`, in id order.
pub async fn load_incoming(ctx: &Context<'_>, kind: NodeKind, rel: Rel, target: &Id) -> Result<Vec<Id>> {
    let loader = ctx.data::<DataLoader<IncomingLoader>>()?;
    Ok(loader.load_one(IncomingKey(kind, rel, target.clone())).await?.unwrap_or_default())
}

/// Checked `first` and `after` arguments of a connection field.
pub struct PageArgs {
    pub first: usize,
    pub after: Option<Id>,
}

impl PageArgs {
    pub fn parse(first: Option<i32>, after: Option<String>) -> Result<Self> {
        let first = first.unwrap_or(DEFAULT_FIRST);
        if !(0..=MAX_FIRST).contains(&first) {
            return Err(bad_input("first", format!("must be between 0 and {MAX_FIRST}")));
        }
        let after =
            after.map(|a| Id::parse_field("after", &a).map_err(|_| bad_input("after", "is not a valid cursor")));
        Ok(Self { first: first as usize, after: after.transpose()? })
    }
}

/// Where a page lies in its list.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether nodes come before this page.
    pub has_previous_page: bool,
    /// Whether nodes follow this page; fetch them with `after: endCursor`.
    pub has_next_page: bool,
    /// Cursor of the first node of this page.
    pub start_cursor: Option<String>,
    /// Cursor of the last node of this page.
    pub end_cursor: Option<String>,
}

/// A node with its cursor.
#[derive(SimpleObject)]
#[graphql(
    concrete(name = "RegionEdge", params(super::objects::RegionObject)),
    concrete(name = "DistrictEdge", params(super::objects::DistrictObject)),
    concrete(name = "MunicipalityEdge", params(super::objects::MunicipalityObject)),
    concrete(name = "TopicEdge", params(super::objects::TopicObject)),
    concrete(name = "OrganizationEdge", params(super::objects::OrganizationObject)),
    concrete(name = "LotseEdge", params(super::objects::LotseObject)),
    concrete(name = "ExpertEdge", params(super::objects::ExpertObject)),
    concrete(name = "ProjectEdge", params(super::objects::ProjectObject)),
    concrete(name = "ConnectionRequestEdge", params(super::objects::ConnectionRequestObject)),
    concrete(name = "AuditEntryEdge", params(super::objects::account::AuditEntryObject))
)]
pub struct Edge<T: OutputType> {
    /// Opaque cursor; pass it as `after` to continue after this node.
    pub cursor: String,
    /// The node.
    pub node: T,
}

/// A page of a list in its order (a Relay cursor connection, forward only).
#[derive(SimpleObject)]
#[graphql(
    concrete(name = "RegionConnection", params(super::objects::RegionObject)),
    concrete(name = "DistrictConnection", params(super::objects::DistrictObject)),
    concrete(name = "MunicipalityConnection", params(super::objects::MunicipalityObject)),
    concrete(name = "TopicConnection", params(super::objects::TopicObject)),
    concrete(name = "OrganizationConnection", params(super::objects::OrganizationObject)),
    concrete(name = "LotseConnection", params(super::objects::LotseObject)),
    concrete(name = "ExpertConnection", params(super::objects::ExpertObject)),
    concrete(name = "ProjectConnection", params(super::objects::ProjectObject)),
    concrete(name = "ConnectionRequestConnection", params(super::objects::ConnectionRequestObject)),
    concrete(name = "AuditEntryConnection", params(super::objects::account::AuditEntryObject))
)]
pub struct IdConnection<T: OutputType>
where
    Edge<T>: OutputType,
{
    /// The nodes of this page with their cursors.
    pub edges: Vec<Edge<T>>,
    /// Where this page lies in the list.
    pub page_info: PageInfo,
    /// How many nodes the whole list holds, all pages together, as far as the caller may see
    /// them; counted without reading them.
    pub total_count: i32,
}

/// A page of `(cursor, node)` items.
pub(super) fn connection<T: OutputType>(items: Vec<(String, T)>, has_previous: bool, has_next: bool) -> IdConnection<T>
where
    Edge<T>: OutputType,
{
    let edges: Vec<Edge<T>> = items.into_iter().map(|(cursor, node)| Edge { cursor, node }).collect();
    let page_info = PageInfo {
        has_previous_page: has_previous,
        has_next_page: has_next,
        start_cursor: edges.first().map(|e| e.cursor.clone()),
        end_cursor: edges.last().map(|e| e.cursor.clone()),
    };
    IdConnection { edges, page_info, total_count: 0 }
}

/// Counts a list with `count` when the query selects its `totalCount`.
pub(super) async fn total_count<'a>(
    ctx: &Context<'a>,
    count: impl FnOnce(&'a Services, &'a Viewer, &'a HashSet<Id>) -> Result<usize, ServiceError>,
) -> Result<i32> {
    if !ctx.look_ahead().field("totalCount").exists() {
        return Ok(0);
    }
    let total = count(services(ctx)?, viewer(ctx)?, contacts(ctx).await?)?;
    Ok(i32::try_from(total).unwrap_or(i32::MAX))
}

/// A page of a nested list whose ids are known, in id order.
pub async fn paginate<E, O>(
    ctx: &Context<'_>,
    mut ids: Vec<Id>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<IdConnection<O>>
where
    E: Entity,
    O: From<E> + OutputType,
    Edge<O>: OutputType,
{
    let args = PageArgs::parse(first, after)?;
    ids.sort();
    ids.dedup();
    let start = args.after.as_ref().map_or(0, |a| ids.partition_point(|id| id <= a));
    let end = (start + args.first).min(ids.len());
    let nodes = load_many::<E>(ctx, &ids[start..end]).await?;
    let items = nodes.into_iter().map(|e| (e.id().to_string(), O::from(e))).collect();
    let total =
        total_count(ctx, |services, viewer, contacts| services.count_ids(viewer, contacts, E::KIND, &ids)).await?;
    Ok(IdConnection { total_count: total, ..connection(items, start > 0, end < ids.len()) })
}

/// Creates a node (through the service, which checks who may).
pub async fn create<E: Entity>(ctx: &Context<'_>, node: E) -> Result<E> {
    Ok(services(ctx)?.create(viewer(ctx)?, node).await?)
}

/// The current version of a node a mutation is about to change; NOT_FOUND when it is
/// missing or the caller may not see it.
pub async fn editable<E: Entity>(ctx: &Context<'_>, id: &ID) -> Result<E> {
    Ok(services(ctx)?.editable(viewer(ctx)?, &parse_id("id", id)?).await?)
}

/// Replaces a node with its changed version.
pub async fn update<E: Entity>(ctx: &Context<'_>, node: E) -> Result<E> {
    Ok(services(ctx)?.update(viewer(ctx)?, node).await?)
}

/// Deletes a node of a kind; returns its id.
pub async fn delete(ctx: &Context<'_>, kind: NodeKind, id: ID) -> Result<ID> {
    services(ctx)?.delete(viewer(ctx)?, kind, &parse_id("id", &id)?).await?;
    Ok(id)
}

/// Checks a `first` argument of a recommendation list.
pub fn recommendation_count(first: Option<i32>) -> Result<usize> {
    Ok(PageArgs::parse(first.or(Some(10)), None)?.first)
}

/// The area of a `within` filter.
pub fn within(area: Option<&ID>) -> Result<Option<Id>> {
    area.map(|a| parse_id("within", a)).transpose()
}

pub fn name(field: &str, raw: &str) -> Result<Name> {
    Name::parse_field(field, raw).map_err(invalid)
}

pub fn optional_id(field: &str, id: Option<&ID>) -> Result<Option<Id>> {
    id.map(|i| parse_id(field, i)).transpose()
}

/// Applies a `MaybeUndefined` update to an optional field.
pub fn patch<T>(field: &mut Option<T>, update: MaybeUndefined<T>) {
    match update {
        MaybeUndefined::Undefined => {}
        MaybeUndefined::Null => *field = None,
        MaybeUndefined::Value(v) => *field = Some(v),
    }
}

/// A `MaybeUndefined` input converted with a fallible parser.
pub fn parse_patch<R, T>(update: MaybeUndefined<R>, parse: impl FnOnce(R) -> Result<T>) -> Result<MaybeUndefined<T>> {
    Ok(match update {
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Value(v) => MaybeUndefined::Value(parse(v)?),
    })
}
