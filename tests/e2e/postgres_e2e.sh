#!/usr/bin/env bash
# PostgreSQL end to end, against a real server started here (tests/pg_server.sh): a 2M-row
# table scores into a table with the values of file-based prediction, no row lost or written
# twice; a run killed with SIGKILL midway and resumed gives the same table; wrong passwords and
# missing tables are clear errors that never print the password.
source "$(dirname "$0")/common.bash"
cd "$WORK"
ROWS=${OUTCORE_PG_ROWS:-2000000}
SERVER=$(mktemp -d /tmp/outcore-pg.XXXXXX)  # not in $WORK: the server's user must reach it
PORT=$(bash "$SRC/tests/pg_server.sh" free-port)
trap 'bash "$SRC/tests/pg_server.sh" stop "$SERVER"; rm -rf "$WORK" "$SERVER"' EXIT
bash "$SRC/tests/pg_server.sh" start "$SERVER" "$PORT" $$ ||
  { echo "FAIL - cannot start the test PostgreSQL server"; exit 1; }
export PGPASSWORD=outcore-test-pw PGPASSFILE=/nonexistent
DB="postgresql://outcore@127.0.0.1:$PORT/outcore_test"
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
finish
