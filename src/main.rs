//! The `lotsennetz` command: serve the API, print the schema, load the demo network.

use std::net::IpAddr;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use lotsennetz::Application;
use lotsennetz::config::{Config, DEFAULT_MAX_BODY_BYTES, DemoScale, StoreArgs};
use lotsennetz::service::Services;
use tracing_subscriber::EnvFilter;

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
            let services = Services::new(lotsennetz::app::open_store(&store.config())?);
            let written = lotsennetz::app::seed_demo(&services, demo.scale.scale(), demo.seed).await?;
            eprintln!("{written} nodes written to {}", store.data_dir.display());
        }
        Command::Serve(args) => {
            let config = Config {
                bind: args.bind,
                port: args.port,
                store: args.store.config(),
                demo: args.demo.then_some((args.demo_args.scale, args.demo_args.seed)),
                max_body_bytes: args.max_body_bytes,
            };
            let app = Application::build(config).await.context("starting the service")?;
            tracing::info!(address = %app.local_addr(), "GraphQL API and GraphiQL at http://{}/graphql", app.local_addr());
            app.run_until_stopped().await?;
        }
    }
    Ok(())
}
