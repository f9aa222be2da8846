#!/usr/bin/env bash
# Every test of the project: Rust (SQLite always; PostgreSQL and MariaDB when
# RUBBIE_TEST_POSTGRES_URL / RUBBIE_TEST_MYSQL_URL are set), lint, the web app's type check and
# lint and unit tests, freshness of the committed SPA build and API types, and the browser suite,
# two-instance checks and schemathesis against a running test_project on each configured database.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

step() { printf '\n=== %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
cargo test --workspace

step "web: install, type check, lint, unit tests"
[ -d web/node_modules ] || (cd web && npm ci --no-audit --no-fund)
(cd web && npm run typecheck && npm run lint && npm run test)

step "freshness: OpenAPI document, generated API types, committed SPA build"
git rev-parse --is-inside-work-tree > /dev/null   # the dist check below needs git
cargo build -p test_project
spec="$(mktemp)"
trap 'rm -f "$spec"' EXIT
./target/debug/test_project openapi > "$spec"
if ! diff -q "$spec" web/src/api/openapi.json >/dev/null; then
  echo "web/src/api/openapi.json is stale: run scripts/gen-api-types.sh --from-server" >&2
  exit 1
fi
scripts/gen-api-types.sh --check
scripts/build-web.sh > /dev/null
if [ -n "$(git status --porcelain -- rubbie-vue/dist)" ]; then
  git status --short -- rubbie-vue/dist >&2
  echo "rubbie-vue/dist is stale: run scripts/build-web.sh and commit the result" >&2
  exit 1
fi

step "browser suite"
scripts/e2e.sh

step "two instances on one database"
scripts/scale-out.sh

step "the OpenAPI document against the server (schemathesis)"
scripts/schemathesis.sh
