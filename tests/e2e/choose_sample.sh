#!/usr/bin/env bash
# outcore sample: 10,000 rows of 4 files x 1M rows are uniform over files and over position in
# a file (chi-square at a fixed seed), and biased samplers fail the same test; same sample on
# 1 or 2 threads; --fraction; Parquet output; errors.
source "$(dirname "$0")/common.bash"
cd "$WORK"
ROWS=${SAMPLE_ROWS_PER_FILE:-1000000}
mkdir data
for f in 0 1 2 3; do
  awk -v f=$f -v n="$ROWS" 'BEGIN { print "file,row,x"; for (r = 0; r < n; r++) printf "%d,%d,%.3f\n", f, r, (r * 7919 % 1000) / 8 }' \
    >data/part-$f.csv
done

# Small splits, so each file is many splits of which the last is shorter: the merge of
# per-split reservoirs must weight them by their row counts.
"$OUTCORE" sample data -n 10000 --seed 1 --split-size 3MB -o s.csv --json >s.json
"$OUTCORE" sample data -n 10000 --seed 1 --split-size 3MB --threads 1 -o s1.csv -q
"$OUTCORE" sample data -n 10000 --seed 2 --split-size 3MB -o s2.csv -q
check "the same seed gives the same sample on 1 and 2 threads" cmp -s s.csv s1.csv
check "another seed gives another sample" bash -c '! cmp -s s.csv s2.csv'
check "--json reports rows in and out" $PY -c "
import json; j = json.load(open('s.json')); assert j['rows_out'] == 10000 and j['rows_in'] == 4 * $ROWS, j
assert [c['name'] for c in j['columns']] == ['file', 'row', 'x'] and j['splits'] > 8, j"

# A biased sampler for each way of failing: the first rows, one file favoured, the start of
# each file favoured.
$PY - "$ROWS" <<'PYEOF'
import sys, numpy as np, pandas as pd
rows = int(sys.argv[1]); rng = np.random.default_rng(0)
pd.read_csv("data/part-0.csv", nrows=10000).to_csv("biased_head.csv", index=False)
w = np.repeat([1.25, 1, 1, 1], rows); ids = rng.choice(4 * rows, 10000, replace=False, p=w / w.sum())
pd.DataFrame({"file": ids // rows, "row": ids % rows}).to_csv("biased_file.csv", index=False)
pos = rng.choice(rows, 10000, p=np.linspace(1.3, 0.7, rows) / np.linspace(1.3, 0.7, rows).sum())
pd.DataFrame({"file": rng.integers(0, 4, 10000), "row": pos}).to_csv("biased_position.csv", index=False)
PYEOF
cat >uniform.py <<'PYEOF'
# uniform.py SAMPLE.csv ROWS_PER_FILE: exits 0 when the sample passes chi-square tests of
# uniformity over the 4 files and over 10 bins of position within a file (p > 0.01).
import sys, numpy as np, pandas as pd
from scipy.stats import chisquare
s = pd.read_csv(sys.argv[1]); rows = int(sys.argv[2])
by_file = np.bincount(s.file, minlength=4)
by_position = np.bincount(s.row * 10 // rows, minlength=10)
p_file, p_position = chisquare(by_file).pvalue, chisquare(by_position).pvalue
print(f"{sys.argv[1]}: n={len(s)} files {by_file.tolist()} p={p_file:.3g}; positions p={p_position:.3g}")
sys.exit(0 if p_file > 0.01 and p_position > 0.01 else 1)
PYEOF
check "10,000 of 4M rows: uniform over files and positions (chi-square, p > 0.01)" $PY uniform.py s.csv "$ROWS"
check "seed 2 also passes" $PY uniform.py s2.csv "$ROWS"
for biased in biased_head biased_file biased_position; do
  check "the test catches a biased sampler ($biased)" bash -c "! $PY uniform.py $biased.csv $ROWS"
done
check "the sample is 10,000 distinct rows in input order" $PY -c "
import pandas as pd; s = pd.read_csv('s.csv'); k = s.file * 10**7 + s.row
assert len(s) == 10000 and k.is_unique and k.is_monotonic_increasing
assert (s.x == (s.row * 7919 % 1000) / 8).all()"

# --fraction: Bernoulli, a binomial count; Parquet output read back by DuckDB.
"$OUTCORE" sample data --fraction 0.005 --seed 3 -o f.csv -q
check "--fraction 0.005 keeps about 0.5% of the rows, uniformly" $PY -c "
import pandas as pd, subprocess, sys; n = len(pd.read_csv('f.csv')); mean = 0.005 * 4 * $ROWS
sd = (mean * 0.995) ** 0.5; assert abs(n - mean) < 5 * sd, (n, mean)
sys.exit(subprocess.call(['$PY', 'uniform.py', 'f.csv', '$ROWS']))"
"$OUTCORE" sample data -n 1000 --seed 4 -o p.parquet -q
"$OUTCORE" sample data -n 1000 --seed 4 -o p.csv -q
if [[ -d $SRC/tests/node/node_modules ]]; then
  duckdb "SELECT count(*), sum(file * 10000000 + row) FROM read_parquet('p.parquet')" >pq.json
  check "Parquet output holds the same rows as CSV" $PY -c "
import json, pandas as pd; r = json.load(open('pq.json'))['rows'][0]; s = pd.read_csv('p.csv')
assert int(r[0]) == 1000 and int(r[1]) == int((s.file * 10000000 + s.row).sum()), r"
else
  echo "skip - DuckDB not installed (run scripts/test.sh)"
fi
printf 'a,b\n1,x\n2,y\n' >small.csv
"$OUTCORE" sample small.csv -n 10 -o all.csv -q
check "-n larger than the input gives every row" $PY -c "import pandas as pd; assert len(pd.read_csv('all.csv')) == 2"
"$OUTCORE" sample data/part-0.csv -n 5 --columns x,row -o cols.csv -q
check "--columns keeps those columns in that order" bash -c "head -1 cols.csv | grep -qx 'x,row'"

# Errors say what is wrong and what to do.
expect_error "neither -n nor --fraction" 2 "exactly one of -n ROWS or --fraction" "$OUTCORE" sample small.csv -o x.csv
expect_error "both -n and --fraction" 2 "exactly one of -n ROWS or --fraction" "$OUTCORE" sample small.csv -n 1 --fraction 0.5 -o x.csv
expect_error "fraction out of range" 2 "--fraction must be in \(0, 1\]" "$OUTCORE" sample small.csv --fraction 1.5 -o x.csv
expect_error "unknown output extension" 2 "use .csv or .parquet" "$OUTCORE" sample small.csv -n 1 -o x.txt
expect_error "missing output directory" 6 "the directory 'nowhere' does not exist" "$OUTCORE" sample small.csv -n 1 -o nowhere/x.csv
printf 'a,c\n1,x\n' >other.csv
expect_error "inputs with other columns" 4 "other.csv: column 'b' of small.csv is missing" "$OUTCORE" sample small.csv other.csv -n 1 -o x.csv
{ echo "a,b"; seq 1 10050 | sed 's/$/,x/'; echo "1.5,y"; } >late.csv  # types come from 10,000 rows
expect_error "a value that does not fit the inferred type" 3 "late.csv:10052: column 'a'.*declare the column's type" \
  "$OUTCORE" sample late.csv -n 1 -o x.csv
printf 'target = "a > 0"\n[read.dtype]\na = "float"\n[model]\nkind = "ridge"\n' >late.toml
check "--spec declares the type: the same input samples" "$OUTCORE" sample late.csv -n 3 --spec late.toml -o y.csv -q
expect_error "unknown --columns" 4 "--columns names 'zz'" "$OUTCORE" sample small.csv -n 1 --columns zz -o x.csv
check "no temporary file is left behind" bash -c "! ls -a | grep -q tmp-"
"$OUTCORE" sample --help >help.txt
for opt in --rows --fraction --output --seed --spec --columns --threads --split-size --on-bad-rows --json; do
  grep -q -- "$opt" help.txt || fail "sample --help lacks $opt"
done
pass "sample --help lists every option"
finish
