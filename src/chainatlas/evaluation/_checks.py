"""Validation of the inputs every evaluation function shares: matrices, criterion types, weights.

Public entry points call these once and then compute on plain ``float64`` arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from chainatlas.exceptions import InputError

__all__ = ["as_matrix", "as_types", "as_weights"]

_TYPE_WORDS = {
    "+": 1, "1": 1, "+1": 1, "max": 1, "benefit": 1, "positive": 1, "正": 1, "正向": 1,
    "-": -1, "-1": -1, "min": -1, "cost": -1, "negative": -1, "负": -1, "负向": -1, "逆向": -1,
}


def as_matrix(X: Any, *, name: str = "matrix", min_rows: int = 1) -> np.ndarray:
    """``X`` as a finite 2-D ``float64`` array (m samples × n criteria)."""
    try:
        arr = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InputError(f"{name} must hold numbers only ({err})") from None
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if arr.ndim != 2 or arr.shape[1] == 0:
        raise InputError(f"{name} must be 2-D with at least one column; got shape {arr.shape}")
    if arr.shape[0] < min_rows:
        raise InputError(f"{name} needs at least {min_rows} rows; got {arr.shape[0]}")
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise InputError(
            f"{name} has a missing or infinite value at row {bad[0] + 1}, column {bad[1] + 1}"
        )
    return arr


def as_types(types: Any, n: int) -> np.ndarray:
    """Criterion directions as an ``int8`` array of +1 (benefit, 正向) and −1 (cost, 负向).

    Accepts ``None`` (all benefit), a sequence of ``1``/``-1``, ``"+"``/``"-"``, ``"max"``/``"min"``,
    or one comma-separated string such as ``"+,+,-"``.
    """
    if types is None:
        return np.ones(n, dtype=np.int8)
    if isinstance(types, str):
        types = [t for t in types.replace("，", ",").split(",")]
    items: Sequence[Any] = list(np.asarray(types, dtype=object).ravel())
    out = np.empty(len(items), dtype=np.int8)
    for i, t in enumerate(items):
        key = str(t).strip().lower()
        if key not in _TYPE_WORDS:
            try:
                key = str(int(float(key)))
            except ValueError:
                key = "?"
        if key not in _TYPE_WORDS:
            raise InputError(f"criterion type {i + 1} is {t!r}; expected '+' or '-' (or 1/-1, max/min)")
        out[i] = _TYPE_WORDS[key]
    if len(out) != n:
        raise InputError(f"got {len(out)} criterion types for {n} criteria")
    return out


def as_weights(w: Any, n: int, *, name: str = "weights") -> np.ndarray:
    """Non-negative finite weights of length ``n``, rescaled to sum to 1."""
    arr = np.asarray(w, dtype=np.float64).ravel()
    if arr.size != n:
        raise InputError(f"got {arr.size} {name} for {n} criteria")
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise InputError(f"{name} must be finite and non-negative; got {arr.tolist()}")
    total = arr.sum()
    if total <= 0:
        raise InputError(f"{name} must not all be zero")
    return arr / total
