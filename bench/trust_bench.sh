#!/usr/bin/env bash
# What trusting the input and the output costs (issue 13), side by side on this machine:
#  - CSV quoting: predict on the same trips written three ways: plain; with an inch mark
#    (`12" pizza`, a quote inside an unquoted field) in one row of a thousand, which sends the
#    scanner's blocks that hold one down the byte-by-byte path; and every field quoted (as
#    pandas' to_csv(quoting=csv.QUOTE_ALL) writes). Rows out must be equal in all three.
#  - --resume of a complete run, which now re-reads every part and checks its size and xxh3
#    checksum before keeping it, against the run itself.
# Usage: bench/trust_bench.sh [ROWS]
source "$(dirname "$0")/common.sh"
ROWS=${1:-2000000}
setup_bench >/dev/null
train=$BENCH_DIR/train-1000000.csv
[[ -f $train ]] || "$OUTCORE" gen-taxi --rows 1000000 --seed 1 -o "$train" >/dev/null
"$OUTCORE" fit "$ROOT/examples/taxi_tip.toml" "$train" -o "$BENCH_DIR/model.json" --quiet
plain=$BENCH_DIR/trust-plain-$ROWS.csv
stray=$BENCH_DIR/trust-stray-$ROWS.csv
quoted=$BENCH_DIR/trust-quoted-$ROWS.csv
[[ -f $plain ]] || "$OUTCORE" gen-taxi --rows "$ROWS" --seed 13 -o "$plain" >/dev/null
# store_and_forward (field 12) is empty in every row; one row in 1000 gets an inch mark there.
[[ -f $stray ]] || awk -F, -v OFS=, 'NR > 1 && NR % 1000 == 0 { $12 = "12\" pizza" } { print }' "$plain" >"$stray"
[[ -f $quoted ]] || awk -F, -v OFS=, '{ for (i = 1; i <= NF; i++) $i = "\"" $i "\""; print }' "$plain" >"$quoted"
cat "$plain" "$stray" "$quoted" >/dev/null
echo "predict $ROWS rows, one CSV file written three ways -> Parquet, $(nproc) cores"

run() { rm -rf "$BENCH_DIR/trust-out-$1"; measure "$1" "$OUTCORE" predict "$BENCH_DIR/model.json" "$2" -o "$BENCH_DIR/trust-out-$1" --quiet; }
run plain "$plain"
run stray "$stray"
run quoted "$quoted"
measure resume "$OUTCORE" predict "$BENCH_DIR/model.json" "$plain" -o "$BENCH_DIR/trust-out-plain" --resume --json

echo
$PY - "$BENCH_DIR" "$ROWS" "$SECONDS_plain" "$SECONDS_stray" "$SECONDS_quoted" "$SECONDS_resume" \
  "$(du -m "$plain" | cut -f1)" "$(du -m "$stray" | cut -f1)" "$(du -m "$quoted" | cut -f1)" <<'PYEOF'
import json, sys
d, rows = sys.argv[1], int(sys.argv[2])
plain, stray, quoted, resume = map(float, sys.argv[3:7])
mbs = dict(zip(("plain", "stray", "quoted"), map(float, sys.argv[7:10])))
outs = {}
for name, s in (("plain", plain), ("stray", stray), ("quoted", quoted)):
    t = json.load(open(f"{d}/trust-out-{name}/_SUCCESS"))["totals"]
    outs[name] = t["rows_out"]
    print(f"{name:8s} {s:6.2f} s  {rows / s / 1e6:5.2f} M rows/s  {mbs[name] / s:6.1f} MB/s  rows out {t['rows_out']:,}")
assert len(set(outs.values())) == 1 and outs["plain"] == rows, f"rows out differ: {outs}"
print(f"stray quotes / plain time:  {stray / plain:.2f}x")
print(f"all quoted / plain time:    {quoted / plain:.2f}x")
t = json.load(open(f"{d}/out.resume"))["totals"]
assert t["parts_reused"] == t["parts"] and t["parts_redone"] == 0, t
print(f"--resume of the complete run ({t['parts']} parts checked): {resume:.2f} s, {resume / plain:.2f}x the run")
PYEOF
