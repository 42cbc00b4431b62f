#!/usr/bin/env python3
"""outcore's reference workflow: the taxi-tip pipeline written the usual way, with pandas,
scikit-learn and dask, so that tests and benchmarks can compare outcore with it.

It mirrors examples/taxi_tip.toml step for step: keep seven columns, take the pickup hour,
lower-case the payment type, fix the category lists, one-hot encode them, standardise three
numeric columns (pandas' std: ddof=1), and fit scikit-learn's liblinear logistic regression.

Usage (Debian's python3 with python3-sklearn, python3-pandas, python3-dask):
  taxi_reference.py fit TRAIN.csv MODEL.pkl [TEST_SIZE [TOL]]
      TEST_SIZE: share held out for the test score (default 0.25; 0 fits on every row).
      TOL: liblinear's stopping tolerance (default 1e-4; 1e-10 runs to convergence, which is
      what a comparison of optima needs).
  taxi_reference.py proba MODEL.pkl INPUT.csv OUT.csv
      P(tip) of every row of one file, column `yhat`, in input order.
  taxi_reference.py predict MODEL.pkl 'GLOB' OUTDIR
      the out-of-core path: dask.dataframe over the files, map_partitions, CSV parts
      (Debian packages no Parquet engine for pandas).

Only classes and functions defined in this module go into the pickle, so a process that
loads one needs this module importable (tests add its folder to sys.path).
"""
import glob
import sys
import time

import joblib
import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline

TARGET = "Tip_Amt"
READ_DTYPES = {"vendor_name": "category", "Payment_Type": "category"}
DATE_COLUMNS = ["Trip_Pickup_DateTime", "Trip_Dropoff_DateTime"]
KEPT = ["vendor_name", "Trip_Pickup_DateTime", "Passenger_Count", "Trip_Distance",
        "Payment_Type", "Fare_Amt", "surcharge"]
CATEGORY_LISTS = {"vendor_name": ["CMT", "DDS", "VTS"],
                  "Payment_Type": ["cash", "credit", "dispute", "no charge"]}
SCALED = ["Trip_Distance", "Fare_Amt", "surcharge"]


class Keep(BaseEstimator, TransformerMixin):
    """Keeps the named columns, in that order."""

    def __init__(self, names):
        self.names = names

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X.loc[:, list(self.names)]


class PickupHour(BaseEstimator, TransformerMixin):
    """Replaces each named datetime column by its hour of day."""

    def __init__(self, names):
        self.names = names

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        out = X.copy()
        for name in self.names:
            out[name] = out[name].dt.hour
        return out


class LowerCase(BaseEstimator, TransformerMixin):
    """Lower-cases the named text columns."""

    def __init__(self, names):
        self.names = names

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        out = X.copy()
        for name in self.names:
            out[name] = out[name].str.lower()
        return out


class FixedCategories(BaseEstimator, TransformerMixin):
    """Gives each named column a fixed category list; other values become missing."""

    def __init__(self, lists):
        self.lists = lists

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        out = X.copy()
        for name, values in self.lists.items():
            out[name] = pd.Categorical(out[name], categories=values)
        return out


class OneHot(BaseEstimator, TransformerMixin):
    """pandas.get_dummies: one 0/1 column per category, after the other columns."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return pd.get_dummies(X)


class Standardise(BaseEstimator, TransformerMixin):
    """(x - mean) / std of the training data, pandas' std (ddof=1)."""

    def __init__(self, names):
        self.names = names

    def fit(self, X, y=None):
        self.mean_ = X[self.names].mean()
        self.std_ = X[self.names].std()
        return self

    def transform(self, X):
        out = X.copy()
        out[self.names] = (out[self.names] - self.mean_) / self.std_
        return out


def make(tol=1e-4):
    """The unfitted pipeline; tol below liblinear's default also raises max_iter."""
    converge = tol < 1e-4
    return Pipeline([
        ("keep", Keep(KEPT)),
        ("hour", PickupHour(["Trip_Pickup_DateTime"])),
        ("lower", LowerCase(["Payment_Type"])),
        ("categories", FixedCategories(CATEGORY_LISTS)),
        ("one_hot", OneHot()),
        ("scale", Standardise(SCALED)),
        ("model", LogisticRegression(solver="liblinear", tol=tol,
                                     max_iter=1000 if converge else 100)),
    ])


def read(path):
    return pd.read_csv(path, dtype=READ_DTYPES, parse_dates=DATE_COLUMNS)


def features_and_label(frame):
    return frame.drop(columns=[TARGET]), frame[TARGET] > 0


def fit(train, model_path, test_size="0.25", tol="1e-4"):
    test_size = float(test_size)
    started = time.time()
    X, y = features_and_label(read(train))
    read_seconds = time.time() - started
    if test_size > 0:
        X_fit, X_test, y_fit, y_test = train_test_split(X, y, test_size=test_size, random_state=0)
    else:
        X_fit, y_fit, X_test, y_test = X, y, None, None
    pipe = make(float(tol))
    started = time.time()
    pipe.fit(X_fit, y_fit)
    fit_seconds = time.time() - started
    line = (f"read {read_seconds:.2f}s fit {fit_seconds:.2f}s train_rows {len(X_fit)} "
            f"train_acc {pipe.score(X_fit, y_fit):.6f}")
    if X_test is not None:
        line += f" test_acc {pipe.score(X_test, y_test):.6f}"
    print(line)
    joblib.dump(pipe, model_path)


def proba(model_path, path, out):
    pipe = joblib.load(model_path)
    X, _ = features_and_label(read(path))
    pd.DataFrame({"yhat": pipe.predict_proba(X)[:, 1]}).to_csv(out, index=False)


def predict(model_path, pattern, outdir):
    import dask
    import dask.dataframe as dd
    dask.config.set(scheduler="threads")
    pipe = joblib.load(model_path)
    started = time.time()
    frame = dd.read_csv(sorted(glob.glob(pattern)), dtype=READ_DTYPES, parse_dates=DATE_COLUMNS,
                        blocksize=64_000_000)
    X = frame.drop(columns=[TARGET])

    def score(part):
        return pd.Series(pipe.predict_proba(part)[:, 1], index=part.index, name="yhat")

    yhat = X.map_partitions(score, meta=("yhat", "f8"))
    yhat.to_frame().to_csv(outdir + "/part-*.csv", index=False)
    print(f"predict+write {time.time() - started:.2f}s")


def design_matrix(pipe, frame):
    """The features the fitted pipeline hands its model (every step but the last)."""
    X, _ = features_and_label(frame)
    for _, step in pipe.steps[:-1]:
        X = step.transform(X)
    return X


if __name__ == "__main__":
    commands = {"fit": fit, "proba": proba, "predict": predict}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](*sys.argv[2:])
