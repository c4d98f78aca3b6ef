//! Responses typed clients can trust, and GraphQL over HTTP as its specification says: field
//! order, error propagation, media types and status codes.

use lotsennetz::auth::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, seed_small_network, token};

/// Posts a raw body with the given headers; returns status, content type and body text.
async fn post_raw(app: &TestApp, headers: &[(&str, &str)], body: &str) -> (u16, String, String) {
    let mut request = app.client.post(format!("{}/graphql", app.address)).bearer_auth(&app.token).body(body.to_owned());
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    let content_type =
        response.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

const JSON: (&str, &str) = ("content-type", "application/json");

#[tokio::test]
async fn fields_come_back_in_the_order_they_were_asked_for() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    // Fields read through loaders finish after plain ones; the order must not follow them.
    let query = r#"{ z: lotse(id: "anna") { k: municipality { name } b: name a: id c: topics { name } }
                     y: topics(first: 1) { edges { cursor } } x: __typename }"#;

    let (status, _, text) = post_raw(&app, &[JSON], &json!({ "query": query }).to_string()).await;

    assert_eq!(status, 200, "{text}");
    let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key} in {text}"));
    let order = ["z", "k", "b", "a", "c", "y", "x"].map(at);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
}

#[tokio::test]
async fn a_refused_non_null_field_nulls_its_nearest_nullable_parent() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let carla = app.as_user(token("carla", Role::Lotse));

    // `contacts` is non-null: refusing it nulls the nullable `lotse` around it.
    let contacts =
        carla.gql(r#"{ lotse(id: "anna") { name contacts { id } } other: lotse(id: "ben") { id } }"#, json!({})).await;
    // `auditLog` is non-null at the root: refusing it nulls all data.
    let audit = carla.gql("{ topics(first: 1) { edges { cursor } } auditLog { edges { cursor } } }", json!({})).await;

    assert_eq!(contacts["data"], json!({ "lotse": null, "other": { "id": "ben" } }), "{contacts}");
    assert_eq!(contacts["errors"][0]["path"], json!(["lotse", "contacts"]));
    assert_eq!(contacts["errors"][0]["extensions"]["code"], "FORBIDDEN");
    assert_eq!(audit["data"], Value::Null, "{audit}");
    assert_eq!(audit["errors"][0]["extensions"]["code"], "FORBIDDEN");
}

#[tokio::test]
async fn the_response_media_type_follows_accept() {
    let app = TestApp::spawn().await;
    let body = json!({ "query": "{ __typename }" }).to_string();
    let cases = [
        (None, 200, "application/json; charset=utf-8"),
        (Some("*/*"), 200, "application/json; charset=utf-8"),
        (Some("application/graphql-response+json"), 200, "application/graphql-response+json; charset=utf-8"),
        (Some("application/json"), 200, "application/json; charset=utf-8"),
        (
            Some("application/graphql-response+json, application/json;q=0.9"),
            200,
            "application/graphql-response+json; charset=utf-8",
        ),
        (Some("application/graphql-response+json;q=0.5, application/json"), 200, "application/json; charset=utf-8"),
        (Some("text/html"), 406, "application/json; charset=utf-8"),
    ];

    for (accept, status, content_type) in cases {
        let mut headers = vec![JSON];
        headers.extend(accept.map(|a| ("accept", a)));
        let (got_status, got_type, text) = post_raw(&app, &headers, &body).await;
        assert_eq!((got_status, got_type.as_str()), (status, content_type), "{accept:?}: {text}");
    }
}

#[tokio::test]
async fn request_errors_answer_400_with_the_graphql_media_type_and_200_with_plain_json() {
    let app = TestApp::spawn().await;
    let graphql = ("accept", "application/graphql-response+json");
    let plain = ("accept", "application/json");
    let cases = [
        ("{ topics(", "GRAPHQL_PARSE_FAILED"),
        ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
        ("query A { __typename } query B { __typename }", "OPERATION_RESOLUTION_FAILURE"),
    ];

    for (query, code) in cases {
        let body = json!({ "query": query }).to_string();
        let (status, _, text) = post_raw(&app, &[JSON, graphql], &body).await;
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((status, parsed["errors"][0]["extensions"]["code"].as_str()), (400, Some(code)), "{text}");
        assert!(parsed.get("data").is_none(), "{text}");
        let (status, _, text) = post_raw(&app, &[JSON, plain], &body).await;
        assert_eq!(status, 200, "{text}");
    }
}

#[tokio::test]
async fn only_json_posts_run_and_malformed_requests_get_graphql_errors() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let mutation = json!({ "query": r#"mutation { deleteProject(id: "p-emil") }"# }).to_string();
    let not_json = [
        vec![("content-type", "text/plain")],
        vec![("content-type", "application/x-www-form-urlencoded")],
        vec![("content-type", "application/json; charset=utf-16")],
        vec![],
    ];
    let malformed = [
        "{",
        "[]",
        r#"[{"query":"{ __typename }"}]"#,
        r#"{"query": 1}"#,
        r#"{"query":"{ __typename }","variables":"x"}"#,
    ];

    for headers in &not_json {
        let (status, content_type, text) = post_raw(&app, headers, &mutation).await;
        assert_eq!(status, 415, "{headers:?}: {text}");
        assert!(content_type.starts_with("application/json"), "{content_type}");
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    }
    for body in malformed {
        let (status, _, text) = post_raw(&app, &[JSON], body).await;
        assert_eq!(status, 400, "{body}: {text}");
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    }
    let too_large =
        post_raw(&app, &[JSON], &format!(r#"{{"query":"{{ __typename }}","x":"{}"}}"#, "x".repeat(2 << 20))).await;

    assert_eq!(too_large.0, 413);
    assert_eq!(serde_json::from_str::<Value>(&too_large.2).unwrap()["errors"][0]["extensions"]["code"], "BAD_REQUEST");
    assert_eq!(app.data(r#"{ project(id: "p-emil") { id } }"#, json!({})).await["project"]["id"], "p-emil");
}

#[tokio::test]
async fn browsers_on_allowed_origins_may_call_the_api_and_others_may_not() {
    let app = TestApp::spawn_with(|config| config.cors_origins = vec!["https://app.example.org".into()]).await;
    let closed = TestApp::spawn().await;
    let preflight = |app: &TestApp, origin: &str| {
        app.client
            .request(reqwest::Method::OPTIONS, format!("{}/graphql", app.address))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization, content-type")
            .send()
    };

    let allowed = preflight(&app, "https://app.example.org").await.unwrap();
    let other = preflight(&app, "https://evil.example.com").await.unwrap();
    let none = preflight(&closed, "https://app.example.org").await.unwrap();
    let post = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("origin", "https://app.example.org")
        .bearer_auth(&app.token)
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();

    assert!(allowed.status().is_success());
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.example.org");
    let methods = allowed.headers()["access-control-allow-methods"].to_str().unwrap().to_owned();
    assert!(methods.contains("POST") && methods.contains("GET"), "{methods}");
    assert!(other.headers().get("access-control-allow-origin").is_none());
    assert!(none.headers().get("access-control-allow-origin").is_none());
    assert_eq!(post.headers()["access-control-allow-origin"], "https://app.example.org");
    assert_eq!(post.headers()["access-control-expose-headers"], "x-request-id");
}

#[tokio::test]
async fn the_standard_introspection_query_of_client_tools_passes_every_limit() {
    let app = TestApp::spawn().await;
    let query = include_str!("../fixtures/introspection.graphql");

    let body = app.gql(query, json!({})).await;

    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
}
