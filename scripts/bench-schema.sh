#!/usr/bin/env bash
# Big schemas: 1,000 tables on SQLite, and on PostgreSQL / MariaDB when RUBBIE_TEST_POSTGRES_URL /
# RUBBIE_TEST_MYSQL_URL are set: the table list, a table's schema, tracking, the permission
# matrix. Prints Markdown tables; docs/performance.md keeps a run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -q -p rubbie --example bench_schema
