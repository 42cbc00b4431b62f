#!/usr/bin/env bash
# outcore predict end to end: parts read by DuckDB, rows in order, manifest totals, errors,
# bad rows, drift, --label, --resume after SIGKILL.
source "$(dirname "$0")/common.bash"
cd "$WORK"
"$OUTCORE" gen-taxi --rows 100000 --seed 11 -o train.csv >/dev/null
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" train.csv -o model.json >/dev/null
"$OUTCORE" gen-taxi --rows 200000 --files 4 --seed 12 -o data >/dev/null

# A directory of CSVs needs nothing beyond -o.
check "predict a directory with only -o" "$OUTCORE" predict model.json data -o out --quiet
check "_SUCCESS written" test -f out/_SUCCESS
nparts=$(ls out/part-*.parquet | wc -l)
check "one part per split (4 files -> 4 parts)" test "$nparts" -eq 4

# DuckDB reads every part; the row count and the manifest agree.
duckdb "SELECT count(*) FROM read_parquet('out/part-*.parquet')" >count.json
check "DuckDB reads 200000 rows" grep -q '"200000"' count.json
$PY - <<'PYEOF' && pass "manifest: rows_in == rows_out + rejected, parts listed with counts" || fail "manifest totals"
import json, os
m = json.load(open("out/_SUCCESS"))
t = m["totals"]
assert t["rows_in"] == 200000 and t["rows_out"] == 200000 and t["rows_rejected"] == 0, t
assert sum(p["rows"] for p in m["parts"]) == t["rows_out"]
assert [p["file"] for p in m["parts"]] == sorted(f for f in os.listdir("out") if f.startswith("part-"))
assert m["model"]["fingerprint"].startswith("xxh3:")
PYEOF

# Rows are in input order, and yhat equals the single-file CSV output.
check "predict with --keep, small splits, 2 threads, CSV" "$OUTCORE" predict model.json 'data/*.csv' \
  -o keep --keep Trip_Pickup_DateTime,Total_Amt --split-size 1MB --threads 2 --quiet
duckdb "SELECT Trip_Pickup_DateTime::VARCHAR, Total_Amt, yhat FROM read_parquet('keep/part-*.parquet', filename=true, file_row_number=true) ORDER BY filename, file_row_number" >ordered.json
"$OUTCORE" predict model.json data -o csvout --format csv --quiet
$PY - <<'PYEOF' && pass "parts in name order give input order; yhat equal across formats and split sizes" || fail "row order / values"
import json, glob
import pandas as pd, numpy as np
rows = json.loads(open("ordered.json").readline())["rows"]
inp = pd.concat([pd.read_csv(f) for f in sorted(glob.glob("data/*.csv"))], ignore_index=True)
assert len(rows) == len(inp) == 200000, (len(rows), len(inp))
got_ts = [r[0] for r in rows]
assert got_ts == list(inp.Trip_Pickup_DateTime), "timestamps out of order"
assert np.allclose([float(r[1]) for r in rows], inp.Total_Amt, rtol=0, atol=1e-9)
csv = pd.concat([pd.read_csv(f) for f in sorted(glob.glob("csvout/part-*.csv"))], ignore_index=True)
assert np.abs(csv.yhat.to_numpy() - np.array([float(r[2]) for r in rows])).max() < 1e-15
PYEOF
nsmall=$(ls keep/part-*.parquet | wc -l)
check "1MB splits give many parts ($nsmall)" test "$nsmall" -gt 8

# An existing non-empty OUTDIR is an error without --resume / --overwrite.
expect_error "non-empty OUTDIR refused" 2 "not empty.*--overwrite.*--resume" "$OUTCORE" predict model.json data -o out
check "--overwrite replaces it" "$OUTCORE" predict model.json data -o out --overwrite --quiet
# --overwrite removes only names outcore makes: a stale attempt goes, look-alikes stay.
touch out/part-00001.parquet.bak out/part-1.parquet out/notes.txt out/run.json out/.part-00003.parquet.attempt-9.tmp
check "--overwrite with foreign files beside the parts" "$OUTCORE" predict model.json data -o out --overwrite --quiet
check "--overwrite keeps names outcore does not make" \
  test -e out/part-00001.parquet.bak -a -e out/part-1.parquet -a -e out/notes.txt -a -e out/run.json
check "--overwrite removes a stale temporary part" test ! -e out/.part-00003.parquet.attempt-9.tmp

# Schema check: a missing column, a column of the wrong type.
$PY -c "
import pandas as pd
d = pd.read_csv('data/taxi-000.csv')
d.drop(columns=['Fare_Amt']).to_csv('nofare.csv', index=False)
d.assign(Passenger_Count=d.Passenger_Count.astype(str) + 'x').to_csv('badtype.csv', index=False)
"
expect_error "missing column named with its file" 4 "nofare.csv: column 'Fare_Amt' \(trained as float\) is missing" \
  "$OUTCORE" predict model.json nofare.csv -o e1
expect_error "wrong column type named" 4 "badtype.csv: column 'Passenger_Count' holds values like '1x' that cannot be read as int, the type the model was trained on" \
  "$OUTCORE" predict model.json badtype.csv -o e2

# Bad rows: stop (default) names file, line, column, value; skip and reject count them.
head -1001 data/taxi-000.csv >bad.csv
echo "VTS,2009-01-04 02:52:00,2009-01-04 03:02:00,1,abc,-73.99,40.72,,,-73.99,40.69,CASH,8.9,0.5,,0,0,9.4" >>bad.csv
sed -n '1002,2001p' data/taxi-000.csv >>bad.csv
expect_error "bad value stops the run with FILE:LINE: column: value" 3 "bad.csv:1002: column 'Trip_Distance': cannot parse 'abc' as float" \
  "$OUTCORE" predict model.json bad.csv -o e3
check "a failed run leaves no _SUCCESS" test ! -e e3/_SUCCESS
check "a failed run leaves no part" test -z "$(ls e3 2>/dev/null | grep '^part-' || true)"
check "skip bad rows" "$OUTCORE" predict model.json bad.csv -o e4 --on-bad-rows skip --quiet
$PY -c "import json; t=json.load(open('e4/_SUCCESS'))['totals']; assert (t['rows_in'],t['rows_out'],t['rows_rejected'])==(2001,2000,1), t" \
  && pass "skip: 2001 in, 2000 out, 1 rejected" || fail "skip counts"
check "reject bad rows to a file" "$OUTCORE" predict model.json bad.csv -o e5 --on-bad-rows reject=rejects.csv --quiet
check "reject file names file, line and reason" grep -q "bad.csv,1002,.*cannot parse 'abc' as float" rejects.csv

# Drift: values outside the trained categories are counted, not fatal.
$PY -c "
import pandas as pd
d = pd.read_csv('data/taxi-000.csv', nrows=1000)
d.loc[:9, 'Payment_Type'] = 'Bitcoin'
d.to_csv('drift.csv', index=False)
"
check "drifted input still scores" "$OUTCORE" predict model.json drift.csv -o e6 --quiet
$PY -c "import json; d=json.load(open('e6/_SUCCESS'))['drift']; assert d.get('categories:Payment_Type:unknown')==10, d" \
  && pass "drift counted in the manifest (10 unknown Payment_Type)" || fail "drift count"

# --label writes the class.
check "--label" "$OUTCORE" predict model.json data/taxi-000.csv -o lab --label --quiet
duckdb "SELECT typeof(yhat) AS t, count(*) FROM read_parquet('lab/*.parquet') GROUP BY t" >label.json
check "--label gives a BOOLEAN column" grep -q BOOLEAN label.json

# Crash safety: SIGKILL mid-run, then --resume gives the same output as a clean run.
"$OUTCORE" gen-taxi --rows 1500000 --seed 13 -o big.csv >/dev/null
"$OUTCORE" predict model.json big.csv -o clean --split-size 2MB --quiet
"$OUTCORE" predict model.json big.csv -o crash --split-size 2MB --threads 1 --quiet &
pid=$!
for _ in $(seq 1 400); do
  n=$(ls crash 2>/dev/null | grep -c '^part-' || true)
  [[ $n -ge 5 ]] && break
  sleep 0.02
done
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
check "after SIGKILL there is no _SUCCESS" test ! -e crash/_SUCCESS
total=$(ls clean/part-*.parquet | wc -l)
done_before=$(ls crash | grep -c '^part-' || true)
check "killed midway ($done_before of $total parts)" test "$done_before" -lt "$total"
for p in crash/part-*.parquet; do
  duckdb "SELECT count(*) FROM read_parquet('$p')" >/dev/null 2>&1 || fail "visible part $p is not a complete Parquet file"
done
check "--resume completes" "$OUTCORE" predict model.json big.csv -o crash --split-size 2MB --resume --quiet
check "_SUCCESS after resume" test -f crash/_SUCCESS
duckdb "SELECT count(*), min(yhat), max(yhat) FROM read_parquet('clean/*.parquet')" \
  "SELECT count(*), min(yhat), max(yhat) FROM read_parquet('crash/*.parquet')" >cmp.json
check "resumed output equals a clean run's" test "$(sed -n 1p cmp.json)" = "$(sed -n 2p cmp.json)"
same=yes
for p in clean/part-*.parquet; do
  cmp -s "$p" "crash/$(basename "$p")" || { same=no; echo "part $(basename "$p") differs"; }
done
check "every part byte-identical to the clean run's" test $same = yes
finish
