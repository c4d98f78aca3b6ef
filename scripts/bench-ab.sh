#!/usr/bin/env bash
# Compares the HTTP throughput of two builds of the service side by side: `recommendPeers`
# on the embedded store with the demo network of Baden-Württemberg, under wrk, the two
# binaries taking turns (A B A B …) so that a machine whose speed drifts treats both alike.
#
#   scripts/bench-ab.sh OLD_BINARY NEW_BINARY [ROUNDS]      (default 3 rounds)
#
# Environment: BENCH_SECONDS (each wrk run, default 15), BENCH_CONNECTIONS (default 32),
# BENCH_PORT (default 18191), LOTSENNETZ_PEER_CACHE (default 0: every question worked out by
# the engine, so that the builds' engines are compared, not their kept answers; builds without
# the setting ignore it). Prints one line per run and the median requests/s of each.
set -euo pipefail
cd "$(dirname "$0")/.."

old=${1:?usage: scripts/bench-ab.sh OLD_BINARY NEW_BINARY [ROUNDS]}
new=${2:?usage: scripts/bench-ab.sh OLD_BINARY NEW_BINARY [ROUNDS]}
rounds=${3:-3}
duration=${BENCH_SECONDS:-15}
connections=${BENCH_CONNECTIONS:-32}
port=${BENCH_PORT:-18191}
command -v wrk >/dev/null ||
  (apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; })

work=$(mktemp -d)
server=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export LOTSENNETZ_JWT_SECRET=benchmark-secret-0123456789abcdef0123 LOTSENNETZ_LOG=warn
export LOTSENNETZ_PEER_CACHE=${LOTSENNETZ_PEER_CACHE:-0}

"$new" generate --scale bw --seed 42 "$work/bw.jsonl" 2>/dev/null
lotsen=$(grep -c '"type":"lotse"' "$work/bw.jsonl")
for build in old new; do
  "${!build}" import "$work/bw.jsonl" --data-dir "$work/data-$build" >/dev/null 2>&1
done

run() {
  local build=$1 binary=$2
  "$binary" serve --data-dir "$work/data-$build" --port "$port" >/dev/null 2>&1 &
  server=$!
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
    sleep 0.5
  done
  local token
  token=$("$binary" token --sub bench --role integration --scope read)
  LOTSEN=$lotsen TOKEN=$token wrk -t2 -c"$connections" -d3s -s scripts/wrk-recommend.lua "http://127.0.0.1:$port" >/dev/null 2>&1 || true
  LOTSEN=$lotsen TOKEN=$token wrk -t2 -c"$connections" -d"${duration}s" --latency \
    -s scripts/wrk-recommend.lua "http://127.0.0.1:$port" 2>&1 |
    awk -v build="$build" '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} END {printf "%s %s requests/s, p99 %s\n", build, rps, p99}' |
    tee -a "$work/results"
  kill "$server" && wait "$server" 2>/dev/null || true
  server=
}

echo "machine: $(nproc) cores; $rounds rounds of ${duration} s at $connections connections, A = $old, B = $new"
for _ in $(seq 1 "$rounds"); do
  run old "$old"
  run new "$new"
done
for build in old new; do
  median=$(awk -v b="$build" '$1 == b {print $2}' "$work/results" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')
  echo "median $build: $median requests/s"
done
