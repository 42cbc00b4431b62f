#!/usr/bin/env bash
# A throwaway S3-compatible server for the tests and benchmarks: s3rver (npm, tests/node) on
# loopback, behind tests/s3_gate.py, which checks every request's SigV4 signature as AWS does
# (s3rver itself does not).
#
#   tests/s3_server.sh start DIR [OWNER_PID]   start on a free port, data in DIR/data; prints
#                                              the endpoint URL (http://127.0.0.1:PORT)
#   tests/s3_server.sh stop DIR                stop it (the data stays in DIR/data)
#   tests/s3_server.sh restart DIR             start it again on the same port, same data
#
# Credentials: access key S3RVER, secret S3RVER (s3rver's account); region us-east-1.
# Buckets are made by the caller (e.g. with boto3, or `make-bucket` below).
#   tests/s3_server.sh make-bucket ENDPOINT NAME
# With OWNER_PID, a watcher stops the server when that process exits.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
S3RVER=$ROOT/tests/node/node_modules/s3rver/bin/s3rver.js

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_port() {
  local port=$((21000 + ($$ * 2) % 4000))
  while port_in_use "$port" || port_in_use "$((port + 1))"; do port=$((port + 2)); done
  echo "$port"
}

wait_port() {
  for _ in $(seq 100); do port_in_use "$1" && return 0; sleep 0.1; done
  echo "s3_server: nothing listens on 127.0.0.1:$1" >&2
  return 1
}

launch() {
  local dir=$1 port=$2
  mkdir -p "$dir/data"
  setsid node "$S3RVER" -d "$dir/data" -a 127.0.0.1 -p "$((port + 1))" -s >"$dir/s3rver.log" 2>&1 &
  echo $! >"$dir/s3rver.pid"
  setsid /usr/bin/python3 "$ROOT/tests/s3_gate.py" "$port" "$((port + 1))" S3RVER S3RVER >"$dir/gate.log" 2>&1 &
  echo $! >"$dir/gate.pid"
  echo "$port" >"$dir/port"
  wait_port "$((port + 1))" && wait_port "$port"
}

stop() {
  local dir=$1
  for f in gate s3rver; do
    [[ -f $dir/$f.pid ]] || continue
    kill "$(cat "$dir/$f.pid")" 2>/dev/null || true
    rm -f "$dir/$f.pid"
  done
  local port
  port=$(cat "$dir/port" 2>/dev/null || echo 0)
  for _ in $(seq 50); do port_in_use "$port" || port_in_use "$((port + 1))" || return 0; sleep 0.1; done
}

case ${1:-} in
  start)
    [[ -f $S3RVER ]] || { echo "s3_server: $S3RVER missing (cd tests/node && npm install)" >&2; exit 1; }
    dir=$(mkdir -p "$2" && cd "$2" && pwd)
    port=$(free_port)
    launch "$dir" "$port"
    if [[ -n ${3:-} ]]; then
      (while kill -0 "$3" 2>/dev/null; do sleep 1; done; "$0" stop "$dir") >/dev/null 2>&1 &
    fi
    echo "http://127.0.0.1:$port"
    ;;
  restart)
    dir=$(cd "$2" && pwd)
    launch "$dir" "$(cat "$dir/port")"
    ;;
  stop) stop "$(cd "$2" && pwd)" ;;
  make-bucket)
    /usr/bin/python3 - "$2" "$3" <<'PY'
import sys, boto3
boto3.client('s3', endpoint_url=sys.argv[1], aws_access_key_id='S3RVER',
             aws_secret_access_key='S3RVER', region_name='us-east-1').create_bucket(Bucket=sys.argv[2])
PY
    ;;
  *) echo "usage: $0 start DIR [OWNER_PID] | stop DIR | restart DIR | make-bucket ENDPOINT NAME" >&2; exit 2 ;;
esac
