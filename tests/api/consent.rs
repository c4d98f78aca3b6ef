//! Consent to project membership: invitations answered by the invited, leaving and removing
//! members; hidden and unknown ids answer alike; ids of new nodes cannot be guessed.

use lotsennetz::auth::Role;
use serde_json::{Value, json};

use crate::helpers::*;

const MEMBERS: &str = "query($id: ID!) { project(id: $id) { members { role lotse { id } } } }";

async fn members(app: &TestApp, project: &str) -> Value {
    app.data(MEMBERS, json!({ "id": project })).await["project"]["members"].clone()
}

#[tokio::test]
async fn others_join_a_project_only_by_accepting_an_invitation() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let ben = app.as_user(token("ben", Role::Lotse));
    let carla = app.as_user(token("carla", Role::Lotse));

    // Arrange: anna creates a project listing ben; she is its lead at once, ben is invited.
    let created = anna
        .data(
            r#"mutation { createProject(input: { title: "Bürger-App", municipalityId: "m-a", topicIds: ["opendata"],
                 members: [{ lotseId: "ben", role: MEMBER }] }) {
                 id members { role lotse { id } } invitations { status role lotse { id } invitedBy { id } } } }"#,
            json!({}),
        )
        .await;
    let project = created["createProject"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["createProject"]["members"], json!([{ "role": "LEAD", "lotse": { "id": "anna" } }]));
    assert_eq!(
        created["createProject"]["invitations"],
        json!([{ "status": "PENDING", "role": "MEMBER", "lotse": { "id": "ben" }, "invitedBy": { "id": "anna" } }])
    );

    // Act and assert: only ben sees and answers his invitation.
    let mine = ben.data("{ myInvitations { id status project { id } } }", json!({})).await;
    let invitation = mine["myInvitations"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(mine["myInvitations"][0]["project"]["id"], project.as_str());
    assert_eq!(carla.data("{ myInvitations { id } }", json!({})).await["myInvitations"], json!([]));
    let seen_by_carla = carla
        .data(MEMBERS.replace("members {", "invitations { id } members {").as_str(), json!({ "id": project }))
        .await;
    assert_eq!(seen_by_carla["project"]["invitations"], json!([]));
    assert_eq!(carla.error_code(r#"{ myInvitations(lotseId: "ben") { id } }"#, json!({})).await, "FORBIDDEN");
    let accept = "mutation($id: ID!) { acceptProjectInvitation(id: $id) { status respondedAt } }";
    assert_eq!(carla.error_code(accept, json!({ "id": invitation })).await, "NOT_FOUND");
    assert_eq!(anna.error_code(accept, json!({ "id": invitation })).await, "FORBIDDEN");
    assert_eq!(members(&app, &project).await.as_array().unwrap().len(), 1, "a refused answer added a member");
    let own = ben.data("{ myData { invitations { status project { id } } } }", json!({})).await;
    assert_eq!(own["myData"]["invitations"], json!([{ "status": "PENDING", "project": { "id": project } }]));
    let accepted = ben.data(accept, json!({ "id": invitation })).await;
    assert_eq!(accepted["acceptProjectInvitation"]["status"], "ACCEPTED");
    assert!(accepted["acceptProjectInvitation"]["respondedAt"].is_string());
    assert_eq!(
        members(&app, &project).await,
        json!([{ "role": "LEAD", "lotse": { "id": "anna" } }, { "role": "MEMBER", "lotse": { "id": "ben" } }])
    );
    assert_eq!(ben.error_code(accept, json!({ "id": invitation })).await, "CONFLICT");

    // An invitation declined adds no one; the same Lotse cannot be invited twice at once,
    // nor one who already works on the project; only leads invite.
    let invite =
        "mutation($p: ID!, $l: ID!) { inviteToProject(projectId: $p, lotseId: $l, role: ADVISOR) { id status role } }";
    let to_carla = anna.data(invite, json!({ "p": project, "l": "carla" })).await;
    assert_eq!(to_carla["inviteToProject"]["role"], "ADVISOR");
    assert_eq!(anna.error_code(invite, json!({ "p": project, "l": "carla" })).await, "CONFLICT");
    assert_eq!(anna.error_code(invite, json!({ "p": project, "l": "ben" })).await, "CONFLICT");
    assert_eq!(ben.error_code(invite, json!({ "p": project, "l": "emil" })).await, "FORBIDDEN");
    let declined = carla
        .data(
            "mutation($id: ID!) { declineProjectInvitation(id: $id) { status } }",
            json!({ "id": to_carla["inviteToProject"]["id"] }),
        )
        .await;
    assert_eq!(declined["declineProjectInvitation"]["status"], "DECLINED");
    assert_eq!(members(&app, &project).await.as_array().unwrap().len(), 2);
    let pending = anna
        .data(
            MEMBERS.replace("members { role lotse { id } }", "invitations(status: PENDING) { id }").as_str(),
            json!({ "id": project }),
        )
        .await;
    assert_eq!(pending["project"]["invitations"], json!([]));

    // A Lotse leaves any project; a lead removes members; others remove no one.
    anna.data(invite, json!({ "p": project, "l": "emil" })).await;
    let emil = app.as_user(token("emil", Role::Lotse));
    let to_emil = emil.data("{ myInvitations(status: PENDING) { id } }", json!({})).await;
    emil.data(accept, json!({ "id": to_emil["myInvitations"][0]["id"] })).await;
    let remove =
        "mutation($p: ID!, $l: ID!) { removeProjectMember(projectId: $p, lotseId: $l) { members { lotse { id } } } }";
    assert_eq!(ben.error_code(remove, json!({ "p": project, "l": "emil" })).await, "FORBIDDEN");
    let removed = anna.data(remove, json!({ "p": project, "l": "emil" })).await;
    assert_eq!(
        removed["removeProjectMember"]["members"],
        json!([{ "lotse": { "id": "anna" } }, { "lotse": { "id": "ben" } }])
    );
    let left = ben
        .data("mutation($p: ID!) { leaveProject(projectId: $p) { members { lotse { id } } } }", json!({ "p": project }))
        .await;
    assert_eq!(left["leaveProject"]["members"], json!([{ "lotse": { "id": "anna" } }]));
    let carlas = "mutation { leaveProject(projectId: \"p-carla1\") { members { lotse { id } } } }";
    assert_eq!(carla.data(carlas, json!({})).await["leaveProject"]["members"], json!([]));
}

#[tokio::test]
async fn admins_add_members_directly_and_invitations_go_with_their_project() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let added = app
        .data(r#"mutation { addProjectMember(projectId: "p-ben1", lotseId: "carla") { members { lotse { id } } invitations { id } } }"#, json!({}))
        .await;
    assert_eq!(
        added["addProjectMember"]["members"],
        json!([{ "lotse": { "id": "ben" } }, { "lotse": { "id": "carla" } }])
    );
    assert_eq!(
        app.error_code(r#"mutation { inviteToProject(projectId: "p-ben1", lotseId: "emil") { id } }"#, json!({})).await,
        "FORBIDDEN"
    );

    let ben = app.as_user(token("ben", Role::Lotse));
    ben.data(r#"mutation { inviteToProject(projectId: "p-ben1", lotseId: "emil") { id } }"#, json!({})).await;
    let emil_sees = r#"{ myInvitations(lotseId: "emil") { id } }"#;
    assert_eq!(app.data(emil_sees, json!({})).await["myInvitations"].as_array().unwrap().len(), 1);
    app.data(r#"mutation { deleteProject(id: "p-ben1") }"#, json!({})).await;
    assert_eq!(app.data(emil_sees, json!({})).await["myInvitations"], json!([]));
}

#[tokio::test]
async fn hidden_and_unknown_lotsen_answer_alike_on_every_path() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let paths = [
        r#"mutation($id: ID!) { updateLotse(id: $id, input: { name: "X" }) { id } }"#,
        r#"mutation($id: ID!) { deleteLotse(id: $id) }"#,
        r#"mutation($id: ID!) { addProjectMember(projectId: "p-anna1", lotseId: $id) { id } }"#,
        r#"mutation($id: ID!) { inviteToProject(projectId: "p-anna1", lotseId: $id) { id } }"#,
        r#"mutation($id: ID!) { createProject(input: { title: "T", municipalityId: "m-a", topicIds: ["eakte"], members: [{ lotseId: $id }] }) { id } }"#,
        r#"mutation($id: ID!) { requestConnection(toLotseId: $id) { id } }"#,
        r#"mutation($id: ID!) { dismissRecommendation(lotseId: $id) { id } }"#,
        r#"mutation($id: ID!) { removeConnection(otherLotseId: $id) }"#,
        r#"query($id: ID!) { lotse(id: $id) { id } }"#,
    ];
    for path in paths {
        // Act: the same request about a hidden Lotse and about one that does not exist.
        let hidden = anna.gql(path, json!({ "id": "hidden" })).await;
        let unknown = anna.gql(path, json!({ "id": "nobody" })).await;
        // Assert: the answers differ in the id only.
        let unknown = unknown.to_string().replace("nobody", "hidden");
        assert_eq!(hidden.to_string(), unknown, "{path}");
    }
    assert_eq!(
        anna.error_code(r#"mutation { updateLotse(id: "hidden", input: { name: "X" }) { id } }"#, json!({})).await,
        "NOT_FOUND"
    );
    assert_eq!(
        app.data(r#"{ lotse(id: "hidden") { name } }"#, json!({})).await["lotse"]["name"],
        "Lotse hidden",
        "a refused write changed the hidden Lotse"
    );
}

#[tokio::test]
async fn ids_of_new_nodes_are_random_and_chosen_only_by_admins() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    let create =
        r#"mutation { createProject(input: { title: "Neu", municipalityId: "m-a", topicIds: ["eakte"] }) { id } }"#;

    let first = anna.data(create, json!({})).await["createProject"]["id"].as_str().unwrap().to_owned();
    let second = anna.data(create, json!({})).await["createProject"]["id"].as_str().unwrap().to_owned();
    let topic = app.data(r#"mutation { createTopic(input: { name: "Neu" }) { id } }"#, json!({})).await;

    let random = |id: &str, prefix: &str| {
        let tail = id.strip_prefix(prefix).unwrap_or_else(|| panic!("{id} lacks {prefix}"));
        tail.len() == 32 && tail.chars().all(|c| c.is_ascii_hexdigit())
    };
    assert!(random(&first, "project-") && random(&second, "project-"), "{first} {second}");
    assert_ne!(first, second);
    assert!(random(topic["createTopic"]["id"].as_str().unwrap(), "topic-"), "{topic}");
    // A Lotse cannot choose an id, taken (by a hidden Lotse) or free: nothing to probe.
    for id in ["hidden", "p-free"] {
        let chosen = format!(
            r#"mutation {{ createProject(input: {{ id: "{id}", title: "T", municipalityId: "m-a", topicIds: ["eakte"] }}) {{ id }} }}"#
        );
        assert_eq!(anna.error_code(&chosen, json!({})).await, "FORBIDDEN", "{id}");
    }
}
