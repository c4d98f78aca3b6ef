//! Each recommendation on the hand-built network: candidates (stage 1) and rankings (stage 2).

use lotsennetz::matching::{self, ExpertQuery, ExpertTarget, PeerFilter, PeerQuery, ProjectQuery};
use lotsennetz::store::{Change, GraphStore};

use serde_json::json;

use crate::fixtures::{create, id, node, small_network};
use crate::support::Transcript;

/// How many best results the limited questions below ask for: a store may leave out
/// candidates that cannot be among them, so these rankings check that pruning against the
/// other store's full ranking.
const BEST: usize = 3;

/// Candidates and ranking of `recommendPeers` for one Lotse and filter, in full and the best
/// few.
pub async fn peers(store: &dyn GraphStore, t: &mut Transcript, lotse: &str, filter: PeerFilter) -> Vec<String> {
    peers_with(store, t, lotse, filter, false).await
}

/// [`peers`], with or without the Lotse's co-members.
pub async fn peers_with(
    store: &dyn GraphStore,
    t: &mut Transcript,
    lotse: &str,
    filter: PeerFilter,
    include_co_members: bool,
) -> Vec<String> {
    let query = PeerQuery { lotse: id(lotse), filter, limit: None, include_co_members };
    let label = format!("peers of {lotse} with {:?}, co-members {include_co_members}", query.filter);
    let best = PeerQuery { limit: Some(BEST), ..query.clone() };
    if let Ok(candidates) = store.projection().peers(&best) {
        t.ranked(format!("best {BEST} {label}"), &matching::rank_peers(candidates, BEST));
    }
    match store.projection().peers(&query) {
        Ok(candidates) => {
            let ranked = matching::rank_peers(candidates, usize::MAX);
            t.ranked(label, &ranked);
            ranked.iter().map(|r| r.features.lotse.id.to_string()).collect()
        }
        Err(error) => {
            t.record(label, &error);
            Vec::new()
        }
    }
}

pub async fn similar_projects(store: &dyn GraphStore, t: &mut Transcript, project: &str) -> Vec<String> {
    let label = format!("projects like {project}");
    let best = ProjectQuery { project: id(project), limit: Some(BEST) };
    if let Ok(candidates) = store.projection().projects(&best) {
        t.ranked(
            format!("candidates kept for the best {BEST} {label}"),
            &matching::rank_projects(candidates.clone(), usize::MAX),
        );
        t.ranked(format!("best {BEST} {label}"), &matching::rank_projects(candidates, BEST));
    }
    match store.projection().projects(&ProjectQuery { project: id(project), limit: None }) {
        Ok(candidates) => {
            let ranked = matching::rank_projects(candidates, usize::MAX);
            t.ranked(label, &ranked);
            ranked.iter().map(|r| r.features.project.id.to_string()).collect()
        }
        Err(error) => {
            t.record(label, &error);
            Vec::new()
        }
    }
}

pub async fn advice(store: &dyn GraphStore, t: &mut Transcript, expert: &str) -> Vec<String> {
    let label = format!("municipalities to advise for {expert}");
    match store.projection().advice(&id(expert)) {
        Ok(candidates) => {
            let ranked = matching::rank_advice(candidates, usize::MAX);
            t.ranked(label, &ranked);
            ranked.iter().map(|r| r.features.municipality.id.to_string()).collect()
        }
        Err(error) => {
            t.record(label, &error);
            Vec::new()
        }
    }
}

pub async fn experts(store: &dyn GraphStore, t: &mut Transcript, target: ExpertTarget) -> Vec<String> {
    experts_asked_by(store, t, target, None).await
}

/// Experts for a target as an expert (or, with `None`, anyone else) asks.
pub async fn experts_asked_by(
    store: &dyn GraphStore,
    t: &mut Transcript,
    target: ExpertTarget,
    asking: Option<&str>,
) -> Vec<String> {
    let query = ExpertQuery { target, asking: asking.map(id) };
    let label = format!("experts for {query:?}");
    match store.projection().experts(&query) {
        Ok(candidates) => {
            t.record(format!("{label}: needed rarity"), &candidates.needed_rarity);
            let ranked = matching::rank_experts(candidates, usize::MAX);
            t.ranked(label, &ranked);
            ranked.iter().map(|r| r.features.expert.id.to_string()).collect()
        }
        Err(error) => {
            t.record(label, &error);
            Vec::new()
        }
    }
}

async fn recommend_peers(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let found = peers(store, t, "anna", PeerFilter::default()).await;
    assert!(found.contains(&"ben".to_owned()), "ben is anna's most similar peer: {found:?}");
    assert!(!found.iter().any(|p| ["anna", "anton", "dora", "hidden", "frida"].contains(&p.as_str())), "{found:?}");
    for lotse in ["ben", "carla", "dora", "emil", "anton", "frida", "hidden", "nobody"] {
        peers(store, t, lotse, PeerFilter::default()).await;
    }
    let filters = [
        PeerFilter { within: Some(id("d1")), ..Default::default() },
        PeerFilter { within: Some(id("d2")), ..Default::default() },
        PeerFilter { within: Some(id("bw")), ..Default::default() },
        PeerFilter { max_distance_km: Some(30.0), ..Default::default() },
        PeerFilter { max_distance_km: Some(0.0), ..Default::default() },
        PeerFilter { population_min: Some(11_000), ..Default::default() },
        PeerFilter { population_max: Some(10_000), ..Default::default() },
        PeerFilter {
            within: Some(id("r")),
            max_distance_km: Some(200.0),
            population_min: Some(1_000),
            population_max: Some(1_000_000),
        },
    ];
    for filter in filters {
        peers(store, t, "anna", filter.clone()).await;
        peers(store, t, "emil", filter).await;
    }
}

/// Contacts, pending requests either way and co-members are never recommended; co-members
/// are when asked for; a project's team never gets its own projects as similar ones.
async fn recommendations_leave_out_people_and_projects_already_known(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let set_member = |project: &str, lotse: &str| Change::SetMember {
        project: id(project),
        lotse: id(lotse),
        role: lotsennetz::domain::ProjectRole::Member,
    };
    store.apply(vec![set_member("p-carla1", "anna"), set_member("p-emil", "ben")]).await.expect("members added");
    let anna = peers_with(store, t, "anna", PeerFilter::default(), false).await;
    for known in ["anna", "dora", "carla"] {
        assert!(!anna.contains(&known.to_owned()), "{known} in {anna:?}");
    }
    let with_co_members = peers_with(store, t, "anna", PeerFilter::default(), true).await;
    assert!(with_co_members.contains(&"carla".to_owned()), "{with_co_members:?}");
    let ben = peers_with(store, t, "ben", PeerFilter::default(), false).await;
    assert!(!ben.iter().any(|p| ["carla", "emil"].contains(&p.as_str())), "pending to carla, works with emil: {ben:?}");
    let carla = peers_with(store, t, "carla", PeerFilter::default(), false).await;
    assert!(!carla.iter().any(|p| ["ben", "anna", "dora"].contains(&p.as_str())), "{carla:?}");
    let like_anna1 = similar_projects(store, t, "p-anna1").await;
    assert!(!like_anna1.contains(&"p-carla1".to_owned()), "anna works on it: {like_anna1:?}");
    let like_carla1 = similar_projects(store, t, "p-carla1").await;
    assert!(!like_carla1.contains(&"p-anna1".to_owned()), "anna works on p-carla1: {like_carla1:?}");
    assert!(like_carla1.contains(&"p-ben1".to_owned()), "{like_carla1:?}");
}

/// The walk prefers a peer met through a topic few projects are about over one met through a
/// topic many are about, all else equal (no shared words, places alike).
async fn the_walk_prefers_a_rare_topic_over_a_common_one(store: &dyn GraphStore, t: &mut Transcript) {
    let mut nodes = vec![
        node(json!({"type": "region", "id": "r", "name": "Region", "kind": "REGION"})),
        node(json!({"type": "district", "id": "d", "name": "Landkreis", "kind": "LANDKREIS", "region": "r"})),
        node(json!({"type": "topic", "id": "rare", "name": "Selten"})),
        node(json!({"type": "topic", "id": "common", "name": "Häufig"})),
    ];
    let words = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota"];
    let people = [("me", vec!["rare", "common"]), ("rare-peer", vec!["rare"]), ("common-peer", vec!["common"])];
    let fillers = (1..=6).map(|i| (format!("filler-{i}"), vec!["common"]));
    let everyone: Vec<(String, Vec<&str>)> =
        people.into_iter().map(|(l, topics)| (l.to_owned(), topics)).chain(fillers).collect();
    for (i, (lotse, topics)) in everyone.iter().enumerate() {
        nodes.push(node(json!({"type": "municipality", "id": format!("m-{i}"), "name": format!("Gemeinde {i}"),
                               "district": "d", "kind": "GEMEINDE"})));
        nodes.push(node(json!({"type": "lotse", "id": lotse, "name": format!("Lotse {lotse}"),
                               "municipality": format!("m-{i}"), "visibility": "NETWORK"})));
        nodes.push(node(json!({"type": "project", "id": format!("p-{lotse}"), "title": words[i],
                               "municipality": format!("m-{i}"), "topics": topics,
                               "members": [{"lotse": lotse, "role": "LEAD"}], "status": "ACTIVE"})));
    }
    create(store, nodes).await;
    let found = peers(store, t, "me", PeerFilter::default()).await;
    let at = |lotse: &str| found.iter().position(|p| p == lotse);
    assert_eq!(at("rare-peer"), Some(0), "{found:?}");
    assert!(at("common-peer").is_some_and(|common| common > 0), "{found:?}");
}

async fn recommend_projects(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let found = similar_projects(store, t, "p-anna1").await;
    assert!(found.contains(&"p-ben1".to_owned()) && !found.contains(&"p-anton".to_owned()), "{found:?}");
    for project in ["p-anna2", "p-ben1", "p-carla1", "p-emil", "p-anton", "p-none"] {
        similar_projects(store, t, project).await;
    }
}

/// With a limit, both stores return exactly the candidates that score at least the
/// `limit`-th best score, ties included, and nothing with a limit of 0.
async fn similar_projects_honour_the_limit(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    // The same topics, status and place as p-ben1: the two tie for the best score.
    create(
        store,
        vec![node(json!({"type": "project", "id": "p-ben3", "title": "Projekt p-ben3", "municipality": "m-b",
                          "topics": ["eakte", "ozg"], "status": "COMPLETED", "start_date": "2024-03-01"}))],
    )
    .await;
    for project in ["p-anna1", "p-carla1", "p-emil", "p-none"] {
        for limit in [Some(0), Some(1), Some(2), Some(3), Some(100), None] {
            let label = format!("candidates like {project} with limit {limit:?}");
            match store.projection().projects(&ProjectQuery { project: id(project), limit }) {
                Ok(candidates) => {
                    let kept: Vec<&str> = candidates.candidates.iter().map(|c| c.project.id.as_str()).collect();
                    t.record(format!("{label}: ids"), &kept);
                    t.record(format!("{label}: home population"), &candidates.population);
                    t.ranked(label, &matching::rank_projects(candidates, usize::MAX));
                }
                Err(error) => t.record(label, &error),
            }
        }
    }
    let kept = |limit| async move {
        let candidates = store.projection().projects(&ProjectQuery { project: id("p-anna1"), limit }).unwrap();
        candidates.candidates.into_iter().map(|c| c.project.id.to_string()).collect::<Vec<_>>()
    };
    assert_eq!(kept(Some(1)).await, ["p-ben1", "p-ben3"], "ties with the best are kept");
    assert_eq!(kept(Some(0)).await, Vec::<String>::new(), "a limit of 0 keeps nothing");
    assert!(kept(Some(3)).await.len() < kept(None).await.len(), "a limit leaves out candidates below the best");
}

async fn recommend_advice_and_experts(store: &dyn GraphStore, t: &mut Transcript) {
    create(store, small_network()).await;
    let advised = advice(store, t, "x-near").await;
    assert!(advised.contains(&"m-c".to_owned()) || advised.contains(&"m-e".to_owned()), "{advised:?}");
    for expert in ["x-far", "x-none", "anna", "nobody"] {
        advice(store, t, expert).await;
    }
    let mut found = experts(store, t, ExpertTarget::Project(id("p-carla1"))).await;
    found.sort();
    assert_eq!(found, ["x-far", "x-near"], "experts in eakte or breitband, not x-none");
    let found = experts_asked_by(store, t, ExpertTarget::Project(id("p-carla1")), Some("x-near")).await;
    assert_eq!(found, ["x-far"], "an expert asking is not suggested to themselves");
    let mut found = experts_asked_by(store, t, ExpertTarget::Municipality(id("m-a")), Some("x-none")).await;
    found.sort();
    assert_eq!(found, ["x-far", "x-near"], "an expert asking leaves out only themselves");
    for target in [
        ExpertTarget::Project(id("p-emil")),
        ExpertTarget::Project(id("p-anna2")),
        ExpertTarget::Project(id("m-a")),
        ExpertTarget::Municipality(id("m-a")),
        ExpertTarget::Municipality(id("m-f")),
        ExpertTarget::Municipality(id("m-e")),
        ExpertTarget::Municipality(id("p-emil")),
    ] {
        experts(store, t, target).await;
    }
}

crate::conformance!(
    recommend_peers,
    recommendations_leave_out_people_and_projects_already_known,
    the_walk_prefers_a_rare_topic_over_a_common_one,
    recommend_projects,
    similar_projects_honour_the_limit,
    recommend_advice_and_experts
);
