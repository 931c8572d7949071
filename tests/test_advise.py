"""Advice (补链/强链/延链/建链): a tiny hand-checked region, properties, and the yrd-nev demo."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from chainatlas.advise import (
    ACTIONS,
    PARTS,
    STRATEGIES,
    advise_region,
    local_regions,
    segment_parts,
)
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.dataset import Dataset


def _tiny() -> Dataset:
    """R = Nanjing (with a child county R1), S = Shanghai, T = Tongcheng, JPN abroad."""
    regions = pd.DataFrame({
        "code": ["R", "R1", "S", "T", "JPN"], "name": ["南京", "南京某县", "上海", "桐城", "日本"],
        "parent": [None, "R", None, None, None],
        "lon": [118.80, 118.90, 121.47, 116.97, 139.69],
        "lat": [32.06, 32.00, 31.23, 31.04, 35.69],
        "country": ["CHN", "CHN", "CHN", "CHN", "JPN"]})
    segments = pd.DataFrame({
        "id": ["cell", "pack", "vehicle", "software", "recycling", "drone"],
        "chain": ["c", "c", "c", "c", "c", "d"],
        "name": ["电芯", "电池包", "整车", "软件", "回收", "无人机"],
        "stage": ["upstream", "midstream", "downstream", "midstream", "downstream", "downstream"],
        "essential": [True, True, True, False, False, True],
        "key_technology": [False, False, False, True, False, False]})
    bom = pd.DataFrame({"segment": ["pack", "vehicle", "vehicle", "recycling"],
                        "input_segment": ["cell", "pack", "software", "vehicle"],
                        "quantity": [1.0, 1.0, 1.0, 1.0], "share": [.5, .4, .1, .3]})
    firms = pd.DataFrame({
        "id": ["r1", "r2", "s1", "s2", "s3", "t1", "j1", "s4", "s5"],
        "name": ["南京整车", "县电池包", "上海电池包", "上海电芯", "上海软件", "桐城电芯", "日本电芯",
                 "上海回收", "上海无人机"],
        "region": ["R", "R1", "S", "S", "S", "T", "JPN", "S", "S"],
        "country": ["CHN"] * 6 + ["JPN", "CHN", "CHN"],
        "ownership": ["domestic"] * 6 + ["foreign", "domestic", "domestic"],
        "tags": [["链主"], [], [], ["上市"], ["专精特新"], [], [], [], []]})
    fs = pd.DataFrame({
        "firm": ["r1", "r2", "s1", "s2", "s3", "t1", "j1", "s4", "s5"],
        "segment": ["vehicle", "pack", "pack", "cell", "software", "cell", "cell", "recycling",
                    "drone"],
        "capacity": [10.0, 10, 90, 50, 20, 30, 20, 5, 10],
        "output_value": [1000.0, 100, 900, 500, 200, 300, 200, 50, 100]})
    links = pd.DataFrame({
        "supplier": ["r2", "s1", "s2", "s3"], "customer": ["r1", "r1", "r2", "r1"],
        "segment": ["pack", "pack", "cell", "software"], "value": [100.0, 400, 80, 60]})
    return Dataset.from_frames("tiny", {
        "regions": regions, "segments": segments, "segment_inputs": bom, "firms": firms,
        "firm_segments": fs, "supply_links": links,
        "chains": pd.DataFrame({"id": ["c", "d"], "name": ["车", "无人机"]})})


@pytest.fixture(scope="module")
def tiny() -> Dataset:
    return _tiny()


@pytest.fixture(scope="module")
def parts(tiny):
    return segment_parts(tiny, "R")


def test_local_regions_follow_the_parent_tree(tiny):
    assert local_regions(tiny.regions, "R") == {"R", "R1"}
    assert local_regions(tiny.regions, "S") == {"S"}


def test_actions_by_hand(tiny, parts):
    res = advise_region(tiny, "R", top=10, parts=parts)
    action = {r["segment"]: r["action"] for r in res.recommendations}
    assert action["cell"] == "补链"       # absent, bought by the county's pack maker, BOM input
    assert action["software"] == "补链"   # absent, bought by the anchor
    assert action["pack"] == "强链"       # present in the child county but LQ < 1, 20 % local
    assert action["recycling"] == "延链"  # absent, consumes the local vehicles
    assert action["drone"] == "建链"      # a chain the region has nothing of
    assert set(action.values()) <= set(ACTIONS)


def test_gap_and_demand_parts_by_hand(parts):
    t = parts.table
    assert t.loc["cell", "gap"] == 1.0 and t.loc["software", "gap"] == 0.8
    assert t.loc["recycling", "gap"] == 0.4 and t.loc["drone", "gap"] == 0.4
    assert t.loc["pack", "self_sufficiency"] == pytest.approx(100 / 500)
    lq = t.loc["pack", "lq"]   # (100/1100) / (1000/3150) on the domestic output matrix
    assert lq == pytest.approx((100 / 1100) / (1000 / 3150))
    assert t.loc["pack", "gap"] == pytest.approx(0.5 * (1 - lq) + 0.5 * (1 - 0.2))
    # demand: 0.7 × anchor purchases from outside / max + 0.3 × all purchases from outside / max
    assert t.loc["pack", "demand"] == pytest.approx(1.0)
    assert t.loc["software", "demand"] == pytest.approx(0.7 * 60 / 400 + 0.3 * 60 / 400)
    assert t.loc["cell", "demand"] == pytest.approx(0.3 * 80 / 400)
    # distance: nearest outside domestic producer of cells is Tongcheng (≈ 2.8 h by road)
    assert 2.5 < t.loc["cell", "nearest_hours"] < 3.0
    assert t.loc["cell", "distance"] == pytest.approx(1 - t.loc["cell", "nearest_hours"] / 8)
    for p in ("gap", "chokepoint", "density", "demand", "distance", "pci_pct", "cog_pct"):
        assert t[p].between(0, 1).all(), p


def test_score_is_the_weighted_sum_of_parts(tiny, parts):
    for strategy in STRATEGIES:
        res = advise_region(tiny, "R", strategy=strategy, top=10, parts=parts)
        assert sum(res.weights.values()) == pytest.approx(1.0)
        for r in res.recommendations:
            expect = sum(res.weights[k] * r["parts"][k] for k in PARTS)
            assert r["score"] == pytest.approx(expect, abs=1e-3)
        scores = [r["score"] for r in res.recommendations]
        assert scores == sorted(scores, reverse=True)


def test_candidates_by_hand(tiny, parts):
    res = advise_region(tiny, "R", top=10, candidates=5, parts=parts)
    cell = next(r for r in res.recommendations if r["segment"] == "cell")
    assert [c["firm"] for c in cell["candidates"]] == ["s2", "t1", "j1"]
    s2, t1, j1 = cell["candidates"]
    assert s2["supplies_region"] == 80 and "已向本地企业供货" in s2["why"]
    assert s2["tags"] == ["上市"] and not s2["foreign"]
    assert j1["foreign"] and j1["hours_away"] is None and "境外企业" in j1["why"]
    assert 2.5 < t1["hours_away"] < 3.0
    # 0.4 size percentile + 0.3 nearness + 0.2 tags + 0.1 existing ties
    assert s2["score"] == pytest.approx(0.4 * 1 + 0.3 * (1 - s2["hours_away"] / 8) + 0.2 + 0.1,
                                        abs=1e-4)
    # the local county's firm is never a candidate
    pack = next(r for r in res.recommendations if r["segment"] == "pack")
    assert [c["firm"] for c in pack["candidates"]] == ["s1"]


def test_reasons_are_in_chinese_and_name_the_evidence(tiny, parts):
    res = advise_region(tiny, "R", top=10, parts=parts)
    cell = next(r for r in res.recommendations if r["segment"] == "cell")
    assert cell["reasons"][0].startswith("南京尚无该环节企业")
    assert any("本地企业年采购该环节80万元" in x for x in cell["reasons"])
    sw = next(r for r in res.recommendations if r["segment"] == "software")
    assert any("本地链主企业从外地采购60万元" in x for x in sw["reasons"])
    assert any("关键核心技术" in x for x in sw["reasons"])


def test_weights_override_and_action_filter(tiny, parts):
    res = advise_region(tiny, "R", weights={p: 0.0 for p in PARTS} | {"demand": 1.0},
                        top=3, parts=parts)
    assert res.recommendations[0]["segment"] == "pack"
    only = advise_region(tiny, "R", actions=("补链",), top=10, parts=parts)
    assert {r["action"] for r in only.recommendations} == {"补链"}
    assert only.table["segment"].tolist() == [r["segment"] for r in only.recommendations]


def test_bad_requests(tiny):
    with pytest.raises(DataNotFound):
        advise_region(tiny, "nowhere")
    with pytest.raises(InputError):
        advise_region(tiny, "R", strategy="random")
    with pytest.raises(InputError):
        advise_region(tiny, "R", weights={"luck": 1.0})
    with pytest.raises(InputError):
        advise_region(tiny, "R", top=0)


def test_region_without_firms_gets_only_gaps_and_new_chains(tiny):
    res = advise_region(tiny, "T", top=10)
    assert {r["action"] for r in res.recommendations} <= {"强链", "补链", "延链", "建链"}
    empty = advise_region(Dataset.from_frames("x", {**tiny.tables, "firms": tiny.firms.assign(
        region=tiny.firms["region"].replace({"R": "S", "R1": "S"}))}), "R", top=10)
    assert {r["action"] for r in empty.recommendations} == {"建链"}
    assert any("density" in n or "no local" in n for n in empty.notes)


def test_demo_advice_for_nanjing():
    from chainatlas.datasets import load_demo

    ds = load_demo("yrd-nev")
    near = advise_region(ds, "320100", top=10)
    jump = advise_region(ds, "320100", strategy="long-jump", top=10)
    assert len(near.recommendations) == 10
    for r in near.recommendations:
        assert r["action"] in ACTIONS and r["reasons"]
        assert set(r["parts"]) == set(PARTS)
        for c in r["candidates"]:
            assert c["region"] != "320100" and c["why"]
    assert near.recommendations[0]["score"] >= near.recommendations[-1]["score"]
    # the exact chokepoint cascade feeds the part: the demo has segments whose loss stops output
    parts = segment_parts(ds, "320100")
    assert parts.table["chokepoint_share"].max() > 0.5
    assert (parts.table["chokepoint"] >= parts.table["chokepoint_share"]).all()
    assert near.weights != jump.weights
    assert np.isclose(sum(jump.weights.values()), 1.0)


def test_candidates_with_and_without_the_graph_agree(tiny, parts):
    from chainatlas.advise import candidate_firms

    segs = ["cell", "pack", "software", "drone"]
    fast = candidate_firms(tiny, segs, parts.local, parts.hours, graph=parts.graph)
    slow = candidate_firms(tiny, segs, parts.local, parts.hours)
    assert fast == slow
    assert fast["drone"][0]["firm"] == "s5"


def test_large_networks_fall_back_to_structural_chokepoint_risk(tiny, parts):
    small = segment_parts(tiny, "R", chokepoint_limit=1)
    assert any("structural risk only" in n for n in small.notes)
    assert (small.table["chokepoint_share"] == 0).all()
    # the structural part (foreign share, firm HHI) is unchanged and never above the exact one
    assert (small.table["chokepoint"] <= parts.table["chokepoint"] + 1e-12).all()
    # structural = max(foreign share, firm HHI), halved for non-essential segments
    t = small.table
    expect = t[["foreign_share", "hhi_firm"]].max(axis=1) * t["essential"].map({True: 1.0,
                                                                               False: 0.5})
    np.testing.assert_allclose(t["chokepoint"], expect)


_CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_reasons_in_english_say_the_same_evidence(tiny):
    regions = tiny.regions.assign(name_en=["Nanjing", "", "Shanghai", "Tongcheng", "Japan"])
    ds = Dataset.from_frames(tiny.name, {**tiny.tables, "regions": regions}, tiny.meta)
    res = advise_region(ds, "R", top=10)
    for r in res.recommendations:
        assert len(r["reasons_en"]) == len(r["reasons"]), r["segment"]
        for text in r["reasons_en"]:
            assert not _CJK.search(text), text  # English throughout, the region named in English
        for c in r["candidates"]:
            assert not _CJK.search(c["why_en"].replace("上市", "")), c["why_en"]
    cell = next(r for r in res.recommendations if r["segment"] == "cell")
    assert cell["reasons_en"][0] == ("Nanjing has no firm in this segment (missing), and it is "
                                     "an essential input")
    # 80 万元 = CNY 800,000 bought locally a year, written as the money format writes it
    assert any(x.startswith("local firms buy CNY 800") for x in cell["reasons_en"])
    sw = next(r for r in res.recommendations if r["segment"] == "software")
    assert any(x.startswith("local anchor firms buy CNY 600") for x in sw["reasons_en"])
    assert "a key core technology" in sw["reasons_en"]
    s2 = next(c for c in cell["candidates"] if c["firm"] == "s2")
    assert "tags: listed" in s2["why_en"] and "already supplies local firms" in s2["why_en"]
