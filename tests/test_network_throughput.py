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
