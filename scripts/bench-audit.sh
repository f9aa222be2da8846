#!/usr/bin/env bash
# What the audit log costs a write: single-row PATCH and a 10,000-row bulk update, audited vs. the
# table excluded from the log, with the raw statement for scale (SQLite, and PostgreSQL / MariaDB
# when RUBBIE_TEST_POSTGRES_URL / RUBBIE_TEST_MYSQL_URL are set). Prints a Markdown table;
# docs/performance.md keeps a run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -q -p rubbie --example bench_audit
