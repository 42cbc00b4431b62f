#!/usr/bin/env bash
# Multiclass classification end to end, against scikit-learn on generated data with 4 classes:
# multinomial logistic regression fitted to convergence gives the probabilities of
# LogisticRegression(multi_class="multinomial", solver="lbfgs") within 1e-5 per row, and
# one-vs-rest those of LogisticRegression(multi_class="ovr", solver="liblinear"); predict
# writes yhat (the most probable class) and p_<class> per class; evaluate's metrics are
# scikit-learn's; an int target's classes are sorted by value; tune scores multiclass folds.
source "$(dirname "$0")/common.bash"

$PY - "$WORK" <<'PYEOF'
import sys
import numpy as np, pandas as pd
work = sys.argv[1]
rng = np.random.default_rng(11)
def make(n):
    X = rng.normal(size=(n, 4))
    W = np.array([[1.5, -1.0, 0.5, 0.0], [-0.5, 1.2, 0.0, 0.8], [0.3, 0.3, -1.4, 0.2], [0.0, 0.0, 0.0, 0.0]])
    z = X @ W.T + np.array([0.2, -0.1, 0.4, 0.0]) + rng.gumbel(size=(n, 4)) * 0.7
    label = z.argmax(axis=1)
    df = pd.DataFrame(X, columns=["x1", "x2", "x3", "x4"])
    df["segment"] = np.array(["north", "east", "south", "west"])[label]
    df["level"] = np.array([1, 2, 10, 30])[label]
    return df
make(20000).to_csv(f"{work}/train.csv", index=False)
make(5000).to_csv(f"{work}/test.csv", index=False)
PYEOF

write_spec() {  # write_spec FILE TARGET MODEL_LINES
  printf 'target = "%s"\n[[steps]]\nkind = "select"\ncolumns = ["x1", "x2", "x3", "x4"]\n[model]\nkind = "logistic_regression"\n%s\n' \
    "$2" "$3" >"$1"
}
write_spec "$WORK/multinomial.toml" segment $'multi_class = "multinomial"\nmax_iter = 10000\ntol = 1e-12'
write_spec "$WORK/ovr.toml" segment $'multi_class = "ovr"'
write_spec "$WORK/level.toml" level $'max_iter = 10000\ntol = 1e-12'
write_spec "$WORK/auto.toml" segment ""

for m in multinomial ovr level; do
  "$OUTCORE" fit "$WORK/$m.toml" "$WORK/train.csv" --test-size 0 -o "$WORK/$m.json" --json >"$WORK/fit_$m.json"
  "$OUTCORE" predict "$WORK/$m.json" "$WORK/test.csv" -o "$WORK/pred_$m" --format csv --quiet
done
"$OUTCORE" evaluate "$WORK/multinomial.json" "$WORK/test.csv" --json >"$WORK/eval.json"
"$OUTCORE" evaluate "$WORK/multinomial.json" "$WORK/test.csv" >"$WORK/eval.txt"
"$OUTCORE" inspect "$WORK/level.json" >"$WORK/inspect.txt"

$PY - "$WORK" <<'PYEOF' && pass "multiclass matches scikit-learn" || fail "multiclass vs scikit-learn"
import glob, json, sys, warnings
import numpy as np, pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn import metrics
work = sys.argv[1]
train, test = pd.read_csv(f"{work}/train.csv"), pd.read_csv(f"{work}/test.csv")
cols = ["x1", "x2", "x3", "x4"]
ok = True
def check(name, cond, detail=""):
    global ok
    print(("ok   - " if cond else "FAIL - ") + f"{name}: {detail}")
    ok = ok and bool(cond)
def ours(name):
    return pd.concat([pd.read_csv(p, keep_default_na=False, na_values=[""])
                      for p in sorted(glob.glob(f"{work}/pred_{name}/part-*.csv"))], ignore_index=True)

warnings.simplefilter("ignore")
def converged_lbfgs(X, y):
    """scikit-learn's lbfgs fitted to convergence: one fit stops on scipy's relative decrease
    of the objective (ftol) about 5e-5 from the optimum here, so warm-started refits go on
    until the probabilities stop moving."""
    model = LogisticRegression(multi_class="multinomial", solver="lbfgs", tol=1e-12, max_iter=100000,
                               warm_start=True)
    before = None
    for _ in range(200):
        model.fit(X, y)
        now = model.predict_proba(X)
        if before is not None and np.abs(now - before).max() < 1e-10:
            break
        before = now
    return model
ref = {
  "multinomial": converged_lbfgs(train[cols], train.segment),
  "ovr": LogisticRegression(multi_class="ovr", solver="liblinear", C=1.0, tol=1e-12, max_iter=100000)
         .fit(train[cols], train.segment),
}
for name, bound in (("multinomial", 1e-5), ("ovr", 1e-5)):
    model = ref[name]
    expect = model.predict_proba(test[cols])
    out = ours(name)
    classes = list(model.classes_)
    check(f"{name}: columns yhat, p_<class> in classes order", list(out.columns) == ["yhat"] + [f"p_{c}" for c in classes],
          str(list(out.columns)))
    got = out[[f"p_{c}" for c in classes]].to_numpy()
    diff = np.abs(got - expect).max()
    check(f"{name}: every probability within {bound:g} of scikit-learn", diff <= bound, f"max |diff| = {diff:.3g}")
    check(f"{name}: yhat is the most probable class", (out.yhat.to_numpy() == np.array(classes)[got.argmax(axis=1)]).all())
    agree = (out.yhat.to_numpy() == model.predict(test[cols])).mean()
    check(f"{name}: yhat agrees with scikit-learn's predict", agree >= 0.999, f"{agree:.5f}")
    fit = json.load(open(f"{work}/fit_{name}.json"))
    check(f"{name}: fit's training accuracy", abs(fit["train"]["accuracy"] - model.score(train[cols], train.segment)) <= 1e-3,
          f'{fit["train"]["accuracy"]}')

# The objective both minimise: ours is no higher than one scikit-learn lbfgs fit's.
one_fit = LogisticRegression(multi_class="multinomial", solver="lbfgs", tol=1e-12, max_iter=100000).fit(
    train[cols], train.segment)
state = json.load(open(f"{work}/multinomial.json"))["estimator"]["state"]
Xt, yt = train[cols].to_numpy(), np.searchsorted(one_fit.classes_, train.segment.to_numpy())
def objective(W, b):
    z = Xt @ np.asarray(W).T + np.asarray(b)
    top = z.max(axis=1, keepdims=True)
    lse = (top + np.log(np.exp(z - top).sum(axis=1, keepdims=True)))[:, 0]
    return (lse - z[np.arange(len(yt)), yt]).sum() + 0.5 * (np.asarray(W) ** 2).sum()
f_ours, f_ref = objective(state["coef"], state["intercept"]), objective(one_fit.coef_, one_fit.intercept_)
check("multinomial objective: outcore <= one scikit-learn fit", f_ours <= f_ref + 1e-9 * abs(f_ref),
      f"outcore {f_ours:.10f}, scikit-learn {f_ref:.10f}")

# evaluate: scikit-learn's metrics on the same probabilities.
model = ref["multinomial"]
p = ours("multinomial")[[f"p_{c}" for c in model.classes_]].to_numpy()
y = test.segment.to_numpy()
pred = model.classes_[p.argmax(axis=1)]
ev = json.load(open(f"{work}/eval.json"))
check("evaluate: accuracy", abs(ev["accuracy"] - metrics.accuracy_score(y, pred)) < 1e-12, str(ev["accuracy"]))
check("evaluate: macro F1", abs(ev["f1_macro"] - metrics.f1_score(y, pred, average="macro")) < 1e-12, str(ev["f1_macro"]))
check("evaluate: weighted F1", abs(ev["f1_weighted"] - metrics.f1_score(y, pred, average="weighted")) < 1e-12, str(ev["f1_weighted"]))
check("evaluate: log loss", abs(ev["log_loss"] - metrics.log_loss(y, p, labels=model.classes_)) < 1e-9, str(ev["log_loss"]))
auc = metrics.roc_auc_score(y, p, multi_class="ovr", labels=model.classes_)
check("evaluate: one-vs-rest ROC AUC within its bound", abs(ev["roc_auc"] - auc) <= ev["roc_auc_error_bound"] + 1e-12,
      f'{ev["roc_auc"]} vs {auc} (bound {ev["roc_auc_error_bound"]:.2g})')
check("evaluate: confusion matrix", ev["confusion_matrix"] == metrics.confusion_matrix(y, pred, labels=model.classes_).tolist())
check("evaluate: classes listed", ev["classes"] == list(model.classes_), str(ev["classes"]))

# An int target: classes sorted by value (1, 2, 10, 30), as scikit-learn's classes_.
lvl = converged_lbfgs(train[cols], train.level)
out = ours("level")
check("int target: classes by value", list(out.columns) == ["yhat"] + [f"p_{c}" for c in lvl.classes_], str(list(out.columns)))
diff = np.abs(out[[f"p_{c}" for c in lvl.classes_]].to_numpy() - lvl.predict_proba(test[cols])).max()
check("int target: probabilities within 1e-5", diff <= 1e-5, f"{diff:.3g}")
sys.exit(0 if ok else 1)
PYEOF

check "evaluate prints the k x k confusion matrix" grep -qE '^ +north( +[0-9,]+){4}$' "$WORK/eval.txt"
check "inspect lists the classes in order" grep -q "classes 1, 2, 10, 30" "$WORK/inspect.txt"
check "the model file records four classes" grep -q '"classes": \[' "$WORK/multinomial.json"

# auto means multinomial with more than two classes.
"$OUTCORE" fit "$WORK/auto.toml" "$WORK/train.csv" -o "$WORK/auto.json" --quiet
check "multi_class auto fits a multinomial model" grep -q '"multi_class": "multinomial"' "$WORK/auto.json"

# tune and learning-curve score multiclass folds.
"$OUTCORE" tune "$WORK/auto.toml" "$WORK/train.csv" --grid 'model.C=0.1,1' --scoring log_loss --cv 3 \
  --json --table "$WORK/tune.csv" >"$WORK/tune.json"
check "tune ranks multiclass candidates by log loss" $PY -c "
import json, sys; r = json.load(open('$WORK/tune.json'))
c = r['candidates']; sys.exit(0 if len(c) == 2 and all(0 < x['mean'] < 1.4 for x in c) else 1)"
"$OUTCORE" learning-curve "$WORK/auto.toml" "$WORK/train.csv" --sizes 500,2000 --cv 3 --scoring roc_auc \
  --json -o "$WORK/curve.svg" >"$WORK/curve.json"
check "learning-curve scores multiclass ROC AUC" $PY -c "
import json, sys; r = json.load(open('$WORK/curve.json'))
sys.exit(0 if all(0.5 < p['valid_mean'] <= 1 for p in r['points']) else 1)"

# A broken or foreign model file is refused with the JSON path.
$PY - "$WORK" <<'PYEOF'
import json, sys
work = sys.argv[1]
m = json.load(open(f"{work}/multinomial.json"))
m["target"]["classes"] = m["target"]["classes"][:3]
json.dump(m, open(f"{work}/bad_classes.json", "w"))
m = json.load(open(f"{work}/multinomial.json"))
m["estimator"]["state"]["coef"] = m["estimator"]["state"]["coef"][:3]
json.dump(m, open(f"{work}/bad_coef.json", "w"))
PYEOF
expect_error "fewer classes than the model's outputs" 5 "classes" "$OUTCORE" inspect "$WORK/bad_classes.json"
expect_error "a coefficient row missing" 5 "coef" "$OUTCORE" inspect "$WORK/bad_coef.json"

# A one-class target is refused by name.
$PY -c "
import pandas as pd; df = pd.read_csv('$WORK/train.csv').head(50); df['segment'] = 'north'
df.to_csv('$WORK/one.csv', index=False)"
expect_error "a target with one class" 3 "target 'segment' has 1 distinct value \('north'\)" \
  "$OUTCORE" fit "$WORK/auto.toml" "$WORK/one.csv" -o "$WORK/one.json"
finish
