//! The GraphQL schema; knows nothing about HTTP.

mod documents;
pub mod errors;
mod guard;
mod idempotent;
mod objects;
mod support;

use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::parser::types::OperationType;
use async_graphql::{EmptySubscription, MergedObject, Request, Response, Schema, ValidationMode};

use crate::auth::Viewer;
use crate::service::Services;
use documents::DocumentCache;
use objects::{account, connections, geography, people, projects, recommendations, topics, transfer};

/// Every query, by area.
#[derive(MergedObject, Default)]
pub struct Query(
    geography::GeographyQuery,
    topics::TopicQuery,
    people::PeopleQuery,
    projects::ProjectQuery,
    connections::ConnectionQuery,
    recommendations::MatchQuery,
    account::AccountQuery,
);

/// Every mutation, by area.
#[derive(MergedObject, Default)]
pub struct Mutation(
    geography::GeographyMutation,
    topics::TopicMutation,
    people::PeopleMutation,
    projects::ProjectMutation,
    connections::ConnectionMutation,
    account::AccountMutation,
    transfer::TransferMutation,
);

pub type LotsennetzSchema = Schema<Query, Mutation, EmptySubscription>;

/// Deepest selection accepted; the deepest useful query nests about eight levels.
pub const MAX_DEPTH: usize = 12;
/// Most fields (with list fields counted once per page size) one request may select.
pub const MAX_COMPLEXITY: usize = 50_000;
pub const MAX_DIRECTIVES: usize = 10;

/// A schema with the limits every request gets; without services it can still print its SDL.
fn build_schema(services: Option<Services>, validation: ValidationMode) -> LotsennetzSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_directives(MAX_DIRECTIVES)
        .validation_mode(validation);
    if let Some(services) = services {
        builder = builder.data(services);
    }
    builder.finish()
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None, ValidationMode::Strict).sdl()
}

/// Where GraphQL requests are run: the schema, and the documents of earlier requests.
///
/// The schema has no async-graphql extensions, so that no field passes an extension chain:
/// the document cache and the token gate work before the executor starts. A request without
/// variables whose operation already passed every validation rule runs on a twin of the
/// schema that checks only what guards execution (limits, fragment cycles).
#[derive(Clone)]
pub struct Endpoint {
    services: Services,
    strict: LotsennetzSchema,
    validated: LotsennetzSchema,
    documents: Arc<DocumentCache>,
}

impl Endpoint {
    pub fn new(services: Services) -> Self {
        Self {
            strict: build_schema(Some(services.clone()), ValidationMode::Strict),
            validated: build_schema(Some(services.clone()), ValidationMode::Fast),
            services,
            documents: Arc::default(),
        }
    }

    /// Whether the operation a request selects is a mutation; requests that do not parse or
    /// select no operation are left to the executor, which reports why.
    pub fn is_mutation(&self, request: &Request) -> bool {
        let parsed = self.documents.parsed(&request.query);
        let operation = parsed.as_deref().and_then(|p| p.operation(request.operation_name.as_deref()));
        operation.is_some_and(|o| o.node.ty == OperationType::Mutation)
    }

    /// Runs a request for a viewer. Errors raised before any resolver ran (syntax,
    /// validation, argument types) are the caller's and get the code `BAD_USER_INPUT`;
    /// refusals and resolver errors carry theirs.
    pub async fn execute(&self, mut request: Request, viewer: Viewer) -> Response {
        let operation_name = request.operation_name.clone();
        let parsed = self.documents.parsed(&request.query);
        let mut schema = &self.strict;
        let mut remember = None;
        if let Some(parsed) = parsed {
            if let Some(operation) = parsed.operation(operation_name.as_deref()) {
                let refusals = guard::refusals(&parsed.document, operation, &viewer);
                if !refusals.is_empty() {
                    return Response::from_errors(refusals);
                }
            }
            request.set_parsed_query(parsed.document.clone());
            if request.variables.is_empty() {
                if parsed.validated(operation_name.as_deref()) {
                    schema = &self.validated;
                } else {
                    remember = Some(parsed);
                }
            }
        }
        let mut response = schema.execute(self.prepare(request, viewer)).await;
        // Errors raised before execution (parsing, validation, limits, the operation's name)
        // have no path; resolver errors have one.
        if let Some(parsed) = remember.filter(|_| response.errors.iter().all(|e| !e.path.is_empty())) {
            parsed.mark_validated(operation_name.as_deref());
        }
        for error in &mut response.errors {
            let extensions = error.extensions.get_or_insert_with(Default::default);
            if extensions.get("code").is_none() {
                extensions.set("code", errors::BAD_USER_INPUT);
            }
        }
        response
    }

    /// Adds what every request needs of its own: the caller, and fresh DataLoaders (their
    /// caches live per request).
    fn prepare(&self, request: Request, viewer: Viewer) -> Request {
        request
            .data(support::Caller::new(viewer))
            .data(DataLoader::new(support::NodeLoader(self.services.clone()), tokio::spawn))
            .data(DataLoader::new(support::IncomingLoader(self.services.clone()), tokio::spawn))
    }
}
