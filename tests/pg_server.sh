#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks.
#
#   tests/pg_server.sh start DIR PORT [OWNER_PID]   initdb in DIR/data, start on 127.0.0.1:PORT
#                                                   and print PORT; with PORT `auto`, on a free
#                                                   port (tried again on the next one if it is
#                                                   taken meanwhile)
#   tests/pg_server.sh stop DIR                     stop it (DIR itself is left to the caller)
#   tests/pg_server.sh free-port [FROM]             print a TCP port >= FROM that nothing
#                                                   listens on
#   tests/pg_server.sh load-taxi URI CSV TABLE      load a gen-taxi CSV into a new TABLE, with
#                                                   an id (bigserial, 1.. in file order)
#
# The server runs as the `postgres` OS user (Debian's postgresql package creates it; the server
# refuses to run as root), listens on 127.0.0.1 only, with its Unix socket in DIR. It holds:
#   - database `outcore_test`, owned by role `outcore` with password `outcore-test-pw`;
#   - pg_hba: Unix socket trust (for setup with psql -h DIR -U postgres), TCP scram-sha-256 for
#     every role, so tests connect over TCP with a real password check.
# With OWNER_PID, a watcher stops the server when that process exits (a crashed test does not
# leave a server behind). fsync is off unless PG_FSYNC=on: the data is disposable.
set -euo pipefail

BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
RUN_AS=(runuser -u postgres --)
[[ $(id -u) -ne 0 ]] && RUN_AS=()  # already a non-root user: run the server as ourselves

usage() {
  echo "usage: $0 start DIR PORT [OWNER_PID] | stop DIR | free-port [FROM] | load-taxi URI CSV TABLE" >&2
  exit 2
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Starts at FROM, or at 25432 plus a number from this process id, so that tests started at
# the same moment (ctest -j) try different ports. The default stays below Linux's ephemeral
# range (32768-60999): a port there may be taken at any moment by the local end of an outgoing
# connection (a Dask worker's, say), which a probe by connecting does not see.
free_port() {
  local port=${1:-$((25432 + $$ % 5000))}
  while port_in_use "$port" || [[ -e /tmp/.s.PGSQL.$port ]]; do port=$((port + 1)); done
  echo "$port"
}

start() {
  local dir=$1 port=$2 owner=${3:-}
  [[ -x $BIN/initdb ]] || { echo "pg_server: $BIN/initdb not found (apt-get install postgresql)" >&2; exit 1; }
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  cd /  # the server's user may not be able to enter the caller's directory
  if ((${#RUN_AS[@]})); then
    chown postgres: "$dir" && chmod 700 "$dir"
    "${RUN_AS[@]}" test -w "$dir" ||
      { echo "pg_server: $dir is not reachable by the postgres user (a parent directory lacks o+x)" >&2; exit 1; }
  fi
  "${RUN_AS[@]}" "$BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  cat >"$dir/data/pg_hba.conf" <<EOF
local all all                trust
host  all all 127.0.0.1/32   scram-sha-256
EOF
  # With `auto`, a port found free may still be taken before the server binds it (by another
  # test's server or connection): then the next free port is tried.
  local tries=1
  [[ $port == auto ]] && { port=$(free_port); tries=20; }
  while :; do
    [[ -e $dir/server.log ]] && : >"$dir/server.log"
    if "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 start \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=${PG_FSYNC:-off} \
          -c max_connections=60 -c shared_buffers=128MB" >"$dir/pg_ctl.log" 2>&1; then
      break
    fi
    if ((--tries > 0)) && grep -q "Address already in use" "$dir/server.log"; then
      port=$(free_port $((port + 1)))
      continue
    fi
    cat "$dir/pg_ctl.log" "$dir/server.log" >&2
    exit 1
  done
  "$BIN/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 <<EOF >/dev/null
CREATE ROLE outcore LOGIN PASSWORD 'outcore-test-pw';
CREATE DATABASE outcore_test OWNER outcore;
EOF
  if [[ -n $owner ]]; then
    # Stops the server when the owner exits; detached so that it outlives this script.
    setsid bash -c "while kill -0 $owner 2>/dev/null && [[ -e '$dir/data/postmaster.pid' ]]; do
                      sleep 1; done
                    ${RUN_AS[*]} '$BIN/pg_ctl' -D '$dir/data' -m immediate stop" \
      </dev/null >/dev/null 2>&1 &
  fi
  echo "pg_server: running on 127.0.0.1:$port (data in $dir/data)" >&2
  echo "$port"
}

stop() {
  local dir=$1
  cd /
  [[ -f $dir/data/postmaster.pid ]] || return 0
  "${RUN_AS[@]}" "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# The gen-taxi columns with PostgreSQL types (numeric for the fare, varchar for the payment).
load_taxi() {
  local uri=$1 csv=$2 table=$3
  local columns
  columns=$(head -1 "$csv" | sed 's/\([A-Za-z_]*\)/"\1"/g')
  "$BIN/psql" "$uri" -qAtX -v ON_ERROR_STOP=1 -c "CREATE TABLE $table (id bigserial PRIMARY KEY,
    vendor_name text, \"Trip_Pickup_DateTime\" timestamp, \"Trip_Dropoff_DateTime\" timestamp,
    \"Passenger_Count\" integer, \"Trip_Distance\" double precision, \"Start_Lon\" double precision,
    \"Start_Lat\" double precision, \"Rate_Code\" text, store_and_forward text,
    \"End_Lon\" double precision, \"End_Lat\" double precision, \"Payment_Type\" varchar(20),
    \"Fare_Amt\" numeric(10,2), surcharge double precision, mta_tax double precision,
    \"Tip_Amt\" double precision, \"Tolls_Amt\" double precision, \"Total_Amt\" double precision)" \
    -c "\\copy $table ($columns) FROM '$csv' CSV HEADER" -c "VACUUM ANALYZE $table"
}

case ${1:-} in
  start) [[ $# -ge 3 ]] || usage; start "$2" "$3" "${4:-}" ;;
  stop) [[ $# -ge 2 ]] || usage; stop "$2" ;;
  free-port) free_port "${2:-}" ;;
  load-taxi) [[ $# -eq 4 ]] || usage; load_taxi "$2" "$3" "$4" ;;
  *) usage ;;
esac
