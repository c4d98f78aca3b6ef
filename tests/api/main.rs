//! Integration tests: the real application on a free port, GraphQL over real HTTP.

mod helpers;
#[path = "../support/subscriber.rs"]
mod subscriber;

mod audit;
mod auth;
mod cli;
mod consent;
mod crud;
mod feedback;
mod http;
mod idempotency;
mod integrators;
mod introductions;
mod invalid_input;
mod limits;
mod live;
mod loaders;
mod matching;
mod operations;
mod ordering;
mod persistence;
mod privacy;
mod search;
mod shutdown;
mod spec;
mod tokens;
mod transfer;
mod web;
