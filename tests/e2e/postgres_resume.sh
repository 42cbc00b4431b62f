#!/usr/bin/env bash
# --resume into a PostgreSQL table verifies before it trusts: a committed split is kept only if
# the table still holds the rows the ledger counted for it. After DROP TABLE, TRUNCATE or a
# DELETE of one split's rows, --resume writes what is missing again (and says so); after DROP
# TABLE a plain run is not blocked by the ledger left behind.
source "$(dirname "$0")/common.bash"
cd "$WORK"
start_test_postgres
export PGPASSWORD=outcore-test-pw PGPASSFILE=/nonexistent
psql() { command psql "$DB" -qAtX -v ON_ERROR_STOP=1 "$@"; }
ROWS=200000

"$OUTCORE" gen-taxi --rows 40000 --seed 31 -o train.csv >/dev/null
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" train.csv -o model.json --quiet
"$OUTCORE" gen-taxi --rows $ROWS --files 2 --seed 32 -o data >/dev/null
run() { "$OUTCORE" predict model.json data -o "$DB?table=$1" --keep Fare_Amt --split-size 4MB "${@:2}"; }
# The table's rows, order-independent: a digest of (split_id, Fare_Amt, yhat) sorted.
digest() {
  psql -c "SELECT count(*) || ' ' || md5(coalesce(string_agg(split_id || ':' || \"Fare_Amt\" || ':' || yhat, ',' \
    ORDER BY split_id, \"Fare_Amt\", yhat), '')) FROM $1"
}

check "reference run" run ref --quiet
REF=$(digest ref)
nsplits=$(psql -c "SELECT count(*) FROM ref_outcore_ledger WHERE kind = 'split'")
check "several splits ($nsplits)" test "$nsplits" -ge 4
check "the ledger counts each split's rows" test \
  "$(psql -c "SELECT sum(rows) FROM ref_outcore_ledger WHERE kind = 'split'")" -eq $ROWS

check "a complete run" run out --quiet
run out --resume --json >same.json
check "--resume of an untouched complete run keeps every split" $PY -c "
import json; t = json.load(open('same.json'))['totals']
assert t['parts_reused'] == $nsplits and t['parts_redone'] == 0 and t['rows_out'] == $ROWS, t"

# DROP TABLE, then --resume: every split written again.
psql -c "DROP TABLE out"
rc=0
run out --resume --json >dropped.json 2>dropped.err || rc=$?
check "DROP TABLE, --resume: exit 0" test $rc -eq 0
check "... every split redone, none kept, all rows counted" $PY -c "
import json; j = json.load(open('dropped.json')); t = j['totals']
assert t['parts_reused'] == 0 and t['parts_redone'] == $nsplits and t['rows_out'] == $ROWS, t
assert all(\"table 'out' is gone\" == p['why'] for p in j['parts_redone']), j['parts_redone']"
check "... the table holds every row, equal to a fresh run's" test "$(digest out)" = "$REF"

# TRUNCATE, then --resume (text output says what was redone).
psql -c "TRUNCATE out"
rc=0
run out --resume >truncated.out 2>truncated.err || rc=$?
check "TRUNCATE, --resume: exit 0" test $rc -eq 0
check "... says every split was redone, and why" \
  grep -qE "$nsplits parts were missing or changed and redone: out split_id=0 \(the table holds 0 of its [0-9]+ rows\)" truncated.err
if ((nsplits > 5)); then
  check "... names the first five and counts the rest" grep -qE "split_id=4 \([^)]*\), and $((nsplits - 5)) more \(--json lists all\)" truncated.err
fi
check "... the table holds every row, equal to a fresh run's" test "$(digest out)" = "$REF"

# One split's rows deleted (and one row of another): only those two are redone.
psql -c "DELETE FROM out WHERE split_id = 1"
psql -c "DELETE FROM out WHERE ctid = (SELECT min(ctid) FROM out WHERE split_id = 2)"
run out --resume --json >partial.json || true
check "rows of two splits deleted, --resume redoes those two only" $PY -c "
import json; j = json.load(open('partial.json')); t = j['totals']
assert t['parts_reused'] == $nsplits - 2 and t['parts_redone'] == 2 and t['rows_out'] == $ROWS, t
assert [p['part'] for p in j['parts_redone']] == ['out split_id=1', 'out split_id=2'], j['parts_redone']"
check "... the table holds every row, equal to a fresh run's" test "$(digest out)" = "$REF"

# DROP TABLE, then a plain run: the ledger left behind does not block it.
psql -c "DROP TABLE out"
check "DROP TABLE, then a plain run succeeds" run out --quiet
check "... the table holds every row, equal to a fresh run's" test "$(digest out)" = "$REF"
expect_error "a plain run into the table it wrote is still refused" 2 "already holds outcore output" \
  run out
finish
