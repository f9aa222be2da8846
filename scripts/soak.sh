#!/usr/bin/env bash
# A bounded soak on loopback: the release test_project on SQLite (and on PostgreSQL / MariaDB
# when RUBBIE_TEST_POSTGRES_URL / RUBBIE_TEST_MYSQL_URL are set), SOAK_SECONDS (default 300) of
# mixed reads, writes, exports and sign-ins from 8 threads. Prints, per backend, the idle
# resident memory after start-up and the table of scripts/soak.py; docs/performance.md keeps a run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/lib/servers.sh
seconds="${SOAK_SECONDS:-300}"
cargo build -q --release -p test_project
binary="$root/target/release/test_project"

soak() {
  local name="$1" url="$2" pid
  # The first start creates and seeds the shop; idle memory is read on a second start, as a
  # service that restarts on its existing database would be.
  start_test_project "$name-seed" "$url" "$binary"
  stop_test_projects
  start_test_project "$name" "$url" "$binary"
  pid="${servers[-1]}"
  sleep 2
  echo "### $name"
  echo
  echo "Idle after start-up: $(awk '/VmRSS/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status") resident."
  python3 scripts/soak.py "http://$started/admin" "$pid" "$seconds"
  stop_test_projects
}

soak sqlite "sqlite://$work/soak.db"
on_server_databases rubbie_soak soak
