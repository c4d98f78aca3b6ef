//! Stage 1 of `recommendPeers`: every Lotse the walk, the project texts or a mutual link
//! reaches, with the three relevance signals and what explains them.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::domain::{Lotse, Municipality, NodeKind, Project};
use crate::matching::*;
use crate::store::StoreResult;

use super::candidates::{Places, TopicBits, label, labels, missing, shared_into, shared_topics};
use super::exclude::excluded_peers;
use super::index::MatchIndex;
use super::network::Graph;
use super::walk::{WALK, WalkSettings, walk};
use super::weights::{Distinct, Sums, TopicWeights};

/// Terms of my text profile a question looks up: the heaviest ones.
const PROFILE_TERMS: usize = 32;
/// Terms in more than this share of all projects (and at least `COMMON_TERM_MIN` of them)
/// say little and are not looked up.
const COMMON_TERM_SHARE: f64 = 0.02;
const COMMON_TERM_MIN: usize = 50;

/// Text similarity of my profile to every Lotse sharing a looked-up term, with the project of
/// theirs closest to my profile.
struct TextMatch {
    /// By Lotse number: similarity and closest project; [`TextMatch::NONE`] for those not reached.
    by_lotse: Vec<(f64, u32)>,
    /// The Lotsen reached, each once.
    reached: Vec<u32>,
}

impl TextMatch {
    const NONE: (f64, u32) = (0.0, u32::MAX);

    fn get(&self, lotse: u32) -> Option<(f64, u32)> {
        Some(self.by_lotse[lotse as usize]).filter(|&(_, project)| project != u32::MAX)
    }
}

fn text_matches(index: &MatchIndex, weights: &TopicWeights, me: u32) -> TextMatch {
    let texts = &index.texts;
    let mut profile: HashMap<u32, f64> = HashMap::default();
    for &p in index.projects_of(me) {
        for &(t, c) in texts.of_project(p) {
            *profile.entry(t).or_default() += weights.text_weight(p, t, c);
        }
    }
    let my_norm = weights.profile_norms.get(me as usize).copied().unwrap_or(0.0);
    let live = weights.text_norms.len() as f64;
    let common = COMMON_TERM_MIN.max((COMMON_TERM_SHARE * live) as usize);
    let mut heaviest: Vec<(u32, f64)> =
        profile.into_iter().filter(|&(t, w)| w > 0.0 && texts.postings(t).len() <= common).collect();
    heaviest.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| texts.term(a.0).cmp(texts.term(b.0))));
    heaviest.truncate(PROFILE_TERMS);
    let mut dots = Sums::new(index.projects.count());
    for &(t, w) in &heaviest {
        for &(q, count) in texts.postings(t) {
            dots.add(q, w * weights.text_weight(q, t, count));
        }
    }
    let mine: HashSet<u32> = index.projects_of(me).iter().copied().collect();
    let mut by_lotse = vec![TextMatch::NONE; index.lotsen.count()];
    let mut reached: Vec<u32> = Vec::new();
    for &q in dots.touched() {
        let dot = dots.get(q);
        if mine.contains(&q) {
            continue;
        }
        for &l in index.project(q).map_or(&[][..], |p| &p.members) {
            let entry = &mut by_lotse[l as usize];
            if entry.1 == u32::MAX {
                *entry = (0.0, q);
                reached.push(l);
            }
            entry.0 += dot;
            let best = dots.get(entry.1);
            let order = &weights.project_order;
            if dot > best || (dot == best && order[q as usize] < order[entry.1 as usize]) {
                entry.1 = q;
            }
        }
    }
    for &l in &reached {
        let entry = &mut by_lotse[l as usize];
        let norm = my_norm * weights.profile_norms[l as usize];
        entry.0 = if norm > 0.0 { (entry.0 / norm).min(1.0) } else { 0.0 };
    }
    TextMatch { by_lotse, reached }
}

/// Mutual collaborators and contacts of each Lotse linked to me, with their Adamic-Adar sum.
#[derive(Default)]
struct Links {
    strength: f64,
    collaborators: Vec<u32>,
    contacts: Vec<u32>,
}

/// The distinct co-members of a Lotse, in number order.
fn co_members(index: &MatchIndex, lotse: u32) -> Vec<u32> {
    let mut found: Vec<u32> = index
        .projects_of(lotse)
        .iter()
        .filter_map(|&p| index.project(p))
        .flat_map(|p| p.members.iter().copied())
        .filter(|&m| m != lotse)
        .collect();
    found.sort_unstable();
    found.dedup();
    found
}

fn links(index: &MatchIndex, weights: &TopicWeights, me: u32) -> HashMap<u32, Links> {
    let mut found: HashMap<u32, Links> = HashMap::default();
    let mut seen = Distinct::new(index.lotsen.count());
    for middle in co_members(index, me) {
        let weight = 1.0 / (1.0 + f64::from(weights.collaborators[middle as usize])).ln();
        seen.start(middle);
        seen.first(me);
        for project in index.projects_of(middle).iter().filter_map(|&p| index.project(p)) {
            for &other in project.members.iter().filter(|&&o| seen.first(o)) {
                let link = found.entry(other).or_default();
                link.strength += weight;
                link.collaborators.push(middle);
            }
        }
    }
    let mut contacts = index.contacts(me).to_vec();
    contacts.sort_unstable();
    contacts.dedup();
    for middle in contacts {
        let theirs = index.contacts(middle);
        let weight = 1.0 / (1.0 + theirs.len() as f64).ln();
        for &other in theirs.iter().filter(|&&o| o != me) {
            let link = found.entry(other).or_default();
            link.strength += weight;
            link.contacts.push(middle);
        }
    }
    found
}

/// A signal rounded to 12 decimals. Stores may number nodes in a different order, so sums over
/// them may differ in the last bits; rounded, both give the same answer.
fn settled(x: f64) -> f64 {
    (x * 1e12).round() / 1e12
}

/// A candidate that passed every rule, with its signals and place.
struct Candidate {
    lotse: u32,
    signals: PeerSignals,
    score: f64,
    population: Option<u32>,
    distance_km: Option<f64>,
}

/// Peers reached by the walk, by project texts or by a mutual link, scored by
/// [`peer_score`]; with a limit, only those scoring at least the `limit`-th best.
pub fn peers(graph: &Graph, query: &PeerQuery) -> StoreResult<PeerCandidates> {
    peers_with(graph, query, &WALK)
}

/// [`peers`] with other settings of the walk, for `evaluate --walk-grid`.
pub fn peers_with(graph: &Graph, query: &PeerQuery, settings: &WalkSettings) -> StoreResult<PeerCandidates> {
    let me = graph.get::<Lotse>(&query.lotse).ok_or_else(|| missing(NodeKind::Lotse, &query.lotse))?;
    let index = graph.index();
    let my_number = index.lotsen.get(&me.id).expect("every Lotse has a number");
    let home = index.municipalities.get(&me.municipality).expect("every Lotse's municipality has a number");
    let weights = graph.weights();
    let excluded = excluded_peers(graph, me, query.include_co_members);
    let walked = walk(index, weights, my_number, settings);
    let text = text_matches(index, weights, my_number);
    let links = links(index, weights, my_number);

    let mut places = Places::new(graph, &query.filter, home);
    // Without a filter a place only has to exist; its context is worked out below, only for
    // those who can still make the cut.
    let filtered = query.filter != PeerFilter::default();
    let mut seen = vec![false; index.lotsen.count()];
    let reached = walked.reached.iter().chain(&text.reached).chain(links.keys());
    let mut admitted: Vec<u32> = Vec::new();
    for &lotse in reached {
        if std::mem::replace(&mut seen[lotse as usize], true) || excluded.contains(&lotse) {
            continue;
        }
        let brief = index.brief(lotse);
        if !brief.live || !brief.visible || brief.municipality == home {
            continue;
        }
        let fits =
            if filtered { places.fit(brief.municipality).fits } else { index.place(brief.municipality).is_some() };
        if fits {
            admitted.push(lotse);
        }
    }
    let walk_best = admitted.iter().map(|&l| walked.score[l as usize]).fold(0.0, f64::max);
    // Each with its score without context (context 0): the score with it lies between that
    // and that plus the context's weight.
    let mut signalled: Vec<(u32, PeerSignals, f64)> = admitted
        .into_iter()
        .map(|lotse| {
            let signals = PeerSignals {
                walk: settled(if walk_best > 0.0 { walked.score[lotse as usize] / walk_best } else { 0.0 }),
                text: settled(text.get(lotse).map_or(0.0, |t| t.0)),
                network: settled(links.get(&lotse).map_or(0.0, |l| 1.0 - (-l.strength).exp())),
            };
            (lotse, signals, peer_score(&signals, 0.0, &PEER_WEIGHTS))
        })
        .filter(|(_, s, _)| s.walk > 0.0 || s.text > 0.0 || s.network > 0.0)
        .collect();
    if let Some(at) = query.limit.and_then(|limit| limit.checked_sub(1)).filter(|&at| at < signalled.len()) {
        let floor = signalled.select_nth_unstable_by(at, |a, b| b.2.total_cmp(&a.2)).1.2;
        let reach = PEER_WEIGHTS.context.max(0.0);
        signalled.retain(|&(_, _, without)| without + reach >= floor);
    }
    let mut candidates: Vec<Candidate> = signalled
        .into_iter()
        .map(|(lotse, signals, _)| {
            let fit = places.fit(index.brief(lotse).municipality);
            let score = peer_score(&signals, fit.context, &PEER_WEIGHTS);
            Candidate { lotse, signals, score, population: fit.population, distance_km: fit.distance_km }
        })
        .collect();
    let order = &weights.lotse_order;
    let better = |a: &Candidate, b: &Candidate| {
        b.score.total_cmp(&a.score).then_with(|| order[a.lotse as usize].cmp(&order[b.lotse as usize]))
    };
    if let Some(limit) = query.limit {
        // Only the `limit`-th best needs finding: everyone scoring as well stays.
        let floor = match limit.checked_sub(1) {
            Some(at) if at < candidates.len() => candidates.select_nth_unstable_by(at, better).1.score,
            Some(_) => f64::NEG_INFINITY,
            None => f64::INFINITY,
        };
        candidates.retain(|c| c.score >= floor);
    }
    let kept: Vec<(u32, Option<u32>)> = candidates.iter().map(|c| (c.lotse, text.get(c.lotse).map(|t| t.1))).collect();
    let explain = Explainer::new(graph, my_number, &kept);
    let mut features: Vec<PeerFeatures> = candidates
        .iter()
        .zip(&kept)
        .map(|(c, &(_, text_project))| explain.features(c, text_project, links.get(&c.lotse)))
        .collect();
    features.sort_by(|a, b| a.lotse.id.cmp(&b.lotse.id));
    Ok(PeerCandidates { population: places.home_population, candidates: features })
}

/// Works out what explains a kept candidate: shared topics, similar projects, names.
struct Explainer<'g> {
    graph: &'g Graph,
    index: &'g MatchIndex,
    weights: &'g TopicWeights,
    /// My projects by number.
    my_projects: Vec<u32>,
    /// For every signature of a kept candidate's project sharing a topic with one of my
    /// projects, the pairs of its projects with mine whose topics are most similar:
    /// (similarity, my project), most similar first, then by the id of my project; at most
    /// [`PROJECT_PAIRS_KEPT`].
    pairs: HashMap<u32, Vec<(f64, u32)>>,
    my_topics: TopicBits,
    /// The terms of the kept candidates' closest texts in my projects: (my project, count) by
    /// term, in project number order.
    my_terms: HashMap<u32, Vec<(u32, u32)>>,
}

/// Puts `item` into `best` (ordered by `before`, at most [`PROJECT_PAIRS_KEPT`] long) if it
/// belongs there; tells whether it did.
fn keep_best<T>(best: &mut Vec<T>, item: T, before: impl Fn(&T, &T) -> bool) -> bool {
    let at = best.iter().position(|b| before(&item, b)).unwrap_or(best.len());
    if at >= PROJECT_PAIRS_KEPT {
        return false;
    }
    best.insert(at, item);
    best.truncate(PROJECT_PAIRS_KEPT);
    true
}

impl<'g> Explainer<'g> {
    /// What explains the candidates `kept` (with the project of theirs whose text is closest
    /// to mine): the best project pairs are worked out only for the signatures of their
    /// projects, text pairs only over the terms of those closest projects.
    fn new(graph: &'g Graph, me: u32, kept: &[(u32, Option<u32>)]) -> Self {
        let index = graph.index();
        let weights = graph.weights();
        let mut my_projects = index.projects_of(me).to_vec();
        my_projects.sort_unstable();
        let mut by_signature: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
        for &p in &my_projects {
            if let Some(entry) = index.project(p) {
                by_signature.entry(entry.signature).or_default().push(p);
            }
        }
        by_signature.values_mut().for_each(|group| group.sort_unstable_by_key(|&p| weights.project_order[p as usize]));
        let origins: Vec<u32> = by_signature.keys().copied().collect();
        let mine: Vec<Vec<u32>> = by_signature.into_values().collect();
        // Which of my signatures (by place in `origins`) have each topic, in that order.
        let mut origins_with: HashMap<u32, Vec<u32>> = HashMap::default();
        for (j, &origin) in origins.iter().enumerate() {
            index.signatures.topics(origin).iter().for_each(|&t| origins_with.entry(t).or_default().push(j as u32));
        }
        let mut needed: Vec<u32> = kept
            .iter()
            .flat_map(|&(l, _)| index.projects_of(l))
            .filter_map(|&p| index.project(p).map(|e| e.signature))
            .collect();
        needed.sort_unstable();
        needed.dedup();
        let order = &weights.project_order;
        let before = |a: &(f64, u32), b: &(f64, u32)| match b.0.total_cmp(&a.0) {
            std::cmp::Ordering::Equal => order[a.1 as usize] < order[b.1 as usize],
            other => other == std::cmp::Ordering::Less,
        };
        let mut pairs: HashMap<u32, Vec<(f64, u32)>> = HashMap::default();
        // Dot products with my signatures, by place in `origins`, summed in the order of the
        // other signature's topics.
        let mut dots = Sums::new(origins.len());
        for signature in needed {
            for &t in index.signatures.topics(signature) {
                for &j in origins_with.get(&t).into_iter().flatten() {
                    dots.add(j, weights.squares[t as usize]);
                }
            }
            if dots.touched().is_empty() {
                continue;
            }
            let best = pairs.entry(signature).or_default();
            for (j, dot) in dots.drain() {
                let similarity =
                    dot / (weights.norms[origins[j as usize] as usize] * weights.norms[signature as usize]);
                // In id order: once one of the group stays out, the rest would too.
                for &my_project in &mine[j as usize] {
                    if !keep_best(best, (similarity, my_project), before) {
                        break;
                    }
                }
            }
        }
        let mut my_terms: HashMap<u32, Vec<(u32, u32)>> = kept
            .iter()
            .filter_map(|&(_, text)| text)
            .flat_map(|p| index.texts.of_project(p))
            .map(|&(t, _)| (t, Vec::new()))
            .collect();
        for &p in &my_projects {
            for &(t, c) in index.texts.of_project(p) {
                if let Some(with_term) = my_terms.get_mut(&t) {
                    with_term.push((p, c));
                }
            }
        }
        let mut my_topics = TopicBits::new(index.topics.count());
        index.profile(me).iter().for_each(|&t| my_topics.insert(t));
        Self { graph, index, weights, pairs, my_projects, my_topics, my_terms }
    }

    fn features(&self, c: &Candidate, text_project: Option<u32>, links: Option<&Links>) -> PeerFeatures {
        let (graph, index) = (self.graph, self.index);
        let id = index.lotsen.id(c.lotse);
        let lotse = graph.get::<Lotse>(id).expect("candidates exist");
        let mut shared = Vec::new();
        shared_into(&self.my_topics, index.profile(c.lotse), self.weights, &mut shared);
        let names = |numbers: &[u32]| {
            let mut ids: Vec<_> = numbers.iter().map(|&n| index.lotsen.id(n)).collect();
            ids.sort();
            ids.dedup();
            labels::<Lotse>(graph, ids)
        };
        PeerFeatures {
            lotse: label::<Lotse>(graph, id),
            municipality: label::<Municipality>(graph, &lotse.municipality),
            population: c.population,
            distance_km: c.distance_km,
            signals: c.signals,
            shared_topics: shared_topics(graph, &self.weights.rarity, &shared),
            project_pairs: self.best_pairs(c.lotse),
            text_pair: text_project.and_then(|theirs| self.text_pair(theirs)),
            mutual_contacts: links.map_or_else(Vec::new, |l| names(&l.contacts)),
            mutual_collaborators: links.map_or_else(Vec::new, |l| names(&l.collaborators)),
        }
    }

    fn pair(&self, mine: u32, theirs: u32, similarity: f64) -> ProjectPair {
        let ids = &self.index.projects;
        ProjectPair {
            mine: label::<Project>(self.graph, ids.id(mine)),
            theirs: label::<Project>(self.graph, ids.id(theirs)),
            similarity,
        }
    }

    /// Their project with my project whose text is closest to it.
    fn text_pair(&self, theirs: u32) -> Option<ProjectPair> {
        // Dot products with each of my projects sharing a term, summed in term order.
        let mut dots: HashMap<u32, f64> = HashMap::default();
        for &(t, theirs_count) in self.index.texts.of_project(theirs) {
            let their_weight = self.weights.text_weight(theirs, t, theirs_count);
            for &(mine, c) in self.my_terms.get(&t).into_iter().flatten() {
                *dots.entry(mine).or_default() += self.weights.text_weight(mine, t, c) * their_weight;
            }
        }
        let order = &self.weights.project_order;
        let best = dots
            .into_iter()
            .filter(|(_, dot)| *dot > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1).then_with(|| order[b.0 as usize].cmp(&order[a.0 as usize])))?;
        Some(self.pair(best.0, theirs, settled(best.1.min(1.0))))
    }

    /// The pairs of my projects and the candidate's other projects with the most similar
    /// topics, most similar first, ties by the ids of both projects.
    fn best_pairs(&self, lotse: u32) -> Vec<ProjectPair> {
        let order = |p: u32| self.weights.project_order[p as usize];
        let before = |a: &(f64, u32, u32), b: &(f64, u32, u32)| match b.0.total_cmp(&a.0) {
            std::cmp::Ordering::Equal => (order(a.1), order(a.2)) < (order(b.1), order(b.2)),
            other => other == std::cmp::Ordering::Less,
        };
        let mut best: Vec<(f64, u32, u32)> = Vec::with_capacity(PROJECT_PAIRS_KEPT + 1);
        for &theirs in self.index.projects_of(lotse) {
            if self.my_projects.binary_search(&theirs).is_ok() {
                continue;
            }
            let Some(signature) = self.index.project(theirs).map(|p| p.signature) else { continue };
            // Most similar first: once one of them stays out, the rest would too.
            for &(similarity, mine) in self.pairs.get(&signature).into_iter().flatten() {
                if !keep_best(&mut best, (similarity, mine, theirs), before) {
                    break;
                }
            }
        }
        best.into_iter().map(|(s, mine, theirs)| self.pair(mine, theirs, s)).collect()
    }
}
