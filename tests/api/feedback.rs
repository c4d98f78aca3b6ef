//! "Kein Interesse": dismissed peers leave a Lotse's recommendations until the dismissal is
//! undone, and are counted in the metrics.

use lotsennetz::auth::Role;
use serde_json::json;

use crate::helpers::*;

const PEERS: &str = r#"{ recommendPeers(lotseId: "anna", first: 10) { lotse { id } } }"#;

async fn peers(view: &UserView<'_>) -> Vec<String> {
    ids(&view.data(PEERS, json!({})).await["recommendPeers"], "lotse")
}

async fn dismissals_metric(app: &TestApp) -> String {
    let text = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap().text().await.unwrap();
    text.lines().find(|l| l.starts_with("lotsennetz_dismissals ")).expect("the dismissals gauge").to_owned()
}

#[tokio::test]
async fn a_dismissed_peer_is_not_recommended_until_the_dismissal_is_undone() {
    let mut app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let anna = app.as_user(token("anna", Role::Lotse));
    assert!(peers(&anna).await.contains(&"ben".to_owned()));

    // Act: anna is not interested in ben.
    let dismissed = anna
        .data(
            r#"mutation { dismissRecommendation(lotseId: "ben", reason: "Kein Interesse") { id reason lotse { id } createdAt } }"#,
            json!({}),
        )
        .await;

    // Assert: ben is gone from her recommendations (also after a restart), listed in her
    // dismissals, counted, and hers alone.
    assert_eq!(dismissed["dismissRecommendation"]["lotse"]["id"], "ben");
    assert_eq!(dismissed["dismissRecommendation"]["reason"], "Kein Interesse");
    assert!(!peers(&anna).await.contains(&"ben".to_owned()));
    assert_eq!(dismissals_metric(&app).await, "lotsennetz_dismissals 1");
    app.restart().await;
    let anna = app.as_user(token("anna", Role::Lotse));
    assert!(!peers(&anna).await.contains(&"ben".to_owned()), "the dismissal was lost on restart");
    let listed = anna.data("{ dismissals { reason lotse { id } } }", json!({})).await;
    assert_eq!(listed["dismissals"], json!([{ "reason": "Kein Interesse", "lotse": { "id": "ben" } }]));
    let ben = app.as_user(token("ben", Role::Lotse));
    assert_eq!(ben.data("{ dismissals { id } }", json!({})).await["dismissals"], json!([]));
    assert_eq!(ben.error_code(r#"{ dismissals(byLotseId: "anna") { id } }"#, json!({})).await, "FORBIDDEN");
    assert_eq!(
        app.data(r#"{ dismissals(byLotseId: "anna") { lotse { id } } }"#, json!({})).await["dismissals"],
        json!([{ "lotse": { "id": "ben" } }])
    );
    assert_eq!(
        anna.error_code(r#"mutation { dismissRecommendation(lotseId: "ben") { id } }"#, json!({})).await,
        "CONFLICT"
    );
    assert_eq!(
        anna.error_code(r#"mutation { dismissRecommendation(lotseId: "anna") { id } }"#, json!({})).await,
        "BAD_USER_INPUT"
    );

    let mine = anna.data("{ myData { dismissals { lotse { id } } export } }", json!({})).await;
    assert_eq!(mine["myData"]["dismissals"], json!([{ "lotse": { "id": "ben" } }]));
    let records = mine["myData"]["export"]["records"].as_array().unwrap();
    assert!(records.iter().any(|r| r["type"] == "dismissal" && r["dismissed"] == "ben"), "{records:?}");

    // Undone, ben is recommended again; undoing twice finds nothing.
    let undo = r#"mutation { undoDismissal(lotseId: "ben") }"#;
    assert_eq!(anna.data(undo, json!({})).await["undoDismissal"], true);
    assert!(peers(&anna).await.contains(&"ben".to_owned()));
    assert_eq!(anna.error_code(undo, json!({})).await, "NOT_FOUND");
    assert_eq!(dismissals_metric(&app).await, "lotsennetz_dismissals 0");
}
