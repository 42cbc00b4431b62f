# Shared helpers for the end-to-end tests (sourced). $1 of each test is the outcore binary.
set -euo pipefail
OUTCORE=${1:?usage: $0 path/to/outcore}
SRC=${OUTCORE_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/outcore-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
failures=0
passes=0

pass() { passes=$((passes + 1)); echo "ok   - $*"; }
fail() { failures=$((failures + 1)); echo "FAIL - $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# expect_error DESCRIPTION EXIT_CODE PATTERN COMMAND...: the command must fail with that
# exit code and print PATTERN (grep -E) on stderr.
expect_error() {
  local d=$1 code=$2 pattern=$3; shift 3
  local rc=0
  "$@" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
  if [[ $rc -eq $code ]] && grep -qE -- "$pattern" "$WORK/stderr"; then
    pass "$d"
  else
    fail "$d (exit $rc, stderr: $(head -c 400 "$WORK/stderr"))"
  fi
}
finish() {
  echo "$passes passed, $failures failed"
  [[ $failures -eq 0 ]]
}
# duckdb SQL: prints the result rows as JSON lines (independent Parquet reader).
duckdb() { node "$SRC/tests/node/query.mjs" "$@"; }
# The reference workflow (pandas + scikit-learn + dask), part of the repository.
BASELINE="$SRC/tests/reference/taxi_reference.py"
