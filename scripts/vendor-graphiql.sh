#!/usr/bin/env bash
# Copies the pinned GraphiQL, React and React DOM builds (tests/npm/package-lock.json, from the
# npm registry only, installed into target/npm by scripts/npm.sh) into web/vendor/, which the
# binary embeds so that /graphql works offline. With --check, changes nothing and fails when
# the committed files differ from the pinned packages (scripts/test.sh runs the check).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/npm.sh
modules=target/npm/node_modules
files=(
  "graphiql/graphiql.min.js graphiql.min.js"
  "graphiql/graphiql.min.css graphiql.min.css"
  "react/umd/react.production.min.js react.production.min.js"
  "react-dom/umd/react-dom.production.min.js react-dom.production.min.js"
)

status=0
for entry in "${files[@]}"; do
  read -r source target <<<"$entry"
  if [[ "${1:-}" == "--check" ]]; then
    if ! cmp -s "$modules/$source" "web/vendor/$target"; then
      echo "web/vendor/$target differs from the pinned $source: run scripts/vendor-graphiql.sh" >&2
      status=1
    fi
  else
    cp "$modules/$source" "web/vendor/$target"
  fi
done
if [[ "${1:-}" != "--check" ]]; then
  (cd web/vendor && sha256sum ./*.js ./*.css >SHA256SUMS)
  echo "web/vendor updated from the pinned packages" >&2
fi
exit $status
