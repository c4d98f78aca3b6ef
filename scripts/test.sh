#!/usr/bin/env bash
# Runs the whole test suite: unit tests, the HTTP integration tests, the conformance suite on
# the embedded store and a real Neo4j, the Neo4j fault test, the GraphQL-over-HTTP audit of the
# graphql-http npm package (installed into target/npm by scripts/npm.sh), the web app in a
# headless Chromium (installed by scripts/chromium.sh; tests/browser.rs), the check that the
# vendored GraphiQL files equal the pinned npm packages, and the benchmarks
# once each in test mode so they keep compiling and running: criterion's at BW scale, the peer
# benchmark and the write-visibility benchmark in their quick modes on the test server
# (scripts/bench-peer.sh --quick, scripts/bench-visibility.sh --quick; about a minute).
#
# Neo4j: a local server is started with scripts/neo4j.sh (Java 17+ and Maven needed, no
# Docker) and stopped at the end unless it was already running. The tests empty its
# database. The fault test runs a second server of its own (target/neo4j-faults) on the Bolt
# port LOTSENNETZ_FAULTS_BOLT_PORT (default 7697), the change-feed test a third
# (target/neo4j-feed) on LOTSENNETZ_FEED_BOLT_PORT (default 7707); set them to run two
# checkouts side by side.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/npm.sh
scripts/vendor-graphiql.sh --check
scripts/chromium.sh
export LOTSENNETZ_FAULTS_BOLT_PORT="${LOTSENNETZ_FAULTS_BOLT_PORT:-7697}"
export LOTSENNETZ_FEED_BOLT_PORT="${LOTSENNETZ_FEED_BOLT_PORT:-7707}"

stop_fault_server() {
  LOTSENNETZ_NEO4J_HOME="$PWD/target/neo4j-faults" LOTSENNETZ_NEO4J_BOLT_PORT="$LOTSENNETZ_FAULTS_BOLT_PORT" \
    scripts/neo4j.sh stop >/dev/null 2>&1 || true
  LOTSENNETZ_NEO4J_HOME="$PWD/target/neo4j-feed" LOTSENNETZ_NEO4J_BOLT_PORT="$LOTSENNETZ_FEED_BOLT_PORT" \
    scripts/neo4j.sh stop >/dev/null 2>&1 || true
}

if scripts/neo4j.sh status >/dev/null 2>&1; then
  trap stop_fault_server EXIT
else
  trap 'stop_fault_server; scripts/neo4j.sh stop' EXIT
  scripts/neo4j.sh start
fi
eval "$(scripts/neo4j.sh env)"

cargo test --locked --all-targets "$@"
scripts/bench-peer.sh --quick
scripts/bench-visibility.sh --quick
