//! The passage of a hit that shows why it was found, with the words that matched marked.

use rustc_hash::FxHashSet;

use super::analyze::words;
use super::index::{Field, forms};

/// Longest passage shown, in characters.
const LENGTH: usize = 160;
/// Characters shown before the first match when the field is cut.
const LEAD: usize = 40;

/// A passage of one field of a hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Snippet {
    /// The field's name in the API, e.g. `title`.
    pub field: &'static str,
    /// The passage; "…" marks where the field was cut.
    pub text: String,
    /// The matched words as character ranges of `text`: start and length.
    pub matches: Vec<(usize, usize)>,
}

impl Snippet {
    /// The passage as HTML: text escaped, matched words in `<mark>`.
    pub fn highlighted(&self) -> String {
        let chars: Vec<char> = self.text.chars().collect();
        let mut html = String::with_capacity(self.text.len() + 13 * self.matches.len());
        let mut at = 0;
        for &(start, length) in &self.matches {
            escape(&mut html, &chars[at..start]);
            html.push_str("<mark>");
            escape(&mut html, &chars[start..start + length]);
            html.push_str("</mark>");
            at = start + length;
        }
        escape(&mut html, &chars[at..]);
        html
    }
}

fn escape(html: &mut String, chars: &[char]) {
    for &c in chars {
        match c {
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '&' => html.push_str("&amp;"),
            '"' => html.push_str("&quot;"),
            '\'' => html.push_str("&#39;"),
            c => html.push(c),
        }
    }
}

/// The passage of the first field with a word whose terms are `matched`; the first field when
/// none has one.
pub fn snippet(fields: &[Field], matched: &FxHashSet<&str>) -> Option<Snippet> {
    let marked = |field: &Field| -> Vec<(usize, usize)> {
        words(&field.text)
            .into_iter()
            .filter(|w| forms(w).any(|f| matched.contains(f)))
            .map(|w| (w.start, w.end))
            .collect()
    };
    let (field, spans) = fields
        .iter()
        .map(|f| (f, marked(f)))
        .find(|(_, spans)| !spans.is_empty())
        .or_else(|| fields.first().map(|f| (f, Vec::new())))?;
    Some(cut(field, &spans))
}

/// The passage of a field around its first marked span, with the spans in characters.
fn cut(field: &Field, spans: &[(usize, usize)]) -> Snippet {
    let text = &field.text;
    let total = text.chars().count();
    let char_at = |byte: usize| text[..byte].chars().count();
    let first = spans.first().map_or(0, |&(start, _)| char_at(start));
    let from = if total <= LENGTH { 0 } else { first.saturating_sub(LEAD).min(total - LENGTH) };
    let to = (from + LENGTH).min(total);
    let mut passage: String = text.chars().skip(from).take(to - from).collect();
    let shift = usize::from(from > 0);
    if from > 0 {
        passage.insert(0, '…');
    }
    if to < total {
        passage.push('…');
    }
    let matches = spans
        .iter()
        .map(|&(start, end)| (char_at(start), char_at(end)))
        .filter(|&(start, end)| start >= from && end <= to)
        .map(|(start, end)| (start - from + shift, end - start))
        .collect();
    Snippet { field: field.name, text: passage, matches }
}
