"""scikit-learn-style objects over outcore's steps, estimators and pipelines.

One class per registered kind is generated from the C++ registry (`_outcore.registry()`):
`one_hot` becomes `outcore.OneHot`, `logistic_regression` `outcore.LogisticRegression`. The
parameters are the kind's own, keyword-only; a parameter left at None takes outcore's
default. Fitting and scoring run in C++; the objects hold parameters, and after `fit` the
learned state (attributes ending in `_`).
"""

import copy
import inspect
import json
import os
import re
import sys
import warnings
import weakref

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
from sklearn.exceptions import NotFittedError
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets

from . import _outcore, frames, registry
from .registry import class_name

THREADS = 0  # threads of fit/predict in this process; 0 = all cores


# ---- Parameters ----------------------------------------------------------------------------

def _key_text(key):
    """A table key as text: booleans as "true"/"false" (the class names of a boolean target)."""
    if isinstance(key, (bool, np.bool_)):
        return "true" if key else "false"
    return str(key.item() if isinstance(key, np.generic) else key)


def _json_value(value):
    """A parameter value as JSON can hold it (NumPy scalars and arrays, tuples)."""
    if isinstance(value, np.ndarray):
        return [_json_value(v) for v in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):  # e.g. class_weight={True: 5}: keys as outcore writes classes
        return {_key_text(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        return value.item()
    return value


def _attribute_value(value):
    """A learned state value as an attribute: lists of numbers become arrays."""
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                                                 for v in value):
        return np.asarray(value, dtype=np.float64)
    return value


# The report of each object's last predict / predict_proba / transform. Kept outside the
# object's __dict__: scikit-learn's contract is that scoring does not change it.
_LAST_REPORTS = weakref.WeakKeyDictionary()


class _LastReport:
    @property
    def last_report_(self):
        """What the last predict, predict_proba or transform of this object saw: {"rows",
        "drift" (the CLI's counters), "unknown" ({step kind: {column: count}}),
        "rows_missing_features" (predict)}."""
        try:
            return _LAST_REPORTS[self]
        except KeyError:
            raise AttributeError("last_report_: %s has not run predict, predict_proba or transform yet"
                                 % type(self).__name__) from None


class _OutcoreObject(_LastReport, BaseEstimator):
    """What steps and estimators share: a kind, its parameters, its spec."""

    kind = None
    _param_names = ()

    def _spec(self):
        params = {}
        for name in self._param_names:
            value = getattr(self, name)
            if value is not None:
                params[name] = _json_value(value)
        return {"kind": self.kind, "params": params}


def _check_fitted(obj, attribute):
    if not hasattr(obj, attribute):
        raise NotFittedError("This %s instance is not fitted yet. Call 'fit' with appropriate arguments "
                             "before using this estimator." % type(obj).__name__)


def _input_frame(X, n_features_in=None, owner=None, numeric_only=False, allow_empty=False):
    """(frame, from_numpy) with the scikit-learn error for an array of the wrong width."""
    frame, from_numpy = frames.to_frame(X, numeric_only, allow_empty)
    if from_numpy and n_features_in is not None and frame.shape[1] != n_features_in:
        raise ValueError("X has %d features, but %s is expecting %d features as input."
                         % (frame.shape[1], type(owner).__name__, n_features_in))
    return frame, from_numpy


def _transform_output(batches, index, from_numpy):
    """A DataFrame; for array input an array, when every output column is numeric."""
    result = frames.batches_to_frame(batches, index)
    if from_numpy:
        array = frames.frame_to_numeric_array(result)
        if array is not None:
            return array
    return result


def _on_partition(partition, function, *args, **kwargs):
    """Dask calls this on each partition (a pandas DataFrame): function(*args, partition)."""
    return function(*args, partition, **kwargs)


# Text is missing in the made-up rows: a made-up text would be a value the steps did not see
# at fit (drift, or an error with on_unknown="error").
_DUMMY_VALUES = {"float": 0.0, "int": 0, "bool": False, "datetime": pd.Timestamp(0), "string": None}


def _dask_meta_frame(X, kinds):
    """One row with the columns of a Dask DataFrame, typed as the fitted step reads them (the
    output's names and types, not its values, are what Dask needs)."""
    sample = X._meta_nonempty.iloc[:1]
    data = {}
    for name in sample.columns:
        kind = kinds.get(str(name))
        if kind == "category":
            data[name] = pd.Categorical([None])
        elif kind in _DUMMY_VALUES:
            data[name] = [_DUMMY_VALUES[kind]]
        else:
            data[name] = sample[name].to_numpy()
    return pd.DataFrame(data)


# ---- Steps ---------------------------------------------------------------------------------

class OutcoreStep(TransformerMixin, _OutcoreObject):
    """Base of the generated step classes (OneHot, StandardScaler, ...)."""

    def _set_fitted(self, entry, input_kinds, feature_names_out):
        for key in list(vars(self)):
            if key.endswith("_") and not key.startswith("_") and key not in self._param_names:
                delattr(self, key)
        self.state_ = entry["state"]
        self.fitted_params_ = entry["params"]
        for key, value in entry["state"].items():
            setattr(self, key + "_", _attribute_value(value))
        self.input_kinds_ = dict(input_kinds)
        if feature_names_out is not None:
            self.feature_names_out_ = np.asarray(feature_names_out, dtype=object)

    def _fitted_spec(self):
        return {"kind": self.kind, "params": self.fitted_params_, "state": self.state_}

    def fit(self, X, y=None):
        self._fit(X)
        return self

    def fit_transform(self, X, y=None, **fit_params):
        return self._fit(X)

    def _fit(self, X):
        if frames.is_dask_collection(X):
            X = X.compute()
        frame, from_numpy = _input_frame(X)
        columns = list(frame.columns)
        kinds = {c: frames.kind_of(frame[c].dtype) for c in columns}
        batches = frames.to_batches(frames.select(frame, columns))
        states, out = _outcore.fit_steps(json.dumps([self._spec()]), batches, THREADS)
        names = out[0].names if out else []
        self._set_fitted(json.loads(states)[0], kinds, names)
        self.n_features_in_ = frame.shape[1]
        if not from_numpy:
            self.feature_names_in_ = np.asarray(columns, dtype=object)
        return _transform_output(out, frame.index, from_numpy)

    def transform(self, X):
        _check_fitted(self, "state_")
        return _transform_with_steps([self], self, X)

    def get_feature_names_out(self, input_features=None):
        _check_fitted(self, "feature_names_out_")
        return self.feature_names_out_.copy()

    def __sklearn_is_fitted__(self):
        return hasattr(self, "state_")

    def _more_tags(self):
        return _STEP_TAGS


def _transform_with_steps(steps, owner, X, report="store"):
    """Runs fitted step objects over X (pandas, NumPy or Dask: lazily, per partition)."""
    if frames.is_dask_collection(X):
        meta = _transform_with_steps(steps, owner, _dask_meta_frame(X, steps[0].input_kinds_), report=None)
        return X.map_partitions(_on_partition, _transform_with_steps, steps, owner, report="warn", meta=meta.iloc[:0])
    first = steps[0]
    frame, from_numpy = _input_frame(X, getattr(first, "n_features_in_", None), owner, allow_empty=True)
    columns = list(frame.columns)
    kinds = [first.input_kinds_.get(c) for c in columns]
    batches = frames.to_batches(frames.select(frame, columns), kinds)
    specs = [s._fitted_spec() for s in steps]
    out, drift = _outcore.transform_steps(json.dumps(specs), batches, THREADS)
    _report(owner, len(frame), drift, report=report)
    return _transform_output(out, frame.index, from_numpy)


# ---- Estimators ----------------------------------------------------------------------------

class OutcoreEstimator(_OutcoreObject):
    """Base of the generated estimator classes (LogisticRegression, Ridge, ...).

    Standalone, it is a pipeline without steps: fit(X, y) reads every column of X."""

    _classifier = False
    _multiclass = False  # a classifier of more than two classes (the registry's "multiclass")

    def fit(self, X, y):
        fitted = _FittedModel.fit([], self, X, y, target=None, read_options=None)
        fitted.apply(self, self)
        return self

    def predict(self, X):
        return _predict(self, X)

    def save(self, path):
        """Writes the fitted model file (loadable by `outcore predict` and `outcore.load`)."""
        _check_fitted(self, "model_")
        self.model_.save(str(path))

    def get_feature_names_out(self, input_features=None):
        _check_fitted(self, "model_")
        return np.asarray(self.model_features_, dtype=object)

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    def _more_tags(self):
        return _estimator_tags(self._classifier, self._multiclass)


class OutcoreClassifier(ClassifierMixin, OutcoreEstimator):
    """A classifier: predict gives classes_, predict_proba P(class) per column (classes_ order)."""

    _classifier = True

    def predict_proba(self, X):
        return _predict_proba(self, X)


class OutcoreRegressor(RegressorMixin, OutcoreEstimator):
    """A regressor: predict gives the value."""


# scikit-learn's estimator tags, and the checks of check_estimator that do not apply (with why;
# docs/python.md lists them too).
_STEP_TAGS = {"allow_nan": True, "X_types": ["2darray", "string"]}
_NAN_AT_PREDICT = ("a missing feature value (NaN) gives a NaN prediction, as `outcore predict` leaves "
                   "yhat empty for such a row; fit does refuse NaN and infinity")
_PIPELINE_XFAIL = {
    "check_estimators_overwrite_params": "a Pipeline fits its step objects in place (as scikit-learn's "
                                         "Pipeline does), so fitting changes the objects in `steps`",
    "check_parameters_default_constructible": "a Pipeline has no default steps (as scikit-learn's Pipeline)",
}


def _estimator_tags(classifier, multiclass=True, has_steps=False):
    tags = {"allow_nan": False, "requires_y": True, "_xfail_checks": {"check_estimators_nan_inf": _NAN_AT_PREDICT}}
    if classifier and not multiclass:
        tags["binary_only"] = True
    if has_steps:
        tags["X_types"] = ["2darray", "string"]
    return tags


# ---- Fitting and scoring, shared by pipelines and standalone estimators ---------------------

def _declared_kinds(read_options):
    kinds = {}
    for name, kind in (read_options or {}).get("dtype", {}).items():
        kinds[name] = _outcore.parse_type_name(kind) or kind
    for name in (read_options or {}).get("parse_dates", []):
        kinds[name] = "datetime"
    return kinds


def _target_name(y, columns):
    name = getattr(y, "name", None)
    if isinstance(name, str) and name and name not in columns and not re.search(r"[<>=!]", name):
        return name
    for candidate in ("y", "target", "__outcore_target__"):
        if candidate not in columns:
            return candidate
    raise ValueError("cannot name the target column")


class _FittedModel:
    """The result of a fit: the C++ model, its JSON, and the facts the Python objects keep."""

    def __init__(self, model, report, classes, n_features_in, feature_names_in):
        self.model = model
        self.report = report
        self.info = json.loads(model.to_json())
        self.classes = classes
        self.n_features_in = n_features_in
        self.feature_names_in = feature_names_in

    @classmethod
    def fit(cls, steps, estimator, X, y, target, read_options):
        if not isinstance(estimator, OutcoreEstimator):
            raise TypeError("the last step must be an outcore estimator (one of %s), not %r"
                            % (", ".join(c.__name__ for c in ESTIMATOR_CLASSES), estimator))
        for step in steps:
            if not isinstance(step, OutcoreStep):
                raise TypeError("pipeline steps must be outcore steps (one of %s), not %r"
                                % (", ".join(c.__name__ for c in STEP_CLASSES), step))
        if frames.is_dask_collection(X):
            X = X.compute()
        if frames.is_dask_collection(y):
            y = y.compute()
        frame, from_numpy = frames.to_frame(X, numeric_only=not steps)
        read = copy.deepcopy(read_options) if read_options else {}
        read.setdefault("dtype", {})
        read.setdefault("parse_dates", [])
        declared = _declared_kinds(read)
        step_specs = [s._spec() for s in steps]

        classes_out = None
        if y is None:
            if not target:
                raise ValueError("%s requires y to be passed, but the target y is None (or give the pipeline a "
                                 "target, e.g. target='Tip_Amt > 0')" % type(estimator).__name__)
            target_expression = target
            target_column, op, _ = _outcore.parse_target(target)
            class_texts = []
            target_series = frames.select(frame, [target_column])[0]
        else:
            y_series = _label_series(y, len(frame), estimator._classifier)
            target_column = _target_name(y_series, frame.columns)
            target_series = y_series.rename(target_column)
            target_expression, op = target_column, ""
            class_texts = []
            if estimator._classifier:
                classes_out = _classes_of(target_series)
                class_texts = [frames.value_text(c) for c in classes_out]

        # The columns the model reads (as the CLI's fit): a first `select` step's, else all.
        selected = step_specs[0]["params"].get("columns") if step_specs and step_specs[0]["kind"] == "select" else None
        used = [selected] if isinstance(selected, str) else list(selected or frame.columns)
        used = [c for c in used if c != target_column]
        kinds = [declared.get(c) for c in used]
        target_kind = declared.get(target_column) if y is None else None
        batches = frames.to_batches(frames.select(frame, used) + [target_series], kinds + [target_kind])

        # The model records how each input column is read: declared types stay, the others
        # are the DataFrame's (so that `outcore predict` reads a CSV as this fit saw the data).
        for c, kind in zip(used, kinds):
            kind = kind or frames.kind_of(frame[c].dtype)
            if kind == "datetime":
                if c not in read["parse_dates"]:
                    read["parse_dates"].append(c)
            elif c not in read["dtype"]:
                read["dtype"][c] = kind
        spec = {"path": "", "read": read, "target": target_expression, "steps": step_specs,
                "model": estimator._spec()}
        model, report = _outcore.fit_model(json.dumps(spec), batches, target_expression, class_texts, THREADS)
        fitted = cls(model, json.loads(report), None, frame.shape[1],
                     None if from_numpy else np.asarray(list(frame.columns), dtype=object))
        if estimator._classifier:
            if classes_out is not None:
                fitted.classes = classes_out
            elif op:
                fitted.classes = np.array([False, True])
            else:
                fitted.classes = _classes_from_texts(fitted.info["target"]["classes"], target_series)
        return fitted

    @classmethod
    def from_model(cls, model):
        info = json.loads(model.to_json())
        names = [f["name"] for f in info["input_schema"]]
        fitted = cls(model, None, None, len(names), np.asarray(names, dtype=object))
        target = info["target"]
        if model.is_classifier:
            if target["expression"] != target["column"]:
                fitted.classes = np.array([False, True])
            else:
                texts = target["classes"]
                kind = _outcore.parse_type_name(target["type"])
                fitted.classes = _classes_from_texts(texts, pd.Series([], dtype=_pandas_dtype(kind)))
        return fitted

    def apply(self, estimator, owner):
        """Sets the learned attributes: the model and its input contract on the owner (a
        pipeline, or the estimator itself), the estimator's state on the estimator."""
        owner.model_ = self.model
        owner.input_schema_ = [(f["name"], f["type"]) for f in self.info["input_schema"]]
        owner.n_features_in_ = self.n_features_in
        if self.feature_names_in is not None:
            owner.feature_names_in_ = self.feature_names_in
        elif hasattr(owner, "feature_names_in_"):
            del owner.feature_names_in_
        owner.model_features_ = list(self.info["feature_names"])
        if self.report is not None:
            owner.fit_report_ = self.report
        for obj in (owner, estimator):
            if self.classes is not None:
                obj.classes_ = self.classes
        e = self.info["estimator"]
        for key, value in e["state"].items():
            setattr(estimator, key + "_", _attribute_value(value))
        estimator.fit_info_ = e.get("fit_info", {})
        if "iterations" in estimator.fit_info_:
            estimator.n_iter_ = estimator.fit_info_["iterations"]


def _pandas_dtype(kind):
    return {"float": np.float64, "int": np.int64, "bool": bool}.get(kind, object)


def _label_series(y, n_rows, classifier):
    """y as a Series, checked as scikit-learn checks targets."""
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError("y must be one column, got %d" % y.shape[1])
        y = y.iloc[:, 0]
    if not isinstance(y, pd.Series):
        from sklearn.utils.validation import column_or_1d
        array = np.asarray(y)
        if array.dtype.kind not in "OUSb":
            array = column_or_1d(y, warn=True)
        elif array.ndim != 1:
            array = column_or_1d(array, warn=True)
        y = pd.Series(array)
    if len(y) != n_rows:
        raise ValueError("Found input variables with inconsistent numbers of samples: [%d, %d]" % (n_rows, len(y)))
    if classifier:
        check_classification_targets(y.to_numpy())
    else:
        if not (pd.api.types.is_numeric_dtype(y.dtype) or pd.api.types.is_bool_dtype(y.dtype)):
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError("a regressor needs numeric y, got %s" % y.dtype)
        if np.isinf(y.to_numpy(dtype=np.float64, na_value=np.nan)).any():
            raise ValueError("Input contains infinity or a value too large for dtype('float64').")
    return y.reset_index(drop=True)


def _classes_of(y):
    values = pd.unique(y.dropna())
    if len(values) < 2:
        raise ValueError("y has %d class%s; a classifier needs at least 2 classes"
                         % (len(values), "" if len(values) == 1 else "es"))
    try:
        return np.sort(np.asarray(values))
    except TypeError:
        return np.asarray(sorted(values, key=str), dtype=object)


def _classes_from_texts(texts, like):
    """The class labels as values of the target's dtype (["0", "1"] -> [0, 1] for ints)."""
    kind = frames.kind_of(like.dtype)
    try:
        if kind == "int":
            return np.array([int(t) for t in texts])
        if kind == "float":
            return np.array([float(t) for t in texts])
        if kind == "bool":
            return np.array([t == "true" for t in texts])
    except ValueError:
        pass
    return np.array(texts, dtype=object)


def _model_output(owner, X, report):
    """The model's output for the rows of X: P(positive) or the value; NaN where a feature
    is missing."""
    numeric_only = len(getattr(owner, "steps", ())) <= 1
    width = owner.n_features_in_ if _fitted_on_arrays(owner) else None
    frame, from_numpy = _input_frame(X, width, owner, numeric_only, allow_empty=True)
    names = [name for name, _ in owner.input_schema_]
    kinds = [kind for _, kind in owner.input_schema_]
    batches = frames.to_batches(frames.select(frame, names), kinds)
    values, drift = owner.model_.predict(batches, THREADS)
    missing = np.isnan(values if values.ndim == 1 else values[:, 0])
    _report(owner, len(frame), drift, int(missing.sum()), report=report)
    return values


class DriftWarning(UserWarning):
    """Values at predict or transform that the fitted steps did not see at fit (a category
    not among the learned ones, integer codes given for a text column...): they score as
    unknown (one_hot: all zeros; categories: missing), as `outcore predict` scores them and
    reports on its `drift` line. The counts are in the object's `last_report_`."""


def _step_names(owner, kind):
    """The names the owner's pipeline gives its steps of `kind` (empty outside a pipeline)."""
    return [name for name, obj in getattr(owner, "steps", ()) if getattr(obj, "kind", None) == kind]


_INTERNAL_PATHS = tuple(os.path.dirname(m.__file__) + os.sep for m in (sklearn, sys.modules[__package__]))


def _caller_stacklevel():
    """warnings.warn's stacklevel, for the caller of _report, of the first frame outside outcore,
    scikit-learn and Dask: the user's call of predict, transform or compute."""
    level, frame = 1, sys._getframe(2)
    while frame is not None and (frame.f_code.co_filename.startswith(_INTERNAL_PATHS)
                                 or "/dask/" in frame.f_code.co_filename):
        level, frame = level + 1, frame.f_back
    return level + 1


def _report(owner, rows, drift_json, rows_missing_features=None, report="store"):
    """Sets owner.last_report_ after predict, predict_proba or transform, and warns
    (DriftWarning) once per step and column with values outside what was seen at fit.

    last_report_ = {"rows": n, "drift": {"one_hot:color:unknown": 3, ...} (the CLI's counters),
    "unknown": {step kind: {column: count}}, "rows_missing_features": rows with a NaN output
    (predict only)}.

    `report`: "store" (and warn), "warn" (a Dask partition: warn only, as one partition's
    counts are not the call's) or None (Dask's meta run on a made-up row: neither)."""
    if report is None:
        return
    drift = json.loads(drift_json)
    unknown = {}
    for key, n in drift.items():
        kind, _, rest = key.partition(":")
        column, _, what = rest.rpartition(":")
        if what == "unknown":
            unknown.setdefault(kind, {})[column] = n
    if report == "store":
        last = {"rows": rows, "drift": drift, "unknown": unknown}
        if rows_missing_features is not None:
            last["rows_missing_features"] = rows_missing_features
        _LAST_REPORTS[owner] = last
    stacklevel = _caller_stacklevel()
    for kind, columns in unknown.items():
        names = _step_names(owner, kind)
        step = "step '%s' (%s)" % (names[0], kind) if len(names) == 1 and names[0] != kind else "step '%s'" % kind
        for column, n in columns.items():
            warnings.warn("outcore: %s, column '%s': %d of %d values were not seen at fit (unknown categories; "
                          "integer codes for a text column are read as text); they score as unknown"
                          % (step, column, n, rows), DriftWarning, stacklevel=stacklevel)


def _fitted_on_arrays(owner):
    return not hasattr(owner, "feature_names_in_")


def _predict(owner, X, report="store"):
    _check_fitted(owner, "model_")
    if frames.is_dask_collection(X):
        dtype = owner.classes_.dtype if hasattr(owner, "classes_") else np.float64
        return X.map_partitions(_on_partition, _predict, owner, report="warn", meta=np.array([], dtype=dtype))
    values = _model_output(owner, X, report)
    if not hasattr(owner, "classes_"):
        return values
    if values.ndim == 2:  # more than two classes: the most probable (the first on ties)
        missing = np.isnan(values[:, 0])
        labels = owner.classes_[np.argmax(np.nan_to_num(values, nan=0.0), axis=1)]
    else:
        missing = np.isnan(values)
        labels = owner.classes_[(values > 0.5).astype(np.intp)]
    if missing.any():
        labels = labels.astype(object)
        labels[missing] = None
    return labels


def _predict_proba(owner, X, report="store"):
    _check_fitted(owner, "model_")
    if frames.is_dask_collection(X):
        return X.map_partitions(_on_partition, _predict_proba, owner, report="warn",
                                meta=np.empty((0, len(owner.classes_)), dtype=np.float64))
    p = _model_output(owner, X, report)
    return p if p.ndim == 2 else np.column_stack([1.0 - p, p])


def _score(owner, X, y):
    from sklearn.metrics import accuracy_score, r2_score
    if frames.is_dask_collection(X):
        X = X.compute()
    if frames.is_dask_collection(y):
        y = y.compute()
    predicted = _predict(owner, X)
    y = np.asarray(y)
    if hasattr(owner, "classes_"):
        return accuracy_score(y, predicted)
    return r2_score(y, predicted)


# ---- Pipelines -----------------------------------------------------------------------------

def _final_is_estimator(pipeline):
    return bool(pipeline.steps) and isinstance(pipeline.steps[-1][1], OutcoreEstimator)


def _final_is_classifier(pipeline):
    return _final_is_estimator(pipeline) and pipeline.steps[-1][1]._classifier


def _final_is_step(pipeline):
    return bool(pipeline.steps) and isinstance(pipeline.steps[-1][1], OutcoreStep)


def _sklearn_hint(obj):
    """For a scikit-learn object where an outcore one belongs: how to bring a fitted one over."""
    if type(obj).__module__.split(".")[0] != "sklearn":
        return ""
    return ("; a fitted scikit-learn pipeline converts as it is: outcore.from_sklearn(fitted_pipeline, X_sample) "
            "(docs/import.md)")


class Pipeline(_LastReport, BaseEstimator):
    """Steps, then (optionally) an estimator, fitted and run together in C++.

    steps: [(name, object)], outcore steps followed by one outcore estimator (or steps only,
    a transformer). target: the target expression used when fit gets no y (e.g.
    "Tip_Amt > 0"). read_options: how `outcore predict` reads CSV inputs for this model
    (a spec's [read] table as a dict); types not declared are taken from the DataFrame.
    """

    def __init__(self, steps, *, target=None, read_options=None):
        self.steps = steps
        self.target = target
        self.read_options = read_options

    # -- composition (scikit-learn's get_params / set_params over named steps)
    @property
    def named_steps(self):
        return dict(self.steps)

    @property
    def _estimator_type(self):
        if _final_is_estimator(self):
            return self.steps[-1][1]._estimator_type
        return None

    def __len__(self):
        return len(self.steps)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Pipeline(self.steps[index], target=self.target, read_options=self.read_options)
        if isinstance(index, str):
            return self.named_steps[index]
        return self.steps[index][1]

    def get_params(self, deep=True):
        out = {"steps": self.steps, "target": self.target, "read_options": self.read_options}
        if not deep:
            return out
        for name, obj in self.steps:
            out[name] = obj
            for key, value in obj.get_params(deep=True).items():
                out["%s__%s" % (name, key)] = value
        return out

    def set_params(self, **params):
        if "steps" in params:
            self.steps = params.pop("steps")
        names = [name for name, _ in self.steps]
        for key in list(params):
            if key in names:
                i = names.index(key)
                self.steps = list(self.steps)
                self.steps[i] = (key, params.pop(key))
        return super().set_params(**params) if params else self

    def _validate_steps(self):
        if not self.steps:
            raise ValueError("a pipeline needs at least one step")
        names = [name for name, _ in self.steps]
        if len(set(names)) != len(names):
            raise ValueError("step names must be unique: %s" % names)
        for name, obj in self.steps[:-1]:
            if not isinstance(obj, OutcoreStep):
                raise TypeError("step '%s' must be an outcore step (one of %s), not %r%s"
                                % (name, ", ".join(c.__name__ for c in STEP_CLASSES), obj, _sklearn_hint(obj)))
        if not isinstance(self.steps[-1][1], (OutcoreStep, OutcoreEstimator)):
            raise TypeError("the last step must be an outcore step or estimator, not %r%s"
                            % (self.steps[-1][1], _sklearn_hint(self.steps[-1][1])))

    # -- fitting
    def fit(self, X, y=None):
        """Fits the steps then the estimator on X (pandas, NumPy, or Dask: computed) and y.

        Without y the target comes from X through the pipeline's target expression."""
        self._validate_steps()
        if _final_is_step(self):
            objects = [obj for _, obj in self.steps]
            if frames.is_dask_collection(X):
                X = X.compute()
            frame, from_numpy = _input_frame(X)
            columns = list(frame.columns)
            declared = _declared_kinds(self.read_options)
            kinds = {c: declared.get(c) or frames.kind_of(frame[c].dtype) for c in columns}
            batches = frames.to_batches(frames.select(frame, columns), [kinds[c] for c in columns])
            states, out = _outcore.fit_steps(json.dumps([o._spec() for o in objects]), batches, THREADS)
            for obj, entry in zip(objects, json.loads(states)):
                obj._set_fitted(entry, kinds if obj is objects[0] else {}, None)
            objects[-1].feature_names_out_ = np.asarray(out[0].names if out else [], dtype=object)
            self.n_features_in_ = objects[0].n_features_in_ = frame.shape[1]
            if not from_numpy:
                self.feature_names_in_ = np.asarray(columns, dtype=object)
            self.steps_fitted_ = True
            return self
        steps = [obj for _, obj in self.steps[:-1]]
        fitted = _FittedModel.fit(steps, self.steps[-1][1], X, y, self.target, self.read_options)
        self._set_model(fitted)
        return self

    def _set_model(self, fitted):
        fitted.apply(self.steps[-1][1], self)
        step_entries = fitted.info["steps"]
        kinds = dict((f["name"], f["type"]) for f in fitted.info["input_schema"])
        objects = [obj for _, obj in self.steps[:-1]]
        names_out = _step_output_names(fitted.info) if objects else []
        for obj, entry, names in zip(objects, step_entries, names_out):
            obj._set_fitted(entry, kinds if obj is objects[0] else {}, names)
            obj.n_features_in_ = fitted.n_features_in if obj is objects[0] else None
            if obj.n_features_in_ is None:
                del obj.n_features_in_

    # -- scoring
    @available_if(_final_is_estimator)
    def predict(self, X):
        """Classes (classifier) or values (regressor); a Dask DataFrame gives a lazy Dask array."""
        return _predict(self, X)

    @available_if(_final_is_classifier)
    def predict_proba(self, X):
        """[P(classes_[0]), P(classes_[1])] per row."""
        return _predict_proba(self, X)

    @available_if(_final_is_estimator)
    def score(self, X, y=None):
        """Accuracy (classifier) or R² (regressor). Without y the target comes from X."""
        _check_fitted(self, "model_")
        if y is None:
            if frames.is_dask_collection(X):
                X = X.compute()
            column, op, _ = _outcore.parse_target(self.target)
            values = X[column]
            y = _apply_target(values, op, self.target) if op else values
        return _score(self, X, y)

    @available_if(_final_is_step)
    def transform(self, X):
        """The steps' output: a DataFrame (an array for array input, when all numeric)."""
        objects = [obj for _, obj in self.steps]
        for obj in objects:
            _check_fitted(obj, "state_")
        return _transform_with_steps(objects, self, X)

    @available_if(_final_is_step)
    def fit_transform(self, X, y=None):
        return self.fit(X, y).transform(X)

    def get_feature_names_out(self, input_features=None):
        """The features the estimator sees (or, for steps only, the last step's output)."""
        if _final_is_step(self):
            return self.steps[-1][1].get_feature_names_out()
        _check_fitted(self, "model_")
        return np.asarray(self.model_features_, dtype=object)

    def __sklearn_is_fitted__(self):
        if _final_is_step(self):
            return all(hasattr(obj, "state_") for _, obj in self.steps)
        return hasattr(self, "model_")

    # -- files
    def save(self, path):
        """Writes the model file: `outcore predict MODEL ...` scores with it, `outcore.load` reads it."""
        if not _final_is_estimator(self):
            raise ValueError("a model file needs an estimator as the last step")
        _check_fitted(self, "model_")
        self.model_.save(str(path))

    def to_json(self):
        """The model file's contents (a dict)."""
        _check_fitted(self, "model_")
        return json.loads(self.model_.to_json())

    @classmethod
    def from_spec(cls, path):
        """An unfitted pipeline from a TOML spec (docs/spec.md): its steps, model, target and
        read options."""
        spec = json.loads(_outcore.load_spec(str(path)))
        objects = [make_object(s["kind"], s["params"]) for s in spec["steps"]]
        objects.append(make_object(spec["model"]["kind"], spec["model"]["params"]))
        return cls(_named(objects), target=spec["target"], read_options=spec["read"])

    def _more_tags(self):
        if _final_is_estimator(self):
            final = self.steps[-1][1]
            tags = _estimator_tags(final._classifier, final._multiclass, has_steps=len(self.steps) > 1)
        else:
            tags = dict(_STEP_TAGS)
        tags["_xfail_checks"] = dict(tags.get("_xfail_checks", {}), **_PIPELINE_XFAIL)
        return tags


def _apply_target(values, op, expression):
    column, _, _ = _outcore.parse_target(expression)
    threshold = float(expression.split(op, 1)[1])
    numbers = pd.to_numeric(values)
    result = {">": numbers > threshold, ">=": numbers >= threshold, "<": numbers < threshold,
              "<=": numbers <= threshold, "==": numbers == threshold, "!=": numbers != threshold}[op]
    return result.where(numbers.notna())


def _dummy_batch(input_schema):
    """One row of each input column (values do not matter: only the output names are used;
    text is missing, so that no step meets a value it did not see at fit)."""
    payloads = {
        "float": ("float", np.zeros(1), None, None),
        "int": ("int", np.zeros(1, dtype=np.int64), None, None),
        "bool": ("bool", np.zeros(1, dtype=np.uint8), None, None),
        "datetime": ("datetime", np.zeros(1, dtype=np.int64), None, None),
        "string": ("string", np.array([None], dtype=object), None, None),
        "category": ("category", np.full(1, -1, dtype=np.int32), None, []),
    }
    names = [f["name"] for f in input_schema]
    return _outcore.make_batch(names, [payloads[_outcore.parse_type_name(f["type"])] for f in input_schema])


def _step_output_names(info):
    """The column names after each step of a fitted model."""
    names = []
    for i in range(len(info["steps"])):
        out, _drift = _outcore.transform_steps(json.dumps(info["steps"][:i + 1]),
                                               [_dummy_batch(info["input_schema"])], 1)
        names.append(out[0].names)
    return names


# ---- Building objects ----------------------------------------------------------------------

def _named(objects):
    """(name, object) pairs named by kind; repeated kinds get -1, -2, ... (as make_pipeline)."""
    kinds = [o.kind for o in objects]
    counts = {}
    named = []
    for obj, kind in zip(objects, kinds):
        if kinds.count(kind) > 1:
            counts[kind] = counts.get(kind, 0) + 1
            named.append(("%s-%d" % (kind, counts[kind]), obj))
        else:
            named.append((kind, obj))
    return named


def make_pipeline(*objects, target=None, read_options=None):
    """A Pipeline of the given steps (and estimator), each named by its kind."""
    return Pipeline(_named(list(objects)), target=target, read_options=read_options)


def make_object(kind, params):
    """The Python object for a registered kind with the given parameters."""
    cls = CLASSES_BY_KIND.get(kind)
    if cls is None:
        raise _outcore.ModelError("unknown kind '%s' (known: %s)" % (kind, ", ".join(CLASSES_BY_KIND)))
    return cls(**params)


def load(path):
    """A fitted Pipeline from a model file (written by `outcore fit` or `.save`)."""
    return pipeline_from_model(_outcore.Model.load(str(path)))


def pipeline_from_model(model):
    info = json.loads(model.to_json())
    objects = [make_object(s["kind"], s["params"]) for s in info["steps"]]
    objects.append(make_object(info["estimator"]["kind"], info["estimator"]["params"]))
    read = info["read_options"]
    pipeline = Pipeline(_named(objects), target=info["target"]["expression"], read_options=read)
    pipeline._set_model(_FittedModel.from_model(model))
    return pipeline


# ---- Generated classes ---------------------------------------------------------------------

def _parameter_line(p):
    """One declared parameter for a class's docstring: name, default, type, bounds, doc."""
    head = p["name"] + (" (required)" if p["required"] else "" if p["default"] is None else "=%r" % p["default"])
    what = p["type"]
    for key, sign in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<")):
        if key in p:
            what += " %s %g" % (sign, p[key])
    if "choices" in p:
        meanings = p.get("choice_meanings", [])
        what += ", one of " + ", ".join(repr(c) + (" (%s)" % meanings[i] if i < len(meanings) else "")
                                        for i, c in enumerate(p["choices"]))
    return "    %s: %s. %s\n" % (head, what, p["doc"])


def _make_class(entry, base):
    """The class of one registered kind. Its keyword-only parameters and their defaults are the
    kind's declaration (`outcore steps --json`): a parameter without a default (required, or
    optional such as one_hot's columns) defaults to None, which leaves it out of the spec."""
    kind = entry["kind"]
    declared = entry["parameters"]
    names = [p["name"] for p in declared]
    defaults = {p["name"]: p["default"] for p in declared}

    def __init__(self, **params):
        unknown = sorted(set(params) - set(names))
        if unknown:
            raise TypeError("%s got unknown parameter(s) %s; its parameters: %s"
                            % (type(self).__name__, ", ".join(unknown), ", ".join(names)))
        for name in names:
            setattr(self, name, params.get(name, defaults[name]))

    self_parameter = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    __init__.__signature__ = inspect.Signature(
        [self_parameter] + [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=defaults[n]) for n in names])
    doc = "%s\n\noutcore kind '%s'. Parameters (None = outcore's default):\n%s" % (
        entry["doc"][:1].upper() + entry["doc"][1:], kind, "".join(_parameter_line(p) for p in declared))
    return type(class_name(kind), (base,), {
        "__init__": __init__, "__doc__": doc, "__module__": "outcore", "kind": kind, "_param_names": tuple(names),
        "_multiclass": bool(entry.get("multiclass"))})


def _generate_classes():
    entries = registry.entries()
    steps = [_make_class(e, OutcoreStep) for e in entries["steps"]]
    estimators = [_make_class(e, OutcoreClassifier if e.get("classifier") else OutcoreRegressor)
                  for e in entries["estimators"]]
    return steps, estimators


STEP_CLASSES, ESTIMATOR_CLASSES = _generate_classes()
CLASSES_BY_KIND = {c.kind: c for c in STEP_CLASSES + ESTIMATOR_CLASSES}
globals().update({c.__name__: c for c in STEP_CLASSES + ESTIMATOR_CLASSES})

# Kinds a model file may hold but nothing fits: trees converted from another library
# (outcore.from_xgboost, import-xgboost). Their classes make such a model, loaded or converted,
# a Pipeline like any other; fitting one is refused by the C++ side. Their one parameter,
# missing, is the C++ declaration's (imported_trees.cc).
_MISSING = {"name": "missing", "type": "string", "default": "learned", "required": False,
            "choices": ["learned", "empty"], "doc": "a row missing a feature the trees split on: scored by the "
            "splits' learned side, or given an empty prediction (scikit-learn's own trees refuse it)"}
for _kind, _base in (("tree_ensemble_classifier", OutcoreClassifier), ("tree_ensemble_regressor", OutcoreRegressor)):
    if _kind not in CLASSES_BY_KIND:
        CLASSES_BY_KIND[_kind] = _make_class(
            {"kind": _kind, "doc": "trees converted from another library; scores only", "parameters": [_MISSING],
             "multiclass": True}, _base)
