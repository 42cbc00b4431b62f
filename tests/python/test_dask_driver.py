"""The distributed driver's commit logic (PredictRun), without a cluster: exactly one commit per split."""

import json
import os
import shutil
import tempfile
import unittest

import numpy as np
import pandas as pd

import outcore
from outcore import _outcore


def output_spec(directory):
    return json.dumps(dict(json.loads(_outcore.default_output_spec()), dir=directory, format="csv"))


def fake_result(directory, ordinal, attempt, rows=10):
    """An attempt's SplitResult JSON, with its temporary part written."""
    output = output_spec(directory)
    temp = _outcore.temp_part_path(output, ordinal, attempt)
    with open(temp, "w") as f:
        f.write("yhat\n" + "0.5\n" * rows)
    result = {"ordinal": ordinal, "temp_path": temp, "part": _outcore.part_name(ordinal, "csv"), "rows_in": rows,
              "rows_out": rows, "rows_rejected": 0, "rows_missing_features": 0, "bytes_in": 100, "drift": {},
              "rejects": [], "seconds": {"parse": 0, "transform": 0, "score": 0, "write": 0}}
    return output, json.dumps(result)


class CommitTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="outcore-commit-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def new_run(self, **options):
        """A PredictRun of a small fitted pipeline over a CSV of ~10 splits, into self.dir/out."""
        rng = np.random.default_rng(3)
        X = pd.DataFrame({"color": rng.choice(["red", "green", "blue"], size=400), "x": rng.normal(size=400)})
        y = (X["x"] > 0).astype(np.int64).to_numpy()
        pipe = outcore.make_pipeline(outcore.OneHot(), outcore.LogisticRegression()).fit(X, y)
        data = os.path.join(self.dir, "data.csv")
        X.to_csv(data, index=False)
        settings = dict(keep=[], split_size="1KB", format="csv", compression="zstd", label=False,
                        on_bad_rows="stop", overwrite=False, resume=False)
        settings.update(options)
        return _outcore.PredictRun(pipe.model_, "model.json", [data], os.path.join(self.dir, "out"), **settings), pipe

    def test_first_attempt_wins_and_the_others_are_discarded(self):
        run, pipe = self.new_run()
        splits = run.start()
        self.assertGreater(len(splits), 4)
        out = os.path.join(self.dir, "out")
        output, first = fake_result(out, 3, attempt=111)
        _, second = fake_result(out, 3, attempt=222, rows=99)
        fake_result(out, 4, attempt=333)  # a killed worker's: never reported
        self.assertTrue(run.offer(first))
        self.assertFalse(run.offer(second))
        for split in splits:
            if json.loads(split)["ordinal"] != 3:
                self.assertTrue(run.offer(_outcore.run_split(pipe.model_, split, run.worker_output(), 1)))
        manifest = json.loads(run.finish(1, json.dumps({"kind": "test"})))
        parts = ["part-%05d.csv" % i for i in range(len(splits))]
        self.assertEqual(sorted(os.listdir(out)), ["_SUCCESS", "_outcore"] + parts)
        with open(os.path.join(out, "part-00003.csv")) as f:
            self.assertEqual(len(f.read().splitlines()), 11)  # the first attempt's 10 rows
        self.assertEqual(manifest["executor"]["attempts_discarded"], 2)
        self.assertEqual([p["file"] for p in manifest["parts"]], parts)

    def test_a_failed_run_says_how_to_resume_and_leaves_no_attempt(self):
        run, pipe = self.new_run()
        splits = run.start()
        out = os.path.join(self.dir, "out")
        run.offer(_outcore.run_split(pipe.model_, splits[0], run.worker_output(), 1))
        fake_result(out, 1, attempt=5)  # a worker's, still running when the run failed
        run.fail(outcore.InvalidInputError.code, "data.csv:9:1: a bad row")
        self.assertTrue(run.failed)
        with self.assertRaisesRegex(
                outcore.InvalidInputError,
                r"^data.csv:9:1: a bad row \(1 of %d parts are complete in .*/out; run again with resume=True "
                r"\(--resume\) to finish, adding on_bad_rows='skip' or 'reject=FILE'\)$" % len(splits)):
            run.finish(1, "null")
        self.assertEqual(sorted(os.listdir(out)), ["_outcore", "part-00000.csv"])

    def test_options_are_checked_and_named_as_keywords(self):
        for options, message in (({"format": "xml"}, "format: expected parquet or csv, got 'xml'"),
                                 ({"compression": "lz4"}, "compression: expected zstd, snappy or none"),
                                 ({"on_bad_rows": "reject="}, "on_bad_rows: expected stop, skip or reject=FILE"),
                                 ({"split_size": "lots"}, "split_size: expected a size like 64MB"),
                                 ({"resume": True, "overwrite": True}, "resume and overwrite exclude each other")):
            with self.assertRaisesRegex(outcore.UsageError, message):
                self.new_run(**options)

    def test_output_directory_rules(self):
        sink = _outcore.open_sink(output_spec(self.dir))
        identity = json.dumps({"run": 1})
        with open(os.path.join(self.dir, "notes.txt"), "w") as f:
            f.write("keep me")
        with self.assertRaisesRegex(outcore.UsageError, "not empty; use --overwrite"):
            sink.prepare("fresh", identity)
        open(os.path.join(self.dir, "part-00000.csv"), "w").close()
        open(os.path.join(self.dir, ".part-00001.csv.attempt-7.tmp"), "w").close()
        self.assertEqual(sink.prepare("overwrite", identity), ([], False))
        self.assertEqual(sorted(os.listdir(self.dir)), ["_outcore", "notes.txt"])  # _outcore: the run's record

    def test_resume_keeps_committed_parts_of_the_same_run_only(self):
        output = output_spec(self.dir)
        sink = _outcore.open_sink(output)
        identity = json.dumps({"run": 1})
        sink.prepare("fresh", identity)
        _, first = fake_result(self.dir, 2, attempt=5)
        sink.commit(first)
        fake_result(self.dir, 3, attempt=6)  # written, never committed
        kept, complete = sink.prepare("resume", identity)
        self.assertFalse(complete)
        self.assertEqual([json.loads(r)["ordinal"] for r in kept], [2])
        self.assertEqual(sorted(os.listdir(self.dir)), ["_outcore", "part-00002.csv"])
        with self.assertRaisesRegex(outcore.UsageError, "cannot resume: the model, inputs or output options differ"):
            sink.prepare("resume", json.dumps({"run": 2}))
        with self.assertRaisesRegex(outcore.UsageError, "expected fresh, resume or overwrite"):
            sink.prepare("again", identity)

    def test_resume_redoes_a_committed_part_that_was_changed(self):
        output = output_spec(self.dir)
        sink = _outcore.open_sink(output)
        identity = json.dumps({"run": 1})
        sink.prepare("fresh", identity)
        for ordinal in (0, 1):
            _, result = fake_result(self.dir, ordinal, attempt=1)
            sink.commit(result)
        record = json.load(open(os.path.join(self.dir, "_outcore", "part-00001.csv.json")))
        self.assertTrue(record["checksum"].startswith("xxh3:"))
        path = os.path.join(self.dir, "part-00001.csv")
        self.assertEqual(record["bytes"], os.path.getsize(path))
        with open(path, "r+b") as f:  # same size, one byte changed
            first = f.read(1)
            f.seek(0)
            f.write(b"Z" if first != b"Z" else b"Y")
        kept, complete = sink.prepare("resume", identity)
        self.assertFalse(complete)
        self.assertEqual([json.loads(r)["ordinal"] for r in kept], [0])
        redone = json.loads(sink.redone())
        self.assertEqual([r["part"] for r in redone], ["part-00001.csv"])
        self.assertRegex(redone[0]["why"], "^checksum changed: xxh3:")
        self.assertFalse(os.path.exists(path))  # removed: the run writes it again

    def test_resume_after_a_bad_row_may_change_only_the_bad_row_policy(self):
        output = output_spec(self.dir)
        sink = _outcore.open_sink(output)

        def identity(policy, run=1):
            return json.dumps({"run": run, "output": {"format": "csv", "on_bad_rows": policy}})

        sink.prepare("fresh", identity("stop"))
        _, first = fake_result(self.dir, 0, attempt=1)
        sink.commit(first)
        with self.assertRaisesRegex(outcore.UsageError, "cannot resume"):
            sink.prepare("resume", identity("skip", run=2))  # more than the policy changed
        kept, _ = sink.prepare("resume", identity("skip"))  # stop -> skip: the part stands
        self.assertEqual([json.loads(r)["ordinal"] for r in kept], [0])
        # The run is now a skip run: its parts may have dropped rows that stop would refuse.
        with self.assertRaisesRegex(outcore.UsageError, "cannot resume"):
            sink.prepare("resume", identity("stop"))
        with self.assertRaisesRegex(outcore.UsageError, "cannot resume"):
            sink.prepare("resume", identity("reject"))

    def test_sizes(self):
        self.assertEqual(_outcore.parse_size("64MB"), 64 << 20)
        self.assertEqual(_outcore.parse_size("1g"), 1 << 30)
        self.assertEqual(_outcore.parse_size("512KiB"), 512 << 10)
        self.assertEqual(_outcore.parse_size("1000"), 1000)
        with self.assertRaises(outcore.UsageError):
            _outcore.parse_size("lots")


class DriftedInputTest(unittest.TestCase):
    """outcore.dask.predict's read= and rename= reach the workers: a semicolon file with decimal
    commas and renamed, upper-case columns scores as the clean file does."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="outcore-drift-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_read_overrides_and_renames_reach_the_workers(self):
        rng = np.random.default_rng(5)
        X = pd.DataFrame({"color": rng.choice(["red", "green", "blue"], size=400), "x": rng.normal(size=400).round(4)})
        y = (X["x"] > 0).astype(np.int64).to_numpy()
        model = os.path.join(self.dir, "model.json")
        outcore.make_pipeline(outcore.OneHot(), outcore.LogisticRegression()).fit(X, y).save(model)
        clean, messy = os.path.join(self.dir, "clean.csv"), os.path.join(self.dir, "messy.csv")
        X.to_csv(clean, index=False)
        X.rename(columns={"color": "COLOUR", "x": "X"}).to_csv(messy, index=False, sep=";", decimal=",")
        from distributed import Client
        with Client(processes=False, dashboard_address=None, n_workers=2, threads_per_worker=1):
            want = outcore.dask.predict(model, [clean], os.path.join(self.dir, "clean"), format="csv", split_size="1KB")
            got = outcore.dask.predict(model, [messy], os.path.join(self.dir, "messy"), format="csv", split_size="1KB",
                                       read={"delimiter": ";", "decimal": ","}, rename=["COLOUR=color"])
        self.assertGreater(got["totals"]["parts"], 2)
        self.assertEqual(got["read_overrides"], ["delimiter=;", "decimal=,"])
        self.assertEqual(got["columns"], [{"name": "color", "input": "COLOUR", "by": "rename"},
                                          {"name": "x", "input": "X", "by": "case"}])
        read = lambda name: pd.concat([pd.read_csv(os.path.join(self.dir, name, p["file"])) for p in
                                       (want if name == "clean" else got)["parts"]], ignore_index=True)
        pd.testing.assert_frame_equal(read("clean"), read("messy"))

    def test_bad_overrides_are_named_as_given(self):
        rng = np.random.default_rng(5)
        X = pd.DataFrame({"x": rng.normal(size=50)})
        pipe = outcore.make_pipeline(outcore.LogisticRegression()).fit(X, (X["x"] > 0).astype(np.int64).to_numpy())
        data = os.path.join(self.dir, "data.csv")
        X.to_csv(data, index=False)
        run = _outcore.PredictRun(pipe.model_, "model.json", [data], os.path.join(self.dir, "out"), keep=[],
                                  split_size="auto", format="csv", compression="zstd", label=False,
                                  on_bad_rows="stop", overwrite=False, resume=False, read=["delimter=;"])
        with self.assertRaisesRegex(outcore.UsageError, "delimter=;: unknown key 'delimter'"):
            run.start()
        with self.assertRaisesRegex(outcore.UsageError, "rename x: expected OLD=NEW"):
            _outcore.PredictRun(pipe.model_, "model.json", [data], os.path.join(self.dir, "out"), keep=[],
                                split_size="auto", format="csv", compression="zstd", label=False,
                                on_bad_rows="stop", overwrite=False, resume=False, rename=["x"])


if __name__ == "__main__":
    unittest.main()
