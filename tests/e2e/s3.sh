#!/usr/bin/env bash
# S3 inputs and outputs against a real S3-compatible server on loopback (s3rver from npm,
# behind a front that checks SigV4 signatures with botocore, as AWS does): fit and predict read
# s3:// objects, prefixes and globs (plain and gzip); predict writes parts to s3:// that are
# byte-identical to a local run's; a wrong secret is a clear error without the secret; the
# server stopped mid-run keeps the committed parts, and --resume after its restart completes
# with every row once.
source "$(dirname "$0")/common.bash"
cd "$WORK"
start_test_s3 e2e

"$OUTCORE" gen-taxi --rows 30000 --seed 5 -o a.csv >/dev/null
"$OUTCORE" gen-taxi --rows 30000 --seed 6 -o b.csv >/dev/null
gzip -k a.csv
s3 put a.csv e2e in/taxi-a.csv
s3 put b.csv e2e in/taxi-b.csv
s3 put a.csv.gz e2e gz/taxi-a.csv.gz
s3 put a.csv e2e in/_ignored.csv  # names starting with _ are skipped, as in a directory

# fit: the same model from S3 as from the local files.
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" a.csv b.csv -o local.json --quiet
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" 's3://e2e/in/taxi-*.csv' -o remote.json --quiet
check "fit from an s3:// glob: the same coefficients as from the local files" $PY -c "
import json
a, b = (json.load(open(f)) for f in ('local.json', 'remote.json'))
assert a['estimator']['state'] == b['estimator']['state']
assert a['training']['sources'][0]['xxh3'] == b['training']['sources'][0]['xxh3'], (a['training'], b['training'])
assert b['training']['sources'][0]['path'] == 's3://e2e/in/taxi-a.csv', b['training']['sources']"

# sample, evaluate, tune and learning-curve read S3 as they read files: the same results.
"$OUTCORE" sample 's3://e2e/in/taxi-*.csv' -n 2000 --seed 3 -o sample_s3.csv 2>/dev/null
"$OUTCORE" sample a.csv b.csv -n 2000 --seed 3 -o sample_local.csv 2>/dev/null
check "sample from S3 draws the same rows as from the local files" cmp sample_s3.csv sample_local.csv
for where in s3 local; do
  inputs=(a.csv b.csv)
  [[ $where == s3 ]] && inputs=(s3://e2e/in/)
  "$OUTCORE" evaluate local.json "${inputs[@]}" --json >eval_$where.json
  "$OUTCORE" tune "$SRC/examples/taxi_tip.toml" "${inputs[@]}" --grid 'model.C=0.1,1' --json >tune_$where.json 2>/dev/null
  "$OUTCORE" learning-curve "$SRC/examples/taxi_tip.toml" "${inputs[@]}" -o curve_$where.svg --json >curve_$where.json 2>/dev/null
done
check "evaluate, tune and learning-curve on S3 give the local files' numbers" $PY -c "
import json
def strip(x):  # timings differ from run to run; output names are ours
    if isinstance(x, dict): return {k: strip(v) for k, v in x.items() if 'seconds' not in k and k not in ('csv', 'svg')}
    if isinstance(x, list): return [strip(v) for v in x]
    return x
for name in ('eval', 'tune', 'curve'):
    a, b = (strip(json.load(open(f'{name}_{w}.json'))) for w in ('s3', 'local'))
    assert a == b, (name, a, b)"

# predict S3 -> S3, several splits: parts byte-identical to the local run's.
"$OUTCORE" predict local.json a.csv b.csv -o local_out --split-size 1MB --quiet
"$OUTCORE" predict local.json s3://e2e/in/ -o s3://e2e/out/ --split-size 1MB --quiet
s3 ls e2e out/ >listing.txt
check "the S3 output has _SUCCESS and as many parts as the local run" $PY -c "
import os
keys = open('listing.txt').read().split()
parts = sorted(k[4:] for k in keys if k.startswith('out/part-'))
local = sorted(n for n in os.listdir('local_out') if n.startswith('part-'))
assert 'out/_SUCCESS' in keys and parts == local and len(parts) > 2, (keys, local)
assert not [k for k in keys if '.attempt' in k or k.startswith('out/.')], keys"
same=1
for part in $(ls local_out | grep '^part-'); do
  s3 get e2e "out/$part" "got-$part"
  cmp -s "local_out/$part" "got-$part" || same=0
done
check "every part read back from S3 equals the local run's, byte for byte" test $same -eq 1
duckdb "SELECT count(*) AS n FROM read_parquet('got-part-*.parquet')" >count.json
check "DuckDB reads 60000 rows from the parts written to S3" $PY -c "
import json; assert int(json.load(open('count.json'))['rows'][0][0]) == 60000"

# Parquet objects (DuckDB writes them): row-group splits read with ranged GETs, the same parts
# as from the local file.
duckdb "COPY (SELECT * FROM read_csv('a.csv')) TO 'a.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 8000)" >/dev/null
s3 put a.parquet e2e pq/a.parquet
"$OUTCORE" predict local.json a.parquet -o pq_local --split-size 1 --quiet
"$OUTCORE" predict local.json s3://e2e/pq/ -o pq_s3 --split-size 1 --quiet
check "a Parquet object predicts as the local file, one part per row group ($(ls pq_s3 | grep -c '^part-'))" \
  diff -r -x _SUCCESS -x _outcore pq_local pq_s3

# A gzip object on S3 is one stream: the same predictions as the plain local file.
"$OUTCORE" predict local.json a.csv -o plain_a --quiet
"$OUTCORE" predict local.json s3://e2e/gz/taxi-a.csv.gz -o gz_out --quiet
check "a .csv.gz object predicts as the plain local file" cmp plain_a/part-00000.parquet gz_out/part-00000.parquet

# Refusals: a non-empty prefix without --overwrite; a missing object; a wrong secret.
expect_error "a second run into a non-empty prefix is refused" 2 "s3://e2e/out/: output prefix is not empty" \
  "$OUTCORE" predict local.json s3://e2e/in/taxi-a.csv -o s3://e2e/out/ --quiet
"$OUTCORE" predict local.json s3://e2e/in/taxi-a.csv -o s3://e2e/out/ --overwrite --quiet
s3 ls e2e out/ >listing2.txt
check "--overwrite replaces the earlier parts" $PY -c "
keys = open('listing2.txt').read().split()
assert [k for k in keys if k.startswith('out/part-')] == ['out/part-00000.parquet'], keys"
expect_error "a missing object is named" 6 "s3://e2e/in/nope.csv: no such object" \
  "$OUTCORE" predict local.json s3://e2e/in/nope.csv -o out_missing --quiet
expect_error "a glob that matches nothing is named" 6 "s3://e2e/in/zz\\*.csv: no object matches" \
  "$OUTCORE" predict local.json 's3://e2e/in/zz*.csv' -o out_missing --quiet
AWS_SECRET_ACCESS_KEY=not-the-secret-4f2a expect_error "a wrong secret is refused, naming the object" 6 \
  "s3://e2e/in/taxi-a.csv: .*403" "$OUTCORE" predict local.json s3://e2e/in/taxi-a.csv -o out_wrong --quiet
check "the wrong secret does not appear in the error" bash -c "! grep -q not-the-secret '$WORK/stderr'"
check "nothing is left in the local output of the refused run" bash -c "[[ ! -e out_wrong/_SUCCESS ]]"

# The server stopped mid-run: a clear error, committed parts kept; --resume after its
# restart completes, and the parts equal the local run's (no row lost or repeated).
"$OUTCORE" gen-taxi --rows 300000 --seed 7 -o big.csv >/dev/null
s3 put big.csv e2e big/big.csv
"$OUTCORE" predict local.json big.csv -o big_local --split-size 1MB --threads 1 --quiet
set +e
"$OUTCORE" predict local.json s3://e2e/big/big.csv -o s3://e2e/bigout/ --split-size 1MB --threads 1 \
  --quiet 2>stopped.err &
run=$!
for _ in $(seq 600); do
  [[ -e $S3DIR/data/e2e/bigout/part-00002.parquet._S3rver_object ]] && break
  sleep 0.02
done
bash "$SRC/tests/s3_server.sh" stop "$S3DIR"
wait $run
rc=$?
set -e
check "the run with the server stopped fails (exit $rc)" test $rc -ne 0
check "its error names the S3 object and the tries" grep -qE "s3://e2e/.*(failed after 5 tries|cannot reach)" stopped.err
check "its error says how to resume" grep -q -- "--resume" stopped.err
bash "$SRC/tests/s3_server.sh" restart "$S3DIR"
s3 ls e2e bigout/ >kept.txt
check "committed parts are kept, and there is no _SUCCESS" $PY -c "
keys = open('kept.txt').read().split()
assert 'bigout/part-00000.parquet' in keys and 'bigout/_SUCCESS' not in keys, keys"
"$OUTCORE" predict local.json s3://e2e/big/big.csv -o s3://e2e/bigout/ --split-size 1MB --threads 1 \
  --resume --json >resumed.json
check "--resume redid only the parts not committed" $PY -c "
import json
s = json.load(open('resumed.json'))
assert 0 < s['totals']['parts_reused'] < s['totals']['parts'], s['totals']"
same=1
n=0
for part in $(ls big_local | grep '^part-'); do
  s3 get e2e "bigout/$part" "big-$part"
  cmp -s "big_local/$part" "big-$part" || same=0
  n=$((n + 1))
done
check "after --resume all $n parts equal the local run's: every row once" test $same -eq 1
s3 ls e2e bigout/ >final.txt
check "the resumed run ends with _SUCCESS and no temporary objects" $PY -c "
keys = open('final.txt').read().split()
assert 'bigout/_SUCCESS' in keys and not [k for k in keys if '.attempt' in k], keys"

finish
