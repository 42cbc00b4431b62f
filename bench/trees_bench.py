"""Times of gradient boosting on ROWS rows of tests/reference/trees_reference.py's data, all in
one process on the same arrays: outcore (the Python module: fit, and predict_proba, which scores
in-memory batches on every core) vs XGBoost (hist, lossguide, the same settings, THREADS
threads) vs scikit-learn's HistGradientBoostingClassifier (early stopping off everywhere, so
that each fits 100 trees). Prints one JSON object of seconds and held-out-free train log loss.
Usage: trees_bench.py DATA.csv THREADS"""
import json
import sys
import time

import numpy as np
import pandas as pd

import outcore
import xgboost
from sklearn.ensemble import HistGradientBoostingClassifier

path, threads = sys.argv[1], int(sys.argv[2])
df = pd.read_csv(path)
X = df[[f"x{i}" for i in range(8)]].to_numpy()
y = df.label.to_numpy()
out = {"rows": len(y), "threads": threads}


def timed(name, fn):
    start = time.perf_counter()
    result = fn()
    out[name] = round(time.perf_counter() - start, 3)
    return result


def log_loss(p):
    p = np.clip(p, 1e-15, 1 - 1e-15)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


ours = timed("outcore_fit", lambda: outcore.GradientBoostingClassifier(early_stopping=False).fit(X, y))
p = timed("outcore_predict", lambda: ours.predict_proba(X)[:, 1])
out["outcore_log_loss"] = log_loss(p)
xgb = xgboost.XGBClassifier(tree_method="hist", grow_policy="lossguide", max_leaves=31, max_depth=0,
                            n_estimators=100, learning_rate=0.1, max_bin=255, reg_lambda=0.0,
                            min_child_weight=1e-3, n_jobs=threads, base_score=float(y.mean()))
timed("xgboost_fit", lambda: xgb.fit(X, y))
p = timed("xgboost_predict", lambda: xgb.predict_proba(X)[:, 1])
out["xgboost_log_loss"] = log_loss(p)
hgb = HistGradientBoostingClassifier(early_stopping=False, random_state=0)
timed("sklearn_fit", lambda: hgb.fit(X, y))
p = timed("sklearn_predict", lambda: hgb.predict_proba(X)[:, 1])
out["sklearn_log_loss"] = log_loss(p)
print(json.dumps(out))
