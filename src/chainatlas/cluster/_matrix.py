"""Validation of location × activity matrices, done once at each public entry."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from chainatlas._types import FloatArray
from chainatlas.exceptions import InputError

__all__ = ["LabelledMatrix", "as_matrix"]


@dataclass(frozen=True)
class LabelledMatrix:
    """A dense non-negative float64 matrix with its row (location) and column (activity) labels."""

    values: FloatArray
    rows: pd.Index
    cols: pd.Index


def as_matrix(data: pd.DataFrame | np.ndarray, *, name: str = "matrix",
              allow_nan: bool = False, drop_empty: bool = False,
              allow_zero: bool = False) -> LabelledMatrix:
    """Check that ``data`` is a finite, non-negative numeric matrix and return it as float64.

    Parameters
    ----------
    data : DataFrame or ndarray
        Rows are locations (regions), columns activities (industries, products, segments).
    name : str
        Used in error messages.
    allow_nan : bool
        Read NaN as 0 instead of rejecting it.
    drop_empty : bool
        Drop rows and columns whose total is 0.
    allow_zero : bool
        Accept a matrix whose values are all 0.

    Raises
    ------
    InputError
        When the matrix is empty, not numeric, has negative or infinite values, duplicated labels,
        or (``allow_nan=False``) missing values.
    """
    if isinstance(data, pd.DataFrame):
        rows, cols = data.index, data.columns
        if rows.has_duplicates or cols.has_duplicates:
            dup = rows[rows.duplicated()].tolist() or cols[cols.duplicated()].tolist()
            raise InputError(f"{name}: duplicated labels {dup[:5]}; each location and activity must "
                             "appear once")
        try:
            values = data.to_numpy(dtype=np.float64, na_value=np.nan)
        except (TypeError, ValueError) as err:
            bad = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
            raise InputError(f"{name}: non-numeric values in column(s) {bad[:5]}; expected numbers "
                             "≥ 0") from err
    else:
        try:
            values = np.asarray(data, dtype=np.float64)
        except (TypeError, ValueError) as err:
            raise InputError(f"{name}: expected a numeric matrix") from err
        if values.ndim != 2:
            raise InputError(f"{name}: expected a 2-D matrix, got {values.ndim} dimension(s)")
        rows, cols = pd.RangeIndex(values.shape[0]), pd.RangeIndex(values.shape[1])
    if values.ndim != 2 or values.shape[0] == 0 or values.shape[1] == 0:
        raise InputError(f"{name}: the matrix is empty (shape {values.shape})")
    nan = np.isnan(values)
    if nan.any():
        if not allow_nan:
            r, c = np.argwhere(nan)[0]
            raise InputError(f"{name}: missing value at row {rows[r]!r}, column {cols[c]!r}; "
                             "expected a number ≥ 0")
        values = np.where(nan, 0.0, values)
    if np.isinf(values).any():
        r, c = np.argwhere(np.isinf(values))[0]
        raise InputError(f"{name}: infinite value at row {rows[r]!r}, column {cols[c]!r}")
    if (values < 0).any():
        r, c = np.argwhere(values < 0)[0]
        raise InputError(f"{name}: negative value {values[r, c]:g} at row {rows[r]!r}, column "
                         f"{cols[c]!r}; expected a number ≥ 0")
    if drop_empty:
        keep_r = values.sum(axis=1) > 0
        keep_c = values.sum(axis=0) > 0
        if not keep_r.all() or not keep_c.all():
            values = values[keep_r][:, keep_c]
            rows, cols = rows[keep_r], cols[keep_c]
        if values.size == 0:
            raise InputError(f"{name}: every value is 0")
    elif values.sum() <= 0 and not allow_zero:
        raise InputError(f"{name}: every value is 0")
    return LabelledMatrix(np.ascontiguousarray(values), rows, cols)
