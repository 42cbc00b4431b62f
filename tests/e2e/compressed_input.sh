#!/usr/bin/env bash
# Compressed CSV inputs: .csv.gz and .csv.zst (known by their first bytes) are read as streams,
# one split per file, and give the same predictions, the same fitted model and the same errors
# (file, line, column, value) as the plain file. Parquet parts are read back by DuckDB.
source "$(dirname "$0")/common.bash"
cd "$WORK"

"$OUTCORE" gen-taxi --rows 40000 --seed 3 -o taxi.csv >/dev/null
gzip -k taxi.csv
zstd -q taxi.csv -o taxi.csv.zst
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" taxi.csv -o plain.json --json >fit_plain.json
for z in gz zst; do
  "$OUTCORE" fit "$SRC/examples/taxi_tip.toml" taxi.csv.$z -o $z.json --json >fit_$z.json
  check "fit from .csv.$z: the same coefficients as from the plain file" $PY -c "
import json
a, b = (json.load(open(f))['estimator']['state'] for f in ('plain.json', '$z.json'))
assert a == b, (a, b)"
  "$OUTCORE" predict plain.json taxi.csv.$z -o pred_$z --quiet
done
"$OUTCORE" predict plain.json taxi.csv -o pred_plain --quiet
for z in gz zst; do
  check ".csv.$z predictions equal the plain file's, byte for byte" cmp pred_plain/part-00000.parquet pred_$z/part-00000.parquet
done
duckdb "SELECT count(*) AS n FROM read_parquet('pred_gz/*.parquet')" >count.json
check "DuckDB reads 40000 rows predicted from the .gz file" $PY -c "
import json; assert int(json.load(open('count.json'))['rows'][0][0]) == 40000"

# One split per compressed file, whatever --split-size says; the plain file is cut in several.
"$OUTCORE" predict plain.json taxi.csv.gz taxi.csv -o mixed --split-size 1MB --quiet
check "a compressed file is one split, the plain one several" $PY -c "
import json
parts = json.load(open('mixed/_SUCCESS'))['parts']
gz = [p for p in parts if p['split']['path'].endswith('.gz')]
assert len(gz) == 1 and len(parts) > 2, parts"

# Several gzip members (as cat a.gz b.gz makes) read as one file.
head -20001 taxi.csv | gzip >multi.csv.gz
tail -n +20002 taxi.csv | gzip >>multi.csv.gz
"$OUTCORE" predict plain.json multi.csv.gz -o pred_multi --quiet
check "a gzip file of two members predicts as the plain file" cmp pred_plain/part-00000.parquet pred_multi/part-00000.parquet

# Errors: a bad value names the same line as in the plain file; a truncated file is refused
# by name, with nothing left that looks complete.
$PY - <<'PYEOF'
lines = open("taxi.csv").read().split("\n")
fields = lines[30000 - 1].split(",")
fields[4] = "12..5"  # Trip_Distance
lines[30000 - 1] = ",".join(fields)
open("bad.csv", "w").write("\n".join(lines))
PYEOF
gzip -k bad.csv
zstd -q bad.csv -o bad.csv.zst
for f in bad.csv bad.csv.gz bad.csv.zst; do
  expect_error "$f: the bad value's file, line, column and value" 3 \
    "^outcore: error: $f:30000: column 'Trip_Distance': cannot parse '12\.\.5' as float" \
    "$OUTCORE" predict plain.json $f -o out_$f
  check "$f: no _SUCCESS after the error" test ! -e out_$f/_SUCCESS
done
head -c $(($(stat -c %s taxi.csv.gz) / 2)) taxi.csv.gz >cut.csv.gz
expect_error "a truncated .gz file is refused by name" 3 "cut\.csv\.gz: the gzip stream ends early \(a truncated file\?\)" \
  "$OUTCORE" predict plain.json cut.csv.gz -o out_cut
check "no output directory looks complete after it" test ! -e out_cut/_SUCCESS
finish
