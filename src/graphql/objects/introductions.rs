//! Introduction paths: who can introduce the signed-in Lotse to another.

use async_graphql::{Context, Enum, ID, Object, Result};

use crate::domain::*;
use crate::graph::paths::{self, Via};
use crate::graphql::objects::{LotseObject, ProjectObject};
use crate::graphql::support::*;

/// How two Lotsen on a path know each other.
#[derive(Enum, Clone, Copy, PartialEq, Eq)]
pub enum IntroductionVia {
    /// They are accepted contacts.
    Contact,
    /// They work on the same project.
    Project,
}

async fn lotse(ctx: &Context<'_>, id: &Id) -> Result<LotseObject> {
    match services(ctx)?.ranked_nodes(NodeKind::Lotse, std::slice::from_ref(id))?.pop() {
        Some(Node::Lotse(l)) => Ok(l.into()),
        _ => Ok(load_required::<Lotse>(ctx, id).await?.into()),
    }
}

/// One step of an introduction path.
pub struct IntroductionStep(paths::Step);

/// One step of an introduction path.
#[Object]
impl IntroductionStep {
    /// The Lotse the step starts at.
    async fn from(&self, ctx: &Context<'_>) -> Result<LotseObject> {
        lotse(ctx, &self.0.from).await
    }
    /// The Lotse the step leads to.
    async fn to(&self, ctx: &Context<'_>) -> Result<LotseObject> {
        lotse(ctx, &self.0.to).await
    }
    /// How the two know each other.
    async fn via(&self) -> IntroductionVia {
        match self.0.via {
            Via::Contact => IntroductionVia::Contact,
            Via::Project { .. } => IntroductionVia::Project,
        }
    }
    /// The project they share, when `via` is `PROJECT`.
    async fn project(&self, ctx: &Context<'_>) -> Result<Option<ProjectObject>> {
        match &self.0.via {
            Via::Project { id, .. } => Ok(Some(load_required::<Project>(ctx, id).await?.into())),
            Via::Contact => Ok(None),
        }
    }
    /// How well they know each other, 0 to 1: 1 for contacts, less for co-members of bigger
    /// projects.
    async fn strength(&self) -> f64 {
        self.0.strength
    }
    /// The reason as a German clause, e.g. "Sie kennen Anna Weber aus dem Projekt „…“".
    async fn text(&self) -> &str {
        &self.0.text
    }
}

/// A chain of people from the signed-in Lotse to another.
pub struct IntroductionPath(paths::IntroductionPath);

/// A chain of people from the signed-in Lotse to another.
#[Object]
impl IntroductionPath {
    /// Number of steps, 1 to 3.
    async fn hops(&self) -> usize {
        self.0.steps.len()
    }
    /// Product of the steps' strengths; paths are ordered by it.
    async fn strength(&self) -> f64 {
        self.0.strength
    }
    /// The reasons as one German sentence.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// The steps, from the signed-in Lotse to the target.
    async fn steps(&self) -> Vec<IntroductionStep> {
        self.0.steps.iter().cloned().map(IntroductionStep).collect()
    }
}

#[derive(Default)]
pub struct IntroductionQuery;

#[Object]
impl IntroductionQuery {
    /// The shortest chains (at most 3 steps) from the signed-in Lotse to `toLotseId` through
    /// accepted contacts and project co-members, strongest first; only people the caller may
    /// see and who are not hidden stand in them. A target the caller may not see is
    /// `NOT_FOUND`. For Lotsen only. `first` at most 100.
    async fn introduction_paths(
        &self,
        ctx: &Context<'_>,
        to_lotse_id: ID,
        first: Option<i32>,
    ) -> Result<Vec<IntroductionPath>> {
        let first = recommendation_count(first)?;
        let to = parse_id("toLotseId", &to_lotse_id)?;
        let found = services(ctx)?.introduction_paths(viewer(ctx)?, &to, first)?;
        Ok(found.into_iter().map(IntroductionPath).collect())
    }
}
