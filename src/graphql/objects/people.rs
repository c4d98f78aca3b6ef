//! Lotsen and experts: the people of the network.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject, Union};

use crate::domain::*;
use crate::graphql::errors::forbidden;
use crate::graphql::lists::{ListArgs, NameOrderField, Order, list};
use crate::graphql::objects::{
    ConnectionRequestObject, DistrictObject, MunicipalityObject, OrganizationObject, ProjectObject, RegionObject,
    TopicObject,
};
use crate::graphql::support::*;
use crate::store::{ListFilter, Rel};

/// A Kommunale:r Digitallotse: a municipal employee trained to drive digitalisation.
pub struct LotseObject(pub Lotse);

impl From<Lotse> for LotseObject {
    fn from(l: Lotse) -> Self {
        Self(l)
    }
}

/// A Lotse's part in a project.
#[derive(SimpleObject)]
pub struct ProjectMembership {
    /// The project.
    pub project: ProjectObject,
    /// The Lotse's role in it.
    pub role: ProjectRole,
}

pub async fn topics(ctx: &Context<'_>, ids: &[Id]) -> Result<Vec<TopicObject>> {
    Ok(load_many::<Topic>(ctx, ids).await?.into_iter().map(Into::into).collect())
}

/// A Kommunale:r Digitallotse: a municipal employee trained to drive digitalisation.
#[Object(name = "Lotse")]
impl LotseObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// Full name.
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    /// Job title in the town hall, e.g. "Hauptamtsleiterin".
    async fn position(&self) -> Option<&str> {
        self.0.position.as_ref().map(Name::as_str)
    }
    /// E-mail address; only for the Lotse, their accepted contacts and admins, else null.
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(if may_see_contact_data(ctx, &self.0.id).await? { self.0.email.as_ref().map(Email::as_str) } else { None })
    }
    /// Telephone number; only for the Lotse, their accepted contacts and admins, else null.
    async fn phone(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        Ok(if may_see_contact_data(ctx, &self.0.id).await? { self.0.phone.as_ref().map(Phone::as_str) } else { None })
    }
    /// Who may find this Lotse.
    async fn visibility(&self) -> Visibility {
        self.0.visibility
    }
    /// The municipality the Lotse works for.
    async fn municipality(&self, ctx: &Context<'_>) -> Result<MunicipalityObject> {
        Ok(load_required::<Municipality>(ctx, &self.0.municipality).await?.into())
    }
    /// Topics the Lotse is competent in.
    async fn topics(&self, ctx: &Context<'_>) -> Result<Vec<TopicObject>> {
        topics(ctx, &self.0.topics).await
    }
    /// Projects the Lotse works on, with their role, by project id.
    async fn projects(&self, ctx: &Context<'_>) -> Result<Vec<ProjectMembership>> {
        let ids = load_incoming(ctx, NodeKind::Project, Rel::HasMember, &self.0.id).await?;
        let projects = load_many::<Project>(ctx, &ids).await?;
        Ok(projects
            .into_iter()
            .filter_map(|p| {
                let role = p.members.iter().find(|m| m.lotse == self.0.id)?.role;
                Some(ProjectMembership { project: p.into(), role })
            })
            .collect())
    }
    /// Lotsen with an accepted connection to this one; for the Lotse and admins.
    async fn contacts(&self, ctx: &Context<'_>) -> Result<Vec<LotseObject>> {
        own_data_only(ctx, &self.0.id)?;
        let requests = requests_of(ctx, &self.0.id).await?;
        let mut ids: Vec<Id> = requests
            .iter()
            .filter(|r| r.status == ConnectionStatus::Accepted)
            .map(|r| r.other(&self.0.id).clone())
            .collect();
        ids.sort();
        Ok(load_many::<Lotse>(ctx, &ids).await?.into_iter().map(Into::into).collect())
    }
    /// Connection requests sent or received by this Lotse, optionally only those in one state.
    async fn connection_requests(
        &self,
        ctx: &Context<'_>,
        status: Option<ConnectionStatus>,
    ) -> Result<Vec<ConnectionRequestObject>> {
        let requests = requests_of(ctx, &self.0.id).await?;
        Ok(requests.into_iter().filter(|r| status.is_none_or(|s| r.status == s)).map(Into::into).collect())
    }
}

async fn may_see_contact_data(ctx: &Context<'_>, lotse: &Id) -> Result<bool> {
    let viewer = viewer(ctx)?;
    let contacts = contacts(ctx).await?;
    Ok(crate::service::policy::may_see_contact_data(viewer, contacts, lotse))
}

/// Refuses a Lotse's personal lists to anyone but the Lotse and admins.
fn own_data_only(ctx: &Context<'_>, lotse: &Id) -> Result<()> {
    crate::service::policy::own_data(viewer(ctx)?, lotse).map_err(forbidden)
}

/// Connection requests sent or received by a Lotse, by id.
async fn requests_of(ctx: &Context<'_>, lotse: &Id) -> Result<Vec<ConnectionRequest>> {
    let mut ids = load_incoming(ctx, NodeKind::ConnectionRequest, Rel::RequestFrom, lotse).await?;
    ids.extend(load_incoming(ctx, NodeKind::ConnectionRequest, Rel::RequestTo, lotse).await?);
    ids.sort();
    load_many::<ConnectionRequest>(ctx, &ids).await
}

/// A region or district an expert serves.
#[derive(Union)]
pub enum Area {
    Region(RegionObject),
    District(DistrictObject),
}

/// A regional expert of the KIC@bw innovation centre or a partner.
pub struct ExpertObject(pub Expert);

impl From<Expert> for ExpertObject {
    fn from(e: Expert) -> Self {
        Self(e)
    }
}

/// A regional expert of the KIC@bw innovation centre or a partner.
#[Object(name = "Expert")]
impl ExpertObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// Full name.
    async fn name(&self) -> &str {
        self.0.name.as_str()
    }
    /// E-mail address.
    async fn email(&self) -> Option<&str> {
        self.0.email.as_ref().map(Email::as_str)
    }
    /// The organization the expert belongs to.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<OrganizationObject>> {
        match &self.0.organization {
            Some(id) => Ok(Some(load_required::<Organization>(ctx, id).await?.into())),
            None => Ok(None),
        }
    }
    /// Topics the expert advises on.
    async fn topics(&self, ctx: &Context<'_>) -> Result<Vec<TopicObject>> {
        topics(ctx, &self.0.topics).await
    }
    /// Regions and districts the expert serves.
    async fn serves(&self, ctx: &Context<'_>) -> Result<Vec<Area>> {
        let regions = load_many::<Region>(ctx, &self.0.serves).await?;
        let districts = load_many::<District>(ctx, &self.0.serves).await?;
        Ok(regions
            .into_iter()
            .map(|r| Area::Region(r.into()))
            .chain(districts.into_iter().map(|d| Area::District(d.into())))
            .collect())
    }
}

/// Which Lotsen to list.
#[derive(InputObject, Default)]
pub struct LotseFilter {
    /// Only Lotsen of this municipality.
    pub municipality_id: Option<ID>,
    /// Only Lotsen whose municipality lies in this region or district.
    pub within: Option<ID>,
    /// Only Lotsen competent in this topic.
    pub topic_id: Option<ID>,
    /// Only Lotsen whose name contains this text (case-insensitive).
    pub name_contains: Option<String>,
}

/// Which experts to list.
#[derive(InputObject, Default)]
pub struct ExpertFilter {
    /// Only experts of this organization.
    pub organization_id: Option<ID>,
    /// Only experts in this topic.
    pub topic_id: Option<ID>,
    /// Only experts serving this region or district directly.
    pub serves_id: Option<ID>,
    /// Only experts whose name contains this text (case-insensitive).
    pub name_contains: Option<String>,
}

fn edge_filters(filters: &[(Rel, &str, Option<&ID>)]) -> Result<Vec<(Rel, Id)>> {
    let mut edges = Vec::new();
    for (rel, field, id) in filters {
        if let Some(id) = id {
            edges.push((*rel, parse_id(field, id)?));
        }
    }
    Ok(edges)
}

#[derive(Default)]
pub struct PeopleQuery;

#[Object]
impl PeopleQuery {
    /// A Lotse by id.
    async fn lotse(&self, ctx: &Context<'_>, id: ID) -> Result<Option<LotseObject>> {
        Ok(load::<Lotse>(ctx, &parse_id("id", &id)?).await?.map(Into::into))
    }
    /// Lotsen, filtered, by id unless `orderBy` says otherwise; `first` at most 100.
    async fn lotsen(
        &self,
        ctx: &Context<'_>,
        filter: Option<LotseFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<NameOrderField>,
        >,
    ) -> Result<IdConnection<LotseObject>> {
        let filter = filter.unwrap_or_default();
        let edges = edge_filters(&[
            (Rel::WorksFor, "municipalityId", filter.municipality_id.as_ref()),
            (Rel::KnowsAbout, "topicId", filter.topic_id.as_ref()),
        ])?;
        let store_filter = ListFilter {
            edges,
            within: within(filter.within.as_ref())?,
            text: filter.name_contains,
            ..Default::default()
        };
        list::<Lotse, _>(ctx, store_filter, ListArgs::new(first, after, changed_since, order_by)).await
    }
    /// An expert by id.
    async fn expert(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ExpertObject>> {
        Ok(load::<Expert>(ctx, &parse_id("id", &id)?).await?.map(Into::into))
    }
    /// Experts, filtered, by id unless `orderBy` says otherwise; `first` at most 100.
    async fn experts(
        &self,
        ctx: &Context<'_>,
        filter: Option<ExpertFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<NameOrderField>,
        >,
    ) -> Result<IdConnection<ExpertObject>> {
        let filter = filter.unwrap_or_default();
        let edges = edge_filters(&[
            (Rel::MemberOf, "organizationId", filter.organization_id.as_ref()),
            (Rel::ExpertIn, "topicId", filter.topic_id.as_ref()),
            (Rel::Serves, "servesId", filter.serves_id.as_ref()),
        ])?;
        list::<Expert, _>(
            ctx,
            ListFilter { edges, text: filter.name_contains, ..Default::default() },
            ListArgs::new(first, after, changed_since, order_by),
        )
        .await
    }
}

/// A new Lotse.
#[derive(InputObject)]
pub struct CreateLotseInput {
    /// Identifier; generated when left out.
    pub id: Option<ID>,
    /// Full name.
    pub name: String,
    /// The municipality the Lotse works for.
    pub municipality_id: ID,
    /// Job title.
    pub position: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Telephone number.
    pub phone: Option<String>,
    /// Topics the Lotse is competent in.
    #[graphql(default)]
    pub topic_ids: Vec<ID>,
    /// Who may find the Lotse.
    #[graphql(default_with = "Visibility::Network")]
    pub visibility: Visibility,
}

/// Changes to a Lotse; fields left out stay as they are, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateLotseInput {
    /// New name.
    pub name: Option<String>,
    /// New municipality.
    pub municipality_id: Option<ID>,
    /// New job title; `null` removes it.
    pub position: MaybeUndefined<String>,
    /// New e-mail address; `null` removes it.
    pub email: MaybeUndefined<String>,
    /// New telephone number; `null` removes it.
    pub phone: MaybeUndefined<String>,
    /// Replaces the competences.
    pub topic_ids: Option<Vec<ID>>,
    /// New visibility.
    pub visibility: Option<Visibility>,
}

/// A new expert.
#[derive(InputObject)]
pub struct CreateExpertInput {
    /// Identifier; generated when left out.
    pub id: Option<ID>,
    /// Full name.
    pub name: String,
    /// E-mail address.
    pub email: Option<String>,
    /// Organization the expert belongs to.
    pub organization_id: Option<ID>,
    /// Topics the expert advises on.
    #[graphql(default)]
    pub topic_ids: Vec<ID>,
    /// Regions and districts the expert serves.
    #[graphql(default)]
    pub serves: Vec<ID>,
}

/// Changes to an expert; fields left out stay as they are, `null` clears an optional field.
#[derive(InputObject)]
pub struct UpdateExpertInput {
    /// New name.
    pub name: Option<String>,
    /// New e-mail address; `null` removes it.
    pub email: MaybeUndefined<String>,
    /// New organization; `null` removes it.
    pub organization_id: MaybeUndefined<ID>,
    /// Replaces the topics.
    pub topic_ids: Option<Vec<ID>>,
    /// Replaces the regions and districts served.
    pub serves: Option<Vec<ID>>,
}

fn email(raw: &str) -> Result<Email> {
    Email::parse_field("email", raw).map_err(invalid)
}

fn phone(raw: &str) -> Result<Phone> {
    Phone::parse_field("phone", raw).map_err(invalid)
}

#[derive(Default)]
pub struct PeopleMutation;

#[Object]
impl PeopleMutation {
    /// Registers a Lotse.
    async fn create_lotse(&self, ctx: &Context<'_>, input: CreateLotseInput) -> Result<LotseObject> {
        let lotse = Lotse {
            id: new_id(ctx, NodeKind::Lotse, input.id.as_ref())?,
            name: name("name", &input.name)?,
            municipality: parse_id("municipalityId", &input.municipality_id)?,
            position: input.position.as_deref().map(|p| name("position", p)).transpose()?,
            email: input.email.as_deref().map(email).transpose()?,
            phone: input.phone.as_deref().map(phone).transpose()?,
            topics: parse_ids("topicIds", &input.topic_ids)?,
            visibility: input.visibility,
            updated_at: None,
        };
        Ok(create(ctx, lotse).await?.into())
    }
    /// Changes a Lotse's profile.
    async fn update_lotse(&self, ctx: &Context<'_>, id: ID, input: UpdateLotseInput) -> Result<LotseObject> {
        let mut lotse = editable::<Lotse>(ctx, &id).await?;
        if let Some(n) = &input.name {
            lotse.name = name("name", n)?;
        }
        if let Some(m) = &input.municipality_id {
            lotse.municipality = parse_id("municipalityId", m)?;
        }
        patch(&mut lotse.position, parse_patch(input.position, |p| name("position", &p))?);
        patch(&mut lotse.email, parse_patch(input.email, |e| email(&e))?);
        patch(&mut lotse.phone, parse_patch(input.phone, |p| phone(&p))?);
        if let Some(topics) = &input.topic_ids {
            lotse.topics = parse_ids("topicIds", topics)?;
        }
        if let Some(visibility) = input.visibility {
            lotse.visibility = visibility;
        }
        Ok(update(ctx, lotse).await?.into())
    }
    /// Deletes a Lotse with their memberships and connection requests; returns the id.
    async fn delete_lotse(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        delete(ctx, NodeKind::Lotse, id).await
    }
    /// Registers an expert.
    async fn create_expert(&self, ctx: &Context<'_>, input: CreateExpertInput) -> Result<ExpertObject> {
        let expert = Expert {
            id: new_id(ctx, NodeKind::Expert, input.id.as_ref())?,
            name: name("name", &input.name)?,
            email: input.email.as_deref().map(email).transpose()?,
            organization: optional_id("organizationId", input.organization_id.as_ref())?,
            topics: parse_ids("topicIds", &input.topic_ids)?,
            serves: parse_ids("serves", &input.serves)?,
            updated_at: None,
        };
        Ok(create(ctx, expert).await?.into())
    }
    /// Changes an expert's profile.
    async fn update_expert(&self, ctx: &Context<'_>, id: ID, input: UpdateExpertInput) -> Result<ExpertObject> {
        let mut expert = editable::<Expert>(ctx, &id).await?;
        if let Some(n) = &input.name {
            expert.name = name("name", n)?;
        }
        patch(&mut expert.email, parse_patch(input.email, |e| email(&e))?);
        patch(&mut expert.organization, parse_patch(input.organization_id, |o| parse_id("organizationId", &o))?);
        if let Some(topics) = &input.topic_ids {
            expert.topics = parse_ids("topicIds", topics)?;
        }
        if let Some(serves) = &input.serves {
            expert.serves = parse_ids("serves", serves)?;
        }
        Ok(update(ctx, expert).await?.into())
    }
    /// Deletes an expert; returns the id.
    async fn delete_expert(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        delete(ctx, NodeKind::Expert, id).await
    }
}
