//! The `lotsennetz` command: serve the API, print the schema, mint tokens, load the demo
//! network, import, export and generate records.

use std::io::IsTerminal;
use std::net::IpAddr;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use lotsennetz::Application;
use lotsennetz::auth::{AuthArgs, Role, mint};
use lotsennetz::config::{Config, DEFAULT_MAX_BODY_BYTES, DemoScale, Secret, StoreArgs};
use lotsennetz::service::Services;
use lotsennetz::transfer::{self, ImportOptions};
use tracing_subscriber::EnvFilter;

// Every request allocates hundreds of small, short-lived objects (request, document, values,
// response) on two worker threads; mimalloc's thread-local pages serve them faster than glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "lotsennetz", version, about = "Matchmaking and networking service of the Kommunale Digitallotsen")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the GraphQL API.
    Serve(ServeArgs),
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
    /// Loads the demo network into an empty store and exits.
    Demo {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        demo: DemoArgs,
    },
}

#[derive(clap::Args)]
struct DemoArgs {
    /// Size of the demo network.
    #[arg(long, env = "LOTSENNETZ_DEMO_SCALE", value_enum, default_value = "bw")]
    scale: DemoScale,
    /// Seed of the demo generator; the same seed gives the same network.
    #[arg(long, env = "LOTSENNETZ_DEMO_SEED", default_value_t = 42)]
    seed: u64,
}

#[derive(clap::Args)]
struct TokenArgs {
    /// Subject: the Lotse or expert id, or a name for admins and integrations.
    #[arg(long)]
    sub: String,
    /// Role the token grants.
    #[arg(long, value_enum)]
    role: Role,
    /// Space-separated scopes of an integration: `read`, `import`.
    #[arg(long)]
    scope: Option<String>,
    /// Lifetime in seconds.
    #[arg(long, default_value_t = 3600)]
    ttl: u64,
    #[command(flatten)]
    auth: AuthArgs,
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "LOTSENNETZ_BIND", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Port to listen on.
    #[arg(long, env = "LOTSENNETZ_PORT", default_value_t = 8080)]
    port: u16,
    /// Loads the demo network at start when the store is empty.
    #[arg(long, env = "LOTSENNETZ_DEMO")]
    demo: bool,
    #[command(flatten)]
    demo_args: DemoArgs,
    #[command(flatten)]
    store: StoreArgs,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "LOTSENNETZ_MAX_BODY_BYTES", default_value_t = DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    #[command(flatten)]
    auth: AuthArgs,
    #[command(flatten)]
    web: lotsennetz::web::WebArgs,
}

/// A records-per-second counter on a terminal; nothing when stderr is redirected.
fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(ProgressStyle::with_template("{spinner} {pos} records read ({per_sec})").expect("valid template"));
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    Some(bar)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_env("LOTSENNETZ_LOG").unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Schema => print!("{}", lotsennetz::graphql::sdl()),
        Command::Demo { store, demo } => {
            let services = Services::new(lotsennetz::app::open_store(&store.config()).await?);
            let written = lotsennetz::app::seed_demo(&services, demo.scale.scale(), demo.seed).await?;
            eprintln!("{written} nodes written to {}", store.location());
        }
        Command::Import { file, dry_run, batch_size, store } => {
            let services = Services::new(lotsennetz::app::open_store(&store.config()).await?);
            let started = Instant::now();
            let progress = progress_bar();
            let input = transfer::open_input(&file)?;
            let options = ImportOptions { dry_run, batch_size };
            let summary = transfer::import(&services, input, options, progress.as_ref()).await;
            if let Some(bar) = &progress {
                bar.finish_and_clear();
            }
            let summary = summary.map_err(|e| anyhow::anyhow!("{e}"))?;
            let seconds = started.elapsed().as_secs_f64();
            let kinds: Vec<String> = summary.by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
            eprintln!(
                "{} {} records in {seconds:.1} s ({:.0} records/s): {} created, {} updated, {} unchanged ({})",
                if summary.written { "imported" } else { "checked (dry run, nothing written)" },
                summary.records,
                summary.records as f64 / seconds.max(1e-9),
                summary.created,
                summary.updated,
                summary.unchanged,
                kinds.join(", ")
            );
        }
        Command::Export { file, store } => {
            let services = Services::new(lotsennetz::app::open_store(&store.config()).await?);
            let mut out = transfer::open_output(&file)?;
            let summary = transfer::export(&services, &mut *out).await?;
            eprintln!("exported {} records", summary.records);
        }
        Command::Generate { scale, seed, file } => {
            let nodes = lotsennetz::demo::generate(scale.scale(), seed);
            let mut out = transfer::open_output(&file)?;
            let count = transfer::write_records(&mut *out, &nodes)?;
            eprintln!("generated {count} records");
        }
        Command::Token(args) => {
            println!("{}", mint(&args.auth, &args.sub, args.role, args.scope.as_deref(), args.ttl)?);
        }
        Command::Serve(mut args) => {
            if args.demo && args.auth.jwt_secret.is_none() {
                // A demo needs tokens; without a configured secret they last until the restart.
                let random = format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple());
                args.auth.jwt_secret = Some(Secret::new(random));
                tracing::warn!("no LOTSENNETZ_JWT_SECRET set: demo tokens are valid until the service stops");
            }
            let demo = args.demo;
            let config = Config {
                bind: args.bind,
                port: args.port,
                store: args.store.config(),
                demo: args.demo.then_some((args.demo_args.scale, args.demo_args.seed)),
                max_body_bytes: args.max_body_bytes,
                auth: args.auth,
                limits: Default::default(),
                web: args.web.config(demo).map_err(anyhow::Error::msg)?,
            };
            let app = Application::build(config).await.context("starting the service")?;
            if demo {
                println!("Demo tokens (24 h); send one as the header `Authorization: Bearer <token>`:");
                for (who, token) in app.demo_tokens().await? {
                    println!("  {who}:\n    {token}");
                }
            }
            tracing::info!(address = %app.local_addr(), "web app at http://{0}/, GraphQL API and GraphiQL at http://{0}/graphql", app.local_addr());
            app.run_until_stopped().await?;
        }
    }
    Ok(())
}
