#!/usr/bin/env bash
# outcore fit / inspect from the command line: --json keys, --help, and one case per class of
# bad input, each with its exact message (file, line, column, value) or count.
source "$(dirname "$0")/common.bash"
cd "$WORK"
SPEC="$SRC/examples/taxi_tip.toml"
"$OUTCORE" gen-taxi --rows 20000 --seed 5 -o good.csv >/dev/null

check "fit --json" bash -c "\"$OUTCORE\" fit \"$SPEC\" good.csv -o m.json --json >/dev/null"
"$OUTCORE" fit "$SPEC" good.csv -o m.json --json >fit.json
$PY - <<'PYEOF' && pass "--json has rows.read, train/test accuracy and log_loss, seconds" || fail "--json keys"
import json
j = json.load(open("fit.json"))
assert j["rows"]["read"] == 20000 and j["rows"]["train"] == 15000 and j["rows"]["test"] == 5000, j["rows"]
for split in ("train", "test"):
    assert 0.5 < j[split]["accuracy"] <= 1 and 0 < j[split]["log_loss"] < 1, j[split]
assert set(j["seconds"]) == {"read", "fit", "score", "total"}
assert j["fit"]["converged"] is True
PYEOF
"$OUTCORE" fit "$SPEC" good.csv -o m0.json --test-size 0 --json >fit0.json
check "--test-size 0 fits on every row" $PY -c "import json; j=json.load(open('fit0.json')); assert j['rows']['train']==20000 and j['rows']['test']==0"
"$OUTCORE" fit "$SPEC" good.csv -o m1.json --seed 3 --json >fit1.json
check "another --seed holds out other rows" $PY -c "import json; a=json.load(open('fit.json')); b=json.load(open('fit1.json')); assert a['test']['log_loss'] != b['test']['log_loss']"
"$OUTCORE" fit "$SPEC" good.csv -o m2.json --threads 1 >/dev/null
check "1 thread and 2 threads give the same model" $PY -c "
import json; a=json.load(open('m.json')); b=json.load(open('m2.json'))
assert a['estimator']['state'] == b['estimator']['state'] and a['steps'] == b['steps']"
"$OUTCORE" inspect m.json >inspect.txt
check "inspect shows target, steps, features and training" grep -q "Payment_Type_no charge" inspect.txt
check "inspect --json" $PY -c "import json,subprocess; j=json.loads(subprocess.check_output(['$OUTCORE','inspect','m.json','--json'])); assert j['format']=='outcore-model' and j['training']['rows_train']==15000"
check "the model records the data fingerprint" $PY -c "import json; j=json.load(open('m.json')); assert j['training']['fingerprint'].startswith('xxh3:') and j['training']['sources'][0]['bytes']>0"

# --quiet prints nothing, and still writes the model; an error is still said.
"$OUTCORE" fit "$SPEC" good.csv -o mq.json --quiet >quiet.out 2>&1
check "fit --quiet prints nothing" test ! -s quiet.out
check "fit --quiet writes the model" cmp -s <($PY -c "import json; print(json.load(open('mq.json'))['estimator']['state'])") \
  <($PY -c "import json; print(json.load(open('m.json'))['estimator']['state'])")
rc=0; "$OUTCORE" fit "$SPEC" missing.csv -o mq2.json --quiet 2>quiet.err || rc=$?
check "fit --quiet still reports an error" bash -c "[[ $rc -eq 6 ]] && grep -q missing.csv quiet.err"

# --help explains every option.
"$OUTCORE" fit --help >help.txt
for opt in --output --test-size --seed --threads --on-bad-rows --quiet --json; do
  grep -q -- "$opt" help.txt || fail "fit --help lacks $opt"
done
pass "fit --help lists every option"
"$OUTCORE" predict --help >phelp.txt
for opt in --format --threads --split-size --memory-limit --keep --label --resume --overwrite --on-bad-rows --quiet --json; do
  grep -q -- "$opt" phelp.txt || fail "predict --help lacks $opt"
done
pass "predict --help lists every option"
expect_error "a mistyped command is named, with the list of commands" 2 \
  "^outcore: error: unknown command 'predcit'; the commands are: .*predict" "$OUTCORE" predcit m.json good.csv
expect_error "a missing spec says why" 6 "^outcore: error: nospec.toml: cannot open pipeline spec: No such file or directory$" \
  "$OUTCORE" fit nospec.toml good.csv -o x.json
mkdir -p parts/_tmp && touch parts/.hidden
expect_error "a directory without input files says which files count" 6 \
  "parts: directory holds no input files \(its regular files are read; names starting with '.' or '_' are skipped\)" \
  "$OUTCORE" predict m.json parts -o scored

# Bad input, one class at a time. Line numbers are physical lines (the header is line 1).
head -101 good.csv >base.csv
row=$(sed -n 2p good.csv)
mk() { cp base.csv "$1"; printf '%s\n' "$2" >>"$1"; sed -n '102,150p' good.csv >>"$1"; }
mk ragged.csv "$(echo "$row" | cut -d, -f1-17)"
expect_error "ragged row (too few fields)" 3 "^outcore: error: ragged.csv:102: expected 18 fields, found 17$" \
  "$OUTCORE" fit "$SPEC" ragged.csv -o x.json
mk ragged2.csv "$row,extra"
expect_error "ragged row (too many fields)" 3 "ragged2.csv:102: expected 18 fields, found 19" \
  "$OUTCORE" fit "$SPEC" ragged2.csv -o x.json
mk badnum.csv "$(echo "$row" | awk -F, -v OFS=, '{$13="12,5"; print}' | sed 's/12,5/"12,5"/')"
expect_error "bad number (decimal comma)" 3 "badnum.csv:102: column 'Fare_Amt': cannot parse '12,5' as float" \
  "$OUTCORE" fit "$SPEC" badnum.csv -o x.json
mk baddate.csv "$(echo "$row" | awk -F, -v OFS=, '{$2="2009-02-30 10:00:00"; print}')"
expect_error "bad date" 3 "baddate.csv:102: column 'Trip_Pickup_DateTime': cannot parse '2009-02-30 10:00:00' as datetime" \
  "$OUTCORE" fit "$SPEC" baddate.csv -o x.json
cp base.csv unterminated.csv; printf '%s\n' "$(echo "$row" | awk -F, -v OFS=, '{$9="\"open"; print}')" >>unterminated.csv
expect_error "unterminated quote at end of file" 3 "unterminated.csv:102: unterminated quoted field" \
  "$OUTCORE" fit "$SPEC" unterminated.csv -o x.json
: >empty.csv
expect_error "empty file" 3 "empty.csv: empty file \(expected a header row\)" "$OUTCORE" fit "$SPEC" empty.csv -o x.json
head -1 good.csv >header.csv
expect_error "header only: nothing to train on" 3 "no rows to train on \(0 read" "$OUTCORE" fit "$SPEC" header.csv -o x.json
cut -d, -f1-12,14- good.csv >nofare.csv
expect_error "a column the spec needs is missing" 4 "nofare.csv: column 'Fare_Amt' is required by the pipeline but not in the header" \
  "$OUTCORE" fit "$SPEC" nofare.csv -o x.json
check "no model file is left by a failed fit" test ! -e x.json

# Accepted variants read the same rows as the plain file: BOM, CRLF, a quoted field holding a
# newline (in a column the pipeline skips).
"$OUTCORE" fit "$SPEC" base.csv -o plain.json --test-size 0 --json >plain.out
{ printf '\xef\xbb\xbf'; cat base.csv; } >bom.csv
sed 's/$/\r/' base.csv >crlf.csv
{ head -1 base.csv; sed -n 2p base.csv | awk -F, -v OFS=, '{$9="\"a\nb, \"\"c\"\"\""; print}'; sed -n '3,$p' base.csv; } >quoted.csv
for f in bom crlf quoted; do
  "$OUTCORE" fit "$SPEC" $f.csv -o $f.json --test-size 0 --json >$f.out
  check "$f: same rows and same model as the plain file" $PY -c "
import json; a=json.load(open('plain.json')); b=json.load(open('$f.json'))
assert json.load(open('$f.out'))['rows']['read'] == 100
assert a['estimator']['state'] == b['estimator']['state']"
done
{ cat quoted.csv; printf '%s\n' "$(echo "$row" | cut -d, -f1-17)"; } >quoted_then_bad.csv
expect_error "a row after a quoted newline reports its physical line" 3 "quoted_then_bad.csv:103: expected 18 fields" \
  "$OUTCORE" fit "$SPEC" quoted_then_bad.csv -o x.json

# skip and reject: counts and the reject file.
cat ragged.csv >mixed.csv; printf '%s\n' "$(echo "$row" | awk -F, -v OFS=, '{$5="abc"; print}')" >>mixed.csv
"$OUTCORE" fit "$SPEC" mixed.csv -o s.json --on-bad-rows skip --json >skip.json
check "skip: 150 read, 2 rejected" $PY -c "import json; r=json.load(open('skip.json'))['rows']; assert (r['read'], r['rejected']) == (149, 2), r"
"$OUTCORE" fit "$SPEC" mixed.csv -o r.json --on-bad-rows reject=rej.csv >/dev/null
check "reject file: header + 2 rows" test "$(wc -l <rej.csv)" -eq 3
check "reject file names file, line and reason" grep -q "mixed.csv,152,column 'Trip_Distance': cannot parse 'abc' as float" rej.csv
expect_error "--on-bad-rows must be stop, skip or reject=FILE" 2 "expected stop, skip or reject=FILE" \
  "$OUTCORE" fit "$SPEC" good.csv -o x.json --on-bad-rows ignore
# outcore steps --json: every kind the text lists, each parameter with name, type, default and
# doc; the text shows the same declarations. A spec that spells out every declared default fits
# the same model as the spec that leaves them out.
"$OUTCORE" steps >steps.txt
"$OUTCORE" steps --json >steps.json
check "steps --json lists every kind of 'outcore steps', each parameter with name, type, default, doc" $PY - <<'PYEOF'
import json, re
j = json.load(open("steps.json"))
text = open("steps.txt").read().splitlines()
listed = [m.group(1) for m in (re.match(r"^  (\w+)\s", line) for line in text) if m]
entries = j["steps"] + j["estimators"]
assert [e["kind"] for e in entries] == listed, ([e["kind"] for e in entries], listed)
assert len(listed) >= 12 and {"one_hot", "standard_scaler", "logistic_regression", "ridge"} <= set(listed)
for e in entries:
    assert e["doc"] and e["params"] == [p["name"] for p in e["parameters"]], e
    block = text[text.index(next(l for l in text if re.match(r"^  %s\s" % e["kind"], l))) + 1:]
    for p, line in zip(e["parameters"], block):
        assert {"name", "type", "default", "required", "doc"} <= set(p), p
        assert p["type"] in ("float", "int", "bool", "string", "string list", "table of string lists", "table of strings",
                             "number or string", "bool or string", "string or table of numbers"), p
        assert p["required"] == (p["default"] is None and "(required)" in line), (p, line)
        assert line.split()[0] == p["name"] and p["doc"] in line and p["type"] in line, (p, line)
        if p["default"] is not None:
            assert "= " + json.dumps(p["default"]) in line, (p, line)
PYEOF
$PY - "$SPEC" <<'PYEOF' >defaults.toml
import json, re, sys
j = json.load(open("steps.json"))
declared = {e["kind"]: e["parameters"] for e in j["steps"] + j["estimators"]}
lines, out = open(sys.argv[1]).read().splitlines(), []
for i, line in enumerate(lines):
    out.append(line)
    m = re.match(r'^kind = "(\w+)"', line)
    if not m:
        continue
    block = []
    for l in lines[i + 1:]:
        if l.startswith("[") and not l.startswith("[steps."):
            break
        block.append(l)
    given = {l.split("=")[0].strip() for l in block if "=" in l}
    for p in declared[m.group(1)]:
        if p["default"] is not None and p["name"] not in given:
            out.append("%s = %s" % (p["name"], json.dumps(p["default"])))  # a JSON scalar is TOML
print("\n".join(out))
PYEOF
check "the spec with every declared default spelled out differs from the example" bash -c "! cmp -s defaults.toml '$SPEC' && grep -q '^max_categories = 100$' defaults.toml && grep -q '^tol = 1e-10$' defaults.toml"
"$OUTCORE" fit defaults.toml good.csv -o md.json >/dev/null
check "declared defaults spelled out fit the same model" $PY -c "
import json; a=json.load(open('m.json')); b=json.load(open('md.json'))
assert a['steps'] == b['steps'] and a['estimator']['params'] == b['estimator']['params'], (a['steps'], b['steps'])
assert a['estimator']['state'] == b['estimator']['state']"
finish
