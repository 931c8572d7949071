"""Reciprocal-rank fusion and ranking metrics on hand-checkable cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainatlas.exceptions import InputError
from chainatlas.matching.fusion import reciprocal_rank_fusion
from chainatlas.matching.metrics import (
    precision_at_k,
    ranking_metrics,
    recall_at_k,
    reciprocal_rank,
)


def test_rrf_hand_example() -> None:
    # Cormack et al. (2009): RRF(d) = Σ 1/(k + r). With k = 60:
    # doc 7: 1/61 + 1/62 ; doc 3: 1/62 + 1/61 (tie, smaller id first); doc 9: 1/63
    a = np.array([[7, 3, 9]])
    b = np.array([[3, 7, -1]])
    idx, val = reciprocal_rank_fusion([a, b], 3)
    assert idx.tolist() == [[3, 7, 9]]
    np.testing.assert_allclose(val[0], [1 / 61 + 1 / 62, 1 / 61 + 1 / 62, 1 / 63])


def test_rrf_single_ranking_keeps_order() -> None:
    r = np.array([[4, 2, 8, -1], [1, -1, -1, -1]])
    idx, _ = reciprocal_rank_fusion([r], 4)
    assert idx.tolist() == [[4, 2, 8, -1], [1, -1, -1, -1]]


@given(st.permutations(list(range(6))), st.permutations(list(range(6))))
def test_rrf_agreeing_top_wins(p: list[int], q: list[int]) -> None:
    q = [p[0]] + [x for x in q if x != p[0]]
    idx, _ = reciprocal_rank_fusion([np.array([p]), np.array([q])], 1)
    assert idx[0, 0] == p[0]


def test_rrf_bad_input() -> None:
    with pytest.raises(InputError):
        reciprocal_rank_fusion([], 3)
    with pytest.raises(InputError):
        reciprocal_rank_fusion([np.array([[1]]), np.array([[1], [2]])], 1)
    with pytest.raises(InputError):
        reciprocal_rank_fusion([np.array([[1]])], 1, k=0)


def test_metrics_hand_example() -> None:
    ranked = ["x", "a", "y", "b", "z", "c"]
    rel = {"a", "b", "q"}
    assert precision_at_k(ranked, rel, 1) == 0.0
    assert precision_at_k(ranked, rel, 5) == pytest.approx(2 / 5)
    assert recall_at_k(ranked, rel, 10) == pytest.approx(2 / 3)
    assert reciprocal_rank(ranked, rel) == pytest.approx(1 / 2)
    assert precision_at_k(["a"], rel, 5) == pytest.approx(1 / 5)  # short lists are not rewarded
    assert math.isnan(recall_at_k(ranked, set(), 10))


def test_ranking_metrics_means_over_queries() -> None:
    m = ranking_metrics({"q1": ["a", "b"], "q2": ["c", "d"]},
                        {"q1": ["a"], "q2": ["d"], "q3": [], "q4": ["e"]})
    assert m["n_queries"] == 3  # q3 has no relevant item; q4 is unanswered (counts as a miss)
    assert m["mrr"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert m["p@1"] == pytest.approx(1 / 3)
    assert m["r@10"] == pytest.approx(2 / 3)
    with pytest.raises(InputError):
        ranking_metrics({}, {"q": []})
