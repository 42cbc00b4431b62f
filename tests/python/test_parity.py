"""Python fit/predict equals the CLI's on the same data; models move both ways between them."""

import json
import unittest

import numpy as np
import pandas as pd

import outcore
import support

data = None


def setUpModule():
    global data
    data = support.TaxiData()


def tearDownModule():
    data.close()


def cli_fit(spec, model):
    support.run("fit", spec, data.train, "--test-size", 0, "-o", model)
    with open(model) as f:
        return json.load(f)


def cli_predict(model, out, *extra):
    support.run("predict", model, data.test, "-o", out, "--format", "csv", "--quiet", *extra)
    return support.read_parts(out)


class ParityTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cli_model = data.path("cli.json")
        cls.cli = cli_fit(support.SPEC, cls.cli_model)
        cls.cli_yhat = cli_predict(cls.cli_model, data.path("cli_out")).yhat.to_numpy()
        cls.train = data.frame("train")
        cls.test = data.frame("test")
        cls.pipe = outcore.Pipeline.from_spec(support.SPEC).fit(cls.train)

    def assert_same_model(self, py, cli):
        self.assertEqual(py["feature_names"], cli["feature_names"])
        self.assertEqual(py["input_schema"], cli["input_schema"])
        self.assertEqual(py["target"]["classes"], cli["target"]["classes"])
        for a, b in zip(py["steps"], cli["steps"]):
            self.assertEqual((a["kind"], a["params"]), (b["kind"], b["params"]))
            for key, value in b["state"].items():
                if isinstance(value, list) and value and isinstance(value[0], float):
                    np.testing.assert_allclose(a["state"][key], value, rtol=0, atol=1e-12)
                else:
                    self.assertEqual(a["state"][key], value)
        e, f = py["estimator"]["state"], cli["estimator"]["state"]
        np.testing.assert_allclose(e["coef"], f["coef"], rtol=0, atol=1e-12)
        self.assertAlmostEqual(e["intercept"], f["intercept"], delta=1e-12)

    def test_fit_from_spec_equals_cli_fit(self):
        self.assert_same_model(self.pipe.to_json(), self.cli)

    def test_fit_with_explicit_y_equals_cli_fit(self):
        X = self.train.drop(columns="Tip_Amt")
        pipe = outcore.Pipeline.from_spec(support.SPEC).fit(X, self.train.Tip_Amt > 0)
        self.assert_same_model(pipe.to_json(), self.cli)
        np.testing.assert_array_equal(pipe.classes_, [False, True])

    def test_predict_equals_cli_predict(self):
        p = self.pipe.predict_proba(self.test)[:, 1]
        self.assertEqual(len(p), len(self.cli_yhat))
        np.testing.assert_allclose(p, self.cli_yhat, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(self.pipe.predict(self.test), self.cli_yhat > 0.5)

    def test_untyped_pandas_is_read_as_trained(self):
        raw = pd.read_csv(data.test)  # strings for dates and categories, pandas' float parser
        np.testing.assert_allclose(self.pipe.predict_proba(raw)[:, 1], self.cli_yhat, rtol=0, atol=1e-12)

    def test_python_model_loads_in_cli_with_equal_predictions(self):
        path = data.path("py.json")
        self.pipe.save(path)
        support.run("inspect", path)
        yhat = cli_predict(path, data.path("py_out")).yhat.to_numpy()
        np.testing.assert_allclose(yhat, self.cli_yhat, rtol=0, atol=1e-12)
        labels = cli_predict(path, data.path("py_label"), "--label").yhat.to_numpy()
        np.testing.assert_array_equal(labels, self.pipe.predict(self.test))

    def test_cli_model_loads_in_python_and_back(self):
        model = outcore.load(self.cli_model)
        np.testing.assert_allclose(model.predict_proba(self.test)[:, 1], self.cli_yhat, rtol=0, atol=1e-12)
        self.assertEqual(model.get_feature_names_out().tolist(), self.cli["feature_names"])
        path = data.path("roundtrip.json")
        model.save(path)
        again = outcore.load(path)
        np.testing.assert_array_equal(again.predict_proba(self.test), model.predict_proba(self.test))
        for key in ("kind", "params", "state"):  # (fit_info is not kept by a model load)
            self.assertEqual(again.to_json()["estimator"][key], self.cli["estimator"][key])
        self.assertEqual(again.to_json()["steps"], self.cli["steps"])

    def test_learned_attributes(self):
        scaler = self.pipe.named_steps["standard_scaler"]
        np.testing.assert_allclose(scaler.mean_, self.cli["steps"][5]["state"]["mean"], rtol=0, atol=1e-12)
        lr = self.pipe.named_steps["logistic_regression"]
        np.testing.assert_allclose(lr.coef_, self.cli["estimator"]["state"]["coef"], rtol=0, atol=1e-12)
        self.assertEqual(self.pipe.named_steps["one_hot"].get_feature_names_out().tolist()[-4:],
                         ["Payment_Type_cash", "Payment_Type_credit", "Payment_Type_dispute",
                          "Payment_Type_no charge"])
        self.assertEqual(self.pipe.n_features_in_, self.train.shape[1])
        self.assertGreater(self.pipe.score(self.test), 0.9)

    def test_regressor_parity(self):
        spec = data.path("fare.toml")
        with open(spec, "w") as f:
            f.write('target = "Fare_Amt"\n[read]\nparse_dates = ["Trip_Pickup_DateTime"]\n'
                    '[[steps]]\nkind = "select"\ncolumns = ["Trip_Distance", "Passenger_Count", "surcharge"]\n'
                    '[model]\nkind = "ridge"\nalpha = 0.5\n')
        cli = cli_fit(spec, data.path("fare.json"))
        pipe = outcore.Pipeline.from_spec(spec).fit(pd.read_csv(data.train, float_precision="round_trip"))
        np.testing.assert_allclose(pipe.to_json()["estimator"]["state"]["coef"], cli["estimator"]["state"]["coef"],
                                   rtol=0, atol=1e-12)
        yhat = cli_predict(data.path("fare.json"), data.path("fare_out")).yhat.to_numpy()
        np.testing.assert_allclose(pipe.predict(self.test), yhat, rtol=0, atol=1e-12)


class DaskDataFrameTest(unittest.TestCase):
    def test_predict_and_transform_are_lazy_per_partition(self):
        import dask.dataframe as dd
        pipe = outcore.load(support.run("fit", support.SPEC, data.train, "-o", data.path("dask.json")) and
                            data.path("dask.json"))
        test = data.frame("test")
        ddf = dd.from_pandas(test, npartitions=4)
        lazy = pipe.predict_proba(ddf)
        self.assertEqual(type(lazy).__module__.split(".")[0], "dask")
        np.testing.assert_allclose(lazy.compute(), pipe.predict_proba(test), rtol=0, atol=0)
        np.testing.assert_array_equal(pipe.predict(ddf).compute(), pipe.predict(test))
        features = pipe[:-1].transform(ddf)
        self.assertEqual(list(features.columns), pipe.get_feature_names_out().tolist())
        pd.testing.assert_frame_equal(features.compute(), pipe[:-1].transform(test))
        self.assertAlmostEqual(pipe.score(ddf), pipe.score(test))


if __name__ == "__main__":
    unittest.main()
