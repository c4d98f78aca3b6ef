//! Integration tests: the real application on a free port, GraphQL over real HTTP.

mod helpers;
#[path = "../support/subscriber.rs"]
mod subscriber;

mod audit;
mod auth;
mod cli;
mod crud;
mod http;
mod idempotency;
mod invalid_input;
mod limits;
mod live;
mod loaders;
mod matching;
mod operations;
mod persistence;
mod privacy;
mod shutdown;
mod spec;
mod tokens;
mod transfer;
mod web;
