#!/usr/bin/env bash
# CSV quoting through the CLI: a quote inside an unquoted field (12" pizza) is data, so a file
# with stray quotes reads every row, in many splits, as pandas (and DuckDB) read it; the same
# with quoting off (quote = "none") and with a backslash escape; and `outcore sample` of a
# one-column file with missing values keeps its row count.
source "$(dirname "$0")/common.bash"
cd "$WORK"
ROWS=300000

# gen.py KIND: KIND=quoted has quoted fields with delimiters, doubled quotes and line breaks;
# plain has none (for quote = "none"); escape has \" inside quoted fields. Every 1000th row
# has a stray quote in an unquoted field.
cat >gen.py <<'EOF'
import random, sys
kind, rows = sys.argv[1], int(sys.argv[2])
rng = random.Random(7)
out = open(f"{kind}.csv", "w", newline="")
out.write("id,item,x,y\n")
for i in range(rows):
    x = rng.random()
    if i % 1000 == 500:
        item = rng.choice(['12" pizza', '6" sub', 'say "hi"', 'x"'])
    elif kind == "quoted" and i % 7 == 0:
        item = rng.choice(['"a,b"', '"two\nlines"', '"say ""hi"""', '""'])
    elif kind == "escape" and i % 7 == 0:
        item = rng.choice(['"p\\"q"', '"a\\\\"', '"x,\\"y\\""'])
    else:
        item = rng.choice(["large", "plain", "small"])
    out.write(f"{i},{item},{x:.6f},{int(x + rng.random() > 1)}\n")
EOF

run_kind() {  # run_kind KIND SPEC_READ_LINES PANDAS_ARGS
  local kind=$1 read=$2 pandas_args=$3
  $PY gen.py "$kind" "$ROWS"
  printf 'target = "y"\n[read]\n%s\n[[steps]]\nkind = "select"\ncolumns = ["x"]\n[model]\nkind = "logistic_regression"\n' \
    "$read" >"$kind.toml"
  local expected
  expected=$($PY -c "import pandas as pd; print(len(pd.read_csv('$kind.csv'$pandas_args)))")
  check "$kind: pandas reads all $ROWS rows" test "$expected" = "$ROWS"
  "$OUTCORE" fit "$kind.toml" "$kind.csv" -o "$kind.json" --json >"$kind.fit.json"
  local fitted
  fitted=$($PY -c "import json,sys; r=json.load(open(sys.argv[1]))['rows']; print(r['read'], r['rejected'])" "$kind.fit.json")
  check "$kind: fit reads $ROWS rows, none rejected (got $fitted)" test "$fitted" = "$ROWS 0"
  "$OUTCORE" predict "$kind.json" "$kind.csv" -o "$kind.out" --split-size 256KB --keep id,item -q
  local parts
  parts=$(ls "$kind.out"/*.parquet | wc -l)
  check "$kind: several splits ($parts parts)" test "$parts" -gt 10
  duckdb "SELECT count(*) AS n, count(DISTINCT id) AS d, max(id) AS m FROM read_parquet('$kind.out/*.parquet')" >"$kind.count.json"
  check "$kind: predict writes $ROWS rows, each id once" \
    grep -q "\"rows\":\[\[\"$ROWS\",\"$ROWS\",\"$((ROWS - 1))\"\]\]" "$kind.count.json"
  # The items as pandas reads them, one per id.
  $PY -c "
import pandas as pd, sys
df = pd.read_csv('$kind.csv', keep_default_na=False, na_values=['']$pandas_args)
df['item'].fillna('<null>').to_csv('$kind.pandas.txt', index=False, header=False)
"
  duckdb "SELECT coalesce(item, '<null>') AS item FROM read_parquet('$kind.out/*.parquet') ORDER BY id" |
    $PY -c "
import csv, json, sys
rows = json.loads(sys.stdin.read())['rows']
w = csv.writer(open('$kind.ours.txt', 'w', newline=''), lineterminator='\n')
for (item,) in rows: w.writerow([item])
"
  check "$kind: every item as pandas reads it" cmp -s "$kind.pandas.txt" "$kind.ours.txt"
}

run_kind quoted "" ""
run_kind plain 'quote = "none"' ", quoting=3"
run_kind escape 'escape = "\\"' ", escapechar='\\\\'"

# The 4-row file of the issue.
printf 'id,item,price\n1,12" pizza,10\n2,large,12\n3,6" sub,5\n4,plain,7\n' >pizza.csv
"$OUTCORE" sample pizza.csv -n 100 -o pizza.out.csv -q
check "sample of the 4-row file: 4 rows" test "$(($(wc -l <pizza.out.csv) - 1))" = 4

# One column with missing values: written as "" (not a blank line), read back row for row.
$PY -c "
import csv
w = csv.writer(open('one.csv', 'w', newline=''), lineterminator='\n')
w.writerow(['x'])
for i in range(1000): w.writerow([None if i % 5 == 0 else i])
"
"$OUTCORE" sample one.csv -n 5000 -o one.out.csv -q
"$OUTCORE" sample one.out.csv -n 5000 -o one.again.csv -q
check "sample of a one-column file with missing values keeps 1000 rows" \
  test "$($PY -c "import pandas as pd; print(len(pd.read_csv('one.out.csv')), len(pd.read_csv('one.again.csv')), pd.read_csv('one.again.csv')['x'].isna().sum())")" = "1000 1000 200"
finish
