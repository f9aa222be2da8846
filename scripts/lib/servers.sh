# Shared by the scripts that run test_project against real databases (e2e.sh, scale-out.sh):
# the mysql client from a URL, free ports, test_project instances started and stopped, and the
# databases they created dropped on exit. Source it; it sets an EXIT trap.

work="$(mktemp -d)"
servers=()   # PIDs of running test_project instances
created=()   # "postgres NAME" / "mysql NAME": dropped on exit, whatever happened
started=""   # host:port of the instance start_test_project started last

cleanup() {
  stop_test_projects
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

# start_test_project NAME DATABASE_URL [BINARY]: test_project (the debug build unless BINARY is
# given) on a free port with the e2e admin and the demo of host sign-in, waited for until it is
# ready; sets $started to its host:port.
start_test_project() {
  local name="$1" url="$2" binary="${3:-$root/target/debug/test_project}" port log pid
  port="$(free_port)"
  log="$work/$name.log"
  # A copy of the backend's migrations: "save as migration" writes there, never into the source.
  local migrations="$work/migrations-$name" backend="sqlite"
  case "$url" in postgres*) backend=postgres ;; mysql*) backend=mysql ;; esac
  rm -rf "$migrations" && cp -r "$root/test_project/migrations/$backend" "$migrations"
  (cd "$work" && DATABASE_URL="$url" BIND_ADDR="127.0.0.1:$port" RUBBIE_ADMIN_USERNAME=e2e-admin \
    RUBBIE_MIGRATIONS_DIR="$migrations" RUBBIE_DEMO_HOST_AUTH_SECRET=e2e-demo-host-sign-in-key \
    RUBBIE_DEV_MODE="${RUBBIE_DEV_MODE:-0}" \
    RUBBIE_ADMIN_PASSWORD=e2e-password-1 RUST_LOG=warn exec "$binary") > "$log" 2>&1 &
  pid=$!
  servers+=("$pid")
  for _ in $(seq 1 300); do
    grep -q "rubbie admin ready" "$log" && break
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "test_project died" >&2; return 1; }
    sleep 0.2
  done
  grep -q "rubbie admin ready" "$log" || { cat "$log" >&2; echo "test_project did not start" >&2; return 1; }
  started="127.0.0.1:$port"
}

stop_test_projects() {
  for pid in "${servers[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  servers=()
}

# on_server_databases PREFIX FUNC: for PostgreSQL and MariaDB (when RUBBIE_TEST_POSTGRES_URL /
# RUBBIE_TEST_MYSQL_URL are set) creates a fresh database PREFIX_<pid>_<time> (dropped on exit)
# and runs FUNC NAME DATABASE_URL on it.
on_server_databases() {
  local db="$1_$$_$(date +%s)" func="$2"
  if [ -n "${RUBBIE_TEST_POSTGRES_URL:-}" ]; then
    psql "$RUBBIE_TEST_POSTGRES_URL" -qc "CREATE DATABASE $db"
    created+=("postgres $db")
    "$func" postgres "${RUBBIE_TEST_POSTGRES_URL%/*}/$db"
  fi
  if [ -n "${RUBBIE_TEST_MYSQL_URL:-}" ]; then
    mysqlc "CREATE DATABASE $db"
    created+=("mysql $db")
    "$func" mariadb "${RUBBIE_TEST_MYSQL_URL%/*}/$db"
  fi
}
