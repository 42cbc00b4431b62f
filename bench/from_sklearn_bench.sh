#!/usr/bin/env bash
# A converted scikit-learn pipeline (ColumnTransformer(OneHotEncoder, StandardScaler) +
# HistGradientBoostingClassifier, fitted on 200,000 rows) scoring 4M rows of taxi CSV into
# Parquet: `outcore predict` against the reference workflow's Dask dataframe +
# map_partitions(scikit-learn predict_proba) on the same files (2 threads, as the machine has 2
# cores; CSV parts, as the reference writes: Debian's Python has no Parquet writer). Prints both times, rows/s, the ratio (goal >= 20x), the peak RSS of each, and checks
# that both wrote the same probabilities (within 1e-9).
# With ENCODING=native the pipeline is ColumnTransformer(OrdinalEncoder) +
# HistGradientBoostingClassifier(categorical_features=...): native categorical splits.
# Usage: [ENCODING=onehot|native] bench/from_sklearn_bench.sh [ROWS]   (default 4000000;
#        needs -DOUTCORE_PYTHON=ON)
source "$(dirname "$0")/common.sh"
ROWS=${1:-4000000}
ENCODING=${ENCODING:-onehot}
[[ $ENCODING == onehot || $ENCODING == native ]] || { echo "ENCODING is onehot or native" >&2; exit 2; }
PYDIR=$(dirname "$OUTCORE")/python
[[ -f $PYDIR/outcore/__init__.py ]] || "$ROOT/scripts/build.sh" -DOUTCORE_PYTHON=ON >/dev/null
export PYTHONPATH=$PYDIR

train=$BENCH_DIR/sk-train-200000.csv
[[ -f $train ]] || "$OUTCORE" gen-taxi --rows 200000 --seed 1 -o "$train" >/dev/null
data=$BENCH_DIR/sk-data-$ROWS
[[ -d $data ]] || "$OUTCORE" gen-taxi --rows "$ROWS" --files 4 --seed 2 -o "$data" >/dev/null
cat "$data"/*.csv >/dev/null  # page cache: both runs read from memory

# Fit in scikit-learn, convert, save both (the pickle only for the reference's own run).
OMP_NUM_THREADS=1 $PY - "$train" "$BENCH_DIR" "$ENCODING" <<'PYEOF'
import pickle, sys
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
import outcore
train, bench, encoding = sys.argv[1], sys.argv[2], sys.argv[3]
frame = pd.read_csv(train, parse_dates=["Trip_Pickup_DateTime", "Trip_Dropoff_DateTime"], float_precision="round_trip")
X, y = frame.drop(columns=["Tip_Amt"]), frame["Tip_Amt"] > 0
if encoding == "native":
    encode = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    model = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, categorical_features=[0, 1],
                                           random_state=0)
else:
    encode = OneHotEncoder(handle_unknown="ignore")
    model = HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)
pipe = make_pipeline(ColumnTransformer([
    ("categories", encode, ["vendor_name", "Payment_Type"]),
    ("scaled", StandardScaler(), ["Trip_Distance", "Fare_Amt", "surcharge"]),
    ("counts", "passthrough", ["Passenger_Count"])]), model).fit(X, y)
outcore.from_sklearn(pipe, X.head(100)).save(bench + "/sk-model.json")
pickle.dump((pipe, list(X.columns)), open(bench + "/sk-pipe.pkl", "wb"))
PYEOF

cat >"$BENCH_DIR/sk-reference.py" <<'PYEOF'
# The reference workflow's way: Dask dataframe over the CSV files, scikit-learn per partition.
import pickle, sys
import dask, dask.dataframe as dd
import pandas as pd
bench, data = sys.argv[1], sys.argv[2]
pipe, columns = pickle.load(open(bench + "/sk-pipe.pkl", "rb"))
def score(part):
    return pd.DataFrame({"yhat": pipe.predict_proba(part[columns])[:, 1]}, index=part.index)
frame = dd.read_csv(data + "/*.csv", parse_dates=["Trip_Pickup_DateTime", "Trip_Dropoff_DateTime"],
                    float_precision="round_trip", dtype={"vendor_name": object, "Payment_Type": object})
with dask.config.set(scheduler="threads", num_workers=2):
    # CSV parts, as tests/reference/taxi_reference.py writes (Debian's Python has no Parquet writer).
    frame.map_partitions(score, meta={"yhat": "f8"}).to_csv(bench + "/sk-ref-out/part-*.csv", index=False)
PYEOF

rm -rf "$BENCH_DIR/sk-out" "$BENCH_DIR/sk-ref-out"
echo "encoding $ENCODING; score $ROWS rows, 4 CSV files ($(du -sm "$data" | cut -f1) MB) -> Parquet, $(nproc) cores, load average $(cut -d' ' -f1 /proc/loadavg)"
measure outcore "$OUTCORE" predict "$BENCH_DIR/sk-model.json" "$data" -o "$BENCH_DIR/sk-out" --format parquet --quiet
# OMP_NUM_THREADS=1: Dask's 2 threads are the parallelism; scikit-learn's OpenMP threads inside
# each would oversubscribe the 2 cores (and spin when the machine is busy).
measure dask_sklearn env OMP_NUM_THREADS=1 $PY "$BENCH_DIR/sk-reference.py" "$BENCH_DIR" "$data"
echo "load average after: $(cut -d' ' -f1 /proc/loadavg)"
$PY - "$ROWS" "$SECONDS_outcore" "$SECONDS_dask_sklearn" <<'PYEOF'
import sys
rows, a, b = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print("outcore predict:         %.2f s, %.2f M rows/s" % (a, rows / a / 1e6))
print("Dask + scikit-learn:     %.2f s, %.2f M rows/s" % (b, rows / b / 1e6))
print("ratio: %.1fx (goal >= 20x)" % (b / a))
PYEOF
echo "peak RSS: outcore ${RSS_outcore} MB, Dask + scikit-learn ${RSS_dask_sklearn} MB"
# Same numbers: both outputs keep the input's row order (outcore's parts by file and offset),
# outcore's Parquet read back by DuckDB (tests/node/query.mjs).
node "$ROOT/tests/node/query.mjs" "SELECT yhat FROM read_parquet('$BENCH_DIR/sk-out/part-*.parquet')" \
  >"$BENCH_DIR/sk-out.json"
$PY - "$BENCH_DIR" <<'PYEOF'
import glob, json, sys
import numpy as np, pandas as pd
bench = sys.argv[1]
a = np.array([float(r[0]) for r in json.load(open(bench + "/sk-out.json"))["rows"]])
b = pd.concat([pd.read_csv(f, float_precision="round_trip") for f in sorted(glob.glob(bench + "/sk-ref-out/part-*.csv"))])["yhat"].to_numpy()
assert len(a) == len(b), (len(a), len(b))
print("max |outcore - scikit-learn| over %d rows: %.3g" % (len(a), np.abs(a - b).max()))
PYEOF
