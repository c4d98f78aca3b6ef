//! The web app for Lotsen and experts at `/` and the GraphiQL page at `/graphql`: static
//! assets built into the binary, served under a strict Content-Security-Policy, the app's
//! settings (`/app/config.json`) and, in demo mode only, the demo sign-in (`/auth/demo`).

mod assets;
mod config;
mod demo;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub use config::{OidcConfig, WebArgs, WebConfig};

use crate::auth::AuthArgs;
use crate::service::Services;

/// What the web routes need: their settings, the services (for demo persons) and the token
/// settings (to mint demo tokens).
#[derive(Clone)]
pub struct Web {
    config: WebConfig,
    services: Services,
    auth: AuthArgs,
    /// The Content-Security-Policy of every page, computed once.
    csp: HeaderValue,
}

impl Web {
    pub fn new(config: WebConfig, services: Services, auth: AuthArgs) -> Self {
        let csp = HeaderValue::from_str(&content_security_policy(&config)).expect("CSP is ASCII");
        Self { config, services, auth, csp }
    }
}

/// Only the service's own origin, plus the OIDC issuer for discovery and the code exchange.
/// No inline script or style: every script and style sheet is a file served here.
fn content_security_policy(config: &WebConfig) -> String {
    let issuer = config.oidc.as_ref().map(|o| format!(" {}", o.issuer_origin())).unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; \
         connect-src 'self'{issuer}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The routes of the web app; the GraphiQL page is served through [`graphiql_page`].
pub fn router<S>(web: Web) -> Router<S> {
    Router::new()
        .route("/", get(get_index))
        .route("/app/config.json", get(get_app_config))
        .route("/app/{*file}", get(get_asset))
        .route("/auth/demo", get(demo::get_demo_persons).post(demo::post_demo_token))
        .with_state(web)
}

/// The GraphiQL IDE, with its scripts served from `/app/vendor/`: it works offline.
pub fn graphiql_page(headers: &HeaderMap) -> Response {
    let policy = content_security_policy(&WebConfig::default());
    serve(&assets::GRAPHIQL_PAGE, headers, &HeaderValue::from_str(&policy).expect("CSP is ASCII"))
}

async fn get_index(State(web): State<Web>, headers: HeaderMap) -> Response {
    serve(&assets::INDEX, &headers, &web.csp)
}

async fn get_asset(State(web): State<Web>, Path(file): Path<String>, headers: HeaderMap) -> Response {
    match assets::find(&file) {
        Some(asset) => serve(asset, &headers, &web.csp),
        None => (StatusCode::NOT_FOUND, "Nicht gefunden").into_response(),
    }
}

/// The settings the app reads at start: whether demo sign-in exists and the OIDC client.
async fn get_app_config(State(web): State<Web>) -> Response {
    let body = serde_json::json!({
        "demo": web.config.demo_sign_in,
        "oidc": web.config.oidc.as_ref().map(|o| serde_json::json!({
            "issuer": o.issuer,
            "clientId": o.client_id,
            "scope": o.scope,
        })),
    });
    let mut response = axum::Json(body).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// An asset with its security headers, revalidated by `ETag`: a new binary's assets reach
/// browsers at once, unchanged ones cost a 304.
fn serve(asset: &assets::Asset, headers: &HeaderMap, csp: &HeaderValue) -> Response {
    let etag = asset.etag();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh { StatusCode::NOT_MODIFIED.into_response() } else { asset.body.into_response() };
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type));
    h.insert(header::ETAG, HeaderValue::from_str(etag).expect("etag is ASCII"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}
