//! Demo sign-in: in demo mode only, a token for a person of the demo network, so that a
//! newcomer can try the app without an identity provider. Without `serve --demo` both routes
//! answer 404 and mint nothing.
//!
//! CSRF: the token is returned in the body, never set as a cookie, and the POST must be
//! `application/json`, which a foreign page cannot send without a CORS preflight that this
//! service never grants.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::Web;
use crate::auth::Role;
use crate::domain::{Id, Node, NodeKind};
use crate::store::ListQuery;

/// How long a demo token lasts: a working day.
const DEMO_TOKEN_SECONDS: u64 = 8 * 60 * 60;
/// How the demo admin is shown.
const ADMIN_NAME: &str = "Geschäftsstelle (Admin)";
/// Lotsen and experts offered for sign-in.
const PERSONS_PER_KIND: usize = 4;

fn refused(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "error": { "code": code, "message": message } }))).into_response()
}

fn not_demo() -> Response {
    refused(StatusCode::NOT_FOUND, "NOT_FOUND", "Demo-Anmeldung gibt es nur im Demo-Modus (serve --demo).")
}

fn internal(error: impl std::fmt::Debug) -> Response {
    tracing::error!(?error, "demo sign-in failed");
    refused(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "Interner Fehler.")
}

/// The demo persons to choose from: the first Lotsen and experts of the network and an admin.
pub(super) async fn get_demo_persons(State(web): State<Web>) -> Response {
    if !web.config.demo_sign_in {
        return not_demo();
    }
    let mut persons = Vec::new();
    for kind in [NodeKind::Lotse, NodeKind::Expert] {
        let query = ListQuery { kind: Some(kind), first: PERSONS_PER_KIND, ..Default::default() };
        let page = match web.services.list(&query).await {
            Ok(page) => page,
            Err(error) => return internal(error),
        };
        persons.extend(page.nodes.iter().filter_map(person));
    }
    persons.push(json!({ "id": "admin", "role": "admin", "name": ADMIN_NAME }));
    Json(json!({ "persons": persons })).into_response()
}

/// A Lotse or expert as a choice of the sign-in page; other nodes are no persons.
fn person(node: &Node) -> Option<serde_json::Value> {
    match node {
        Node::Lotse(l) => Some(json!({ "id": l.id, "role": "lotse", "name": l.name })),
        Node::Expert(e) => Some(json!({ "id": e.id, "role": "expert", "name": e.name })),
        _ => None,
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DemoSignIn {
    id: String,
    role: Role,
}

/// A token for one demo person: a Lotse or expert of the network, or the admin.
pub(super) async fn post_demo_token(State(web): State<Web>, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    if !web.config.demo_sign_in {
        return not_demo();
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json")));
    if !json {
        return refused(StatusCode::UNSUPPORTED_MEDIA_TYPE, "BAD_REQUEST", "Anfrage muss application/json sein.");
    }
    let Ok(sign_in) = serde_json::from_slice::<DemoSignIn>(&body) else {
        return refused(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", "Erwartet: {\"id\": …, \"role\": …}.");
    };
    let kind = match sign_in.role {
        Role::Lotse => Some(NodeKind::Lotse),
        Role::Expert => Some(NodeKind::Expert),
        Role::Admin if sign_in.id == "admin" => None,
        _ => return refused(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", "Diese Rolle gibt es in der Demo nicht."),
    };
    let mut name = ADMIN_NAME.to_owned();
    if let Some(kind) = kind {
        let Ok(id) = Id::parse_field("id", &sign_in.id) else {
            return refused(StatusCode::BAD_REQUEST, "BAD_USER_INPUT", "Ungültige Kennung.");
        };
        match web.services.get_one(kind, &id).await {
            Ok(Some(Node::Lotse(l))) => name = l.name.to_string(),
            Ok(Some(Node::Expert(e))) => name = e.name.to_string(),
            Ok(Some(other)) => return internal(format!("a {} where a person was expected", other.kind())),
            Ok(None) => return refused(StatusCode::NOT_FOUND, "NOT_FOUND", "Diese Person gibt es im Netzwerk nicht."),
            Err(error) => return internal(error),
        }
    }
    match crate::auth::mint(&web.auth, &sign_in.id, sign_in.role, None, DEMO_TOKEN_SECONDS) {
        Ok(token) => {
            let mut response = Json(json!({
                "token": token, "id": sign_in.id, "role": sign_in.role, "name": name, "expiresIn": DEMO_TOKEN_SECONDS,
            }))
            .into_response();
            response.headers_mut().insert(header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => internal(error),
    }
}
