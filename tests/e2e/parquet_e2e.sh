#!/usr/bin/env bash
# Parquet input end to end: predictions from a Parquet copy of a CSV (written by DuckDB) equal
# the CSV's, row for row; a directory of Parquet files needs nothing beyond -o; bad values and
# bad files are clear errors; fit reads Parquet as it reads the CSV.
source "$(dirname "$0")/common.bash"
cd "$WORK"
SPEC="$SRC/examples/taxi_tip.toml"
"$OUTCORE" gen-taxi --rows 100000 --seed 21 -o train.csv >/dev/null
"$OUTCORE" fit "$SPEC" train.csv -o model.json >/dev/null
"$OUTCORE" gen-taxi --rows 200000 --files 2 --seed 22 -o data >/dev/null

# The same rows as Parquet, in small row groups (several splits per file), one file zstd and
# v2 pages, the other snappy and v1.
mkdir pq
duckdb "COPY (SELECT * FROM read_csv('data/taxi-000.csv')) TO 'pq/taxi-000.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 30000, COMPRESSION zstd, PARQUET_VERSION V2)" \
       "COPY (SELECT * FROM read_csv('data/taxi-001.csv')) TO 'pq/taxi-001.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 30000, COMPRESSION snappy)" >/dev/null
echo '{}' >pq/_SUCCESS

check "predict a directory of Parquet files with only -o" "$OUTCORE" predict model.json pq -o out_pq --quiet
"$OUTCORE" predict model.json data -o out_csv --quiet
check "small splits: 2 threads, one part per row group" "$OUTCORE" predict model.json pq/taxi-000.parquet \
  pq/taxi-001.parquet -o out_small --split-size 1 --threads 2 --keep Trip_Pickup_DateTime,Total_Amt --quiet
nsmall=$(ls out_small/part-*.parquet | wc -l)
check "one part per row group ($nsmall)" test "$nsmall" -eq 8

# Row i of the Parquet run equals row i of the CSV run (parts in name order, rows in order).
rows() { echo "SELECT yhat, row_number() OVER (ORDER BY filename, file_row_number) AS r FROM read_parquet('$1/part-*.parquet', filename=true, file_row_number=true)"; }
duckdb "SELECT count(*), count(b.yhat), sum(CASE WHEN a.yhat IS NOT DISTINCT FROM b.yhat THEN 0 ELSE 1 END) FROM ($(rows out_csv)) a LEFT JOIN ($(rows out_pq)) b USING (r)" \
       "SELECT count(*), sum(CASE WHEN a.yhat IS NOT DISTINCT FROM b.yhat THEN 0 ELSE 1 END) FROM ($(rows out_csv)) a JOIN ($(rows out_small)) b USING (r)" >compare.json
$PY - <<'PYEOF' && pass "yhat from Parquet equals yhat from the CSV, all 200000 rows" || fail "Parquet vs CSV predictions"
import json
a, b = [json.loads(line)["rows"][0] for line in open("compare.json")]
assert a == ["200000", "200000", "0"], a
assert b == ["200000", "0"], b
PYEOF
"$OUTCORE" predict model.json data -o out_csv_keep --keep Trip_Pickup_DateTime,Total_Amt --quiet
keep() { echo "SELECT Trip_Pickup_DateTime AS t, Total_Amt AS a, row_number() OVER (ORDER BY filename, file_row_number) AS r FROM read_parquet('$1/part-*.parquet', filename=true, file_row_number=true)"; }
duckdb "SELECT count(*), sum(CASE WHEN p.t = c.t AND p.a IS NOT DISTINCT FROM c.a THEN 0 ELSE 1 END), any_value(typeof(p.t)) FROM ($(keep out_small)) p JOIN ($(keep out_csv_keep)) c USING (r)" >keep.json
check "--keep copies the Parquet columns as the CSV run does" $PY -c "
import json; a = json.loads(open('keep.json').readline())['rows'][0]; assert a == ['200000', '0', 'TIMESTAMP'], a"
$PY -c "import json; t=json.load(open('out_pq/_SUCCESS'))['totals']; assert (t['rows_in'],t['rows_out'],t['rows_rejected'])==(200000,200000,0), t" \
  && pass "manifest counts the Parquet rows" || fail "manifest totals"

# A bad value stops the run with file, row group, row, column and value; skip counts it.
duckdb "COPY (SELECT * REPLACE (CASE WHEN file_row_number = 40004 THEN 'abc' ELSE Passenger_Count::VARCHAR END AS Passenger_Count) FROM read_parquet('pq/taxi-001.parquet', file_row_number=true)) TO 'bad.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 30000)" >/dev/null
expect_error "bad value: file, row group, row, column, value" 3 \
  "bad.parquet: row group 1, row 40005: column 'Passenger_Count': cannot parse 'abc' as int" \
  "$OUTCORE" predict model.json bad.parquet -o e1
check "skip bad rows" "$OUTCORE" predict model.json bad.parquet -o e2 --on-bad-rows skip --quiet
$PY -c "import json; t=json.load(open('e2/_SUCCESS'))['totals']; assert (t['rows_in'],t['rows_out'],t['rows_rejected'])==(100000,99999,1), t" \
  && pass "skip: 100000 in, 99999 out, 1 rejected" || fail "skip counts"
check "reject names file, row and reason" bash -c "\"$OUTCORE\" predict model.json bad.parquet -o e3 --on-bad-rows reject=rejects.csv --quiet && grep -q \"bad.parquet,40005,.*cannot parse 'abc' as int\" rejects.csv"

# Inputs that are not what the model needs, or not Parquet at all.
duckdb "COPY (SELECT * EXCLUDE (Fare_Amt) FROM read_parquet('pq/taxi-000.parquet')) TO 'nofare.parquet' (FORMAT PARQUET)" \
       "COPY (SELECT {'a': 1, 'b': 'x'} AS nest, 1 AS n) TO 'nested.parquet' (FORMAT PARQUET)" >/dev/null
expect_error "missing column named with its file" 4 "nofare.parquet: column 'Fare_Amt' \(trained as float\) is missing" \
  "$OUTCORE" predict model.json nofare.parquet -o e4
duckdb "COPY (SELECT * REPLACE (Passenger_Count::VARCHAR || 'x' AS Passenger_Count) FROM read_parquet('pq/taxi-000.parquet')) TO 'badtype.parquet' (FORMAT PARQUET)" >/dev/null
expect_error "a column of another type is a schema error, checked before scoring" 4 \
  "badtype.parquet: column 'Passenger_Count' holds values like '1x' that cannot be read as int, the type the model was trained on" \
  "$OUTCORE" predict model.json badtype.parquet -o e8
printf 'PAR1 not really parquet' >fake.parquet
expect_error "a file that is not Parquet" 3 "fake.parquet: .*PAR1" "$OUTCORE" predict model.json fake.parquet -o e5
expect_error "a nested schema names its column" 3 "nested.parquet: column 'nest' is nested" \
  "$OUTCORE" predict model.json nested.parquet -o e6
head -c 2000 pq/taxi-001.parquet >truncated.parquet
expect_error "a truncated file" 3 "truncated.parquet: the file does not end with PAR1" \
  "$OUTCORE" predict model.json truncated.parquet -o e7

# fit reads Parquet as it reads the CSV: the same rows give the same model (to rounding: batch
# boundaries differ, so the scaler sums in another order).
duckdb "COPY (SELECT * FROM read_csv('train.csv')) TO 'train.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 20000)" >/dev/null
check "fit on Parquet" "$OUTCORE" fit "$SPEC" train.parquet -o model_pq.json
$PY - <<'PYEOF' && pass "fit on Parquet gives the CSV's model" || fail "fit on Parquet vs CSV"
import json, math
a, b = json.load(open("model.json")), json.load(open("model_pq.json"))
def close(x, y, path):
    if isinstance(x, float) or isinstance(y, float):
        assert math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-12), (path, x, y)
    elif isinstance(x, dict):
        assert x.keys() == y.keys(), path
        for k in x: close(x[k], y[k], path + "." + k)
    elif isinstance(x, list):
        assert len(x) == len(y), path
        for i, (u, v) in enumerate(zip(x, y)): close(u, v, f"{path}[{i}]")
    else:
        assert x == y, (path, x, y)
assert a["input_schema"] == b["input_schema"] and a["feature_names"] == b["feature_names"]
close(a["steps"], b["steps"], "steps")
close(a["estimator"]["state"], b["estimator"]["state"], "estimator")
PYEOF
# Binary columns (BLOB, UUID, INTERVAL) are refused with their name and Parquet type when a
# command reads them, never written as text; a model that does not use them reads the file.
# TIME reads as seconds since midnight.
duckdb "COPY (SELECT *, 'a'::BLOB || chr(0)::BLOB AS bl, uuid() AS u, INTERVAL 1 DAY AS iv, TIME '01:02:03.5' AS tm FROM read_parquet('pq/taxi-000.parquet')) TO 'binary.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 30000)" >/dev/null
check "a model that does not use the binary columns reads the file" "$OUTCORE" predict model.json binary.parquet -o b1 --quiet
expect_error "--keep of a BLOB column names it and its type" 3 \
  "binary.parquet: column 'bl' is Parquet BYTE_ARRAY without a string annotation: binary data" \
  "$OUTCORE" predict model.json binary.parquet -o b2 --keep bl
expect_error "sample of every column refuses the BLOB column" 3 "binary.parquet: column 'bl' is Parquet BYTE_ARRAY" \
  "$OUTCORE" sample binary.parquet -n 10 -o b3.parquet
expect_error "a UUID column is refused" 3 "column 'u' is Parquet FIXED_LEN_BYTE_ARRAY\(16\) UUID: binary data" \
  "$OUTCORE" sample binary.parquet -n 10 --columns Total_Amt,u -o b4.parquet
expect_error "an INTERVAL column is refused" 3 "column 'iv' is Parquet FIXED_LEN_BYTE_ARRAY\(12\) INTERVAL: binary data" \
  "$OUTCORE" sample binary.parquet -n 10 --columns Total_Amt,iv -o b5.parquet
check "no sample file is left by a refusal" bash -c "! ls b3.parquet b4.parquet b5.parquet 2>/dev/null"
check "sample of the other columns" "$OUTCORE" sample binary.parquet -n 10 --columns Total_Amt,tm -o b6.parquet -q
duckdb "SELECT count(*), any_value(typeof(tm)), min(tm), max(tm) FROM read_parquet('b6.parquet')" >b6.json
check "TIME is written back as seconds since midnight, a DOUBLE DuckDB reads" $PY -c "
import json; a = json.loads(open('b6.json').readline())['rows'][0]; assert a == ['10', 'DOUBLE', '3723.5', '3723.5'], a"

# A bad value in a Parquet column has its own type: no advice to declare it (that is for
# CSV columns whose type was inferred).
duckdb "COPY (SELECT CASE WHEN i = 3 THEN 'inf'::DOUBLE ELSE i END AS d FROM range(10) t(i)) TO 'inf.parquet' (FORMAT PARQUET)" >/dev/null
expect_error "sample: a Parquet bad value says how to skip it" 3 \
  "^outcore: error: inf.parquet: row group 0, row 4: column 'd': cannot parse 'inf' as float: infinite values are not read \(skip such rows with --on-bad-rows skip\)$" \
  "$OUTCORE" sample inf.parquet -n 5 -o inf.csv
check "sample: and not to declare the column's type" bash -c "! grep -q 'declare' '$WORK/stderr'"

finish
