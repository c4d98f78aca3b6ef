//! Matchmaking results: ranked, scored and explained.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use crate::domain::*;
use crate::graphql::errors::bad_input;
use crate::graphql::objects::{ExpertObject, LotseObject, MunicipalityObject, ProjectObject, TopicObject};
use crate::graphql::support::*;
use crate::matching::{self, Labelled, Ranked, ReasonCode};

/// One named part of a score; the score is the sum of the contributions.
#[derive(SimpleObject)]
pub struct ScoreComponent {
    /// Name of the component, e.g. "walk", "text", "network", "context".
    pub name: String,
    /// Weight of the component in the score.
    pub weight: f64,
    /// Value of the component, between 0 and 1.
    pub value: f64,
    /// weight × value.
    pub contribution: f64,
}

/// One reason for a recommendation.
#[derive(SimpleObject)]
pub struct Reason {
    /// Machine-readable reason.
    pub code: ReasonCode,
    /// The reason as a German sentence.
    pub text: String,
}

/// Why a candidate was recommended.
#[derive(SimpleObject)]
pub struct Explanation {
    /// All reasons as one German paragraph.
    pub summary: String,
    /// The reasons, most important first.
    pub reasons: Vec<Reason>,
}

fn components(components: &[matching::Component]) -> Vec<ScoreComponent> {
    components
        .iter()
        .map(|c| ScoreComponent {
            name: c.name.to_owned(),
            weight: c.weight,
            value: c.value,
            contribution: c.contribution(),
        })
        .collect()
}

fn explanation(e: &matching::Explanation) -> Explanation {
    Explanation {
        summary: e.summary.clone(),
        reasons: e.reasons.iter().map(|r| Reason { code: r.code, text: r.text.clone() }).collect(),
    }
}

async fn node<E: Entity, O: From<E>>(ctx: &Context<'_>, label: &Labelled) -> Result<O> {
    Ok(O::from(load_required::<E>(ctx, &label.id).await?))
}

/// The node a recommendation is about: read with the list when the query selects it, else
/// loaded now.
async fn preloaded<E: Entity + Clone, O: From<E>>(ctx: &Context<'_>, node: &Option<E>, label: &Labelled) -> Result<O> {
    match node {
        Some(node) => Ok(O::from(node.clone())),
        None => self::node::<E, O>(ctx, label).await,
    }
}

/// Recommendations with the nodes they are about, read in one call when the query selects
/// `field` of them.
async fn with_nodes<F, E: Entity, R>(
    ctx: &Context<'_>,
    field: &str,
    ranked: Vec<Ranked<F>>,
    about: impl Fn(&F) -> &Labelled,
    make: impl Fn(Ranked<F>, Option<E>) -> R,
) -> Result<Vec<R>> {
    let mut nodes = load_for_list::<E>(ctx, field, ranked.iter().map(|r| &about(&r.features).id)).await?;
    Ok(ranked
        .into_iter()
        .map(|r| {
            let node = nodes.remove(&about(&r.features).id);
            make(r, node)
        })
        .collect())
}

async fn nodes<E: Entity, O: From<E>>(ctx: &Context<'_>, labels: &[Labelled]) -> Result<Vec<O>> {
    let ids: Vec<Id> = labels.iter().map(|l| l.id.clone()).collect();
    Ok(load_many::<E>(ctx, &ids).await?.into_iter().map(O::from).collect())
}

/// A topic both sides share, with how rare it is in the network.
pub struct SharedTopic(matching::SharedTopic);

/// A topic both sides share, with how rare it is in the network.
#[Object]
impl SharedTopic {
    /// The topic.
    async fn topic(&self, ctx: &Context<'_>) -> Result<TopicObject> {
        node::<Topic, _>(ctx, &self.0.topic).await
    }
    /// ln(1 + projects / projects about the topic): higher for rarer topics.
    async fn rarity(&self) -> f64 {
        self.0.rarity
    }
}

fn shared(topics: &[matching::SharedTopic]) -> Vec<SharedTopic> {
    topics.iter().cloned().map(SharedTopic).collect()
}

/// One of my projects and a similar project of the peer.
pub struct ProjectPair(matching::ProjectPair);

/// One of my projects and a similar project of the peer.
#[Object]
impl ProjectPair {
    /// My project.
    async fn mine(&self, ctx: &Context<'_>) -> Result<ProjectObject> {
        node::<Project, _>(ctx, &self.0.mine).await
    }
    /// The peer's project.
    async fn theirs(&self, ctx: &Context<'_>) -> Result<ProjectObject> {
        node::<Project, _>(ctx, &self.0.theirs).await
    }
    /// Cosine similarity of the rarity-weighted topic vectors, 0 to 1.
    async fn similarity(&self) -> f64 {
        self.0.similarity
    }
}

/// A Lotse in another municipality worth meeting, and why.
pub struct PeerRecommendation(Ranked<matching::PeerFeatures>, Option<Lotse>);

/// A Lotse in another municipality worth meeting, and why.
#[Object]
impl PeerRecommendation {
    /// The recommended Lotse.
    async fn lotse(&self, ctx: &Context<'_>) -> Result<LotseObject> {
        preloaded(ctx, &self.1, &self.0.features.lotse).await
    }
    /// Score between 0 and 1; results are ordered by it, ties by id.
    async fn score(&self) -> f64 {
        self.0.score
    }
    /// The parts of the score: walk, text, network, context.
    async fn components(&self) -> Vec<ScoreComponent> {
        components(&self.0.components)
    }
    /// Topics both work on or know, rarest first.
    async fn shared_topics(&self) -> Vec<SharedTopic> {
        shared(&self.0.features.shared_topics)
    }
    /// The most similar pairs of projects, most similar first.
    async fn similar_projects(&self) -> Vec<ProjectPair> {
        self.0.features.project_pairs.iter().cloned().map(ProjectPair).collect()
    }
    /// Lotsen connected to both.
    async fn mutual_contacts(&self, ctx: &Context<'_>) -> Result<Vec<LotseObject>> {
        nodes::<Lotse, _>(ctx, &self.0.features.mutual_contacts).await
    }
    /// Lotsen who work on projects with both.
    async fn mutual_collaborators(&self, ctx: &Context<'_>) -> Result<Vec<LotseObject>> {
        nodes::<Lotse, _>(ctx, &self.0.features.mutual_collaborators).await
    }
    /// Distance between the two municipalities in km, when both locations are known.
    async fn distance_km(&self) -> Option<f64> {
        self.0.features.distance_km
    }
    /// Why this Lotse is recommended.
    async fn explanation(&self) -> Explanation {
        explanation(&self.0.explanation)
    }
}

/// A project in another municipality that resembles a given one.
pub struct ProjectRecommendation(Ranked<matching::ProjectFeatures>, Option<Project>);

/// A project in another municipality that resembles a given one.
#[Object]
impl ProjectRecommendation {
    /// The similar project.
    async fn project(&self, ctx: &Context<'_>) -> Result<ProjectObject> {
        preloaded(ctx, &self.1, &self.0.features.project).await
    }
    /// Score between 0 and 1.
    async fn score(&self) -> f64 {
        self.0.score
    }
    /// The parts of the score: similarity, reusability, context.
    async fn components(&self) -> Vec<ScoreComponent> {
        components(&self.0.components)
    }
    /// Cosine similarity of the rarity-weighted topic vectors, 0 to 1.
    async fn similarity(&self) -> f64 {
        self.0.features.similarity
    }
    /// Topics both projects are about, rarest first.
    async fn shared_topics(&self) -> Vec<SharedTopic> {
        shared(&self.0.features.shared_topics)
    }
    /// Distance between the owning municipalities in km.
    async fn distance_km(&self) -> Option<f64> {
        self.0.features.distance_km
    }
    /// Why this project is recommended.
    async fn explanation(&self) -> Explanation {
        explanation(&self.0.explanation)
    }
}

/// An expert topic a municipality runs projects on without local competence.
pub struct TopicGap(matching::TopicGap);

/// An expert topic a municipality runs projects on without local competence.
#[Object]
impl TopicGap {
    /// The topic.
    async fn topic(&self, ctx: &Context<'_>) -> Result<TopicObject> {
        node::<Topic, _>(ctx, &self.0.topic).await
    }
    /// The municipality's projects on the topic.
    async fn projects(&self, ctx: &Context<'_>) -> Result<Vec<ProjectObject>> {
        nodes::<Project, _>(ctx, &self.0.projects).await
    }
}

/// A municipality that needs an expert's advice, and why.
pub struct AdviceRecommendation(Ranked<matching::AdviceFeatures>, Option<Municipality>);

/// A municipality that needs an expert's advice, and why.
#[Object]
impl AdviceRecommendation {
    /// The municipality.
    async fn municipality(&self, ctx: &Context<'_>) -> Result<MunicipalityObject> {
        preloaded(ctx, &self.1, &self.0.features.municipality).await
    }
    /// Score between 0 and 1.
    async fn score(&self) -> f64 {
        self.0.score
    }
    /// The parts of the score: need, uncovered, noLotse.
    async fn components(&self) -> Vec<ScoreComponent> {
        components(&self.0.components)
    }
    /// The expert's topics with projects but no competent local Lotse.
    async fn gaps(&self) -> Vec<TopicGap> {
        self.0.features.gaps.iter().cloned().map(TopicGap).collect()
    }
    /// The expert's topics with projects that a local Lotse knows.
    async fn covered_topics(&self, ctx: &Context<'_>) -> Result<Vec<TopicObject>> {
        nodes::<Topic, _>(ctx, &self.0.features.covered).await
    }
    /// Number of Lotsen working for the municipality.
    async fn lotse_count(&self) -> usize {
        self.0.features.lotse_count
    }
    /// Why the municipality needs advice.
    async fn explanation(&self) -> Explanation {
        explanation(&self.0.explanation)
    }
}

/// An expert for a municipality or project, and why.
pub struct ExpertRecommendation(Ranked<matching::ExpertFeatures>, Option<Expert>);

/// An expert for a municipality or project, and why.
#[Object]
impl ExpertRecommendation {
    /// The expert.
    async fn expert(&self, ctx: &Context<'_>) -> Result<ExpertObject> {
        preloaded(ctx, &self.1, &self.0.features.expert).await
    }
    /// Score between 0 and 1.
    async fn score(&self) -> f64 {
        self.0.score
    }
    /// The parts of the score: coverage, servesRegion.
    async fn components(&self) -> Vec<ScoreComponent> {
        components(&self.0.components)
    }
    /// Needed topics the expert covers, rarest first.
    async fn shared_topics(&self) -> Vec<SharedTopic> {
        shared(&self.0.features.shared_topics)
    }
    /// Whether the expert serves the municipality's district or region.
    async fn serves_region(&self) -> bool {
        self.0.features.serves_target
    }
    /// Why the expert is recommended.
    async fn explanation(&self) -> Explanation {
        explanation(&self.0.explanation)
    }
}

/// Restricts the peers recommended.
#[derive(InputObject, Default)]
pub struct PeerFilter {
    /// Only peers whose municipality lies in this region or district.
    pub within: Option<ID>,
    /// Only peers at most this many km away.
    pub max_distance_km: Option<f64>,
    /// Only peers from municipalities with at least this many inhabitants.
    pub population_min: Option<u32>,
    /// Only peers from municipalities with at most this many inhabitants.
    pub population_max: Option<u32>,
}

impl PeerFilter {
    fn parse(self) -> Result<matching::PeerFilter> {
        if self.max_distance_km.is_some_and(|d| !d.is_finite() || d < 0.0) {
            return Err(bad_input("maxDistanceKm", "must be a non-negative number"));
        }
        if let (Some(min), Some(max)) = (self.population_min, self.population_max)
            && min > max
        {
            return Err(bad_input("populationMin", "must not exceed populationMax"));
        }
        Ok(matching::PeerFilter {
            within: within(self.within.as_ref())?,
            max_distance_km: self.max_distance_km,
            population_min: self.population_min,
            population_max: self.population_max,
        })
    }
}

#[derive(Default)]
pub struct MatchQuery;

#[Object]
impl MatchQuery {
    /// Lotsen in other municipalities worth meeting, ranked by a random walk from the Lotse,
    /// the similarity of project texts, mutual links and, as a tie-break, the place (see
    /// README "Matchmaking"). Never the Lotse,
    /// their contacts, anyone with a pending request to or from them, nor — unless
    /// `includeCoMembers` — anyone already working on one of their projects. `first` at most 100.
    async fn recommend_peers(
        &self,
        ctx: &Context<'_>,
        lotse_id: ID,
        first: Option<i32>,
        filter: Option<PeerFilter>,
        #[graphql(default = false)] include_co_members: bool,
    ) -> Result<Vec<PeerRecommendation>> {
        let first = recommendation_count(first)?;
        let query = matching::PeerQuery {
            lotse: parse_id("lotseId", &lotse_id)?,
            filter: filter.unwrap_or_default().parse()?,
            limit: Some(first),
            include_co_members,
        };
        let ranked = services(ctx)?.recommend_peers(viewer(ctx)?, &query, first).await?;
        with_nodes(ctx, "lotse", ranked, |f| &f.lotse, PeerRecommendation).await
    }
    /// Projects in other municipalities like this one: who already did this, can we reuse it?
    /// Never a project one of this project's members works on. `first` at most 100.
    async fn similar_projects(
        &self,
        ctx: &Context<'_>,
        project_id: ID,
        first: Option<i32>,
    ) -> Result<Vec<ProjectRecommendation>> {
        let first = recommendation_count(first)?;
        let ranked = services(ctx)?.similar_projects(&parse_id("projectId", &project_id)?, first).await?;
        with_nodes(ctx, "project", ranked, |f| &f.project, ProjectRecommendation).await
    }
    /// Municipalities in the expert's area running projects on the expert's topics without a
    /// competent local Lotse, most in need first. `first` at most 100.
    async fn municipalities_to_advise(
        &self,
        ctx: &Context<'_>,
        expert_id: ID,
        first: Option<i32>,
    ) -> Result<Vec<AdviceRecommendation>> {
        let first = recommendation_count(first)?;
        let ranked =
            services(ctx)?.municipalities_to_advise(viewer(ctx)?, &parse_id("expertId", &expert_id)?, first).await?;
        with_nodes(ctx, "municipality", ranked, |f| &f.municipality, AdviceRecommendation).await
    }
    /// Experts for a municipality's projects or for one project; give exactly one of the ids.
    /// An expert asking is not among them. `first` at most 100.
    async fn experts_for(
        &self,
        ctx: &Context<'_>,
        municipality_id: Option<ID>,
        project_id: Option<ID>,
        first: Option<i32>,
    ) -> Result<Vec<ExpertRecommendation>> {
        let first = recommendation_count(first)?;
        let target = match (municipality_id, project_id) {
            (Some(m), None) => matching::ExpertTarget::Municipality(parse_id("municipalityId", &m)?),
            (None, Some(p)) => matching::ExpertTarget::Project(parse_id("projectId", &p)?),
            _ => return Err(bad_input("municipalityId", "give exactly one of municipalityId and projectId")),
        };
        let ranked = services(ctx)?.experts_for(viewer(ctx)?, target, first).await?;
        with_nodes(ctx, "expert", ranked, |f| &f.expert, ExpertRecommendation).await
    }
}
