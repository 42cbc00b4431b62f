#!/usr/bin/env bash
# Sets up everything the tests need (Debian packages, DuckDB from npm), builds, runs CTest.
# Usage: scripts/test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
if [[ ! -d tests/node/node_modules/@duckdb/node-api ]]; then
  (cd tests/node && npm install --no-audit --no-fund --loglevel=error)
fi
scripts/build.sh -DOUTCORE_PYTHON=ON  # the Python package too: tests/e2e/python_*.sh
cd build
ctest --output-on-failure --timeout 900 -j2 "$@"
