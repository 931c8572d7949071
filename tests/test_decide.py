"""Interventions ranked by the resilience they buy (chainatlas.decide)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chainatlas.decide import (
    CostModel,
    DecisionNetwork,
    Intervention,
    MeasureSet,
    apply_all,
    dual_sourcing_candidates,
    evaluate,
    greedy_portfolio,
    inventory_candidates,
    load_cost_model,
    rank_interventions,
)
from chainatlas.exceptions import InputError
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.scenario import parse_scenario

SEGS = ["ore", "part", "car", "x", "y", "w1", "w2"]
SEG = {s: k for k, s in enumerate(SEGS)}


def _net(firms: list[tuple[str, str]], links: list[tuple[str, str, float]],
         final: dict[str, float]) -> DecisionNetwork:
    """Firms (id, segment) all in one city; links (supplier, customer, 万元/yr) of the
    supplier's segment; ``final`` daily sales to final demand."""
    ids = [f for f, _ in firms]
    pos = {f: i for i, f in enumerate(ids)}
    fseg = [SEG[s] for _, s in firms]
    sup = [pos[a] for a, _, _ in links]
    cus = [pos[b] for _, b, _ in links]
    val = [v / 365.0 for _, _, v in links]
    net = ShockNetwork.from_arrays(
        sup, cus, val, n_firms=len(ids), firm_ids=ids,
        final_demand=[final.get(f, 0.0) for f in ids],
        edge_segment=[fseg[s] for s in sup], segment_ids=SEGS, firm_segment=fseg,
        firm_region=["320100"] * len(ids), firm_country=["CHN"] * len(ids))
    net.firm_lon = np.full(len(ids), 118.8)
    net.firm_lat = np.full(len(ids), 32.06)
    m = len(SEGS)
    ess = np.full((m + 1, m + 1), 2, dtype=np.int64)
    return DecisionNetwork.from_shock_network(net, ess)


def _outage(firms: list[str], days: int = 30, horizon: int = 60):
    return parse_scenario({"name": "out " + ",".join(firms), "horizon_days": horizon,
                           "policy": {"inventory_days": 5, "tau": 6},
                           "shocks": [{"firm": firms, "capacity_loss": 1.0,
                                       "duration_days": days}]})


def _reroute(key: str, cus: str, seg: str, frm: str, to: str, share: float,
             cost: float = 10.0) -> Intervention:
    return Intervention(key=key, kind="dual_sourcing",
                        edits=(("reroute", cus, seg, frm, to, share),), cost=cost,
                        what_zh="", what_en="", why_zh="", why_en="")


# Two components: A (ore) → B (part) → C (car) → final; D1/D2 (x) → E (y) → final.
FIRMS = [("A", "ore"), ("A2", "ore"), ("B", "part"), ("C", "car"),
         ("D1", "x"), ("D2", "x"), ("E", "y")]
LINKS = [("A", "B", 3650.0), ("B", "C", 7300.0), ("D1", "E", 3650.0), ("D2", "E", 1825.0)]
FINAL = {"C": 30.0, "E": 20.0, "A2": 10.0, "D2": 8.0}


def test_an_intervention_that_cannot_matter_gains_exactly_zero() -> None:
    net = _net(FIRMS, LINKS, FINAL)
    ms = MeasureSet(scenarios=(_outage(["A"]),), esri_firms=(0, 2))
    base = evaluate(net, ms)
    assert base["stress"] > 0
    # the other component: E moves a third of D1's flow to D2, and E stocks more of x
    far = [_reroute("far", "E", "x", "D1", "D2", 0.3),
           Intervention(key="stock-x", kind="inventory", edits=(("inventory", "x", 20.0),),
                        cost=5.0, what_zh="", what_en="", why_zh="", why_en="")]
    _, rows = rank_interventions(net, far, ms, by="stress")
    for r in rows:
        assert r["gains"]["stress"] == 0.0          # exactly, not approximately
    stock = next(r for r in rows if r["key"] == "stock-x")
    assert stock["gains"]["esri"] == 0.0            # the ESRI network is untouched
    # and an intervention on the shocked chain does matter
    near = Intervention(key="stock-ore", kind="inventory", edits=(("inventory", "ore", 30.0),),
                        cost=5.0, what_zh="", what_en="", why_zh="", why_en="")
    _, rows = rank_interventions(net, [near], ms, by="stress")
    assert rows[0]["gains"]["stress"] > 0


def test_full_capacity_twin_of_a_unique_supplier_removes_its_outage_loss_exactly() -> None:
    # B is C's only supplier of the essential input "part"; B sells only to C
    net = _net(FIRMS, LINKS, FINAL)
    ms = MeasureSet(lp=True, ttr_days=30.0, inventory_days=5.0, spare_capacity=0.1)
    before = evaluate(net, ms)["lp_by_firm"]
    # 30 days out; B's 5 days of stock and C's own 5 days bridge 10: C (30 a day) loses 20 days
    assert before["B"] == pytest.approx(20 * 30.0)
    b = net.firm_index("B")
    full = float(net.output()[b]) * 1.1          # the twin can make all B makes, and 10 % more
    twin = Intervention(
        key="twin", kind="attract",
        edits=(("plant", "B2", "twin of B", "B", "part", "320100", "CHN", 118.8, 32.06),
               ("reroute", "C", "part", "B", "B2", 0.5), ("inputs_of", "B2", "B"),
               ("capacity", "B2", full)),
        cost=100.0, what_zh="", what_en="", why_zh="", why_en="")
    after = evaluate(twin.apply(net), ms)["lp_by_firm"]
    assert after["B"] == 0.0
    # a twin held to its own (half) output does not remove it
    half = Intervention(key="half", kind="attract", edits=twin.edits[:3], cost=1.0,
                        what_zh="", what_en="", why_zh="", why_en="")
    assert evaluate(half.apply(net), ms)["lp_by_firm"]["B"] > 0


def test_superadditive_portfolio_is_measured_and_said() -> None:
    # C needs two essential inputs, each from one supplier; both suppliers fail together:
    # a second source of one input alone cannot restart C, the two together can
    firms = [("P1", "w1"), ("Q1", "w1"), ("P2", "w2"), ("Q2", "w2"), ("C", "car")]
    links = [("P1", "C", 3650.0), ("P2", "C", 3650.0)]
    net = _net(firms, links, {"C": 30.0, "Q1": 10.0, "Q2": 10.0})
    ms = MeasureSet(scenarios=(_outage(["P1", "P2"], days=40),))
    items = [_reroute("one", "C", "w1", "P1", "Q1", 0.5), _reroute("two", "C", "w2", "P2", "Q2", 0.5)]
    base, rows = rank_interventions(net, items, ms)
    port = greedy_portfolio(net, items, rows, base, ms, budget=100.0)
    assert [s["key"] for s in port["items"]] == ["one", "two"] or \
        [s["key"] for s in port["items"]] == ["two", "one"]
    measured = base["stress"] - evaluate(apply_all(net, [items[0], items[1]] if
                                                   port["items"][0]["key"] == "one" else
                                                   [items[1], items[0]]), ms)["stress"]
    assert port["gain"] == measured
    single_sum = sum(r["gain"] for r in rows)
    assert port["sum_of_single_gains"] == pytest.approx(single_sum)
    assert port["gain"] > single_sum and port["superadditive"] is True


def test_diminishing_returns_are_measured_not_assumed() -> None:
    # two second sources of the same sole input: together they buy less than apart
    firms = [("P", "w1"), ("Q1", "w1"), ("Q2", "w1"), ("C", "car")]
    net = _net(firms, [("P", "C", 3650.0)], {"C": 30.0, "Q1": 20.0, "Q2": 20.0})
    ms = MeasureSet(scenarios=(_outage(["P"], days=40),))
    items = [_reroute("q1", "C", "w1", "P", "Q1", 0.6), _reroute("q2", "C", "w1", "P", "Q2", 0.6)]
    base, rows = rank_interventions(net, items, ms)
    port = greedy_portfolio(net, items, rows, base, ms, budget=100.0)
    assert len(port["items"]) == 2
    assert port["gain"] <= port["sum_of_single_gains"]
    assert port["superadditive"] is False
    # the second step's marginal gain is what the combination measured, less than its single
    second = port["items"][1]
    assert second["marginal_gain"] < second["single_gain"]
    # a budget that affords one: only the better one
    one = greedy_portfolio(net, items, rows, base, ms, budget=15.0)
    assert len(one["items"]) == 1 and one["cost"] <= 15.0


def test_repeat_runs_are_identical_and_the_input_is_not_changed() -> None:
    net = _net(FIRMS, LINKS, FINAL)
    value = net.value.copy()
    ms = MeasureSet(scenarios=(_outage(["A"]), _outage(["D1"])), esri_firms=(0, 4))
    cm = CostModel()
    items = dual_sourcing_candidates(net, cm, spare_capacity=1.0) + inventory_candidates(net, cm)
    assert items
    a = rank_interventions(net, items, ms)
    b = rank_interventions(net, items, ms)
    assert a == b
    assert np.array_equal(net.value, value) and net.n_firms == len(FIRMS)


def test_dual_sourcing_candidates_are_sole_sourced_essential_inputs() -> None:
    net = _net(FIRMS, LINKS, FINAL)
    items = dual_sourcing_candidates(net, CostModel(), spare_capacity=1.0)
    # B buys ore only from A (A2 is another ore firm); C buys part only from B but no other
    # part firm exists; E has two suppliers of x already
    assert [it.details["customer"] for it in items] == ["B"]
    assert items[0].details["to"] == "A2"
    moved = 0.3 * 3650.0
    assert items[0].cost == pytest.approx(50.0 + 0.03 * moved)


def test_reroute_keeps_final_demand_and_scales_purchases() -> None:
    net = _net(FIRMS, LINKS, FINAL)
    after = net.reroute(net.firm_index("E"), SEG["x"], net.firm_index("D1"),
                        net.firm_index("D2"), 0.5)
    assert np.array_equal(after.final_demand, net.final_demand)
    P0, P1 = net.output(), after.output()
    d1, d2 = net.firm_index("D1"), net.firm_index("D2")
    assert P1[d1] == pytest.approx(P0[d1] - 0.5 * 10.0)      # 3650/365 = 10 a day
    assert P1[d2] == pytest.approx(P0[d2] + 0.5 * 10.0)
    assert math.isclose(float(after.value.sum()), float(net.value.sum()))


def test_cost_model_file(tmp_path) -> None:
    p = tmp_path / "costs.yaml"
    p.write_text("inventory: {carrying_rate: 0.1}\n", "utf-8")
    cm = load_cost_model(p)
    assert cm.inventory.carrying_rate == 0.1 and cm.attract.fixed == 3000.0
    p.write_text("inventory: {carying_rate: 0.1}\n", "utf-8")
    with pytest.raises(InputError, match="unknown key"):
        load_cost_model(p)
    p.write_text("attract: {fixed: -1}\n", "utf-8")
    with pytest.raises(InputError, match="attract.fixed"):
        load_cost_model(p)
