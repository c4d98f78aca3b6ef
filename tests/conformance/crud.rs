//! Writing and reading nodes: creation, updates, deletes, memberships, connection requests,
//! and every rule a write is checked against.

use lotsennetz::domain::{Node, NodeKind, ProjectRole};
use lotsennetz::store::{Change, GraphStore, ListFilter, ListQuery};
use serde_json::json;

use crate::fixtures::{create, geography, id, ids, node, small_network};
use crate::support::Transcript;

/// Every node comes back equal to what was written, whatever its kind.
async fn create_and_get(store: &dyn GraphStore, t: &mut Transcript) {
    let nodes = small_network();
    create(store, nodes.clone()).await;
    for kind in NodeKind::ALL {
        let written: Vec<Node> = nodes.iter().filter(|n| n.kind() == *kind).cloned().collect();
        let wanted: Vec<_> = written.iter().map(|n| n.id().clone()).collect();
        let read = store.get(*kind, &wanted).await.expect("get");
        assert_eq!(read, written, "{kind} nodes read back differ");
        t.record(format!("get {kind}"), &read);
    }
    let mixed = store.get(NodeKind::Lotse, &ids(&["ben", "missing", "m-a", "anna", "ben"])).await.expect("get");
    assert_eq!(mixed.iter().map(|n| n.id().as_str()).collect::<Vec<_>>(), ["ben", "anna", "ben"]);
    t.record("get in the order asked, missing and other kinds left out", &mixed);
    t.record("get nothing", &store.get(NodeKind::Topic, &[]).await);
}

/// Each rule of a write gives the same error, and a refused batch writes nothing.
async fn write_rules(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let attempts: Vec<(&str, Vec<Change>)> = vec![
        (
            "id taken by another kind",
            vec![Change::Create(node(json!({"type": "topic", "id": "anna", "name": "Anna als Thema"})))],
        ),
        (
            "unknown municipality",
            vec![Change::Create(node(json!({"type": "lotse", "id": "neu", "name": "Neu", "municipality": "nowhere"})))],
        ),
        (
            "reference of the wrong kind",
            vec![Change::Create(node(
                json!({"type": "project", "id": "p-neu", "title": "Neu", "municipality": "m-a", "topics": ["anna"]}),
            ))],
        ),
        (
            "serves neither region nor district",
            vec![Change::Create(node(json!({"type": "expert", "id": "x-neu", "name": "X", "serves": ["m-a"]})))],
        ),
        (
            "duplicate AGS",
            vec![Change::Create(node(json!({"type": "municipality", "id": "m-z", "name": "Z", "district": "d1",
                                              "ags": "08000001", "kind": "STADT"})))],
        ),
        (
            "update of a missing node",
            vec![Change::Update(node(json!({"type": "topic", "id": "nothing", "name": "Nichts"})))],
        ),
        (
            "region cycle",
            vec![Change::Update(node(
                json!({"type": "region", "id": "bw", "name": "BW", "kind": "LAND", "parent": "r"}),
            ))],
        ),
        (
            "topic cycle through a new parent",
            vec![
                Change::Create(node(json!({"type": "topic", "id": "t-new", "name": "Neu", "parent": "eakte"}))),
                Change::Update(node(json!({"type": "topic", "id": "digital", "name": "Digital", "parent": "t-new"}))),
            ],
        ),
        (
            "second open request between the same Lotsen",
            vec![Change::Create(node(json!({"type": "connection_request", "id": "c-again", "from": "dora",
                                              "to": "anna", "status": "PENDING", "created_at": "2025-02-01T00:00:00Z"})))],
        ),
        (
            "a valid create followed by an invalid one",
            vec![
                Change::Create(node(json!({"type": "topic", "id": "t-ok", "name": "Gültig"}))),
                Change::Create(node(json!({"type": "topic", "id": "t-bad", "name": "Ungültig", "parent": "none"}))),
            ],
        ),
        ("delete of a missing node", vec![Change::Delete(NodeKind::Project, id("p-none"))]),
        ("delete of a referenced municipality", vec![Change::Delete(NodeKind::Municipality, id("m-a"))]),
        ("delete of a topic with projects", vec![Change::Delete(NodeKind::Topic, id("eakte"))]),
        ("delete of a district", vec![Change::Delete(NodeKind::District, id("d2"))]),
        (
            "member who does not exist",
            vec![Change::SetMember { project: id("p-anna1"), lotse: id("nobody"), role: ProjectRole::Member }],
        ),
        (
            "member of a missing project",
            vec![Change::SetMember { project: id("p-none"), lotse: id("anna"), role: ProjectRole::Member }],
        ),
        ("remove a non-member", vec![Change::RemoveMember { project: id("p-anna1"), lotse: id("ben") }]),
    ];
    for (label, changes) in attempts {
        let result = store.apply(changes).await;
        assert!(result.is_err(), "{label}: accepted");
        t.record(label, &result);
    }
    let untouched = store.get(NodeKind::Topic, &ids(&["t-ok", "t-new", "t-bad", "digital", "anna"])).await;
    t.record("nothing of the refused batches was written", &untouched);
    let Ok(topics) = untouched else { panic!("get failed") };
    assert_eq!(topics.len(), 1, "only the existing topic 'digital' is there");
}

/// Updates replace a node whole: lists keep their new order, cleared fields are gone.
async fn updates(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let changes = vec![
        Change::Update(node(json!({"type": "lotse", "id": "anna", "name": "Anna Neu", "municipality": "m-b",
                                    "topics": ["wlan", "ozg", "eakte"], "visibility": "CONTACTS_ONLY",
                                    "position": "Digitallotsin", "phone": "+49 711 123"}))),
        Change::Update(node(json!({"type": "project", "id": "p-ben1", "title": "Akte digital", "municipality": "m-b",
                                    "topics": ["ozg", "opendata", "eakte"],
                                    "members": [{"lotse": "emil", "role": "ADVISOR"}, {"lotse": "ben", "role": "LEAD"},
                                                {"lotse": "anna", "role": "MEMBER"}],
                                    "status": "ACTIVE", "description": "Neu beschrieben", "end_date": "2026-12-31"}))),
        Change::Update(node(json!({"type": "expert", "id": "x-near", "name": "Expertin Nah",
                                    "topics": ["ozg"], "serves": ["d2", "r", "d1"]}))),
        Change::Update(node(json!({"type": "municipality", "id": "m-e", "name": "Stadt E", "district": "d1",
                                    "ags": "08000099", "kind": "GROSSE_KREISSTADT", "population": 25_000}))),
        Change::Update(node(json!({"type": "region", "id": "r", "name": "Region ohne Land", "kind": "REGION"}))),
        Change::Update(node(json!({"type": "connection_request", "id": "c-ben-carla", "from": "ben", "to": "carla",
                                    "status": "ACCEPTED", "created_at": "2025-01-15T09:30:00Z",
                                    "responded_at": "2025-01-16T10:00:00.123456Z", "message": "Gerne!"}))),
    ];
    let expected: Vec<Node> = changes
        .iter()
        .map(|c| match c {
            Change::Update(n) => n.clone(),
            _ => unreachable!(),
        })
        .collect();
    store.apply(changes).await.expect("updates accepted");
    for node in expected {
        let read = store.get(node.kind(), std::slice::from_ref(node.id())).await.expect("get");
        assert_eq!(read, vec![node.clone()]);
        t.record(format!("updated {}", node.id()), &read);
    }
    let ags_freed = node(json!({"type": "municipality", "id": "m-new", "name": "Neu", "district": "d1",
                                "ags": "08000005", "kind": "GEMEINDE"}));
    t.record("an AGS given up can be taken", &store.apply(vec![Change::Create(ags_freed)]).await);
}

/// Deleting a Lotse takes their memberships and requests along; a project its memberships.
async fn deletes(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    t.record("delete anna", &store.apply(vec![Change::Delete(NodeKind::Lotse, id("anna"))]).await);
    t.record("anna is gone", &store.get(NodeKind::Lotse, &ids(&["anna"])).await);
    t.record(
        "her projects lost her, her requests are gone",
        &store.get(NodeKind::Project, &ids(&["p-anna1", "p-anna2"])).await,
    );
    t.record(
        "requests",
        &store.get(NodeKind::ConnectionRequest, &ids(&["c-anna-dora", "c-emil-anna", "c-carla-dora"])).await,
    );
    t.record("delete p-ben1", &store.apply(vec![Change::Delete(NodeKind::Project, id("p-ben1"))]).await);
    let emil = store.get(NodeKind::Lotse, &ids(&["emil", "ben"])).await;
    t.record("its members stay", &emil);
    let batch = vec![
        Change::Delete(NodeKind::Project, id("p-anna1")),
        Change::Delete(NodeKind::Project, id("p-anna2")),
        Change::Delete(NodeKind::Project, id("p-anton")),
        Change::Delete(NodeKind::Lotse, id("anton")),
        Change::Delete(NodeKind::Lotse, id("frida")),
        Change::Delete(NodeKind::Municipality, id("m-f")),
    ];
    t.record("delete a municipality after what depends on it", &store.apply(batch).await);
    t.record("m-f gone", &store.get(NodeKind::Municipality, &ids(&["m-f", "m-a"])).await);
    let created_and_deleted = vec![
        Change::Create(node(json!({"type": "topic", "id": "kurz", "name": "Kurzlebig"}))),
        Change::Delete(NodeKind::Topic, id("kurz")),
    ];
    t.record("create and delete in one batch", &store.apply(created_and_deleted).await);
    t.record("kurz never stays", &store.get(NodeKind::Topic, &ids(&["kurz"])).await);
}

/// Memberships are set, changed and removed; requests follow their life cycle.
async fn memberships_and_requests(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let steps: Vec<(&str, Vec<Change>)> = vec![
        (
            "add a member",
            vec![Change::SetMember { project: id("p-anna1"), lotse: id("ben"), role: ProjectRole::Member }],
        ),
        (
            "change a role",
            vec![Change::SetMember { project: id("p-anna1"), lotse: id("anna"), role: ProjectRole::Advisor }],
        ),
        ("remove the first member", vec![Change::RemoveMember { project: id("p-anna1"), lotse: id("anna") }]),
        (
            "add two in one batch",
            vec![
                Change::SetMember { project: id("p-emil"), lotse: id("carla"), role: ProjectRole::Lead },
                Change::SetMember { project: id("p-emil"), lotse: id("dora"), role: ProjectRole::Member },
                Change::RemoveMember { project: id("p-emil"), lotse: id("emil") },
            ],
        ),
        (
            "decline, then ask again",
            vec![
                Change::Update(node(
                    json!({"type": "connection_request", "id": "c-ben-carla", "from": "ben", "to": "carla",
                                            "status": "DECLINED", "created_at": "2025-01-15T09:30:00Z"}),
                )),
                Change::Create(node(
                    json!({"type": "connection_request", "id": "c-carla-ben", "from": "carla", "to": "ben",
                                            "status": "PENDING", "created_at": "2025-02-15T09:30:00Z"}),
                )),
            ],
        ),
        (
            "a second request in the other direction",
            vec![Change::Create(node(json!({"type": "connection_request", "id": "c-ben-carla-2", "from": "ben",
                                              "to": "carla", "status": "PENDING",
                                              "created_at": "2025-02-16T09:30:00Z"})))],
        ),
    ];
    for (label, changes) in steps {
        t.record(label, &store.apply(changes).await);
    }
    t.record("projects", &store.get(NodeKind::Project, &ids(&["p-anna1", "p-emil"])).await);
    t.record(
        "requests",
        &store.get(NodeKind::ConnectionRequest, &ids(&["c-ben-carla", "c-carla-ben", "c-ben-carla-2"])).await,
    );
}

/// Names that look like Cypher are data: stored verbatim, and nothing else is touched.
async fn cypher_in_names_is_data(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, geography()).await;
    let hostile = [
        "\"}) DETACH DELETE n //",
        "'}) MATCH (n) DETACH DELETE n //",
        "x` DETACH DELETE n; MATCH (m) RETURN m //",
        "$ids ${id} \\u0027 \\\" `backtick`",
        "Ümlaut-Straße 🚀",
    ];
    let mut changes = Vec::new();
    for (i, name) in hostile.iter().enumerate() {
        changes.push(Change::Create(node(json!({"type": "topic", "id": format!("t-{i}"), "name": name}))));
        changes.push(Change::Create(node(json!({"type": "lotse", "id": format!("l-{i}"), "name": name,
                                                 "municipality": "m-a", "position": name}))));
    }
    store.apply(changes).await.expect("hostile names are accepted");
    let topics = store.get(NodeKind::Topic, &ids(&["t-0", "t-1", "t-2", "t-3", "t-4"])).await.expect("get");
    let names: Vec<String> = topics
        .iter()
        .map(|n| match n {
            Node::Topic(t) => t.name.to_string(),
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(names, hostile, "names are stored verbatim");
    t.record("topics", &topics);
    for text in ["detach delete", "\"})", "`backtick`", "STRASSE", "straße 🚀"] {
        let query = ListQuery {
            kind: Some(NodeKind::Lotse),
            filter: ListFilter { text: Some(text.into()), ..Default::default() },
            first: 10,
            ..Default::default()
        };
        t.record(format!("lotsen named like {text}"), &store.list(&query).await);
    }
    let everything = store
        .list(&ListQuery { kind: Some(NodeKind::Municipality), first: 100, ..Default::default() })
        .await
        .expect("list");
    assert_eq!(everything.nodes.len(), 6, "the geography is intact");
    t.record("municipalities intact", &everything);
}

crate::conformance!(create_and_get, write_rules, updates, deletes, memberships_and_requests, cypher_in_names_is_data);
