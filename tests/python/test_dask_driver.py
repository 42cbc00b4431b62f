"""The distributed driver's commit logic, without a cluster: exactly one commit per split."""

import json
import os
import shutil
import tempfile
import unittest

import outcore
from outcore import _outcore
from outcore import dask as outcore_dask


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

    def test_first_attempt_wins_and_the_others_are_discarded(self):
        output, first = fake_result(self.dir, 3, attempt=111)
        _, second = fake_result(self.dir, 3, attempt=222, rows=99)
        _, orphan = fake_result(self.dir, 4, attempt=333)  # a killed worker's: never reported
        committer = outcore_dask.PartCommitter(_outcore.open_sink(output), output)
        self.assertTrue(committer.offer(first))
        self.assertFalse(committer.offer(second))
        committer.discard_leftovers()
        self.assertEqual(sorted(os.listdir(self.dir)), ["part-00003.csv"])
        with open(os.path.join(self.dir, "part-00003.csv")) as f:
            self.assertEqual(len(f.read().splitlines()), 11)  # the first attempt's 10 rows
        self.assertEqual(committer.discarded, 2)
        self.assertEqual(list(committer.results), [3])

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
        outcore_dask.PartCommitter(sink, output).offer(first)
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
        committer = outcore_dask.PartCommitter(sink, output)
        for ordinal in (0, 1):
            _, result = fake_result(self.dir, ordinal, attempt=1)
            committer.offer(result)
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
        outcore_dask.PartCommitter(sink, output).offer(first)
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
        self.assertEqual(outcore_dask.parse_size("64MB"), 64 << 20)
        self.assertEqual(outcore_dask.parse_size("1g"), 1 << 30)
        self.assertEqual(outcore_dask.parse_size("512KiB"), 512 << 10)
        self.assertEqual(outcore_dask.parse_size("1000"), 1000)
        with self.assertRaises(outcore.UsageError):
            outcore_dask.parse_size("lots")


if __name__ == "__main__":
    unittest.main()
