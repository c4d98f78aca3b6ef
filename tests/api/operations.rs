//! Operations: Prometheus metrics, request ids, and switching off introspection and field
//! suggestions.

use lotsennetz::graphql::SchemaOptions;
use serde_json::{Value, json};

use crate::helpers::*;

/// The value of the sample line `name{labels}` (or `name` alone) in a scrape.
fn sample(scrape: &str, series: &str) -> Option<f64> {
    scrape.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn scrape(app: &TestApp) -> String {
    let response = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("application/openmetrics-text"), "{content_type}");
    response.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_errors_by_code() {
    // Arrange
    let app = TestApp::spawn().await;
    let count_topics = json!({ "query": "query CountTopics { topics(first: 5) { edges { cursor } } }" });
    let bad_topic = json!({ "query": r#"mutation BadTopic { createTopic(input: { id: "t-1", name: "" }) { id } }"# });

    // Act
    for _ in 0..2 {
        assert_eq!(app.post_as(Some(&app.token), count_topics.clone()).await.0, 200);
    }
    let (_, refused) = app.post_as(Some(&app.token), bad_topic).await;
    let (status, _) = app.post_as(Some("not-a-token"), count_topics.clone()).await;
    app.gql("{ regions(first: 1) { edges { cursor } } }", json!({})).await;
    let unknown_path = app.client.get(format!("{}/no/such/page", app.address)).send().await.unwrap();
    let scrape = scrape(&app).await;

    // Assert
    assert_eq!(refused["errors"][0]["extensions"]["code"], "BAD_USER_INPUT");
    assert_eq!(status, 401);
    let value = |series: &str| sample(&scrape, series).unwrap_or_else(|| panic!("no {series} in\n{scrape}"));
    assert_eq!(value(r#"lotsennetz_graphql_operations_total{operation="CountTopics"}"#), 2.0);
    assert_eq!(value(r#"lotsennetz_graphql_operations_total{operation="BadTopic"}"#), 1.0);
    // The anonymous query and the refused token, whose operation was never looked at.
    assert_eq!(value(r#"lotsennetz_graphql_operations_total{operation="unnamed"}"#), 2.0);
    assert_eq!(value(r#"lotsennetz_graphql_operation_duration_seconds_count{operation="CountTopics"}"#), 2.0);
    assert_eq!(value(r#"lotsennetz_graphql_errors_total{code="BAD_USER_INPUT"}"#), 1.0);
    assert_eq!(value(r#"lotsennetz_graphql_errors_total{code="UNAUTHENTICATED"}"#), 1.0);
    assert_eq!(value(r#"lotsennetz_http_requests_total{method="POST",route="/graphql",status="200"}"#), 4.0);
    assert_eq!(value(r#"lotsennetz_http_requests_total{method="POST",route="/graphql",status="401"}"#), 1.0);
    assert_eq!(value(r#"lotsennetz_http_request_duration_seconds_count{route="/graphql"}"#), 5.0);
    assert!(value(r#"lotsennetz_store_call_duration_seconds_count{call="list"}"#) >= 3.0);
    assert_eq!(unknown_path.status(), 404);
    assert_eq!(value(r#"lotsennetz_http_requests_total{method="GET",route="unmatched",status="404"}"#), 1.0);
    // Only the scrape itself is running, and it does not count.
    assert_eq!(value("lotsennetz_http_requests_in_flight"), 0.0);
}

#[tokio::test]
async fn metrics_show_the_size_of_the_matching_projection() {
    let app = TestApp::spawn().await;
    let empty = scrape(&app).await;
    crate::helpers::seed_small_network(&app).await;

    let seeded = scrape(&app).await;

    assert!(empty.contains("lotsennetz_projection_nodes 0\n"), "{empty}");
    assert!(seeded.contains("lotsennetz_projection_loaded 1\n"), "{seeded}");
    assert!(seeded.contains("lotsennetz_change_feed_behind 0\n"), "{seeded}");
    let nodes: i64 = seeded
        .lines()
        .find_map(|line| line.strip_prefix("lotsennetz_projection_nodes "))
        .and_then(|n| n.parse().ok())
        .expect("a node count");
    assert!(nodes > 20, "{nodes}");
}

#[tokio::test]
async fn operation_labels_stay_bounded() {
    // Arrange
    let app = TestApp::spawn().await;
    let max = lotsennetz::metrics::MAX_OPERATION_NAMES;

    // Act: one more distinct name than get a label, and an operation name the document lacks.
    for n in 0..=max {
        let body = json!({ "query": format!("query Op{n} {{ topics(first: 1) {{ edges {{ cursor }} }} }}") });
        assert_eq!(app.post_as(Some(&app.token), body).await.0, 200);
    }
    let unknown =
        json!({ "query": "query Known { topics(first: 1) { edges { cursor } } }", "operationName": "Unknown" });
    app.post_as(Some(&app.token), unknown).await;
    let scrape = scrape(&app).await;

    // Assert
    let labels = scrape.lines().filter(|l| l.starts_with("lotsennetz_graphql_operations_total{")).count();
    assert_eq!(labels, max + 2, "{max} names, `other` and `unnamed`");
    assert_eq!(sample(&scrape, r#"lotsennetz_graphql_operations_total{operation="Op0"}"#), Some(1.0));
    assert_eq!(sample(&scrape, &format!(r#"lotsennetz_graphql_operations_total{{operation="Op{max}"}}"#)), None);
    assert_eq!(sample(&scrape, r#"lotsennetz_graphql_operations_total{operation="other"}"#), Some(1.0));
    assert_eq!(sample(&scrape, r#"lotsennetz_graphql_operations_total{operation="unnamed"}"#), Some(1.0));
}

#[tokio::test]
async fn request_ids_are_echoed_when_usable_and_generated_otherwise() {
    // Arrange
    let app = TestApp::spawn().await;
    let health = format!("{}/health", app.address);
    let id_of = |response: &reqwest::Response| response.headers()["x-request-id"].to_str().unwrap().to_owned();

    // Act
    let given = app.client.get(&health).header("x-request-id", "trace-4711.a").send().await.unwrap();
    let spaced = app.client.get(&health).header("x-request-id", "two words").send().await.unwrap();
    let long = app.client.get(&health).header("x-request-id", "x".repeat(65)).send().await.unwrap();
    let none = app.client.get(&health).send().await.unwrap();
    let graphql =
        app.client.post(format!("{}/graphql", app.address)).json(&json!({ "query": "{" })).send().await.unwrap();

    // Assert
    assert_eq!(id_of(&given), "trace-4711.a");
    let generated = [id_of(&spaced), id_of(&long), id_of(&none), id_of(&graphql)];
    for id in &generated {
        assert!(uuid::Uuid::parse_str(id).is_ok(), "a generated id is a UUID: {id}");
    }
    assert_ne!(generated[0], generated[1]);
}

const INTROSPECTION: &str = "{ __schema { queryType { name } } }";
const MISSPELLED: &str = "{ topicz(first: 1) { edges { cursor } } }";

#[tokio::test]
async fn introspection_and_suggestions_are_on_by_default() {
    let app = TestApp::spawn().await;

    let schema = app.gql(INTROSPECTION, json!({})).await;
    let misspelled = app.gql(MISSPELLED, json!({})).await;

    assert_eq!(schema["data"]["__schema"]["queryType"]["name"], "Query");
    let message = misspelled["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Did you mean \"topic"), "{message}");
}

#[tokio::test]
async fn introspection_and_suggestions_can_be_switched_off() {
    let app = TestApp::spawn_with(|config| {
        config.schema = SchemaOptions { introspection: false, suggestions: false };
    })
    .await;

    let schema = app.gql(INTROSPECTION, json!({})).await;
    let in_fragment = app.gql(r#"{ ...F } fragment F on Query { __type(name: "Query") { name } }"#, json!({})).await;
    let misspelled = app.gql(MISSPELLED, json!({})).await;
    let ordinary = app.data("{ topics(first: 1) { edges { cursor } } }", json!({})).await;

    assert_eq!(schema["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{schema}");
    assert!(schema["data"]["__schema"].is_null(), "{schema}");
    assert_eq!(in_fragment["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{in_fragment}");
    let message = misspelled["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("topicz") && !message.contains("Did you mean"), "{message}");
    assert_eq!(ordinary["topics"]["edges"], Value::Array(vec![]));
}
