#!/usr/bin/env bash
# The peer benchmark: `recommendPeers` of the Lotsennetz service on its Neo4j store against a
# stock GraphQL server over the same Neo4j and the same network — Apollo Server 5 with the
# schema @neo4j/graphql 7 generates from bench/peer.graphql, whose `recommendPeers` is an
# @cypher candidate query (Lotsen on projects sharing topics with the asking Lotse's, and
# co-members of co-members, scored and ranked, `first` of them). The Node packages are pinned
# in bench/package-lock.json and installed from the npm registry into target/bench-npm.
#
#   scripts/bench-peer.sh [--quick] [ROUNDS]          (default 3 rounds; --quick: 1)
#
# Generates the `bw` network (seed 42), imports it with `lotsennetz import --store neo4j`,
# starts `lotsennetz serve --store neo4j` and the stock server side by side, checks that both
# answer, then measures them in turns (A B A B …) with the same wrk load: 32 connections,
# the same random Lotse ids in both (scripts/wrk-recommend.lua, SEED), first 10; then one
# connection each (a request at a time). Prints one line per run, the medians and the ratio.
# Fails when either server answers a request with an error.
#
# --quick: a smoke test of seconds (1 round of 2 s, 1 s of warm-up, the debug build) that
# keeps the script working; its figures mean nothing.
#
# Neo4j: with LOTSENNETZ_NEO4J_URI (and _USER, _PASSWORD) set, that running server is used
# and its network deleted first (scripts/test.sh's server); otherwise a server of the
# benchmark's own is started with scripts/neo4j.sh (home LOTSENNETZ_NEO4J_HOME, default
# target/neo4j-bench; Bolt port LOTSENNETZ_NEO4J_BOLT_PORT, default 7717; 2 GiB heap, 1 GiB
# page cache), its database deleted first, and stopped at the end unless it was running.
#
# Environment (all optional): BENCH_SECONDS (each measured run, default 15), BENCH_WARMUP_SECONDS
# (unreported run before each, default 3), BENCH_CONNECTIONS (default 32), BENCH_PORT (the
# service, default 18201), BENCH_PEER_PORT (the stock server, default 18202), BENCH_BIN (the
# lotsennetz binary; default the release build, --quick the debug build, built when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-common.sh

bench_args "scripts/bench-peer.sh [--quick] [ROUNDS]" "$@"
if [ -n "$quick" ]; then
  duration=${BENCH_SECONDS:-2} warmup=${BENCH_WARMUP_SECONDS:-1} rounds=${count:-1}
else
  duration=${BENCH_SECONDS:-15} warmup=${BENCH_WARMUP_SECONDS:-3} rounds=${count:-3}
fi
connections=${BENCH_CONNECTIONS:-32}
port=${BENCH_PORT:-18201}
peer_port=${BENCH_PEER_PORT:-18202}
work=target/bench-peer
node_dir=target/bench-npm
mkdir -p "$work"

ensure_wrk
bench_node_tools
bench_binary "$profile"
export LOTSENNETZ_JWT_SECRET=benchmark-secret-0123456789abcdef0123 LOTSENNETZ_LOG=warn

stop_neo4j=
trap bench_cleanup EXIT
bench_neo4j_with_bw "$work"

"$bin" serve --port "$port" >"$work/service.log" 2>&1 &
service=$!
bench_processes+=("$service")
PEER_PORT=$peer_port node "$node_dir/peer-server.mjs" >"$work/peer.log" 2>&1 &
peer=$!
bench_processes+=("$peer")
wait_until_ok "http://127.0.0.1:$port/ready"
wait_until_ok "http://127.0.0.1:$peer_port/graphql" 60 -H 'Content-Type: application/json' -d '{"query":"{__typename}"}' ||
  { cat "$work/peer.log" >&2; exit 1; }
token=$("$bin" token --sub bench --role integration --scope read)

# The selection each server is asked for: the same recommendations, in each one's schema.
selection_service="lotse { id name } score explanation { summary }"
selection_peer="id name score"

# The ids of the first recommendations for lotse-0001: both must answer without errors.
first_ids() {
  local url=$1 selection=$2 ids_of=$3 body
  body=$(curl -sf "$url/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    -d "{\"query\":\"{ recommendPeers(lotseId: \\\"lotse-0001\\\", first: 5) { $selection } }\"}")
  if [[ "$body" != *'"recommendPeers":['* || "$body" == *'"errors"'* ]]; then
    echo "unexpected answer from $url: $body" >&2
    return 1
  fi
  grep -o "$ids_of\"id\":\"lotse-[0-9]*\"" <<<"$body" | grep -o 'lotse-[0-9]*' | paste -sd' '
}
echo "lotse-0001, first 5: Lotsennetz $(first_ids "http://127.0.0.1:$port" "$selection_service" '"lotse":{')"
echo "lotse-0001, first 5: stock      $(first_ids "http://127.0.0.1:$peer_port" "$selection_peer" '')"

# One wrk run against a server: NAME URL SELECTION CONNECTIONS; appends "NAME rps p50 p99".
measure() {
  local name=$1 url=$2 selection=$3 clients=$4 output errors threads
  threads=$((clients < 2 ? clients : 2))
  export LOTSEN=$lotsen TOKEN=$token SELECTION=$selection
  wrk -t"$threads" -c"$clients" -d"${warmup}s" --timeout 10s -s scripts/wrk-recommend.lua "$url" >/dev/null 2>&1 || true
  output=$(wrk -t"$threads" -c"$clients" -d"${duration}s" --timeout 10s --latency -s scripts/wrk-recommend.lua "$url" 2>&1)
  errors=$(grep -c '^unexpected response' <<<"$output" || true)
  if [ "$errors" -gt 0 ]; then
    grep -m3 '^unexpected response' <<<"$output" >&2
    echo "$name: $errors requests answered with an error" >&2
    return 1
  fi
  awk -v name="$name" -v c="$clients" '
    /Requests\/sec/ {rps = $2} /^ +50%/ {p50 = $2} /^ +99%/ {p99 = $2}
    /requests in/ {n = $1} /Socket errors/ {socket = $0}
    END {printf "%s %s %s %s  (%d connections, %s requests%s)\n", name, rps, p50, p99, c, n, socket ? "; " socket : ""}' \
    <<<"$output" | tee -a "$work/results"
}

: >"$work/results"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds of ${duration} s, $connections connections"
echo "columns: server, requests/s, p50, p99"
for _ in $(seq 1 "$rounds"); do
  measure lotsennetz "http://127.0.0.1:$port" "$selection_service" "$connections"
  measure stock "http://127.0.0.1:$peer_port" "$selection_peer" "$connections"
done
measure lotsennetz-single "http://127.0.0.1:$port" "$selection_service" 1
measure stock-single "http://127.0.0.1:$peer_port" "$selection_peer" 1

median() {
  awk -v n="$1" '$1 == n {print $2}' "$work/results" | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
ours=$(median lotsennetz) theirs=$(median stock)
echo "median requests/s at $connections connections: Lotsennetz (Neo4j store) $ours, stock @neo4j/graphql $theirs"
awk -v a="$ours" -v b="$theirs" 'BEGIN {if (b > 0) printf "ratio: %.1f times the stock server'"'"'s throughput\n", a / b}'
echo "service RSS: $(memory "$service" VmHWM) peak; stock server RSS: $(memory "$peer" VmHWM) peak"
