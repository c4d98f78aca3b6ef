//! A personalised random walk with restart from one Lotse over Lotsen, projects and topics.
//!
//! The walker starts at the asking Lotse; at every step it goes home with probability
//! `restart` (α), else along an edge chosen by weight: Lotse–project 1, Lotse–Lotse (accepted
//! contact) `contact_weight`, project–topic and Lotse–topic (competence) `topic_weight ×
//! rarity`. A topic hands its walkers on evenly to its projects and competent Lotsen, so a
//! topic shared by few carries much further than one shared by thousands. The score of a
//! Lotse is the probability of finding the walker there (personalised PageRank).
//!
//! It is computed by power iteration over `steps` steps: `π = Σₖ α (1−α)ᵏ xₖ`, where `xₖ` is
//! where the walker is after `k` steps without a restart. A node hands its share on only when
//! it holds at least `push_threshold` per edge. The mass of one step sums to at most 1, so a
//! step visits at most `1 / push_threshold` edges and a walk `steps / push_threshold`,
//! whatever the size of the network or the degree of a node: a topic of thousands of projects
//! is passed on only when the walker is there with a probability of thousands of thresholds.
//! Error bound: the walk's total mass left out is at most `(1−α)^(steps+1)` (steps not taken)
//! plus the mass of the nodes held back, each of which held less than `push_threshold` times
//! its edges; no score is above the exact personalised PageRank.

use super::index::MatchIndex;
use super::weights::TopicWeights;

/// How the walker walks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WalkSettings {
    /// Probability of going home at each step (α).
    pub restart: f64,
    /// Steps taken: 4 reaches Lotsen two hops away (through a project or a topic) and four
    /// hops away (through a project and a topic, or two projects).
    pub steps: usize,
    /// Weight of a topic edge per unit of the topic's rarity, against 1 for a membership.
    pub topic_weight: f64,
    /// Weight of an accepted contact, against 1 for a membership.
    pub contact_weight: f64,
    /// Least share per edge a node must hold to hand it on.
    pub push_threshold: f64,
}

/// The settings every question uses.
pub const WALK: WalkSettings =
    WalkSettings { restart: 0.3, steps: 4, topic_weight: 0.2, contact_weight: 1.0, push_threshold: 1e-6 };

/// Where the walker is, by node kind: dense, one entry per node of the index. A step scans
/// every entry: on a network whose few topics reach most projects within two steps that is
/// cheaper than keeping a list of the nodes touched, and each push is a plain addition.
#[derive(Default)]
struct Mass {
    lotsen: Vec<f64>,
    projects: Vec<f64>,
    topics: Vec<f64>,
}

thread_local! {
    /// The two masses of the last walk on this thread, all zero: allocating and zeroing
    /// arrays of the whole network for each walk would cost more than reusing them.
    static SPARE: std::cell::Cell<(Mass, Mass)> = std::cell::Cell::default();
}

impl Mass {
    /// Makes room for every node of the index; the entries stay zero.
    fn fit(&mut self, index: &MatchIndex) {
        self.lotsen.resize(index.lotsen.count(), 0.0);
        self.projects.resize(index.projects.count(), 0.0);
        self.topics.resize(index.topics.count(), 0.0);
    }
}

/// Takes every non-zero entry of `cells` out, in number order, leaving all zero.
fn drain(cells: &mut [f64], mut each: impl FnMut(u32, f64)) {
    for (n, cell) in cells.iter_mut().enumerate() {
        if *cell != 0.0 {
            each(n as u32, std::mem::take(cell));
        }
    }
}

/// The walk's probability of each Lotse (by number; the start included), and the Lotsen it
/// reached.
pub struct Walk {
    pub score: Vec<f64>,
    pub reached: Vec<u32>,
}

/// Walks from `start` and returns where the walker is likely to be.
pub fn walk(index: &MatchIndex, weights: &TopicWeights, start: u32, settings: &WalkSettings) -> Walk {
    let WalkSettings { restart, steps, topic_weight, contact_weight, push_threshold } = *settings;
    let mut score = vec![0.0; index.lotsen.count()];
    // Taken, not borrowed: a walk that panics leaves no half-filled masses behind.
    let (mut now, mut next) = SPARE.take();
    now.fit(index);
    next.fit(index);
    now.lotsen[start as usize] = 1.0;
    let topic_edge = |t: u32| topic_weight * weights.rarity[t as usize];
    let moving = 1.0 - restart;
    for step in 0..=steps {
        let last = step == steps;
        // On the last move only Lotsen are worth reaching: the walk ends there, and mass
        // handed to projects and topics would be counted nowhere.
        let onward = step + 1 < steps;
        let Mass { lotsen, projects, topics } = &mut next;
        drain(&mut now.lotsen, |l, mass| {
            score[l as usize] += restart * mass;
            if last {
                return;
            }
            let (mine, contacts, competences) = (index.projects_of(l), index.contacts(l), index.competences(l));
            let edges = mine.len() + contacts.len() + competences.len();
            if edges == 0 || mass < push_threshold * edges as f64 {
                return;
            }
            let total = mine.len() as f64
                + contact_weight * contacts.len() as f64
                + competences.iter().map(|&t| topic_edge(t)).sum::<f64>();
            let share = moving * mass / total;
            contacts.iter().for_each(|&c| lotsen[c as usize] += share * contact_weight);
            if onward {
                mine.iter().for_each(|&p| projects[p as usize] += share);
                competences.iter().for_each(|&t| topics[t as usize] += share * topic_edge(t));
            }
        });
        if last {
            break;
        }
        drain(&mut now.projects, |p, mass| {
            let Some(entry) = index.project(p) else { return };
            let about = index.signatures.topics(entry.signature);
            let edges = entry.members.len() + about.len();
            if edges == 0 || mass < push_threshold * edges as f64 {
                return;
            }
            let total = entry.members.len() as f64 + about.iter().map(|&t| topic_edge(t)).sum::<f64>();
            let share = moving * mass / total;
            entry.members.iter().for_each(|&l| lotsen[l as usize] += share);
            if onward {
                about.iter().for_each(|&t| topics[t as usize] += share * topic_edge(t));
            }
        });
        drain(&mut now.topics, |t, mass| {
            let competent = index.competent(t);
            let edges = weights.projects_about[t as usize] as usize + competent.len();
            if edges == 0 || mass < push_threshold * edges as f64 {
                return;
            }
            let share = moving * mass / edges as f64;
            if onward {
                for &signature in index.signatures.with_topic(t) {
                    index.signatures.projects(signature).iter().for_each(|&p| projects[p as usize] += share);
                }
            }
            competent.iter().for_each(|&l| lotsen[l as usize] += share);
        });
        std::mem::swap(&mut now, &mut next);
    }
    SPARE.set((now, next));
    let reached = (0..score.len() as u32).filter(|&l| score[l as usize] > 0.0).collect();
    Walk { score, reached }
}
