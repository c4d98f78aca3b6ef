//! Configuration of the service, from command-line flags and `LOTSENNETZ_*` variables.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

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
}

impl Neo4jConfig {
    /// The URI without any `user:password@` in it, for logs and messages.
    pub fn uri_for_display(&self) -> String {
        without_credentials(&self.uri)
    }
}

fn without_credentials(uri: &str) -> String {
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

/// Storage backend chosen on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StoreKind {
    /// SQLite plus an in-memory graph in `--data-dir`; no server needed.
    Embedded,
    /// A Neo4j server, see the `--neo4j-*` options.
    Neo4j,
}

/// Storage options shared by every subcommand that opens the store.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Storage backend.
    #[arg(long, env = "LOTSENNETZ_STORE", value_enum, default_value = "embedded")]
    pub store: StoreKind,
    /// Directory of the embedded store; created when missing.
    #[arg(long, env = "LOTSENNETZ_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Bolt URI of the Neo4j server (`bolt://`, `neo4j://`, `bolt+s://`, `neo4j+s://`).
    #[arg(long, env = "LOTSENNETZ_NEO4J_URI", default_value = "bolt://127.0.0.1:7687")]
    pub neo4j_uri: String,
    /// Neo4j user.
    #[arg(long, env = "LOTSENNETZ_NEO4J_USER", default_value = "neo4j")]
    pub neo4j_user: String,
    /// Neo4j password; prefer the environment variable, a flag shows up in process lists.
    #[arg(long, env = "LOTSENNETZ_NEO4J_PASSWORD", hide_env_values = true, default_value = "")]
    pub neo4j_password: String,
    /// Neo4j database; empty for the server's default database.
    #[arg(long, env = "LOTSENNETZ_NEO4J_DATABASE", default_value = "")]
    pub neo4j_database: String,
    /// Largest number of connections to Neo4j, besides the one that writes use.
    #[arg(long, env = "LOTSENNETZ_NEO4J_POOL_SIZE", default_value_t = 16)]
    pub neo4j_pool_size: usize,
}

impl StoreArgs {
    pub fn config(&self) -> StoreConfig {
        match self.store {
            StoreKind::Embedded => StoreConfig::Embedded { data_dir: self.data_dir.clone() },
            StoreKind::Neo4j => StoreConfig::Neo4j(Neo4jConfig {
                uri: self.neo4j_uri.clone(),
                user: self.neo4j_user.clone(),
                password: Secret::new(self.neo4j_password.clone()),
                database: Some(self.neo4j_database.clone()).filter(|d| !d.is_empty()),
                pool_size: self.neo4j_pool_size.max(1),
            }),
        }
    }

    /// Where the store lives, for messages.
    pub fn location(&self) -> String {
        match self.store {
            StoreKind::Embedded => self.data_dir.display().to_string(),
            StoreKind::Neo4j => without_credentials(&self.neo4j_uri),
        }
    }
}

/// Size of a demo or generated network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoScale {
    /// Baden-Württemberg: 1,101 municipalities, 1,600 Lotsen, 4,000 projects.
    Bw,
    /// Germany: 10,800 municipalities, 20,000 Lotsen, 100,000 projects.
    De,
    /// Germany with ten times the Lotsen and projects.
    Xl,
}

impl DemoScale {
    pub fn scale(self) -> crate::demo::Scale {
        match self {
            DemoScale::Bw => crate::demo::Scale::BW,
            DemoScale::De => crate::demo::Scale::DE,
            DemoScale::Xl => crate::demo::Scale::XL,
        }
    }
}

/// Everything `Application::build` needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub store: StoreConfig,
    /// Seed the demo network into an empty store at start.
    pub demo: Option<(DemoScale, u64)>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// How bearer tokens are checked.
    pub auth: crate::auth::AuthArgs,
    /// What one GraphQL request may ask for.
    pub limits: crate::graphql::Limits,
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
            web: crate::web::WebConfig::default(),
        }
    }
}

pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
