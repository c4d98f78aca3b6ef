//! The limits every GraphQL request meets before any work is done for it, and the first of
//! them: a scan of the query text that runs before the parser.
//!
//! The parser recurses once per nested value or selection; a document nested a few thousand
//! deep overflows the stack and aborts the process. The scan counts bracket nesting and
//! tokens without recursion, so the parser only ever sees documents it can parse safely.

use std::time::Duration;

use async_graphql::ServerError;

use super::errors::{GRAPHQL_VALIDATION_FAILED, request_error};

/// What one request may ask for. The defaults let every query of the README and of typical
/// clients (including GraphiQL's introspection) through, and refuse what would make the
/// service do more work than a page of results needs.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Longest query text, in characters.
    pub max_query_chars: usize,
    /// Most lexical tokens (names, punctuators, values) in the query text.
    pub max_tokens: usize,
    /// Deepest nesting of `{`, `[` and `(` in the query text.
    pub max_nesting: usize,
    /// Deepest selection (fields inside fields).
    pub max_depth: usize,
    /// Most aliases in the document.
    pub max_aliases: usize,
    /// Most directives in the document, wherever they stand.
    pub max_directives: usize,
    /// Most fields selected once every fragment spread is expanded.
    pub max_fields: u64,
    /// Largest cost: list fields weigh their page size, multiplied through nesting.
    pub max_cost: u64,
    /// Most errors in one response; further ones are summarised in one last error.
    pub max_errors: usize,
    /// Largest serialised response body, in bytes.
    pub max_response_bytes: usize,
    /// Longest time a query may run before it is cancelled.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_query_chars: 15_000,
            max_tokens: 1_000,
            max_nesting: 32,
            max_depth: 15,
            max_aliases: 15,
            max_directives: 50,
            max_fields: 2_000,
            max_cost: 25_000,
            max_errors: 100,
            max_response_bytes: 8 << 20,
            timeout: Duration::from_secs(30),
        }
    }
}

/// A request refused by a limit, before any work.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// The limit's name, as `extensions.limit` tells clients: `queryChars`, `tokens`,
    /// `nesting`, `aliases`, `directives`, `fields`, `cost`.
    pub limit: &'static str,
    pub allowed: u64,
    /// What the request has (or at least has, when counting stopped early).
    pub found: u64,
}

impl Refusal {
    pub(super) fn check(limit: &'static str, found: u64, allowed: u64) -> Result<(), Self> {
        if found > allowed { Err(Self { limit, allowed, found }) } else { Ok(()) }
    }

    pub fn into_server_error(self) -> ServerError {
        let Self { limit, allowed, found } = self;
        let message = format!("the query exceeds the limit `{limit}`: {found} where at most {allowed} is allowed");
        let mut error = request_error(GRAPHQL_VALIDATION_FAILED, message);
        let extensions = error.extensions.get_or_insert_with(Default::default);
        extensions.set("limit", limit);
        extensions.set("allowed", allowed);
        error
    }
}

/// Checks length, tokens and nesting of a query text in one pass without recursion.
pub fn scan(query: &str, limits: &Limits) -> Result<(), Refusal> {
    // Bytes bound characters from above; count characters only when the bytes exceed the limit.
    if query.len() > limits.max_query_chars {
        Refusal::check("queryChars", query.chars().count() as u64, limits.max_query_chars as u64)?;
    }
    let bytes = query.as_bytes();
    let (mut tokens, mut depth, mut i) = (0usize, 0usize, 0usize);
    while i < bytes.len() {
        let byte = bytes[i];
        i += 1;
        match byte {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => continue,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
                continue;
            }
            b'"' if bytes[i..].starts_with(b"\"\"") => i = block_string_end(bytes, i + 2),
            b'"' => i = string_end(bytes, i),
            b'{' | b'[' | b'(' => {
                depth += 1;
                Refusal::check("nesting", depth as u64, limits.max_nesting as u64)?;
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'.' if bytes[i..].starts_with(b"..") => i += 2,
            b if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'.' | b'+' | b'-'))
                {
                    i += 1;
                }
            }
            _ => {}
        }
        tokens += 1;
        Refusal::check("tokens", tokens as u64, limits.max_tokens as u64)?;
    }
    Ok(())
}

/// The index after a string's closing quote (or the end of the text), from just after its
/// opening quote.
fn string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' | b'\n' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index after a block string's closing `"""`, from just after its opening one.
fn block_string_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        if bytes[i..].starts_with(b"\\\"\"\"") {
            i += 4;
        } else if bytes[i..].starts_with(b"\"\"\"") {
            return i + 3;
        } else {
            i += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(query: &str) -> Option<&'static str> {
        scan(query, &Limits::default()).err().map(|r| r.limit)
    }

    #[test]
    fn counts_nesting_outside_strings_and_comments() {
        assert_eq!(refused("{ a(x: \"[[[[\") { b } }"), None);
        let deep = format!("{{ a(x: {}1{}) }}", "[".repeat(40), "]".repeat(40));
        assert_eq!(refused(&deep), Some("nesting"));
        let in_block = format!("{{ a(x: \"\"\"{}\\\"\"\" {}\"\"\") }}", "{".repeat(100), "(".repeat(100));
        assert_eq!(refused(&in_block), None);
        assert_eq!(refused(&format!("# {}\n{{ a }}", "{".repeat(100))), None);
    }

    #[test]
    fn counts_tokens_and_characters() {
        assert_eq!(refused(&format!("{{ {} }}", "x ".repeat(998))), None);
        assert_eq!(refused(&format!("{{ {} }}", "x ".repeat(999))), Some("tokens"));
        assert_eq!(refused(&format!("{{ a(s: \"{}\") }}", "ü".repeat(7_490))), None);
        assert_eq!(refused(&format!("{{ a(s: \"{}\") }}", "ü".repeat(15_000))), Some("queryChars"));
    }
}
