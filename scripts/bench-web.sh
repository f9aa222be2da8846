#!/usr/bin/env bash
# The SPA's hand-written pieces against the libraries that do the same (the CSV preview reader vs
# papaparse, the virtual rows vs @tanstack/virtual-core; vitest bench in Node), then scrolling
# 10,000 loaded rows and drawing the ER diagram of 200 tables in headless Chromium against the
# debug test_project on SQLite.
# docs/performance.md keeps a run and what was decided from it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
[ -d web/node_modules ] || (cd web && npm ci --no-audit --no-fund)
[ -d tests/e2e/node_modules ] || (cd tests/e2e && npm ci --no-audit --no-fund)
(cd web && npx vitest bench --run bench/)

source scripts/lib/servers.sh
cargo build -q -p test_project
start_test_project bench-web "sqlite://$work/bench.db"
(cd tests/e2e && node bench/scroll.mjs "http://$started/admin/" e2e-admin e2e-password-1)
stop_test_projects

# 200 more tables: 150 in chains of 5 joined by foreign keys (each references the one before),
# 50 without any relation; 8 columns each.
python3 - "$work/bench.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for i in range(200):
    ref = f", parent_id INTEGER REFERENCES bench_{i - 1:03}(id)" if i < 150 and i % 5 else ""
    db.execute(f"CREATE TABLE IF NOT EXISTS bench_{i:03} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
               f"code VARCHAR(40), amount NUMERIC(10,2), active BOOLEAN, created_at TIMESTAMP, notes TEXT{ref})")
db.commit()
PY
start_test_project bench-diagram "sqlite://$work/bench.db"
(cd tests/e2e && node bench/diagram.mjs "http://$started/admin/" e2e-admin e2e-password-1)
