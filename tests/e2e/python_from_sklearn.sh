#!/usr/bin/env bash
# outcore.from_sklearn end to end, as a user would: the taxi workflow fitted in scikit-learn
# (examples/from_sklearn_taxi.py: ColumnTransformer, OneHotEncoder, StandardScaler,
# LogisticRegression), converted and saved; `outcore predict` scores a directory of CSV files
# (with unknown and missing categories) into Parquet, read back with DuckDB, and every row's
# P(tip) equals scikit-learn's predict_proba of the same rows within 1e-9. A three-class model
# scores the same way; `outcore inspect` shows where the model came from.
source "$(dirname "$0")/common.bash"
use_python_module
cd "$WORK"

"$OUTCORE" gen-taxi --rows 40000 --seed 41 -o train.csv >/dev/null
"$OUTCORE" gen-taxi --rows 90000 --files 3 --seed 42 -o raw >/dev/null
add_row_ids raw data
# Values the fit never saw: a vendor and a payment type unknown to it, and missing vendors.
for f in data/*.csv; do
  awk -F, -v OFS=, 'NR > 1 && NR % 17 == 0 { $2 = "NEWCO" } NR > 1 && NR % 23 == 0 { $13 = "Bitcoin" }
                    NR > 1 && NR % 29 == 0 { $2 = "" } { print }' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done
check "unknown categories in the scored data" grep -qr "Bitcoin" data

check "the example fits, converts and saves" $PY "$SRC/examples/from_sklearn_taxi.py" train.csv model.json
"$OUTCORE" predict model.json data -o scores --format parquet --keep row_id --quiet
check "_SUCCESS written" test -f scores/_SUCCESS
duckdb "SELECT row_id, yhat FROM read_parquet('scores/part-*.parquet') ORDER BY row_id" >scores.json

$PY - "$SRC/examples" <<'PYEOF' && pass "outcore predict (CSV -> Parquet) = scikit-learn predict_proba within 1e-9 on every row" || fail "scores differ"
import glob, json, sys, warnings
import numpy as np, pandas as pd
sys.path.insert(0, sys.argv[1])
import from_sklearn_taxi as taxi
X_train, y_train = taxi.read_taxi("train.csv")
sk = taxi.taxi_pipeline().fit(X_train, y_train)  # the same fit as the example's (deterministic)
frames = [pd.read_csv(f, **taxi.READ) for f in sorted(glob.glob("data/*.csv"))]
data = pd.concat(frames, ignore_index=True)
expected = sk.predict_proba(data.drop(columns=["row_id", "Tip_Amt"]))[:, 1]
got = json.loads(open("scores.json").read())
ids = np.array([int(r[0]) for r in got["rows"]])
yhat = np.array([float(r[1]) for r in got["rows"]])
assert (ids == data["row_id"].to_numpy()).all(), "row ids differ"
assert data["vendor_name"].isna().sum() > 0 and (data["vendor_name"] == "NEWCO").sum() > 0
assert (data["Payment_Type"] == "Bitcoin").sum() > 0
diff = np.abs(yhat - expected).max()
print("rows %d, max |outcore - scikit-learn| = %.3g" % (len(ids), diff))
assert diff <= 1e-9, diff
# The converted object in Python gives the same numbers as the CLI.
import outcore
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    in_python = outcore.load("model.json").predict_proba(data)[:, 1]
assert np.abs(in_python - yhat).max() <= 1e-15
PYEOF

# A three-class model (the payment type from the trip), converted in a script of its own.
$PY - <<'PYEOF' && pass "a multinomial three-class model converts and saves" || fail "multiclass conversion"
import pandas as pd, outcore
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
frame = pd.read_csv("train.csv", float_precision="round_trip")
y = frame["Payment_Type"].str.lower().replace({"no charge": "other", "dispute": "other"})
X = frame[["vendor_name", "Trip_Distance", "Fare_Amt", "Tip_Amt"]]
ct = ColumnTransformer([("v", OneHotEncoder(handle_unknown="ignore"), ["vendor_name"]),
                        ("n", StandardScaler(), ["Trip_Distance", "Fare_Amt", "Tip_Amt"])])
sk = make_pipeline(ct, LogisticRegression(max_iter=1000)).fit(X, y)
outcore.from_sklearn(sk, X.head()).save("multiclass.json")
pd.DataFrame(sk.predict_proba(pd.read_csv("data/taxi-000.csv", float_precision="round_trip")[X.columns]),
             columns=sk.classes_).to_csv("multiclass_expected.csv", index=False)
PYEOF
"$OUTCORE" predict multiclass.json data/taxi-000.csv -o mc --format parquet --quiet
duckdb "SELECT p_cash, p_credit, p_other FROM read_parquet('mc/part-*.parquet')" >mc.json
$PY - <<'PYEOF' && pass "three classes: p_<class> = scikit-learn predict_proba within 1e-9" || fail "multiclass scores differ"
import json, numpy as np, pandas as pd
expected = pd.read_csv("multiclass_expected.csv", float_precision="round_trip")[["cash", "credit", "other"]].to_numpy()
got = np.array([[float(v) for v in r] for r in json.load(open("mc.json"))["rows"]])
assert got.shape == expected.shape, (got.shape, expected.shape)
assert np.abs(got - expected).max() <= 1e-9, np.abs(got - expected).max()
PYEOF

"$OUTCORE" inspect model.json >inspect.txt
check "inspect names the origin: scikit-learn, its version, the class" \
  grep -Eq "library +scikit-learn" inspect.txt
check "inspect shows the converted class" grep -Eq "class +Pipeline" inspect.txt
# The CLI still never loads a pickle: converting happens in the user's Python process.
$PY -c 'import pickle, sys; sys.stdout.buffer.write(pickle.dumps({"a": 1}, protocol=4))' >model.pkl
expect_error "the CLI refuses a pickle" 5 "Python pickle" "$OUTCORE" predict model.pkl data -o never
finish
