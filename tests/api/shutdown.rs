//! Stopping within a deadline: requests in flight finish, those still running at the deadline
//! are cancelled; the real binary on SIGTERM, with its JSON log lines.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use lotsennetz::Config;
use lotsennetz::auth::Role;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::helpers::*;

const TOPICS: &str = "query Topics { topics(first: 1) { edges { cursor } } }";

/// A `POST /graphql` whose body arrives in two parts, as from a slow client: the request is
/// in flight on the server while it waits for the rest.
struct SlowPost {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl SlowPost {
    async fn start(address: &str, body: &Value) -> Self {
        let host = address.trim_start_matches("http://");
        let body = serde_json::to_vec(body).unwrap();
        let (first, rest) = body.split_at(body.len() / 2);
        let mut stream = TcpStream::connect(host).await.unwrap();
        let head = format!(
            "POST /graphql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nAuthorization: Bearer {}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            token("admin", Role::Admin),
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(first).await.unwrap();
        Self { stream, rest: rest.to_vec() }
    }

    /// Sends the rest of the body and reads the answer.
    async fn finish(mut self) -> (u16, Value) {
        let rest = std::mem::take(&mut self.rest);
        self.stream.write_all(&rest).await.unwrap();
        self.answer().await
    }

    /// Reads the answer (status and JSON body) without sending the rest.
    async fn answer(mut self) -> (u16, Value) {
        let mut raw = Vec::new();
        // The server closes the connection after answering; what arrived until then counts.
        let _ = self.stream.read_to_end(&mut raw).await;
        let raw = String::from_utf8(raw).expect("a UTF-8 answer");
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or_else(|| panic!("an HTTP answer: {raw:?}"));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
        (status, serde_json::from_str(body).unwrap_or_else(|_| panic!("a JSON body: {body:?}")))
    }
}

/// Waits until the server answers `n` requests besides the scrape.
async fn wait_in_flight(address: &str, n: usize) {
    let client = reqwest::Client::new();
    let wanted = format!("lotsennetz_http_requests_in_flight {n}");
    for _ in 0..500 {
        let scrape = client.get(format!("{address}/metrics")).send().await.unwrap().text().await.unwrap();
        if scrape.lines().any(|line| line == wanted) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("never {n} requests in flight");
}

/// Waits until the listener refuses new connections.
async fn wait_refused(address: &str) {
    let host = address.trim_start_matches("http://");
    for _ in 0..500 {
        if TcpStream::connect(host).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the listener still accepts connections");
}

fn config(dir: &tempfile::TempDir, deadline: Duration) -> Config {
    let mut config = Config::embedded(dir.path().to_path_buf(), SECRET);
    config.shutdown_timeout = deadline;
    config
}

#[tokio::test]
async fn a_request_in_flight_finishes_after_the_stop_signal() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let (address, stop, server) = start(config(&dir, Duration::from_secs(20))).await;
    let request = SlowPost::start(&address, &json!({ "query": TOPICS })).await;
    wait_in_flight(&address, 1).await;

    // Act
    stop.send(()).unwrap();
    wait_refused(&address).await;
    let (status, body) = request.finish().await;
    let stopped = tokio::time::timeout(Duration::from_secs(5), server).await;

    // Assert
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["topics"]["edges"], json!([]));
    stopped.expect("serving ends once the request is answered").unwrap().unwrap();
}

#[tokio::test]
async fn a_request_still_running_at_the_deadline_is_cancelled() {
    // Arrange
    let deadline = Duration::from_millis(300);
    let dir = tempfile::tempdir().unwrap();
    let (address, stop, server) = start(config(&dir, deadline)).await;
    let request = SlowPost::start(&address, &json!({ "query": TOPICS })).await;
    wait_in_flight(&address, 1).await;

    // Act: the client never sends the rest of its body.
    let stopped_at = Instant::now();
    stop.send(()).unwrap();
    let (status, body) = request.answer().await;
    let answered = stopped_at.elapsed();
    tokio::time::timeout(deadline * 10, server).await.expect("serving ends").unwrap().unwrap();
    let returned = stopped_at.elapsed();

    // Assert
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["errors"][0]["extensions"]["code"], "SERVICE_UNAVAILABLE");
    assert!(answered >= deadline, "cancelled after {answered:?}, before the deadline");
    // The margin covers scheduling on a busy machine; without a deadline serving never ends.
    let bound = deadline + lotsennetz::shutdown::CANCEL_GRACE + Duration::from_secs(1);
    assert!(returned < bound, "serving ended {returned:?} after the stop signal, later than {bound:?}");
}

/// Starts `lotsennetz serve` with logs in `format` on a pipe (so not on a terminal); returns
/// the process, its base URL, and its log lines so far and to come.
fn serve_binary(
    dir: &std::path::Path,
    deadline: &str,
    format: &str,
) -> (Child, String, Vec<String>, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["serve", "--port", "0", "--store", "embedded", "--shutdown-timeout", deadline, "--log-format", format])
        .args(["--max-body-bytes", "50000000", "--data-dir"])
        .arg(dir)
        .env("LOTSENNETZ_JWT_SECRET", SECRET)
        .env("LOTSENNETZ_LOG", "info")
        .env_remove("NO_COLOR")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let (lines_tx, lines) = mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        BufReader::new(stderr).lines().map_while(Result::ok).for_each(|l| drop(lines_tx.send(l)))
    });
    let mut log = Vec::new();
    while let Ok(line) = lines.recv_timeout(Duration::from_secs(30)) {
        log.push(line.clone());
        // `address=127.0.0.1:1234` in text, `"address":"127.0.0.1:1234"` in JSON.
        let address = line.split_once("address").map(|(_, rest)| {
            rest.trim_start_matches(['=', '"', ':']).split(['"', ' ']).next().unwrap_or_default().to_owned()
        });
        if let Some(address) = address.filter(|a| !a.is_empty()) {
            return (child, format!("http://{address}"), log, lines);
        }
    }
    child.kill().and_then(|()| child.wait()).expect("the server stops");
    panic!("the server did not log its address: {log:#?}");
}

/// Sends SIGTERM and waits for the process to exit; returns how long that took.
async fn terminate(child: &mut Child) -> Duration {
    let signalled = Instant::now();
    assert!(Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap().success());
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{status:?}");
            return signalled.elapsed();
        }
        assert!(signalled.elapsed() < Duration::from_secs(30), "the process did not exit");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn text_logs_on_a_pipe_have_no_colour_codes_and_one_line_per_request() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, address, mut log, lines) = serve_binary(dir.path(), "1s", "text");

    reqwest::Client::new().get(format!("{address}/health")).header("x-request-id", "probe-text").send().await.unwrap();
    terminate(&mut child).await;
    log.extend(lines.iter());

    assert!(log.iter().all(|l| !l.contains('\u{1b}')), "colour codes in {log:#?}");
    let probe: Vec<&String> = log.iter().filter(|l| l.contains("request_id=probe-text")).collect();
    assert_eq!(probe.len(), 1, "{log:#?}");
    assert!(
        probe[0].contains("INFO") && probe[0].contains("path=/health") && probe[0].contains("status=200"),
        "{}",
        probe[0]
    );
}

#[tokio::test]
async fn sigterm_stops_the_binary_at_the_deadline_and_every_log_line_is_json() {
    // Arrange: a named probe, then a request in flight whose client never sends the rest.
    let dir = tempfile::tempdir().unwrap();
    let deadline = Duration::from_millis(300);
    let (mut child, address, mut log, lines) = serve_binary(dir.path(), "300ms", "json");
    let probe = reqwest::Client::new()
        .post(format!("{address}/graphql"))
        .bearer_auth(token("admin", Role::Admin))
        .header("x-request-id", "probe-4711")
        .json(&json!({ "query": TOPICS }))
        .send()
        .await
        .unwrap();
    let refused = reqwest::Client::new()
        .post(format!("{address}/graphql"))
        .bearer_auth("not-a-token")
        .header("x-request-id", "refused-0815")
        .json(&json!({ "query": TOPICS }))
        .send()
        .await
        .unwrap();
    let slow = SlowPost::start(&address, &json!({ "query": TOPICS })).await;
    wait_in_flight(&address, 1).await;

    // Act
    let signalled = Instant::now();
    let answer = async {
        let answer = slow.answer().await;
        (answer, signalled.elapsed())
    };
    let (((status, body), answered), exited) = tokio::join!(answer, terminate(&mut child));
    log.extend(lines.iter());

    // Assert: cut at the deadline, ended soon after.
    assert_eq!(status, 503, "{body}");
    assert!(answered >= deadline, "cut after {answered:?}, before the deadline");
    let bound = deadline + Duration::from_secs(2);
    assert!(exited < bound, "exited {exited:?} after SIGTERM, later than {bound:?}");
    // Every line is JSON; the probe's line names its request.
    assert_eq!(probe.headers()["x-request-id"], "probe-4711");
    let log: Vec<Value> =
        log.iter().map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}"))).collect();
    let probe_lines: Vec<&Value> = log.iter().filter(|l| l["span"]["request_id"] == "probe-4711").collect();
    assert_eq!(probe_lines.len(), 1, "one line for the probe: {log:#?}");
    let line = probe_lines[0];
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["status"], 200);
    assert!(line["duration_ms"].as_f64().is_some(), "{line}");
    assert_eq!(line["span"]["method"], "POST");
    assert_eq!(line["span"]["path"], "/graphql");
    assert_eq!(line["span"]["operation"], "Topics");
    // Every line of a request carries its id: here the refusal's reason and its answer.
    assert_eq!(refused.status(), 401);
    let refusal: Vec<&str> = log
        .iter()
        .filter(|l| l["span"]["request_id"] == "refused-0815")
        .map(|l| l["message"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(refusal, ["token refused", "answered"], "{log:#?}");
    let cancelled = |l: &&Value| l["message"] == "request cancelled at the shutdown deadline";
    let cancelled: Vec<&Value> = log.iter().filter(cancelled).collect();
    assert_eq!(cancelled.len(), 1, "{log:#?}");
    assert!(cancelled[0]["span"]["request_id"].as_str().is_some_and(|id| !id.is_empty()), "{:?}", cancelled[0]);
}

/// An import of ten thousand records of the demo network, a request that keeps the service
/// busy for about a second in a debug build, mostly in synchronous code that cancellation
/// cannot interrupt.
fn large_import() -> Value {
    let nodes = lotsennetz::demo::generate(lotsennetz::demo::Scale::BW, 7);
    let mut records = Vec::new();
    lotsennetz::transfer::write_records(&mut records, &nodes).unwrap();
    let records: Vec<&str> = std::str::from_utf8(&records).unwrap().lines().take(10_000).collect();
    json!({
        "query": "mutation Import($records: String!) { importRecords(records: $records) { created } }",
        "variables": { "records": records.join("\n") },
    })
}

#[tokio::test]
async fn sigterm_during_a_large_import_exits_at_the_deadline_and_writes_nothing() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let deadline = Duration::from_millis(50);
    let (mut child, address, _, _lines) = serve_binary(dir.path(), "50ms", "json");
    let import = reqwest::Client::new().post(format!("{address}/graphql")).bearer_auth(token("admin", Role::Admin));
    let import = tokio::spawn(import.json(&large_import()).send());
    wait_in_flight(&address, 1).await;

    // Act
    let exited = terminate(&mut child).await;
    let import = import.await.unwrap();
    let export = Command::new(env!("CARGO_BIN_EXE_lotsennetz"))
        .args(["export", "--store", "embedded", "-", "--data-dir"])
        .arg(dir.path())
        .output()
        .unwrap();

    // Assert: the process did not wait for the import, which was applied entirely or not at all.
    let bound = deadline + Duration::from_secs(2);
    assert!(exited < bound, "exited {exited:?} after SIGTERM, later than {bound:?}");
    if let Ok(response) = import {
        assert_eq!(response.status(), 503, "the import was answered: {:?}", response.text().await);
    }
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    assert!(export.stdout.is_empty(), "records were written: {} bytes", export.stdout.len());
}
