//! Conformance: every store-level scenario runs on the embedded store and on Neo4j, and the
//! answers must be the same. Needs a Neo4j server (`scripts/test.sh` starts one).

mod support;

mod consent;
mod crud;
mod demo_network;
mod fixtures;
mod idempotency;
mod lists;
mod neo4j_only;
mod recommend;
mod search;
mod transfer;
