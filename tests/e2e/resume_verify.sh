#!/usr/bin/env bash
# --resume verifies before it trusts: a committed part is kept only if it is still there with
# the size and XXH3-64 checksum recorded when it was committed. A deleted, truncated or
# corrupted (same size) part is redone, and the run says which and why; a finished output
# whose records are gone refuses, naming the part it cannot redo.
source "$(dirname "$0")/common.bash"
cd "$WORK"
"$OUTCORE" gen-taxi --rows 40000 --seed 21 -o train.csv >/dev/null
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" train.csv -o model.json --quiet
"$OUTCORE" gen-taxi --rows 150000 --files 3 --seed 22 -o data >/dev/null

for fmt in parquet csv; do
  "$OUTCORE" predict model.json data -o clean-$fmt --format $fmt --keep Fare_Amt --split-size 4MB --quiet
  nparts=$(ls clean-$fmt | grep -c '^part-')
  check "$fmt: at least 4 parts ($nparts)" test "$nparts" -ge 4
  check "$fmt: records kept after a finished run" test -f clean-$fmt/_outcore/run.json \
    -a -f clean-$fmt/_outcore/part-00000.$fmt.json
  check "$fmt: _SUCCESS lists each part's size and xxh3 checksum" $PY -c "
import json, os, sys
m = json.load(open('clean-$fmt/_SUCCESS'))
for p in m['parts']:
    assert p['checksum'].startswith('xxh3:') and len(p['checksum']) == 21, p
    assert p['bytes'] == os.path.getsize('clean-$fmt/' + p['file']), p"

  # A finished output, untouched: --resume keeps every part.
  cp -r clean-$fmt out-$fmt
  "$OUTCORE" predict model.json data -o out-$fmt --format $fmt --keep Fare_Amt --split-size 4MB --resume --json >kept.json
  check "$fmt: --resume of an untouched finished run keeps every part" $PY -c "
import json; t = json.load(open('kept.json'))['totals']
assert t['parts_reused'] == $nparts and t['parts_redone'] == 0, t"

  # Delete one part, truncate another, flip bytes in a third (same size).
  rm out-$fmt/part-00000.$fmt
  truncate -s 100 out-$fmt/part-00001.$fmt
  $PY -c "
f = open('out-$fmt/part-00002.$fmt', 'r+b'); f.seek(200); b = f.read(8); f.seek(200)
f.write(bytes(x ^ 0x55 for x in b))"
  check "$fmt: corrupted part keeps its size" test "$(stat -c %s out-$fmt/part-00002.$fmt)" = \
    "$(stat -c %s clean-$fmt/part-00002.$fmt)"
  rc=0
  "$OUTCORE" predict model.json data -o out-$fmt --format $fmt --keep Fare_Amt --split-size 4MB --resume \
    >stdout 2>stderr || rc=$?
  check "$fmt: --resume after damage succeeds" test $rc -eq 0
  check "$fmt: ... says 3 parts were redone, and why" grep -qE \
    "3 parts were missing or changed and redone: part-00000\.$fmt \(missing\), part-00001\.$fmt \(size changed: 100 bytes, [0-9]+ when committed\), part-00002\.$fmt \(checksum changed: xxh3:[0-9a-f]{16}, xxh3:[0-9a-f]{16} when committed\)" stderr
  check "$fmt: ... and that the others were kept" grep -qE "$((nparts - 3)) parts were already complete and kept" stderr
  check "$fmt: ... parts byte-identical to a fresh run's" diff -r -x _SUCCESS -x _outcore clean-$fmt out-$fmt
  check "$fmt: ... _SUCCESS equals a fresh run's but for timings and reuse" $PY -c "
import json
a, b = json.load(open('clean-$fmt/_SUCCESS')), json.load(open('out-$fmt/_SUCCESS'))
assert a['parts'] == b['parts'], 'parts differ'
assert b['totals']['rows_out'] == a['totals']['rows_out'] == 150000, b['totals']
assert b['totals']['parts_redone'] == 3 and b['totals']['parts_reused'] == $nparts - 3, b['totals']
assert [p['part'] for p in b['parts_redone']] == ['part-0000%d.$fmt' % i for i in range(3)], b['parts_redone']"

  # --json says the same as the text.
  rm out-$fmt/part-00003.$fmt
  "$OUTCORE" predict model.json data -o out-$fmt --format $fmt --keep Fare_Amt --split-size 4MB --resume --json >redone.json
  check "$fmt: --json lists the redone part" $PY -c "
import json; j = json.load(open('redone.json'))
assert j['totals']['parts_redone'] == 1 and j['totals']['parts_reused'] == $nparts - 1, j['totals']
assert j['parts_redone'] == [{'part': 'part-00003.$fmt', 'why': 'missing'}], j['parts_redone']
assert j['totals']['rows_out'] == 150000, j['totals']"
  check "$fmt: ... and the part is back" cmp clean-$fmt/part-00003.$fmt out-$fmt/part-00003.$fmt
done

# A finished output whose records are gone cannot redo a part: refused, naming it.
cp -r clean-parquet norec
rm -r norec/_outcore
check "no records, parts intact: --resume checks them against _SUCCESS and keeps them" \
  "$OUTCORE" predict model.json data -o norec --keep Fare_Amt --split-size 4MB --resume --quiet
rm norec/part-00001.parquet
expect_error "no records, a part missing: refused, naming the part" 2 \
  "norec: cannot resume: the finished run's part-00001\.parquet \(missing\) cannot be redone.*--overwrite" \
  "$OUTCORE" predict model.json data -o norec --keep Fare_Amt --split-size 4MB --resume
finish
