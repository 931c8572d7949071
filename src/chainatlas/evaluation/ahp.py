r"""Analytic hierarchy process (AHP, 层次分析法) weights from a pairwise comparison matrix.

Saaty (1977, 1980): a positive reciprocal matrix :math:`A` (:math:`a_{ji} = 1/a_{ij}`,
:math:`a_{ii} = 1`) on the 1–9 scale. Weights are the principal right eigenvector
:math:`A w = \lambda_{\max} w` normalised to sum 1 (``method="eigen"``), or the normalised row
geometric means (``"geometric"``, Crawford & Williams 1985), or the averages of the column-normalised
matrix (``"arithmetic"``). Consistency:

.. math::

    CI = \frac{\lambda_{\max} - n}{n - 1}, \qquad CR = \frac{CI}{RI_n},

with Saaty's random index :math:`RI_n`; :math:`CR < 0.1` is acceptable. For the geometric and
arithmetic weights :math:`\lambda_{\max}` is estimated as :math:`\mathrm{mean}_i (A w)_i / w_i`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from chainatlas.evaluation._checks import as_matrix
from chainatlas.exceptions import InputError

__all__ = ["RANDOM_INDEX", "AHPResult", "ahp_weights"]

#: Saaty's random consistency index RI for n = 1..15 (Saaty 1980, extended table).
RANDOM_INDEX: tuple[float, ...] = (0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
                                   1.51, 1.48, 1.56, 1.57, 1.59)


@dataclass(frozen=True)
class AHPResult:
    """AHP weights and consistency figures (``cr`` is 0 for n ≤ 2)."""

    weights: np.ndarray
    lambda_max: float
    ci: float
    ri: float
    cr: float

    @property
    def consistent(self) -> bool:
        """Whether :math:`CR < 0.1` (Saaty's acceptance rule)."""
        return self.cr < 0.1

    def to_dict(self) -> dict[str, Any]:
        return {"weights": self.weights.tolist(), "lambda_max": self.lambda_max, "CI": self.ci,
                "RI": self.ri, "CR": self.cr, "consistent": self.consistent}


def ahp_weights(A: Any, method: Literal["eigen", "geometric", "arithmetic"] = "eigen",
                *, rtol: float = 1e-6) -> AHPResult:
    """Weights and consistency ratio of a pairwise comparison matrix.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Positive reciprocal matrix: ``A[i, j]`` = importance of criterion i over j.
    method : {'eigen', 'geometric', 'arithmetic'}
    rtol : float
        Tolerance of the reciprocity check ``A[i, j] * A[j, i] == 1``.

    Examples
    --------
    >>> r = ahp_weights([[1, 3, 5], [1/3, 1, 3], [1/5, 1/3, 1]])
    >>> r.weights.round(4).tolist(), round(r.lambda_max, 4), round(r.cr, 4)
    ([0.637, 0.2583, 0.1047], 3.0385, 0.0332)
    """
    A = as_matrix(A, name="pairwise matrix")
    n = A.shape[0]
    if A.shape != (n, n):
        raise InputError(f"pairwise matrix must be square; got shape {A.shape}")
    if (A <= 0).any():
        raise InputError("pairwise matrix entries must be positive")
    if not np.allclose(A * A.T, 1.0, rtol=rtol, atol=0):
        i, j = np.argwhere(~np.isclose(A * A.T, 1.0, rtol=rtol, atol=0))[0]
        raise InputError(f"pairwise matrix is not reciprocal at ({i + 1}, {j + 1}): "
                         f"{A[i, j]} × {A[j, i]} ≠ 1")
    if method == "eigen":
        vals, vecs = np.linalg.eig(A)
        k = int(np.argmax(vals.real))
        w = np.abs(vecs[:, k].real)
        lam = float(vals[k].real)
    elif method == "geometric":
        w = np.exp(np.log(A).mean(axis=1))
    elif method == "arithmetic":
        w = (A / A.sum(axis=0)).mean(axis=1)
    else:
        raise InputError(f"unknown AHP method {method!r}; use eigen, geometric or arithmetic")
    w = w / w.sum()
    if method != "eigen":
        lam = float(np.mean((A @ w) / w))
    ci = (lam - n) / (n - 1) if n > 1 else 0.0
    ri = RANDOM_INDEX[n - 1] if n <= len(RANDOM_INDEX) else RANDOM_INDEX[-1]
    cr = ci / ri if ri > 0 else 0.0
    return AHPResult(w, lam, float(ci), float(ri), float(max(cr, 0.0)))
