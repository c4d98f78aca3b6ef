//! Full-text search over HTTP: German analysis, visibility, pagination, filters, and an index
//! that follows every write.

use lotsennetz::auth::Role;
use serde_json::{Value, json};

use crate::helpers::*;

const SEARCH: &str = r#"query($q: String!, $kinds: [SearchKind!], $within: ID, $first: Int, $after: String) {
    search(query: $q, kinds: $kinds, within: $within, first: $first, after: $after) {
        edges { cursor node { kind score node { ... on Project { id } ... on Lotse { id } ... on Expert { id }
            ... on Topic { id } ... on Municipality { id } } snippet { field text highlighted matches { start length } } } }
        pageInfo { hasNextPage hasPreviousPage endCursor } } }"#;

/// The ids of the hits for `q`, best first.
async fn found(user: &UserView<'_>, q: &str, more: Value) -> Vec<String> {
    let mut variables = json!({ "q": q });
    variables.as_object_mut().unwrap().extend(more.as_object().unwrap().clone());
    let data = user.data(SEARCH, variables).await;
    hits(&data).iter().map(|hit| hit["node"]["node"]["id"].as_str().unwrap().to_owned()).collect()
}

fn hits(data: &Value) -> &Vec<Value> {
    data["search"]["edges"].as_array().unwrap()
}

fn edges_nodes(data: &Value) -> Vec<Value> {
    hits(data).iter().map(|e| e["node"].clone()).collect()
}

async fn retitle(app: &TestApp, project: &str, title: &str, description: &str) {
    app.data(
        "mutation($id: ID!, $t: String!, $d: String) { updateProject(id: $id, input: { title: $t, description: $d }) { id } }",
        json!({ "id": project, "t": title, "d": description }),
    )
    .await;
}

async fn german_network(app: &TestApp) {
    seed_small_network(app).await;
    retitle(app, "p-anna1", "Bürgerportal für Gemeinde A", "Die Digitalisierung der Verwaltung an der Hauptstraße.")
        .await;
    retitle(app, "p-ben1", "E-Akte im Bauamt", "Akten werden digital geführt; Anträge kommen über das Portal.").await;
    retitle(app, "p-carla1", "Breitbandausbau", "Glasfaser für alle Ortsteile.").await;
}

#[tokio::test]
async fn german_words_are_found_in_every_spelling_inflection_and_compound() {
    let app = TestApp::spawn().await;
    german_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let projects = json!({ "kinds": ["PROJECT"] });

    for q in ["Bürgerportal", "buergerportal", "BÜRGERPORTAL", "Bürgerportale", "bürger", "Buerg"] {
        assert_eq!(found(&anna, q, projects.clone()).await, ["p-anna1"], "{q}");
    }
    // "Portal" stands in a compound of a title and on its own in a description; the title
    // counts more.
    assert_eq!(found(&anna, "Portal", projects.clone()).await, ["p-anna1", "p-ben1"]);
    assert_eq!(found(&anna, "Hauptstrasse", projects.clone()).await, ["p-anna1"]);
    assert_eq!(found(&anna, "Digitalisierungen Verwaltungen", projects.clone()).await, ["p-anna1"]);
    assert_eq!(found(&anna, "Glasfaser Ortsteil", projects.clone()).await, ["p-carla1"]);
    // Every word must be found.
    assert!(found(&anna, "Bürgerportal Glasfaser", projects.clone()).await.is_empty());

    let data = anna.data(SEARCH, json!({ "q": "buergerportal", "kinds": ["PROJECT"] })).await;
    let hit = &edges_nodes(&data)[0];
    assert_eq!(hit["kind"], "PROJECT");
    assert!(hit["score"].as_f64().unwrap() > 0.0);
    assert_eq!(
        hit["snippet"],
        json!({ "field": "title", "text": "Bürgerportal für Gemeinde A", "highlighted": "<mark>Bürgerportal</mark> für Gemeinde A",
                "matches": [{ "start": 0, "length": 12 }] })
    );
    let data = anna.data(SEARCH, json!({ "q": "Anträge", "kinds": ["PROJECT"] })).await;
    let snippet = &edges_nodes(&data)[0]["snippet"];
    assert_eq!(snippet["field"], "description");
    assert_eq!(snippet["highlighted"], "Akten werden digital geführt; <mark>Anträge</mark> kommen über das Portal.");
}

#[tokio::test]
async fn every_kind_is_found_by_its_names_and_topics() {
    let app = TestApp::spawn().await;
    german_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    assert_eq!(found(&anna, "Lotse carla", json!({})).await, ["carla"]);
    // Competences: carla knows Breitband; the project "Breitbandausbau" begins with it.
    assert_eq!(
        found(&anna, "Breitband", json!({ "kinds": ["LOTSE", "EXPERT", "TOPIC"] })).await,
        ["breitband", "carla", "x-far", "x-near"]
    );
    assert_eq!(found(&anna, "Gemeinde m-c", json!({ "kinds": ["MUNICIPALITY"] })).await, ["m-c"]);
    assert_eq!(found(&anna, "Expertin", json!({})).await, ["x-near"]);
}

#[tokio::test]
async fn hidden_people_and_contact_data_are_not_searchable() {
    let app = TestApp::spawn().await;
    german_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let admin = app.as_user(token("admin", Role::Admin));
    assert!(found(&anna, "Lotse hidden", json!({})).await.is_empty());
    assert_eq!(found(&admin, "Lotse hidden", json!({})).await, ["hidden"]);
    // Their projects stay findable; they themselves do not.
    assert_eq!(found(&anna, "hidden", json!({})).await, ["p-hidden"]);
    // A contact sees a hidden Lotse, and finds them.
    connect(&app, "ben", "hidden").await;
    let ben = app.as_user(token("ben", Role::Lotse));
    assert_eq!(found(&ben, "Lotse hidden", json!({ "kinds": ["LOTSE"] })).await, ["hidden"]);
    // E-mail addresses are not indexed, for anyone.
    assert!(found(&admin, "example.org", json!({})).await.is_empty());
    assert!(found(&admin, "anna@example.org", json!({ "kinds": ["LOTSE"] })).await.is_empty());
    // Without a token there is nothing to search.
    let (_, body) = app.gql_as(None, SEARCH, json!({ "q": "Projekt" })).await;
    assert_eq!(expect_code(body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn pages_follow_each_other_without_gaps_or_repeats() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let all = found(&anna, "Projekt", json!({ "first": 100 })).await;
    assert_eq!(all.len(), 9, "every project's title is a 'Projekt' (the hidden Lotse's too): {all:?}");
    let mut paged = Vec::new();
    let mut after = Value::Null;
    loop {
        let data = anna.data(SEARCH, json!({ "q": "Projekt", "first": 3, "after": after })).await;
        let info = &data["search"]["pageInfo"];
        assert_eq!(info["hasPreviousPage"], !paged.is_empty());
        paged.extend(edges_nodes(&data).iter().map(|n| n["node"]["id"].as_str().unwrap().to_owned()));
        if info["hasNextPage"] == false {
            break;
        }
        after = info["endCursor"].clone();
    }
    assert_eq!(paged, all);
    let code = anna.error_code(SEARCH, json!({ "q": "Projekt", "after": "kein-cursor" })).await;
    assert_eq!(code, "BAD_USER_INPUT");
    assert_eq!(anna.error_code(SEARCH, json!({ "q": "und der" })).await, "BAD_USER_INPUT");
    assert_eq!(anna.error_code(SEARCH, json!({ "q": "Projekt", "first": 101 })).await, "BAD_USER_INPUT");
}

#[tokio::test]
async fn filters_restrict_kinds_and_areas() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let mut in_d1 = found(&anna, "p", json!({ "within": "d1", "first": 100 })).await;
    in_d1.sort();
    assert_eq!(in_d1, ["p-anna1", "p-anna2", "p-anton", "p-ben1", "p-ben2"]);
    assert_eq!(found(&anna, "Lotse", json!({ "within": "m-a" })).await.len(), 2);
    let lotsen = found(&anna, "Lotse", json!({ "kinds": ["LOTSE"], "within": "r", "first": 100 })).await;
    assert_eq!(lotsen.len(), 6, "all but the hidden one: {lotsen:?}");
    // Experts are in an area they serve, or one around or inside it.
    assert_eq!(found(&anna, "Expertin", json!({ "within": "m-c" })).await, ["x-near"]);
    assert_eq!(found(&anna, "Experte", json!({ "within": "d1" })).await, ["x-near"]);
    assert_eq!(found(&anna, "Experte", json!({ "within": "r-other" })).await, ["x-far"]);
}

#[tokio::test]
async fn the_index_follows_every_write() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    assert!(found(&anna, "Onlinezugang", json!({})).await.is_empty());
    retitle(&app, "p-ben2", "Onlinezugang für Bürger", "Ein Antrag für alle Leistungen.").await;
    assert_eq!(found(&anna, "Onlinezugang", json!({})).await, ["p-ben2"]);
    assert!(found(&anna, "p-ben2", json!({ "kinds": ["PROJECT"] })).await.is_empty(), "the old title is gone");
    // A renamed topic renames the competences of its Lotsen.
    app.data(r#"mutation { updateTopic(id: "breitband", input: { name: "Glasfasernetz" }) { id } }"#, json!({})).await;
    assert_eq!(found(&anna, "Glasfaser", json!({ "kinds": ["LOTSE"] })).await, ["carla"]);
    assert!(found(&anna, "Breitband", json!({ "kinds": ["LOTSE"] })).await.is_empty());
    app.data(r#"mutation { deleteProject(id: "p-ben2") }"#, json!({})).await;
    assert!(found(&anna, "Onlinezugang", json!({})).await.is_empty());
    // The index is built again from the store after a restart.
    let mut app = app;
    app.restart().await;
    let anna = app.as_user(token("anna", Role::Lotse));
    assert_eq!(found(&anna, "Glasfaser", json!({ "kinds": ["LOTSE"] })).await, ["carla"]);
}
