"""Data and reference models for the tree ensembles' quality tests and benchmarks.

  gen OUT.csv ROWS SEED           rows of generated data: numeric features x0..x7 (x3 with
                                  missing values), `label` (0/1) drawn from a logit with
                                  interactions and thresholds, and `value` (that logit plus noise)
  fit TRAIN.csv TEST.csv TASK     fits scikit-learn's HistGradientBoosting*, XGBoost (hist, the
                                  same settings) and a linear model on TRAIN, prints a JSON
                                  object of held-out metrics on TEST (TASK: classify | regress)
  score TEST.csv PRED_DIR TASK    outcore's held-out metric from its predictions (part-*.csv)
  gen_multiclass OUT.csv ROWS SEED
                                  the same features and a 4-class `klass` (c0..c3) drawn from
                                  a softmax of logits with interactions and thresholds
  gen_imbalanced OUT.csv ROWS SEED
                                  the same as gen with the logit shifted down: about 18% of
                                  `label` are 1
  fit_multiclass TRAIN.csv TEST.csv
                                  held-out multiclass log loss of scikit-learn's
                                  HistGradientBoostingClassifier and XGBoost (multi:softprob,
                                  hist, the same settings)
  fit_balanced TRAIN.csv TEST.csv held-out log loss and mean P(label = 1) of scikit-learn's
                                  HistGradientBoostingClassifier with and without
                                  class_weight="balanced"
  score_multiclass TEST.csv PRED_DIR
  score_binary TEST.csv PRED_DIR  outcore's held-out log loss (and mean P(class 1))
"""
import glob
import json
import sys

import numpy as np
import pandas as pd

FEATURES = [f"x{i}" for i in range(8)]


def logit(X):
    x = [X[:, i] for i in range(8)]
    x3 = np.nan_to_num(x[3], nan=0.0)
    f = (1.5 * ((x[0] > 0.3) & (x[1] < 0)) - 1.2 * (x[2] > 0.5) + 2.0 * x[0] * x[1] + np.sin(2 * x3)
         + 0.8 * ((x[4] > -0.5) & (x[5] > 0.2)) - 0.5 * np.abs(x[6]) + 0.3 * x[7] + 0.7 * np.isnan(x[3]) - 0.2)
    return f


def gen(out, rows, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 8))
    X[:, 7] = rng.integers(0, 5, size=rows)  # a small whole number
    X[rng.random(rows) < 0.15, 3] = np.nan
    f = logit(X)
    df = pd.DataFrame(X, columns=FEATURES)
    df["label"] = (rng.random(rows) < 1 / (1 + np.exp(-f))).astype(int)
    df["value"] = f + rng.normal(scale=0.5, size=rows)
    df.to_csv(out, index=False, float_format="%.17g")


def multiclass_logits(X):
    x = [X[:, i] for i in range(8)]
    x3 = np.nan_to_num(x[3], nan=0.0)
    z1 = 1.8 * ((x[1] > 0.2) & (x[2] < 0.4)) + 1.5 * x[2] * x[4] - 0.6 * np.isnan(x[3]) + 0.4 * x[7] - 1.0
    z2 = -1.5 * (x[0] < -0.3) + np.cos(2 * x[5]) + 1.2 * x[1] * x[6] + 0.5 * (x3 > 0.5)
    z3 = np.zeros(len(X))
    return np.column_stack([logit(X), z1, z2, z3])


def gen_multiclass(out, rows, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 8))
    X[:, 7] = rng.integers(0, 5, size=rows)
    X[rng.random(rows) < 0.15, 3] = np.nan
    z = multiclass_logits(X) + rng.gumbel(size=(rows, 4))  # a draw from the softmax
    df = pd.DataFrame(X, columns=FEATURES)
    df["klass"] = np.array(["c0", "c1", "c2", "c3"])[z.argmax(axis=1)]
    df.to_csv(out, index=False, float_format="%.17g")


def gen_imbalanced(out, rows, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 8))
    X[:, 7] = rng.integers(0, 5, size=rows)
    X[rng.random(rows) < 0.15, 3] = np.nan
    f = logit(X) - 2.5
    df = pd.DataFrame(X, columns=FEATURES)
    df["label"] = (rng.random(rows) < 1 / (1 + np.exp(-f))).astype(int)
    df.to_csv(out, index=False, float_format="%.17g")


def multiclass_log_loss(y, p):
    p = np.clip(p, 1e-15, 1)
    return float(-np.mean(np.log(p[np.arange(len(y)), y])))


def fit_multiclass(train, test, threads=2):
    import xgboost
    from sklearn.ensemble import HistGradientBoostingClassifier
    tr, te = pd.read_csv(train), pd.read_csv(test)
    Xtr, Xte = tr[FEATURES].to_numpy(), te[FEATURES].to_numpy()
    classes = ["c0", "c1", "c2", "c3"]
    y, yte = np.searchsorted(classes, tr.klass), np.searchsorted(classes, te.klass)
    out = {"sklearn": multiclass_log_loss(yte, HistGradientBoostingClassifier(random_state=0).fit(Xtr, y).predict_proba(Xte))}
    # XGBoost with the settings of trees' fit() and without early stopping (scikit-learn's
    # default stops early above 10,000 rows; its iterations are reported).
    xgb = dict(tree_method="hist", grow_policy="lossguide", max_leaves=31, max_depth=0, n_estimators=100,
               learning_rate=0.1, max_bin=255, reg_lambda=0.0, min_child_weight=1e-3, n_jobs=threads)
    model = xgboost.XGBClassifier(objective="multi:softprob", **xgb).fit(Xtr, y)
    out["xgboost"] = multiclass_log_loss(yte, model.predict_proba(Xte))


    print(json.dumps(out))


def fit_balanced(train, test):
    from sklearn.ensemble import HistGradientBoostingClassifier
    tr, te = pd.read_csv(train), pd.read_csv(test)
    Xtr, Xte = tr[FEATURES].to_numpy(), te[FEATURES].to_numpy()
    out = {}
    for name, weight in (("balanced", "balanced"), ("unweighted", None)):
        p = HistGradientBoostingClassifier(random_state=0, class_weight=weight).fit(Xtr, tr.label).predict_proba(Xte)[:, 1]
        out[name] = {"log_loss": log_loss(te.label.to_numpy(), p), "mean_p": float(p.mean())}
    print(json.dumps(out))


def read_predictions(pred_dir):
    return pd.concat([pd.read_csv(p) for p in sorted(glob.glob(f"{pred_dir}/part-*.csv"))], ignore_index=True)


def log_loss(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def fit(train, test, task, threads=2):
    import xgboost
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    from sklearn.linear_model import LinearRegression, LogisticRegression
    tr, te = pd.read_csv(train), pd.read_csv(test)
    Xtr, Xte = tr[FEATURES].to_numpy(), te[FEATURES].to_numpy()
    # scikit-learn's defaults; XGBoost's settings matched to them: leaf-wise growth of at most
    # 31 leaves, 100 rounds of learning rate 0.1, 255 bins, no L2 penalty on leaf values.
    xgb = dict(tree_method="hist", grow_policy="lossguide", max_leaves=31, max_depth=0, n_estimators=100,
               learning_rate=0.1, max_bin=255, reg_lambda=0.0, min_child_weight=1e-3, n_jobs=threads)
    out = {}
    if task == "classify":
        y, yte = tr.label.to_numpy(), te.label.to_numpy()
        out["sklearn"] = log_loss(yte, HistGradientBoostingClassifier(random_state=0).fit(Xtr, y).predict_proba(Xte)[:, 1])
        model = xgboost.XGBClassifier(objective="binary:logistic", base_score=float(y.mean()), **xgb).fit(Xtr, y)
        out["xgboost"] = log_loss(yte, model.predict_proba(Xte)[:, 1])
        lin = LogisticRegression(max_iter=1000).fit(np.nan_to_num(Xtr), y)
        out["linear"] = log_loss(yte, lin.predict_proba(np.nan_to_num(Xte))[:, 1])
    else:
        y, yte = tr.value.to_numpy(), te.value.to_numpy()
        mse = lambda p: float(np.mean((yte - p) ** 2))
        out["sklearn"] = mse(HistGradientBoostingRegressor(random_state=0).fit(Xtr, y).predict(Xte))
        out["xgboost"] = mse(xgboost.XGBRegressor(base_score=float(y.mean()), **xgb).fit(Xtr, y).predict(Xte))
        out["linear"] = mse(LinearRegression().fit(np.nan_to_num(Xtr), y).predict(np.nan_to_num(Xte)))
    print(json.dumps(out))


def score(test, pred_dir, task):
    te = pd.read_csv(test)
    yhat = pd.concat([pd.read_csv(p) for p in sorted(glob.glob(f"{pred_dir}/part-*.csv"))]).yhat.to_numpy()
    assert len(yhat) == len(te), (len(yhat), len(te))
    if task == "classify":
        print(json.dumps({"outcore": log_loss(te.label.to_numpy(), yhat)}))
    else:
        print(json.dumps({"outcore": float(np.mean((te.value.to_numpy() - yhat) ** 2))}))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        gen(args[0], int(args[1]), int(args[2]))
    elif cmd == "fit":
        fit(*args[:3])
    elif cmd == "score":
        score(*args)
    elif cmd == "gen_multiclass":
        gen_multiclass(args[0], int(args[1]), int(args[2]))
    elif cmd == "gen_imbalanced":
        gen_imbalanced(args[0], int(args[1]), int(args[2]))
    elif cmd == "fit_multiclass":
        fit_multiclass(*args[:2])
    elif cmd == "fit_balanced":
        fit_balanced(*args[:2])
    elif cmd == "score_multiclass":
        te, pred = pd.read_csv(args[0]), read_predictions(args[1])
        classes = ["c0", "c1", "c2", "c3"]
        p = pred[[f"p_{c}" for c in classes]].to_numpy()
        assert len(p) == len(te) and np.allclose(p.sum(axis=1), 1, atol=1e-9), "rows or sums"
        print(json.dumps({"outcore": multiclass_log_loss(np.searchsorted(classes, te.klass), p)}))
    elif cmd == "score_binary":
        te, pred = pd.read_csv(args[0]), read_predictions(args[1])
        assert len(pred) == len(te)
        p = pred[pred.columns[-1]].to_numpy()
        print(json.dumps({"log_loss": log_loss(te.label.to_numpy(), p), "mean_p": float(p.mean())}))
    else:
        sys.exit(__doc__)
