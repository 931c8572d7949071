"""Throughput and takt: LP optimum against hand-solved small chains."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _chain_fixtures import toy_nev
from chainatlas.exceptions import DataNotFound, InputError, ModelError
from chainatlas.model.dataset import Dataset
from chainatlas.network.graph import FirmGraph
from chainatlas.network.throughput import chain_throughput, segment_requirements


def test_toy_chain_hand_solved() -> None:
    # cars ≤ 50 + 60 = 110; packs ≤ 90; cells 400 / 4 = 100; chips 150 / 2 = 75  ⇒ 75 cars/day
    res = chain_throughput(toy_nev())
    assert res.segment == "car"
    assert res.units_per_day == pytest.approx(75.0)
    assert res.segment_bound == pytest.approx(75.0)
    assert res.takt_seconds == pytest.approx(86400 / 75)
    assert res.bottleneck_firms["firm"].tolist() == ["X1"]
    assert "binds: chip" in res.notes  # the output says what binds
    assert res.bottleneck_firms["shadow_price"].iloc[0] == pytest.approx(0.5)  # 2 chips per car
    segs = res.segments.set_index("segment")
    assert segs.loc["cell", "requirement_per_unit"] == pytest.approx(4.0)
    assert segs.loc["chip", "max_units_alone"] == pytest.approx(75.0)
    assert bool(segs.loc["chip", "binding_segment_bound"])
    assert chain_throughput(toy_nev(), hours_per_day=8).takt_seconds == pytest.approx(8 * 3600 / 75)


def test_intermediate_segment_throughput() -> None:
    # packs alone: P1 capacity 90 needs 360 cells of 400 ⇒ 90 packs/day
    res = chain_throughput(toy_nev(), "pack")
    assert res.units_per_day == pytest.approx(90.0)
    assert res.bottleneck_firms["firm"].tolist() == ["P1"]


def _two_tier(links: list[tuple[str, str]], extra_firm: bool = False,
              regions: dict[str, str] | None = None) -> Dataset:
    """Parts (S1, S2: 100/day each) → products (M1, M2: 100/day each); 2 parts per product."""
    firms = ["S1", "S2", "M1", "M2"] + (["M3"] if extra_firm else [])
    reg = regions or {}
    return Dataset("t", {
        "segments": pd.DataFrame({"id": ["part", "prod"], "chain": "c", "name": ["零件", "产品"],
                                  "stage": ["upstream", "downstream"]}),
        "segment_inputs": pd.DataFrame({"segment": ["prod"], "input_segment": ["part"],
                                        "quantity": [2.0]}),
        "firms": pd.DataFrame({"id": firms, "name": firms,
                               "region": [reg.get(f, "310000") for f in firms]}),
        "firm_segments": pd.DataFrame({
            "firm": firms, "segment": ["part", "part", "prod", "prod"] + (["prod"] if extra_firm
                                                                        else []),
            "capacity": [100.0, 100.0, 100.0, 100.0] + ([30.0] if extra_firm else [])}),
        "supply_links": pd.DataFrame({"supplier": [a for a, _ in links],
                                      "customer": [b for _, b in links], "segment": "part"}),
    })


def test_links_bind_below_segment_bound() -> None:
    # S2 supplies nobody: M1 + M2 ≤ S1 / 2 = 50, although the segments allow 200 / 2 = 100
    res = chain_throughput(_two_tier([("S1", "M1"), ("S1", "M2")]))
    assert res.units_per_day == pytest.approx(50.0)
    assert res.segment_bound == pytest.approx(100.0)
    assert res.bottleneck_firms["firm"].tolist() == ["S1"]
    assert res.bottleneck_firms["shadow_price"].iloc[0] == pytest.approx(0.5)
    both = chain_throughput(_two_tier([("S1", "M1"), ("S2", "M2"), ("S1", "M2")]))
    assert both.units_per_day == pytest.approx(100.0)


def test_unlinked_inputs_assumed_or_blocked() -> None:
    ds = _two_tier([("S1", "M1"), ("S1", "M2")], extra_firm=True)
    assert chain_throughput(ds).units_per_day == pytest.approx(80.0)  # M3 makes 30 freely
    blocked = chain_throughput(ds, assume_unlinked=False)
    assert blocked.units_per_day == pytest.approx(50.0)


def test_area_blocks_or_imports_outside_inputs() -> None:
    ds = _two_tier([("S1", "M1"), ("S2", "M2")], regions={"S1": "320100", "M2": "320100"})
    g = FirmGraph.from_dataset(ds)
    shanghai = np.char.startswith(g.firm_region.astype(str), "31")
    # in Shanghai: S2 → M1? no link; M1's parts come from S1 in Nanjing ⇒ blocked
    assert chain_throughput(ds, graph=g, area=shanghai).units_per_day == pytest.approx(0.0)
    # importing from the direct outside supplier S1 (100 parts/day, 2 per product): M1 makes 50
    res = chain_throughput(ds, graph=g, area=shanghai, import_outside=True)
    assert res.units_per_day == pytest.approx(50.0)
    assert res.bottleneck_firms["firm"].tolist() == ["S1"] and np.isnan(res.segment_bound)
    nanjing = ~shanghai
    # in Nanjing: M2 gets parts from S2 (outside) ⇒ blocked; S1 feeds M1 (outside) ⇒ no product
    assert chain_throughput(ds, graph=g, area=nanjing).units_per_day == pytest.approx(0.0)


def test_requirements_multiply_along_the_bom() -> None:
    g = FirmGraph.from_dataset(toy_nev())
    r = segment_requirements(g, toy_nev().segment_inputs, g.segment_index("car"))
    assert dict(zip(g.segment_ids, r, strict=True)) == {"cell": 4.0, "pack": 1.0, "chip": 2.0,
                                                        "car": 1.0}


def test_errors() -> None:
    with pytest.raises(DataNotFound):
        chain_throughput(toy_nev(), "nope")
    with pytest.raises(InputError):
        chain_throughput(toy_nev(), hours_per_day=30)
    ds = toy_nev()
    ds.tables["segment_inputs"] = pd.concat([ds.segment_inputs, pd.DataFrame(
        {"segment": ["cell"], "input_segment": ["car"], "quantity": [1.0]})], ignore_index=True)
    with pytest.raises((ModelError, DataNotFound)):
        chain_throughput(ds, "car")


def test_unknown_capacity_is_unbounded() -> None:
    ds = toy_nev()
    ds.tables["firm_segments"] = ds.firm_segments.assign(capacity=np.nan)
    res = chain_throughput(ds, "car")
    assert res.units_per_day == float("inf") and any("unbounded" in n for n in res.notes)
    assert res.takt_seconds is None and res.to_dict()["takt_seconds"] is None
    assert any(n.startswith("nothing binds") for n in res.notes)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(1.0, 500.0), min_size=6, max_size=6),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_lp_never_exceeds_segment_bound(caps: list[float], keep: list[bool]) -> None:
    ds = toy_nev()
    ds.tables["firm_segments"] = ds.firm_segments.assign(capacity=caps)
    links = ds.supply_links
    mask = np.array(keep) | (links["segment"] == "pack").to_numpy()  # keep P1's links
    ds.tables["supply_links"] = links[mask]
    res = chain_throughput(ds, "car", assume_unlinked=False)
    assert 0.0 <= res.units_per_day <= res.segment_bound * (1 + 1e-9) + 1e-9
    bigger = toy_nev()
    bigger.tables["firm_segments"] = ds.firm_segments.assign(capacity=[2 * c for c in caps])
    bigger.tables["supply_links"] = links[mask]
    doubled = chain_throughput(bigger, "car", assume_unlinked=False).units_per_day
    assert doubled == pytest.approx(2 * res.units_per_day, rel=1e-6, abs=1e-6)


def _two_products(demand: tuple[float, float] | None = (30.0, 10.0)) -> Dataset:
    """One part maker S (100 parts/day) feeding MA (product A, 90/day, 1 part each) and MB
    (product B, 45/day, 2 parts each); final demand A 30, B 10 units/day."""
    fs = pd.DataFrame({"firm": ["S", "MA", "MB"], "segment": ["part", "A", "B"],
                       "capacity": [100.0, 90.0, 45.0]})
    if demand is not None:
        fs["final_demand"] = [np.nan, demand[0], demand[1]]
    return Dataset("mix", {
        "segments": pd.DataFrame({"id": ["part", "A", "B"], "chain": "c",
                                  "name": ["零件", "甲", "乙"],
                                  "stage": ["upstream", "downstream", "downstream"]}),
        "segment_inputs": pd.DataFrame({"segment": ["A", "B"], "input_segment": ["part", "part"],
                                        "quantity": [1.0, 2.0]}),
        "firms": pd.DataFrame({"id": ["S", "MA", "MB"], "name": ["S", "MA", "MB"],
                               "region": "310000"}),
        "firm_segments": fs,
        "supply_links": pd.DataFrame({"supplier": ["S", "S"], "customer": ["MA", "MB"],
                                      "segment": "part"}),
    })


def test_joint_mix_hand_solved() -> None:
    # weights 30:10 = 0.75 A, 0.25 B.  λ mix units/day need 0.75λ·1 + 0.25λ·2 = 1.25λ parts
    # ≤ 100 ⇒ λ ≤ 80;  A: 0.75λ ≤ 90 ⇒ 120;  B: 0.25λ ≤ 45 ⇒ 180.  So λ = 80 (A 60, B 20),
    # the part maker binds with shadow price 1 / 1.25 = 0.8, takt 86400 / 80 = 1080 s.
    res = chain_throughput(_two_products())
    assert res.segment == "mix" and res.weights_from == "final_demand"
    mix = res.mix.set_index("segment")
    assert mix["weight"].to_dict() == pytest.approx({"A": 0.75, "B": 0.25})
    assert mix["units_per_day"].to_dict() == pytest.approx({"A": 60.0, "B": 20.0})
    assert res.units_per_day == pytest.approx(80.0)
    assert res.segment_bound == pytest.approx(80.0)
    assert res.takt_seconds == pytest.approx(1080.0)
    assert res.bottleneck_firms["firm"].tolist() == ["S"]
    assert res.bottleneck_firms["shadow_price"].iloc[0] == pytest.approx(0.8)
    assert "binds: part" in res.notes
    assert any(n.startswith("product mix of 2 segment(s) (final-demand mix): A 0.75, B 0.25")
               for n in res.notes)
    segs = res.segments.set_index("segment")
    assert segs.loc["part", "requirement_per_unit"] == pytest.approx(1.25)
    d = res.to_dict()
    assert d["weights_from"] == "final_demand" and len(d["mix"]) == 2
    # one segment still optimises that segment alone: B ≤ min(45, 100 / 2) = 45, MB binds
    b = chain_throughput(_two_products(), "B")
    assert b.segment == "B" and b.weights_from == "segment"
    assert b.units_per_day == pytest.approx(45.0) and b.bottleneck_firms["firm"].tolist() == ["MB"]
    # a mix of one's own: 1 A : 1 B ⇒ 1.5 λ' parts ≤ 100, B 0.5 λ' ≤ 45 ⇒ λ' = min(66.7, 90)
    own = chain_throughput(_two_products(), weights={"A": 1, "B": 1})
    assert own.weights_from == "given" and own.units_per_day == pytest.approx(200 / 3)


def test_mix_without_demand_falls_back_to_capacity_then_equal() -> None:
    # capacity weights 90:45 ⇒ 2/3 A, 1/3 B: parts (2/3 + 2/3) λ ≤ 100 ⇒ λ = 75
    res = chain_throughput(_two_products(demand=None))
    assert res.weights_from == "capacity"
    assert res.mix.set_index("segment")["weight"].to_dict() == pytest.approx(
        {"A": 2 / 3, "B": 1 / 3})
    assert res.units_per_day == pytest.approx(75.0)
    ds = _two_products(demand=None)
    ds.tables["firm_segments"] = ds.firm_segments.assign(capacity=[100.0, np.nan, 45.0])
    eq = chain_throughput(ds)  # A's capacity unknown ⇒ equal weights: 1.5 λ ≤ 100, 0.5 λ ≤ 45
    assert eq.weights_from == "equal" and eq.units_per_day == pytest.approx(200 / 3)
    with pytest.raises(InputError):
        chain_throughput(_two_products(), "A", weights={"A": 1.0})
    with pytest.raises(InputError):
        chain_throughput(_two_products(), weights={"A": -1.0})
    with pytest.raises(InputError):
        chain_throughput(_two_products(), weights={"A": 0.0})


def _independent_mix_lp(ds: Dataset, weights: dict[str, float]) -> float:
    """The same LP written out row by row with dense matrices: variables x_firm (each firm makes
    one segment), y_link, λ; every firm's input needs are met by its links (all linked)."""
    from scipy.optimize import linprog

    fs = ds.firm_segments
    firms = fs["firm"].tolist()
    seg_of = dict(zip(fs["firm"], fs["segment"], strict=True))
    cap = dict(zip(fs["firm"], fs["capacity"], strict=True))
    links = list(zip(ds.supply_links["supplier"], ds.supply_links["customer"], strict=True))
    bom = ds.segment_inputs
    nx, ny = len(firms), len(links)
    nv = nx + ny + 1
    rows: list[np.ndarray] = []
    total = sum(weights.values())
    for i, f in enumerate(firms):  # shipments ≤ production
        r = np.zeros(nv)
        r[i] = -1.0
        for k, (a, _b) in enumerate(links):
            if a == f:
                r[nx + k] = 1.0
        rows.append(r)
        for _, inp in bom[bom["segment"] == seg_of[f]].iterrows():  # needs ≤ deliveries
            r = np.zeros(nv)
            r[i] = inp["quantity"]
            for k, (a, b) in enumerate(links):
                if b == f and seg_of[a] == inp["input_segment"]:
                    r[nx + k] = -1.0
            rows.append(r)
    for s, wt in weights.items():  # w_s λ ≤ net output of s
        r = np.zeros(nv)
        r[-1] = wt / total
        for i, f in enumerate(firms):
            if seg_of[f] == s:
                r[i] = -1.0
        for k, (a, _b) in enumerate(links):
            if seg_of[a] == s:
                r[nx + k] = 1.0
        rows.append(r)
    c = np.zeros(nv)
    c[-1] = -1.0
    bounds = [(0.0, None if np.isnan(cap[f]) else cap[f]) for f in firms] + [(0.0, None)] * (ny + 1)
    res = linprog(c, A_ub=np.array(rows), b_ub=np.zeros(len(rows)), bounds=bounds,
                  method="highs")
    if res.status == 3:  # unbounded, proved by HiGHS on the original LP
        return float("inf")
    assert res.status == 0
    return float(-res.fun)


def _two_product_toy(caps: list[float], dem: list[float]) -> Dataset:
    # the toy chain with a second product (bus: 2 packs and 4 chips, made by B1 from P1 and X1)
    ds = toy_nev()
    fs = pd.concat([ds.firm_segments, pd.DataFrame({"firm": ["B1"], "segment": ["bus"]})],
                   ignore_index=True).assign(capacity=caps)
    fs["final_demand"] = [np.nan] * 3 + [dem[0], dem[0], np.nan, dem[1]]
    ds.tables["firm_segments"] = fs
    ds.tables["firms"] = pd.concat([ds.firms, pd.DataFrame(
        {"id": ["B1"], "name": ["客车一"], "region": ["320100"], "country": ["CHN"],
         "ownership": ["domestic"]})], ignore_index=True)
    ds.tables["segments"] = pd.concat([ds.segments, pd.DataFrame(
        {"id": ["bus"], "chain": ["nev"], "name": ["客车"], "stage": ["downstream"],
         "essential": [True], "key_technology": [False]})], ignore_index=True)
    ds.tables["segment_inputs"] = pd.concat([ds.segment_inputs, pd.DataFrame(
        {"segment": ["bus", "bus"], "input_segment": ["pack", "chip"],
         "quantity": [2.0, 4.0]})], ignore_index=True)
    ds.tables["supply_links"] = pd.concat([ds.supply_links, pd.DataFrame(
        {"supplier": ["P1", "X1"], "customer": ["B1", "B1"], "segment": ["pack", "chip"]})],
        ignore_index=True)
    return ds


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(1.0, 500.0), min_size=7, max_size=7),
       st.lists(st.floats(0.0, 10.0), min_size=2, max_size=2))
def test_mix_lp_matches_an_independent_formulation(caps: list[float], dem: list[float]) -> None:
    ds = _two_product_toy(caps, dem)
    weights = {"car": 2 * dem[0], "bus": dem[1]}
    if sum(weights.values()) == 0:
        return
    res = chain_throughput(ds)
    assert res.weights_from == "final_demand"
    expected = _independent_mix_lp(ds, weights)
    assert res.units_per_day == pytest.approx(expected, rel=1e-7, abs=1e-7)
    assert res.units_per_day <= res.segment_bound * (1 + 1e-9) + 1e-9


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.just(float("nan")), st.floats(1.0, 500.0)), min_size=7,
                max_size=7),
       st.lists(st.floats(0.5, 10.0), min_size=2, max_size=2))
def test_unknown_capacities_decided_like_the_original_lp(caps: list[float],
                                                         dem: list[float]) -> None:
    """With some capacities unknown the throughput is first decided on the LP's recession cone;
    bounded or unbounded, the answer equals HiGHS on the original LP written out by hand."""
    ds = _two_product_toy(caps, dem)
    expected = _independent_mix_lp(ds, {"car": 2 * dem[0], "bus": dem[1]})
    res = chain_throughput(ds)
    if np.isinf(expected):
        assert res.units_per_day == float("inf") and res.takt_seconds is None
    else:
        assert res.units_per_day == pytest.approx(expected, rel=1e-7, abs=1e-7)


def test_cone_check_acts_both_ways() -> None:
    """The recession-cone check is forced to decide: every capacity unknown (unbounded), and one
    unknown capacity behind a finite one (bounded: the car maker's 30/day binds)."""
    nan = float("nan")
    ds = _two_product_toy([nan] * 7, [1.0, 0.0])
    assert _independent_mix_lp(ds, {"car": 2.0, "bus": 0.0}) == float("inf")
    assert chain_throughput(ds).units_per_day == float("inf")
    caps = [nan, nan, nan, 30.0, 30.0, nan, nan]  # both car makers finite, the rest unknown
    ds = _two_product_toy(caps, [1.0, 0.0])
    expected = _independent_mix_lp(ds, {"car": 2.0, "bus": 0.0})
    assert np.isfinite(expected)
    assert chain_throughput(ds).units_per_day == pytest.approx(expected, rel=1e-9)
