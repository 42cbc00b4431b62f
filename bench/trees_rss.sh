#!/usr/bin/env bash
# Peak memory of `outcore predict` with the gradient-boosting model of bench/trees_bench.sh
# (run it first: it writes the model and the 1M-row file), on 4M and 20M rows made by
# repeating the 1M rows: memory must stay flat as the input grows (it is bounded by threads
# x batch, not by the input). Prints rows/s and peak RSS of each.
# Usage: bench/trees_rss.sh
source "$(dirname "$0")/common.sh"
base=$BENCH_DIR/trees-1000000.csv
model=$BENCH_DIR/trees_model.json
[[ -f $base && -f $model ]] || { echo "bench/trees_rss.sh: run bench/trees_bench.sh 1000000 first" >&2; exit 1; }
echo "gradient boosting predict, CSV -> Parquet, 2 threads, load average $(cut -d' ' -f1 /proc/loadavg)"
for millions in 4 20; do
  data=$BENCH_DIR/trees-${millions}x.csv
  if [[ ! -f $data ]]; then
    { cat "$base"; for ((i = 1; i < millions; i++)); do tail -n +2 "$base"; done; } >"$data.tmp"
    mv "$data.tmp" "$data"
  fi
  cat "$data" >/dev/null  # page cache
  rm -rf "$BENCH_DIR/trees_rss_pred"
  measure "predict_${millions}M" "$OUTCORE" predict "$model" "$data" -o "$BENCH_DIR/trees_rss_pred" --threads 2 --quiet
  secs_var=SECONDS_predict_${millions}M
  echo "  ${millions}M rows: $($PY -c "print(f'{$millions / ${!secs_var}:.2f}')") M rows/s"
done
rm -rf "$BENCH_DIR/trees_rss_pred" "$BENCH_DIR"/trees-*x.csv
