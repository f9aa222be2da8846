#!/usr/bin/env bash
# The rows endpoint vs. the raw query on 1,000,000 rows (SQLite, and PostgreSQL / MariaDB when
# RUBBIE_TEST_POSTGRES_URL / RUBBIE_TEST_MYSQL_URL are set). Prints Markdown tables; docs/performance.md keeps a run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -q -p rubbie --example bench_rows
