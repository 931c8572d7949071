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


# ------------------------------------------------------------------ plants from the link model
# three cities; ore (essential) → part → car
CITY = {"R1": (118.8, 32.06), "R2": (120.6, 31.3), "R3": (117.2, 31.8)}
PSEGS = ["ore", "part", "car"]
PFIRMS = [("A1", "ore", "R1"), ("A2", "ore", "R2"), ("A3", "ore", "R3"),
          ("B1", "part", "R1"), ("B2", "part", "R2"),
          ("C1", "car", "R1"), ("C2", "car", "R2"), ("C3", "car", "R3")]
PLINKS = [("A1", "B1", 1000.0), ("A2", "B1", 3000.0), ("A2", "B2", 2000.0),
          ("A3", "B2", 500.0), ("B1", "C1", 4000.0), ("B1", "C2", 6000.0),
          ("B2", "C2", 2500.0), ("B2", "C3", 7000.0)]
PFINAL = {"C1": 40.0, "C2": 50.0, "C3": 45.0}


def _pnet() -> DecisionNetwork:
    ids = [f for f, _, _ in PFIRMS]
    pos = {f: i for i, f in enumerate(ids)}
    fseg = [PSEGS.index(s) for _, s, _ in PFIRMS]
    sup = [pos[a] for a, _, _ in PLINKS]
    net = ShockNetwork.from_arrays(
        sup, [pos[b] for _, b, _ in PLINKS], [v / 365.0 for _, _, v in PLINKS],
        n_firms=len(ids), firm_ids=ids, final_demand=[PFINAL.get(f, 0.0) for f in ids],
        edge_segment=[fseg[s] for s in sup], segment_ids=PSEGS, firm_segment=fseg,
        firm_region=[r for _, _, r in PFIRMS], firm_country=["CHN"] * len(ids),
        segment_essential=[True, False, False])
    net.firm_lon = np.array([CITY[r][0] for _, _, r in PFIRMS])
    net.firm_lat = np.array([CITY[r][1] for _, _, r in PFIRMS])
    return DecisionNetwork.from_shock_network(net, np.full((4, 4), 2))


def _km(a: str, b: str) -> float:
    if a == b:
        return 10.0   # the model's distance within one region
    (x1, y1), (x2, y2) = CITY[a], CITY[b]
    p1, p2, dl = math.radians(y1), math.radians(y2), math.radians(x2 - x1)
    c = math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    return 6371.0088 * math.acos(min(1.0, c))


def _rate(model, s_sup: float, d_buy: float, r_sup: str, r_buy: str) -> float:
    """λ = z s^α D^α (1 + d/d0)^−γ, written out."""
    return (model.z * s_sup ** model.alpha * d_buy ** model.alpha
            * (1.0 + _km(r_sup, r_buy) / model.d0_km) ** (-model.gamma))


def _sales(seg: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for a, _, v in PLINKS:
        if dict((f, s) for f, s, _ in PFIRMS)[a] == seg:
            out[a] = out.get(a, 0.0) + v
    return out


REG = {f: r for f, _, r in PFIRMS}


def test_link_model_fitted_to_the_network_expects_its_links() -> None:
    from chainatlas.decide.plants import PlantLinkModel

    model = PlantLinkModel.fit(_pnet())
    assert model.n_links == len(PLINKS)
    # Σ over every possible (seller of a segment, buyer of it) of the link probability, written
    # out by hand (ore essential: conditioned on at least one supplier) = the 8 links
    total = 0.0
    for seg, buyers in (("ore", ("B1", "B2")), ("part", ("C1", "C2", "C3"))):
        sellers = _sales(seg)
        for b in buyers:
            d = sum(v for a, c, v in PLINKS if c == b and a in sellers)
            lam = {a: _rate(model, s, d, REG[a], REG[b]) for a, s in sellers.items()}
            norm = -math.expm1(-sum(lam.values())) if seg == "ore" else 1.0
            total += sum(-math.expm1(-v) for v in lam.values()) / norm
    assert total == pytest.approx(len(PLINKS), rel=1e-6)
    # the median contact distance it was fitted to is the network's median link distance
    dists = sorted(_km(REG[a], REG[b]) for a, b, _ in PLINKS)
    assert model.median_km == pytest.approx(0.5 * (dists[3] + dists[4]), rel=1e-6)


def test_plant_customers_follow_the_link_model() -> None:
    from chainatlas.decide.plants import PlantLinkModel

    net = _pnet()
    model = PlantLinkModel.fit(net)
    part, parent, place = PSEGS.index("part"), net.firm_index("B1"), model.place_of("R3")
    size = model.plant_size(parent, part)
    assert size == pytest.approx(4000.0 + 6000.0)       # B1's sales of parts
    sellers = _sales("part")
    want_p, want_share = {}, {}
    for c in ("C1", "C2", "C3"):
        d = sum(v for a, b, v in PLINKS if b == c)
        lam = _rate(model, size, d, "R3", REG[c])
        rest = sum(_rate(model, s, d, REG[a], REG[c]) for a, s in sellers.items())
        want_p[c], want_share[c] = -math.expm1(-lam), lam / (rest + lam)
    n = 3000
    hits = dict.fromkeys(want_p, 0)
    for k in range(n):
        cust, share, prob = model.draw_customers(part, place, parent, size,
                                                 np.random.default_rng(k))
        for c, sh, p in zip(cust.tolist(), share.tolist(), prob.tolist(), strict=True):
            f = str(net.firm_ids[c])
            hits[f] += 1
            assert sh == pytest.approx(want_share[f], rel=1e-9)
            assert p == pytest.approx(want_p[f], rel=1e-9)
    for c, p in want_p.items():
        assert abs(hits[c] / n - p) <= 5 * math.sqrt(p * (1 - p) / n) + 1e-9, c


def test_plant_suppliers_follow_the_link_model() -> None:
    from chainatlas.decide.plants import PlantLinkModel

    net = _pnet()
    model = PlantLinkModel.fit(net)
    part, parent, place = PSEGS.index("part"), net.firm_index("B1"), model.place_of("R3")
    output = 5000.0
    # the part technology: ore bought by B1 and B2 per unit of their output (annual)
    P = net.output()
    t_ore = (1000 + 3000 + 2000 + 500) / ((P[net.firm_index("B1")] + P[net.firm_index("B2")])
                                          * 365.0)
    d = t_ore * output
    lam = {a: _rate(model, s, d, REG[a], "R3") for a, s in _sales("ore").items()}
    tot = sum(lam.values())
    want = {a: -math.expm1(-v) / -math.expm1(-tot) for a, v in lam.items()}   # essential
    n = 3000
    hits = dict.fromkeys(want, 0)
    for k in range(n):
        sup, seg, coef, prob = model.draw_suppliers(part, place, parent, output,
                                                    np.random.default_rng(k))
        assert len(sup) >= 1                                # an essential input: ≥ 1 supplier
        assert set(seg.tolist()) == {PSEGS.index("ore")}
        assert coef.sum() == pytest.approx(t_ore, rel=1e-12)
        for f, p in zip(sup.tolist(), prob.tolist(), strict=True):
            name = str(net.firm_ids[f])
            hits[name] += 1
            assert p == pytest.approx(want[name], rel=1e-9)
    for a, p in want.items():
        assert abs(hits[a] / n - p) <= 5 * math.sqrt(p * (1 - p) / n) + 1e-9, a


def test_attracted_plant_from_the_model_is_seeded_and_keeps_the_flows() -> None:
    from chainatlas.decide import attract_candidates

    net = _pnet()
    rec = [{"action": "补链", "segment": "part", "name": "part",
            "candidates": [{"firm": "B1", "name": "B1"}, {"firm": "B2", "name": "B2"}]}]
    lon, lat = CITY["R3"]

    def items(seed: int) -> list[Intervention]:
        return attract_candidates(net, CostModel(), rec, "R3", "R3", lon, lat, seed=seed)[0]

    a, b = items(7), items(7)
    assert [x.edits for x in a] == [x.edits for x in b] and a
    assert any([x.edits for x in items(s)] != [x.edits for x in a] for s in range(8, 20))
    for it in a:
        edited = it.apply(net)
        plant = edited.firm_index(it.details["plant"])
        out_yr = edited.output()[plant] * 365.0
        assert out_yr == pytest.approx(it.details["moved_flow"], rel=1e-9)
        # the plant buys ore, t_ore × its output, exactly
        bought = edited.value[edited.customer == plant]
        P = net.output()
        t_ore = 6500.0 / ((P[net.firm_index("B1")] + P[net.firm_index("B2")]) * 365.0)
        assert bought.sum() == pytest.approx(t_ore * out_yr, rel=1e-9)
        # every customer keeps its purchases of parts, the plant's share of them moved
        for c in it.details["customers"]:
            ci = net.firm_index(c["firm"])
            before = net.value[(net.customer == ci) & (net.link_segment == 1)
                               & (net.supplier != net.firm_index(it.details["parent"]))].sum()
            got = edited.value[(edited.customer == ci) & (edited.supplier == plant)].sum()
            assert got == pytest.approx(c["share"] * before, rel=1e-9)
    # the simple rule is still there
    old = attract_candidates(net, CostModel(), rec, "R3", "R3", lon, lat, links="parent")[0]
    assert old and all(("inputs_of", x.details["plant"], x.details["parent"]) in x.edits
                       for x in old)
