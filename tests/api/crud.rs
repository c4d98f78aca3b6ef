//! Creating, reading, listing, changing and deleting every kind of node.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn geography_can_be_created_read_listed_updated_and_deleted() {
    // Arrange
    let app = TestApp::spawn().await;
    app.data(
        CREATE_REGION,
        json!({ "input": { "id": "rb-t", "name": "Regierungsbezirk Test", "kind": "REGIERUNGSBEZIRK" } }),
    )
    .await;
    app.data(
        CREATE_REGION,
        json!({ "input": { "id": "r", "name": "Region Test", "kind": "REGION", "parentId": "rb-t" } }),
    )
    .await;
    app.data(
        CREATE_DISTRICT,
        json!({ "input": { "id": "d", "name": "Landkreis Test", "kind": "LANDKREIS", "regionId": "r" } }),
    )
    .await;
    app.data(
        CREATE_MUNICIPALITY,
        json!({ "input": { "id": "m", "name": "Testingen", "districtId": "d", "ags": "08999001", "population": 5000,
                "latitude": 48.5, "longitude": 9.0, "kind": "STADT" } }),
    )
    .await;

    // Act
    let read = app
        .data(
            r#"{ municipality(id: "m") { name ags kind population latitude longitude
                   district { name region { name parent { name } } } } }"#,
            json!({}),
        )
        .await;
    let within =
        app.data(r#"{ municipalities(filter: { within: "rb-t" }) { edges { node { id } } } }"#, json!({})).await;
    let children = app.data(r#"{ region(id: "rb-t") { children { id } } district(id: "d") { municipalities { edges { node { id } } } } }"#, json!({})).await;
    let updated = app
        .data(
            r#"mutation { updateMunicipality(id: "m", input: { population: 6000, ags: null, name: "Neu-Testingen" }) { name ags population } }"#,
            json!({}),
        )
        .await;

    // Assert
    let m = &read["municipality"];
    assert_eq!(m["name"], "Testingen");
    assert_eq!(m["ags"], "08999001");
    assert_eq!(m["kind"], "STADT");
    assert_eq!(m["population"], 5000);
    assert_eq!(m["latitude"], 48.5);
    assert_eq!(m["district"]["region"]["parent"]["name"], "Regierungsbezirk Test");
    assert_eq!(within["municipalities"]["edges"][0]["node"]["id"], "m");
    assert_eq!(children["region"]["children"][0]["id"], "r");
    assert_eq!(children["district"]["municipalities"]["edges"][0]["node"]["id"], "m");
    assert_eq!(updated["updateMunicipality"], json!({ "name": "Neu-Testingen", "ags": null, "population": 6000 }));

    // Deleting bottom-up works; each delete returns the id.
    for (mutation, id) in
        [("deleteMunicipality", "m"), ("deleteDistrict", "d"), ("deleteRegion", "r"), ("deleteRegion", "rb-t")]
    {
        let deleted = app.data(&format!(r#"mutation {{ {mutation}(id: "{id}") }}"#), json!({})).await;
        assert_eq!(deleted[mutation], id);
    }
    assert_eq!(app.count("regions").await, 0);
}

#[tokio::test]
async fn lotsen_projects_memberships_and_experts_round_trip() {
    // Arrange
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    // Act
    let lotse = app
        .data(
            r#"{ lotse(id: "anna") { name email visibility municipality { id } topics { id }
                   projects { role project { id } } contacts { id } } }"#,
            json!({}),
        )
        .await;
    let project = app
        .data(r#"{ project(id: "p-ben1") { title status municipality { id } topics { name } members { role lotse { id } } } }"#, json!({}))
        .await;
    let by_topic =
        app.data(r#"{ projects(filter: { topicId: "opendata" }) { edges { node { id } } } }"#, json!({})).await;
    let expert = app
        .data(
            r#"{ expert(id: "x-near") { name organization { name } topics { id } serves { ... on Region { id } } } }"#,
            json!({}),
        )
        .await;
    let experts = app.data(r#"{ organization(id: "o-kic") { experts { edges { node { id } } } } topic(id: "breitband") { experts { edges { node { id } } } } }"#, json!({})).await;
    let member_added = app
        .data(r#"mutation { addProjectMember(projectId: "p-ben1", lotseId: "carla", role: ADVISOR) { members { role lotse { id } } } }"#, json!({}))
        .await;
    let updated = app
        .data(r#"mutation { updateLotse(id: "anna", input: { position: "Hauptamtsleiterin", topicIds: ["ozg", "eakte"] }) { position topics { id } } }"#, json!({}))
        .await;
    let project_updated = app
        .data(r#"mutation { updateProject(id: "p-anna2", input: { status: COMPLETED, description: "Offene Haushaltsdaten" }) { status description } }"#, json!({}))
        .await;

    // Assert
    let anna = &lotse["lotse"];
    assert_eq!(anna["email"], "anna@example.org");
    assert_eq!(anna["municipality"]["id"], "m-a");
    assert_eq!(anna["topics"], json!([{ "id": "ozg" }]));
    assert_eq!(
        anna["projects"],
        json!([{ "role": "LEAD", "project": { "id": "p-anna1" } }, { "role": "LEAD", "project": { "id": "p-anna2" } }])
    );
    assert_eq!(anna["contacts"], json!([{ "id": "dora" }]));
    assert_eq!(project["project"]["status"], "COMPLETED");
    assert_eq!(project["project"]["topics"], json!([{ "name": "E-Akte" }, { "name": "OZG-Onlinedienste" }]));
    assert_eq!(project["project"]["members"], json!([{ "role": "LEAD", "lotse": { "id": "ben" } }]));
    assert_eq!(by_topic["projects"]["edges"], json!([{ "node": { "id": "p-anna2" } }, { "node": { "id": "p-ben2" } }]));
    assert_eq!(expert["expert"]["organization"]["name"], "KIC@bw");
    assert_eq!(expert["expert"]["serves"], json!([{ "id": "r" }]));
    assert_eq!(experts["organization"]["experts"]["edges"], json!([{ "node": { "id": "x-near" } }]));
    assert_eq!(experts["topic"]["experts"]["edges"].as_array().unwrap().len(), 2);
    assert_eq!(
        member_added["addProjectMember"]["members"],
        json!([{ "role": "LEAD", "lotse": { "id": "ben" } }, { "role": "ADVISOR", "lotse": { "id": "carla" } }])
    );
    assert_eq!(
        updated["updateLotse"],
        json!({ "position": "Hauptamtsleiterin", "topics": [{ "id": "ozg" }, { "id": "eakte" }] })
    );
    assert_eq!(
        project_updated["updateProject"],
        json!({ "status": "COMPLETED", "description": "Offene Haushaltsdaten" })
    );

    // Removing a member and deleting nodes.
    let removed = app
        .data(
            r#"mutation { removeProjectMember(projectId: "p-ben1", lotseId: "carla") { members { lotse { id } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(removed["removeProjectMember"]["members"], json!([{ "lotse": { "id": "ben" } }]));
    app.data(r#"mutation { deleteProject(id: "p-emil") deleteExpert(id: "x-far") }"#, json!({})).await;
    let gone = app.data(r#"{ project(id: "p-emil") { id } expert(id: "x-far") { id } }"#, json!({})).await;
    assert_eq!(gone, json!({ "project": null, "expert": null }));
}

#[tokio::test]
async fn deleting_a_lotse_removes_their_memberships_and_connections() {
    // Arrange
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    // Act
    app.data(r#"mutation { deleteLotse(id: "dora") }"#, json!({})).await;

    // Assert
    let data = app
        .data(r#"{ lotse(id: "dora") { id } project(id: "p-dora1") { members { lotse { id } } } anna: lotse(id: "anna") { contacts { id } } }"#, json!({}))
        .await;
    assert_eq!(data["lotse"], json!(null));
    assert_eq!(data["project"]["members"], json!([]));
    assert_eq!(data["anna"]["contacts"], json!([]));
}

#[tokio::test]
async fn connection_requests_go_from_pending_to_accepted_declined_or_withdrawn() {
    // Arrange
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let request = |from: &str, to: &str| {
        format!(
            r#"mutation {{ requestConnection(fromLotseId: "{from}", toLotseId: "{to}", message: "Hallo!") {{ id status message from {{ id }} to {{ id }} }} }}"#
        )
    };

    // Act
    let sent = app.data(&request("anna", "ben"), json!({})).await["requestConnection"].clone();
    let id = sent["id"].as_str().unwrap();
    let pending = app.data(r#"{ lotse(id: "ben") { connectionRequests(status: PENDING) { id } } }"#, json!({})).await;
    let declined = app
        .data(&format!(r#"mutation {{ declineConnectionRequest(id: "{id}") {{ status respondedAt }} }}"#), json!({}))
        .await;
    let again = app.data(&request("ben", "anna"), json!({})).await["requestConnection"].clone();
    let withdrawn = app
        .data(
            &format!(
                r#"mutation {{ withdrawConnectionRequest(id: "{}") {{ status }} }}"#,
                again["id"].as_str().unwrap()
            ),
            json!({}),
        )
        .await;
    let accepted_id = connect(&app, "anna", "ben").await;
    let listed = app
        .data(
            r#"{ connectionRequests(filter: { fromId: "anna", toId: "ben" }) { edges { node { id status } } } }"#,
            json!({}),
        )
        .await;
    let removed = app.data(r#"mutation { removeConnection(lotseId: "ben", otherLotseId: "anna") }"#, json!({})).await;
    let contacts = app.data(r#"{ lotse(id: "anna") { contacts { id } } }"#, json!({})).await;

    // Assert
    assert_eq!(sent["status"], "PENDING");
    assert_eq!(sent["message"], "Hallo!");
    assert_eq!(sent["from"]["id"], "anna");
    assert_eq!(pending["lotse"]["connectionRequests"], json!([{ "id": id }]));
    assert_eq!(declined["declineConnectionRequest"]["status"], "DECLINED");
    assert!(declined["declineConnectionRequest"]["respondedAt"].is_string());
    assert_eq!(withdrawn["withdrawConnectionRequest"]["status"], "WITHDRAWN");
    let statuses: Vec<_> =
        listed["connectionRequests"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["status"].clone()).collect();
    assert!(statuses.contains(&json!("ACCEPTED")) && statuses.contains(&json!("DECLINED")), "{statuses:?}");
    assert!(!accepted_id.is_empty());
    assert_eq!(removed["removeConnection"], true);
    assert_eq!(contacts["lotse"]["contacts"], json!([{ "id": "dora" }]));
}

#[tokio::test]
async fn lists_are_relay_connections_paged_by_cursor() {
    // Arrange
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let page = "query($after: String) { lotsen(first: 3, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }";

    // Act
    let mut seen = Vec::new();
    let mut after = json!(null);
    let mut pages = 0;
    loop {
        let data = app.data(page, json!({ "after": after })).await;
        let connection = &data["lotsen"];
        seen.extend(
            connection["edges"].as_array().unwrap().iter().map(|e| e["node"]["id"].as_str().unwrap().to_owned()),
        );
        pages += 1;
        if !connection["pageInfo"]["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = connection["pageInfo"]["endCursor"].clone();
    }

    // Assert
    assert_eq!(pages, 3);
    assert_eq!(seen, ["anna", "anton", "ben", "carla", "dora", "emil", "hidden"]);
}
