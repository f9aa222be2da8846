#!/usr/bin/env bash
# The SQL runner streaming a 1,000,000-row result as CSV vs. the same query fetched through sqlx
# by hand, with peak memory (SQLite, and PostgreSQL / MariaDB when RUBBIE_TEST_POSTGRES_URL /
# RUBBIE_TEST_MYSQL_URL are set). Prints a Markdown table; docs/performance.md keeps a run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -q -p rubbie --example bench_sql
