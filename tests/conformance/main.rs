//! Conformance: every store-level scenario runs on the embedded store and on Neo4j, and the
//! answers must be the same. Needs a Neo4j server (`scripts/test.sh` starts one).

#[path = "../support/subscriber.rs"]
#[allow(dead_code, reason = "each test binary uses part of the shared subscriber")]
mod subscriber;
mod support;

mod crud;
mod demo_network;
mod fixtures;
mod idempotency;
mod lists;
mod live;
mod neo4j_only;
mod recommend;
mod transfer;
