"""Distributed predict on a Dask cluster, committing each split's part exactly once.

    from distributed import Client
    import outcore.dask
    outcore.dask.predict("model.json", ["data/"], "predictions/", client=Client("tcp://host:8786"))

The driver (this process) checks the inputs against the model and cuts them into splits with
outcore's planner, exactly as `outcore predict` does. Each split becomes one Dask task, which
runs `run_split` on a worker: the worker writes the part under a temporary name unique to this
attempt (a random 63-bit attempt id per task execution) and returns what it did. Dask may run a
task more than once (a worker dies, the task is retried); the driver renames the first
successful attempt of each split into place, deletes the files of any other attempt, and writes
`_SUCCESS` last, in the same format as the CLI's. Workers and driver must see the inputs and the
output directory at the same paths (one machine, or a shared file system).

The output can also be a PostgreSQL table (postgresql://...?table=NAME): each worker writes its
split's rows in one transaction that records the split in the table's ledger, and a retried
split replaces its own rows; the driver commits and completes the run in the ledger, exactly as
`outcore predict` does (docs/postgres.md). `resume=True` finishes an interrupted run of either.
"""

import json
import os
import re
import secrets
import sys
import time

from . import _outcore

_ERRORS = {
    "UsageError": _outcore.UsageError,
    "InvalidInputError": _outcore.InvalidInputError,
    "SchemaError": _outcore.SchemaError,
    "ModelError": _outcore.ModelError,
}

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$", re.IGNORECASE)


def parse_size(text):
    """Bytes in "64MB", "1G", "512KB", "1048576" (powers of 1024, as the CLI reads them)."""
    if isinstance(text, int):
        return text
    m = _SIZE.match(str(text))
    if not m:
        raise _outcore.UsageError("'%s' is not a size (e.g. 64MB, 1G)" % text)
    scale = 1024 ** " kmgt".index((m.group(2) or " ").lower())
    size = int(float(m.group(1)) * scale)
    if size <= 0:
        raise _outcore.UsageError("size must be positive, got '%s'" % text)
    return size


# ---- On the workers ------------------------------------------------------------------------

_MODELS = {}  # model fingerprint -> _outcore.Model, so a worker parses a model once


def _worker_model(fingerprint, model_text):
    model = _MODELS.get(fingerprint)
    if model is None:
        if len(_MODELS) >= 4:
            _MODELS.clear()
        model = _MODELS[fingerprint] = _outcore.Model.from_json(model_text)
    return model


def run_split_task(fingerprint, model_text, split_json, output_json):
    """One attempt at one split, on a worker. Returns {"ok": True, "result": SplitResult JSON}
    or, for an error in the data (which a retry cannot fix), {"ok": False, ...}."""
    model = _worker_model(fingerprint, model_text)
    attempt = secrets.randbits(63) or 1
    try:
        result = _outcore.run_split(model, split_json, output_json, attempt)
    except (_outcore.UsageError, _outcore.InvalidInputError, _outcore.SchemaError, _outcore.ModelError) as e:
        return {"ok": False, "error": type(e).__name__, "message": str(e)}
    # Tests set this on their workers to widen the window in which a worker can be killed
    # between writing its part and reporting it.
    delay = float(os.environ.get("OUTCORE_TEST_SPLIT_DELAY", "0") or 0)
    if delay > 0:
        time.sleep(delay)
    return {"ok": True, "result": result, "attempt": attempt}


# ---- On the driver -------------------------------------------------------------------------

def _is_table(output):
    return output.startswith(("postgresql://", "postgres://"))


class PartCommitter:
    """Commits the first successful attempt of each split through the sink, and discards every
    other attempt. A directory's attempts are files under temporary names; a table's attempt
    wrote its split's rows in one transaction that replaced any earlier attempt's, so there is
    nothing of it to discard."""

    def __init__(self, sink, output_json, committed=()):
        self.sink = sink
        self.directory = json.loads(output_json)["dir"]
        self.table = _is_table(self.directory)
        self.results = {}  # ordinal -> SplitResult JSON of the committed attempt
        for result_json in committed:
            self.results[json.loads(result_json)["ordinal"]] = result_json
        self.discarded = 0

    def offer(self, result_json):
        """Commits this attempt's part unless its split already has one; True if committed."""
        result = json.loads(result_json)
        if result["ordinal"] in self.results:
            if not self.table:
                self._remove(result["temp_path"])
            self.discarded += 1
            return False
        if not self.table and not os.path.exists(result["temp_path"]):
            raise _outcore.OutcoreIOError(
                "%s: a worker wrote this part, but the driver cannot see it: the workers must write to the "
                "same directory as the driver (one machine, or a shared file system)" % result["temp_path"])
        self.sink.commit(result_json)
        self.results[result["ordinal"]] = result_json
        return True

    def discard_leftovers(self):
        """Deletes the temporary files of attempts that never reported (a killed worker's). A
        table needs nothing: the server rolled back an unfinished attempt, and a finished but
        unreported one is rewritten by its rerun (or by --resume)."""
        if self.table:
            return
        for name in os.listdir(self.directory):
            if name.startswith(".part-") and ".attempt-" in name and name.endswith(".tmp"):
                self._remove(os.path.join(self.directory, name))
                self.discarded += 1

    @staticmethod
    def _remove(path):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass


class DriverProgress:
    """Progress of the driver on stderr: one redrawn line on a terminal, else a line per 10%."""

    def __init__(self, splits, total_bytes, enabled, stream=sys.stderr):
        self.splits = splits
        self.total_bytes = max(total_bytes, 1)
        self.enabled = enabled
        self.stream = stream
        self.tty = enabled and stream.isatty()
        self.start = time.monotonic()
        self.done = self.rows = self.bytes = 0
        self.last_decile = 0

    def update(self, result):
        self.done += 1
        self.rows += result["rows_out"]
        self.bytes += result["bytes_in"]
        if not self.enabled:
            return
        fraction = self.bytes / self.total_bytes
        decile = int(fraction * 10)
        if not self.tty and decile <= self.last_decile and self.done != self.splits:
            return
        self.last_decile = decile
        elapsed = max(time.monotonic() - self.start, 1e-9)
        eta = elapsed * (1 - fraction) / fraction if fraction > 0 else 0
        line = "dask predict  %3d%%  %d/%d splits  %s rows  %.2fM rows/s  %.0f/%.0f MB  ETA %.0fs" % (
            100 * fraction, self.done, self.splits, format(self.rows, ","), self.rows / elapsed / 1e6,
            self.bytes / 1e6, self.total_bytes / 1e6, eta)
        if self.tty:
            self.stream.write("\r" + line + "\033[K")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self):
        if self.tty:
            self.stream.write("\r\033[K")
            self.stream.flush()


def _model_of(model):
    """(path for the manifest, _outcore.Model) of a path, a fitted Pipeline or estimator."""
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model), _outcore.Model.load(os.fspath(model))
    if isinstance(getattr(model, "model_", None), _outcore.Model):
        return "<python %s>" % type(model).__name__, model.model_
    raise TypeError("model must be a model file path, or a fitted outcore Pipeline or estimator, not %r" % (model,))


def _output_spec(directory, format, compression, keep_json, label, on_bad_rows):
    spec = json.loads(_outcore.default_output_spec())
    if format not in ("parquet", "csv"):
        raise _outcore.UsageError("format: expected parquet or csv, got '%s'" % format)
    if compression not in ("zstd", "snappy", "none"):
        raise _outcore.UsageError("compression: expected zstd, snappy or none, got '%s'" % compression)
    reject_path = ""
    if on_bad_rows.startswith("reject="):
        reject_path = on_bad_rows[len("reject="):]
        on_bad_rows = "reject"
    if on_bad_rows not in ("stop", "skip", "reject") or (on_bad_rows == "reject" and not reject_path):
        raise _outcore.UsageError("on_bad_rows: expected stop, skip or reject=FILE, got '%s'" % on_bad_rows)
    spec.update({"dir": directory, "format": format, "compression": compression, "keep": json.loads(keep_json),
                 "label": bool(label), "on_bad_rows": on_bad_rows})
    return json.dumps(spec), reject_path


def predict(model, inputs, output, client=None, retries=3, *, split_size="64MB", format="parquet",
            compression="zstd", keep=(), label=False, on_bad_rows="stop", overwrite=False, resume=False,
            progress=None):
    """Scores `inputs` with `model` on the Dask cluster of `client` into `output`.

    model: a model file path, or a fitted outcore Pipeline / estimator. inputs: files,
    directories, globs or postgresql:// URIs (as `outcore predict` takes them). output: a
    directory, or postgresql://...?table=NAME (docs/postgres.md). client: a distributed.Client
    (default: the current one, distributed.get_client(); without one, a local cluster started
    for this call and closed at its end). retries: extra attempts for a task that raised (a worker that
    dies is handled by Dask's scheduler, which reruns its tasks elsewhere). resume: finish an
    interrupted run (of this driver or of `outcore predict`) into the same output: its committed
    parts are kept and only the other splits run. The other options are `outcore predict`'s.
    progress: on stderr, a redrawn line on a terminal, else a line per 10% done; None = only on
    a terminal.

    Returns the manifest (a dict; OUTDIR/_SUCCESS, or the ledger's for a table). Parts are
    committed as their splits finish; on failure the committed parts stay, the run is not
    marked complete and the error is raised.
    """
    if overwrite and resume:
        raise _outcore.UsageError("overwrite and resume exclude each other")
    if client is not None:
        return _predict(model, inputs, output, client, retries, split_size, format, compression, keep, label,
                        on_bad_rows, overwrite, resume, progress)
    from distributed import Client, LocalCluster, get_client
    try:
        client = get_client()
    except ValueError:  # no current client
        with LocalCluster(processes=False, dashboard_address=None) as cluster, Client(cluster) as local:
            return _predict(model, inputs, output, local, retries, split_size, format, compression, keep, label,
                            on_bad_rows, overwrite, resume, progress)
    return _predict(model, inputs, output, client, retries, split_size, format, compression, keep, label,
                    on_bad_rows, overwrite, resume, progress)


def _predict(model, inputs, output, client, retries, split_size, format, compression, keep, label, on_bad_rows,
             overwrite, resume, progress):
    from distributed import as_completed

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if isinstance(keep, str):
        keep = [k for k in keep.split(",") if k]
    model_path, cpp_model = _model_of(model)
    model_text = cpp_model.to_json()
    start = time.monotonic()
    output = os.fspath(output)
    shown_output = _outcore.redact_uri(output)
    inputs = _outcore.expand_inputs([os.fspath(i) for i in inputs])
    split_bytes = parse_size(split_size)
    splits, keep_json = _outcore.plan_splits(cpp_model, inputs, split_bytes, list(keep))
    output_json, reject_path = _output_spec(output, format, compression, keep_json, label, on_bad_rows)
    # Workers get the output without its password: like the input splits, they connect with
    # the credentials of their own environment (PGPASSWORD, ~/.pgpass).
    worker_output_json = json.dumps(dict(json.loads(output_json), dir=shown_output))
    sink = _outcore.open_sink(output_json)
    identity = _outcore.run_identity(cpp_model, inputs, output_json, split_bytes, len(splits))
    mode = "resume" if resume else "overwrite" if overwrite else "fresh"
    committed, complete = sink.prepare(mode, identity)
    if complete:
        return json.loads(sink.manifest())

    split_info = [json.loads(s) for s in splits]
    committer = PartCommitter(sink, output_json, committed)
    todo = [(s, info) for s, info in zip(splits, split_info) if info["ordinal"] not in committer.results]
    run_id = secrets.token_hex(4)
    futures = [
        client.submit(run_split_task, cpp_model.fingerprint, model_text, s, worker_output_json, retries=retries,
                      pure=False, key="outcore-split-%s-%05d" % (run_id, info["ordinal"]))
        for s, info in todo
    ]
    shown = sys.stderr.isatty() if progress is None else progress
    bar = DriverProgress(len(todo), sum(info["end"] - info["begin"] for _, info in todo), shown)
    try:
        for _, reply in as_completed(futures, with_results=True):
            if not reply["ok"]:
                raise _ERRORS.get(reply["error"], _outcore.Error)(reply["message"])
            if committer.offer(reply["result"]):
                bar.update(json.loads(reply["result"]))
    except BaseException as e:
        client.cancel(futures)
        committer.discard_leftovers()
        bar.close()
        if isinstance(e, _outcore.Error):
            status = "%d of %d parts are complete in %s; run again with resume=True (--resume) to finish" % (
                len(committer.results), len(splits), shown_output)
            if isinstance(e, _outcore.InvalidInputError) and on_bad_rows == "stop":
                # Those parts stand under any policy: resume may also skip or reject the bad rows.
                status += ", adding on_bad_rows='skip' or 'reject=FILE'"
            raise type(e)("%s%s(%s)" % (e, "\n  " if "\n" in str(e) else " ", status)) from None
        raise
    bar.close()
    committer.discard_leftovers()
    if len(committer.results) != len(splits):
        raise _outcore.InternalError("%d of %d splits reported" % (len(committer.results), len(splits)))

    workers = client.scheduler_info().get("workers", {})
    threads = sum(w.get("nthreads", 1) for w in workers.values()) or 1
    executor = {"kind": "dask", "scheduler": client.scheduler.address, "workers": len(workers),
                "attempts_discarded": committer.discarded}
    results = [committer.results[info["ordinal"]] for info in split_info]
    manifest = _outcore.write_manifest(sink, cpp_model, model_path, inputs, output_json, split_bytes, splits, results,
                                       time.monotonic() - start, threads, json.dumps(executor), reject_path,
                                       len(splits) - len(todo))
    return json.loads(manifest)
