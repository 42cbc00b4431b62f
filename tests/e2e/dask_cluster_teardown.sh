#!/usr/bin/env bash
# tests/python/dask_cluster.sh's stop_dask_cluster cannot hang: processes that ignore SIGTERM
# (a worker stuck in a task, a scheduler waiting on its workers) are killed after
# DASK_STOP_TIMEOUT seconds; a stopped process does not run the caller's EXIT trap. Stand-in
# processes, no Dask needed.
source "$(dirname "$0")/common.bash"
source "$SRC/tests/python/dask_cluster.sh"
cd "$WORK"
# Two "workers" that ignore SIGTERM and one "scheduler" that stops on it.
stubborn='import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(1000)'
dask_background $PY -c "$stubborn"
DASK_WORKER_PIDS=($!)
dask_background $PY -c "$stubborn"
DASK_WORKER_PIDS+=($!)
dask_background $PY -c "import time; time.sleep(1000)"
DASK_SCHEDULER_PID=$!
sleep 0.5  # the handlers are set
pids="${DASK_WORKER_PIDS[*]} $DASK_SCHEDULER_PID"
start=$SECONDS
DASK_STOP_TIMEOUT=2 stop_dask_cluster 2>"$WORK/stop.err"
took=$((SECONDS - start))
check "stop_dask_cluster returned in ${took} s (timeout 2 s)" test $took -le 6
check "the caller's EXIT trap did not run in a stopped process (\$WORK is there)" test -d "$WORK"
for pid in $pids; do
  check "process $pid is gone" bash -c "! kill -0 $pid 2>/dev/null"
done
check "the two that ignored SIGTERM were named and killed" test "$(grep -c "did not stop in 2 s: SIGKILL" "$WORK/stop.err")" -eq 2
check "the cluster variables are cleared" test -z "$DASK_SCHEDULER_PID${DASK_WORKER_PIDS[*]}"
finish
