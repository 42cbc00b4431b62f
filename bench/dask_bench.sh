#!/usr/bin/env bash
# Distributed predict on Dask vs the single-process CLI, on this machine: throughput with 1 and
# 2 workers (separate processes, 1 thread each), per-split overhead (outcore's own per part and
# Dask's per task), and a model fitted to these runs that projects the time to 100 workers and
# 170M rows.
# Usage: bench/dask_bench.sh [ROWS]   (default 2000000; needs the build with -DOUTCORE_PYTHON=ON)
# OUTCORE=path/to/outcore picks the build (its python/ directory holds the package).
source "$(dirname "$0")/common.sh"
ROWS=${1:-2000000}
PYDIR=$(dirname "$OUTCORE")/python
if [[ ! -f $PYDIR/outcore/__init__.py ]]; then
  "$ROOT/scripts/build.sh" -DOUTCORE_PYTHON=ON >/dev/null
fi
export PYTHONPATH=$PYDIR
source "$ROOT/tests/python/dask_cluster.sh"
trap 'stop_dask_cluster' EXIT

train=$BENCH_DIR/train-1000000.csv
[[ -f $train ]] || "$OUTCORE" gen-taxi --rows 1000000 --seed 1 -o "$train" >/dev/null
"$OUTCORE" fit "$ROOT/examples/taxi_tip.toml" "$train" -o "$BENCH_DIR/model.json" >/dev/null
data=$BENCH_DIR/dask-data-$ROWS
[[ -d $data ]] || "$OUTCORE" gen-taxi --rows "$ROWS" --files 4 --seed 2 -o "$data" >/dev/null
mb=$(du -sm "$data" | cut -f1)
cat "$data"/*.csv >/dev/null  # page cache: every run reads from memory
echo "predict $ROWS rows, 4 CSV files ($mb MB) -> Parquet, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"

# The single-process CLI: 1 and 2 threads; and 1 thread with tiny splits, for outcore's own cost
# per part (open, footer, fsync, commit). Best of 3 (driver wall time, from the manifest).
cli_run() {  # cli_run THREADS SPLIT_SIZE: best seconds of 3
  local best=inf rep s
  for rep in 1 2 3; do
    rm -rf "$BENCH_DIR/dask-cli"
    "$OUTCORE" predict "$BENCH_DIR/model.json" "$data" -o "$BENCH_DIR/dask-cli" --threads "$1" --split-size "$2" --quiet
    s=$($PY -c "import json; print(json.load(open('$BENCH_DIR/dask-cli/_SUCCESS'))['timings']['seconds'])")
    best=$($PY -c "print(min(float('$s'), float('$best')))")
  done
  echo "$best"
}
CLI_1=$(cli_run 1 64MB)
CLI_2=$(cli_run 2 64MB)
CLI_1_TINY=$(cli_run 1 256KB)
CLI_TINY_SPLITS=$($PY -c "import json; print(json.load(open('$BENCH_DIR/dask-cli/_SUCCESS'))['totals']['parts'])")

# Dask: W workers; for each split size, the best of 3 runs (driver wall time, from the manifest:
# planning, all tasks, commits and _SUCCESS; the cluster is started and warmed up before).
: >"$BENCH_DIR/dask-runs.jsonl"
for workers in 1 2; do
  start_dask_cluster "$BENCH_DIR/dask-cluster" $workers
  $PY - "$DASK_SCHEDULER" "$workers" "$BENCH_DIR" "$data" <<'PYEOF' >>"$BENCH_DIR/dask-runs.jsonl"
import json, os, shutil, sys, time
from distributed import Client
import outcore.dask
scheduler, workers, bench, data = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
out = os.path.join(bench, "dask-out")
with Client(scheduler) as client:
    client.run(lambda: __import__("outcore.dask"))  # warm: import the package on every worker
    outcore.dask.predict(os.path.join(bench, "model.json"), [data], out, client=client, split_size="64MB",
                         overwrite=True)
    for split in ("64MB", "16MB", "4MB", "1MB", "256KB"):
        best = None
        for rep in range(3):
            m = outcore.dask.predict(os.path.join(bench, "model.json"), [data], out, client=client,
                                     split_size=split, overwrite=True)
            seconds = m["timings"]["seconds"]
            best = seconds if best is None else min(best, seconds)
        print(json.dumps({"workers": workers, "split_size": split, "splits": m["totals"]["parts"],
                          "rows": m["totals"]["rows_out"], "bytes": m["totals"]["bytes_in"], "seconds": best}))
    # Dask's own cost per task (scheduler, worker and driver round trip): no-op tasks,
    # submitted and gathered as predict does.
    from distributed import as_completed
    def noop(i):
        return i
    best = None
    for _ in range(3):
        start = time.monotonic()
        futures = [client.submit(noop, i, pure=False) for i in range(1000)]
        for _ in as_completed(futures, with_results=True):
            pass
        seconds = time.monotonic() - start
        best = seconds if best is None else min(best, seconds)
    print(json.dumps({"workers": workers, "noop_tasks": 1000, "seconds": best}))
shutil.rmtree(out, ignore_errors=True)
PYEOF
  stop_dask_cluster
done

echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
$PY - "$BENCH_DIR/dask-runs.jsonl" "$ROWS" "$mb" "$CLI_1" "$CLI_2" "$CLI_1_TINY" "$CLI_TINY_SPLITS" <<'PYEOF'
import json, math, sys
import numpy as np
runs = [json.loads(line) for line in open(sys.argv[1])]
rows, mb = int(sys.argv[2]), float(sys.argv[3])
cli1, cli2, cli1_tiny, tiny_splits = float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
preds = [r for r in runs if "split_size" in r]
c_task = min(r["seconds"] / r["noop_tasks"] for r in runs if "noop_tasks" in r)
bytes_per_row = preds[0]["bytes"] / preds[0]["rows"]
big_splits = min(r["splits"] for r in preds)

print("| run | splits | seconds | M rows/s | vs CLI, 2 threads |")
print("| --- | ---: | ---: | ---: | ---: |")
print(f"| CLI `outcore predict --threads 1` | {big_splits} | {cli1:.2f} | {rows / cli1 / 1e6:.2f} | {cli2 / cli1:.2f}x |")
print(f"| CLI `outcore predict --threads 2` | {big_splits} | {cli2:.2f} | {rows / cli2 / 1e6:.2f} | 1.00x |")
print(f"| CLI `--threads 1 --split-size 256KB` | {tiny_splits} | {cli1_tiny:.2f} | {rows / cli1_tiny / 1e6:.2f} | {cli2 / cli1_tiny:.2f}x |")
for r in preds:
    print(f"| Dask, {r['workers']} worker{'s' if r['workers'] > 1 else ''}, split {r['split_size']} | {r['splits']} | "
          f"{r['seconds']:.2f} | {rows / r['seconds'] / 1e6:.2f} | {cli2 / r['seconds']:.2f}x |")

# Costs. c_row: worker seconds per row (one worker, the biggest splits). c_part: outcore's own
# cost per part (the CLI's time per extra split). c_split: what a split costs a Dask run (slope
# of the 1-worker runs over the number of splits); c_split - c_part is Dask's share, which the
# no-op tasks measure directly as c_task (scheduler + worker + driver, serial).
one = sorted((r for r in preds if r["workers"] == 1), key=lambda r: r["splits"])
A = np.array([[1.0, r["splits"]] for r in one])
(a1, c_split), *_ = np.linalg.lstsq(A, np.array([r["seconds"] for r in one]), rcond=None)
c_row = (one[0]["seconds"] - c_split * one[0]["splits"]) / rows
a = max(a1 - rows * c_row, 0.0)
c_part = (cli1_tiny - cli1) / (tiny_splits - big_splits)
two = {r["split_size"]: r["seconds"] for r in preds if r["workers"] == 2}
speedups = ", ".join(f"{k} {v1['seconds'] / two[k]:.2f}x" for k in two for v1 in one if v1["split_size"] == k)
print()
print(f"one worker: {1 / c_row / 1e6:.2f} M rows/s ({1 / c_row * bytes_per_row / 1e6:.0f} MB/s of CSV); "
      f"fixed cost of a run {a:.2f} s")
print(f"per-split overhead of a Dask run: {c_split * 1e3:.1f} ms (1 worker, slope over 4..{one[-1]['splits']} splits); "
      f"of which outcore's own per part: {c_part * 1e3:.1f} ms (the CLI's, 1 thread); Dask per task "
      f"(no-op tasks): {c_task * 1e3:.1f} ms")
print(f"2 workers vs 1, by split size: {speedups}")

# Projection to 170M rows (bytes per row as here) on 100 workers, 1 thread each, on separate
# machines reading a shared file system at the local rate: splits run in waves of `workers`,
# each costing its rows and outcore's per-part cost; Dask hands out the tasks one after
# another (c_task each), which bounds small splits:
#   T = a + max(ceil(S / W) * (N / S * c_row + c_part), S * c_task)
N, W = 170_000_000, 100
print()
print(f"projection: {N / 1e6:.0f}M rows ({N * bytes_per_row / 1e9:.1f} GB of CSV) on {W} workers:")
print("| split size | splits | waves | time (s) | M rows/s |")
print("| ---: | ---: | ---: | ---: | ---: |")
for split_mb in (512, 256, 64, 16, 4):
    S = math.ceil(N * bytes_per_row / (split_mb * 2**20))
    waves = math.ceil(S / W)
    T = a + max(waves * (N / S * c_row + c_part), S * c_task)
    print(f"| {split_mb} MB | {S} | {waves} | {T:.1f} | {N / T / 1e6:.0f} |")
S64 = math.ceil(N * bytes_per_row / 2**26)
gb = N * bytes_per_row / 1e9
print(f"(reading the input is a floor the model leaves out: {gb:.1f} GB at 1 GB/s of shared storage is {gb:.0f} s, "
      f"at 10 GB/s {gb / 10:.1f} s)")
print(f"(one worker, 64 MB splits: {a + N * c_row + S64 * (c_part + c_task):.0f} s; the CLI with 2 threads here: "
      f"{N / (rows / cli2):.0f} s; no overhead at all on {W} workers: {a + N * c_row / W:.1f} s)")
PYEOF
