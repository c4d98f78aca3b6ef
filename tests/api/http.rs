//! GraphQL over HTTP: methods, content types, the IDE page, health and readiness.

use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn health_and_ready_answer() {
    let app = TestApp::spawn().await;

    let health = app.client.get(format!("{}/health", app.address)).send().await.unwrap();
    let ready = app.client.get(format!("{}/ready", app.address)).send().await.unwrap();

    assert_eq!(health.status(), 200);
    assert_eq!(health.json::<Value>().await.unwrap(), json!({ "status": "ok" }));
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn get_without_a_query_serves_the_graphiql_page() {
    let app = TestApp::spawn().await;

    let page = app.client.get(format!("{}/graphql", app.address)).send().await.unwrap();

    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains("graphiql") || html.contains("GraphiQL"), "{html}");
}

#[tokio::test]
async fn queries_work_over_get_but_mutations_are_refused() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    let query = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", r#"{ lotse(id: "anna") { name } }"#)])
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();
    let mutation = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", r#"mutation { deleteProject(id: "p-emil") }"#)])
        .bearer_auth(&app.token)
        .send()
        .await
        .unwrap();

    assert_eq!(query.status(), 200);
    assert_eq!(query.json::<Value>().await.unwrap()["data"]["lotse"]["name"], "Lotse anna");
    assert_eq!(mutation.status(), 405);
    assert_eq!(app.data(r#"{ project(id: "p-emil") { id } }"#, json!({})).await["project"]["id"], "p-emil");
}

#[tokio::test]
async fn responses_use_the_graphql_response_media_type_when_asked() {
    let app = TestApp::spawn().await;

    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept", "application/graphql-response+json")
        .bearer_auth(&app.token)
        .json(&json!({ "query": "{ topics { edges { cursor } } }" }))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/graphql-response+json; charset=utf-8");
}

#[tokio::test]
async fn oversized_bodies_and_deep_queries_are_refused() {
    let app = TestApp::spawn().await;

    let huge = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": format!("{{ topics {{ edges {{ cursor }} }} }} #{}", "x".repeat(2 * 1024 * 1024)) }))
        .send()
        .await
        .unwrap();
    let deep = format!("{{ regions {{ edges {{ node {{ {} id {} }} }} }} }}", "parent { ".repeat(20), "}".repeat(20));
    let body = app.gql(&deep, json!({})).await;

    assert_eq!(huge.status(), 413);
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("nested too deep"), "{body}");
}
