"""Travel times and N-hour circles: hand-checked distances, the seed's YRD cities, a tiny chain."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainatlas.cluster import (
    MODES,
    TravelMode,
    great_circle_km,
    input_circle,
    travel_time_matrix,
    travel_times_from,
)
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.dataset import Dataset

# Real coordinates (city centres, degrees) as in the yrd-nev demo's regions table.
YRD = pd.DataFrame({
    "code": ["310000", "320100", "340881", "330784", "JPN"],
    "name": ["上海市", "南京市", "桐城市", "永康市", "日本"],
    "lon": [121.47, 118.80, 116.97, 120.05, 139.69],
    "lat": [31.23, 32.06, 31.04, 28.89, 35.69],
    "country": ["CHN", "CHN", "CHN", "CHN", "JPN"],
})


def test_great_circle_one_degree_of_latitude_and_of_equator():
    r = 6371.0088
    assert great_circle_km(0, 0, 0, 1) == pytest.approx(np.pi * r / 180)
    assert great_circle_km(0, 0, 1, 0) == pytest.approx(np.pi * r / 180)
    assert great_circle_km(10, 50, 10, 50) == 0
    # symmetric and broadcast
    d = great_circle_km(np.array([0, 10]), 0, 0, np.array([1, 0]))
    np.testing.assert_allclose(d, [np.pi * r / 180, 10 * np.pi * r / 180])


def test_shanghai_great_circle_distances():
    t = YRD.set_index("code")
    km = great_circle_km(t.loc["310000", "lon"], t.loc["310000", "lat"],
                         t["lon"].to_numpy(), t["lat"].to_numpy())
    # an independent formula: the spherical law of cosines
    p1, p2 = np.radians(31.23), np.radians(t["lat"].to_numpy())
    dl = np.radians(121.47 - t["lon"].to_numpy())
    cos_law = 6371.0088 * np.arccos(np.clip(np.sin(p1) * np.sin(p2)
                                            + np.cos(p1) * np.cos(p2) * np.cos(dl), -1, 1))
    np.testing.assert_allclose(km, cos_law, atol=1e-6)
    # Shanghai–Nanjing ≈ 269 km, –Tongcheng ≈ 429 km, –Yongkang ≈ 295 km (straight line)
    np.testing.assert_allclose(km[1:4], [269, 429, 295], atol=3)


def test_seed_cities_by_road_and_rail():
    """The seed's "4-hour circle" (Shanghai design/chips, Nanjing assembly, Yongkang software
    testing, Tongcheng batteries) measured from Shanghai.

    Road (1.2 × great circle at 90 km/h, matching navigation estimates of ~300 km/3.5 h to
    Nanjing and ~330 km/3.8 h to Yongkang): Nanjing and Yongkang are within 4 h. Tongcheng is
    429 km away in a straight line; a 4-hour road trip would need an average above 107 km/h along
    that straight line (the real road is ≈ 510 km), so by road it lies outside the 4-hour circle
    (≈ 5.7 h) and inside it by high-speed rail.
    """
    road = travel_times_from(YRD, "310000", "road")
    assert road["310000"] == 0
    assert 3.0 < road["320100"] < 4.0
    assert 3.5 < road["330784"] < 4.0
    assert 5.0 < road["340881"] < 6.5
    assert np.isnan(road["JPN"])  # no road time abroad
    rail = travel_times_from(YRD, "310000", "rail")
    assert (rail[["320100", "340881", "330784"]] < 4.0).all()
    # Nanjing as the assembly site: Tongcheng (batteries) is within 4 h by road
    assert travel_times_from(YRD, "320100", "road")["340881"] < 4.0


def test_mode_formula_and_validation():
    m = TravelMode("truck", detour=1.5, speed_kmh=60, overhead_h=1)
    assert m.hours(120.0) == pytest.approx(1 + 1.5 * 120 / 60)
    assert m.hours(0.0) == 0.0
    with pytest.raises(InputError):
        TravelMode("bad", detour=0.5, speed_kmh=60)
    with pytest.raises(InputError):
        travel_times_from(YRD, "310000", "boat")
    with pytest.raises(DataNotFound):
        travel_times_from(YRD, "999999", "road")
    assert set(MODES) == {"road", "rail"}


def test_matrix_is_symmetric_and_given_times_override():
    T = travel_time_matrix(YRD, "road")
    np.testing.assert_allclose(T.to_numpy(), T.to_numpy().T, equal_nan=True)
    assert (np.diag(T.to_numpy()) == 0).all()
    given = pd.DataFrame({"origin": ["310000"], "destination": ["340881"], "hours": [3.9]})
    T2 = travel_time_matrix(YRD, "road", times=given)
    assert T2.loc["310000", "340881"] == 3.9 and T2.loc["340881", "310000"] == 3.9
    assert T2.loc["310000", "320100"] == T.loc["310000", "320100"]
    row = travel_times_from(YRD, "310000", times=given)
    assert row["340881"] == 3.9
    with pytest.raises(InputError):
        travel_time_matrix(YRD, times=given.assign(hours=[-1.0]))


def _tiny() -> Dataset:
    regions = YRD.rename(columns={}).assign(level="city")
    firms = pd.DataFrame({
        "id": ["f1", "f2", "f3", "f4"], "name": ["一", "二", "三", "四"],
        "region": ["310000", "320100", "340881", "JPN"],
        "country": ["CHN", "CHN", "CHN", "JPN"],
        "tags": [["链主"], [], ["上市"], []],
    })
    segments = pd.DataFrame({"id": ["a", "b"], "chain": ["c", "c"], "name": ["甲", "乙"],
                             "stage": ["midstream", "upstream"]})
    fs = pd.DataFrame({"firm": ["f1", "f2", "f3", "f4"], "segment": ["a", "a", "b", "b"],
                       "capacity": [10.0, 30.0, 20.0, 20.0],
                       "output_value": [100.0, 300.0, 200.0, 200.0]})
    links = pd.DataFrame({"supplier": ["f2", "f3", "f4"], "customer": ["f1", "f1", "f1"],
                          "segment": ["a", "b", "b"], "value": [50.0, 30.0, 20.0]})
    return Dataset.from_frames("tiny", {"regions": regions, "firms": firms, "segments": segments,
                                        "firm_segments": fs, "supply_links": links})


def test_circle_on_a_tiny_chain_by_hand():
    res = input_circle(_tiny(), "310000", 4.0)
    seg = res.segments.set_index("segment")
    # a: Shanghai 100 + Nanjing 300 within; b: Tongcheng (5.7 h) and Japan outside
    assert seg.loc["a", "share_within"] == 1.0 and seg.loc["b", "share_within"] == 0.0
    assert res.share_within == pytest.approx(400 / 800)
    assert (res.segments_covered, res.segments_total) == (1, 2)
    assert res.sourcing == {"links": 3, "value": 100.0, "value_within": 50.0,
                            "share_within": 0.5}
    assert seg.loc["b", "bought_within_share"] == 0.0
    assert seg.loc["b", "nearest_region"] == "340881"
    assert seg["stage"].tolist() == ["upstream", "midstream"]  # upstream first
    within = res.regions.loc[res.regions["within"], "code"].tolist()
    assert within == ["310000", "320100"]
    # 6 hours take Tongcheng in; rail takes it in at 4 hours
    assert input_circle(_tiny(), "310000", 6.0).share_within == pytest.approx(600 / 800)
    assert input_circle(_tiny(), "310000", 4.0, mode="rail").segments_covered == 2


def test_circle_counts_firms_when_no_value_and_rejects_bad_hours():
    ds = _tiny()
    ds.tables["firm_segments"] = ds.tables["firm_segments"].assign(output_value=np.nan)
    res = input_circle(ds, "310000", 4.0)
    assert res.value == "firms" and "counted instead" in res.notes[0]
    assert res.share_within == pytest.approx(2 / 4)
    res = input_circle(ds, "310000", 4.0, value="capacity")
    assert res.share_within == pytest.approx(40 / 80)
    ds.tables["firm_segments"] = ds.tables["firm_segments"].assign(capacity=np.nan)
    res = input_circle(ds, "310000", 4.0, value="capacity")
    assert res.value == "firms" and res.share_within == pytest.approx(2 / 4)
    with pytest.raises(InputError):
        input_circle(ds, "310000", 0)


def test_demo_shanghai_four_hour_circle():
    from chainatlas.datasets import load_demo

    ds = load_demo("yrd-nev")
    res = input_circle(ds, "310000", 4.0)
    within = set(res.regions.loc[res.regions["within"], "code"])
    assert {"310000", "320100", "330784"} <= within and "340881" not in within
    assert 0 < res.share_within < 1
    assert res.segments_covered <= res.segments_total == len(ds.segments)
