"""Economic complexity: golden toy numbers, identities and input checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import chainatlas.cluster.complexity as cx
from chainatlas.cluster import economic_complexity
from chainatlas.exceptions import InputError, ModelError

# The 5 regions × 6 industries toy of the reference notes (complexity_methods.md §5), whose
# published numbers come from py-ecomplexity 0.5.3.
TOY = pd.DataFrame(
    [[100, 80, 60, 40, 20, 10], [90, 70, 50, 0, 10, 0], [50, 0, 40, 0, 0, 0],
     [0, 10, 0, 0, 5, 60], [20, 0, 0, 5, 0, 30]],
    index=list("ABCDE"), columns=["p1", "p2", "p3", "p4", "p5", "p6"], dtype=float)


@pytest.fixture(scope="module")
def toy():
    return economic_complexity(TOY)


def test_toy_diversity_ubiquity_rca(toy):
    assert toy.diversity.tolist() == [3, 3, 2, 2, 3]
    assert toy.ubiquity.tolist() == [3, 2, 2, 2, 2, 2]
    np.testing.assert_allclose(toy.rca[0], [.9305, 1.2097, .9677, 2.1505, 1.3825, .2419], atol=1e-4)


def test_toy_eci_pci_coi(toy):
    np.testing.assert_allclose(toy.eci, [-.6408, .9661, 1.3296, -1.3369, -.3180], atol=1e-4)
    np.testing.assert_allclose(toy.pci, [.9700, .2391, 1.6891, -.7058, -1.4557, -1.2181], atol=1e-4)
    np.testing.assert_allclose(toy.coi, [1.0130, -1.8646, -.0779, .2933, .6362], atol=1e-4)
    assert toy.eigenvalue == pytest.approx(0.6794, abs=1e-4)


def test_toy_proximity(toy):
    phi = pd.DataFrame(toy.proximity, index=TOY.columns, columns=TOY.columns)
    pairs = {("p1", "p2"): 1 / 3, ("p1", "p3"): 2 / 3, ("p1", "p5"): 0, ("p2", "p3"): .5,
             ("p2", "p6"): 0, ("p4", "p6"): .5, ("p5", "p6"): .5}
    for (a, b), v in pairs.items():
        assert phi.loc[a, b] == pytest.approx(v) and phi.loc[b, a] == pytest.approx(v)
    np.testing.assert_allclose(np.diag(toy.proximity), 1.0)


def test_toy_density_and_distance(toy):
    expected = [[.2500, .7059, .2308, .7059, .8000, .4286],
                [.7500, .6471, 1, .2941, .2000, .1429],
                [.6250, .2941, .7692, .1176, 0, .1429],
                [.1250, .1765, 0, .3529, .6000, .6429],
                [.6250, .2941, .3077, .6471, .4000, .7857]]
    np.testing.assert_allclose(toy.density, expected, atol=1e-4)
    np.testing.assert_allclose(toy.distance, 1 - np.array(expected), atol=1e-4)


def test_toy_cog(toy):
    cog = toy.matrix("cog")
    expected = {("A", "p1"): .7090, ("A", "p3"): 1.0217, ("A", "p6"): -.4011,
                ("B", "p4"): -.8017, ("B", "p5"): -.9683, ("B", "p6"): -.9382,
                ("C", "p2"): -.3317, ("C", "p4"): -.7596, ("C", "p5"): -.9262,
                ("C", "p6"): -.9382, ("D", "p1"): .8281, ("D", "p2"): .4704,
                ("D", "p3"): 1.0638, ("D", "p4"): -.0860, ("E", "p2"): .1826,
                ("E", "p3"): .8214, ("E", "p5"): -.5404}
    for (c, p), v in expected.items():
        assert cog.loc[c, p] == pytest.approx(v, abs=1e-4)
    # every other cell is an activity already present: no gain
    mask = toy.mcp == 1
    assert (cog.to_numpy()[mask] == 0).all()
    assert mask.sum() == 30 - len(expected)


def test_toy_eci_is_mean_pci_of_present_activities(toy):
    M = toy.mcp.astype(bool)
    for c in range(5):
        assert toy.eci[c] == pytest.approx(toy.pci[M[c]].mean(), abs=1e-12)
    # ECI rises with diversity (the sign convention)
    assert np.corrcoef(toy.diversity, toy.eci)[0, 1] > 0


def test_sign_hazard_pci_from_separate_sign_is_rejected(toy):
    """econcomplex 1.0.1 picks PCI's sign separately; its toy PCI (reference §2) must not match."""
    flipped = np.array([-.9145, -.2781, -1.5407, .5447, 1.1977, .9908])
    assert np.corrcoef(flipped, toy.pci)[0, 1] < -0.99
    assert not np.allclose(flipped, toy.pci, atol=0.1)


def test_pci_own_scale_is_a_zscore():
    res = economic_complexity(TOY, pci_scale="own")
    assert res.pci.mean() == pytest.approx(0, abs=1e-12)
    assert res.pci.std() == pytest.approx(1, abs=1e-12)
    default = economic_complexity(TOY)
    np.testing.assert_allclose(res.pci, (default.pci - default.pci.mean()) / default.pci.std())


def test_density_without_self_by_hand(toy):
    """φ_pp = 0: for A and p1, Σ_{p'≠p1} M φ / Σ_{p'≠p1} φ = (1/3 + 1/3 + 0) / (5/3)."""
    res = economic_complexity(TOY, include_self=False)
    assert res.density[0, 0] == pytest.approx((1 / 3 + 1 / 3) / (1 / 3 + 2 / 3 + 1 / 3 + 0 + 1 / 3))
    np.testing.assert_allclose(res.density, toy.density_no_self)
    np.testing.assert_allclose(res.eci, toy.eci)  # the choice touches relatedness only


def test_zero_rows_and_columns_are_dropped_and_listed():
    X = TOY.copy()
    X.loc["Z"] = 0.0
    X["p7"] = 0.0
    res = economic_complexity(X)
    assert res.dropped_locations == ["Z"] and res.dropped_activities == ["p7"]
    np.testing.assert_allclose(res.eci, [-.6408, .9661, 1.3296, -1.3369, -.3180], atol=1e-4)


def test_partial_solver_equals_dense(monkeypatch):
    rng = np.random.default_rng(3)
    X = rng.lognormal(0, 1.5, (90, 70)) * (rng.random((90, 70)) < 0.6)
    dense = economic_complexity(X)
    monkeypatch.setattr(cx, "DENSE_EIGEN_LIMIT", 5)
    lanczos = economic_complexity(X)
    np.testing.assert_allclose(lanczos.eci, dense.eci, atol=1e-8)
    np.testing.assert_allclose(lanczos.pci, dense.pci, atol=1e-8)
    np.testing.assert_allclose(lanczos.cog, dense.cog, atol=1e-8)


def test_single_precision_is_close():
    rng = np.random.default_rng(4)
    X = rng.lognormal(0, 1.5, (60, 80)) * (rng.random((60, 80)) < 0.6)
    a = economic_complexity(X)
    b = economic_complexity(X, precision="single")
    np.testing.assert_allclose(b.density, a.density, atol=1e-5)
    np.testing.assert_allclose(b.cog, a.cog, atol=1e-4)
    np.testing.assert_allclose(b.eci, a.eci)


def test_disconnected_network_is_noted():
    X = np.array([[5, 1, 0, 0], [1, 5, 0, 0], [0, 0, 5, 1], [0, 0, 1, 5.]])
    with pytest.warns(RuntimeWarning, match="disconnected"):
        res = economic_complexity(X)
    assert any("disconnected" in n for n in res.notes)


@pytest.mark.parametrize("bad, match", [
    (pd.DataFrame([[1, -1], [2, 3]]), "negative"),
    (pd.DataFrame([[1, np.nan], [2, 3]]), "missing"),
    (pd.DataFrame([[1, np.inf], [2, 3]]), "infinite"),
    (pd.DataFrame([["a", 1], [2, 3]]), "non-numeric"),
    (pd.DataFrame([[0, 0], [0, 0]]), "every value is 0"),
    (pd.DataFrame([[1, 2, 3]]), "at least 2"),
])
def test_bad_matrices_raise_input_error(bad, match):
    with pytest.raises(InputError, match=match):
        economic_complexity(bad)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(3, 9), st.integers(3, 9)),
              elements=st.floats(0, 1000, allow_subnormal=False)))
def test_identities_hold_on_random_matrices(X):
    X = X + np.eye(*X.shape) * 1.0  # every row and column non-empty
    res = economic_complexity(X, presence="continuous")
    M = res.mcp
    # ECI standardised with population sd, and ECI = M-weighted mean of PCI (continuous M too)
    assert res.eci.mean() == pytest.approx(0, abs=1e-9)
    assert res.eci.std() == pytest.approx(1, abs=1e-9)
    np.testing.assert_allclose(res.eci, (M @ res.pci) / M.sum(axis=1), atol=1e-7)
    # density and distance are complements in [0, 1]; proximity symmetric
    np.testing.assert_allclose(res.density + res.distance, 1.0)
    assert (res.density >= -1e-12).all() and (res.density <= 1 + 1e-12).all()
    np.testing.assert_allclose(res.proximity, res.proximity.T)
    # COI is a z-score
    assert res.coi.std() == pytest.approx(1, abs=1e-9) or np.allclose(res.coi, 0)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(3, 8), st.integers(3, 8)),
              elements=st.floats(0.01, 1000)),
       st.floats(0.1, 100))
def test_rca_is_scale_free_and_averages_to_one(X, k):
    R = cx.rca(X)
    np.testing.assert_allclose(cx.rca(X * k), R, rtol=1e-9)
    # Σ_c (X_c / X) RCA_cp = 1 for every activity: some location always has RCA ≥ 1
    w = X.sum(axis=1) / X.sum()
    np.testing.assert_allclose(w @ R, 1.0, rtol=1e-9)


def test_identical_locations_cannot_be_ranked():
    with pytest.raises(ModelError):
        economic_complexity(np.ones((4, 5)))


def _lsm_brute(A: np.ndarray, eci: np.ndarray, pci: np.ndarray) -> float:
    """Every (c', c, p', p) with ECI_c' > ECI_c and PCI_p' > PCI_p, one at a time."""
    met = total = 0
    C, P = A.shape
    for c1 in range(C):
        for c0 in range(C):
            if not eci[c1] > eci[c0]:
                continue
            for p1 in range(P):
                for p0 in range(P):
                    if not pci[p1] > pci[p0]:
                        continue
                    total += 1
                    met += A[c1, p1] * A[c0, p0] > A[c1, p0] * A[c0, p1]
    return met / total


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 6), st.integers(2, 6)),
              elements=st.floats(0, 10)), st.integers(0, 2**31 - 1))
def test_log_supermodularity_equals_brute_force(A, seed):
    from chainatlas.cluster import log_supermodularity

    rng = np.random.default_rng(seed)
    eci = rng.permutation(A.shape[0]).astype(float)  # distinct orderings
    pci = rng.permutation(A.shape[1]).astype(float)
    assert log_supermodularity(A, eci, pci) == pytest.approx(_lsm_brute(A, eci, pci))


def test_log_supermodularity_of_ordered_and_reversed_matrices(toy):
    from chainatlas.cluster import log_supermodularity

    x = np.linspace(0, 1, 7)
    y = np.linspace(0, 2, 9)
    A = np.exp(np.outer(x, y))                 # totally positive of order 2
    assert log_supermodularity(A, x, y) == 1.0
    assert log_supermodularity(A, -x, y) == 0.0  # the opposite ranking fails every pair
    assert 0 <= toy.log_supermodularity() <= 1


def test_single_precision_lanczos_is_close(monkeypatch):
    rng = np.random.default_rng(9)
    X = rng.lognormal(0, 1.5, (120, 90)) * (rng.random((120, 90)) < 0.5)
    monkeypatch.setattr(cx, "DENSE_EIGEN_LIMIT", 5)
    a = economic_complexity(X)
    b = economic_complexity(X, precision="single")
    np.testing.assert_allclose(b.eci, a.eci, atol=1e-4)
    np.testing.assert_allclose(b.pci, a.pci, atol=1e-4)
    assert np.abs(b.eci - a.eci).max() > 0  # the float32 operator really ran
