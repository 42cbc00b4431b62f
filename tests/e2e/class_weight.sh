#!/usr/bin/env bash
# class_weight for logistic regression, against scikit-learn on generated imbalanced data:
# binary with "balanced" and with a table gives liblinear's weighted model; multinomial gives
# lbfgs's weighted model; one-vs-rest gives liblinear's one-vs-rest (class c weighs its weight,
# the rest 1). A table naming a class the target lacks is refused by name. fit's summary shows
# ROC AUC and the majority-class baseline beside accuracy.
source "$(dirname "$0")/common.bash"

$PY - "$WORK" <<'PYEOF'
import sys
import numpy as np, pandas as pd
work = sys.argv[1]
rng = np.random.default_rng(5)
n = 20000
X = rng.normal(size=(n, 3))
# Binary: about 8% positives.
z = X @ np.array([1.2, -0.8, 0.4]) - 3.0 + rng.logistic(size=n) * 0.8
df = pd.DataFrame(X, columns=["x1", "x2", "x3"])
df["rare"] = (z > 0).astype(int)
# Four classes of very different sizes.
W = np.array([[1.5, -1.0, 0.5], [-0.5, 1.2, 0.0], [0.3, 0.3, -1.4], [0.0, 0.0, 0.0]])
s = X @ W.T + np.array([-2.0, -1.0, 0.5, 1.0]) + rng.gumbel(size=(n, 4)) * 0.7
df["segment"] = np.array(["north", "east", "south", "west"])[s.argmax(axis=1)]
df.to_csv(f"{work}/train.csv", index=False)
PYEOF

write_spec() {  # write_spec FILE TARGET MODEL_LINES
  printf 'target = "%s"\n[[steps]]\nkind = "select"\ncolumns = ["x1", "x2", "x3"]\n[model]\nkind = "logistic_regression"\n%s\n' \
    "$2" "$3" >"$1"
}
write_spec "$WORK/bin_balanced.toml" rare $'class_weight = "balanced"'
write_spec "$WORK/bin_table.toml" rare $'class_weight = { 1 = 5.0 }'
write_spec "$WORK/multinomial.toml" segment $'class_weight = "balanced"\nmax_iter = 10000\ntol = 1e-12'
write_spec "$WORK/ovr.toml" segment $'multi_class = "ovr"\nclass_weight = { north = 4.0, east = 2.0 }'
write_spec "$WORK/typo.toml" segment $'class_weight = { nort = 4.0 }'
write_spec "$WORK/negative.toml" rare $'class_weight = { 1 = -1 }'

for m in bin_balanced bin_table multinomial ovr; do
  "$OUTCORE" fit "$WORK/$m.toml" "$WORK/train.csv" --test-size 0 -o "$WORK/$m.json" --json >"$WORK/fit_$m.json"
  "$OUTCORE" predict "$WORK/$m.json" "$WORK/train.csv" -o "$WORK/pred_$m" --format csv --quiet
done

$PY - "$WORK" <<'PYEOF' && pass "class_weight matches scikit-learn" || fail "class_weight vs scikit-learn"
import glob, json, sys, warnings
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
work = sys.argv[1]
warnings.simplefilter("ignore")
train = pd.read_csv(f"{work}/train.csv")
cols = ["x1", "x2", "x3"]
ok = True
def check(name, cond, detail=""):
    global ok
    print(("ok   - " if cond else "FAIL - ") + f"{name}: {detail}")
    ok = ok and bool(cond)
def ours(name):
    return pd.concat([pd.read_csv(p) for p in sorted(glob.glob(f"{work}/pred_{name}/part-*.csv"))], ignore_index=True)
def converged_lbfgs(X, y, **kw):
    model = LogisticRegression(solver="lbfgs", tol=1e-12, max_iter=100000, warm_start=True, **kw)
    before = None
    for _ in range(200):
        model.fit(X, y)
        now = model.predict_proba(X)
        if before is not None and np.abs(now - before).max() < 1e-10:
            break
        before = now
    return model

X = train[cols]
for name, weight in (("bin_balanced", "balanced"), ("bin_table", {1: 5.0})):
    ref = LogisticRegression(solver="liblinear", class_weight=weight, tol=1e-12, max_iter=100000).fit(X, train.rare)
    got = ours(name).yhat.to_numpy()
    diff = np.abs(got - ref.predict_proba(X)[:, 1]).max()
    check(f"binary class_weight={weight}: P(1) within 1e-5 of liblinear's", diff <= 1e-5, f"max |diff| = {diff:.3g}")
    unweighted = LogisticRegression(solver="liblinear", tol=1e-12).fit(X, train.rare).predict_proba(X)[:, 1]
    check(f"binary class_weight={weight}: raises the rare class's probability", got.mean() > unweighted.mean() + 0.05,
          f"mean P(1) {got.mean():.3f} vs unweighted {unweighted.mean():.3f}")

ref = converged_lbfgs(X, train.segment, multi_class="multinomial", class_weight="balanced")
out = ours("multinomial")
diff = np.abs(out[[f"p_{c}" for c in ref.classes_]].to_numpy() - ref.predict_proba(X)).max()
check("multinomial class_weight=balanced: within 1e-5 of lbfgs's", diff <= 1e-5, f"max |diff| = {diff:.3g}")

ref = LogisticRegression(solver="liblinear", multi_class="ovr", class_weight={"north": 4.0, "east": 2.0},
                         tol=1e-12, max_iter=100000).fit(X, train.segment)
out = ours("ovr")
diff = np.abs(out[[f"p_{c}" for c in ref.classes_]].to_numpy() - ref.predict_proba(X)).max()
check("ovr class_weight table: within 1e-5 of liblinear's one-vs-rest", diff <= 1e-5, f"max |diff| = {diff:.3g}")

spec = json.load(open(f"{work}/bin_table.json"))["estimator"]["params"]
check("the model file keeps class_weight", spec.get("class_weight") == {"1": 5.0}, str(spec.get("class_weight")))
sys.exit(0 if ok else 1)
PYEOF

expect_error "a class_weight key that is not a class is refused by name" 3 \
  "class_weight names 'nort', which is not a class of the target \(classes: 'east', 'north', 'south', 'west'\)" \
  "$OUTCORE" fit "$WORK/typo.toml" "$WORK/train.csv" -o "$WORK/typo.json"
check "no model file is left by the refused fit" test ! -e "$WORK/typo.json"
expect_error "a negative class weight is refused" 5 "class_weight' entry '1' must be a finite number of at least 0" \
  "$OUTCORE" fit "$WORK/negative.toml" "$WORK/train.csv" -o "$WORK/negative.json"

# fit's summary: ROC AUC and the majority baseline beside accuracy.
"$OUTCORE" fit "$WORK/bin_balanced.toml" "$WORK/train.csv" -o "$WORK/summary.json" >"$WORK/summary.txt" 2>&1
check "fit's summary shows ROC AUC" grep -qE "roc_auc|ROC AUC" "$WORK/summary.txt"
check "fit's summary shows the majority-class baseline" grep -qiE "majority" "$WORK/summary.txt"
finish
