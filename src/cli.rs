//! The command line: subcommands, flags and their `LOTSENNETZ_*` variables, and the typed
//! [`Config`] built from them. Nothing of clap leaves this module except `AuthArgs`, which
//! `token` and `serve` share with the auth module.

use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{BoolishValueParser, PossibleValuesParser, TypedValueParser as _};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::auth::{AuthArgs, Role};
use crate::config::{
    Config, DEFAULT_MAX_BODY_BYTES, FeedConfig, LiveLimits, Neo4jConfig, Secret, StoreConfig, without_credentials,
};
use crate::graphql::{Limits, SchemaOptions};
use crate::telemetry::LogFormat;

#[derive(Parser)]
#[command(name = "lotsennetz", version, about = "Matchmaking and networking service of the Kommunale Digitallotsen")]
pub struct Cli {
    /// Log format on stderr: `text` (colours only on a terminal) or `json` (one object a line).
    #[arg(
        long,
        global = true,
        env = "LOTSENNETZ_LOG_FORMAT",
        default_value = "text",
        value_parser = PossibleValuesParser::new(["text", "json"]).map(|s| s.parse::<LogFormat>().expect("a listed value"))
    )]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Serves the GraphQL API.
    Serve(Box<ServeArgs>),
    /// Prints the GraphQL schema (SDL) the server serves.
    Schema,
    /// Prints a signed HS256 token for the configured secret, issuer and audience.
    Token(TokenArgs),
    /// Imports records (JSON Lines; `.gz` compressed; `-` for standard input) into the store.
    Import {
        /// File to read.
        file: PathBuf,
        /// Check every record, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Write in transactions of this many records instead of one for the whole file.
        #[arg(long)]
        batch_size: Option<usize>,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Exports the whole network as JSON Lines (`.gz` compressed; `-` for standard output).
    Export {
        /// File to write.
        file: PathBuf,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Writes a synthetic network as JSON Lines (`.gz` compressed; `-` for standard output).
    Generate {
        /// Size: bw, de or xl.
        #[arg(long, value_enum, default_value = "bw")]
        scale: DemoScale,
        /// Seed; the same seed gives the same network.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// File to write.
        #[arg(default_value = "-")]
        file: PathBuf,
    },
    /// Scores `recommendPeers` against a later truth, next to classic baselines (NDCG@10,
    /// hit@10, recall@50, MRR, coverage, latency): a network file and a truth file, or the
    /// demo network with some of its connections held out.
    Evaluate(EvaluateArgs),
    /// Loads the demo network into an empty store and exits.
    Demo {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        demo: DemoArgs,
    },
}

#[derive(Args)]
pub struct EvaluateArgs {
    /// Network in the import format (JSON Lines, `.gz` compressed).
    #[arg(long, requires = "truth", required_unless_present = "demo")]
    pub network: Option<PathBuf>,
    /// Pairs of Lotse ids that met later, one `a,b` a line (`.gz` compressed too).
    #[arg(long, requires = "network")]
    pub truth: Option<PathBuf>,
    /// Evaluate on the demo network of this size instead, holding out accepted connections.
    #[arg(long, value_enum, conflicts_with = "network")]
    pub demo: Option<DemoScale>,
    /// Seed of the demo network, the held-out connections and the random baseline.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Share of the demo network's accepted connections held out as the truth.
    #[arg(long, default_value_t = 0.2)]
    pub holdout: f64,
    /// Users are split into this many folds by a hash of their id; each is reported.
    #[arg(long, default_value_t = 2)]
    pub folds: usize,
    /// Also fit the peer score's weights by grid search on all folds but one, scored on that
    /// one, for each fold.
    #[arg(long)]
    pub fit: bool,
    /// Also try the walk's settings (restart, topic edge weight, push threshold) on a grid,
    /// chosen on all folds but one and scored on that one, for each fold.
    #[arg(long)]
    pub walk_grid: bool,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Size of the demo network.
    #[arg(long, env = "LOTSENNETZ_DEMO_SCALE", value_enum, default_value = "bw")]
    pub scale: DemoScale,
    /// Seed of the demo generator; the same seed gives the same network.
    #[arg(long, env = "LOTSENNETZ_DEMO_SEED", default_value_t = 42)]
    pub seed: u64,
}

#[derive(Args)]
pub struct TokenArgs {
    /// Subject: the Lotse or expert id, or a name for admins and integrations.
    #[arg(long)]
    pub sub: String,
    /// Role the token grants.
    #[arg(long, value_enum)]
    pub role: Role,
    /// Space-separated scopes of an integration: `read`, `import`.
    #[arg(long)]
    pub scope: Option<String>,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    pub ttl: u64,
    #[command(flatten)]
    pub auth: AuthArgs,
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LOTSENNETZ_BIND", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on.
    #[arg(long, env = "LOTSENNETZ_PORT", default_value_t = 8080)]
    port: u16,
    /// Loads the demo network at start when the store is empty.
    #[arg(long, env = "LOTSENNETZ_DEMO")]
    pub demo: bool,
    #[command(flatten)]
    demo_args: DemoArgs,
    #[command(flatten)]
    store: StoreArgs,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "LOTSENNETZ_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Answer introspection queries (`__schema`, `__type`); GraphiQL and code generators need them.
    #[arg(long, env = "LOTSENNETZ_INTROSPECTION", default_value_t = true, action = clap::ArgAction::Set,
          value_parser = BoolishValueParser::new())]
    introspection: bool,
    /// Suggest similar field and type names ("Did you mean …?") in validation errors.
    #[arg(long, env = "LOTSENNETZ_FIELD_SUGGESTIONS", default_value_t = true, action = clap::ArgAction::Set,
          value_parser = BoolishValueParser::new())]
    field_suggestions: bool,
    /// After SIGTERM or Ctrl-C, how long requests in flight may finish before they are
    /// cancelled: seconds, or a number with `ms`, `s` or `m`.
    #[arg(long, env = "LOTSENNETZ_SHUTDOWN_TIMEOUT", default_value = "20s", value_parser = parse_duration)]
    shutdown_timeout: Duration,
    #[command(flatten)]
    limits: LimitArgs,
    #[command(flatten)]
    live: LiveArgs,
    /// Web origins (`https://app.example.org`) whose pages may call the API from a browser;
    /// `*` for any. Repeat the flag or separate by commas; none by default.
    #[arg(long = "cors-origin", env = "LOTSENNETZ_CORS_ORIGINS", value_delimiter = ',')]
    cors_origins: Vec<String>,
    /// Answers of `recommendPeers` kept for the network as it is (the least recently asked go
    /// first; any write makes all of them old); 0 keeps none.
    #[arg(long, env = "LOTSENNETZ_PEER_CACHE", default_value_t = crate::graph::DEFAULT_PEER_ANSWERS)]
    peer_cache: usize,
    #[command(flatten)]
    auth: AuthArgs,
    #[command(flatten)]
    web: crate::web::WebArgs,
}

/// What one GraphQL request may ask for (README: "Request limits").
#[derive(Args)]
struct LimitArgs {
    /// Longest query text, in characters.
    #[arg(long, env = "LOTSENNETZ_MAX_QUERY_CHARS", default_value_t = Limits::default().max_query_chars)]
    max_query_chars: usize,
    /// Most lexical tokens in a query text.
    #[arg(long, env = "LOTSENNETZ_MAX_QUERY_TOKENS", default_value_t = Limits::default().max_tokens)]
    max_query_tokens: usize,
    /// Deepest nesting of brackets and braces in a query text.
    #[arg(long, env = "LOTSENNETZ_MAX_QUERY_NESTING", default_value_t = Limits::default().max_nesting,
          value_parser = clap::value_parser!(u16).range(1..=256).map(usize::from))]
    max_query_nesting: usize,
    /// Deepest selection (fields inside fields).
    #[arg(long, env = "LOTSENNETZ_MAX_QUERY_DEPTH", default_value_t = Limits::default().max_depth)]
    max_query_depth: usize,
    /// Most aliases in a document.
    #[arg(long, env = "LOTSENNETZ_MAX_ALIASES", default_value_t = Limits::default().max_aliases)]
    max_aliases: usize,
    /// Most directives in a document.
    #[arg(long, env = "LOTSENNETZ_MAX_DIRECTIVES", default_value_t = Limits::default().max_directives)]
    max_directives: usize,
    /// Most fields selected with every fragment spread expanded.
    #[arg(long, env = "LOTSENNETZ_MAX_FIELDS", default_value_t = Limits::default().max_fields)]
    max_fields: u64,
    /// Largest cost of a request (list fields weigh their page size).
    #[arg(long, env = "LOTSENNETZ_MAX_COST", default_value_t = Limits::default().max_cost)]
    max_cost: u64,
    /// Most errors in one response.
    #[arg(long, env = "LOTSENNETZ_MAX_ERRORS", default_value_t = Limits::default().max_errors)]
    max_errors: usize,
    /// Largest response body, in bytes.
    #[arg(long, env = "LOTSENNETZ_MAX_RESPONSE_BYTES", default_value_t = Limits::default().max_response_bytes)]
    max_response_bytes: usize,
    /// How long a query may run before it is cancelled: seconds, or a number with `ms`, `s` or `m`.
    #[arg(long, env = "LOTSENNETZ_QUERY_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    query_timeout: Duration,
}

/// Bounds of live notifications over WebSocket (README: "Live notifications").
#[derive(Args)]
struct LiveArgs {
    /// How long a WebSocket connection may take to send `connection_init`: seconds, or a number with `ms`, `s` or `m`.
    #[arg(long, env = "LOTSENNETZ_WS_INIT_TIMEOUT", default_value = "10s", value_parser = parse_duration)]
    ws_init_timeout: Duration,
    /// Most WebSocket connections open at once.
    #[arg(long, env = "LOTSENNETZ_MAX_WS_CONNECTIONS", default_value_t = LiveLimits::default().max_connections)]
    max_ws_connections: usize,
    /// Most subscriptions running at once on one WebSocket connection.
    #[arg(long, env = "LOTSENNETZ_MAX_SUBSCRIPTIONS", default_value_t = LiveLimits::default().max_subscriptions)]
    max_subscriptions: usize,
}

impl LiveArgs {
    fn limits(&self) -> LiveLimits {
        LiveLimits {
            init_timeout: self.ws_init_timeout,
            max_connections: self.max_ws_connections,
            max_subscriptions: self.max_subscriptions,
        }
    }
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        Limits {
            max_query_chars: self.max_query_chars,
            max_tokens: self.max_query_tokens,
            max_nesting: self.max_query_nesting,
            max_depth: self.max_query_depth,
            max_aliases: self.max_aliases,
            max_directives: self.max_directives,
            max_fields: self.max_fields,
            max_cost: self.max_cost,
            max_errors: self.max_errors,
            max_response_bytes: self.max_response_bytes,
            timeout: self.query_timeout,
        }
    }
}

impl ServeArgs {
    /// The configuration these flags describe. A demo without a token secret gets a random
    /// one, so that its printed tokens work until the service stops.
    pub fn into_config(self) -> anyhow::Result<Config> {
        let mut auth = self.auth;
        if self.demo && auth.jwt_secret.is_none() {
            let random = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
            auth.jwt_secret = Some(Secret::new(random));
            tracing::warn!("no LOTSENNETZ_JWT_SECRET set: demo tokens are valid until the service stops");
        }
        let web = self.web.config(self.demo).map_err(anyhow::Error::msg)?;
        Ok(Config {
            bind: self.bind,
            port: self.port,
            store: self.store.config(),
            demo: self.demo.then_some((self.demo_args.scale.scale(), self.demo_args.seed)),
            max_body_bytes: self.max_body_bytes,
            auth,
            schema: SchemaOptions { introspection: self.introspection, suggestions: self.field_suggestions },
            shutdown_timeout: self.shutdown_timeout,
            limits: self.limits.limits(),
            live: self.live.limits(),
            cors_origins: self.cors_origins,
            peer_cache: self.peer_cache,
            web,
        })
    }
}

/// `20`, `20s`, `500ms`, `1m` or `1h`; a bare number counts seconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().map_err(|_| format!("'{text}' is not a duration such as 20s or 500ms"))?;
    let seconds = match unit.trim() {
        "" | "s" => number,
        "ms" => number / 1000.0,
        "m" => number * 60.0,
        "h" => number * 3600.0,
        other => return Err(format!("unknown unit '{other}': use ms, s, m or h")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("'{text}': {e}"))
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
    /// How often the change feed is polled for other instances' writes: a duration such as
    /// `250ms` or `1s`.
    #[arg(long, env = "LOTSENNETZ_NEO4J_FEED_INTERVAL", default_value = "250ms", value_parser = parse_duration)]
    pub neo4j_feed_interval: Duration,
    /// How long the change feed keeps its entries; an instance further behind reloads.
    #[arg(long, env = "LOTSENNETZ_NEO4J_FEED_RETENTION", default_value = "1h", value_parser = parse_duration)]
    pub neo4j_feed_retention: Duration,
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
                feed: FeedConfig {
                    interval: self.neo4j_feed_interval.max(Duration::from_millis(10)),
                    retention: self.neo4j_feed_retention.max(Duration::from_secs(60)),
                },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::DEFAULT_SHUTDOWN_TIMEOUT;

    fn serve(args: &[&str]) -> Config {
        let cli = Cli::try_parse_from(["lotsennetz", "serve", "--jwt-secret", "s"].iter().chain(args)).expect("parses");
        let Command::Serve(serve) = cli.command else { panic!("serve") };
        serve.into_config().expect("a valid configuration")
    }

    #[test]
    fn durations_take_seconds_or_a_unit() {
        assert_eq!(parse_duration("20"), Ok(Duration::from_secs(20)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("soon").is_err());
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("-1").is_err());
    }

    #[test]
    fn serve_defaults_keep_introspection_and_a_twenty_second_deadline() {
        let config = serve(&[]);
        assert_eq!(config.schema, SchemaOptions { introspection: true, suggestions: true });
        assert_eq!(config.shutdown_timeout, DEFAULT_SHUTDOWN_TIMEOUT);
        assert_eq!(config.peer_cache, crate::graph::DEFAULT_PEER_ANSWERS);
        assert_eq!(serve(&["--peer-cache", "0"]).peer_cache, 0);
    }

    #[test]
    fn production_switches_reach_the_config() {
        let config = serve(&["--introspection", "false", "--field-suggestions", "off", "--shutdown-timeout", "500ms"]);
        assert_eq!(config.schema, SchemaOptions { introspection: false, suggestions: false });
        assert_eq!(config.shutdown_timeout, Duration::from_millis(500));
    }

    #[test]
    fn an_unknown_log_format_is_refused() {
        assert!(Cli::try_parse_from(["lotsennetz", "--log-format", "xml", "schema"]).is_err());
        let cli = Cli::try_parse_from(["lotsennetz", "schema", "--log-format", "json"]).expect("parses");
        assert_eq!(cli.log_format, LogFormat::Json);
    }
}
