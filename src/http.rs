//! The HTTP surface: GraphQL over HTTP and over WebSocket, the GraphiQL page, health, readiness, metrics and the
//! web app.

mod graphql;
mod live;

pub use live::Live;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use serde_json::json;
use tokio_util::sync::CancellationToken;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::auth::{AuthError, Verifier, Viewer};
use crate::graphql::Endpoint;
use crate::metrics::Metrics;
use crate::observe;
use crate::service::Services;

#[derive(Clone)]
struct AppState {
    graphql: Endpoint,
    services: Services,
    verifier: Arc<Verifier>,
    live: Live,
}

/// The routes, inside out: body limit, cancellation at the shutdown deadline (`cancel`),
/// and request ids, the request's log line and metrics.
#[expect(clippy::too_many_arguments, reason = "each is one part of the service the routes serve")]
pub fn router(
    graphql: Endpoint,
    services: Services,
    verifier: Arc<Verifier>,
    live: Live,
    web: crate::web::Web,
    max_body_bytes: usize,
    metrics: Arc<Metrics>,
    cancel: CancellationToken,
) -> Router {
    let state = AppState { graphql, services, verifier, live };
    let scraped = metrics.clone();
    let get_metrics = move || async move { ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], scraped.render()) };
    Router::new()
        .route("/graphql", get(graphql::get_graphql).post(graphql::post_graphql))
        .route("/graphql/ws", get(live::get_graphql_ws))
        .route("/health", get(get_health))
        .route("/ready", get(get_ready))
        .route(observe::METRICS_PATH, get(get_metrics))
        .merge(crate::web::router(web))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(middleware::from_fn_with_state(cancel, crate::shutdown::cancellable))
        .layer(middleware::from_fn_with_state(metrics, observe::observe))
        .with_state(state)
}

/// The CORS policy for these origins (`*`: any), `None` when no origin is allowed; an origin
/// that is not `scheme://host[:port]` is a configuration error.
pub fn cors(origins: &[String]) -> anyhow::Result<Option<CorsLayer>> {
    let origins: Vec<&str> = origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()).collect();
    if origins.is_empty() {
        return Ok(None);
    }
    let allowed = if origins.contains(&"*") {
        AllowOrigin::any()
    } else {
        let mut values = Vec::with_capacity(origins.len());
        for origin in origins {
            let well_formed = origin.split_once("://").is_some_and(|(scheme, host)| {
                matches!(scheme, "http" | "https") && !host.is_empty() && !host.contains('/')
            });
            anyhow::ensure!(well_formed, "CORS origin '{origin}' is not of the form https://host[:port]");
            values.push(HeaderValue::from_str(origin)?);
        }
        AllowOrigin::list(values)
    };
    let request_headers =
        [header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, REQUEST_ID.clone(), IDEMPOTENCY_KEY.clone()];
    Ok(Some(
        CorsLayer::new()
            .allow_origin(allowed)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers(request_headers)
            .expose_headers([REQUEST_ID.clone()])
            .max_age(std::time::Duration::from_secs(600)),
    ))
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
static IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// The caller named by the `Authorization` header.
fn caller(state: &AppState, headers: &HeaderMap) -> Result<Viewer, AuthError> {
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("invalid"));
    state.verifier.viewer(authorization)
}

/// Liveness: the process answers.
async fn get_health() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

/// Readiness: the store answers a real query.
async fn get_ready(State(state): State<AppState>) -> Response {
    match state.services.ready().await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(error) => {
            tracing::warn!(?error, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable" }))).into_response()
        }
    }
}
