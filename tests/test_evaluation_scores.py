"""Scores: weighted sum, TOPSIS (min-max and vector), ranks; pymcdm TOPSIS as the oracle."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainatlas.evaluation import (
    entropy_weights,
    linear_scores,
    minmax_standardise,
    rank_descending,
    topsis,
)
from chainatlas.exceptions import InputError

pytestmark = pytest.mark.filterwarnings("ignore:Alternatives with indices:UserWarning")

X = np.array([[12.0, 2.5, 30, 0.45], [8.5, 3.4, 18, 0.60], [15.2, 1.9, 42, 0.38],
              [6.3, 2.8, 35, 0.72], [10.1, 2.0, 25, 0.30]])
TYPES = [1, 1, 1, -1]


def test_linear_score_golden() -> None:
    S = linear_scores(minmax_standardise(X, TYPES), entropy_weights(X, TYPES))
    np.testing.assert_allclose(S, [.531062, .449061, .630185, .352616, .401110], atol=5e-7)


def test_entropy_topsis_golden() -> None:
    r = topsis(X, entropy_weights(X, TYPES), TYPES)
    np.testing.assert_allclose(r.closeness, [.513494, .513841, .525257, .416474, .399184],
                               atol=5e-7)
    assert r.ranks.tolist() == [3, 2, 1, 4, 5]


def test_topsis_vector_golden_with_pymcdm_raw_weights() -> None:
    # reference §7: pymcdm TOPSIS(vector_normalization) with pymcdm's raw entropy weights
    w = [.279995, .153871, .253290, .312844]
    r = topsis(X, w, TYPES, normalisation="vector")
    np.testing.assert_allclose(r.closeness, [.594934, .287825, .782145, .297539, .573444],
                               atol=5e-6)
    assert r.ranks.tolist() == [2, 5, 1, 4, 3]


def test_topsis_hand_case() -> None:
    # two criteria, equal weights; B is ideal on both, A anti-ideal on both, C in the middle
    r = topsis([[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]], [1, 1], standardised=True)
    np.testing.assert_allclose(r.closeness, [0.0, 1.0, 0.5])
    np.testing.assert_allclose(r.d_plus, [np.sqrt(0.5), 0.0, np.sqrt(0.125)])


def test_topsis_identical_alternatives() -> None:
    r = topsis([[1.0, 2.0], [1.0, 2.0]], [0.5, 0.5])
    np.testing.assert_allclose(r.closeness, [0.5, 0.5])


def test_ranks_ties_and_nan() -> None:
    assert rank_descending([0.2, 0.9, 0.5, 0.9]).tolist() == [4, 1, 3, 1]
    assert rank_descending([np.nan, 0.1, 0.3]).tolist() == [3, 2, 1]


def test_bad_input() -> None:
    with pytest.raises(InputError):
        topsis(X, [0.5, 0.5], TYPES)
    with pytest.raises(InputError):
        topsis(X, [0.25] * 4, TYPES, normalisation="sum")  # type: ignore[arg-type]


@pytest.mark.oracle
@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(3, 10), st.integers(2, 6)),
              elements=st.floats(0.1, 1e3, allow_nan=False)), st.data())
def test_topsis_matches_pymcdm(M: np.ndarray, data: st.DataObject) -> None:
    from pymcdm import normalizations
    from pymcdm.methods import TOPSIS

    if not (np.ptp(M, axis=0) > 1e-6 * M.max(axis=0)).all():
        return
    n = M.shape[1]
    types = np.array(data.draw(st.lists(st.sampled_from([1, -1]), min_size=n, max_size=n)))
    w = np.array(data.draw(st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n)))
    w = w / w.sum()
    ours = topsis(M, w, types).closeness
    np.testing.assert_allclose(ours, TOPSIS()(M, w, types), atol=1e-10)
    ours_v = topsis(M, w, types, normalisation="vector").closeness
    theirs_v = TOPSIS(normalizations.vector_normalization)(M, w, types)
    np.testing.assert_allclose(ours_v, theirs_v, atol=1e-10)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 10), st.integers(1, 5)),
              elements=st.floats(-1e3, 1e3, allow_nan=False)), st.data())
def test_closeness_in_unit_interval_and_scale_invariant(M: np.ndarray,
                                                        data: st.DataObject) -> None:
    n = M.shape[1]
    span = np.ptp(M, axis=0)
    if ((span > 0) & (span < 1e-6 * (1 + np.abs(M).max(axis=0)))).any():
        return  # numerically ill-posed: a column constant up to rounding
    types = data.draw(st.lists(st.sampled_from([1, -1]), min_size=n, max_size=n))
    scale = data.draw(arrays(np.float64, n, elements=st.floats(0.1, 10)))
    for norm in ("minmax", "vector"):
        c = topsis(M, np.ones(n), types, normalisation=norm).closeness  # type: ignore[arg-type]
        assert ((c >= 0) & (c <= 1)).all()
        c2 = topsis(M * scale, np.ones(n), types,
                    normalisation=norm).closeness  # type: ignore[arg-type]
        np.testing.assert_allclose(c2, c, atol=1e-7)
