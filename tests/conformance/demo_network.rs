//! The seeded demo network: every node reads back equal, lists agree, and each
//! recommendation agrees for a spread of Lotsen, projects, experts and municipalities.

use lotsennetz::demo::{self, Scale};
use lotsennetz::domain::{Node, NodeKind};
use lotsennetz::matching::{ExpertTarget, PeerFilter};
use lotsennetz::store::{Change, GraphStore, ListFilter, ListQuery};

use crate::recommend::{advice, experts, peers, similar_projects};
use crate::support::Transcript;

/// Small enough to seed in seconds, large enough for every kind of path.
const SCALE: Scale = Scale { municipalities: 120, lotsen: 160, projects: 320, experts: 12 };
const SEED: u64 = 7;

fn every<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    let step = (items.len() / n).max(1);
    items.iter().step_by(step).take(n).cloned().collect()
}

async fn seed(store: &dyn GraphStore) -> Vec<Node> {
    let nodes = demo::generate(SCALE, SEED);
    store.apply(nodes.iter().cloned().map(Change::Create).collect()).await.expect("demo network written");
    nodes
}

fn of_kind(nodes: &[Node], kind: NodeKind) -> Vec<String> {
    nodes.iter().filter(|n| n.kind() == kind).map(|n| n.id().to_string()).collect()
}

async fn demo_nodes_and_lists(store: &dyn GraphStore, t: &mut Transcript) {
    let nodes = seed(store).await;
    for kind in NodeKind::ALL {
        let written: Vec<Node> = nodes.iter().filter(|n| n.kind() == *kind).cloned().collect();
        let ids: Vec<_> = written.iter().map(|n| n.id().clone()).collect();
        let read = store.get(*kind, &ids).await.expect("get");
        assert_eq!(read.len(), written.len(), "{kind}");
        assert!(read == written, "{kind} nodes read back differ");
        let first_page =
            store.list(&ListQuery { kind: Some(*kind), first: 25, ..Default::default() }).await.expect("list");
        t.record(format!("first {kind} page"), &first_page);
    }
    let districts = of_kind(&nodes, NodeKind::District);
    let topics = of_kind(&nodes, NodeKind::Topic);
    for (district, topic) in every(&districts, 4).iter().zip(every(&topics, 4)) {
        let filter = ListFilter {
            within: Some(crate::fixtures::id(district)),
            edges: vec![(lotsennetz::store::Rel::About, crate::fixtures::id(&topic))],
            ..Default::default()
        };
        let page =
            store.list(&ListQuery { kind: Some(NodeKind::Project), filter, first: 50, ..Default::default() }).await;
        t.record(format!("projects in {district} about {topic}"), &page);
    }
}

async fn demo_recommendations(store: &dyn GraphStore, t: &mut Transcript) {
    let nodes = seed(store).await;
    let mut answered = 0;
    for lotse in every(&of_kind(&nodes, NodeKind::Lotse), 12) {
        answered += usize::from(!peers(store, t, &lotse, PeerFilter::default()).await.is_empty());
    }
    let regions = of_kind(&nodes, NodeKind::Region);
    for (lotse, region) in every(&of_kind(&nodes, NodeKind::Lotse), 4).iter().zip(every(&regions, 4)) {
        let filter = PeerFilter {
            within: Some(crate::fixtures::id(&region)),
            max_distance_km: Some(150.0),
            population_min: Some(2_000),
            population_max: None,
        };
        peers(store, t, lotse, filter).await;
    }
    for project in every(&of_kind(&nodes, NodeKind::Project), 12) {
        answered += usize::from(!similar_projects(store, t, &project).await.is_empty());
    }
    for expert in of_kind(&nodes, NodeKind::Expert) {
        advice(store, t, &expert).await;
    }
    for project in every(&of_kind(&nodes, NodeKind::Project), 6) {
        experts(store, t, ExpertTarget::Project(crate::fixtures::id(&project))).await;
    }
    for municipality in every(&of_kind(&nodes, NodeKind::Municipality), 6) {
        experts(store, t, ExpertTarget::Municipality(crate::fixtures::id(&municipality))).await;
    }
    assert!(answered > 12, "most questions have answers on the demo network ({answered})");
}

crate::conformance!(demo_nodes_and_lists, demo_recommendations);
