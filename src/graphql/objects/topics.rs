//! Topics of municipal digitalisation and the organizations experts belong to.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};

use crate::domain::*;
use crate::graphql::lists::{ListArgs, NameOrderField, Order, list};
use crate::graphql::objects::{ExpertObject, LotseObject, ProjectObject};
use crate::graphql::support::*;
use crate::store::{ListFilter, Rel};

/// A subject of municipal digitalisation, e.g. E-Akte or Breitband; topics form a taxonomy.
pub struct TopicObject(pub Topic);

impl From<Topic> for TopicObject {
    fn from(t: Topic) -> Self {
        Self(t)
    }
}

/// A subject of municipal digitalisation, e.g. E-Akte or Breitband; topics form a taxonomy.
#[Object(name = "Topic")]
impl TopicObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// Name, e.g. "E-Akte".
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    /// The broader topic this one belongs to.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<TopicObject>> {
        match &self.0.parent {
            Some(id) => Ok(Some(load_required::<Topic>(ctx, id).await?.into())),
            None => Ok(None),
        }
    }
    /// Narrower topics.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<TopicObject>> {
        let ids = load_incoming(ctx, NodeKind::Topic, Rel::Broader, &self.0.id).await?;
        Ok(load_many::<Topic>(ctx, &ids).await?.into_iter().map(Into::into).collect())
    }
    /// Projects about this topic, by id.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<IdConnection<ProjectObject>> {
        let ids = load_incoming(ctx, NodeKind::Project, Rel::About, &self.0.id).await?;
        paginate::<Project, _>(ctx, ids, first, after).await
    }
    /// Lotsen competent in this topic, by id.
    async fn lotsen(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<IdConnection<LotseObject>> {
        let ids = load_incoming(ctx, NodeKind::Lotse, Rel::KnowsAbout, &self.0.id).await?;
        paginate::<Lotse, _>(ctx, ids, first, after).await
    }
    /// Experts in this topic, by id.
    async fn experts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<IdConnection<ExpertObject>> {
        let ids = load_incoming(ctx, NodeKind::Expert, Rel::ExpertIn, &self.0.id).await?;
        paginate::<Expert, _>(ctx, ids, first, after).await
    }
}

/// An institution experts belong to, e.g. a KIC@bw partner.
pub struct OrganizationObject(pub Organization);

impl From<Organization> for OrganizationObject {
    fn from(o: Organization) -> Self {
        Self(o)
    }
}

/// An institution experts belong to, e.g. a KIC@bw partner.
#[Object(name = "Organization")]
impl OrganizationObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// Name, e.g. "Fraunhofer IAO".
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    /// Experts of the organization, by id.
    async fn experts(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<IdConnection<ExpertObject>> {
        let ids = load_incoming(ctx, NodeKind::Expert, Rel::MemberOf, &self.0.id).await?;
        paginate::<Expert, _>(ctx, ids, first, after).await
    }
}

/// Which topics to list.
#[derive(InputObject, Default)]
pub struct TopicFilter {
    /// Only direct children of this topic.
    pub parent_id: Option<ID>,
    /// Only topics whose name contains this text (case-insensitive).
    pub name_contains: Option<String>,
}

/// Which organizations to list.
#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// Only organizations whose name contains this text (case-insensitive).
    pub name_contains: Option<String>,
}

#[derive(Default)]
pub struct TopicQuery;

#[Object]
impl TopicQuery {
    /// A topic by id.
    async fn topic(&self, ctx: &Context<'_>, id: ID) -> Result<Option<TopicObject>> {
        Ok(load::<Topic>(ctx, &parse_id("id", &id)?).await?.map(Into::into))
    }
    /// Topics, filtered, by id unless `orderBy` says otherwise; `first` at most 100.
    async fn topics(
        &self,
        ctx: &Context<'_>,
        filter: Option<TopicFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<NameOrderField>,
        >,
    ) -> Result<IdConnection<TopicObject>> {
        let filter = filter.unwrap_or_default();
        let edges =
            optional_id("parentId", filter.parent_id.as_ref())?.map(|p| (Rel::Broader, p)).into_iter().collect();
        list::<Topic, _>(
            ctx,
            ListFilter { edges, text: filter.name_contains, ..Default::default() },
            ListArgs::new(first, after, changed_since, order_by),
        )
        .await
    }
    /// An organization by id.
    async fn organization(&self, ctx: &Context<'_>, id: ID) -> Result<Option<OrganizationObject>> {
        Ok(load::<Organization>(ctx, &parse_id("id", &id)?).await?.map(Into::into))
    }
    /// Organizations, filtered, by id unless `orderBy` says otherwise; `first` at most 100.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        filter: Option<OrganizationFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<NameOrderField>,
        >,
    ) -> Result<IdConnection<OrganizationObject>> {
        let filter = filter.unwrap_or_default();
        list::<Organization, _>(
            ctx,
            ListFilter { text: filter.name_contains, ..Default::default() },
            ListArgs::new(first, after, changed_since, order_by),
        )
        .await
    }
}

/// A new topic.
#[derive(InputObject)]
pub struct CreateTopicInput {
    /// Identifier; generated when left out.
    pub id: Option<ID>,
    /// Name.
    pub name: String,
    /// Broader topic.
    pub parent_id: Option<ID>,
}

/// Changes to a topic; fields left out stay as they are, `null` clears the parent.
#[derive(InputObject)]
pub struct UpdateTopicInput {
    /// New name.
    pub name: Option<String>,
    /// New parent; `null` removes it.
    pub parent_id: MaybeUndefined<ID>,
}

/// A new organization.
#[derive(InputObject)]
pub struct CreateOrganizationInput {
    /// Identifier; generated when left out.
    pub id: Option<ID>,
    /// Name.
    pub name: String,
}

/// Changes to an organization.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// New name.
    pub name: Option<String>,
}

#[derive(Default)]
pub struct TopicMutation;

#[Object]
impl TopicMutation {
    /// Creates a topic.
    async fn create_topic(&self, ctx: &Context<'_>, input: CreateTopicInput) -> Result<TopicObject> {
        let topic = Topic {
            id: new_id(ctx, NodeKind::Topic, input.id.as_ref())?,
            name: name("name", &input.name)?,
            parent: optional_id("parentId", input.parent_id.as_ref())?,
            updated_at: None,
        };
        Ok(create(ctx, topic).await?.into())
    }
    /// Changes a topic.
    async fn update_topic(&self, ctx: &Context<'_>, id: ID, input: UpdateTopicInput) -> Result<TopicObject> {
        let mut topic = editable::<Topic>(ctx, &id).await?;
        if let Some(n) = &input.name {
            topic.name = name("name", n)?;
        }
        patch(&mut topic.parent, parse_patch(input.parent_id, |p| parse_id("parentId", &p))?);
        Ok(update(ctx, topic).await?.into())
    }
    /// Deletes a topic no project, Lotse, expert or narrower topic refers to; returns its id.
    async fn delete_topic(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        delete(ctx, NodeKind::Topic, id).await
    }
    /// Creates an organization.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        input: CreateOrganizationInput,
    ) -> Result<OrganizationObject> {
        let organization = Organization {
            id: new_id(ctx, NodeKind::Organization, input.id.as_ref())?,
            name: name("name", &input.name)?,
            updated_at: None,
        };
        Ok(create(ctx, organization).await?.into())
    }
    /// Changes an organization.
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        id: ID,
        input: UpdateOrganizationInput,
    ) -> Result<OrganizationObject> {
        let mut organization = editable::<Organization>(ctx, &id).await?;
        if let Some(n) = &input.name {
            organization.name = name("name", n)?;
        }
        Ok(update(ctx, organization).await?.into())
    }
    /// Deletes an organization without experts; returns its id.
    async fn delete_organization(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        delete(ctx, NodeKind::Organization, id).await
    }
}
