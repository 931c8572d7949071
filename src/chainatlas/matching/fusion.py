"""Reciprocal-rank fusion of several rankings (Cormack, Clarke & Büttcher 2009, SIGIR).

A document ranked :math:`r_i(d)` (1-based) by ranking :math:`i` gets

.. math:: \\mathrm{RRF}(d) = \\sum_i \\frac{1}{k + r_i(d)}

summed over the rankings that contain it; :math:`k = 60` is the constant of the paper. Fusion
uses ranks only, so BM25 scores and cosine similarities need no common scale.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from chainatlas.exceptions import InputError

__all__ = ["reciprocal_rank_fusion"]


def reciprocal_rank_fusion(rankings: Sequence[np.ndarray], k_top: int, *,
                           k: float = 60.0) -> tuple[np.ndarray, np.ndarray]:
    """Fuse per-query rankings.

    Parameters
    ----------
    rankings : sequence of int arrays, each ``(n_queries, depth)``
        Document indices best first; ``-1`` marks an empty place.
    k_top : int
        How many fused results to keep per query.
    k : float
        The RRF constant (> 0).

    Returns
    -------
    (indices, scores) : arrays ``(n_queries, k_top)``
        Fused order (ties broken by the smaller document index); ``-1`` / 0 where empty.

    Examples
    --------
    >>> a = np.array([[0, 1, 2]]); b = np.array([[1, 2, -1]])
    >>> reciprocal_rank_fusion([a, b], 2, k=1)[0].tolist()
    [[1, 2]]
    """
    if k <= 0:
        raise InputError(f"the RRF constant must be positive, got {k}")
    if not rankings:
        raise InputError("reciprocal rank fusion needs at least one ranking")
    n_q = len(rankings[0])
    if any(len(r) != n_q for r in rankings):
        raise InputError("all rankings must cover the same queries")
    idx = np.full((n_q, k_top), -1, dtype=np.int64)
    val = np.zeros((n_q, k_top), dtype=np.float64)
    for q in range(n_q):
        acc: dict[int, float] = {}
        for r in rankings:
            for rank, d in enumerate(np.asarray(r[q]).tolist(), start=1):
                if d >= 0:
                    acc[d] = acc.get(d, 0.0) + 1.0 / (k + rank)
        best = sorted(acc.items(), key=lambda x: (-x[1], x[0]))[:k_top]
        for j, (d, s) in enumerate(best):
            idx[q, j] = d
            val[q, j] = s
    return idx, val
