//! Stage 1 of matchmaking on the in-memory graph: candidates with raw features.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::domain::{
    District, Expert, Id, Lotse, Municipality, NodeKind, Organization, PreparedCoordinates, Project, Region, Topic,
};
use crate::matching::*;
use crate::store::{Rel, StoreError, StoreResult};

use super::exclude::{excluded_peers, excluded_projects};
use super::index::MatchIndex;
use super::network::Graph;
use super::weights::TopicWeights;

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

fn label<E: crate::domain::Entity>(graph: &Graph, id: &Id) -> Labelled {
    Labelled { id: id.clone(), name: graph.label(E::KIND, id) }
}

fn labels<'a, E: crate::domain::Entity>(graph: &Graph, ids: impl IntoIterator<Item = &'a Id>) -> Vec<Labelled> {
    ids.into_iter().map(|id| label::<E>(graph, id)).collect()
}

fn missing(kind: NodeKind, id: &Id) -> StoreError {
    StoreError::not_found(kind, id)
}

/// Of the candidates waiting to be scored in full, one in this many is scored early.
const SCORE_EVERY: usize = 16;

/// Cosine similarities of signatures to a few origin signatures: the best per signature for
/// every signature sharing a topic with an origin, and any one pair on demand.
struct Similarities<'g> {
    weights: &'g TopicWeights,
    /// Origin signatures with their norms.
    origins: Vec<(u32, f64)>,
    /// Best similarity to any origin, by signature; 0 for those sharing no topic.
    best: Vec<f64>,
    /// Signatures sharing a topic with an origin.
    reached: Vec<u32>,
}

impl<'g> Similarities<'g> {
    fn new(index: &MatchIndex, weights: &'g TopicWeights, origins: &[u32]) -> Self {
        let TopicWeights { squares, norms, .. } = weights;
        let signatures = index.signatures.count();
        let origins: Vec<(u32, f64)> = origins.iter().map(|&o| (o, norms[o as usize])).collect();
        let (mut dot, mut best) = (vec![0.0f64; signatures], vec![0.0f64; signatures]);
        let (mut reached, mut touched) = (Vec::new(), Vec::new());
        for &(origin, origin_norm) in &origins {
            // Dot products by posting lists, in the order of the origin's topics.
            for &topic in index.signatures.topics(origin) {
                for &other in index.signatures.with_topic(topic) {
                    if dot[other as usize] == 0.0 {
                        touched.push(other);
                    }
                    dot[other as usize] += squares[topic as usize];
                }
            }
            for other in touched.drain(..) {
                let similarity = std::mem::take(&mut dot[other as usize]) / (origin_norm * norms[other as usize]);
                if best[other as usize] == 0.0 {
                    reached.push(other);
                }
                best[other as usize] = best[other as usize].max(similarity);
            }
        }
        Self { weights, origins, best, reached }
    }

    /// Similarity of a signature to origin `j`, summed in the same order as in [`Self::new`].
    fn similarity(&self, index: &MatchIndex, j: usize, signature: u32) -> f64 {
        let (origin, origin_norm) = self.origins[j];
        let theirs = index.signatures.topics(signature);
        let mine = index.signatures.topics(origin).iter().filter(|t| theirs.contains(t));
        let dot: f64 = mine.map(|&t| self.weights.squares[t as usize]).sum();
        if dot == 0.0 {
            return 0.0;
        }
        dot / (origin_norm * self.weights.norms[signature as usize])
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
struct PlaceFit {
    /// The municipality exists and passes the filter.
    fits: bool,
    population: Option<u32>,
    distance_km: Option<f64>,
    context: f64,
}

struct Places<'a> {
    graph: &'a Graph,
    filter: &'a PeerFilter,
    home: Option<PreparedCoordinates>,
    home_population: Option<u32>,
    home_log_population: Option<f64>,
    /// Where each municipality's fit is in `known`, once worked out.
    at: Vec<u32>,
    known: Vec<PlaceFit>,
}

impl<'a> Places<'a> {
    /// Marks a municipality whose fit is not worked out yet.
    const UNKNOWN: u32 = u32::MAX;

    fn new(graph: &'a Graph, filter: &'a PeerFilter, home: u32) -> Self {
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

    fn fit(&mut self, municipality: u32) -> PlaceFit {
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
struct TopicBits(Vec<u64>);

impl TopicBits {
    fn new(topics: usize) -> Self {
        Self(vec![0; topics.div_ceil(64)])
    }

    fn insert(&mut self, topic: u32) {
        self.0[topic as usize / 64] |= 1 << (topic % 64);
    }

    fn contains(&self, topic: u32) -> bool {
        self.0[topic as usize / 64] & (1 << (topic % 64)) != 0
    }
}

/// My profile and the rarities folded onto the 64 bits of [`LotseBrief::topic_bits`], for a
/// bound of the topic overlap with a candidate from its brief alone.
struct TopicBitWeights {
    /// Sum of the rarities of my topics on each bit.
    mine: [f64; 64],
    /// The lowest rarity of any topic on each bit: a candidate with the bit set holds at
    /// least that much.
    least: [f64; 64],
    my_weight: f64,
}

impl TopicBitWeights {
    fn new(profile: &[u32], rarity: &[f64], my_weight: f64) -> Self {
        let mut mine = [0.0; 64];
        for &t in profile {
            mine[(t % 64) as usize] += rarity[t as usize];
        }
        let mut least = [f64::INFINITY; 64];
        for (t, &r) in rarity.iter().enumerate() {
            least[t % 64] = least[t % 64].min(r);
        }
        Self { mine, least, my_weight }
    }

    /// At least the [`topic_overlap`] of my profile with one of these topic bits. With `s`
    /// the most we can share and `t` the least they hold, the overlap
    /// `shared / (mine + theirs - shared)` is at most `s / (mine + max(t - s, 0))`; with no
    /// more than 64 topics, the bits are the topics and the bound is the overlap itself.
    fn overlap_bound(&self, bits: u64) -> f64 {
        if self.my_weight <= 0.0 {
            return 0.0;
        }
        let (mut shared, mut theirs) = (0.0, 0.0);
        let mut rest = bits;
        while rest != 0 {
            let bit = rest.trailing_zeros() as usize;
            shared += self.mine[bit];
            theirs += self.least[bit];
            rest &= rest - 1;
        }
        shared / (self.my_weight + (theirs - shared).max(0.0))
    }
}

/// Sum of the rarities of a profile's topics, in its (id) order.
fn weight(profile: &[u32], rarity: &[f64]) -> f64 {
    profile.iter().map(|&t| rarity[t as usize]).sum()
}

/// The topics of `theirs` that `mine` has too, rarest first then by id, into `shared`.
fn shared_into(mine: &TopicBits, theirs: &[u32], weights: &TopicWeights, shared: &mut Vec<u32>) {
    shared.clear();
    shared.extend(theirs.iter().copied().filter(|&t| mine.contains(t)));
    shared.sort_unstable_by_key(|&t| weights.rank[t as usize]);
}

fn shared_topics(graph: &Graph, rarity: &[f64], shared: &[u32]) -> Vec<SharedTopic> {
    let topics = &graph.index().topics;
    shared
        .iter()
        .map(|&t| SharedTopic { topic: label::<Topic>(graph, topics.id(t)), rarity: rarity[t as usize] })
        .collect()
}

/// Mutual contacts and collaborators of a candidate.
#[derive(Default)]
struct Links<'g> {
    contacts: BTreeSet<&'g Id>,
    collaborators: BTreeSet<&'g Id>,
}

impl Links<'_> {
    fn count(&self) -> usize {
        self.contacts.len() + self.collaborators.len()
    }
}

/// Lotsen linked to `me` through a contact or a collaborator, with those links.
fn linked<'g>(graph: &'g Graph, me: &'g Lotse, my_contacts: &BTreeSet<&'g Id>) -> BTreeMap<&'g Id, Links<'g>> {
    let mut found: BTreeMap<&Id, Links> = BTreeMap::new();
    for contact in my_contacts {
        for theirs in graph.contacts(contact) {
            found.entry(theirs).or_default().contacts.insert(contact);
        }
    }
    let collaborators: BTreeSet<&Id> =
        graph.projects_of(&me.id).flat_map(|p| p.members.iter().map(|m| &m.lotse)).filter(|l| **l != me.id).collect();
    for collaborator in &collaborators {
        for project in graph.projects_of(collaborator) {
            for member in project.members.iter().filter(|m| &m.lotse != *collaborator) {
                found.entry(&member.lotse).or_default().collaborators.insert(collaborator);
            }
        }
    }
    found
}

/// A project pair of a candidate: similarity, my project, theirs.
type Pair = (f64, u32, u32);

/// A peer candidate admitted with its exact topic overlap, before its project pairs.
struct Admitted {
    lotse: u32,
    links: usize,
    fit: PlaceFit,
    overlap: f64,
}

/// A peer candidate scored in full.
struct Scored {
    admitted: Admitted,
    score: f64,
    pairs: Vec<Pair>,
}

/// One `recommendPeers` question on the index.
struct PeerSearch<'a> {
    index: &'a MatchIndex,
    weights: &'a TopicWeights,
    home: u32,
    my_projects: HashSet<u32>,
    /// Lotsen never recommended (see [`excluded_peers`]).
    excluded: HashSet<u32>,
    /// My projects grouped by signature, in the order of `similarities`' origins.
    mine: Vec<Vec<u32>>,
    similarities: Similarities<'a>,
    my_topics: TopicBits,
    /// My profile's topics, rarest first then by id.
    my_rarest_first: Vec<u32>,
    my_profile_weight: f64,
    bits: TopicBitWeights,
    places: Places<'a>,
    seen: Vec<bool>,
    top: TopScores,
    /// Admitted candidates (by their place in `admitted`) by their ceiling, highest first,
    /// waiting to be scored in full.
    waiting: BinaryHeap<(Score, Reverse<u32>, usize)>,
    admitted: Vec<Option<Admitted>>,
    scored: Vec<Scored>,
}

impl PeerSearch<'_> {
    /// Admits a candidate that may be a peer at all, with the highest score it can reach when
    /// no project pair is more similar than `best_pair`; `None` when it cannot be among the best.
    fn admit(&mut self, lotse: u32, links: usize, best_pair: f64) -> Option<(f64, Admitted)> {
        let brief = self.index.brief(lotse);
        if !brief.live || brief.municipality == self.home || !brief.visible || self.excluded.contains(&lotse) {
            return None;
        }
        // Cheapest first: the overlap's bound from the brief, then the place, then the overlap.
        let pairs = [best_pair; PROJECT_PAIRS_KEPT];
        let overlap_bound = self.bits.overlap_bound(brief.topic_bits);
        if !self.top.reachable(peer_score(&pairs, overlap_bound, links, 1.0)) {
            return None;
        }
        let fit = self.places.fit(brief.municipality);
        if !fit.fits || !self.top.reachable(peer_score(&pairs, overlap_bound, links, fit.context)) {
            return None;
        }
        let overlap = self.overlap(lotse);
        let ceiling = peer_score(&pairs, overlap, links, fit.context);
        self.top.reachable(ceiling).then_some((ceiling, Admitted { lotse, links, fit, overlap }))
    }

    /// Rarity-weighted overlap of my topic profile and a candidate's; shared rarities are
    /// summed rarest first, as the shared topics are listed.
    fn overlap(&self, lotse: u32) -> f64 {
        let theirs = self.index.profile(lotse);
        let shared = self.my_rarest_first.iter().filter(|t| theirs.contains(t));
        let rarity = &self.weights.rarity;
        let shared_weight: f64 = shared.map(|&t| rarity[t as usize]).sum();
        topic_overlap(shared_weight, self.my_profile_weight, weight(theirs, rarity))
    }

    /// Queues an admitted candidate by its ceiling. Until the best are known, candidates are
    /// scored at once; after that, now and then the one with the highest ceiling, so that the
    /// bar for admission rises early.
    fn wait(&mut self, (ceiling, admitted): (f64, Admitted)) {
        if self.top.threshold().is_none() {
            return self.score(admitted);
        }
        self.waiting.push((Score(ceiling), Reverse(admitted.lotse), self.admitted.len()));
        self.admitted.push(Some(admitted));
        if self.waiting.len().is_multiple_of(SCORE_EVERY) {
            self.settle_one();
        }
    }

    /// Scores the waiting candidate with the highest ceiling when it can still be among the best.
    fn settle_one(&mut self) {
        if let Some((Score(ceiling), _, at)) = self.waiting.pop() {
            let admitted = self.admitted[at].take().expect("waiting candidates are admitted once");
            if self.top.reachable(ceiling) {
                self.score(admitted);
            }
        }
    }

    /// Scores in full, highest ceiling first, every waiting candidate whose ceiling reaches
    /// `level`, dropping those that can no longer be among the best.
    fn settle(&mut self, level: f64) {
        while self.waiting.peek().is_some_and(|(Score(ceiling), _, _)| *ceiling >= level) {
            self.settle_one();
        }
    }

    fn score(&mut self, admitted: Admitted) {
        let pairs = self.best_pairs(admitted.lotse);
        if pairs.is_empty() && admitted.links == 0 {
            return;
        }
        let mut similarities = [0.0; PROJECT_PAIRS_KEPT];
        similarities.iter_mut().zip(&pairs).for_each(|(s, p)| *s = p.0);
        let similarities = &similarities[..pairs.len()];
        let score = peer_score(similarities, admitted.overlap, admitted.links, admitted.fit.context);
        self.top.push(score);
        self.scored.push(Scored { admitted, score, pairs });
    }

    /// The most similar pairs of my projects and the candidate's other projects, most similar
    /// first, ties by the ids of both projects.
    fn best_pairs(&self, lotse: u32) -> Vec<Pair> {
        let ids = &self.index.projects;
        let before = |a: &Pair, b: &Pair| match b.0.total_cmp(&a.0) {
            std::cmp::Ordering::Equal => (ids.id(a.1), ids.id(a.2)) < (ids.id(b.1), ids.id(b.2)),
            order => order == std::cmp::Ordering::Less,
        };
        let mut best: Vec<Pair> = Vec::with_capacity(PROJECT_PAIRS_KEPT + 1);
        for &theirs in self.index.projects_of(lotse) {
            if self.my_projects.contains(&theirs) {
                continue;
            }
            let Some(signature) = self.index.project(theirs).map(|p| p.signature) else { continue };
            let can_enter = |similarity: f64, best: &[Pair]| {
                similarity > 0.0 && (best.len() < PROJECT_PAIRS_KEPT || similarity >= best[PROJECT_PAIRS_KEPT - 1].0)
            };
            if !can_enter(self.similarities.best[signature as usize], &best) {
                continue;
            }
            for (j, mine) in self.mine.iter().enumerate() {
                let similarity = self.similarities.similarity(self.index, j, signature);
                if !can_enter(similarity, &best) {
                    continue;
                }
                for &my_project in mine {
                    let pair = (similarity, my_project, theirs);
                    let at = best.iter().position(|b| before(&pair, b)).unwrap_or(best.len());
                    if at < PROJECT_PAIRS_KEPT {
                        best.insert(at, pair);
                        best.truncate(PROJECT_PAIRS_KEPT);
                    }
                }
            }
        }
        best
    }
}

/// Peers reached through similar projects, shared contacts or shared collaborators.
///
/// With a limit, candidates are met signature by signature from the most similar down; each
/// gets a ceiling from that similarity, its topic overlap and its place, and candidates are
/// scored in full highest ceiling first, only while their ceiling can still reach the best.
/// The walk stops once no signature left can lift anyone into the best.
pub fn peers(graph: &Graph, query: &PeerQuery) -> StoreResult<PeerCandidates> {
    let me = graph.get::<Lotse>(&query.lotse).ok_or_else(|| missing(NodeKind::Lotse, &query.lotse))?;
    let index = graph.index();
    let number = |id: &Id| index.lotsen.get(id);
    let my_number = number(&me.id).expect("every Lotse has a number");
    let home = index.municipalities.get(&me.municipality).expect("every Lotse's municipality has a number");
    let home_population = index.place(home).and_then(|p| p.population);
    let weights = graph.weights();
    let rarity = &weights.rarity;
    let my_projects: HashSet<u32> = index.projects_of(my_number).iter().copied().collect();
    let mut by_signature: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for &project in index.projects_of(my_number) {
        if let Some(p) = index.project(project) {
            by_signature.entry(p.signature).or_default().push(project);
        }
    }
    let origins: Vec<u32> = by_signature.keys().copied().collect();
    let my_contact_ids = graph.contacts(&me.id);
    let links = linked(graph, me, &my_contact_ids);
    let mut my_topics = TopicBits::new(index.topics.count());
    index.profile(my_number).iter().for_each(|&t| my_topics.insert(t));
    let my_profile_weight = weight(index.profile(my_number), rarity);
    let mut my_rarest_first = index.profile(my_number).to_vec();
    my_rarest_first.sort_unstable_by_key(|&t| weights.rank[t as usize]);
    let mut search = PeerSearch {
        index,
        home,
        excluded: excluded_peers(graph, me, query.include_co_members),
        similarities: Similarities::new(index, weights, &origins),
        mine: by_signature.into_values().collect(),
        my_topics,
        my_rarest_first,
        my_profile_weight,
        bits: TopicBitWeights::new(index.profile(my_number), rarity, my_profile_weight),
        weights,
        my_projects,
        places: Places::new(graph, &query.filter, home),
        seen: vec![false; index.lotsen.count()],
        top: TopScores::new(query.limit.unwrap_or(usize::MAX)),
        waiting: BinaryHeap::new(),
        admitted: Vec::new(),
        scored: Vec::new(),
    };
    search.seen[my_number as usize] = true;
    super::dismissals::exclude_dismissed(graph, &me.id, number, &mut search.seen);
    for (id, links) in &links {
        if let Some(lotse) = number(id).filter(|&l| !std::mem::replace(&mut search.seen[l as usize], true))
            && let Some(admitted) = search.admit(lotse, links.count(), 1.0)
        {
            search.score(admitted.1);
        }
    }
    for (best_pair, signature) in search.similarities.most_similar_first() {
        let unmet = peer_score_ceiling(best_pair, 1.0);
        search.settle(unmet);
        if !search.top.reachable(unmet) {
            break;
        }
        // Whoever is first met here has no project more similar than this signature, so no
        // project pair either (a collaborator met through one of my projects has fewer pairs).
        for &lotse in index.signatures.members(signature) {
            if !std::mem::replace(&mut search.seen[lotse as usize], true)
                && let Some(admitted) = search.admit(lotse, 0, best_pair)
            {
                search.wait(admitted);
            }
        }
    }
    search.settle(f64::NEG_INFINITY);

    let threshold = search.top.floor();
    let no_links = Links::default();
    let mut shared = Vec::new();
    let mut candidates: Vec<PeerFeatures> = search
        .scored
        .iter()
        .filter(|s| s.score >= threshold)
        .map(|s| {
            let id = index.lotsen.id(s.admitted.lotse);
            let lotse = graph.get::<Lotse>(id).expect("scored Lotsen exist");
            let links = links.get(id).unwrap_or(&no_links);
            shared_into(&search.my_topics, index.profile(s.admitted.lotse), weights, &mut shared);
            PeerFeatures {
                lotse: label::<Lotse>(graph, id),
                municipality: label::<Municipality>(graph, &lotse.municipality),
                population: s.admitted.fit.population,
                distance_km: s.admitted.fit.distance_km,
                shared_topics: shared_topics(graph, rarity, &shared),
                topic_overlap: s.admitted.overlap,
                project_pairs: s
                    .pairs
                    .iter()
                    .map(|&(similarity, mine, theirs)| ProjectPair {
                        mine: label::<Project>(graph, index.projects.id(mine)),
                        theirs: label::<Project>(graph, index.projects.id(theirs)),
                        similarity,
                    })
                    .collect(),
                mutual_contacts: labels::<Lotse>(graph, links.contacts.iter().copied()),
                mutual_collaborators: labels::<Lotse>(graph, links.collaborators.iter().copied()),
            }
        })
        .collect();
    candidates.sort_by(|a, b| a.lotse.id.cmp(&b.lotse.id));
    Ok(PeerCandidates { population: home_population, candidates })
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

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::graph::index::topic_bit;

    /// The exact overlap of two profiles (topic numbers), as the walk works it out.
    fn exact(mine: &[u32], theirs: &[u32], rarity: &[f64]) -> f64 {
        let shared: f64 = mine.iter().filter(|t| theirs.contains(t)).map(|&t| rarity[t as usize]).sum();
        topic_overlap(shared, weight(mine, rarity), weight(theirs, rarity))
    }

    fn profile(rng: &mut impl Rng, topics: u32) -> Vec<u32> {
        let mut profile: Vec<u32> = (0..rng.gen_range(0..12)).map(|_| rng.gen_range(0..topics)).collect();
        profile.sort_unstable();
        profile.dedup();
        profile
    }

    #[test]
    fn the_best_peers_are_the_same_whether_the_walk_may_stop_early_or_not() {
        let mut graph = Graph::default();
        for node in crate::demo::generate(crate::demo::Scale::BW, 11) {
            graph.insert(node);
        }
        let numbers = &graph.index().lotsen;
        let lotsen: Vec<Id> = (0..numbers.count() as u32).step_by(23).map(|n| numbers.id(n).clone()).collect();
        let filters = [
            PeerFilter::default(),
            PeerFilter { max_distance_km: Some(60.0), ..Default::default() },
            PeerFilter { population_min: Some(5_000), population_max: Some(50_000), ..Default::default() },
        ];
        let ranked = |query: &PeerQuery, first: usize| -> Vec<(String, f64)> {
            let candidates = peers(&graph, query).unwrap();
            rank_peers(candidates, first).into_iter().map(|r| (r.features.lotse.id.to_string(), r.score)).collect()
        };
        let mut compared = 0;
        for lotse in &lotsen {
            for filter in &filters {
                let query =
                    PeerQuery { lotse: lotse.clone(), filter: filter.clone(), limit: None, include_co_members: false };
                let all = ranked(&query, usize::MAX);
                for first in [1, 3, 10] {
                    let best = ranked(&PeerQuery { limit: Some(first), ..query.clone() }, first);
                    assert_eq!(best, all[..first.min(all.len())], "{lotse} {filter:?}, the best {first}");
                    compared += best.len();
                }
            }
        }
        assert!(compared > 1_000, "most Lotsen have peers ({compared} compared)");
    }

    #[test]
    fn the_overlap_bound_from_topic_bits_is_never_below_the_overlap() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        // Up to 64 topics the bits are the topics; beyond, several topics share a bit.
        for topics in [5, 46, 64, 65, 200] {
            let rarity: Vec<f64> = (0..topics).map(|_| rng.gen_range(0.05..5.0)).collect();
            for _ in 0..2_000 {
                let (mine, theirs) = (profile(&mut rng, topics), profile(&mut rng, topics));
                let bits = TopicBitWeights::new(&mine, &rarity, weight(&mine, &rarity));
                let bound = bits.overlap_bound(theirs.iter().fold(0, |b, &t| b | topic_bit(t)));
                let overlap = exact(&mine, &theirs, &rarity);
                assert!(bound + 1e-12 >= overlap, "{topics} topics, {mine:?} / {theirs:?}: {bound} < {overlap}");
                if topics <= 64 {
                    assert!((bound - overlap).abs() < 1e-12, "exact up to 64 topics: {bound} != {overlap}");
                }
            }
        }
    }
}
