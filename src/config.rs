//! Configuration of the service as typed values; `cli` builds it from command-line flags
//! and `LOTSENNETZ_*` variables, tests build it directly.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use crate::graphql::SchemaOptions;

/// Which storage backend serves the graph.
#[derive(Debug, Clone)]
pub enum StoreConfig {
    /// SQLite in `data_dir` plus the graph in memory.
    Embedded { data_dir: PathBuf },
    /// A Neo4j server (5.x) over Bolt.
    Neo4j(Neo4jConfig),
}

/// Where the Neo4j store connects and how.
#[derive(Debug, Clone)]
pub struct Neo4jConfig {
    /// `bolt://`, `neo4j://` or their `+s` / `+ssc` (TLS) variants.
    pub uri: String,
    pub user: String,
    pub password: Secret,
    /// Database name; `None` uses the server's default database.
    pub database: Option<String>,
    /// Largest number of open connections, besides the one that writes use.
    pub pool_size: usize,
    /// How the projection follows other instances' writes.
    pub feed: FeedConfig,
}

/// How often the change feed is polled, and how long its entries are kept.
#[derive(Debug, Clone, Copy)]
pub struct FeedConfig {
    pub interval: std::time::Duration,
    pub retention: std::time::Duration,
}

impl Default for FeedConfig {
    fn default() -> Self {
        Self { interval: std::time::Duration::from_millis(250), retention: std::time::Duration::from_secs(3600) }
    }
}

impl Neo4jConfig {
    /// The URI without any `user:password@` in it, for logs and messages.
    pub fn uri_for_display(&self) -> String {
        without_credentials(&self.uri)
    }
}

pub(crate) fn without_credentials(uri: &str) -> String {
    match uri.split_once("://").and_then(|(scheme, rest)| Some((scheme, rest.split_once('@')?.1))) {
        Some((scheme, host)) => format!("{scheme}://{host}"),
        None => uri.to_owned(),
    }
}

/// A value that must never reach a log: `Debug` prints a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Everything `Application::build` needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub store: StoreConfig,
    /// Seed the demo network of this size and seed into an empty store at start.
    pub demo: Option<(crate::demo::Scale, u64)>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How bearer tokens are checked.
    pub auth: crate::auth::AuthArgs,
    /// What one GraphQL request may ask for.
    pub limits: crate::graphql::Limits,
    /// Bounds of live notifications over WebSocket.
    pub live: LiveLimits,
    /// Introspection and field suggestions.
    pub schema: SchemaOptions,
    /// How long requests in flight may run on after a stop signal before they are cancelled.
    pub shutdown_timeout: Duration,
    /// Web origins whose pages may call the API (CORS); empty: none, `*`: any.
    pub cors_origins: Vec<String>,
    /// Answers of `recommendPeers` kept for the network's current state; 0 keeps none.
    pub peer_cache: usize,
    /// The web app: demo sign-in and OIDC client.
    pub web: crate::web::WebConfig,
}

impl Config {
    /// A configuration for tests and tools: loopback, a free port, the embedded store in `dir`,
    /// HS256 tokens with `secret`.
    pub fn embedded(data_dir: PathBuf, secret: &str) -> Self {
        Self {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            store: StoreConfig::Embedded { data_dir },
            demo: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            auth: crate::auth::AuthArgs::with_secret(secret),
            limits: crate::graphql::Limits::default(),
            live: LiveLimits::default(),
            schema: SchemaOptions::default(),
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            cors_origins: Vec::new(),
            peer_cache: crate::graph::DEFAULT_PEER_ANSWERS,
            web: crate::web::WebConfig::default(),
        }
    }
}

/// Bounds of live notifications over WebSocket (`/graphql/ws`).
#[derive(Debug, Clone, Copy)]
pub struct LiveLimits {
    /// How long a new connection may take to send `connection_init`.
    pub init_timeout: Duration,
    /// Most WebSocket connections open at once; further upgrades are answered 503.
    pub max_connections: usize,
    /// Most operations running at once on one connection.
    pub max_subscriptions: usize,
}

impl Default for LiveLimits {
    fn default() -> Self {
        Self { init_timeout: Duration::from_secs(10), max_connections: 10_000, max_subscriptions: 25 }
    }
}

pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Below the 30 s that Kubernetes grants a pod after SIGTERM before it kills the process.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(20);
