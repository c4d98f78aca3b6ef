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
    explain: impl Fn(&F, &[Component]) -> Explanation,
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
        .map(|(score, components, features)| {
            let explanation = explain(&features, &components);
            Ranked { score, components, explanation, features }
        })
        .collect()
}

/// Ranks peers by [`peer_score`] with the fitted [`PEER_WEIGHTS`].
pub fn rank_peers(candidates: PeerCandidates, first: usize) -> Vec<Ranked<PeerFeatures>> {
    rank_peers_with(candidates, first, &PEER_WEIGHTS)
}

/// Ranks peers: `walk × w + text × w + network × w + context × w` (see [`PeerSignals`]).
#[tracing::instrument(skip_all, fields(candidates = candidates.candidates.len()))]
pub fn rank_peers_with(candidates: PeerCandidates, first: usize, weights: &PeerWeights) -> Vec<Ranked<PeerFeatures>> {
    let origin_population = candidates.population;
    top(
        candidates.candidates,
        first,
        |f| &f.lotse.id,
        |f| peer_components(&f.signals, context((origin_population, f.population), f.distance_km), weights).to_vec(),
        |f, components| explain::peer(f, origin_population, components),
    )
}

fn peer_components(signals: &PeerSignals, context: f64, weights: &PeerWeights) -> [Component; 4] {
    [
        Component { name: "walk", weight: weights.walk, value: signals.walk },
        Component { name: "text", weight: weights.text, value: signals.text },
        Component { name: "network", weight: weights.network, value: signals.network },
        Component { name: "context", weight: weights.context, value: context },
    ]
}

/// The score [`rank_peers_with`] gives a candidate with these signals and place context.
pub fn peer_score(signals: &PeerSignals, context: f64, weights: &PeerWeights) -> f64 {
    score_of(&peer_components(signals, context, weights))
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
            let context = context((origin_population, f.population), f.distance_km);
            project_components(f.similarity, reusability(f.status), context).to_vec()
        },
        |f, _| explain::project(f, origin_population),
    )
}

fn project_components(similarity: f64, reusability: f64, context: f64) -> [Component; 3] {
    let [ws, wr, wc] = PROJECT_WEIGHTS;
    [
        Component { name: "similarity", weight: ws, value: similarity },
        Component { name: "reusability", weight: wr, value: reusability },
        Component { name: "context", weight: wc, value: context },
    ]
}

/// The score [`rank_projects`] gives a project with these features.
pub fn project_score(similarity: f64, status: ProjectStatus, context: f64) -> f64 {
    score_of(&project_components(similarity, reusability(status), context))
}

/// The highest score a project whose cosine similarity is at most `similarity` can reach.
pub fn project_score_ceiling(similarity: f64) -> f64 {
    score_of(&project_components(similarity, 1.0, 1.0))
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
        |f, _| explain::advice(f),
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
        |f, _| explain::expert(f),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Id;

    fn label(id: &str) -> Labelled {
        Labelled { id: Id::parse_field("id", id).unwrap(), name: id.to_uppercase() }
    }

    fn peer(id: &str, walk: f64, text: f64) -> PeerFeatures {
        PeerFeatures {
            lotse: label(id),
            municipality: label("m"),
            population: Some(10_000),
            distance_km: Some(20.0),
            signals: PeerSignals { walk, text, network: 0.0 },
            shared_topics: vec![],
            project_pairs: vec![],
            text_pair: None,
            mutual_contacts: vec![],
            mutual_collaborators: vec![],
        }
    }

    #[test]
    fn stronger_signals_rank_first_and_ties_break_by_id() {
        let ranked = rank_peers(
            PeerCandidates {
                population: Some(10_000),
                candidates: vec![peer("c", 0.5, 0.0), peer("b", 0.9, 0.8), peer("a", 0.5, 0.0)],
            },
            10,
        );
        let order: Vec<_> = ranked.iter().map(|r| r.features.lotse.id.as_str()).collect();
        assert_eq!(order, ["b", "a", "c"]);
        assert!(ranked.iter().all(|r| (0.0..=1.0).contains(&r.score)));
    }

    #[test]
    fn score_is_the_sum_of_the_components_and_the_weights_sum_to_one() {
        let ranked = rank_peers(PeerCandidates { population: None, candidates: vec![peer("a", 1.0, 0.3)] }, 10);
        let r = &ranked[0];
        let sum: f64 = r.components.iter().map(Component::contribution).sum();
        assert!((r.score - sum).abs() < 1e-12);
        let PeerWeights { walk, text, network, context } = PEER_WEIGHTS;
        assert!((walk + text + network + context - 1.0).abs() < 1e-12);
    }

    #[test]
    fn project_ceilings_hold_every_score_below_them() {
        assert!(project_score(0.8, ProjectStatus::Active, 0.5) < project_score_ceiling(0.8));
        assert!((project_score_ceiling(1.0) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn size_similarity_is_one_for_equal_and_zero_at_factor_100() {
        assert_eq!(size_similarity(Some(5_000), Some(5_000)), Some(1.0));
        assert!(size_similarity(Some(1_000), Some(100_000)).unwrap().abs() < 1e-12);
        assert_eq!(size_similarity(None, Some(1)), None);
    }
}
