#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan + UBSan) in build-fuzz/ and fuzzes them.
#
#   fuzz/run.sh [SECONDS] [TARGET...]     fuzz each TARGET (csv parquet model spec; default all)
#                                         for SECONDS (default 60), one after another
#   FUZZ_JOBS=2 fuzz/run.sh 3600 csv      two processes on one target, sharing its corpus
#   FUZZ_BUDGET=cpu fuzz/run.sh 3600 csv  SECONDS of CPU time, not wall time (one process): on a
#                                         shared machine the run lasts until the target has had
#                                         its hour
#
# Each target grows its corpus in build-fuzz/corpus/TARGET (seeded from fuzz/corpus/TARGET);
# a crash, leak, timeout or invariant violation stops the run with the input saved in
# build-fuzz/artifacts/TARGET/ and a non-zero exit. Turn a saved input into a regression test
# by copying it to fuzz/regressions/TARGET/ (CTest replays that folder on every build).
# The last line for each target is
#   "fuzz: TARGET W s (CPU C s) EXECS execs CORPUS inputs (exit RC)"
# where W is the wall time and C the user + system time of every fuzzing process: on a shared
# machine the wall time overstates how long a target was really fuzzed.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_EACH=${1:-60}
shift || true
TARGETS=("$@")
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(csv parquet model spec)
BUILD=${OUTCORE_FUZZ_BUILD:-$ROOT/build-fuzz}
JOBS=${FUZZ_JOBS:-1}
BUDGET=${FUZZ_BUDGET:-wall}
[[ $BUDGET == wall || ( $BUDGET == cpu && $JOBS -eq 1 ) ]] ||
  { echo "fuzz/run.sh: FUZZ_BUDGET is wall or cpu (cpu with one job)" >&2; exit 2; }

if [[ ! -f $BUILD/CMakeCache.txt ]]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DOUTCORE_SANITIZE=ON -DOUTCORE_FUZZ=ON -DOUTCORE_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]/%/_fuzzer}"

# Sets CHILDREN_CPU to the user + system seconds of this shell's finished children (the second
# line of bash's `times`; it must run in this shell, not in a $(...) subshell).
children_cpu_seconds() {
  times >"$BUILD/times-$$.txt"
  CHILDREN_CPU=$(awk 'NR == 2 {
    n = split($0, f, " "); s = 0
    for (i = 1; i <= n; i++) { split(f[i], ms, "m"); sub("s", "", ms[2]); s += ms[1] * 60 + ms[2] }
    printf "%d\n", s }' "$BUILD/times-$$.txt")
}

status=0
for target in "${TARGETS[@]}"; do
  corpus=$BUILD/corpus/$target
  artifacts=$BUILD/artifacts/$target
  log=$BUILD/fuzz-$target.log
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [[ -f $ROOT/fuzz/$target.dict ]] && dict=(-dict="$ROOT/fuzz/$target.dict")
  # -malloc_limit_mb: no single allocation may exceed the readers' caps for these tiny inputs.
  # -max_len: inputs up to 64 KB (seed Parquet and model files are a few KB).
  rm -f "$BUILD"/jobs-$target/fuzz-*.log
  mkdir -p "$BUILD/jobs-$target"
  set +e
  children_cpu_seconds
  cpu_before=$CHILDREN_CPU
  started=$(date +%s)
  wall=$SECONDS_EACH
  [[ $BUDGET == cpu ]] && wall=$((SECONDS_EACH * 20))
  (cd "$BUILD/jobs-$target" && exec "$BUILD/${target}_fuzzer" "$corpus" "$ROOT/fuzz/corpus/$target" "${dict[@]}" \
    -max_total_time="$wall" -max_len=65536 -timeout=20 -rss_limit_mb=3072 \
    -malloc_limit_mb=1024 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    $([[ $JOBS -gt 1 ]] && echo "-jobs=$JOBS -workers=$JOBS") >"$log" 2>&1) &
  pid=$!
  interrupted=0
  if [[ $BUDGET == cpu ]]; then
    # Stops the fuzzer (SIGINT: it prints its final stats) once it has used SECONDS of CPU.
    ticks=$(getconf CLK_TCK)
    while kill -0 "$pid" 2>/dev/null; do
      sleep 5
      used=$(awk -v t="$ticks" '{print int(($14 + $15) / t)}' "/proc/$pid/stat" 2>/dev/null || echo 0)
      if ((used >= SECONDS_EACH)); then
        kill -INT "$pid" 2>/dev/null && interrupted=1
        break
      fi
    done
  fi
  wait "$pid"
  rc=$?
  ((interrupted && rc == 72)) && rc=0  # 72: libFuzzer's exit code after SIGINT
  set -e
  children_cpu_seconds
  cpu=$((CHILDREN_CPU - cpu_before))
  # With -jobs, each process logs to jobs-TARGET/fuzz-N.log.
  logs=("$log" "$BUILD"/jobs-$target/fuzz-*.log)
  execs=$(cat "${logs[@]}" 2>/dev/null | awk '/stat::number_of_executed_units/ {s += $2} END {print s + 0}' || true)
  echo "fuzz: $target $(($(date +%s) - started)) s (CPU $cpu s) $execs execs $(find "$corpus" -type f | wc -l) inputs (exit $rc)"
  if [[ $rc -ne 0 ]]; then
    status=1
    cat "${logs[@]}" 2>/dev/null | grep -m8 -E "ERROR|invariant|runtime error|Test unit written" || tail -20 "$log" || true
  fi
done
rm -f "$BUILD/times-$$.txt"
exit $status
