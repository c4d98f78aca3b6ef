//! German text analysis, the same for what is indexed and what is asked: words split at
//! anything that is not a letter or digit, lower-cased, umlauts folded (`ä` and `ae` both
//! become `a`, `ß` becomes `ss`, as Lucene's German normalisation does), common function
//! words dropped, and each word stemmed with the Snowball German stemmer.

use std::cell::RefCell;
use std::sync::LazyLock;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHashSet};

static STEMMER: LazyLock<Stemmer> = LazyLock::new(|| Stemmer::create(Algorithm::German));

static FUNCTION_WORDS: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Words analysed per thread before the memory of them starts afresh: about a megabyte.
const REMEMBERED_WORDS: usize = 8192;

/// A word's folded form and stem; `None` for a function word.
type Analysis = Option<(String, String)>;

thread_local! {
    /// Each word as written, with its folded form and stem (`None`: a function word). Texts
    /// repeat their words, and folding and stemming are most of the work of indexing a text.
    static ANALYSED: RefCell<FxHashMap<Box<str>, Analysis>> = RefCell::default();
}

/// The folded form and stem of a word as written.
fn analyse(raw: &str) -> Analysis {
    ANALYSED.with_borrow_mut(|remembered| {
        if let Some(known) = remembered.get(raw) {
            return known.clone();
        }
        let folded = fold(raw);
        let found = (!FUNCTION_WORDS.contains(folded.as_str())).then(|| {
            let stem = STEMMER.stem(&folded).into_owned();
            (folded, stem)
        });
        if remembered.len() >= REMEMBERED_WORDS {
            remembered.clear();
        }
        remembered.insert(raw.into(), found.clone());
        found
    })
}

/// Function words that say nothing about what a text is about (already folded): German, and
/// English, which descriptions are sometimes written in.
const STOP_WORDS: &[&str] = &[
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bis", "da", "das", "dass", "dem", "den", "der", "des",
    "die", "durch", "ein", "eine", "einem", "einen", "einer", "eines", "es", "fur", "im", "in", "ist", "mit", "nach",
    "noch", "oder", "sich", "sind", "so", "uber", "um", "und", "uns", "unter", "vom", "von", "vor", "wie", "wir", "zu",
    "zum", "zur", "a", "and", "are", "as", "at", "be", "by", "for", "from", "into", "is", "it", "of", "on", "or",
    "the", "this", "to", "with",
];

/// One word of a text: where it stands (byte offsets into the text), its folded form and its
/// stem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub folded: String,
    pub stem: String,
}

/// The words of a text worth indexing or asking for, in order.
pub fn words(text: &str) -> Vec<Word> {
    let mut found = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                start = None;
                if let Some((folded, stem)) = analyse(&text[from..at]) {
                    found.push(Word { start: from, end: at, folded, stem });
                }
            }
            _ => {}
        }
    }
    found
}

/// Lower-cases a word and folds its umlauts: `ä`/`ae` → `a`, `ö`/`oe` → `o`, `ü`/`ue` → `u`
/// (not after a vowel or `q`, so "neue" and "Quelle" stay), `ß` → `ss`.
pub fn fold(word: &str) -> String {
    #[derive(Clone, Copy, PartialEq)]
    enum After {
        /// A letter that may carry an umlaut written with `e`.
        Umlaut,
        Vowel,
        Other,
    }
    let mut folded = String::with_capacity(word.len());
    let mut after = After::Other;
    for c in word.chars().flat_map(char::to_lowercase) {
        after = match c {
            'a' | 'o' => {
                folded.push(c);
                After::Umlaut
            }
            'u' => {
                folded.push(c);
                if after == After::Other { After::Umlaut } else { After::Vowel }
            }
            'e' => {
                if after != After::Umlaut {
                    folded.push(c);
                }
                After::Vowel
            }
            'i' | 'q' | 'y' => {
                folded.push(c);
                After::Vowel
            }
            'ä' | 'à' | 'á' | 'â' => {
                folded.push('a');
                After::Vowel
            }
            'ö' | 'ò' | 'ó' | 'ô' => {
                folded.push('o');
                After::Vowel
            }
            'ü' | 'ù' | 'ú' | 'û' => {
                folded.push('u');
                After::Vowel
            }
            'é' | 'è' | 'ê' => {
                folded.push('e');
                After::Vowel
            }
            'ß' => {
                folded.push_str("ss");
                After::Other
            }
            _ => {
                folded.push(c);
                After::Other
            }
        };
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        words(text).into_iter().map(|w| w.stem).collect()
    }

    #[test]
    fn umlauts_and_their_spellings_with_e_fold_alike() {
        assert_eq!(fold("Bürgerportal"), "burgerportal");
        assert_eq!(fold("BUERGERPORTAL"), "burgerportal");
        assert_eq!(fold("Straße"), fold("Strasse"));
        assert_eq!(fold("Größe"), fold("Groesse"));
        assert_eq!(fold("neue"), "neue");
        assert_eq!(fold("Quelle"), "quelle");
    }

    #[test]
    fn words_are_stemmed_and_function_words_dropped() {
        assert_eq!(stems("Die Digitalisierung der Verwaltungen"), stems("Digitalisierungen, Verwaltung"));
        assert_eq!(stems("für die Bürger"), stems("Buerger"));
        let text = "E-Akte für Ulm";
        let found = words(text);
        assert_eq!(found.iter().map(|w| &text[w.start..w.end]).collect::<Vec<_>>(), ["E", "Akte", "Ulm"]);
    }

    #[test]
    fn a_remembered_word_is_analysed_as_a_new_one() {
        let text = "Die Bürger der Bürgerdienste";
        let fresh = words(text);
        assert_eq!(words(text), fresh, "the second time from memory");
        for n in 0..REMEMBERED_WORDS + 1 {
            words(&format!("wort{n}"));
        }
        assert_eq!(words(text), fresh, "after the memory started afresh");
        assert_eq!(fresh.iter().map(|w| w.stem.as_str()).collect::<Vec<_>>(), ["burg", "burgerdien"]);
    }
}
