"""outcore.from_xgboost: an XGBoost model as an outcore Pipeline that predicts what it predicts.

The booster's JSON text (what `save_raw("json")` gives) goes to the C++ converter that
`outcore import-xgboost` uses (src/pipeline/import/xgboost.cc), in this process; nothing is
pickled. docs/import.md says what converts and what is refused.
"""

import json

import numpy as np
import pandas as pd

from . import _outcore, frames
from ._convert_common import ConversionError


def _booster_and_classes(model):
    """(xgboost.Booster, classes or None, what to call it in messages, its predict's default
    rounds: XGBClassifier/XGBRegressor score best_iteration + 1 rounds after early stopping,
    a Booster all of them (None))."""
    try:
        import xgboost
    except ImportError as e:  # only a caller who has an XGBoost model gets here
        raise ConversionError("cannot convert %r: xgboost is not importable (%s)" % (type(model).__name__, e)) from None
    if isinstance(model, xgboost.Booster):
        return model, None, "xgboost.Booster", None
    if isinstance(model, (xgboost.XGBClassifier, xgboost.XGBRegressor)):
        name = type(model).__name__
        try:
            booster = model.get_booster()
        except Exception as e:  # NotFittedError and friends
            raise ConversionError("cannot convert %s: %s" % (name, e)) from None
        missing = getattr(model, "missing", np.nan)
        if missing is not None and not (isinstance(missing, float) and np.isnan(missing)):
            # XGBoost's scikit-learn wrapper treats this value as missing when it predicts;
            # outcore's missing values are NaN and empty fields only.
            raise ConversionError("cannot convert %s(missing=%r): XGBoost scores that value as missing, outcore "
                                  "only NaN and empty fields; replace it by NaN in the data and refit with the "
                                  "default missing=nan" % (name, missing))
        # XGBModel._get_iteration_range: (0, best_iteration + 1) when early stopping recorded one.
        best = getattr(model, "best_iteration", None) if hasattr(booster, "best_iteration") else None
        rounds = None if best is None else (0, int(best) + 1)
        if isinstance(model, xgboost.XGBClassifier):
            return booster, np.asarray(model.classes_), name, rounds
        return booster, None, name, rounds
    raise ConversionError("cannot convert %r: from_xgboost takes an xgboost.Booster, XGBClassifier or XGBRegressor"
                          % type(model).__name__)


def _refusal(name, error):
    """ConversionError "cannot convert NAME: WHY" from the converter's "NAME: WHY"."""
    text = str(error)
    return ConversionError("cannot convert %s: %s" % (name, text[len(name) + 2:] if text.startswith(name + ": ") else text))


def from_xgboost(model, X_sample, iteration_range=None):
    """An outcore Pipeline that computes what the XGBoost `model` (an xgboost.Booster, or a fitted
    XGBClassifier or XGBRegressor) predicts, saveable with `.save` and scored by `outcore predict`.

    X_sample (a pandas DataFrame) gives the input columns and their types: the booster's
    feature_names picked from it in the booster's order, or, for a booster without names, all
    its columns (as many as the booster's features). The pipeline is `select` of those columns
    followed by the trees; a pandas categorical column (XGBoost's enable_categorical reads its
    codes) gets a `categories` step with its dtype's categories and an `ordinal` step, which
    give the same codes. A classifier's classes are XGBClassifier's classes_, or 0..k-1 for
    a Booster. What outcore cannot compute exactly (dart, gblinear, other objectives,
    vector leaves) raises ConversionError naming the part of the model's JSON.

    iteration_range (begin, end), as XGBoost's predict takes it, keeps the boosting rounds
    begin to end - 1. By default the converted model uses the rounds the object's own predict
    does: for an XGBClassifier / XGBRegressor trained with early stopping, the first
    best_iteration + 1; otherwise (and for a Booster, whose predict ignores best_iteration) all.
    """
    booster, classes, name, default_rounds = _booster_and_classes(model)
    rounds = default_rounds if iteration_range is None else iteration_range
    try:
        begin, end = (0, 0) if rounds is None else (int(rounds[0]), int(rounds[1]))
    except (TypeError, ValueError, IndexError):
        raise ConversionError("cannot convert %s: iteration_range must be (begin, end), not %r"
                              % (name, iteration_range)) from None
    if not isinstance(X_sample, pd.DataFrame):
        raise ConversionError("cannot convert %s: X_sample must be a pandas DataFrame (its columns and dtypes are the "
                              "model's inputs), not %s" % (name, type(X_sample).__name__))
    text = booster.save_raw("json").decode("utf-8")
    try:
        converter = _outcore.XGBoostImport(text, name)  # read and converted once
        summary = json.loads(converter.summary())
    except _outcore.ModelError as e:
        raise _refusal(name, e) from None

    frame, _ = frames.to_frame(X_sample)
    columns = [str(c) for c in frame.columns]
    names = summary["feature_names"]
    if names:
        missing = [n for n in names if n not in columns]
        if missing:
            raise ConversionError("cannot convert %s: the booster's features [%s] are not all columns of X_sample "
                                  "[%s] (missing: %s)" % (name, ", ".join(names), ", ".join(columns), ", ".join(missing)))
        used = list(names)
    else:
        if len(columns) != summary["num_features"]:
            raise ConversionError("cannot convert %s: the booster has %d features (and no feature names) but X_sample has "
                                  "%d columns [%s]" % (name, summary["num_features"], len(columns), ", ".join(columns)))
        used = columns

    classifier = summary["estimator_kind"] == "tree_ensemble_classifier"
    if classifier:
        if classes is None:
            classes = np.arange(summary["num_class"])
        if len(classes) != summary["num_class"]:
            raise ConversionError("cannot convert %s: classes_ has %d classes but the booster has %d"
                                  % (name, len(classes), summary["num_class"]))
    # The target column the sample lacks: any class (or 0.0) on every row; with the classes
    # given, nothing is learned from it.
    target = next(t for t in ("y", "target", "__outcore_target__") if t not in columns)
    n = len(frame)
    fill = np.resize(np.asarray(classes), n) if classifier else np.zeros(n)
    target_series = pd.Series(fill, name=target, index=frame.index)

    kinds = [frames.kind_of(frame[c].dtype) for c in used]
    read = {"dtype": {c: k for c, k in zip(used, kinds) if k != "datetime"},
            "parse_dates": [c for c, k in zip(used, kinds) if k == "datetime"]}
    steps = [{"kind": "select", "params": {"columns": used}}]
    # A pandas categorical column reaches XGBoost as its codes (enable_categorical): a categories
    # step with the dtype's categories, in order, then ordinal gives outcore the same codes; a
    # value outside them is missing, as pandas makes it.
    categorical = [c for c in used if isinstance(frame[c].dtype, pd.CategoricalDtype)]
    if categorical:
        steps.append({"kind": "categories", "params": {"categories": {
            c: [frames.value_text(v) for v in frame[c].cat.categories] for c in categorical}}})
        steps.append({"kind": "ordinal", "params": {"columns": categorical}})
    spec = {"path": "", "read": read, "target": target, "steps": steps,
            # A stand-in of the right sort, so that the target is read as the trees need; the
            # estimator is the trees (XGBoostImport::Import).
            "model": {"kind": "logistic_regression" if classifier else "linear_regression", "params": {}}}
    batches = frames.to_batches(frames.select(frame, used) + [target_series], kinds + [None])
    class_texts = [frames.value_text(c) for c in classes] if classifier else []
    try:
        converted = converter.import_model(json.dumps(spec), batches, target, class_texts, begin, end)
    except (_outcore.ModelError, _outcore.SchemaError, _outcore.UsageError) as e:
        raise _refusal(name, e) from None
    from .estimators import pipeline_from_model
    return pipeline_from_model(converted)
