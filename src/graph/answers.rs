//! Answers of `recommendPeers` kept for the state of the graph they were worked out on.
//!
//! A Lotse's page asks for the same recommendations again and again (each visit, each
//! change of filter and back), and the walk behind one answer visits most of a regional
//! network. The projection numbers its states: every write under its lock starts a new one,
//! and an answer is only taken from here for the state it was worked out on, so a kept
//! answer is the one the engine would give now, bit for bit. The first question after a
//! write empties the store of answers.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use lru::LruCache;

use crate::domain::Id;
use crate::matching::{PeerCandidates, PeerQuery};

/// Answers kept by default (`--peer-cache`): every Lotse of a regional network, a tenth of a
/// national one; an answer holds its first page of candidates with their explanations,
/// a few kilobytes.
pub const DEFAULT_PEER_ANSWERS: usize = 4096;

/// Answers with more candidates than this (a limit with many ties, or none) are not kept.
const LARGEST_KEPT: usize = 100;

/// What identifies a question: every field of [`PeerQuery`], distances by their bits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    lotse: Id,
    within: Option<Id>,
    max_distance_km: Option<u64>,
    population_min: Option<u32>,
    population_max: Option<u32>,
    limit: Option<usize>,
    include_co_members: bool,
}

impl Key {
    fn of(query: &PeerQuery) -> Self {
        let PeerQuery { lotse, filter, limit, include_co_members } = query;
        Self {
            lotse: lotse.clone(),
            within: filter.within.clone(),
            max_distance_km: filter.max_distance_km.map(f64::to_bits),
            population_min: filter.population_min,
            population_max: filter.population_max,
            limit: *limit,
            include_co_members: *include_co_members,
        }
    }
}

struct Kept {
    /// The state of the graph the answers were worked out on.
    state: u64,
    answers: Option<LruCache<Key, PeerCandidates>>,
}

/// The most recently asked answers of one state of the graph, and how often one was found.
pub struct PeerAnswers {
    kept: Mutex<Kept>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl Default for PeerAnswers {
    fn default() -> Self {
        Self::new(DEFAULT_PEER_ANSWERS)
    }
}

impl PeerAnswers {
    /// Keeps up to `capacity` answers; 0 keeps none.
    pub fn new(capacity: usize) -> Self {
        Self {
            kept: Mutex::new(Kept { state: 0, answers: NonZeroUsize::new(capacity).map(LruCache::new) }),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// Keeps up to `capacity` answers from now on (the least recently asked go); 0 keeps none.
    pub fn resize(&self, capacity: usize) {
        let mut kept = self.lock();
        match (NonZeroUsize::new(capacity), &mut kept.answers) {
            (Some(capacity), Some(answers)) => answers.resize(capacity),
            (capacity, answers) => *answers = capacity.map(LruCache::new),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic while the lock was held leaves at worst a missing answer.
        self.kept.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The answer to `query` on the graph in `state`: the kept one, or `work`'s (then kept).
    pub fn answer<E>(
        &self,
        state: u64,
        query: &PeerQuery,
        work: impl FnOnce() -> Result<PeerCandidates, E>,
    ) -> Result<PeerCandidates, E> {
        let key = {
            let mut kept = self.lock();
            if kept.answers.is_none() {
                drop(kept);
                return work();
            }
            let key = Key::of(query);
            if kept.state != state {
                kept.state = state;
                kept.answers.as_mut().map(LruCache::clear);
            }
            if let Some(found) = kept.answers.as_mut().and_then(|answers| answers.get(&key)) {
                self.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(found.clone());
            }
            key
        };
        self.misses.fetch_add(1, Ordering::Relaxed);
        let found = work()?;
        if query.limit.is_some() && found.candidates.len() <= LARGEST_KEPT {
            let mut kept = self.lock();
            // Another question may have seen a newer state meanwhile: keep only for the
            // state the kept answers belong to.
            if kept.state == state
                && let Some(answers) = kept.answers.as_mut()
            {
                answers.put(key, found.clone());
            }
        }
        Ok(found)
    }

    /// Questions answered from a kept answer, and worked out, since the start.
    pub fn counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::PeerFilter;

    fn query(lotse: &str, max_distance_km: Option<f64>) -> PeerQuery {
        PeerQuery {
            lotse: Id::parse_field("id", lotse).expect("a valid id"),
            filter: PeerFilter { max_distance_km, ..PeerFilter::default() },
            limit: Some(10),
            include_co_members: false,
        }
    }

    fn answer(population: u32) -> PeerCandidates {
        PeerCandidates { population: Some(population), candidates: Vec::new() }
    }

    fn ask(answers: &PeerAnswers, state: u64, q: &PeerQuery, worked: u32) -> u32 {
        let found: Result<_, ()> = answers.answer(state, q, || Ok(answer(worked)));
        found.expect("no error").population.expect("set")
    }

    #[test]
    fn an_answer_is_kept_for_its_question_and_the_state_of_the_graph() {
        let answers = PeerAnswers::new(8);
        let near = query("lotse-1", Some(20.0));
        assert_eq!(ask(&answers, 1, &near, 1), 1);
        assert_eq!(ask(&answers, 1, &near, 2), 1, "the same question on the same state is kept");
        assert_eq!(ask(&answers, 1, &query("lotse-1", Some(30.0)), 3), 3, "another filter is another question");
        assert_eq!(ask(&answers, 1, &query("lotse-2", Some(20.0)), 4), 4, "another Lotse is another question");
        assert_eq!(ask(&answers, 2, &near, 5), 5, "a write makes every kept answer old");
        assert_eq!(ask(&answers, 2, &near, 6), 5);
        assert_eq!(answers.counts(), (2, 4));
    }

    #[test]
    fn without_room_nothing_is_kept_and_errors_never_are() {
        let answers = PeerAnswers::new(0);
        let q = query("lotse-1", None);
        assert_eq!(ask(&answers, 1, &q, 1), 1);
        assert_eq!(ask(&answers, 1, &q, 2), 2);
        assert_eq!(answers.counts(), (0, 0));
        answers.resize(4);
        let failed: Result<PeerCandidates, &str> = answers.answer(1, &q, || Err("unavailable"));
        assert_eq!(failed, Err("unavailable"));
        assert_eq!(ask(&answers, 1, &q, 3), 3, "a failed question keeps nothing");
        assert_eq!(ask(&answers, 1, &q, 4), 3);
    }

    #[test]
    fn the_least_recently_asked_answer_goes_first() {
        let answers = PeerAnswers::new(2);
        let (a, b, c) = (query("a", None), query("b", None), query("c", None));
        ask(&answers, 1, &a, 1);
        ask(&answers, 1, &b, 2);
        ask(&answers, 1, &a, 9);
        ask(&answers, 1, &c, 3);
        assert_eq!(ask(&answers, 1, &a, 9), 1, "asked last but one: kept");
        assert_eq!(ask(&answers, 1, &b, 4), 4, "least recently asked: gone");
    }
}
