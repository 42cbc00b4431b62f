#!/usr/bin/env bash
# Distributed predict on a real Dask cluster: a scheduler and two workers, separate processes
# on 127.0.0.1. One worker is killed with SIGKILL mid-run; the job still finishes with every row
# exactly once (checked by a row key), and its parts are byte for byte those of a
# single-machine `outcore predict`. Also: Parquet through the Python API, read by DuckDB; bad
# data fails with the CLI's exit codes and leaves no _SUCCESS.
source "$(dirname "$0")/common.bash"
PYDIR=${OUTCORE_BUILD_DIR:-$(dirname "$OUTCORE")}/python
if [[ ! -f $PYDIR/outcore/__init__.py ]]; then
  echo "skip: no Python module in $PYDIR (configure with -DOUTCORE_PYTHON=ON)"
  exit 77
fi
export PYTHONPATH=$PYDIR
source "$SRC/tests/python/dask_cluster.sh"
trap 'stop_dask_cluster; rm -rf "$WORK"' EXIT
cd "$WORK"

# Data with a row key: taxi rows numbered 0.. by a leading row_id column, over 3 files.
rows=360000
"$OUTCORE" gen-taxi --rows 50000 --seed 31 -o train.csv >/dev/null
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" train.csv -o model.json >/dev/null
"$OUTCORE" gen-taxi --rows $rows --files 3 --seed 32 -o raw >/dev/null
mkdir data
offset=0
for f in raw/*.csv; do
  awk -v start=$offset 'NR == 1 { print "row_id," $0; next } { print start + NR - 2 "," $0 }' "$f" >"data/${f#raw/}"
  offset=$((offset + $(wc -l <"$f") - 1))
done

# The single-machine reference run.
"$OUTCORE" predict model.json data -o single --format csv --keep row_id --split-size 1MB --quiet
nsplits=$(ls single | grep -c '^part-')
check "the run has at least 40 splits ($nsplits)" test "$nsplits" -ge 40

# Each worker sleeps 0.1 s after writing a part and before reporting it, so that the kill
# below finds work in flight (and, most likely, a written but unreported attempt).
start_dask_cluster "$WORK/cluster" 2 OUTCORE_TEST_SPLIT_DELAY=0.1
check "scheduler and 2 workers up at $DASK_SCHEDULER" test ${#DASK_WORKER_PIDS[@]} -eq 2

# The driver in the background; SIGKILL worker 1 once a few parts are committed.
$PY -m outcore predict model.json data -o dist --format csv --keep row_id --split-size 1MB \
  --scheduler "$DASK_SCHEDULER" >driver.out 2>driver.err &
driver=$!
committed=0
for ((i = 0; i < 1200; i++)); do
  committed=$(ls dist 2>/dev/null | grep -c '^part-' || true)
  [[ $committed -ge 8 ]] && break
  sleep 0.05
done
kill -9 "${DASK_WORKER_PIDS[0]}"
wait "${DASK_WORKER_PIDS[0]}" 2>/dev/null || true
rc=0
wait $driver || rc=$?
check "the job finished after worker 1 was killed at $committed of $nsplits parts (exit $rc)" test $rc -eq 0
[[ $rc -eq 0 ]] || cat driver.err
check "worker 1 is dead" bash -c "! kill -0 ${DASK_WORKER_PIDS[0]} 2>/dev/null"
check "_SUCCESS written" test -f dist/_SUCCESS
check "no temporary attempt left behind" test -z "$(ls -A dist | grep '\.tmp$' || true)"
check "the driver showed progress" grep -q "dask predict .*splits" driver.err
$PY - $rows <<'PYEOF' && pass "rows out == rows in: every row_id once, none missing, in input order" || fail "row key check"
import json, os, sys
import numpy as np, pandas as pd
rows = int(sys.argv[1])
m = json.load(open("dist/_SUCCESS"))
t = m["totals"]
assert t["rows_in"] == t["rows_out"] == rows and t["rows_rejected"] == 0, t
parts = sorted(n for n in os.listdir("dist") if n.startswith("part-"))
assert [p["file"] for p in m["parts"]] == parts, "manifest parts differ from the files"
ids = pd.concat([pd.read_csv("dist/" + p, usecols=["row_id"]) for p in parts]).row_id.to_numpy()
assert len(ids) == rows, "%d rows out of %d" % (len(ids), rows)
assert len(np.unique(ids)) == rows, "duplicate rows"
assert np.array_equal(ids, np.arange(rows)), "missing or reordered rows"
print("executor:", m["executor"])
PYEOF
discarded=$($PY -c 'import json; print(json.load(open("dist/_SUCCESS"))["executor"]["attempts_discarded"])')
pass "attempts discarded (a killed worker's unreported or lost results, rerun elsewhere): $discarded"
check "every part equals the single-machine run's, byte for byte" diff -r -x _SUCCESS single dist
$PY - <<'PYEOF' && pass "manifest: same format, parts and totals as the CLI's" || fail "manifest differs from the CLI's"
import json
a, b = json.load(open("dist/_SUCCESS")), json.load(open("single/_SUCCESS"))
assert set(b) <= set(a), set(b) - set(a)
a["output"].pop("dir"), b["output"].pop("dir")  # dist/ and single/
for key in ("format", "format_version", "model", "inputs", "output", "split_size", "parts", "totals", "drift"):
    assert a[key] == b[key], key
PYEOF

# Parquet, through the Python API; DuckDB reads the parts.
$PY - "$DASK_SCHEDULER" <<'PYEOF' && pass "Python API: outcore.dask.predict to Parquet" || fail "outcore.dask.predict to Parquet"
import sys
from distributed import Client
import outcore.dask
with Client(sys.argv[1]) as client:
    manifest = outcore.dask.predict("model.json", ["data"], "pq", client=client, split_size="4MB", keep=["row_id"])
assert manifest["totals"]["rows_out"] == 360000
PYEOF
"$OUTCORE" predict model.json data -o pq_single --keep row_id --split-size 4MB --quiet
check "Parquet parts equal the CLI's, byte for byte" diff -r -x _SUCCESS pq pq_single
duckdb "SELECT count(*) AS n, count(DISTINCT row_id) AS ids, min(row_id) AS lo, max(row_id) AS hi FROM read_parquet('pq/part-*.parquet')" >pq.json
check "DuckDB: 360000 rows, 360000 distinct row_ids from 0 to 359999" \
  $PY -c "import json; r = json.loads(open('pq.json').readline())['rows'][0]; assert [int(v) for v in r] == [360000, 360000, 0, 359999], r"

# Bad data: a schema mismatch is caught by the driver; a bad row deep in a file by the task
# that meets it (reported once, not retried). Exit codes are the CLI's; no _SUCCESS.
$PY -c "
import pandas as pd
pd.read_csv('data/taxi-000.csv', nrows=1000).drop(columns=['Fare_Amt']).to_csv('nofare.csv', index=False)
"
expect_error "schema mismatch: exit 4, names the column" 4 "nofare.csv: column 'Fare_Amt'" \
  $PY -m outcore predict model.json nofare.csv -o e1 --scheduler "$DASK_SCHEDULER"
cp data/taxi-000.csv bad.csv
echo "999999999,VTS,2009-01-04 02:52:00,2009-01-04 03:02:00,1,abc,-73.99,40.72,,,-73.99,40.69,CASH,8.9,0.5,,0,0,9.4" >>bad.csv
expect_error "bad row: exit 3, names file, line, column and value" 3 "bad.csv:[0-9]+: column 'Trip_Distance': cannot parse 'abc'" \
  $PY -m outcore predict model.json bad.csv -o e2 --split-size 1MB --scheduler "$DASK_SCHEDULER"
check "a failed run writes no _SUCCESS" test ! -e e2/_SUCCESS
expect_error "unreachable scheduler: exit 6" 6 "cannot reach the Dask scheduler" \
  $PY -m outcore predict model.json data -o e3 --scheduler tcp://127.0.0.1:9 --connect-timeout 2s
finish
