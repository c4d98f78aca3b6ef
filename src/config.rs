//! Configuration of the service, from command-line flags and `LOTSENNETZ_*` variables.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// Which storage backend serves the graph.
#[derive(Debug, Clone)]
pub enum StoreConfig {
    /// SQLite in `data_dir` plus the graph in memory.
    Embedded { data_dir: PathBuf },
}

/// Storage options shared by every subcommand that opens the store.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Directory of the embedded store; created when missing.
    #[arg(long, env = "LOTSENNETZ_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
}

impl StoreArgs {
    pub fn config(&self) -> StoreConfig {
        StoreConfig::Embedded { data_dir: self.data_dir.clone() }
    }
}

/// Size of the demo network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoScale {
    /// Baden-Württemberg: 1,101 municipalities, 1,600 Lotsen, 4,000 projects.
    Bw,
    /// Germany: 10,800 municipalities, 20,000 Lotsen, 100,000 projects.
    De,
}

impl DemoScale {
    pub fn scale(self) -> crate::demo::Scale {
        match self {
            DemoScale::Bw => crate::demo::Scale::BW,
            DemoScale::De => crate::demo::Scale::DE,
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
}

impl Config {
    /// A configuration for tests and tools: loopback, a free port, the embedded store in `dir`.
    pub fn embedded(data_dir: PathBuf) -> Self {
        Self {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 0,
            store: StoreConfig::Embedded { data_dir },
            demo: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
