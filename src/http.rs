//! The HTTP surface: GraphQL over HTTP, the GraphiQL page, health and readiness.

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::limit::RequestBodyLimitLayer;
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

pub fn router(graphql: Endpoint, services: Services, verifier: Arc<Verifier>, max_body_bytes: usize) -> Router {
    let state = AppState { graphql, services, verifier };
    Router::new()
        .route("/graphql", get(get_graphql).post(post_graphql))
        .route("/health", get(get_health))
        .route("/ready", get(get_ready))
        .layer(RequestBodyLimitLayer::new(max_body_bytes))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The caller named by the `Authorization` header.
fn caller(state: &AppState, headers: &HeaderMap) -> Result<Viewer, AuthError> {
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.to_str().unwrap_or("invalid"));
    state.verifier.viewer(authorization)
}

/// The answer to a bad token: 401 at once, never a silent fall-back to anonymous.
fn unauthorized(error: AuthError) -> Response {
    tracing::info!(%error, "token refused");
    let body =
        json!({ "errors": [{ "message": "invalid bearer token", "extensions": { "code": "UNAUTHENTICATED" } }] });
    (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"")], Json(body))
        .into_response()
}

async fn post_graphql(State(state): State<AppState>, headers: HeaderMap, request: GraphQLRequest) -> Response {
    let viewer = match caller(&state, &headers) {
        Ok(viewer) => viewer,
        Err(error) => return unauthorized(error),
    };
    let response = match headers.get(IDEMPOTENCY_KEY) {
        // A value that is not visible ASCII is refused like any malformed key.
        Some(key) => state.graphql.execute_once(request.into_inner(), viewer, key.to_str().unwrap_or_default()).await,
        None => state.graphql.execute(request.into_inner(), viewer).await,
    };
    GraphQLResponse::from(response).into_response()
}

/// Makes a mutation safe to repeat: see `service::idempotency`.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Without parameters this is the GraphiQL page; with `query=…`, a query over GET.
/// Mutations over GET are refused (405), as GraphQL over HTTP requires.
async fn get_graphql(State(state): State<AppState>, headers: HeaderMap, RawQuery(raw): RawQuery) -> Response {
    let Some(raw) = raw.filter(|q| !q.is_empty()) else {
        return Html(GraphiQLSource::build().endpoint("/graphql").title("Lotsennetz GraphiQL").finish())
            .into_response();
    };
    let request = match async_graphql::http::parse_query_string(&raw) {
        Ok(request) => request,
        Err(error) => {
            let body = json!({ "errors": [{ "message": error.to_string(), "extensions": { "code": "BAD_REQUEST" } }] });
            return (StatusCode::BAD_REQUEST, Json(body)).into_response();
        }
    };
    if state.graphql.is_mutation(&request) {
        let body = json!({ "errors": [{ "message": "mutations must be sent with POST", "extensions": { "code": "BAD_REQUEST" } }] });
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")], Json(body)).into_response();
    }
    let viewer = match caller(&state, &headers) {
        Ok(viewer) => viewer,
        Err(error) => return unauthorized(error),
    };
    GraphQLResponse::from(state.graphql.execute(request, viewer).await).into_response()
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
