//! Projects and who works on them.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::NaiveDate;

use crate::domain::*;
use crate::graphql::errors::bad_input;
use crate::graphql::lists::{ListArgs, Order, ProjectOrderField, list};
use crate::graphql::objects::invitations::invitations_to;
use crate::graphql::objects::{LotseObject, MunicipalityObject, ProjectInvitationObject, TopicObject, people::topics};
use crate::graphql::support::*;
use crate::store::{ListFilter, Rel};

/// A digitalisation project of a municipality.
pub struct ProjectObject(pub Project);

impl From<Project> for ProjectObject {
    fn from(p: Project) -> Self {
        Self(p)
    }
}

/// A Lotse working on a project.
#[derive(SimpleObject)]
pub struct ProjectMember {
    /// The Lotse.
    pub lotse: LotseObject,
    /// Their role in the project.
    pub role: ProjectRole,
}

/// A digitalisation project of a municipality.
#[Object(name = "Project")]
impl ProjectObject {
    /// Stable identifier.
    pub async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }
    /// When the node was last written through the API; `null` for nodes loaded otherwise
    /// (imports from the command line, the demo network).
    async fn updated_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.updated_at
    }
    /// Title, e.g. "Einführung der E-Akte im Bauamt".
    async fn title(&self) -> &str {
        self.0.title.as_str()
    }
    /// What the project does and what others can reuse.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_ref().map(Text::as_str)
    }
    /// Stage of the project.
    async fn status(&self) -> ProjectStatus {
        self.0.status
    }
    /// Day the project started or starts.
    async fn start_date(&self) -> Option<NaiveDate> {
        self.0.start_date
    }
    /// Day the project ended or is planned to end.
    async fn end_date(&self) -> Option<NaiveDate> {
        self.0.end_date
    }
    /// The municipality that owns the project.
    async fn municipality(&self, ctx: &Context<'_>) -> Result<MunicipalityObject> {
        Ok(load_required::<Municipality>(ctx, &self.0.municipality).await?.into())
    }
    /// Topics the project is about.
    async fn topics(&self, ctx: &Context<'_>) -> Result<Vec<TopicObject>> {
        topics(ctx, &self.0.topics).await
    }
    /// Lotsen working on the project, with their roles.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<ProjectMember>> {
        let ids: Vec<Id> = self.0.members.iter().map(|m| m.lotse.clone()).collect();
        let lotsen = load_many::<Lotse>(ctx, &ids).await?;
        Ok(lotsen
            .into_iter()
            .filter_map(|l| {
                let role = self.0.members.iter().find(|m| m.lotse == l.id)?.role;
                Some(ProjectMember { lotse: l.into(), role })
            })
            .collect())
    }
    /// Invitations to work on the project, in id order (only those of one status when
    /// `status` is given): its members and admins see all, other Lotsen their own.
    async fn invitations(
        &self,
        ctx: &Context<'_>,
        status: Option<InvitationStatus>,
    ) -> Result<Vec<ProjectInvitationObject>> {
        invitations_to(ctx, &self.0, status).await
    }
}

/// Which projects to list.
#[derive(InputObject, Default)]
pub struct ProjectFilter {
    /// Only projects of this municipality.
    pub municipality_id: Option<ID>,
    /// Only projects of municipalities in this region or district.
    pub within: Option<ID>,
    /// Only projects about this topic.
    pub topic_id: Option<ID>,
    /// Only projects this Lotse works on.
    pub member_id: Option<ID>,
    /// Only projects in this stage.
    pub status: Option<ProjectStatus>,
    /// Only projects whose title contains this text (case-insensitive).
    pub title_contains: Option<String>,
}

#[derive(Default)]
pub struct ProjectQuery;

#[Object]
impl ProjectQuery {
    /// A project by id.
    async fn project(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ProjectObject>> {
        Ok(load::<Project>(ctx, &parse_id("id", &id)?).await?.map(Into::into))
    }
    /// Projects, filtered, by id unless `orderBy` says otherwise; `first` at most 100.
    async fn projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ProjectFilter>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only nodes written through the API at or after this time (see `updatedAt`).")]
        changed_since: Option<chrono::DateTime<chrono::Utc>>,
        #[graphql(desc = "The order of the list: by `field`, then by id; by id when left out.")] order_by: Option<
            Order<ProjectOrderField>,
        >,
    ) -> Result<IdConnection<ProjectObject>> {
        let filter = filter.unwrap_or_default();
        let mut edges = Vec::new();
        for (rel, field, id) in [
            (Rel::About, "topicId", &filter.topic_id),
            (Rel::OwnedBy, "municipalityId", &filter.municipality_id),
            (Rel::HasMember, "memberId", &filter.member_id),
        ] {
            if let Some(id) = id {
                edges.push((rel, parse_id(field, id)?));
            }
        }
        let store_filter = ListFilter {
            edges,
            within: within(filter.within.as_ref())?,
            text: filter.title_contains,
            status: filter.status,
            ..Default::default()
        };
        list::<Project, _>(ctx, store_filter, ListArgs::new(first, after, changed_since, order_by)).await
    }
}

/// A Lotse on a new project.
#[derive(InputObject)]
pub struct MemberInput {
    /// The Lotse.
    pub lotse_id: ID,
    /// Their role.
    #[graphql(default_with = "ProjectRole::Member")]
    pub role: ProjectRole,
}

/// A new project.
#[derive(InputObject)]
pub struct CreateProjectInput {
    /// Identifier; generated when left out.
    pub id: Option<ID>,
    /// Title.
    pub title: String,
    /// What the project does.
    pub description: Option<String>,
    /// The owning municipality.
    pub municipality_id: ID,
    /// Topics, at least one.
    pub topic_ids: Vec<ID>,
    /// Lotsen working on the project.
    #[graphql(default)]
    pub members: Vec<MemberInput>,
    /// Stage.
    #[graphql(default_with = "ProjectStatus::Active")]
    pub status: ProjectStatus,
    /// Start day.
    pub start_date: Option<NaiveDate>,
    /// End day; not before the start day.
    pub end_date: Option<NaiveDate>,
}

/// Changes to a project; fields left out stay as they are, `null` clears an optional field.
/// Members change through `addProjectMember` and `removeProjectMember`.
#[derive(InputObject)]
pub struct UpdateProjectInput {
    /// New title.
    pub title: Option<String>,
    /// New description; `null` removes it.
    pub description: MaybeUndefined<String>,
    /// New municipality.
    pub municipality_id: Option<ID>,
    /// Replaces the topics; at least one.
    pub topic_ids: Option<Vec<ID>>,
    /// New stage.
    pub status: Option<ProjectStatus>,
    /// New start day; `null` removes it.
    pub start_date: MaybeUndefined<NaiveDate>,
    /// New end day; `null` removes it.
    pub end_date: MaybeUndefined<NaiveDate>,
}

fn project_topics(ids: &[ID]) -> Result<Vec<Id>> {
    if ids.is_empty() {
        return Err(bad_input("topicIds", "a project needs at least one topic"));
    }
    parse_ids("topicIds", ids)
}

fn description(raw: &str) -> Result<Text> {
    Text::parse_field("description", raw).map_err(invalid)
}

fn check_dates(project: &Project) -> Result<()> {
    match (project.start_date, project.end_date) {
        (Some(start), Some(end)) if end < start => Err(bad_input("endDate", "must not be before startDate")),
        _ => Ok(()),
    }
}

#[derive(Default)]
pub struct ProjectMutation;

#[Object]
impl ProjectMutation {
    /// Creates a project. A Lotse who creates it works on it at once, as its lead unless they
    /// list themselves with another role; every other Lotse listed in `members` is invited and
    /// joins by accepting (see `myInvitations`). Admins and integrations add members directly.
    async fn create_project(&self, ctx: &Context<'_>, input: CreateProjectInput) -> Result<ProjectObject> {
        let mut members: Vec<Membership> = Vec::with_capacity(input.members.len());
        for m in &input.members {
            let lotse = parse_id("members", &m.lotse_id)?;
            if members.iter().any(|x| x.lotse == lotse) {
                return Err(bad_input("members", format!("'{lotse}' is listed twice")));
            }
            members.push(Membership { lotse, role: m.role });
        }
        let project = Project {
            id: new_id(ctx, NodeKind::Project, input.id.as_ref())?,
            title: name("title", &input.title)?,
            description: input.description.as_deref().map(description).transpose()?,
            municipality: parse_id("municipalityId", &input.municipality_id)?,
            topics: project_topics(&input.topic_ids)?,
            members,
            status: input.status,
            start_date: input.start_date,
            end_date: input.end_date,
            updated_at: None,
        };
        check_dates(&project)?;
        Ok(services(ctx)?.create_project(viewer(ctx)?, project).await?.into())
    }
    /// Changes a project.
    async fn update_project(&self, ctx: &Context<'_>, id: ID, input: UpdateProjectInput) -> Result<ProjectObject> {
        let mut project = editable::<Project>(ctx, &id).await?;
        if let Some(t) = &input.title {
            project.title = name("title", t)?;
        }
        patch(&mut project.description, parse_patch(input.description, |d| description(&d))?);
        if let Some(m) = &input.municipality_id {
            project.municipality = parse_id("municipalityId", m)?;
        }
        if let Some(topics) = &input.topic_ids {
            project.topics = project_topics(topics)?;
        }
        if let Some(status) = input.status {
            project.status = status;
        }
        patch(&mut project.start_date, input.start_date);
        patch(&mut project.end_date, input.end_date);
        check_dates(&project)?;
        Ok(update(ctx, project).await?.into())
    }
    /// Deletes a project with its memberships; returns the id.
    async fn delete_project(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        delete(ctx, NodeKind::Project, id).await
    }
    /// Adds a Lotse to a project, or changes the role of one who works on it. A Lotse leading
    /// the project invites someone who does not work on it yet instead (they join by
    /// accepting; see `Project.invitations`); admins and integrations add directly.
    async fn add_project_member(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        lotse_id: ID,
        #[graphql(default_with = "ProjectRole::Member")] role: ProjectRole,
    ) -> Result<ProjectObject> {
        let project = parse_id("projectId", &project_id)?;
        let lotse = parse_id("lotseId", &lotse_id)?;
        Ok(services(ctx)?.add_project_member(viewer(ctx)?, &project, lotse, role).await?.into())
    }
    /// Invites a Lotse to work on a project the calling Lotse leads; the invited Lotse accepts
    /// or declines. CONFLICT when they already work on it or have a pending invitation.
    async fn invite_to_project(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        lotse_id: ID,
        #[graphql(default_with = "ProjectRole::Member")] role: ProjectRole,
    ) -> Result<ProjectInvitationObject> {
        let project = parse_id("projectId", &project_id)?;
        let lotse = parse_id("lotseId", &lotse_id)?;
        Ok(services(ctx)?.invite(viewer(ctx)?, &project, lotse, role).await?.into())
    }
    /// Removes a Lotse from a project: the project's leads remove anyone, every Lotse
    /// themselves (see `leaveProject`).
    async fn remove_project_member(&self, ctx: &Context<'_>, project_id: ID, lotse_id: ID) -> Result<ProjectObject> {
        let project = parse_id("projectId", &project_id)?;
        let lotse = parse_id("lotseId", &lotse_id)?;
        Ok(services(ctx)?.remove_project_member(viewer(ctx)?, &project, lotse).await?.into())
    }
    /// The calling Lotse stops working on a project.
    async fn leave_project(&self, ctx: &Context<'_>, project_id: ID) -> Result<ProjectObject> {
        let project = parse_id("projectId", &project_id)?;
        let viewer = viewer(ctx)?;
        let Some(me) = viewer.lotse() else {
            return Err(bad_input("projectId", "only Lotsen leave projects; admins use removeProjectMember"));
        };
        Ok(services(ctx)?.remove_project_member(viewer, &project, me.clone()).await?.into())
    }
    /// Accepts a pending invitation: the calling Lotse works on the project in the role offered.
    async fn accept_project_invitation(&self, ctx: &Context<'_>, id: ID) -> Result<ProjectInvitationObject> {
        let id = parse_id("id", &id)?;
        Ok(services(ctx)?.respond_to_invitation(viewer(ctx)?, &id, true).await?.into())
    }
    /// Declines a pending invitation.
    async fn decline_project_invitation(&self, ctx: &Context<'_>, id: ID) -> Result<ProjectInvitationObject> {
        let id = parse_id("id", &id)?;
        Ok(services(ctx)?.respond_to_invitation(viewer(ctx)?, &id, false).await?.into())
    }
}
