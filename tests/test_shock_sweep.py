"""Sweeps, executors (serial / processes / Dask) and structural screening."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from chainatlas.shock import ShockNetwork
from chainatlas.shock.executors import DaskExecutor, ProcessExecutor, SerialExecutor, make_executor
from chainatlas.shock.screening import screen_firms
from chainatlas.shock.sweep import sweep, sweep_units


def _net(seed: int = 0, n: int = 40, e: int = 90) -> ShockNetwork:
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, n, e), rng.integers(0, n, e)
    sup, cus = np.minimum(a, b), np.maximum(a, b)
    keep = sup != cus
    pairs = sorted(set(zip(sup[keep].tolist(), cus[keep].tolist(), strict=True)))
    sup = np.array([p[0] for p in pairs])
    cus = np.array([p[1] for p in pairs])
    fseg = (np.arange(n) % 4).astype(np.int32)
    regions = np.array(["310000", "320100", "340881", "330784"], dtype=object)[np.arange(n) % 4]
    return ShockNetwork.from_arrays(sup, cus, rng.uniform(1, 10, len(sup)), n_firms=n,
                                    final_demand=rng.uniform(1, 5, n), edge_segment=fseg[sup],
                                    segment_ids=["a", "b", "c", "d"], firm_segment=fseg,
                                    firm_region=regions)


TEMPLATE = {"horizon_days": 30, "policy": {"inventory_days": 5},
            "shocks": [{"firm": "-", "capacity_loss": 1.0, "duration_days": 10}]}


def test_sweep_ranks_by_loss_and_matches_single_runs():
    from chainatlas.shock import simulate

    net = _net()
    out = sweep(net, "firm", template=TEMPLATE)
    assert len(out) == net.n_firms
    assert out["total_output_loss"].is_monotonic_decreasing
    assert out["rank"].tolist() == list(range(1, net.n_firms + 1))
    best = out.iloc[0]
    single = simulate(net, {**TEMPLATE, "shocks": [{"firm": best["firm"], "capacity_loss": 1.0,
                                                     "duration_days": 10}]})
    assert single.total_output_loss == best["total_output_loss"]
    # a firm's own output over the outage is a lower bound of its loss
    own = net.P_ini[int(best["firm"][1:])] * 10
    assert best["total_output_loss"] >= own - 1e-9


@pytest.mark.parametrize("each", ["region", "segment"])
def test_sweep_by_region_and_segment(each):
    net = _net(1)
    out = sweep(net, each, template=TEMPLATE, top=2)
    assert len(out) == 2
    assert set(out[each]) <= set(sweep_units(net, each))


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_gives_the_same_numbers_as_serial(dask_client):
    net = _net(2)
    serial = sweep(net, "firm", template=TEMPLATE, executor=SerialExecutor())
    seen = []
    dask = sweep(net, "firm", template=TEMPLATE, executor=DaskExecutor(client=dask_client),
                 batch_size=3, progress=lambda done, total: seen.append((done, total)))
    pd.testing.assert_frame_equal(serial, dask, check_exact=True)
    assert seen[-1] == (net.n_firms, net.n_firms)


def test_processes_give_the_same_numbers_as_serial():
    net = _net(3, n=12, e=25)
    serial = sweep(net, "region", template=TEMPLATE)
    procs = sweep(net, "region", template=TEMPLATE, executor=ProcessExecutor(workers=2),
                  batch_size=1)
    pd.testing.assert_frame_equal(serial, procs, check_exact=True)


def test_make_executor_rejects_unknown_kind():
    from chainatlas.exceptions import InputError

    assert isinstance(make_executor("serial"), SerialExecutor)
    with pytest.raises(InputError, match="unknown executor"):
        make_executor("spark")


def test_screening_dominators_match_networkx():
    net = _net(4)
    frame = screen_firms(net).set_index("firm")
    g = nx.DiGraph()
    g.add_nodes_from(range(net.n_firms + 1))
    g.add_edges_from(zip(net.supplier.tolist(), net.customer.tolist(), strict=True))
    root = net.n_firms
    indeg = np.bincount(net.customer, minlength=net.n_firms)
    g.add_edges_from((root, int(i)) for i in np.flatnonzero(indeg == 0))
    idom = nx.immediate_dominators(g, root)
    # subtree output per node from networkx's dominator tree
    children: dict[int, list[int]] = {}
    for v, p in idom.items():
        if v != p:
            children.setdefault(p, []).append(v)

    def subtree(v: int) -> float:
        return float(net.P_ini[v]) + sum(subtree(c) for c in children.get(v, []))

    for v in range(net.n_firms):
        assert frame.loc[f"N{v}", "dominated_output"] == pytest.approx(subtree(v))


def test_screening_counts_sole_essential_suppliers():
    # 0 is the only supplier of segment a to 2; 1 and 3 both supply segment b to 2
    net = ShockNetwork.from_arrays([0, 1, 3], [2, 2, 2], [5.0, 2.0, 2.0], n_firms=4,
                                   final_demand=[0, 0, 20.0, 0], edge_segment=[0, 1, 1],
                                   segment_ids=["a", "b"], firm_segment=[0, 1, 0, 1])
    f = screen_firms(net).set_index("firm")
    assert f.loc["N0", "sole_supplier_customers"] == 1
    assert f.loc["N0", "sole_supplier_output"] == pytest.approx(net.P_ini[2])
    assert f.loc["N1", "sole_supplier_customers"] == 0


def test_large_firm_sweep_is_screened():
    net = _net(5)
    out = sweep(net, "firm", template=TEMPLATE, screen=5)
    assert len(out) == 5 and "screen_score" in out
    top5 = set(screen_firms(net)["firm"].head(5))
    assert set(out["firm"]) == top5
