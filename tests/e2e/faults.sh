#!/usr/bin/env bash
# Faults: a write that fails (RLIMIT_FSIZE, a full file system) and SIGINT / SIGTERM. Each run
# fails with a clear error and a non-zero exit, leaves no _SUCCESS and no visible part that is
# not complete, keeps what was already written, and `--resume` then finishes with output
# byte-identical to a clean run's.
source "$(dirname "$0")/common.bash"
cd "$WORK"
"$OUTCORE" gen-taxi --rows 20000 --seed 21 -o train.csv >/dev/null
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" train.csv -o model.json >/dev/null
"$OUTCORE" gen-taxi --rows 600000 --files 2 --seed 22 -o data >/dev/null
KEEP=vendor_name,Trip_Pickup_DateTime,Payment_Type,Fare_Amt,Tip_Amt
for fmt in parquet csv; do
  "$OUTCORE" predict model.json data -o clean-$fmt --format $fmt --keep $KEEP --split-size 4MB --quiet
done

# Visible parts of an interrupted run: each one complete (DuckDB reads it, its row count is
# the clean run's), no _SUCCESS, no temporary file left behind.
check_left_behind() {
  local dir=$1 fmt=$2 what=$3 bad=0
  [[ ! -e $dir/_SUCCESS ]] || { fail "$what: _SUCCESS written by a failed run"; return; }
  for p in "$dir"/part-*; do
    [[ -e $p ]] || continue
    cmp -s "$p" "clean-$fmt/$(basename "$p")" || { bad=1; echo "  $p differs from the clean run's part"; }
  done
  [[ -z $(find "$dir" -name '.*' -type f) ]] || { bad=1; echo "  temporary files left: $(find "$dir" -name '.*')"; }
  [[ $bad -eq 0 ]] && pass "$what: every visible part is complete, no _SUCCESS, no temporary files" ||
    fail "$what: parts left behind"
}
resume_equals_clean() {
  local dir=$1 fmt=$2 what=$3
  "$OUTCORE" predict model.json data -o "$dir" --format $fmt --keep $KEEP --split-size 4MB --resume --quiet ||
    { fail "$what: --resume failed"; return; }
  local same=yes
  for p in clean-$fmt/part-*; do cmp -s "$p" "$dir/$(basename "$p")" || same=no; done
  [[ $(ls "$dir" | grep -c '^part-') -eq $(ls clean-$fmt | grep -c '^part-') ]] || same=no
  check "$what: --resume completes with parts byte-identical to a clean run's" test $same = yes -a -f "$dir/_SUCCESS"
}

# 1. A file size limit (RLIMIT_FSIZE): the write fails with EFBIG, not a SIGXFSZ kill.
for fmt in parquet csv; do
  # A limit of half the largest clean part: the first parts may fit, a later one cannot.
  limit_kb=$(($(ls -l clean-$fmt/part-* | awk '{print $5}' | sort -n | tail -1) / 2048))
  expect_error "$fmt: RLIMIT_FSIZE fails the run with an I/O error naming the file" 6 \
    "part-[0-9]+\.$fmt.*(File too large|file size limit).*--resume" \
    bash -c "ulimit -f $limit_kb; exec '$OUTCORE' predict model.json data -o fsize-$fmt --format $fmt --keep $KEEP --split-size 4MB --quiet"
  check_left_behind fsize-$fmt $fmt "$fmt: RLIMIT_FSIZE"
  resume_equals_clean fsize-$fmt $fmt "$fmt: RLIMIT_FSIZE"
done

# 1b. A part written in full whose commit then fails (its name is taken by a directory, so it
# cannot be renamed into place; a full disk can also fail its record): the run fails naming
# it, and its temporary file is removed with the other attempts.
limit_kb=$(($(ls -l clean-parquet/part-* | awk '{print $5}' | sort -n | tail -1) / 2048))
bash -c "ulimit -f $limit_kb; exec '$OUTCORE' predict model.json data -o commit --keep $KEEP --split-size 4MB --quiet" 2>/dev/null &&
  fail "commit: the RLIMIT_FSIZE run was expected to fail"
taken=$(cd clean-parquet && ls part-* | tail -1)
[[ ! -e commit/$taken ]] || fail "commit: $taken is already there"
mkdir -p "commit/$taken/keep"
expect_error "commit: a part that cannot be renamed into place fails the run naming it" 6 \
  "commit/$taken: cannot rename part into place.*--resume" \
  "$OUTCORE" predict model.json data -o commit --keep $KEEP --split-size 4MB --resume --quiet
check "commit: ... and its temporary file is removed" test -z "$(find commit -name '.part-*')"
check "commit: ... and the directory in its way is left as it was" test -d "commit/$taken/keep"
expect_error "commit: --overwrite does not remove a directory named like a part either" 6 \
  "commit/$taken: cannot rename part into place" \
  "$OUTCORE" predict model.json data -o commit --keep $KEEP --split-size 4MB --overwrite --quiet
check "commit: ... which keeps what it holds" test -d "commit/$taken/keep"
rm -r "commit/$taken"
resume_equals_clean commit parquet "commit: after clearing the way"

# 2. The model file: a failed save leaves the previous model untouched and no temporary file.
cp model.json model-before.json
expect_error "fit: a failed model write is an I/O error" 6 "model.json.*(File too large|file size limit)" \
  bash -c "ulimit -f 2; exec '$OUTCORE' fit '$SRC/examples/taxi_tip.toml' train.csv -o model.json"
check "fit: the previous model file is untouched" cmp -s model.json model-before.json
check "fit: no temporary model file left" test -z "$(find . -maxdepth 1 -name '.model.json*')"

# 3. A full file system (a 3 MB tmpfs; needs root to mount, skipped otherwise).
MNT=$WORK/small-fs
mkdir -p "$MNT"
if mount -t tmpfs -o size=3m tmpfs "$MNT" 2>/dev/null; then
  trap 'umount "$MNT" 2>/dev/null || true; rm -rf "$WORK"' EXIT
  expect_error "full disk fails the run with an I/O error naming the file" 6 \
    "part-[0-9]+\.parquet.*No space left on device.*--resume" \
    "$OUTCORE" predict model.json data -o "$MNT/out" --keep $KEEP --split-size 4MB --quiet
  check_left_behind "$MNT/out" parquet "full disk"
  mount -o remount,size=200m "$MNT"
  resume_equals_clean "$MNT/out" parquet "full disk, after making room"
  umount "$MNT"
else
  echo "skip - full file system: cannot mount a tmpfs here (not root)"
fi

# 4. SIGINT and SIGTERM: stop cleanly (the running splits are abandoned, committed parts stay).
for sig in INT TERM; do
  "$OUTCORE" predict model.json data -o sig-$sig --keep $KEEP --split-size 1MB --threads 1 \
    2>stderr-$sig &
  pid=$!
  for _ in $(seq 1 500); do
    [[ $(ls sig-$sig 2>/dev/null | grep -c '^part-') -ge 3 ]] && break
    sleep 0.01
  done
  kill -$sig $pid
  rc=0; wait $pid || rc=$?
  want=$([[ $sig == INT ]] && echo 130 || echo 143)
  check "SIG$sig: exits $want, 128 + the signal's number ($rc)" test $rc -eq $want
  check "SIG$sig: says it was interrupted and how to finish" grep -qE "interrupted.*--resume" stderr-$sig
  [[ -e sig-$sig/_SUCCESS ]] && fail "SIG$sig: _SUCCESS written" || pass "SIG$sig: no _SUCCESS"
  "$OUTCORE" predict model.json data -o clean-1mb --keep $KEEP --split-size 1MB --quiet --overwrite 2>/dev/null
  bad=0
  for p in sig-$sig/part-*; do cmp -s "$p" "clean-1mb/$(basename "$p")" || bad=1; done
  check "SIG$sig: every visible part is complete" test $bad -eq 0
  check "SIG$sig: --resume completes" \
    "$OUTCORE" predict model.json data -o sig-$sig --keep $KEEP --split-size 1MB --resume --quiet
  same=yes
  for p in clean-1mb/part-*; do cmp -s "$p" "sig-$sig/$(basename "$p")" || same=no; done
  check "SIG$sig: resumed output byte-identical to a clean run's" test $same = yes
done
finish
