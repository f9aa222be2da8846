#!/usr/bin/env bash
# Regenerate web/src/api/schema.d.ts from web/src/api/openapi.json (the server's OpenAPI document).
# `--from-server` first refreshes openapi.json from test_project (rubbie's + the demo's API).
# `--check` fails when the committed schema.d.ts is stale instead of rewriting it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -d web/node_modules ]; then
  (cd web && npm ci --no-audit --no-fund)
fi
if [ "${1:-}" = "--from-server" ]; then
  cargo build -q -p test_project
  ./target/debug/test_project openapi > web/src/api/openapi.json
  shift
fi
gen() { web/node_modules/.bin/openapi-typescript web/src/api/openapi.json -o "$1"; }
if [ "${1:-}" = "--check" ]; then
  tmp="$(mktemp --suffix=.d.ts)"
  trap 'rm -f "$tmp"' EXIT
  gen "$tmp" >/dev/null
  if ! diff -q "$tmp" web/src/api/schema.d.ts >/dev/null; then
    echo "web/src/api/schema.d.ts is stale: run scripts/gen-api-types.sh" >&2
    exit 1
  fi
else
  gen web/src/api/schema.d.ts
fi
