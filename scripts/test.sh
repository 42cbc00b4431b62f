#!/usr/bin/env bash
# Sets up everything the tests need (Debian packages; DuckDB and s3rver from npm), then:
#   1. builds outcore (Release, with the Python package) in build/ and runs CTest there;
#   2. builds it again with clang-14, ASan + UBSan and libFuzzer in build-fuzz/ and runs the
#      same suite under the sanitizers (the Python tests skip themselves: the extension is not
#      built in that tree);
#   3. fuzzes each fuzz target for FUZZ_SECONDS (default 30: a smoke test; docs/hardening.md
#      records the long runs) under the sanitizers.
# Usage: scripts/test.sh [--quick] [extra ctest arguments]    (--quick: step 1 only)
set -euo pipefail
cd "$(dirname "$0")/.."
quick=0
if [[ ${1:-} == --quick ]]; then quick=1; shift; fi
scripts/setup.sh --test
if [[ ! -d tests/node/node_modules/@duckdb/node-api || ! -d tests/node/node_modules/s3rver ]]; then
  (cd tests/node && npm install --no-audit --no-fund --loglevel=error)
fi

echo "== tests (Release) $(date +%T)"
scripts/build.sh -DOUTCORE_PYTHON=ON  # the Python package too: tests/e2e/python_*.sh
(cd build && ctest --output-on-failure --timeout 900 -j2 "$@")
[[ $quick -eq 1 ]] && exit 0

echo "== tests under ASan + UBSan (clang-14) $(date +%T)"
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOUTCORE_SANITIZE=ON -DOUTCORE_FUZZ=ON -DOUTCORE_BENCH=OFF -DOUTCORE_PYTHON=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)"
# Any sanitizer report fails the test that triggered it (halt_on_error; UBSan aborts).
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd build-fuzz && ctest --output-on-failure --timeout 1800 -j2 "$@")

echo "== short fuzz runs $(date +%T)"
fuzz/run.sh "${FUZZ_SECONDS:-30}"
