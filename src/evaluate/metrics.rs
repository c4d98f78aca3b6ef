//! Link-prediction scores of ranked lists against a later truth, as the literature computes
//! them: binary gains, the ideal list holding `min(relevant, 10)` hits.

use rustc_hash::FxHashSet as HashSet;

/// The scores of one user's list.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct UserScores {
    pub ndcg10: f64,
    pub hit10: f64,
    pub recall50: f64,
    pub mrr: f64,
}

/// Scores a ranked list (best first, at most 50 used) against the relevant set.
pub fn score(list: &[u32], relevant: &HashSet<u32>) -> UserScores {
    if relevant.is_empty() {
        return UserScores::default();
    }
    let gain = |rank: usize| 1.0 / (rank as f64 + 2.0).log2();
    let dcg: f64 = list.iter().take(10).enumerate().filter(|(_, l)| relevant.contains(l)).map(|(r, _)| gain(r)).sum();
    let ideal: f64 = (0..relevant.len().min(10)).map(gain).sum();
    let first = list.iter().take(50).position(|l| relevant.contains(l));
    let found = list.iter().take(50).filter(|l| relevant.contains(l)).count();
    UserScores {
        ndcg10: dcg / ideal,
        hit10: if first.is_some_and(|r| r < 10) { 1.0 } else { 0.0 },
        recall50: found as f64 / relevant.len() as f64,
        mrr: first.map_or(0.0, |r| 1.0 / (r as f64 + 1.0)),
    }
}

/// The mean scores of several users.
pub fn mean(scores: &[UserScores]) -> UserScores {
    let n = scores.len().max(1) as f64;
    // An empty sum of floats is -0.0; adding 0.0 prints it as 0.
    let sum = |f: fn(&UserScores) -> f64| scores.iter().map(f).sum::<f64>() / n + 0.0;
    UserScores {
        ndcg10: sum(|s| s.ndcg10),
        hit10: sum(|s| s.hit10),
        recall50: sum(|s| s.recall50),
        mrr: sum(|s| s.mrr),
    }
}

/// The time this thread has spent on a CPU, in ms (the thread's CPU-time clock, to the
/// nanosecond): unlike the time on the clock, it does not grow while other work holds the
/// CPUs.
pub fn thread_cpu_ms() -> f64 {
    let time = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    time.tv_sec as f64 * 1e3 + time.tv_nsec as f64 / 1e6
}

/// The value below which a share `q` of the sorted values lie (nearest rank).
pub fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hit_at_rank_two_of_two_relevant_scores_as_computed_by_hand() {
        let relevant: HashSet<u32> = [7, 9].into_iter().collect();
        let s = score(&[1, 7, 3], &relevant);
        let expected = (1.0 / 3f64.log2()) / (1.0 + 1.0 / 3f64.log2());
        assert!((s.ndcg10 - expected).abs() < 1e-12);
        assert_eq!((s.hit10, s.recall50, s.mrr), (1.0, 0.5, 0.5));
        assert_eq!(score(&[], &relevant), UserScores::default());
    }

    #[test]
    fn percentiles_take_the_nearest_rank() {
        let values: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&values, 0.5), 50.0);
        assert_eq!(percentile(&values, 0.99), 99.0);
        assert_eq!(percentile(&[3.0], 0.99), 3.0);
    }
}
