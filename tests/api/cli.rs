//! The command line: `lotsennetz schema` and the committed SDL.

use std::process::Command;

#[test]
fn schema_graphql_is_the_served_schema_byte_for_byte() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).expect("schema.graphql exists");
    assert!(
        committed == lotsennetz::graphql::sdl(),
        "schema.graphql is stale: run `cargo run -- schema > schema.graphql`"
    );
}

#[test]
fn the_schema_subcommand_prints_the_sdl() {
    let output = Command::new(env!("CARGO_BIN_EXE_lotsennetz")).arg("schema").output().expect("binary runs");
    assert!(output.status.success());
    assert_eq!(String::from_utf8(output.stdout).unwrap(), lotsennetz::graphql::sdl());
}

#[test]
fn every_type_and_field_has_a_description() {
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};

    let document = async_graphql::parser::parse_schema(lotsennetz::graphql::sdl()).expect("the SDL parses");
    let mut undocumented = Vec::new();
    for definition in document.definitions {
        let TypeSystemDefinition::Type(ty) = definition else { continue };
        let ty = ty.node;
        let name = ty.name.node.to_string();
        if ty.description.is_none() && !["Query", "Mutation"].contains(&name.as_str()) {
            undocumented.push(name.clone());
        }
        let fields: Vec<(String, bool)> = match &ty.kind {
            TypeKind::Object(o) => {
                o.fields.iter().map(|f| (f.node.name.node.to_string(), f.node.description.is_some())).collect()
            }
            TypeKind::InputObject(i) => {
                i.fields.iter().map(|f| (f.node.name.node.to_string(), f.node.description.is_some())).collect()
            }
            TypeKind::Enum(e) => {
                e.values.iter().map(|v| (v.node.value.node.to_string(), v.node.description.is_some())).collect()
            }
            _ => Vec::new(),
        };
        undocumented.extend(
            fields.into_iter().filter(|(_, documented)| !documented).map(|(field, _)| format!("{name}.{field}")),
        );
    }
    assert!(undocumented.is_empty(), "undocumented:\n{}", undocumented.join("\n"));
}

#[test]
fn the_demo_subcommand_seeds_an_empty_store_once() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
            .args(["demo", "--data-dir"])
            .arg(dir.path())
            .output()
            .expect("binary runs")
    };

    let first = run();
    let second = run();

    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let first_err = String::from_utf8_lossy(&first.stderr);
    assert!(first_err.lines().last().unwrap().starts_with(|c: char| c.is_ascii_digit() && c != '0'), "{first_err}");
    assert!(String::from_utf8_lossy(&second.stderr).contains("0 nodes written"));
}

/// `evaluate` on a network small enough to score by hand: `u` shares a topic with `a` only,
/// `c` shares nothing with anyone; the truth pairs are `u,a` and `u,c`.
#[test]
fn evaluate_scores_a_tiny_network_as_computed_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = vec![
        r#"{"type":"region","id":"r","name":"Region","kind":"REGION"}"#.to_owned(),
        r#"{"type":"district","id":"d","name":"Landkreis","kind":"LANDKREIS","region":"r"}"#.to_owned(),
        r#"{"type":"topic","id":"x","name":"Thema X"}"#.to_owned(),
        r#"{"type":"topic","id":"y","name":"Thema Y"}"#.to_owned(),
    ];
    for (i, (lotse, topic, title)) in [("u", "x", "Alpha"), ("a", "x", "Beta"), ("c", "y", "Gamma")].iter().enumerate()
    {
        records.push(format!(
            r#"{{"type":"municipality","id":"m-{lotse}","name":"Gemeinde {lotse}","district":"d","kind":"GEMEINDE","ags":"0800000{i}"}}"#
        ));
        records.push(format!(
            r#"{{"type":"lotse","id":"{lotse}","name":"Lotse {lotse}","municipality":"m-{lotse}","visibility":"NETWORK"}}"#
        ));
        records.push(format!(
            r#"{{"type":"project","id":"p-{lotse}","title":"{title}","municipality":"m-{lotse}","topics":["{topic}"],"members":[{{"lotse":"{lotse}","role":"LEAD"}}],"status":"ACTIVE"}}"#
        ));
    }
    let network = dir.path().join("network.jsonl");
    std::fs::write(&network, records.join("\n")).unwrap();
    let truth = dir.path().join("truth.csv");
    std::fs::write(&truth, "a,b\nu,a\nu,c\n").unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["evaluate", "--folds", "1", "--network", network.to_str().unwrap(), "--truth"])
        .arg(&truth)
        .output()
        .expect("binary runs");

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = String::from_utf8(output.stdout).unwrap();
    let engine = report.lines().find(|l| l.starts_with("recommendPeers")).expect("a row for the engine");
    let figures: Vec<f64> = engine.split_whitespace().skip(1).map(|f| f.parse().unwrap()).collect();
    // u finds a first and never c: DCG 1, ideal 1 + 1/log2(3); a finds u: 1; c finds no one: 0.
    let ndcg = (1.0 / (1.0 + 1.0 / 3f64.log2()) + 1.0 + 0.0) / 3.0;
    assert!((figures[0] - ndcg).abs() < 1e-4, "NDCG@10 {} != {ndcg}:\n{report}", figures[0]);
    assert_eq!(&figures[1..4], &[0.6667, 0.5, 0.6667], "hit@10, recall@50, MRR:\n{report}");
    assert!(report.contains("3 users with a project in 1 fold(s)"), "{report}");
    assert!(
        report.contains("time on the CPU of recommendPeers"),
        "each question's time on the thread's CPU-time clock:\n{report}"
    );

    let output = Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["evaluate", "--folds", "1", "--walk-grid", "--network", network.to_str().unwrap(), "--truth"])
        .arg(&truth)
        .output()
        .expect("binary runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let report = String::from_utf8(output.stdout).unwrap();
    let settings: Vec<&str> = report.lines().filter(|l| l.starts_with("restart ")).collect();
    assert_eq!(settings.len(), 27, "3 restarts x 3 topic weights x 3 thresholds:\n{report}");
    let committed: Vec<&&str> = settings.iter().filter(|l| l.contains("(committed)")).collect();
    assert_eq!(committed.len(), 1, "{report}");
    // The walk only scales the same hop here: every setting finds a for u.
    assert!(settings.iter().all(|l| l.contains(&format!("all {:.4} / 0.6667", ndcg))), "{report}");
}

#[test]
fn evaluate_refuses_a_malformed_truth_file_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let network = dir.path().join("network.jsonl");
    std::fs::write(&network, r#"{"type":"topic","id":"x","name":"Thema X"}"#).unwrap();
    let truth = dir.path().join("truth.csv");
    std::fs::write(&truth, "a,b\nu a\n").unwrap();

    let output = Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["evaluate", "--network", network.to_str().unwrap(), "--truth", truth.to_str().unwrap()])
        .output()
        .expect("binary runs");

    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("line 2"), "{}", String::from_utf8_lossy(&output.stderr));
}

#[test]
fn serve_demo_without_a_reachable_neo4j_says_what_it_waits_for() {
    use std::io::{BufRead, BufReader};
    // A port nothing listens on: taken, then given back.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["serve", "--demo", "--port", "0", "--store", "neo4j", "--neo4j-password", "secret"])
        .arg("--neo4j-uri")
        .arg(format!("bolt://127.0.0.1:{port}"))
        .env_remove("LOTSENNETZ_LOG")
        .env("LOTSENNETZ_JWT_SECRET", "a-test-secret-of-at-least-32-bytes!!")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("binary runs");
    let stderr = child.stderr.take().expect("piped");
    let (lines, found) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let mut seen = Vec::new();
    while let Ok(line) = found.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())) {
        let waiting = line.contains("waiting for the store to load the network (is Neo4j reachable?)");
        seen.push(line);
        if waiting {
            break;
        }
    }
    child.kill().expect("stopped");
    let _ = child.wait();
    assert!(seen.last().is_some_and(|l| l.contains("giving up in")), "no waiting notice in:\n{}", seen.join("\n"));
    assert!(!seen.iter().any(|l| l.contains("neo4rs::pool")), "driver chatter by default:\n{}", seen.join("\n"));
}
