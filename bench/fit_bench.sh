#!/usr/bin/env bash
# fit: outcore vs pandas read_csv + scikit-learn fit of the same pipeline, on one 1M-row file,
# both measured here in one run; then CSV parse throughput with 1 and 2 threads.
# Usage: bench/fit_bench.sh [ROWS]
source "$(dirname "$0")/common.sh"
ROWS=${1:-1000000}
setup_bench >/dev/null
train=$BENCH_DIR/train-$ROWS.csv
[[ -f $train ]] || "$OUTCORE" gen-taxi --rows "$ROWS" --seed 1 -o "$train" >/dev/null
cat "$train" >/dev/null  # both sides read from the page cache
echo "fit on $ROWS rows ($(du -h "$train" | cut -f1)), $(nproc) cores"
measure outcore_fit "$OUTCORE" fit "$ROOT/examples/taxi_tip.toml" "$train" -o "$BENCH_DIR/model.json"
measure outcore_fit_1thread "$OUTCORE" fit "$ROOT/examples/taxi_tip.toml" "$train" -o "$BENCH_DIR/model1.json" --threads 1
measure sklearn_fit $PY "$BASELINE" fit "$train" "$BENCH_DIR/model.pkl"
measure sklearn_fit_converged $PY "$BASELINE" fit "$train" "$BENCH_DIR/model_tight.pkl" 0.25 1e-10
echo "pandas+sklearn: $(cat "$BENCH_DIR/out.sklearn_fit")"
echo "outcore:        $(tr '\n' ' ' <"$BENCH_DIR/out.outcore_fit" | tr -s ' ')"
echo "outcore / sklearn wall time: $(ratio "$SECONDS_outcore_fit" "$SECONDS_sklearn_fit") (goal <= 0.10)"
echo "outcore / sklearn (converged, tol=1e-10) wall time: $(ratio "$SECONDS_outcore_fit" "$SECONDS_sklearn_fit_converged")"
if [[ -x $ROOT/build/csv_benchmark ]]; then
  echo; echo "CSV parse throughput (taxi schema, 8 of 18 columns converted):"
  OUTCORE_BENCH_CSV=$train "$ROOT/build/csv_benchmark" --benchmark_counters_tabular=true 2>/dev/null | grep -E "^(BM|-|Bench)" || true
fi
