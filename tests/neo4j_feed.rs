//! Several service processes over one Neo4j: each answers from its own projection, and the
//! change feed brings every other writer's changes to it — another instance's writes, an
//! import on the command line, a database restarted or emptied under it, and entries pruned
//! before it read them (it reloads, and answers as a fresh start does).
//!
//! Uses its own Neo4j server (home `target/neo4j-feed`, Bolt port from
//! `LOTSENNETZ_FEED_BOLT_PORT`, default 7707) through `scripts/neo4j.sh`, so restarting and
//! emptying it disturbs no other test; the tests here take turns on it. The server is started
//! when needed and left running for the next test; `scripts/test.sh` stops it at the end.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use lotsennetz::auth::{AuthArgs, Role};
use serde_json::{Value, json};

#[path = "support/subscriber.rs"]
#[allow(dead_code, reason = "each test binary uses part of the shared subscriber")]
mod subscriber;

const SECRET: &str = "feed-test-secret-of-at-least-32-bytes!";
const PASSWORD: &str = "lotsennetz-feed";
const DEFAULT_BOLT_PORT: u16 = 7707;
/// Far above the feed's bound (a poll every 250 ms, then the apply), far below a hang.
const VISIBLE_WITHIN: Duration = Duration::from_secs(10);

static SERVER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bolt_port() -> u16 {
    std::env::var("LOTSENNETZ_FEED_BOLT_PORT").ok().filter(|p| !p.is_empty()).map_or(DEFAULT_BOLT_PORT, |p| {
        p.parse().unwrap_or_else(|_| panic!("LOTSENNETZ_FEED_BOLT_PORT is not a port number: '{p}'"))
    })
}

/// Runs `scripts/neo4j.sh <command>` for this test's server.
fn neo4j(command: &str) {
    let status = Command::new(repo().join("scripts/neo4j.sh"))
        .arg(command)
        .env("LOTSENNETZ_NEO4J_HOME", repo().join("target/neo4j-feed"))
        .env("LOTSENNETZ_NEO4J_BOLT_PORT", bolt_port().to_string())
        .env("LOTSENNETZ_NEO4J_PASSWORD", PASSWORD)
        .env_remove("LOTSENNETZ_NEO4J_URI")
        .status()
        .expect("scripts/neo4j.sh runs");
    assert!(status.success(), "scripts/neo4j.sh {command} failed");
}

/// The command line of the binary against this test's server.
fn lotsennetz(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_lotsennetz"));
    command
        .args(args)
        .env("LOTSENNETZ_STORE", "neo4j")
        .env("LOTSENNETZ_NEO4J_URI", format!("bolt://127.0.0.1:{}", bolt_port()))
        .env("LOTSENNETZ_NEO4J_USER", "neo4j")
        .env("LOTSENNETZ_NEO4J_PASSWORD", PASSWORD)
        .env("LOTSENNETZ_JWT_SECRET", SECRET)
        .env("LOTSENNETZ_LOG", "error");
    command
}

/// This test's turn on its server, started when it is not running, and emptied.
async fn take_server() -> tokio::sync::MutexGuard<'static, ()> {
    let turn = SERVER.lock().await;
    neo4j("start");
    wipe().await;
    turn
}

fn graph() -> neo4rs::Graph {
    let config = lotsennetz::config::Neo4jConfig {
        uri: format!("bolt://127.0.0.1:{}", bolt_port()),
        user: "neo4j".into(),
        password: lotsennetz::config::Secret::new(PASSWORD),
        database: None,
        pool_size: 2,
        feed: Default::default(),
    };
    lotsennetz::store::neo4j::connect_graph(&config).expect("Neo4j pool")
}

async fn wipe() {
    lotsennetz::store::neo4j::wipe(&graph()).await.expect("Neo4j emptied");
}

/// Records of the demo network of Baden-Württemberg (all places, topics, Lotsen and experts)
/// with its first `projects` projects; they come in dependency order, so a prefix is whole.
fn demo_records(projects: usize) -> Vec<String> {
    let file = repo().join("target/neo4j-feed-bw.jsonl");
    if !file.exists() {
        let status = lotsennetz(&["generate", "--scale", "bw", file.to_str().unwrap()]).status().unwrap();
        assert!(status.success(), "generate");
    }
    let text = std::fs::read_to_string(file).unwrap();
    let end = format!("\"id\":\"project-{projects:05}\"");
    let lines = text.lines().position(|line| line.contains(&end)).expect("the project exists");
    text.lines().take(lines + 1).filter(|l| !l.contains("\"type\":\"connection_request\"")).map(str::to_owned).collect()
}

/// Imports records through the command line.
fn import(records: &[String]) {
    let file = tempfile::NamedTempFile::with_suffix(".jsonl").unwrap();
    std::fs::write(file.path(), records.join("\n")).unwrap();
    let output = lotsennetz(&["import", file.path().to_str().unwrap()]).output().unwrap();
    assert!(output.status.success(), "import: {}", String::from_utf8_lossy(&output.stderr));
}

/// Imports the demo network with its first 300 projects.
fn import_demo() {
    import(&demo_records(300));
}

/// A `lotsennetz serve` process on this test's server; killed when dropped.
struct Instance {
    child: Child,
    address: String,
    http: reqwest::Client,
    token: String,
}

impl Instance {
    async fn start(extra: &[&str]) -> Self {
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port().to_string();
        let mut args = vec!["serve", "--port", &port];
        args.extend_from_slice(extra);
        let child = lotsennetz(&args).stdout(Stdio::null()).spawn().expect("the service starts");
        let token = lotsennetz::auth::mint(&AuthArgs::with_secret(SECRET), "admin", Role::Admin, None, 3600).unwrap();
        let instance = Self { child, address: format!("http://127.0.0.1:{port}"), http: reqwest::Client::new(), token };
        instance.wait_ready().await;
        instance
    }

    /// Waits until `/ready` answers 200: the store answers and the projection is loaded.
    async fn wait_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let status =
                self.http.get(format!("{}/ready", self.address)).send().await.ok().map(|r| r.status().as_u16());
            if status == Some(200) {
                return;
            }
            assert!(Instant::now() < deadline, "{} not ready: {status:?}", self.address);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn gql(&self, query: &str, variables: Value) -> Value {
        let response = self
            .http
            .post(format!("{}/graphql", self.address))
            .bearer_auth(&self.token)
            .json(&json!({ "query": query, "variables": variables }))
            .send()
            .await
            .expect("request sent");
        response.json().await.expect("JSON body")
    }

    /// The `data` of one root field, or the code of the first error.
    async fn answer(&self, field: &str, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables).await;
        match body["errors"][0]["extensions"]["code"].as_str() {
            Some(code) => json!(code),
            None => body["data"][field].clone(),
        }
    }

    /// The ids and scores of the best peers of a Lotse, or the error code.
    async fn peers(&self, lotse: &str) -> Value {
        let query = "query($l: ID!) { recommendPeers(lotseId: $l, first: 10) { lotse { id } score } }";
        self.answer("recommendPeers", query, json!({ "l": lotse })).await
    }

    /// The ids of the projects like one, or the error code.
    async fn similar(&self, project: &str) -> Value {
        let query = "query($p: ID!) { similarProjects(projectId: $p, first: 5) { project { id } } }";
        self.answer("similarProjects", query, json!({ "p": project })).await
    }

    /// The ids of the projects search finds for a question, or the error code.
    async fn search(&self, text: &str) -> Value {
        let query = "query($q: String!) { search(query: $q, kinds: [PROJECT]) { edges { node { node { ... on Project { id } } } } } }";
        let found = self.answer("search", query, json!({ "q": text })).await;
        match found["edges"].as_array() {
            Some(edges) => edges.iter().map(|e| e["node"]["node"]["id"].clone()).collect(),
            None => found,
        }
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill").args([&format!("-{signal}"), &self.child.id().to_string()]).status().unwrap();
        assert!(status.success());
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until a condition (an expression that may `.await`) holds; evaluates to how long
/// that took.
macro_rules! eventually {
    ($what:expr, $check:expr) => {{
        let started = Instant::now();
        while !$check {
            assert!(started.elapsed() < VISIBLE_WITHIN, "{} not seen within {VISIBLE_WITHIN:?}", $what);
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        started.elapsed()
    }};
}

const CREATE_PROJECT: &str = "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }";

/// A project like `project-00001` (same municipality, topics and members), under a new id.
async fn copy_of_first_project(instance: &Instance, id: &str) {
    let body = instance
        .gql(r#"{ project(id: "project-00001") { title municipality { id } topics { id } } }"#, json!({}))
        .await;
    let original = &body["data"]["project"];
    let topics: Vec<Value> = original["topics"].as_array().unwrap().iter().map(|t| t["id"].clone()).collect();
    let input = json!({ "id": id, "title": original["title"], "municipalityId": original["municipality"]["id"], "topicIds": topics });
    let created = instance.gql(CREATE_PROJECT, json!({ "input": input })).await;
    assert_eq!(created["data"]["createProject"]["id"], id, "{created}");
}

#[tokio::test]
async fn a_write_through_one_instance_reaches_the_others_recommendations() {
    let _turn = take_server().await;
    import_demo();
    let (a, b) = (Instance::start(&[]).await, Instance::start(&[]).await);
    assert_eq!(b.similar("p-feed").await, json!("NOT_FOUND"));

    copy_of_first_project(&a, "p-feed").await;
    let created_in = eventually!("the new project", b.similar("p-feed").await.is_array());
    let retitled = a
        .gql(
            r#"mutation { updateProject(id: "p-feed", input: { title: "Bürgerportal im Änderungsstrom" }) { id } }"#,
            json!({}),
        )
        .await;
    assert_eq!(retitled["data"]["updateProject"]["id"], "p-feed", "{retitled}");
    let _ = eventually!("the new title in search", b.search("Aenderungsstrom").await == json!(["p-feed"]));
    let deleted = a.gql(r#"mutation { deleteProject(id: "p-feed") }"#, json!({})).await;
    assert_eq!(deleted["data"]["deleteProject"], "p-feed", "{deleted}");
    let deleted_in = eventually!("the deletion", b.similar("p-feed").await == json!("NOT_FOUND"));

    assert_eq!(a.similar("project-00001").await, b.similar("project-00001").await);
    assert_eq!(a.peers("lotse-0001").await, b.peers("lotse-0001").await);
    eprintln!("visible in the other instance after {created_in:?} (create) and {deleted_in:?} (delete)");
}

#[tokio::test]
async fn an_answer_kept_by_one_instance_gives_way_to_a_write_through_another() {
    let _turn = take_server().await;
    import_demo();
    let (a, b) = (Instance::start(&[]).await, Instance::start(&[]).await);
    // b works the answer out and keeps it (the default); asked again, it answers from it.
    let kept = b.peers("lotse-0001").await;
    assert_eq!(b.peers("lotse-0001").await, kept);
    let first = kept[0]["lotse"]["id"].as_str().expect("a recommended peer").to_owned();

    // The peer hides from recommendations through a.
    let hide = r#"mutation($id: ID!) { updateLotse(id: $id, input: { visibility: CONTACTS_ONLY }) { id } }"#;
    let hidden = a.gql(hide, json!({ "id": first })).await;
    assert_eq!(hidden["data"]["updateLotse"]["id"], first.as_str(), "{hidden}");

    let ids = |answer: &Value| -> Vec<Value> {
        answer.as_array().unwrap().iter().map(|p| p["lotse"]["id"].clone()).collect()
    };
    let _ = eventually!(
        "the hidden peer leaving b's kept answer",
        !ids(&b.peers("lotse-0001").await).contains(&json!(first))
    );
    assert_eq!(b.peers("lotse-0001").await, a.peers("lotse-0001").await);
}

#[tokio::test]
async fn a_write_through_one_instance_reaches_a_subscriber_of_another() {
    let _turn = take_server().await;
    import_demo();
    let (a, b) = (Instance::start(&[]).await, Instance::start(&[]).await);
    let lotse = lotsennetz::auth::mint(&AuthArgs::with_secret(SECRET), "lotse-0001", Role::Lotse, None, 3600).unwrap();
    let mut subscriber = subscriber::Subscriber::ready(&a.address, &lotse).await;

    let started = Instant::now();
    let sent = b
        .gql(r#"mutation { requestConnection(fromLotseId: "lotse-0002", toLotseId: "lotse-0001") { id } }"#, json!({}))
        .await;
    let heard = subscriber.notification().await;
    let after = started.elapsed();
    assert_eq!(heard["__typename"], "ConnectionRequested");
    assert_eq!(heard["request"]["id"], sent["data"]["requestConnection"]["id"], "{sent}");
    assert_eq!(heard["request"]["from"]["id"], "lotse-0002");
    eprintln!("heard through the other instance after {after:?}");
}

#[tokio::test]
async fn imports_on_the_command_line_reach_a_running_server() {
    let _turn = take_server().await;
    let a = Instance::start(&[]).await;
    assert_eq!(a.peers("lotse-0001").await, json!("NOT_FOUND"));

    // Too large for the feed to hold its states: the instance reloads.
    import_demo();
    let _ = eventually!("the imported network", a.peers("lotse-0001").await.is_array());
    // Small enough: the instance puts the states the feed holds.
    let more = demo_records(310);
    import(&more[more.len() - 10..]);
    let _ = eventually!("ten more projects", a.similar("project-00310").await.is_array());

    let fresh = Instance::start(&[]).await;
    for project in ["project-00042", "project-00305"] {
        assert_eq!(a.similar(project).await, fresh.similar(project).await, "{project}");
    }
    assert_eq!(a.peers("lotse-0001").await, fresh.peers("lotse-0001").await);
}

#[tokio::test]
async fn entries_pruned_before_an_instance_read_them_make_it_reload_and_answer_as_a_fresh_start() {
    let _turn = take_server().await;
    import_demo();
    let (a, b) = (Instance::start(&[]).await, Instance::start(&[]).await);

    // B is frozen while A writes and the feed loses those entries, as a retention would.
    b.signal("STOP");
    copy_of_first_project(&a, "p-gap-1").await;
    copy_of_first_project(&a, "p-gap-2").await;
    a.gql(r#"mutation { deleteProject(id: "project-00002") }"#, json!({})).await;
    prune_feed().await;
    b.signal("CONT");

    let _ = eventually!("the reload", b.similar("p-gap-2").await.is_array());
    let fresh = Instance::start(&[]).await;
    for project in ["p-gap-1", "project-00001", "project-00002", "project-00100"] {
        assert_eq!(b.similar(project).await, fresh.similar(project).await, "{project}");
    }
    for lotse in ["lotse-0001", "lotse-0002", "lotse-0500"] {
        assert_eq!(b.peers(lotse).await, fresh.peers(lotse).await, "{lotse}");
    }
}

#[tokio::test]
async fn a_neo4j_restarted_or_emptied_under_a_running_server_is_followed_without_a_restart() {
    let _turn = take_server().await;
    import_demo();
    let a = Instance::start(&[]).await;
    let before = a.peers("lotse-0001").await;

    neo4j("restart");
    a.wait_ready().await;
    let writer = Instance::start(&[]).await;
    copy_of_first_project(&writer, "p-after-restart").await;
    let _ = eventually!("a write after the restart", a.similar("p-after-restart").await.is_array());
    assert_eq!(a.peers("lotse-0001").await, writer.peers("lotse-0001").await);
    assert_ne!(before, json!("NOT_FOUND"));

    wipe().await;
    let _ = eventually!("the emptied database", a.peers("lotse-0001").await == json!("NOT_FOUND"));
}

/// Deletes every entry of the change feed, keeping its head: what a retention does to an
/// instance that was away longer than it.
async fn prune_feed() {
    graph().run(neo4rs::query("MATCH (c:__Change) DELETE c")).await.expect("feed pruned");
}
