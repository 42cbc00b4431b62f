"""The C++ registry of step and estimator kinds, and the Python class name of each kind."""

import functools
import json

from . import _outcore


@functools.lru_cache(maxsize=None)
def entries():
    """{"steps": [...], "estimators": [...]}: kind, doc, params (the names, in order) and
    parameters (each one's declaration: name, type, default, required, bounds, choices, doc),
    the same JSON as `outcore steps --json`."""
    return json.loads(_outcore.registry())


def class_name(kind):
    """one_hot -> OneHot, logistic_regression -> LogisticRegression."""
    return "".join(part[:1].upper() + part[1:] for part in kind.split("_"))


def class_names():
    return [class_name(e["kind"]) for e in entries()["steps"] + entries()["estimators"]]
