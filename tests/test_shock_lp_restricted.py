"""The TTS/TTR LPs solved on the affected subnetwork equal the full LPs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

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
