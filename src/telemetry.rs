//! Logging: one subscriber for every subcommand, as text or as JSON lines on stderr.
//!
//! Requests log inside a span named `request` whose fields (request id, method, path,
//! operation) every line of that request carries; see `observe`.

use std::io::IsTerminal as _;
use std::str::FromStr;

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    /// For people: one line per event; colours only when stderr is a terminal.
    Text,
    /// For log collectors: one JSON object per line, with the fields of the current span.
    Json,
}

impl FromStr for LogFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "text" => Ok(Self::Text),
            "json" => Ok(Self::Json),
            other => Err(format!("unknown log format '{other}': use text or json")),
        }
    }
}

/// The filter without `LOTSENNETZ_LOG`: the service's news, and only the Neo4j driver's
/// warnings (it tells of every connection pool it creates, several a second while Neo4j
/// cannot be reached; the service's own warning names the failure).
const DEFAULT_FILTER: &str = "info,neo4rs=warn";

/// Installs the global subscriber; the filter comes from `LOTSENNETZ_LOG` (default
/// [`DEFAULT_FILTER`]).
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_env("LOTSENNETZ_LOG").unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.with_ansi(colours_wanted()).init(),
        // The current span holds the request's fields; the list of outer spans adds nothing.
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(true).with_span_list(false).init(),
    }
}

/// Colour codes only for a person at a terminal, and not even then with `NO_COLOR` set
/// (no-color.org); in files and pipes they are noise.
fn colours_wanted() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}
