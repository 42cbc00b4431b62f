"""Data and scikit-learn references for the random forests' quality test (tests/e2e/forest_quality.sh).

  gen OUT.csv ROWS SEED           trees_reference.py's data (x0..x7, x3 with missing values, `label`,
                                  `value`) plus `segment`: one of 4 classes ("a".."d") drawn from
                                  logits with interactions and thresholds
  fit TRAIN.csv TEST.csv TASK DEPTH LEAF [CLASS_WEIGHT]
                                  fits scikit-learn's RandomForest* (100 trees, max_depth DEPTH,
                                  min_samples_leaf LEAF, 1.2's other defaults, 2 jobs) on TRAIN; prints
                                  {"sklearn": held-out metric, "seconds": fit time} (TASK: classify |
                                  regress | multiclass; log loss, MSE, log loss); CLASS_WEIGHT:
                                  the classifier's class_weight ("balanced")
  score TEST.csv PRED_DIR TASK    outcore's held-out metric from its predictions (part-*.csv)

scikit-learn 1.2's forests take no missing values: x3's are given to them as -1e9, below every
value, which a tree can send either way as outcore's missing-value bin can.
"""
import glob
import json
import os
import sys
import time

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import trees_reference  # noqa: E402

FEATURES = trees_reference.FEATURES
CLASSES = ["a", "b", "c", "d"]


def gen(out, rows, seed):
    trees_reference.gen(out, rows, seed)
    df = pd.read_csv(out)
    rng = np.random.default_rng(seed + 1000)
    X = df[FEATURES].to_numpy()
    x = [X[:, i] for i in range(8)]
    x3 = np.nan_to_num(x[3], nan=0.0)
    z = np.stack([
        np.zeros(rows),
        trees_reference.logit(X),
        1.5 * (x[2] > 0.2) * (x[5] < 0.5) - 1.0 * x[1] * x[4] + 0.5 * np.isnan(x[3]) - 0.3,
        np.cos(2 * x[0]) + 0.8 * (x[7] >= 3) - 0.6 * x3 - 0.5,
    ], axis=1) + rng.gumbel(size=(rows, 4))
    df["segment"] = np.array(CLASSES)[z.argmax(axis=1)]
    df.to_csv(out, index=False, float_format="%.17g")


def log_loss(y, p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def multi_log_loss(y, P, classes):
    P = np.clip(P, 1e-15, 1)
    P = P / P.sum(axis=1, keepdims=True)
    index = np.searchsorted(classes, y)
    return float(-np.mean(np.log(P[np.arange(len(y)), index])))


def fit(train, test, task, depth, leaf, class_weight=None, threads=2):
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    tr, te = pd.read_csv(train), pd.read_csv(test)
    Xtr = np.nan_to_num(tr[FEATURES].to_numpy(), nan=-1e9)
    Xte = np.nan_to_num(te[FEATURES].to_numpy(), nan=-1e9)
    settings = dict(n_estimators=100, max_depth=int(depth), min_samples_leaf=int(leaf), random_state=0,
                    n_jobs=threads)
    start = time.perf_counter()
    if task == "classify":
        model = RandomForestClassifier(class_weight=class_weight, **settings).fit(Xtr, tr.label.to_numpy())
        metric = log_loss(te.label.to_numpy(), model.predict_proba(Xte)[:, 1])
    elif task == "multiclass":
        model = RandomForestClassifier(**settings).fit(Xtr, tr.segment.to_numpy())
        metric = multi_log_loss(te.segment.to_numpy(), model.predict_proba(Xte), list(model.classes_))
    else:
        model = RandomForestRegressor(**settings).fit(Xtr, tr.value.to_numpy())
        metric = float(np.mean((te.value.to_numpy() - model.predict(Xte)) ** 2))
    seconds = time.perf_counter() - start  # fit and predict, as outcore's fit + predict below
    print(json.dumps({"sklearn": metric, "seconds": seconds}))


def score(test, pred_dir, task):
    te = pd.read_csv(test)
    pred = pd.concat([pd.read_csv(p, keep_default_na=False, na_values=[""])
                      for p in sorted(glob.glob(f"{pred_dir}/part-*.csv"))], ignore_index=True)
    assert len(pred) == len(te), (len(pred), len(te))
    if task == "classify":
        metric = log_loss(te.label.to_numpy(), pred.yhat.to_numpy())
    elif task == "multiclass":
        P = pred[[f"p_{c}" for c in CLASSES]].to_numpy()
        assert np.allclose(P.sum(axis=1), 1.0, atol=1e-9), "class probabilities do not sum to 1"
        assert (pred.yhat.to_numpy() == np.array(CLASSES)[P.argmax(axis=1)]).all(), "yhat is not the most probable class"
        metric = multi_log_loss(te.segment.to_numpy(), P, CLASSES)
    else:
        metric = float(np.mean((te.value.to_numpy() - pred.yhat.to_numpy()) ** 2))
    print(json.dumps({"outcore": metric}))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "gen":
        gen(args[0], int(args[1]), int(args[2]))
    elif cmd == "fit":
        fit(*args[:6])
    elif cmd == "score":
        score(*args)
    else:
        sys.exit(__doc__)
