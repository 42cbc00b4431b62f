#!/usr/bin/env bash
# outcore evaluate vs scikit-learn's metrics on the same labels and predictions: accuracy,
# precision, recall, F1 and log loss within 1e-9, the confusion matrix exactly, ROC AUC within
# the bound outcore reports; RMSE, MAE and R^2 for a regressor; errors and --help.
source "$(dirname "$0")/common.bash"
cd "$WORK"
SPEC="$SRC/examples/taxi_tip.toml"
ROWS=${EVALUATE_ROWS:-200000}
"$OUTCORE" gen-taxi --rows 20000 --seed 5 -o train.csv >/dev/null
"$OUTCORE" gen-taxi --rows "$ROWS" --files 2 --seed 9 -o test >/dev/null
"$OUTCORE" fit "$SPEC" train.csv --test-size 0 -o model.json >/dev/null
# Small splits: many per-thread accumulators are merged.
"$OUTCORE" evaluate model.json test --split-size 2MB --json >ev.json
"$OUTCORE" evaluate model.json test --split-size 2MB --threads 1 --json >ev1.json
"$OUTCORE" predict model.json test -o pred --format csv --keep Tip_Amt --quiet

$PY - <<'PYEOF' && pass "classifier metrics equal scikit-learn's" || fail "classifier metrics vs scikit-learn"
import glob, json
import numpy as np, pandas as pd
from sklearn import metrics as M
d = pd.concat([pd.read_csv(p) for p in sorted(glob.glob("pred/part-*.csv"))])
y, p = (d.Tip_Amt > 0).to_numpy(), d.yhat.to_numpy()
ours = json.load(open("ev.json"))
ref = {"accuracy": M.accuracy_score(y, p > 0.5), "precision": M.precision_score(y, p > 0.5),
       "recall": M.recall_score(y, p > 0.5), "f1": M.f1_score(y, p > 0.5), "log_loss": M.log_loss(y, p)}
ok = ours["rows"] == len(d)
for k, v in ref.items():
    good = abs(ours[k] - v) <= 1e-9
    print(f"  {k:10s} outcore {ours[k]:.12f}  sklearn {v:.12f}  {'ok' if good else 'DIFFERENT'}")
    ok = ok and good
cm = M.confusion_matrix(y, p > 0.5).tolist()
print(f"  confusion  outcore {ours['confusion_matrix']}  sklearn {cm}")
ok = ok and ours["confusion_matrix"] == cm
auc, bound = M.roc_auc_score(y, p), ours["roc_auc_error_bound"]
print(f"  roc_auc    outcore {ours['roc_auc']:.12f}  sklearn {auc:.12f}  |diff| {abs(ours['roc_auc'] - auc):.3g}"
      f" <= bound {bound:.3g} ({ours['auc_bins']} bins, {len(d)} rows)")
ok = ok and abs(ours["roc_auc"] - auc) <= bound + 1e-12 and bound < 1e-4
one = json.load(open("ev1.json"))
for k in ("accuracy", "precision", "recall", "f1", "log_loss", "roc_auc", "roc_auc_error_bound"):
    ok = ok and abs(one[k] - ours[k]) <= 1e-12  # 1 thread or 2: the same up to rounding
ok = ok and one["confusion_matrix"] == ours["confusion_matrix"]
exit(0 if ok else 1)
PYEOF

# A regressor.
cat >fare.toml <<'EOF'
target = "Fare_Amt"
[[steps]]
kind = "select"
columns = ["Trip_Distance", "Passenger_Count", "surcharge"]
[model]
kind = "ridge"
alpha = 1.0
EOF
"$OUTCORE" fit fare.toml train.csv --test-size 0 -o fare.json >/dev/null
"$OUTCORE" evaluate fare.json test --json >fev.json
"$OUTCORE" predict fare.json test -o fpred --format csv --keep Fare_Amt --quiet
$PY - <<'PYEOF' && pass "regressor metrics equal scikit-learn's" || fail "regressor metrics vs scikit-learn"
import glob, json
import numpy as np, pandas as pd
from sklearn import metrics as M
d = pd.concat([pd.read_csv(p) for p in sorted(glob.glob("fpred/part-*.csv"))])
ours = json.load(open("fev.json"))
ref = {"rmse": M.mean_squared_error(d.Fare_Amt, d.yhat) ** 0.5,
       "mae": M.mean_absolute_error(d.Fare_Amt, d.yhat), "r2": M.r2_score(d.Fare_Amt, d.yhat)}
ok = ours["rows"] == len(d)
for k, v in ref.items():
    good = abs(ours[k] - v) <= 1e-9 * max(1, abs(v))
    print(f"  {k:5s} outcore {ours[k]:.12f}  sklearn {v:.12f}  {'ok' if good else 'DIFFERENT'}")
    ok = ok and good
exit(0 if ok else 1)
PYEOF

"$OUTCORE" evaluate model.json test/taxi-000.csv >ev.txt
check "the text report shows the scores, the AUC bound and the confusion matrix" \
  bash -c "grep -q '^accuracy' ev.txt && grep -q 'roc_auc .*within' ev.txt && grep -q '^confusion matrix' ev.txt"
cut -d, -f1-15 train.csv >unlabelled.csv
expect_error "input without the target column" 4 "unlabelled.csv: the model's target column 'Tip_Amt' is not in the input.*use predict" \
  "$OUTCORE" evaluate model.json unlabelled.csv
expect_error "missing model file" 6 "nope.json" "$OUTCORE" evaluate nope.json train.csv
expect_error "bad --auc-bins" 2 "--auc-bins must be in" "$OUTCORE" evaluate model.json train.csv --auc-bins 0
"$OUTCORE" evaluate --help >help.txt
for opt in --json --threads --split-size --auc-bins --on-bad-rows roc_auc_error_bound; do
  grep -q -- "$opt" help.txt || fail "evaluate --help lacks $opt"
done
pass "evaluate --help lists every option"
finish
