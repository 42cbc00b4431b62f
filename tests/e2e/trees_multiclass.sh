#!/usr/bin/env bash
# gradient_boosting_classifier beyond two classes, and class_weight, against the references
# (tests/reference/trees_reference.py):
# - on generated 4-class data with interactions, thresholds and missing values, default
#   parameters (early stopping on: 20,000 rows) give a held-out log loss within 0.005 of
#   scikit-learn's HistGradientBoostingClassifier and of XGBoost (multi:softprob, hist,
#   matched settings); predict writes p_<class> summing to 1 from the saved model;
# - class_weight = "balanced" on imbalanced binary data gives the held-out log loss of
#   HistGradientBoostingClassifier(class_weight="balanced") within 0.005 and its mean
#   predicted probability within 0.01 (both far from the unweighted model's);
# - a class_weight table naming a non-class is refused by name; tune runs a grid on 4 classes;
#   a model file whose link does not fit its outputs is refused.
source "$(dirname "$0")/common.bash"
REF="$SRC/tests/reference/trees_reference.py"
if ! $PY -c 'import xgboost' 2>/dev/null; then
  fail "python3-xgboost is not installed (scripts/setup.sh --test installs it)"
  finish
  exit 1
fi
$PY "$REF" gen_multiclass "$WORK/train.csv" 20000 1
$PY "$REF" gen_multiclass "$WORK/test.csv" 50000 2
$PY "$REF" gen_imbalanced "$WORK/itrain.csv" 20000 1
$PY "$REF" gen_imbalanced "$WORK/itest.csv" 50000 2
spec() {  # spec FILE TARGET MODEL_LINES
  printf 'target = "%s"\n[read]\ndtype = { %s }\n[[steps]]\nkind = "select"\ncolumns = [%s]\n[model]\nkind = "gradient_boosting_classifier"\n%s\n' \
    "$2" 'x0 = "float", x1 = "float", x2 = "float", x3 = "float", x4 = "float", x5 = "float", x6 = "float", x7 = "float"' \
    '"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7"' "$3" >"$1"
}
spec "$WORK/multi.toml" klass ""
spec "$WORK/balanced.toml" "label > 0" 'class_weight = "balanced"'
spec "$WORK/unweighted.toml" "label > 0" ""
spec "$WORK/typo.toml" klass 'class_weight = { c0 = 2.0, c9 = 1.0 }'

"$OUTCORE" fit "$WORK/multi.toml" "$WORK/train.csv" --test-size 0 --threads 2 -o "$WORK/multi.json" --json >"$WORK/fit_multi.json"
"$OUTCORE" predict "$WORK/multi.json" "$WORK/test.csv" -o "$WORK/pred_multi" --format csv --quiet
$PY "$REF" score_multiclass "$WORK/test.csv" "$WORK/pred_multi" >"$WORK/ours_multi.json"
$PY "$REF" fit_multiclass "$WORK/train.csv" "$WORK/test.csv" >"$WORK/ref_multi.json"
for m in balanced unweighted; do
  "$OUTCORE" fit "$WORK/$m.toml" "$WORK/itrain.csv" --test-size 0 --threads 2 -o "$WORK/$m.json" --quiet
  "$OUTCORE" predict "$WORK/$m.json" "$WORK/itest.csv" -o "$WORK/pred_$m" --format csv --quiet
  $PY "$REF" score_binary "$WORK/itest.csv" "$WORK/pred_$m" >"$WORK/ours_$m.json"
done
$PY "$REF" fit_balanced "$WORK/itrain.csv" "$WORK/itest.csv" >"$WORK/ref_balanced.json"

$PY - "$WORK" <<'PYEOF' && pass "multiclass and class_weight against scikit-learn and XGBoost" || fail "multiclass and class_weight against scikit-learn and XGBoost"
import json, sys
work = sys.argv[1]
ok = True
def check(name, cond, detail):
    global ok
    print(("ok   - " if cond else "FAIL - ") + f"{name}: {detail}")
    ok = ok and bool(cond)
ours, ref = json.load(open(f"{work}/ours_multi.json"))["outcore"], json.load(open(f"{work}/ref_multi.json"))
detail = f"outcore {ours:.5f}, scikit-learn {ref['sklearn']:.5f}, XGBoost {ref['xgboost']:.5f}"
check("4 classes: log loss within 0.005 of scikit-learn", abs(ours - ref["sklearn"]) <= 0.005, detail)
check("4 classes: log loss within 0.005 of XGBoost", abs(ours - ref["xgboost"]) <= 0.005, detail)
fit = json.load(open(f"{work}/fit_multi.json"))["fit"]
check("4 classes: one tree per class and iteration, early stopping on", fit["trees"] == 4 * fit["iterations"]
      and fit["early_stopping"], str(fit))
state = json.load(open(f"{work}/multi.json"))["estimator"]["state"]
check("4 classes: the file has 4 outputs, softmax", state["n_outputs"] == 4 and state["link"] == "softmax"
      and sorted({t["group"] for t in state["trees"]}) == [0, 1, 2, 3], f'{state["n_outputs"]} {state["link"]}')
ref = json.load(open(f"{work}/ref_balanced.json"))
for m in ("balanced", "unweighted"):
    o, r = json.load(open(f"{work}/ours_{m}.json")), ref[m]
    detail = f"outcore log loss {o['log_loss']:.5f} mean P {o['mean_p']:.5f}; scikit-learn {r['log_loss']:.5f} {r['mean_p']:.5f}"
    check(f"{m}: held-out log loss within 0.005 of scikit-learn", abs(o["log_loss"] - r["log_loss"]) <= 0.005, detail)
    check(f"{m}: mean P(class 1) within 0.01 of scikit-learn", abs(o["mean_p"] - r["mean_p"]) <= 0.01, detail)
b, u = (json.load(open(f"{work}/ours_{m}.json")) for m in ("balanced", "unweighted"))
check("balanced weights move the probabilities", b["mean_p"] > u["mean_p"] + 0.1, f"{b['mean_p']:.4f} vs {u['mean_p']:.4f}")
sys.exit(0 if ok else 1)
PYEOF

expect_error "a class_weight table naming a non-class" 3 "class_weight names 'c9', which is not a class of the target \(classes: 'c0', 'c1', 'c2', 'c3'\)" \
  "$OUTCORE" fit "$WORK/typo.toml" "$WORK/train.csv" -o "$WORK/typo.json"

# tune on 4 classes (a small sample: 3 folds x 2 candidates).
head -4001 "$WORK/train.csv" >"$WORK/small.csv"
"$OUTCORE" tune "$WORK/multi.toml" "$WORK/small.csv" --grid 'model.max_leaf_nodes=15,31' --scoring log_loss --cv 3 --table "$WORK/tune.csv" \
  --json >"$WORK/tune.json"
check "tune ranks two multiclass gradient boosting candidates" $PY -c "
import json, sys; c = json.load(open('$WORK/tune.json'))['candidates']
sys.exit(0 if len(c) == 2 and all(0 < x['mean'] < 1.386 for x in c) else 1)"

# A model file whose link or outputs do not fit a classifier is refused.
$PY - "$WORK" <<'PYEOF'
import json, sys
work = sys.argv[1]
m = json.load(open(f"{work}/multi.json"))
m["estimator"]["state"]["link"] = "sigmoid"
json.dump(m, open(f"{work}/bad_link.json", "w"))
PYEOF
expect_error "4 outputs with the sigmoid link" 5 "state: gradient_boosting_classifier has one output and link \"sigmoid\" \(2 classes\) or k = 3 to 1000 outputs and link \"softmax\"" \
  "$OUTCORE" inspect "$WORK/bad_link.json"
finish
