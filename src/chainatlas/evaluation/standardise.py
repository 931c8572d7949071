r"""Direction-aware standardisation of a decision matrix (数据标准化).

For m samples (regions, or region-years in a panel) and n indicators with raw values
:math:`x_{ij}`, the min-max standardisation used by the Chinese entropy method (熵值法) is

.. math::

    z_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}} \quad (\text{benefit, } +),
    \qquad
    z_{ij} = \frac{\max_i x_{ij} - x_{ij}}{\max_i x_{ij} - \min_i x_{ij}} \quad (\text{cost, } -),

so :math:`z_{ij} \in [0, 1]` and larger is always better. Two conventions avoid :math:`\ln 0` in
the entropy step: a shift (平移) :math:`z + s` (e.g. :math:`s = 10^{-4}`) and an interval rescale
(数据区间化) :math:`a + (b - a) z` (SPSSAU's default is :math:`a = 0.01, b = 0.99`).

A constant indicator (max = min) separates no samples; its column is set to 1 (every sample is at
the ideal) and the weighting methods give it weight 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainatlas.evaluation._checks import as_matrix, as_types
from chainatlas.exceptions import InputError

__all__ = ["constant_columns", "minmax_standardise", "vector_normalise"]


def constant_columns(X: np.ndarray, rtol: float = 1e-12) -> np.ndarray:
    """Boolean mask of columns whose range is zero (relative to their magnitude)."""
    lo, hi = X.min(axis=0), X.max(axis=0)
    scale = np.maximum(np.abs(hi), np.abs(lo))
    return (hi - lo) <= rtol * np.where(scale > 0, scale, 1.0)


def minmax_standardise(X: Any, types: Any = None, *, shift: float = 0.0,
                       interval: tuple[float, float] | None = None) -> np.ndarray:
    """Direction-aware min-max standardisation :math:`Z` of a decision matrix.

    Parameters
    ----------
    X : array_like, shape (m, n)
        Raw indicator values, samples in rows.
    types : sequence of {+1, -1, '+', '-'} or str, optional
        Criterion directions (all benefit when omitted).
    shift : float, default 0
        Added to every standardised value (平移法), e.g. ``1e-4``.
    interval : (a, b), optional
        Rescale to ``[a, b]`` instead (数据区间化), e.g. ``(0.01, 0.99)``. Applied before ``shift``.

    Returns
    -------
    ndarray, shape (m, n)
        Standardised matrix, larger = better.

    Examples
    --------
    >>> minmax_standardise([[1.0, 10.0], [3.0, 20.0], [2.0, 30.0]], "+,-").round(2).tolist()
    [[0.0, 1.0], [1.0, 0.5], [0.5, 0.0]]
    """
    X = as_matrix(X)
    t = as_types(types, X.shape[1])
    if not np.isfinite(shift) or shift < 0:
        raise InputError(f"shift must be a non-negative number; got {shift}")
    lo, hi = X.min(axis=0), X.max(axis=0)
    const = constant_columns(X)
    span = np.where(const, 1.0, hi - lo)
    Z = np.where(t > 0, (X - lo) / span, (hi - X) / span)
    Z[:, const] = 1.0
    np.clip(Z, 0.0, 1.0, out=Z)
    if interval is not None:
        a, b = (float(v) for v in interval)
        if not (0 <= a < b):
            raise InputError(f"interval must satisfy 0 <= a < b; got ({a}, {b})")
        Z = a + (b - a) * Z
    return Z + shift if shift else Z


def vector_normalise(X: Any) -> np.ndarray:
    r"""Vector normalisation :math:`r_{ij} = x_{ij} / \sqrt{\sum_i x_{ij}^2}` (Hwang & Yoon 1981).

    A column of zeros stays zero. Direction is *not* applied here; TOPSIS picks the ideal per type.
    """
    X = as_matrix(X)
    norm = np.sqrt((X * X).sum(axis=0))
    return X / np.where(norm > 0, norm, 1.0)
