"""Firm-level inventory and reconstruction-model plants (chainatlas.decide)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from chainatlas.decide import (
    CostModel,
    DecisionNetwork,
    Intervention,
    MeasureSet,
    evaluate,
    firm_inventory_candidates,
)
from chainatlas.exceptions import InputError, ScenarioError
from chainatlas.shock.firm_model import simulate
from chainatlas.shock.network import ShockNetwork
from chainatlas.shock.scenario import parse_scenario

SEGS = ["ore", "part", "car", "x", "y"]
SEG = {s: k for k, s in enumerate(SEGS)}
# A (ore) → B (part) → C (car) → final; D (x) → E (y) → final, a separate component
FIRMS = [("A", "ore"), ("B", "part"), ("C", "car"), ("D", "x"), ("E", "y")]
LINKS = [("A", "B", 3650.0), ("B", "C", 7300.0), ("D", "E", 3650.0)]
FINAL = {"C": 30.0, "E": 20.0}


def _shock_net() -> ShockNetwork:
    ids = [f for f, _ in FIRMS]
    pos = {f: i for i, f in enumerate(ids)}
    fseg = [SEG[s] for _, s in FIRMS]
    sup = [pos[a] for a, _, _ in LINKS]
    net = ShockNetwork.from_arrays(
        sup, [pos[b] for _, b, _ in LINKS], [v / 365.0 for _, _, v in LINKS],
        n_firms=len(ids), firm_ids=ids, final_demand=[FINAL.get(f, 0.0) for f in ids],
        edge_segment=[fseg[s] for s in sup], segment_ids=SEGS, firm_segment=fseg,
        firm_region=["320100"] * len(ids), firm_country=["CHN"] * len(ids))
    net.firm_lon = np.full(len(ids), 118.8)
    net.firm_lat = np.full(len(ids), 32.06)
    return net


def _net() -> DecisionNetwork:
    m = len(SEGS)
    return DecisionNetwork.from_shock_network(_shock_net(), np.full((m + 1, m + 1), 2))


def _outage(policy: dict | None = None):
    return parse_scenario({"name": "A out", "horizon_days": 60,
                           "policy": {"inventory_days": 5, "tau": 6, **(policy or {})},
                           "shocks": [{"firm": "A", "capacity_loss": 1.0, "duration_days": 30}]})


def _losses(policy: dict | None = None) -> dict[str, float]:
    return simulate(_shock_net(), _outage(policy)).firm_loss.to_dict()


# ------------------------------------------------------------------ the policy's per-firm days
def test_firm_inventory_days_cover_an_outage_shorter_than_the_stock() -> None:
    # B holds 40 days of ore against a 30-day outage of A: B never runs short, so B and C
    # lose nothing; A loses its whole output for 30 days (P_A = 10/day, capacity back at once)
    got = _losses({"firm_inventory_days": {"B": 40}})
    assert got["B"] == 0.0 and got["C"] == 0.0
    assert got["A"] == pytest.approx(30 * 10.0, rel=1e-12)
    # with the default 5 days B and C lose
    base = _losses()
    assert base["B"] > 0 and base["C"] > 0


def test_firm_days_equal_segment_days_when_the_firm_is_the_only_buyer() -> None:
    # B is the only buyer of ore: a firm override of B's ore equals the segment override
    seg = _losses({"segment_inventory_days": {"ore": 12}})
    firm = _losses({"firm_inventory_days": {"B": {"ore": 12}}})
    every = _losses({"firm_inventory_days": {"B": 12}})
    assert firm == seg == every
    # an override of a firm the outage never reaches changes nothing, bit for bit
    assert _losses({"firm_inventory_days": {"E": 30}}) == _losses()
    # a firm override wins over the segment's
    assert _losses({"segment_inventory_days": {"ore": 40},
                    "firm_inventory_days": {"B": {"ore": 12}}}) == seg


def test_firm_inventory_days_are_validated() -> None:
    with pytest.raises(ScenarioError, match="firm 'B'"):
        _outage({"firm_inventory_days": {"B": 0.5}})
    with pytest.raises(ScenarioError, match="input 'ore' of firm 'B'"):
        _outage({"firm_inventory_days": {"B": {"ore": 4000}}})
    with pytest.raises(InputError, match="unknown firm 'Z'"):
        _losses({"firm_inventory_days": {"Z": 10}})
    with pytest.raises(InputError, match="unknown segment 'gold'"):
        _losses({"firm_inventory_days": {"B": {"gold": 10}}})


# ------------------------------------------------------------------ the firm_inventory kind
def test_firm_inventory_candidates_are_the_exposed_firms_that_lose_most() -> None:
    net = _net()
    sc = _outage()
    items, notes = firm_inventory_candidates(net, CostModel(), [sc])
    assert notes == []
    base = simulate(_shock_net(), sc).firm_loss
    # A is hit (not a candidate), D and E are never reached; B and C, by their loss
    want = sorted(["B", "C"], key=lambda f: -base[f])
    assert [it.details["firm"] for it in items] == want
    b = next(it for it in items if it.details["firm"] == "B")
    assert b.details["segments"] == ["ore"]
    # cost: 20 fixed + 25 % a year of 15 days of B's ore purchases (3,650 万元/yr)
    assert b.cost == pytest.approx(20.0 + 0.25 * 15 * 3650.0 / 365.0)
    # top cuts the list short and says so
    one, notes1 = firm_inventory_candidates(net, CostModel(), [sc], top=1)
    assert len(one) == 1 and "1 more" in notes1[0]


def test_firm_inventory_gain_matches_the_policy_and_cannot_matter_elsewhere() -> None:
    net = _net()
    sc = _outage()
    ms = MeasureSet(scenarios=(sc,))
    base = evaluate(net, ms)["stress"]
    item = Intervention(key="fi:B", kind="firm_inventory",
                        edits=(("firm_inventory", "B", "ore", 15.0),), cost=1.0,
                        what_zh="", what_en="", why_zh="", why_en="")
    after = evaluate(item.apply(net), ms)["stress"]
    # 5 + 15 = 20 days of ore at B, the same as the policy saying so
    want = math.fsum(simulate(_shock_net(), _outage(
        {"firm_inventory_days": {"B": {"ore": 20}}})).firm_loss.tolist())
    assert after == want and after < base
    # two edits of one firm add up
    twice = Intervention(key="fi:B2", kind="firm_inventory",
                         edits=(("firm_inventory", "B", "ore", 5.0),
                                ("firm_inventory", "B", "ore", 10.0)), cost=1.0,
                         what_zh="", what_en="", why_zh="", why_en="")
    assert evaluate(twice.apply(net), ms)["stress"] == after
    # E is never reached by A's outage: exactly zero gain
    far = Intervention(key="fi:E", kind="firm_inventory",
                       edits=(("firm_inventory", "E", "x", 15.0),), cost=1.0,
                       what_zh="", what_en="", why_zh="", why_en="")
    assert evaluate(far.apply(net), ms)["stress"] == base
    with pytest.raises(InputError):
        net.with_firm_inventory("B", "ore", 0.0)


def test_firm_inventory_with_the_exact_skip_equals_the_full_run() -> None:
    from chainatlas.decide.measures import stress_baseline, touched_firms

    net = _net()
    sc = _outage()
    ms = MeasureSet(scenarios=(sc,))
    ref = stress_baseline(net, [sc])
    for firm, seg in (("B", "ore"), ("E", "x"), ("C", "part")):
        edited = net.with_firm_inventory(firm, seg, 15.0)
        t = touched_firms(net, edited)
        assert t is not None and t.tolist() == [f == firm for f, _ in FIRMS]
        full = evaluate(edited, ms)["stress"]
        fast = evaluate(edited, ms, ref)
        assert fast["stress"] == full
    # E is out of A's reach: its scenario is taken from the baseline, not simulated again
    assert evaluate(net.with_firm_inventory("E", "x", 15.0), ms, ref)["stress_skipped"] == [True]
