//! Running one scenario against both stores and comparing what they answered.
//!
//! A scenario is an `async fn(&dyn GraphStore, &mut Transcript)`: it writes and reads through
//! the trait and records every answer. It runs on a fresh embedded store and on an emptied
//! Neo4j database (one at a time: Community edition has a single user database), and the
//! two transcripts must agree entry by entry — the same nodes, errors, ids and order, scores
//! within 1e-9 and the same explanations.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

use lotsennetz::config::{Neo4jConfig, Secret};
use lotsennetz::matching::{AdviceFeatures, ExpertFeatures, PeerFeatures, ProjectFeatures, Ranked};
use lotsennetz::store::GraphStore;
use lotsennetz::store::embedded::EmbeddedStore;
use lotsennetz::store::neo4j::Neo4jStore;
use tokio::sync::Mutex;

/// Largest difference allowed between the two stores' scores.
pub const TOLERANCE: f64 = 1e-9;

/// Tests take turns on the one Neo4j database.
static NEO4J: Mutex<()> = Mutex::const_new(());

/// The Neo4j server of the test run, from the variables `scripts/neo4j.sh env` prints.
pub fn neo4j_config() -> Neo4jConfig {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let uri = var("LOTSENNETZ_NEO4J_URI").unwrap_or_else(|| {
        panic!(
            "LOTSENNETZ_NEO4J_URI is not set: the Neo4j conformance tests need a Neo4j server. \
             Run scripts/test.sh, which starts one, or `scripts/neo4j.sh start && eval \"$(scripts/neo4j.sh env)\"`."
        )
    });
    Neo4jConfig {
        uri,
        user: var("LOTSENNETZ_NEO4J_USER").unwrap_or_else(|| "neo4j".into()),
        password: Secret::new(var("LOTSENNETZ_NEO4J_PASSWORD").unwrap_or_default()),
        database: var("LOTSENNETZ_NEO4J_DATABASE"),
        pool_size: 8,
        feed: Default::default(),
    }
}

/// Removes every node of the network (migration records and the write lock stay).
pub async fn wipe(config: &Neo4jConfig) {
    let graph = lotsennetz::store::neo4j::connect_graph(config).expect("Neo4j pool");
    lotsennetz::store::neo4j::wipe(&graph).await.expect("Neo4j wiped");
}

/// This test's turn on the Neo4j database, emptied; hold the guard while using it.
pub async fn neo4j_turn() -> tokio::sync::MutexGuard<'static, ()> {
    let guard = NEO4J.lock().await;
    wipe(&neo4j_config()).await;
    guard
}

/// An empty Neo4j store; hold the guard while using it.
pub async fn empty_neo4j() -> (Neo4jStore, tokio::sync::MutexGuard<'static, ()>) {
    let guard = neo4j_turn().await;
    let config = neo4j_config();
    let store = Neo4jStore::open(&config).await.expect("Neo4j store opens");
    loaded(&store).await;
    (store, guard)
}

/// Waits until a store's projection holds the network (the Neo4j store loads it in the
/// background after opening).
pub async fn loaded(store: &dyn GraphStore) {
    let projection = store.projection();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !projection.is_loaded() {
        assert!(std::time::Instant::now() < deadline, "the projection was not loaded within a minute");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// One answer of a store, as recorded.
#[derive(Debug)]
enum Entry {
    Exact(String),
    Ranked(Vec<RankedEntry>),
}

#[derive(Debug)]
struct RankedEntry {
    id: String,
    score: f64,
    components: Vec<(&'static str, f64, f64)>,
    explanation: String,
    features: String,
}

/// Every answer a scenario got, in order.
#[derive(Debug, Default)]
pub struct Transcript {
    entries: Vec<(String, Entry)>,
}

/// The id a ranked result is about.
pub trait Candidate: Debug {
    fn id(&self) -> &str;
}

impl Candidate for PeerFeatures {
    fn id(&self) -> &str {
        self.lotse.id.as_str()
    }
}

impl Candidate for ProjectFeatures {
    fn id(&self) -> &str {
        self.project.id.as_str()
    }
}

impl Candidate for AdviceFeatures {
    fn id(&self) -> &str {
        self.municipality.id.as_str()
    }
}

impl Candidate for ExpertFeatures {
    fn id(&self) -> &str {
        self.expert.id.as_str()
    }
}

impl Transcript {
    /// Records an answer that must be the same on both stores (nodes, pages, errors …).
    pub fn record<T: Debug>(&mut self, label: impl Into<String>, value: &T) {
        self.entries.push((label.into(), Entry::Exact(format!("{value:#?}"))));
    }

    /// Records a ranking: ids and order, scores and components (within the tolerance),
    /// explanations and features.
    pub fn ranked<F: Candidate>(&mut self, label: impl Into<String>, ranked: &[Ranked<F>]) {
        let entries = ranked
            .iter()
            .map(|r| RankedEntry {
                id: r.features.id().to_owned(),
                score: r.score,
                components: r.components.iter().map(|c| (c.name, c.weight, c.value)).collect(),
                explanation: format!("{:#?}", r.explanation),
                features: format!("{:#?}", r.features),
            })
            .collect();
        self.entries.push((label.into(), Entry::Ranked(entries)));
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOLERANCE
}

/// Panics with the first difference between the two transcripts.
fn assert_same(scenario: &str, embedded: &Transcript, neo4j: &Transcript) {
    for (i, ((label, a), (label_b, b))) in embedded.entries.iter().zip(&neo4j.entries).enumerate() {
        assert_eq!(label, label_b, "{scenario}: entry {i} is a different step");
        match (a, b) {
            (Entry::Exact(a), Entry::Exact(b)) => {
                assert_eq!(a, b, "{scenario}: '{label}' differs (left: embedded, right: Neo4j)")
            }
            (Entry::Ranked(a), Entry::Ranked(b)) => {
                let ids = |r: &[RankedEntry]| r.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
                assert_eq!(ids(a), ids(b), "{scenario}: '{label}' ranks other ids (left: embedded, right: Neo4j)");
                for (x, y) in a.iter().zip(b) {
                    assert!(
                        close(x.score, y.score),
                        "{scenario}: '{label}' {}: score {} vs {}",
                        x.id,
                        x.score,
                        y.score
                    );
                    assert_eq!(x.components.len(), y.components.len());
                    for (c, d) in x.components.iter().zip(&y.components) {
                        assert!(
                            c.0 == d.0 && close(c.1, d.1) && close(c.2, d.2),
                            "{scenario}: '{label}' {}: component {c:?} vs {d:?}",
                            x.id
                        );
                    }
                    assert_eq!(x.explanation, y.explanation, "{scenario}: '{label}' {}: explanation", x.id);
                    assert_eq!(x.features, y.features, "{scenario}: '{label}' {}: features", x.id);
                }
            }
            _ => panic!("{scenario}: '{label}' recorded differently"),
        }
    }
    assert_eq!(
        embedded.entries.len(),
        neo4j.entries.len(),
        "{scenario}: the stores answered a different number of steps"
    );
}

pub type Scenario = for<'a> fn(&'a dyn GraphStore, &'a mut Transcript) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// Runs a scenario on both stores and compares the transcripts; returns the embedded one.
pub async fn on_both_stores(name: &str, scenario: Scenario) -> Transcript {
    let dir = tempfile::tempdir().expect("temp dir");
    let embedded = EmbeddedStore::open(dir.path()).expect("embedded store opens");
    let mut expected = Transcript::default();
    scenario(&embedded, &mut expected).await;

    let (neo4j, _guard) = empty_neo4j().await;
    let mut actual = Transcript::default();
    scenario(&neo4j, &mut actual).await;

    assert!(expected.len() > 0, "{name} recorded nothing");
    assert_same(name, &expected, &actual);
    expected
}

/// `conformance!(a, b)` turns the scenarios `a` and `b` of the current module into tests that
/// run each on both stores.
#[macro_export]
macro_rules! conformance {
    ($($name:ident),+ $(,)?) => {
        mod on_both_stores {
            $(
                #[tokio::test]
                async fn $name() {
                    fn scenario<'a>(
                        store: &'a dyn lotsennetz::store::GraphStore,
                        transcript: &'a mut $crate::support::Transcript,
                    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>> {
                        Box::pin(super::$name(store, transcript))
                    }
                    $crate::support::on_both_stores(stringify!($name), scenario).await;
                }
            )+
        }
    };
}
