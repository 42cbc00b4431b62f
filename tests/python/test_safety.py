"""Python as safe as the CLI: drift reported (last_report_, DriftWarning), infinity refused
with its column and row, 0 rows scored to 0 rows (also a Dask partition), outcore.dask there
after `import outcore`, and outcore.dask.predict's client=None."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings

import numpy as np
import pandas as pd

import outcore
import support


def colors_frame(n=400, seed=5):
    rng = np.random.default_rng(seed)
    color = rng.choice(["red", "green", "blue"], size=n)
    x = rng.normal(size=n)
    y = ((x + (color == "red")) > 0.5).astype(np.int64)
    return pd.DataFrame({"color": color, "x": x}), y


def fitted_pipeline(*steps):
    X, y = colors_frame()
    pipe = outcore.make_pipeline(*(steps or (outcore.OneHot(),)), outcore.LogisticRegression())
    return pipe.fit(X, y), X


def drift_warnings(caught):
    return [w for w in caught if issubclass(w.category, outcore.DriftWarning)]


class DriftTest(unittest.TestCase):
    def test_clean_data_reports_no_drift(self):
        pipe, X = fitted_pipeline()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pipe.predict_proba(X)
        self.assertEqual(drift_warnings(caught), [])
        self.assertEqual(pipe.last_report_["rows"], len(X))
        self.assertEqual(pipe.last_report_["drift"], {})
        self.assertEqual(pipe.last_report_["unknown"], {})
        self.assertEqual(pipe.last_report_["rows_missing_features"], 0)

    def test_unknown_categories_warn_and_are_counted(self):
        pipe, X = fitted_pipeline()
        X = X.iloc[:10].copy()
        X.loc[X.index[[2, 7]], "color"] = "purple"
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pipe.predict(X)
        found = drift_warnings(caught)
        self.assertEqual(len(found), 1, [str(w.message) for w in caught])
        self.assertTrue(issubclass(outcore.DriftWarning, UserWarning))
        message = str(found[0].message)
        for part in ("step 'one_hot'", "column 'color'", "2 of 10"):
            self.assertIn(part, message)
        self.assertEqual(os.path.abspath(found[0].filename), os.path.abspath(__file__))  # points at the call
        self.assertEqual(pipe.last_report_["unknown"], {"one_hot": {"color": 2}})
        self.assertEqual(pipe.last_report_["drift"], {"one_hot:color:unknown": 2})
        self.assertEqual(pipe.last_report_["rows"], 10)

    def test_integer_codes_for_a_text_column_are_drift(self):
        pipe, X = fitted_pipeline()
        codes = X.assign(color=X["color"].astype("category").cat.codes.astype(np.int64))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pipe.predict_proba(codes)
        self.assertEqual(len(drift_warnings(caught)), 1)
        self.assertEqual(pipe.last_report_["unknown"], {"one_hot": {"color": len(X)}})

    def test_transform_reports_drift(self):
        X, _ = colors_frame()
        step = outcore.OneHot().fit(X)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            step.transform(X.assign(color="teal"))
        self.assertEqual(len(drift_warnings(caught)), 1)
        self.assertEqual(os.path.abspath(drift_warnings(caught)[0].filename), os.path.abspath(__file__))
        self.assertEqual(step.last_report_["unknown"], {"one_hot": {"color": len(X)}})

    def test_categories_step_drift(self):
        pipe, X = fitted_pipeline(outcore.Categories(categories={"color": ["red", "green", "blue"]}),
                                  outcore.OneHot())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pipe.predict(X.iloc[:5].assign(color="black"))
        self.assertIn("column 'color'", str(drift_warnings(caught)[0].message))
        self.assertEqual(pipe.last_report_["unknown"]["categories"], {"color": 5})

    def test_drift_warning_can_be_an_error(self):
        pipe, X = fitted_pipeline()
        with warnings.catch_warnings():
            warnings.simplefilter("error", outcore.DriftWarning)
            with self.assertRaises(outcore.DriftWarning):
                pipe.predict(X.assign(color="purple"))

    def cli_drift(self, pipe, X):
        """The drift counters of `outcore predict` on X written as a CSV, from its _SUCCESS."""
        tmp = tempfile.mkdtemp(prefix="outcore-drift-")
        try:
            pipe.save(os.path.join(tmp, "model.json"))
            X.to_csv(os.path.join(tmp, "data.csv"), index=False)
            support.run("predict", os.path.join(tmp, "model.json"), os.path.join(tmp, "data.csv"),
                        "-o", os.path.join(tmp, "out"), "--format", "csv", "--quiet")
            with open(os.path.join(tmp, "out", "_SUCCESS")) as f:
                return json.load(f)["drift"]
        finally:
            shutil.rmtree(tmp)

    def test_drift_counts_equal_the_cli_manifest(self):
        pipe, X = fitted_pipeline()
        X = X.copy()
        X.loc[X.index[:37], "color"] = "purple"
        X.loc[X.index[40:43], "color"] = "7"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", outcore.DriftWarning)
            pipe.predict(X)
        self.assertEqual(self.cli_drift(pipe, X), {"one_hot:color:unknown": 40})
        self.assertEqual(pipe.last_report_["drift"], {"one_hot:color:unknown": 40})

    def test_integer_codes_score_as_the_cli_scores_them(self):
        pipe, X = fitted_pipeline()
        codes = X.assign(color=X["color"].astype("category").cat.codes.astype(np.int64))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", outcore.DriftWarning)
            p = pipe.predict_proba(codes)[:, 1]
        self.assertEqual(pipe.last_report_["drift"], self.cli_drift(pipe, codes))
        # Unknown to one_hot: all zeros, the same as a category never seen.
        np.testing.assert_array_equal(p, pipe.predict_proba(X.assign(color="never seen"))[:, 1])

    def assert_declares_on_unknown(self, kind):
        params = {e["kind"]: e["params"] for e in outcore.registry.entries()["steps"]}
        self.assertIn("on_unknown", params[kind])

    def test_on_unknown_error_raises_one_hot(self):
        self.assert_declares_on_unknown("one_hot")
        import dask
        import dask.dataframe as dd
        X, y = colors_frame()
        pipe = outcore.make_pipeline(outcore.OneHot(on_unknown="error"), outcore.LogisticRegression()).fit(X, y)
        pipe.predict(X)  # the values seen at fit are fine
        with self.assertRaisesRegex(outcore.Error, "color"):
            pipe.predict(X.assign(color="purple"))
        step = outcore.OneHot(on_unknown="error").fit(X)
        with dask.config.set(scheduler="sync"):  # Dask's made-up meta row is no unknown value
            self.assertEqual(len(step.transform(dd.from_pandas(X, npartitions=2)).compute()), len(X))
        with self.assertRaisesRegex(outcore.Error, "color"):
            step.transform(X.assign(color="purple"))

    def test_on_unknown_error_raises_categories(self):
        self.assert_declares_on_unknown("categories")
        X, y = colors_frame()
        pipe = outcore.make_pipeline(outcore.Categories(categories={"color": ["red", "green", "blue"]},
                                                        on_unknown="error"),
                                     outcore.OneHot(), outcore.LogisticRegression()).fit(X, y)
        pipe.predict(X)
        with self.assertRaisesRegex(outcore.Error, "color"):
            pipe.predict(X.assign(color="purple"))


class InfinityTest(unittest.TestCase):
    def test_infinity_at_predict_names_column_and_row(self):
        pipe, X = fitted_pipeline()
        for value in (np.inf, -np.inf):
            bad = X.iloc[:20].copy()
            bad.iloc[13, bad.columns.get_loc("x")] = value
            for method in (pipe.predict, pipe.predict_proba):
                with self.assertRaisesRegex(outcore.InvalidInputError, r"column 'x', row 13 .*infinite"):
                    method(bad)

    def test_infinity_in_transform(self):
        X, _ = colors_frame()
        step = outcore.StandardScaler(columns=["x"]).fit(X[["x"]])
        with self.assertRaisesRegex(outcore.InvalidInputError, r"column 'x', row 3 "):
            step.transform(X[["x"]].assign(x=[1.0, 2.0, 3.0, np.inf] + [0.0] * (len(X) - 4)))

    def test_infinity_at_fit_says_infinite(self):
        X, y = colors_frame()
        X = X.copy()
        X.iloc[100, X.columns.get_loc("x")] = np.inf
        pipe = outcore.make_pipeline(outcore.OneHot(), outcore.StandardScaler(columns=["x"]),
                                     outcore.LogisticRegression())
        with self.assertRaises(outcore.InvalidInputError) as raised:
            pipe.fit(X, y)
        self.assertIn("infinite", str(raised.exception))
        self.assertIn("column 'x', row 100", str(raised.exception))
        self.assertNotIn("missing values (NaN)", str(raised.exception))


class EmptyTest(unittest.TestCase):
    def test_empty_frame_scores_to_empty_results(self):
        pipe, X = fitted_pipeline()
        empty = X.iloc[:0]
        labels = pipe.predict(empty)
        self.assertEqual(labels.shape, (0,))
        self.assertEqual(labels.dtype, pipe.predict(X.iloc[:3]).dtype)
        proba = pipe.predict_proba(empty)
        self.assertEqual(proba.shape, (0, 2))
        self.assertEqual(proba.dtype, np.float64)
        self.assertEqual(pipe.last_report_["rows"], 0)

    def test_empty_frame_transforms_to_empty_frame(self):
        X, _ = colors_frame()
        step = outcore.OneHot().fit(X)
        full = step.transform(X.iloc[:3])
        empty = step.transform(X.iloc[:0])
        self.assertEqual(len(empty), 0)
        self.assertEqual(list(empty.columns), list(full.columns))
        self.assertEqual(list(empty.dtypes), list(full.dtypes))

    def test_fit_on_no_rows_still_raises(self):
        X, y = colors_frame()
        with self.assertRaises(ValueError):
            outcore.make_pipeline(outcore.OneHot(), outcore.LogisticRegression()).fit(X.iloc[:0], y[:0])

    def test_dask_partitions_with_no_rows(self):
        import dask
        import dask.dataframe as dd
        pipe, X = fitted_pipeline()
        X = X.sort_values("x", ignore_index=True)
        ddf = dd.from_pandas(X, npartitions=4, sort=False)
        filtered = ddf[ddf.x < X.x.iloc[50]]  # the first 50 rows: partitions 2, 3 and 4 are empty
        with dask.config.set(scheduler="sync"), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self.assertEqual([len(part.compute()) for part in filtered.to_delayed()], [50, 0, 0, 0])
            labels = pipe.predict(filtered).compute()
            proba = pipe.predict_proba(filtered).compute()
            step = outcore.OneHot().fit(X)
            transformed = step.transform(filtered).compute()
        self.assertEqual(drift_warnings(caught), [])  # none from Dask's made-up meta row
        expected = pipe.predict_proba(X.iloc[:50])
        self.assertEqual(labels.shape, (50,))
        np.testing.assert_array_equal(proba, expected)
        self.assertEqual(len(transformed), 50)


    def test_dask_partition_drift_warns(self):
        import dask
        import dask.dataframe as dd
        pipe, X = fitted_pipeline()
        ddf = dd.from_pandas(X.assign(color="purple"), npartitions=2)
        with dask.config.set(scheduler="sync"), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pipe.predict(ddf).compute()
        self.assertEqual(sum(int(str(w.message).split(": ")[2].split(" of ")[0]) for w in drift_warnings(caught)),
                         len(X))


class DaskModuleTest(unittest.TestCase):
    def test_import_outcore_makes_outcore_dask_available(self):
        code = "import outcore; assert callable(outcore.dask.predict); print('ok')"
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="outcore-client-")
        pipe, X = fitted_pipeline()
        self.model = os.path.join(self.dir, "model.json")
        pipe.save(self.model)
        self.data = os.path.join(self.dir, "data.csv")
        X.to_csv(self.data, index=False)

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_client_none_uses_the_current_client(self):
        from distributed import Client
        with Client(processes=False, dashboard_address=None, n_workers=1, threads_per_worker=1) as client:
            manifest = outcore.dask.predict(self.model, [self.data], os.path.join(self.dir, "out"), format="csv")
            self.assertEqual(manifest["executor"]["scheduler"], client.scheduler.address)
        self.assertEqual(manifest["totals"]["rows_out"], 400)

    def test_client_none_without_a_client_starts_and_closes_a_local_cluster(self):
        from distributed import get_client
        with self.assertRaises(ValueError):
            get_client()
        manifest = outcore.dask.predict(self.model, [self.data], os.path.join(self.dir, "out"), format="csv")
        self.assertEqual(manifest["totals"]["rows_out"], 400)
        self.assertEqual(manifest["executor"]["kind"], "dask")
        with self.assertRaises(ValueError):  # closed again: no client left behind
            get_client()


if __name__ == "__main__":
    unittest.main()
