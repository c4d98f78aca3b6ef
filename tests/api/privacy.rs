//! Authorization and privacy: who may change and see what, DSGVO rights, the audit log.

use lotsennetz::auth::Role;
use serde_json::{Value, json};

use crate::helpers::*;

async fn unchanged(app: &TestApp, probe: &str, act: impl std::future::Future<Output = String>, code: &str) {
    let before = app.data(probe, json!({})).await;
    assert_eq!(act.await, code);
    assert_eq!(app.data(probe, json!({})).await, before, "a refused write changed data");
}

#[tokio::test]
async fn lotsen_change_only_their_own_profile_and_projects() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let probe = r#"{ lotse(id: "ben") { name municipality { id } } project(id: "p-ben1") { title members { lotse { id } role } } municipality(id: "m-a") { population } }"#;

    let cases = [
        r#"mutation { updateLotse(id: "ben", input: { name: "Gekapert" }) { id } }"#,
        r#"mutation { updateProject(id: "p-ben1", input: { title: "Gekapert" }) { id } }"#,
        r#"mutation { deleteProject(id: "p-ben1") }"#,
        r#"mutation { addProjectMember(projectId: "p-ben1", lotseId: "anna", role: LEAD) { id } }"#,
        r#"mutation { removeProjectMember(projectId: "p-ben1", lotseId: "ben") { id } }"#,
        r#"mutation { updateMunicipality(id: "m-a", input: { population: 1 }) { id } }"#,
        r#"mutation { updateLotse(id: "anna", input: { municipalityId: "m-b" }) { id } }"#,
        r#"mutation { createProject(input: { title: "Fremd", municipalityId: "m-b", topicIds: ["eakte"] }) { id } }"#,
        r#"mutation { createTopic(input: { name: "Neu" }) { id } }"#,
        r#"mutation { deleteLotse(id: "ben") }"#,
    ];
    for mutation in cases {
        unchanged(&app, probe, anna.error_code(mutation, json!({})), "FORBIDDEN").await;
    }

    // Her own profile and project are hers to change.
    let own = anna.data(r#"mutation { updateLotse(id: "anna", input: { position: "Digitallotsin", visibility: CONTACTS_ONLY }) { position visibility } }"#, json!({})).await;
    let project = anna
        .data(r#"mutation { updateProject(id: "p-anna1", input: { status: COMPLETED }) { status } }"#, json!({}))
        .await;
    let created = anna.data(r#"mutation { createProject(input: { title: "Bürger-App", municipalityId: "m-a", topicIds: ["opendata"] }) { members { role lotse { id } } } }"#, json!({})).await;
    let added = anna
        .data(
            r#"mutation { addProjectMember(projectId: "p-anna1", lotseId: "ben") { members { lotse { id } } invitations { status lotse { id } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(own["updateLotse"], json!({ "position": "Digitallotsin", "visibility": "CONTACTS_ONLY" }));
    assert_eq!(project["updateProject"]["status"], "COMPLETED");
    assert_eq!(created["createProject"]["members"], json!([{ "role": "LEAD", "lotse": { "id": "anna" } }]));
    // Ben is invited, not added: he joins by accepting.
    assert_eq!(added["addProjectMember"]["members"].as_array().unwrap().len(), 1);
    assert_eq!(added["addProjectMember"]["invitations"], json!([{ "status": "PENDING", "lotse": { "id": "ben" } }]));
    let ben = app.as_user(token("ben", Role::Lotse));
    let invitations = ben.data(r#"{ myInvitations(status: PENDING) { id project { id } } }"#, json!({})).await;
    let invitation = invitations["myInvitations"][0]["id"].as_str().unwrap().to_owned();
    ben.data(&format!(r#"mutation {{ acceptProjectInvitation(id: "{invitation}") {{ status }} }}"#), json!({})).await;

    // Ben is now a member but not the lead: he may edit, not change membership, and may leave.
    assert_eq!(
        ben.error_code(r#"mutation { addProjectMember(projectId: "p-anna1", lotseId: "carla") { id } }"#, json!({}))
            .await,
        "FORBIDDEN"
    );
    ben.data(r#"mutation { updateProject(id: "p-anna1", input: { description: "Gemeinsam" }) { id } }"#, json!({}))
        .await;
    ben.data(r#"mutation { removeProjectMember(projectId: "p-anna1", lotseId: "ben") { id } }"#, json!({})).await;
}

#[tokio::test]
async fn connection_requests_are_sent_and_answered_only_by_the_lotsen_involved() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let ben = app.as_user(token("ben", Role::Lotse));
    let carla = app.as_user(token("carla", Role::Lotse));
    let requests = "{ connectionRequests { edges { node { id status } } } }";

    unchanged(
        &app,
        requests,
        anna.error_code(r#"mutation { requestConnection(fromLotseId: "ben", toLotseId: "carla") { id } }"#, json!({})),
        "FORBIDDEN",
    )
    .await;
    let sent = anna
        .data(r#"mutation { requestConnection(toLotseId: "ben", message: "Hallo Ben") { id from { id } } }"#, json!({}))
        .await;
    let id = sent["requestConnection"]["id"].as_str().unwrap();
    assert_eq!(sent["requestConnection"]["from"]["id"], "anna");

    // A request between others is invisible to carla: it answers like an unknown one.
    unchanged(
        &app,
        requests,
        carla.error_code(&format!(r#"mutation {{ acceptConnectionRequest(id: "{id}") {{ id }} }}"#), json!({})),
        "NOT_FOUND",
    )
    .await;
    unchanged(
        &app,
        requests,
        anna.error_code(&format!(r#"mutation {{ acceptConnectionRequest(id: "{id}") {{ id }} }}"#), json!({})),
        "FORBIDDEN",
    )
    .await;
    unchanged(
        &app,
        requests,
        ben.error_code(&format!(r#"mutation {{ withdrawConnectionRequest(id: "{id}") {{ id }} }}"#), json!({})),
        "FORBIDDEN",
    )
    .await;
    assert_eq!(
        carla.data(&format!(r#"{{ connectionRequest(id: "{id}") {{ id }} }}"#), json!({})).await["connectionRequest"],
        Value::Null
    );
    let accepted =
        ben.data(&format!(r#"mutation {{ acceptConnectionRequest(id: "{id}") {{ status }} }}"#), json!({})).await;
    assert_eq!(accepted["acceptConnectionRequest"]["status"], "ACCEPTED");
    assert_eq!(carla.error_code(r#"{ lotse(id: "anna") { contacts { id } } }"#, json!({})).await, "FORBIDDEN");
    assert_eq!(
        anna.data(r#"{ lotse(id: "anna") { contacts { id } } }"#, json!({})).await["lotse"]["contacts"],
        json!([{ "id": "ben" }, { "id": "dora" }])
    );
}

#[tokio::test]
async fn contact_data_is_visible_only_to_the_person_their_contacts_and_admins() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let carla = app.as_user(token("carla", Role::Lotse)); // a stranger to anna
    let dora = app.as_user(token("dora", Role::Lotse)); // anna's contact
    let expert = app.as_user(token("x-near", Role::Expert));
    let integration = app.as_user(integration_token("read"));
    let paths = [
        r#"{ x: lotse(id: "anna") { id email phone } }"#,
        r#"{ x: lotsen(filter: { nameContains: "anna" }) { edges { node { id email } } } }"#,
        r#"{ x: project(id: "p-anna1") { members { lotse { id email } } } }"#,
        r#"{ x: municipality(id: "m-a") { lotsen { edges { node { id email } } } } }"#,
        r#"{ x: topic(id: "ozg") { lotsen { edges { node { id email } } } } }"#,
        r#"{ x: recommendPeers(lotseId: "anna") { lotse { id email } } }"#,
    ];
    for path in paths {
        for (who, viewer) in [("stranger", &carla), ("expert", &expert), ("integration", &integration)] {
            let body = viewer.gql(path, json!({})).await;
            let text = body.to_string();
            assert!(!text.contains("anna@example.org"), "{who} read anna's e-mail through {path}: {text}");
        }
    }
    let own = app.as_user(token("anna", Role::Lotse)).data(r#"{ lotse(id: "anna") { email } }"#, json!({})).await;
    let contact = dora
        .data(r#"{ lotse(id: "anna") { email } project(id: "p-anna1") { members { lotse { email } } } }"#, json!({}))
        .await;
    let admin = app.data(r#"{ lotse(id: "anna") { email } }"#, json!({})).await;
    let stranger = carla.data(r#"{ lotse(id: "anna") { name email } }"#, json!({})).await;
    assert_eq!(own["lotse"]["email"], "anna@example.org");
    assert_eq!(contact["lotse"]["email"], "anna@example.org");
    assert_eq!(contact["project"]["members"][0]["lotse"]["email"], "anna@example.org");
    assert_eq!(admin["lotse"]["email"], "anna@example.org");
    assert_eq!(stranger["lotse"], json!({ "name": "Lotse anna", "email": null }));
}

#[tokio::test]
async fn hidden_lotsen_appear_nowhere_for_non_contacts() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let viewers = [
        ("lotse", token("anna", Role::Lotse)),
        ("expert", token("x-near", Role::Expert)),
        ("integration", integration_token("read")),
    ];
    let paths = [
        r#"{ lotse(id: "hidden") { id } }"#,
        "{ lotsen(first: 100) { edges { node { id } } } }",
        r#"{ lotsen(filter: { nameContains: "hidden" }) { edges { node { id } } } }"#,
        r#"{ project(id: "p-hidden") { members { lotse { id } } } }"#,
        r#"{ municipality(id: "m-c") { lotsen { edges { node { id } } } } }"#,
        r#"{ recommendPeers(lotseId: "anna", first: 100) { lotse { id } mutualContacts { id } mutualCollaborators { id } } }"#,
    ];
    for (who, t) in viewers {
        let user = app.as_user(t);
        for path in paths {
            let body = user.gql(path, json!({})).await;
            assert!(!body.to_string().contains("\"hidden\""), "{who} found the hidden Lotse through {path}: {body}");
        }
    }
    unchanged(
        &app,
        "{ connectionRequests { edges { node { id } } } }",
        app.as_user(token("anna", Role::Lotse))
            .error_code(r#"mutation { requestConnection(toLotseId: "hidden") { id } }"#, json!({})),
        "BAD_USER_INPUT",
    )
    .await;
    // The person and admins still see them.
    assert_eq!(
        app.as_user(token("hidden", Role::Lotse)).data(r#"{ lotse(id: "hidden") { id } }"#, json!({})).await["lotse"]["id"],
        "hidden"
    );
    assert_eq!(app.data(r#"{ lotse(id: "hidden") { id } }"#, json!({})).await["lotse"]["id"], "hidden");
}

#[tokio::test]
async fn integrations_read_with_a_scope_and_write_only_with_import() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let reader = app.as_user(integration_token("read"));
    let importer = app.as_user(integration_token("read import"));
    let no_scope = app.as_user(integration_token(""));
    let create = r#"mutation { createTopic(input: { id: "ki", name: "KI in der Verwaltung" }) { id } }"#;

    assert_eq!(no_scope.error_code("{ topics { edges { cursor } } }", json!({})).await, "FORBIDDEN");
    reader.data("{ topics { edges { cursor } } }", json!({})).await;
    unchanged(&app, "{ topics { edges { node { id } } } }", reader.error_code(create, json!({})), "FORBIDDEN").await;
    importer.data(create, json!({})).await;
    assert_eq!(app.data(r#"{ topic(id: "ki") { name } }"#, json!({})).await["topic"]["name"], "KI in der Verwaltung");
}

#[tokio::test]
async fn admin_and_integration_writes_are_in_the_audit_log_for_admins_only() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    app.as_user(integration_token("import"))
        .data(r#"mutation { updateTopic(id: "wlan", input: { name: "Öffentliches WLAN" }) { id } }"#, json!({}))
        .await;
    app.as_user(token("anna", Role::Lotse))
        .data(r#"mutation { updateLotse(id: "anna", input: { position: "Lotsin" }) { id } }"#, json!({}))
        .await;

    let log = app.data("{ auditLog(first: 100) { edges { node { actor role action targetKind target at } } pageInfo { hasNextPage } } }", json!({})).await;
    let entries: Vec<Value> = log["auditLog"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect();

    assert!(entries.iter().any(|e| e["actor"] == "dashboard"
        && e["role"] == "integration"
        && e["action"] == "update"
        && e["target"] == "wlan"));
    assert!(entries.iter().any(|e| e["actor"] == "admin"
        && e["action"] == "create"
        && e["targetKind"] == "lotse"
        && e["target"] == "anna"));
    assert!(!entries.iter().any(|e| e["actor"] == "anna"), "a Lotse's own edits are not admin writes");
    assert_eq!(
        app.as_user(token("anna", Role::Lotse)).error_code("{ auditLog { edges { cursor } } }", json!({})).await,
        "FORBIDDEN"
    );
}

#[tokio::test]
async fn my_data_returns_everything_held_about_the_caller() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));

    let data = anna
        .data("{ myData { lotse { id email topics { id } } projects { role project { id } } connectionRequests { status } auditEntries { action target } export } }", json!({}))
        .await["myData"]
        .clone();

    assert_eq!(data["lotse"]["email"], "anna@example.org");
    assert_eq!(data["projects"].as_array().unwrap().len(), 2);
    assert_eq!(data["connectionRequests"], json!([{ "status": "ACCEPTED" }]));
    assert!(data["auditEntries"].as_array().unwrap().iter().any(|e| e["action"] == "create" && e["target"] == "anna"));
    let records = data["export"]["records"].as_array().unwrap();
    assert!(records.iter().any(|r| r["type"] == "lotse" && r["email"] == "anna@example.org"));
    assert_eq!(app.error_code("{ myData { export } }", json!({})).await, "FORBIDDEN");
}

#[tokio::test]
async fn an_erased_lotse_cannot_be_found_anywhere_afterwards() {
    // Arrange
    let mut app = TestApp::spawn().await;
    seed_small_network(&app).await;
    app.data(r#"mutation { updateLotse(id: "dora", input: { name: "Dorothea Unverwechselbar", phone: "+49 711 987654" }) { id } }"#, json!({})).await;
    app.data(r#"mutation { addProjectMember(projectId: "p-carla1", lotseId: "dora") { id } }"#, json!({})).await;
    let dora = app.as_user(token("dora", Role::Lotse));

    // Act
    let erased = dora.data("mutation { deleteMyAccount }", json!({})).await;

    // Assert: nothing through the API, not even for admins ...
    assert_eq!(erased["deleteMyAccount"], "dora");
    let data = app
        .data(
            r#"{ lotse(id: "dora") { id } lotsen(first: 100, filter: { nameContains: "Dorothea" }) { edges { cursor } }
                 project(id: "p-carla1") { members { lotse { id } } } anna: lotse(id: "anna") { contacts { id } }
                 auditLog(first: 100) { edges { node { target detail actor } } } }"#,
            json!({}),
        )
        .await;
    let text = data.to_string();
    assert_eq!(data["lotse"], Value::Null);
    assert!(
        !text.contains("\"dora\"") && !text.contains("dora ") && !text.contains("Dorothea") && !text.contains("987654"),
        "{text}"
    );
    assert!(text.contains("[erased]"));
    assert_eq!(dora.error_code("{ myData { export } }", json!({})).await, "NOT_FOUND");
    // ... and nothing in the files of the store after a restart.
    app.restart().await;
    for entry in std::fs::read_dir(app.data_dir()).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for needle in ["Dorothea Unverwechselbar", "dora@example.org", "987654"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{needle} still on disk");
        }
    }
}

#[tokio::test]
async fn only_admins_erase_others() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    unchanged(
        &app,
        r#"{ lotse(id: "ben") { id } }"#,
        app.as_user(token("anna", Role::Lotse)).error_code(r#"mutation { eraseLotse(id: "ben") }"#, json!({})),
        "FORBIDDEN",
    )
    .await;
    app.data(r#"mutation { eraseLotse(id: "ben") eraseExpert(id: "x-far") }"#, json!({})).await;
    assert_eq!(
        app.data(r#"{ lotse(id: "ben") { id } expert(id: "x-far") { id } }"#, json!({})).await,
        json!({ "lotse": null, "expert": null })
    );
}
