//! The HTTP surface: GraphQL over HTTP, the GraphiQL page, health and readiness, the web app.

mod graphql;

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::trace::TraceLayer;

use crate::auth::{AuthError, Verifier, Viewer};
use crate::graphql::Endpoint;
use crate::service::Services;

#[derive(Clone)]
struct AppState {
    graphql: Endpoint,
    services: Services,
    verifier: Arc<Verifier>,
}

pub fn router(
    graphql: Endpoint,
    services: Services,
    verifier: Arc<Verifier>,
    web: crate::web::Web,
    max_body_bytes: usize,
) -> Router {
    let state = AppState { graphql, services, verifier };
    Router::new()
        .route("/graphql", get(graphql::get_graphql).post(graphql::post_graphql))
        .route("/health", get(get_health))
        .route("/ready", get(get_ready))
        .merge(crate::web::router(web))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .layer(TraceLayer::new_for_http())
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
