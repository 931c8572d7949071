"""Demand along the tiers (BOM propagation), early-warning detectors and stress seeding."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.exceptions import InputError
from chainatlas.sharing import (
    Bom,
    cusum_alarms,
    demand_along_tiers,
    detect,
    end_segments,
    evaluate_detector,
    initial_state_from_signals,
    propagate_demand,
    robust_zscores,
    segment_tiers,
)

BOM = pd.DataFrame({
    "segment": ["car", "car", "pack", "pack", "cell"],
    "input_segment": ["pack", "motor", "cell", "bms", "lithium"],
    "quantity": [1.0, 2.0, 100.0, 1.0, 0.002],
})


def test_requirements_multiply_along_paths_and_add_across_them() -> None:
    bom = Bom.from_frame(BOM)
    x = propagate_demand(bom, {"car": 10.0, "pack": 5.0})
    # pack: 10 for cars + 5 spare; cells 100 per pack; lithium 0.002 t per cell
    assert x["pack"] == pytest.approx(15.0)
    assert x["motor"] == pytest.approx(20.0)
    assert x["cell"] == pytest.approx(1500.0)
    assert x["lithium"] == pytest.approx(3.0)
    tiers = segment_tiers(bom)
    assert tiers.to_dict() == {"car": 0, "pack": 1, "motor": 1, "cell": 2, "bms": 2,
                               "lithium": 3}
    with pytest.raises(InputError):
        propagate_demand(bom, {"boat": 1.0})


@settings(max_examples=30, deadline=None)
@given(q=st.lists(st.floats(0.0, 5.0), min_size=5, max_size=5),
       d=st.floats(0.0, 1e4))
def test_requirement_solves_x_equals_d_plus_qx(q: list[float], d: float) -> None:
    bom = Bom.from_frame(BOM.assign(quantity=q))
    x = propagate_demand(bom, {"car": d}).to_numpy()
    e = np.zeros(len(x))
    e[bom.index("car")] = d
    np.testing.assert_allclose(x, e + bom.Q @ x, rtol=1e-10, atol=1e-9)


def test_end_segments_skip_a_segment_whose_consumer_is_unobserved() -> None:
    bom = Bom.from_frame(BOM)
    # lithium's consumer (cell) does not report, but lithium still feeds car through it
    assert end_segments(bom, ["car", "pack", "lithium"]) == ["car"]
    assert end_segments(bom, ["pack", "motor"]) == ["pack", "motor"]


def test_demand_along_tiers_compares_implied_and_received() -> None:
    bom = Bom.from_frame(BOM)
    orders = pd.DataFrame({"segment": ["car", "pack", "cell", "car", "pack", "cell"],
                           "period": ["w1", "w1", "w1", "w2", "w2", "w2"],
                           "value": [10.0, 12.0, 1000.0, 10.0, 10.0, 1000.0]})
    out = demand_along_tiers(orders, bom).set_index(["period", "segment"])
    assert out.loc[("w1", "pack"), "implied"] == pytest.approx(10.0)
    assert out.loc[("w1", "pack"), "ratio"] == pytest.approx(1.2)
    assert out.loc[("w2", "cell"), "gap"] == pytest.approx(0.0)
    assert out.loc[("w1", "lithium"), "implied"] == pytest.approx(2.0)
    assert np.isnan(out.loc[("w1", "lithium"), "received"])


# -------------------------------------------------------------------- early warning
def test_robust_zscore_hand_example() -> None:
    # baseline 8, 9, 10, 11, 12: median 10, MAD 1 → scale 1.4826; 16 is z = 6/1.4826
    x = [8, 9, 10, 11, 12, 16]
    z = robust_zscores(x, window=5, min_periods=5)
    assert np.isnan(z[:5]).all()
    assert z[5] == pytest.approx(6 / 1.4826)
    alarms = detect(x, "robust_z", window=5, min_periods=5)
    assert [(a.index, a.direction) for a in alarms] == [(5, 1)]


def test_cusum_accumulates_a_small_lasting_shift() -> None:
    z = np.r_[np.zeros(20), np.full(20, 1.0)]  # a 1σ shift at 20
    alarms = cusum_alarms(z, k=0.5, h=5.0)
    # S⁺ grows by 0.5 a period: exceeds 5 after 11 periods, at index 30; change estimated at 20
    assert alarms[0].index == 30 and alarms[0].change_index == 20 and alarms[0].direction == 1


def test_detectors_find_an_injected_shift_and_stay_quiet_on_noise() -> None:
    rng = np.random.default_rng(7)
    n, T, at = 300, 100, 70
    noise = rng.normal(100, 5, (n, T))
    rates = {}
    for method, floor in (("robust_z", 0.8), ("cusum", 0.9)):
        shifted = noise.copy()
        shifted[:, at:] -= 20  # a lasting 4σ drop
        hit = evaluate_detector(shifted, np.full(n, at), method)
        assert hit["detected"].mean() > floor
        assert hit["delay"].median() <= 2
        calm = evaluate_detector(noise, np.full(n, -1), method)
        rates[method] = calm["false_alarms"].sum() / calm["monitored"].sum()
        assert rates[method] < 0.015, (method, rates[method])
    # CUSUM accumulates evidence: a 2σ lasting shift is found far more often than by |z| > 3.5
    small = noise.copy()
    small[:, at:] -= 10
    z = evaluate_detector(small, np.full(n, at), "robust_z")["detected"].mean()
    c = evaluate_detector(small, np.full(n, at), "cusum")["detected"].mean()
    assert c > 0.85 and c > z + 0.3
    with pytest.raises(InputError):
        detect([1, 2, 3], "magic")


# -------------------------------------------------------------------- stress seeding
def test_initial_state_takes_the_latest_figures_and_defaults_elsewhere() -> None:
    sig = pd.DataFrame({
        "firm": ["A", "A", "A", "B", "B"],
        "segment": ["cells", "cells", "cells", "pack", "pack"],
        "period": ["2024-01-01", "2024-02-01", "2024-02-01", "2024-01-01", "2024-03-01"],
        "kind": ["inventory_days", "inventory_days", "utilisation", "utilisation",
                 "utilisation"],
        "value": [20.0, 8.0, 0.8, 0.5, 1.0],
        "unit": ["天", "天", "1", "1", "1"]})
    st_ = initial_state_from_signals(sig, ["A", "B", "C"], inventory_days=15,
                                     spare_capacity=0.1)
    assert st_.inventory_days.tolist() == [8.0, 15.0, 15.0]
    np.testing.assert_allclose(st_.spare_capacity, [0.25, 0.0, 0.1])
    assert st_.from_signal_capacity.tolist() == [True, True, False]
    assert st_.segment_inventory_days == {"cells": 8.0}
    early = initial_state_from_signals(sig, ["A", "B"], as_of="2024-01-15")
    assert early.inventory_days.tolist() == [20.0, 15.0]
    np.testing.assert_allclose(early.spare_capacity, [0.1, 1.0])


@settings(max_examples=40, deadline=None)
@given(x=st.lists(st.floats(-1e3, 1e3), min_size=3, max_size=60),
       window=st.integers(3, 20), data=st.data())
def test_robust_zscores_match_the_definition_point_by_point(x: list[float], window: int,
                                                            data: st.DataObject) -> None:
    min_periods = data.draw(st.integers(3, window))
    a = np.asarray(x)
    z = robust_zscores(a, window, min_periods)
    for t in range(len(a)):
        base = a[max(0, t - window):t]
        if t < min_periods or len(base) < min_periods:
            assert np.isnan(z[t])
            continue
        m = np.median(base)
        scale = max(1.4826 * np.median(np.abs(base - m)), 1e-3 * abs(m), 1e-12)
        assert z[t] == pytest.approx((a[t] - m) / scale, rel=1e-9, abs=1e-9)
