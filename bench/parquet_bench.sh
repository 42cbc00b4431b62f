#!/usr/bin/env bash
# predict from Parquet: Parquet -> Parquet vs CSV -> Parquet on the same rows (4 files), and vs
# DuckDB running the same scoring as SQL over the same Parquet files; where the CPU time goes.
# Usage: bench/parquet_bench.sh [ROWS_PER_FILE]
source "$(dirname "$0")/common.sh"
PER_FILE=${1:-1000000}
setup_bench >/dev/null
train=$BENCH_DIR/train-1000000.csv
[[ -f $train ]] || "$OUTCORE" gen-taxi --rows 1000000 --seed 1 -o "$train" >/dev/null
"$OUTCORE" fit "$ROOT/examples/taxi_tip.toml" "$train" -o "$BENCH_DIR/model.json" >/dev/null
data=$BENCH_DIR/data-4x$PER_FILE
[[ -d $data ]] || "$OUTCORE" gen-taxi --rows $((4 * PER_FILE)) --files 4 --seed 2 -o "$data" >/dev/null
pq=$BENCH_DIR/data-4x$PER_FILE-parquet
if [[ ! -d $pq ]]; then
  mkdir -p "$pq.tmp"
  for f in "$data"/*.csv; do
    node "$ROOT/tests/node/query.mjs" \
      "COPY (SELECT * FROM read_csv('$f')) TO '$pq.tmp/$(basename "$f" .csv).parquet' (FORMAT PARQUET)" >/dev/null
  done
  mv "$pq.tmp" "$pq"
fi
rows=$((4 * PER_FILE))
csv_mb=$(du -sm "$data" | cut -f1)
pq_mb=$(du -sm "$pq" | cut -f1)
cat "$data"/*.csv "$pq"/*.parquet >/dev/null
echo "predict $rows rows: 4 CSV files ($csv_mb MB) or the same as 4 Parquet files ($pq_mb MB, DuckDB defaults) -> Parquet, $(nproc) cores"

rm -rf "$BENCH_DIR"/out_pq_* "$BENCH_DIR/duck_pq.parquet"
measure csv_to_parquet "$OUTCORE" predict "$BENCH_DIR/model.json" "$data" -o "$BENCH_DIR/out_pq_csv" --quiet
measure parquet_to_parquet "$OUTCORE" predict "$BENCH_DIR/model.json" "$pq" -o "$BENCH_DIR/out_pq_pq" --quiet
measure parquet_1thread "$OUTCORE" predict "$BENCH_DIR/model.json" "$pq" -o "$BENCH_DIR/out_pq_pq1" --threads 1 --quiet
# The DuckDB side: the model as SQL (bench/model_to_sql.py), reading the Parquet files.
sql=$($PY "$ROOT/bench/model_to_sql.py" "$BENCH_DIR/model.json" "$pq/*.parquet" "$BENCH_DIR/duck_pq.parquet" |
  $PY -c "import re, sys; print(re.sub(r\"read_csv\\(('[^']*'), header = true, types = \\{[^}]*\\}\\)\", r'read_parquet(\\1)', sys.stdin.read()))")
[[ $sql == *read_parquet* ]] || { echo "bench: could not turn the model's SQL into a Parquet read"; exit 1; }
measure duckdb_parquet node "$ROOT/tests/node/query.mjs" "$sql"

echo
$PY - "$BENCH_DIR" "$rows" "$SECONDS_csv_to_parquet" "$SECONDS_parquet_to_parquet" "$SECONDS_parquet_1thread" "$SECONDS_duckdb_parquet" <<'PYEOF'
import json, sys
d, rows = sys.argv[1], int(sys.argv[2])
csv, pq, pq1, duck = map(float, sys.argv[3:7])
for name, s in (("outcore CSV -> Parquet", csv), ("outcore Parquet -> Parquet", pq),
                ("outcore Parquet, 1 thread", pq1), ("DuckDB Parquet -> Parquet", duck)):
    print(f"{name:28s} {s:7.2f} s  {rows / s / 1e6:6.2f} M rows/s")
print(f"CSV / Parquet time (outcore):     {csv / pq:.2f}x (goal >= 1: Parquet at least as fast)")
print(f"DuckDB / outcore time (Parquet):  {duck / pq:.2f}x")
for label, run in (("CSV", "out_pq_csv"), ("Parquet", "out_pq_pq")):
    m = json.load(open(f"{d}/{run}/_SUCCESS"))
    cpu = m["timings"]["cpu_seconds"]
    total = sum(cpu.values())
    print(f"CPU time, {label:8s} input: " + ", ".join(f"{k} {v:.2f} s ({100 * v / total:.0f}%)" for k, v in cpu.items()))
PYEOF
