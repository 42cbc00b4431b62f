#!/usr/bin/env bash
# The Python package: scikit-learn contract (check_estimator, clone, get_params), parity of
# Python fit/predict with the CLI's, models moving both ways, the Dask driver's commit logic.
# Runs the unittest files of tests/python against the module built in $OUTCORE_BUILD_DIR/python.
source "$(dirname "$0")/common.bash"
use_python_module
OUTCORE_BINARY=$(cd "$(dirname "$OUTCORE")" && pwd)/$(basename "$OUTCORE")
export OUTCORE_BINARY OUTCORE_SOURCE_DIR=$SRC
check "import outcore from $PYDIR" $PY -c 'import outcore, outcore.dask; outcore.Pipeline'
for t in "$SRC"/tests/python/test_*.py; do
  name=$(basename "$t" .py)
  if (cd "$SRC/tests/python" && $PY -m unittest "$name" >"$WORK/$name.log" 2>&1); then
    pass "$name ($(tail -3 "$WORK/$name.log" | grep -Eo 'Ran [0-9]+ tests?'))"
  else
    fail "$name"
    cat "$WORK/$name.log"
  fi
done
finish
