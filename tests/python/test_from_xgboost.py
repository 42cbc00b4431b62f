"""outcore.from_xgboost against XGBoost itself: XGBClassifier (binary, 3 classes), XGBRegressor
and a plain Booster, converted in this process, predict what XGBoost predicts (within 1e-6, on
rows with missing values the conversion never saw), save and load, score with `outcore
predict`; what cannot be converted raises ConversionError naming the part."""

import json
import os
import tempfile
import unittest

import numpy as np
import pandas as pd
import xgboost as xgb

import outcore
import support
from outcore._convert_common import ConversionError

COLUMNS = ["a", "b", "c", "d"]


def frame(seed, n):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 4)), columns=COLUMNS)
    X.loc[rng.random(n) < 0.15, "b"] = np.nan
    X.loc[rng.random(n) < 0.05, "d"] = np.nan
    X["c"] = (X["c"] * 1000).round() / 1000 + 1e-9  # values near each other and near thresholds
    score = X["a"] + X["b"].fillna(0.7) - 0.5 * X["c"] + 0.3 * X["d"].fillna(-1)
    return X, score + rng.normal(scale=0.3, size=n)


class FromXGBoost(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.X, cls.score = frame(1, 1500)
        cls.Xt, _ = frame(2, 1000)  # never seen by the conversion
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def fit(self, estimator, y):
        return estimator.fit(self.X, y)

    def test_binary_classifier(self):
        model = self.fit(xgb.XGBClassifier(n_estimators=40, max_depth=4, n_jobs=2), (self.score > 0).astype(int))
        pipe = outcore.from_xgboost(model, self.X.head(50))
        np.testing.assert_array_equal(pipe.classes_, model.classes_)
        ours = pipe.predict_proba(self.Xt)
        theirs = model.predict_proba(self.Xt)
        self.assertEqual(ours.shape, theirs.shape)
        self.assertLessEqual(np.abs(ours - theirs).max(), 1e-6)
        np.testing.assert_array_equal(pipe.predict(self.Xt), model.predict(self.Xt))

        # Saved, then scored by the CLI: the same numbers from a CSV (written to round-trip).
        path = os.path.join(self.tmp.name, "binary.json")
        pipe.save(path)
        with open(path) as f:
            info = json.load(f)["training"]["imported_from"]
        self.assertEqual((info["library"], info["objective"], info["num_trees"]), ("xgboost", "binary:logistic", 40))
        self.assertEqual(info["version"], ".".join(xgb.__version__.split(".")[:3]))
        csv = os.path.join(self.tmp.name, "test.csv")
        self.Xt.to_csv(csv, index=False, float_format="%.17g")
        out = os.path.join(self.tmp.name, "pred_binary")
        support.run("predict", path, csv, "-o", out, "--format", "csv", "--quiet")
        cli = support.read_parts(out)["yhat"].to_numpy()
        self.assertLessEqual(np.abs(cli - theirs[:, 1]).max(), 1e-6)
        again = outcore.load(path)
        self.assertLessEqual(np.abs(again.predict_proba(self.Xt) - theirs).max(), 1e-6)

    def test_multiclass_classifier(self):
        y = np.digitize(self.score, [-0.5, 0.5])
        model = self.fit(xgb.XGBClassifier(n_estimators=20, max_depth=3, n_jobs=2), y)
        pipe = outcore.from_xgboost(model, self.X)
        np.testing.assert_array_equal(pipe.classes_, [0, 1, 2])
        self.assertLessEqual(np.abs(pipe.predict_proba(self.Xt) - model.predict_proba(self.Xt)).max(), 1e-6)

    def test_softprob_with_two_classes(self):
        # One sigmoid output, sigmoid(r1 - r0), for softmax over two classes.
        booster = xgb.train({"objective": "multi:softprob", "num_class": 2, "max_depth": 3, "nthread": 2},
                            xgb.DMatrix(self.X, label=(self.score > 0).astype(int)), 15)
        pipe = outcore.from_xgboost(booster, self.X)
        np.testing.assert_array_equal(pipe.classes_, [0, 1])
        theirs = booster.predict(xgb.DMatrix(self.Xt))
        self.assertEqual(theirs.shape, (len(self.Xt), 2))
        self.assertLessEqual(np.abs(pipe.predict_proba(self.Xt) - theirs).max(), 1e-6)

    def test_parallel_trees(self):
        # XGBoost's random forests: num_parallel_tree trees per round, all summed.
        model = self.fit(xgb.XGBRFClassifier(n_estimators=15, max_depth=4, n_jobs=2), (self.score > 0).astype(int))
        pipe = outcore.from_xgboost(model, self.X)
        self.assertLessEqual(np.abs(pipe.predict_proba(self.Xt) - model.predict_proba(self.Xt)).max(), 1e-6)

    def test_early_stopping_rounds(self):
        # Early stopping records best_iteration: XGBClassifier/XGBRegressor.predict score the
        # first best_iteration + 1 rounds, Booster.predict all of them, predict(iteration_range=)
        # the rounds asked for; the converted model does what the converted object does. Three
        # classes: a round is three trees.
        labels = np.digitize(self.score, [-0.5, 0.8])
        Xv, score_v = frame(3, 600)
        for make, y, yv in ((xgb.XGBClassifier, labels, np.digitize(score_v, [-0.5, 0.8])),
                            (xgb.XGBRegressor, 10 * self.score, 10 * score_v)):
            with self.subTest(model=make.__name__):
                # A high learning rate overfits fast: the held-out loss turns within the 300 rounds.
                model = make(n_estimators=300, max_depth=6, learning_rate=0.9, early_stopping_rounds=3, n_jobs=2)
                model.fit(self.X, y, eval_set=[(Xv, yv)], verbose=False)
                booster = model.get_booster()
                self.assertLess(model.best_iteration + 1, booster.num_boosted_rounds())
                ours = outcore.from_xgboost(model, self.X.head(20))
                if make is xgb.XGBClassifier:
                    got, want = ours.predict_proba(self.Xt), model.predict_proba(self.Xt)
                else:
                    got, want = ours.predict(self.Xt), model.predict(self.Xt)
                self.assertLessEqual(np.abs(got - want).max(), 1e-6 * max(1.0, np.abs(want).max()))
                every = booster.predict(xgb.DMatrix(self.Xt))
                self.assertGreater(np.abs(every - want).max(), 1e-3)  # the rounds matter here
                whole = outcore.from_xgboost(booster, self.X.head(20))
                got = whole.predict_proba(self.Xt) if make is xgb.XGBClassifier else whole.predict(self.Xt)
                self.assertLessEqual(np.abs(got - every).max(), 1e-6 * max(1.0, np.abs(every).max()))
                some = outcore.from_xgboost(model, self.X.head(20), iteration_range=(1, 3))
                want = (model.predict_proba if make is xgb.XGBClassifier else model.predict)(self.Xt, iteration_range=(1, 3))
                got = some.predict_proba(self.Xt) if make is xgb.XGBClassifier else some.predict(self.Xt)
                self.assertLessEqual(np.abs(got - want).max(), 1e-6 * max(1.0, np.abs(want).max()))
                path = os.path.join(self.tmp.name, "early.json")
                ours.save(path)
                with open(path) as f:
                    info = json.load(f)["training"]["imported_from"]
                self.assertEqual(info["rounds"], [0, model.best_iteration + 1])
                self.assertEqual(info["best_iteration"], model.best_iteration)
                self.assertEqual(info["num_rounds"], booster.num_boosted_rounds())
                with self.assertRaisesRegex(ConversionError, r"the rounds 0 to 999 are not within the booster's \d+ "
                                                             r"rounds"):
                    outcore.from_xgboost(model, self.X.head(20), iteration_range=(0, 1000))

    def test_categorical_features(self):
        # enable_categorical: pandas categorical columns reach XGBoost as their codes; "zone" has
        # 45 categories (partition splits), "kind" 3 (one-hot splits, max_cat_to_onehot=4).
        # New rows hold every category, missing values and, for outcore, values outside the
        # dtype's categories (which pandas, and so XGBoost, sees as missing).
        rng = np.random.default_rng(12)
        zones = ["z%02d" % i for i in range(45)]
        kinds = ["cash", "card", "other"]
        def data(n, seed):
            r = np.random.default_rng(seed)
            X = self.X.sample(n, replace=True, random_state=seed).reset_index(drop=True)
            X["zone"] = np.array(zones)[r.integers(0, 45, n)].astype(object)
            X["kind"] = np.array(kinds)[r.integers(0, 3, n)].astype(object)
            X.loc[X.index[::13], "zone"] = None
            return X
        X, Xt = data(3000, 1), data(1200, 2)
        Xt.loc[Xt.index[5::17], "zone"] = "z99"  # unknown
        Xt.loc[Xt.index[7::19], "kind"] = "crypto"
        score = X["a"] + X["zone"].isin(zones[::3]) * 1.5 - (X["kind"] == "cash") + X["zone"].isna()
        as_categories = lambda F: F.assign(zone=pd.Categorical(F["zone"], categories=zones),
                                           kind=pd.Categorical(F["kind"], categories=kinds))
        for make, y in ((xgb.XGBClassifier, (score > 0.5).astype(int)), (xgb.XGBClassifier, np.digitize(score, [0, 1])),
                        (xgb.XGBRegressor, 10 * score)):
            with self.subTest(model=make.__name__, classes=len(np.unique(y))):
                model = make(tree_method="hist", enable_categorical=True, max_cat_to_onehot=4, n_estimators=30,
                             max_depth=4, n_jobs=2).fit(as_categories(X), y)
                split_types = [t["split_type"] for t in json.loads(model.get_booster().save_raw("json"))["learner"]
                               ["gradient_booster"]["model"]["trees"]]
                self.assertTrue(any(1 in types for types in split_types))
                pipe = outcore.from_xgboost(model, as_categories(X).head(50))
                if make is xgb.XGBClassifier:
                    ours, theirs = pipe.predict_proba(Xt), model.predict_proba(as_categories(Xt))
                else:
                    ours, theirs = pipe.predict(Xt), model.predict(as_categories(Xt))
                self.assertLessEqual(np.abs(ours - theirs).max(), 1e-6 * max(1.0, np.abs(theirs).max()))

    def test_regressor_and_booster_without_names(self):
        # XGBoost adds its float32 leaves in float32, from its base score, tree after tree; so
        # does outcore for an imported booster: the predictions are XGBoost's exactly, also far
        # from magnitude 1 (a double sum would differ by more than 1e-6 there).
        model = self.fit(xgb.XGBRegressor(n_estimators=40, max_depth=5, n_jobs=2), 30 * self.score + 50)
        pipe = outcore.from_xgboost(model, self.X.head(10))
        theirs = model.predict(self.Xt)
        np.testing.assert_array_equal(pipe.predict(self.Xt), theirs.astype(np.float64))

        # A Booster trained on a NumPy array has no feature names: X_sample's columns, by count.
        booster = xgb.train({"objective": "binary:logistic", "max_depth": 3, "base_score": 0.2, "nthread": 2},
                            xgb.DMatrix(self.X.to_numpy(), label=(self.score > 0.5).astype(int)), 15)
        pipe = outcore.from_xgboost(booster, self.X.head(10))
        theirs = booster.predict(xgb.DMatrix(self.Xt.to_numpy()))
        self.assertLessEqual(np.abs(pipe.predict_proba(self.Xt)[:, 1] - theirs).max(), 1e-6)
        with self.assertRaisesRegex(ConversionError, r"the booster has 4 features \(and no feature names\) but "
                                                     r"X_sample has 3 columns \[a, b, c\]"):
            outcore.from_xgboost(booster, self.X[["a", "b", "c"]])

    def test_refusals(self):
        y = (self.score > 0).astype(int)
        d = xgb.DMatrix(self.X, label=y)
        dart = xgb.train({"booster": "dart", "objective": "binary:logistic", "max_depth": 2}, d, 2)
        with self.assertRaisesRegex(ConversionError, r'cannot convert xgboost.Booster: .*learner.gradient_booster.name is "dart"'):
            outcore.from_xgboost(dart, self.X)
        linear = xgb.XGBClassifier(booster="gblinear", n_estimators=2).fit(self.X, y)
        with self.assertRaisesRegex(ConversionError, r'cannot convert XGBClassifier: .*"gblinear": a linear booster'):
            outcore.from_xgboost(linear, self.X)
        huber = xgb.XGBRegressor(objective="reg:absoluteerror", n_estimators=2).fit(self.X, self.score)
        with self.assertRaisesRegex(ConversionError, r'learner.objective.name is "reg:absoluteerror"'):
            outcore.from_xgboost(huber, self.X)
        named = xgb.XGBClassifier(n_estimators=2).fit(self.X, y)
        with self.assertRaisesRegex(ConversionError, r"the booster's features \[a, b, c, d\] are not all columns of "
                                                     r"X_sample \[a, b, x, d\] \(missing: c\)"):
            outcore.from_xgboost(named, self.X.rename(columns={"c": "x"}))
        sentinel = xgb.XGBClassifier(n_estimators=2, missing=-999.0).fit(self.X, y)
        with self.assertRaisesRegex(ConversionError, r"cannot convert XGBClassifier\(missing=-999.0\): XGBoost scores "
                                                     r"that value as missing"):
            outcore.from_xgboost(sentinel, self.X)
        with self.assertRaisesRegex(ConversionError, r"cannot convert 'str'"):
            outcore.from_xgboost("model.json", self.X)
        with self.assertRaisesRegex(ConversionError, r"X_sample must be a pandas DataFrame"):
            outcore.from_xgboost(named, self.X.to_numpy())


if __name__ == "__main__":
    unittest.main()
