#!/usr/bin/env bash
# Installs the Node packages the tests drive (pinned in tests/npm/package-lock.json) into
# target/npm, from the npm registry only. Skipped when the installed lock equals the pinned one.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=target/npm
if [[ -f "$dir/node_modules/.package-lock.json" ]] && cmp -s tests/npm/package-lock.json "$dir/package-lock.json"; then
  exit 0
fi
mkdir -p "$dir"
cp tests/npm/package.json tests/npm/package-lock.json "$dir/"
(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
echo "Node packages for the tests installed in $dir" >&2
