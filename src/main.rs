//! The `lotsennetz` command: parses the command line, sets up logging and runs the chosen
//! subcommand (see `lotsennetz::cli` and `lotsennetz::commands`).

use clap::Parser as _;
use lotsennetz::cli::Cli;
use lotsennetz::{commands, telemetry};

// Every request allocates hundreds of small, short-lived objects (request, document, values,
// response) on two worker threads; mimalloc's thread-local pages serve them faster than glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(cli.log_format);
    commands::run(cli.command)
}
