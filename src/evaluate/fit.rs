//! `evaluate --fit`: the peer score's weights fitted by grid search on some folds of users and
//! scored on the fold left out, so that no figure is of the users it was fitted on.

use std::fmt::Write as _;

use crate::graph::Graph;
use crate::matching::{self, PEER_WEIGHTS, PeerFilter, PeerQuery, PeerWeights};

use super::User;
use super::metrics::{UserScores, mean, score};

/// Weight of the place context in every fitted combination: a tie-break, not a signal.
const CONTEXT_WEIGHT: f64 = 0.02;
/// Grid step of the other three weights.
const STEP: f64 = 0.05;

/// One candidate of one user: signals, place context and Lotse number, in the engine's tie order.
type Row = ([f64; 4], u32);

/// Every candidate of each user, asked without a limit.
fn candidates(graph: &Graph, users: &[User]) -> anyhow::Result<Vec<Vec<Row>>> {
    let index = graph.index();
    users
        .iter()
        .map(|user| {
            let lotse = index.lotsen.id(user.lotse).clone();
            let query = PeerQuery { lotse, filter: PeerFilter::default(), limit: None, include_co_members: false };
            let found = crate::graph::peers::peers(graph, &query)?;
            let ranked = matching::rank_peers(found, usize::MAX);
            Ok(ranked
                .into_iter()
                .filter_map(|r| {
                    let values: Vec<f64> = r.components.iter().map(|c| c.value).collect();
                    let lotse = index.lotsen.get(&r.features.lotse.id)?;
                    Some(([values[0], values[1], values[2], values[3]], lotse))
                })
                .collect())
        })
        .collect()
}

/// The first ten of a user's candidates under some weights; ties keep the engine's order.
fn top_ten(rows: &[Row], w: &PeerWeights) -> Vec<u32> {
    let mut scored: Vec<(f64, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, (v, _))| (w.walk * v[0] + w.text * v[1] + w.network * v[2] + w.context * v[3], i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(10).map(|(_, i)| rows[i].1).collect()
}

fn scores(rows: &[Vec<Row>], users: &[User], chosen: &[usize], w: &PeerWeights) -> UserScores {
    let each: Vec<UserScores> = chosen.iter().map(|&i| score(&top_ten(&rows[i], w), &users[i].relevant)).collect();
    mean(&each)
}

/// Every combination of the grid, context weight fixed.
fn grid() -> Vec<PeerWeights> {
    let steps = ((1.0 - CONTEXT_WEIGHT) / STEP).round() as usize;
    let mut all = Vec::new();
    for walk in 0..=steps {
        for text in 0..=steps - walk {
            let network = steps - walk - text;
            let share = |n: usize| n as f64 / steps as f64 * (1.0 - CONTEXT_WEIGHT);
            all.push(PeerWeights {
                walk: share(walk),
                text: share(text),
                network: share(network),
                context: CONTEXT_WEIGHT,
            });
        }
    }
    all
}

/// Fits on all folds but one, scores on that one, for each fold; then on all users.
pub fn report(graph: &Graph, users: &[User], folds: usize) -> anyhow::Result<String> {
    let rows = candidates(graph, users)?;
    let grid = grid();
    let best = |train: &[usize]| {
        grid.iter()
            .map(|w| (scores(&rows, users, train, w).ndcg10, *w))
            .fold((f64::NEG_INFINITY, PEER_WEIGHTS), |a, b| if b.0 > a.0 { b } else { a })
    };
    let mut out = String::new();
    writeln!(
        out,
        "\nfit: grid of {} weight combinations (step {STEP}, context {CONTEXT_WEIGHT}), NDCG@10 of the first ten",
        grid.len()
    )?;
    let show = |w: &PeerWeights| {
        format!("walk {:.3} text {:.3} network {:.3} context {:.3}", w.walk, w.text, w.network, w.context)
    };
    for fold in 0..folds {
        let train: Vec<usize> = (0..users.len()).filter(|&i| users[i].fold != fold).collect();
        let test: Vec<usize> = (0..users.len()).filter(|&i| users[i].fold == fold).collect();
        if train.is_empty() || test.is_empty() {
            continue;
        }
        let (fitted, w) = best(&train);
        let held_out = scores(&rows, users, &test, &w);
        writeln!(
            out,
            "fitted without fold {}: {} (NDCG@10 {fitted:.4} there); on fold {}: NDCG@10 {:.4}, hit@10 {:.4}",
            fold + 1,
            show(&w),
            fold + 1,
            held_out.ndcg10,
            held_out.hit10
        )?;
    }
    let everyone: Vec<usize> = (0..users.len()).collect();
    let (fitted, w) = best(&everyone);
    writeln!(out, "fitted on all users: {} (NDCG@10 {fitted:.4})", show(&w))?;
    let current = scores(&rows, users, &everyone, &PEER_WEIGHTS);
    writeln!(out, "the engine's weights: {} (NDCG@10 {:.4})", show(&PEER_WEIGHTS), current.ndcg10)?;
    Ok(out)
}
