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

/// Where the walker is, by node kind; only the nodes in `touched` may be non-zero.
#[derive(Default)]
struct Mass {
    lotsen: Vec<f64>,
    projects: Vec<f64>,
    topics: Vec<f64>,
    touched: Vec<Node>,
}

#[derive(Clone, Copy)]
enum Node {
    Lotse(u32),
    Project(u32),
    Topic(u32),
}

thread_local! {
    /// The two masses of the last walk on this thread, all zero: a walk touches a few
    /// thousand nodes, and zeroing arrays of the whole network for each would cost more.
    static SPARE: std::cell::Cell<(Mass, Mass)> = std::cell::Cell::default();
}

impl Mass {
    /// Makes room for every node of the index; the entries stay zero.
    fn fit(&mut self, index: &MatchIndex) {
        self.lotsen.resize(index.lotsen.count(), 0.0);
        self.projects.resize(index.projects.count(), 0.0);
        self.topics.resize(index.topics.count(), 0.0);
    }

    fn cell(&mut self, node: Node) -> &mut f64 {
        match node {
            Node::Lotse(n) => &mut self.lotsen[n as usize],
            Node::Project(n) => &mut self.projects[n as usize],
            Node::Topic(n) => &mut self.topics[n as usize],
        }
    }

    fn add(&mut self, node: Node, mass: f64) {
        let cell = self.cell(node);
        let fresh = *cell == 0.0;
        *cell += mass;
        if fresh {
            self.touched.push(node);
        }
    }

    /// Takes every non-zero entry out, leaving all zero.
    fn drain(&mut self) -> Vec<(Node, f64)> {
        let touched = std::mem::take(&mut self.touched);
        touched.into_iter().map(|node| (node, std::mem::take(self.cell(node)))).collect()
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
    let mut reached = Vec::new();
    // Taken, not borrowed: a walk that panics leaves no half-filled masses behind.
    let (mut now, mut next) = SPARE.take();
    now.fit(index);
    next.fit(index);
    now.add(Node::Lotse(start), 1.0);
    let topic_edge = |t: u32| topic_weight * weights.rarity[t as usize];
    for step in 0..=steps {
        for (node, mass) in now.drain() {
            if let Node::Lotse(l) = node {
                if score[l as usize] == 0.0 {
                    reached.push(l);
                }
                score[l as usize] += restart * mass;
            }
            if step == steps {
                continue;
            }
            let moving = (1.0 - restart) * mass;
            // On the last move only Lotsen are worth reaching: the walk ends there, and mass
            // handed to projects and topics would be counted nowhere. (Leaving those pushes
            // out changes no score: the shares are the same, and so is the order in which
            // each Lotse's mass adds up.)
            let onward = step + 1 < steps;
            match node {
                Node::Lotse(l) => {
                    let (projects, contacts, topics) = (index.projects_of(l), index.contacts(l), index.competences(l));
                    let edges = projects.len() + contacts.len() + topics.len();
                    if edges == 0 || mass < push_threshold * edges as f64 {
                        continue;
                    }
                    let total = projects.len() as f64
                        + contact_weight * contacts.len() as f64
                        + topics.iter().map(|&t| topic_edge(t)).sum::<f64>();
                    let share = moving / total;
                    if onward {
                        projects.iter().for_each(|&p| next.add(Node::Project(p), share));
                    }
                    contacts.iter().for_each(|&c| next.add(Node::Lotse(c), share * contact_weight));
                    if onward {
                        topics.iter().for_each(|&t| next.add(Node::Topic(t), share * topic_edge(t)));
                    }
                }
                Node::Project(p) => {
                    let Some(entry) = index.project(p) else { continue };
                    let topics = index.signatures.topics(entry.signature);
                    let edges = entry.members.len() + topics.len();
                    if edges == 0 || mass < push_threshold * edges as f64 {
                        continue;
                    }
                    let total = entry.members.len() as f64 + topics.iter().map(|&t| topic_edge(t)).sum::<f64>();
                    let share = moving / total;
                    entry.members.iter().for_each(|&l| next.add(Node::Lotse(l), share));
                    if onward {
                        topics.iter().for_each(|&t| next.add(Node::Topic(t), share * topic_edge(t)));
                    }
                }
                Node::Topic(t) => {
                    let competent = index.competent(t);
                    let edges = weights.projects_about[t as usize] as usize + competent.len();
                    if edges == 0 || mass < push_threshold * edges as f64 {
                        continue;
                    }
                    let share = moving / edges as f64;
                    if onward {
                        for &signature in index.signatures.with_topic(t) {
                            index
                                .signatures
                                .projects(signature)
                                .iter()
                                .for_each(|&p| next.add(Node::Project(p), share));
                        }
                    }
                    competent.iter().for_each(|&l| next.add(Node::Lotse(l), share));
                }
            }
        }
        std::mem::swap(&mut now, &mut next);
    }
    SPARE.set((now, next));
    Walk { score, reached }
}
