//! What integrators expect: `me`, any node by its global id through the `Node` interface.

use lotsennetz::auth::Role;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn me_names_the_caller_with_their_profile() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let query = "{ me { subject role lotse { id name } expert { id } } }";

    let anna = app.as_user(token("anna", Role::Lotse)).data(query, json!({})).await;
    let expert = app.as_user(token("x-near", Role::Expert)).data(query, json!({})).await;
    let admin = app.data(query, json!({})).await;

    assert_eq!(
        anna["me"],
        json!({ "subject": "anna", "role": "lotse", "lotse": { "id": "anna", "name": "Lotse anna" }, "expert": null })
    );
    assert_eq!(expert["me"]["expert"], json!({ "id": "x-near" }));
    assert_eq!(admin["me"], json!({ "subject": "admin", "role": "admin", "lotse": null, "expert": null }));
}

#[tokio::test]
async fn any_node_is_found_by_id_unless_the_caller_may_not_see_it() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let carla = app.as_user(token("carla", Role::Lotse));
    let request = connect(&app, "anna", "ben").await;
    let query =
        "query($id: ID!) { node(id: $id) { __typename id ...on Project { title } ...on Municipality { name } } }";

    let project = anna.data(query, json!({ "id": "p-anna1" })).await;
    let place = anna.data(query, json!({ "id": "m-a" })).await;
    assert_eq!(project["node"], json!({ "__typename": "Project", "id": "p-anna1", "title": "Projekt p-anna1" }));
    assert_eq!(place["node"], json!({ "__typename": "Municipality", "id": "m-a", "name": "Gemeinde m-a" }));

    // Hidden Lotsen, others' requests and unknown ids are alike: null.
    for id in ["hidden", "nobody", request.as_str()] {
        assert_eq!(carla.data(query, json!({ "id": id })).await["node"], json!(null), "{id}");
    }
    assert_eq!(app.data(query, json!({ "id": "hidden" })).await["node"]["__typename"], "Lotse");
    assert_eq!(anna.data(query, json!({ "id": request })).await["node"]["__typename"], "ConnectionRequest");

    let many = carla
        .data(
            r#"fragment Named on Node { id } { nodes(ids: ["ben", "hidden", "eakte"]) { __typename ...Named ...on Lotse { name } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        many["nodes"],
        json!([{ "__typename": "Lotse", "id": "ben", "name": "Lotse ben" }, null, { "__typename": "Topic", "id": "eakte" }])
    );
    // Each id weighs as a page item: 100 nodes with their projects' members cost too much.
    let hundred: Vec<String> = (0..100).map(|i| format!("id-{i}")).collect();
    let heavy = "query($ids: [ID!]!) { nodes(ids: $ids) { ...on Lotse { projects { project { members { lotse { projects { role } } } } } } } }";
    assert_eq!(app.error_code(heavy, json!({ "ids": hundred })).await, "GRAPHQL_VALIDATION_FAILED");
    app.data(heavy, json!({ "ids": ["anna", "ben"] })).await;
    let too_many: Vec<String> = (0..101).map(|i| format!("id-{i}")).collect();
    assert_eq!(
        app.error_code("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", json!({ "ids": too_many })).await,
        "BAD_USER_INPUT"
    );
}

#[tokio::test]
async fn fields_of_a_node_come_back_in_the_order_asked_for() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let query = r#"{ node(id: "anna") { ...on Lotse { b: name k: municipality { name } } a: id ...on Project { title } t: __typename } }"#;

    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&app.token)
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    let text = response.text().await.unwrap();

    let at = |key: &str| text.find(&format!("\"{key}\":")).unwrap_or_else(|| panic!("{key} in {text}"));
    let order = ["b", "k", "a", "t"].map(at);
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(!text.contains("title"), "{text}");
}

#[tokio::test]
async fn total_counts_cover_every_page_but_only_what_the_caller_may_see() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let carla = app.as_user(token("carla", Role::Lotse));
    let query = r#"{ lotsen(first: 2) { totalCount edges { cursor } pageInfo { hasNextPage } }
                     projects(first: 1, filter: { topicId: "eakte" }) { totalCount }
                     connectionRequests { totalCount }
                     municipality(id: "m-c") { lotsen(first: 1) { totalCount } } }"#;

    let admin = app.data(query, json!({})).await;
    let as_anna = anna.data(query, json!({})).await;
    let as_carla = carla.data(query, json!({})).await;

    assert_eq!(admin["lotsen"]["totalCount"], 7);
    assert_eq!(admin["lotsen"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(as_anna["lotsen"]["totalCount"], 6, "the hidden Lotse was counted");
    assert_eq!(as_anna["projects"]["totalCount"], 6);
    assert_eq!(admin["connectionRequests"]["totalCount"], 2);
    assert_eq!(as_carla["connectionRequests"]["totalCount"], 1, "others' requests were counted");
    assert_eq!(admin["municipality"]["lotsen"]["totalCount"], 2);
    assert_eq!(as_anna["municipality"]["lotsen"]["totalCount"], 1);
}

#[tokio::test]
async fn a_dashboard_syncs_what_changed_since_its_last_visit() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let last_visit = chrono::Utc::now().to_rfc3339();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;

    // Act: anna edits her profile and starts a project after the dashboard's last visit.
    let edited = anna
        .data(r#"mutation { updateLotse(id: "anna", input: { position: "Digitallotsin" }) { updatedAt } }"#, json!({}))
        .await;
    let created = anna
        .data(
            r#"mutation { createProject(input: { title: "Neu", municipalityId: "m-a", topicIds: ["eakte"] }) { id updatedAt } }"#,
            json!({}),
        )
        .await;

    // Assert: only those come back, with the times the mutations answered.
    let changed = app
        .data(
            "query($since: DateTime!) { lotsen(changedSince: $since) { totalCount edges { node { id updatedAt } } }
                                         projects(changedSince: $since) { edges { node { id updatedAt } } }
                                         topics(changedSince: $since) { totalCount } }",
            json!({ "since": last_visit }),
        )
        .await;
    assert_eq!(
        changed["lotsen"],
        json!({ "totalCount": 1, "edges": [{ "node": { "id": "anna", "updatedAt": edited["updateLotse"]["updatedAt"] } }] })
    );
    assert_eq!(
        changed["projects"]["edges"],
        json!([{ "node": { "id": created["createProject"]["id"], "updatedAt": created["createProject"]["updatedAt"] } }])
    );
    assert_eq!(changed["topics"]["totalCount"], 0);
    let before: chrono::DateTime<chrono::Utc> = last_visit.parse().unwrap();
    let at: chrono::DateTime<chrono::Utc> = edited["updateLotse"]["updatedAt"].as_str().unwrap().parse().unwrap();
    assert!(at > before, "{at} {before}");
    let seeded = app.data(r#"{ topic(id: "eakte") { updatedAt } }"#, json!({})).await;
    assert!(seeded["topic"]["updatedAt"].is_string(), "nodes written through the API carry their time");
}
