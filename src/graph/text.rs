//! Words of project titles and descriptions for text similarity: lower case, split at
//! everything that is not a letter or digit, common words dropped, German Snowball stems.

use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

/// Function words of German (and of English, which descriptions are sometimes written in)
/// that say nothing about a project.
const STOP_WORDS: &[&str] = &[
    "aber", "als", "am", "an", "auch", "auf", "aus", "bei", "bis", "da", "das", "dass", "dem", "den", "der", "des",
    "die", "durch", "ein", "eine", "einem", "einen", "einer", "eines", "es", "für", "im", "in", "ist", "mit", "nach",
    "neue", "neuen", "neuer", "noch", "oder", "sich", "sie", "sind", "so", "über", "um", "und", "uns", "unter", "vom",
    "von", "vor", "wie", "wir", "zu", "zum", "zur", "a", "an", "and", "are", "as", "at", "be", "by", "for", "from",
    "in", "into", "is", "it", "of", "on", "or", "the", "this", "to", "with",
];

fn stemmer() -> &'static Stemmer {
    static STEMMER: OnceLock<Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| Stemmer::create(Algorithm::German))
}

/// The stemmed words of a text, in order, repeated as often as they occur.
pub fn terms(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| w.chars().count() >= 2 && !w.chars().all(|c| c.is_ascii_digit()))
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .map(|w| stemmer().stem(&w).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_german_words_share_a_stem_and_function_words_drop_out() {
        assert_eq!(terms("Digitalisierung der Schulen"), terms("digitalisierungen, Schule"));
        assert!(terms("für die und 2030").is_empty());
        assert_eq!(terms("E-Akte im Bürgerbüro").len(), 2, "{:?}", terms("E-Akte im Bürgerbüro"));
    }
}
