//! Stage 1 of matchmaking on the in-memory graph: candidates with raw features.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::domain::{
    District, Expert, Id, Lotse, Municipality, NodeKind, Organization, PreparedCoordinates, Project, Region, Topic,
};
use crate::matching::*;
use crate::store::{Rel, StoreError, StoreResult};

use super::exclude::{excluded_experts, excluded_projects};
use super::index::MatchIndex;
use super::network::Graph;
use super::weights::{Sums, TopicWeights};

/// Topic rarities, computed once per request.
struct Rarity<'g> {
    graph: &'g Graph,
    cache: HashMap<&'g Id, f64>,
}

impl<'g> Rarity<'g> {
    fn new(graph: &'g Graph) -> Self {
        Self { graph, cache: HashMap::default() }
    }

    fn of(&mut self, topic: &'g Id) -> f64 {
        *self.cache.entry(topic).or_insert_with(|| self.graph.rarity(topic))
    }

    fn shared(&mut self, mine: &BTreeSet<&'g Id>, theirs: &BTreeSet<&'g Id>) -> Vec<SharedTopic> {
        let mut shared: Vec<SharedTopic> = mine
            .intersection(theirs)
            .map(|t| SharedTopic { topic: label::<Topic>(self.graph, t), rarity: self.of(t) })
            .collect();
        sort_shared(&mut shared);
        shared
    }
}

pub(super) fn label<E: crate::domain::Entity>(graph: &Graph, id: &Id) -> Labelled {
    Labelled { id: id.clone(), name: graph.label(E::KIND, id) }
}

pub(super) fn labels<'a, E: crate::domain::Entity>(
    graph: &Graph,
    ids: impl IntoIterator<Item = &'a Id>,
) -> Vec<Labelled> {
    ids.into_iter().map(|id| label::<E>(graph, id)).collect()
}

pub(super) fn missing(kind: NodeKind, id: &Id) -> StoreError {
    StoreError::not_found(kind, id)
}

/// Cosine similarities of signatures to a few origin signatures: the best per signature for
/// every signature sharing a topic with an origin.
pub(super) struct Similarities {
    /// Best similarity to any origin, by signature; 0 for those sharing no topic.
    pub(super) best: Vec<f64>,
    /// Signatures sharing a topic with an origin.
    reached: Vec<u32>,
}

impl Similarities {
    /// The similarities to `origins`.
    pub(super) fn new(index: &MatchIndex, weights: &TopicWeights, origins: &[u32]) -> Self {
        let TopicWeights { squares, norms, .. } = weights;
        let signatures = index.signatures.count();
        let (mut dots, mut best) = (Sums::new(signatures), vec![0.0f64; signatures]);
        let mut reached = Vec::new();
        for &origin in origins {
            let origin_norm = norms[origin as usize];
            // Dot products by posting lists, in the order of the origin's topics.
            for &topic in index.signatures.topics(origin) {
                for &other in index.signatures.with_topic(topic) {
                    dots.add(other, squares[topic as usize]);
                }
            }
            for (other, dot) in dots.drain() {
                let similarity = dot / (origin_norm * norms[other as usize]);
                if best[other as usize] == 0.0 {
                    reached.push(other);
                }
                best[other as usize] = best[other as usize].max(similarity);
            }
        }
        Self { best, reached }
    }

    /// Signatures with their best similarity, most similar first (ties by number), sorted
    /// only as far as they are taken.
    fn most_similar_first(&self) -> impl Iterator<Item = (f64, u32)> + use<> {
        let rows = self.reached.iter().map(|&sig| (Score(self.best[sig as usize]), Reverse(sig)));
        let mut heap = BinaryHeap::from(rows.collect::<Vec<_>>());
        std::iter::from_fn(move || heap.pop().map(|(Score(best), Reverse(sig))| (best, sig)))
    }
}

/// What a candidate's municipality means for a question, worked out once per municipality.
#[derive(Clone, Copy)]
pub(super) struct PlaceFit {
    /// The municipality exists and passes the filter.
    pub(super) fits: bool,
    pub(super) population: Option<u32>,
    pub(super) distance_km: Option<f64>,
    pub(super) context: f64,
}

pub(super) struct Places<'a> {
    graph: &'a Graph,
    filter: &'a PeerFilter,
    home: Option<PreparedCoordinates>,
    pub(super) home_population: Option<u32>,
    home_log_population: Option<f64>,
    /// Where each municipality's fit is in `known`, once worked out.
    at: Vec<u32>,
    known: Vec<PlaceFit>,
}

impl<'a> Places<'a> {
    /// Marks a municipality whose fit is not worked out yet.
    const UNKNOWN: u32 = u32::MAX;

    pub(super) fn new(graph: &'a Graph, filter: &'a PeerFilter, home: u32) -> Self {
        let index = graph.index();
        let place = index.place(home);
        Places {
            graph,
            filter,
            home: place.and_then(|p| p.location),
            home_population: place.and_then(|p| p.population),
            home_log_population: place.and_then(|p| p.log_population),
            at: vec![Self::UNKNOWN; index.municipalities.count()],
            known: Vec::new(),
        }
    }

    pub(super) fn fit(&mut self, municipality: u32) -> PlaceFit {
        let at = self.at[municipality as usize];
        if at != Self::UNKNOWN {
            return self.known[at as usize];
        }
        let place = self.graph.index().place(municipality);
        let population = place.and_then(|p| p.population);
        let distance_km = self.home.zip(place.and_then(|p| p.location)).map(|(a, b)| a.distance_km(&b));
        let size = self.home_log_population.zip(place.and_then(|p| p.log_population));
        let fit = PlaceFit {
            fits: place.is_some() && self.fits(municipality, population, distance_km),
            population,
            distance_km,
            context: context_of(size.map(|(a, b)| size_similarity_of_logs(a, b)), distance_km),
        };
        self.at[municipality as usize] = self.known.len() as u32;
        self.known.push(fit);
        fit
    }

    fn fits(&self, municipality: u32, population: Option<u32>, distance_km: Option<f64>) -> bool {
        let filter = self.filter;
        if let Some(area) = &filter.within {
            let id = self.graph.index().municipalities.id(municipality);
            if !self.graph.get::<Municipality>(id).is_some_and(|m| self.graph.municipality_within(m, area)) {
                return false;
            }
        }
        if let Some(max) = filter.max_distance_km
            && distance_km.is_none_or(|d| d > max)
        {
            return false;
        }
        if filter.population_min.is_some() || filter.population_max.is_some() {
            let inside = population.is_some_and(|p| {
                filter.population_min.is_none_or(|min| p >= min) && filter.population_max.is_none_or(|max| p <= max)
            });
            if !inside {
                return false;
            }
        }
        true
    }
}

/// A set of topics by number.
#[derive(Clone)]
pub(super) struct TopicBits(Vec<u64>);

impl TopicBits {
    pub(super) fn new(topics: usize) -> Self {
        Self(vec![0; topics.div_ceil(64)])
    }

    pub(super) fn insert(&mut self, topic: u32) {
        self.0[topic as usize / 64] |= 1 << (topic % 64);
    }

    fn contains(&self, topic: u32) -> bool {
        self.0[topic as usize / 64] & (1 << (topic % 64)) != 0
    }
}

/// The topics of `theirs` that `mine` has too, rarest first then by id, into `shared`.
pub(super) fn shared_into(mine: &TopicBits, theirs: &[u32], weights: &TopicWeights, shared: &mut Vec<u32>) {
    shared.clear();
    shared.extend(theirs.iter().copied().filter(|&t| mine.contains(t)));
    shared.sort_unstable_by_key(|&t| weights.rank[t as usize]);
}

pub(super) fn shared_topics(graph: &Graph, rarity: &[f64], shared: &[u32]) -> Vec<SharedTopic> {
    let topics = &graph.index().topics;
    shared
        .iter()
        .map(|&t| SharedTopic { topic: label::<Topic>(graph, topics.id(t)), rarity: rarity[t as usize] })
        .collect()
}

/// Projects of other municipalities sharing at least one topic, with their cosine
/// similarity; with a limit, visited from the most similar down until none left can reach
/// the best.
pub fn projects(graph: &Graph, query: &ProjectQuery) -> StoreResult<ProjectCandidates> {
    let origin = graph.get::<Project>(&query.project).ok_or_else(|| missing(NodeKind::Project, &query.project))?;
    let index = graph.index();
    let entry = index.projects.get(&origin.id).and_then(|n| index.project(n)).expect("every project is indexed");
    let weights = graph.weights();
    let similarities = Similarities::new(index, weights, &[entry.signature]);
    let no_filter = PeerFilter::default();
    let mut places = Places::new(graph, &no_filter, entry.municipality);
    let excluded = excluded_projects(graph, origin);
    let mut top = TopScores::new(query.limit.unwrap_or(usize::MAX));
    let mut scored: Vec<(u32, f64, f64, PlaceFit)> = Vec::new();
    for (similarity, signature) in similarities.most_similar_first() {
        if !top.reachable(project_score_ceiling(similarity)) {
            break;
        }
        for &other in index.signatures.projects(signature) {
            if excluded.contains(&other) {
                continue;
            }
            let Some(p) = index.project(other).filter(|p| p.municipality != entry.municipality) else { continue };
            let fit = places.fit(p.municipality);
            let score = project_score(similarity, p.status, fit.context);
            top.push(score);
            scored.push((other, score, similarity, fit));
        }
    }
    let threshold = top.floor();
    let mut origin_topics = TopicBits::new(index.topics.count());
    index.signatures.topics(entry.signature).iter().for_each(|&t| origin_topics.insert(t));
    let mut shared = Vec::new();
    let mut candidates: Vec<ProjectFeatures> = scored
        .into_iter()
        .filter(|s| s.1 >= threshold)
        .filter_map(|(other, _, similarity, fit)| {
            let project = graph.get::<Project>(index.projects.id(other))?;
            let their_topics = index.signatures.topics(index.project(other)?.signature);
            Some(ProjectFeatures {
                project: label::<Project>(graph, &project.id),
                municipality: label::<Municipality>(graph, &project.municipality),
                status: project.status,
                population: fit.population,
                distance_km: fit.distance_km,
                similarity,
                shared_topics: {
                    shared_into(&origin_topics, their_topics, weights, &mut shared);
                    shared_topics(graph, &weights.rarity, &shared)
                },
            })
        })
        .collect();
    candidates.sort_by(|a, b| a.project.id.cmp(&b.project.id));
    Ok(ProjectCandidates { population: places.home_population, candidates })
}

/// Municipalities in the expert's area, with the expert's topics their projects touch.
pub fn advice(graph: &Graph, expert: &Id) -> StoreResult<AdviceCandidates> {
    let expert = graph.get::<Expert>(expert).ok_or_else(|| missing(NodeKind::Expert, expert))?;
    let expertise: BTreeSet<&Id> = expert.topics.iter().collect();
    let mut candidates = Vec::new();
    for municipality in municipalities_served(graph, expert) {
        let mut projects_by_topic: BTreeMap<&Id, Vec<&Id>> = BTreeMap::new();
        for project in graph.sources::<Project>(Rel::OwnedBy, &municipality.id) {
            for topic in project.topics.iter().filter(|t| expertise.contains(t)) {
                projects_by_topic.entry(topic).or_default().push(&project.id);
            }
        }
        if projects_by_topic.is_empty() {
            continue;
        }
        let lotsen: Vec<&Lotse> = graph.sources::<Lotse>(Rel::WorksFor, &municipality.id).collect();
        let competent: HashSet<&Id> = lotsen.iter().flat_map(|l| l.topics.iter()).collect();
        let (covered, gaps): (Vec<_>, Vec<_>) = projects_by_topic.into_iter().partition(|(t, _)| competent.contains(t));
        candidates.push(AdviceFeatures {
            municipality: label::<Municipality>(graph, &municipality.id),
            population: municipality.population,
            lotse_count: lotsen.len(),
            gaps: gaps
                .into_iter()
                .map(|(topic, projects)| TopicGap {
                    topic: label::<Topic>(graph, topic),
                    projects: labels::<Project>(graph, projects),
                })
                .collect(),
            covered: covered.into_iter().map(|(topic, _)| label::<Topic>(graph, topic)).collect(),
        });
    }
    Ok(AdviceCandidates { candidates })
}

/// Municipalities in the districts and regions (at any depth) an expert serves, in id order.
fn municipalities_served<'g>(graph: &'g Graph, expert: &Expert) -> Vec<&'g Municipality> {
    let mut districts: BTreeSet<&Id> = BTreeSet::new();
    let mut regions: Vec<&Id> = Vec::new();
    let mut seen_regions: HashSet<&Id> = HashSet::default();
    for area in &expert.serves {
        match graph.kind_of(area) {
            Some(NodeKind::District) => {
                districts.extend(graph.get::<District>(area).map(|d| &d.id));
            }
            Some(NodeKind::Region) => regions.extend(graph.get::<Region>(area).map(|r| &r.id)),
            _ => {}
        }
    }
    while let Some(region) = regions.pop() {
        if !seen_regions.insert(region) {
            continue;
        }
        for (kind, id) in graph.incoming(Rel::InRegion, region) {
            match kind {
                NodeKind::District => {
                    districts.insert(id);
                }
                NodeKind::Region => regions.push(id),
                _ => {}
            }
        }
    }
    let mut municipalities: Vec<&Municipality> =
        districts.into_iter().flat_map(|d| graph.sources::<Municipality>(Rel::InDistrict, d)).collect();
    municipalities.sort_by(|a, b| a.id.cmp(&b.id));
    municipalities
}

/// Experts in any topic the target needs, and whether they serve the target's area.
pub fn experts(graph: &Graph, query: &ExpertQuery) -> StoreResult<ExpertCandidates> {
    let (municipality, needed): (&Id, BTreeSet<&Id>) = match &query.target {
        ExpertTarget::Project(id) => {
            let project = graph.get::<Project>(id).ok_or_else(|| missing(NodeKind::Project, id))?;
            (&project.municipality, project.topics.iter().collect())
        }
        ExpertTarget::Municipality(id) => {
            let municipality = graph.get::<Municipality>(id).ok_or_else(|| missing(NodeKind::Municipality, id))?;
            let topics = graph.sources::<Project>(Rel::OwnedBy, id).flat_map(|p| p.topics.iter()).collect();
            (&municipality.id, topics)
        }
    };
    let mut rarity = Rarity::new(graph);
    let needed_rarity = needed.iter().map(|t| rarity.of(t)).sum();
    let area: HashSet<&Id> = graph
        .get::<Municipality>(municipality)
        .map(|m| {
            let mut area: HashSet<&Id> = graph.regions_of_district(&m.district).into_iter().collect();
            area.insert(&m.district);
            area
        })
        .unwrap_or_default();
    let excluded = excluded_experts(query);
    let experts: BTreeSet<&Id> = needed
        .iter()
        .flat_map(|t| graph.sources::<Expert>(Rel::ExpertIn, t).map(|e| &e.id))
        .filter(|id| !excluded.contains(id))
        .collect();
    let candidates = experts
        .into_iter()
        .filter_map(|id| graph.get::<Expert>(id))
        .map(|expert| ExpertFeatures {
            expert: label::<Expert>(graph, &expert.id),
            organization: expert.organization.as_ref().map(|o| label::<Organization>(graph, o)),
            shared_topics: rarity.shared(&needed, &expert.topics.iter().collect()),
            serves_target: expert.serves.iter().any(|s| area.contains(s)),
        })
        .collect();
    Ok(ExpertCandidates { needed_rarity, candidates })
}
