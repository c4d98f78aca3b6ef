//! What every HTTP request leaves behind: a request id (taken from `X-Request-Id` when it is
//! a short visible-ASCII string, else generated, and echoed in the response), a `request`
//! span whose fields every log line of the request carries, one info line when it is
//! answered, and its metrics.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument as _;

use crate::metrics::Metrics;

/// The request id header, read and echoed.
pub static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Longest request id taken from a client; longer ones are replaced.
pub const MAX_REQUEST_ID_CHARS: usize = 64;

/// Where the scrapes come in; they are neither counted nor logged at info level.
pub const METRICS_PATH: &str = "/metrics";

/// What a GraphQL handler reports about the request it ran, for the log line and metrics.
#[derive(Debug, Clone, Default)]
pub struct GraphqlOutcome {
    /// The operation's name as its document declares it.
    pub operation: Option<String>,
    /// `extensions.code` of each error in the response.
    pub error_codes: Vec<String>,
}

impl GraphqlOutcome {
    /// The outcome of an executed request.
    pub fn of(operation: Option<String>, response: &async_graphql::Response) -> Self {
        let error_codes = response
            .errors
            .iter()
            .map(|error| match error.extensions.as_ref().and_then(|e| e.get("code")) {
                Some(async_graphql::Value::String(code)) => code.clone(),
                _ => "NONE".to_owned(),
            })
            .collect();
        Self { operation, error_codes }
    }

    /// A request refused before execution with one error of `code`.
    pub fn refused(code: &str) -> Self {
        Self { operation: None, error_codes: vec![code.to_owned()] }
    }

    /// Notes the operation in the current request span, so that every later log line of the
    /// request names it.
    pub fn record_operation(operation: Option<&str>) {
        if let Some(operation) = operation {
            tracing::Span::current().record("operation", operation);
        }
    }

    /// Hands the outcome to [`observe`] through the response.
    pub fn attach(self, mut response: Response) -> Response {
        response.extensions_mut().insert(self);
        response
    }
}

/// The request id a client sent, if it is usable in logs and headers.
fn client_request_id(request: &Request) -> Option<String> {
    let value = request.headers().get(&REQUEST_ID)?.to_str().ok()?;
    let usable =
        !value.is_empty() && value.len() <= MAX_REQUEST_ID_CHARS && value.bytes().all(|b| b.is_ascii_graphic());
    usable.then(|| value.to_owned())
}

/// Middleware around every route (see `Router::layer`, which runs it after routing, so the
/// matched route is known).
pub async fn observe(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = client_request_id(&request).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |m| m.as_str()).to_owned();
    let span = tracing::info_span!(
        "request",
        request_id = %request_id,
        method = %method,
        path = %path,
        operation = tracing::field::Empty,
    );
    let scrape = route == METRICS_PATH;
    let in_flight = (!scrape).then(|| metrics.in_flight());
    let mut response = next.run(request).instrument(span.clone()).await;
    drop(in_flight);
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let outcome = response.extensions_mut().remove::<GraphqlOutcome>();
    let operation = outcome.as_ref().and_then(|o| o.operation.as_deref());
    let errors = outcome.as_ref().map_or(&[][..], |o| &o.error_codes[..]);
    // Microseconds are enough, and keep the line short.
    let duration_ms = (elapsed.as_secs_f64() * 1e6).round() / 1e3;
    if scrape {
        tracing::debug!(parent: &span, status, duration_ms, "answered");
    } else {
        metrics.http_request(method.as_str(), &route, status, elapsed);
        if outcome.is_some() {
            metrics.graphql_request(operation, errors, elapsed);
        }
        let errors = (!errors.is_empty()).then(|| errors.join(","));
        tracing::info!(parent: &span, status, duration_ms, errors = errors.as_deref(), "answered");
    }
    let id = HeaderValue::from_str(&request_id).expect("request ids are visible ASCII");
    response.headers_mut().insert(REQUEST_ID.clone(), id);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_id(id: &[u8]) -> Request {
        let value = HeaderValue::from_bytes(id).expect("a header value");
        axum::http::Request::builder().header(&REQUEST_ID, value).body(axum::body::Body::empty()).unwrap()
    }

    #[test]
    fn a_short_visible_id_is_kept_and_anything_else_replaced() {
        assert_eq!(client_request_id(&with_id(b"abc-123_x.y:z")).as_deref(), Some("abc-123_x.y:z"));
        assert_eq!(client_request_id(&with_id(b"two words")), None);
        assert_eq!(client_request_id(&with_id(b"")), None);
        assert_eq!(client_request_id(&with_id("x".repeat(MAX_REQUEST_ID_CHARS + 1).as_bytes())), None);
        assert_eq!(client_request_id(&with_id(b"caf\xc3\xa9")), None);
    }
}
