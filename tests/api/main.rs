//! Integration tests: the real application on a free port, GraphQL over real HTTP.

mod helpers;

mod auth;
mod cli;
mod crud;
mod http;
mod idempotency;
mod invalid_input;
mod loaders;
mod matching;
mod persistence;
mod privacy;
mod transfer;
