//! The service on Neo4j when Neo4j fails: started while the server is down it serves 503 on
//! `/ready` and `SERVICE_UNAVAILABLE` on queries, and once the server is up it works without
//! a restart; when the server restarts while serving, it recovers by itself. An import too
//! large for the server's transaction memory fails at once, writing nothing, on the command
//! line and over GraphQL.
//!
//! Uses its own Neo4j server (home `target/neo4j-faults`, Bolt port from
//! `LOTSENNETZ_FAULTS_BOLT_PORT`, default 7697) through `scripts/neo4j.sh`, so stopping it
//! disturbs no other test; the tests here take turns on it.

#[path = "neo4j_faults/proxy.rs"]
mod proxy;
#[path = "neo4j_faults/restart.rs"]
mod restart;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use lotsennetz::auth::{AuthArgs, Role};
use lotsennetz::config::{Neo4jConfig, Secret, StoreConfig};
use lotsennetz::{Application, Config};
use serde_json::{Value, json};

const SECRET: &str = "fault-test-secret-of-at-least-32-bytes";
const PASSWORD: &str = "lotsennetz-faults";
/// Bolt port of the fault-test server unless `LOTSENNETZ_FAULTS_BOLT_PORT` names another.
const DEFAULT_BOLT_PORT: u16 = 7697;

/// The tests here stop and start the same server: one at a time.
static SERVER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bolt_port() -> u16 {
    match std::env::var("LOTSENNETZ_FAULTS_BOLT_PORT") {
        Ok(port) if !port.is_empty() => {
            port.parse().unwrap_or_else(|_| panic!("LOTSENNETZ_FAULTS_BOLT_PORT is not a port number: '{port}'"))
        }
        _ => DEFAULT_BOLT_PORT,
    }
}

fn bolt_uri() -> String {
    format!("bolt://127.0.0.1:{}", bolt_port())
}

/// Runs `scripts/neo4j.sh <command>` for the fault-test server.
fn neo4j(command: &str) {
    neo4j_with(command, None);
}

/// Runs `scripts/neo4j.sh <command>`; a start with `tx_memory` limits the memory of all
/// transactions together to it.
fn neo4j_with(command: &str, tx_memory: Option<&str>) {
    let started = Instant::now();
    let status = Command::new(repo().join("scripts/neo4j.sh"))
        .arg(command)
        .env("LOTSENNETZ_NEO4J_HOME", repo().join("target/neo4j-faults"))
        .env("LOTSENNETZ_NEO4J_BOLT_PORT", bolt_port().to_string())
        .env("LOTSENNETZ_NEO4J_PASSWORD", PASSWORD)
        .env("LOTSENNETZ_NEO4J_TX_MEMORY", tx_memory.unwrap_or_default())
        .env_remove("LOTSENNETZ_NEO4J_URI")
        .status()
        .expect("scripts/neo4j.sh runs");
    assert!(status.success(), "scripts/neo4j.sh {command} failed");
    eprintln!("neo4j.sh {command}: {:.1} s", started.elapsed().as_secs_f64());
}

/// Stops the fault-test server when the test ends, also when it fails.
struct StopOnDrop;

/// This test's turn on the fault-test server, which is stopped now and when the turn ends
/// (before the next test's turn: tuple fields drop in order).
async fn take_server() -> (StopOnDrop, tokio::sync::MutexGuard<'static, ()>) {
    assert!(
        std::env::var("LOTSENNETZ_NEO4J_URI").is_ok_and(|v| !v.is_empty()),
        "LOTSENNETZ_NEO4J_URI is not set: the Neo4j tests need the setup of scripts/test.sh; run scripts/test.sh"
    );
    let turn = SERVER.lock().await;
    neo4j("stop");
    (StopOnDrop, turn)
}

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        neo4j("stop");
    }
}

struct Client {
    http: reqwest::Client,
    address: String,
    token: String,
}

/// Starts the service on the fault-test server, as `lotsennetz serve --store neo4j` does, with
/// `adjust` applied to its configuration; the client sends `token`.
async fn serve(token: String, adjust: impl FnOnce(&mut Config)) -> Client {
    serve_at(bolt_uri(), token, adjust).await
}

/// [`serve`] with the service reaching Neo4j at `uri`.
async fn serve_at(uri: String, token: String, adjust: impl FnOnce(&mut Config)) -> Client {
    let mut config = Config::embedded(PathBuf::new(), SECRET);
    config.store = StoreConfig::Neo4j(Neo4jConfig {
        uri,
        user: "neo4j".into(),
        password: Secret::new(PASSWORD),
        database: None,
        pool_size: 4,
        feed: Default::default(),
    });
    adjust(&mut config);
    let app = Application::build(config).await.expect("the service starts, with or without Neo4j");
    let address = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    // Far above every deadline of the service: a request that hangs fails the test, not the run.
    let http = reqwest::Client::builder().timeout(Duration::from_secs(180)).build().expect("HTTP client");
    Client { http, address, token }
}

fn token(subject: &str, role: Role, scope: Option<&str>) -> String {
    lotsennetz::auth::mint(&AuthArgs::with_secret(SECRET), subject, role, scope, 3600).expect("token")
}

impl Client {
    async fn ready_status(&self) -> u16 {
        self.http.get(format!("{}/ready", self.address)).send().await.expect("ready answers").status().as_u16()
    }

    async fn gql(&self, query: &str, variables: Value) -> Value {
        self.send(None, query, variables).await.expect("an answer")
    }

    /// A request with an `Idempotency-Key` (if given); `None` when no answer came at all.
    async fn send(&self, key: Option<&str>, query: &str, variables: Value) -> Option<Value> {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .bearer_auth(&self.token)
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await.ok()?.json().await.ok()
    }

    /// Regions with this name.
    /// How many regions the list shows with this name, once the change feed has had time to
    /// bring a write whose answer was lost into the projection (polled every 250 ms; up to
    /// 10 s on a busy machine).
    async fn regions_named_after_feed(&self, name: &str) -> usize {
        let started = Instant::now();
        loop {
            let count = self.regions_named(name).await;
            if count > 0 || started.elapsed() > Duration::from_secs(10) {
                return count;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn regions_named(&self, name: &str) -> usize {
        let query = "query($name: String) { regions(first: 100, filter: { nameContains: $name }) { edges { node { id name } } } }";
        let listed = self.gql(query, json!({ "name": name })).await;
        let edges = listed["data"]["regions"]["edges"].as_array().cloned().unwrap_or_else(|| panic!("{listed:#}"));
        edges.iter().filter(|e| e["node"]["name"] == name).count()
    }

    /// The error code of a request that must fail, and how long it took.
    async fn error_code(&self, query: &str) -> (String, Duration) {
        let started = Instant::now();
        let body = self.gql(query, json!({})).await;
        let code = body["errors"][0]["extensions"]["code"].as_str().unwrap_or_else(|| panic!("an error: {body:#}"));
        (code.to_owned(), started.elapsed())
    }

    /// Waits until `/ready` says 200.
    async fn wait_ready(&self, within: Duration) -> Duration {
        let started = Instant::now();
        while self.ready_status().await != 200 {
            assert!(started.elapsed() < within, "not ready {within:?} after Neo4j came back");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        started.elapsed()
    }
}

/// A read that goes to Neo4j: nodes by id are read from the database (lists and the
/// questions answer from the projection once it is loaded).
const READ_REGIONS: &str = r#"{ a: region(id: "region-a") { id name } b: region(id: "region-b") { id name } }"#;
const CREATE_REGION: &str = "mutation($input: CreateRegionInput!) { createRegion(input: $input) { id name } }";

fn region(name: &str) -> Value {
    json!({ "input": { "name": name, "kind": "REGION" } })
}

/// The first error's code, if any.
fn code(answer: &Value) -> Option<&str> {
    answer["errors"][0]["extensions"]["code"].as_str()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_cut_off_at_its_commit_is_reported_unknown_and_its_retry_gets_the_stored_answer() {
    let _server = take_server().await;
    neo4j("start");
    let proxy = proxy::BoltProxy::start(bolt_port()).await;
    let client = serve_at(format!("bolt://127.0.0.1:{}", proxy.port), token("admin", Role::Admin, None), |_| {}).await;
    client.wait_ready(Duration::from_secs(60)).await;
    let warm_up = client.gql(CREATE_REGION, region("warm-up")).await;
    assert!(code(&warm_up).is_none(), "{warm_up:#}");

    for (cut, name) in [(proxy::Cut::AfterCommit, "stored, answer lost"), (proxy::Cut::BeforeCommit, "never stored")] {
        // Arrange
        // The server keeps the regions of earlier runs.
        let name = &format!("{name} {}", std::process::id());
        let key = format!("cut-{}-{:?}", std::process::id(), cut);
        proxy.cut_next_commit(cut);

        // Act
        let first = client.send(Some(&key), CREATE_REGION, region(name)).await.expect("an answer");
        assert!(proxy.cut_done(), "{cut:?}: the write sent COMMIT");
        let retried = client.send(Some(&key), CREATE_REGION, region(name)).await.expect("an answer");
        let again = client.send(Some(&key), CREATE_REGION, region(name)).await.expect("an answer");

        // Assert: unknown at first; the retry answers the write, the next the same; stored once.
        assert_eq!(code(&first), Some("WRITE_OUTCOME_UNKNOWN"), "{cut:?}: {first:#}");
        assert!(code(&retried).is_none(), "{cut:?}: {retried:#}");
        assert_eq!(retried["data"]["createRegion"]["name"], name.as_str());
        assert_eq!(again, retried, "{cut:?}");
        assert_eq!(client.regions_named_after_feed(name).await, 1, "{cut:?}");
    }

    // A use case whose check the lost write made untrue (the request is no longer pending)
    // answers its retry with the stored state, not with CONFLICT.
    let request = connection_request(&client).await;
    let key = format!("accept-{}", std::process::id());
    let accept = "mutation($id: ID!) { acceptConnectionRequest(id: $id) { id status } }";
    proxy.cut_next_commit(proxy::Cut::AfterCommit);
    let first = client.send(Some(&key), accept, json!({ "id": request })).await.expect("an answer");
    let retried = client.send(Some(&key), accept, json!({ "id": request })).await.expect("an answer");
    assert_eq!(code(&first), Some("WRITE_OUTCOME_UNKNOWN"), "{first:#}");
    assert!(code(&retried).is_none(), "{retried:#}");
    assert_eq!(retried["data"]["acceptConnectionRequest"]["status"], "ACCEPTED", "{retried:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_open_connections_in_the_pool_delay_no_request_beyond_its_deadline() {
    let _server = take_server().await;
    neo4j("start");
    let proxy = proxy::BoltProxy::start(bolt_port()).await;
    let uri = format!("bolt://127.0.0.1:{}", proxy.port);
    let client = serve_at(uri, token("admin", Role::Admin, None), |config| {
        if let StoreConfig::Neo4j(neo4j) = &mut config.store {
            neo4j.pool_size = 4;
        }
    })
    .await;
    client.wait_ready(Duration::from_secs(60)).await;
    // Several reads at once fill the pool with connections, a write opens the writer's. (A
    // server that has just started may answer its first queries only after a while.)
    let read = || client.gql(READ_REGIONS, json!({}));
    let warming = Instant::now();
    loop {
        let (a, b, c, d) = tokio::join!(read(), read(), read(), read());
        if [a, b, c, d].iter().all(|answer| code(answer).is_none()) {
            break;
        }
        assert!(warming.elapsed() < Duration::from_secs(60), "the server answers no reads");
    }
    let written = client.gql(CREATE_REGION, region(&format!("before the fault {}", std::process::id()))).await;
    assert!(code(&written).is_none(), "{written:#}");

    // Act: every connection open now goes silent, as a network fault leaves them half-open.
    let silenced = proxy.silence_open_connections();
    let started = Instant::now();
    let read = client.gql(READ_REGIONS, json!({})).await;
    let read_took = started.elapsed();
    let started = Instant::now();
    let name = format!("after the fault {}", std::process::id());
    let key = format!("after-the-fault-{}", std::process::id());
    let write = client.send(Some(&key), CREATE_REGION, region(&name)).await.expect("an answer");
    let write_took = started.elapsed();

    // Assert: the pool drops the dead connections for new ones within 5 s, reads and writes answer.
    eprintln!("{silenced} connections silenced; a read answered after {read_took:?}, a write after {write_took:?}");
    assert!(silenced >= 2, "the pool had connections to lose");
    assert!(code(&read).is_none(), "{read:#}");
    assert!(read_took < Duration::from_secs(5), "the read took {read_took:?}");
    assert!(code(&write).is_none(), "{write:#}");
    assert!(write_took < Duration::from_secs(5), "the write took {write_took:?}");
}

/// A pending connection request between two new Lotsen; its id.
async fn connection_request(client: &Client) -> String {
    let run = |query: &'static str, variables: Value| async move {
        let answer = client.gql(query, variables).await;
        assert!(code(&answer).is_none(), "{answer:#}");
        let data = answer["data"].as_object().and_then(|d| d.values().next()).cloned().expect("data");
        data["id"].as_str().expect("an id").to_owned()
    };
    let region = run(CREATE_REGION, region("Region der Lotsen")).await;
    let district = run(
        "mutation($input: CreateDistrictInput!) { createDistrict(input: $input) { id } }",
        json!({ "input": { "name": "Landkreis", "kind": "LANDKREIS", "regionId": region } }),
    )
    .await;
    let municipality = run(
        "mutation($input: CreateMunicipalityInput!) { createMunicipality(input: $input) { id } }",
        json!({ "input": { "name": "Gemeinde", "districtId": district } }),
    )
    .await;
    let create_lotse = "mutation($input: CreateLotseInput!) { createLotse(input: $input) { id } }";
    let lotse = |name: &str| json!({ "input": { "name": name, "municipalityId": municipality } });
    let from = run(create_lotse, lotse("Anna")).await;
    let to = run(create_lotse, lotse("Ben")).await;
    run(
        "mutation($from: ID!, $to: ID!) { requestConnection(fromLotseId: $from, toLotseId: $to) { id } }",
        json!({ "from": from, "to": to }),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_survives_neo4j_being_down_and_restarted() {
    let _server = take_server().await;

    // Arrange: the service starts while Neo4j is down.
    let client = serve(token("admin", Role::Admin, None), |_| {}).await;

    // Down at start: not ready, requests are refused quickly with SERVICE_UNAVAILABLE.
    assert_eq!(client.ready_status().await, 503);
    let (code, took) = client.error_code(READ_REGIONS).await;
    assert_eq!(code, "SERVICE_UNAVAILABLE");
    assert!(took < Duration::from_secs(5), "refused after {took:?}");

    // Neo4j comes up: the service becomes ready by itself and serves reads and writes.
    neo4j("start");
    let waited = client.wait_ready(Duration::from_secs(30)).await;
    eprintln!("ready {waited:?} after Neo4j started");
    let name = format!("Region {}", std::process::id());
    let created = client
        .gql(
            "mutation($input: CreateRegionInput!) { createRegion(input: $input) { id name } }",
            json!({ "input": { "name": name, "kind": "REGION" } }),
        )
        .await;
    assert!(created.get("errors").is_none(), "{created:#}");
    let id = created["data"]["createRegion"]["id"].as_str().expect("an id").to_owned();

    // Neo4j stops while serving: unavailable, no hang, no panic.
    neo4j("stop");
    assert_eq!(client.ready_status().await, 503);
    for _ in 0..3 {
        let (code, took) = client.error_code(READ_REGIONS).await;
        assert_eq!(code, "SERVICE_UNAVAILABLE");
        assert!(took < Duration::from_secs(5), "refused after {took:?}");
    }

    // Neo4j is back: the same service process recovers, and the data is still there.
    neo4j("start");
    let waited = client.wait_ready(Duration::from_secs(30)).await;
    eprintln!("ready again {waited:?} after the restart");
    // By id: the other tests here leave more regions on this server than a page holds.
    let found = client.gql("query($id: ID!) { region(id: $id) { id name } }", json!({ "id": id })).await;
    assert!(found.get("errors").is_none(), "{found:#}");
    assert_eq!(found["data"]["region"]["name"], name.as_str(), "region {id} survived the restart: {found:#}");
}

/// Runs the `lotsennetz` command against the fault-test server.
fn lotsennetz(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(args)
        .arg(file)
        .args(["--store", "neo4j"])
        .env("LOTSENNETZ_NEO4J_URI", bolt_uri())
        .env("LOTSENNETZ_NEO4J_USER", "neo4j")
        .env("LOTSENNETZ_NEO4J_PASSWORD", PASSWORD)
        .env_remove("LOTSENNETZ_NEO4J_DATABASE")
        .env("LOTSENNETZ_LOG", "lotsennetz=debug")
        .output()
        .expect("lotsennetz runs")
}

/// Records in the network, by the command that exports it.
fn exported_records(dir: &Path) -> usize {
    let file = dir.join("export.jsonl");
    let export = lotsennetz(&["export"], &file);
    assert!(export.status.success(), "export: {}", String::from_utf8_lossy(&export.stderr));
    std::fs::read_to_string(&file).expect("export written").lines().count()
}

/// Most records one `importRecords` call takes.
const RECORDS_PER_CALL: usize = 10_000;
const IMPORT_RECORDS: &str = "mutation($records: String!) { importRecords(records: $records) { records written } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_too_large_for_the_transaction_memory_fails_at_once_and_writes_nothing() {
    let _server = take_server().await;
    neo4j("reset");
    // Arrange: a server whose transactions may use 40 MiB in all, and the Baden-Württemberg network.
    neo4j_with("start", Some("40m"));
    let dir = tempfile::tempdir().expect("temp dir");
    let network = dir.path().join("bw.jsonl");
    let generated = Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["generate", "--scale", "bw", "--seed", "42"])
        .arg(&network)
        .output()
        .expect("generate runs");
    assert!(generated.status.success(), "{}", String::from_utf8_lossy(&generated.stderr));
    let text = std::fs::read_to_string(&network).expect("network written");
    let records = text.lines().count();

    // Act: import it in one transaction.
    let started = Instant::now();
    let import = lotsennetz(&["import"], &network);
    let took = started.elapsed();

    // Assert: it fails with the code and the advice, tried once, and nothing is stored.
    let stderr = String::from_utf8_lossy(&import.stderr);
    assert!(!import.status.success(), "the import must fail: {stderr}");
    assert!(stderr.contains("TRANSACTION_TOO_LARGE"), "{stderr}");
    assert!(stderr.contains("smaller --batch-size"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(!stderr.contains("retrying Neo4j operation"), "a memory limit is not retried: {stderr}");
    eprintln!("the import failed after {took:?}");
    assert_eq!(exported_records(dir.path()), 0, "an atomic import that failed writes nothing");

    // Act: an integration sends as many of the records as one `importRecords` call takes. They
    // are more than the default request body limit of 1 MiB allows (quoted in JSON, even more),
    // so the service accepts twice their size.
    let call = text.lines().take(RECORDS_PER_CALL).collect::<Vec<_>>().join("\n");
    let client = serve(token("dashboard", Role::Integration, Some("import")), |config| {
        config.max_body_bytes = 2 * call.len();
    })
    .await;
    let started = Instant::now();
    let answer = client.gql(IMPORT_RECORDS, json!({ "records": call })).await;
    eprintln!("importRecords failed after {:?}", started.elapsed());

    // Assert: the caller is told to send fewer records, and nothing is stored. The export is
    // another client of the server: it needs transaction memory that the failed transaction
    // must not keep while the service goes on running.
    let error = &answer["errors"][0];
    assert_eq!(error["extensions"]["code"], "BAD_USER_INPUT", "{answer:#}");
    assert_eq!(error["extensions"]["field"], "records", "{answer:#}");
    let message = error["message"].as_str().expect("a message");
    assert!(message.contains(&format!("{RECORDS_PER_CALL} records are too many for one transaction")), "{message}");
    assert!(message.contains("send fewer per call"), "{message}");
    assert!(answer["data"]["importRecords"].is_null(), "{answer:#}");
    assert_eq!(exported_records(dir.path()), 0, "an importRecords call that failed writes nothing");

    // The advice works: in smaller batches the same file imports.
    let batched = lotsennetz(&["import", "--batch-size", "1000"], &network);
    assert!(batched.status.success(), "{}", String::from_utf8_lossy(&batched.stderr));
    assert_eq!(exported_records(dir.path()), records);
}
