"""ESRI cascade: the published random_500 case for every firm, and hand-solved tiny networks.

Every expected number in the tiny cases was worked out by hand from the equations in
``references/systemic_risk.md`` (the derivations are in the comments), not taken from the code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.exceptions import InputError
from chainatlas.risk import (
    esri_cascade,
    esri_network,
    esri_scenario,
    esri_single_firms,
    full_sweep_model,
)
from chainatlas.services.risk import load_risk_files, read_psi_file, run_esri


@pytest.fixture(scope="module")
def r500(shared_data):
    d = shared_data / "esri" / "random_500"
    return d, load_risk_files(d / "firms.csv", d / "edges.csv", d / "essentiality.csv")


@pytest.mark.realdata
@pytest.mark.parametrize(("sub", "fname"), [(True, "expected_esri.csv"),
                                            (False, "expected_esri_nosub.csv")])
def test_random_500_every_firm(r500, sub, fname):
    d, ri = r500
    exp = pd.read_csv(d / fname)
    assert exp["firm"].tolist() == ri.firm_ids
    res = esri_single_firms(ri.net, substitution=sub, epsilon=0.01)
    np.testing.assert_allclose(res.esri, exp["esri"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.esri_downstream, exp["esri_downstream"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(res.esri_upstream, exp["esri_upstream"], rtol=0, atol=1e-9)
    assert res.steps.tolist() == exp["iterations"].tolist()
    assert not res.capped.any()
    # one thread, one firm per batch: the same numbers
    one = esri_single_firms(ri.net, substitution=sub, threads=1, chunks=500)
    np.testing.assert_array_equal(one.esri, res.esri)


@pytest.mark.realdata
def test_random_500_full_sweep_matches_reference(r500):
    d, ri = r500
    exp = pd.read_csv(d / "expected_esri.csv")
    e = pd.read_csv(d / "edges.csv")
    pos = {k: i for i, k in enumerate(ri.firm_ids)}
    ess = pd.read_csv(d / "essentiality.csv", index_col=0).loc[ri.sectors, ri.sectors]
    fs = full_sweep_model(e["supplier"].map(pos), e["customer"].map(pos), e["weight"],
                          ri.net.sector, ess.to_numpy())
    w = ri.net.out_strength_weights()
    for k in range(0, 500, 25):
        psi = np.ones(500)
        psi[k] = 0.0
        hd, hu, steps, _ = fs.run(psi)
        assert steps == exp["iterations"][k]
        assert abs(float(w @ (1 - np.minimum(hd, hu))) - exp["esri"][k]) < 1e-9


@pytest.mark.realdata
def test_random_500_service_json(r500):
    _, ri = r500
    out = run_esri(ri, top=5, reasons=3)
    assert len(out["results"]) == 5 and out["truncated"]
    top = out["results"][0]
    assert {"firm", "esri", "esri_downstream", "esri_upstream", "rank", "reasons"} <= set(top)
    assert top["esri"] >= out["results"][1]["esri"]
    # the reasons carry part of the firm's ESRI; together at most the ESRI minus its own loss
    own = ri.net.out_strength_weights()[ri.firm_ids.index(top["firm"])]
    assert 0 < sum(r["loss"] for r in top["reasons"]) <= top["esri"] - own + 1e-12


def _net(links, sectors, ess):
    s, c, w = zip(*links, strict=True) if links else ((), (), ())
    return esri_network(list(s), list(c), list(w), sectors, ess)


def _one(net, k, **kw):
    r = esri_single_firms(net, [k], **kw)
    return r.esri[0], r.esri_downstream[0], r.esri_upstream[0], int(r.steps[0])


def test_pure_leontief_chain():
    # 0 → 1 → 2, one sector, essential; W01 = 1, W12 = 2; s_out = (1, 2, 0) → w = (1/3, 2/3, 0).
    net = _net([(0, 1, 1.0), (1, 2, 2.0)], [0, 0, 0], [[2]])
    # σ off: step 1 hd1 = 0, step 2 hd2 = 0, step 3 no change → stop; hu = (0, 1, 1).
    assert _one(net, 0, substitution=False) == pytest.approx((1.0, 1.0, 1 / 3, 3))
    # σ on: A(0) = 2 → σ0 = 1/2 → hd1(1) = 1/2; A(1) = 1 → σ = 1 → hd1(2) = 0, hd2(2) = 1/2;
    # A(2) = 0 → floored to 1 → hd2(3) = 0; step 4 no change → stop.
    assert _one(net, 0, substitution=True) == pytest.approx((1.0, 1.0, 1 / 3, 4))


def test_pure_linear():
    # 0 → 2 (W 1), 1 → 2 (W 3), 2 → 3 (W 2); one sector, non-essential. s_out = (1, 3, 2, 0)/6.
    net = _net([(0, 2, 1.0), (1, 2, 3.0), (2, 3, 2.0)], [0, 0, 0, 0], [[1]])
    # close 0: hd2 = 1 − 1/4, then hd3 = 1 − (2/2)(1/4) = 3/4; ESRI = 1/6 + (1/3)(1/4) = 1/4.
    assert _one(net, 0, substitution=False) == pytest.approx((0.25, 0.25, 1 / 6, 3))
    # close 3 (a firm without sales): upstream hu2 = 0, then hu0 = hu1 = 0 → ESRI = 1; its
    # own weight is 0, so ESRI_down = 0.
    assert _one(net, 3, substitution=False) == pytest.approx((1.0, 0.0, 1.0, 3))


def test_mixed_essential_and_linear():
    # sectors A = {0, 1}, B = {3}, C = {2, 4}; 0 → 2 and 1 → 2 (W 1 each, A→C essential),
    # 3 → 2 (W 2, B→C non-essential), 2 → 4 (W 4, C→C non-essential). s_out = (1,1,4,2,0)/8.
    ess = [[0, 0, 2], [0, 0, 1], [0, 0, 1]]
    net = _net([(0, 2, 1.0), (1, 2, 1.0), (3, 2, 2.0), (2, 4, 4.0)], [0, 0, 2, 1, 2], ess)
    # close 0: π_2A = 1 − 1/2 → hd2 = 1/2; hd4 = 1 − (4/4)(1/2) = 1/2. ESRI = 1/8 + (4/8)/2.
    assert _one(net, 0, substitution=False) == pytest.approx((0.375, 0.375, 0.125, 3))
    # close 3: Lin_2 = 1 − 2/4 = 1/2 → hd2 = 1/2, hd4 = 1/2. ESRI = 2/8 + 2/8.
    assert _one(net, 3, substitution=False) == pytest.approx((0.5, 0.5, 0.25, 3))
    # close 0 and 1 (a ψ scenario): the essential sector is gone → hd2 = 0, hd4 = 0.
    psi = np.array([0.0, 0.0, 1.0, 1.0, 1.0])
    r = esri_scenario(net, psi, substitution=False)
    assert r.esri[0] == pytest.approx(2 / 8 + 4 / 8)
    cas = esri_cascade(net, psi, substitution=False)
    assert cas.hd.tolist() == [0.0, 0.0, 0.0, 1.0, 0.0]


def test_irrelevant_inputs():
    # A = {0}, B = {2}, C = {1, 3}; 0 → 1 (W 1, A→C irrelevant), 2 → 1 (W 3, B→C linear),
    # 1 → 3 (W 4, C→C essential). s_out = (1, 4, 3, 0)/8.
    ess = [[0, 0, 0], [0, 0, 1], [0, 0, 2]]
    net = _net([(0, 1, 1.0), (2, 1, 3.0), (1, 3, 4.0)], [0, 2, 1, 2], ess)
    # close 0: nothing downstream (irrelevant), nothing upstream (no suppliers) → own weight.
    assert _one(net, 0, substitution=False) == pytest.approx((0.125, 0.125, 0.125, 1))
    # close 2: the irrelevant input still counts in s_in(1): hd1 = 1 − 3/4; hd3 = 1/4.
    assert _one(net, 2, substitution=False) == pytest.approx((0.75, 0.75, 0.375, 3))
    # close 1: upstream reaches the irrelevant supplier too (hu0 = hu2 = 0); hd3 = 0.
    assert _one(net, 1, substitution=False) == pytest.approx((1.0, 0.5, 1.0, 2))


def test_self_loop_and_state_at_the_stop():
    # A = {0, 1}, B = {2}; 0 → 0 (W 1), 0 → 1 (W 2), 2 → 0 (W 1), all linear. s_out = (3,0,1)/4.
    ess = [[1, 0], [1, 0]]
    net = _net([(0, 0, 1.0), (0, 1, 2.0), (2, 0, 1.0)], [0, 0, 1], ess)
    # close 2: hd0(t) = 1 − (1/2)(1 − hd0(t−1)) − 1/2 = hd0(t−1)/2 → 2^−t; hd1(t) = hd0(t−1).
    # The largest fall at step t is 2^−(t−1) (firm 1): first ≤ 0.01 at t = 8, where
    # hd0 = 2^−8 — the state at the stop, not the fixed point 0.
    e, dn, up, steps = _one(net, 2, substitution=False)
    assert steps == 8
    assert e == pytest.approx(0.75 * (1 - 2 ** -8) + 0.25)
    assert dn == pytest.approx(e) and up == pytest.approx(0.25)
    cas = esri_cascade(net, np.array([1.0, 1.0, 0.0]), substitution=False)
    assert cas.hd[0] == 2 ** -8 and cas.hd[1] == 2 ** -7


def test_isolated_firm_and_user_weights():
    # firm 2 has no links: with out-strength weights its ESRI is 0, with equal weights 1/3.
    net = _net([(0, 1, 1.0)], [0, 0, 0], [[2]])
    assert _one(net, 2) == (0.0, 0.0, 0.0, 1)
    r = esri_single_firms(net, weights=[1, 1, 1])
    assert r.esri[2] == pytest.approx(1 / 3) and r.steps[2] == 1
    # closing 0 takes 1 down (essential): 2/3 with equal weights
    assert r.esri[0] == pytest.approx(2 / 3)


def test_duplicates_are_summed_and_zero_weights_dropped():
    a = _net([(0, 1, 1.0), (0, 1, 2.0), (2, 1, 3.0), (2, 0, 0.0)], [0, 0, 0], [[1]])
    b = _net([(0, 1, 3.0), (2, 1, 3.0)], [0, 0, 0], [[1]])
    assert a.n_links == 2
    np.testing.assert_array_equal(esri_single_firms(a).esri, esri_single_firms(b).esri)


def test_bad_input_is_refused(tmp_path):
    with pytest.raises(InputError, match="0 .irrelevant"):
        esri_network([0], [1], [1.0], [0, 0], [[3]])
    with pytest.raises(InputError, match="finite"):
        esri_network([0], [1], [-1.0], [0, 0], [[2]])
    net = _net([(0, 1, 1.0)], [0, 0], [[2]])
    with pytest.raises(InputError, match="ψ must lie"):
        esri_scenario(net, [1.5, 1.0])
    (tmp_path / "f.csv").write_text("id,sector\nA,S1\nB,S1\n")
    (tmp_path / "e.csv").write_text("supplier,customer,weight\nA,B,1\nA,C,2\n")
    (tmp_path / "m.csv").write_text("s,S1\nS1,2\n")
    with pytest.raises(InputError, match=r"e.csv: row 3, column 'customer': firm 'C'"):
        load_risk_files(tmp_path / "f.csv", tmp_path / "e.csv", tmp_path / "m.csv")
    (tmp_path / "e.csv").write_text("supplier,customer,weight\nA,B,x\n")
    with pytest.raises(InputError, match=r"row 2, column 'weight': 'x'"):
        load_risk_files(tmp_path / "f.csv", tmp_path / "e.csv", tmp_path / "m.csv")
    (tmp_path / "e.csv").write_text("supplier,customer,weight\nA,B,1\n")
    (tmp_path / "m.csv").write_text("s,S1\nS1,5\n")
    with pytest.raises(InputError, match=r"m.csv: row 2, column 'S1': '5'"):
        load_risk_files(tmp_path / "f.csv", tmp_path / "e.csv", tmp_path / "m.csv")
    (tmp_path / "m.csv").write_text("s,S1\nS1,2\n")
    ri = load_risk_files(tmp_path / "f.csv", tmp_path / "e.csv", tmp_path / "m.csv")
    (tmp_path / "p.csv").write_text("firm,psi\nA,0.5\nZ,0\n")
    with pytest.raises(InputError, match=r"p.csv: row 3, column 'firm'"):
        read_psi_file(tmp_path / "p.csv", ri)
    (tmp_path / "p.csv").write_text("scenario,firm,psi\nhalf,A,0.5\nzero,A,0\n")
    psi = read_psi_file(tmp_path / "p.csv", ri)
    assert list(psi) == ["half", "zero"] and psi["half"].tolist() == [0.5, 1.0]


@pytest.mark.realdata
def test_random_500_over_processes_equals_threads(r500):
    from chainatlas.services.risk import esri_with_executor
    from chainatlas.shock.executors import ProcessExecutor

    _, ri = r500
    ref = esri_single_firms(ri.net)
    with ProcessExecutor(2) as ex:
        got = esri_with_executor(ri.net, ex, chunk=64)
    np.testing.assert_array_equal(got.esri, ref.esri)
    np.testing.assert_array_equal(got.steps, ref.steps)


def test_chainatlas_threads_caps_the_kernel_threads(monkeypatch):
    """CHAINATLAS_THREADS bounds the threads of the all-firm kernel as it does the firm
    model's; the numbers do not depend on the thread count."""
    import numba

    rng = np.random.default_rng(7)
    n, m = 300, 1500
    net = esri_network(rng.integers(0, n, m), rng.integers(0, n, m), rng.lognormal(1, 1, m) + 1,
                       rng.integers(0, 4, n), rng.integers(0, 3, (4, 4)))
    seen: list[int] = []
    real = numba.set_num_threads
    monkeypatch.setattr(numba, "set_num_threads", lambda k: (seen.append(k), real(k))[1])
    avail = numba.config.NUMBA_NUM_THREADS
    monkeypatch.delenv("CHAINATLAS_THREADS", raising=False)
    free = esri_single_firms(net)
    assert seen[0] == avail
    monkeypatch.setenv("CHAINATLAS_THREADS", "1")
    seen.clear()
    one = esri_single_firms(net, threads=avail)   # an explicit request cannot exceed the cap
    assert seen[0] == 1
    np.testing.assert_array_equal(one.esri, free.esri)
    np.testing.assert_array_equal(one.steps, free.steps)
    monkeypatch.setenv("CHAINATLAS_THREADS", "two")
    with pytest.raises(ValueError, match="CHAINATLAS_THREADS"):
        esri_single_firms(net)


def test_step_marks_restart_before_they_overflow():
    """The kernel's per-firm step marks are 32-bit; a workspace whose step counter has run past
    2^31 clears them and counts afresh, giving the same cascade as a fresh workspace."""
    from chainatlas.risk import _kernels as K
    from chainatlas.risk.esri import _args

    rng = np.random.default_rng(3)
    n, m = 200, 1200
    net = esri_network(rng.integers(0, n, m), rng.integers(0, n, m), rng.lognormal(1, 1, m) + 1,
                       rng.integers(0, 3, n), rng.integers(0, 3, (3, 3)))

    def run(ws, k):
        nt, nx, steps, _, _ = K.run_cascade(*_args(net), np.array([k]), np.array([0.0]), 0.01,
                                            True, 10**9, *ws)
        out = (K.esri_sums(np.ones(n), ws[0], ws[1], nt), steps, nt)
        K.release(net.g_ptr, ws[0], ws[1], ws[2], nt, nx)
        return out

    big = int(np.argmax(esri_single_firms(net).touched))
    fresh = run(K.new_workspace(n, net.n_sectors, net.n_slots), big)
    assert fresh[2] > 20                       # a cascade that reaches many firms
    ws = K.new_workspace(n, net.n_sectors, net.n_slots)
    run(ws, (big + 1) % n)                     # leaves marks behind
    ws[3][0] = 2**31 + 5                       # past what the int32 marks hold
    again = run(ws, big)
    assert again == fresh and ws[3][0] < 100
