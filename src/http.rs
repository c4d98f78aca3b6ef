//! The HTTP surface: GraphQL over HTTP, the GraphiQL page, health, readiness and metrics.

mod graphql;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router, middleware};
use serde_json::json;
use tokio_util::sync::CancellationToken;

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
}

/// The routes, inside out: body limit, cancellation at the shutdown deadline (`cancel`),
/// and request ids, the request's log line and metrics.
pub fn router(
    graphql: Endpoint,
    services: Services,
    verifier: Arc<Verifier>,
    max_body_bytes: usize,
    metrics: Arc<Metrics>,
    cancel: CancellationToken,
) -> Router {
    let state = AppState { graphql, services, verifier };
    let scraped = metrics.clone();
    let get_metrics = move || async move { ([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], scraped.render()) };
    Router::new()
        .route("/graphql", get(graphql::get_graphql).post(graphql::post_graphql))
        .route("/health", get(get_health))
        .route("/ready", get(get_ready))
        .route(observe::METRICS_PATH, get(get_metrics))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(middleware::from_fn_with_state(cancel, crate::shutdown::cancellable))
        .layer(middleware::from_fn_with_state(metrics, observe::observe))
        .with_state(state)
}

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
