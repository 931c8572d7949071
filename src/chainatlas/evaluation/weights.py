r"""Objective and combined indicator weights.

Entropy weights (熵值法), Chinese recipe (e.g. 王珏 & 王荣基 2024; the method of Shannon 1948 as used
for multi-criteria weighting by Zeleny 1982): with :math:`Z` the direction-aware min-max matrix
(:mod:`.standardise`) of m samples × n indicators,

.. math::

    p_{ij} = \frac{z_{ij}}{\sum_i z_{ij}}, \quad
    e_j = -\frac{1}{\ln m} \sum_i p_{ij} \ln p_{ij} \;(0 \ln 0 = 0), \quad
    d_j = 1 - e_j, \quad w_j = \frac{d_j}{\sum_k d_k}.

CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995): :math:`\sigma_j` the standard deviation of
:math:`z_{\cdot j}` and :math:`r_{jk}` the Pearson correlation between indicator columns,

.. math::

    C_j = \sigma_j \sum_k (1 - r_{jk}), \qquad w_j = C_j / \sum_k C_k .

Standard-deviation weights: :math:`w_j = \sigma_j / \sum_k \sigma_k` on :math:`Z` (on raw data
they would depend on units). Every method here is therefore invariant to a positive rescaling of
any indicator, and applies the criterion direction before weighting (unlike ``pymcdm``'s entropy
and CRITIC weights, which use raw values and ignore direction).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from chainatlas.evaluation._checks import as_matrix, as_weights
from chainatlas.evaluation.standardise import constant_columns, minmax_standardise
from chainatlas.exceptions import InputError, ModelError

__all__ = [
    "combine_weights",
    "critic_weights",
    "entropy_values",
    "entropy_weights",
    "equal_weights",
    "std_weights",
    "user_weights",
]


def _standardised(X: Any, types: Any, standardised: bool, **kw: Any) -> np.ndarray:
    if standardised:
        Z = as_matrix(X, min_rows=2)
        if (Z < 0).any():
            raise InputError("a standardised matrix must be non-negative")
        return Z
    return minmax_standardise(as_matrix(X, min_rows=2), types, **kw)


def _normalise(score: np.ndarray, what: str) -> np.ndarray:
    total = score.sum()
    if not np.isfinite(total) or total <= 0:
        raise ModelError(f"{what} weights are undefined: no indicator varies across the samples")
    return score / total


def entropy_values(Z: Any) -> np.ndarray:
    r"""Information entropy :math:`e_j \in [0, 1]` of each column of a non-negative matrix.

    A column summing to zero has no distribution; it is given :math:`e_j = 1` (no information).
    """
    Z = as_matrix(Z, min_rows=2)
    m = Z.shape[0]
    col = Z.sum(axis=0)
    P = Z / np.where(col > 0, col, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(P > 0, P * np.log(P), 0.0)
    e = -plogp.sum(axis=0) / np.log(m)
    e[col <= 0] = 1.0
    return np.clip(e, 0.0, 1.0)


def entropy_weights(X: Any, types: Any = None, *, shift: float = 0.0,
                    interval: tuple[float, float] | None = None,
                    standardised: bool = False) -> np.ndarray:
    """Entropy weights (熵值法) with direction-aware min-max standardisation first.

    Parameters
    ----------
    X : array_like, shape (m, n)
        Raw indicator values (m ≥ 2 samples); for a panel, all region-years stacked (面板熵值法).
    types : criterion directions, optional
        ``'+'``/``'-'`` per column (see :func:`~.standardise.minmax_standardise`).
    shift, interval
        Zero-avoiding conventions of the standardisation; the default keeps zeros and uses
        :math:`0 \\ln 0 = 0`.
    standardised : bool
        ``X`` is already standardised (non-negative); skip the standardisation.

    Returns
    -------
    ndarray, shape (n,)
        Weights summing to 1.

    Examples
    --------
    >>> X = [[12, 2.5, 30, .45], [8.5, 3.4, 18, .60], [15.2, 1.9, 42, .38],
    ...      [6.3, 2.8, 35, .72], [10.1, 2.0, 25, .30]]
    >>> entropy_weights(X, "+,+,+,-").round(6).tolist()
    [0.238313, 0.329141, 0.219008, 0.213538]
    """
    Z = _standardised(X, types, standardised, shift=shift, interval=interval)
    return _normalise(1.0 - entropy_values(Z), "entropy")


def critic_weights(X: Any, types: Any = None, *, standardised: bool = False,
                   correlation: Literal["signed", "absolute"] = "signed") -> np.ndarray:
    r"""CRITIC weights (Diakoulaki et al. 1995) on the direction-aware min-max matrix.

    ``correlation="absolute"`` uses :math:`\sum_k (1 - |r_{jk}|)`, a variant seen in applied work.
    Constant columns get weight 0 and are left out of the correlations. :math:`\sigma` uses
    ``ddof=1`` (the choice does not change the weights). When all varying indicators are
    perfectly correlated (no conflict at all) the weights are proportional to :math:`\sigma_j`.

    Examples
    --------
    >>> X = [[12, 2.5, 30, .45], [8.5, 3.4, 18, .60], [15.2, 1.9, 42, .38],
    ...      [6.3, 2.8, 35, .72], [10.1, 2.0, 25, .30]]
    >>> critic_weights(X, "+,+,+,-").round(6).tolist()
    [0.173962, 0.387079, 0.216386, 0.222574]
    """
    if correlation not in ("signed", "absolute"):
        raise InputError(f"correlation must be 'signed' or 'absolute'; got {correlation!r}")
    Z = _standardised(X, types, standardised)
    live = ~constant_columns(Z)
    C = np.zeros(Z.shape[1])
    if live.sum() == 1:
        C[live] = 1.0
    elif live.any():
        Zl = Z[:, live]
        sigma = Zl.std(axis=0, ddof=1)
        R = np.atleast_2d(np.corrcoef(Zl, rowvar=False))
        if correlation == "absolute":
            R = np.abs(R)
        C[live] = sigma * (1.0 - R).sum(axis=0)
        if C.sum() <= 1e-12 * sigma.sum():
            # every varying indicator is perfectly correlated with every other: no conflict is
            # left to weigh, so the weights follow the contrast intensity σ alone
            C[:] = 0.0
            C[live] = sigma
    return _normalise(C, "CRITIC")


def std_weights(X: Any, types: Any = None, *, standardised: bool = False) -> np.ndarray:
    r"""Standard-deviation weights :math:`w_j = \sigma_j / \sum_k \sigma_k` of :math:`Z`."""
    Z = _standardised(X, types, standardised)
    return _normalise(Z.std(axis=0, ddof=1), "standard-deviation")


def equal_weights(n: int) -> np.ndarray:
    """``n`` equal weights ``1/n``."""
    if int(n) < 1:
        raise InputError(f"need at least one criterion; got {n}")
    return np.full(int(n), 1.0 / int(n))


def user_weights(w: Any) -> np.ndarray:
    """User-given weights, checked (finite, non-negative) and rescaled to sum to 1."""
    arr = np.asarray(w, dtype=np.float64).ravel()
    return as_weights(arr, arr.size)


def combine_weights(weights: Sequence[Any], method: Literal["game", "multiplicative", "linear"]
                    = "game", *, alpha: Sequence[float] | None = None) -> np.ndarray:
    r"""Combine L weight vectors (e.g. subjective AHP and objective entropy) into one.

    ``"game"`` (博弈论组合赋权): find :math:`\alpha` minimising
    :math:`\lVert \sum_k \alpha_k w_k - w_l \rVert_2` for every l, whose first-order conditions are
    the linear system :math:`\sum_k \alpha_k\, w_l \cdot w_k = w_l \cdot w_l` (l = 1..L); then
    :math:`\alpha^* = |\alpha| / \sum |\alpha|` and :math:`w = \sum_k \alpha^*_k w_k`.

    ``"multiplicative"`` (乘法合成): :math:`w_j = \prod_k w_{kj} / \sum_j \prod_k w_{kj}`.

    ``"linear"``: :math:`w = \sum_k \alpha_k w_k` with given ``alpha`` (equal by default).

    Examples
    --------
    >>> combine_weights([[.6, .3, .1], [.2, .3, .5]], "game").round(6).tolist()
    [0.431707, 0.3, 0.268293]
    """
    if len(weights) < 1:
        raise InputError("need at least one weight vector to combine")
    n = np.asarray(weights[0], dtype=np.float64).size
    W = np.vstack([as_weights(w, n, name=f"weight vector {k + 1}") for k, w in enumerate(weights)])
    if method == "game":
        G = W @ W.T
        a, *_ = np.linalg.lstsq(G, np.diag(G), rcond=None)
        a = np.abs(a)
        return as_weights(a @ W, n, name="combined weights")
    if method == "multiplicative":
        prod = np.prod(W, axis=0)
        if prod.sum() <= 0:
            raise ModelError("multiplicative combination is undefined: no criterion has all weights > 0")
        return prod / prod.sum()
    if method == "linear":
        a = as_weights(np.ones(len(W)) if alpha is None else alpha, len(W), name="alpha")
        return a @ W
    raise InputError(f"unknown combination method {method!r}; use game, multiplicative or linear")
