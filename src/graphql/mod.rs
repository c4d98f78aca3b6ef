//! The GraphQL schema; knows nothing about HTTP.

mod cost;
mod documents;
pub mod errors;
mod guard;
mod idempotent;
pub mod limits;
mod lists;
mod objects;
mod response;
mod support;
mod types;

use std::future::Future;
use std::sync::Arc;

use async_graphql::dataloader::DataLoader;
use async_graphql::parser::types::{DocumentOperations, OperationDefinition, OperationType};
use async_graphql::{MergedObject, Request, Response, Schema, ServerError, ValidationMode};
use tracing::Instrument as _;

use crate::auth::Viewer;
use crate::service::Services;
use documents::DocumentCache;
use errors::{FORBIDDEN, GRAPHQL_VALIDATION_FAILED, INTERNAL, OPERATION_RESOLUTION_FAILURE, TIMEOUT, TOO_MANY_ERRORS};
pub use limits::Limits;
pub use objects::notifications::Delivery;
use objects::{
    account, connections, feedback, geography, introductions, invitations, nodes, notifications, people, projects,
    recommendations, search, topics, transfer,
};
use types::TypeIndex;

/// Every query, by area.
#[derive(MergedObject, Default)]
pub struct Query(
    nodes::NodeQuery,
    geography::GeographyQuery,
    topics::TopicQuery,
    people::PeopleQuery,
    projects::ProjectQuery,
    connections::ConnectionQuery,
    invitations::InvitationQuery,
    recommendations::MatchQuery,
    feedback::FeedbackQuery,
    account::AccountQuery,
    search::SearchQuery,
    introductions::IntroductionQuery,
);

/// Every mutation, by area.
#[derive(MergedObject, Default)]
pub struct Mutation(
    geography::GeographyMutation,
    topics::TopicMutation,
    people::PeopleMutation,
    projects::ProjectMutation,
    connections::ConnectionMutation,
    feedback::FeedbackMutation,
    account::AccountMutation,
    transfer::TransferMutation,
);

pub type LotsennetzSchema = Schema<Query, Mutation, notifications::Subscription>;

/// What a deployment may switch off: both help developers and tell an attacker the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchemaOptions {
    /// Answer `__schema` and `__type` queries (GraphiQL and code generators need them).
    pub introspection: bool,
    /// Suggest similar names ("Did you mean …?") in validation errors.
    pub suggestions: bool,
}

impl Default for SchemaOptions {
    fn default() -> Self {
        Self { introspection: true, suggestions: true }
    }
}

/// A schema with the limits every request gets; without services it can still print its SDL.
/// Cost, aliases, directives and fragment expansion are checked before the schema sees a
/// request (see `cost`); the schema keeps its own depth check.
fn build_schema(
    services: Option<Services>,
    validation: ValidationMode,
    limits: &Limits,
    options: SchemaOptions,
) -> LotsennetzSchema {
    let mut builder = Schema::build(Query::default(), Mutation::default(), notifications::Subscription)
        .limit_depth(limits.max_depth)
        .validation_mode(validation);
    if !options.introspection {
        builder = builder.disable_introspection();
    }
    if !options.suggestions {
        builder = builder.disable_suggestions();
    }
    if let Some(services) = services {
        builder = builder.data(services);
    }
    builder.finish()
}

/// The SDL of the schema, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None, ValidationMode::Strict, &Limits::default(), SchemaOptions::default()).sdl()
}

/// Why a request was refused as a whole, before or instead of running: its response carries
/// no `data`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Refused {
    /// The document does not parse, does not validate, exceeds a limit, or names no operation.
    Invalid,
    /// No token, and the operation selects data.
    Unauthenticated,
    /// The caller may not run the operation.
    Forbidden,
    /// The query ran longer than its time limit and was cancelled.
    TimedOut,
}

/// The outcome of one request (kept as it was for repeats under an idempotency key).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Answer {
    pub response: Response,
    /// Set when the request was refused as a whole; the response then has no data.
    pub refused: Option<Refused>,
}

impl Answer {
    fn refused(why: Refused, errors: Vec<ServerError>) -> Self {
        Self { response: Response::from_errors(errors), refused: Some(why) }
    }
}

/// The type of the operation a request selects, `None` when it selects none.
fn operation_type(parsed: &documents::Parsed, request: &Request) -> Option<OperationType> {
    parsed.operation(request.operation_name.as_deref()).map(|o| o.node.ty)
}

/// A subscription admitted for a viewer, run once per delivery.
pub struct LiveOperation {
    query: String,
    variables: async_graphql::Variables,
    operation_name: Option<String>,
    parsed: Arc<documents::Parsed>,
    viewer: Viewer,
}

/// What an operation sent over WebSocket became.
pub enum Subscribed {
    /// A subscription, to run for each delivery.
    Live(LiveOperation),
    /// A query or mutation that ran, or an operation refused.
    Answered(Answer),
}

/// Where GraphQL requests are run: the schema, and the documents of earlier requests.
///
/// Every request passes, in this order: the scan of its text and the document limits (before
/// parsing and caching, see `documents`), the choice of its operation, the operation's field
/// and cost limits, and the token gate; only then does the executor start. The schema has no
/// async-graphql extensions, so that no field passes an extension chain. A request without
/// variables whose operation already passed every validation rule runs on a twin of the
/// schema that checks only what guards execution (limits, fragment cycles). The response is
/// then made spec-exact (`response`).
#[derive(Clone)]
pub struct Endpoint {
    services: Services,
    options: SchemaOptions,
    strict: LotsennetzSchema,
    validated: LotsennetzSchema,
    documents: Arc<DocumentCache>,
    types: Arc<TypeIndex>,
    limits: Arc<Limits>,
}

impl Endpoint {
    pub fn new(services: Services, limits: Limits, options: SchemaOptions) -> Self {
        let strict = build_schema(Some(services.clone()), ValidationMode::Strict, &limits, options);
        Self {
            types: Arc::new(TypeIndex::from_sdl(&strict.sdl())),
            validated: build_schema(Some(services.clone()), ValidationMode::Fast, &limits, options),
            strict,
            services,
            options,
            documents: Arc::default(),
            limits: Arc::new(limits),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Whether the operation a request selects is a mutation; requests that do not parse or
    /// select no operation are left to `execute`, which reports why.
    pub fn is_mutation(&self, request: &Request) -> bool {
        let parsed = self.documents.parsed(&request.query, &self.limits).ok();
        let operation = parsed.as_deref().and_then(|p| p.operation(request.operation_name.as_deref()));
        operation.is_some_and(|o| o.node.ty == OperationType::Mutation)
    }

    /// The name of the operation a request selects, as its document declares it (for logs and
    /// metrics); `None` for an anonymous operation and for requests that do not parse, exceed
    /// a limit or name an operation the document lacks.
    pub fn operation_name(&self, request: &Request) -> Option<String> {
        let parsed = self.documents.parsed(&request.query, &self.limits).ok()?;
        let DocumentOperations::Multiple(operations) = &parsed.document.operations else {
            return None;
        };
        let name = match request.operation_name.as_deref() {
            Some(name) => operations.get_key_value(name)?.0,
            None if operations.len() == 1 => operations.keys().next()?,
            None => return None,
        };
        Some(name.to_string())
    }

    /// Runs a request for a viewer. Subscriptions are refused: they are served over WebSocket
    /// ([`Self::subscribe`]).
    pub async fn execute(&self, request: Request, viewer: Viewer) -> Answer {
        let parsed = match self.admit(&request, &viewer) {
            Ok(parsed) => parsed,
            Err(refused) => return *refused,
        };
        if operation_type(&parsed, &request) == Some(OperationType::Subscription) {
            let error = errors::request_error(
                errors::BAD_REQUEST,
                "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql/ws",
            );
            return Answer::refused(Refused::Invalid, vec![error]);
        }
        self.run(request, viewer, &parsed).await
    }

    /// Every check a request passes before the executor starts (see [`Endpoint`]); the
    /// refusal as the answer when one fails.
    fn admit(&self, request: &Request, viewer: &Viewer) -> Result<Arc<documents::Parsed>, Box<Answer>> {
        let refuse = |why, errors| Err(Box::new(Answer::refused(why, errors)));
        let operation_name = request.operation_name.as_deref();
        let parsed = match self.documents.parsed(&request.query, &self.limits) {
            Ok(parsed) => parsed,
            Err(error) => return refuse(Refused::Invalid, vec![error]),
        };
        let Some(operation) = parsed.operation(operation_name) else {
            let message = match operation_name {
                Some(name) => format!("the document has no operation named `{name}`"),
                None => "the document has several operations: name the one to run in `operationName`".to_owned(),
            };
            let error = errors::request_error(OPERATION_RESOLUTION_FAILURE, message);
            return refuse(Refused::Invalid, vec![error]);
        };
        if let Err(refusal) =
            cost::check_operation(&parsed.document, &operation.node, &request.variables, &self.types, &self.limits)
        {
            return refuse(Refused::Invalid, vec![refusal.into_server_error()]);
        }
        if let Some(error) = missing_variable(&operation.node, &request.variables) {
            return refuse(Refused::Invalid, vec![error]);
        }
        if !self.options.introspection {
            let refusals = guard::introspection_refusals(&parsed.document, operation);
            if !refusals.is_empty() {
                return refuse(Refused::Invalid, refusals);
            }
        }
        let refusals = guard::refusals(&parsed.document, operation, viewer);
        if !refusals.is_empty() {
            let forbidden = refusals.iter().any(|e| has_code(e, FORBIDDEN));
            let why = if forbidden { Refused::Forbidden } else { Refused::Unauthenticated };
            return refuse(why, refusals);
        }
        Ok(parsed)
    }

    /// Runs an admitted query or mutation.
    async fn run(&self, mut request: Request, viewer: Viewer, parsed: &documents::Parsed) -> Answer {
        let operation_name = request.operation_name.clone();
        let is_query = operation_type(parsed, &request) == Some(OperationType::Query);
        let (schema, remember) = self.schema_for(&request, parsed);
        request.set_parsed_query(parsed.document.clone());
        let running = schema.execute(self.prepare(request, viewer));
        // Writes are bounded by the store's own timeouts: cancelling one halfway would leave
        // its outcome unknown to the client.
        let response = if is_query {
            match tokio::time::timeout(self.limits.timeout, running).await {
                Ok(response) => response,
                Err(_) => return self.timed_out(),
            }
        } else {
            running.await
        };
        self.finish(response, parsed, operation_name.as_deref(), remember)
    }

    /// The schema a request runs on: the twin that skips validation when the operation passed
    /// it before, and whether a pass is to be remembered.
    fn schema_for(&self, request: &Request, parsed: &documents::Parsed) -> (&LotsennetzSchema, bool) {
        if !request.variables.is_empty() {
            return (&self.strict, false);
        }
        if parsed.validated(request.operation_name.as_deref()) {
            (&self.validated, false)
        } else {
            (&self.strict, true)
        }
    }

    fn timed_out(&self) -> Answer {
        let message = format!("the query ran longer than {} s and was cancelled", self.limits.timeout.as_secs_f64());
        Answer::refused(Refused::TimedOut, vec![errors::request_error(TIMEOUT, message)])
    }

    /// Makes an executed response spec-exact, with a code on every error.
    fn finish(
        &self,
        mut response: Response,
        parsed: &documents::Parsed,
        operation_name: Option<&str>,
        remember: bool,
    ) -> Answer {
        // Errors raised before execution (validation, the depth limit) have no path and
        // leave no data; resolver errors have a path.
        if response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && response.errors.iter().all(|e| e.path.is_empty())
        {
            for error in &mut response.errors {
                let code = if is_argument_error(error) { errors::BAD_USER_INPUT } else { GRAPHQL_VALIDATION_FAILED };
                set_code_if_missing(error, code);
            }
            cap_errors(&mut response.errors, self.limits.max_errors);
            return Answer { response, refused: Some(Refused::Invalid) };
        }
        if remember {
            parsed.mark_validated(operation_name);
        }
        let operation = parsed.operation(operation_name).expect("an admitted request has its operation");
        let root = match operation.node.ty {
            OperationType::Query => self.types.query.as_str(),
            OperationType::Mutation => self.types.mutation.as_str(),
            OperationType::Subscription => self.types.subscription.as_str(),
        };
        response::Shaper { document: &parsed.document, types: &self.types }.shape(
            &mut response,
            root,
            &operation.node.selection_set.node,
        );
        for error in &mut response.errors {
            code_resolver_error(error);
        }
        cap_errors(&mut response.errors, self.limits.max_errors);
        Answer { response, refused: None }
    }

    /// Starts an operation sent over WebSocket: a subscription is checked (limits, the token
    /// gate, validation) and returned to be run for each delivery; a query or mutation runs at
    /// once, as over HTTP.
    pub async fn subscribe(&self, request: Request, viewer: Viewer) -> Subscribed {
        let parsed = match self.admit(&request, &viewer) {
            Ok(parsed) => parsed,
            Err(refused) => return Subscribed::Answered(*refused),
        };
        if operation_type(&parsed, &request) != Some(OperationType::Subscription) {
            return Subscribed::Answered(Box::pin(self.run(request, viewer, &parsed)).await);
        }
        let live = LiveOperation {
            query: request.query,
            variables: request.variables,
            operation_name: request.operation_name,
            parsed,
            viewer,
        };
        // Validation runs before the first event: with nothing to deliver, a valid
        // subscription answers nothing.
        match self.deliver(&live, Delivery(Arc::new([]))).await.into_iter().find(|a| a.refused.is_some()) {
            Some(refused) => Subscribed::Answered(refused),
            None => Subscribed::Live(live),
        }
    }

    /// Runs a subscription for one delivery: one answer per notification its selection
    /// chooses, each resolved with the subscriber's rights as they are now.
    pub async fn deliver(&self, live: &LiveOperation, delivery: Delivery) -> Vec<Answer> {
        use async_graphql::futures_util::StreamExt as _;
        let mut request = Request::new(live.query.clone()).variables(live.variables.clone());
        request.operation_name = live.operation_name.clone();
        let (schema, remember) = self.schema_for(&request, &live.parsed);
        request.set_parsed_query(live.parsed.document.clone());
        let request = self.prepare(request, live.viewer.clone()).data(delivery);
        let running = schema.execute_stream(request).collect::<Vec<Response>>();
        let Ok(responses) = tokio::time::timeout(self.limits.timeout, running).await else {
            return vec![self.timed_out()];
        };
        let name = live.operation_name.as_deref();
        responses.into_iter().map(|response| self.finish(response, &live.parsed, name, remember)).collect()
    }

    /// Adds what every request needs of its own: the caller, and fresh DataLoaders (their
    /// caches live per request).
    fn prepare(&self, request: Request, viewer: Viewer) -> Request {
        request
            .data(support::Caller::new(viewer))
            .data(DataLoader::new(support::NodeLoader(self.services.clone()), spawn_in_request))
            .data(DataLoader::new(support::IncomingLoader(self.services.clone()), spawn_in_request))
    }
}

/// The error for the first variable that the operation requires and the request leaves out
/// or sets to null: the request cannot run at all, as variable coercion demands.
fn missing_variable(operation: &OperationDefinition, variables: &async_graphql::Variables) -> Option<ServerError> {
    operation.variable_definitions.iter().find_map(|definition| {
        let definition = &definition.node;
        let name = &definition.name.node;
        let given = variables.get(name).is_some_and(|v| *v != async_graphql::Value::Null);
        let required = !definition.var_type.node.nullable && definition.default_value.is_none();
        (required && !given).then(|| {
            let message = format!("variable `${name}` of type `{}` is required", definition.var_type.node);
            errors::bad_input(name, message).into_server_error(definition.name.pos)
        })
    })
}

fn has_code(error: &ServerError, code: &str) -> bool {
    let found = error.extensions.as_ref().and_then(|e| e.get("code"));
    matches!(found, Some(async_graphql::Value::String(c)) if c == code)
}

fn set_code_if_missing(error: &mut ServerError, code: &str) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
}

/// Gives a resolver error without a code its code: an argument value the schema could not
/// read is the caller's; anything else is a failure of the service, logged and reported
/// without its details.
fn code_resolver_error(error: &mut ServerError) {
    if error.extensions.as_ref().is_some_and(|e| e.get("code").is_some()) {
        return;
    }
    if is_argument_error(error) {
        set_code_if_missing(error, errors::BAD_USER_INPUT);
        return;
    }
    tracing::error!(message = %error.message, path = ?error.path, "resolver failed without an error code");
    error.message = "internal error".to_owned();
    set_code_if_missing(error, INTERNAL);
}

/// Whether an error is async-graphql's for an argument value (given literally or by a
/// variable) that does not fit the argument's type: the caller's input, not the document's.
fn is_argument_error(error: &ServerError) -> bool {
    error.message.starts_with("Failed to parse") || error.message.starts_with("Invalid value for argument")
}

/// Keeps the first `max` errors and says how many more there were.
fn cap_errors(errors: &mut Vec<ServerError>, max: usize) {
    if errors.len() > max {
        let omitted = errors.len() - max;
        errors.truncate(max);
        let message = format!("{omitted} further errors omitted");
        errors.push(errors::request_error(TOO_MANY_ERRORS, message));
    }
}

/// Runs a DataLoader batch in the span of the request that asked for it, so that what the
/// batch logs (store failures, retries) carries the request's id.
fn spawn_in_request<F: Future<Output = ()> + Send + 'static>(batch: F) -> tokio::task::JoinHandle<()> {
    tokio::spawn(batch.in_current_span())
}
