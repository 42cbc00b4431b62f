"""outcore.from_sklearn of scikit-learn's tree models: each class (binary, multiclass,
regression) fitted here, converted, and scored on new rows against scikit-learn's own
predict_proba / predict, among them values at and right next to every split threshold (in
float32 and in double); HistGradientBoosting with missing values; the headline pipeline
ColumnTransformer(OneHotEncoder, StandardScaler) + HistGradientBoostingClassifier; and each
refusal with its message."""

import json
import os
import tempfile
import unittest
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, GradientBoostingClassifier,
                              GradientBoostingRegressor, HistGradientBoostingClassifier, HistGradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from threadpoolctl import threadpool_limits

import outcore
from outcore import ConversionError, from_sklearn
from outcore._convert_trees import float32_threshold

TOLERANCE = 1e-9
# HistGradientBoosting's OpenMP threads spin for seconds on a busy 2-core machine: one thread.
threadpool_limits(limits=1, user_api="openmp")
COLUMNS = ["a", "b", "c", "d"]


def quiet(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args)


def make_data(n, seed):
    """Four numeric columns of different scales (one of small integers, where thresholds fall
    halfway between two values)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"a": rng.normal(0, 1, n), "b": rng.normal(1000, 300, n),
                         "c": rng.integers(0, 8, n).astype(float), "d": rng.exponential(1e-3, n)})


def targets(X, seed=3):
    rng = np.random.default_rng(seed)
    score = X["a"] + (X["b"] - 1000) / 300 + 0.3 * X["c"] - 2 + rng.normal(0, 0.7, len(X))
    return {"binary": (score > 0).astype(int).to_numpy(),
            "multiclass": np.array(["low", "mid", "high"])[np.digitize(score, [-1, 1])],
            "regression": score.to_numpy() * 10}


def split_thresholds(sk):
    """(feature, threshold) of every numeric split of a fitted tree model."""
    out = []
    if hasattr(sk, "_predictors"):
        for iteration in sk._predictors:
            for p in iteration:
                for node in p.nodes[~p.nodes["is_leaf"].astype(bool) & ~p.nodes["is_categorical"].astype(bool)]:
                    out.append((int(node["feature_idx"]), float(node["num_threshold"])))
        return out
    if hasattr(sk, "tree_"):
        trees = [sk]
    elif hasattr(sk, "estimators_"):
        trees = list(np.asarray(sk.estimators_).reshape(-1))
    for t in trees:
        inner = t.tree_.children_left >= 0
        out.extend(zip(t.tree_.feature[inner].tolist(), t.tree_.threshold[inner].tolist()))
    return out


def near_thresholds(sk, base, most=4000):
    """Rows of `base` whose one feature is set at or right next to a split's threshold t: t,
    the doubles next to t, the floats around t and the doubles next to those (the ones whose
    float32 rounding decides the side), and doubles halfway between those two floats (at most
    `most` rows, from splits chosen at random)."""
    rng = np.random.default_rng(5)
    splits = [(f, t) for f, t in split_thresholds(sk) if np.isfinite(t)]
    chosen = rng.permutation(len(splits))[:max(1, most // 10)]
    features, values = [], []
    for i in chosen:
        feature, t = splits[i]
        lo = np.float32(t)
        if float(lo) > t:
            lo = np.nextafter(lo, np.float32(-np.inf))
        lo, hi = float(lo), float(np.nextafter(lo, np.float32(np.inf)))
        mid = (lo + hi) / 2
        near = [t, np.nextafter(t, -np.inf), np.nextafter(t, np.inf), lo, hi, np.nextafter(lo, np.inf),
                np.nextafter(hi, -np.inf), mid, np.nextafter(mid, np.inf), np.nextafter(mid, -np.inf)]
        features += [feature] * len(near)
        values += near
    rows = base.to_numpy(dtype=np.float64)[rng.integers(0, len(base), len(values))]
    rows[np.arange(len(values)), features] = values
    return pd.DataFrame(rows, columns=base.columns)


class Float32Rule(unittest.TestCase):
    """The converted threshold t' makes float32(x) < float32(t') the same as float32(x) <= t."""

    def test_against_the_definition(self):
        rng = np.random.default_rng(0)
        floats = rng.normal(0, 1, 2000).astype(np.float32)
        ts = [float(f) for f in floats[:300]] + [float(f) + 1e-12 for f in floats[300:600]] + \
             [float(f) - 1e-12 for f in floats[600:900]] + [float(np.nextafter(f, np.float32(np.inf))) / 2 +
                                                            float(f) / 2 for f in floats[900:1200]]
        ts += [float(np.finfo(np.float32).max), 3.5e38, float(-np.finfo(np.float32).max), -3.5e38, 0.0, -0.0,
               float(np.finfo(np.float32).tiny) / 3, 1e-300]
        xs = np.concatenate([floats, np.array([np.finfo(np.float32).max, -np.finfo(np.float32).max, np.inf, -np.inf,
                                               0.0, -0.0, np.finfo(np.float32).tiny / 3], dtype=np.float32)])
        with np.errstate(over="ignore"):
            for t in ts:
                t2 = float32_threshold(t)
                self.assertTrue(np.isfinite(t2))
                near = np.array([np.float32(t), np.nextafter(np.float32(t), np.float32(np.inf)),
                                 np.nextafter(np.float32(t), np.float32(-np.inf))], dtype=np.float32)
                x = np.concatenate([xs, near])
                sklearn_left = x.astype(np.float64) <= t  # scikit-learn: the float32 value against a double
                outcore_left = x < np.float32(t2)  # float32(DBL_MAX) is +inf
                np.testing.assert_array_equal(sklearn_left, outcore_left, err_msg="t = %r, t' = %r" % (t, t2))

    def test_largest_float(self):
        # floor32(t) = FLT_MAX: the next float is +inf; the largest double stands for it.
        self.assertEqual(float32_threshold(3.5e38), float(np.finfo(np.float64).max))
        self.assertEqual(float32_threshold(float(np.finfo(np.float32).max)), float(np.finfo(np.float64).max))
        # Below every float: only -inf goes left, float32(x) < -FLT_MAX.
        self.assertEqual(float32_threshold(-3.5e38), float(-np.finfo(np.float32).max))


class Exactness(unittest.TestCase):
    """Each class, binary / multiclass / regression, on rows the conversion never saw."""

    @classmethod
    def setUpClass(cls):
        cls.X = make_data(800, 1)
        cls.y = targets(cls.X)
        cls.Xnew = make_data(300, 2)

    def compare(self, sk, task, Xnew=None, X=None):
        model = from_sklearn(sk, (self.X if X is None else X).head(10))
        Xnew = self.Xnew if Xnew is None else Xnew
        rows = pd.concat([Xnew, near_thresholds(sk, Xnew)], ignore_index=True)
        if task == "regression":
            expected = sk.predict(rows)
            got = quiet(model.predict, rows)
            np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE * max(1.0, np.abs(expected).max()))
        else:
            expected = sk.predict_proba(rows)
            got = quiet(model.predict_proba, rows)
            self.assertEqual(got.shape, expected.shape)
            np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE)
            np.testing.assert_array_equal(model.classes_, sk.classes_)
            # the near-threshold rows must be answered the same on both sides of each split
            np.testing.assert_array_equal(quiet(model.predict, rows), sk.predict(rows))
        return model

    def each_task(self, make, tasks=("binary", "multiclass", "regression")):
        for task in tasks:
            with self.subTest(task=task):
                sk = make(task).fit(self.X, self.y[task])
                self.compare(sk, task)

    def test_decision_tree(self):
        self.each_task(lambda task: DecisionTreeRegressor(max_depth=8, random_state=0) if task == "regression"
                       else DecisionTreeClassifier(random_state=0, class_weight="balanced" if task == "binary" else None))

    def test_random_forest(self):
        self.each_task(lambda task: RandomForestRegressor(n_estimators=15, max_depth=8, random_state=0)
                       if task == "regression" else RandomForestClassifier(n_estimators=15, random_state=0))

    def test_extra_trees(self):
        self.each_task(lambda task: ExtraTreesRegressor(n_estimators=15, max_depth=8, random_state=0)
                       if task == "regression" else ExtraTreesClassifier(n_estimators=15, random_state=0))

    def test_gradient_boosting(self):
        self.each_task(lambda task: GradientBoostingRegressor(n_estimators=30, random_state=0)
                       if task == "regression" else GradientBoostingClassifier(n_estimators=30, random_state=0))

    def test_gradient_boosting_losses(self):
        for loss in ("absolute_error", "huber", "quantile"):
            with self.subTest(loss=loss):
                self.compare(GradientBoostingRegressor(loss=loss, n_estimators=20, subsample=0.8, random_state=0)
                             .fit(self.X, self.y["regression"]), "regression")
        self.compare(GradientBoostingClassifier(loss="exponential", n_estimators=20, learning_rate=0.3, random_state=0)
                     .fit(self.X, self.y["binary"]), "binary")
        self.compare(GradientBoostingClassifier(init="zero", n_estimators=20, random_state=0)
                     .fit(self.X, self.y["multiclass"]), "multiclass")
        # Initial estimators whose prediction is the same for every row.
        for strategy in ("most_frequent", "uniform"):
            for task in ("binary", "multiclass"):
                with self.subTest(strategy=strategy, task=task):
                    self.compare(GradientBoostingClassifier(init=DummyClassifier(strategy=strategy), n_estimators=10,
                                                            random_state=0).fit(self.X, self.y[task]), task)

    def test_hist_gradient_boosting(self):
        self.each_task(lambda task: HistGradientBoostingRegressor(max_iter=30, random_state=0)
                       if task == "regression" else HistGradientBoostingClassifier(max_iter=30, random_state=0))

    def test_hist_gradient_boosting_losses(self):
        for loss in ("absolute_error", "quantile"):
            with self.subTest(loss=loss):
                self.compare(HistGradientBoostingRegressor(loss=loss, quantile=0.8 if loss == "quantile" else None,
                                                           max_iter=20, random_state=0)
                             .fit(self.X, self.y["regression"]), "regression")

    def test_hist_gradient_boosting_missing_values(self):
        # Missing values at fit (a side learned, splits on missingness itself: threshold +inf)
        # and at predict in a column that had none at fit (they go where scikit-learn sends them).
        X = self.X.copy()
        X.loc[X.index[::4], "a"] = np.nan
        y = (X["a"].isna() ^ (X["b"] > 1000)).astype(int).to_numpy()
        Xnew = self.Xnew.copy()
        Xnew.loc[Xnew.index[::3], "a"] = np.nan
        Xnew.loc[Xnew.index[1::5], "b"] = np.nan
        for sk, task in ((HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y), "binary"),
                         (HistGradientBoostingRegressor(max_iter=20, random_state=0).fit(X, y * 3.0), "regression")):
            with self.subTest(task=task):
                self.assertIn(np.inf, [t for _, t in split_thresholds(sk)])  # a split on missingness
                self.compare(sk, task, Xnew)

    def test_missing_value_in_sklearn_trees_is_an_empty_prediction(self):
        # scikit-learn's own trees refuse NaN; the converted ones give such a row NaN (an empty
        # yhat in `outcore predict`), as outcore's converted linear models do, and score the rest.
        sk = RandomForestClassifier(n_estimators=5, random_state=0).fit(self.X, self.y["multiclass"])
        model = from_sklearn(sk, self.X.head(10))
        Xnew = self.Xnew.copy()
        Xnew.loc[Xnew.index[::7], "b"] = np.nan
        got = quiet(model.predict_proba, Xnew)
        missing = Xnew["b"].isna().to_numpy()
        self.assertTrue(np.isnan(got[missing]).all())
        np.testing.assert_allclose(got[~missing], sk.predict_proba(Xnew[~missing]), rtol=0, atol=TOLERANCE)
        with self.assertRaises(ValueError):
            sk.predict_proba(Xnew)
        self.assertEqual(json.loads(model_json(model))["estimator"]["params"], {"missing": "empty"})

    def test_hist_gradient_boosting_native_categorical(self):
        # categorical_features: integer-coded columns (c: 0..7; e: 0..29 with missing values at
        # fit) split on category sets. New rows hold every category, categories unseen at fit,
        # fractions of categories (scikit-learn truncates), negative values and NaN (the missing
        # side), in both categorical columns.
        def frame(n, seed):
            rng = np.random.default_rng(seed)
            f = make_data(n, seed)
            f["e"] = rng.integers(0, 30, n).astype(float)
            return f
        X, Xnew = frame(1500, 21), frame(600, 22)
        X.loc[X.index[::9], "e"] = np.nan
        odd = np.array([np.nan, -1.0, -0.5, 0.5, 2.99, 7.0, 8.0, 31.0, 30.0, 100.0, 255.0, 254.5, -0.0, 29.0])
        for column in ("c", "e"):
            Xnew.loc[Xnew.index[:len(odd) * 20], column] = np.tile(odd, 20)[:len(Xnew.index[:len(odd) * 20])]
        Xnew = Xnew.sample(frac=1.0, random_state=0)
        score = np.isin(X["c"], [1, 4, 6]) * 1.5 - np.isin(X["e"], [3, 7, 11, 19, 23]) + X["a"] + \
            X["e"].isna() * 0.8
        y = {"binary": (score > 0.4).astype(int).to_numpy(),
             "multiclass": np.digitize(score, [-0.5, 1.0]),
             "regression": score.to_numpy() * 3}
        for task in ("binary", "multiclass", "regression"):
            with self.subTest(task=task):
                make = HistGradientBoostingRegressor if task == "regression" else HistGradientBoostingClassifier
                sk = make(max_iter=30, categorical_features=[2, 4], random_state=0).fit(X, y[task])
                self.assertTrue(any(p.nodes["is_categorical"][~p.nodes["is_leaf"].astype(bool)].any()
                                    for it in sk._predictors for p in it))
                model = self.compare(sk, task, Xnew, X)
                state = json.loads(model_json(model))["estimator"]["state"]
                self.assertTrue(any(c is not None for t in state["trees"] for c in t.get("categories", [])))

    def test_headline_pipeline(self):
        # The case: ColumnTransformer(OneHotEncoder, StandardScaler) + HistGradientBoosting.
        rng = np.random.default_rng(7)
        def frame(n, seed):
            r = np.random.default_rng(seed)
            f = make_data(n, seed)
            f["vendor"] = np.array(["CMT", "VTS", "DDS"])[r.integers(0, 3, n)]
            return f
        X, Xnew = frame(1000, 8), frame(400, 9)
        Xnew.loc[Xnew.index[::11], "vendor"] = "NEWCO"
        y = ((X["a"] + (X["vendor"] == "VTS") + rng.normal(0, 0.5, len(X))) > 0.5).astype(int)
        pre = ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), ["vendor"]),
                                 ("num", StandardScaler(), COLUMNS)])
        for y_, task in ((y, "binary"), (np.digitize(X["a"] + X["c"] / 4, [0, 1.5]), "multiclass")):
            with self.subTest(task=task):
                sk = make_pipeline(pre, HistGradientBoostingClassifier(max_iter=40, random_state=0)).fit(X, y_)
                model = from_sklearn(sk, X.head(10))
                np.testing.assert_allclose(quiet(model.predict_proba, Xnew), sk.predict_proba(Xnew), rtol=0,
                                           atol=TOLERANCE)
                with tempfile.TemporaryDirectory() as tmp:
                    model.save(os.path.join(tmp, "m.json"))
                    again = outcore.load(os.path.join(tmp, "m.json"))
                    np.testing.assert_array_equal(quiet(again.predict_proba, Xnew), quiet(model.predict_proba, Xnew))


def model_json(model):
    with tempfile.TemporaryDirectory() as tmp:
        model.save(os.path.join(tmp, "m.json"))
        with open(os.path.join(tmp, "m.json")) as f:
            return f.read()


class Refusals(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.X = make_data(300, 1)
        cls.y = targets(cls.X)

    def refused(self, sk, pattern, X=None):
        with self.assertRaisesRegex(ConversionError, pattern):
            from_sklearn(sk, (self.X if X is None else X).head(5))

    def test_multi_output(self):
        Y = np.column_stack([self.y["regression"], -self.y["regression"]])
        self.refused(RandomForestRegressor(n_estimators=3).fit(self.X, Y),
                     r"cannot convert RandomForestRegressor: it predicts 2 targets")
        Yc = np.column_stack([self.y["binary"], 1 - self.y["binary"]])
        self.refused(DecisionTreeClassifier().fit(self.X, Yc), r"cannot convert DecisionTreeClassifier: it predicts")

    def test_poisson(self):
        sk = HistGradientBoostingRegressor(loss="poisson", max_iter=5).fit(self.X, np.abs(self.y["regression"]))
        self.refused(sk, r"cannot convert HistGradientBoostingRegressor\(loss='poisson'\): its prediction is "
                         r"LogLink of the raw score")

    def test_custom_init(self):
        sk = GradientBoostingRegressor(init=LinearRegression(), n_estimators=5).fit(self.X, self.y["regression"])
        self.refused(sk, r"cannot convert GradientBoostingRegressor: init=LinearRegression: only the default "
                         r"initial estimator")
        sk = GradientBoostingClassifier(init=DummyClassifier(strategy="stratified"), n_estimators=5).fit(
            self.X, self.y["binary"])
        self.refused(sk, r"cannot convert GradientBoostingClassifier: its initial estimator is "
                         r"DummyClassifier\(strategy='stratified'\), whose predictions are random draws")

    def test_too_many_nodes(self):
        X = make_data(20000, 4)
        y = np.random.default_rng(0).integers(0, 2, len(X))  # noise: every tree grows to ~2 nodes a row
        sk = ExtraTreesClassifier(n_estimators=40, random_state=0).fit(X, y)
        self.assertGreater(sum(t.tree_.node_count for t in sk.estimators_) * 6, 4194304)
        self.refused(sk, r"cannot convert ExtraTreesClassifier: its trees have \d+ nodes, more than a model file "
                         r"holds \(\d+: at most 4194304 JSON values", X)

    def test_unknown_params_in_a_model_file(self):
        sk = DecisionTreeRegressor(max_depth=3).fit(self.X, self.y["regression"])
        text = json.loads(model_json(from_sklearn(sk, self.X.head(5))))
        text["estimator"]["params"]["missing"] = "maybe"
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.json")
            with open(path, "w") as f:
                json.dump(text, f)
            with self.assertRaisesRegex(Exception, r"tree_ensemble_regressor: parameter 'missing' has unknown value 'maybe'"):
                outcore.load(path)


if __name__ == "__main__":
    unittest.main()
