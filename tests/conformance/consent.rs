//! Project invitations and dismissals of recommendations: their write rules, what they take
//! with them, and a dismissed peer left out of the recommendations.

use lotsennetz::domain::{NodeKind, ProjectRole};
use lotsennetz::matching::PeerFilter;
use lotsennetz::store::{Change, GraphStore, Rel};
use serde_json::{Value, json};

use crate::fixtures::{create, id, ids, node, small_network};
use crate::recommend::peers;
use crate::support::Transcript;

fn invitation(id: &str, project: &str, lotse: &str, status: &str) -> Change {
    Change::Create(node(json!({"type": "project_invitation", "id": id, "project": project, "lotse": lotse,
                               "invited_by": "anna", "role": "MEMBER", "status": status,
                               "created_at": "2025-02-01T08:00:00Z"})))
}

fn dismissal(id: &str, lotse: &str, dismissed: &str) -> Change {
    Change::Create(node(json!({"type": "dismissal", "id": id, "lotse": lotse, "dismissed": dismissed,
                               "reason": "kein Interesse", "created_at": "2025-02-01T08:00:00Z"})))
}

/// Invitations: one pending per Lotse and project, none to a member; accepting adds the
/// member in the same batch; they go with their project.
async fn invitations(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    store.apply(vec![invitation("i-carla", "p-anna1", "carla", "PENDING")]).await.expect("invitation written");
    let attempts = [
        ("a second pending invitation", invitation("i-again", "p-anna1", "carla", "PENDING")),
        ("an invitation to a member", invitation("i-member", "p-anna1", "anna", "PENDING")),
        ("an invitation to a missing project", invitation("i-none", "p-none", "ben", "PENDING")),
        ("an invitation of a missing Lotse", invitation("i-nobody", "p-anna1", "nobody", "PENDING")),
    ];
    for (label, change) in attempts {
        let result = store.apply(vec![change]).await;
        assert!(result.is_err(), "{label}: accepted");
        t.record(label, &result);
    }
    let received = store.incoming(NodeKind::ProjectInvitation, Rel::Invites, &ids(&["carla", "ben"])).await;
    t.record("invitations received", &received);

    let mut accepted: Value = serde_json::to_value(
        store.get(NodeKind::ProjectInvitation, &ids(&["i-carla"])).await.expect("get").pop().expect("stored"),
    )
    .expect("json");
    accepted["status"] = json!("ACCEPTED");
    accepted["responded_at"] = json!("2025-02-02T08:00:00Z");
    store
        .apply(vec![
            Change::Update(node(accepted)),
            Change::SetMember { project: id("p-anna1"), lotse: id("carla"), role: ProjectRole::Member },
        ])
        .await
        .expect("accepted");
    let after = store.get(NodeKind::ProjectInvitation, &ids(&["i-carla"])).await;
    t.record("accepted invitation", &after);
    t.record("project with the new member", &store.get(NodeKind::Project, &ids(&["p-anna1"])).await);
    let answered_again = store.apply(vec![invitation("i-later", "p-anna1", "carla", "DECLINED")]).await;
    t.record("an answered invitation beside a membership", &answered_again);

    store.apply(vec![Change::Delete(NodeKind::Project, id("p-anna1"))]).await.expect("project deleted");
    let gone = store.get(NodeKind::ProjectInvitation, &ids(&["i-carla", "i-later"])).await.expect("get");
    assert!(gone.is_empty(), "invitations outlived their project: {gone:?}");
    t.record("invitations after their project was deleted", &gone);
}

/// Dismissals: one per pair; the dismissed peer is left out of the recommendations; they go
/// with either Lotse.
async fn dismissals(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let before = peers(store, t, "anna", PeerFilter::default()).await;
    assert!(before.contains(&"ben".to_owned()), "{before:?}");

    store.apply(vec![dismissal("x-ben", "anna", "ben")]).await.expect("dismissal written");
    let twice = store.apply(vec![dismissal("x-again", "anna", "ben")]).await;
    assert!(twice.is_err(), "a second dismissal of the same peer was accepted");
    t.record("a second dismissal of the same peer", &twice);
    let after = peers(store, t, "anna", PeerFilter::default()).await;
    assert!(!after.contains(&"ben".to_owned()), "a dismissed peer was recommended: {after:?}");
    assert_eq!(after.len(), before.len() - 1, "{before:?} {after:?}");
    let others = peers(store, t, "carla", PeerFilter::default()).await;
    t.record("dismissals of anna", &store.incoming(NodeKind::Dismissal, Rel::DismissedBy, &ids(&["anna"])).await);

    store.apply(vec![Change::Delete(NodeKind::Dismissal, id("x-ben"))]).await.expect("undone");
    assert_eq!(peers(store, t, "anna", PeerFilter::default()).await, before, "undoing brought back another list");
    store.apply(vec![dismissal("x-ben", "anna", "ben")]).await.expect("dismissed again");
    store.apply(vec![Change::Delete(NodeKind::Lotse, id("ben"))]).await.expect("ben deleted");
    let gone = store.get(NodeKind::Dismissal, &ids(&["x-ben"])).await.expect("get");
    assert!(gone.is_empty(), "a dismissal outlived its peer");
    t.record("dismissal after the peer was deleted", &(gone, others));
}

crate::conformance!(invitations, dismissals);
