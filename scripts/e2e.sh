#!/usr/bin/env bash
# The Playwright suite (Debian's Chromium) against a fresh test_project on SQLite, and on
# PostgreSQL / MariaDB when RUBBIE_TEST_POSTGRES_URL / RUBBIE_TEST_MYSQL_URL are set.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

[ -d tests/e2e/node_modules ] || (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
cargo build -p test_project
source scripts/lib/servers.sh
# the schema editor's spec needs development mode (schemathesis and scale-out run without it)
export RUBBIE_DEV_MODE=1

# run_suite NAME DATABASE_URL
run_suite() {
  local name="$1"
  start_test_project "$name" "$2"
  echo "--- $name on $started"
  (cd tests/e2e && RUBBIE_E2E_URL="http://$started/admin/" RUBBIE_E2E_USERNAME=e2e-admin \
    RUBBIE_E2E_PASSWORD=e2e-password-1 npx playwright test --reporter=line)
  stop_test_projects
}

run_suite sqlite "sqlite://$work/demo.db"

on_server_databases rubbie_e2e run_suite
