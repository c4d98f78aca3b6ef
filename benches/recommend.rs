//! `recommendPeers` and the other recommendations on the embedded store, at BW scale and
//! (when run with `cargo bench`) at national scale.
//!
//! Run: `cargo bench --bench recommend`. Under `cargo test` each benchmark runs once at BW scale.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use lotsennetz::demo::{self, Scale};
use lotsennetz::domain::{Id, Node};
use lotsennetz::matching::{PeerFilter, PeerQuery};
use lotsennetz::service::Services;
use lotsennetz::store::embedded::EmbeddedStore;

struct Network {
    services: Services,
    lotsen: Vec<Id>,
    projects: Vec<Id>,
    experts: Vec<Id>,
    _dir: tempfile::TempDir,
}

fn network(runtime: &tokio::runtime::Runtime, scale: Scale) -> Network {
    let dir = tempfile::tempdir().expect("temp dir");
    let services = Services::new(Arc::new(EmbeddedStore::open(dir.path()).expect("store opens")));
    let nodes = demo::generate(scale, 42);
    let ids = |f: fn(&Node) -> bool| nodes.iter().filter(|n| f(n)).map(|n| n.id().clone()).collect::<Vec<_>>();
    let lotsen = ids(|n| matches!(n, Node::Lotse(_)));
    let projects = ids(|n| matches!(n, Node::Project(_)));
    let experts = ids(|n| matches!(n, Node::Expert(_)));
    runtime.block_on(lotsennetz::app::create_nodes(&services, nodes)).expect("demo loads");
    Network { services, lotsen, projects, experts, _dir: dir }
}

/// Ids to cycle through, spread over the whole list.
fn sample(ids: &[Id], n: usize) -> Vec<Id> {
    let step = (ids.len() / n).max(1);
    ids.iter().step_by(step).take(n).cloned().collect()
}

fn bench_recommendations(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let full_run = std::env::args().any(|a| a == "--bench");
    let scales: &[(&str, Scale)] =
        if full_run { &[("bw", Scale::BW), ("de", Scale::DE)] } else { &[("bw", Scale::BW)] };
    let admin = lotsennetz::auth::Viewer::Admin { subject: "benchmark".into() };
    let mut group = c.benchmark_group("embedded");
    for (name, scale) in scales {
        let network = network(&runtime, *scale);
        let lotsen = sample(&network.lotsen, 256);
        let projects = sample(&network.projects, 256);
        let experts = sample(&network.experts, 32);
        let mut i = 0usize;
        group.bench_function(BenchmarkId::new("recommendPeers", name), |b| {
            b.iter(|| {
                i += 1;
                let query = PeerQuery { lotse: lotsen[i % lotsen.len()].clone(), filter: PeerFilter::default() };
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
    }
    group.finish();
}

criterion_group!(benches, bench_recommendations);
criterion_main!(benches);
