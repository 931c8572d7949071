"""Conversions between the model's pandas frames and Arrow tables the store scans.

The store exchanges data with DuckDB through Arrow (zero-copy scans, no row-wise Python), and
hands back frames with the model's dtypes (:func:`chainatlas.model.dataset.empty_frame`):
``string``, ``Int64``, ``float64``, ``boolean``, dates as ``YYYY-MM-DD`` strings and tags as
Python lists of strings (never null: a firm without tags has ``[]``).
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from chainatlas.exceptions import InputError
from chainatlas.model.dataset import empty_frame
from chainatlas.model.tables import TableSpec

__all__ = ["frame_from_arrow", "frame_from_parquet_bytes", "frame_to_arrow",
           "frame_to_parquet_bytes", "tags_list"]


def tags_list(value: Any) -> list[str]:
    """One tags cell as a list of strings (``None``/NaN → ``[]``)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [t for t in (p.strip() for p in value.split(";")) if t]
    if isinstance(value, float) and np.isnan(value):
        return []
    if value is pd.NA:
        return []
    return [str(t) for t in value]


def _tags_array(series: pd.Series) -> pa.Array:
    values = series.tolist()
    if all(isinstance(v, list) for v in values):  # the validated form: fast, no per-cell work
        try:
            return pa.array(values, type=pa.list_(pa.string()))
        except (pa.ArrowException, TypeError):
            pass
    return pa.array([tags_list(v) for v in values], type=pa.list_(pa.string()))


def frame_to_arrow(frame: pd.DataFrame, spec: TableSpec) -> pa.Table:
    """An Arrow table with every spec column (absent ones as nulls), typed for the store.

    Raises
    ------
    InputError
        When ``frame`` has a column the spec does not know or a value of the wrong type.
    """
    unknown = [c for c in frame.columns if c not in spec.column_names]
    if unknown:
        raise InputError(f"table '{spec.name}' has no column(s) {', '.join(map(str, unknown))}")
    n = len(frame)
    arrays: dict[str, pa.Array] = {}
    for col in spec.columns:
        if col.name not in frame.columns:
            typ = pa.list_(pa.string()) if col.dtype == "tags" else None
            if col.dtype == "tags":
                arrays[col.name] = pa.array([[]] * n, type=typ)
            else:
                arrays[col.name] = pa.nulls(n, type=_ARROW_TYPES[col.dtype])
            continue
        s = frame[col.name]
        try:
            if col.dtype == "tags":
                arrays[col.name] = _tags_array(s)
            elif col.dtype in ("str", "date"):
                arrays[col.name] = pa.array(s.astype("string"), type=pa.string())
            elif col.dtype == "int":
                arrays[col.name] = pa.array(s.astype("Int64"), type=pa.int64())
            elif col.dtype == "float":
                arrays[col.name] = pa.array(s.astype("float64"), type=pa.float64())
            else:
                arrays[col.name] = pa.array(s.astype("boolean"), type=pa.bool_())
        except (TypeError, ValueError, pa.ArrowException) as err:
            raise InputError(
                f"table '{spec.name}', column '{col.name}': cannot store as {col.dtype}: {err}"
            ) from None
    return pa.table(arrays)


_ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "date": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
}


def _types_mapper(typ: pa.DataType) -> Any:
    return _PANDAS_TYPES.get(typ)


_PANDAS_TYPES: dict[pa.DataType, Any] = {
    pa.int64(): pd.Int64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
    pa.string(): pd.StringDtype(),
    pa.large_string(): pd.StringDtype(),
}


def frame_from_arrow(table: pa.Table, spec: TableSpec) -> pd.DataFrame:
    """A frame with the model's dtypes from an Arrow table holding (some of) the spec's columns."""
    template = empty_frame(spec.name)
    cols = [c for c in template.columns if c in table.column_names]
    tag_cols = [c for c in cols if spec.column(c).dtype == "tags"]
    plain = [c for c in cols if c not in tag_cols]
    frame = table.select(plain).to_pandas(types_mapper=_types_mapper)
    for c in plain:
        dtype = template[c].dtype
        if frame[c].dtype != dtype:
            frame[c] = frame[c].astype(dtype)
    for c in tag_cols:
        frame[c] = pd.Series([v if v is not None else [] for v in table.column(c).to_pylist()],
                             dtype=object, index=frame.index)
    out: pd.DataFrame = frame[cols]
    return out


def frame_to_parquet_bytes(frame: pd.DataFrame) -> bytes:
    """Serialise any frame (index and dtypes kept) to Parquet bytes."""
    buf = io.BytesIO()
    try:
        frame.to_parquet(buf, engine="pyarrow", index=True)
    except (TypeError, ValueError, pa.ArrowException) as err:
        raise InputError(f"cannot store this frame: {err}") from None
    return buf.getvalue()


def frame_from_parquet_bytes(data: bytes) -> pd.DataFrame:
    """Inverse of :func:`frame_to_parquet_bytes`."""
    frame: pd.DataFrame = pq.read_table(io.BytesIO(data)).to_pandas()
    return frame
