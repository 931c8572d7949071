"""Properties of the ESRI cascade on random networks (hypothesis, bounded examples).

The frontier method (compiled, only the firms the cascade reaches) must equal the full sweep
(every firm, every step) — same steps, same state — for several ε, σ on and off.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.risk import (
    esri_cascade,
    esri_network,
    esri_scenario,
    esri_single_firms,
    full_sweep_model,
)


@st.composite
def networks(draw):
    n = draw(st.integers(2, 25))
    n_sec = draw(st.integers(1, 4))
    m = draw(st.integers(0, 4 * n))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    s = rng.integers(0, n, m)
    c = rng.integers(0, n, m)
    w = np.round(rng.lognormal(1.0, 1.0, m), 3) + 1.0   # ≥ 1: the σ floor never matters
    sec = rng.integers(0, n_sec, n)
    ess = rng.integers(0, 3, (n_sec, n_sec))
    return s, c, w, sec, ess, rng


SETTINGS = settings(max_examples=40, deadline=None, derandomize=True)


@SETTINGS
@given(networks(), st.sampled_from([0.1, 0.01, 0.001]), st.booleans())
def test_frontier_equals_full_sweep(case, eps, sub):
    s, c, w, sec, ess, _ = case
    net = esri_network(s, c, w, sec, ess)
    fs = full_sweep_model(s, c, w, sec, ess)
    wts = net.s_out / net.s_out.sum() if net.s_out.sum() > 0 else np.ones(net.n) / net.n
    r = esri_single_firms(net, epsilon=eps, substitution=sub, threads=1, weights=wts)
    for k in range(net.n):
        psi = np.ones(net.n)
        psi[k] = 0.0
        hd, hu, steps, _ = fs.run(psi, epsilon=eps, substitution=sub)
        assert steps == r.steps[k]
        assert abs(float(wts @ (1 - np.minimum(hd, hu))) - r.esri[k]) < 1e-12
        assert abs(float(wts @ (1 - hd)) - r.esri_downstream[k]) < 1e-12
        assert abs(float(wts @ (1 - hu)) - r.esri_upstream[k]) < 1e-12
        cas = esri_cascade(net, psi, epsilon=eps, substitution=sub, weights=np.ones(net.n))
        np.testing.assert_allclose(cas.hd, hd, rtol=0, atol=1e-13)
        np.testing.assert_allclose(cas.hu, hu, rtol=0, atol=1e-13)


@SETTINGS
@given(networks(), st.booleans())
def test_partial_shocks_equal_full_sweep_and_stay_in_range(case, sub):
    s, c, w, sec, ess, rng = case
    net = esri_network(s, c, w, sec, ess)
    fs = full_sweep_model(s, c, w, sec, ess)
    psi = np.where(rng.random(net.n) < 0.3, rng.random(net.n), 1.0)
    wts = np.ones(net.n) / net.n
    r = esri_scenario(net, psi, substitution=sub, weights=np.ones(net.n))
    hd, hu, steps, _ = fs.run(psi, substitution=sub)
    assert steps == r.steps[0]
    assert abs(float(wts @ (1 - np.minimum(hd, hu))) - r.esri[0]) < 1e-12
    for v in (r.esri[0], r.esri_downstream[0], r.esri_upstream[0]):
        assert -1e-15 <= v <= 1 + 1e-12
    assert r.esri[0] >= max(r.esri_downstream[0], r.esri_upstream[0]) - 1e-15


@SETTINGS
@given(networks(), st.booleans())
def test_every_single_firm_esri_in_unit_interval_and_zero_shock_is_zero(case, sub):
    s, c, w, sec, ess, _ = case
    net = esri_network(s, c, w, sec, ess)
    u = np.ones(net.n)
    r = esri_single_firms(net, substitution=sub, weights=u)
    assert np.all(r.esri >= 0) and np.all(r.esri <= 1 + 1e-12)
    assert np.all(r.esri >= 1 / net.n - 1e-15)          # its own loss is included
    z = esri_scenario(net, u, substitution=sub, weights=u)
    assert z.esri[0] == 0.0 and z.steps[0] == 1


@SETTINGS
@given(networks(), st.integers(1, 12), st.booleans())
def test_monotone_in_psi(case, steps, sub):
    # A smaller ψ never leaves a firm better off. Compared after the same number of steps
    # (ε = 0 with a step cap): the ε rule may stop two scenarios at different steps.
    s, c, w, sec, ess, rng = case
    net = esri_network(s, c, w, sec, ess)
    hi = np.where(rng.random(net.n) < 0.4, rng.random(net.n), 1.0)
    lo = hi * rng.random(net.n) ** 2
    a = esri_cascade(net, hi, epsilon=0.0, max_steps=steps, substitution=sub,
                     weights=np.ones(net.n))
    b = esri_cascade(net, lo, epsilon=0.0, max_steps=steps, substitution=sub,
                     weights=np.ones(net.n))
    assert np.all(b.hd <= a.hd + 1e-12) and np.all(b.hu <= a.hu + 1e-12)
    assert b.esri >= a.esri - 1e-12


@SETTINGS
@given(networks(), st.booleans())
def test_firm_numbering_changes_nothing(case, sub):
    """The kernels run in their own internal order (by sector, then degree); renumbering the
    caller's firms must permute the results and nothing else (the full-sweep comparisons above
    run with the internal order differing from the caller's in almost every example)."""
    s, c, w, sec, ess, rng = case
    n = sec.size
    perm = rng.permutation(n)                     # firm k is called perm[k] in the copy
    inv = np.argsort(perm)
    a = esri_network(s, c, w, sec, ess)
    b = esri_network(perm[s], perm[c], w, sec[inv], ess)
    ra = esri_single_firms(a, substitution=sub, weights=np.ones(n))
    rb = esri_single_firms(b, perm, substitution=sub, weights=np.ones(n))
    np.testing.assert_array_equal(ra.steps, rb.steps)
    np.testing.assert_allclose(ra.esri, rb.esri, rtol=0, atol=1e-13)
    np.testing.assert_allclose(a.s_out, b.s_out[perm], rtol=1e-15, atol=0)
    psi = np.where(rng.random(n) < 0.3, rng.random(n), 1.0)
    ca = esri_cascade(a, psi, substitution=sub, weights=np.ones(n))
    cb = esri_cascade(b, psi[inv], substitution=sub, weights=np.ones(n))
    np.testing.assert_allclose(ca.hd, cb.hd[perm], rtol=0, atol=1e-13)
    np.testing.assert_allclose(ca.hu, cb.hu[perm], rtol=0, atol=1e-13)


def test_internal_order_is_by_sector_and_acts():
    net = esri_network([0, 1, 2], [1, 2, 3], [1.0, 2.0, 3.0], [1, 0, 1, 0], [[2, 1], [1, 2]])
    assert net.order.tolist() == [1, 3, 2, 0]   # sector 0 first; then degree, largest first
    assert net.k_sector.tolist() == [0, 0, 1, 1] and net.sector.tolist() == [1, 0, 1, 0]
    fs = full_sweep_model([0, 1, 2], [1, 2, 3], [1.0, 2.0, 3.0], [1, 0, 1, 0],
                          [[2, 1], [1, 2]])
    r = esri_single_firms(net, weights=np.ones(4))
    for k in range(4):
        psi = np.ones(4)
        psi[k] = 0.0
        hd, hu, steps, _ = fs.run(psi)
        assert steps == r.steps[k]
        assert abs(float(np.ones(4) @ (1 - np.minimum(hd, hu))) / 4 - r.esri[k]) < 1e-15
