//! Parsed and validated documents kept across requests. Clients send the same operations
//! again and again; parsing one (a PEG parser) and validating it cost more than running a
//! cheap query, and both depend only on the query text and the schema.

use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, ServerError, ServerResult, ValidationResult, Variables};
use lru::LruCache;

use crate::sync::lock_cache;

/// Most query text the cache holds, in bytes; the parsed documents take a few times that.
const BUDGET_BYTES: usize = 1 << 20;
/// Longest query cached; longer ones are parsed every time.
const MAX_QUERY_BYTES: usize = 16 << 10;

/// A document that parsed and passed the depth and directive limits.
struct Parsed {
    document: ExecutableDocument,
    /// Validation outcomes of requests without variables, by operation name; with variables,
    /// validation also checks their values and runs every time.
    validated: Mutex<Vec<(Option<String>, ValidationResult)>>,
}

struct Documents {
    /// By query text, least recently used first out.
    entries: LruCache<Box<str>, Arc<Parsed>>,
    bytes: usize,
}

/// The schema's cache of documents: one for the schema, one [`Lookup`] per request.
pub struct DocumentCache(Arc<Mutex<Documents>>);

impl Default for DocumentCache {
    fn default() -> Self {
        Self(Arc::new(Mutex::new(Documents { entries: LruCache::unbounded(), bytes: 0 })))
    }
}

impl ExtensionFactory for DocumentCache {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Lookup { documents: self.0.clone(), operation: OnceLock::new(), found: OnceLock::new() })
    }
}

impl Documents {
    fn get(&mut self, query: &str) -> Option<Arc<Parsed>> {
        self.entries.get(query).cloned()
    }

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

/// One request's use of the cache.
struct Lookup {
    documents: Arc<Mutex<Documents>>,
    /// The operation the request names.
    operation: OnceLock<Option<String>>,
    /// The cached document, when the request has no variables.
    found: OnceLock<Arc<Parsed>>,
}

#[async_trait::async_trait]
impl Extension for Lookup {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let _ = self.operation.set(request.operation_name.clone());
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let cached = lock_cache(&self.documents).get(query);
        let parsed = match cached {
            Some(parsed) => parsed,
            None => {
                let document = next.run(ctx, query, variables).await?;
                if query.len() > MAX_QUERY_BYTES {
                    return Ok(document);
                }
                let parsed = Arc::new(Parsed { document, validated: Mutex::new(Vec::new()) });
                lock_cache(&self.documents).insert(query, parsed.clone());
                parsed
            }
        };
        if variables.is_empty() {
            let _ = self.found.set(parsed.clone());
        }
        Ok(parsed.document.clone())
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let (Some(parsed), Some(operation)) = (self.found.get(), self.operation.get()) else {
            return next.run(ctx).await;
        };
        let known = lock_cache(&parsed.validated).iter().find(|(name, _)| name == operation).map(|(_, result)| *result);
        if let Some(result) = known {
            return Ok(result);
        }
        let result = next.run(ctx).await?;
        lock_cache(&parsed.validated).push((operation.clone(), result));
        Ok(result)
    }
}
