# Shared helpers for the end-to-end tests (sourced). $1 of each test is the outcore binary.
set -euo pipefail
OUTCORE=${1:?usage: $0 path/to/outcore}
SRC=${OUTCORE_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/outcore-e2e.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
failures=0
passes=0

pass() { passes=$((passes + 1)); echo "ok   - $*"; }
fail() { failures=$((failures + 1)); echo "FAIL - $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# expect_error DESCRIPTION EXIT_CODE PATTERN COMMAND...: the command must fail with that
# exit code and print PATTERN (grep -E) on stderr.
expect_error() {
  local d=$1 code=$2 pattern=$3; shift 3
  local rc=0
  "$@" >"$WORK/stdout" 2>"$WORK/stderr" || rc=$?
  if [[ $rc -eq $code ]] && grep -qE -- "$pattern" "$WORK/stderr"; then
    pass "$d"
  else
    fail "$d (exit $rc, stderr: $(head -c 400 "$WORK/stderr"))"
  fi
}
finish() {
  echo "$passes passed, $failures failed"
  [[ $failures -eq 0 ]]
}
# use_python_module: puts the Python package built beside $OUTCORE on PYTHONPATH (sets PYDIR),
# or skips the test (exit 77) when the build has none.
use_python_module() {
  PYDIR=${OUTCORE_BUILD_DIR:-$(dirname "$OUTCORE")}/python
  if [[ ! -f $PYDIR/outcore/__init__.py ]]; then
    echo "skip: no Python module in $PYDIR (configure with -DOUTCORE_PYTHON=ON)"
    exit 77
  fi
  export PYTHONPATH=$PYDIR
}
# add_row_ids FROM TO: copies FROM/*.csv into TO/ with a leading row_id column that numbers
# the rows 0, 1, ... across the files in name order (a key to check every row comes out once).
add_row_ids() {
  local f offset=0
  mkdir -p "$2"
  for f in "$1"/*.csv; do
    awk -v start=$offset 'NR == 1 { print "row_id," $0; next } { print start + NR - 2 "," $0 }' "$f" >"$2/${f##*/}"
    offset=$((offset + $(wc -l <"$f") - 1))
  done
}
# duckdb SQL: prints the result rows as JSON lines (independent Parquet reader).
duckdb() { node "$SRC/tests/node/query.mjs" "$@"; }
# The reference workflow (pandas + scikit-learn + dask), part of the repository.
BASELINE="$SRC/tests/reference/taxi_reference.py"
# start_test_postgres [CLEANUP]: starts a PostgreSQL server for this test (tests/pg_server.sh)
# and sets SERVER (its directory, outside $WORK: the server's user must reach it), PORT and DB.
# At exit: CLEANUP (a command, if given), then the server is stopped and $WORK and $SERVER removed.
start_test_postgres() {
  SERVER=$(mktemp -d /tmp/outcore-pg.XXXXXX)
  trap "${1:+$1; }"'bash "$SRC/tests/pg_server.sh" stop "$SERVER"; rm -rf "$WORK" "$SERVER"' EXIT
  PORT=$(bash "$SRC/tests/pg_server.sh" start "$SERVER" auto $$) ||
    { echo "FAIL - cannot start the test PostgreSQL server"; exit 1; }
  DB="postgresql://outcore@127.0.0.1:$PORT/outcore_test"
}
# start_test_s3 BUCKET...: starts an S3-compatible server for this test (tests/s3_server.sh,
# SigV4 checked), makes the buckets and exports the AWS_* variables outcore and boto3 read.
# At exit the server is stopped and $WORK and its data removed.
start_test_s3() {
  S3DIR=$(mktemp -d /tmp/outcore-s3.XXXXXX)
  trap 'bash "$SRC/tests/s3_server.sh" stop "$S3DIR"; rm -rf "$WORK" "$S3DIR"' EXIT
  AWS_ENDPOINT_URL=$(bash "$SRC/tests/s3_server.sh" start "$S3DIR" $$) ||
    { echo "FAIL - cannot start the test S3 server"; exit 1; }
  export AWS_ENDPOINT_URL AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
  unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL_S3
  local b
  for b in "$@"; do bash "$SRC/tests/s3_server.sh" make-bucket "$AWS_ENDPOINT_URL" "$b"; done
}
# s3 put|get|ls ...: boto3 (Debian's python3-boto3) against the test server.
#   s3 put FILE BUCKET KEY | s3 get BUCKET KEY FILE | s3 ls BUCKET PREFIX (keys, one per line)
s3() {
  $PY - "$@" <<'PY'
import os, sys, boto3
c = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
op, *a = sys.argv[1:]
if op == 'put': c.upload_file(a[0], a[1], a[2])
elif op == 'get': c.download_file(a[0], a[1], a[2])
elif op == 'ls':
    for page in c.get_paginator('list_objects_v2').paginate(Bucket=a[0], Prefix=a[1]):
        for o in page.get('Contents', []): print(o['Key'])
PY
}
