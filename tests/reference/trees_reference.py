"""Data and reference models for the tree ensembles' quality tests and benchmarks.

  gen OUT.csv ROWS SEED           rows of generated data: numeric features x0..x7 (x3 with
                                  missing values), `label` (0/1) drawn from a logit with
                                  interactions and thresholds, and `value` (that logit plus noise)
  fit TRAIN.csv TEST.csv TASK     fits scikit-learn's HistGradientBoosting*, XGBoost (hist, the
                                  same settings) and a linear model on TRAIN, prints a JSON
                                  object of held-out metrics on TEST (TASK: classify | regress)
  score TEST.csv PRED_DIR TASK    outcore's held-out metric from its predictions (part-*.csv)
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
    else:
        sys.exit(__doc__)
