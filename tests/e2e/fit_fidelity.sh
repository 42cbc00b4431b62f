#!/usr/bin/env bash
# outcore fit vs the reference pipeline (pandas + scikit-learn liblinear) on 1M generated rows:
# predicted probabilities within 1e-6 of the converged reference (tol=1e-10) for every row; at
# the reference's default tolerance, training accuracy within 5e-4 and every probability
# within 5e-3.
source "$(dirname "$0")/common.bash"
ROWS=${FIDELITY_ROWS:-1000000}
"$OUTCORE" gen-taxi --rows "$ROWS" --seed 7 -o "$WORK/train.csv" >/dev/null
"$OUTCORE" fit "$SRC/examples/taxi_tip.toml" "$WORK/train.csv" --test-size 0 -o "$WORK/model.json" \
  --json >"$WORK/fit.json"
"$OUTCORE" predict "$WORK/model.json" "$WORK/train.csv" -o "$WORK/pred" --format csv --quiet
for tol in 1e-10 default; do
  args=("$WORK/train.csv" "$WORK/ref_$tol.pkl" 0)
  [[ $tol == default ]] || args+=("$tol")
  $PY "$BASELINE" fit "${args[@]}" >"$WORK/ref_$tol.txt"
  $PY "$BASELINE" proba "$WORK/ref_$tol.pkl" "$WORK/train.csv" "$WORK/ref_$tol.csv"
done
$PY - "$WORK" "$BASELINE" <<'PYEOF' && pass "all comparisons with the reference" || fail "comparisons with the reference"
import json, sys, glob, os
import numpy as np, pandas as pd
work, baseline = sys.argv[1], sys.argv[2]
ours = pd.concat([pd.read_csv(p) for p in sorted(glob.glob(f"{work}/pred/part-*.csv"))]).yhat.to_numpy()
fit = json.load(open(f"{work}/fit.json"))
ok = True
def check(name, cond, detail):
    global ok
    print(("ok   - " if cond else "FAIL - ") + f"{name}: {detail}")
    ok = ok and cond
for tol, bound in (("1e-10", 1e-6), ("default", 5e-3)):
    ref = pd.read_csv(f"{work}/ref_{tol}.csv").yhat.to_numpy()
    check(f"row count vs reference tol={tol}", len(ref) == len(ours), f"{len(ours)} vs {len(ref)}")
    diff = np.abs(ref - ours).max()
    check(f"every probability within {bound:g} of reference tol={tol}", diff <= bound, f"max |diff| = {diff:.3g}")
    line = open(f"{work}/ref_{tol}.txt").read()
    ref_acc = float(line.split("train_acc")[1].split()[0])
    acc = fit["train"]["accuracy"]
    check(f"training accuracy vs reference tol={tol}", abs(acc - ref_acc) <= 5e-4,
          f"outcore {acc:.6f}, reference {ref_acc:.6f}")
# Both solve liblinear's objective: ours must be at least as low as the converged reference's.
sys.path.insert(0, os.path.dirname(baseline))
import taxi_reference as ref, __main__, joblib
for name in ("Keep", "PickupHour", "LowerCase", "FixedCategories", "OneHot", "Standardise"):
    setattr(__main__, name, getattr(ref, name))  # the pickle was written by the script as __main__
pipe = joblib.load(f"{work}/ref_1e-10.pkl")
df = ref.read(f"{work}/train.csv")
X = ref.design_matrix(pipe, df)
A = np.column_stack([X.to_numpy(dtype=float), np.ones(len(X))])
y = np.where(df.Tip_Amt > 0, 1.0, -1.0)
def objective(w):
    return 0.5 * w @ w + np.logaddexp(0, -y * (A @ w)).sum()
lr = pipe.steps[-1][1]
model = json.load(open(f"{work}/model.json"))
coef = dict(zip(model["feature_names"], model["estimator"]["state"]["coef"]))
w_ours = np.array([coef[c] for c in X.columns] + [model["estimator"]["state"]["intercept"]])
w_ref = np.append(lr.coef_[0], lr.intercept_[0])
f_ours, f_ref = objective(w_ours), objective(w_ref)
check("liblinear objective: outcore <= converged reference", f_ours <= f_ref * (1 + 1e-12),
      f"outcore {f_ours:.10f}, reference {f_ref:.10f}")
sys.exit(0 if ok else 1)
PYEOF
finish
