//! The `lotsennetz` command: parses the command line, sets up logging and runs the chosen
//! subcommand (see `lotsennetz::cli` and `lotsennetz::commands`).

use std::time::Duration;

use clap::Parser as _;
use lotsennetz::cli::{Cli, Command};
use lotsennetz::transfer::ImportOptions;
use lotsennetz::{commands, telemetry};

// Every request allocates hundreds of small, short-lived objects (request, document, values,
// response) on two worker threads; mimalloc's thread-local pages serve them faster than glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How long the process waits at exit for work that cancellation could not stop (a request
/// cut at the shutdown deadline inside synchronous store code); the process ends anyway.
const EXIT_GRACE: Duration = Duration::from_millis(250);

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = runtime.block_on(run(cli.command));
    runtime.shutdown_timeout(EXIT_GRACE);
    result
}

/// Runs a command; each is boxed, as one future holding every command's would be a type too
/// deep for the compiler.
async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => Box::pin(commands::serve(*args)).await,
        Command::Schema => {
            print!("{}", lotsennetz::graphql::sdl());
            Ok(())
        }
        Command::Token(args) => commands::token(&args),
        Command::Demo { store, demo } => Box::pin(commands::demo(&store, &demo)).await,
        Command::Import { file, dry_run, batch_size, store } => {
            Box::pin(commands::import(&file, ImportOptions { dry_run, batch_size }, &store)).await
        }
        Command::Export { file, store } => Box::pin(commands::export(&file, &store)).await,
        Command::Generate { scale, seed, file } => commands::generate(scale, seed, &file),
        Command::Evaluate(args) => commands::evaluate(&args),
    }
}
