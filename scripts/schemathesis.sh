#!/usr/bin/env bash
# The OpenAPI document against the server: schemathesis (installed into a venv under target/)
# runs every rubbie operation of a fresh test_project with all its checks (response schemas,
# undocumented statuses and content types, schema-valid requests refused, schema-violating ones
# accepted...) and fails on any failure. On SQLite signed in both ways (session cookie with its
# CSRF token, and a Bearer token); on PostgreSQL with the cookie and on MariaDB with the token
# when RUBBIE_TEST_POSTGRES_URL / RUBBIE_TEST_MYSQL_URL are set. Settings: schemathesis.toml
# beside this script; MAX_EXAMPLES (default 20) bounds each run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/lib/servers.sh
venv="$root/target/schemathesis-venv"
[ -x "$venv/bin/st" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q "schemathesis==4.32.*"; }
cargo build -q -p test_project

# run_schemathesis NAME DATABASE_URL AUTH (cookie|bearer)
run_schemathesis() {
  local name="$1" auth="$3" base login cookie csrf token
  start_test_project "schemathesis-$name" "$2"
  base="http://$started/admin"
  login="$(curl -sf -D "$work/headers" -H 'content-type: application/json' \
    -d '{"username":"e2e-admin","password":"e2e-password-1"}' "$base/api/v1/auth/login")"
  cookie="$(grep -i '^set-cookie:' "$work/headers" | sed 's/^[^:]*: //; s/;.*//')"
  csrf="$(printf '%s' "$login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])')"
  local headers=(-H "Cookie: $cookie" -H "X-CSRF-Token: $csrf")
  if [ "$auth" = bearer ]; then
    token="$(curl -sf -H 'content-type: application/json' -H "Cookie: $cookie" -H "X-CSRF-Token: $csrf" \
      -d '{"name":"schemathesis"}' "$base/api/v1/auth/tokens" \
      | python3 -c 'import json, sys; print(json.load(sys.stdin)["secret"])')"
    headers=(-H "Authorization: Bearer $token")
  fi
  curl -sf "$base/api/openapi.json" > "$work/openapi.json"
  echo "--- schemathesis: $name, $auth"
  # The host's own paths have their own server (/); logout and token revocation would end the
  # credentials mid-run.
  "$venv/bin/st" --config-file scripts/schemathesis.toml run "$work/openapi.json" -u "$base" "${headers[@]}" \
    --max-examples "${MAX_EXAMPLES:-20}" --seed 1 --checks all --no-color \
    --exclude-path-regex '^/api/(products|status)$|auth/logout|auth/tokens/\{'
  stop_test_projects
}

run_schemathesis sqlite-cookie "sqlite://$work/st-cookie.db" cookie
run_schemathesis sqlite-bearer "sqlite://$work/st-bearer.db" bearer
on_server() {
  case "$1" in
    postgres) run_schemathesis "$1" "$2" cookie ;;
    mariadb) run_schemathesis "$1" "$2" bearer ;;
  esac
}
on_server_databases rubbie_st on_server
