//! `recommendPeers` and the other recommendations on the embedded store, at BW scale and
//! (when run with `cargo bench`) at national scale; with `LOTSENNETZ_BENCH_NEO4J=1` also on
//! the Neo4j store (the server from the `LOTSENNETZ_NEO4J_*` variables, whose database is
//! emptied first: `eval "$(scripts/neo4j.sh env)"`), at the scales that
//! `LOTSENNETZ_BENCH_NEO4J_SCALES` lists (comma-separated, default `bw`; `bw,de` or `de` adds
//! the national network, loaded in transactions of 20,000 nodes).
//!
//! Run: `cargo bench --bench recommend`. Besides criterion's estimates it prints, per question,
//! the median, 99th percentile and slowest of 2,000 calls for different ids. A question on
//! Neo4j at national scale takes up to seconds: there criterion takes 10 samples (one call
//! each for a call over half a second), and the percentiles are of
//! `LOTSENNETZ_BENCH_NEO4J_DE_CALLS` calls (default 200) per question. Under `cargo test` each benchmark runs once at BW scale.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode};
use lotsennetz::config::{Neo4jConfig, Secret};
use lotsennetz::demo::{self, Scale};
use lotsennetz::domain::{Id, Node};
use lotsennetz::matching::{PeerFilter, PeerQuery};
use lotsennetz::service::Services;
use lotsennetz::store::GraphStore;
use lotsennetz::store::embedded::EmbeddedStore;
use lotsennetz::store::neo4j::Neo4jStore;

struct Network {
    services: Services,
    lotsen: Vec<Id>,
    projects: Vec<Id>,
    experts: Vec<Id>,
}

/// Nodes per transaction when the network is loaded into Neo4j: the national network does not
/// fit into the transaction memory of a server with a small heap.
const NEO4J_BATCH: usize = 20_000;

/// The demo network of `scale` written into `store`, `batch` nodes per transaction.
fn network(runtime: &tokio::runtime::Runtime, store: Arc<dyn GraphStore>, scale: Scale, batch: usize) -> Network {
    let services = Services::new(store);
    let nodes = demo::generate(scale, 42);
    let ids = |f: fn(&Node) -> bool| nodes.iter().filter(|n| f(n)).map(|n| n.id().clone()).collect::<Vec<_>>();
    let lotsen = ids(|n| matches!(n, Node::Lotse(_)));
    let projects = ids(|n| matches!(n, Node::Project(_)));
    let experts = ids(|n| matches!(n, Node::Expert(_)));
    // In dependency order, so every batch refers only to itself and the batches before it.
    let mut nodes = nodes.into_iter().peekable();
    while nodes.peek().is_some() {
        let part: Vec<Node> = nodes.by_ref().take(batch).collect();
        runtime.block_on(lotsennetz::app::create_nodes(&services, part)).expect("demo loads");
    }
    Network { services, lotsen, projects, experts }
}

/// The Neo4j store of the `LOTSENNETZ_NEO4J_*` variables, emptied.
fn empty_neo4j(runtime: &tokio::runtime::Runtime) -> Arc<dyn GraphStore> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let config = Neo4jConfig {
        uri: var("LOTSENNETZ_NEO4J_URI").expect("LOTSENNETZ_NEO4J_URI (eval \"$(scripts/neo4j.sh env)\")"),
        user: var("LOTSENNETZ_NEO4J_USER").unwrap_or_else(|| "neo4j".into()),
        password: Secret::new(var("LOTSENNETZ_NEO4J_PASSWORD").unwrap_or_default()),
        database: var("LOTSENNETZ_NEO4J_DATABASE"),
        pool_size: 4,
        feed: Default::default(),
    };
    runtime.block_on(async {
        let graph = lotsennetz::store::neo4j::connect_graph(&config).expect("Neo4j pool");
        lotsennetz::store::neo4j::wipe(&graph).await.expect("Neo4j emptied");
        let store = Neo4jStore::open(&config).await.expect("Neo4j store opens");
        // The projection is loaded in the background; the network is written after it.
        while !store.projection().is_loaded() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Arc::new(store) as Arc<dyn GraphStore>
    })
}

type Open<'r> = Box<dyn Fn() -> Arc<dyn GraphStore> + 'r>;

/// One backend at one scale: how its store is opened and loaded, and how many calls per
/// question the percentiles take.
struct Run<'r> {
    backend: &'static str,
    name: &'static str,
    scale: Scale,
    open: Open<'r>,
    batch: usize,
    calls: usize,
}

/// The scales `LOTSENNETZ_BENCH_NEO4J_SCALES` lists for the Neo4j store, `bw` by default.
fn neo4j_scales() -> Vec<(&'static str, Scale)> {
    let list = std::env::var("LOTSENNETZ_BENCH_NEO4J_SCALES").unwrap_or_else(|_| "bw".into());
    list.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| match name.to_ascii_lowercase().as_str() {
            "bw" => ("bw", Scale::BW),
            "de" => ("de", Scale::DE),
            _ => panic!("LOTSENNETZ_BENCH_NEO4J_SCALES: unknown scale {name:?} (bw, de)"),
        })
        .collect()
}

/// A positive count from the environment variable `name`, else `default`.
fn env_count(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(value) => value.parse().ok().filter(|n| *n > 0).unwrap_or_else(|| panic!("{name}: not a count: {value:?}")),
        Err(_) => default,
    }
}

/// Ids to cycle through, spread over the whole list.
fn sample(ids: &[Id], n: usize) -> Vec<Id> {
    let step = (ids.len() / n).max(1);
    ids.iter().step_by(step).take(n).cloned().collect()
}

fn bench_recommendations(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let full_run = std::env::args().any(|a| a == "--bench");
    let scales: &[(&'static str, Scale)] =
        if full_run { &[("bw", Scale::BW), ("de", Scale::DE)] } else { &[("bw", Scale::BW)] };
    let admin = lotsennetz::auth::Viewer::Admin { subject: "benchmark".into() };
    let dir = tempfile::tempdir().expect("temp dir");
    let mut runs: Vec<Run> = Vec::new();
    for (name, scale) in scales {
        let path = dir.path().join(name);
        let open = move || Arc::new(EmbeddedStore::open(&path).expect("store opens")) as Arc<dyn GraphStore>;
        let calls = if full_run { 2_000 } else { 20 };
        runs.push(Run { backend: "embedded", name, scale: *scale, open: Box::new(open), batch: usize::MAX, calls });
    }
    if std::env::var("LOTSENNETZ_BENCH_NEO4J").is_ok_and(|v| v == "1") {
        for (name, scale) in neo4j_scales().into_iter().filter(|(name, _)| full_run || *name == "bw") {
            let calls = match (full_run, name) {
                (false, _) => 20,
                (true, "bw") => 2_000,
                (true, _) => env_count("LOTSENNETZ_BENCH_NEO4J_DE_CALLS", 200),
            };
            let open = Box::new(|| empty_neo4j(&runtime));
            runs.push(Run { backend: "neo4j", name, scale, open, batch: NEO4J_BATCH, calls });
        }
    }
    for Run { backend, name, scale, open, batch, calls } in runs {
        let network = network(&runtime, open(), scale, batch);
        let mut group = c.benchmark_group(backend);
        if backend == "neo4j" && name != "bw" {
            // Seconds per call: ten samples of as many calls as fill criterion's 5 seconds
            // (one for a call over half a second), not its default of 100 samples of 1 to
            // 100 calls, 5,050 calls at the least.
            group.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_secs(1));
        }
        let lotsen = sample(&network.lotsen, 256);
        let projects = sample(&network.projects, 256);
        let experts = sample(&network.experts, 32);
        let mut i = 0usize;
        group.bench_function(BenchmarkId::new("recommendPeers", name), |b| {
            b.iter(|| {
                i += 1;
                let query = PeerQuery {
                    lotse: lotsen[i % lotsen.len()].clone(),
                    filter: PeerFilter::default(),
                    limit: Some(10),
                    include_co_members: false,
                };
                black_box(runtime.block_on(network.services.recommend_peers(&admin, &query, 10)).expect("answers"))
            })
        });
        group.bench_function(BenchmarkId::new("similarProjects", name), |b| {
            b.iter(|| {
                i += 1;
                black_box(
                    runtime
                        .block_on(network.services.similar_projects(&projects[i % projects.len()], 10))
                        .expect("answers"),
                )
            })
        });
        group.bench_function(BenchmarkId::new("municipalitiesToAdvise", name), |b| {
            b.iter(|| {
                i += 1;
                black_box(
                    runtime
                        .block_on(network.services.municipalities_to_advise(&admin, &experts[i % experts.len()], 10))
                        .expect("answers"),
                )
            })
        });
        group.finish();
        percentiles(&runtime, &network, &format!("{backend}/{name}"), calls);
    }
}

/// Times each question once for each of `calls` different ids, spread over the network,
/// and prints the median, the 99th percentile and the slowest call.
fn percentiles(runtime: &tokio::runtime::Runtime, network: &Network, run: &str, calls: usize) {
    let admin = lotsennetz::auth::Viewer::Admin { subject: "benchmark".into() };
    let services = &network.services;
    let report = |question: &str, ids: &[Id], call: &dyn Fn(&Id)| {
        let ids = sample(ids, calls);
        let mut times: Vec<Duration> = ids
            .iter()
            .map(|id| {
                let start = Instant::now();
                call(id);
                start.elapsed()
            })
            .collect();
        times.sort();
        let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!(
            "{run} {question}: {} calls, median {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            times.len(),
            ms(at(0.5)),
            ms(at(0.99)),
            ms(at(1.0)),
        );
    };
    report("recommendPeers", &network.lotsen, &|lotse| {
        let query = PeerQuery {
            lotse: lotse.clone(),
            filter: PeerFilter::default(),
            limit: Some(10),
            include_co_members: false,
        };
        black_box(runtime.block_on(services.recommend_peers(&admin, &query, 10)).expect("answers"));
    });
    report("similarProjects", &network.projects, &|project| {
        black_box(runtime.block_on(services.similar_projects(project, 10)).expect("answers"));
    });
    report("municipalitiesToAdvise", &network.experts, &|expert| {
        black_box(runtime.block_on(services.municipalities_to_advise(&admin, expert, 10)).expect("answers"));
    });
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_recommendations(&mut criterion);
    criterion.final_summary();
}
