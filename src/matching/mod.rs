//! Stage 2 of matchmaking: one pure ranking function per question, shared by every store.
//!
//! A store's candidate generation (stage 1) returns raw features; the functions here turn
//! them into a score in [0, 1], the score's components and an explanation (reason codes with
//! their data plus a German sentence). The weights below are the whole ranking formula.
//! Ties are broken by id, so rankings are deterministic.

mod explain;
mod features;
mod rank;
mod top;

pub use explain::{Explanation, Reason, ReasonCode};
pub use features::*;
pub use rank::{
    peer_score, project_score, project_score_ceiling, rank_advice, rank_experts, rank_peers, rank_peers_with,
    rank_projects,
};
pub use top::{Score, TopScores};

/// Weights of the peer score's signals; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PeerWeights {
    pub walk: f64,
    pub text: f64,
    pub network: f64,
    pub context: f64,
}

/// The peer score's weights, fitted by `lotsennetz evaluate --fit` on all users of the
/// shared evaluation network's dev half (see BENCHMARKS.md; each fold's fit scored on the
/// other lies within 0.01 NDCG@10 of it).
pub const PEER_WEIGHTS: PeerWeights = PeerWeights { walk: 0.196, text: 0.637, network: 0.147, context: 0.02 };
/// Weights of the similar-project score: topic similarity, reusability, context.
pub const PROJECT_WEIGHTS: [f64; 3] = [0.7, 0.15, 0.15];
/// Weights of the advice score: unmet need, share of uncovered topics, no Lotse at all.
pub const ADVICE_WEIGHTS: [f64; 3] = [0.6, 0.25, 0.15];
/// Weights of the expert score: topic coverage, serves the place.
pub const EXPERT_WEIGHTS: [f64; 2] = [0.75, 0.25];

/// One named part of a score: `contribution = weight * value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Component {
    pub name: &'static str,
    pub weight: f64,
    pub value: f64,
}

impl Component {
    pub fn contribution(&self) -> f64 {
        self.weight * self.value
    }
}

/// A ranked candidate with everything needed to show why it ranks where it does.
#[derive(Debug, Clone)]
pub struct Ranked<F> {
    pub score: f64,
    pub components: Vec<Component>,
    pub explanation: Explanation,
    pub features: F,
}

fn score_of(components: &[Component]) -> f64 {
    components.iter().map(Component::contribution).sum()
}

/// Similarity of two municipality sizes in [0, 1]: 1 when equal, 0 at a factor of 100.
pub fn size_similarity(a: Option<u32>, b: Option<u32>) -> Option<f64> {
    Some(size_similarity_of_logs(log_population(a)?, log_population(b)?))
}

/// The natural logarithm of a known, positive population: what [`size_similarity_of_logs`]
/// compares.
pub fn log_population(population: Option<u32>) -> Option<f64> {
    population.filter(|p| *p > 0).map(|p| f64::from(p).ln())
}

/// [`size_similarity`] from the populations' [`log_population`]s.
pub fn size_similarity_of_logs(a: f64, b: f64) -> f64 {
    let ratio = (a - b).abs() / 100f64.ln();
    1.0 - ratio.min(1.0)
}

/// Closeness in [0, 1]: 1 next door, about 0.37 at 50 km.
pub fn proximity(distance_km: Option<f64>) -> Option<f64> {
    distance_km.map(|d| (-d / 50.0).exp())
}

/// Context in [0, 1]: half size similarity, half proximity; unknown parts count 0.5.
pub fn context(population: (Option<u32>, Option<u32>), distance_km: Option<f64>) -> f64 {
    context_of(size_similarity(population.0, population.1), distance_km)
}

/// [`context`] from the size similarity, when known.
pub fn context_of(size_similarity: Option<f64>, distance_km: Option<f64>) -> f64 {
    0.5 * size_similarity.unwrap_or(0.5) + 0.5 * proximity(distance_km).unwrap_or(0.5)
}
