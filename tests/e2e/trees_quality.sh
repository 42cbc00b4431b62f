#!/usr/bin/env bash
# Tree quality against the references (issue 15's must-show): on generated data with
# interactions, thresholds and missing values (tests/reference/trees_reference.py), where a
# linear model is clearly worse, gradient_boosting_classifier with default parameters reaches a
# held-out log loss within 0.005 of scikit-learn's HistGradientBoostingClassifier and of
# XGBoost (hist, matched settings), and gradient_boosting_regressor a held-out MSE within 2% of
# scikit-learn's HistGradientBoostingRegressor.
source "$(dirname "$0")/common.bash"
REF="$SRC/tests/reference/trees_reference.py"
if ! $PY -c 'import xgboost' 2>/dev/null; then
  fail "python3-xgboost is not installed (scripts/setup.sh --test installs it)"
  finish
  exit 1
fi
$PY "$REF" gen "$WORK/train.csv" 10000 1
$PY "$REF" gen "$WORK/test.csv" 50000 2
features='["x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"]'
dtype='{ x0 = "float", x1 = "float", x2 = "float", x3 = "float", x4 = "float", x5 = "float", x6 = "float", x7 = "float" }'
for task in classify regress; do
  if [[ $task == classify ]]; then target='label > 0' kind=gradient_boosting_classifier; else target=value kind=gradient_boosting_regressor; fi
  cat >"$WORK/$task.toml" <<TOML
target = "$target"
[read]
dtype = $dtype
[[steps]]
kind = "select"
columns = $features
[model]
kind = "$kind"
TOML
  "$OUTCORE" fit "$WORK/$task.toml" "$WORK/train.csv" --test-size 0 --threads 2 -o "$WORK/$task.json" >/dev/null
  "$OUTCORE" predict "$WORK/$task.json" "$WORK/test.csv" -o "$WORK/pred_$task" --format csv --quiet
  $PY "$REF" score "$WORK/test.csv" "$WORK/pred_$task" $task >"$WORK/ours_$task.json"
  $PY "$REF" fit "$WORK/train.csv" "$WORK/test.csv" $task >"$WORK/ref_$task.json"
done
$PY - "$WORK" <<'PYEOF' && pass "quality against scikit-learn and XGBoost" || fail "quality against scikit-learn and XGBoost"
import json, sys
work = sys.argv[1]
ok = True
def check(name, cond, detail):
    global ok
    print(("ok   - " if cond else "FAIL - ") + f"{name}: {detail}")
    ok = ok and cond
for task, metric in (("classify", "log loss"), ("regress", "MSE")):
    ours = json.load(open(f"{work}/ours_{task}.json"))["outcore"]
    ref = json.load(open(f"{work}/ref_{task}.json"))
    detail = f"outcore {ours:.5f}, scikit-learn {ref['sklearn']:.5f}, XGBoost {ref['xgboost']:.5f}, linear {ref['linear']:.5f}"
    check(f"{task}: a linear model is clearly worse", ref["linear"] > 1.1 * ref["sklearn"], detail)
    if task == "classify":
        check("classify: log loss within 0.005 of scikit-learn", abs(ours - ref["sklearn"]) <= 0.005, detail)
        check("classify: log loss within 0.005 of XGBoost", abs(ours - ref["xgboost"]) <= 0.005, detail)
    else:
        check("regress: MSE within 2% of scikit-learn", abs(ours - ref["sklearn"]) <= 0.02 * ref["sklearn"], detail)
sys.exit(0 if ok else 1)
PYEOF
finish
