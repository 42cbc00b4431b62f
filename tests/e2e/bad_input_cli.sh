#!/usr/bin/env bash
# Bad input through `outcore fit` (docs/bad-input.md): a bad row stops with exit 3, the file,
# line, column and value, and a second line saying what to do; skip and reject=FILE give the
# documented counts; the advice works; files that are not CSV text are named as such.
source "$(dirname "$0")/common.bash"
cd "$WORK"
SPEC="$SRC/examples/taxi_tip.toml"
"$OUTCORE" gen-taxi --rows 300 --seed 11 -o good.csv >/dev/null
head -101 good.csv >base.csv
# FILE with base.csv, then line 102 = "VALUE,<fields 2-18 of row 2>", then 100 good rows.
with_first_field() {
  { cat base.csv; printf '%s,' "$2"; sed -n 2p good.csv | cut -d, -f2-; sed -n '102,201p' good.csv; } >"$1"
}
rows_of() { $PY -c "import json,sys; r=json.load(open(sys.argv[1]))['rows']; print(r['read'], r['rejected'])" "$1"; }

# Latin-1 in a category column: a bad row, whatever the mode says to do with it.
with_first_field latin1.csv $'V\xe9S'
utf8="latin1.csv:102: column 'vendor_name': cannot parse 'V\\\\xE9S' as category: not UTF-8 \\(convert the file to UTF-8, e.g. iconv -f latin1 -t utf-8\\)"
expect_error "stop: exit 3, file, line, column, escaped value and why" 3 "^outcore: error: $utf8\$" \
  "$OUTCORE" fit "$SPEC" latin1.csv -o x.json
check "stop: the second line says what to do" grep -qx "  (to drop bad rows and go on: --on-bad-rows skip, or --on-bad-rows reject=FILE to list them)" "$WORK/stderr"
check "stop: no model file" test ! -e x.json
"$OUTCORE" fit "$SPEC" latin1.csv -o skip.json --on-bad-rows skip --json >skip.out
check "skip: 200 rows read, 1 rejected" test "$(rows_of skip.out)" = "200 1"
"$OUTCORE" fit "$SPEC" latin1.csv -o rej.json --on-bad-rows reject=rej.csv --json >rej.out
check "reject: 200 rows read, 1 rejected" test "$(rows_of rej.out)" = "200 1"
check "reject file: header and the one row" test "$(wc -l <rej.csv)" -eq 2
check "reject file: file, line, reason" grep -q "^latin1.csv,102,\"column 'vendor_name': cannot parse 'V\\\\xE9S' as category: not UTF-8" rej.csv
check "reject file is UTF-8 text" iconv -f utf-8 -t utf-8 rej.csv -o /dev/null
iconv -f latin1 -t utf-8 latin1.csv >converted.csv
"$OUTCORE" fit "$SPEC" converted.csv -o ok.json --json >converted.out
check "the advice works: after iconv, 201 rows read, 0 rejected" test "$(rows_of converted.out)" = "201 0"

# Numbers: overflow and a decimal comma say why they cannot be read.
{ cat base.csv; sed -n 2p good.csv | awk -F, -v OFS=, '{$13="1e400"; print}'; } >overflow.csv
expect_error "float overflow is an error, not inf" 3 "overflow.csv:102: column 'Fare_Amt': cannot parse '1e400' as float: out of range for a 64-bit float" \
  "$OUTCORE" fit "$SPEC" overflow.csv -o x.json
{ cat base.csv; sed -n 2p good.csv | awk -F, -v OFS=, '{$5="inf"; print}'; } >inf.csv
expect_error "inf is a bad value, reported where it is" 3 "inf.csv:102: column 'Trip_Distance': cannot parse 'inf' as float: infinite values are not read" \
  "$OUTCORE" fit "$SPEC" inf.csv -o x.json
# (Undeclared, such a column would be inferred as float, as in pandas: declare it int.)
sed 's/^dtype = { /dtype = { Passenger_Count = "int", /' "$SPEC" >int_spec.toml
{ cat base.csv; sed -n 2p good.csv | awk -F, -v OFS=, '{$4="99999999999999999999"; print}'; } >intover.csv
expect_error "int overflow names the value and what to do" 3 "intover.csv:102: column 'Passenger_Count': cannot parse '99999999999999999999' as int: out of range for a 64-bit int \(declare the column as float\)" \
  "$OUTCORE" fit int_spec.toml intover.csv -o x.json

# Files that are not CSV text: the same error whatever --on-bad-rows says. (A gzip or zstd
# file is read as its text, tests/e2e/compressed_input.sh; here one of binary bytes.)
head -c 4096 /dev/urandom | gzip -c >binary.csv.gz
for mode in stop skip reject=r.csv; do
  expect_error "gzip of binary bytes ($mode)" 3 "^outcore: error: binary.csv.gz: not CSV text: many of its first bytes are not UTF-8" \
    "$OUTCORE" fit "$SPEC" binary.csv.gz -o x.json --on-bad-rows "$mode"
done
$PY -c "import random, sys; random.seed(5); sys.stdout.buffer.write(random.randbytes(4096))" >random.csv
expect_error "random bytes" 3 "random.csv: not CSV text: many of its first bytes are not UTF-8; is it a binary or compressed file" \
  "$OUTCORE" fit "$SPEC" random.csv -o x.json
tr '\n' '\r' <base.csv >mac.csv
expect_error "CR line ends only" 3 "mac.csv:1: the header holds a carriage return \(CR\) without a line feed: .* convert them to LF, e.g. tr '.r' '.n'" \
  "$OUTCORE" fit "$SPEC" mac.csv -o x.json
tr '\r' '\n' <mac.csv >unix.csv
"$OUTCORE" fit "$SPEC" unix.csv -o unix.json --json >unix.out
check "the advice works: after tr, 100 rows read" test "$(rows_of unix.out)" = "100 0"
check "no model file is left by any failed fit" test ! -e x.json

# A pipe is not an input: inputs are read in byte ranges. The error says so, and what to do.
expect_error "a pipe as input" 6 "/dev/fd/[0-9]+: not a regular file \(a pipe or a device\?\): inputs are read in byte ranges, in parallel; save the stream to a file first" \
  "$OUTCORE" predict unix.json <(cat unix.csv) -o piped
check "a pipe as input: no output left" test ! -e piped/_SUCCESS

# A bad row stops a predict midway. --resume keeps the parts already complete, and may change
# --on-bad-rows from stop to skip or reject=FILE to go past the bad row (docs/predict.md).
mkdir -p many
for i in 0 1 2; do cp unix.csv many/f$i.csv; done
with_first_field many/f3.csv $'V\xe9S'
expect_error "predict: a bad row in the last file stops the run" 3 \
  "^  \(3 of 4 parts are complete in scored; run again with --resume to finish, adding --on-bad-rows skip or reject=FILE\)$" \
  "$OUTCORE" predict unix.json many -o scored --threads 1
kept_before=$(stat -c '%i %y' scored/part-0000[012].parquet)
expect_error "... --resume with the same policy stops at the same row" 3 "many/f3.csv:102: column 'vendor_name'" \
  "$OUTCORE" predict unix.json many -o scored --threads 1 --resume
expect_error "... --resume may not change other options" 2 "scored: cannot resume: the model, inputs or output options differ" \
  "$OUTCORE" predict unix.json many -o scored --resume --on-bad-rows skip --format csv
check "... --resume --on-bad-rows reject=FILE finishes" \
  "$OUTCORE" predict unix.json many -o scored --resume --on-bad-rows reject=scored-rej.csv --quiet
check "... keeping the 3 complete parts as they were" test "$(stat -c '%i %y' scored/part-0000[012].parquet)" = "$kept_before"
"$OUTCORE" predict unix.json many -o clean --on-bad-rows reject=clean-rej.csv --quiet
check "... with parts byte-identical to a run that rejected from the start" \
  bash -c 'for p in clean/part-*; do cmp -s $p scored/${p#clean/} || exit 1; done; test $(ls scored/part-* | wc -l) -eq 4'
check "... the same reject file" cmp scored-rej.csv clean-rej.csv
check "... and counts: 3 parts reused, 501 rows in, 500 out, 1 rejected" $PY -c "
import json; t = json.load(open('scored/_SUCCESS'))['totals']
assert (t['parts_reused'], t['rows_in'], t['rows_out'], t['rows_rejected']) == (3, 501, 500, 1), t"
finish
