"""Chokepoints: sole suppliers, the essential-input cascade, segment and region checks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _chain_fixtures import toy_nev
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.network.cascade import failure_cascade, input_groups
from chainatlas.network.chokepoints import find_chokepoints
from chainatlas.network.graph import FirmGraph


def _row(table: pd.DataFrame, kind: str, ident: str) -> pd.Series:
    hit = table[(table["kind"] == kind) & (table["id"] == ident)]
    assert len(hit) == 1, (kind, ident, table[["kind", "id"]].values.tolist())
    return hit.iloc[0]


def test_toy_chain_chokepoints() -> None:
    res = find_chokepoints(toy_nev())
    t = res.table
    assert res.target["kind"] == "chain" and res.target["firms"] == 2  # the two car makers
    # P1 is the only pack supplier of both car makers: every car depends on it
    p1 = _row(t, "firm", "P1")
    assert p1["type"] == "sole_supplier" and p1["share"] == 1.0 and p1["firms_lost"] == 3
    # X1 is the only (foreign) chip supplier; chips are a key technology with no domestic firm
    assert _row(t, "firm", "X1")["share"] == 1.0
    chip = _row(t, "segment", "chip")
    assert chip["type"] == "key_technology_no_domestic" and chip["share"] == 1.0
    # both cell makers sit in Tongcheng: one region holds 100 % of the segment
    cell = _row(t, "segment", "cell")
    assert cell["type"] == "geographic_concentration" and cell["region"] == "340881"
    # two cell makers: neither alone is a chokepoint
    assert not ((t["kind"] == "firm") & t["id"].isin(["C1", "C2"])).any()
    assert "唯一供应商" in p1["reason_zh"] and "sole supplier" in p1["reason_en"]
    assert t["rank"].tolist() == list(range(1, len(t) + 1))
    assert t["share"].is_monotonic_decreasing


def test_english_reasons_name_regions_in_english() -> None:
    ds = toy_nev()
    ds.tables["regions"] = ds.regions.assign(name_en=["Tongcheng", "Hefei", "Nanjing", ""])
    t = find_chokepoints(ds, max_regions=5).table
    cell = _row(t, "segment", "cell")
    assert "sits in Tongcheng;" in cell["reason_en"] and "桐城市" in cell["reason_zh"]
    region_rows = t[t["kind"] == "region"]
    assert len(region_rows)
    regional = (t["kind"] == "region") | (t["type"] == "geographic_concentration")
    for text in t.loc[regional, "reason_en"]:  # firm names stay as registered
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def test_target_firm_and_segment() -> None:
    ds = toy_nev()
    t = find_chokepoints(ds, "A1").table
    assert _row(t, "firm", "P1")["share"] == 1.0
    assert not (t["id"] == "A2").any()  # the other car maker is not on A1's supply side
    seg = find_chokepoints(ds, "pack").table
    assert set(seg.loc[seg["kind"] == "firm", "id"]) <= {"C1", "C2"}
    with pytest.raises(DataNotFound):
        find_chokepoints(ds, "nothing")
    with pytest.raises(InputError):
        find_chokepoints(ds, foreign_threshold=1.5)


def test_dominator_found_in_a_line() -> None:
    ds = toy_nev()
    # C1 becomes the only cell maker: it dominates P1 and the whole car supply through packs
    ds.tables["supply_links"] = ds.supply_links[ds.supply_links["supplier"] != "C2"]
    t = find_chokepoints(ds, "P1").table
    c1 = _row(t, "firm", "C1")
    assert "dominator" in c1["type"] and "sole_supplier" in c1["type"]
    assert c1["dominated_share"] == 1.0


def test_non_essential_inputs_do_not_cascade() -> None:
    ds = toy_nev()
    ds.tables["segments"] = ds.segments.assign(essential=[True, True, False, True])
    t = find_chokepoints(ds).table
    assert not ((t["kind"] == "firm") & (t["id"] == "X1")).any()


def _brute_cascade(n: int, links: list[tuple[int, int, int]], seeds: list[int]) -> set[int]:
    failed = set(seeds)
    changed = True
    while changed:
        changed = False
        groups: dict[tuple[int, int], set[int]] = {}
        for s, c, k in links:
            groups.setdefault((c, k), set()).add(s)
        for (c, _k), sups in groups.items():
            if c not in failed and sups <= failed:
                failed.add(c)
                changed = True
    return failed


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 10).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 2))
             .filter(lambda e: e[0] != e[1]), max_size=30),
    st.lists(st.integers(0, n - 1), min_size=1, max_size=3))))
def test_cascade_equals_fixed_point(case: tuple[int, list[tuple[int, int, int]], list[int]]) -> None:
    n, links, seeds = case
    g = FirmGraph.from_arrays([f"f{i}" for i in range(n)], [e[0] for e in links],
                              [e[1] for e in links], edge_segment=[e[2] for e in links],
                              segment_ids=["a", "b", "c"])
    failed = failure_cascade(input_groups(g), seeds)
    assert set(np.flatnonzero(failed).tolist()) == _brute_cascade(n, links, seeds)


def test_sole_suppliers_listing() -> None:
    g = FirmGraph.from_dataset(toy_nev())
    sup, cust, seg = input_groups(g).sole_suppliers()
    got = sorted(zip(g.firm_ids[sup], g.firm_ids[cust], g.segment_ids[seg], strict=True))
    assert got == [("P1", "A1", "pack"), ("P1", "A2", "pack"),
                   ("X1", "A1", "chip"), ("X1", "A2", "chip")]


@settings(max_examples=60, deadline=None)
@given(st.integers(3, 12).flatmap(lambda n: st.tuples(
    st.just(n),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 1))
             .filter(lambda e: e[0] < e[1]), min_size=1, max_size=30))))
def test_cascade_share_covers_dominated_share(case: tuple[int, list[tuple[int, int, int]]]) -> None:
    # on an acyclic graph with essential inputs only, every firm a failed firm dominates fails
    n, links = case
    ids = [f"f{i}" for i in range(n)]
    seg_of = {k: f"s{k}" for k in range(2)}
    links = list({(a, b): (a, b, s) for a, b, s in links}.values())
    ds = _dataset_from(ids, links, seg_of)
    t = find_chokepoints(ds).table
    firms = t[t["kind"] == "firm"]
    assert (firms["share"] >= firms["dominated_share"] - 1e-12).all()


def _dataset_from(ids: list[str], links: list[tuple[int, int, int]],
                  seg_of: dict[int, str]):  # noqa: ANN202
    from chainatlas.model.dataset import Dataset

    return Dataset("h", {
        "segments": pd.DataFrame({"id": list(seg_of.values()), "chain": "c",
                                  "name": list(seg_of.values()), "stage": "midstream"}),
        "firms": pd.DataFrame({"id": ids, "name": ids, "region": "310000"}),
        "firm_segments": pd.DataFrame({"firm": ids, "segment": "s0", "output_value": 1.0}),
        "supply_links": pd.DataFrame({"supplier": [ids[a] for a, _, _ in links],
                                      "customer": [ids[b] for _, b, _ in links],
                                      "segment": [seg_of[s] for _, _, s in links]}),
    })
