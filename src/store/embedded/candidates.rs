//! Stage 1 of matchmaking on the in-memory graph: candidates with raw features.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::domain::{
    Coordinates, District, Expert, Id, Lotse, Municipality, NodeKind, Organization, Project, Region, Topic,
};
use crate::matching::*;
use crate::store::{Rel, StoreError, StoreResult};

use super::graph::Graph;
use super::index::MatchIndex;

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

/// Scores within this distance of a ceiling count as reaching it, so rounding in the last
/// bits never drops a candidate that belongs among the best.
const SLACK: f64 = 1e-9;

/// Cosine similarities between a few origin signatures and every signature sharing a topic
/// with one of them; rows in the order of their best similarity.
struct Similarities {
    origins: usize,
    /// Row of each signature, `u32::MAX` when it shares no topic.
    row_of: Vec<u32>,
    signature: Vec<u32>,
    table: Vec<f64>,
    best: Vec<f64>,
    /// Rows, most similar first (ties by signature number).
    order: Vec<u32>,
}

impl Similarities {
    fn new(index: &MatchIndex, rarity: &[f64], origins: &[u32]) -> Self {
        let n = origins.len();
        let mut row_of = vec![u32::MAX; index.signatures.count()];
        let mut signature = Vec::new();
        let mut table = Vec::new();
        for (j, &origin) in origins.iter().enumerate() {
            for &topic in index.signatures.topics(origin) {
                let weight = rarity[topic as usize].powi(2);
                for &other in index.signatures.with_topic(topic) {
                    let row = &mut row_of[other as usize];
                    if *row == u32::MAX {
                        *row = signature.len() as u32;
                        signature.push(other);
                        table.resize(table.len() + n, 0.0);
                    }
                    table[*row as usize * n + j] += weight;
                }
            }
        }
        let norm =
            |sig: u32| index.signatures.topics(sig).iter().map(|&t| rarity[t as usize].powi(2)).sum::<f64>().sqrt();
        let origin_norms: Vec<f64> = origins.iter().map(|&o| norm(o)).collect();
        let mut best = Vec::with_capacity(signature.len());
        for (row, &sig) in signature.iter().enumerate() {
            let their_norm = norm(sig);
            let mut row_best = 0.0f64;
            for (cell, origin_norm) in table[row * n..(row + 1) * n].iter_mut().zip(&origin_norms) {
                if *cell > 0.0 {
                    *cell /= origin_norm * their_norm;
                    row_best = row_best.max(*cell);
                }
            }
            best.push(row_best);
        }
        let mut order: Vec<u32> = (0..signature.len() as u32).collect();
        order.sort_by(|&a, &b| {
            best[b as usize].total_cmp(&best[a as usize]).then(signature[a as usize].cmp(&signature[b as usize]))
        });
        Self { origins: n, row_of, signature, table, best, order }
    }

    /// Similarities of a signature to each origin (0 where they share no topic).
    fn row(&self, signature: u32) -> Option<&[f64]> {
        let row = *self.row_of.get(signature as usize)? as usize;
        (row != u32::MAX as usize).then(|| &self.table[row * self.origins..(row + 1) * self.origins])
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
    home: Option<Coordinates>,
    home_population: Option<u32>,
    cache: Vec<Option<PlaceFit>>,
}

impl<'a> Places<'a> {
    fn new(graph: &'a Graph, filter: &'a PeerFilter, home: u32) -> Self {
        let index = graph.index();
        let place = index.place(home);
        Places {
            graph,
            filter,
            home: place.and_then(|p| p.location),
            home_population: place.and_then(|p| p.population),
            cache: vec![None; index.municipalities.count()],
        }
    }

    fn fit(&mut self, municipality: u32) -> PlaceFit {
        if let Some(fit) = self.cache[municipality as usize] {
            return fit;
        }
        let place = self.graph.index().place(municipality);
        let population = place.and_then(|p| p.population);
        let distance_km = self.home.zip(place.and_then(|p| p.location)).map(|(a, b)| a.distance_km(&b));
        let node = self.graph.get::<Municipality>(self.graph.index().municipalities.id(municipality));
        let fit = PlaceFit {
            fits: node.is_some_and(|m| fits(self.graph, self.filter, m, distance_km)),
            population,
            distance_km,
            context: context((self.home_population, population), distance_km),
        };
        self.cache[municipality as usize] = Some(fit);
        fit
    }
}

/// The `k` best scores seen so far.
struct TopScores {
    k: usize,
    heap: BinaryHeap<Reverse<Score>>,
}

struct Score(f64);

impl PartialEq for Score {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Score {}

impl PartialOrd for Score {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl TopScores {
    fn new(k: usize) -> Self {
        Self { k, heap: BinaryHeap::new() }
    }

    fn push(&mut self, score: f64) {
        if self.heap.len() < self.k {
            self.heap.push(Reverse(Score(score)));
        } else if self.heap.peek().is_some_and(|Reverse(low)| score > low.0) {
            self.heap.pop();
            self.heap.push(Reverse(Score(score)));
        }
    }

    /// The `k`-th best score once `k` scores are known: nothing below it can be among the best.
    fn threshold(&self) -> Option<f64> {
        (self.heap.len() == self.k).then(|| self.heap.peek().map_or(f64::INFINITY, |Reverse(s)| s.0))
    }

    /// Whether a candidate scoring at most `ceiling` can still be among the best.
    fn reachable(&self, ceiling: f64) -> bool {
        self.threshold().is_none_or(|kth| ceiling + SLACK >= kth)
    }
}

/// Topic numbers in the orders weights are summed in, so sums give the same bits as the
/// Neo4j store: by id, and rarest first then by id (the order of shared topics).
struct TopicOrder {
    by_id: Vec<u32>,
    rarest_first: Vec<u32>,
}

impl TopicOrder {
    fn new(index: &MatchIndex, rarity: &[f64]) -> Self {
        let id = |t: &u32| index.topics.id(*t);
        let mut by_id: Vec<u32> = (0..index.topics.count() as u32).collect();
        by_id.sort_by(|a, b| id(a).cmp(id(b)));
        let mut rarest_first = by_id.clone();
        rarest_first.sort_by(|a, b| rarity[*b as usize].total_cmp(&rarity[*a as usize]).then_with(|| id(a).cmp(id(b))));
        Self { by_id, rarest_first }
    }
}

/// A set of topics by number.
#[derive(Clone)]
struct TopicBits(Vec<u64>);

impl TopicBits {
    fn new(topics: usize) -> Self {
        Self(vec![0; topics.div_ceil(64)])
    }

    fn clear(&mut self) {
        self.0.fill(0);
    }

    fn insert(&mut self, topic: u32) {
        self.0[topic as usize / 64] |= 1 << (topic % 64);
    }

    fn contains(&self, topic: u32) -> bool {
        self.0[topic as usize / 64] & (1 << (topic % 64)) != 0
    }

    /// Sum of the rarities of the topics, in id order.
    fn weight(&self, order: &TopicOrder, rarity: &[f64]) -> f64 {
        order.by_id.iter().filter(|&&t| self.contains(t)).map(|&t| rarity[t as usize]).sum()
    }

    /// The topics in both sets, rarest first then by id.
    fn shared<'o>(&'o self, other: &'o TopicBits, order: &'o TopicOrder) -> impl Iterator<Item = u32> + 'o {
        order.rarest_first.iter().copied().filter(|&t| self.contains(t) && other.contains(t))
    }
}

fn shared_topics(
    graph: &Graph,
    (order, rarity): (&TopicOrder, &[f64]),
    mine: &TopicBits,
    theirs: &TopicBits,
) -> Vec<SharedTopic> {
    let topics = &graph.index().topics;
    mine.shared(theirs, order)
        .map(|t| SharedTopic { topic: label::<Topic>(graph, topics.id(t)), rarity: rarity[t as usize] })
        .collect()
}

/// Topics of a Lotse's projects and competences.
fn profile(index: &MatchIndex, lotse: u32, into: &mut TopicBits) {
    into.clear();
    for &project in index.projects_of(lotse) {
        if let Some(p) = index.project(project) {
            index.signatures.topics(p.signature).iter().for_each(|&t| into.insert(t));
        }
    }
    if let Some(l) = index.lotse(lotse) {
        l.topics.iter().for_each(|&t| into.insert(t));
    }
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

/// A peer candidate scored in full.
struct Scored {
    lotse: u32,
    score: f64,
    pairs: Vec<Pair>,
    overlap: f64,
    fit: PlaceFit,
}

/// One `recommendPeers` question on the index.
struct PeerSearch<'a> {
    index: &'a MatchIndex,
    rarity: Vec<f64>,
    order: TopicOrder,
    home: u32,
    my_projects: HashSet<u32>,
    my_contacts: HashSet<u32>,
    /// My projects grouped by signature, in the order of `similarities`' origins.
    mine: Vec<Vec<u32>>,
    similarities: Similarities,
    my_profile: TopicBits,
    my_profile_weight: f64,
    their_profile: TopicBits,
    places: Places<'a>,
    seen: Vec<bool>,
    top: TopScores,
    scored: Vec<Scored>,
}

impl PeerSearch<'_> {
    /// Scores a candidate in full, when it may be a peer at all and can still reach the best
    /// (`best_pair` bounds its project pairs; mutual links lift every bound).
    fn consider(&mut self, lotse: u32, links: usize, best_pair: f64) {
        let Some(entry) = self.index.lotse(lotse) else { return };
        if entry.municipality == self.home || !entry.visible || self.my_contacts.contains(&lotse) {
            return;
        }
        let fit = self.places.fit(entry.municipality);
        if !fit.fits || (links == 0 && !self.top.reachable(peer_score_ceiling(best_pair, fit.context))) {
            return;
        }
        let pairs = self.best_pairs(lotse);
        if pairs.is_empty() && links == 0 {
            return;
        }
        profile(self.index, lotse, &mut self.their_profile);
        let shared: f64 =
            self.my_profile.shared(&self.their_profile, &self.order).map(|t| self.rarity[t as usize]).sum();
        let union = self.my_profile_weight + self.their_profile.weight(&self.order, &self.rarity) - shared;
        let overlap = if union > 0.0 { shared / union } else { 0.0 };
        let similarities: Vec<f64> = pairs.iter().map(|p| p.0).collect();
        let score = peer_score(&similarities, overlap, links, fit.context);
        self.top.push(score);
        self.scored.push(Scored { lotse, score, pairs, overlap, fit });
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
            let Some(row) = self.index.project(theirs).and_then(|p| self.similarities.row(p.signature)) else {
                continue;
            };
            for (&similarity, mine) in row.iter().zip(&self.mine) {
                if similarity <= 0.0
                    || (best.len() == PROJECT_PAIRS_KEPT && similarity < best[PROJECT_PAIRS_KEPT - 1].0)
                {
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

/// Peers reached through similar projects, shared contacts or shared collaborators. With a
/// limit, candidates are visited from the most similar projects down and the walk stops
/// once no candidate left can reach the best scored so far.
pub fn peers(graph: &Graph, query: &PeerQuery) -> StoreResult<PeerCandidates> {
    let me = graph.get::<Lotse>(&query.lotse).ok_or_else(|| missing(NodeKind::Lotse, &query.lotse))?;
    let index = graph.index();
    let number = |id: &Id| index.lotsen.get(id);
    let my_number = number(&me.id).expect("every Lotse has a number");
    let home = index.municipalities.get(&me.municipality).expect("every Lotse's municipality has a number");
    let home_population = index.place(home).and_then(|p| p.population);
    let rarity = index.rarities();
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
    let mut my_profile = TopicBits::new(index.topics.count());
    profile(index, my_number, &mut my_profile);
    let order = TopicOrder::new(index, &rarity);
    let mut search = PeerSearch {
        index,
        home,
        my_contacts: my_contact_ids.iter().filter_map(|id| number(id)).collect(),
        similarities: Similarities::new(index, &rarity, &origins),
        mine: by_signature.into_values().collect(),
        my_profile_weight: my_profile.weight(&order, &rarity),
        order,
        their_profile: my_profile.clone(),
        my_profile,
        rarity,
        my_projects,
        places: Places::new(graph, &query.filter, home),
        seen: vec![false; index.lotsen.count()],
        top: TopScores::new(query.limit.unwrap_or(usize::MAX)),
        scored: Vec::new(),
    };
    search.seen[my_number as usize] = true;
    for (id, links) in &links {
        if let Some(lotse) = number(id).filter(|&l| !std::mem::replace(&mut search.seen[l as usize], true)) {
            search.consider(lotse, links.count(), 1.0);
        }
    }
    let similarities = std::mem::take(&mut search.similarities.order);
    for &row in &similarities {
        let best_pair = search.similarities.best[row as usize];
        if !search.top.reachable(peer_score_ceiling(best_pair, 1.0)) {
            break;
        }
        for &theirs in index.signatures.projects(search.similarities.signature[row as usize]) {
            if search.my_projects.contains(&theirs) {
                continue;
            }
            for &lotse in index.project(theirs).map_or(&[][..], |p| &p.members) {
                if !std::mem::replace(&mut search.seen[lotse as usize], true) {
                    search.consider(lotse, 0, best_pair);
                }
            }
        }
    }

    let threshold = search.top.threshold().unwrap_or(f64::NEG_INFINITY);
    let no_links = Links::default();
    let mut their_profile = search.their_profile.clone();
    let mut candidates: Vec<PeerFeatures> = search
        .scored
        .iter()
        .filter(|s| s.score >= threshold)
        .map(|s| {
            let id = index.lotsen.id(s.lotse);
            let lotse = graph.get::<Lotse>(id).expect("scored Lotsen exist");
            let links = links.get(id).unwrap_or(&no_links);
            profile(index, s.lotse, &mut their_profile);
            PeerFeatures {
                lotse: label::<Lotse>(graph, id),
                municipality: label::<Municipality>(graph, &lotse.municipality),
                population: s.fit.population,
                distance_km: s.fit.distance_km,
                shared_topics: shared_topics(
                    graph,
                    (&search.order, &search.rarity),
                    &search.my_profile,
                    &their_profile,
                ),
                topic_overlap: s.overlap,
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

/// Projects of other municipalities sharing at least one topic, with their cosine
/// similarity; with a limit, visited from the most similar down until none left can reach
/// the best.
pub fn projects(graph: &Graph, query: &ProjectQuery) -> StoreResult<ProjectCandidates> {
    let origin = graph.get::<Project>(&query.project).ok_or_else(|| missing(NodeKind::Project, &query.project))?;
    let index = graph.index();
    let entry = index.projects.get(&origin.id).and_then(|n| index.project(n)).expect("every project is indexed");
    let rarity = index.rarities();
    let similarities = Similarities::new(index, &rarity, &[entry.signature]);
    let no_filter = PeerFilter::default();
    let mut places = Places::new(graph, &no_filter, entry.municipality);
    let mut top = TopScores::new(query.limit.unwrap_or(usize::MAX));
    let mut scored: Vec<(u32, f64, f64, PlaceFit)> = Vec::new();
    for &row in &similarities.order {
        let similarity = similarities.best[row as usize];
        if !top.reachable(project_score_ceiling(similarity)) {
            break;
        }
        for &other in index.signatures.projects(similarities.signature[row as usize]) {
            let Some(p) = index.project(other).filter(|p| p.municipality != entry.municipality) else { continue };
            let fit = places.fit(p.municipality);
            let score = project_score(similarity, p.status, fit.context);
            top.push(score);
            scored.push((other, score, similarity, fit));
        }
    }
    let threshold = top.threshold().unwrap_or(f64::NEG_INFINITY);
    let order = TopicOrder::new(index, &rarity);
    let mut origin_topics = TopicBits::new(index.topics.count());
    index.signatures.topics(entry.signature).iter().for_each(|&t| origin_topics.insert(t));
    let mut their_topics = origin_topics.clone();
    let mut candidates: Vec<ProjectFeatures> = scored
        .into_iter()
        .filter(|s| s.1 >= threshold)
        .filter_map(|(other, _, similarity, fit)| {
            let project = graph.get::<Project>(index.projects.id(other))?;
            their_topics.clear();
            index.signatures.topics(index.project(other)?.signature).iter().for_each(|&t| their_topics.insert(t));
            Some(ProjectFeatures {
                project: label::<Project>(graph, &project.id),
                municipality: label::<Municipality>(graph, &project.municipality),
                status: project.status,
                population: fit.population,
                distance_km: fit.distance_km,
                similarity,
                shared_topics: shared_topics(graph, (&order, &rarity), &origin_topics, &their_topics),
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
