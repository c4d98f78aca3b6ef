//! Acknowledged writes survive a restart.

use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn every_acknowledged_write_survives_a_restart() {
    // Arrange
    let mut app = TestApp::spawn().await;
    seed_small_network(&app).await;
    app.data(r#"mutation { updateLotse(id: "ben", input: { phone: "+49 711 123456" }) { id } }"#, json!({})).await;
    app.data(r#"mutation { deleteProject(id: "p-emil") }"#, json!({})).await;
    let probe = r#"{ lotse(id: "ben") { phone contacts { id } } anna: lotse(id: "anna") { contacts { id } }
                    project(id: "p-emil") { id } recommendPeers(lotseId: "anna") { lotse { id } score } }"#;
    let before = app.data(probe, json!({})).await;

    // Act
    app.restart().await;

    // Assert
    assert_eq!(app.data(probe, json!({})).await, before);
    assert_eq!(before["lotse"]["phone"], "+49 711 123456");
    assert_eq!(before["project"], json!(null));
    assert!(app.data_dir().join("lotsennetz.sqlite3").exists());
}

#[tokio::test]
async fn a_rejected_batch_leaves_nothing_on_disk() {
    let mut app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let bad = json!({ "input": { "id": "p-bad", "title": "Kaputt", "municipalityId": "m-a", "topicIds": ["eakte"], "members": [{ "lotseId": "anna" }, { "lotseId": "ghost" }] } });
    assert_eq!(app.error_code(CREATE_PROJECT, bad).await, "BAD_USER_INPUT");

    app.restart().await;

    assert_eq!(app.data(r#"{ project(id: "p-bad") { id } }"#, json!({})).await["project"], json!(null));
}
