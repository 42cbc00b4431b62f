#!/usr/bin/env bash
# predict, CSV -> Parquet, side by side on this machine: outcore vs DuckDB (the same scoring as
# SQL over the same files) vs the Dask baseline; rows/s, MB/s, where the time goes, and peak
# RSS at 4M and 20M rows.
# Usage: bench/predict_bench.sh [ROWS_PER_FILE] [BIG_ROWS]
source "$(dirname "$0")/common.sh"
PER_FILE=${1:-1000000}
BIG_ROWS=${2:-20000000}
setup_bench >/dev/null
train=$BENCH_DIR/train-1000000.csv
[[ -f $train ]] || "$OUTCORE" gen-taxi --rows 1000000 --seed 1 -o "$train" >/dev/null
"$OUTCORE" fit "$ROOT/examples/taxi_tip.toml" "$train" -o "$BENCH_DIR/model.json" >/dev/null
[[ -f $BENCH_DIR/model.pkl ]] || $PY "$BASELINE" fit "$train" "$BENCH_DIR/model.pkl" >/dev/null
data=$BENCH_DIR/data-4x$PER_FILE
[[ -d $data ]] || "$OUTCORE" gen-taxi --rows $((4 * PER_FILE)) --files 4 --seed 2 -o "$data" >/dev/null
rows=$((4 * PER_FILE))
mb=$(du -sm "$data" | cut -f1)
cat "$data"/*.csv >/dev/null
echo "predict $rows rows in 4 CSV files ($mb MB) -> Parquet, $(nproc) cores"

rm -rf "$BENCH_DIR/out_outcore" "$BENCH_DIR/out_outcore1" "$BENCH_DIR/duck.parquet" "$BENCH_DIR/out_dask"
measure outcore "$OUTCORE" predict "$BENCH_DIR/model.json" "$data" -o "$BENCH_DIR/out_outcore" --quiet
measure outcore_1thread "$OUTCORE" predict "$BENCH_DIR/model.json" "$data" -o "$BENCH_DIR/out_outcore1" --threads 1 --quiet
sql=$($PY "$ROOT/bench/model_to_sql.py" "$BENCH_DIR/model.json" "$data/*.csv" "$BENCH_DIR/duck.parquet")
measure duckdb node "$ROOT/tests/node/query.mjs" "$sql"
mkdir -p "$BENCH_DIR/out_dask"
measure dask $PY "$BASELINE" predict "$BENCH_DIR/model.pkl" "$data/*.csv" "$BENCH_DIR/out_dask"

echo
$PY - "$BENCH_DIR" "$rows" "$mb" "$SECONDS_outcore" "$SECONDS_outcore_1thread" "$SECONDS_duckdb" "$SECONDS_dask" <<'PYEOF'
import json, sys
d, rows, mb = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
ours, ours1, duck, dask = map(float, sys.argv[4:8])
for name, s in (("outcore (2 threads)", ours), ("outcore (1 thread)", ours1), ("DuckDB", duck), ("Dask baseline", dask)):
    print(f"{name:22s} {s:7.2f} s  {rows / s / 1e6:6.2f} M rows/s  {mb / s:7.1f} MB/s")
print(f"DuckDB / outcore time: {duck / ours:.2f}x (goal >= 1, aim 2)")
print(f"Dask / outcore time:   {dask / ours:.2f}x (goal >= 10)")
m = json.load(open(f"{d}/out_outcore/_SUCCESS"))["timings"]
cpu = m["cpu_seconds"]
total = sum(cpu.values())
print("where the CPU time goes (2 threads): " + ", ".join(f"{k} {v:.2f} s ({100 * v / total:.0f}%)" for k, v in cpu.items()))
PYEOF

echo
big=$BENCH_DIR/data-big-$BIG_ROWS
[[ -d $big ]] || "$OUTCORE" gen-taxi --rows "$BIG_ROWS" --files 5 --seed 3 -o "$big" >/dev/null
rm -rf "$BENCH_DIR/out_big"
measure outcore_4M_rows "$OUTCORE" predict "$BENCH_DIR/model.json" "$data" -o "$BENCH_DIR/out_outcore" --overwrite --quiet
measure outcore_${BIG_ROWS}_rows "$OUTCORE" predict "$BENCH_DIR/model.json" "$big" -o "$BENCH_DIR/out_big" --quiet
rm -rf "$BENCH_DIR/out_big"
echo "peak RSS with default settings: 4M rows ${RSS_outcore_4M_rows} MB, $BIG_ROWS rows $(eval echo \$RSS_outcore_${BIG_ROWS}_rows) MB (goal <= 256 MB, flat)"
