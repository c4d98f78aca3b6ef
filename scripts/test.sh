#!/usr/bin/env bash
# Runs the whole test suite: unit tests, the HTTP integration tests, and the benchmarks once
# each in test mode so they keep compiling and running.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --locked --all-targets "$@"
