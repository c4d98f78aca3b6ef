//! The classic link-prediction baselines `evaluate` scores next to the engine: random,
//! popularity, topic TF-IDF cosine of the two people's profiles, and friends of friends.

use rand::SeedableRng as _;
use rand::seq::SliceRandom as _;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::graph::Graph;
use crate::graph::index::MatchIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    Random,
    Popularity,
    TopicCosine,
    FriendsOfFriends,
}

impl Baseline {
    pub const ALL: [Baseline; 4] =
        [Baseline::Random, Baseline::Popularity, Baseline::TopicCosine, Baseline::FriendsOfFriends];

    pub fn name(self) -> &'static str {
        match self {
            Baseline::Random => "random",
            Baseline::Popularity => "popularity (most projects)",
            Baseline::TopicCosine => "topic TF-IDF cosine",
            Baseline::FriendsOfFriends => "friends of friends",
        }
    }
}

/// What the baselines need of the network, worked out once.
pub struct Baselines<'g> {
    index: &'g MatchIndex,
    seed: u64,
    /// Live Lotsen, most projects first, then by id.
    popular: Vec<u32>,
    /// Each Lotse's rarity-weighted topic profile, of length 1.
    profiles: Vec<Vec<(u32, f64)>>,
    /// Lotsen by topic, with their profile's weight of it.
    by_topic: HashMap<u32, Vec<(u32, f64)>>,
    co_members: Vec<Vec<u32>>,
}

impl<'g> Baselines<'g> {
    pub fn new(graph: &'g Graph, seed: u64) -> Self {
        let index = graph.index();
        let rarity = &graph.weights().rarity;
        let lotsen = index.lotsen.count() as u32;
        let live: Vec<u32> = (0..lotsen).filter(|&l| index.brief(l).live).collect();
        let mut popular = live.clone();
        popular.sort_by(|&a, &b| {
            let projects = |l: u32| index.projects_of(l).len();
            projects(b).cmp(&projects(a)).then_with(|| index.lotsen.id(a).cmp(index.lotsen.id(b)))
        });
        let mut profiles = vec![Vec::new(); lotsen as usize];
        let mut by_topic: HashMap<u32, Vec<(u32, f64)>> = HashMap::default();
        let mut co_members = vec![Vec::new(); lotsen as usize];
        for &l in &live {
            let mut weights: HashMap<u32, f64> = HashMap::default();
            let mut others: HashSet<u32> = HashSet::default();
            for project in index.projects_of(l).iter().filter_map(|&p| index.project(p)) {
                for &t in index.signatures.topics(project.signature) {
                    *weights.entry(t).or_default() += rarity[t as usize];
                }
                others.extend(project.members.iter().copied().filter(|&m| m != l));
            }
            let norm = weights.values().map(|w| w * w).sum::<f64>().sqrt();
            let mut profile: Vec<(u32, f64)> = weights.into_iter().map(|(t, w)| (t, w / norm)).collect();
            profile.sort_unstable_by_key(|&(t, _)| t);
            for &(t, w) in &profile {
                by_topic.entry(t).or_default().push((l, w));
            }
            profiles[l as usize] = profile;
            let mut others: Vec<u32> = others.into_iter().collect();
            others.sort_unstable();
            co_members[l as usize] = others;
        }
        Self { index, seed, popular, profiles, by_topic, co_members }
    }

    /// The Lotsen who already work on a project with `lotse`.
    pub fn co_members(&self, lotse: u32) -> &[u32] {
        &self.co_members[lotse as usize]
    }

    /// The best `n` for `user` by a baseline, leaving out `excluded`.
    pub fn rank(&self, baseline: Baseline, user: u32, excluded: &HashSet<u32>, n: usize) -> Vec<u32> {
        let allowed = |l: &u32| !excluded.contains(l) && self.index.brief(*l).live;
        match baseline {
            Baseline::Random => {
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(self.seed ^ (u64::from(user) << 20));
                let mut all: Vec<u32> = self.popular.iter().copied().filter(allowed).collect();
                all.sort_unstable();
                let (chosen, _) = all.partial_shuffle(&mut rng, n);
                chosen.to_vec()
            }
            Baseline::Popularity => self.popular.iter().copied().filter(allowed).take(n).collect(),
            Baseline::TopicCosine => {
                let mut scores: HashMap<u32, f64> = HashMap::default();
                for &(t, w) in &self.profiles[user as usize] {
                    for &(other, v) in self.by_topic.get(&t).map_or(&[][..], Vec::as_slice) {
                        *scores.entry(other).or_default() += w * v;
                    }
                }
                self.best(scores, allowed, n)
            }
            Baseline::FriendsOfFriends => {
                let mut scores: HashMap<u32, f64> = HashMap::default();
                for &middle in self.co_members(user) {
                    let degree = self.co_members(middle).len() as f64;
                    for &other in self.co_members(middle) {
                        *scores.entry(other).or_default() += 1.0 / degree.ln();
                    }
                }
                self.best(scores, allowed, n)
            }
        }
    }

    /// The `n` highest scores among the allowed, ties by id.
    fn best(&self, scores: HashMap<u32, f64>, allowed: impl Fn(&u32) -> bool, n: usize) -> Vec<u32> {
        let mut scored: Vec<(f64, u32)> =
            scores.into_iter().filter(|(l, s)| allowed(l) && *s > 0.0).map(|(l, s)| (s, l)).collect();
        scored
            .sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| self.index.lotsen.id(a.1).cmp(self.index.lotsen.id(b.1))));
        scored.into_iter().take(n).map(|(_, l)| l).collect()
    }
}
