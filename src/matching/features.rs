//! Raw features produced by candidate generation (stage 1), identical for every store.

use crate::domain::{Id, ProjectStatus};

/// An id with the name people read.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled {
    pub id: Id,
    pub name: String,
}

/// A topic two sides share, with its rarity `ln(1 + projects / projects about the topic)`.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedTopic {
    pub topic: Labelled,
    pub rarity: f64,
}

/// Rarity of a topic: `ln(1 + projects / projects about the topic)`, each count taken as at
/// least 1. Every store computes it here, so equal counts give equal bits.
pub fn rarity(projects: usize, projects_about: usize) -> f64 {
    let projects = projects.max(1) as f64;
    let about = projects_about.max(1) as f64;
    (1.0 + projects / about).ln()
}

/// Orders shared topics rarest first, then by id.
pub fn sort_shared(shared: &mut [SharedTopic]) {
    shared.sort_by(|a, b| rarest_first((a.rarity, &a.topic.id), (b.rarity, &b.topic.id)));
}

/// The order shared topics are listed in: rarest first, then by id.
pub fn rarest_first((rarity_a, id_a): (f64, &Id), (rarity_b, id_b): (f64, &Id)) -> std::cmp::Ordering {
    rarity_b.total_cmp(&rarity_a).then_with(|| id_a.cmp(id_b))
}

/// One of my projects, one of theirs, and the cosine similarity of their topic vectors.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectPair {
    pub mine: Labelled,
    pub theirs: Labelled,
    pub similarity: f64,
}

/// Candidate filters of `recommendPeers`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeerFilter {
    /// Region or district the peer's municipality lies in.
    pub within: Option<Id>,
    pub max_distance_km: Option<f64>,
    pub population_min: Option<u32>,
    pub population_max: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeerQuery {
    pub lotse: Id,
    pub filter: PeerFilter,
    /// When set, only candidates scoring at least the `limit`-th best score are returned
    /// (ties included); the first `limit` ranked results stay the same.
    pub limit: Option<usize>,
    /// Recommend Lotsen who already work on a project with this one too (for integrations
    /// that list whole teams); people are otherwise left out.
    pub include_co_members: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectQuery {
    pub project: Id,
    /// When set, the store may leave out candidates that cannot be among this many best
    /// (see `project_score_ceiling`); the first `limit` ranked results stay the same.
    pub limit: Option<usize>,
}

/// Number of most similar project pairs kept per peer.
pub const PROJECT_PAIRS_KEPT: usize = 3;

#[derive(Debug, Clone, PartialEq)]
pub struct PeerFeatures {
    pub lotse: Labelled,
    pub municipality: Labelled,
    pub population: Option<u32>,
    pub distance_km: Option<f64>,
    /// The relevance signals, each between 0 and 1.
    pub signals: PeerSignals,
    /// Topics of both profiles (project topics and competences), rarest first.
    pub shared_topics: Vec<SharedTopic>,
    /// The pairs of distinct projects with the most similar topics, most similar first.
    pub project_pairs: Vec<ProjectPair>,
    /// Their project whose title and description are closest to mine, with the closest of
    /// mine and the cosine of the two texts.
    pub text_pair: Option<ProjectPair>,
    /// Lotsen connected to both.
    pub mutual_contacts: Vec<Labelled>,
    /// Lotsen who share a project with both.
    pub mutual_collaborators: Vec<Labelled>,
}

/// What relates a peer to the asking Lotse, each between 0 and 1.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PeerSignals {
    /// The random walk's probability of reaching the peer, against the best of the question.
    pub walk: f64,
    /// Cosine of the two Lotsen's project texts (TF-IDF of stemmed words).
    pub text: f64,
    /// `1 − exp(−a)`, where `a` sums `1 / ln(1 + their links)` over mutual collaborators and
    /// contacts (Adamic-Adar): a mutual link with few others counts most.
    pub network: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeerCandidates {
    pub population: Option<u32>,
    pub candidates: Vec<PeerFeatures>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectFeatures {
    pub project: Labelled,
    pub municipality: Labelled,
    pub status: ProjectStatus,
    pub population: Option<u32>,
    pub distance_km: Option<f64>,
    pub similarity: f64,
    pub shared_topics: Vec<SharedTopic>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProjectCandidates {
    pub population: Option<u32>,
    pub candidates: Vec<ProjectFeatures>,
}

/// A topic of the expert's on which a municipality runs projects without local competence.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicGap {
    pub topic: Labelled,
    pub projects: Vec<Labelled>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdviceFeatures {
    pub municipality: Labelled,
    pub population: Option<u32>,
    pub lotse_count: usize,
    /// The expert's topics the municipality's projects touch with no competent local Lotse.
    pub gaps: Vec<TopicGap>,
    /// The expert's topics the municipality's projects touch and a local Lotse knows.
    pub covered: Vec<Labelled>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AdviceCandidates {
    pub candidates: Vec<AdviceFeatures>,
}

/// Whom `expertsFor` looks for experts for.
#[derive(Debug, Clone, PartialEq)]
pub enum ExpertTarget {
    Municipality(Id),
    Project(Id),
}

/// An `expertsFor` question: the target, and the expert asking when an expert asks.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpertQuery {
    pub target: ExpertTarget,
    pub asking: Option<Id>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExpertFeatures {
    pub expert: Labelled,
    pub organization: Option<Labelled>,
    pub shared_topics: Vec<SharedTopic>,
    /// The expert serves the target's district or one of its regions.
    pub serves_target: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ExpertCandidates {
    /// Sum of the rarities of every topic the target needs.
    pub needed_rarity: f64,
    pub candidates: Vec<ExpertFeatures>,
}
