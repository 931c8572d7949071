"""The TTS/TTR LPs solved on the affected subnetwork equal the full LPs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.model.dataset import Dataset
from chainatlas.readers.willems import read_willems
from chainatlas.services.stress import network_of
from chainatlas.shock.lp import BomNetwork, TtsTtrSolver


@pytest.mark.realdata
@pytest.mark.parametrize("chain", [1, 5, 8])
def test_affected_subnetwork_equals_full_lp(shared_data: Path, chain: int) -> None:
    f = shared_data / "supply_chains" / f"willems_{chain:02d}.csv"
    net = network_of(Dataset(f.stem, read_willems(f)))
    for inv, ttr in ((15.0, 14.0), (3.0, 20.0)):
        bom = BomNetwork.from_network(net, inventory_days=inv)
        fast, full = TtsTtrSolver(bom), TtsTtrSolver(bom, restrict=False)
        assert fast.restricted and not full.restricted
        losses = 0
        for i in range(bom.n_nodes):
            a = (fast.time_to_survive([i]), fast.performance_impact([i], ttr))
            b = (full.time_to_survive([i]), full.performance_impact([i], ttr))
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
            losses += a[1] > 0
        if inv == 3.0:
            assert losses > 0  # the comparison covers real losses, not only zeros


def test_dual_sourcing_keeps_the_full_lp() -> None:
    # node 2 buys one material from 0 or 1: alternatives, so no restriction
    bom = BomNetwork(node_ids=np.array(["a", "b", "c"], dtype=object),
                     capacity=np.array([2.0, 2.0, 2.0]), inventory=np.zeros(3),
                     demand=np.array([0.0, 0.0, 1.0]), impact=np.ones(3),
                     supplier=np.array([0, 1]), customer=np.array([2, 2]),
                     material=np.array([0, 0]), units=np.array([1.0, 1.0]))
    s = TtsTtrSolver(bom)
    assert not s.restricted
    assert s.time_to_survive([0]) == s.max_days  # b takes over


def _random_bom(seed: int, n: int, inventory_days: float) -> BomNetwork:
    """A random acyclic single-sourced BOM: node i buys from a few nodes j < i."""
    rng = np.random.default_rng(seed)
    sup, cus = [], []
    for i in range(1, n):
        k = int(rng.integers(0 if i > 1 else 1, min(i, 4) + 1))   # node 1 buys from 0
        for j in rng.choice(i, size=k, replace=False).tolist():
            sup.append(j)
            cus.append(i)
    demand = np.where(rng.random(n) < 0.4, rng.uniform(0.5, 3.0, n), 0.0)
    demand[-1] = max(demand[-1], 1.0)
    units = rng.uniform(0.2, 3.0, len(sup))
    bom = BomNetwork.from_stages([f"n{i}" for i in range(n)], sup, cus, units, demand,
                                 inventory_days=inventory_days, spare_capacity=0.2,
                                 impact=rng.uniform(0.5, 2.0, n))
    # uneven inventories: some nodes hold none, some much more than the default
    bom.inventory = bom.inventory * rng.choice([0.0, 0.3, 1.0, 4.0], n)
    return bom


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(4, 14),
       inv=st.sampled_from([0.0, 2.0, 10.0]), ttr=st.sampled_from([3.0, 30.0]))
def test_compiled_tts_and_reduced_ttr_equal_the_full_lp(seed: int, n: int, inv: float,
                                                        ttr: float) -> None:
    bom = _random_bom(seed, n, inv)
    fast, full = TtsTtrSolver(bom, max_days=200.0), TtsTtrSolver(bom, max_days=200.0,
                                                                 restrict=False)
    assert fast.restricted
    rng = np.random.default_rng(seed)
    scenarios = [[i] for i in range(n)] + [sorted(rng.choice(n, 2, replace=False).tolist())]
    for nodes in scenarios:
        a = (fast.time_to_survive(nodes), fast.performance_impact(nodes, ttr))
        b = (full.time_to_survive(nodes), full.performance_impact(nodes, ttr))
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_cyclic_bom_uses_the_reduced_lp() -> None:
    # a → b → a (recycling) plus b → c; the compiled pass needs an order, so the LP answers
    bom = BomNetwork(node_ids=np.array(["a", "b", "c"], dtype=object),
                     capacity=np.array([5.0, 5.0, 5.0]), inventory=np.array([2.0, 1.0, 0.5]),
                     demand=np.array([0.0, 0.0, 1.0]), impact=np.ones(3),
                     supplier=np.array([0, 1, 1]), customer=np.array([1, 0, 2]),
                     material=np.array([0, 1, 2]), units=np.array([1.0, 0.1, 1.0]))
    fast, full = TtsTtrSolver(bom), TtsTtrSolver(bom, restrict=False)
    assert fast.restricted and fast._reduced()[3][0] == -1
    for i in range(3):
        assert fast.time_to_survive([i]) == pytest.approx(full.time_to_survive([i]), rel=1e-6)
        assert fast.performance_impact([i], 9.0) == pytest.approx(
            full.performance_impact([i], 9.0), rel=1e-6, abs=1e-9)


def test_reduced_ttr_on_a_generated_chain_with_large_impacts(tmp_path: Path) -> None:
    # impacts are output values (up to ~1e9 here): the reduced TTR LP scales its objective
    from chainatlas.datasets.stage_chains import write_stage_chain

    path = write_stage_chain(tmp_path / "c.csv", 300, 2400)
    bom = BomNetwork.from_network(network_of(Dataset("c", read_willems(path))),
                                  inventory_days=3.0)
    assert bom.impact.max() > 1e9   # costs HiGHS rejects unscaled
    fast, full = TtsTtrSolver(bom), TtsTtrSolver(bom, restrict=False)
    losses = 0
    for i in range(0, bom.n_nodes, 15):
        a, b = fast.performance_impact([i], 20.0), full.performance_impact([i], 20.0)
        assert a == pytest.approx(b, rel=1e-6, abs=1e-6 * bom.impact.max())
        losses += a > 0
    assert losses > 5
