# Shared by the bench scripts (sourced): paths, setup, and a timer that records wall seconds
# and peak RSS of one command.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUTCORE=${OUTCORE:-$ROOT/build/outcore}
REFERENCE_DIR=$ROOT/tests/reference
BASELINE=$REFERENCE_DIR/taxi_reference.py  # the reference workflow: pandas + scikit-learn + dask
PY=/usr/bin/python3
BENCH_DIR=${BENCH_DIR:-/tmp/outcore-bench}
mkdir -p "$BENCH_DIR"

setup_bench() {
  "$ROOT/scripts/setup.sh" --test
  [[ -d $ROOT/tests/node/node_modules/@duckdb/node-api ]] ||
    (cd "$ROOT/tests/node" && npm install --no-audit --no-fund --loglevel=error)
  "$ROOT/scripts/build.sh"
}

# measure NAME COMMAND...: runs it, prints "NAME  S s  M MB", sets SECONDS_<NAME> and RSS_<NAME>.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$BENCH_DIR/time.$name" "$@" >"$BENCH_DIR/out.$name" 2>"$BENCH_DIR/err.$name" || {
    echo "bench: $name failed:"; cat "$BENCH_DIR/err.$name"; exit 1; }
  read -r secs kb <"$BENCH_DIR/time.$name"
  printf -v "SECONDS_$name" '%s' "$secs"
  printf -v "RSS_$name" '%s' "$((kb / 1024))"
  printf '%-28s %8.2f s  %6d MB peak RSS\n' "$name" "$secs" "$((kb / 1024))"
}

ratio() { $PY -c "print(f'{float($1) / float($2):.2f}')"; }
