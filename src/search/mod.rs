//! German full-text search over the network, answered from the matchmaking projection: one
//! index, kept current by the graph with every node it puts or removes, serves both stores
//! alike (the embedded store's writes and the Neo4j store's own writes and change feed all
//! reach the projection).
//!
//! A question is analysed like the indexed texts ([`analyze`]); every word must be found,
//! exactly, as the beginning of a term or inside a compound ([`index`]); hits are ranked by
//! BM25 (ties by id), filtered by kind, area and what the viewer may see, and paged with
//! cursors that carry the last hit's score and id.

pub mod analyze;
mod document;
pub mod index;
mod snippet;

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use rustc_hash::FxHashSet;

use crate::domain::{DomainError, Id, Municipality, Node, NodeKind};
use crate::graph::Graph;

pub use document::{fields, readers};
pub use index::{Field, TextIndex};
pub use snippet::Snippet;

/// Longest question, in characters, and most words in one.
const MAX_QUESTION: usize = 200;
const MAX_WORDS: usize = 10;

/// The kinds of node search covers.
pub const KINDS: [NodeKind; 5] =
    [NodeKind::Project, NodeKind::Lotse, NodeKind::Expert, NodeKind::Topic, NodeKind::Municipality];

/// Where a page of hits starts: after the hit with this score and id.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub score: f64,
    pub id: Id,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{:016x}:{}", self.score.to_bits(), self.id)
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, DomainError> {
        let invalid = || DomainError::invalid(field, "is not a cursor of this search");
        let (bits, id) = raw.split_once(':').ok_or_else(invalid)?;
        let score = f64::from_bits(u64::from_str_radix(bits, 16).map_err(|_| invalid())?);
        let id = Id::parse_field(field, id).map_err(|_| invalid())?;
        if !score.is_finite() {
            return Err(invalid());
        }
        Ok(Self { score, id })
    }
}

/// A checked question.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    words: Vec<analyze::Word>,
    kinds: Vec<NodeKind>,
    within: Option<Id>,
    first: usize,
    after: Option<Cursor>,
}

impl SearchQuery {
    /// `kinds` empty means every kind search covers.
    pub fn parse(
        text: &str,
        kinds: Vec<NodeKind>,
        within: Option<Id>,
        first: usize,
        after: Option<Cursor>,
    ) -> Result<Self, DomainError> {
        if text.chars().count() > MAX_QUESTION {
            return Err(DomainError::invalid("query", format!("must not be longer than {MAX_QUESTION} characters")));
        }
        let words = analyze::words(text);
        if words.is_empty() {
            return Err(DomainError::invalid("query", "must contain a word to search for"));
        }
        if words.len() > MAX_WORDS {
            return Err(DomainError::invalid("query", format!("must not have more than {MAX_WORDS} words")));
        }
        if let Some(other) = kinds.iter().find(|k| !KINDS.contains(k)) {
            return Err(DomainError::invalid("kinds", format!("search does not cover {other}")));
        }
        let kinds = if kinds.is_empty() { KINDS.to_vec() } else { kinds };
        Ok(Self { words, kinds, within, first, after })
    }
}

/// One node found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: NodeKind,
    pub id: Id,
    pub score: f64,
    pub snippet: Snippet,
}

impl Hit {
    pub fn cursor(&self) -> Cursor {
        Cursor { score: self.score, id: self.id.clone() }
    }
}

/// A page of hits, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub hits: Vec<Hit>,
    pub has_next_page: bool,
}

/// A candidate in the order of the results: higher score first, then lower id. `Ord` puts
/// the worse one first, so that a max-heap holds the worst of the best at its top.
struct Candidate<'g> {
    score: f64,
    id: &'g Id,
    document: u32,
}

impl Candidate<'_> {
    /// Whether the candidate comes after the hit of `cursor`.
    fn follows(&self, cursor: &Cursor) -> bool {
        cursor.score > self.score || (cursor.score == self.score && &cursor.id < self.id)
    }
}

impl PartialEq for Candidate<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate<'_> {}

impl PartialOrd for Candidate<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.score.total_cmp(&self.score).then_with(|| self.id.cmp(other.id))
    }
}

/// The page of hits for `query` among the nodes `sees` lets through.
pub fn search(graph: &Graph, query: &SearchQuery, sees: &dyn Fn(&Node) -> bool) -> SearchPage {
    let text = graph.text();
    let expansions: Vec<_> = query.words.iter().map(|w| text.expand(w)).collect();
    let scored = text.score(&expansions);
    let areas = query.within.as_ref().map(|area| Areas { graph, area });
    let keeps = |candidate: &Candidate| {
        let Some(kind) = text.kind(candidate.document) else { return false };
        if !query.kinds.contains(&kind) {
            return false;
        }
        let Some(node) = graph.node(kind, candidate.id) else { return false };
        sees(node) && areas.as_ref().is_none_or(|a| a.holds(node))
    };
    let wanted = query.first + 1;
    let mut best: BinaryHeap<Candidate> = BinaryHeap::with_capacity(wanted + 1);
    for (document, score) in scored {
        let candidate = Candidate { score, id: text.id(document), document };
        if query.after.as_ref().is_some_and(|cursor| !candidate.follows(cursor)) {
            continue;
        }
        let enters = best.len() < wanted || best.peek().is_some_and(|worst| candidate < *worst);
        if enters && keeps(&candidate) {
            best.push(candidate);
            if best.len() > wanted {
                best.pop();
            }
        }
    }
    // Sorted by `Ord`, the best first.
    let mut ranked = best.into_sorted_vec();
    let has_next_page = ranked.len() > query.first;
    ranked.truncate(query.first);
    let matched: FxHashSet<&str> = expansions.iter().flatten().map(|e| text.term_text(e.term)).collect();
    let hits = ranked
        .into_iter()
        .filter_map(|c| {
            let kind = text.kind(c.document)?;
            let node = graph.node(kind, c.id)?;
            let snippet = snippet::snippet(&fields(graph, node)?, &matched)?;
            Some(Hit { kind, id: c.id.clone(), score: c.score, snippet })
        })
        .collect();
    SearchPage { hits, has_next_page }
}

/// The area of a `within` filter: a region, district or municipality.
struct Areas<'g> {
    graph: &'g Graph,
    area: &'g Id,
}

impl Areas<'_> {
    /// `id` and every area it lies in.
    fn around<'a>(&'a self, id: &'a Id) -> Vec<&'a Id> {
        let graph = self.graph;
        let mut chain = vec![id];
        let district = match graph.kind_of(id) {
            Some(NodeKind::Municipality) => graph.get::<Municipality>(id).map(|m| &m.district),
            Some(NodeKind::District) => Some(id),
            Some(NodeKind::Region) => {
                let mut next = graph.get::<crate::domain::Region>(id).and_then(|r| r.parent.as_ref());
                while let Some(parent) = next.filter(|p| !chain.contains(p)) {
                    chain.push(parent);
                    next = graph.get::<crate::domain::Region>(parent).and_then(|r| r.parent.as_ref());
                }
                None
            }
            _ => None,
        };
        if let Some(district) = district {
            if district != id {
                chain.push(district);
            }
            chain.extend(graph.regions_of_district(district));
        }
        chain
    }

    fn place_within(&self, place: &Id) -> bool {
        self.around(place).contains(&self.area)
    }

    /// Whether a node lies in the area: a municipality, or the municipality of a project or
    /// Lotse, inside it; an expert serving it, a part of it or an area around it. Topics lie
    /// in no area.
    fn holds(&self, node: &Node) -> bool {
        match node {
            Node::Project(p) => self.place_within(&p.municipality),
            Node::Lotse(l) => self.place_within(&l.municipality),
            Node::Municipality(m) => self.place_within(&m.id),
            Node::Expert(e) => e.serves.iter().any(|s| self.place_within(s) || self.around(self.area).contains(&s)),
            _ => false,
        }
    }
}
