# Shell functions the benchmark scripts share (sourced, not run): the load tool, waiting for
# a server, and a Neo4j server of the benchmark's own.

# Installs wrk from Debian's packages when it is missing.
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  echo "installing wrk" >&2
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
}

# Waits until a URL answers with success (a service's /ready), at most SECONDS (default 120);
# further arguments go to curl (a POST for a GraphQL server that refuses bare GETs).
wait_until_ok() {
  local url=$1 seconds=${2:-120} started=$SECONDS
  shift 2 || shift $#
  until curl -sf "$@" "$url" >/dev/null; do
    if ((SECONDS - started >= seconds)); then
      echo "no answer from $url within $seconds s" >&2
      return 1
    fi
    sleep 0.2
  done
}

# Defaults of the Neo4j server a benchmark starts for itself with scripts/neo4j.sh: a home
# and a Bolt port of its own (its database is deleted), 2 GiB heap, 1 GiB page cache.
bench_neo4j_defaults() {
  export LOTSENNETZ_NEO4J_HOME=${LOTSENNETZ_NEO4J_HOME:-target/neo4j-bench}
  export LOTSENNETZ_NEO4J_BOLT_PORT=${LOTSENNETZ_NEO4J_BOLT_PORT:-7717}
  export LOTSENNETZ_NEO4J_HEAP=${LOTSENNETZ_NEO4J_HEAP:-2g}
  export LOTSENNETZ_NEO4J_PAGECACHE=${LOTSENNETZ_NEO4J_PAGECACHE:-1g}
}

# Deletes the benchmark server's database and starts it afresh; prints its log on failure.
fresh_bench_neo4j() {
  scripts/neo4j.sh reset 2>/dev/null
  if ! scripts/neo4j.sh start 2>"$1/neo4j-start.log"; then
    cat "$1/neo4j-start.log" >&2
    return 1
  fi
}

# "N MiB" of a /proc status field (VmRSS: now, VmHWM: peak) of a process.
memory() {
  awk -v field="$2:" '$1 == field {printf "%.0f MiB", $2/1024}' "/proc/$1/status"
}

# Installs the benchmarks' Node packages (bench/package-lock.json) into target/bench-npm and
# puts the benchmarks' Node programs next to them (they import those packages).
bench_node_tools() {
  scripts/npm.sh bench target/bench-npm >&2
  cp bench/*.mjs bench/*.graphql target/bench-npm/
}

# Reads a benchmark's arguments `[--quick] [COUNT]`: sets `quick` (1 with --quick), `count`
# (empty when not given) and `profile` (debug with --quick, else release). USAGE is the
# message for anything else.
bench_args() {
  local usage=$1 arg
  shift
  quick= count= profile=release
  for arg in "$@"; do
    case "$arg" in
      --quick) quick=1 profile=debug ;;
      [0-9]*) count=$arg ;;
      *) echo "usage: $usage" >&2; exit 2 ;;
    esac
  done
}

# Sets `bin` to the lotsennetz binary: BENCH_BIN, else the build of PROFILE (release or
# debug), built when it is not current.
bench_binary() {
  if [ -n "${BENCH_BIN:-}" ]; then
    bin=$BENCH_BIN
    return
  fi
  if [ "$1" = release ]; then cargo build --release --locked -q; else cargo build --locked -q; fi
  bin=${CARGO_TARGET_DIR:-target}/$1/lotsennetz
}

# Points LOTSENNETZ_NEO4J_* at the Neo4j a benchmark uses, its network deleted: the running
# server named by LOTSENNETZ_NEO4J_URI (emptied by bench/neo4j-wipe.mjs with the service's
# own statements), else a server of the benchmark's own (see bench_neo4j_defaults), started
# afresh. Sets `stop_neo4j` when that server was not running before, for the caller to stop
# it at the end. Needs bench_node_tools first; WORK is a directory for the start's log.
use_bench_neo4j() {
  if [ -n "${LOTSENNETZ_NEO4J_URI:-}" ]; then
    node target/bench-npm/neo4j-wipe.mjs "$PWD/cypher"
  else
    bench_neo4j_defaults
    scripts/neo4j.sh status >/dev/null || stop_neo4j=1
    fresh_bench_neo4j "$1"
    eval "$(scripts/neo4j.sh env)"
  fi
}

# Writes the `bw` network of seed 42 into FILE unless it is there, and imports it into the
# store LOTSENNETZ_STORE names; sets `lotsen` to its number of Lotsen.
import_bw() {
  [ -f "$1" ] || "$bin" generate --scale bw --seed 42 "$1" 2>/dev/null
  "$bin" import "$1" 2>&1 | sed 's/^/import: /'
  lotsen=$(grep -c '"type":"lotse"' "$1")
}

# Processes a benchmark started, for bench_cleanup to stop.
bench_processes=()

# Stops the benchmark's processes and the Neo4j server it started for itself (if it did);
# for `trap bench_cleanup EXIT`.
bench_cleanup() {
  local process
  for process in "${bench_processes[@]}"; do
    kill "$process" 2>/dev/null && wait "$process" 2>/dev/null
  done
  [ -n "${stop_neo4j:-}" ] && scripts/neo4j.sh stop
  return 0
}

# The Neo4j a benchmark uses (see use_bench_neo4j) with the `bw` network imported, and the
# store of the commands that follow set to it. WORK is the benchmark's directory.
bench_neo4j_with_bw() {
  use_bench_neo4j "$1"
  export LOTSENNETZ_STORE=neo4j
  import_bw "$1/bw.jsonl"
}
