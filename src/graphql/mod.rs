//! The GraphQL schema; knows nothing about HTTP.

mod documents;
pub mod errors;
mod guard;
mod objects;
mod support;

use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptySubscription, MergedObject, Request, Schema};

use crate::auth::Viewer;
use crate::service::Services;
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

/// Builds the schema served over HTTP; without services it can still print its SDL.
pub fn build_schema(services: Option<Services>) -> LotsennetzSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_directives(MAX_DIRECTIVES)
        .extension(documents::DocumentCache::default())
        .extension(guard::RequireViewer);
    if let Some(services) = services {
        builder = builder.data(services);
    }
    builder.finish()
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None).sdl()
}

/// Runs a request. Errors raised before any resolver ran (syntax, validation, argument
/// types) are the caller's and get the code `BAD_USER_INPUT`; resolver errors carry theirs.
pub async fn execute(schema: &LotsennetzSchema, request: Request) -> async_graphql::Response {
    let mut response = schema.execute(request).await;
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", errors::BAD_USER_INPUT);
        }
    }
    response
}

/// Adds what every request needs of its own: the caller, and fresh DataLoaders (their caches
/// live per request).
pub fn prepare(request: Request, services: &Services, viewer: Viewer) -> Request {
    request
        .data(support::Caller::new(viewer))
        .data(DataLoader::new(support::NodeLoader(services.clone()), tokio::spawn))
        .data(DataLoader::new(support::IncomingLoader(services.clone()), tokio::spawn))
}
