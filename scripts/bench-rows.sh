#!/usr/bin/env bash
# The rows endpoint vs. the raw query on 1,000,000 rows (SQLite, and PostgreSQL when
# RUBBIE_TEST_POSTGRES_URL is set). Prints Markdown tables; docs/performance.md keeps a run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -q -p rubbie --example bench_rows
