//! A subscriber over WebSocket: the `graphql-ws` npm client (tests/npm/live.mjs) in a Node
//! process, whose lines the test reads as they arrive. Shared by the test binaries that need
//! one (`#[path]`-included).

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;

/// Longest wait for a line the test expects.
pub const PATIENCE: Duration = Duration::from_secs(15);

pub struct Subscriber {
    child: Child,
    lines: mpsc::UnboundedReceiver<Value>,
}

/// The notifications subscription, choosing `kinds` (all when `None`).
pub fn notifications(kinds: Option<&[&str]>) -> Value {
    let query = "subscription($kinds: [NotificationKind!]) { notifications(kinds: $kinds) { __typename \
        ... on ConnectionRequested { request { id status from { id name } to { id } } } \
        ... on ConnectionAccepted { request { id status to { id } } } \
        ... on ProjectMatched { project { id title } topics { id } } \
        ... on InvitedToProject { invitation { status role project { id } invitedBy { id } } } \
        ... on InvitationAnswered { invitation { status project { id } lotse { id } } } \
        ... on GapOpened { municipality { id } topic { id } projects { id } } } }";
    json!({ "name": "notifications", "query": query, "variables": { "kinds": kinds } })
}

impl Subscriber {
    /// Connects to `base` (`http://host:port`) with a `connection_init` payload and starts the
    /// operations (`[{name, query, variables}]`).
    pub fn start(base: &str, init: Value, operations: Value) -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let npm = root.join("target/npm");
        assert!(
            npm.join("node_modules/graphql-ws").is_dir(),
            "graphql-ws is not installed: run scripts/npm.sh (scripts/test.sh does)"
        );
        let url = format!("{}/graphql/ws", base.replacen("http", "ws", 1));
        let mut child = Command::new("node")
            .arg(root.join("tests/npm/live.mjs"))
            .args([url, init.to_string(), operations.to_string()])
            .env("LOTSENNETZ_NPM_DIR", &npm)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs");
        let stdout = child.stdout.take().expect("piped");
        let (send, lines) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let value = serde_json::from_str(&line).unwrap_or_else(|_| json!({ "unreadable": line }));
                if send.send(value).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// Subscribes as the holder of `token` to every notification.
    pub async fn ready(base: &str, token: &str) -> Self {
        let mut subscriber =
            Self::start(base, json!({ "Authorization": format!("Bearer {token}") }), json!([notifications(None)]));
        subscriber.expect(|line| line.get("ready").is_some(), "the subscription running").await;
        subscriber
    }

    /// The next line, if one arrives within `wait`.
    pub async fn line_within(&mut self, wait: Duration) -> Option<Value> {
        tokio::time::timeout(wait, self.lines.recv()).await.ok().flatten()
    }

    /// Skips lines until one matches; panics when none does within [`PATIENCE`].
    pub async fn expect(&mut self, matches: impl Fn(&Value) -> bool, what: &str) -> Value {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        while let Some(line) = self.line_within(deadline.saturating_duration_since(tokio::time::Instant::now())).await {
            if matches(&line) {
                return line;
            }
            seen.push(line);
        }
        panic!("expected {what} within {PATIENCE:?}; got {seen:#?}");
    }

    /// The next notification (the `notifications` field of a `next` result).
    pub async fn notification(&mut self) -> Value {
        let line =
            self.expect(|line| line.get("next").is_some() || line.get("closed").is_some(), "a notification").await;
        assert!(line["next"]["errors"].is_null(), "errors in {line:#}");
        line["next"]["data"]["notifications"].clone()
    }

    /// Asserts that no notification arrives within `wait`.
    pub async fn quiet_for(&mut self, wait: Duration) {
        let deadline = tokio::time::Instant::now() + wait;
        while let Some(line) = self.line_within(deadline.saturating_duration_since(tokio::time::Instant::now())).await {
            assert!(line.get("next").is_none(), "unexpected notification: {line:#}");
        }
    }

    /// The close code and reason, once the server closes the connection.
    pub async fn closed(&mut self) -> (u64, String) {
        let line = self.expect(|line| line.get("closed").is_some(), "the connection closed").await;
        (line["closed"].as_u64().unwrap_or_default(), line["reason"].as_str().unwrap_or_default().to_owned())
    }
}

impl Drop for Subscriber {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
