"""outcore: fit small, predict big — from Python.

    import outcore
    pipe = outcore.make_pipeline(outcore.OneHot(), outcore.LogisticRegression(C=1.0))
    pipe.fit(df, y).predict_proba(df)          # pandas, NumPy or Dask DataFrames
    pipe.save("model.json")                    # `outcore predict model.json big/ -o out/`
    outcore.load("model.json")                 # any model file, from the CLI or Python
    outcore.from_sklearn(fitted_sklearn_pipeline, X.head())   # a fitted scikit-learn pipeline
    outcore.from_xgboost(xgb_classifier, X.head())            # an XGBoost model (docs/import.md)
    outcore.Pipeline.from_spec("spec.toml")    # a TOML spec's steps, model, target, read options
    outcore.dask.predict("model.json", ["big/"], "out/", client=client)   # on a Dask cluster
    pipe.last_report_                          # drift seen by the last predict (outcore.DriftWarning)

One class per registered step and estimator kind (`python3 -m outcore steps`), in CamelCase:
"""

from . import _outcore, registry
from . import dask  # outcore.dask.predict; Dask itself is imported only when it runs
from ._convert_common import ConversionError
from ._outcore import (Error, InternalError, InvalidInputError, ModelError, OutcoreIOError, SchemaError,
                       UsageError)

__version__ = _outcore.__version__

_FROM_ESTIMATORS = ["Pipeline", "make_pipeline", "load", "DriftWarning", "OutcoreStep", "OutcoreEstimator",
                    "OutcoreClassifier", "OutcoreRegressor"] + registry.class_names()

__all__ = ["Error", "UsageError", "InvalidInputError", "SchemaError", "ModelError", "OutcoreIOError",
           "InternalError", "ConversionError", "from_sklearn"] + _FROM_ESTIMATORS

__doc__ += "".join("    %-20s %s\n" % (registry.class_name(e["kind"]), e["doc"])
                   for e in registry.entries()["steps"] + registry.entries()["estimators"])


__all__ += ["from_xgboost"]


def __getattr__(name):
    if name == "from_xgboost":  # pandas imported on first use, xgboost when it runs
        from ._convert_xgboost import from_xgboost
        globals()[name] = from_xgboost
        return from_xgboost
    # The scikit-learn layer (and scikit-learn itself) is imported on first use, so that a
    # Dask worker that only runs splits loads just the C++ module.
    if name == "from_sklearn":
        from .convert import from_sklearn
        globals()[name] = from_sklearn
        return from_sklearn
    if name in _FROM_ESTIMATORS:
        from . import estimators
        value = getattr(estimators, name)
        globals()[name] = value
        return value
    raise AttributeError("module 'outcore' has no attribute '%s'" % name)


def __dir__():
    return sorted(set(globals()) | set(__all__))
