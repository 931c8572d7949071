"""TTS/TTR LPs (Simchi-Levi et al. 2015) on hand-solved networks and on every Willems chain."""

from __future__ import annotations

import numpy as np
import pytest

from chainatlas.exceptions import InputError
from chainatlas.shock.lp import BomNetwork, TtsTtrSolver, stage_throughput, time_to_survive_recover


def _chain() -> BomNetwork:
    # A → B → final demand 10/day; stock of A's output 30, of B's 20; capacity A 10, B 12
    return BomNetwork(node_ids=np.array(["A", "B"], dtype=object),
                      capacity=np.array([10.0, 12.0]), inventory=np.array([30.0, 20.0]),
                      demand=np.array([0.0, 10.0]), impact=np.ones(2),
                      supplier=np.array([0]), customer=np.array([1]), material=np.array([0]),
                      units=np.array([1.0]))


def test_hand_solved_two_stage_chain():
    # By hand: with A down, B can build from A's 30 units plus its own 20 → demand of 10/day is
    # met for 5 days (TTS = 5); over TTR = 8 days 80 are demanded and 50 served → PI = 30.
    # With B down only B's 20 units sell: TTS = 2, PI = 80 − 20 = 60. REI = PI / max PI.
    out = time_to_survive_recover(_chain(), 8.0).set_index("scenario")
    assert out.loc["A", "tts_days"] == pytest.approx(5.0)
    assert out.loc["B", "tts_days"] == pytest.approx(2.0)
    assert out.loc["A", "performance_impact"] == pytest.approx(30.0)
    assert out.loc["B", "performance_impact"] == pytest.approx(60.0)
    assert out.loc["A", "rei"] == pytest.approx(0.5)
    assert out.loc["B", "rei"] == pytest.approx(1.0)
    assert out["needs_mitigation"].all()
    # a 3-day outage of A is ridden out (TTS 5 ≥ TTR 3): no loss
    short = time_to_survive_recover(_chain(), {"A": 3.0, "B": 1.0}).set_index("scenario")
    assert short.loc["A", "performance_impact"] == pytest.approx(0.0, abs=1e-9)
    assert not short.loc["A", "needs_mitigation"]
    assert short.loc["B", "performance_impact"] == pytest.approx(0.0, abs=1e-9)


def test_dual_sourcing_and_bill_of_materials():
    # B needs 2 units of material k per unit, from A1 or A2 (capacity 12 each); demand 10/day,
    # no stocks. A1 down: B gets at most 12 units/day → 6 products/day, lost 4/day; over
    # 5 days PI = 20 and TTS = 0 (demand cannot be met at all without A1).
    net = BomNetwork(node_ids=np.array(["A1", "A2", "B"], dtype=object),
                     capacity=np.array([12.0, 12.0, 20.0]), inventory=np.zeros(3),
                     demand=np.array([0.0, 0.0, 10.0]), impact=np.ones(3),
                     supplier=np.array([0, 1]), customer=np.array([2, 2]),
                     material=np.array([0, 0]), units=np.array([2.0, 2.0]))
    solver = TtsTtrSolver(net)
    assert solver.performance_impact([0], 5.0) == pytest.approx(20.0)
    assert solver.time_to_survive([0]) == pytest.approx(0.0, abs=1e-9)
    # both down: everything is lost; none down: nothing is, and TTS hits the cap
    assert solver.performance_impact([0, 1], 5.0) == pytest.approx(50.0)
    assert solver.performance_impact([], 5.0) == pytest.approx(0.0, abs=1e-9)
    assert solver.time_to_survive([]) == pytest.approx(365.0)


def test_reused_model_equals_fresh_model():
    rng = np.random.default_rng(0)
    n = 30
    sup = rng.integers(0, 15, 40)
    cus = rng.integers(15, n, 40)
    d = np.where(np.arange(n) >= 15, rng.uniform(1, 5, n), 0.0)
    x = stage_throughput(n, sup, cus, np.ones(40), d)
    net = BomNetwork(node_ids=np.array([f"N{i}" for i in range(n)], dtype=object),
                     capacity=1.1 * x, inventory=rng.uniform(0, 5, n) * x, demand=d,
                     impact=np.ones(n), supplier=sup, customer=cus,
                     material=np.arange(40) % 2, units=np.ones(40))
    shared = TtsTtrSolver(net)
    for node in rng.choice(n, 10, replace=False).tolist():
        fresh = TtsTtrSolver(net)
        assert shared.performance_impact([node], 4.0) == pytest.approx(
            fresh.performance_impact([node], 4.0), rel=1e-9, abs=1e-9)
        assert shared.time_to_survive([node]) == pytest.approx(fresh.time_to_survive([node]),
                                                                rel=1e-9, abs=1e-9)


def test_tts_and_pi_are_consistent():
    # PI(TTR) = 0 exactly when TTS ≥ TTR (feasibility is monotone in time)
    out = time_to_survive_recover(_chain(), [4.9, 2.1], [[0], [1]], labels=["A", "B"])
    for _, row in out.iterrows():
        assert (row["performance_impact"] <= 1e-9) == (row["tts_days"] >= row["ttr_days"])


def test_bad_input_is_rejected():
    with pytest.raises(InputError, match="time to recover"):
        time_to_survive_recover(_chain(), -1.0)
    with pytest.raises(InputError, match="unknown node"):
        time_to_survive_recover(_chain(), {"Z": 2.0})
    with pytest.raises(InputError):
        BomNetwork(node_ids=np.array(["A"], dtype=object), capacity=np.array([-1.0]),
                   inventory=np.zeros(1), demand=np.zeros(1), impact=np.ones(1),
                   supplier=np.zeros(0, int), customer=np.zeros(0, int),
                   material=np.zeros(0, int), units=np.zeros(0))
