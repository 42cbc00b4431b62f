#!/usr/bin/env bash
# Distributed predict from S3 to S3 on a real Dask cluster whose workers share no directory
# with the driver (each runs in its own empty directory, with its own TMPDIR): inputs are
# s3:// objects, parts are uploaded by the workers and committed by the driver (server-side
# copy), _SUCCESS last. A worker is killed with SIGKILL mid-run; every row comes out once (a
# row key), and the parts equal a single-machine `outcore predict` on local files, byte for byte.
source "$(dirname "$0")/common.bash"
use_python_module
source "$SRC/tests/python/dask_cluster.sh"
cd "$WORK"
start_test_s3 data results
trap 'stop_dask_cluster; bash "$SRC/tests/s3_server.sh" stop "$S3DIR"; rm -rf "$WORK" "$S3DIR"' EXIT

rows=240000
"$OUTCORE" gen-taxi --rows 30000 --seed 41 -o train.csv >/dev/null
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" train.csv -o model.json --quiet
"$OUTCORE" gen-taxi --rows $rows --files 2 --seed 42 -o raw >/dev/null
add_row_ids raw local
for f in local/*.csv; do s3 put "$f" data "taxi/${f#local/}"; done
"$OUTCORE" predict model.json local -o single --format csv --keep row_id --split-size 1MB --quiet
nsplits=$(ls single | grep -c '^part-')
check "the run has at least 20 splits ($nsplits)" test "$nsplits" -ge 20

# The workers start in their own empty directories; nothing of $WORK is named to them.
for i in 1 2; do mkdir -p "$WORK/worker-home-$i/tmp"; done
(cd "$WORK/worker-home-1" && start_dask_cluster "$WORK/cluster" 2 OUTCORE_TEST_SPLIT_DELAY=0.1 \
  TMPDIR="$WORK/worker-home-1/tmp" AWS_ENDPOINT_URL="$AWS_ENDPOINT_URL" AWS_ACCESS_KEY_ID=S3RVER \
  AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1 && declare -p DASK_SCHEDULER DASK_SCHEDULER_PID DASK_WORKER_PIDS >cluster.env)
source "$WORK/worker-home-1/cluster.env"
check "scheduler and 2 workers up at $DASK_SCHEDULER" test ${#DASK_WORKER_PIDS[@]} -eq 2

$PY -m outcore predict model.json s3://data/taxi/ -o s3://results/dist/ --format csv --keep row_id \
  --split-size 1MB --scheduler "$DASK_SCHEDULER" >driver.out 2>driver.err &
driver=$!
committed_parts() { ls "$S3DIR/data/results/dist" 2>/dev/null | grep -c '^part-.*_S3rver_object$'; }
kill_first_worker_after 5 committed_parts
rc=0
wait $driver || rc=$?
check "the job finished after worker 1 was killed at $KILLED_AT of $nsplits parts (exit $rc)" test $rc -eq 0
[[ $rc -eq 0 ]] || cat driver.err
check "the workers wrote nothing in the driver's directory" test ! -e dist
s3 ls results dist/ >keys.txt
check "_SUCCESS written, no temporary object left" $PY -c "
keys = open('keys.txt').read().split()
assert 'dist/_SUCCESS' in keys, keys
assert not [k for k in keys if k.startswith('dist/.')], keys"
mkdir dist
for k in $(grep -E '^dist/(part-|_SUCCESS)' keys.txt); do s3 get results "$k" "$k"; done
$PY - $rows <<'PYEOF' && pass "rows out == rows in: every row_id once, none missing, in input order" || fail "row key check"
import json, os, sys
import numpy as np, pandas as pd
rows = int(sys.argv[1])
m = json.load(open("dist/_SUCCESS"))
assert m["totals"]["rows_in"] == m["totals"]["rows_out"] == rows, m["totals"]
parts = sorted(n for n in os.listdir("dist") if n.startswith("part-"))
assert [p["file"] for p in m["parts"]] == parts
ids = pd.concat([pd.read_csv("dist/" + p, usecols=["row_id"]) for p in parts]).row_id.to_numpy()
assert np.array_equal(ids, np.arange(rows)), "missing, repeated or reordered rows"
print("executor:", m["executor"])
PYEOF
check "every part equals the single-machine run's on local files, byte for byte" diff -r -x _SUCCESS -x _outcore single dist

finish
