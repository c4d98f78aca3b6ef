//! The ranking functions: features in, ordered and explained results out.

use super::explain::{self, Explanation};
use super::*;
use crate::domain::ProjectStatus;

/// Scores every candidate, keeps the best `first` (ties by id) and explains only those.
fn top<F>(
    candidates: Vec<F>,
    first: usize,
    id: impl Fn(&F) -> &crate::domain::Id,
    components: impl Fn(&F) -> Vec<Component>,
    explain: impl Fn(&F) -> Explanation,
) -> Vec<Ranked<F>> {
    let mut scored: Vec<(f64, Vec<Component>, F)> = candidates
        .into_iter()
        .map(|f| {
            let components = components(&f);
            (score_of(&components), components, f)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| id(&a.2).cmp(id(&b.2))));
    scored.truncate(first);
    scored
        .into_iter()
        .map(|(score, components, features)| Ranked { score, components, explanation: explain(&features), features })
        .collect()
}

/// Ranks peers: `0.6 * similarity + 0.25 * network + 0.15 * context` where
/// similarity = `0.8 * mean of the 3 best project-pair cosines + 0.2 * topic overlap`,
/// network = `1 - exp(-(mutual contacts + mutual collaborators) / 2)`,
/// context = `0.5 * size similarity + 0.5 * proximity`.
#[tracing::instrument(skip_all, fields(candidates = candidates.candidates.len()))]
pub fn rank_peers(candidates: PeerCandidates, first: usize) -> Vec<Ranked<PeerFeatures>> {
    let origin_population = candidates.population;
    top(
        candidates.candidates,
        first,
        |f| &f.lotse.id,
        |f| {
            let pairs: Vec<f64> = f.project_pairs.iter().map(|p| p.similarity).collect();
            let links = f.mutual_contacts.len() + f.mutual_collaborators.len();
            peer_components(&pairs, f.topic_overlap, links, (origin_population, f.population), f.distance_km)
        },
        |f| explain::peer(f, origin_population),
    )
}

/// The peer score's components. `pair_similarities` are the best pairs, most similar first.
fn peer_components(
    pair_similarities: &[f64],
    topic_overlap: f64,
    links: usize,
    population: (Option<u32>, Option<u32>),
    distance_km: Option<f64>,
) -> Vec<Component> {
    let pair_score = pair_similarities.iter().take(PROJECT_PAIRS_KEPT).sum::<f64>() / PROJECT_PAIRS_KEPT as f64;
    let similarity = 0.8 * pair_score + 0.2 * topic_overlap;
    let network = 1.0 - (-(links as f64) / 2.0).exp();
    let [ws, wn, wc] = PEER_WEIGHTS;
    vec![
        Component { name: "similarity", weight: ws, value: similarity },
        Component { name: "network", weight: wn, value: network },
        Component { name: "context", weight: wc, value: context(population, distance_km) },
    ]
}

/// The lowest and highest peer score possible before the topic overlap (0 to 1) is known,
/// so a store can skip the work for candidates that cannot reach the top (see [`peer_cutoff`]).
pub fn peer_score_bounds(
    pair_similarities: &[f64],
    links: usize,
    population: (Option<u32>, Option<u32>),
    distance_km: Option<f64>,
) -> (f64, f64) {
    let lowest = score_of(&peer_components(pair_similarities, 0.0, links, population, distance_km));
    let highest = score_of(&peer_components(pair_similarities, 1.0, links, population, distance_km));
    (lowest, highest)
}

/// The score the `first`-th best candidate is sure to reach: candidates whose highest possible
/// score lies below it cannot be among the first `first`, whatever their overlap.
pub fn peer_cutoff(mut lowest_scores: Vec<f64>, first: usize) -> f64 {
    if first == 0 || lowest_scores.len() < first {
        return f64::NEG_INFINITY;
    }
    let (_, kth, _) = lowest_scores.select_nth_unstable_by(first - 1, |a, b| b.total_cmp(a));
    *kth
}

/// How much a project's results can be taken over, by its status.
pub fn reusability(status: ProjectStatus) -> f64 {
    match status {
        ProjectStatus::Completed => 1.0,
        ProjectStatus::Active => 0.6,
        ProjectStatus::Paused => 0.3,
        ProjectStatus::Planned => 0.2,
    }
}

/// Ranks similar projects: `0.7 * cosine + 0.15 * reusability + 0.15 * context`.
#[tracing::instrument(skip_all, fields(candidates = candidates.candidates.len()))]
pub fn rank_projects(candidates: ProjectCandidates, first: usize) -> Vec<Ranked<ProjectFeatures>> {
    let origin_population = candidates.population;
    top(
        candidates.candidates,
        first,
        |f| &f.project.id,
        |f| {
            let [ws, wr, wc] = PROJECT_WEIGHTS;
            vec![
                Component { name: "similarity", weight: ws, value: f.similarity },
                Component { name: "reusability", weight: wr, value: reusability(f.status) },
                Component {
                    name: "context",
                    weight: wc,
                    value: context((origin_population, f.population), f.distance_km),
                },
            ]
        },
        |f| explain::project(f, origin_population),
    )
}

/// Ranks municipalities for an expert: `0.6 * need + 0.25 * uncovered share + 0.15 * no Lotse`
/// where need = `1 - exp(-(projects × gap topics) / 3)`.
#[tracing::instrument(skip_all, fields(candidates = candidates.candidates.len()))]
pub fn rank_advice(candidates: AdviceCandidates, first: usize) -> Vec<Ranked<AdviceFeatures>> {
    let with_gaps = candidates.candidates.into_iter().filter(|f| !f.gaps.is_empty()).collect();
    top(
        with_gaps,
        first,
        |f| &f.municipality.id,
        |f| {
            let need_count: usize = f.gaps.iter().map(|g| g.projects.len()).sum();
            let need = 1.0 - (-(need_count as f64) / 3.0).exp();
            let uncovered = f.gaps.len() as f64 / (f.gaps.len() + f.covered.len()) as f64;
            let no_lotse = if f.lotse_count == 0 { 1.0 } else { 0.0 };
            let [wn, wu, wl] = ADVICE_WEIGHTS;
            vec![
                Component { name: "need", weight: wn, value: need },
                Component { name: "uncovered", weight: wu, value: uncovered },
                Component { name: "noLotse", weight: wl, value: no_lotse },
            ]
        },
        explain::advice,
    )
}

/// Ranks experts: `0.75 * rarity-weighted share of needed topics covered + 0.25 * serves the place`.
#[tracing::instrument(skip_all, fields(candidates = candidates.candidates.len()))]
pub fn rank_experts(candidates: ExpertCandidates, first: usize) -> Vec<Ranked<ExpertFeatures>> {
    let needed = candidates.needed_rarity;
    let sharing = candidates.candidates.into_iter().filter(|f| !f.shared_topics.is_empty()).collect();
    top(
        sharing,
        first,
        |f| &f.expert.id,
        |f| {
            let shared: f64 = f.shared_topics.iter().map(|t| t.rarity).sum();
            let coverage = if needed > 0.0 { (shared / needed).min(1.0) } else { 0.0 };
            let serves = if f.serves_target { 1.0 } else { 0.0 };
            let [wc, ws] = EXPERT_WEIGHTS;
            vec![
                Component { name: "coverage", weight: wc, value: coverage },
                Component { name: "servesRegion", weight: ws, value: serves },
            ]
        },
        explain::expert,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Id;

    fn label(id: &str) -> Labelled {
        Labelled { id: Id::parse_field("id", id).unwrap(), name: id.to_uppercase() }
    }

    fn peer(id: &str, pairs: &[f64]) -> PeerFeatures {
        PeerFeatures {
            lotse: label(id),
            municipality: label("m"),
            population: Some(10_000),
            distance_km: Some(20.0),
            shared_topics: vec![],
            topic_overlap: 0.0,
            project_pairs: pairs
                .iter()
                .map(|&similarity| ProjectPair { mine: label("p1"), theirs: label("p2"), similarity })
                .collect(),
            mutual_contacts: vec![],
            mutual_collaborators: vec![],
        }
    }

    #[test]
    fn more_similar_projects_rank_first_and_ties_break_by_id() {
        let ranked = rank_peers(
            PeerCandidates {
                population: Some(10_000),
                candidates: vec![peer("c", &[0.5]), peer("b", &[0.9, 0.8]), peer("a", &[0.5])],
            },
            10,
        );
        let order: Vec<_> = ranked.iter().map(|r| r.features.lotse.id.as_str()).collect();
        assert_eq!(order, ["b", "a", "c"]);
        assert!(ranked.iter().all(|r| (0.0..=1.0).contains(&r.score)));
    }

    #[test]
    fn score_is_the_sum_of_the_components() {
        let ranked = rank_peers(PeerCandidates { population: None, candidates: vec![peer("a", &[1.0, 1.0, 1.0])] }, 10);
        let r = &ranked[0];
        let sum: f64 = r.components.iter().map(Component::contribution).sum();
        assert!((r.score - sum).abs() < 1e-12);
    }

    #[test]
    fn score_bounds_hold_the_score_and_the_cutoff_keeps_the_best() {
        let mut f = peer("a", &[0.9, 0.5]);
        f.topic_overlap = 0.4;
        let score = rank_peers(PeerCandidates { population: Some(20_000), candidates: vec![f] }, 1)[0].score;
        let (low, high) = peer_score_bounds(&[0.9, 0.5], 0, (Some(20_000), Some(10_000)), Some(20.0));
        assert!(low <= score && score <= high, "{low} {score} {high}");
        assert_eq!(peer_cutoff(vec![0.1, 0.7, 0.4, 0.9], 2), 0.7);
        assert_eq!(peer_cutoff(vec![0.1], 2), f64::NEG_INFINITY);
    }

    #[test]
    fn size_similarity_is_one_for_equal_and_zero_at_factor_100() {
        assert_eq!(size_similarity(Some(5_000), Some(5_000)), Some(1.0));
        assert!(size_similarity(Some(1_000), Some(100_000)).unwrap().abs() < 1e-12);
        assert_eq!(size_similarity(None, Some(1)), None);
    }
}
