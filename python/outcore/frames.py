"""Moving tables between pandas / NumPy and outcore batches.

A column crosses into C++ as (kind, values, mask, categories): kind is an outcore type name
(float, int, bool, datetime, string, category), values a one-dimensional NumPy array, mask
None or a bool array (True = missing). Numeric columns are handed over as the DataFrame's own
arrays (views, strided or not); C++ copies each once into its column. On the way back numeric
columns share the C++ buffers.
"""

import numpy as np
import pandas as pd

from . import _outcore

BATCH_ROWS = 65536  # rows per batch, as the CLI reads them

TYPE_NAMES = ("float", "int", "bool", "datetime", "string", "category")


def is_dask_collection(X):
    """True for Dask DataFrames and Series (without importing Dask when it is not loaded)."""
    module = type(X).__module__ or ""
    return module.startswith("dask.") and hasattr(X, "map_partitions")


def numpy_column_names(n):
    """Names given to the columns of a NumPy array: x0, x1, ... (scikit-learn's convention)."""
    return ["x%d" % i for i in range(n)]


def to_frame(X, numeric_only=False, allow_empty=False):
    """(DataFrame, from_numpy) for a DataFrame, a 2-D array or a list of rows.

    Arrays are checked as scikit-learn checks them (2-D, no infinities, not empty, not
    complex); NaN stays: a missing value. An object array becomes numbers where it can (and
    must, with `numeric_only`: a TypeError names the value that is not a number). Column names
    become strings (a shallow copy: no data is copied). `allow_empty`: 0 rows are fine (to
    score: a filtered DataFrame or a Dask partition may have none); fitting needs rows."""
    if isinstance(X, pd.DataFrame):
        if X.shape[0] == 0 and not allow_empty:
            raise ValueError("Found array with 0 sample(s) (shape=%s) while a minimum of 1 is required." % (X.shape,))
        if not all(isinstance(c, str) for c in X.columns):
            X = X.copy(deep=False)
            X.columns = [str(c) for c in X.columns]
        return X, False
    from sklearn.utils import check_array

    array = check_array(X, dtype=None, force_all_finite="allow-nan", ensure_2d=True, accept_sparse=False,
                        ensure_min_samples=0 if allow_empty else 1)
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            if numeric_only:
                raise
    elif array.dtype.kind in "biu":
        array = array.astype(np.float64)
    return pd.DataFrame(array, columns=numpy_column_names(array.shape[1]), copy=False), True


def has_string_names(frame):
    return all(isinstance(c, str) for c in frame.columns)


def kind_of(dtype):
    """The outcore type a pandas dtype is read as."""
    if isinstance(dtype, pd.CategoricalDtype):
        return "category"
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_timedelta64_dtype(dtype) or pd.api.types.is_complex_dtype(dtype):
        raise TypeError("outcore has no column type for %s values" % dtype)
    return "string"


def cast(series, kind):
    """`series` as the pandas dtype that holds outcore type `kind` (a no-op when it already does).

    Raises outcore.SchemaError when values cannot be read as the type."""
    have = kind_of(series.dtype)
    if have == kind:
        return series
    try:
        if kind == "float":
            if have == "string":
                return pd.to_numeric(series, errors="raise").astype(np.float64)
            return series.astype(np.float64)
        if kind == "int":
            values = series if have != "string" else pd.to_numeric(series, errors="raise")
            if pd.api.types.is_float_dtype(values.dtype):
                finite = values.dropna()
                if not np.array_equal(finite, np.floor(finite)):
                    raise ValueError("holds numbers that are not integers")
                return values.astype("Int64")
            return values.astype("Int64" if values.isna().any() else np.int64)
        if kind == "bool":
            if have == "string":
                text = series.astype("string").str.lower()
                table = {"true": True, "false": False, "1": True, "0": False}
                unknown = text.dropna()[~text.dropna().isin(table.keys())]
                if len(unknown):
                    raise ValueError("holds '%s'" % unknown.iloc[0])
                return text.map(table).astype("boolean")
            return series.astype("boolean")
        if kind == "datetime":
            return pd.to_datetime(series)
        if kind == "string":
            return series.astype(object).where(series.notna(), None).map(
                lambda v: v if v is None or isinstance(v, str) else value_text(v))
        if kind == "category":
            return cast(series, "string").astype("category")
    except (TypeError, ValueError) as e:
        raise _outcore.SchemaError("column '%s' (%s) cannot be read as %s: %s" % (series.name, series.dtype, kind, e))
    raise ValueError("unknown type %r" % kind)


def value_text(value):
    """A value as outcore's CSV writer and class labels render it (1.0 -> "1", True -> "true")."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (float, np.floating)):
        if float(value).is_integer() and abs(value) < 2 ** 53:
            return str(int(value))
        return repr(float(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value)


def column_payload(series, kind=None):
    """(kind, values, mask, categories) of a Series, read as `kind` (default: from its dtype)."""
    if kind is not None:
        series = cast(series, kind)
    kind = kind_of(series.dtype)
    dtype = series.dtype
    if kind == "category":
        codes = series.cat.codes.to_numpy()
        return kind, codes.astype(np.int32, copy=False), None, [value_text(c) for c in dtype.categories]
    if kind == "string":
        return kind, series.to_numpy(dtype=object), None, None
    if kind == "datetime":
        if getattr(dtype, "tz", None) is not None:
            series = series.dt.tz_convert(None)
        values = series.to_numpy(dtype="datetime64[us]").view(np.int64)
        mask = series.isna().to_numpy()
        return kind, values, (mask if mask.any() else None), None
    numpy_type = {"float": np.float64, "int": np.int64, "bool": np.uint8}[kind]
    if isinstance(dtype, np.dtype):  # the DataFrame's own array: no copy here
        values = series.to_numpy()
        if kind == "bool":
            values = values.view(np.uint8)
        return kind, values, None, None
    mask = series.isna().to_numpy()  # pandas' nullable Int64, Float64, boolean
    fill = np.nan if kind == "float" else 0
    values = series.to_numpy(dtype=numpy_type, na_value=fill)
    return kind, values, (mask if mask.any() else None), None


def slice_payload(payload, begin, end):
    kind, values, mask, categories = payload
    return kind, values[begin:end], (None if mask is None else mask[begin:end]), categories


def select(frame, names):
    """The named columns of `frame` as Series; a missing one is a SchemaError naming it."""
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise _outcore.SchemaError(
            "column '%s' is missing; the data has: %s" % (missing[0], ", ".join(map(str, frame.columns))))
    return [frame[c] for c in names]


def check_finite(series, payload):
    """Raises outcore.InvalidInputError at the first infinite value of a float column, naming
    the column and the row: the CLI's readers refuse infinity too (NaN is a missing value)."""
    kind, values, _, _ = payload
    if kind != "float" or not len(values):
        return
    infinite = np.isinf(values)
    if infinite.any():
        row = int(np.argmax(infinite))
        raise _outcore.InvalidInputError(
            "column '%s', row %d (index %r): value %s: infinite values are not read (%d in the column; "
            "use NaN for a missing value)" % (series.name, row, series.index[row], values[row], int(infinite.sum())))


def to_batches(columns, kinds=None):
    """Series (of equal length) as batches of BATCH_ROWS rows. `kinds`: the outcore type of
    each column (None: from its dtype). An infinite float is an InvalidInputError."""
    kinds = kinds or [None] * len(columns)
    payloads = [column_payload(c, k) for c, k in zip(columns, kinds)]
    for series, payload in zip(columns, payloads):
        check_finite(series, payload)
    names = [str(c.name) for c in columns]
    n = len(columns[0]) if columns else 0
    return [
        _outcore.make_batch(names, [slice_payload(p, begin, min(begin + BATCH_ROWS, n)) for p in payloads])
        for begin in range(0, max(n, 1), BATCH_ROWS)
    ]


def column_to_series(name, payload, index=None):
    kind, values, mask, categories = payload
    if kind == "float":
        if mask is not None:
            values = np.where(mask, np.nan, values)
        return pd.Series(values, name=name, index=index, copy=False)
    if kind == "int":
        if mask is not None:
            return pd.Series(pd.arrays.IntegerArray(values.copy(), mask), name=name, index=index)
        return pd.Series(values, name=name, index=index, copy=False)
    if kind == "bool":
        values = values.view(np.bool_)
        if mask is not None:
            return pd.Series(pd.arrays.BooleanArray(values.copy(), mask), name=name, index=index)
        return pd.Series(values, name=name, index=index, copy=False)
    if kind == "datetime":
        values = values.view("datetime64[us]").astype("datetime64[ns]")
        if mask is not None:
            values[mask] = np.datetime64("NaT")
        return pd.Series(values, name=name, index=index)
    if kind == "string":
        return pd.Series(values, name=name, index=index, dtype=object)
    if kind == "category":
        return pd.Series(pd.Categorical.from_codes(values, categories), name=name, index=index)
    raise ValueError("unknown column kind %r" % kind)


def concat_payloads(parts):
    kind, _, _, categories = parts[0]
    if len(parts) == 1:
        return parts[0]
    if kind == "category" and any(p[3] != categories for p in parts):
        # Batches may have their own dictionaries: re-code into the first one, extended.
        merged = list(categories)
        position = {v: i for i, v in enumerate(merged)}
        codes = []
        for _, values, _, cats in parts:
            for v in cats:
                if v not in position:
                    position[v] = len(merged)
                    merged.append(v)
            table = np.array([position[v] for v in cats] + [-1], dtype=np.int32)
            codes.append(table[values])  # -1 indexes the trailing -1
        return kind, np.concatenate(codes), None, merged
    values = np.concatenate([p[1] for p in parts])
    masks = [p[2] if p[2] is not None else np.zeros(len(p[1]), dtype=bool) for p in parts]
    mask = np.concatenate(masks) if any(p[2] is not None for p in parts) else None
    return kind, values, mask, categories


def batches_to_frame(batches, index=None):
    """One DataFrame with the rows of all batches, in order."""
    if not batches:
        return pd.DataFrame(index=index)
    columns = [_outcore.batch_columns(b) for b in batches]
    names = [name for name, _ in columns[0]]
    data = {}
    for j, name in enumerate(names):
        payload = concat_payloads([cols[j][1] for cols in columns])
        data[name] = column_to_series(name, payload, index=index)
    return pd.DataFrame(data, index=index)


def frame_to_numeric_array(frame):
    """A float array of a DataFrame whose columns are all numeric (NaN for missing), else None."""
    if not all(kind_of(t) in ("float", "int", "bool") for t in frame.dtypes):
        return None
    return frame.to_numpy(dtype=np.float64, na_value=np.nan)
