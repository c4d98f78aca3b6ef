//! Introduction paths over HTTP: shortest chains with German reasons, strongest first, never
//! through or to people the caller may not see.

use lotsennetz::auth::Role;
use serde_json::{Value, json};

use crate::helpers::*;

const PATHS: &str = r#"query($to: ID!, $first: Int) { introductionPaths(toLotseId: $to, first: $first) {
    hops strength summary steps { from { id } to { id } via project { id } strength text } } }"#;

async fn add_member(app: &TestApp, project: &str, lotse: &str) {
    app.data(
        "mutation($p: ID!, $l: ID!) { addProjectMember(projectId: $p, lotseId: $l, role: MEMBER) { id } }",
        json!({ "p": project, "l": lotse }),
    )
    .await;
}

/// The Lotsen along each path, after the start.
fn chains(data: &Value) -> Vec<Vec<String>> {
    data["introductionPaths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["steps"].as_array().unwrap().iter().map(|s| s["to"]["id"].as_str().unwrap().to_owned()).collect())
        .collect()
}

#[tokio::test]
async fn paths_go_through_contacts_and_co_members_with_their_reasons() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));

    // anna – dora are contacts, dora – carla too.
    let data = anna.data(PATHS, json!({ "to": "carla" })).await;
    assert_eq!(
        data["introductionPaths"],
        json!([{ "hops": 2, "strength": 1.0,
                 "summary": "Sie kennen Lotse dora als Kontakt; Lotse dora ist mit Lotse carla vernetzt.",
                 "steps": [
                    { "from": { "id": "anna" }, "to": { "id": "dora" }, "via": "CONTACT", "project": null, "strength": 1.0,
                      "text": "Sie kennen Lotse dora als Kontakt" },
                    { "from": { "id": "dora" }, "to": { "id": "carla" }, "via": "CONTACT", "project": null, "strength": 1.0,
                      "text": "Lotse dora ist mit Lotse carla vernetzt" }] }])
    );

    // Two ways to ben: through dora (contact, then her project of two) and through anton
    // (anna's project of three, then his project of two); the stronger first.
    add_member(&app, "p-dora1", "ben").await;
    add_member(&app, "p-anna2", "anton").await;
    add_member(&app, "p-anna2", "emil").await;
    add_member(&app, "p-anton", "ben").await;
    let data = anna.data(PATHS, json!({ "to": "ben" })).await;
    assert_eq!(chains(&data), [vec!["dora", "ben"], vec!["anton", "ben"]]);
    let paths = data["introductionPaths"].as_array().unwrap();
    assert_eq!(
        paths[0]["summary"],
        "Sie kennen Lotse dora als Kontakt; Lotse dora arbeitet mit Lotse ben im Projekt „Projekt p-dora1“."
    );
    assert_eq!(paths[1]["steps"][0]["text"], "Sie kennen Lotse anton aus dem Projekt „Projekt p-anna2“");
    assert_eq!(paths[1]["steps"][0]["project"]["id"], "p-anna2");
    let strengths: Vec<f64> = paths.iter().map(|p| p["strength"].as_f64().unwrap()).collect();
    assert!(strengths[0] > strengths[1], "{strengths:?}");
    assert_eq!(chains(&anna.data(PATHS, json!({ "to": "ben", "first": 1 })).await), [vec!["dora", "ben"]]);

    // A co-member is one step away.
    assert_eq!(chains(&anna.data(PATHS, json!({ "to": "anton" })).await), [vec!["anton"]]);
}

#[tokio::test]
async fn hidden_people_are_never_on_a_path_nor_found_as_its_end() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    // The hidden Lotse works with anna and with emil: the short way is closed.
    add_member(&app, "p-anna1", "hidden").await;
    add_member(&app, "p-emil", "hidden").await;
    assert_eq!(anna.data(PATHS, json!({ "to": "emil" })).await["introductionPaths"], json!([]));
    // A longer way through people she may see: anna – dora – carla – emil.
    add_member(&app, "p-emil", "carla").await;
    let data = anna.data(PATHS, json!({ "to": "emil" })).await;
    assert_eq!(chains(&data), [vec!["dora", "carla", "emil"]]);
    assert_eq!(data["introductionPaths"][0]["hops"], 3);
    assert!(!data.to_string().contains("hidden"));

    // The hidden Lotse and an unknown id are not found alike.
    assert_eq!(anna.error_code(PATHS, json!({ "to": "hidden" })).await, "NOT_FOUND");
    assert_eq!(anna.error_code(PATHS, json!({ "to": "nobody" })).await, "NOT_FOUND");
    assert_eq!(anna.error_code(PATHS, json!({ "to": "anna" })).await, "BAD_USER_INPUT");
    assert_eq!(app.error_code(PATHS, json!({ "to": "emil" })).await, "FORBIDDEN");
    assert_eq!(anna.error_code(PATHS, json!({ "to": "emil", "first": 101 })).await, "BAD_USER_INPUT");
}
