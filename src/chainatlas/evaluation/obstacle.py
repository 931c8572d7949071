r"""Obstacle degree model (障碍度模型): which indicators hold a region back.

With weights :math:`w_j` (factor contribution :math:`F_j`; in a hierarchical system the product
of the indicator weight within its criterion and the criterion-layer weight, which for entropy
weights equals the global entropy weight) and the standardised matrix :math:`Z`:

.. math::

    I_{ij} = 1 - z_{ij}, \qquad O_{ij} = \frac{F_j I_{ij}}{\sum_k F_k I_{ik}},

so each row of :math:`O` sums to 1 (× 100 % in papers). A subsystem's obstacle degree is the sum
of its indicators' :math:`O_{ij}`. A sample at the ideal on every weighted indicator has no
obstacle: its row is all NaN (0/0), and it is skipped in top-k lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from chainatlas.evaluation._checks import as_matrix, as_weights
from chainatlas.exceptions import InputError

__all__ = ["obstacle_degree", "subsystem_obstacles", "top_obstacles"]


def obstacle_degree(Z: Any, w: Any) -> np.ndarray:
    """Obstacle degree :math:`O` (m × n, rows sum to 1) of standardised matrix ``Z``.

    Examples
    --------
    >>> obstacle_degree([[0.5, 1.0], [0.0, 0.5]], [0.5, 0.5]).tolist()
    [[1.0, 0.0], [0.6666666666666666, 0.3333333333333333]]
    """
    Zm = as_matrix(Z)
    if (Zm < -1e-12).any() or (Zm > 1 + 1e-12).any():
        raise InputError("obstacle degree needs a standardised matrix with values in [0, 1]")
    F = as_weights(w, Zm.shape[1])
    FI = F * (1.0 - np.clip(Zm, 0.0, 1.0))
    total = FI.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, FI / np.where(total > 0, total, 1.0), np.nan)


def subsystem_obstacles(obstacles: Any, groups: Sequence[str]) -> pd.DataFrame:
    """Sum of the indicator obstacle degrees per subsystem (columns in first-seen order)."""
    Om = np.asarray(obstacles, dtype=float)
    if Om.ndim != 2 or Om.shape[1] != len(groups):
        raise InputError("need one subsystem name per indicator column")
    frame = pd.DataFrame(Om, columns=pd.Index(range(Om.shape[1])))
    keys = pd.Series(list(groups))
    order = list(dict.fromkeys(groups))
    summed = frame.T.groupby(keys.to_numpy(), sort=False).sum(min_count=1).T
    return summed[order]


def top_obstacles(obstacles: Any, names: Sequence[str], k: int = 5) -> list[list[tuple[str, float]]]:
    """The ``k`` largest obstacle factors per row, as ``(name, O)`` pairs, largest first."""
    Om = np.asarray(obstacles, dtype=float)
    if Om.ndim != 2 or Om.shape[1] != len(names):
        raise InputError("need one name per indicator column")
    if k < 1:
        raise InputError(f"k must be ≥ 1; got {k}")
    out = []
    for row in Om:
        order = np.argsort(-np.nan_to_num(row, nan=-1.0), kind="stable")[:k]
        out.append([(names[j], float(row[j])) for j in order if np.isfinite(row[j]) and row[j] > 0])
    return out
