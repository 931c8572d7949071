"""Contract suite every shock model variant passes (scikit-learn style common checks)."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.shock import FirmShockModel, ShockNetwork

VARIANTS = [
    {"rationing": r, "substitution": s, "order_basis": b}
    for r in ("proportional", "priority") for s in (True, False)
    for b in ("planned", "demand", "production")
]
IDS = [f"{v['rationing']}-{'sub' if v['substitution'] else 'nosub'}-{v['order_basis']}"
       for v in VARIANTS]


def _dag(seed: int, n: int = 15, e: int = 35) -> ShockNetwork:
    """A random acyclic network (links from lower to higher index), two segments."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, n, e)
    b = rng.integers(0, n, e)
    sup, cus = np.minimum(a, b), np.maximum(a, b)
    keep = sup != cus
    pairs = sorted(set(zip(sup[keep].tolist(), cus[keep].tolist(), strict=True)))
    sup = np.array([p[0] for p in pairs])
    cus = np.array([p[1] for p in pairs])
    fseg = (np.arange(n) % 2).astype(np.int32)
    return ShockNetwork.from_arrays(
        sup, cus, rng.uniform(1, 10, len(sup)), n_firms=n,
        final_demand=rng.uniform(1, 10, n), edge_segment=fseg[sup], segment_ids=["a", "b"],
        firm_segment=fseg, firm_region=np.array(["310000", "320100"] * (n // 2) + ["340881"] * (n % 2),
                                                 dtype=object)[:n],
    )


def _scenario(policy: dict, shocks: list, horizon: int = 40) -> dict:
    return {"horizon_days": horizon, "policy": {"inventory_days": 4, "tau": 5, **policy},
            "shocks": shocks}


@pytest.mark.parametrize("policy", VARIANTS, ids=IDS)
def test_zero_shock_gives_exactly_zero_loss(policy):
    net = _dag(0)
    model = FirmShockModel(record_firms=True)
    for shocks in ([], [{"firm": "N3", "capacity_loss": 0.0, "duration_days": 10}]):
        res = model.run(net, _scenario(policy, shocks))
        assert res.total_output_loss == 0.0
        assert res.value_added_loss == 0.0
        assert (res.firm_loss == 0.0).all()
        assert (res.firm_ratio.to_numpy() == 1.0).all()
        assert res.daily["final_demand_unmet"].eq(0.0).all()
        assert res.recovery_day == 0
        assert res.summary()["worst_firms"] == []


@pytest.mark.parametrize("policy", VARIANTS, ids=IDS)
def test_same_inputs_give_identical_outputs(policy):
    net = _dag(1)
    sc = _scenario(policy, [{"segment": "a", "capacity_loss": 0.6, "duration_days": 12,
                             "recovery": "linear", "recovery_days": 5}])
    r1 = FirmShockModel(record_firms=True).run(net, sc)
    r2 = FirmShockModel(record_firms=True).run(_dag(1), sc)
    pd.testing.assert_frame_equal(r1.daily, r2.daily, check_exact=True)
    pd.testing.assert_frame_equal(r1.firm_ratio, r2.firm_ratio, check_exact=True)
    assert r1.to_dict() == r2.to_dict()


@pytest.mark.parametrize("policy", VARIANTS, ids=IDS)
def test_inputs_are_not_mutated(policy):
    net = _dag(2)
    before = {k: copy.deepcopy(v) for k, v in vars(net).items() if isinstance(v, np.ndarray)}
    sc = _scenario(policy, [{"region": "3201", "capacity_loss": 1.0, "duration_days": 8}])
    sc_before = copy.deepcopy(sc)
    FirmShockModel().run(net, sc)
    FirmShockModel().run(net, sc)
    assert sc == sc_before
    for k, v in before.items():
        np.testing.assert_array_equal(getattr(net, k), v, err_msg=k)


@pytest.mark.parametrize("policy", VARIANTS, ids=IDS)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), target=st.integers(0, 14))
def test_loss_is_monotone_in_shock_size(policy, seed, target):
    net = _dag(seed)
    losses = []
    for size in (0.0, 0.25, 0.5, 0.75, 1.0):
        sc = _scenario(policy, [{"firm": f"N{target}", "capacity_loss": size,
                                 "duration_days": 10}])
        losses.append(FirmShockModel().run(net, sc).total_output_loss)
    assert losses[0] == 0.0
    assert all(b >= a - 1e-9 * max(1.0, abs(a)) for a, b in zip(losses, losses[1:], strict=False))


@pytest.mark.parametrize("policy", VARIANTS, ids=IDS)
def test_component_without_path_to_shock_is_untouched(policy):
    # two copies of one network side by side: shocking the first leaves the second bit-identical
    one = _dag(3)
    n = one.n_firms
    net = ShockNetwork.from_arrays(
        np.concatenate([one.supplier, one.supplier + n]),
        np.concatenate([one.customer, one.customer + n]),
        np.concatenate([one.A, one.A]), n_firms=2 * n,
        final_demand=np.concatenate([one.C, one.C]))
    sc = _scenario(policy, [{"firm": ["N0", "N1", "N2"], "capacity_loss": 1.0,
                             "duration_days": 20}])
    res = FirmShockModel(record_firms=True).run(net, sc)
    ratios = res.firm_ratio.to_numpy()
    assert (ratios[:, :n] < 1).any()
    assert (ratios[:, n:] == 1.0).all()
    assert (res.firm_loss.to_numpy()[n:] == 0.0).all()


@pytest.mark.parametrize("policy", VARIANTS, ids=IDS)
@pytest.mark.parametrize("days", [1, 3, 7, 15])
@pytest.mark.parametrize("start", [0, 5])
def test_sole_supplier_down_stops_customer_when_inventory_runs_out(policy, days, start):
    # supplier S (0) → customer K (1) → final demand. K holds `days` days of S's input; S stops
    # on day `start`. By hand: K's stock after day t's renewal is (days - (t - start)) A, so K
    # runs at full output through day start + days - 1 and stops on day start + days.
    net = ShockNetwork.from_arrays([0], [1], [10.0], n_firms=2, final_demand=[0.0, 25.0])
    sc = {"horizon_days": start + days + 5,
          "policy": {"inventory_days": days, "tau": 6, **policy},
          "shocks": [{"firm": "N0", "capacity_loss": 1.0, "start_day": start}]}
    x = FirmShockModel(record_firms=True).run(net, sc).firm_ratio["N1"].to_numpy()
    stop = start + days
    np.testing.assert_array_equal(x[:stop], 1.0)
    np.testing.assert_array_equal(x[stop:], 0.0)


# ------------------------------------------------------------------ Poisson inventory targets
POISSON = [{"rationing": r, "inventory_spread": "poisson", "seed": 5}
           for r in ("proportional", "priority")]


@pytest.mark.parametrize("policy", POISSON, ids=["proportional", "priority"])
def test_poisson_inventories_keep_the_contract(policy):
    net = _dag(4, n=30, e=80)
    res = FirmShockModel().run(net, _scenario(policy, []))
    assert res.total_output_loss == 0.0 and res.value_added_loss == 0.0
    sc = _scenario(policy, [{"segment": "a", "capacity_loss": 0.6, "duration_days": 12}])
    a, b = FirmShockModel().run(net, sc), FirmShockModel().run(net, sc)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    other = FirmShockModel().run(net, _scenario({**policy, "seed": 6}, sc["shocks"]))
    assert other.total_output_loss != a.total_output_loss   # other stocks, other losses


def test_poisson_draws_one_quantile_per_firm_with_the_right_mean():
    from scipy.stats import poisson

    from chainatlas.shock.firm_model import step_inputs
    from chainatlas.shock.scenario import Policy

    rng = np.random.default_rng(2)
    n, e = 20_000, 100_000
    sup, cus = rng.integers(0, n, e), rng.integers(0, n, e)
    seg = rng.integers(0, 4, n).astype(np.int32)
    net = ShockNetwork.from_arrays(sup, cus, rng.uniform(1, 5, e), n_firms=n,
                                   edge_segment=seg[sup], segment_ids=["a", "b", "c", "d"],
                                   firm_segment=seg)
    pol = Policy(inventory_days=8, segment_inventory_days={"d": 30}, inventory_spread="poisson",
                 min_inventory_days=3, seed=11)
    inp = step_inputs(net, pol)
    lay, g = inp["layout"], inp["grp_n"]
    is_d = lay.grp_seg == 3
    assert g.min() >= 3 and np.all(g == np.round(g))
    # truncated Poisson means: E[max(3, K)], K ~ Poisson(8) resp. Poisson(30)
    k = np.arange(200)
    for mu, sel in ((8, ~is_d), (30, is_d)):
        expected = float((np.maximum(3, k) * poisson.pmf(k, mu)).sum())
        assert g[sel].mean() == pytest.approx(expected, rel=0.02)
    # one quantile per firm: a customer's inputs of the same mean hold the same stock
    grp_cus = lay.cus[lay.grp_ptr[:-1]]
    frame = pd.DataFrame({"cus": grp_cus[~is_d], "n": g[~is_d]})
    assert (frame.groupby("cus")["n"].nunique() == 1).all()
    again = step_inputs(net, pol)["grp_n"]
    np.testing.assert_array_equal(g, again)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_sole_supplier_with_poisson_stock_stops_customer_on_its_drawn_day(seed):
    from chainatlas.shock.firm_model import step_inputs
    from chainatlas.shock.scenario import Policy

    net = ShockNetwork.from_arrays([0], [1], [10.0], n_firms=2, final_demand=[0.0, 25.0])
    policy = {"inventory_days": 6, "tau": 6, "inventory_spread": "poisson", "seed": seed}
    days = int(step_inputs(net, Policy(**policy))["grp_n"][0])   # the customer's drawn stock
    start = 2
    sc = {"horizon_days": start + days + 5, "policy": policy,
          "shocks": [{"firm": "N0", "capacity_loss": 1.0, "start_day": start}]}
    x = FirmShockModel(record_firms=True).run(net, sc).firm_ratio["N1"].to_numpy()
    np.testing.assert_array_equal(x[:start + days], 1.0)
    np.testing.assert_array_equal(x[start + days:], 0.0)
