//! What each subcommand does, given its parsed flags (see [`crate::cli`]).

use std::io::IsTerminal as _;
use std::path::Path;
use std::time::Instant;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};

use crate::Application;
use crate::cli::{Command, DemoArgs, DemoScale, EvaluateArgs, ServeArgs, StoreArgs, TokenArgs};
use crate::service::Services;
use crate::transfer::{self, ImportOptions};

/// How long the process waits at exit for work that cancellation could not stop (a request
/// cut at the shutdown deadline inside synchronous store code); the process ends anyway.
const EXIT_GRACE: std::time::Duration = std::time::Duration::from_millis(250);

/// Runs a subcommand on a runtime of its own, to its end. A plain function of the library:
/// the commands' futures are compiled once, here, not again into the binary that calls it.
pub fn run(command: Command) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = runtime.block_on(dispatch(command));
    runtime.shutdown_timeout(EXIT_GRACE);
    result
}

/// Runs a command; each is boxed, as one future holding every command's would be a type too
/// deep for the compiler.
async fn dispatch(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => Box::pin(serve(*args)).await,
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(())
        }
        Command::Token(args) => token(&args),
        Command::Demo { store, demo: scale } => Box::pin(demo(&store, &scale)).await,
        Command::Import { file, dry_run, batch_size, store } => {
            Box::pin(import(&file, ImportOptions { dry_run, batch_size }, &store)).await
        }
        Command::Export { file, store } => Box::pin(export(&file, &store)).await,
        Command::Generate { scale, seed, file } => generate(scale, seed, &file),
        Command::Evaluate(args) => evaluate(&args),
    }
}

/// `serve`: runs the API until SIGTERM or Ctrl-C.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let demo = args.demo;
    let app = Application::build(args.into_config()?).await.context("starting the service")?;
    if demo {
        println!("Demo tokens (24 h); send one as the header `Authorization: Bearer <token>`:");
        for (who, token) in app.demo_tokens().await? {
            println!("  {who}:\n    {token}");
        }
    }
    let address = app.local_addr();
    tracing::info!(%address, "web app at http://{address}/, GraphQL API and GraphiQL at http://{address}/graphql");
    app.run_until_stopped().await?;
    Ok(())
}

/// `token`: prints a signed token.
pub fn token(args: &TokenArgs) -> anyhow::Result<()> {
    println!("{}", crate::auth::mint(&args.auth, &args.sub, args.role, args.scope.as_deref(), args.ttl)?);
    Ok(())
}

/// `demo`: seeds the demo network into an empty store.
pub async fn demo(store: &StoreArgs, demo: &DemoArgs) -> anyhow::Result<()> {
    let services = Services::new(crate::app::open_store(&store.config()).await?);
    let written = crate::app::seed_demo(&services, demo.scale.scale(), demo.seed).await?;
    eprintln!("{written} nodes written to {}", store.location());
    Ok(())
}

/// `import`: reads records into the store and reports what changed.
pub async fn import(file: &Path, options: ImportOptions, store: &StoreArgs) -> anyhow::Result<()> {
    let services = Services::new(crate::app::open_store(&store.config()).await?);
    let started = Instant::now();
    let progress = progress_bar();
    let input = transfer::open_input(file)?;
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
    Ok(())
}

/// `export`: writes the whole network as records.
pub async fn export(file: &Path, store: &StoreArgs) -> anyhow::Result<()> {
    let services = Services::new(crate::app::open_store(&store.config()).await?);
    let mut out = transfer::open_output(file)?;
    let summary = transfer::export(&services, &mut *out).await?;
    eprintln!("exported {} records", summary.records);
    Ok(())
}

/// `generate`: writes a synthetic network as records.
pub fn generate(scale: DemoScale, seed: u64, file: &Path) -> anyhow::Result<()> {
    let nodes = crate::demo::generate(scale.scale(), seed);
    let mut out = transfer::open_output(file)?;
    let count = transfer::write_records(&mut *out, &nodes)?;
    eprintln!("generated {count} records");
    Ok(())
}

/// `evaluate`: scores the engine and the baselines and prints the report.
pub fn evaluate(args: &EvaluateArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let benchmark = match (&args.network, &args.truth, args.demo) {
        (Some(network), Some(truth), _) => crate::evaluate::from_files(network, truth)?,
        (_, _, Some(scale)) => crate::evaluate::demo_holdout(scale.scale(), args.seed, args.holdout)?,
        _ => anyhow::bail!("give --network and --truth, or --demo"),
    };
    eprintln!("network loaded in {:.1} s", started.elapsed().as_secs_f64());
    let options =
        crate::evaluate::Options { folds: args.folds, seed: args.seed, fit: args.fit, walk_grid: args.walk_grid };
    print!("{}", crate::evaluate::evaluate(&benchmark, options)?);
    Ok(())
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
