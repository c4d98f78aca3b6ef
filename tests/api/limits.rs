//! Requests built to crash or starve the service: each is refused with a clear error before
//! any work, without a token, while `/health` keeps answering.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::{TestApp, seed_small_network};

/// Far above what a refusal takes (microseconds), far below what the attacks cost before
/// they were refused (seconds to minutes, or a crashed process).
const PROMPT: Duration = Duration::from_secs(2);

/// Posts a query without a token while `/health` is asked in parallel; returns status, body
/// and how long the refusal and the health check took.
async fn attack(app: &TestApp, query: &str) -> (u16, Value, Duration, Duration) {
    let started = Instant::now();
    let health = async {
        let response = app.client.get(format!("{}/health", app.address)).send().await.expect("health answers");
        assert_eq!(response.status(), 200);
        started.elapsed()
    };
    let refusal = async {
        let response = app
            .client
            .post(format!("{}/graphql", app.address))
            .header("accept", "application/graphql-response+json")
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("request sent");
        let status = response.status().as_u16();
        ((status, response.json::<Value>().await.expect("JSON body")), started.elapsed())
    };
    let (((status, body), refused_in), health_in) = tokio::join!(refusal, health);
    (status, body, refused_in, health_in)
}

/// Asserts that a query was refused promptly by the named limit.
async fn assert_refused(app: &TestApp, query: &str, limit: &str) {
    let (status, body, refused_in, health_in) = attack(app, query).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.get("data").is_none(), "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED", "{body}");
    assert_eq!(body["errors"][0]["extensions"]["limit"], limit, "{body}");
    assert!(refused_in < PROMPT && health_in < PROMPT, "refused in {refused_in:?}, health in {health_in:?}");
}

#[tokio::test]
async fn arguments_and_selections_nested_thousands_deep_are_refused_over_post_and_get() {
    let app = TestApp::spawn().await;
    let lists = format!("{{ lotse(id: {}\"x\"{}) {{ id }} }}", "[".repeat(2_000), "]".repeat(2_000));
    let objects = format!("{{ lotse(id: {}1{}) {{ id }} }}", "{a:".repeat(2_000), "}".repeat(2_000));
    let selections = format!("{{ {}id{} }}", "a { ".repeat(2_000), " }".repeat(2_000));

    for query in [&lists, &objects, &selections] {
        assert_refused(&app, query, "nesting").await;
        let get = app.client.get(format!("{}/graphql", app.address)).query(&[("query", query)]);
        let get = get.header("accept", "application/graphql-response+json").send().await.unwrap();
        assert_eq!(get.status(), 400);
        let body: Value = get.json().await.unwrap();
        assert_eq!(body["errors"][0]["extensions"]["limit"], "nesting", "{body}");
    }

    let health = app.client.get(format!("{}/health", app.address)).send().await.unwrap();
    assert_eq!(health.status(), 200, "the process is alive");
}

#[tokio::test]
async fn fragments_that_double_at_every_level_are_refused_by_their_expanded_size() {
    let app = TestApp::spawn().await;
    let mut query = String::from("query { ...F0 }");
    for i in 0..24 {
        query.push_str(&format!(" fragment F{i} on Query {{ ...F{n} ...F{n} }}", n = i + 1));
    }
    query.push_str(" fragment F24 on Query { __typename }");
    assert!(query.len() < 1_024);

    assert_refused(&app, &query, "fields").await;
}

#[tokio::test]
async fn nested_lists_are_refused_by_their_cost_and_every_readme_example_passes() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let fan_out = "{ lotsen(first: 30) { edges { node { topics { lotsen(first: 100) { edges { node { \
                   topics { lotsen(first: 100) { edges { node { name } } } } } } } } } } } }";
    let examples = [
        r#"{ recommendPeers(lotseId: "anna", first: 2) { lotse { name municipality { name } } score
             components { name value } similarProjects { mine { title } theirs { title } similarity }
             explanation { summary reasons { code } } } }"#,
        r#"{ municipalitiesToAdvise(expertId: "x-kic", first: 1) { municipality { name district { name } } score
             lotseCount gaps { topic { name } projects { title } } explanation { summary } } }"#,
        r#"{ projects(first: 2, filter: { topicId: "eakte", status: COMPLETED, within: "r" }) {
             edges { node { title endDate municipality { name ags } members { role lotse { name } } } }
             pageInfo { hasNextPage endCursor } } }"#,
        "{ lotsen(first: 100) { edges { node { name municipality { name district { name } } topics { name } } } } }",
    ];

    assert_refused(&app, fan_out, "cost").await;
    for example in examples {
        let body = app.gql(example, json!({})).await;
        let code = &body["errors"][0]["extensions"]["code"];
        assert!(code != "GRAPHQL_VALIDATION_FAILED", "{example}: {body}");
    }
}

#[tokio::test]
async fn many_aliases_fields_and_directives_are_refused() {
    let app = TestApp::spawn().await;
    let aliases = |n: usize| {
        let fields: Vec<String> =
            (0..n).map(|i| format!("r{i}: recommendPeers(lotseId: \"anna\", first: 100) {{ score }}")).collect();
        format!("{{ {} }}", fields.join(" "))
    };
    let inline_includes = format!("{{ ... {} {{ __typename }} }}", "@include(if: true) ".repeat(20_000));
    let directives = format!("{{ ... {} {{ __typename }} }}", "@include(if: true) ".repeat(51));

    assert_refused(&app, &aliases(16), "aliases").await;
    assert_refused(&app, &aliases(1_000), "queryChars").await;
    assert_refused(&app, &format!("{{ {} }}", "x ".repeat(100_000)), "queryChars").await;
    assert_refused(&app, &format!("{{ {} }}", "x ".repeat(1_000)), "tokens").await;
    assert_refused(&app, &inline_includes, "queryChars").await;
    assert_refused(&app, &directives, "directives").await;
}

#[tokio::test]
async fn errors_per_response_are_capped() {
    // Arrange: a service that allows many fields but only a few errors per response.
    let app = TestApp::spawn_with(|config| config.limits.max_errors = 3).await;
    let unknown = format!("{{ {} }}", (0..10).map(|i| format!("x{i}")).collect::<Vec<_>>().join(" "));

    // Act
    let body = app.gql(&unknown, json!({})).await;

    // Assert: three errors and one that counts the rest.
    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 4, "{body}");
    assert_eq!(errors[3]["extensions"]["code"], "TOO_MANY_ERRORS", "{body}");
    assert!(errors[3]["message"].as_str().unwrap().starts_with("7 further"), "{body}");
}

#[tokio::test]
async fn responses_over_the_size_limit_are_withheld() {
    let app = TestApp::spawn_with(|config| config.limits.max_response_bytes = 2_000).await;
    let small = app.gql("{ __typename }", json!({})).await;

    let large = app.gql("{ __schema { types { name description } } }", json!({})).await;

    assert!(small.get("errors").is_none(), "{small}");
    assert_eq!(large["errors"][0]["extensions"]["code"], "RESPONSE_TOO_LARGE", "{large}");
    assert_eq!(large["data"], Value::Null);
}
