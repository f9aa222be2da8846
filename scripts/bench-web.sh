#!/usr/bin/env bash
# The SPA's hand-written pieces against the libraries that do the same (the CSV preview reader vs
# papaparse, the virtual rows vs @tanstack/virtual-core; vitest bench in Node), then scrolling
# 10,000 loaded rows in headless Chromium against the debug test_project on SQLite.
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
