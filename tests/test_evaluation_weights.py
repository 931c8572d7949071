"""Weights: entropy (熵值法), CRITIC, standard deviation, AHP and combinations.

Golden numbers from the project's reference notes (evaluation_methods.md §7), which compute the
Chinese recipe by hand on a 5 × 4 matrix; AHP from Saaty's classic 3 × 3 example.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from chainatlas.evaluation import (
    ahp_weights,
    combine_weights,
    critic_weights,
    entropy_values,
    entropy_weights,
    equal_weights,
    minmax_standardise,
    std_weights,
    user_weights,
)
from chainatlas.exceptions import InputError, ModelError

X = np.array([[12.0, 2.5, 30, 0.45], [8.5, 3.4, 18, 0.60], [15.2, 1.9, 42, 0.38],
              [6.3, 2.8, 35, 0.72], [10.1, 2.0, 25, 0.30]])
TYPES = [1, 1, 1, -1]
Z_GOLD = np.array([[.640449, .4, .5, .642857], [.247191, 1, 0, .285714], [1, 0, 1, .809524],
                   [0, .6, .708333, 0], [.426966, .066667, .291667, 1]])


def test_standardisation_golden() -> None:
    np.testing.assert_allclose(minmax_standardise(X, TYPES), Z_GOLD, atol=5e-7)


def test_entropy_golden() -> None:
    Z = minmax_standardise(X, TYPES)
    np.testing.assert_allclose(entropy_values(Z), [.788337, .707666, .805483, .810341], atol=5e-7)
    np.testing.assert_allclose(entropy_weights(X, TYPES), [.238313, .329141, .219008, .213538],
                               atol=5e-7)


def test_entropy_zero_avoiding_conventions_golden() -> None:
    np.testing.assert_allclose(entropy_weights(X, TYPES, shift=1e-4),
                               [.238299, .329156, .218999, .213546], atol=5e-7)
    np.testing.assert_allclose(entropy_weights(X, TYPES, interval=(0.01, 1.0)),
                               [.237938, .328541, .219024, .214498], atol=5e-7)


def test_critic_golden() -> None:
    np.testing.assert_allclose(critic_weights(X, TYPES), [.173962, .387079, .216386, .222574],
                               atol=5e-7)


def test_types_accept_strings() -> None:
    np.testing.assert_allclose(entropy_weights(X, "+,+,+,-"), entropy_weights(X, TYPES))
    np.testing.assert_allclose(entropy_weights(X, ["max", "max", "max", "min"]),
                               entropy_weights(X, TYPES))


def test_constant_column_gets_zero_weight() -> None:
    Xc = np.column_stack([X, np.full(5, 7.0)])
    for fn in (entropy_weights, critic_weights, std_weights):
        w = fn(Xc, [*TYPES, 1])
        assert w[-1] == 0.0
        assert w.sum() == pytest.approx(1.0)
    # the other weights are those of the matrix without the constant column
    np.testing.assert_allclose(critic_weights(Xc, [*TYPES, 1])[:4], critic_weights(X, TYPES))


def test_critic_perfectly_correlated_columns() -> None:
    M = np.array([[1.0, 2.0], [2.0, 4.0], [4.0, 8.0]])  # identical after min-max: no conflict
    np.testing.assert_allclose(critic_weights(M), [0.5, 0.5])
    assert critic_weights(M).sum() == pytest.approx(1.0)


def test_bad_input_raises_our_errors() -> None:
    with pytest.raises(InputError):
        entropy_weights(X, "+,+,-")
    with pytest.raises(InputError):
        entropy_weights(X, "+,+,?,-")
    with pytest.raises(InputError):
        entropy_weights([[1.0, np.nan], [2.0, 3.0]])
    with pytest.raises(InputError):
        entropy_weights([[1.0, 2.0]])  # one sample: ln m = 0
    with pytest.raises(ModelError):
        entropy_weights([[1.0, 2.0], [1.0, 2.0]])  # nothing varies
    with pytest.raises(InputError):
        user_weights([0.5, -0.1])


def test_std_and_equal_and_user() -> None:
    Z = minmax_standardise(X, TYPES)
    sd = Z.std(axis=0, ddof=1)
    np.testing.assert_allclose(std_weights(X, TYPES), sd / sd.sum())
    np.testing.assert_allclose(equal_weights(4), [0.25] * 4)
    np.testing.assert_allclose(user_weights([2, 1, 1]), [0.5, 0.25, 0.25])


# ---------------------------------------------------------------- AHP and combinations

SAATY = [[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]]


def test_ahp_saaty_example() -> None:
    r = ahp_weights(SAATY)
    np.testing.assert_allclose(r.weights, [0.6370, 0.2583, 0.1047], atol=5e-5)
    assert r.lambda_max == pytest.approx(3.0385, abs=5e-5)
    assert r.ci == pytest.approx(0.0193, abs=5e-5)
    assert r.cr == pytest.approx(0.0332, abs=5e-5)
    assert r.consistent


def test_ahp_consistent_matrix_recovers_weights() -> None:
    w = np.array([0.5, 0.3, 0.15, 0.05])
    A = w[:, None] / w[None, :]
    for method in ("eigen", "geometric", "arithmetic"):
        r = ahp_weights(A, method)  # type: ignore[arg-type]
        np.testing.assert_allclose(r.weights, w, atol=1e-12)
        assert r.cr == pytest.approx(0.0, abs=1e-9)


def test_ahp_rejects_non_reciprocal() -> None:
    with pytest.raises(InputError, match="reciprocal"):
        ahp_weights([[1, 3], [3, 1]])
    with pytest.raises(InputError):
        ahp_weights([[1, 2, 3], [0.5, 1, 2]])


def test_ahp_inconsistent_flagged() -> None:
    r = ahp_weights([[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]])
    assert r.cr > 0.1 and not r.consistent


@pytest.mark.oracle
def test_ahp_weights_match_pymcdm() -> None:
    from pymcdm.weights.subjective import AHP

    A = np.array([[1, 2, 4, 3], [1 / 2, 1, 3, 2], [1 / 4, 1 / 3, 1, 1 / 2], [1 / 3, 1 / 2, 2, 1]])
    np.testing.assert_allclose(ahp_weights(A).weights, AHP(matrix=A)(), atol=1e-9)


def test_game_theory_combination_hand_computed() -> None:
    # Gram system [[.46,.26],[.26,.38]] a = [.46,.38] -> a = (.708955, .514925) -> a* = (.579268, .420732)
    w = combine_weights([[.6, .3, .1], [.2, .3, .5]], "game")
    np.testing.assert_allclose(w, [.431707, .3, .268293], atol=5e-7)


def test_other_combinations() -> None:
    w = combine_weights([[.6, .3, .1], [.2, .3, .5]], "multiplicative")
    np.testing.assert_allclose(w, np.array([.12, .09, .05]) / .26)
    w = combine_weights([[.6, .3, .1], [.2, .3, .5]], "linear", alpha=[3, 1])
    np.testing.assert_allclose(w, [.5, .3, .2])
    same = combine_weights([[.6, .3, .1], [.6, .3, .1]], "game")
    np.testing.assert_allclose(same, [.6, .3, .1])
    with pytest.raises(InputError):
        combine_weights([[.6, .4]], "median")  # type: ignore[arg-type]


# ---------------------------------------------------------------- properties

matrices = arrays(np.float64, st.tuples(st.integers(3, 12), st.integers(2, 6)),
                  elements=st.floats(0.0, 1e4, allow_nan=False, allow_subnormal=False))


def _varied(M: np.ndarray) -> bool:
    return bool((np.ptp(M, axis=0) > 1e-6 * (1 + np.abs(M).max(axis=0))).all())


@settings(max_examples=150, deadline=None)
@given(matrices, st.data())
def test_weights_sum_to_one_and_scale_invariant(M: np.ndarray, data: st.DataObject) -> None:
    if not _varied(M):
        return
    types = data.draw(st.lists(st.sampled_from([1, -1]), min_size=M.shape[1],
                               max_size=M.shape[1]))
    scale = data.draw(arrays(np.float64, M.shape[1], elements=st.floats(0.01, 100)))
    for fn in (entropy_weights, critic_weights, std_weights):
        w = fn(M, types)
        assert w.sum() == pytest.approx(1.0, abs=1e-12)
        assert (w >= 0).all()
        np.testing.assert_allclose(fn(M * scale, types), w, atol=1e-8)


@settings(max_examples=100, deadline=None)
@given(matrices)
def test_entropy_in_unit_interval(M: np.ndarray) -> None:
    if not _varied(M):
        return
    e = entropy_values(minmax_standardise(M))
    assert ((e >= 0) & (e <= 1)).all()


# ---------------------------------------------------------------- where pymcdm differs


@pytest.mark.oracle
def test_pymcdm_entropy_ignores_direction() -> None:
    """pymcdm's entropy uses raw values and no direction: it equals ours only without standardising.

    On the golden matrix it gives [.279995 .153871 .253290 .312844] (reference notes §7) where the
    direction-aware Chinese recipe gives [.238313 .329141 .219008 .213538]; on the min-max matrix
    it refuses the zeros.
    """
    from pymcdm.weights import entropy_weights as pymcdm_entropy

    theirs = pymcdm_entropy(X)
    np.testing.assert_allclose(theirs, [.279995, .153871, .253290, .312844], atol=5e-7)
    np.testing.assert_allclose(entropy_weights(X, standardised=True), theirs, atol=1e-12)
    assert np.abs(entropy_weights(X, TYPES) - theirs).max() > 0.1
    with pytest.raises(ValueError):
        pymcdm_entropy(minmax_standardise(X, TYPES))


@pytest.mark.oracle
def test_pymcdm_critic_agrees_only_on_preflipped_matrix() -> None:
    from pymcdm.weights import critic_weights as pymcdm_critic

    Z = minmax_standardise(X, TYPES)
    np.testing.assert_allclose(critic_weights(X, TYPES), pymcdm_critic(Z), atol=1e-12)
    raw = pymcdm_critic(X)
    np.testing.assert_allclose(raw, [.277767, .266736, .228632, .226865], atol=5e-7)
    assert np.abs(raw - critic_weights(X, TYPES)).max() > 0.1
