#!/usr/bin/env bash
# PostgreSQL table -> table predict on this machine: rows/s with 1 and 2 connections
# (--threads 1/2), next to what the server itself takes to COPY the same rows out and in (the
# floor under any client), and to CSV -> CSV predict of the same data.
# A throwaway server (tests/pg_server.sh) on loopback, with fsync on as in production.
# Usage: bench/postgres_bench.sh [ROWS]   (default 2000000)
source "$(dirname "$0")/common.sh"
ROWS=${1:-2000000}
[[ -x $OUTCORE ]] || setup_bench >/dev/null
SERVER=$(mktemp -d /tmp/outcore-pg-bench.XXXXXX)
trap 'bash "$ROOT/tests/pg_server.sh" stop "$SERVER"; rm -rf "$SERVER"' EXIT
PORT=$(PG_FSYNC=on bash "$ROOT/tests/pg_server.sh" start "$SERVER" auto $$ 2>/dev/null)
export PGPASSWORD=outcore-test-pw
DB="postgresql://outcore@127.0.0.1:$PORT/outcore_test"
PSQL=(psql "$DB" -qAtX -v ON_ERROR_STOP=1)

train=$BENCH_DIR/train-1000000.csv
[[ -f $train ]] || "$OUTCORE" gen-taxi --rows 1000000 --seed 1 -o "$train" >/dev/null
"$OUTCORE" fit "$ROOT/examples/taxi_tip.toml" "$train" -o "$BENCH_DIR/model.json" >/dev/null
data=$BENCH_DIR/pg-taxi-$ROWS.csv
[[ -f $data ]] || "$OUTCORE" gen-taxi --rows "$ROWS" --seed 2 -o "$data" >/dev/null
measure load_table bash "$ROOT/tests/pg_server.sh" load-taxi "$DB" "$data" taxi
echo "predict $ROWS rows: table -> table on PostgreSQL 15 ($("${PSQL[@]}" -c "SELECT pg_size_pretty(pg_relation_size('taxi'))") heap), $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"

model=$BENCH_DIR/model.json
TAXI="$DB?table=taxi"
measure pg_1_connection "$OUTCORE" predict "$model" "$TAXI" -o "$DB?table=scored1" --keep id \
  --threads 1 --quiet
measure pg_2_connections "$OUTCORE" predict "$model" "$TAXI" -o "$DB?table=scored2" --keep id \
  --threads 2 --quiet
# The server's own share: COPY out the columns the model reads, COPY in what predict writes.
measure server_copy_out "${PSQL[@]}" -c "\\copy (SELECT id, vendor_name, \"Trip_Pickup_DateTime\",
  \"Passenger_Count\", \"Trip_Distance\", \"Payment_Type\", \"Fare_Amt\", surcharge FROM taxi) TO '/dev/null'"
"${PSQL[@]}" -c "\\copy scored2 TO '$BENCH_DIR/pg-scored.txt'"
"${PSQL[@]}" -c "CREATE TABLE copied (LIKE scored2)"
measure server_copy_in "${PSQL[@]}" -c "\\copy copied FROM '$BENCH_DIR/pg-scored.txt'"
rm -rf "$BENCH_DIR/pg-csv-out"
measure csv_to_csv "$OUTCORE" predict "$model" "$data" -o "$BENCH_DIR/pg-csv-out" --format csv \
  --threads 2 --quiet
rm -f "$BENCH_DIR/pg-scored.txt"

echo
$PY - "$ROWS" "$SECONDS_pg_1_connection" "$SECONDS_pg_2_connections" "$SECONDS_server_copy_out" \
  "$SECONDS_server_copy_in" "$SECONDS_csv_to_csv" "$SECONDS_load_table" <<'PYEOF'
import sys
rows = int(sys.argv[1])
one, two, out, inn, csv, load = map(float, sys.argv[2:8])
for name, s in (("table -> table, 1 connection", one), ("table -> table, 2 connections", two),
                ("server COPY out only (psql)", out), ("server COPY in only (psql)", inn),
                ("server COPY out + in", out + inn), ("CSV -> CSV, 2 threads", csv),
                ("load the table (COPY + VACUUM)", load)):
    print(f"{name:32s} {s:7.2f} s  {rows / s / 1e6:6.2f} M rows/s")
print(f"speed-up with 2 connections: {one / two:.2f}x; "
      f"table -> table time / server COPY out + in time: {two / (out + inn):.2f}")
PYEOF
