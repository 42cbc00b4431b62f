"""Distributed predict on a Dask cluster, committing each split's part exactly once.

    from distributed import Client
    import outcore.dask
    outcore.dask.predict("model.json", ["data/"], "predictions/", client=Client("tcp://host:8786"))

The driver (this process) runs outcore's own predict driver, `_outcore.PredictRun`, exactly as
`outcore predict` does: it checks the options and the inputs against the model, cuts the inputs
into splits and prepares the output. Each split becomes one Dask task, which runs `run_split` on
a worker: the worker writes the part under a temporary name unique to this attempt (a random
63-bit attempt id per task execution) and returns what it did. Dask may run a task more than
once (a worker dies, the task is retried); the driver hands each reply to the PredictRun, which
commits the first successful attempt of each split, deletes the files of any other attempt,
and writes `_SUCCESS` last, in the same format as the CLI's. Workers and driver must see the
inputs and the output directory at the same paths (one machine, or a shared file system), or
read and write S3 (s3:// inputs and output: the bucket is all they share).

The output can also be a PostgreSQL table (postgresql://...?table=NAME): each worker writes its
split's rows in one transaction that records the split in the table's ledger, and a retried
split replaces its own rows; the driver commits and completes the run in the ledger, exactly as
`outcore predict` does (docs/postgres.md). `resume=True` finishes an interrupted run of either.
"""

import json
import os
import secrets
import sys
import time

from . import _outcore

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
        return {"ok": False, "error": type(e).__name__, "code": e.code, "message": str(e)}
    # Tests set this on their workers to widen the window in which a worker can be killed
    # between writing its part and reporting it.
    delay = float(os.environ.get("OUTCORE_TEST_SPLIT_DELAY", "0") or 0)
    if delay > 0:
        time.sleep(delay)
    return {"ok": True, "result": result, "attempt": attempt}


# ---- On the driver -------------------------------------------------------------------------

def _model_of(model):
    """(path for the manifest, _outcore.Model) of a path, a fitted Pipeline or estimator."""
    if isinstance(model, (str, os.PathLike)):
        return os.fspath(model), _outcore.Model.load(os.fspath(model))
    if isinstance(getattr(model, "model_", None), _outcore.Model):
        return "<python %s>" % type(model).__name__, model.model_
    raise TypeError("model must be a model file path, or a fitted outcore Pipeline or estimator, not %r" % (model,))


def predict(model, inputs, output, client=None, retries=3, *, split_size="auto", format="parquet",
            compression="zstd", keep=(), label=False, on_bad_rows="stop", overwrite=False, resume=False,
            read=(), rename=(), progress=None):
    """Scores `inputs` with `model` on the Dask cluster of `client` into `output`.

    model: a model file path, or a fitted outcore Pipeline / estimator. inputs: files,
    directories, globs, s3:// objects, prefixes or globs, or postgresql:// URIs (as `outcore
    predict` takes them). output: a directory, an s3://bucket/prefix/ (docs/s3.md), or
    postgresql://...?table=NAME (docs/postgres.md). client: a distributed.Client
    (default: the current one, distributed.get_client(); without one, a local cluster started
    for this call and closed at its end). retries: extra attempts for a task that raised (a worker that
    dies is handled by Dask's scheduler, which reruns its tasks elsewhere). resume: finish an
    interrupted run (of this driver or of `outcore predict`) into the same output: its committed
    parts are kept and only the other splits run. read: overrides of the model's read options,
    "KEY=VALUE" strings or a dict {KEY: VALUE} (as `outcore predict --read`); rename: input
    columns read as model columns, "OLD=NEW" strings or a dict {OLD: NEW} (as --rename); both
    reach the workers in the output spec. The other options are `outcore predict`'s.
    progress: on stderr, a redrawn line on a terminal, else a line per 10% done; None = only on
    a terminal.

    Returns the manifest (a dict; OUTDIR/_SUCCESS, or the ledger's for a table). Parts are
    committed as their splits finish; on failure the committed parts stay, the run is not
    marked complete and the error is raised.
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    if isinstance(keep, str):
        keep = [k for k in keep.split(",") if k]
    model_path, cpp_model = _model_of(model)
    run = _outcore.PredictRun(cpp_model, model_path, [os.fspath(i) for i in inputs], os.fspath(output), list(keep),
                              str(split_size), format, compression, bool(label), on_bad_rows, bool(overwrite),
                              bool(resume), _key_values(read), _key_values(rename))
    if client is not None:
        return _run(run, cpp_model, client, retries, progress)
    from distributed import Client, LocalCluster, get_client
    try:
        client = get_client()
    except ValueError:  # no current client
        with LocalCluster(processes=False, dashboard_address=None) as cluster, Client(cluster) as local:
            return _run(run, cpp_model, local, retries, progress)
    return _run(run, cpp_model, client, retries, progress)


def _key_values(pairs):
    """["KEY=VALUE", ...] of a dict {KEY: VALUE} or an iterable of "KEY=VALUE" strings."""
    if isinstance(pairs, str):
        return [pairs]
    if isinstance(pairs, dict):  # a value that is not text as TOML/JSON: false, 500, ["NULL"]
        return ["%s=%s" % (k, v if isinstance(v, str) else json.dumps(v)) for k, v in pairs.items()]
    return [str(p) for p in pairs]


class _ProgressLine:
    """Shows on stderr the progress lines the run gives (redrawn in place on a terminal)."""

    def __init__(self, run, shown, terminal):
        self.run, self.shown, self.terminal = run, shown, terminal

    def show(self):
        line = self.run.progress_line("dask predict", self.terminal) if self.shown else ""
        if line:
            sys.stderr.write("\r" + line + "\033[K" if self.terminal else line + "\n")
            sys.stderr.flush()

    def close(self):
        if self.shown and self.terminal:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _run(run, model, client, retries, progress):
    """Submits the run's splits as tasks and hands each reply to the run; returns the manifest."""
    from distributed import as_completed

    splits = run.start()
    output_json = run.worker_output()
    model_text = model.to_json()
    run_id = secrets.token_hex(4)
    futures = []
    for split in splits:
        info = json.loads(split)
        futures.append(client.submit(run_split_task, model.fingerprint, model_text, split, output_json,
                                     retries=retries, pure=False,
                                     key="outcore-split-%s-%05d" % (run_id, info["ordinal"])))
    terminal = sys.stderr.isatty()
    shown = terminal if progress is None else progress
    bar = _ProgressLine(run, shown, terminal)
    try:
        for _, reply in as_completed(futures, with_results=True):
            if not reply["ok"]:
                run.fail(reply["code"], reply["message"])
                break
            if run.offer(reply["result"]):
                bar.show()
    except _outcore.Error as e:  # a part that cannot be committed, or a worker's I/O error
        run.fail(e.code, str(e))
    except BaseException:  # e.g. KeyboardInterrupt: raised as it is, once the run is wound up
        client.cancel(futures)
        bar.close()
        run.fail(_outcore.InternalError.code, "interrupted")
        try:
            run.finish(0, "null")  # removes the attempts that never reported
        except _outcore.Error:
            pass
        raise
    bar.close()
    if run.failed:
        client.cancel(futures)
        run.finish(0, "null")  # raises the first error, with how to resume
    workers = client.scheduler_info().get("workers", {})
    threads = sum(w.get("nthreads", 1) for w in workers.values()) or 1
    executor = {"kind": "dask", "scheduler": client.scheduler.address, "workers": len(workers)}
    return json.loads(run.finish(threads, json.dumps(executor)))
