//! Mutations sent with an `Idempotency-Key`: a repeat answers as the first try did and writes
//! nothing more; the key with another request is refused; keys are per caller and survive a
//! restart.

use lotsennetz::auth::Role;
use serde_json::{Value, json};

use crate::helpers::*;

/// Posts a GraphQL request with the app's token and an `Idempotency-Key`.
async fn post_with_key(app: &TestApp, token: &str, key: &str, query: &str, variables: Value) -> Value {
    app.client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .expect("request sent")
        .json()
        .await
        .expect("JSON body")
}

fn region(name: &str) -> Value {
    json!({ "input": { "name": name, "kind": "REGION" } })
}

#[tokio::test]
async fn a_repeated_mutation_with_its_key_gets_the_first_answer_and_writes_once() {
    // Arrange
    let app = TestApp::spawn().await;
    let first = post_with_key(&app, &app.token, "key-1", CREATE_REGION, region("Region Eins")).await;
    assert!(first.get("errors").is_none(), "{first:#}");

    // Act
    let again = post_with_key(&app, &app.token, "key-1", CREATE_REGION, region("Region Eins")).await;

    // Assert: the same answer, with the same generated id, and one region stored.
    assert_eq!(again, first);
    assert_eq!(app.count("regions").await, 1);
}

#[tokio::test]
async fn a_repeat_of_a_create_with_a_given_id_is_no_conflict() {
    // Arrange
    let app = TestApp::spawn().await;
    let input = json!({ "input": { "id": "r-given", "name": "Region", "kind": "REGION" } });
    let first = post_with_key(&app, &app.token, "key-given", CREATE_REGION, input.clone()).await;

    // Act
    let again = post_with_key(&app, &app.token, "key-given", CREATE_REGION, input.clone()).await;
    let without_key = app.gql(CREATE_REGION, input).await;

    // Assert: the keyed repeat answers as before; only a repeat without the key is a conflict.
    assert_eq!(first["data"]["createRegion"]["id"], "r-given", "{first:#}");
    assert_eq!(again, first);
    assert_eq!(expect_code(without_key), "CONFLICT");
}

#[tokio::test]
async fn the_key_of_one_request_is_refused_for_another_and_nothing_is_written() {
    // Arrange
    let app = TestApp::spawn().await;
    post_with_key(&app, &app.token, "key-2", CREATE_REGION, region("Region A")).await;

    // Act
    let other = post_with_key(&app, &app.token, "key-2", CREATE_REGION, region("Region B")).await;

    // Assert
    let error = &other["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{other:#}");
    assert_eq!(error["extensions"]["field"], "Idempotency-Key", "{other:#}");
    assert_eq!(app.count("regions").await, 1);
}

#[tokio::test]
async fn keys_are_kept_per_caller() {
    // Arrange
    let app = TestApp::spawn().await;
    let other_admin = token("admin-2", Role::Admin);
    post_with_key(&app, &app.token, "shared", CREATE_REGION, region("Region A")).await;

    // Act
    let answer = post_with_key(&app, &other_admin, "shared", CREATE_REGION, region("Region B")).await;

    // Assert
    assert!(answer.get("errors").is_none(), "{answer:#}");
    assert_eq!(app.count("regions").await, 2);
}

#[tokio::test]
async fn a_malformed_key_is_refused_and_nothing_is_written() {
    // Arrange
    let app = TestApp::spawn().await;

    // Act
    let answer = post_with_key(&app, &app.token, "two words", CREATE_REGION, region("Region")).await;

    // Assert
    assert_eq!(answer["errors"][0]["extensions"]["code"], "BAD_USER_INPUT", "{answer:#}");
    assert_eq!(answer["errors"][0]["extensions"]["field"], "Idempotency-Key", "{answer:#}");
    assert_eq!(app.count("regions").await, 0);
}

#[tokio::test]
async fn a_refused_mutation_keeps_no_answer_and_its_retry_runs_again() {
    // Arrange: the first try names a parent region that does not exist yet.
    let app = TestApp::spawn().await;
    let input = json!({ "input": { "name": "Region", "kind": "REGION", "parentId": "rb" } });
    let refused = post_with_key(&app, &app.token, "key-3", CREATE_REGION, input.clone()).await;
    assert_eq!(expect_code(refused), "BAD_USER_INPUT");
    app.data(CREATE_REGION, json!({ "input": { "id": "rb", "name": "Bezirk", "kind": "REGIERUNGSBEZIRK" } })).await;

    // Act
    let retried = post_with_key(&app, &app.token, "key-3", CREATE_REGION, input).await;

    // Assert
    assert!(retried.get("errors").is_none(), "{retried:#}");
    assert_eq!(app.count("regions").await, 2);
}

#[tokio::test]
async fn a_key_and_its_answer_survive_a_restart() {
    // Arrange
    let mut app = TestApp::spawn().await;
    let first = post_with_key(&app, &app.token, "key-4", CREATE_REGION, region("Region")).await;
    app.restart().await;

    // Act
    let again = post_with_key(&app, &app.token, "key-4", CREATE_REGION, region("Region")).await;

    // Assert
    assert_eq!(again, first);
    assert_eq!(app.count("regions").await, 1);
}
