//! `evaluate --walk-grid`: the walk's settings (restart, topic edge weight, push threshold)
//! tried on a grid with the committed fusion weights; for each fold the setting best on the
//! other folds is scored on it, so that no figure is of the users it was chosen on.

use std::fmt::Write as _;

use crate::graph::{Graph, WALK, WalkSettings};
use crate::matching::{self, PeerFilter, PeerQuery};

use super::metrics::{UserScores, mean, score};
use super::{ASKED, User, percentile, thread_cpu_ms};

const RESTARTS: [f64; 3] = [0.3, 0.4, 0.5];
const TOPIC_WEIGHTS: [f64; 3] = [0.05, 0.1, 0.2];
const PUSH_THRESHOLDS: [f64; 3] = [1e-6, 1e-5, 1e-4];

/// Every combination of the grid, the other settings as committed.
fn grid() -> Vec<WalkSettings> {
    let mut all = Vec::new();
    for restart in RESTARTS {
        for topic_weight in TOPIC_WEIGHTS {
            for push_threshold in PUSH_THRESHOLDS {
                all.push(WalkSettings { restart, topic_weight, push_threshold, ..WALK });
            }
        }
    }
    all
}

/// One setting's scores of each user and the p99 of its questions in ms.
struct Tried {
    settings: WalkSettings,
    scores: Vec<UserScores>,
    p99: f64,
}

fn try_settings(graph: &Graph, users: &[User], settings: WalkSettings) -> anyhow::Result<Tried> {
    let index = graph.index();
    let mut latencies = Vec::with_capacity(users.len());
    let mut scores = Vec::with_capacity(users.len());
    for user in users {
        let lotse = index.lotsen.id(user.lotse).clone();
        let query = PeerQuery { lotse, filter: PeerFilter::default(), limit: Some(ASKED), include_co_members: false };
        let cpu_before = thread_cpu_ms();
        let ranked = matching::rank_peers(crate::graph::peers::peers_with(graph, &query, &settings)?, ASKED);
        // On the CPU: the grid runs long, whatever else runs.
        latencies.push(thread_cpu_ms() - cpu_before);
        let list: Vec<u32> = ranked.iter().filter_map(|r| index.lotsen.get(&r.features.lotse.id)).collect();
        scores.push(score(&list, &user.relevant));
    }
    latencies.sort_by(f64::total_cmp);
    Ok(Tried { settings, scores, p99: percentile(&latencies, 0.99) })
}

fn on(tried: &Tried, chosen: &[usize]) -> UserScores {
    mean(&chosen.iter().map(|&i| tried.scores[i]).collect::<Vec<_>>())
}

fn show(s: &WalkSettings) -> String {
    format!("restart {} topic weight {} threshold {:e}", s.restart, s.topic_weight, s.push_threshold)
}

/// Tries the grid, then chooses on all folds but one and scores on that one, for each fold.
pub fn report(graph: &Graph, users: &[User], folds: usize) -> anyhow::Result<String> {
    let tried: Vec<Tried> = grid().into_iter().map(|s| try_settings(graph, users, s)).collect::<anyhow::Result<_>>()?;
    let everyone: Vec<usize> = (0..users.len()).collect();
    let in_fold = |fold: usize| -> Vec<usize> { everyone.iter().copied().filter(|&i| users[i].fold == fold).collect() };
    let mut out = String::new();
    writeln!(
        out,
        "\nwalk grid: {} settings, the committed fusion weights; NDCG@10 / hit@10 by fold, p99 on the CPU in ms",
        tried.len()
    )?;
    for t in &tried {
        let marker = if t.settings == WALK { " (committed)" } else { "" };
        write!(out, "{}{marker}:", show(&t.settings))?;
        for fold in 0..folds {
            let s = on(t, &in_fold(fold));
            write!(out, " fold {} {:.4} / {:.4};", fold + 1, s.ndcg10, s.hit10)?;
        }
        let all = on(t, &everyone);
        writeln!(out, " all {:.4} / {:.4}; p99 {:.2}", all.ndcg10, all.hit10, t.p99)?;
    }
    for fold in 0..folds {
        let train: Vec<usize> = everyone.iter().copied().filter(|&i| users[i].fold != fold).collect();
        let test = in_fold(fold);
        if train.is_empty() || test.is_empty() {
            continue;
        }
        let best = tried
            .iter()
            .map(|t| (on(t, &train).ndcg10, t))
            .fold(None, |a: Option<(f64, &Tried)>, b| if a.is_none_or(|a| b.0 > a.0) { Some(b) } else { a });
        let Some((fitted, t)) = best else { continue };
        let held_out = on(t, &test);
        writeln!(
            out,
            "chosen without fold {}: {} (NDCG@10 {fitted:.4} there); on fold {}: NDCG@10 {:.4}, hit@10 {:.4}",
            fold + 1,
            show(&t.settings),
            fold + 1,
            held_out.ndcg10,
            held_out.hit10
        )?;
    }
    Ok(out)
}
