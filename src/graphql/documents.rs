//! Parsed documents kept across requests, and which of their operations passed validation.
//! Clients send the same operations again and again; parsing one (a PEG parser) and
//! validating it cost more than running a cheap query, and both depend only on the query
//! text, the operation chosen, the variables and the schema. Only documents within the
//! limits are parsed and kept: the text is scanned before the parser sees it.

use std::sync::{Arc, Mutex};

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition};
use async_graphql::parser::{Positioned, parse_query};
use async_graphql::{ErrorExtensions, ServerError};
use lru::LruCache;

use super::cost;
use super::errors::GRAPHQL_PARSE_FAILED;
use super::limits::{self, Limits};
use crate::sync::lock_cache;

/// Most query text the cache holds, in bytes; the parsed documents take a few times that.
const BUDGET_BYTES: usize = 1 << 20;
/// Longest query cached; longer ones are parsed every time.
const MAX_QUERY_BYTES: usize = 16 << 10;

/// A document that parsed.
pub struct Parsed {
    pub document: ExecutableDocument,
    /// Operations (by the name the request gave, if any) that passed every validation rule
    /// in a request without variables. Validation depends on nothing else, so the same
    /// request needs only the checks that guard execution (limits, fragment cycles).
    validated: Mutex<Vec<Option<String>>>,
}

impl Parsed {
    /// The operation a request runs, chosen as the executor chooses it: by name when the
    /// request names one, else the document's only operation; `None` when there is none such,
    /// which the executor reports.
    pub fn operation(&self, name: Option<&str>) -> Option<&Positioned<OperationDefinition>> {
        match (&self.document.operations, name) {
            (DocumentOperations::Single(operation), None) => Some(operation),
            (DocumentOperations::Single(_), Some(_)) => None,
            (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name),
            (DocumentOperations::Multiple(operations), None) => {
                let mut all = operations.values();
                all.next().filter(|_| operations.len() == 1)
            }
        }
    }

    pub fn validated(&self, operation: Option<&str>) -> bool {
        lock_cache(&self.validated).iter().any(|name| name.as_deref() == operation)
    }

    pub fn mark_validated(&self, operation: Option<&str>) {
        let mut validated = lock_cache(&self.validated);
        if !validated.iter().any(|name| name.as_deref() == operation) {
            validated.push(operation.map(str::to_owned));
        }
    }
}

struct Documents {
    /// By query text, least recently used first out.
    entries: LruCache<Box<str>, Arc<Parsed>>,
    bytes: usize,
}

/// The documents of recent requests, by query text, within a budget of query bytes.
pub struct DocumentCache(Mutex<Documents>);

impl Default for DocumentCache {
    fn default() -> Self {
        Self(Mutex::new(Documents { entries: LruCache::unbounded(), bytes: 0 }))
    }
}

impl DocumentCache {
    /// The parsed document of a query text, from the cache or parsed now; the error when the
    /// text exceeds a limit or does not parse.
    pub fn parsed(&self, query: &str, limits: &Limits) -> Result<Arc<Parsed>, ServerError> {
        if let Some(parsed) = lock_cache(&self.0).entries.get(query) {
            return Ok(parsed.clone());
        }
        limits::scan(query, limits).map_err(limits::Refusal::into_server_error)?;
        let document = parse_query(query).map_err(|error| {
            let error: ServerError = error.into();
            async_graphql::Error::new(error.message)
                .extend_with(|_, e| e.set("code", GRAPHQL_PARSE_FAILED))
                .into_server_error(error.locations.first().copied().unwrap_or_default())
        })?;
        cost::check_document(&document, limits).map_err(limits::Refusal::into_server_error)?;
        let parsed = Arc::new(Parsed { document, validated: Mutex::new(Vec::new()) });
        if query.len() <= MAX_QUERY_BYTES {
            lock_cache(&self.0).insert(query, parsed.clone());
        }
        Ok(parsed)
    }
}

impl Documents {
    fn insert(&mut self, query: &str, parsed: Arc<Parsed>) {
        if self.entries.put(query.into(), parsed).is_none() {
            self.bytes += query.len();
        }
        while self.bytes > BUDGET_BYTES {
            let Some((evicted, _)) = self.entries.pop_lru() else { break };
            self.bytes -= evicted.len();
        }
    }
}
