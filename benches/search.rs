//! Search and introduction paths on the projection of the demo network, at BW scale and (when
//! run with `cargo bench`) at national scale. Both stores answer these from the same
//! projection (the Neo4j store without a database call), so the figures hold for both.
//!
//! Run: `cargo bench --bench search`. Besides criterion's estimates it prints the time to
//! build the projection with its index, the median, 99th percentile and slowest of the
//! questions (search: 300 questions from the network's own words, worst cases included;
//! paths: 300 pairs of Lotsen), and of 1,000 project title changes (the index updated in
//! place). Under `cargo test` each runs once at BW scale.

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion};
use lotsennetz::auth::Viewer;
use lotsennetz::demo::{self, Scale};
use lotsennetz::domain::{Id, Name, Node, Project};
use lotsennetz::graph::{Graph, Projection};
use lotsennetz::search::SearchQuery;
use lotsennetz::service::policy;

/// Questions from the network's words: whole topic names, words of project titles, their
/// beginnings and tails, the name of a place, and the most common words there are.
fn questions(nodes: &[Node], n: usize) -> Vec<String> {
    let mut asked: Vec<String> =
        ["Projekt", "Digitalisierung", "digital", "st", "Bürger", "portal", "E-Akte Schule"].map(String::from).to_vec();
    let titles = nodes.iter().filter_map(|node| match node {
        Node::Project(p) => Some(p.title.as_str()),
        Node::Topic(t) => Some(t.name.as_str()),
        Node::Municipality(m) => Some(m.name.as_str()),
        _ => None,
    });
    for (i, title) in titles.step_by(97).enumerate() {
        let word = title.split_whitespace().nth(i % 2).unwrap_or(title);
        let chars: Vec<char> = word.chars().collect();
        let question: String = match i % 3 {
            0 => word.to_owned(),
            1 => chars[..chars.len().min(5)].iter().collect(),
            _ => chars[chars.len().saturating_sub(6)..].iter().collect(),
        };
        // Function words alone are no question.
        if !lotsennetz::search::analyze::words(&question).is_empty() {
            asked.push(question);
        }
        if asked.len() >= n {
            break;
        }
    }
    asked
}

fn sample<T: Clone>(items: &[T], n: usize) -> Vec<T> {
    let step = (items.len() / n).max(1);
    items.iter().step_by(step).take(n).cloned().collect()
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
    println!("{label}: {} calls, median {:.3} ms, p99 {:.3} ms, max {:.3} ms", times.len(), at(0.5), at(0.99), at(1.0));
}

fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    black_box(f());
    start.elapsed()
}

fn bench_search(c: &mut Criterion) {
    let full_run = std::env::args().any(|a| a == "--bench");
    let scales: &[(&str, Scale)] =
        if full_run { &[("bw", Scale::BW), ("de", Scale::DE)] } else { &[("bw", Scale::BW)] };
    let calls = if full_run { 300 } else { 10 };
    for (name, scale) in scales {
        let nodes = demo::generate(*scale, 42);
        let started = Instant::now();
        let mut graph = Graph::default();
        for node in nodes.iter().cloned() {
            graph.insert(node);
        }
        println!(
            "{name}: projection with its search index built from {} nodes in {:.2?}",
            nodes.len(),
            started.elapsed()
        );
        let projection = Projection::loaded(graph);
        let lotsen: Vec<Id> = nodes.iter().filter(|n| matches!(n, Node::Lotse(_))).map(|n| n.id().clone()).collect();
        let projects: Vec<Project> =
            nodes.iter().filter_map(|n| if let Node::Project(p) = n { Some(p.clone()) } else { None }).collect();
        let viewer = Viewer::Lotse(lotsen[0].clone());
        let contacts: HashSet<Id> =
            projection.read(|g| Ok(g.contacts(&lotsen[0]).into_iter().cloned().collect())).unwrap();
        let sees = |node: &Node| policy::may_see(&viewer, &contacts, node);
        let asked = questions(&nodes, calls);
        let search = |text: &str| {
            let query = SearchQuery::parse(text, Vec::new(), None, 20, None).expect("a question");
            projection.search(&query, &sees).expect("answers")
        };
        let pairs: Vec<(Id, Id)> =
            sample(&lotsen, calls).into_iter().zip(sample(&lotsen[lotsen.len() / 2..], calls)).collect();
        let paths = |(from, to): &(Id, Id)| {
            let viewer = Viewer::Lotse(from.clone());
            let contacts: HashSet<Id> =
                projection.read(|g| Ok(g.contacts(from).into_iter().cloned().collect())).unwrap();
            let sees = |node: &Node| policy::may_see(&viewer, &contacts, node);
            projection.introduction_paths(from, to, 10, &sees)
        };

        let mut group = c.benchmark_group("projection");
        let mut i = 0usize;
        group.bench_function(BenchmarkId::new("search", name), |b| {
            b.iter(|| {
                i += 1;
                black_box(search(&asked[i % asked.len()]))
            })
        });
        group.bench_function(BenchmarkId::new("introductionPaths", name), |b| {
            b.iter(|| {
                i += 1;
                black_box(paths(&pairs[i % pairs.len()]))
            })
        });
        group.finish();

        report(&format!("{name} search"), asked.iter().map(|q| timed(|| search(q))).collect());
        let slowest = asked.iter().max_by_key(|q| timed(|| search(q))).unwrap();
        println!("{name} slowest question: {slowest:?} ({} hits on the first page)", search(slowest).hits.len());
        report(&format!("{name} introductionPaths"), pairs.iter().map(|p| timed(|| paths(p))).collect());
        let changes = sample(&projects, if full_run { 1_000 } else { 10 });
        let retitle = |project: &Project| {
            let mut changed = project.clone();
            changed.title = Name::parse_field("title", &format!("{} (neu)", project.title.as_str())).unwrap();
            projection.put_states(vec![lotsennetz::graph::NodeState {
                kind: lotsennetz::domain::NodeKind::Project,
                id: changed.id.clone(),
                node: Some(changed.into()),
            }])
        };
        report(&format!("{name} project title change"), changes.iter().map(|p| timed(|| retitle(p))).collect());
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    bench_search(&mut criterion);
    criterion.final_summary();
}
