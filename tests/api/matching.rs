//! Recommendations on a hand-built network whose right answers are known.

use serde_json::json;

use crate::helpers::*;

const PEERS: &str = r#"query($lotse: ID!, $filter: PeerFilter) {
  recommendPeers(lotseId: $lotse, first: 10, filter: $filter) {
    lotse { id }
    score
    components { name weight value contribution }
    sharedTopics { topic { id } rarity }
    similarProjects { mine { id } theirs { id } similarity }
    mutualContacts { id }
    distanceKm
    explanation { summary reasons { code text } }
  }
}"#;

#[tokio::test]
async fn the_peer_with_the_most_similar_projects_is_recommended_with_them() {
    // Arrange
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    // Act
    let data = app.data(PEERS, json!({ "lotse": "anna" })).await;

    // Assert
    let peers = &data["recommendPeers"];
    assert_eq!(sorted(ids(peers, "lotse")), ["ben", "carla"]);
    let ben = peers.as_array().unwrap().iter().find(|p| p["lotse"]["id"] == "ben").unwrap();
    assert_eq!(
        ben["similarProjects"],
        json!([
            { "mine": { "id": "p-anna1" }, "theirs": { "id": "p-ben1" }, "similarity": 1.0 },
            { "mine": { "id": "p-anna2" }, "theirs": { "id": "p-ben2" }, "similarity": 1.0 },
        ])
    );
    let shared: Vec<_> =
        ben["sharedTopics"].as_array().unwrap().iter().map(|t| t["topic"]["id"].as_str().unwrap()).collect();
    assert_eq!(shared.len(), 3);
    assert!(["eakte", "ozg", "opendata"].iter().all(|t| shared.contains(t)));
    let score = ben["score"].as_f64().unwrap();
    let sum: f64 = ben["components"].as_array().unwrap().iter().map(|c| c["contribution"].as_f64().unwrap()).sum();
    assert!((score - sum).abs() < 1e-9);
    let names: Vec<_> = ben["components"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["walk", "text", "network", "context"]);
    let codes: Vec<_> = ben["explanation"]["reasons"].as_array().unwrap().iter().map(|r| r["code"].clone()).collect();
    assert_eq!(codes[0], "SIMILAR_PROJECTS", "the walk carries ben: {codes:?}");
    assert!(
        ben["explanation"]["summary"].as_str().unwrap().contains("„Projekt p-ben1“"),
        "{}",
        ben["explanation"]["summary"]
    );
}

#[tokio::test]
async fn connected_hidden_and_same_municipality_lotsen_are_never_recommended() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    let peers = app.data(PEERS, json!({ "lotse": "anna" })).await["recommendPeers"].clone();
    let recommended = ids(&peers, "lotse");

    assert!(!recommended.contains(&"dora".to_owned()), "connected peer recommended");
    assert!(!recommended.contains(&"hidden".to_owned()), "hidden Lotse recommended");
    assert!(!recommended.contains(&"anton".to_owned()), "same municipality recommended");
    assert!(!recommended.contains(&"emil".to_owned()), "peer without anything in common recommended");
    for lotse in ["ben", "carla", "dora", "emil", "anton"] {
        let theirs = app.data(PEERS, json!({ "lotse": lotse })).await["recommendPeers"].clone();
        assert!(!ids(&theirs, "lotse").contains(&"hidden".to_owned()), "hidden Lotse recommended to {lotse}");
    }
}

#[tokio::test]
async fn mutual_contacts_are_found_and_explained() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    let peers = app.data(PEERS, json!({ "lotse": "anna" })).await["recommendPeers"].clone();

    let carla = peers.as_array().unwrap().iter().find(|p| p["lotse"]["id"] == "carla").expect("carla recommended");
    assert_eq!(carla["mutualContacts"], json!([{ "id": "dora" }]));
    let reasons: Vec<_> = carla["explanation"]["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(reasons.contains(&"MUTUAL_CONTACTS".to_owned()), "{reasons:?}");
    assert!(carla["explanation"]["summary"].as_str().unwrap().contains("1 gemeinsamer Kontakt: Lotse dora."));
}

#[tokio::test]
async fn peer_filters_restrict_the_candidates() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    let in_d2 = app.data(PEERS, json!({ "lotse": "anna", "filter": { "within": "d2" } })).await;
    let near = app.data(PEERS, json!({ "lotse": "anna", "filter": { "maxDistanceKm": 20 } })).await;
    let large = app.data(PEERS, json!({ "lotse": "anna", "filter": { "populationMin": 11500 } })).await;

    assert_eq!(ids(&in_d2["recommendPeers"], "lotse"), ["carla"]);
    assert_eq!(ids(&near["recommendPeers"], "lotse"), ["ben"]);
    assert_eq!(ids(&large["recommendPeers"], "lotse"), ["ben"]);
    assert!(near["recommendPeers"][0]["distanceKm"].as_f64().unwrap() < 20.0);
}

#[tokio::test]
async fn similar_projects_come_from_other_municipalities_completed_ones_first() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    let data = app
        .data(
            r#"{ similarProjects(projectId: "p-anna1", first: 10) { project { id } score similarity components { name value } explanation { reasons { code } } } }"#,
            json!({}),
        )
        .await;

    let projects = &data["similarProjects"];
    let found = ids(projects, "project");
    assert_eq!(found[0], "p-ben1", "the completed identical project comes first: {found:?}");
    assert!(!found.contains(&"p-anton".to_owned()), "same municipality");
    assert!(!found.contains(&"p-anna2".to_owned()));
    assert!(!found.contains(&"p-emil".to_owned()), "nothing in common");
    assert_eq!(projects[0]["similarity"], 1.0);
    assert!(projects[0]["explanation"]["reasons"].as_array().unwrap().iter().any(|r| r["code"] == "REUSABLE"));
    let carla =
        projects.as_array().unwrap().iter().find(|p| p["project"]["id"] == "p-carla1").expect("partly similar project");
    assert!(carla["similarity"].as_f64().unwrap() < 1.0 && carla["similarity"].as_f64().unwrap() > 0.0);
}

#[tokio::test]
async fn experts_see_municipalities_with_projects_but_no_local_competence() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    let data = app
        .data(
            r#"{ municipalitiesToAdvise(expertId: "x-near", first: 10) {
                   municipality { id } score lotseCount
                   gaps { topic { id } projects { id } } coveredTopics { id }
                   explanation { reasons { code text } } } }"#,
            json!({}),
        )
        .await;

    let advice = data["municipalitiesToAdvise"].as_array().unwrap();
    let places: Vec<_> = advice.iter().map(|a| a["municipality"]["id"].as_str().unwrap()).collect();
    // m-a's only expert topic (ozg) is known by anna; m-c's breitband is known by carla but its ozg project is not covered.
    assert!(!places.contains(&"m-a"), "{places:?}");
    for place in ["m-b", "m-c", "m-d", "m-e"] {
        assert!(places.contains(&place), "{place} missing from {places:?}");
    }
    let m_c = advice.iter().find(|a| a["municipality"]["id"] == "m-c").unwrap();
    assert_eq!(m_c["gaps"], json!([{ "topic": { "id": "ozg" }, "projects": [{ "id": "p-hidden" }] }]));
    assert_eq!(m_c["coveredTopics"], json!([{ "id": "breitband" }]));
    assert_eq!(m_c["explanation"]["reasons"][0]["code"], "TOPIC_GAP");
    let scores: Vec<f64> = advice.iter().map(|a| a["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "ordered by score: {scores:?}");

    let far = app.data(r#"{ municipalitiesToAdvise(expertId: "x-far") { municipality { id } } }"#, json!({})).await;
    assert_eq!(far["municipalitiesToAdvise"], json!([]), "x-far serves a region without municipalities");
}

#[tokio::test]
async fn experts_for_a_project_prefer_those_serving_the_region() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;

    let data = app
        .data(
            r#"{ forProject: expertsFor(projectId: "p-carla1") { expert { id } servesRegion sharedTopics { topic { id } } explanation { reasons { code } } }
                 forPlace: expertsFor(municipalityId: "m-b") { expert { id } } }"#,
            json!({}),
        )
        .await;

    assert_eq!(ids(&data["forProject"], "expert"), ["x-near", "x-far"]);
    assert_eq!(data["forProject"][0]["servesRegion"], true);
    assert_eq!(data["forProject"][1]["servesRegion"], false);
    assert_eq!(ids(&data["forPlace"], "expert"), ["x-near"]);
}

#[tokio::test]
async fn an_expert_asking_for_experts_is_not_suggested_to_themselves() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let query = r#"{ expertsFor(projectId: "p-carla1") { expert { id } } }"#;

    let by_admin = app.data(query, json!({})).await;
    assert_eq!(ids(&by_admin["expertsFor"], "expert"), ["x-near", "x-far"]);
    let by_near = app.as_user(token("x-near", lotsennetz::auth::Role::Expert)).data(query, json!({})).await;
    assert_eq!(ids(&by_near["expertsFor"], "expert"), ["x-far"], "x-near is left out of their own answer");
    let by_far = app.as_user(token("x-far", lotsennetz::auth::Role::Expert)).data(query, json!({})).await;
    assert_eq!(ids(&by_far["expertsFor"], "expert"), ["x-near"]);
    let by_lotse = app.as_user(token("carla", lotsennetz::auth::Role::Lotse)).data(query, json!({})).await;
    assert_eq!(ids(&by_lotse["expertsFor"], "expert"), ["x-near", "x-far"], "a Lotse asking sees both");
}

#[tokio::test]
async fn rankings_are_deterministic() {
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let first = app.data(PEERS, json!({ "lotse": "carla" })).await;
    for _ in 0..3 {
        assert_eq!(app.data(PEERS, json!({ "lotse": "carla" })).await, first);
    }
}

#[tokio::test]
async fn leaving_out_hopeless_candidates_keeps_the_top_results_on_the_demo_network() {
    use lotsennetz::domain::Id;
    use lotsennetz::matching::{PeerFilter, PeerQuery, ProjectQuery, rank_peers, rank_projects};
    use lotsennetz::store::GraphStore;

    let dir = tempfile::tempdir().unwrap();
    let store = std::sync::Arc::new(lotsennetz::store::embedded::EmbeddedStore::open(dir.path()).unwrap());
    let services = lotsennetz::service::Services::new(store.clone());
    lotsennetz::app::seed_demo(&services, lotsennetz::demo::Scale::BW, 42).await.unwrap();
    let id = |s: String| Id::parse_field("id", &s).unwrap();
    let nearby = PeerFilter { max_distance_km: Some(60.0), population_min: Some(3_000), ..Default::default() };

    let (mut pruned_total, mut full_total) = (0, 0);
    for n in [1, 17, 250, 999, 1600] {
        for filter in [PeerFilter::default(), nearby.clone()] {
            for first in [1, 10] {
                let query = PeerQuery {
                    lotse: id(format!("lotse-{n:04}")),
                    filter: filter.clone(),
                    limit: None,
                    include_co_members: false,
                };
                let all = store.projection().peers(&query).unwrap();
                let pruned = store.projection().peers(&PeerQuery { limit: Some(first), ..query }).unwrap();
                (pruned_total, full_total) =
                    (pruned_total + pruned.candidates.len(), full_total + all.candidates.len());
                let expected: Vec<_> = rank_peers(all, first).into_iter().map(|r| (r.features, r.score)).collect();
                let actual: Vec<_> = rank_peers(pruned, first).into_iter().map(|r| (r.features, r.score)).collect();
                assert_eq!(actual, expected, "lotse-{n:04}, {filter:?}, first {first}");
            }
        }
    }
    for n in [1, 42, 1000, 2500, 4000] {
        for first in [1, 10] {
            let query = ProjectQuery { project: id(format!("project-{n:05}")), limit: None };
            let all = store.projection().projects(&query).unwrap();
            let pruned = store.projection().projects(&ProjectQuery { limit: Some(first), ..query }).unwrap();
            (pruned_total, full_total) = (pruned_total + pruned.candidates.len(), full_total + all.candidates.len());
            let expected: Vec<_> = rank_projects(all, first).into_iter().map(|r| (r.features, r.score)).collect();
            let actual: Vec<_> = rank_projects(pruned, first).into_iter().map(|r| (r.features, r.score)).collect();
            assert_eq!(actual, expected, "project-{n:05}, first {first}");
        }
    }
    assert!(pruned_total * 5 < full_total, "pruning left {pruned_total} of {full_total} candidates");
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

async fn peers_of_anna(app: &TestApp) -> Vec<String> {
    ids(&app.data(PEERS, json!({ "lotse": "anna" })).await["recommendPeers"], "lotse")
}

#[tokio::test]
async fn recommendations_follow_every_write() {
    let mut app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let like_anna1 = async |app: &TestApp| {
        let query = r#"{ similarProjects(projectId: "p-anna1", first: 10) { project { id } } }"#;
        ids(&app.data(query, json!({})).await["similarProjects"], "project")
    };
    assert_eq!(sorted(peers_of_anna(&app).await), ["ben", "carla"]);
    assert_eq!(like_anna1(&app).await[0], "p-ben1");

    let update_project =
        r#"mutation($id: ID!, $input: UpdateProjectInput!) { updateProject(id: $id, input: $input) { id } }"#;
    app.data(update_project, json!({ "id": "p-ben1", "input": { "topicIds": ["wlan"] } })).await;
    assert!(!like_anna1(&app).await.contains(&"p-ben1".to_owned()), "p-ben1 no longer shares a topic");

    let remove = r#"mutation { removeProjectMember(projectId: "p-ben2", lotseId: "ben") { id } }"#;
    app.data(remove, json!({})).await;
    assert_eq!(peers_of_anna(&app).await, ["carla"], "ben has nothing in common with anna any more");

    let add = r#"mutation { addProjectMember(projectId: "p-ben2", lotseId: "emil") { id } }"#;
    app.data(add, json!({})).await;
    assert_eq!(sorted(peers_of_anna(&app).await), ["carla", "emil"], "emil now works on an open-data project");

    let update_lotse = r#"mutation($input: UpdateLotseInput!) { updateLotse(id: "emil", input: $input) { id } }"#;
    app.data(update_lotse, json!({ "input": { "visibility": "HIDDEN" } })).await;
    assert_eq!(peers_of_anna(&app).await, ["carla"], "hidden Lotsen are never recommended");
    app.data(update_lotse, json!({ "input": { "visibility": "NETWORK", "municipalityId": "m-a" } })).await;
    assert_eq!(peers_of_anna(&app).await, ["carla"], "nor Lotsen of the same municipality");
    app.data(update_lotse, json!({ "input": { "municipalityId": "m-e" } })).await;
    assert_eq!(sorted(peers_of_anna(&app).await), ["carla", "emil"]);

    app.data(r#"mutation { deleteProject(id: "p-ben2") }"#, json!({})).await;
    assert_eq!(peers_of_anna(&app).await, ["carla"]);
    app.restart().await;
    assert_eq!(peers_of_anna(&app).await, ["carla"], "the same after a restart");
}

#[tokio::test]
async fn recommended_nodes_are_the_same_however_the_query_selects_them() {
    // Arrange
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let direct = r#"{
      recommendPeers(lotseId: "anna", first: 10) { score lotse { id name municipality { id } } }
      similarProjects(projectId: "p-anna1", first: 10) { score project { id title } }
    }"#;
    let through_fragments = r#"{
      recommendPeers(lotseId: "anna", first: 10) { score ...peer }
      similarProjects(projectId: "p-anna1", first: 10) { score ... on ProjectRecommendation { project { id title } } }
    }
    fragment peer on PeerRecommendation { lotse { id name municipality { id } } }"#;
    let aliased = r#"{
      recommendPeers(lotseId: "anna", first: 10) { score lotse { id } who: lotse { id name municipality { id } } }
    }"#;
    let without = r#"{ recommendPeers(lotseId: "anna", first: 10) { score } }"#;

    // Act
    let direct = app.data(direct, json!({})).await;
    let fragments = app.data(through_fragments, json!({})).await;
    let aliased = app.data(aliased, json!({})).await;
    let without = app.data(without, json!({})).await;

    // Assert
    assert_eq!(sorted(ids(&direct["recommendPeers"], "lotse")), ["ben", "carla"]);
    let ben = direct["recommendPeers"].as_array().unwrap().iter().find(|p| p["lotse"]["id"] == "ben").unwrap();
    assert_eq!(ben["lotse"]["municipality"]["id"], "m-b", "{direct}");
    assert!(!direct["similarProjects"].as_array().unwrap().is_empty(), "{direct}");
    assert_eq!(fragments, direct);
    for (peer, expected) in
        aliased["recommendPeers"].as_array().unwrap().iter().zip(direct["recommendPeers"].as_array().unwrap())
    {
        assert_eq!(peer["who"], expected["lotse"]);
        assert_eq!(peer["lotse"]["id"], expected["lotse"]["id"]);
    }
    let scores = |data: &serde_json::Value| -> Vec<f64> {
        data["recommendPeers"].as_array().unwrap().iter().map(|p| p["score"].as_f64().unwrap()).collect()
    };
    assert_eq!(scores(&without), scores(&direct));
}

#[tokio::test]
async fn pending_requests_and_co_members_are_left_out_unless_co_members_are_asked_for() {
    // Arrange
    let app = TestApp::spawn().await;
    seed_small_network(&app).await;
    let peers_of = async |lotse: &str, include: bool| {
        let query = r#"query($lotse: ID!, $include: Boolean!) {
          recommendPeers(lotseId: $lotse, first: 10, includeCoMembers: $include) { lotse { id } } }"#;
        ids(&app.data(query, json!({ "lotse": lotse, "include": include })).await["recommendPeers"], "lotse")
    };
    assert_eq!(sorted(peers_of("anna", false).await), ["ben", "carla"]);
    let request = r#"mutation { requestConnection(fromLotseId: "anna", toLotseId: "ben") { status } }"#;
    let add = r#"mutation { addProjectMember(projectId: "p-carla1", lotseId: "anna") { id } }"#;
    let like_anna1 = r#"{ similarProjects(projectId: "p-anna1", first: 10) { project { id } } }"#;

    // Act
    app.data(request, json!({})).await;
    app.data(add, json!({})).await;

    // Assert
    assert!(!peers_of("anna", false).await.contains(&"ben".to_owned()), "a pending request from anna to ben");
    assert!(!peers_of("ben", false).await.contains(&"anna".to_owned()), "a pending request to ben from anna");
    assert!(!peers_of("anna", false).await.contains(&"carla".to_owned()), "anna now works with carla");
    assert!(!peers_of("carla", false).await.contains(&"anna".to_owned()), "carla now works with anna");
    assert!(peers_of("anna", true).await.contains(&"carla".to_owned()), "co-members when asked for");
    assert!(!peers_of("anna", true).await.contains(&"ben".to_owned()), "never a pending request");
    let similar = ids(&app.data(like_anna1, json!({})).await["similarProjects"], "project");
    assert!(!similar.contains(&"p-carla1".to_owned()), "anna works on p-carla1: {similar:?}");
    assert!(similar.contains(&"p-ben1".to_owned()), "{similar:?}");
}

/// The value of the counter `name` in a scrape of `/metrics`.
async fn counter(app: &TestApp, name: &str) -> f64 {
    let scrape = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap().text().await.unwrap();
    let line = scrape.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')).map(str::to_owned);
    line.and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {name} in\n{scrape}"))
}

const KEPT: &str = "lotsennetz_peer_answers_kept_total";
const WORKED_OUT: &str = "lotsennetz_peer_answers_worked_out_total";

#[tokio::test]
async fn kept_answers_are_those_of_the_network_as_it_is() {
    // Arrange: one service keeping answers (the default), one keeping none.
    let app = TestApp::spawn().await;
    let uncached = TestApp::spawn_with(|config| config.peer_cache = 0).await;
    for app in [&app, &uncached] {
        seed_small_network(app).await;
    }
    let answer = async |app: &TestApp, filter: serde_json::Value| {
        app.data(PEERS, json!({ "lotse": "anna", "filter": filter })).await["recommendPeers"].clone()
    };

    // Act and assert: the same question twice is worked out once.
    let first = answer(&app, json!(null)).await;
    assert_eq!(answer(&app, json!(null)).await, first);
    assert_eq!((counter(&app, KEPT).await, counter(&app, WORKED_OUT).await), (1.0, 1.0));
    assert_eq!(first, answer(&uncached, json!(null)).await, "a kept answer is the one worked out");
    // Another filter is another question.
    let near = answer(&app, json!({ "maxDistanceKm": 30 })).await;
    assert_eq!(near, answer(&uncached, json!({ "maxDistanceKm": 30 })).await);
    assert_eq!(counter(&app, WORKED_OUT).await, 2.0);

    // A write makes every kept answer old: the next question sees it.
    let dismiss = r#"mutation { dismissRecommendation(lotseId: "ben") { id } }"#;
    for app in [&app, &uncached] {
        app.as_user(token("anna", lotsennetz::auth::Role::Lotse)).data(dismiss, json!({})).await;
    }
    let after = answer(&app, json!(null)).await;
    assert_ne!(after, first, "ben was dismissed");
    assert_eq!(after, answer(&uncached, json!(null)).await);
    assert_eq!((counter(&app, KEPT).await, counter(&app, WORKED_OUT).await), (1.0, 3.0));
    assert_eq!((counter(&uncached, KEPT).await, counter(&uncached, WORKED_OUT).await), (0.0, 0.0));
}
