"""Chain map: counts, shares, LQ, HHI, anchors, statuses and the health score."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from _chain_fixtures import toy_nev
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.network.area import adcode_prefix, region_mask, travel_hours, within_hours_mask
from chainatlas.network.chain_map import chain_map
from chainatlas.network.graph import FirmGraph
from chainatlas.network.health import WEIGHTS
from chainatlas.network.tiers import supplier_tiers


def _seg(res, sid: str) -> pd.Series:  # noqa: ANN001
    return res.segments.set_index("segment").loc[sid]


def test_domestic_view_hand_values() -> None:
    res = chain_map(toy_nev())
    # output values 3000, 1000, 900, 5000, 6000 domestic and 1500 foreign: area share 15900/17400
    assert res.area["area_share"] == pytest.approx(15900 / 17400)
    cell = _seg(res, "cell")
    assert cell["firms"] == 2 and cell["firms_local"] == 2
    assert cell["local_share"] == 1.0
    assert cell["lq"] == pytest.approx(17400 / 15900)
    assert cell["hhi_firm"] == pytest.approx(0.75 ** 2 + 0.25 ** 2)
    assert cell["hhi_region"] == pytest.approx(1.0) and cell["top_region"] == "340881"
    assert cell["capacity"] == 400.0 and cell["output"] == 4000.0
    car = _seg(res, "car")
    assert car["hhi_firm"] == pytest.approx((5 / 11) ** 2 + (6 / 11) ** 2)
    assert car["anchor_by_output"] == "整车二" and car["tags"] == "链主×1"
    assert bool(car["has_chain_leader"])
    assert _seg(res, "pack")["anchor_by_customers"] == "电池包一"
    chip = _seg(res, "chip")
    assert chip["foreign_share"] == 1.0 and chip["firms_local"] == 0
    # no domestic chip maker, but domestic car makers consume chips: a gap next to what exists
    assert chip["status"] == "missing_adjacent"
    assert {_seg(res, s)["status"] for s in ("cell", "pack", "car")} == {"strong"}


def test_region_view_statuses() -> None:
    ds = toy_nev()
    g = FirmGraph.from_dataset(ds)
    anhui = chain_map(ds, graph=g, area=region_mask(g.firm_region, "340000"))
    st = anhui.segments.set_index("segment")["status"].to_dict()
    # Anhui has the cells (Tongcheng) and the packs (Hefei); cars are in Nanjing and consume
    # packs (adjacent); chips feed only cars, which Anhui lacks
    assert st == {"cell": "strong", "pack": "strong", "car": "missing_adjacent",
                  "chip": "missing"}
    health = anhui.health.iloc[0]
    assert health["segments_present"] == 2 and health["h_completeness"] == pytest.approx(0.5)


def test_health_score_is_weighted_mean_of_components() -> None:
    res = chain_map(toy_nev())
    seg = res.segments
    comps = [f"h_{c}" for c in WEIGHTS]
    vals = seg[comps].to_numpy(float)
    w = np.array(list(WEIGHTS.values()))
    have = ~np.isnan(vals)
    expect = 100 * np.nansum(vals * w, axis=1) / (have * w).sum(axis=1)
    assert np.allclose(seg["health"], expect)
    assert ((seg["health"] >= 0) & (seg["health"] <= 100)).all()
    assert res.health["health"].between(0, 100).all()


def test_chain_filter() -> None:
    with pytest.raises(DataNotFound):
        chain_map(toy_nev(), chain="other")
    assert len(chain_map(toy_nev(), chain="nev").segments) == 4


def test_adcode_prefix_and_region_mask() -> None:
    assert adcode_prefix("340000") == "34" and adcode_prefix("340800") == "3408"
    assert adcode_prefix("340881") == "340881" and adcode_prefix("JPN") == "JPN"
    regions = np.array(["340881", "340100", "320100", "JPN", "340800"], dtype=object)
    assert region_mask(regions, "340800").tolist() == [True, False, False, False, True]
    assert region_mask(regions, "340000,JPN").tolist() == [True, True, False, True, True]
    with pytest.raises(InputError):
        region_mask(regions, " , ")


def test_travel_hours_and_within_hours() -> None:
    # Shanghai–Nanjing: Δλ = 2.67°, Δφ = 0.83° at φ ≈ 31.6° ⇒ √(252.7² + 92.3²) ≈ 269 km
    km = travel_hours(121.47, 31.23, 118.80, 32.06, detour=1.0, speed_kmh=1.0)
    assert km == pytest.approx(269.0, abs=1.0)
    ds = toy_nev()
    g = FirmGraph.from_dataset(ds)
    # Tongcheng, Hefei, Nanjing within 3 h of Hefei at 1.2 × distance / 90 km/h; the USA is not
    mask = within_hours_mask(g.firm_region, ds.regions, "340100", 3.0)
    assert mask.tolist() == [True, True, True, True, True, False]
    assert within_hours_mask(g.firm_region, ds.regions, "340100", 1.0).tolist() == \
        [False, False, True, False, False, False]
    with pytest.raises(DataNotFound):
        within_hours_mask(g.firm_region, ds.regions, "999999", 3.0)


def test_supplier_tiers() -> None:
    g = FirmGraph.from_dataset(toy_nev())
    t = supplier_tiers(g, g.index_of("A1"), depth=3)
    assert t[["tier", "firm"]].values.tolist() == [[1, "P1"], [1, "X1"], [2, "C1"], [2, "C2"]]
    assert t.set_index("firm").loc["X1", "supplies"] == "chip"
    assert t.set_index("firm").loc["C1", "region"] == "340881"
    assert supplier_tiers(g, g.index_of("A1"), depth=1)["tier"].max() == 1
    assert supplier_tiers(g, g.index_of("C1"), depth=2).empty
    with pytest.raises(InputError):
        supplier_tiers(g, 0, depth=0)


def test_segment_health_golden_value() -> None:
    # cells, domestic view: completeness 1, self-sufficiency 1, concentration 1 − 0.625,
    # innovation undefined (no assets, no R&D intensity), anchors 0.5 (anchor firm, no 链主):
    # 100 × (0.30 + 0.25 + 0.15 × 0.375 + 0.15 × 0.5) / 0.85 = 80.147…
    cell = _seg(chain_map(toy_nev()), "cell")
    assert np.isnan(cell["h_innovation"]) and cell["h_anchors"] == 0.5
    assert cell["health"] == pytest.approx(100 * 0.68125 / 0.85)
