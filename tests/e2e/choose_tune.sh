#!/usr/bin/env bash
# outcore tune vs scikit-learn's GridSearchCV on the reference pipeline with the same folds
# and a converged solver: mean CV accuracy, log loss and ROC AUC per candidate within 1e-4,
# with contiguous folds (KFold(5)) and with shuffled folds (the documented permutation,
# reproduced in Python). The best model is the one `outcore fit` makes with those parameters.
source "$(dirname "$0")/common.bash"
cd "$WORK"
SPEC="$SRC/examples/taxi_tip.toml"
ROWS=${TUNE_ROWS:-20000}
"$OUTCORE" gen-taxi --rows "$ROWS" --seed 5 -o train.csv >/dev/null
GRID='model.C=0.001,0.01,0.1,1'
for scoring in accuracy log_loss roc_auc; do
  "$OUTCORE" tune "$SPEC" train.csv --grid "$GRID" --scoring $scoring --json >tune_$scoring.json
done
"$OUTCORE" tune "$SPEC" train.csv --grid "$GRID" --scoring log_loss --seed 3 --json >tune_shuffled.json
"$OUTCORE" tune "$SPEC" train.csv --grid "$GRID" --scoring log_loss -o best.json >tune.txt

$PY - "$BASELINE" <<'PYEOF' && pass "mean CV scores equal GridSearchCV's within 1e-4" || fail "mean CV scores vs GridSearchCV"
import json, os, sys
import numpy as np, pandas as pd
from sklearn.model_selection import GridSearchCV, KFold
sys.path.insert(0, os.path.dirname(sys.argv[1]))
import taxi_reference as ref
X, y = ref.features_and_label(ref.read("train.csv"))
pipe = ref.make(1e-10).set_params(model__max_iter=10000)
grid = {"model__C": [0.001, 0.01, 0.1, 1]}

def permutation(n, seed):  # docs/choose.md: Fisher-Yates from the end, SplitMix64
    state, perm, mask = seed, list(range(n)), 2**64 - 1
    for i in range(n - 1, 0, -1):
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        j = (z ^ (z >> 31)) % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return np.array(perm)

order, n = permutation(len(X), 3), len(X)
bounds = np.cumsum([0] + [n // 5 + (f < n % 5) for f in range(5)])  # as KFold(5), over `order`
shuffled = [(np.concatenate([order[:a], order[b:]]), order[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
ok = True
def compare(name, ours_file, cv, scoring, sign):
    global ok
    ref = GridSearchCV(pipe, grid, cv=cv, scoring=scoring, refit=False).fit(X, y).cv_results_
    ours = {c["params"]["model.C"]: c for c in json.load(open(ours_file))["candidates"]}
    for C, mean, std in zip(ref["param_model__C"], ref["mean_test_score"], ref["std_test_score"]):
        o = ours[C]
        good = abs(o["mean"] - sign * mean) <= 1e-4 and abs(o["std"] - std) <= 1e-4
        print(f"  {name:17s} C={C:<6} outcore {o['mean']:.8f} ± {o['std']:.6f}  GridSearchCV {sign * mean:.8f} ± {std:.6f}"
              f"  {'ok' if good else 'DIFFERENT'}")
        ok = ok and good
compare("accuracy", "tune_accuracy.json", KFold(5), "accuracy", 1)
compare("log_loss", "tune_log_loss.json", KFold(5), "neg_log_loss", -1)
compare("roc_auc", "tune_roc_auc.json", KFold(5), "roc_auc", 1)
compare("log_loss shuffled", "tune_shuffled.json", shuffled, "neg_log_loss", -1)
exit(0 if ok else 1)
PYEOF

check "the ranked table is printed and written as CSV" bash -c \
  "grep -q '^rank' tune.txt && grep -q 'mean log_loss' tune.txt && head -1 best.tune.csv | grep -q '^rank,model.C,mean_log_loss,std_log_loss,fit_seconds'"
best_c=$($PY -c "import json; print(json.load(open('tune_log_loss.json'))['candidates'][0]['params']['model.C'])")
sed "s/^C = 1.0$/C = $best_c/" "$SPEC" >best.toml
"$OUTCORE" fit best.toml train.csv --test-size 0 -o fitted.json >/dev/null
check "the best model is what outcore fit makes with its parameters (C=$best_c)" $PY -c "
import json; a = json.load(open('best.json')); b = json.load(open('fitted.json'))
assert a['estimator']['state'] == b['estimator']['state'] and a['steps'] == b['steps']
assert a['estimator']['params']['C'] == $best_c and a['training']['tuning']['scoring'] == 'log_loss'"
check "the best model predicts like any model" "$OUTCORE" predict best.json train.csv -o pred --quiet

"$OUTCORE" tune "$SPEC" train.csv --grid 'model.C=0.1,1' --grid 'steps.5.ddof=0,1' --json >steps.json
check "steps refitted once per fold and step value, not per candidate" $PY -c "
import json; j = json.load(open('steps.json')); assert j['preprocessing_fits'] == 10 and len(j['candidates']) == 4, j"
"$OUTCORE" tune "$SPEC" train.csv --grid 'model.C=loguniform(0.01,10)' --random 3 --seed 1 --cv 3 --json >random.json
check "--random draws from a distribution" $PY -c "
import json; j = json.load(open('random.json')); cs = [c['params']['model.C'] for c in j['candidates']]
assert len(set(cs)) == 3 and all(0.01 <= c <= 10 for c in cs) and j['folds'] == 3, j"

expect_error "unknown model parameter" 2 "--grid .*Cx" "$OUTCORE" tune "$SPEC" train.csv --grid 'model.Cx=1'
expect_error "no such step" 2 "no step 9 \(steps, numbered from 0: 0 select, 1 datetime_part" \
  "$OUTCORE" tune "$SPEC" train.csv --grid 'steps.9.ddof=1'
expect_error "bad grid syntax" 2 "expected KEY=V1,V2" "$OUTCORE" tune "$SPEC" train.csv --grid 'model.C'
expect_error "a regressor's scoring for a classifier" 2 "--scoring rmse is for regressors" \
  "$OUTCORE" tune "$SPEC" train.csv --grid 'model.C=1' --scoring rmse
expect_error "the read columns cannot be tuned" 2 "leading select step" \
  "$OUTCORE" tune "$SPEC" train.csv --grid 'steps.0.columns=Fare_Amt'
"$OUTCORE" tune --help >help.txt
for opt in --grid --random --cv --scoring --seed --output --table --threads --on-bad-rows --json steps.N; do
  grep -q -- "$opt" help.txt || fail "tune --help lacks $opt"
done
pass "tune --help lists every option"
finish
