"""The compiled day update against an independent, slow pure-Python transcription of the
Inoue–Todo equations (absolute stocks, dictionaries, the reference simulator's iterative
water-filling), on random small networks."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.shock import ShockNetwork, simulate
from chainatlas.shock._kernels import USED_UP


def _random_network(seed: int, n: int = 12, e: int = 30, n_seg: int = 3,
                    all_essential: bool = False, flow_noise: float = 0.0) -> ShockNetwork:
    rng = np.random.default_rng(seed)
    sup = rng.integers(0, n, e)
    cus = rng.integers(0, n, e)
    keep = sup != cus
    pairs = sorted(set(zip(sup[keep].tolist(), cus[keep].tolist(), strict=True)))
    sup = np.array([p[0] for p in pairs])
    cus = np.array([p[1] for p in pairs])
    fseg = rng.integers(0, n_seg, n)
    flow = rng.uniform(1.0, 10.0, len(sup))
    fd = rng.uniform(0.0, 20.0, n) * (rng.random(n) < 0.7)
    if flow_noise:
        flow = flow * (1.0 + flow_noise * rng.uniform(-1.0, 1.0, len(flow)))
    return ShockNetwork.from_arrays(
        sup, cus, flow, n_firms=n, final_demand=fd, edge_segment=fseg[sup],
        segment_ids=[f"s{k}" for k in range(n_seg)], firm_segment=fseg,
        segment_essential=[True] * n_seg if all_essential else [True, True, False][:n_seg],
    )


def _water_fill(rho: list[float], w: list[float], available: float) -> list[float]:
    """Served amounts, iterating as the reference simulator does (smallest open ratio first)."""
    remaining = list(rho)
    given = [0.0] * len(rho)
    left = available
    open_ = {k for k, r in enumerate(rho) if r > 0}
    while open_ and left > 0:
        m = min(remaining[k] for k in open_)
        cost = m * sum(w[k] for k in open_)
        if left > cost:
            for k in list(open_):
                given[k] += m
                remaining[k] -= m
                if remaining[k] <= 1e-15:
                    open_.discard(k)
            left -= cost
        else:
            ratio = left / sum(w[k] for k in open_)
            for k in open_:
                given[k] += ratio
            break
    return [g * wk for g, wk in zip(given, w, strict=True)]


def reference_run(net: ShockNetwork, horizon: int, cap_loss: dict[int, float], *, n_days: float,
                  tau: float, rule: str, basis: str, substitution: bool,
                  shock_days: int | None = None) -> np.ndarray:
    """Daily production ratios x_i(t) from a direct transcription of the model equations, in
    the reference simulator's order: absolute stocks per link, dictionaries, loops.

    ``cap_loss`` holds from day 0 for ``shock_days`` days (to the horizon when None), then
    capacity is back in full. Consumption of a link is S_e x A_g / S_g; when x reaches
    r_g = S_g / A_g (the quotient that set x, within the rounding allowance ``USED_UP``) it is
    S_e (x / r_g), so the group that limited production is used up, as in exact arithmetic.
    """
    n = net.n_firms
    E = net.n_links
    sup, cus, A = net.supplier.tolist(), net.customer.tolist(), net.A.tolist()
    seg = net.edge_segment.tolist()
    ess = net.segment_essential.tolist()
    members: dict[tuple, list[int]] = defaultdict(list)
    for e in range(E):
        members[(cus[e], seg[e] if substitution else ("link", e))].append(e)
    groups = list(members)
    groups_of: dict[int, list[tuple]] = defaultdict(list)
    for g in groups:
        groups_of[g[0]].append(g)
    out_links: dict[int, list[int]] = defaultdict(list)
    for e in range(E):
        out_links[sup[e]].append(e)
    A_g = {g: sum(A[e] for e in members[g]) for g in groups}
    essential = {g: ess[seg[members[g][0]]] for g in groups}
    S = [n_days * a for a in A]
    O = list(A)  # noqa: E741
    delivered = list(A)
    P = net.P_ini.tolist()
    C = net.C.tolist()
    x = [1.0] * n
    basis_ratio = [1.0] * n
    out = np.zeros((horizon, n))
    for t in range(horizon):
        loss = cap_loss if shock_days is None or t < shock_days else {}
        cap = [1.0 - loss.get(i, 0.0) for i in range(n)]
        # 2. inventory renewal with yesterday's deliveries and production
        for g in groups:
            S_g = sum(S[e] for e in members[g])
            r = S_g / A_g[g]
            xi = x[g[0]]
            for e in members[g]:
                if r <= 0:
                    cons = 0.0
                elif xi >= r - USED_UP * n_days:      # used up (see USED_UP)
                    cons = S[e] * (xi / r) if xi > r else S[e]
                else:
                    cons = S[e] * xi * A_g[g] / S_g
                S[e] = max(0.0, (S[e] - cons) + delivered[e])
        # 3. orders
        for e in range(E):
            b = basis_ratio[cus[e]]
            O[e] = max(0.0, A[e] * b + (n_days * A[e] * b - S[e]) / tau)
        # 4. demand
        D = list(C)
        for e in range(E):
            D[sup[e]] += O[e]
        # 5. production
        newx = []
        for i in range(n):
            if P[i] <= 0:
                newx.append(1.0)
                continue
            feas = [sum(S[e] for e in members[g]) / A_g[g] for g in groups_of[i] if essential[g]]
            newx.append(max(0.0, min([cap[i], D[i] / P[i], *feas])))
        # 6. rationing
        for j in range(n):
            avail = newx[j] * P[j]
            if avail >= D[j] or P[j] <= 0:
                for e in out_links[j]:
                    delivered[e] = O[e]
            elif rule == "proportional":
                for e in out_links[j]:
                    delivered[e] = O[e] * avail / D[j]
            else:
                rho = [O[e] / A[e] for e in out_links[j]]
                w = [A[e] for e in out_links[j]]
                if C[j] > 0:
                    rho.append(1.0)
                    w.append(C[j])
                served = _water_fill(rho, w, avail)
                for e, v in zip(out_links[j], served, strict=False):
                    delivered[e] = v
        dem_ratio = [D[i] / P[i] if P[i] > 0 else 1.0 for i in range(n)]
        if basis == "demand":
            basis_ratio = dem_ratio
        elif basis == "planned":
            basis_ratio = [min(dem_ratio[i], cap[i]) if P[i] > 0 else 1.0 for i in range(n)]
        else:
            basis_ratio = newx
        x = newx
        out[t] = x
    return out


@pytest.mark.parametrize("rule", ["proportional", "priority"])
@pytest.mark.parametrize("basis", ["planned", "demand", "production"])
@pytest.mark.parametrize("substitution", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_kernel_matches_pure_python_reference(rule, basis, substitution, seed):
    net = _random_network(seed)
    rng = np.random.default_rng(100 + seed)
    hit = rng.choice(net.n_firms, 3, replace=False)
    losses = {int(i): float(v) for i, v in zip(hit, rng.uniform(0.3, 1.0, 3), strict=True)}
    horizon = 25
    shocks = [{"firm": f"N{i}", "capacity_loss": v} for i, v in losses.items()]
    scenario = {"horizon_days": horizon, "shocks": shocks,
                "policy": {"inventory_days": 3, "tau": 4, "rationing": rule,
                           "order_basis": basis, "substitution": substitution}}
    res = simulate(net, scenario, record_firms=True)
    ref = reference_run(net, horizon, losses, n_days=3, tau=4, rule=rule, basis=basis,
                        substitution=substitution)
    got = res.firm_ratio.to_numpy()
    assert np.abs(got - ref).max() < 1e-9
    assert math.isclose(res.total_output_loss, float(((1 - ref) * net.P_ini).sum()),
                        rel_tol=1e-9, abs_tol=1e-9)


def _total_shock(net: ShockNetwork, seed: int, rule: str, horizon: int = 90, days: int = 30,
                 inventory_days: float = 15) -> tuple[dict, dict[int, float]]:
    """5 % of firms at 100 % capacity loss for ``days`` days; the reference simulator's setup
    (order basis production, every segment essential, n = 15, τ = 6)."""
    hit = np.random.default_rng(50 + seed).choice(net.n_firms, net.n_firms // 20, replace=False)
    scenario = {"horizon_days": horizon,
                "shocks": [{"firm": [f"N{i}" for i in hit], "capacity_loss": 1.0,
                            "duration_days": days}],
                "policy": {"inventory_days": inventory_days, "tau": 6, "rationing": rule,
                           "order_basis": "production"}}
    return scenario, {int(i): 1.0 for i in hit}


@pytest.mark.parametrize("rule", ["proportional", "priority"])
@pytest.mark.parametrize("seed", [0, 1])
def test_total_shocks_match_the_reference_rules_and_dead_firms_stay_dead(rule, seed):
    """Total shocks under the reference simulator's rules: where an input is used up output is
    exactly 0, and a firm at 0 that orders for its production stays there. Stocks held as
    gaps from the baseline left ~1e-15 instead of 0, which grew 3.5× a day (1 + n/τ) until
    "dead" firms restarted: daily output then differed from these rules by up to 7 %."""
    net = _random_network(seed, n=300, e=1200, n_seg=4, all_essential=True)
    scenario, losses = _total_shock(net, seed, rule)
    got = simulate(net, scenario, record_firms=True).firm_ratio.to_numpy()
    ref = reference_run(net, 90, losses, n_days=15, tau=6, rule=rule, basis="production",
                        substitution=True, shock_days=30)
    assert np.abs(got - ref).max() < 1e-12
    daily, daily_ref = got @ net.P_ini, ref @ net.P_ini
    assert np.abs(daily - daily_ref).max() < 1e-12 * net.P_ini.sum()
    # the scenario does what it is meant to: many firms die, and the dead stay dead
    dead = (got == 0.0) & (ref == 0.0)
    hit = np.array(sorted(losses))
    unshocked = np.setdiff1d(np.arange(net.n_firms), hit)
    dead_on_40 = unshocked[dead[40, unshocked]]
    assert len(dead_on_40) > 30
    assert np.all(got[40:, dead_on_40] == 0.0)
    # the shocked firms themselves restart when capacity returns (they kept their stocks)
    assert np.all(got[29, hit] == 0.0) and (got[31:, hit] > 0).any()


@pytest.mark.parametrize("rule", ["proportional", "priority"])
def test_flows_perturbed_by_1e_15_do_not_move_the_trajectory(rule):
    net = _random_network(0, n=300, e=1200, n_seg=4, all_essential=True)
    noisy = _random_network(0, n=300, e=1200, n_seg=4, all_essential=True, flow_noise=1e-15)
    assert np.any(net.A != noisy.A)
    scenario, _ = _total_shock(net, 0, rule)
    a = simulate(net, scenario, record_firms=True).firm_ratio.to_numpy()
    b = simulate(noisy, scenario, record_firms=True).firm_ratio.to_numpy()
    assert (a == 0.0).sum() > 1000
    assert np.abs(a - b).max() < 1e-12
    assert abs(int((a == 0.0).sum()) - int((b == 0.0).sum())) < 10


@pytest.mark.parametrize("basis", ["production", "planned"])
def test_a_firm_whose_input_ran_out_is_exactly_zero(basis):
    """Firm 3 buys one segment from firms 0, 1 and 2 (0.1, 0.2, 0.4 a day; 3 days of stock,
    τ = 1) and sells 1.0 a day to final demand. Suppliers 0–2 lose all capacity on days 0–5.
    By hand: the stock 2.1 covers 0.7 a day on days 0–2 (on day 2 the 0.7 left sets output),
    day 3 starts with nothing, so x = 0 exactly from day 3. Under ``production`` the firm orders
    for 0 and stays at 0 after its suppliers recover; under ``planned`` it orders for its
    demand and restarts once deliveries arrive (day 7: shipped on day 6, stocked on day 7)."""
    net = ShockNetwork.from_arrays([0, 1, 2], [3, 3, 3], [0.1, 0.2, 0.4], n_firms=4,
                                   final_demand=[0.1, 0.2, 0.4, 1.0], edge_segment=[0, 0, 0],
                                   segment_ids=["s"], firm_segment=[0, 0, 0, 1])
    sc = {"horizon_days": 20, "policy": {"inventory_days": 3, "tau": 1, "order_basis": basis},
          "shocks": [{"firm": ["N0", "N1", "N2"], "capacity_loss": 1.0, "duration_days": 6}]}
    x3 = simulate(net, sc, record_firms=True).firm_ratio["N3"].to_numpy()
    assert x3[:3].tolist() == [1.0, 1.0, 1.0]
    assert x3[3:7].tolist() == [0.0] * 4
    if basis == "production":
        assert x3[7:].tolist() == [0.0] * 13
    else:
        assert np.all(x3[7:] > 0) and x3[-1] == pytest.approx(1.0, abs=1e-3)


def test_water_filling_serves_low_orders_first():
    # A supplier with 10 units of output and three customers with initial orders 4, 4, 4 who
    # now order 1, 4 and 10 (ratios 0.25, 1, 2.5). By hand: the first two are served in full
    # (1 + 4), the surge gets the remaining 5, i.e. the water level is λ = 5/4 = 1.25.
    served = _water_fill([0.25, 1.0, 2.5], [4.0, 4.0, 4.0], 10.0)
    assert served == pytest.approx([1.0, 4.0, 5.0])
    from chainatlas.shock._kernels import _water_level

    lam = _water_level(np.array([0.25, 1.0, 2.5]), np.array([4.0, 4.0, 4.0]), 12.0, 10.0)
    assert lam == pytest.approx(1.25)


@pytest.mark.parametrize("rule", ["proportional", "priority"])
def test_threaded_and_single_threaded_kernels_agree_bit_for_bit(rule, monkeypatch):
    import chainatlas.shock.firm_model as fm

    monkeypatch.setattr(fm, "SERIAL_BELOW_LINKS", 0)    # threaded customer pass from day 0
    net = _random_network(7, n=60, e=200)
    sc = {"horizon_days": 30, "policy": {"inventory_days": 3, "rationing": rule},
          "shocks": [{"firm": ["N1", "N5", "N9"], "capacity_loss": 0.8, "duration_days": 12,
                      "recovery": "exponential", "recovery_days": 4}]}
    a = simulate(net, sc, record_firms=True, parallel=True)
    b = simulate(net, sc, record_firms=True, parallel=False)
    np.testing.assert_array_equal(a.firm_ratio.to_numpy(), b.firm_ratio.to_numpy())
    assert a.total_output_loss == b.total_output_loss


def test_thread_chooser_probes_the_other_mode_and_keeps_the_faster():
    from chainatlas.shock.firm_model import ThreadChooser

    def run(cost, days=130):
        ch = ThreadChooser(every=8, max_every=32)
        modes = []
        for t in range(days):
            threaded = ch.threaded(t)
            modes.append(threaded)
            ch.record(t, threaded, cost[threaded])
        return np.array(modes)

    # threads faster: one-thread probes on days 8, 8+16, 24+32, then every 32 days
    m = run({True: 1.0, False: 2.0})
    assert np.flatnonzero(~m).tolist() == [8, 24, 56, 88, 120]
    # one thread faster (a busy machine): the probe on day 8 switches; threads are re-tried
    # 8 days later, then 16, then every 32 days
    m = run({True: 2.0, False: 1.0})
    assert np.flatnonzero(m).tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 16, 32, 64, 96, 128]


@pytest.mark.parametrize("rule", ["proportional", "priority"])
def test_switching_thread_mode_day_by_day_changes_no_bit(rule, monkeypatch):
    import chainatlas.shock.firm_model as fm

    class Alternate(fm.ThreadChooser):
        def threaded(self, t):
            return t % 2 == 0

    monkeypatch.setattr(fm, "SERIAL_BELOW_LINKS", 0)
    sc = {"horizon_days": 30, "policy": {"inventory_days": 3, "rationing": rule},
          "shocks": [{"firm": ["N1", "N5", "N9"], "capacity_loss": 0.8, "duration_days": 12}]}
    net = _random_network(7, n=60, e=300)
    ref = simulate(net, sc, record_firms=True, parallel=False)
    monkeypatch.setattr(fm, "ThreadChooser", Alternate)
    for sums_from in (0.0, 2.0):
        monkeypatch.setattr(fm, "BUCKET_SUMS_FROM", sums_from)
        got = simulate(net, sc, record_firms=True, parallel=True)
        np.testing.assert_array_equal(got.firm_ratio.to_numpy(), ref.firm_ratio.to_numpy())
        assert got.total_output_loss == ref.total_output_loss


@pytest.mark.parametrize("rule", ["proportional", "priority"])
@pytest.mark.parametrize("basis", ["planned", "demand", "production"])
def test_event_driven_update_is_bit_identical_to_full_update(rule, basis):
    net = _random_network(11, n=80, e=240)
    sc = {"horizon_days": 40,
          "policy": {"inventory_days": 2, "tau": 3, "rationing": rule, "order_basis": basis},
          "shocks": [{"firm": "N3", "capacity_loss": 0.9, "start_day": 4, "duration_days": 9,
                      "recovery": "linear", "recovery_days": 6}],
          "demand_shocks": [{"firm": "N40", "change": 0.3, "start_day": 20, "duration_days": 5}]}
    a = simulate(net, sc, record_firms=True, event_driven=True)
    b = simulate(net, sc, record_firms=True, event_driven=False)
    assert (a.firm_ratio.to_numpy() < 1).any()
    np.testing.assert_array_equal(a.firm_ratio.to_numpy(), b.firm_ratio.to_numpy())
    pd_equal = a.daily.equals(b.daily)
    assert pd_equal


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 5), st.floats(0.01, 10)), min_size=1, max_size=40),
       st.floats(0.0, 0.999))
def test_water_level_solves_the_allocation(pairs, frac):
    from chainatlas.shock._kernels import _water_level

    rho = np.array([p[0] for p in pairs])
    w = np.array([p[1] for p in pairs])
    demand = float((rho * w).sum())
    if demand <= 1e-9:
        return
    available = frac * demand
    lam = _water_level(rho.copy(), w.copy(), float(w.sum()), available)
    assert float((np.minimum(rho, lam) * w).sum()) == pytest.approx(available, rel=1e-9, abs=1e-9)
    served = _water_fill(rho.tolist(), w.tolist(), available)
    np.testing.assert_allclose(np.minimum(rho, lam) * w, served, rtol=1e-7, atol=1e-9)


def test_supplier_buckets_keep_link_order_within_contiguous_supplier_ranges():
    from chainatlas.shock.network import supplier_buckets

    rng = np.random.default_rng(3)
    n, E = 50, 400
    sup = rng.integers(0, n, E)
    sup_ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(sup, minlength=n), out=sup_ptr[1:])
    for nb in (1, 2, 7, 50, 80):
        bkt_ptr, pos_b = supplier_buckets(sup, sup_ptr, nb)
        assert bkt_ptr[0] == 0 and bkt_ptr[-1] == n and np.all(np.diff(bkt_ptr) > 0)
        assert len(bkt_ptr) - 1 <= min(nb, n)
        if nb <= 7:
            assert len(bkt_ptr) - 1 == nb
        assert sorted(pos_b.tolist()) == list(range(E))          # a permutation
        order_b = np.argsort(pos_b)
        for b in range(len(bkt_ptr) - 1):
            lo, hi = sup_ptr[bkt_ptr[b]], sup_ptr[bkt_ptr[b + 1]]
            links = order_b[lo:hi]
            # the bucket holds exactly the links of its suppliers, in link order
            assert np.all((sup[links] >= bkt_ptr[b]) & (sup[links] < bkt_ptr[b + 1]))
            assert np.all(np.diff(links) > 0)
        if nb == 2:   # about half of the links each
            assert abs(int(sup_ptr[bkt_ptr[1]]) - E / 2) <= np.bincount(sup).max()


@pytest.mark.parametrize("rule", ["proportional", "priority"])
def test_bucket_count_and_demand_summation_path_do_not_change_a_bit(rule, monkeypatch):
    """Threads sum each supplier's orders from their bucket; single-threaded kernels and the
    few-active-firms path scatter in link order. Any bucket count, either path: same bits."""
    import chainatlas.shock.firm_model as fm
    import chainatlas.shock.network as snet

    sc = {"horizon_days": 30, "policy": {"inventory_days": 3, "rationing": rule},
          "shocks": [{"firm": ["N1", "N5", "N9"], "capacity_loss": 0.8, "duration_days": 12,
                      "recovery": "exponential", "recovery_days": 4}],
          "demand_shocks": [{"firm": "N30", "change": -0.4, "start_day": 3, "duration_days": 8}]}
    ref = simulate(_random_network(7, n=60, e=300), sc, record_firms=True, parallel=False)
    assert (ref.firm_ratio.to_numpy() < 1).any()
    runs = []
    for buckets in (1, 3, 11, 60):
        monkeypatch.setattr(snet, "BUCKETS", buckets)
        for sums_from, serial_below in ((0.0, 0), (2.0, 0), (2.0, 10**9)):
            # always sum from the buckets / never; threaded or single-threaded customer pass
            monkeypatch.setattr(fm, "BUCKET_SUMS_FROM", sums_from)
            monkeypatch.setattr(fm, "SERIAL_BELOW_LINKS", serial_below)
            net = _random_network(7, n=60, e=300)
            runs.append(simulate(net, sc, record_firms=True, parallel=True))
            got = len(net.layout(True).bkt_ptr) - 1
            assert got == buckets if buckets < 60 else 20 < got <= 60
            # the single-threaded kernels take either path too
            runs.append(simulate(net, sc, record_firms=True, parallel=False))
    for res in runs:
        np.testing.assert_array_equal(res.firm_ratio.to_numpy(), ref.firm_ratio.to_numpy())
        assert res.total_output_loss == ref.total_output_loss
        np.testing.assert_array_equal(res.daily["final_demand_unmet"].to_numpy(),
                                      ref.daily["final_demand_unmet"].to_numpy())


@pytest.mark.parametrize("rule", ["proportional", "priority"])
def test_thread_setting_changes_no_bit(rule, monkeypatch):
    """CHAINATLAS_THREADS=1 and 2 on the threaded kernels, and the single-threaded kernels:
    the same bits; a bad setting is refused with the variable's name."""
    import numba

    import chainatlas.shock.firm_model as fm

    monkeypatch.setattr(fm, "SERIAL_BELOW_LINKS", 0)
    sc = {"horizon_days": 25, "policy": {"inventory_days": 3, "rationing": rule},
          "shocks": [{"firm": ["N2", "N8"], "capacity_loss": 1.0, "duration_days": 10}]}
    net = _random_network(5, n=80, e=320)
    runs = []
    for threads in ("1", "2"):
        monkeypatch.setenv("CHAINATLAS_THREADS", threads)
        runs.append(simulate(net, sc, record_firms=True, parallel=True))
    runs.append(simulate(net, sc, record_firms=True, parallel=False))
    for res in runs[1:]:
        np.testing.assert_array_equal(res.firm_ratio.to_numpy(), runs[0].firm_ratio.to_numpy())
    assert numba.get_num_threads() == numba.config.NUMBA_NUM_THREADS   # restored
    monkeypatch.setenv("CHAINATLAS_THREADS", "two")
    with pytest.raises(ValueError, match="CHAINATLAS_THREADS"):
        simulate(net, sc)


def test_a_supplier_whose_customers_all_stop_ordering_produces_exactly_zero():
    """Supplier N0 sells 0.1, 0.2 and 0.3 a day to N3, N2 and N1 (listed in that order) and
    nothing to final demand. Listed order sums its sales to 0.6000000000000001, customer order
    (the order orders are summed in) to 0.6. When all three customers lose all capacity they
    order nothing from day 1; N0's demand ratio 1 + Σ(0 − A)/P_ini is then exactly 0 only if
    P_ini holds the sales summed in the same order (otherwise 1 − 0.6/0.6000000000000001 =
    2.2e-16 of output would remain)."""
    assert (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1
    net = ShockNetwork.from_arrays([0, 0, 0], [3, 2, 1], [0.1, 0.2, 0.3], n_firms=4,
                                   final_demand=[0.0, 1.0, 1.0, 1.0])
    assert net.P_ini[0] == (0.1 + 0.2) + 0.3
    sc = {"horizon_days": 6, "shocks": [{"firm": ["N1", "N2", "N3"], "capacity_loss": 1.0}]}
    x = simulate(net, sc, record_firms=True).firm_ratio
    np.testing.assert_array_equal(x[["N1", "N2", "N3"]].to_numpy(), 0.0)
    assert x["N0"].iloc[0] == 1.0                       # day 0: yesterday's orders arrive
    np.testing.assert_array_equal(x["N0"].to_numpy()[1:], 0.0)
