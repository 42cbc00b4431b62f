"""python3 -m outcore: the Python package's command line.

    python3 -m outcore predict MODEL INPUT... -o OUTDIR --scheduler tcp://HOST:PORT
        [--split-size auto] [--format parquet|csv] [--compression zstd|snappy|none]
        [--keep COL,...] [--label] [--on-bad-rows stop|skip|reject=FILE] [--overwrite | --resume]
        [--read KEY=VALUE]... [--rename OLD=NEW]... [--retries 3] [--quiet] [--json]
    python3 -m outcore steps

Exit codes are the CLI's: 2 usage, 3 bad input data, 4 schema mismatch, 5 invalid model,
6 I/O (also: the scheduler cannot be reached), 70 internal error.
"""

import argparse
import json
import sys

from . import _outcore


def _predict(args):
    from distributed import Client

    from . import dask as outcore_dask

    try:
        client = Client(args.scheduler, timeout=args.connect_timeout)
    except OSError as e:
        raise _outcore.OutcoreIOError("cannot reach the Dask scheduler at %s: %s" % (args.scheduler, e))
    with client:
        manifest = outcore_dask.predict(
            args.model, args.inputs, args.output, client=client, retries=args.retries,
            split_size=args.split_size, format=args.format, compression=args.compression, keep=args.keep or "",
            label=args.label, on_bad_rows=args.on_bad_rows, overwrite=args.overwrite, resume=args.resume,
            read=args.read, rename=args.rename, progress=not (args.quiet or args.json))
    totals, timings = manifest["totals"], manifest["timings"]
    output = _outcore.redact_uri(args.output)
    executor = manifest.get("executor", {})  # absent when `outcore predict` completed the run
    if args.json:
        print(json.dumps({"output": output, "totals": totals, "parts_redone": manifest.get("parts_redone", []),
                          "timings": timings, "drift": manifest["drift"], "executor": executor}, indent=2))
    elif not args.quiet:
        print("predict  %s rows in, %s out, %s rejected -> %s %s in %s" % (
            format(totals["rows_in"], ","), format(totals["rows_out"], ","), format(totals["rows_rejected"], ","),
            format(totals["parts"], ","), "part" if totals["parts"] == 1 else "parts", output), file=sys.stderr)
        if totals["parts_reused"]:
            print("         %s %s already complete and kept (checked)" % (
                format(totals["parts_reused"], ","), "part was" if totals["parts_reused"] == 1 else "parts were"),
                file=sys.stderr)
        redone = manifest.get("parts_redone", [])
        if redone:
            shown = ", ".join("%s (%s)" % (p["part"], p["why"]) for p in redone[:5])
            if len(redone) > 5:
                shown += ", and %s more (--json lists all)" % format(len(redone) - 5, ",")
            print("         %s %s missing or changed and redone: %s" % (
                format(len(redone), ","), "part was" if len(redone) == 1 else "parts were", shown), file=sys.stderr)
        print("time     %.2f s, %.2fM rows/s on %d Dask workers (%d threads); %d attempts discarded" % (
            timings["seconds"], timings["rows_per_second"] / 1e6, executor.get("workers", 0),
            timings["threads"], executor.get("attempts_discarded", 0)), file=sys.stderr)
        for key, n in manifest["drift"].items():
            print("drift    %s: %s values outside what the model was trained on" % (key, format(n, ",")),
                  file=sys.stderr)


def _steps(args):
    from . import estimators
    print("Steps (transformers):")
    for cls in estimators.STEP_CLASSES:
        print("  %-20s %s" % (cls.__name__, cls.__doc__.splitlines()[0]))
    print("Estimators:")
    for cls in estimators.ESTIMATOR_CLASSES:
        print("  %-20s %s" % (cls.__name__, cls.__doc__.splitlines()[0]))


def _exit_code(error):
    for cls, code in ((_outcore.UsageError, 2), (_outcore.InvalidInputError, 3), (_outcore.SchemaError, 4),
                      (_outcore.ModelError, 5), (_outcore.OutcoreIOError, 6)):
        if isinstance(error, cls):
            return code
    return 70


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m outcore", description="outcore from Python.")
    commands = parser.add_subparsers(dest="command", required=True)
    p = commands.add_parser("predict", help="score inputs on a Dask cluster",
                            description="Score inputs with a model file on a Dask cluster: one task per "
                                        "split, each part committed exactly once, _SUCCESS written last.")
    p.add_argument("model", help="model file (from `outcore fit` or Pipeline.save)")
    p.add_argument("inputs", nargs="+", help="CSV or Parquet files, directories, quoted globs or postgresql:// URIs")
    p.add_argument("-o", "--output", required=True, help="output directory (shared with the workers), or postgresql://...?table=NAME")
    p.add_argument("--scheduler", required=True, help="Dask scheduler address, e.g. tcp://10.0.0.1:8786")
    p.add_argument("--split-size", default="auto",
                   help="input bytes per split (and per task): 64MB, 1G, ...; auto (default): a sixteenth of "
                        "the input files' size, from 8MB to 64MB")
    p.add_argument("--format", default="parquet", choices=["parquet", "csv"])
    p.add_argument("--compression", default="zstd", choices=["zstd", "snappy", "none"])
    p.add_argument("--keep", help="input columns to copy next to yhat, comma-separated")
    p.add_argument("--label", action="store_true", help="write the predicted class instead of the probability")
    p.add_argument("--on-bad-rows", default="stop", help="stop, skip or reject=FILE")
    p.add_argument("--overwrite", action="store_true", help="replace outcore output already in OUTDIR")
    p.add_argument("--resume", action="store_true",
                   help="finish an interrupted run into OUTDIR: keep its committed parts, run the rest (with the "
                        "same options; a run a bad row stopped may add --on-bad-rows skip or reject=FILE)")
    p.add_argument("--read", action="append", default=[], metavar="KEY=VALUE",
                   help="override one of the model's read options for this run (as `outcore predict --read`)")
    p.add_argument("--rename", action="append", default=[], metavar="OLD=NEW",
                   help="read the input's column OLD as the model's column NEW (as `outcore predict --rename`)")
    p.add_argument("--retries", type=int, default=3, help="extra attempts for a task that fails")
    p.add_argument("--connect-timeout", default="10s", help="how long to wait for the scheduler")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary")
    p.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    p.set_defaults(run=_predict)
    s = commands.add_parser("steps", help="list the step and estimator classes")
    s.set_defaults(run=_steps)
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except _outcore.Error as e:
        print("error: %s" % e, file=sys.stderr)
        return _exit_code(e)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
