#!/usr/bin/env bash
# The Playwright suite (Debian's Chromium) against a fresh test_project on SQLite, and on
# PostgreSQL / MariaDB when RUBBIE_TEST_POSTGRES_URL / RUBBIE_TEST_MYSQL_URL are set.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

[ -d tests/e2e/node_modules ] || (cd tests/e2e && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
cargo build -p test_project
work="$(mktemp -d)"
server=""
created=()   # "postgres NAME" / "mysql NAME": dropped on exit, whatever happened
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  for entry in "${created[@]}"; do
    case "$entry" in
      postgres\ *) psql "$RUBBIE_TEST_POSTGRES_URL" -qc "DROP DATABASE IF EXISTS ${entry#* } WITH (FORCE)" || true ;;
      mysql\ *) mysqlc "DROP DATABASE IF EXISTS ${entry#* }" || true ;;
    esac
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The mysql client from a mysql://user[:password]@host[:port]/db URL; the password goes
# through MYSQL_PWD, not the command line.
mysqlc() {
  local rest="${RUBBIE_TEST_MYSQL_URL#*://}"
  local cred="${rest%%@*}" hostport="${rest#*@}"
  hostport="${hostport%%/*}"
  local user="${cred%%:*}" pass="" host="${hostport%%:*}" port=3306
  [ "$cred" != "$user" ] && pass="${cred#*:}"
  [ "$hostport" != "$host" ] && port="${hostport#*:}"
  MYSQL_PWD="$pass" mysql -u"$user" -h"$host" -P"$port" -e "$1"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# run_suite NAME DATABASE_URL
run_suite() {
  local name="$1" url="$2" port log
  port="$(free_port)"
  log="$work/$name.log"
  echo "--- $name on port $port"
  (cd "$work" && DATABASE_URL="$url" BIND_ADDR="127.0.0.1:$port" RUBBIE_ADMIN_USERNAME=e2e-admin \
    RUBBIE_ADMIN_PASSWORD=e2e-password-1 RUST_LOG=warn exec "$root/target/debug/test_project") > "$log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do
    grep -q "rubbie admin ready" "$log" && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; echo "test_project died" >&2; return 1; }
    sleep 0.2
  done
  grep -q "rubbie admin ready" "$log" || { cat "$log" >&2; echo "test_project did not start" >&2; return 1; }
  (cd tests/e2e && RUBBIE_E2E_URL="http://127.0.0.1:$port/admin/" RUBBIE_E2E_USERNAME=e2e-admin \
    RUBBIE_E2E_PASSWORD=e2e-password-1 npx playwright test --reporter=line)
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

run_suite sqlite "sqlite://$work/demo.db"

db="rubbie_e2e_$$_$(date +%s)"
if [ -n "${RUBBIE_TEST_POSTGRES_URL:-}" ]; then
  psql "$RUBBIE_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db"
  created+=("postgres $db")
  run_suite postgres "${RUBBIE_TEST_POSTGRES_URL%/*}/$db"
fi
if [ -n "${RUBBIE_TEST_MYSQL_URL:-}" ]; then
  mysqlc "CREATE DATABASE $db"
  created+=("mysql $db")
  run_suite mariadb "${RUBBIE_TEST_MYSQL_URL%/*}/$db"
fi
