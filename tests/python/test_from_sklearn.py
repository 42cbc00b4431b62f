"""outcore.from_sklearn: each supported scikit-learn class, fitted here, converted, and scored
on new data (missing values, unknown categories) against scikit-learn's own predict_proba /
predict; each unsupported construct refused with its own message."""

import json
import os
import subprocess
import tempfile
import unittest
import warnings

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import (LinearRegression, LogisticRegression, Ridge, SGDClassifier, SGDRegressor)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import (FunctionTransformer, MaxAbsScaler, MinMaxScaler, OneHotEncoder, OrdinalEncoder,
                                   PolynomialFeatures, RobustScaler, StandardScaler)
from sklearn.svm import SVC
from threadpoolctl import threadpool_limits

import outcore
from outcore import ConversionError, from_sklearn

import support

TOLERANCE = 1e-9


def make_data(n, seed, unknown=False, missing=False):
    """Numbers (a float, an int, a positive float), text with a few values and text with
    rare values. `unknown`: values not seen at fit; `missing`: NaN in the numbers and text."""
    rng = np.random.default_rng(seed)
    colors = np.array(["red", "green", "blue"])
    sizes = np.array(["s", "m", "l", "xl", "xxl", "tiny"])
    frame = pd.DataFrame({
        "a": rng.normal(2.0, 3.0, n),
        "b": rng.integers(-5, 20, n),
        "e": rng.exponential(4.0, n),
        "color": colors[rng.integers(0, 3, n)],
        "size": sizes[np.minimum(rng.geometric(0.45, n) - 1, 5)],
    })
    if unknown:
        frame.loc[frame.index[::7], "color"] = "purple"
        frame.loc[frame.index[::11], "size"] = "huge"
    if missing:
        frame.loc[frame.index[::5], "a"] = np.nan
        frame.loc[frame.index[3::9], "e"] = np.nan
        frame["color"] = frame["color"].astype(object)
        frame.loc[frame.index[2::13], "color"] = np.nan
    return frame


def binary_target(X, seed=1):
    rng = np.random.default_rng(seed)
    score = 0.4 * X["a"] - 0.1 * X["b"] + (X["color"] == "red") + rng.normal(0, 1, len(X))
    return (score > 0.5).astype(int)


def three_classes(X, seed=2):
    rng = np.random.default_rng(seed)
    score = 0.5 * X["a"] + (X["color"] == "blue") * 2 + rng.normal(0, 1, len(X))
    return np.array(["low", "mid", "high"])[np.digitize(score, [0.5, 2.5])]


def quiet(function, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args)


class Exactness(unittest.TestCase):
    """Converted models against scikit-learn on rows the conversion never saw."""

    def check_classifier(self, sk, X, Xnew, multiclass=False):
        model = from_sklearn(sk, X.head(20))
        expected = sk.predict_proba(Xnew)
        got = quiet(model.predict_proba, Xnew)
        self.assertEqual(got.shape, expected.shape)
        np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE)
        np.testing.assert_array_equal(quiet(model.predict, Xnew), sk.predict(Xnew))
        np.testing.assert_array_equal(model.classes_, sk.classes_)
        return model

    def check_regressor(self, sk, X, Xnew):
        model = from_sklearn(sk, X.head(20))
        expected = sk.predict(Xnew)
        np.testing.assert_allclose(quiet(model.predict, Xnew), expected, rtol=0,
                                   atol=TOLERANCE * max(1.0, np.abs(expected).max()))
        return model

    def setUp(self):
        self.X = make_data(600, 10)
        self.y = binary_target(self.X)
        self.Xnew = make_data(300, 11, unknown=True, missing=True)

    def column_transformer(self, **one_hot):
        return ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["a", "b", "e"]),
            ("cat", OneHotEncoder(**dict({"handle_unknown": "ignore"}, **one_hot)), ["color", "size"]),
        ])

    def test_taxi_like_pipeline_binary(self):
        sk = make_pipeline(self.column_transformer(), LogisticRegression()).fit(self.X, self.y)
        model = self.check_classifier(sk, self.X, self.Xnew)
        with tempfile.TemporaryDirectory() as tmp:  # the saved file scores the same
            model.save(os.path.join(tmp, "m.json"))
            again = outcore.load(os.path.join(tmp, "m.json"))
            np.testing.assert_array_equal(quiet(again.predict_proba, self.Xnew), quiet(model.predict_proba, self.Xnew))

    def test_logistic_regression_multiclass(self):
        y = three_classes(self.X)
        for lr in (LogisticRegression(max_iter=500), LogisticRegression(multi_class="ovr"),
                   LogisticRegression(solver="liblinear")):
            with self.subTest(lr=lr):
                sk = make_pipeline(self.column_transformer(), lr).fit(self.X, y)
                self.check_classifier(sk, self.X, self.Xnew)

    def test_logistic_regression_binary_multinomial(self):
        sk = make_pipeline(self.column_transformer(), LogisticRegression(multi_class="multinomial"))
        self.check_classifier(sk.fit(self.X, self.y), self.X, self.Xnew)

    def test_string_classes(self):
        y = np.where(self.y == 1, "tip", "no tip")
        sk = make_pipeline(self.column_transformer(), LogisticRegression()).fit(self.X, y)
        self.check_classifier(sk, self.X, self.Xnew)

    def test_one_hot_options(self):
        Xknown = make_data(300, 12)  # for handle_unknown="error": no unknown or missing text
        Xknown.loc[::5, "a"] = np.nan
        cases = [
            ({"drop": "first"}, self.Xnew),
            ({"drop": "if_binary"}, self.Xnew),
            ({"drop": ["green", "m"]}, self.Xnew),
            ({"categories": [["red", "green", "blue"], ["s", "m", "l", "xl", "xxl", "tiny"]]}, self.Xnew),
            ({"handle_unknown": "error"}, Xknown),
            ({"handle_unknown": "infrequent_if_exist", "min_frequency": 40}, self.Xnew),
            ({"handle_unknown": "infrequent_if_exist", "max_categories": 3}, self.Xnew),
            ({"handle_unknown": "ignore", "max_categories": 3}, self.Xnew),
            ({"handle_unknown": "error", "min_frequency": 0.1}, Xknown),
            ({"sparse_output": False} if "sparse_output" in OneHotEncoder().get_params() else {"sparse": False},
             self.Xnew),
        ]
        for options, Xnew in cases:
            with self.subTest(options=options):
                sk = make_pipeline(self.column_transformer(**options), LogisticRegression()).fit(self.X, self.y)
                self.check_classifier(sk, self.X, Xnew)

    def test_one_hot_missing_values_as_a_category(self):
        X = make_data(600, 22, missing=True)  # missing colors at fit: scikit-learn's category nan
        X["code"] = np.where(np.arange(600) % 9 == 0, np.nan, X["b"] % 4)  # floats, and nan
        X.loc[X.index[1::50], "code"] = 7.0  # a rare value: infrequent where nan is not
        y = binary_target(X.fillna({"a": 0}))
        Xnew = make_data(300, 23, unknown=True, missing=True)
        Xnew["code"] = np.where(np.arange(300) % 7 == 0, np.nan, Xnew["b"] % 5)  # 4.0 is unknown
        Xknown = make_data(300, 24, missing=True)  # for handle_unknown="error"
        Xknown["code"] = np.where(np.arange(300) % 7 == 0, np.nan, Xknown["b"] % 4)
        for options in ({"handle_unknown": "ignore"}, {"drop": "first", "handle_unknown": "ignore"},
                        {"handle_unknown": "infrequent_if_exist", "min_frequency": 60},
                        {"handle_unknown": "infrequent_if_exist", "min_frequency": 30},
                        {"handle_unknown": "error", "min_frequency": 30},
                        {"handle_unknown": "ignore", "max_categories": 3}):
            with self.subTest(options=options):
                ct = ColumnTransformer([("cat", OneHotEncoder(**options), ["color", "code"]),
                                        ("num", StandardScaler(), ["b"])])
                sk = make_pipeline(ct, LogisticRegression()).fit(X, y)
                self.check_classifier(sk, X, Xknown if options["handle_unknown"] == "error" else Xnew)

    def test_one_hot_of_integers(self):
        ct = ColumnTransformer([("codes", OneHotEncoder(handle_unknown="ignore"), ["b"]),
                                ("num", StandardScaler(), ["a"])])
        sk = make_pipeline(ct, LogisticRegression()).fit(self.X, self.y)
        Xnew = make_data(300, 13)
        Xnew.loc[::4, "b"] = 99  # unknown
        self.check_classifier(sk, self.X, Xnew)

    def test_scaler_and_imputer_options(self):
        transformers = [
            StandardScaler(with_mean=False), StandardScaler(with_std=False),
            make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
            make_pipeline(SimpleImputer(strategy="most_frequent"), MinMaxScaler()),
            make_pipeline(SimpleImputer(strategy="constant", fill_value=-1.5), MaxAbsScaler()),
            make_pipeline(SimpleImputer(), MinMaxScaler(feature_range=(-2, 3), clip=True)),
            make_pipeline(SimpleImputer(), RobustScaler()),
            make_pipeline(SimpleImputer(), RobustScaler(with_centering=False, quantile_range=(10, 90))),
            make_pipeline(SimpleImputer(), FunctionTransformer(np.log1p)),
            make_pipeline(SimpleImputer(), FunctionTransformer(np.abs), StandardScaler()),
            make_pipeline(SimpleImputer(), FunctionTransformer(np.sqrt)),
            make_pipeline(SimpleImputer(), FunctionTransformer(np.log)),
            make_pipeline(SimpleImputer(), StandardScaler(), FunctionTransformer(np.exp)),
        ]
        for numeric in transformers:
            with self.subTest(numeric=numeric):
                imputed = isinstance(numeric, Pipeline) and isinstance(numeric.steps[0][1], SimpleImputer)
                logarithm = imputed and isinstance(numeric.steps[1][1], FunctionTransformer) and \
                    numeric.steps[1][1].func in (np.log1p, np.sqrt, np.log)
                ct = ColumnTransformer([
                    ("num", numeric, ["e"] if logarithm else ["a", "b", "e"]),
                    ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                          OneHotEncoder(handle_unknown="ignore")), ["color"]),
                ])
                sk = make_pipeline(ct, LogisticRegression()).fit(self.X, self.y)
                # Without an imputer scikit-learn refuses missing numbers: new rows without them.
                self.check_classifier(sk, self.X, self.Xnew if imputed else make_data(300, 14, unknown=True))

    def test_text_imputer_constant_then_one_hot(self):
        ct = ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(), StandardScaler()), ["a", "e"]),
            ("cat", make_pipeline(SimpleImputer(strategy="constant", fill_value="none"),
                                  OneHotEncoder(handle_unknown="ignore")), ["color"]),
        ])
        X = make_data(600, 15, missing=True)
        sk = make_pipeline(ct, LogisticRegression()).fit(X, binary_target(X.fillna({"a": 0})))
        self.check_classifier(sk, X, self.Xnew)

    def test_ordinal_encoder(self):
        for encoder in (OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1),
                        OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=np.nan)):
            with self.subTest(encoder=encoder):
                ct = ColumnTransformer([("ord", encoder, ["color", "size"]),
                                        ("num", StandardScaler(), ["a", "b"])])
                sk = make_pipeline(ct, LinearRegression()).fit(self.X, self.X["e"])
                Xnew = make_data(300, 16, unknown=True)
                if np.isnan(encoder.unknown_value):  # scikit-learn's output is NaN there: compare the rest
                    model = from_sklearn(sk, self.X.head())
                    got, expected = model.predict(Xnew), sk[:-1].transform(Xnew) @ sk[-1].coef_ + sk[-1].intercept_
                    np.testing.assert_allclose(got, expected, rtol=0, atol=TOLERANCE * 10)
                else:
                    self.check_regressor(sk, self.X, Xnew)

    def test_ordinal_encoder_many_categories_and_missing_values(self):
        # 200 categories (an ordinal step, not an expression; HistGradientBoosting takes at most
        # 255 per categorical feature); missing values seen at fit in one
        # column (scikit-learn codes them NaN) and not in the other (coded as unknown: -1);
        # numbers as categories; unknown values at predict.
        rng = np.random.default_rng(31)
        def frame(n, seed, new=False):
            r = np.random.default_rng(seed)
            f = pd.DataFrame({"zone": ["z%03d" % v for v in r.integers(0, 230 if new else 200, n)],
                              "code": r.integers(0, 12 if new else 10, n), "a": r.normal(0, 1, n)})
            f["zone"] = f["zone"].astype(object)
            f.loc[f.index[3::17], "zone"] = np.nan
            if new:
                f.loc[f.index[5::23], "code"] = 99
            return f
        X, Xnew = frame(3000, 32), frame(800, 33, new=True)
        y = X["a"] + X["zone"].fillna("z000").str[1:].astype(int) / 100 + rng.normal(0, 0.1, len(X))
        for handle in ({"handle_unknown": "use_encoded_value", "unknown_value": -1}, {}):
            with self.subTest(**handle):
                ct = ColumnTransformer([("ord", OrdinalEncoder(**handle), ["zone", "code"]), ("num", "passthrough", ["a"])])
                with threadpool_limits(limits=1, user_api="openmp"):  # OpenMP spins on a busy machine
                    sk = make_pipeline(ct, HistGradientBoostingRegressor(max_iter=20, categorical_features=[0, 1],
                                                                         random_state=0)).fit(X, y)
                model = from_sklearn(sk, X.head())
                if handle:
                    np.testing.assert_allclose(model.predict(Xnew), sk.predict(Xnew), rtol=0, atol=TOLERANCE)
                    codes = sk[0].transform(Xnew)
                    self.assertTrue((codes[:, 0] == -1).any() and np.isnan(codes[:, 0]).any() and (codes[:, 1] == -1).any())
                else:  # scikit-learn raises on the unknown values; outcore scores the known rows the same
                    known = Xnew["zone"].isin(sk[0].named_transformers_["ord"].categories_[0]) | Xnew["zone"].isna()
                    known &= Xnew["code"].isin(sk[0].named_transformers_["ord"].categories_[1])
                    np.testing.assert_allclose(model.predict(Xnew[known]), sk.predict(Xnew[known]), rtol=0,
                                               atol=TOLERANCE)

    def test_ordinal_encoder_codes_a_missing_value_unseen_at_fit_as_unknown(self):
        # No missing zone at fit: scikit-learn codes a missing one as unknown (-1), which a
        # linear model then weighs (a NaN would make outcore's prediction empty).
        rng = np.random.default_rng(41)
        X = pd.DataFrame({"zone": ["z%02d" % v for v in rng.integers(0, 60, 1000)], "a": rng.normal(0, 1, 1000)})
        Xnew = pd.DataFrame({"zone": ["z%02d" % v for v in rng.integers(0, 70, 300)], "a": rng.normal(0, 1, 300)})
        Xnew["zone"] = Xnew["zone"].astype(object)
        Xnew.loc[Xnew.index[::9], "zone"] = np.nan
        ct = ColumnTransformer([("ord", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), ["zone"]),
                                ("num", "passthrough", ["a"])])
        sk = make_pipeline(ct, LinearRegression()).fit(X, X["a"] + X["zone"].str[1:].astype(int) / 10)
        self.assertEqual((sk[0].transform(Xnew)[:, 0] == -1).sum(), (~Xnew["zone"].isin(set(X["zone"]))).sum())
        self.check_regressor(sk, X, Xnew)

    def test_remainder_and_shared_columns(self):
        for remainder in ("drop", "passthrough", MinMaxScaler()):
            with self.subTest(remainder=remainder):
                ct = ColumnTransformer([
                    ("scaled", StandardScaler(), ["b", "a"]),       # a column order of its own
                    ("raw", "passthrough", ["a"]),                  # a again, untouched
                    ("cat", OneHotEncoder(handle_unknown="ignore"), ["color"]),
                    ("gone", "drop", ["size"]),
                ], remainder=remainder)
                sk = make_pipeline(ct, LogisticRegression()).fit(self.X, self.y)
                Xnew = make_data(300, 17, unknown=True)
                model = self.check_classifier(sk, self.X, Xnew)
                self.assertEqual(len(model.model_features_), sk[0].transform(Xnew[:1]).shape[1])

    def test_positional_and_nested(self):
        ct = ColumnTransformer([("num", StandardScaler(), [0, 1]), ("cat", OneHotEncoder(), [3])])
        sk = make_pipeline(ct, StandardScaler(), LogisticRegression(C=0.3)).fit(self.X, self.y)
        self.check_classifier(sk, self.X, make_data(300, 18))

    def test_pipeline_without_column_transformer(self):
        X = self.X[["a", "b", "e"]]
        sk = make_pipeline(SimpleImputer(strategy="median"), StandardScaler(), "passthrough", LogisticRegression())
        self.check_classifier(sk.fit(X, self.y), X, self.Xnew[["a", "b", "e"]])

    def test_pandas_output(self):
        sk = make_pipeline(self.column_transformer(sparse_output=False) if "sparse_output" in OneHotEncoder().get_params()
                           else self.column_transformer(sparse=False), LogisticRegression())
        sk.set_output(transform="pandas")
        self.check_classifier(sk.fit(self.X, self.y), self.X, self.Xnew)

    def test_regressors(self):
        ct = self.column_transformer()
        target = self.X["a"] * 2 + self.X["b"]
        for model in (LinearRegression(), Ridge(alpha=3.0), SGDRegressor(random_state=0),
                      LinearRegression(fit_intercept=False)):
            with self.subTest(model=model):
                Xnew = self.Xnew.copy()
                sk = make_pipeline(ct, model).fit(self.X, target)
                self.check_regressor(sk, self.X, Xnew)

    def test_sgd_classifier_log_loss(self):
        for y in (self.y, three_classes(self.X)):
            sk = make_pipeline(self.column_transformer(), SGDClassifier(loss="log_loss", random_state=0))
            self.check_classifier(sk.fit(self.X, y), self.X, self.Xnew)

    def test_bare_estimator_with_dtypes(self):
        X = self.X[["a", "b", "e"]]
        sk = LogisticRegression().fit(X, self.y)
        model = from_sklearn(sk, dtypes={"a": "float", "b": np.int64, "e": "float64"})
        self.assertEqual(model.input_schema_, [("a", "float"), ("b", "int"), ("e", "float")])
        Xnew = make_data(200, 19)[["a", "b", "e"]]
        np.testing.assert_allclose(model.predict_proba(Xnew), sk.predict_proba(Xnew), rtol=0, atol=TOLERANCE)

    def test_origin_recorded_and_inspected(self):
        sk = make_pipeline(self.column_transformer(), LogisticRegression(C=0.5)).fit(self.X, self.y)
        model = from_sklearn(sk, self.X.head())
        record = model.to_json()["training"]["imported_from"]
        import sklearn
        self.assertEqual(record["library"], "scikit-learn")
        self.assertEqual(record["version"], sklearn.__version__)
        self.assertEqual(record["class"], "Pipeline")
        self.assertEqual(record["classes"], [0, 1])
        self.assertIn("LogisticRegression(C=0.5)", json.dumps(record["params"]))
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "m.json")
            model.save(path)
            shown = support.run("inspect", path)
        self.assertIn("imported   from", shown)
        self.assertRegex(shown, r"library\s+scikit-learn")
        self.assertRegex(shown, r"class\s+Pipeline")


def payment_lowerer(x):
    return x


class Refusals(unittest.TestCase):
    """Each construct outcore cannot compute exactly is refused by name."""

    def setUp(self):
        self.X = make_data(300, 20)
        self.y = binary_target(self.X)

    def refused(self, sk, pattern, X_sample=None, **kwargs):
        with self.assertRaisesRegex(ConversionError, pattern):
            from_sklearn(sk, self.X.head() if X_sample is None else X_sample, **kwargs)

    def fitted(self, transformer, columns, model=None):
        ct = ColumnTransformer([("t", transformer, columns)])
        return make_pipeline(ct, model or LogisticRegression()).fit(self.X, self.y)

    def test_sklearn_steps_in_an_outcore_pipeline_point_to_from_sklearn(self):
        # What a new user tries first: scikit-learn's steps in outcore's Pipeline.
        sk = make_pipeline(StandardScaler(), LogisticRegression())
        with self.assertRaisesRegex(TypeError, r"step 'standardscaler' must be an outcore step .*not StandardScaler\(\); "
                                               r"a fitted scikit-learn pipeline converts as it is: "
                                               r"outcore.from_sklearn\(fitted_pipeline, X_sample\)"):
            outcore.Pipeline(sk.steps).fit(self.X[["a", "b"]], self.y)

    def test_python_function(self):
        self.refused(self.fitted(FunctionTransformer(payment_lowerer), ["a"]),
                     r"^cannot convert FunctionTransformer\(func=payment_lowerer\): a Python function; write it "
                     r"as an outcore expression step$")

    def test_ufunc_without_expression(self):
        self.refused(self.fitted(FunctionTransformer(np.tanh), ["a"]),
                     r"^cannot convert FunctionTransformer\(func=np.tanh\): the NumPy ufunc tanh has no outcore")

    def test_unknown_transformer(self):
        self.refused(self.fitted(PolynomialFeatures(), ["a"]),
                     r"^cannot convert PolynomialFeatures\(\): outcore has no conversion for PolynomialFeatures")

    def test_unknown_model(self):
        self.refused(self.fitted(StandardScaler(), ["a"], SVC()),
                     r"^cannot convert SVC\(\): outcore has no conversion for SVC \(supported models: ")

    def test_sgd_without_probabilities(self):
        self.refused(self.fitted(StandardScaler(), ["a"], SGDClassifier(loss="hinge")),
                     r"^cannot convert SGDClassifier\(loss='hinge'\): loss='hinge' has no predict_proba")

    def test_sgd_modified_huber(self):
        self.refused(self.fitted(StandardScaler(), ["a"], SGDClassifier(loss="modified_huber")),
                     r"^cannot convert SGDClassifier\(loss='modified_huber'\): its predict_proba, "
                     r"\(clip\(decision, -1, 1\) \+ 1\) / 2, is not the logistic function")

    def test_imputer_indicator(self):
        self.refused(self.fitted(SimpleImputer(add_indicator=True), ["a"]),
                     r"^cannot convert SimpleImputer\(add_indicator=True\): add_indicator=True is not supported")

    def test_imputer_of_other_missing_values(self):
        self.refused(self.fitted(SimpleImputer(missing_values=-1), ["b"]),
                     r"^cannot convert SimpleImputer\(missing_values=-1\): missing_values=-1")

    def test_transformer_weights(self):
        ct = ColumnTransformer([("t", StandardScaler(), ["a"])], transformer_weights={"t": 2.0})
        self.refused(make_pipeline(ct, LogisticRegression()).fit(self.X, self.y),
                     r"^cannot convert ColumnTransformer\(transformer_weights=\{'t': 2.0\}\)")

    def test_float32_one_hot(self):
        self.refused(self.fitted(OneHotEncoder(dtype=np.float32), ["color"]),
                     r"^cannot convert OneHotEncoder\(dtype=float32\): dtype=float32: outcore computes in float64")

    def test_drop_with_infrequent(self):
        self.refused(self.fitted(OneHotEncoder(drop="first", min_frequency=40), ["size"]),
                     r"^cannot convert OneHotEncoder\(drop='first'\): drop together with infrequent categories")

    def test_ordinal_encoder_limits(self):
        self.refused(self.fitted(OrdinalEncoder(encoded_missing_value=-1), ["color"], LinearRegression()),
                     r"^cannot convert OrdinalEncoder\(\): encoded_missing_value=-1: only NaN")

    def test_multi_output_regressor(self):
        sk = LinearRegression().fit(self.X[["a", "b"]], np.column_stack([self.X["e"], self.X["a"]]))
        self.refused(sk, r"^cannot convert LinearRegression\(\): it predicts 2 targets", self.X[["a", "b"]])

    def test_transformer_alone(self):
        self.refused(StandardScaler().fit(self.X[["a"]]), r"^cannot convert StandardScaler\(\): a transformer as the "
                     r"last step; outcore converts a pipeline that ends in a model", self.X[["a"]])

    def test_not_fitted(self):
        self.refused(make_pipeline(StandardScaler(), LogisticRegression()), r"^cannot convert Pipeline: it is not fitted")

    def test_array_without_names(self):
        sk = LogisticRegression().fit(self.X[["a", "b"]].to_numpy(), self.y)
        with self.assertRaisesRegex(ConversionError, r"fitted on an array without column names; pass X_sample"):
            from_sklearn(sk)

    def test_dtypes_incomplete(self):
        sk = LogisticRegression().fit(self.X[["a", "b"]], self.y)
        with self.assertRaisesRegex(ConversionError, r"dtypes must give the type of every input column; missing: 'b'"):
            from_sklearn(sk, dtypes={"a": "float"})

    def test_text_feature_to_the_model(self):
        sk = make_pipeline(ColumnTransformer([("t", SimpleImputer(strategy="most_frequent"), ["color"])]),
                           LogisticRegression())
        # scikit-learn itself cannot fit this; a pipeline built by hand around a fitted model can be
        sk.steps[0][1].fit(self.X)
        sk.steps[1] = ("logisticregression", LogisticRegression().fit(np.zeros((4, 1)) + [[0], [1], [0], [1]],
                                                                      [0, 1, 0, 1]))
        self.refused(sk, r"the feature 'color' given to LogisticRegression is string, not a number")


if __name__ == "__main__":
    unittest.main()
