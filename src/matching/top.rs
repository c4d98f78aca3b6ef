//! The best scores seen so far, for stores that leave out candidates whose score ceiling
//! cannot reach them.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Scores within this distance of a ceiling count as reaching it, so rounding in the last
/// bits never drops a candidate that belongs among the best.
const SLACK: f64 = 1e-9;

/// The `k` best scores seen so far.
pub struct TopScores {
    k: usize,
    heap: BinaryHeap<Reverse<Score>>,
}

/// A score ordered by `total_cmp`, for heaps.
pub struct Score(pub f64);

impl PartialEq for Score {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Score {}

impl PartialOrd for Score {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Score {
    #[inline]
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl TopScores {
    pub fn new(k: usize) -> Self {
        Self { k, heap: BinaryHeap::new() }
    }

    #[inline]
    pub fn push(&mut self, score: f64) {
        if self.heap.len() < self.k {
            self.heap.push(Reverse(Score(score)));
        } else if self.heap.peek().is_some_and(|Reverse(low)| score > low.0) {
            self.heap.pop();
            self.heap.push(Reverse(Score(score)));
        }
    }

    /// The `k`-th best score once `k` scores are known: nothing below it can be among the best.
    #[inline]
    pub fn threshold(&self) -> Option<f64> {
        (self.heap.len() == self.k).then(|| self.heap.peek().map_or(f64::INFINITY, |Reverse(s)| s.0))
    }

    /// The lowest score among the best: the `k`-th best once `k` are known, else any score.
    #[inline]
    pub fn floor(&self) -> f64 {
        self.threshold().unwrap_or(f64::NEG_INFINITY)
    }

    /// Whether a candidate scoring at most `ceiling` can still be among the best.
    #[inline]
    pub fn reachable(&self, ceiling: f64) -> bool {
        self.threshold().is_none_or(|kth| ceiling + SLACK >= kth)
    }
}
