//! Topic weights of the whole network for matchmaking. They change with every project and
//! topic, but not between questions: the graph works them out on the first question after a
//! change and shares them with every question until the next.

use crate::matching::rarest_first;

use rustc_hash::FxHashMap;

use super::index::MatchIndex;
use super::network::Graph;

pub struct TopicWeights {
    /// Rarity of each topic, by number.
    pub rarity: Vec<f64>,
    /// Squared rarity of each topic, the weight of a shared topic in a dot product.
    pub squares: Vec<f64>,
    /// Rank of each topic in the order shared topics are listed and their rarities summed
    /// (rarest first, then by id), so sums give the same bits as the Neo4j store.
    pub rank: Vec<u32>,
    /// Norm of every signature's rarity-weighted topic vector.
    pub norms: Vec<f64>,
    /// Live projects about each topic.
    pub projects_about: Vec<u32>,
    /// Inverse document frequency of every term of project texts, `ln(P / P_term)`: 0 for a
    /// word in every project.
    pub idf: Vec<f64>,
    /// Norm of every project's TF-IDF vector (0 for projects without words).
    pub text_norms: Vec<f64>,
    /// Norm of every Lotse's text profile, the sum of their projects' unit TF-IDF vectors.
    pub profile_norms: Vec<f64>,
    /// How many distinct Lotsen share a project with each Lotse.
    pub collaborators: Vec<u32>,
    /// Each Lotse's and each project's place in id order, for ties.
    pub lotse_order: Vec<u32>,
    pub project_order: Vec<u32>,
}

impl TopicWeights {
    pub fn new(graph: &Graph) -> Self {
        let index = graph.index();
        let topics = &index.topics;
        let rarity: Vec<f64> = (0..topics.count() as u32).map(|t| graph.rarity(topics.id(t))).collect();
        let squares: Vec<f64> = rarity.iter().map(|r| r.powi(2)).collect();
        let mut ordered: Vec<u32> = (0..topics.count() as u32).collect();
        ordered.sort_by(|&a, &b| rarest_first((rarity[a as usize], topics.id(a)), (rarity[b as usize], topics.id(b))));
        let mut rank = vec![0; ordered.len()];
        for (at, &topic) in ordered.iter().enumerate() {
            rank[topic as usize] = at as u32;
        }
        let signatures = &index.signatures;
        let norms = (0..signatures.count() as u32)
            .map(|sig| signatures.topics(sig).iter().map(|&t| squares[t as usize]).sum::<f64>().sqrt())
            .collect();
        let mut projects_about = vec![0u32; topics.count()];
        for sig in 0..signatures.count() as u32 {
            for &t in signatures.topics(sig) {
                projects_about[t as usize] += signatures.projects(sig).len() as u32;
            }
        }
        let (idf, text_norms, profile_norms) = text_weights(index);
        Self {
            rarity,
            squares,
            rank,
            norms,
            projects_about,
            idf,
            text_norms,
            profile_norms,
            collaborators: collaborator_counts(index),
            lotse_order: index.lotsen.id_order(),
            project_order: index.projects.id_order(),
        }
    }

    /// The weight of a term in a project's unit TF-IDF vector.
    pub fn text_weight(&self, project: u32, term: u32, count: u32) -> f64 {
        let norm = self.text_norms[project as usize];
        if norm > 0.0 { f64::from(count) * self.idf[term as usize] / norm } else { 0.0 }
    }
}

/// The number of distinct co-members of every Lotse.
fn collaborator_counts(index: &MatchIndex) -> Vec<u32> {
    let mut seen = Distinct::new(index.lotsen.count());
    (0..index.lotsen.count() as u32)
        .map(|l| {
            seen.start(l);
            let others = index.projects_of(l).iter().filter_map(|&p| index.project(p)).flat_map(|p| p.members.iter());
            others.filter(|&&m| seen.first(m)).count() as u32
        })
        .collect()
}

/// Tells the first sight of each Lotse within a round, without clearing anything between
/// rounds: a Lotse is marked with the round it was last seen in.
pub struct Distinct {
    round: Vec<u32>,
    now: u32,
}

impl Distinct {
    pub fn new(lotsen: usize) -> Self {
        Self { round: vec![u32::MAX; lotsen], now: u32::MAX }
    }

    /// Starts a round, named by a Lotse number, in which `name` itself counts as seen.
    pub fn start(&mut self, name: u32) {
        self.now = name;
        self.round[name as usize] = name;
    }

    /// Whether `lotse` is seen for the first time this round.
    pub fn first(&mut self, lotse: u32) -> bool {
        std::mem::replace(&mut self.round[lotse as usize], self.now) != self.now
    }
}

/// Sums by number, kept dense, with the numbers touched in the order first touched: adding is
/// an index, and only the touched need reading or clearing. Every addend is positive, so a
/// sum of 0 means untouched.
pub struct Sums {
    values: Vec<f64>,
    touched: Vec<u32>,
}

impl Sums {
    pub fn new(len: usize) -> Self {
        Self { values: vec![0.0; len], touched: Vec::new() }
    }

    pub fn add(&mut self, n: u32, x: f64) {
        let value = &mut self.values[n as usize];
        if *value == 0.0 {
            self.touched.push(n);
        }
        *value += x;
    }

    pub fn get(&self, n: u32) -> f64 {
        self.values[n as usize]
    }

    /// The numbers touched, in the order first touched.
    pub fn touched(&self) -> &[u32] {
        &self.touched
    }

    /// Takes every sum out (number, sum) in the order first touched, leaving all zero.
    pub fn drain(&mut self) -> impl Iterator<Item = (u32, f64)> + '_ {
        let values = &mut self.values;
        self.touched.drain(..).map(|n| (n, std::mem::take(&mut values[n as usize])))
    }
}

/// Term weights, project norms and Lotse profile norms of the project texts.
fn text_weights(index: &MatchIndex) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let texts = &index.texts;
    let live = (0..index.projects.count() as u32).filter(|&p| index.project(p).is_some()).count();
    let idf: Vec<f64> = (0..texts.count() as u32)
        .map(|t| (live.max(1) as f64 / texts.postings(t).len().max(1) as f64).ln().max(0.0))
        .collect();
    let text_norms: Vec<f64> = (0..index.projects.count() as u32)
        .map(|p| {
            let squares = texts.of_project(p).iter().map(|&(t, c)| (f64::from(c) * idf[t as usize]).powi(2));
            squares.sum::<f64>().sqrt()
        })
        .collect();
    let mut profile = FxHashMap::<u32, f64>::default();
    let profile_norms = (0..index.lotsen.count() as u32)
        .map(|l| {
            profile.clear();
            for &p in index.projects_of(l) {
                for &(t, c) in texts.of_project(p) {
                    let norm = text_norms[p as usize];
                    if norm > 0.0 {
                        *profile.entry(t).or_default() += f64::from(c) * idf[t as usize] / norm;
                    }
                }
            }
            profile.values().map(|w| w * w).sum::<f64>().sqrt()
        })
        .collect();
    (idf, text_norms, profile_norms)
}
