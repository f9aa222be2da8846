#!/usr/bin/env bash
# Two test_project instances on one PostgreSQL database (and one MariaDB database), requests
# alternating between them: sessions, flags, tracking, permissions and the login rate limit are
# shared (scripts/scale_out.py says what is checked). Needs RUBBIE_TEST_POSTGRES_URL and/or
# RUBBIE_TEST_MYSQL_URL; does nothing without them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/lib/servers.sh
cargo build -q -p test_project

# pair NAME DATABASE_URL: both instances, the checks, both stopped.
pair() {
  local name="$1" url="$2" a b
  start_test_project "$name-a" "$url"
  a="$started"
  start_test_project "$name-b" "$url"
  b="$started"
  echo "--- $name: instances on ports ${a##*:} and ${b##*:}"
  python3 scripts/scale_out.py "http://$a/admin" "http://$b/admin"
  stop_test_projects
}

on_server_databases rubbie_scale pair
