#!/usr/bin/env bash
# Rebuild the embedded SPA: web/ → rubbie-vue/dist/ (committed; the build is reproducible).
set -euo pipefail
cd "$(dirname "$0")/../web"
if [ ! -d node_modules ]; then
  npm ci --no-audit --no-fund
fi
npm run build
