"""outcore.from_sklearn: a fitted scikit-learn pipeline as an outcore model, computing the same.

    pipe = sklearn.pipeline.make_pipeline(ColumnTransformer(...), LogisticRegression()).fit(X, y)
    model = outcore.from_sklearn(pipe, X.head())      # X_sample: the input columns and types
    model.save("model.json")                          # `outcore predict model.json big/ -o out/`

The fitted objects are read, not re-fitted: each transformer becomes outcore steps with its
learned numbers as their state (StandardScaler -> standard_scaler, OneHotEncoder -> one_hot,
MinMaxScaler -> an expression with its constants written exactly, ...), the final estimator
an outcore estimator with its coefficients. The model file that results is loaded by the C++
loader like any other, every field checked, and the object returned is the package's
Pipeline. Anything that outcore cannot compute exactly as scikit-learn does is refused by
name (ConversionError), never approximated. docs/import.md lists what converts.
"""

import datetime
import json
import math
import numbers

import numpy as np
import pandas as pd

from . import _outcore, frames
from ._convert_common import ConversionError

__all__ = ["from_sklearn", "ConversionError"]


# ---- Naming and describing scikit-learn objects --------------------------------------------

def _class_name(obj):
    return type(obj).__name__


def _describe(obj, **shown):
    """`FunctionTransformer(func=payment_lowerer)`: the object as the refusals name it."""
    inside = ", ".join("%s=%s" % (k, v) for k, v in shown.items())
    return "%s(%s)" % (_class_name(obj), inside)


def _refuse(obj, why, **shown):
    raise ConversionError("cannot convert %s: %s" % (_describe(obj, **shown), why))


def _json_safe(value):
    """A parameter value as JSON holds it; anything else (objects, functions) as its repr."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value) if math.isfinite(value) else repr(float(value))
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_json_safe(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, type):
        return value.__name__
    return " ".join(repr(value).split())  # an estimator's repr, on one line


def _number(value):
    """A float as the expression language reads it back to the same double (repr is the
    shortest text that round-trips)."""
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(value)
    return "(%r)" % value if value < 0 else repr(value)


def _quote_name(name):
    """A column name in an expression: `backquoted`, with a backquote doubled."""
    return "`%s`" % name.replace("`", "``")


def _text_literal(text):
    return "'%s'" % text.replace("'", "''")


# ---- The model being built -----------------------------------------------------------------

class _Column:
    """One column of the data as scikit-learn sees it at some point of the pipeline: its name
    in outcore's batch and its outcore type."""

    def __init__(self, name, kind):
        self.name = name
        self.kind = kind

    def numeric(self):
        return self.kind in ("float", "int", "bool")


class _Builder:
    """The outcore steps made so far and the column names already taken in the batch."""

    def __init__(self, input_columns):
        self.steps = []
        self.taken = {c.name for c in input_columns}

    def add(self, kind, params, state=None):
        self.steps.append({"kind": kind, "params": params, "state": state or {}})

    def fresh_name(self, base):
        """A column name not yet used, from `base`."""
        name, n = base, 1
        while name in self.taken:
            n += 1
            name = "%s_%d" % (base, n)
        self.taken.add(name)
        return name

    def claim(self, name, owner):
        if name in self.taken:
            raise ConversionError("cannot convert %s: its output column '%s' would have the name of another "
                                  "column of the data; rename that column" % (owner, name))
        self.taken.add(name)

    def expressions(self, columns):
        """One expression step making {name: expression} (in place where the name exists)."""
        if columns:
            self.add("expression", {"columns": columns})


def _require_numeric(obj, columns):
    for c in columns:
        if not c.numeric():
            _refuse(obj, "column '%s' is %s, not a number" % (c.name, c.kind))


def _per_column(obj, attribute, columns):
    values = np.asarray(getattr(obj, attribute), dtype=np.float64).reshape(-1)
    if len(values) != len(columns):
        _refuse(obj, "%s has %d values for %d columns" % (attribute, len(values), len(columns)))
    if not np.all(np.isfinite(values)):
        _refuse(obj, "%s holds a value that is not finite" % attribute)
    return values


# ---- Transformers --------------------------------------------------------------------------

def _standard_scaler(obj, columns, builder):
    _require_numeric(obj, columns)
    n = len(columns)
    mean = _per_column(obj, "mean_", columns) if obj.with_mean else np.zeros(n)
    scale = _per_column(obj, "scale_", columns) if obj.with_std else np.ones(n)
    seen = np.broadcast_to(np.asarray(obj.n_samples_seen_, dtype=np.float64), (n,))
    builder.add("standard_scaler",
                {"columns": [c.name for c in columns], "ddof": 0, "with_mean": bool(obj.with_mean),
                 "with_std": bool(obj.with_std)},
                {"mean": mean.tolist(), "scale": scale.tolist(), "count": seen.tolist()})
    return [_Column(c.name, "float") for c in columns]


def _missing_is_nan(obj):
    value = obj.missing_values
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _simple_imputer(obj, columns, builder):
    if not _missing_is_nan(obj):
        _refuse(obj, "missing_values=%r: outcore fills only missing values (NaN, None, empty CSV fields)"
                % obj.missing_values, missing_values=repr(obj.missing_values))
    if obj.add_indicator:
        _refuse(obj, "add_indicator=True is not supported; add an expression is_null(column) instead",
                add_indicator=True)
    stats = list(obj.statistics_)
    if len(stats) != len(columns):
        _refuse(obj, "statistics_ has %d values for %d columns" % (len(stats), len(columns)))
    fills = []
    for c, value in zip(columns, stats):
        if c.numeric():
            if not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
                _refuse(obj, "column '%s' had no values at fit, so scikit-learn drops it from its output"
                        % c.name, strategy=repr(obj.strategy))
            fills.append(float(value))
        else:
            if not isinstance(value, str):
                _refuse(obj, "column '%s' is text but its fill value is %r" % (c.name, value),
                        strategy=repr(obj.strategy))
            fills.append(value)
    params = {"columns": [c.name for c in columns], "strategy": obj.strategy}
    if obj.strategy == "constant":
        params["fill_value"] = fills[0] if fills else 0
    builder.add("imputer", params, {"fill": fills})
    return [_Column(c.name, "float" if c.numeric() else "string") for c in columns]


def _category_text(value, obj, column):
    """A category as outcore compares it: the text of the value (numbers as outcore's CSV
    writes them)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        _refuse(obj, "column '%s' holds booleans; outcore one-hot encodes text and integer columns"
                % column.name)
    if isinstance(value, (numbers.Integral, numbers.Real)) and column.kind in ("int", "float"):
        return frames.value_text(value)
    _refuse(obj, "column '%s' (%s) has the category %r" % (column.name, column.kind, value))


def _is_missing(value):
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def _one_hot_encoder(obj, columns, builder):
    owner = _describe(obj)
    if np.dtype(obj.dtype) != np.float64:
        _refuse(obj, "dtype=%s: outcore computes in float64" % np.dtype(obj.dtype), dtype=np.dtype(obj.dtype))
    infrequent_lists = getattr(obj, "infrequent_categories_", None) or [None] * len(columns)
    has_infrequent = any(x is not None and len(x) for x in infrequent_lists)
    if obj.drop_idx_ is not None and has_infrequent:
        _refuse(obj, "drop together with infrequent categories is not supported", drop=repr(obj.drop))
    drop_idx = obj.drop_idx_ if obj.drop_idx_ is not None else [None] * len(columns)
    state, dropped, unknown_as_missing, out = [], [], {}, []
    before, after = {}, {}  # expressions run before and after one_hot
    for c, categories, infrequent, drop in zip(columns, obj.categories_, infrequent_lists, drop_idx):
        if c.kind not in ("string", "category", "int", "float"):
            _refuse(obj, "column '%s' is %s; outcore one-hot encodes text and numbers" % (c.name, c.kind))
        infrequent = list(infrequent) if infrequent is not None else []
        missing = [v for v in categories if _is_missing(v)]
        if len(missing) > 1:
            _refuse(obj, "column '%s' has two kinds of missing values as categories (%s)"
                    % (c.name, ", ".join(map(repr, missing))))
        texts = [_category_text(v, obj, c) for v in categories if not _is_missing(v)]
        infrequent_texts = [_category_text(v, obj, c) for v in infrequent if not _is_missing(v)]
        # scikit-learn puts a missing value in a feature of its own when it saw one at fit, in
        # the infrequent one when that is where missing values or unknown ones go; outcore's
        # one_hot gives it all zeros, so expressions set those features from is_null(column).
        missing_infrequent = any(_is_missing(v) for v in infrequent) or (
            obj.handle_unknown == "infrequent_if_exist" and bool(infrequent) and not missing)
        missing_feature = bool(missing) and not any(_is_missing(v) for v in infrequent) and not (
            drop is not None and _is_missing(categories[int(drop)]))
        frequent = [t for t in texts if t not in set(infrequent_texts)]
        has_infrequent_feature = bool(infrequent)
        entry = {"column": c.name, "categories": frequent}
        if has_infrequent_feature:
            # When missing values are the only infrequent ones, one_hot gets a placeholder (text,
            # which no number is) to have the infrequent feature; a value equal to it scores as
            # scikit-learn scores an unknown value, but with handle_unknown="error".
            placeholder = "<missing>"
            while placeholder in texts:
                placeholder = "<" + placeholder + ">"
            entry["infrequent"] = infrequent_texts or [placeholder]
            if obj.handle_unknown == "ignore":
                # scikit-learn gives an unknown value all zeros here, where outcore's one_hot
                # gives it the infrequent feature: a categories step first makes it missing.
                unknown_as_missing[c.name] = texts
        state.append(entry)
        names = ["%s_%s" % (c.name, t) for t in frequent]
        for name in names:
            builder.claim(name, owner)
        builder.taken.discard(c.name)
        if missing_feature or missing_infrequent:
            is_missing = builder.fresh_name("%s__is_missing" % c.name)
            before[is_missing] = "is_null(%s)" % _quote_name(c.name)
        if missing_feature:
            nan_name = builder.fresh_name("%s_nan" % c.name)
            after[nan_name] = "if(%s, 1.0, 0.0)" % _quote_name(is_missing)
            names.append(nan_name)
        if has_infrequent_feature:
            infrequent_name = "%s_infrequent" % c.name
            builder.claim(infrequent_name, owner)
            names.append(infrequent_name)
            if missing_infrequent:
                after[infrequent_name] = "if(%s, 1.0, %s)" % (_quote_name(is_missing), _quote_name(infrequent_name))
        if drop is not None and not _is_missing(categories[int(drop)]):
            dropped.append("%s_%s" % (c.name, _category_text(categories[int(drop)], obj, c)))
        out.extend(_Column(name, "float") for name in names if name not in dropped)
    builder.expressions(before)
    if unknown_as_missing:
        builder.add("categories", {"categories": unknown_as_missing, "on_unknown": "ignore"})
    builder.add("one_hot", {"columns": [c.name for c in columns],
                            "on_unknown": "error" if obj.handle_unknown == "error" else "ignore"},
                {"columns": state})
    builder.expressions(after)
    if dropped:
        builder.add("drop", {"columns": dropped})
    return out


def _ordinal_encoder(obj, columns, builder):
    """outcore's `ordinal` step holding scikit-learn's categories_: a value's code is its place
    among them. Missing values: NaN when scikit-learn saw them at fit (encoded_missing_value,
    NaN only), else an unknown value's code, unknown_value (a number: an expression fills it in
    after the step; NaN: missing). handle_unknown="error": scikit-learn raises on an unknown
    value, outcore leaves it missing (and so the prediction)."""
    if np.dtype(obj.dtype) != np.float64:
        _refuse(obj, "dtype=%s: outcore computes in float64" % np.dtype(obj.dtype), dtype=np.dtype(obj.dtype))
    missing_code = getattr(obj, "encoded_missing_value", np.nan)
    if not (isinstance(missing_code, float) and math.isnan(missing_code)):
        _refuse(obj, "encoded_missing_value=%r: only NaN (the default) is supported" % missing_code)
    unknown = obj.unknown_value if obj.handle_unknown == "use_encoded_value" else None
    unknown_is_number = unknown is not None and not (isinstance(unknown, float) and math.isnan(unknown))
    state, fill_missing = [], {}
    for c, categories in zip(columns, obj.categories_):
        if c.kind not in ("string", "category", "int", "float"):
            _refuse(obj, "column '%s' is %s; outcore encodes text and numbers" % (c.name, c.kind))
        texts = [_category_text(v, obj, c) for v in categories if not _is_missing(v)]
        if any(_is_missing(v) for v in categories[:len(texts)]):
            _refuse(obj, "column '%s' has a missing value among its categories before the last" % c.name)
        state.append({"column": c.name, "categories": texts})
        if unknown_is_number and len(texts) == len(categories):
            # No missing value at fit: scikit-learn codes one as an unknown value.
            fill_missing[c.name] = "coalesce(%s, %s)" % (_quote_name(c.name), _number(unknown))
    params = {"columns": [c.name for c in columns], "on_unknown": "ignore"}
    if unknown_is_number:
        params["unknown_value"] = float(unknown)
    builder.add("ordinal", params, {"columns": state})
    builder.expressions(fill_missing)
    return [_Column(c.name, "float") for c in columns]


def _min_max_scaler(obj, columns, builder):
    _require_numeric(obj, columns)
    scale, shift = _per_column(obj, "scale_", columns), _per_column(obj, "min_", columns)
    lo, hi = (float(v) for v in obj.feature_range)
    made = {}
    for c, s, m in zip(columns, scale, shift):
        text = "%s * %s + %s" % (_quote_name(c.name), _number(s), _number(m))  # X *= scale_; X += min_
        if obj.clip:
            text = "clip(%s, %s, %s)" % (text, _number(lo), _number(hi))
        made[c.name] = text
    builder.expressions(made)
    return [_Column(c.name, "float") for c in columns]


def _max_abs_scaler(obj, columns, builder):
    _require_numeric(obj, columns)
    scale = _per_column(obj, "scale_", columns)
    builder.expressions({c.name: "%s / %s" % (_quote_name(c.name), _number(s)) for c, s in zip(columns, scale)})
    return [_Column(c.name, "float") for c in columns]


def _robust_scaler(obj, columns, builder):
    _require_numeric(obj, columns)
    center = _per_column(obj, "center_", columns) if obj.with_centering else None
    scale = _per_column(obj, "scale_", columns) if obj.with_scaling else None
    made = {}
    for j, c in enumerate(columns):
        text = _quote_name(c.name)
        if center is not None:
            text = "(%s - %s)" % (text, _number(center[j]))
        if scale is not None:
            text = "%s / %s" % (text, _number(scale[j]))
        made[c.name] = text
    builder.expressions(made)
    return [_Column(c.name, "float") for c in columns]


# NumPy functions a FunctionTransformer may apply, and the expression function computing the
# same function. outcore calls the C library's; NumPy has its own SIMD exp, log and log1p on
# some CPUs, which may differ in the last bit or two (relative 5e-16). Not finite results are
# missing in outcore.
_UFUNCS = {"log1p": "log1p", "log": "log", "exp": "exp", "sqrt": "sqrt", "absolute": "abs", "fabs": "abs",
           "floor": "floor"}


def _function_transformer(obj, columns, builder):
    func = obj.func
    if func is None:
        return list(columns)
    name = getattr(func, "__name__", repr(func))
    if not isinstance(func, np.ufunc):
        what = "a Python function" if callable(func) else "not a NumPy ufunc"
        _refuse(obj, "%s; write it as an outcore expression step" % what, func=name)
    if name not in _UFUNCS:
        _refuse(obj, "the NumPy ufunc %s has no outcore expression function (supported: %s)"
                % (name, ", ".join("np." + n for n in sorted(_UFUNCS))), func="np." + name)
    if obj.kw_args:
        _refuse(obj, "kw_args are not supported", func="np." + name)
    _require_numeric(obj, columns)
    builder.expressions({c.name: "%s(%s)" % (_UFUNCS[name], _quote_name(c.name)) for c in columns})
    return [_Column(c.name, "float") for c in columns]


def _sub_pipeline(obj, columns, builder):
    """A Pipeline of transformers inside a ColumnTransformer (or another Pipeline)."""
    for _name, step in obj.steps:
        if step is None or (isinstance(step, str) and step == "passthrough"):
            continue
        columns = _transformer(step, columns, builder)
    return columns


def _column_transformer(obj, columns, builder):
    if obj.transformer_weights:
        _refuse(obj, "transformer_weights are not supported", transformer_weights=obj.transformer_weights)
    # Each transformer's columns as positions, however they were selected (names, positions,
    # masks, callables): scikit-learn's own resolution, kept by the fitted object.
    indices = obj._transformer_to_input_indices
    parts = []  # (name, transformer or "passthrough", [columns])
    for name, trans, _selection in obj.transformers_:
        if isinstance(trans, str) and trans == "drop":
            continue
        chosen = [columns[i] for i in indices.get(name, [])]
        if not chosen:
            continue
        parts.append((name, trans, chosen))
    # A column that more than one transformer reads is copied for each reader after the first:
    # outcore's steps change their columns in place.
    readers = {}
    copies = {}
    for k, (name, trans, chosen) in enumerate(parts):
        renamed = []
        for c in chosen:
            if c.name in readers:
                copy = builder.fresh_name("%s__%s" % (c.name, name))
                copies[copy] = _quote_name(c.name)
                renamed.append(_Column(copy, "float" if c.numeric() else "string"))
            else:
                readers[c.name] = name
                renamed.append(c)
        parts[k] = (name, trans, renamed)
    builder.expressions(copies)
    out = []
    for name, trans, chosen in parts:
        if isinstance(trans, str) and trans == "passthrough":
            out.extend(chosen)
        else:
            out.extend(_transformer(trans, chosen, builder))
    return out


def _transformer_converters():
    from sklearn.compose import ColumnTransformer
    from sklearn.pipeline import Pipeline
    from sklearn.impute import SimpleImputer
    from sklearn.preprocessing import (FunctionTransformer, MaxAbsScaler, MinMaxScaler, OneHotEncoder,
                                       OrdinalEncoder, RobustScaler, StandardScaler)
    return {ColumnTransformer: _column_transformer, Pipeline: _sub_pipeline, StandardScaler: _standard_scaler,
            SimpleImputer: _simple_imputer, OneHotEncoder: _one_hot_encoder, OrdinalEncoder: _ordinal_encoder,
            MinMaxScaler: _min_max_scaler, MaxAbsScaler: _max_abs_scaler, RobustScaler: _robust_scaler,
            FunctionTransformer: _function_transformer}


def _transformer(obj, columns, builder):
    convert = _transformer_converters().get(type(obj))
    if convert is None:
        _refuse(obj, "outcore has no conversion for %s (supported transformers: %s)"
                % (_class_name(obj), ", ".join(sorted(c.__name__ for c in _transformer_converters()))))
    return convert(obj, columns, builder)


# ---- Estimators ----------------------------------------------------------------------------

def _linear(coef, intercept):
    """A linear model's state: intercept + coef . x (the intercept a number or a 1-array)."""
    coef = np.asarray(coef, dtype=np.float64).reshape(-1)
    intercept = float(np.asarray(intercept, dtype=np.float64).reshape(-1)[0])
    return {"coef": coef.tolist(), "intercept": intercept, "n_features": len(coef)}


def _check_finite(obj, *arrays):
    for a in arrays:
        if not np.all(np.isfinite(np.asarray(a, dtype=np.float64))):
            _refuse(obj, "its coefficients hold a value that is not finite")


def _fit_params(obj):
    """The outcore estimator's parameters that have a scikit-learn counterpart (for the
    record: the fitted state, not these, computes the predictions)."""
    params = {"fit_intercept": bool(obj.fit_intercept)}
    if isinstance(getattr(obj, "C", None), numbers.Real) and obj.C > 0:
        params["C"] = float(obj.C)
    return params


def _probability_classifier(obj, multinomial):
    """logistic_regression holding coef_ / intercept_ of a linear classifier whose
    predict_proba is the logistic function of the decision (binary), normalised one-vs-rest
    sigmoids (multi_class='ovr') or a softmax (multinomial)."""
    coef = np.asarray(obj.coef_, dtype=np.float64)
    intercept = np.asarray(obj.intercept_, dtype=np.float64).reshape(-1)
    _check_finite(obj, coef, intercept)
    k = len(obj.classes_)
    if k == 2 and not multinomial:
        return {"kind": "logistic_regression", "params": dict(_fit_params(obj), multi_class="auto"),
                "state": _linear(coef[0], intercept[0])}
    if multinomial:
        if k == 2:  # scikit-learn: softmax([-d, d]) of the one decision d
            coef = np.vstack([-coef[0], coef[0]])
            intercept = np.array([-intercept[0], intercept[0]])
        state = {"multi_class": "multinomial", "n_classes": k, "coef": coef.tolist(),
                 "intercept": intercept.tolist(), "n_features": coef.shape[1]}
        return {"kind": "logistic_regression", "params": dict(_fit_params(obj), multi_class="multinomial"),
                "state": state}
    state = {"multi_class": "ovr", "n_classes": k,
             "models": [_linear(coef[c], intercept[c]) for c in range(k)]}
    return {"kind": "logistic_regression", "params": dict(_fit_params(obj), multi_class="ovr"), "state": state}


def _logistic_regression(obj):
    from sklearn.linear_model._logistic import _check_multi_class
    multi = _check_multi_class(obj.multi_class, obj.solver, len(obj.classes_))
    return _probability_classifier(obj, multinomial=multi == "multinomial")


def _sgd_classifier(obj):
    if obj.loss == "log_loss" or obj.loss == "log":
        return _probability_classifier(obj, multinomial=False)
    if obj.loss == "modified_huber":
        _refuse(obj, "its predict_proba, (clip(decision, -1, 1) + 1) / 2, is not the logistic function "
                "outcore's linear classifier computes (only loss='log_loss' converts)", loss=repr(obj.loss))
    _refuse(obj, "loss=%r has no predict_proba in scikit-learn, and outcore's classifiers give "
            "probabilities (only loss='log_loss' converts)" % obj.loss, loss=repr(obj.loss))


def _regressor(obj):
    coef = np.asarray(obj.coef_, dtype=np.float64)
    if coef.ndim != 1:
        _refuse(obj, "it predicts %d targets; outcore models predict one" % coef.shape[0])
    _check_finite(obj, coef, obj.intercept_)
    intercept = np.asarray(obj.intercept_, dtype=np.float64).reshape(-1)
    from sklearn.linear_model import Ridge
    kind, params = "linear_regression", {"fit_intercept": bool(obj.fit_intercept)}
    if type(obj) is Ridge and isinstance(obj.alpha, numbers.Real):
        kind, params["alpha"] = "ridge", float(obj.alpha)
    return {"kind": kind, "params": params, "state": _linear(coef, intercept[0] if len(intercept) else 0.0)}


def _estimator_converters():
    from sklearn.linear_model import (LinearRegression, LogisticRegression, Ridge, SGDClassifier,
                                      SGDRegressor)
    return {LogisticRegression: _logistic_regression, SGDClassifier: _sgd_classifier,
            LinearRegression: _regressor, Ridge: _regressor, SGDRegressor: _regressor}


def _estimator(obj, feature_names):
    convert = _estimator_converters().get(type(obj))
    if convert is not None:
        return convert(obj)
    try:
        from . import _convert_trees
    except ImportError:
        _convert_trees = None
    if _convert_trees is not None and _convert_trees.is_tree_model(obj):
        return _convert_trees.tree_estimator_entry(obj, feature_names)
    if type(obj) in _transformer_converters():
        _refuse(obj, "a transformer as the last step; outcore converts a pipeline that ends in a model")
    supported = sorted(c.__name__ for c in _estimator_converters())
    if _convert_trees is None:
        why = "outcore has no conversion for %s (supported models: %s)" % (_class_name(obj), ", ".join(supported))
    else:
        why = "outcore has no conversion for %s (supported models: %s, and tree models)" % (
            _class_name(obj), ", ".join(supported))
    _refuse(obj, why)


# ---- Input columns -------------------------------------------------------------------------

def _kind_of_dtype(name, dtype):
    """The outcore type of a user-given dtype: an outcore type name, or a NumPy/pandas dtype."""
    if isinstance(dtype, str):
        kind = _outcore.parse_type_name(dtype)
        if kind is not None:
            return kind
    try:
        return frames.kind_of(pd.api.types.pandas_dtype(dtype))
    except TypeError as e:
        raise ConversionError("dtypes['%s']: %s" % (name, e)) from None


def _input_columns(fitted, X_sample, dtypes):
    """[(name, outcore type)] of the columns the fitted object reads."""
    names = getattr(fitted, "feature_names_in_", None)
    if X_sample is not None:
        if not isinstance(X_sample, pd.DataFrame):
            raise ConversionError("X_sample must be a pandas DataFrame (its column names and types are the "
                                  "model's input), got %s" % type(X_sample).__name__)
        columns = [str(c) for c in X_sample.columns]
        names = list(names) if names is not None else columns
        missing = [n for n in names if n not in columns]
        if missing:
            raise ConversionError("X_sample lacks the column(s) %s that %s was fitted on"
                                  % (", ".join(map(repr, missing)), _class_name(fitted)))
        dtypes = dict(dtypes or {})
        return [(n, _kind_of_dtype(n, dtypes[n]) if n in dtypes else frames.kind_of(X_sample[n].dtype))
                for n in names]
    if names is None:
        raise ConversionError("cannot convert %s: it was fitted on an array without column names; pass "
                              "X_sample (a DataFrame) to name the input columns" % _class_name(fitted))
    dtypes = dict(dtypes or {})
    lacking = [n for n in names if n not in dtypes]
    if lacking:
        raise ConversionError("without X_sample, dtypes must give the type of every input column; missing: %s"
                              % ", ".join(map(repr, lacking)))
    return [(str(n), _kind_of_dtype(n, dtypes[n])) for n in names]


def _read_options(schema):
    read = {"dtype": {}, "parse_dates": []}
    for name, kind in schema:
        if kind == "datetime":
            read["parse_dates"].append(name)
        else:
            read["dtype"][name] = kind
    options = json.loads(_outcore.read_options(json.dumps(read)))
    # The Python form writes every option; a model file leaves out the ones not in use.
    for key in ("thousands", "date_format"):
        if options.get(key) == "":
            del options[key]
    return options


# ---- The target ----------------------------------------------------------------------------

def _target(classes, input_names):
    name = next(n for n in ("y", "target", "__outcore_target__") if n not in input_names)
    if classes is None:
        return {"expression": name, "column": name, "type": "float", "classes": []}
    classes = np.asarray(classes)
    kind = frames.kind_of(pd.Series(classes).dtype)
    if kind == "category":
        kind = "string"
    return {"expression": name, "column": name, "type": kind, "classes": [frames.value_text(c) for c in classes]}


# ---- from_sklearn --------------------------------------------------------------------------

def _split(fitted):
    """(transformers, final estimator) of a fitted object."""
    from sklearn.pipeline import Pipeline
    if isinstance(fitted, Pipeline):
        steps = [s for _, s in fitted.steps]
        final = steps[-1]
        if final is None or (isinstance(final, str) and final == "passthrough"):
            raise ConversionError("cannot convert Pipeline: its last step is 'passthrough'; outcore needs a model "
                                  "as the last step")
        return [s for s in steps[:-1] if s is not None and not (isinstance(s, str) and s == "passthrough")], final
    return [], fitted


def _check_fitted(fitted):
    from sklearn.utils.validation import check_is_fitted
    from sklearn.exceptions import NotFittedError
    try:
        check_is_fitted(fitted)
    except NotFittedError:
        raise ConversionError("cannot convert %s: it is not fitted; fit it first" % _class_name(fitted)) from None
    except TypeError as e:
        raise ConversionError("cannot convert %r: %s" % (fitted, e)) from None


def _imported_from(fitted, classes):
    import sklearn
    try:
        params = {k: _json_safe(v) for k, v in fitted.get_params(deep=False).items()}
    except Exception:  # an object whose get_params fails is still named by its class
        params = {}
    record = {"library": "scikit-learn", "version": sklearn.__version__, "class": _class_name(fitted),
              "params": params}
    if classes is not None:
        record["classes"] = [_json_safe(c) for c in np.asarray(classes).tolist()]
    return record


def from_sklearn(fitted, X_sample=None, *, dtypes=None):
    """An outcore Pipeline computing what a fitted scikit-learn object computes.

    fitted: a fitted scikit-learn Pipeline (transformers then a model) or a model alone.
    X_sample: a DataFrame with the input columns (a few rows of the training data will do):
    their names and types become the model's input schema and how `outcore predict` reads a
    CSV. Without it, the object's feature_names_in_ name the columns and `dtypes`
    ({column: "float" | "int" | "string" | ... or a NumPy/pandas dtype}) must type each one.
    dtypes also overrides the type of a column of X_sample.

    Returns an outcore Pipeline (fitted): .predict, .predict_proba, .save("model.json").
    Raises ConversionError naming what cannot be converted exactly.
    """
    from . import estimators
    _check_fitted(fitted)
    schema = _input_columns(fitted, X_sample, dtypes)
    columns = [_Column(name, kind) for name, kind in schema]
    builder = _Builder(columns)
    transformers, final = _split(fitted)
    for step in transformers:
        columns = _transformer(step, columns, builder)
    names = [c.name for c in columns]
    for c in columns:
        if not c.numeric():
            raise ConversionError("cannot convert %s: the feature '%s' given to %s is %s, not a number"
                                  % (_class_name(fitted), c.name, _class_name(final), c.kind))
    builder.add("select", {"columns": names})
    estimator = _estimator(final, names)
    classes = getattr(final, "classes_", None)
    model = {
        "format": _outcore.model_format[0], "format_version": _outcore.model_format[1],
        "outcore_version": _outcore.__version__,
        "created": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "read_options": _read_options(schema),
        "input_schema": [{"name": n, "type": k} for n, k in schema],
        "target": _target(classes, {n for n, _ in schema}),
        "steps": builder.steps,
        "estimator": estimator,
        "feature_names": names,
        "training": {"imported_from": _imported_from(fitted, classes)},
        "metrics": {},
    }
    loaded = _outcore.Model.from_json(json.dumps(model, allow_nan=False))
    pipeline = estimators.pipeline_from_model(loaded)
    if classes is not None:  # the labels as scikit-learn holds them, not as read back from text
        pipeline.classes_ = pipeline.steps[-1][1].classes_ = np.asarray(classes)
    return pipeline
