//! Stage 1 of matchmaking on the in-memory graph: candidates with raw features.

use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::domain::{
    District, Expert, Id, Lotse, Municipality, NodeKind, Organization, Project, Region, Topic, Visibility,
};
use crate::matching::*;
use crate::store::{Rel, StoreError, StoreResult};

use super::graph::Graph;

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

    /// Euclidean norm of a rarity-weighted topic vector.
    fn norm(&mut self, topics: &'g [Id]) -> f64 {
        topics.iter().map(|t| self.of(t).powi(2)).sum::<f64>().sqrt()
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

fn label<E: crate::domain::Entity>(graph: &Graph, id: &Id) -> Labelled {
    Labelled { id: id.clone(), name: graph.label(E::KIND, id) }
}

fn labels<'a, E: crate::domain::Entity>(graph: &Graph, ids: impl IntoIterator<Item = &'a Id>) -> Vec<Labelled> {
    ids.into_iter().map(|id| label::<E>(graph, id)).collect()
}

fn missing(kind: NodeKind, id: &Id) -> StoreError {
    StoreError::not_found(kind, id)
}

fn distance(graph: &Graph, a: &Id, b: &Id) -> Option<f64> {
    Some(graph.location(a)?.distance_km(&graph.location(b)?))
}

/// Topics of a Lotse's projects and competences.
fn profile<'g>(graph: &'g Graph, lotse: &'g Lotse) -> BTreeSet<&'g Id> {
    graph.projects_of(&lotse.id).flat_map(|p| p.topics.iter()).chain(lotse.topics.iter()).collect()
}

#[derive(Default)]
struct PeerAcc<'g> {
    pairs: Vec<(f64, &'g Id, &'g Id)>,
    contacts: BTreeSet<&'g Id>,
    collaborators: BTreeSet<&'g Id>,
}

/// Peers reached through similar projects, shared contacts or shared collaborators.
pub fn peers(graph: &Graph, query: &PeerQuery) -> StoreResult<PeerCandidates> {
    let me = graph.get::<Lotse>(&query.lotse).ok_or_else(|| missing(NodeKind::Lotse, &query.lotse))?;
    let home = graph.get::<Municipality>(&me.municipality);
    let my_projects: Vec<&Project> = graph.projects_of(&me.id).collect();
    let my_project_ids: HashSet<&Id> = my_projects.iter().map(|p| &p.id).collect();
    let my_contacts = graph.contacts(&me.id);
    let mut rarity = Rarity::new(graph);
    let mut found: HashMap<&Id, PeerAcc> = HashMap::default();

    for mine in &my_projects {
        let my_norm = rarity.norm(&mine.topics);
        let mut dots: HashMap<&Id, f64> = HashMap::default();
        for topic in &mine.topics {
            let weight = rarity.of(topic).powi(2);
            for theirs in graph.sources::<Project>(Rel::About, topic) {
                if !my_project_ids.contains(&theirs.id) {
                    *dots.entry(&theirs.id).or_default() += weight;
                }
            }
        }
        for (theirs, dot) in dots {
            let Some(project) = graph.get::<Project>(theirs) else { continue };
            let similarity = dot / (my_norm * rarity.norm(&project.topics));
            for member in project.members.iter().filter(|m| m.lotse != me.id) {
                found.entry(&member.lotse).or_default().pairs.push((similarity, &mine.id, &project.id));
            }
        }
    }
    for contact in &my_contacts {
        for theirs in graph.contacts(contact) {
            found.entry(theirs).or_default().contacts.insert(contact);
        }
    }
    let collaborators: BTreeSet<&Id> =
        my_projects.iter().flat_map(|p| p.members.iter().map(|m| &m.lotse)).filter(|l| **l != me.id).collect();
    for collaborator in &collaborators {
        for project in graph.projects_of(collaborator) {
            for member in project.members.iter().filter(|m| &m.lotse != *collaborator) {
                found.entry(&member.lotse).or_default().collaborators.insert(collaborator);
            }
        }
    }

    // Cheap features first; the topic overlap and the labels only for candidates that can
    // still reach the requested number of best results.
    struct Reached<'g> {
        peer: &'g Lotse,
        place: &'g Municipality,
        distance_km: Option<f64>,
        acc: PeerAcc<'g>,
        highest: f64,
    }
    let home_population = home.and_then(|m| m.population);
    let mut reached = Vec::new();
    let mut lowest = Vec::new();
    for (id, mut acc) in found {
        let Some(peer) = graph.get::<Lotse>(id) else { continue };
        if peer.id == me.id
            || peer.municipality == me.municipality
            || peer.visibility != Visibility::Network
            || my_contacts.contains(&peer.id)
        {
            continue;
        }
        let Some(place) = graph.get::<Municipality>(&peer.municipality) else { continue };
        let distance_km = distance(graph, &me.municipality, &peer.municipality);
        if !fits(graph, &query.filter, place, distance_km) {
            continue;
        }
        acc.pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| (a.1, a.2).cmp(&(b.1, b.2))));
        acc.pairs.truncate(PROJECT_PAIRS_KEPT);
        let similarities: Vec<f64> = acc.pairs.iter().map(|p| p.0).collect();
        let links = acc.contacts.len() + acc.collaborators.len();
        let (low, high) = peer_score_bounds(&similarities, links, (home_population, place.population), distance_km);
        lowest.push(low);
        reached.push(Reached { peer, place, distance_km, acc, highest: high });
    }
    let cutoff = query.limit.map_or(f64::NEG_INFINITY, |first| peer_cutoff(lowest, first));

    let my_profile = profile(graph, me);
    let my_profile_weight: f64 = my_profile.iter().map(|t| rarity.of(t)).sum();
    let mut candidates = Vec::new();
    for Reached { peer, place, distance_km, acc, highest } in reached {
        if highest < cutoff {
            continue;
        }
        let their_profile = profile(graph, peer);
        let shared_topics = rarity.shared(&my_profile, &their_profile);
        let shared_weight: f64 = shared_topics.iter().map(|t| t.rarity).sum();
        let their_weight: f64 = their_profile.iter().map(|t| rarity.of(t)).sum();
        let union_weight = my_profile_weight + their_weight - shared_weight;
        candidates.push(PeerFeatures {
            lotse: label::<Lotse>(graph, &peer.id),
            municipality: label::<Municipality>(graph, &place.id),
            population: place.population,
            distance_km,
            topic_overlap: if union_weight > 0.0 { shared_weight / union_weight } else { 0.0 },
            shared_topics,
            project_pairs: acc
                .pairs
                .into_iter()
                .map(|(similarity, mine, theirs)| ProjectPair {
                    mine: label::<Project>(graph, mine),
                    theirs: label::<Project>(graph, theirs),
                    similarity,
                })
                .collect(),
            mutual_contacts: labels::<Lotse>(graph, acc.contacts),
            mutual_collaborators: labels::<Lotse>(graph, acc.collaborators),
        });
    }
    candidates.sort_by(|a, b| a.lotse.id.cmp(&b.lotse.id));
    Ok(PeerCandidates { population: home_population, candidates })
}

fn fits(graph: &Graph, filter: &PeerFilter, place: &Municipality, distance_km: Option<f64>) -> bool {
    if let Some(area) = &filter.within {
        if !graph.municipality_within(place, area) {
            return false;
        }
    }
    if let Some(max) = filter.max_distance_km {
        if distance_km.is_none_or(|d| d > max) {
            return false;
        }
    }
    if filter.population_min.is_some() || filter.population_max.is_some() {
        let inside = place.population.is_some_and(|p| {
            filter.population_min.is_none_or(|min| p >= min) && filter.population_max.is_none_or(|max| p <= max)
        });
        if !inside {
            return false;
        }
    }
    true
}

/// Projects of other municipalities sharing at least one topic, with their cosine similarity.
pub fn projects(graph: &Graph, project: &Id) -> StoreResult<ProjectCandidates> {
    let origin = graph.get::<Project>(project).ok_or_else(|| missing(NodeKind::Project, project))?;
    let mut rarity = Rarity::new(graph);
    let origin_norm = rarity.norm(&origin.topics);
    let origin_topics: BTreeSet<&Id> = origin.topics.iter().collect();
    let mut dots: BTreeMap<&Id, f64> = BTreeMap::new();
    for topic in &origin.topics {
        let weight = rarity.of(topic).powi(2);
        for other in graph.sources::<Project>(Rel::About, topic) {
            if other.municipality != origin.municipality {
                *dots.entry(&other.id).or_default() += weight;
            }
        }
    }
    let mut candidates = Vec::with_capacity(dots.len());
    for (id, dot) in dots {
        let Some(other) = graph.get::<Project>(id) else { continue };
        let place = graph.get::<Municipality>(&other.municipality);
        candidates.push(ProjectFeatures {
            project: label::<Project>(graph, id),
            municipality: label::<Municipality>(graph, &other.municipality),
            status: other.status,
            population: place.and_then(|m| m.population),
            distance_km: distance(graph, &origin.municipality, &other.municipality),
            similarity: dot / (origin_norm * rarity.norm(&other.topics)),
            shared_topics: rarity.shared(&origin_topics, &other.topics.iter().collect()),
        });
    }
    let population = graph.get::<Municipality>(&origin.municipality).and_then(|m| m.population);
    Ok(ProjectCandidates { population, candidates })
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
pub fn experts(graph: &Graph, target: &ExpertTarget) -> StoreResult<ExpertCandidates> {
    let (municipality, needed): (&Id, BTreeSet<&Id>) = match target {
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
    let experts: BTreeSet<&Id> =
        needed.iter().flat_map(|t| graph.sources::<Expert>(Rel::ExpertIn, t).map(|e| &e.id)).collect();
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
