#!/usr/bin/env bash
# Installs pinned Node packages from the npm registry only: by default those the tests drive
# (tests/npm/package-lock.json) into target/npm; with two arguments those of another package
# directory into another target, e.g. `scripts/npm.sh bench target/bench-npm` for the
# benchmarks. Skipped when the installed lock equals the pinned one.
#
#   scripts/npm.sh [PACKAGE_DIR TARGET_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."

source=${1:-tests/npm}
dir=${2:-target/npm}
if [[ -f "$dir/node_modules/.package-lock.json" ]] && cmp -s "$source/package-lock.json" "$dir/package-lock.json"; then
  exit 0
fi
mkdir -p "$dir"
cp "$source/package.json" "$source/package-lock.json" "$dir/"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "Node packages of $source installed in $dir" >&2
