#!/usr/bin/env bash
# outcore.from_sklearn of tree models through the CLI: a ColumnTransformer(OneHotEncoder,
# StandardScaler) + HistGradientBoostingClassifier pipeline, one of OrdinalEncoder + a
# HistGradientBoostingClassifier splitting those codes natively (categorical_features), and a
# RandomForestClassifier, fitted
# in scikit-learn on taxi data, converted and saved; `outcore predict` scores CSV files (with
# unknown and missing vendors, missing distances) into Parquet, read back with DuckDB, and every
# row equals scikit-learn's predict_proba within 1e-9 (the forest's rows missing a feature, which
# scikit-learn refuses, get an empty prediction).
source "$(dirname "$0")/common.bash"
use_python_module
# scikit-learn's HistGradientBoosting spins its OpenMP threads for seconds on a busy machine.
export OMP_NUM_THREADS=1
cd "$WORK"

"$OUTCORE" gen-taxi --rows 20000 --seed 51 -o train.csv >/dev/null
"$OUTCORE" gen-taxi --rows 30000 --files 2 --seed 52 -o raw >/dev/null
add_row_ids raw data
for f in data/*.csv; do  # an unknown vendor, missing vendors, missing distances (column 6)
  awk -F, -v OFS=, 'NR > 1 && NR % 17 == 0 { $2 = "NEWCO" } NR > 1 && NR % 29 == 0 { $2 = "" }
                    NR > 1 && NR % 31 == 0 { $6 = "" } { print }' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
done

$PY - <<'PYEOF' && pass "two HistGradientBoosting pipelines (one with native categorical splits) and a random forest convert and save" || fail "conversion"
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler
import outcore
read = dict(parse_dates=["Trip_Pickup_DateTime", "Trip_Dropoff_DateTime"], float_precision="round_trip")
frame = pd.read_csv("train.csv", **read)
X, y = frame.drop(columns=["Tip_Amt"]), frame["Tip_Amt"] > 0
pre = ColumnTransformer([("v", OneHotEncoder(handle_unknown="ignore"), ["vendor_name", "Payment_Type"]),
                         ("n", StandardScaler(), ["Trip_Distance", "Fare_Amt", "surcharge"])])
hgb = make_pipeline(pre, HistGradientBoostingClassifier(max_iter=50, random_state=0)).fit(X, y)
outcore.from_sklearn(hgb, X.head()).save("hgb.json")
# Native categorical splits on the codes; an unknown or missing vendor is coded -1, which
# scikit-learn (and outcore) send to each split's missing side.
codes = ColumnTransformer([("o", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
                            ["vendor_name", "Payment_Type"]),
                           ("n", "passthrough", ["Trip_Distance", "Fare_Amt", "surcharge"])])
hgbcat = make_pipeline(codes, HistGradientBoostingClassifier(max_iter=50, categorical_features=[0, 1],
                                                             random_state=0)).fit(X, y)
assert any(p.nodes["is_categorical"].any() for it in hgbcat[-1]._predictors for p in it)
outcore.from_sklearn(hgbcat, X.head()).save("hgbcat.json")
numbers = ["Trip_Distance", "Fare_Amt", "surcharge", "Passenger_Count"]
forest = RandomForestClassifier(n_estimators=20, max_depth=10, random_state=0).fit(X[numbers], y)
outcore.from_sklearn(forest, X[numbers].head()).save("forest.json")
test = pd.concat([pd.read_csv(f, **read) for f in ("data/taxi-000.csv", "data/taxi-001.csv")], ignore_index=True)
assert test["Trip_Distance"].isna().sum() > 0 and (test["vendor_name"] == "NEWCO").sum() > 0
out = pd.DataFrame({"row_id": test["row_id"], "hgb": hgb.predict_proba(test)[:, 1],
                    "hgbcat": hgbcat.predict_proba(test)[:, 1]})
complete = test[numbers].notna().all(axis=1)
out["forest"] = float("nan")
out.loc[complete, "forest"] = forest.predict_proba(test.loc[complete, numbers])[:, 1]
out.to_csv("expected.csv", index=False)
PYEOF

"$OUTCORE" predict hgb.json data -o hgb --format parquet --keep row_id --quiet
"$OUTCORE" predict forest.json data -o forest --format parquet --keep row_id --quiet
"$OUTCORE" predict hgbcat.json data -o hgbcat --format parquet --keep row_id --quiet
duckdb "SELECT row_id, yhat FROM read_parquet('hgb/part-*.parquet') ORDER BY row_id" >hgb.json.out
duckdb "SELECT row_id, yhat FROM read_parquet('forest/part-*.parquet') ORDER BY row_id" >forest.json.out
duckdb "SELECT row_id, yhat FROM read_parquet('hgbcat/part-*.parquet') ORDER BY row_id" >hgbcat.json.out

$PY - <<'PYEOF' && pass "outcore predict (CSV -> Parquet) = scikit-learn predict_proba within 1e-9, all three models" || fail "scores differ"
import json, numpy as np, pandas as pd
expected = pd.read_csv("expected.csv", float_precision="round_trip")
for name in ("hgb", "hgbcat", "forest"):
    rows = json.load(open(name + ".json.out"))["rows"]
    ids = np.array([int(r[0]) for r in rows])
    got = np.array([np.nan if r[1] is None else float(r[1]) for r in rows])
    assert (ids == expected["row_id"].to_numpy()).all(), name + ": row ids differ"
    want = expected[name].to_numpy()
    assert (np.isnan(got) == np.isnan(want)).all(), name + ": empty predictions differ"
    diff = np.abs(got[~np.isnan(want)] - want[~np.isnan(want)]).max()
    print("%s: %d rows (%d empty), max |outcore - scikit-learn| = %.3g" % (name, len(ids), np.isnan(got).sum(), diff))
    assert diff <= 1e-9, diff
PYEOF
check "the forest's empty predictions are counted" grep -q '"rows_missing_features": [1-9]' forest/_SUCCESS
"$OUTCORE" inspect hgbcat.json >inspect.txt
check "inspect counts the categorical splits" grep -Eq '[1-9][0-9,]* categorical splits' inspect.txt
finish
