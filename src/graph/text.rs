//! Words of project titles and descriptions for text similarity: the German analysis of
//! search ([`crate::search::analyze`]: split, lower-cased, umlauts folded, function words
//! dropped, Snowball stems), without single letters and plain numbers.

use crate::search::analyze::words;

/// The stemmed words of a text, in order, repeated as often as they occur.
pub fn terms(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| w.folded.chars().count() >= 2 && !w.folded.chars().all(|c| c.is_ascii_digit()))
        .map(|w| w.stem)
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
