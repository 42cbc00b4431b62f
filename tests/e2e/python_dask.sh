#!/usr/bin/env bash
# Distributed predict on a real Dask cluster: a scheduler and two workers, separate processes
# on 127.0.0.1. One worker is killed with SIGKILL mid-run; the job still finishes with every row
# exactly once (checked by a row key), and its parts are byte for byte those of a
# single-machine `outcore predict`. Also: Parquet through the Python API, read by DuckDB; a
# PostgreSQL table as the output (exactly once through the ledger; no password shown or sent);
# a killed driver's run finished with --resume; bad data fails with the CLI's exit codes and
# leaves no _SUCCESS. A multiclass model and gradient-boosted trees give the CLI's parts too.
source "$(dirname "$0")/common.bash"
use_python_module
source "$SRC/tests/python/dask_cluster.sh"
cd "$WORK"
start_test_postgres stop_dask_cluster
SECRET=outcore-test-pw  # the test role's password (tests/pg_server.sh)
unset PGPASSWORD
export PGPASSFILE=/nonexistent
psql() { PGPASSWORD=$SECRET command psql "$DB" -qAtX -v ON_ERROR_STOP=1 "$@"; }

# Data with a row key: taxi rows numbered 0.. by a leading row_id column, over 3 files.
rows=360000
"$OUTCORE" gen-taxi --rows 50000 --seed 31 -o train.csv >/dev/null
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" train.csv -o model.json >/dev/null
"$OUTCORE" gen-taxi --rows $rows --files 3 --seed 32 -o raw >/dev/null
add_row_ids raw data

# The single-machine reference run.
"$OUTCORE" predict model.json data -o single --format csv --keep row_id --split-size 1MB --quiet
nsplits=$(ls single | grep -c '^part-')
check "the run has at least 40 splits ($nsplits)" test "$nsplits" -ge 40

# Each worker sleeps 0.1 s after writing a part and before reporting it, so that the kill
# below finds work in flight (and, most likely, a written but unreported attempt).
# The workers have the database password in their environment; the driver gets it in the URI.
start_dask_cluster "$WORK/cluster" 2 OUTCORE_TEST_SPLIT_DELAY=0.1 PGPASSWORD=$SECRET
check "scheduler and 2 workers up at $DASK_SCHEDULER" test ${#DASK_WORKER_PIDS[@]} -eq 2

# The driver in the background; SIGKILL worker 1 once a few parts are committed.
$PY -m outcore predict model.json data -o dist --format csv --keep row_id --split-size 1MB \
  --scheduler "$DASK_SCHEDULER" >driver.out 2>driver.err &
driver=$!
committed_parts() { ls dist 2>/dev/null | grep -c '^part-'; }
kill_first_worker_after 8 committed_parts
rc=0
wait $driver || rc=$?
check "the job finished after worker 1 was killed at $KILLED_AT of $nsplits parts (exit $rc)" test $rc -eq 0
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
check "every part equals the single-machine run's, byte for byte" diff -r -x _SUCCESS -x _outcore single dist
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
check "Parquet parts equal the CLI's, byte for byte" diff -r -x _SUCCESS -x _outcore pq pq_single
duckdb "SELECT count(*) AS n, count(DISTINCT row_id) AS ids, min(row_id) AS lo, max(row_id) AS hi FROM read_parquet('pq/part-*.parquet')" >pq.json
check "DuckDB: 360000 rows, 360000 distinct row_ids from 0 to 359999" \
  $PY -c "import json; r = json.loads(open('pq.json').readline())['rows'][0]; assert [int(v) for v in r] == [360000, 360000, 0, 359999], r"

# A multiclass model (yhat the class as text, p_<class> per class) and gradient-boosted trees
# through the same driver.
"$OUTCORE" fit "$SRC/examples/taxi_payment_multiclass.toml" train.csv -o multiclass.json --quiet
"$OUTCORE" fit "$SRC/examples/taxi_tip_trees.toml" train.csv -o trees.json --quiet
for m in multiclass trees; do
  $PY -m outcore predict $m.json data -o dist_$m --keep row_id --split-size 4MB --scheduler "$DASK_SCHEDULER" \
    --quiet 2>$m.err && pass "Dask predict with the $m model" || { fail "Dask predict, $m"; cat $m.err; }
  "$OUTCORE" predict $m.json data -o single_$m --keep row_id --split-size 4MB --quiet
  check "$m: Parquet parts equal the CLI's, byte for byte" diff -r -x _SUCCESS -x _outcore dist_$m single_$m
done
# (DuckDB's names are case-insensitive: it reads p_Cash and p_Credit as p_Cash_1 and p_Credit_1.)
duckdb "SELECT count(*) AS n, count(DISTINCT yhat) AS classes, max(abs(p_CASH + p_CREDIT + p_Cash_1 + p_Credit_1 + p_Dispute + \"p_No Charge\" - 1)) AS off FROM read_parquet('dist_multiclass/part-*.parquet')" >mc.json
check "DuckDB: 360000 rows, several classes predicted, probabilities sum to 1" \
  $PY -c "import json; r = json.loads(open('mc.json').readline())['rows'][0]; assert int(r[0]) == 360000 and int(r[1]) >= 2 and float(r[2]) < 1e-9, r"

# A PostgreSQL table as the output, on the surviving worker: each split in one transaction with
# its ledger record, committed by the driver, the run completed in the ledger.
$PY -m outcore predict model.json data -o "postgresql://outcore:$SECRET@127.0.0.1:$PORT/outcore_test?table=dscored" \
  --keep row_id --split-size 1MB --scheduler "$DASK_SCHEDULER" --json >dpg.json 2>dpg.err &&
  pass "Dask predict into a PostgreSQL table" || { fail "Dask predict into a PostgreSQL table"; cat dpg.err; }
check "the ledger has every split committed ($nsplits) and the run complete with $rows rows" test \
  "$(psql -c "SELECT count(*) FILTER (WHERE kind = 'split') || ' ' || sum(rows) FILTER (WHERE kind = 'complete') FROM dscored_outcore_ledger")" = "$nsplits $rows"
psql -c "\\copy (SELECT row_id, yhat FROM dscored ORDER BY row_id) TO 'dscored.csv' CSV"
$PY - $rows <<'PYEOF' && pass "the table: every row_id once, yhat equal to the single-machine run's" || fail "table rows or values"
import glob, sys
import numpy as np, pandas as pd
rows = int(sys.argv[1])
ref = pd.concat([pd.read_csv(f) for f in sorted(glob.glob("single/part-*.csv"))], ignore_index=True)
got = pd.read_csv("dscored.csv", header=None, names=["row_id", "yhat"])
assert len(got) == rows and np.array_equal(got.row_id.to_numpy(), np.arange(rows)), "rows lost or doubled"
assert np.array_equal(ref.row_id.to_numpy(), np.arange(rows))
diff = np.abs(got.yhat.to_numpy() - ref.yhat.to_numpy())
assert np.isnan(diff).sum() == 0 and diff.max() <= 1e-12, diff.max()
PYEOF
# A split run again (a retried task) replaces its own rows, and the split stays committed.
PGPASSWORD=$SECRET $PY - "$DB?table=dscored" <<'PYEOF' && pass "a retried split replaces its own rows" || fail "a retried split"
import json, sys
from outcore import _outcore
model = _outcore.Model.load("model.json")
splits, keep = _outcore.plan_splits(model, _outcore.expand_inputs(["data"]), 1 << 20, ["row_id"])
spec = dict(json.loads(_outcore.default_output_spec()), dir=sys.argv[1], keep=json.loads(keep))
result = json.loads(_outcore.run_split(model, splits[3], json.dumps(spec), 987654321))
assert result["ordinal"] == 3 and result["rows_out"] > 0, result
print(result["rows_out"], file=open("split3.rows", "w"))
PYEOF
check "... no row doubled: $rows rows, split 3 holds its $(cat split3.rows 2>/dev/null) rows once, still committed" test \
  "$(psql -c "SELECT (SELECT count(*) FROM dscored) || ' ' || (SELECT count(*) FROM dscored WHERE split_id = 3) || ' ' || (SELECT kind FROM dscored_outcore_ledger WHERE split_id = 3)")" = "$rows $(cat split3.rows) split"
psql -c "\\copy (SELECT result FROM dscored_outcore_ledger) TO 'ledger.txt'"
check "the password is in none of: driver output, ledger, worker and scheduler logs" \
  bash -c "! grep -rqF -- '$SECRET' dpg.json dpg.err ledger.txt '$WORK/cluster'/*.log"
check "... and the summary names the table" grep -q "\"output\": \"$DB?table=dscored\"" dpg.json
expect_error "a second run into the table is refused" 2 "already holds outcore output; use --overwrite" \
  env PGPASSWORD=$SECRET $PY -m outcore predict model.json data -o "$DB?table=dscored" --keep row_id --split-size 1MB --scheduler "$DASK_SCHEDULER"
check "--resume of the complete table run does nothing" env PGPASSWORD=$SECRET $PY -m outcore predict model.json data \
  -o "$DB?table=dscored" --keep row_id --split-size 1MB --scheduler "$DASK_SCHEDULER" --resume --quiet

# A PostgreSQL table as the input: the same splits (ctid page ranges) and parts as the CLI's.
PGPASSWORD=$SECRET bash "$SRC/tests/pg_server.sh" load-taxi "$DB" raw/taxi-000.csv dtaxi
PGPASSWORD=$SECRET $PY -m outcore predict model.json "$DB?table=dtaxi" -o dtaxi_dask --format csv --keep id \
  --split-size 1MB --scheduler "$DASK_SCHEDULER" --quiet && pass "Dask predict from a PostgreSQL table" ||
  fail "Dask predict from a PostgreSQL table"
PGPASSWORD=$SECRET "$OUTCORE" predict model.json "$DB?table=dtaxi" -o dtaxi_cli --format csv --keep id \
  --split-size 1MB --quiet
check "... its parts equal the CLI's, byte for byte ($(ls dtaxi_cli | grep -c '^part-') parts)" \
  diff -r -x _SUCCESS -x _outcore dtaxi_cli dtaxi_dask
check "... and its manifest names the table" $PY -c "
import json; m = json.load(open('dtaxi_dask/_SUCCESS'))
assert m['inputs'] == [{'path': '$DB?table=dtaxi'}] and m['totals']['rows_out'] == $(wc -l <raw/taxi-000.csv) - 1, m['inputs']"

# --resume for files: the driver is killed midway; a second driver finishes the run, keeping
# the committed parts, with the parts of a clean run.
$PY -m outcore predict model.json data -o resumed --format csv --keep row_id --split-size 1MB \
  --scheduler "$DASK_SCHEDULER" --quiet 2>/dev/null &
driver=$!
committed=0
for ((i = 0; i < 1200; i++)); do
  committed=$(ls resumed 2>/dev/null | grep -c '^part-' || true)
  [[ $committed -ge 6 ]] && break
  sleep 0.05
done
kill -9 $driver
wait $driver 2>/dev/null || true
check "the driver was killed with $committed of $nsplits parts committed, no _SUCCESS" \
  test "$committed" -ge 6 -a "$committed" -lt "$nsplits" -a ! -e resumed/_SUCCESS
expect_error "a fresh run into it is refused" 2 "not empty; use --overwrite.*--resume" \
  $PY -m outcore predict model.json data -o resumed --format csv --keep row_id --split-size 1MB --scheduler "$DASK_SCHEDULER"
expect_error "resume with other options is refused" 2 "cannot resume: the model, inputs or output options differ" \
  $PY -m outcore predict model.json data -o resumed --format csv --keep row_id --split-size 2MB --scheduler "$DASK_SCHEDULER" --resume
$PY -m outcore predict model.json data -o resumed --format csv --keep row_id --split-size 1MB \
  --scheduler "$DASK_SCHEDULER" --resume --json >resumed.json && pass "--resume finishes it" || fail "--resume finishes it"
check "... keeping the committed parts" $PY -c "
import json; t = json.load(open('resumed.json'))['totals']
assert t['parts_reused'] >= $committed and t['rows_out'] == $rows, t"
check "... with every part equal to the single-machine run's" diff -r -x _SUCCESS -x _outcore single resumed
check "... and no attempt left (only parts, _SUCCESS and the resume records)" test -z "$(ls -A resumed | grep -v -e '^part-' -e '^_SUCCESS$' -e '^_outcore$' || true)"
rm resumed/part-00001.csv
$PY -m outcore predict model.json data -o resumed --format csv --keep row_id --split-size 1MB \
  --scheduler "$DASK_SCHEDULER" --resume --json >redone.json && pass "a deleted part: --resume on the cluster" ||
  fail "a deleted part: --resume on the cluster"
check "... redoes that part, says why, and keeps the others" $PY -c "
import json; j = json.load(open('redone.json')); t = j['totals']
assert j['parts_redone'] == [{'part': 'part-00001.csv', 'why': 'missing'}], j['parts_redone']
assert t['parts_redone'] == 1 and t['parts_reused'] == t['parts'] - 1 and t['rows_out'] == $rows, t"
check "... giving the single-machine run's parts again" diff -r -x _SUCCESS -x _outcore single resumed

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
check "... and says resume may skip or reject the bad row" \
  grep -q "parts are complete in e2; run again with resume=True (--resume) to finish, adding on_bad_rows='skip'" "$WORK/stderr"
check "... which --resume --on-bad-rows skip does, on the cluster" \
  $PY -m outcore predict model.json bad.csv -o e2 --split-size 1MB --scheduler "$DASK_SCHEDULER" --resume --on-bad-rows skip
check "... every good row once, the bad one dropped" $PY -c "
import json; t = json.load(open('e2/_SUCCESS'))['totals']
good = sum(1 for _ in open('data/taxi-000.csv')) - 1
assert (t['rows_in'], t['rows_out'], t['rows_rejected']) == (good + 1, good, 1), t"
expect_error "unreachable scheduler: exit 6" 6 "cannot reach the Dask scheduler" \
  $PY -m outcore predict model.json data -o e3 --scheduler tcp://127.0.0.1:9 --connect-timeout 2s
finish
