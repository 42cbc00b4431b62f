#!/usr/bin/env bash
# A text column with many distinct values one-hot encoded (a date read as text): fit must stop
# in seconds with an error naming the step and the column, under a 4 GB address-space limit,
# not die of std::bad_alloc or the kernel; with the default max_categories it fits.
# Also: on_unknown = "error" stops predict naming file, row, column and value; --memory-limit
# is checked as a size; running out of memory anyway is an error, not an internal one.
source "$(dirname "$0")/common.bash"
cd "$WORK"

# 1,000,000 rows; 'day' has 50,000 distinct values (timestamps read as text), the rest numbers.
$PY - <<'EOF'
import random
random.seed(7)
with open("wide.csv", "w") as f:
    f.write("day,x,y\n")
    for i in range(1_000_000):
        k = (i * 7919) % 50_000
        x = random.random()
        f.write(f"2009-{1 + k // 4200:02d}-01 {k % 4200 // 60:02d}:{k % 60:02d}:00 #{k},{x:.4f},{int(x + random.random() > 1)}\n")
EOF
check "the input has 50,000 distinct days" test "$(cut -d, -f1 wide.csv | tail -n +2 | sort -u | wc -l)" -eq 50000

spec() {  # spec FILE [one_hot parameters...]
  local file=$1; shift
  { printf 'target = "y > 0"\n[read]\ndtype = { day = "string" }\n[[steps]]\nkind = "one_hot"\ncolumns = ["day"]\n'
    printf '%s\n' "$@"
    printf '[model]\nkind = "logistic_regression"\n'; } >"$file"
}
spec wide.toml "max_categories = 100000"
spec default.toml

# Under ulimit -v 4000000 (about 3.8 GiB) the default limit is half of that.
limited() { (ulimit -v 4000000; exec timeout 120 "$@"); }
# AddressSanitizer reserves terabytes of address space for its shadow memory, so a sanitizer
# build cannot run under ulimit -v: there the half of 3.8 GiB is passed as --memory-limit, and
# running out of memory for real is left to the Release build.
SANITIZED=0
if [[ $(nm "$OUTCORE" 2>/dev/null | grep -c ' __asan_init$') -gt 0 ]]; then  # (grep -q would make nm's exit SIGPIPE)
  SANITIZED=1
  echo "note: sanitizer build; --memory-limit 1907M stands in for ulimit -v 4000000"
  limited() {
    local arg
    for arg; do [[ $arg == --memory-limit ]] && { timeout 120 "$@"; return; }; done
    timeout 120 "$@" --memory-limit 1907M
  }
fi
start=$(date +%s)
expect_error "max_categories = 100000: the step's error names the column, the estimate and the limit" 3 \
  "^outcore: error: fit: step 0 \(one_hot\) makes 50,001 features of 750,000 training rows; column 'day' alone makes 50,000 of them\. They would need about [0-9.]+ GB \(750,000 rows x 50,001 features x 8 bytes, twice while the matrix is built, plus [0-9.]+ GB for logistic_regression\), over the memory limit of 1\.[0-9] GB \(--memory-limit\)\. Lower the step's max_categories" \
  limited "$OUTCORE" fit wide.toml wide.csv -o wide.json
seconds=$(($(date +%s) - start))
check "it stops in seconds ($seconds s), not minutes" test "$seconds" -lt 60
check "no bad_alloc, no internal error" bash -c "! grep -qiE 'bad_alloc|internal' '$WORK/stderr'"
check "no model file" test ! -e wide.json

expect_error "--memory-limit 10M is applied to the default max_categories too" 3 \
  "makes 101 features of 750,000 training rows; column 'day' alone makes 100 of them.*over the memory limit of 10\.0 MB" \
  "$OUTCORE" fit default.toml wide.csv -o small.json --memory-limit 10M
expect_error "--memory-limit must be a size" 2 "--memory-limit: expected a size like 64MB, 512K or 1G, got 'lots'" \
  "$OUTCORE" fit default.toml wide.csv -o small.json --memory-limit lots
expect_error "tune takes --memory-limit" 3 "fold [01], fitting the steps: fit: step 0 \(one_hot\) makes 50,001 features of 500,000 training rows.*over the memory limit of 1\.0 GB" \
  limited "$OUTCORE" tune wide.toml wide.csv --cv 2 --memory-limit 2G
expect_error "learning-curve takes --memory-limit" 3 "fitting on the first 400,000 training rows of fold [01]: fit: step 0 \(one_hot\) makes 50,001 features" \
  limited "$OUTCORE" learning-curve wide.toml wide.csv --cv 2 --sizes 400000 -o c.svg --memory-limit 2G

# With an explicit limit far above what the machine can give, the features are really
# allocated and memory runs out: the last resort names it, it is no internal error.
if ((SANITIZED == 0)); then
  expect_error "out of memory anyway: a clear error, exit 6" 6 \
    "^outcore: error: out of memory while running 'fit'" \
    limited "$OUTCORE" fit wide.toml wide.csv -o wide.json --memory-limit 100000G
fi

# Each day occurs equally often in every run of 50,000 rows. Under the sanitizers a fit of
# 750,000 rows x 101 features takes ten minutes, so there the first 100,000 rows (every day
# twice) are fitted, all of them (--test-size 0).
if ((SANITIZED)); then
  head -n 100001 wide.csv >default.csv; trained=100,000; test_size=0
else
  ln -s wide.csv default.csv; trained=750,000; test_size=0.25
fi
start=$(date +%s)
limited "$OUTCORE" fit default.toml default.csv -o default.json --test-size $test_size >default.out 2>&1 || cat default.out
seconds=$(($(date +%s) - start))
check "default max_categories (100): the fit succeeds under the same limit ($seconds s)" test -s default.json
check "  x, 99 days of their own and day_infrequent: 101 features" grep -q "fit    $trained rows, 101 features" default.out
check "  the model file records max_categories and the infrequent values" $PY -c "
import json, sys
m = json.load(open('default.json'))
s = m['steps'][0]
assert s['params']['max_categories'] == 100 and s['params']['on_unknown'] == 'ignore', s['params']
c = s['state']['columns'][0]
assert len(c['categories']) == 99 and len(c['infrequent']) == 50000 - 99, (len(c['categories']), len(c['infrequent']))
assert m['feature_names'][-1] == 'day_infrequent'
"

# max_categories against scikit-learn's OneHotEncoder, on values with many equal counts.
$PY - <<'EOF'
import random
random.seed(3)
with open("ties.csv", "w") as f:
    f.write("k,x,y\n")
    for v in range(30):
        for _ in range(random.choice([1, 2, 2, 3, 5, 5, 5, 8])):
            x = random.random()
            f.write(f"v{v:02d},{x:.3f},{int(x > 0.5)}\n")
EOF
for max in 2 8 29 30 31; do
  printf 'target = "y > 0"\n[read]\ndtype = { k = "string" }\n[[steps]]\nkind = "one_hot"\nmax_categories = %s\n[model]\nkind = "logistic_regression"\n' $max >ties.toml
  "$OUTCORE" fit ties.toml ties.csv -o ties.json --test-size 0 --quiet
  check "max_categories = $max: the features and infrequent values of scikit-learn's OneHotEncoder" $PY -c "
import json
import pandas as pd
from sklearn.preprocessing import OneHotEncoder
X = pd.read_csv('ties.csv')[['k']]
e = OneHotEncoder(max_categories=$max, handle_unknown='infrequent_if_exist').fit(X)
theirs = [n.replace('_infrequent_sklearn', '_infrequent') for n in e.get_feature_names_out()]
m = json.load(open('ties.json'))
ours = m['feature_names'][1:]
assert ours == theirs, (ours, theirs)
infrequent = [] if e.infrequent_categories_[0] is None else list(e.infrequent_categories_[0])
assert m['steps'][0]['state']['columns'][0].get('infrequent', []) == infrequent, infrequent
"
done

# on_unknown = "error": predict stops on the first value outside the fitted categories.
printf 'c,x,y\n' >small.csv
for i in $(seq 1 40); do printf '%s,%s,%s\n' "$([ $((i % 2)) = 0 ] && echo cash || echo card)" "0.$i" "$((i % 3 == 0))" >>small.csv; done
printf 'target = "y > 0"\n[[steps]]\nkind = "categories"\non_unknown = "error"\n[steps.categories]\nc = ["cash", "card"]\n[[steps]]\nkind = "one_hot"\non_unknown = "error"\n[model]\nkind = "logistic_regression"\n' >strict.toml
"$OUTCORE" fit strict.toml small.csv -o strict.json --quiet
{ printf 'c,x,y\n'; printf 'cash,0.1,0\ncard,0.2,1\nbitcoin,0.3,0\ncash,0.4,1\n'; } >new.csv
expect_error "on_unknown = error: predict names file, row, column and value" 3 \
  "^outcore: error: new\.csv: row 3: categories: column 'c' has the value 'bitcoin', which was not seen at fit \(on_unknown = \"error\"\)" \
  "$OUTCORE" predict strict.json new.csv -o out/
expect_error "  and evaluate too" 3 "new\.csv: row 3: categories: column 'c' has the value 'bitcoin'" \
  "$OUTCORE" evaluate strict.json new.csv
sed 's/on_unknown = "error"/on_unknown = "ignore"/' strict.toml >lenient.toml
"$OUTCORE" fit lenient.toml small.csv -o lenient.json --quiet
check "on_unknown = ignore: predict counts it as drift and goes on" "$OUTCORE" predict lenient.json new.csv -o out2/ --format csv
check "  and writes every row" test "$(cat out2/part-*.csv | wc -l)" -eq 5

finish
