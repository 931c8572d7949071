r"""Composite scores: linear weighted sum and TOPSIS, and ranks.

Linear weighted sum (综合评价指数): :math:`S_i = \sum_j w_j z_{ij}` on the direction-aware min-max
matrix :math:`Z`, so :math:`S_i \in [0, 1]` when the weights sum to 1.

TOPSIS (Hwang & Yoon 1981): normalise (:math:`r = Z`, min-max, as in Chinese 熵权-TOPSIS and in
``pymcdm``'s default; or the classic vector normalisation :math:`r_{ij} = x_{ij}/\sqrt{\sum_i x_{ij}^2}`),
weight :math:`v_{ij} = w_j r_{ij}`, take the ideal :math:`v^+_j` (column max for benefit, min for cost)
and anti-ideal :math:`v^-_j`, and

.. math::

    D_i^{\pm} = \sqrt{\sum_j (v_{ij} - v_j^{\pm})^2}, \qquad C_i = \frac{D_i^-}{D_i^+ + D_i^-} \in [0, 1].

When every alternative coincides with both ideals (all weighted columns constant), :math:`C_i = 0.5`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from chainatlas.evaluation._checks import as_matrix, as_types, as_weights
from chainatlas.evaluation.standardise import minmax_standardise, vector_normalise
from chainatlas.exceptions import InputError

__all__ = ["TopsisResult", "linear_scores", "rank_descending", "topsis"]


def rank_descending(scores: Any) -> np.ndarray:
    """Ranks, 1 = highest score; ties share the best rank ("1224" competition ranking).

    Examples
    --------
    >>> rank_descending([0.2, 0.9, 0.5, 0.9]).tolist()
    [4, 1, 3, 1]
    """
    s = np.asarray(scores, dtype=np.float64).ravel()
    key = np.where(np.isnan(s), -np.inf, s)
    order = np.argsort(-key, kind="stable")
    ranks = np.empty(s.size, dtype=np.int64)
    sorted_key = key[order]
    first = np.r_[True, sorted_key[1:] != sorted_key[:-1]]
    pos = np.arange(1, s.size + 1)
    ranks[order] = np.maximum.accumulate(np.where(first, pos, 0))
    return ranks


def linear_scores(Z: Any, w: Any) -> np.ndarray:
    r"""Weighted sum :math:`S = Z w` of a standardised matrix (weights rescaled to sum 1)."""
    Z = as_matrix(Z)
    return Z @ as_weights(w, Z.shape[1])


@dataclass(frozen=True)
class TopsisResult:
    """Closeness ``C`` (higher = better), distances to the ideal and anti-ideal, and ranks."""

    closeness: np.ndarray
    d_plus: np.ndarray
    d_minus: np.ndarray

    @property
    def ranks(self) -> np.ndarray:
        return rank_descending(self.closeness)


def topsis(X: Any, w: Any, types: Any = None, *,
           normalisation: Literal["minmax", "vector"] = "minmax",
           standardised: bool = False) -> TopsisResult:
    """TOPSIS closeness of m alternatives on n criteria.

    Parameters
    ----------
    X : array_like, shape (m, n)
        Raw decision matrix (or an already standardised one with ``standardised=True``).
    w : array_like, shape (n,)
        Weights (rescaled to sum 1).
    types : criterion directions, optional
    normalisation : {'minmax', 'vector'}
        ``minmax`` reuses the direction-aware min-max matrix (熵权-TOPSIS; ``pymcdm`` default);
        ``vector`` is Hwang & Yoon's :math:`x/\\lVert x \\rVert`.
    standardised : bool
        ``X`` is already the direction-aware matrix (larger = better); use it as is.

    Examples
    --------
    >>> X = [[12, 2.5, 30, .45], [8.5, 3.4, 18, .60], [15.2, 1.9, 42, .38],
    ...      [6.3, 2.8, 35, .72], [10.1, 2.0, 25, .30]]
    >>> r = topsis(X, [.238313, .329141, .219008, .213538], "+,+,+,-")
    >>> r.closeness.round(4).tolist(), r.ranks.tolist()
    ([0.5135, 0.5138, 0.5253, 0.4165, 0.3992], [3, 2, 1, 4, 5])
    """
    X = as_matrix(X)
    n = X.shape[1]
    t = as_types(types, n)
    wn = as_weights(w, n)
    if standardised:
        R, t = X, np.ones(n, dtype=np.int8)
    elif normalisation == "minmax":
        R, t = minmax_standardise(X, t), np.ones(n, dtype=np.int8)
    elif normalisation == "vector":
        R = vector_normalise(X)
    else:
        raise InputError(f"unknown TOPSIS normalisation {normalisation!r}; use minmax or vector")
    V = R * wn
    vmax, vmin = V.max(axis=0), V.min(axis=0)
    ideal = np.where(t > 0, vmax, vmin)
    anti = np.where(t > 0, vmin, vmax)
    d_plus = np.sqrt(((V - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((V - anti) ** 2).sum(axis=1))
    den = d_plus + d_minus
    C = np.where(den > 0, d_minus / np.where(den > 0, den, 1.0), 0.5)
    return TopsisResult(C, d_plus, d_minus)
