#!/usr/bin/env bash
# PostgreSQL end to end, against a real server started here (tests/pg_server.sh): a 2M-row
# table scores into a table with the values of file-based prediction, no row lost or written
# twice; a run killed with SIGKILL midway and resumed gives the same table; wrong passwords and
# missing tables are clear errors that never print the password.
source "$(dirname "$0")/common.bash"
cd "$WORK"
ROWS=${OUTCORE_PG_ROWS:-2000000}
start_test_postgres
export PGPASSWORD=outcore-test-pw PGPASSFILE=/nonexistent
psql() { command psql "$DB" -qAtX -v ON_ERROR_STOP=1 "$@"; }

"$OUTCORE" gen-taxi --rows 100000 --seed 11 -o train.csv >/dev/null
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" train.csv -o model.json >/dev/null
"$OUTCORE" gen-taxi --rows "$ROWS" --seed 12 -o taxi.csv >/dev/null

# The table: the CSV's columns with PostgreSQL types, plus an id in file order.
bash "$SRC/tests/pg_server.sh" load-taxi "$DB" taxi.csv taxi
check "table loaded with $ROWS rows" test "$(psql -c 'SELECT count(*) FROM taxi')" -eq "$ROWS"

# File-based prediction: the reference values.
"$OUTCORE" predict model.json taxi.csv -o fileout --format csv --quiet

# Table -> table, many splits on 2 connections.
TAXI="$DB?table=taxi"
check "predict table -> table" "$OUTCORE" predict model.json "$TAXI" -o "$DB?table=scored" \
  --keep id --split-size 8MB --threads 2 --quiet
nsplits=$(psql -c "SELECT count(*) FROM scored_outcore_ledger WHERE kind = 'split'")
check "many splits ($nsplits)" test "$nsplits" -gt 20
check "the ledger marks the run complete" \
  test "$(psql -c "SELECT rows FROM scored_outcore_ledger WHERE kind = 'complete'")" -eq "$ROWS"
read -r count distinct <<<"$(psql -F ' ' -c 'SELECT count(*), count(DISTINCT id) FROM scored')"
check "row count equal ($count)" test "$count" -eq "$ROWS"
check "no duplicate keys ($distinct distinct ids)" test "$distinct" -eq "$ROWS"
psql -c "\\copy (SELECT id, yhat FROM scored ORDER BY id) TO 'scored.csv' CSV"
$PY - "$ROWS" <<'PYEOF' && pass "yhat per id equals file-based prediction (1e-12)" || fail "values differ from file-based prediction"
import glob, sys
import numpy as np, pandas as pd
rows = int(sys.argv[1])
ref = pd.concat([pd.read_csv(f) for f in sorted(glob.glob("fileout/part-*.csv"))], ignore_index=True)
got = pd.read_csv("scored.csv", header=None, names=["id", "yhat"])
assert len(ref) == len(got) == rows, (len(ref), len(got))
assert (got.id.to_numpy() == np.arange(1, rows + 1)).all(), "ids are not 1..N"
diff = np.abs(got.yhat.to_numpy() - ref.yhat.to_numpy())
assert np.isnan(diff).sum() == 0 and diff.max() <= 1e-12, diff.max()
PYEOF

# SIGKILL midway, then --resume: the same table.
"$OUTCORE" predict model.json "$TAXI" -o "$DB?table=killed" --keep id --split-size 8MB \
  --threads 2 --quiet 2>/dev/null &
pid=$!
done_splits=0
for _ in $(seq 600); do
  done_splits=$(psql -c "SELECT count(*) FROM killed_outcore_ledger WHERE kind = 'split'" 2>/dev/null || echo 0)
  [[ $done_splits -ge 4 ]] && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
committed=$(psql -c "SELECT count(*) FROM killed_outcore_ledger WHERE kind = 'split'")
check "killed midway ($committed of $nsplits splits committed)" test "$committed" -lt "$nsplits" -a "$committed" -ge 4
check "killed run is not marked complete" \
  test "$(psql -c "SELECT count(*) FROM killed_outcore_ledger WHERE kind = 'complete'")" -eq 0
check "no partial split is visible (each split's rows == its ledger rows)" test "$(psql -c \
  'SELECT count(*) FROM (SELECT split_id, count(*) AS n FROM killed GROUP BY split_id) t
   FULL JOIN (SELECT split_id, rows FROM killed_outcore_ledger WHERE split_id >= 0) l USING (split_id)
   WHERE t.n IS DISTINCT FROM l.rows')" -eq 0
expect_error "a fresh run into it is refused" 2 "already holds outcore output; use --overwrite.*--resume" \
  "$OUTCORE" predict model.json "$TAXI" -o "$DB?table=killed" --keep id --split-size 8MB
"$OUTCORE" predict model.json "$TAXI" -o "$DB?table=killed" --keep id --split-size 8MB --threads 2 \
  --resume --json >resume.json && pass "--resume finishes it" || fail "--resume finishes it"
check "resume kept the committed splits" \
  $PY -c "import json; t = json.load(open('resume.json'))['totals']; assert t['parts_reused'] >= 4 and t['rows_out'] == $ROWS, t"
check "resumed table equals the clean run's (id, yhat, split_id)" test "$(psql -c \
  'SELECT count(*) FROM ((TABLE scored EXCEPT ALL TABLE killed) UNION ALL (TABLE killed EXCEPT ALL TABLE scored)) d')" -eq 0
expect_error "resume with other options is refused" 2 "cannot resume: the model, inputs or output options differ" \
  "$OUTCORE" predict model.json "$TAXI" -o "$DB?table=killed" --keep id --split-size 4MB --resume
check "--resume of a complete run does nothing" "$OUTCORE" predict model.json "$TAXI" \
  -o "$DB?table=killed" --keep id --split-size 8MB --resume --quiet

# Key ranges and queries as inputs, and a password given in the URI (PGPASSWORD unset).
check "split_by=id input" "$OUTCORE" predict model.json "$TAXI&split_by=id" -o "$DB?table=by_key" \
  --keep id --split-size 32MB --quiet
check "split_by gives the same values" test "$(psql -c \
  'SELECT count(*) FROM by_key b FULL JOIN scored s USING (id) WHERE b.yhat IS DISTINCT FROM s.yhat')" -eq 0
WITH_PW="postgresql://outcore:$PGPASSWORD@127.0.0.1:$PORT/outcore_test"
check "?query= input, password in the URI" env -u PGPASSWORD "$OUTCORE" predict model.json \
  "$WITH_PW?query=SELECT * FROM taxi WHERE id <= 1000" -o "$WITH_PW?table=q" --keep id --quiet
check "query output has its 1000 rows" test "$(psql -c 'SELECT count(*) FROM q')" -eq 1000
check "the ledger holds no password" test \
  "$(psql -c "SELECT count(*) FROM q_outcore_ledger WHERE result::text LIKE '%$PGPASSWORD%'")" -eq 0

# As a new user meets them: wrong password, no password, missing table, someone else's table.
expect_error "wrong password (PGPASSWORD) is a clear I/O error" 6 \
  "cannot connect to database 'outcore_test' on 127.0.0.1:$PORT as user 'outcore': password authentication failed.*PGPASSWORD" \
  env PGPASSWORD=Wr0ng-Secret-1 "$OUTCORE" predict model.json "$TAXI" -o out1
check "... and does not print the password" bash -c "! grep -q Wr0ng-Secret-1 '$WORK/stderr'"
expect_error "wrong password in the URI" 6 "postgresql://outcore@127.0.0.1:$PORT/outcore_test\?table=taxi: cannot connect.*password authentication failed" \
  "$OUTCORE" predict model.json "postgresql://outcore:Wr0ng-Secret-2@127.0.0.1:$PORT/outcore_test?table=taxi" -o out2
check "... and does not print it" bash -c "! grep -q Wr0ng-Secret-2 '$WORK/stderr'"
expect_error "no password at all says where to put one" 6 "the server asks for a password: set PGPASSWORD.*pgpass" \
  env -u PGPASSWORD "$OUTCORE" predict model.json "$TAXI" -o out3
expect_error "missing input table names table and database" 4 \
  "table 'taxis' does not exist in database 'outcore_test'" \
  "$OUTCORE" predict model.json "$DB?table=taxis" -o out4
expect_error "wrong password for the output table" 6 "cannot connect.*password authentication failed" \
  "$OUTCORE" predict model.json taxi.csv -o "postgresql://outcore:Wr0ng-Secret-3@127.0.0.1:$PORT/outcore_test?table=o"
check "... and does not print it" bash -c "! grep -q Wr0ng-Secret-3 '$WORK/stderr'"
expect_error "a table outcore did not write is never overwritten" 2 "holds rows that outcore did not write" \
  "$OUTCORE" predict model.json train.csv -o "$TAXI" --overwrite
check "... and is left as it was" test "$(psql -c 'SELECT count(*) FROM taxi')" -eq "$ROWS"
# Server down: the same clear I/O error, for an input and for an output.
DOWN=$(bash "$SRC/tests/pg_server.sh" free-port $((PORT + 1)))
expect_error "server down (input)" 6 "cannot connect to database 'outcore_test' on 127.0.0.1:$DOWN.*check that the server runs and accepts connections at 127.0.0.1:$DOWN" \
  "$OUTCORE" predict model.json "postgresql://outcore@127.0.0.1:$DOWN/outcore_test?table=taxi" -o out5
expect_error "server down (output)" 6 "cannot connect.*check that the server runs" \
  "$OUTCORE" predict model.json train.csv -o "postgresql://outcore@127.0.0.1:$DOWN/outcore_test?table=o"
expect_error "server down (fit)" 6 "cannot connect.*check that the server runs" \
  "$OUTCORE" fit "$SRC/examples/taxi_tip.toml" "postgresql://outcore@127.0.0.1:$DOWN/outcore_test?table=train" -o m.json
check "... and fit wrote no model" test ! -e m.json
expect_error "fit from a missing table" 4 "table 'trains' does not exist in database 'outcore_test'" \
  "$OUTCORE" fit "$SRC/examples/taxi_tip.toml" "$DB?table=trains" -o m.json

# fit reads a table as it reads a CSV: the same rows give the same model.
bash "$SRC/tests/pg_server.sh" load-taxi "$DB" train.csv train
SPEC="$SRC/examples/taxi_tip.toml"
"$OUTCORE" fit "$SPEC" "$DB?table=train" -o model_pg.json >fit_pg.txt &&
  pass "fit from a table" || fail "fit from a table"
check "its summary names the input kind" grep -q "read   100,000 rows (0 rejected) from 1 PostgreSQL input(s)" fit_pg.txt
$PY - <<'PYEOF' && pass "fit from the table == fit from the CSV (steps, coefficients to 1e-12, rows, metrics)" || fail "fit from the table differs from fit from the CSV"
import json
a, b = json.load(open("model.json")), json.load(open("model_pg.json"))
def same(x, y, path):
    if isinstance(x, dict):
        assert isinstance(y, dict) and x.keys() == y.keys(), (path, x, y)
        for k in x:
            same(x[k], y[k], path + "." + k)
    elif isinstance(x, list):
        assert isinstance(y, list) and len(x) == len(y), (path, len(x), len(y))
        for i, (u, v) in enumerate(zip(x, y)):
            same(u, v, "%s[%d]" % (path, i))
    elif isinstance(x, float) or isinstance(y, float):
        assert abs(x - y) <= 1e-12 * max(1.0, abs(x)), (path, x, y)
    else:
        assert x == y, (path, x, y)
# Batches differ (8 MB of CSV vs page ranges), so statistics summed batch by batch (the scaler's)
# round differently, by ~1e-13; the solver's diagnostics near zero (gradient norm) are left out.
for m in (a, b):
    m["estimator"].pop("fit_info")
for key in ("input_schema", "target", "steps", "estimator", "feature_names", "metrics"):
    same(a[key], b[key], key)
for key in ("rows_read", "rows_rejected", "rows_missing_target", "rows_train", "rows_test", "drift"):
    same(a["training"][key], b["training"][key], "training." + key)
assert a["training"]["rows_read"] == 100000
PYEOF
"$OUTCORE" fit "$SPEC" "$DB?table=train&split_by=id" -o model_pg2.json >/dev/null
"$OUTCORE" fit "$SPEC" "$DB?query=SELECT * FROM train WHERE id <> 77" -o model_pg3.json >/dev/null
$PY - "$DB" <<'PYEOF' && pass "a table's fingerprint hashes the rows read: same rows, same fingerprint; one row less, another" || fail "table fingerprint"
import json, sys
t1, t2, t3 = (json.load(open(f))["training"] for f in ("model_pg.json", "model_pg2.json", "model_pg3.json"))
assert t1["fingerprint"].startswith("xxh3-rows:") and len(t1["fingerprint"]) == 26, t1["fingerprint"]
assert t1["fingerprint"] == t2["fingerprint"], "split by ctid pages vs by key: same rows, same order"
assert t3["fingerprint"] != t1["fingerprint"] and t3["rows_read"] == 99999
assert t1["sources"] == [{"path": sys.argv[1] + "?table=train"}], t1["sources"]
PYEOF
check "inspect shows a table's training record" bash -c "'$OUTCORE' inspect model_pg.json | grep -q 'outcore_test?table=train$'"
check "a model fitted on a table predicts a table" "$OUTCORE" predict model_pg.json "$DB?table=train" \
  -o "$DB?table=train_scored" --keep id --quiet

# Credentials are never shown or stored: fit, predict (summaries, --json, errors, the hint of
# an interrupted run, _SUCCESS, the run record, ledgers, the model file) with the password in
# the URIs and PGPASSWORD unset.
SECRET=$PGPASSWORD
PW="postgresql://outcore:$SECRET@127.0.0.1:$PORT/outcore_test"
nopw() { env -u PGPASSWORD "$OUTCORE" "$@"; }
mkdir shown
nopw fit "$SPEC" "$PW?table=train" -o model_pw.json >shown/fit.out 2>shown/fit.err &&
  nopw fit "$SPEC" "$PW?table=train" -o model_pw.json --json >shown/fitj.out 2>shown/fitj.err &&
  nopw predict model_pw.json "$PW?table=train" -o pwdir --keep id >shown/p1.out 2>shown/p1.err &&
  nopw predict model_pw.json "$PW?table=train" -o "$PW?table=pwout" --keep id --json >shown/p2.out 2>shown/p2.err &&
  nopw predict model_pw.json "$PW?table=train" -o "$PW?table=pwout" --keep id --resume >shown/p3.out 2>shown/p3.err &&
  pass "fit and predict with a password in the URIs" || fail "fit and predict with a password in the URIs"
check "... the model records the table without the password" grep -q "\"$DB?table=train\"" model_pw.json
nopw fit "$SPEC" "$PW?query=SELECT id FROM train" -o m.json >shown/e1.out 2>shown/e1.err || true
check "... a fit error names the URI without the password" grep -q "$DB?query=SELECT id FROM train: target column 'Tip_Amt'" shown/e1.err
nopw predict model_pw.json "$PW?query=SELECT id FROM train" -o e2 >shown/e2.out 2>shown/e2.err || true
check "... a predict error too" grep -q "$DB?query=SELECT id FROM train: column '.*' .* is missing" shown/e2.err
# A table whose last rows cannot be read as the model's types: the run stops midway.
psql -c 'CREATE TABLE badtaxi AS SELECT * FROM taxi WHERE id <= 300000 ORDER BY id' \
  -c 'ALTER TABLE badtaxi ALTER COLUMN "Trip_Distance" TYPE text' \
  -c "UPDATE badtaxi SET \"Trip_Distance\" = 'abc' WHERE id = 299990"
expect_error "a run that stops midway says how far it got, without the password" 3 \
  "parts are complete in $DB\?table=badout; run again with --resume" \
  nopw predict model_pw.json "$PW?table=badtaxi" -o "$PW?table=badout" --split-size 4MB --threads 1
check "... and names the row and value, then how to go on" \
  grep -qE "row [0-9]+: column 'Trip_Distance': cannot parse 'abc' as float\$" "$WORK/stderr"
check "... (the same hint as a CSV input's)" grep -q "^  (to drop bad rows and go on: --on-bad-rows skip" "$WORK/stderr"
cp "$WORK/stderr" shown/e3.err
rc=0; nopw predict model_pw.json "$PW?table=badtaxi" -o "$PW?table=badout" --split-size 4MB --threads 1 \
  --resume --on-bad-rows skip --json >shown/e3r.out || rc=$?
check "... --resume --on-bad-rows skip finishes it" test $rc -eq 0
check "... keeping the splits already committed, and dropping the one bad row" $PY -c "
import json; t = json.load(open('shown/e3r.out'))['totals']
assert t['parts_reused'] >= 1 and (t['rows_out'], t['rows_rejected']) == (299999, 1), t"
check "... the table holds each good row once" test "$(psql -c 'SELECT count(*) FROM badout')" -eq 299999
nopw predict model_pw.json "$PW?table=badtaxi" -o baddir --split-size 4MB --threads 1 2>shown/e4.err || true
check "... and it left parts and its run record" test -f baddir/_outcore/run.json -a -f baddir/part-00000.parquet
psql -c "\\copy (SELECT result FROM pwout_outcore_ledger UNION ALL SELECT result FROM badout_outcore_ledger) TO 'shown/ledgers.txt'"
check "the password is in none of: outputs, errors, model, _SUCCESS, run record, ledgers" \
  bash -c "! grep -rqF -- '$SECRET' shown model_pw.json pwdir baddir"
check "... (and the files looked at are there)" test -s pwdir/_SUCCESS -a -s shown/ledgers.txt -a -s shown/p2.out

# --resume refuses an input table that changed since the interrupted run.
psql -c "UPDATE badtaxi SET \"Trip_Distance\" = '1.5' WHERE id = 299990"
expect_error "resume after the input table's rows were updated is refused" 2 \
  "baddir: cannot resume: input $DB\?table=badtaxi changed since the interrupted run \(rows were updated\).*--overwrite" \
  "$OUTCORE" predict model.json "$DB?table=badtaxi" -o baddir --split-size 4MB --resume
psql -c "DELETE FROM badtaxi WHERE id = 1"
expect_error "resume after rows were deleted is refused (table output)" 2 \
  "cannot resume: input $DB\?table=badtaxi changed since the interrupted run \(300000 rows then, 299999 now\)" \
  "$OUTCORE" predict model.json "$DB?table=badtaxi" -o "$DB?table=badout" --split-size 4MB --resume
check "--overwrite then scores the table as it is" "$OUTCORE" predict model.json "$DB?table=badtaxi" \
  -o "$DB?table=badout" --split-size 4MB --overwrite --quiet
check "... all 299999 rows" test "$(psql -c 'SELECT count(*) FROM badout')" -eq 299999
finish
