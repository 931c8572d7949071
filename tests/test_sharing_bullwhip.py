"""Bullwhip: Chen, Drezner, Ryan & Simchi-Levi (2000) bounds reproduced by simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.exceptions import InputError
from chainatlas.sharing import (
    bullwhip_bound,
    order_up_to_orders,
    simulate_serial_chain,
    tier_bullwhip,
    variance_ratios,
)

T = 200_000


@pytest.fixture(scope="module")
def demand() -> np.ndarray:
    return np.random.default_rng(2000).normal(100.0, 10.0, T)


def _ratio(q: np.ndarray, d: np.ndarray) -> float:
    ok = ~np.isnan(q)
    return float(q[ok].var() / d[ok].var())


def test_bound_hand_values() -> None:
    # 1 + 2L/p + 2L²/p²: L=2, p=5 → 1 + 0.8 + 0.32
    assert bullwhip_bound(2, 5, shared=False) == pytest.approx(2.12)
    assert bullwhip_bound([1, 1], 2, shared=True) == pytest.approx(1 + 2 + 2)  # ΣL = 2
    assert bullwhip_bound([1, 1], 2, shared=False) == pytest.approx(2.5 * 2.5)
    with pytest.raises(InputError):
        bullwhip_bound(1, 0, shared=False)


@pytest.mark.parametrize(("L", "p"), [(1, 5), (2, 5), (4, 10), (1, 1), (3, 20)])
def test_single_stage_reaches_the_bound_for_iid_demand(demand: np.ndarray, L: int,
                                                       p: int) -> None:
    bound = bullwhip_bound(L, p, shared=False)
    ratio = _ratio(order_up_to_orders(demand, L, p), demand)
    # z = 0 and i.i.d. demand: the bound holds with equality in expectation; the sample ratio
    # over 200,000 periods is within 1.5 %.
    assert ratio == pytest.approx(bound, rel=0.015)
    # a safety stock on the moving standard deviation only adds variance
    assert _ratio(order_up_to_orders(demand, L, p, z=1.65), demand) > bound


def test_sharing_end_demand_makes_the_bound_additive(demand: np.ndarray) -> None:
    leads, p = [2, 2, 2], 10
    shared = variance_ratios(simulate_serial_chain(demand, leads, p, shared=True))
    alone = variance_ratios(simulate_serial_chain(demand, leads, p, shared=False))
    for k in range(1, 4):
        add = bullwhip_bound(leads[:k], p, shared=True)
        mult = bullwhip_bound(leads[:k], p, shared=False)
        assert shared["ratio_to_demand"][k] == pytest.approx(add, rel=0.015)
        assert alone["ratio_to_demand"][k] >= mult * 0.985
    # at the top of the chain: 2.92 with sharing vs ≥ 3.24 without
    assert shared["ratio_to_demand"][3] < bullwhip_bound(leads, p, shared=False)
    assert alone["ratio_to_demand"][3] > shared["ratio_to_demand"][3] * 1.2


def test_tier_measurement_recovers_the_simulated_amplification(demand: np.ndarray) -> None:
    d = demand[:5_000]
    orders = simulate_serial_chain(d, [1, 1], 4)
    periods = np.arange(len(d))
    frames = []
    for k, seg in enumerate(["car", "pack", "cell"]):
        mult = [1, 1, 100][k]
        frames.append(pd.DataFrame({"segment": seg, "period": periods,
                                    "value": orders[k] * mult}))
    o = pd.concat(frames).dropna()
    o = o[o["period"] >= 8]
    tiers = pd.Series({"car": 0, "pack": 1, "cell": 2})
    mult = pd.Series({"car": 1.0, "pack": 1.0, "cell": 100.0})
    out = tier_bullwhip(o, tiers, mult, pd.Series({"pack": 1.0, "cell": 1.0}), p=4)
    expect = variance_ratios(orders[:, 8:])["ratio_to_demand"].to_numpy()
    np.testing.assert_allclose(out["ratio_to_end"], expect, rtol=1e-9)
    assert out["bound_not_shared"].iloc[2] == pytest.approx(1.625**2)
    assert out["bound_shared"].iloc[2] == pytest.approx(1 + 1 + 0.5)
