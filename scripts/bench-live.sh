#!/usr/bin/env bash
# Live notifications: memory of open subscriptions and how fast an event reaches its
# subscriber. Serves the demo network (`serve --demo`, Baden-Württemberg scale) from a release
# build, opens BENCH_SUBSCRIBERS graphql-ws connections with one subscription each (default
# 1000), reports the service's resident memory before and after, then sends BENCH_WRITES
# connection requests (default 300) one after another and reports the time from sending each
# to its event arriving at the subscriber (p50, p99, max) beside the time to the mutation's own
# answer.
#
#   scripts/bench-live.sh [--store embedded|neo4j]
#
# neo4j uses the server of `scripts/neo4j.sh env` (start one first); the demo network is
# loaded into it when it holds no network.
# Everything runs on 127.0.0.1; BENCH_PORT (default 18191) is the service's port; BENCH_BIN
# the lotsennetz binary (default the release build, built when not current).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-common.sh

store=embedded
[ "${1:-}" = "--store" ] && store=${2:?--store needs embedded or neo4j}
port=${BENCH_PORT:-18191}
subscribers=${BENCH_SUBSCRIBERS:-1000}
writes=${BENCH_WRITES:-300}

scripts/npm.sh
bench_binary release
data=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$data"' EXIT
export LOTSENNETZ_JWT_SECRET=bench-live-secret-of-at-least-32-bytes
args=(serve --demo --port "$port" --data-dir "$data" --max-ws-connections $((subscribers + 10)))
if [ "$store" = neo4j ]; then
  eval "$(scripts/neo4j.sh env)"
  args+=(--store neo4j)
fi
LOTSENNETZ_LOG=warn "$bin" "${args[@]}" >/dev/null &
pid=$!
wait_until_ok "http://127.0.0.1:$port/ready" 120
ulimit -n 65536 2>/dev/null || true
echo "store: $store"
LOTSENNETZ_NPM_DIR=target/npm node scripts/bench-live.mjs "http://127.0.0.1:$port" "$pid" "$subscribers" "$writes"
