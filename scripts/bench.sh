#!/usr/bin/env bash
# Benchmarks of the embedded store with figures: import throughput, peak memory, and
# recommendPeers over HTTP under concurrent load (wrk). Recommendation latency inside the
# process is measured by criterion: `cargo bench --bench recommend`.
#
#   scripts/bench.sh [bw|de ...]     (default: bw de)
#
# Installs wrk from Debian's packages when it is missing. Everything runs on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

scales=("${@:-bw}")
[ $# -eq 0 ] && scales=(bw de)
duration=${BENCH_SECONDS:-20}
connections=${BENCH_CONNECTIONS:-32}
port=${BENCH_PORT:-18181}
work=target/bench
mkdir -p "$work"

if ! command -v wrk >/dev/null; then
  echo "installing wrk" >&2
  (apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; })
fi

cargo build --release --locked -q
bin=target/release/lotsennetz
export LOTSENNETZ_JWT_SECRET=benchmark-secret-0123456789abcdef0123
export LOTSENNETZ_LOG=warn

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
for scale in "${scales[@]}"; do
  file="$work/$scale.jsonl"
  data="$work/data-$scale"
  [ -f "$file" ] || "$bin" generate --scale "$scale" --seed 42 "$file" 2>/dev/null
  rm -rf "$data"
  echo "== $scale: $(wc -l < "$file") records"
  "$bin" import "$file" --data-dir "$data" 2>&1 | sed 's/^/import: /'

  "$bin" serve --data-dir "$data" --port "$port" >/dev/null 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/ready" >/dev/null && break
    sleep 0.5
  done
  echo "server RSS after start: $(awk '/VmRSS/ {printf "%.0f MiB", $2/1024}' /proc/$server/status)"
  lotsen=$(grep -c '"type":"lotse"' "$file")
  token=$("$bin" token --sub bench --role integration --scope read)
  LOTSEN=$lotsen TOKEN=$token wrk -t2 -c"$connections" -d"${duration}s" --latency \
    -s scripts/wrk-recommend.lua "http://127.0.0.1:$port" 2>&1 | sed 's/^/wrk: /'
  echo "server peak RSS: $(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' /proc/$server/status)"
  kill "$server"
  wait "$server" 2>/dev/null || true
  trap - EXIT
done
