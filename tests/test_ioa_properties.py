"""Property tests of the IO identities on random productive tables (hypothesis, n ≤ 50)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.ioa import (
    IOTable,
    LeontiefSolver,
    aggregate,
    allocation_coefficients,
    extraction_direct,
    ghosh_inverse,
    hypothetical_extraction,
    iim_demand,
    iim_supply,
    rasmussen_linkages,
    technical_coefficients,
    value_added_multipliers,
)


@st.composite
def tables(draw, max_n=50):
    n = draw(st.integers(2, max_n))
    seed = draw(st.integers(0, 2**32 - 1))
    density = draw(st.floats(0.2, 1.0))
    rng = np.random.default_rng(seed)
    A = rng.random((n, n)) * (rng.random((n, n)) < density)
    colsum = A.sum(axis=0)
    target = rng.uniform(0.05, 0.9, n)
    A *= np.where(colsum > 0, target / np.where(colsum > 0, colsum, 1), 0)
    f = rng.uniform(1.0, 100.0, n)
    x = np.linalg.solve(np.eye(n) - A, f)
    return A, f, x


@settings(max_examples=40, deadline=None)
@given(tables())
def test_leontief_identities(data):
    A, f, x = data
    s = LeontiefSolver(A, x)
    L = s.leontief_inverse()
    n = len(x)
    np.testing.assert_allclose(L @ (np.eye(n) - A), np.eye(n), atol=1e-9)
    np.testing.assert_allclose(s.solve(f), x, rtol=1e-9)
    Z = A * x
    B = allocation_coefficients(Z, x)
    G = ghosh_inverse(L, x)
    np.testing.assert_allclose(G @ (np.eye(n) - B), np.eye(n), atol=1e-8)
    v = x - Z.sum(axis=0)
    np.testing.assert_allclose(v @ G, x, rtol=1e-8)
    np.testing.assert_allclose(s.ghosh(v), x, rtol=1e-8)
    # A* = x̂⁻¹ A x̂ = B
    np.testing.assert_allclose(A * x[None, :] / x[:, None], B, atol=1e-12)
    np.testing.assert_allclose(value_added_multipliers(s, v), np.ones(n), atol=1e-8)
    np.testing.assert_allclose(s.diagonal(block=7), np.diag(L), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(tables(), st.integers(0, 2**32 - 1))
def test_iim_loss_equals_leontief_loss(data, seed):
    A, f, x = data
    s = LeontiefSolver(A, x)
    df = np.random.default_rng(seed).uniform(0, 0.01, len(x)) * f
    q = iim_demand(s, df, clip=False).inoperability_
    assert x @ q == pytest.approx(s.column_sums() @ df, rel=1e-9)
    dv = np.random.default_rng(seed + 1).uniform(0, 0.01, len(x)) * x
    sup = iim_supply(s, dv, clip=False)
    np.testing.assert_allclose(sup.delta_x_, s.ghosh(dv), rtol=1e-9, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(tables(max_n=25))
def test_rasmussen_means_and_hem_fast_path(data):
    A, f, x = data
    s = LeontiefSolver(A, x)
    lk = rasmussen_linkages(s)
    assert lk.backward_.mean() == pytest.approx(1.0)
    assert lk.forward_.mean() == pytest.approx(1.0)
    ex = hypothetical_extraction(s, f)
    assert (ex.backward_ >= -1e-9).all() and (ex.forward_ >= -1e-9).all()
    assert (ex.total_ >= x - 1e-9).all()  # total extraction removes at least x_j itself
    for j in range(0, len(x), max(1, len(x) // 4)):
        for kind, got in (("backward", ex.backward_), ("forward", ex.forward_),
                          ("total", ex.total_)):
            assert got[j] == pytest.approx(extraction_direct(A, f, x, j, kind),
                                           rel=1e-8, abs=1e-8 * x.sum())


@settings(max_examples=25, deadline=None)
@given(tables(max_n=20), st.integers(1, 5))
def test_aggregation_and_long_form_roundtrip(data, groups):
    A, f, x = data
    n = len(x)
    Z = A * x
    t = IOTable.from_flows(Z, f[:, None], [f"s{i}" for i in range(n)])
    t.check()
    back = IOTable.from_long(t.to_long())
    np.testing.assert_allclose(back.Z, t.Z)
    np.testing.assert_allclose(back.x, t.x)
    np.testing.assert_allclose(back.V, t.V)
    agg = aggregate(t, {f"s{i}": f"g{i % groups}" for i in range(n)})
    agg.check()
    assert agg.x.sum() == pytest.approx(x.sum())
    # Leontief on the aggregate still reproduces its own output
    s = LeontiefSolver(technical_coefficients(agg.Z, agg.x), agg.x)
    np.testing.assert_allclose(s.solve(agg.f), agg.x, rtol=1e-9)


@settings(max_examples=20, deadline=None)
@given(tables(max_n=40))
def test_sparse_factorisation_matches_dense(data):
    import scipy.sparse as sp

    A, f, x = data
    dense = LeontiefSolver(A, x)
    sparse = LeontiefSolver(sp.csr_matrix(A), x)
    assert sparse.sparse and not dense.sparse
    np.testing.assert_allclose(sparse.solve(f), dense.solve(f), rtol=1e-10)
    np.testing.assert_allclose(sparse.column_sums(), dense.column_sums(), rtol=1e-10)
    np.testing.assert_allclose(sparse.ghosh_row_sums(), dense.ghosh_row_sums(), rtol=1e-10)
    np.testing.assert_allclose(sparse.diagonal(block=16), dense.diagonal(), rtol=1e-10)
    a, b = rasmussen_linkages(sparse), rasmussen_linkages(dense)
    np.testing.assert_allclose(a.direct_forward_, b.direct_forward_, rtol=1e-12)
    np.testing.assert_allclose(a.direct_backward_, b.direct_backward_, rtol=1e-12)
    ea, eb = hypothetical_extraction(sparse, f), hypothetical_extraction(dense, f)
    np.testing.assert_allclose(ea.total_, eb.total_, rtol=1e-9)
