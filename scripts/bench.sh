#!/usr/bin/env bash
# Benchmarks with figures, per storage backend: import throughput, recommendPeers over HTTP
# under concurrent load (wrk) and one request at a time (one connection), and peak memory. The
# requests run twice: with the service's kept answers (the default) and with none
# (--peer-cache 0). Recommendation latency inside the process is measured by criterion:
# `cargo bench --bench recommend`.
#
#   scripts/bench.sh [--store embedded|neo4j|both] [bw|de ...]     (default: embedded, bw de)
#
# --store (or BENCH_STORE) chooses the backend:
#   embedded  (default) imports each network into an empty store in target/bench/data-SCALE
#             and serves from it.
#   neo4j     starts a Neo4j server of its own with scripts/neo4j.sh, in its own home and on
#             its own Bolt port (defaults below; a server on 7687 is not touched), deletes
#             its database before each scale (`neo4j.sh reset`), imports with
#             `lotsennetz import --store neo4j`, serves with `--store neo4j`, and reports the
#             Neo4j JVM's memory apart from the service's. The server is stopped at the end
#             unless it was running before.
#   both      embedded, then neo4j.
#
# Environment (all optional):
#   BENCH_SECONDS         length of each wrk run, default 20
#   BENCH_WARMUP_SECONDS  length of the unreported wrk run before it, default 3
#   BENCH_SINGLE_SECONDS  length of the wrk run with one connection after it, default 10
#   BENCH_CONNECTIONS     wrk connections, default 32
#   BENCH_WRK_TIMEOUT     wrk's request timeout, default 2s; a request slower than this counts
#                         as a timeout, not in the latency (Neo4j under load may need 30s)
#   BENCH_PORT            port of the service under test, default 18181
#   BENCH_BIN             the lotsennetz binary, default the release build (built when not current)
#   BENCH_BATCH_SIZE      records per transaction of the import (`--batch-size`); default one
#                         transaction for the whole file (the national network into Neo4j
#                         needs batches unless the server's transaction memory holds it)
#   BENCH_IMPORT_TIMEOUT  seconds an import may take before it is stopped and reported as
#                         unfinished (its scale is then not served), default 900
#   LOTSENNETZ_NEO4J_HOME       default target/neo4j-bench (its data is deleted: use a home
#                               of its own, not the one of a development server)
#   LOTSENNETZ_NEO4J_BOLT_PORT  default 7717
#   LOTSENNETZ_NEO4J_HEAP       default 2g
#   LOTSENNETZ_NEO4J_PAGECACHE  default 1g
#
# Installs wrk from Debian's packages when it is missing. Everything runs on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-common.sh

store=${BENCH_STORE:-embedded}
scales=()
while [ $# -gt 0 ]; do
  case "$1" in
    --store) store=${2:?--store needs embedded, neo4j or both}; shift 2 ;;
    --store=*) store=${1#--store=}; shift ;;
    *) scales+=("$1"); shift ;;
  esac
done
[ ${#scales[@]} -eq 0 ] && scales=(bw de)
case "$store" in
  embedded | neo4j) stores=("$store") ;;
  both) stores=(embedded neo4j) ;;
  *) echo "bench.sh: unknown store '$store' (embedded, neo4j or both)" >&2; exit 2 ;;
esac
duration=${BENCH_SECONDS:-20}
warmup=${BENCH_WARMUP_SECONDS:-3}
single=${BENCH_SINGLE_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-32}
wrk_timeout=${BENCH_WRK_TIMEOUT:-2s}
port=${BENCH_PORT:-18181}
import_timeout=${BENCH_IMPORT_TIMEOUT:-900}
batch=()
[ -n "${BENCH_BATCH_SIZE:-}" ] && batch=(--batch-size "$BENCH_BATCH_SIZE")
work=target/bench
mkdir -p "$work"

bench_neo4j_defaults
neo4j_pid_file="$LOTSENNETZ_NEO4J_HOME/run/neo4j.pid"

ensure_wrk

bench_binary release
export LOTSENNETZ_JWT_SECRET=benchmark-secret-0123456789abcdef0123
# Warnings, and the projection's load (its progress per tenth and its time).
export LOTSENNETZ_LOG=warn,lotsennetz::store::neo4j::feed=info

server=
stop_neo4j=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  [ -n "$stop_neo4j" ] && scripts/neo4j.sh stop
  return 0
}
trap cleanup EXIT

# Empties the store of the next run and sets `options` to the `lotsennetz` flags selecting it.
empty_store() {
  local store=$1 scale=$2
  case "$store" in
    embedded)
      rm -rf "$work/data-$scale"
      options=(--store embedded --data-dir "$work/data-$scale")
      ;;
    neo4j)
      fresh_bench_neo4j "$work" || exit 1
      options=(--store neo4j)
      ;;
  esac
}

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
for store in "${stores[@]}"; do
  if [ "$store" = neo4j ]; then
    scripts/neo4j.sh status >/dev/null || stop_neo4j=1
    eval "$(scripts/neo4j.sh env)"
    echo "neo4j: $LOTSENNETZ_NEO4J_URI (home $LOTSENNETZ_NEO4J_HOME, heap $LOTSENNETZ_NEO4J_HEAP, page cache $LOTSENNETZ_NEO4J_PAGECACHE)"
  fi
  for scale in "${scales[@]}"; do
    file="$work/$scale.jsonl"
    [ -f "$file" ] || "$bin" generate --scale "$scale" --seed 42 "$file" 2>/dev/null
    empty_store "$store" "$scale"
    echo "== $store $scale: $(wc -l <"$file") records"
    status=0
    timeout "$import_timeout" "$bin" import "$file" "${options[@]}" "${batch[@]}" 2>&1 | sed 's/^/import: /' || status=$?
    if [ "$status" -eq 124 ]; then
      echo "import: not finished within $import_timeout s (fewer than $(($(wc -l <"$file") / import_timeout)) records/s); $scale not served"
      continue
    elif [ "$status" -ne 0 ]; then
      echo "import: failed (exit status $status, its messages above); $scale not served"
      continue
    fi
    [ "$store" = neo4j ] && echo "neo4j JVM RSS after import: $(memory "$(cat "$neo4j_pid_file")" VmRSS)"

    lotsen=$(grep -c '"type":"lotse"' "$file")
    token=$("$bin" token --sub bench --role integration --scope read)
    # Twice: with the answers of recommendPeers kept for the unchanged network (the default,
    # --peer-cache; after the warm-up every question of the run is answered from one), and
    # with none kept (--peer-cache 0), every question worked out by the engine.
    for answers in kept worked-out; do
      cache=()
      [ "$answers" = worked-out ] && cache=(--peer-cache 0)
      echo "-- recommendPeers answers: $answers"
      log="$work/serve-$store-$scale-$answers.log"
      started=$(date +%s.%N)
      "$bin" serve "${options[@]}" "${cache[@]}" --port "$port" >"$log" 2>&1 &
      server=$!
      wait_until_ok "http://127.0.0.1:$port/ready" 300
      echo "ready after $(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}') s"
      grep -h "matching projection loaded" "$log" | sed 's/^/serve: /' || true
      echo "server RSS after start: $(memory "$server" VmRSS)"
      # Warm-up, not reported: the first requests parse each query text once (the document
      # cache) and fault in the pages of the graph.
      LOTSEN=$lotsen TOKEN=$token wrk -t2 -c"$connections" -d"${warmup}s" --timeout "$wrk_timeout" \
        -s scripts/wrk-recommend.lua "http://127.0.0.1:$port" >/dev/null 2>&1 || true
      LOTSEN=$lotsen TOKEN=$token wrk -t2 -c"$connections" -d"${duration}s" --timeout "$wrk_timeout" --latency \
        -s scripts/wrk-recommend.lua "http://127.0.0.1:$port" 2>&1 | sed 's/^/wrk: /'
      # One connection: the latency of a request that has the service to itself (HTTP, GraphQL
      # and the recommendation; an upper bound of the time in the process).
      LOTSEN=$lotsen TOKEN=$token wrk -t1 -c1 -d"${single}s" --timeout "$wrk_timeout" --latency \
        -s scripts/wrk-recommend.lua "http://127.0.0.1:$port" 2>&1 |
        awk '/Requests\/sec/ {rps = $2} /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2} /requests in/ {n = $1}
          END {printf "single connection: %s requests, p50 %s, p99 %s (%s requests/s)\n", n, p50, p99, rps}'
      echo "server peak RSS: $(memory "$server" VmHWM)"
      echo "peer answers: $(curl -s "http://127.0.0.1:$port/metrics" |
        grep -E '^lotsennetz_peer_answers_(kept|worked_out)_total' | tr '\n' ' ')"
      if [ "$store" = neo4j ]; then
        neo4j_pid=$(cat "$neo4j_pid_file")
        echo "neo4j JVM RSS: $(memory "$neo4j_pid" VmRSS) (peak $(memory "$neo4j_pid" VmHWM))"
      fi
      kill "$server"
      wait "$server" 2>/dev/null || true
      server=
    done
  done
done
