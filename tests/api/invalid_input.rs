//! Bad input gets a clear error with a code, and writes nothing.

use serde_json::{Value, json};

use crate::helpers::*;

/// Sends a failing request and checks its code and that the probe query still answers the same.
async fn rejected(app: &TestApp, query: &str, variables: Value, code: &str, probe: &str) {
    let before = app.data(probe, json!({})).await;
    assert_eq!(app.error_code(query, variables).await, code, "{query}");
    assert_eq!(app.data(probe, json!({})).await, before, "a rejected request changed data: {query}");
}

const ALL_MUNICIPALITIES: &str = "{ municipalities(first: 100) { edges { node { id name ags population } } } }";
const ALL_PROJECTS: &str =
    "{ projects(first: 100) { edges { node { id title topics { id } members { lotse { id } } } } } }";
const ALL_LOTSEN: &str = "{ lotsen(first: 100) { edges { node { id name email } } } }";

#[tokio::test]
async fn invalid_ags_is_bad_user_input_and_writes_nothing() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    for ags in ["0811100", "0811100x", "081110001", ""] {
        let input = json!({ "input": { "id": "m-new", "name": "Neustadt", "districtId": "d1", "ags": ags } });
        rejected(&app, CREATE_MUNICIPALITY, input, "BAD_USER_INPUT", ALL_MUNICIPALITIES).await;
    }
    let body = app.gql(r#"mutation { updateMunicipality(id: "m-a", input: { ags: "12" }) { id } }"#, json!({})).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "ags");
    assert_eq!(app.data(r#"{ municipality(id: "m-a") { ags } }"#, json!({})).await["municipality"]["ags"], "08000001");
}

#[tokio::test]
async fn empty_or_overlong_names_are_bad_user_input() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    for name in ["", "   ", &"x".repeat(201)] {
        let input = json!({ "input": { "id": "neu", "name": name, "municipalityId": "m-a" } });
        rejected(&app, CREATE_LOTSE, input, "BAD_USER_INPUT", ALL_LOTSEN).await;
    }
    rejected(
        &app,
        r#"mutation { updateLotse(id: "anna", input: { name: "" }) { id } }"#,
        json!({}),
        "BAD_USER_INPUT",
        ALL_LOTSEN,
    )
    .await;
}

#[tokio::test]
async fn duplicate_ids_and_ags_are_conflicts() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let same_id = json!({ "input": { "id": "m-a", "name": "Doppelt", "districtId": "d1" } });
    rejected(&app, CREATE_MUNICIPALITY, same_id, "CONFLICT", ALL_MUNICIPALITIES).await;
    // Ids are unique across kinds too.
    let id_of_a_topic = json!({ "input": { "id": "eakte", "name": "Doppelt", "districtId": "d1" } });
    rejected(&app, CREATE_MUNICIPALITY, id_of_a_topic, "CONFLICT", ALL_MUNICIPALITIES).await;
    let same_ags = json!({ "input": { "id": "m-z", "name": "Zweitort", "districtId": "d1", "ags": "08000001" } });
    rejected(&app, CREATE_MUNICIPALITY, same_ags, "CONFLICT", ALL_MUNICIPALITIES).await;
}

#[tokio::test]
async fn unknown_references_are_bad_user_input_naming_the_field() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let unknown_topic = json!({ "input": { "id": "p-new", "title": "Neu", "municipalityId": "m-a", "topicIds": ["eakte", "no-such-topic"] } });
    rejected(&app, CREATE_PROJECT, unknown_topic.clone(), "BAD_USER_INPUT", ALL_PROJECTS).await;
    let body = app.gql(CREATE_PROJECT, unknown_topic).await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "topics");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("no-such-topic"));

    let unknown_member = json!({ "input": { "id": "p-new", "title": "Neu", "municipalityId": "m-a", "topicIds": ["eakte"], "members": [{ "lotseId": "nobody" }] } });
    rejected(&app, CREATE_PROJECT, unknown_member, "BAD_USER_INPUT", ALL_PROJECTS).await;
    let unknown_municipality = json!({ "input": { "id": "neu", "name": "Neu", "municipalityId": "m-nowhere" } });
    rejected(&app, CREATE_LOTSE, unknown_municipality, "BAD_USER_INPUT", ALL_LOTSEN).await;
    rejected(
        &app,
        r#"mutation { updateLotse(id: "anna", input: { topicIds: ["ozg", "nope"] }) { id } }"#,
        json!({}),
        "BAD_USER_INPUT",
        "{ lotse(id: \"anna\") { topics { id } } }",
    )
    .await;
}

#[tokio::test]
async fn unknown_ids_are_not_found_for_mutations_and_null_for_queries() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    for mutation in [
        r#"mutation { updateLotse(id: "nobody", input: { name: "X" }) { id } }"#,
        r#"mutation { deleteProject(id: "nothing") }"#,
        r#"mutation { acceptConnectionRequest(id: "nothing") { id } }"#,
        r#"mutation { addProjectMember(projectId: "nothing", lotseId: "anna") { id } }"#,
        r#"mutation { removeConnection(lotseId: "anna", otherLotseId: "ben") }"#,
    ] {
        rejected(&app, mutation, json!({}), "NOT_FOUND", ALL_PROJECTS).await;
    }
    for query in [
        r#"{ recommendPeers(lotseId: "nobody") { score } }"#,
        r#"{ similarProjects(projectId: "nothing") { score } }"#,
        r#"{ municipalitiesToAdvise(expertId: "nobody") { score } }"#,
        r#"{ expertsFor(projectId: "nothing") { score } }"#,
    ] {
        assert_eq!(app.error_code(query, json!({})).await, "NOT_FOUND", "{query}");
    }
    let data = app.data(r#"{ lotse(id: "nobody") { id } project(id: "nothing") { id } }"#, json!({})).await;
    assert_eq!(data, json!({ "lotse": null, "project": null }));
}

#[tokio::test]
async fn first_over_the_cap_or_negative_is_bad_user_input() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    for query in [
        "{ lotsen(first: 101) { edges { cursor } } }",
        "{ projects(first: -1) { edges { cursor } } }",
        r#"{ municipality(id: "m-a") { lotsen(first: 1000) { edges { cursor } } } }"#,
        r#"{ recommendPeers(lotseId: "anna", first: 101) { score } }"#,
        r#"{ lotsen(after: "not a cursor!") { edges { cursor } } }"#,
    ] {
        assert_eq!(app.error_code(query, json!({})).await, "BAD_USER_INPUT", "{query}");
    }
    assert_eq!(app.count("lotsen").await, 7);
}

#[tokio::test]
async fn rule_breaking_writes_are_refused_and_leave_no_trace() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let cases = [
        // Still referenced: a municipality with Lotsen, a topic with projects.
        (r#"mutation { deleteMunicipality(id: "m-a") }"#, "CONFLICT", ALL_MUNICIPALITIES),
        (r#"mutation { deleteTopic(id: "eakte") }"#, "CONFLICT", ALL_PROJECTS),
        // A region cannot become its own ancestor.
        (
            r#"mutation { updateRegion(id: "r", input: { parentId: "r" }) { id } }"#,
            "CONFLICT",
            "{ regions { edges { node { id parent { id } } } } }",
        ),
        // Projects need a topic and sane dates.
        (
            r#"mutation { createProject(input: { title: "Ohne Thema", municipalityId: "m-a", topicIds: [] }) { id } }"#,
            "BAD_USER_INPUT",
            ALL_PROJECTS,
        ),
        (
            r#"mutation { createProject(input: { title: "Zeitreise", municipalityId: "m-a", topicIds: ["eakte"], startDate: "2025-05-01", endDate: "2024-01-01" }) { id } }"#,
            "BAD_USER_INPUT",
            ALL_PROJECTS,
        ),
        // Coordinates out of range, or only half of them.
        (
            r#"mutation { createMunicipality(input: { name: "Nordpol", districtId: "d1", latitude: 91, longitude: 0 }) { id } }"#,
            "BAD_USER_INPUT",
            ALL_MUNICIPALITIES,
        ),
        (
            r#"mutation { createMunicipality(input: { name: "Halb", districtId: "d1", latitude: 48 }) { id } }"#,
            "BAD_USER_INPUT",
            ALL_MUNICIPALITIES,
        ),
        // Invalid e-mail and id.
        (
            r#"mutation { createLotse(input: { name: "Eva", municipalityId: "m-a", email: "eva-at-example" }) { id } }"#,
            "BAD_USER_INPUT",
            ALL_LOTSEN,
        ),
        (
            r#"mutation { createLotse(input: { id: "eva mustermann", name: "Eva", municipalityId: "m-a" }) { id } }"#,
            "BAD_USER_INPUT",
            ALL_LOTSEN,
        ),
        // Connections: not with oneself, not twice, only pending requests can be answered.
        (
            r#"mutation { requestConnection(fromLotseId: "anna", toLotseId: "anna") { id } }"#,
            "BAD_USER_INPUT",
            "{ connectionRequests { edges { node { id status } } } }",
        ),
        (
            r#"mutation { requestConnection(fromLotseId: "dora", toLotseId: "anna") { id } }"#,
            "CONFLICT",
            "{ connectionRequests { edges { node { id status } } } }",
        ),
        (r#"mutation { removeProjectMember(projectId: "p-anna1", lotseId: "ben") { id } }"#, "CONFLICT", ALL_PROJECTS),
        (r#"{ expertsFor(projectId: "p-anna1", municipalityId: "m-a") { score } }"#, "BAD_USER_INPUT", ALL_PROJECTS),
        (
            r#"{ recommendPeers(lotseId: "anna", filter: { maxDistanceKm: -5 }) { score } }"#,
            "BAD_USER_INPUT",
            ALL_PROJECTS,
        ),
    ];
    for (query, code, probe) in cases {
        rejected(&app, query, json!({}), code, probe).await;
    }
    let accepted =
        app.data(r#"{ lotse(id: "anna") { connectionRequests(status: ACCEPTED) { id } } }"#, json!({})).await;
    let id = accepted["lotse"]["connectionRequests"][0]["id"].as_str().unwrap().to_owned();
    let answer_again = format!(r#"mutation {{ declineConnectionRequest(id: "{id}") {{ id }} }}"#);
    rejected(&app, &answer_again, json!({}), "CONFLICT", "{ connectionRequests { edges { node { id status } } } }")
        .await;
}

#[tokio::test]
async fn a_query_sent_again_is_checked_again_whatever_it_was_before() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let invalid = r#"{ lotse(id: "anna") { name shoeSize } }"#;
    let with_variables = r#"query($id: ID!) { lotse(id: $id) { name } }"#;
    let two = r#"query A { lotse(id: "anna") { name } } query B { lotse(id: "anna") { id } }"#;

    for _ in 0..3 {
        assert_eq!(app.error_code(invalid, json!({})).await, "GRAPHQL_VALIDATION_FAILED");
        assert_eq!(app.data(with_variables, json!({ "id": "anna" })).await["lotse"]["name"], "Lotse anna");
        assert_eq!(app.error_code(with_variables, json!({ "id": 5.5 })).await, "BAD_USER_INPUT");
        assert_eq!(app.error_code(with_variables, json!({})).await, "BAD_USER_INPUT");
        // Validation passed for one operation of a document says nothing of another name.
        for (operation, answer) in
            [(json!("A"), json!({ "name": "Lotse anna" })), (json!("B"), json!({ "id": "anna" }))]
                .into_iter()
                .chain([(json!("C"), Value::Null), (Value::Null, Value::Null)])
        {
            let (_, body) = app.post_as(Some(&app.token), json!({ "query": two, "operationName": operation })).await;
            if !answer.is_null() {
                assert_eq!(body["data"]["lotse"], answer, "{operation}: {body}");
            } else {
                assert_eq!(
                    body["errors"][0]["extensions"]["code"], "OPERATION_RESOLUTION_FAILURE",
                    "{operation}: {body}"
                );
            }
        }
    }
}
