//! GraphQL over HTTP as its specification says: POST with `application/json`, GET for
//! queries only, the response media type negotiated from `Accept`, status codes that tell a
//! refused request from an executed one, and every error as GraphQL JSON.

use async_graphql::{ServerError, Value, Variables};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppState;
use crate::auth::{AuthError, Viewer};
use crate::graphql::errors::{BAD_REQUEST, RESPONSE_TOO_LARGE, UNAUTHENTICATED};
use crate::graphql::{Answer, Refused};
use crate::observe::GraphqlOutcome;

/// The media type of a response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// `application/graphql-response+json`: the status code tells refused requests apart.
    GraphqlResponse,
    /// `application/json`, for older clients: executed requests answer 200.
    Json,
}

impl Format {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Self::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Self::Json => "application/json; charset=utf-8",
        })
    }
}

/// The format the client accepts best (by `q`, the GraphQL media type on ties); `None` when
/// it accepts neither. Clients that name neither type (no `Accept`, `*/*`) get
/// `application/json`, which every GraphQL client reads, as the specification recommends.
fn negotiate(headers: &HeaderMap) -> Option<Format> {
    let accept: Vec<&str> = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).collect();
    if accept.iter().all(|a| a.trim().is_empty()) {
        return Some(Format::Json);
    }
    let mut best: Option<(f32, Format)> = None;
    for range in accept.iter().flat_map(|a| a.split(',')) {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let quality =
            parts.filter_map(|p| p.trim().strip_prefix("q=")).find_map(|q| q.trim().parse::<f32>().ok()).unwrap_or(1.0);
        let format = match media.as_str() {
            "application/graphql-response+json" => Format::GraphqlResponse,
            "application/json" | "application/*" | "*/*" => Format::Json,
            _ => continue,
        };
        let better = match best {
            None => true,
            Some((q, f)) => quality > q || (quality == q && f == Format::Json && format == Format::GraphqlResponse),
        };
        if quality > 0.0 && better {
            best = Some((quality, format));
        }
    }
    best.map(|(_, format)| format)
}

fn not_acceptable() -> Response {
    let message = "the response can be sent as application/graphql-response+json or application/json only";
    refuse_request(Format::Json, StatusCode::NOT_ACCEPTABLE, message)
}

/// A GraphQL response body: `data` only when the request ran.
#[derive(Serialize)]
pub(super) struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) data: Option<&'a Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub(super) errors: &'a [ServerError],
}

fn respond(format: Format, status: StatusCode, body: &Body<'_>) -> Response {
    send(format, status, serde_json::to_vec(body).expect("GraphQL values serialise"))
}

fn send(format: Format, status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut response = (status, bytes).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, format.content_type());
    response
}

/// A refused HTTP request: no data, one error with a code.
fn refuse_request(format: Format, status: StatusCode, message: &str) -> Response {
    let error = crate::graphql::errors::request_error(BAD_REQUEST, message);
    respond(format, status, &Body { data: None, errors: &[error] })
}

/// The answer to a bad token: 401 at once, never a silent fall-back to anonymous.
fn unauthorized(format: Format, error: AuthError) -> Response {
    tracing::info!(%error, "token refused");
    let error = crate::graphql::errors::request_error(UNAUTHENTICATED, "invalid bearer token");
    let mut response = respond(format, StatusCode::UNAUTHORIZED, &Body { data: None, errors: &[error] });
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer error=\"invalid_token\""));
    GraphqlOutcome::refused(UNAUTHENTICATED).attach(response)
}

/// Makes a mutation safe to repeat: see `service::idempotency`.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Runs a GraphQL request (once per idempotency key, when the request has one) and notes its
/// operation and error codes for the request's log line and metrics.
async fn execute(
    state: &AppState,
    format: Format,
    request: async_graphql::Request,
    viewer: Viewer,
    headers: &HeaderMap,
) -> Response {
    let operation = state.graphql.operation_name(&request);
    GraphqlOutcome::record_operation(operation.as_deref());
    // Boxed: the executor's futures are deep types, too deep to nest in every caller's.
    let answered = match headers.get(IDEMPOTENCY_KEY) {
        // A value that is not visible ASCII is refused like any malformed key.
        Some(key) => Box::pin(state.graphql.execute_once(request, viewer, key.to_str().unwrap_or_default())).await,
        None => Box::pin(state.graphql.execute(request, viewer)).await,
    };
    let outcome = GraphqlOutcome::of(operation, &answered.response);
    outcome.attach(answer(format, answered, state.graphql.limits().max_response_bytes))
}

/// The HTTP response of a GraphQL answer, within the response size limit.
fn answer(format: Format, answer: Answer, max_bytes: usize) -> Response {
    let status = match (answer.refused, format) {
        (None, _) => StatusCode::OK,
        (Some(Refused::Invalid), Format::Json) => StatusCode::OK,
        (Some(Refused::Invalid), Format::GraphqlResponse) => StatusCode::BAD_REQUEST,
        (Some(Refused::Unauthenticated), _) => StatusCode::UNAUTHORIZED,
        (Some(Refused::Forbidden), _) => StatusCode::FORBIDDEN,
        (Some(Refused::TimedOut), _) => StatusCode::GATEWAY_TIMEOUT,
    };
    let data = answer.refused.is_none().then_some(&answer.response.data);
    match serialized_within(&Body { data, errors: &answer.response.errors }, max_bytes) {
        Ok(bytes) => send(format, status, bytes),
        Err(withheld) => send(format, StatusCode::OK, withheld),
    }
}

/// A response body as JSON within the response size limit; over it, the body that says so
/// instead (as the error).
pub(super) fn serialized_within(body: &Body<'_>, max_bytes: usize) -> Result<Vec<u8>, Vec<u8>> {
    let bytes = serde_json::to_vec(body).expect("GraphQL values serialise");
    if bytes.len() <= max_bytes {
        return Ok(bytes);
    }
    tracing::warn!(limit = max_bytes, "response over the size limit withheld");
    let message = format!("the response would exceed {max_bytes} bytes; ask for smaller pages or fewer fields");
    let error = crate::graphql::errors::request_error(RESPONSE_TOO_LARGE, message);
    let withheld = Body { data: Some(&Value::Null), errors: &[error] };
    Err(serde_json::to_vec(&withheld).expect("GraphQL values serialise"))
}

/// A request's parameters from a JSON object (the POST body, or GET parameters with their
/// JSON-encoded `variables` and `extensions` already decoded).
pub(super) fn request_from(params: serde_json::Value) -> Result<async_graphql::Request, &'static str> {
    let serde_json::Value::Object(mut params) = params else {
        return Err("the body must be one JSON object with `query` (batches are not supported)");
    };
    let Some(serde_json::Value::String(query)) = params.remove("query") else {
        return Err("`query` must be a string");
    };
    let operation_name = match params.remove("operationName") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(name)) => Some(name),
        Some(_) => return Err("`operationName` must be a string or null"),
    };
    let variables = match params.remove("variables") {
        None | Some(serde_json::Value::Null) => Variables::default(),
        Some(variables @ serde_json::Value::Object(_)) => Variables::from_json(variables),
        Some(_) => return Err("`variables` must be an object or null"),
    };
    if !matches!(params.remove("extensions"), None | Some(serde_json::Value::Null | serde_json::Value::Object(_))) {
        return Err("`extensions` must be an object or null");
    }
    let mut request = async_graphql::Request::new(query).variables(variables);
    request.operation_name = operation_name;
    Ok(request)
}

/// Whether a POST body is declared as UTF-8 JSON, the one media type a GraphQL request may
/// be posted as (a `text/plain` or form post, which browsers send without a preflight, runs
/// nothing).
fn is_json(headers: &HeaderMap) -> bool {
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else { return false };
    let mut parts = content_type.split(';');
    let media = parts.next().unwrap_or_default().trim();
    media.eq_ignore_ascii_case("application/json")
        && parts.all(|p| {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            !name.trim().eq_ignore_ascii_case("charset") || value.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        })
}

pub(super) async fn post_graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let Some(format) = negotiate(&headers) else { return not_acceptable() };
    if !is_json(&headers) {
        let message = "a GraphQL request is posted as application/json (UTF-8)";
        return refuse_request(format, StatusCode::UNSUPPORTED_MEDIA_TYPE, message);
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let message = match rejection.status() {
                StatusCode::PAYLOAD_TOO_LARGE => "the request body is larger than the service accepts",
                _ => "the request body could not be read",
            };
            return refuse_request(format, rejection.status(), message);
        }
    };
    let request = serde_json::from_slice(&body).map_err(|_| "the body is not valid JSON").and_then(request_from);
    let request = match request {
        Ok(request) => request,
        Err(message) => return refuse_request(format, StatusCode::BAD_REQUEST, message),
    };
    let viewer = match super::caller(&state, &headers) {
        Ok(viewer) => viewer,
        Err(error) => return unauthorized(format, error),
    };
    execute(&state, format, request, viewer, &headers).await
}

/// Without parameters this is the GraphiQL page; with `query=…`, a query over GET.
/// Mutations over GET are refused (405), as GraphQL over HTTP requires.
pub(super) async fn get_graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let Some(raw) = raw.filter(|q| !q.is_empty()) else {
        return crate::web::graphiql_page(&headers);
    };
    let Some(format) = negotiate(&headers) else { return not_acceptable() };
    let request = get_params(&raw).and_then(request_from);
    let request = match request {
        Ok(request) => request,
        Err(message) => return refuse_request(format, StatusCode::BAD_REQUEST, message),
    };
    if state.graphql.is_mutation(&request) {
        let mut response = refuse_request(format, StatusCode::METHOD_NOT_ALLOWED, "mutations must be sent with POST");
        response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let viewer = match super::caller(&state, &headers) {
        Ok(viewer) => viewer,
        Err(error) => return unauthorized(format, error),
    };
    execute(&state, format, request, viewer, &headers).await
}

/// The parameters of a GET request as the JSON object a POST body would hold.
fn get_params(raw: &str) -> Result<serde_json::Value, &'static str> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw).map_err(|_| "the query string is malformed")?;
    let mut params = serde_json::Map::new();
    for (name, value) in pairs {
        let value = match name.as_str() {
            "variables" | "extensions" => {
                serde_json::from_str(&value).map_err(|_| "`variables` and `extensions` must be JSON objects")?
            }
            _ => serde_json::Value::String(value),
        };
        if params.insert(name, value).is_some() {
            return Err("each parameter may be given once");
        }
    }
    Ok(serde_json::Value::Object(params))
}
