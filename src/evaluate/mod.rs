//! `lotsennetz evaluate`: scores `recommendPeers` against a later truth the way link
//! prediction is scored in the literature, next to classic baselines, in one run.
//!
//! The network is put into the matching engine's graph in the process and asked exactly as
//! the service asks its projection ([`crate::graph::peers::peers`], then
//! [`matching::rank_peers`]), so the figures are those of the engine that serves. Users are split into folds by a hash of their id, so a fold holds
//! the same people whatever the order of the files.

mod baselines;
mod fit;
mod metrics;
mod walk_grid;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context as _, bail};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::domain::{ConnectionStatus, Id, Node};
use crate::graph::Graph;
use crate::matching::{self, PeerFilter, PeerQuery};

pub use baselines::Baseline;
use baselines::Baselines;
pub use metrics::{UserScores, percentile, score, thread_cpu_ms};

/// How many recommendations each user is asked for.
const ASKED: usize = 50;

/// A network and the pairs of people who met later.
pub struct Benchmark {
    pub graph: Graph,
    /// Pairs by Lotse number, each once.
    pub truth: Vec<(u32, u32)>,
    /// What the truth is, for the report.
    pub source: String,
}

/// Reads a network in the import format (`.gz` too) and a truth file of `a,b` lines.
pub fn from_files(network: &Path, truth: &Path) -> anyhow::Result<Benchmark> {
    let records = crate::transfer::read_records(crate::transfer::open_input(network)?, None)
        .map_err(|e| anyhow::anyhow!("{}: {e}", network.display()))?;
    let mut graph = Graph::default();
    for (_, node) in records {
        graph.insert(node);
    }
    let mut pairs = Vec::new();
    let input = crate::transfer::open_input(truth)?;
    for (n, line) in std::io::BufRead::lines(input).enumerate() {
        let line = line.with_context(|| format!("reading {}", truth.display()))?;
        let line = line.trim();
        if line.is_empty() || (n == 0 && line == "a,b") {
            continue;
        }
        let Some((a, b)) = line.split_once(',') else {
            bail!("{} line {}: expected two Lotse ids separated by a comma", truth.display(), n + 1);
        };
        let parse = |s: &str| {
            Id::parse_field("id", s.trim()).map_err(|e| anyhow::anyhow!("{} line {}: {e}", truth.display(), n + 1))
        };
        pairs.push((parse(a)?, parse(b)?));
    }
    let truth_pairs = numbered(&graph, &pairs);
    Ok(Benchmark { graph, truth: truth_pairs, source: format!("{} pairs of {}", pairs.len(), truth.display()) })
}

/// The demo network with a share of its accepted connections held out: the truth is who
/// connected, the network what was known before.
pub fn demo_holdout(scale: crate::demo::Scale, seed: u64, share: f64) -> anyhow::Result<Benchmark> {
    if !(share > 0.0 && share < 1.0) {
        bail!("--holdout must lie between 0 and 1 (exclusive), not {share}");
    }
    let mut graph = Graph::default();
    let mut pairs = Vec::new();
    for node in crate::demo::generate(scale, seed) {
        if let Node::ConnectionRequest(request) = &node
            && request.status == ConnectionStatus::Accepted
            && unit_hash(request.id.as_str(), seed) < share
        {
            pairs.push((request.from.clone(), request.to.clone()));
            continue;
        }
        graph.insert(node);
    }
    let truth = numbered(&graph, &pairs);
    let source = format!("{} accepted connections held out of the demo network (seed {seed})", pairs.len());
    Ok(Benchmark { graph, truth, source })
}

/// Truth pairs by Lotse number; pairs naming unknown people are left out.
fn numbered(graph: &Graph, pairs: &[(Id, Id)]) -> Vec<(u32, u32)> {
    let index = graph.index();
    let number = |id: &Id| index.lotsen.get(id).filter(|&n| index.brief(n).live);
    pairs.iter().filter_map(|(a, b)| Some((number(a)?, number(b)?))).filter(|(a, b)| a != b).collect()
}

/// A hash of a text in [0, 1), the same on every machine (FNV-1a).
fn unit_hash(text: &str, seed: u64) -> f64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (hash >> 11) as f64 / (1u64 << 53) as f64
}

/// One user to score: their truth partners and how many projects they have.
struct User {
    lotse: u32,
    relevant: HashSet<u32>,
    projects: usize,
    fold: usize,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub folds: usize,
    pub seed: u64,
    /// Also fit the peer score's weights by cross-validation over the folds.
    pub fit: bool,
    /// Also try the walk's settings on a grid, chosen by cross-validation over the folds.
    pub walk_grid: bool,
}

/// Each method's ranked lists for every user, in user order.
struct Lists {
    name: String,
    lists: Vec<Vec<u32>>,
}

/// Scores the engine and the baselines and writes the report.
pub fn evaluate(benchmark: &Benchmark, options: Options) -> anyhow::Result<String> {
    if options.folds == 0 {
        bail!("--folds must be at least 1");
    }
    let graph = &benchmark.graph;
    let index = graph.index();
    let users = users(benchmark, options.folds);
    if users.is_empty() {
        bail!("no person of the truth has a project in the network: nothing to score");
    }
    let baselines = Baselines::new(graph, options.seed);
    let (engine, latencies, cpu) = engine_lists(graph, &users)?;
    let mut methods = vec![engine];
    for baseline in Baseline::ALL {
        let lists = users
            .iter()
            .map(|u| {
                let mut excluded: HashSet<u32> = baselines.co_members(u.lotse).iter().copied().collect();
                excluded.insert(u.lotse);
                baselines.rank(baseline, u.lotse, &excluded, ASKED)
            })
            .collect();
        methods.push(Lists { name: baseline.name().to_owned(), lists });
    }

    let mut out = String::new();
    let live = (0..index.lotsen.count() as u32).filter(|&l| index.brief(l).live).count();
    writeln!(
        out,
        "network: {live} Lotsen, {} projects, {} topics; truth: {}; {} users with a project in {} fold(s)",
        index.projects.count(),
        index.topics.count(),
        benchmark.source,
        users.len(),
        options.folds
    )?;
    let folds: Vec<Option<usize>> =
        if options.folds == 1 { vec![None] } else { (0..options.folds).map(Some).chain([None]).collect() };
    for fold in folds {
        let chosen: Vec<usize> = (0..users.len()).filter(|&i| fold.is_none_or(|f| users[i].fold == f)).collect();
        let title = fold.map_or("all users".to_owned(), |f| format!("fold {}", f + 1));
        writeln!(out, "\n{title} ({} users)", chosen.len())?;
        writeln!(
            out,
            "{:<28} {:>8} {:>7} {:>9} {:>7} {:>9} {:>11} {:>13}",
            "method", "NDCG@10", "hit@10", "recall@50", "MRR", "coverage", "1-3 served", "1-3 NDCG@10"
        )?;
        for method in &methods {
            let row = Row::of(method, &users, &chosen, live);
            writeln!(
                out,
                "{:<28} {:>8.4} {:>7.4} {:>9.4} {:>7.4} {:>9.4} {:>11.4} {:>13.4}",
                method.name,
                row.all.ndcg10,
                row.all.hit10,
                row.all.recall50,
                row.all.mrr,
                row.coverage,
                row.few_served,
                row.few.ndcg10
            )?;
        }
    }
    let few = users.iter().filter(|u| (1..=3).contains(&u.projects)).count();
    writeln!(out, "\nusers with 1-3 projects: {few} of {}", users.len())?;
    writeln!(
        out,
        "latency of recommendPeers (first {ASKED}, in process, {} calls): p50 {:.3} ms, p99 {:.3} ms",
        latencies.len(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99)
    )?;
    writeln!(
        out,
        "time on the CPU of recommendPeers (the same calls, whatever else runs): p50 {:.3} ms, p99 {:.3} ms",
        percentile(&cpu, 0.5),
        percentile(&cpu, 0.99)
    )?;
    if options.fit {
        out.push_str(&fit::report(graph, &users, options.folds)?);
    }
    if options.walk_grid {
        out.push_str(&walk_grid::report(graph, &users, options.folds)?);
    }
    Ok(out)
}

/// The users to score: every person of a truth pair with at least one project, in id order.
fn users(benchmark: &Benchmark, folds: usize) -> Vec<User> {
    let index = benchmark.graph.index();
    let mut partners: HashMap<u32, HashSet<u32>> = HashMap::default();
    for &(a, b) in &benchmark.truth {
        partners.entry(a).or_default().insert(b);
        partners.entry(b).or_default().insert(a);
    }
    let mut users: Vec<User> = partners
        .into_iter()
        .filter(|(l, _)| !index.projects_of(*l).is_empty())
        .map(|(lotse, relevant)| {
            let id = index.lotsen.id(lotse).as_str();
            let fold = ((unit_hash(id, 0) * folds as f64) as usize).min(folds - 1);
            User { lotse, relevant, projects: index.projects_of(lotse).len(), fold }
        })
        .collect();
    users.sort_by(|a, b| index.lotsen.id(a.lotse).cmp(index.lotsen.id(b.lotse)));
    users
}

/// The engine's lists, asked as the service asks, and the time of each question in ms: on the
/// clock, and on the CPU where the system tells it (else none).
fn engine_lists(graph: &Graph, users: &[User]) -> anyhow::Result<(Lists, Vec<f64>, Vec<f64>)> {
    let mut latencies = Vec::with_capacity(users.len());
    let mut cpu = Vec::with_capacity(users.len());
    let mut lists = Vec::with_capacity(users.len());
    for user in users {
        let lotse = graph.index().lotsen.id(user.lotse).clone();
        let query = PeerQuery { lotse, filter: PeerFilter::default(), limit: Some(ASKED), include_co_members: false };
        let (started, cpu_before) = (Instant::now(), thread_cpu_ms());
        let ranked = matching::rank_peers(crate::graph::peers::peers(graph, &query)?, ASKED);
        latencies.push(started.elapsed().as_secs_f64() * 1e3);
        cpu.push(thread_cpu_ms() - cpu_before);
        lists.push(ranked.iter().filter_map(|r| graph.index().lotsen.get(&r.features.lotse.id)).collect());
    }
    latencies.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    Ok((Lists { name: "recommendPeers".to_owned(), lists }, latencies, cpu))
}

/// One method's scores over some users.
struct Row {
    all: UserScores,
    few: UserScores,
    few_served: f64,
    coverage: f64,
}

impl Row {
    fn of(method: &Lists, users: &[User], chosen: &[usize], live: usize) -> Self {
        let scores: Vec<UserScores> = chosen.iter().map(|&i| score(&method.lists[i], &users[i].relevant)).collect();
        let few: Vec<usize> = (0..chosen.len()).filter(|&k| (1..=3).contains(&users[chosen[k]].projects)).collect();
        let few_scores: Vec<UserScores> = few.iter().map(|&k| scores[k]).collect();
        let served = few.iter().filter(|&&k| !method.lists[chosen[k]].is_empty()).count();
        let shown: HashSet<u32> = chosen.iter().flat_map(|&i| method.lists[i].iter().take(10).copied()).collect();
        Row {
            all: metrics::mean(&scores),
            few: metrics::mean(&few_scores),
            few_served: served as f64 / few.len().max(1) as f64,
            coverage: shown.len() as f64 / live.max(1) as f64,
        }
    }
}
