"""Exact shortcuts of the decision engine: a scenario an edit provably cannot change is not
re-run, and the loss it takes from the baseline equals the exhaustive run's bit for bit."""

from __future__ import annotations

import numpy as np

from chainatlas.datasets.synthetic import generate_network
from chainatlas.decide import (
    CostModel,
    DecisionNetwork,
    Intervention,
    MeasureSet,
    dual_sourcing_candidates,
    evaluate,
    inventory_candidates,
)
from chainatlas.decide.measures import touched_firms
from chainatlas.decide.rank import reference_of
from chainatlas.model.dataset import Dataset
from chainatlas.services.decide import decision_network_of
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.scenario import parse_scenario


def _edit(key: str, *edits: tuple[object, ...]) -> Intervention:
    return Intervention(key=key, kind="attract", edits=tuple(edits), cost=1.0, what_zh="",
                        what_en="", why_zh="", why_en="")


def _two_chains() -> DecisionNetwork:
    """A → B → C (C in 320500) and D1, D2 → E, all essential, nothing between the chains."""
    ids = ["A", "B", "C", "D1", "D2", "E"]
    segs = ["ore", "part", "car", "x", "y"]
    fseg = [0, 1, 2, 3, 3, 4]
    sup, cus = [0, 1, 3, 4], [1, 2, 5, 5]
    flow = [10.0, 20.0, 10.0, 5.0]
    net = ShockNetwork.from_arrays(
        sup, cus, flow, n_firms=6, firm_ids=ids, final_demand=[0, 0, 30, 0, 8, 20],
        edge_segment=[fseg[s] for s in sup], segment_ids=segs, firm_segment=fseg,
        firm_region=["320100", "320100", "320500", "320100", "320100", "320100"],
        firm_country=["CHN"] * 6)
    net.firm_lon = np.full(6, 118.8)
    net.firm_lat = np.full(6, 32.06)
    return DecisionNetwork.from_shock_network(net, np.full((6, 6), 2, dtype=np.int64))


def _check(net: DecisionNetwork, ms: MeasureSet, items: list[Intervention]) -> np.ndarray:
    """Every item evaluated with the shortcut and exhaustively: the per-scenario losses must
    be identical (==); returns how often the shortcut acted per scenario."""
    ref = reference_of(net, ms)
    assert ref is not None
    acted = np.zeros(len(ms.scenarios), dtype=int)
    for it in items:
        edited = it.apply(net)
        fast = evaluate(edited, ms, ref)
        full = evaluate(edited, ms)
        assert fast["stress_by_scenario"] == full["stress_by_scenario"], it.key
        assert fast["stress"] == full["stress"]
        assert not any(full["stress_skipped"])
        acted += np.array(fast["stress_skipped"], dtype=int)
    return acted


def test_unreached_edits_take_the_baseline_loss_exactly_and_reached_ones_are_run() -> None:
    net = _two_chains()
    pol = {"inventory_days": 5, "tau": 6}
    ms = MeasureSet(scenarios=(
        parse_scenario({"name": "A out", "horizon_days": 40, "policy": pol,
                        "shocks": [{"firm": "A", "capacity_loss": 1.0, "duration_days": 15}]}),
        parse_scenario({"name": "3205 out", "horizon_days": 40, "policy": pol,
                        "shocks": [{"region": "3205", "capacity_loss": 1.0,
                                    "duration_days": 15}]})))
    far = _edit("far", ("reroute", "E", "x", "D1", "D2", 0.3))
    stock = _edit("stock-x", ("inventory", "x", 10.0))
    near = _edit("near", ("inventory", "ore", 10.0))
    # a new plant in 320500 feeding E: far from A, but the region outage hits it
    plant = _edit("plant", ("plant", "P", "P", "D1", "x", "320500", "CHN", 118.8, 32.06),
                  ("reroute", "E", "x", "D1", "P", 0.5), ("inputs_of", "P", "D1"))
    ref = reference_of(net, ms)
    assert ref is not None
    got = {it.key: evaluate(it.apply(net), ms, ref)["stress_skipped"]
           for it in (far, stock, near, plant)}
    assert got["far"] == [True, True] and got["stock-x"] == [True, True]
    assert got["near"] == [False, False]             # the ore chain is what both shocks reach
    assert got["plant"] == [True, False]             # the plant itself is shocked in 3205
    after = evaluate(plant.apply(net), ms)["stress_by_scenario"]
    assert after[1] != ref.losses[1]                 # and its outage does change that loss
    _check(net, ms, [far, stock, near, plant])


def test_shortcut_matches_the_exhaustive_runs_on_a_generated_network() -> None:
    ds = Dataset.from_frames("t", generate_network(600, 2000, n_sectors=12, seed=3))
    net = decision_network_of(ds)
    deg = np.bincount(net.supplier, minlength=net.n_firms) + np.bincount(
        net.customer, minlength=net.n_firms)
    leaf = int(np.flatnonzero(deg >= 2)[np.argmin(deg[deg >= 2])])
    big = int(np.argmax(net.output()))
    ms = MeasureSet(scenarios=(
        parse_scenario({"name": "small", "horizon_days": 40,
                        "policy": {"inventory_days": 5, "tau": 6},
                        "shocks": [{"firm": str(net.firm_ids[leaf]), "capacity_loss": 1.0,
                                    "duration_days": 10}]}),
        parse_scenario({"name": "big", "horizon_days": 40,
                        "policy": {"inventory_days": 3, "tau": 6, "rationing": "priority"},
                        "shocks": [{"firm": str(net.firm_ids[big]), "capacity_loss": 0.8,
                                    "duration_days": 10}]})))
    cm = CostModel()
    items = inventory_candidates(net, cm) + dual_sourcing_candidates(net, cm)
    acted = _check(net, ms, items)
    assert 0 < acted[0] < len(items)                 # the shortcut acts, and not everywhere


def test_touched_firms_are_the_ends_of_changed_links_and_the_buyers_of_a_stocked_segment(
) -> None:
    net = _two_chains()
    t = touched_firms(net, _edit("r", ("reroute", "E", "x", "D1", "D2", 0.3)).apply(net))
    assert t is not None
    # E, D1, D2 change flows; nobody supplies D1 or D2, so nothing else changes
    assert sorted(np.asarray(net.firm_ids)[t[:6]].tolist()) == ["D1", "D2", "E"]
    t = touched_firms(net, net.with_inventory("part", 3.0))
    assert t is not None and np.asarray(net.firm_ids)[t].tolist() == ["C"]
    assert not touched_firms(net, net).any()
