#!/usr/bin/env bash
# CSV -> Parquet with `outcore predict` from and to a local S3-compatible server (s3rver from
# npm, on loopback) against the same files on local disk: rows/s of each, their ratio, and the
# S3 requests made per GB of input. Also a gzip object (one stream, one split).
#
# The server is s3rver directly (not tests/s3_gate.py, whose Python proxy checks signatures for
# the tests and would be the bottleneck here). s3rver is a single Node.js process writing to the
# same disk: it measures outcore's request pattern and overheads, not what AWS S3 would give.
# Usage: bench/s3_bench.sh [ROWS]   (default 2000000)
source "$(dirname "$0")/common.sh"
rows=${1:-2000000}
data=$BENCH_DIR/s3-taxi-$rows.csv
[[ -f $data ]] || "$OUTCORE" gen-taxi --rows "$rows" --seed 11 -o "$data" >/dev/null
[[ -f $data.gz ]] || gzip -k -1 "$data"
head -200001 "$data" >"$BENCH_DIR/s3-train.csv"
"$OUTCORE" fit "$ROOT/examples/taxi_tip.toml" "$BENCH_DIR/s3-train.csv" -o "$BENCH_DIR/s3_model.json" --quiet

server=$(mktemp -d /tmp/outcore-s3bench.XXXXXX)
trap 'bash "$ROOT/tests/s3_server.sh" stop "$server"; rm -rf "$server" "$BENCH_DIR/s3_local_out"' EXIT
bash "$ROOT/tests/s3_server.sh" start "$server" $$ >/dev/null
export AWS_ENDPOINT_URL=http://127.0.0.1:$(($(cat "$server/port") + 1))  # s3rver itself
export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
bash "$ROOT/tests/s3_server.sh" make-bucket "$AWS_ENDPOINT_URL" bench
$PY -c "
import boto3, os
c = boto3.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL'])
c.upload_file('$data', 'bench', 'in/taxi.csv')
c.upload_file('$data.gz', 'bench', 'gz/taxi.csv.gz')"
bytes=$(stat -c %s "$data")
echo "CSV -> Parquet, $rows rows ($((bytes / 1000000)) MB), 2 threads, load average $(cut -d' ' -f1 /proc/loadavg)"
cat "$data" >/dev/null  # page cache, for the local run
rm -rf "$BENCH_DIR/s3_local_out"
measure local "$OUTCORE" predict "$BENCH_DIR/s3_model.json" "$data" -o "$BENCH_DIR/s3_local_out" --threads 2 --quiet
measure s3_to_s3 "$OUTCORE" predict "$BENCH_DIR/s3_model.json" s3://bench/in/taxi.csv -o s3://bench/out/ --threads 2 --json
measure s3_gz_to_s3 "$OUTCORE" predict "$BENCH_DIR/s3_model.json" s3://bench/gz/taxi.csv.gz -o s3://bench/outgz/ --threads 2 --json
for run in local s3_to_s3 s3_gz_to_s3; do
  secs_var=SECONDS_$run
  echo "  $run: $($PY -c "print(f'{$rows / ${!secs_var} / 1e6:.2f}')") M rows/s"
done
echo "  S3 / local time: $(ratio "$SECONDS_s3_to_s3" "$SECONDS_local")x"
$PY - "$BENCH_DIR/out.s3_to_s3" "$bytes" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["s3"]
gb = int(sys.argv[2]) / 1e9
print(f"  S3 requests: {s['requests']} ({s['requests'] / gb:.0f} per GB of CSV), {s['retries']} retried, "
      f"{s['bytes_received'] / 1e6:.0f} MB received, {s['bytes_sent'] / 1e6:.0f} MB sent")
PY
