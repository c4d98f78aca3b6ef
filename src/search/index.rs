//! The inverted index: for every term the documents holding it, with term frequencies and
//! document lengths for BM25, and every term's parts (the whole term and each tail of at
//! least [`MIN_PART`] characters) in order, so that a word finds the terms it begins
//! ("Bürger" → "bürgerportal") and the compounds it ends or stands in ("Portal" →
//! "bürgerportal"). Documents are put and removed one at a time, as the graph changes.

use std::collections::BTreeSet;
use std::ops::Bound;

use rustc_hash::FxHashMap;

use crate::domain::{Id, NodeKind};

use super::analyze::{Word, words};

/// Shortest tail of a term that a word finds inside a compound.
pub const MIN_PART: usize = 4;
/// Shortest word that finds the terms it begins.
const MIN_PREFIX: usize = 2;
/// Most terms one word of a question stands for, best first.
const MAX_EXPANSIONS: usize = 256;
/// Weight of a term a word only begins, and of one it stands inside, against an exact match.
pub const PREFIX_WEIGHT: f64 = 0.8;
pub const PART_WEIGHT: f64 = 0.6;
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A text of a node to index, and how much its words count (a title more than a description).
#[derive(Debug, Clone)]
pub struct Field {
    /// The field's name in the API, e.g. `title`.
    pub name: &'static str,
    pub text: String,
    pub boost: u32,
}

struct Document {
    kind: NodeKind,
    length: u32,
    terms: Vec<(u32, u32)>,
}

#[derive(Default)]
pub struct TextIndex {
    numbers: FxHashMap<Id, u32>,
    ids: Vec<Id>,
    documents: Vec<Option<Document>>,
    live: u64,
    total_length: u64,
    term_numbers: FxHashMap<Box<str>, u32>,
    terms: Vec<Box<str>>,
    postings: Vec<Vec<(u32, u32)>>,
    parts: BTreeSet<(Box<str>, u32)>,
}

/// A term a word of a question stands for, and how well.
#[derive(Debug, Clone, PartialEq)]
pub struct Expansion {
    pub term: u32,
    pub weight: f64,
}

impl TextIndex {
    /// Indexes (or re-indexes) a node's fields.
    pub fn put(&mut self, kind: NodeKind, id: &Id, fields: &[Field]) {
        self.remove(id);
        let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
        let mut length = 0;
        for field in fields {
            for word in words(&field.text) {
                length += field.boost;
                for term in forms(&word) {
                    let term = self.term(term);
                    *counts.entry(term).or_default() += field.boost;
                }
            }
        }
        let n = match self.numbers.get(id) {
            Some(&n) => n,
            None => {
                let n = u32::try_from(self.ids.len()).expect("fewer than 2^32 documents");
                self.numbers.insert(id.clone(), n);
                self.ids.push(id.clone());
                self.documents.push(None);
                n
            }
        };
        let mut terms: Vec<(u32, u32)> = counts.into_iter().collect();
        terms.sort_unstable();
        for &(term, count) in &terms {
            self.postings[term as usize].push((n, count));
        }
        self.live += 1;
        self.total_length += u64::from(length);
        self.documents[n as usize] = Some(Document { kind, length, terms });
    }

    pub fn remove(&mut self, id: &Id) {
        let Some(&n) = self.numbers.get(id) else { return };
        let Some(document) = self.documents[n as usize].take() else { return };
        for (term, _) in document.terms {
            let postings = &mut self.postings[term as usize];
            if let Some(at) = postings.iter().position(|&(doc, _)| doc == n) {
                postings.swap_remove(at);
            }
        }
        self.live -= 1;
        self.total_length -= u64::from(document.length);
    }

    fn term(&mut self, text: &str) -> u32 {
        if let Some(&n) = self.term_numbers.get(text) {
            return n;
        }
        let n = u32::try_from(self.terms.len()).expect("fewer than 2^32 terms");
        let boxed: Box<str> = text.into();
        for (at, _) in text.char_indices() {
            let tail = &text[at..];
            if at == 0 || tail.chars().count() >= MIN_PART {
                self.parts.insert((tail.into(), n));
            }
        }
        self.term_numbers.insert(boxed.clone(), n);
        self.terms.push(boxed);
        self.postings.push(Vec::new());
        n
    }

    pub fn term_text(&self, term: u32) -> &str {
        &self.terms[term as usize]
    }

    pub fn id(&self, document: u32) -> &Id {
        &self.ids[document as usize]
    }

    pub fn kind(&self, document: u32) -> Option<NodeKind> {
        self.documents[document as usize].as_ref().map(|d| d.kind)
    }

    /// The terms a word of a question stands for: its own forms exactly, the terms it begins
    /// and the terms it stands inside, best first (ties in term order), at most
    /// [`MAX_EXPANSIONS`].
    pub fn expand(&self, word: &Word) -> Vec<Expansion> {
        let mut best: FxHashMap<u32, f64> = FxHashMap::default();
        let mut offer = |term: u32, weight: f64| {
            let entry = best.entry(term).or_insert(weight);
            *entry = entry.max(weight);
        };
        for form in forms(word) {
            if let Some(&term) = self.term_numbers.get(form) {
                offer(term, 1.0);
            }
            let length = form.chars().count();
            if length < MIN_PREFIX {
                continue;
            }
            let from = (Bound::Included((Box::<str>::from(form), 0)), Bound::Unbounded);
            for (part, term) in self.parts.range(from).take_while(|(part, _)| part.starts_with(form)) {
                if part.len() == self.terms[*term as usize].len() {
                    offer(*term, PREFIX_WEIGHT);
                } else if length >= MIN_PART {
                    offer(*term, PART_WEIGHT);
                }
            }
        }
        let mut expansions: Vec<Expansion> =
            best.into_iter().map(|(term, weight)| Expansion { term, weight }).collect();
        expansions.sort_by(|a, b| {
            b.weight.total_cmp(&a.weight).then_with(|| self.term_text(a.term).cmp(self.term_text(b.term)))
        });
        expansions.truncate(MAX_EXPANSIONS);
        expansions
    }

    /// The documents holding every word (each through one of its expansions) with their BM25
    /// scores: per word the best of its expansions, weighted, summed over the words in order.
    pub fn score(&self, expansions: &[Vec<Expansion>]) -> Vec<(u32, f64)> {
        let count = self.documents.len();
        let mut total = vec![0.0; count];
        let mut matched = vec![0u16; count];
        let mut best = vec![0.0f64; count];
        let mut touched: Vec<u32> = Vec::new();
        let average = if self.live == 0 { 1.0 } else { self.total_length as f64 / self.live as f64 };
        let mut found = Vec::new();
        for (round, word) in expansions.iter().enumerate() {
            let last = round + 1 == expansions.len();
            let round = round as u16;
            for expansion in word {
                let postings = &self.postings[expansion.term as usize];
                let frequency = postings.len() as f64;
                let idf = (1.0 + (self.live as f64 - frequency + 0.5) / (frequency + 0.5)).ln();
                for &(doc, tf) in postings {
                    if matched[doc as usize] != round {
                        continue;
                    }
                    let Some(document) = &self.documents[doc as usize] else { continue };
                    let tf = f64::from(tf);
                    let norm = K1 * (1.0 - B + B * f64::from(document.length) / average);
                    let score = expansion.weight * idf * tf * (K1 + 1.0) / (tf + norm);
                    let slot = &mut best[doc as usize];
                    if *slot == 0.0 {
                        touched.push(doc);
                    }
                    *slot = slot.max(score);
                }
            }
            for &doc in &touched {
                total[doc as usize] += best[doc as usize];
                best[doc as usize] = 0.0;
                matched[doc as usize] += 1;
                if last {
                    found.push((doc, total[doc as usize]));
                }
            }
            touched.clear();
        }
        found
    }
}

/// The terms a word is indexed under: its stem, and its folded form when that differs (so a
/// word being typed finds the words it begins, whatever the stemmer cut off).
pub fn forms(word: &Word) -> impl Iterator<Item = &str> {
    std::iter::once(word.stem.as_str()).chain((word.folded != word.stem).then_some(word.folded.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::analyze::words;

    fn id(raw: &str) -> Id {
        Id::parse_field("id", raw).unwrap()
    }

    fn title(text: &str) -> Vec<Field> {
        vec![Field { name: "title", text: text.to_owned(), boost: 2 }]
    }

    fn found(index: &TextIndex, question: &str) -> Vec<String> {
        let expansions: Vec<_> = words(question).iter().map(|w| index.expand(w)).collect();
        let mut hits: Vec<(u32, f64)> = index.score(&expansions);
        hits.sort_by(|a, b| b.1.total_cmp(&a.1));
        hits.into_iter().map(|(doc, _)| index.id(doc).to_string()).collect()
    }

    #[test]
    fn words_find_exact_terms_before_beginnings_and_parts_of_compounds() {
        let mut index = TextIndex::default();
        index.put(NodeKind::Project, &id("a"), &title("Bürgerportal"));
        index.put(NodeKind::Project, &id("b"), &title("Portal für Bürger"));
        index.put(NodeKind::Project, &id("c"), &title("Glasfaser"));
        assert_eq!(found(&index, "Portal"), ["b", "a"]);
        assert_eq!(found(&index, "bürger"), ["b", "a"]);
        assert_eq!(found(&index, "buergerportal"), ["a"]);
        assert_eq!(found(&index, "Glas"), ["c"]);
        // Short words find only the terms they begin.
        assert!(found(&index, "rt").is_empty());
    }

    #[test]
    fn putting_a_document_again_replaces_its_terms_and_removing_it_drops_them() {
        let mut index = TextIndex::default();
        index.put(NodeKind::Project, &id("a"), &title("E-Akte im Bauamt"));
        index.put(NodeKind::Project, &id("a"), &title("Onlinezugang"));
        assert!(found(&index, "Bauamt").is_empty());
        assert_eq!(found(&index, "Onlinezugang"), ["a"]);
        index.remove(&id("a"));
        assert!(found(&index, "Onlinezugang").is_empty());
        assert_eq!((index.live, index.total_length), (0, 0));
    }
}
