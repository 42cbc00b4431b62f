"""The scikit-learn contract: generated classes, get_params / set_params / clone, check_estimator,
NumPy input, errors."""

import inspect
import json
import pickle
import unittest
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import check_estimator

import outcore
from outcore import _outcore

# Checks of check_estimator that outcore declares as not applying (estimator tag
# _xfail_checks, with the reason; docs/python.md explains each).
EXPECTED_SKIPS = {
    "Pipeline": {"check_estimators_nan_inf", "check_estimators_overwrite_params",
                 "check_parameters_default_constructible"},
    "LogisticRegression": {"check_estimators_nan_inf"},
    "LinearRegression": {"check_estimators_nan_inf"},
    "Ridge": {"check_estimators_nan_inf"},
    "OneHot": set(),
    "GradientBoostingClassifier": {"check_estimators_nan_inf"},
    "GradientBoostingRegressor": {"check_estimators_nan_inf"},
    "RandomForestClassifier": {"check_estimators_nan_inf"},
    "RandomForestRegressor": {"check_estimators_nan_inf"},
}


def run_checks(estimator):
    """(failures, skipped) of scikit-learn's check_estimator over `estimator`."""
    from unittest import SkipTest
    failures, skipped = [], set()
    for est, check in check_estimator(estimator, generate_only=True):
        name = getattr(check, "func", check).__name__
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                check(est)
        except SkipTest:
            skipped.add(name)
        except Exception as e:  # noqa: BLE001 - report every failing check
            failures.append("%s: %s: %s" % (name, type(e).__name__, str(e).splitlines()[0] if str(e) else ""))
    return failures, skipped


class RegistryTest(unittest.TestCase):
    def test_every_registered_kind_has_a_class(self):
        registry = json.loads(_outcore.registry())
        for entry in registry["steps"] + registry["estimators"]:
            cls = getattr(outcore, outcore.registry.class_name(entry["kind"]))
            self.assertEqual(cls.kind, entry["kind"])
            self.assertEqual(list(inspect.signature(cls).parameters), entry["params"])
            self.assertIn(entry["doc"][1:], cls.__doc__)
        self.assertTrue(is_classifier(outcore.LogisticRegression()))
        self.assertTrue(is_regressor(outcore.Ridge()))

    def test_names_and_defaults(self):
        self.assertEqual(outcore.OneHot.__name__, "OneHot")
        self.assertEqual(outcore.LogisticRegression().get_params(),
                         {"C": 1.0, "tol": 1e-10, "max_iter": 100, "fit_intercept": True, "intercept_scaling": 1.0,
                          "multi_class": "auto", "class_weight": None})
        self.assertEqual(outcore.StandardScaler().get_params(),
                         {"columns": None, "ddof": 0, "with_mean": True, "with_std": True})
        with self.assertRaises(TypeError):
            outcore.Ridge(alhpa=1.0)

    def test_bad_parameter_is_a_model_error_at_fit(self):
        X, y = np.random.RandomState(0).normal(size=(20, 2)), np.arange(20) % 2
        with self.assertRaises(outcore.ModelError) as caught:
            outcore.LogisticRegression(C=-1.0).fit(X, y)
        self.assertIsInstance(caught.exception, ValueError)
        self.assertEqual(caught.exception.code, 5)
        self.assertIn("C", str(caught.exception))


class ParamsTest(unittest.TestCase):
    def pipeline(self):
        return outcore.make_pipeline(
            outcore.Select(columns=["a", "b", "when"]), outcore.DatetimePart(columns=["when"], parts=["hour", "month"]),
            outcore.Imputer(columns=["a"], strategy="median"), outcore.OneHot(),
            outcore.StandardScaler(columns=["a"], ddof=1), outcore.LogisticRegression(C=0.5),
            target="y > 0")

    def test_get_params_round_trips_through_clone(self):
        pipe = self.pipeline()
        copy = clone(pipe)
        self.assertIsNot(copy.steps[0][1], pipe.steps[0][1])
        a, b = pipe.get_params(deep=True), copy.get_params(deep=True)
        self.assertEqual(a.keys(), b.keys())
        for key in a:
            if not hasattr(a[key], "get_params") and key != "steps":
                self.assertEqual(a[key], b[key], key)
        self.assertEqual(a["logistic_regression__C"], 0.5)
        self.assertEqual(a["datetime_part__parts"], ["hour", "month"])

    def test_set_params_nested_and_step_replacement(self):
        pipe = self.pipeline()
        pipe.set_params(logistic_regression__C=2.0, standard_scaler=outcore.StandardScaler(columns=["b"]))
        self.assertEqual(pipe.named_steps["logistic_regression"].C, 2.0)
        self.assertEqual(pipe.named_steps["standard_scaler"].columns, ["b"])
        for cls in outcore.estimators.STEP_CLASSES + outcore.estimators.ESTIMATOR_CLASSES:
            obj = cls()
            self.assertEqual(clone(obj).get_params(), obj.get_params())

    def test_fit_returns_self_and_learns_attributes_ending_in_underscore(self):
        rng = np.random.RandomState(1)
        df = pd.DataFrame({"a": rng.normal(size=300), "b": rng.choice(["x", "y", "z"], 300),
                           "when": pd.date_range("2020-01-01", periods=300, freq="7h"),
                           "y": rng.normal(size=300)})
        df.loc[::17, "a"] = np.nan
        pipe = self.pipeline()
        before = {k: v for k, v in vars(pipe).items()}
        self.assertIs(pipe.fit(df), pipe)
        learned = set(vars(pipe)) - set(before)
        self.assertTrue(learned and all(k.endswith("_") for k in learned), learned)
        self.assertEqual(pipe.get_feature_names_out().tolist(),
                         ["a", "when_hour", "when_month", "b_x", "b_y", "b_z"])
        self.assertEqual(pipe.named_steps["one_hot"].get_feature_names_out().tolist()[-3:], ["b_x", "b_y", "b_z"])
        self.assertEqual(pipe.classes_.tolist(), [False, True])
        # The fitted pipeline pickles (Dask ships it to workers so) and clones unfitted.
        again = pickle.loads(pickle.dumps(pipe))
        np.testing.assert_array_equal(again.predict_proba(df), pipe.predict_proba(df))
        with self.assertRaises(NotFittedError):
            clone(pipe).predict(df)

    def test_standalone_step_transforms_pandas_and_numpy(self):
        df = pd.DataFrame({"c": pd.Categorical(["b", "a", None, "b"]), "v": [1.0, 2.0, 3.0, np.nan]})
        step = outcore.OneHot()
        out = step.fit_transform(df)
        self.assertEqual(list(out.columns), ["v", "c_a", "c_b"])
        pd.testing.assert_frame_equal(step.transform(df), out)
        np.testing.assert_array_equal(out["c_a"], [0, 1, 0, 0])
        X = np.arange(12, dtype=float).reshape(4, 3)
        scaled = outcore.StandardScaler(columns=["x0", "x2"]).fit(X).transform(X)
        self.assertIsInstance(scaled, np.ndarray)
        np.testing.assert_allclose(scaled[:, 1], X[:, 1])
        np.testing.assert_allclose(scaled[:, 0], (X[:, 0] - X[:, 0].mean()) / X[:, 0].std())

    def test_one_hot_max_categories_and_on_unknown(self):
        df = pd.DataFrame({"c": ["a", "a", "b", "b", "c", "d"]})
        step = outcore.OneHot(max_categories=3)
        self.assertEqual(step.get_params()["max_categories"], 3)
        self.assertEqual(outcore.OneHot().get_params()["max_categories"], 100)
        out = step.fit_transform(df)
        self.assertEqual(list(out.columns), ["c_a", "c_b", "c_infrequent"])
        np.testing.assert_array_equal(step.transform(pd.DataFrame({"c": ["zz", "a"]}))["c_infrequent"], [1, 0])
        strict = outcore.OneHot(on_unknown="error").fit(df)
        with self.assertRaisesRegex(Exception, r"position 1 \(0-based\) of the data: one_hot: column 'c' has the value 'zz'"):
            strict.transform(pd.DataFrame({"c": ["a", "zz"]}))

    def test_pipeline_of_steps_is_a_transformer(self):
        df = pd.DataFrame({"c": ["A", "b", "B", None], "v": [1.0, 2.0, 3.0, 4.0]})
        pipe = outcore.make_pipeline(outcore.Lowercase(columns=["c"]), outcore.OneHot())
        out = pipe.fit_transform(df)
        self.assertEqual(list(out.columns), ["v", "c_a", "c_b"])
        np.testing.assert_array_equal(out["c_b"], [0, 1, 1, 0])
        self.assertEqual(pipe.get_feature_names_out().tolist(), ["v", "c_a", "c_b"])
        self.assertFalse(hasattr(pipe, "predict"))
        with self.assertRaises(ValueError):
            pipe.save("never.json")

    def test_expression_step_makes_columns_from_expressions(self):
        df = pd.DataFrame({"c": ["A", "b", None, "B"], "v": [1.0, 0.0, 3.0, np.nan], "n": [2, 0, 3, 1]})
        step = outcore.Expression(columns={"ratio": "v / nullif(n, 0)", "c": "lower(c)", "big": "v > 1"})
        out = step.fit_transform(df)
        self.assertEqual(list(out.columns), ["c", "v", "n", "big", "ratio"])
        self.assertEqual(out["c"].tolist()[:2] + out["c"].tolist()[3:], ["a", "b", "b"])
        np.testing.assert_array_equal(out["ratio"], [0.5, np.nan, 1.0, np.nan])
        self.assertEqual(out["big"].tolist()[:3], [False, False, True])
        self.assertTrue(pd.isna(out["big"][3]))
        with self.assertRaisesRegex(Exception, r"""expression: column 'x': "c \+ 1" at 3: '\+' needs numbers, got string"""):
            outcore.Expression(columns={"x": "c + 1"}).fit(df)

    def test_multiclass_predict_proba_has_a_column_per_class(self):
        from sklearn.linear_model import LogisticRegression
        rng = np.random.RandomState(1)
        X = rng.normal(size=(600, 3))
        y = np.array(["b", "a", "c"])[np.argmax(X @ rng.normal(size=(3, 3)) + rng.gumbel(size=(600, 3)), axis=1)]
        ours = outcore.LogisticRegression(max_iter=5000, tol=1e-12).fit(X, y)
        self.assertEqual(list(ours.classes_), ["a", "b", "c"])
        p = ours.predict_proba(X)
        self.assertEqual(p.shape, (600, 3))
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_array_equal(ours.predict(X), ours.classes_[p.argmax(axis=1)])
        theirs = LogisticRegression(multi_class="multinomial", tol=1e-12, max_iter=10000).fit(X, y)
        np.testing.assert_allclose(p, theirs.predict_proba(X), atol=1e-4)
        self.assertGreater(ours.score(X, y), 0.6)

    def test_binary_only_tag_says_which_classifiers_refuse_three_classes(self):
        rng = np.random.RandomState(2)
        X = rng.normal(size=(300, 2))
        y = np.array(["a", "b", "c"])[rng.randint(0, 3, size=300)]
        from outcore.estimators import ESTIMATOR_CLASSES
        classifiers = [c for c in ESTIMATOR_CLASSES if is_classifier(c())]
        self.assertFalse(outcore.LogisticRegression()._get_tags()["binary_only"])
        for cls in classifiers:
            with self.subTest(cls.__name__):
                if cls()._get_tags()["binary_only"]:
                    with self.assertRaisesRegex(Exception, "binary classifier and the target has 3 classes"):
                        cls().fit(X, y)
                else:
                    self.assertEqual(cls().fit(X, y).predict_proba(X).shape, (300, 3))

    def test_class_weight_table_keys_are_class_names(self):
        rng = np.random.RandomState(3)
        X = rng.normal(size=(400, 2))
        y = X[:, 0] + rng.normal(size=400) > 1.2
        plain = outcore.LogisticRegression().fit(X, y).predict_proba(X)[:, 1].mean()
        weighted = outcore.LogisticRegression(class_weight={True: 5.0}).fit(X, y).predict_proba(X)[:, 1].mean()
        balanced = outcore.LogisticRegression(class_weight="balanced").fit(X, y).predict_proba(X)[:, 1].mean()
        self.assertGreater(weighted, plain + 0.05)
        self.assertGreater(balanced, plain + 0.05)
        with self.assertRaisesRegex(Exception, "class_weight names 'maybe', which is not a class"):
            outcore.LogisticRegression(class_weight={"maybe": 2.0}).fit(X, y)

    def test_gradient_boosting_multiclass_predict_proba(self):
        from sklearn.ensemble import HistGradientBoostingClassifier
        rng = np.random.RandomState(2)
        X = rng.normal(size=(900, 3))
        y = np.array(["x", "y", "z"])[np.argmax(np.column_stack([X[:, 0] * X[:, 1], np.sin(2 * X[:, 2]), 0.2 * X[:, 0]])
                                                + rng.gumbel(size=(900, 3)) * 0.3, axis=1)]
        self.assertFalse(outcore.GradientBoostingClassifier()._get_tags()["binary_only"])
        ours = outcore.GradientBoostingClassifier().fit(X, y)
        self.assertEqual(list(ours.classes_), ["x", "y", "z"])
        p = ours.predict_proba(X)
        self.assertEqual(p.shape, (900, 3))
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)
        np.testing.assert_array_equal(ours.predict(X), ours.classes_[p.argmax(axis=1)])
        # The same fit as scikit-learn's up to near-ties (gradients in double, not float32).
        theirs = HistGradientBoostingClassifier().fit(X, y).predict_proba(X)
        self.assertLess(np.abs(p - theirs).mean(), 0.01)
        weighted = outcore.GradientBoostingClassifier(class_weight="balanced").fit(X, y)
        self.assertEqual(weighted.predict_proba(X).shape, (900, 3))

    def test_random_forest_fits_and_predicts_probabilities(self):
        rng = np.random.RandomState(2)
        X = rng.normal(size=(800, 4))
        X[rng.rand(800) < 0.1, 3] = np.nan  # trees take missing values as they are
        y = np.array(["low", "mid", "high"])[(X[:, 0] > 0).astype(int) + (X[:, 1] * X[:, 2] > 0.3)]
        model = outcore.RandomForestClassifier(n_estimators=30, max_depth=8, random_state=3).fit(X, y)
        self.assertEqual(list(model.classes_), ["high", "low", "mid"])
        p = model.predict_proba(X)
        self.assertEqual(p.shape, (800, 3))
        np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-12)
        self.assertTrue(((p >= 0) & (p <= 1)).all())
        np.testing.assert_array_equal(model.predict(X), model.classes_[p.argmax(axis=1)])
        self.assertGreater(model.score(X, y), 0.9)
        # The same parameters give the same forest; binary gives two columns, balanced weights run.
        again = outcore.RandomForestClassifier(n_estimators=30, max_depth=8, random_state=3).fit(X, y)
        np.testing.assert_array_equal(again.predict_proba(X), p)
        binary = outcore.RandomForestClassifier(n_estimators=30, class_weight="balanced").fit(X, X[:, 0] > 1.5)
        self.assertEqual(binary.predict_proba(X).shape, (800, 2))
        self.assertGreater(binary.score(X, X[:, 0] > 1.5), 0.95)
        regressor = outcore.RandomForestRegressor(n_estimators=30).fit(X, 2 * X[:, 0] + (X[:, 1] > 0))
        self.assertGreater(regressor.score(X, 2 * X[:, 0] + (X[:, 1] > 0)), 0.9)

    def test_numpy_estimator_matches_scikit_learn(self):
        from sklearn.linear_model import LogisticRegression, Ridge
        rng = np.random.RandomState(0)
        X = rng.normal(size=(500, 4))
        y = (X @ [1.0, -2.0, 0.5, 0.0] + rng.normal(size=500) > 0).astype(int)
        ours = outcore.LogisticRegression(C=0.3).fit(X, y)
        theirs = LogisticRegression(C=0.3, solver="liblinear", tol=1e-12, max_iter=10000).fit(X, y)
        np.testing.assert_allclose(ours.coef_, theirs.coef_.ravel(), atol=1e-6)
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
        ridge = outcore.Ridge(alpha=2.0).fit(X, X[:, 0] * 3 + 1)
        sk = Ridge(alpha=2.0).fit(X, X[:, 0] * 3 + 1)
        np.testing.assert_allclose(ridge.coef_, sk.coef_, atol=1e-9)
        self.assertAlmostEqual(ridge.intercept_, sk.intercept_, places=9)


class CheckEstimatorTest(unittest.TestCase):
    """scikit-learn's own contract suite, on pipelines and on standalone objects."""

    def assert_passes(self, estimator):
        failures, skipped = run_checks(estimator)
        self.assertEqual(failures, [])
        self.assertEqual(skipped, EXPECTED_SKIPS[type(estimator).__name__])

    def test_classifier_pipeline(self):
        self.assert_passes(outcore.make_pipeline(outcore.OneHot(), outcore.LogisticRegression()))

    def test_regressor_pipeline(self):
        self.assert_passes(outcore.make_pipeline(outcore.Imputer(columns=[]), outcore.Ridge(alpha=0.1)))

    def test_standalone_estimators_and_step(self):
        for estimator in (outcore.LogisticRegression(), outcore.LinearRegression(), outcore.OneHot()):
            with self.subTest(estimator=estimator):
                self.assert_passes(estimator)

    def test_gradient_boosting(self):
        # The suite's datasets have 20 to 30 rows: fewer rows per leaf than the default 20, as
        # scikit-learn sets for its own HistGradientBoosting in these checks.
        for estimator in (outcore.GradientBoostingClassifier(min_samples_leaf=5, max_iter=20),
                          outcore.GradientBoostingRegressor(min_samples_leaf=5, max_iter=20)):
            with self.subTest(estimator=estimator):
                self.assert_passes(estimator)


    def test_random_forests(self):
        for estimator in (outcore.RandomForestClassifier(n_estimators=10),
                          outcore.RandomForestRegressor(n_estimators=10)):
            with self.subTest(estimator=estimator):
                self.assert_passes(estimator)


class ErrorTest(unittest.TestCase):
    def test_errors_are_typed_and_carry_the_cli_exit_code(self):
        X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
        model = outcore.LinearRegression().fit(X, [1.0, 2.0, 3.0, 4.0])
        with self.assertRaises(outcore.SchemaError) as caught:
            model.predict(pd.DataFrame({"b": [1.0]}))
        self.assertIsInstance(caught.exception, ValueError)
        self.assertEqual(caught.exception.code, 4)
        self.assertIn("'a'", str(caught.exception))
        with self.assertRaises(outcore.OutcoreIOError) as caught:
            outcore.load("/nonexistent/model.json")
        self.assertIsInstance(caught.exception, OSError)
        with self.assertRaises(ValueError) as caught:
            outcore.LogisticRegression().fit(X, [1, 1, 1, 1])
        self.assertIn("at least 2 classes", str(caught.exception))

    def test_csv_quote_and_escape_read_options(self):
        X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
        y = [0, 1, 0, 1]
        for options, stored in [({"quote": "none"}, {"quote": "none"}),
                                ({"escape": "\\"}, {"escape": "\\"}),
                                ({"quote": "'", "escape": "\\"}, {"quote": "'", "escape": "\\"})]:
            model = outcore.Pipeline([("lr", outcore.LogisticRegression())],
                                     read_options=options).fit(X, y)
            read = model.to_json()["read_options"]
            self.assertEqual({k: read[k] for k in stored}, stored)
        with self.assertRaises(ValueError) as caught:
            outcore.Pipeline([("lr", outcore.LogisticRegression())],
                             read_options={"quote": "ab"}).fit(X, y)
        self.assertIn("'quote' must be one character", str(caught.exception))

    def test_model_text_from_a_pickle_is_read_with_the_file_loaders_caps(self):
        X = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0]})
        model = outcore.LinearRegression().fit(X, [1.0, 2.0, 3.0, 4.0])
        good = pickle.dumps(model)
        self.assertEqual(pickle.loads(good).predict(X).tolist(), model.predict(X).tolist())
        # Text nested past the loader's depth cap, a Python pickle, and text past the size cap
        # are each refused with the loader's own message, as a model file would be.
        cases = [("[" * 100 + "]" * 100, "a JSON object"),
                 ('{"a": ' + "[" * 100 + "]" * 100 + "}", "nested deeper than 32 levels"),
                 (pickle.dumps({"a": 1}), "this is a Python pickle"),
                 ("{" + " " * (64 << 20) + "}", "over the 67108864-byte cap")]
        for text, message in cases:
            with self.assertRaises(outcore.ModelError) as caught:
                _outcore.Model.from_json(text)
            self.assertIn(message, str(caught.exception))


if __name__ == "__main__":
    unittest.main()
