r"""Coupling coordination degree (耦合协调度) of n ≥ 2 subsystems.

For subsystem scores :math:`U_1 … U_n \in [0, 1]` of one sample (a region-year):

Standard (normative) coupling degree, Wang et al. (2021)'s 规范公式 and CRAN ``coupling``
``method="standard"``; it is the ratio of the geometric to the arithmetic mean:

.. math::

    C = n \left[ \frac{\prod_i U_i}{(\sum_i U_i)^n} \right]^{1/n}
      = \frac{(\prod_i U_i)^{1/n}}{\frac{1}{n}\sum_i U_i} \in [0, 1].

Corrected coupling degree of Wang Shujie, Kong Wei, Ren Liang, Zhi Dandan & Dai Binting (2021),
"国内耦合协调度模型的误区及修正", 自然资源学报 36(3): 793–810, which spreads values away from 1:

.. math::

    C = \sqrt{\left[1 - \frac{\sum_{i<j} |U_i - U_j|}{\sum_{k=1}^{n-1} k}\right]
              \left[\prod_i \frac{U_i}{\max_k U_k}\right]^{1/(n-1)}} .

Fan et al. variant (also in CRAN ``coupling``): :math:`C = 1 - 2\sqrt{[n\sum U^2 - (\sum U)^2]/n^2}`.

Comprehensive development index :math:`T = \sum_i \alpha_i U_i` (:math:`\sum \alpha = 1`, equal by
default) and coordination degree :math:`D = \sqrt{C\,T}`. When every :math:`U_i = 0`, C is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from chainatlas.evaluation._checks import as_matrix, as_weights
from chainatlas.exceptions import InputError

__all__ = ["VARIANTS", "CouplingResult", "coupling_coordination", "coupling_degree"]

Variant = Literal["standard", "wang", "fan"]
VARIANTS: tuple[str, ...] = ("standard", "wang", "fan")


def _as_scores(U: Any) -> np.ndarray:
    arr = np.asarray(U, dtype=np.float64)
    U2 = as_matrix(arr.reshape(1, -1) if arr.ndim == 1 else arr, name="subsystem scores")
    if U2.shape[1] < 2:
        raise InputError(f"coupling needs at least 2 subsystems; got {U2.shape[1]}")
    if (U2 < 0).any() or (U2 > 1 + 1e-9).any():
        i, j = np.argwhere((U2 < 0) | (U2 > 1 + 1e-9))[0]
        raise InputError(f"subsystem scores must lie in [0, 1]; row {i + 1}, column {j + 1} "
                         f"is {U2[i, j]}")
    return np.clip(U2, 0.0, 1.0)


def coupling_degree(U: Any, variant: Variant = "standard") -> np.ndarray:
    """Coupling degree C of each row of ``U`` (m samples × n subsystems, values in [0, 1]).

    Examples
    --------
    >>> coupling_degree([0.3, 0.6]).round(4).tolist(), coupling_degree([0.3, 0.6], "wang").round(4).tolist()
    ([0.9428], [0.5916])
    """
    U = _as_scores(U)
    n = U.shape[1]
    total = U.sum(axis=1)
    zero = total <= 0
    if variant == "standard":
        # C is homogeneous of degree 0: divide by the row max so tiny scores cannot underflow
        V = U / np.where(zero, 1.0, U.max(axis=1))[:, None]
        with np.errstate(divide="ignore"):
            gm = np.exp(np.log(V).mean(axis=1))
        C = gm / np.where(zero, 1.0, V.mean(axis=1))
    elif variant == "wang":
        i, j = np.triu_indices(n, k=1)
        spread = np.abs(U[:, i] - U[:, j]).sum(axis=1) / (n * (n - 1) / 2)
        umax = U.max(axis=1)
        with np.errstate(divide="ignore"):
            logratio = np.log(U / np.where(zero, 1.0, umax)[:, None]).sum(axis=1)
        balance = np.exp(logratio / (n - 1))
        C = np.sqrt(np.clip(1.0 - spread, 0.0, None) * balance)
    elif variant == "fan":
        inner = (n * (U * U).sum(axis=1) - total**2) / n**2
        C = 1.0 - 2.0 * np.sqrt(np.clip(inner, 0.0, None))
    else:
        raise InputError(f"unknown coupling variant {variant!r}; use one of {', '.join(VARIANTS)}")
    C = np.where(zero, 0.0, C)
    return np.clip(C, 0.0, 1.0)


@dataclass(frozen=True)
class CouplingResult:
    """Coupling degree ``C``, development index ``T`` and coordination degree ``D`` per sample."""

    C: np.ndarray
    T: np.ndarray
    D: np.ndarray
    variant: str
    alpha: np.ndarray


def coupling_coordination(U: Any, variant: Variant = "standard",
                          alpha: Any = None) -> CouplingResult:
    """Coupling C, comprehensive index T = Σ αᵢUᵢ and coordination D = √(C·T).

    Parameters
    ----------
    U : array_like, shape (m, n) or (n,)
        Subsystem scores in [0, 1].
    variant : {'standard', 'wang', 'fan'}
    alpha : array_like, shape (n,), optional
        Subsystem contribution weights (equal when omitted; rescaled to sum 1).

    Examples
    --------
    >>> r = coupling_coordination([0.62, 0.48, 0.35, 0.55])
    >>> round(float(r.C[0]), 4), round(float(r.T[0]), 4), round(float(r.D[0]), 4)
    (0.9785, 0.5, 0.6995)
    """
    Um = _as_scores(U)
    n = Um.shape[1]
    a = np.full(n, 1.0 / n) if alpha is None else as_weights(alpha, n, name="alpha")
    C = coupling_degree(Um, variant)
    T = Um @ a
    return CouplingResult(C, T, np.sqrt(C * T), variant, a)
