#!/usr/bin/env bash
# How soon a write through one service instance shows in another instance's recommendations:
# two `lotsennetz serve --store neo4j` processes over one Neo4j with the `bw` network; writes
# through the first (a Lotse hidden from recommendations, then visible again), and the second
# asked every 5 ms until its `recommendPeers` answer shows each (bench/visibility.mjs).
# Prints the median, p90, p99 and max over the writes.
#
#   scripts/bench-visibility.sh [--quick] [WRITES]        (default 200 writes; --quick: 10)
#
# --quick: a smoke test (10 writes, the debug build) that keeps the script working; it
# fails like the full run when a write is not seen within 10 s.
#
# Neo4j as in scripts/bench-peer.sh: the running server named by LOTSENNETZ_NEO4J_URI (its
# network deleted first), else a server of the benchmark's own (target/neo4j-bench, Bolt port
# LOTSENNETZ_NEO4J_BOLT_PORT, default 7717), stopped at the end unless it was running.
#
# Environment (all optional): LOTSENNETZ_NEO4J_FEED_INTERVAL (the instances' poll interval,
# default theirs: 250ms), BENCH_PORT (first instance, default 18211; the second uses the next
# port), BENCH_BIN (the lotsennetz binary; default the release build, --quick the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-common.sh

bench_args "scripts/bench-visibility.sh [--quick] [WRITES]" "$@"
if [ -n "$quick" ]; then writes=${count:-10}; else writes=${count:-200}; fi
port=${BENCH_PORT:-18211}
work=target/bench-visibility
mkdir -p "$work"

bench_node_tools
bench_binary "$profile"
export LOTSENNETZ_JWT_SECRET=benchmark-secret-0123456789abcdef0123 LOTSENNETZ_LOG=warn

stop_neo4j=
trap bench_cleanup EXIT
bench_neo4j_with_bw "$work"

for number in 0 1; do
  "$bin" serve --port $((port + number)) >"$work/instance-$number.log" 2>&1 &
  bench_processes+=($!)
done
for number in 0 1; do
  wait_until_ok "http://127.0.0.1:$((port + number))/ready"
done

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); feed interval ${LOTSENNETZ_NEO4J_FEED_INTERVAL:-250ms}"
WRITER=http://127.0.0.1:$port READER=http://127.0.0.1:$((port + 1)) LOTSEN=$lotsen WRITES=$writes \
  TOKEN=$("$bin" token --sub bench --role admin) node target/bench-npm/visibility.mjs
