//! Lotsennetz: the matchmaking and networking service of the Kommunale Digitallotsen.
//!
//! Layers, outside in: [`http`] (axum) → [`graphql`] (async-graphql schema) → [`service`]
//! (use cases) → [`matching`] (ranking) and [`store`] (the `GraphStore` trait and its backends).

pub mod app;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod demo;
pub mod domain;
pub mod evaluate;
pub mod graph;
pub mod graphql;
pub mod http;
pub mod live;
pub mod matching;
pub mod metrics;
pub mod observe;
pub mod search;
pub mod service;
pub mod shutdown;
pub mod store;
pub mod sync;
pub mod telemetry;
pub mod transfer;
pub mod web;

pub use app::Application;
pub use config::Config;
