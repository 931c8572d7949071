"""Ranking quality on a labelled set: precision@k, recall@k and mean reciprocal rank.

For a query :math:`q` with relevant set :math:`R_q` and ranked list :math:`L_q`
(Manning, Raghavan & Schütze 2008, *Introduction to Information Retrieval*, ch. 8):

.. math::

    P@k = \\frac{|L_q[:k] \\cap R_q|}{k}, \\qquad
    R@k = \\frac{|L_q[:k] \\cap R_q|}{|R_q|}, \\qquad
    \\mathrm{RR} = \\frac{1}{\\min\\{i : L_q[i] \\in R_q\\}}\\ (0\\text{ if none}),

each averaged over the queries that have at least one relevant item. :math:`P@k` divides by
:math:`k` even when the list is shorter (a short list is not rewarded).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from chainatlas.exceptions import InputError

__all__ = ["precision_at_k", "ranking_metrics", "recall_at_k", "reciprocal_rank"]


def precision_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the first ``k`` places holding a relevant item."""
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    rel = set(relevant)
    return sum(1 for x in list(ranked)[:k] if x in rel) / k


def recall_at_k(ranked: Sequence[str], relevant: Iterable[str], k: int) -> float:
    """Share of the relevant items found in the first ``k`` places (nan when none is relevant)."""
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    rel = set(relevant)
    if not rel:
        return float("nan")
    return len(rel.intersection(list(ranked)[:k])) / len(rel)


def reciprocal_rank(ranked: Sequence[str], relevant: Iterable[str]) -> float:
    """``1 / rank`` of the first relevant item (0 when none is listed)."""
    rel = set(relevant)
    for i, x in enumerate(ranked, start=1):
        if x in rel:
            return 1.0 / i
    return 0.0


def ranking_metrics(ranked: Mapping[str, Sequence[str]],
                    relevant: Mapping[str, Iterable[str]]) -> dict[str, float]:
    """Mean P@1, P@5, R@10 and MRR over the queries of ``relevant`` with a relevant item.

    A query missing from ``ranked`` counts as an empty list. Returns also ``n_queries``.

    Examples
    --------
    >>> m = ranking_metrics({"q1": ["x", "a"], "q2": ["b"]}, {"q1": ["a"], "q2": ["b", "c"]})
    >>> m["mrr"], m["p@1"], m["r@10"]
    (0.75, 0.5, 0.75)
    """
    p1, p5, r10, rr = [], [], [], []
    for q, rel in relevant.items():
        rel = set(rel)
        if not rel:
            continue
        lst = list(ranked.get(q, []))
        p1.append(precision_at_k(lst, rel, 1))
        p5.append(precision_at_k(lst, rel, 5))
        r10.append(recall_at_k(lst, rel, 10))
        rr.append(reciprocal_rank(lst, rel))
    if not rr:
        raise InputError("no query with a relevant item to evaluate")
    return {"n_queries": float(len(rr)), "p@1": float(np.mean(p1)), "p@5": float(np.mean(p5)),
            "r@10": float(np.mean(r10)), "mrr": float(np.mean(rr))}
