# A real Dask cluster on loopback for tests and benchmarks (sourced): one scheduler and N
# workers (separate processes, 1 thread each, no nanny: a killed worker stays dead), on free
# ports, with Debian's python3. The caller stops it with stop_dask_cluster (e.g. in a trap).
#
#   start_dask_cluster DIR N [VAR=VALUE ...]   # VAR=VALUE: environment of the workers
#   echo "$DASK_SCHEDULER"                      # tcp://127.0.0.1:PORT
#   kill -9 "${DASK_WORKER_PIDS[0]}"
#   stop_dask_cluster

DASK_PY=${DASK_PY:-/usr/bin/python3}
DASK_SCHEDULER=
DASK_SCHEDULER_PID=
DASK_WORKER_PIDS=()

# Runs a command in the background as the process whose pid is $! (exec: not a subshell
# that could outlive it, nor one that runs the caller's EXIT trap when it gets SIGTERM).
dask_background() {
  (trap - EXIT; exec "$@") &
}

start_dask_cluster() {
  local dir=$1 workers=$2
  shift 2
  mkdir -p "$dir"
  rm -f "$dir/scheduler.json"
  dask_background "$DASK_PY" -m distributed.cli.dask_scheduler --host 127.0.0.1 --port 0 --no-dashboard \
    --scheduler-file "$dir/scheduler.json" >"$dir/scheduler.log" 2>&1
  DASK_SCHEDULER_PID=$!
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $dir/scheduler.json ]] && break
    sleep 0.1
  done
  [[ -s $dir/scheduler.json ]] || { echo "dask scheduler did not start:"; cat "$dir/scheduler.log"; return 1; }
  DASK_SCHEDULER=$("$DASK_PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["address"])' "$dir/scheduler.json")
  DASK_WORKER_PIDS=()
  for ((i = 1; i <= workers; i++)); do
    dask_background env "$@" "$DASK_PY" -m distributed.cli.dask_worker "$DASK_SCHEDULER" --nthreads 1 --no-nanny \
      --no-dashboard --name "worker-$i" --local-directory "$dir/worker-$i" --death-timeout 60 >"$dir/worker-$i.log" 2>&1
    DASK_WORKER_PIDS+=($!)
  done
  "$DASK_PY" - "$DASK_SCHEDULER" "$workers" <<'PYEOF' || { echo "dask workers did not join"; return 1; }
import sys
from distributed import Client
with Client(sys.argv[1], timeout=30) as client:
    client.wait_for_workers(int(sys.argv[2]), timeout=60)
PYEOF
}

# kill_first_worker_after N COMMAND...: once COMMAND prints a count >= N (committed parts,
# say; polled every 50 ms for at most a minute), SIGKILLs the first worker and waits for it.
# Sets KILLED_AT to the last count seen.
kill_first_worker_after() {
  local n=$1 i
  shift
  KILLED_AT=0
  for ((i = 0; i < 1200; i++)); do
    KILLED_AT=$("$@" 2>/dev/null || true)
    [[ ${KILLED_AT:-0} -ge $n ]] && break
    sleep 0.05
  done
  kill -9 "${DASK_WORKER_PIDS[0]}"
  wait "${DASK_WORKER_PIDS[0]}" 2>/dev/null || true
}

# SIGTERM, then SIGKILL for any process still running after DASK_STOP_TIMEOUT seconds
# (default 10): a worker stuck in a task or a scheduler waiting on its workers cannot hang the
# teardown. (A process that has exited but is not yet waited for is a zombie: not running.)
dask_process_running() {
  local state
  state=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

stop_dask_cluster() {
  local pid running i
  local pids=("${DASK_WORKER_PIDS[@]}" $DASK_SCHEDULER_PID)
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for ((i = 0; i < ${DASK_STOP_TIMEOUT:-10} * 10; i++)); do
    running=0
    for pid in "${pids[@]}"; do
      if dask_process_running "$pid"; then running=1; fi
    done
    [[ $running -eq 0 ]] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if dask_process_running "$pid"; then
      echo "dask process $pid did not stop in ${DASK_STOP_TIMEOUT:-10} s: SIGKILL" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  DASK_WORKER_PIDS=()
  DASK_SCHEDULER_PID=
}
