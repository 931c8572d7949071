"""Map of China data: the boundary build script's decoder, the shipped files, region measures,
firm points, N-hour circles, and the table download files (no browser needed)."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.cluster.travel import great_circle_km
from chainatlas.datasets import load_demo
from chainatlas.web.geo import (
    GEO_DIR,
    boundaries,
    circle_radius_km,
    firm_points,
    geodesic_ring,
    region_measures,
    rollup_code,
)

ROOT = Path(__file__).resolve().parents[1]


def _build_script():
    spec = importlib.util.spec_from_file_location("build_boundaries",
                                                  ROOT / "scripts" / "build_boundaries.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    return mod


def _encode(points: list[tuple[int, int]], start: tuple[int, int]) -> str:
    """ECharts' encoder, written from its description: zig-zag deltas + 64, two chars a point."""
    out, (px, py) = [], start
    for x, y in points:
        for d in (x - px, y - py):
            z = (d << 1) ^ (d >> 31)
            out.append(chr(z + 64))
        px, py = x, y
    return "".join(out)


@pytest.fixture(scope="module")
def demo():
    return load_demo("yrd-nev")


def test_decoder_inverts_the_echarts_encoding() -> None:
    bb = _build_script()
    pts = [(124000, 30000), (124100, 29950), (123990, 30070), (124000, 30000)]
    ring = bb.decode_ring(_encode(pts, (124000, 30000)), [124000, 30000])
    assert ring == [[x / 1024, y / 1024] for x, y in pts]
    # "@@" is two zero deltas: the offset itself
    assert bb.decode_ring("@@", [1024, 2048]) == [[1.0, 2.0]]
    # code point 65 ("A") is zig-zag 1 → -1; 66 ("B") is 2 → +1
    assert bb.decode_ring("AB", [0, 0]) == [[-1 / 1024, 1 / 1024]]


def test_douglas_peucker_keeps_corners_and_drops_collinear_points() -> None:
    bb = _build_script()
    line = np.array([[0, 0], [1, 0.001], [2, 0], [2, 1], [2, 2]], dtype=float)
    assert bb.douglas_peucker(line, 0.01).tolist() == [[0, 0], [2, 0], [2, 2]]


def test_shipped_provinces_match_the_source_and_are_small() -> None:
    gj = boundaries("province")
    ids = {f["properties"]["id"] for f in gj["features"]}
    assert len(ids) == 35 and "nanhai" in ids  # 34 province-level divisions + the inset
    assert {"110000", "310000", "460000", "650000", "710000", "810000", "820000"} <= ids
    pts = np.array([p for f in gj["features"] for poly in f["geometry"]["coordinates"]
                    for ring in poly for p in ring])
    # published bounds of the decoded china.json: lon 73.5–135.1, lat 18.1–53.6
    assert pts[:, 0].min() == pytest.approx(73.5, abs=0.1)
    assert pts[:, 0].max() == pytest.approx(135.1, abs=0.1)
    assert pts[:, 1].min() == pytest.approx(18.1, abs=0.2)
    assert pts[:, 1].max() == pytest.approx(53.6, abs=0.1)
    total = sum(p.stat().st_size for p in GEO_DIR.glob("*.json"))
    assert total < 400 * 1024
    assert "Apache" in (GEO_DIR / "NOTICE").read_text() and "4.9.0" in (GEO_DIR / "NOTICE").read_text()


@pytest.mark.parametrize("level", ["province", "city"])
def test_centre_points_lie_inside_their_decoded_outlines(level: str) -> None:
    # ``cp`` is stored separately from the encoded geometry in the source: a decoding error
    # would move the outline away from it
    for f in boundaries(level)["features"]:
        cp = f["properties"].get("cp")
        if cp is None:
            continue
        pts = np.array([p for poly in f["geometry"]["coordinates"] for ring in poly for p in ring])
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        assert lo[0] - 0.05 <= cp[0] <= hi[0] + 0.05, f["properties"]["name"]
        assert lo[1] - 0.05 <= cp[1] <= hi[1] + 0.05, f["properties"]["name"]


@pytest.mark.parametrize("level", ["province", "city"])
def test_exterior_rings_run_clockwise_for_d3(level: str) -> None:
    for f in boundaries(level)["features"]:
        for poly in f["geometry"]["coordinates"]:
            r = np.array(poly[0])
            area = 0.5 * np.sum(r[:-1, 0] * r[1:, 1] - r[1:, 0] * r[:-1, 1])
            assert area < 0, f["properties"]["name"]
            assert poly[0][0] == poly[0][-1]


def test_yrd_cities_are_the_41_prefectures() -> None:
    ids = [f["properties"]["id"] for f in boundaries("city")["features"]]
    assert len(ids) == len(set(ids)) == 41
    assert {i[:2] for i in ids} == {"31", "32", "33", "34"}
    assert {"320100", "340800", "330700"} <= set(ids)


def test_rollup_codes() -> None:
    assert rollup_code("340881", "city") == "340800"
    assert rollup_code("340881", "province") == "340000"
    assert rollup_code("310115", "city") == "310000"  # municipality stays whole
    assert rollup_code("JPN", "city") is None


@pytest.mark.parametrize("level", ["province", "city"])
def test_region_measures_add_up(demo, level: str) -> None:
    m = region_measures(demo, level)
    codes = [rollup_code(c, level) for c in demo.firms["region"]]
    firms = demo.firms.assign(code=codes)
    known = {f["properties"]["id"] for f in boundaries(level)["features"]}
    assert m["firms"].sum() == firms["code"].isin(known).sum()
    out = demo.firm_segments.merge(firms[["id", "code"]], left_on="firm", right_on="id")
    share = 100 * out.loc[out["code"].isin(known), "output_value"].sum() \
        / demo.firm_segments["output_value"].sum()
    assert m["share"].sum() == pytest.approx(share)


def test_yrd_provinces_hold_most_of_the_demo_chain(demo) -> None:
    prov = region_measures(demo, "province").set_index("code")
    # the four YRD provinces hold most of the chain; Tongcheng rolls up into Anhui
    assert prov.loc[["310000", "320000", "330000", "340000"], "share"].sum() > 70


def test_segment_lq_of_a_tiny_dataset_by_hand() -> None:
    from chainatlas.model.dataset import Dataset
    from chainatlas.web.geo import segment_lq

    # Nanjing 320100: cells 30, bms 10; Suzhou 320500: bms 60; Hefei 340100: cells 0 (none)
    ds = Dataset("t", {
        "regions": pd.DataFrame({"code": ["320100", "320500", "340100"], "name": ["宁", "苏", "合"],
                                 "country": ["CHN"] * 3}),
        "segments": pd.DataFrame({"id": ["cells", "bms"], "name": ["电芯", "电池管理"]}),
        "firms": pd.DataFrame({"id": ["A", "B", "C", "D"], "name": list("ABCD"),
                               "region": ["320100", "320100", "320500", "340100"],
                               "country": ["CHN"] * 4}),
        "firm_segments": pd.DataFrame({"firm": ["A", "B", "C", "D"],
                                       "segment": ["cells", "bms", "bms", "bms"],
                                       "output_value": [30.0, 10.0, 60.0, 0.0]}),
    })
    # Jiangsu as one province: cells share 30/100 of Jiangsu = share of China → LQ 1
    assert segment_lq(ds, "province", "cells").to_dict() == pytest.approx({"320000": 1.0})
    # cities: Nanjing (30/40) / (30/100) = 2.5, Suzhou 0
    lq = segment_lq(ds, "city", "cells")
    assert lq["320100"] == pytest.approx(2.5) and lq["320500"] == 0.0
    assert segment_lq(ds, "city", "nope").empty
    m = region_measures(ds, "city", "cells").set_index("code")
    assert m.loc["320100", "lq"] == pytest.approx(2.5)
    assert m.loc["340100", "lq"] == 0.0  # a region with firms but no positive output


def test_firm_points_sit_near_their_region(demo) -> None:
    pts = firm_points(demo, spread_deg=0.12)
    regs = demo.regions.set_index("code")
    assert len(pts) == (demo.firms["region"].astype(str).str.fullmatch(r"\d{6}")).sum()
    d = great_circle_km(pts["lon"].to_numpy(), pts["lat"].to_numpy(),
                        pts["region"].map(regs["lon"]).to_numpy(float),
                        pts["region"].map(regs["lat"]).to_numpy(float))
    assert d.max() < 0.13 * 111.2 * 1.01  # within the spiral radius (0.12° of latitude ≈ 13 km)
    assert not pts.duplicated(["lon", "lat"]).any()


def test_circle_radius_inverts_the_travel_time_model() -> None:
    assert circle_radius_km(4.0, "road") == pytest.approx(4 * 90 / 1.2)
    assert circle_radius_km(2.0, "rail") == pytest.approx(1.5 * 200 / 1.25)
    assert circle_radius_km(0.3, "rail") == 0.0


@settings(max_examples=40, deadline=None)
@given(lon=st.floats(75, 134), lat=st.floats(-60, 60), r=st.floats(1, 2000))
def test_geodesic_ring_points_are_at_the_radius(lon: float, lat: float, r: float) -> None:
    xs, ys = geodesic_ring(lon, lat, r, n=24)
    d = great_circle_km(lon, lat, xs, ys)
    assert np.allclose(d, r, rtol=1e-6, atol=1e-6)


def test_map_figure_layers(demo) -> None:
    from chainatlas.web.page_map import map_figure

    within = ["310000", "320500", "330400", "340881"]
    fig = map_figure(demo, level="province", measure="output", site="310000", hours=4,
                     within=within)
    kinds = [tr.type for tr in fig.data]
    assert kinds[:2] == ["choropleth", "choropleth"]
    assert kinds.count("scattergeo") == 2  # firms, site
    # the N-hour area: the regions within the hours, drawn after (above) the shading and points
    area = fig.data[-2]
    assert area.type == "choropleth" and set(area.locations) == {"310000", "320500", "330400",
                                                                   "340800"}
    assert fig.data[-1].name == "上海市"
    assert fig.layout.geo.visible is False  # no base layers: China only from the shipped file
    city = map_figure(demo, level="city", measure="firms", show_firms=True)
    pts = city.data[-1]
    assert len(pts.lon) < len(firm_points(demo))  # firms outside the YRD left out
    lq = map_figure(demo, level="province", measure="lq", segment="cells", show_firms=False)
    shaded = lq.data[1]
    expected = region_measures(demo, "province", "cells").set_index("code")["lq"]
    assert dict(zip(shaded.locations, shaded.z, strict=True)) == pytest.approx(expected.to_dict())


def test_download_files_round_trip() -> None:
    import base64

    from openpyxl import load_workbook

    from chainatlas.web._widgets import table_file

    rows = [{"segment": "cells", "name": "电芯", "share": 0.5, "share__text": "50%"},
            {"segment": "bms", "name": "电池管理", "share": None, "share__text": "—"}]
    cols = [{"field": "segment", "headerName": "环节代码"}, {"field": "name", "headerName": "名称"},
            {"field": "share", "headerName": "比重", "context": {"kind": "share", "lang": "zh"}}]
    csv = table_file(rows, cols, "csv", "t")
    assert csv["filename"] == "t.csv" and csv["content"].startswith("\ufeffsegment,name,share")
    back = pd.read_csv(io.StringIO(csv["content"].lstrip("\ufeff")))
    assert back["name"].tolist() == ["电芯", "电池管理"]
    xl = table_file(rows, cols, "xlsx", "t")
    wb = load_workbook(io.BytesIO(base64.b64decode(xl["content"])))
    # the workbook: readers' headers, full-precision values shown through a number format
    assert list(wb.active.values) == [("环节代码", "名称", "比重"), ("cells", "电芯", 0.5),
                                      ("bms", "电池管理", None)]
    assert wb.active["C2"].number_format == "0.0%"
    empty = table_file([], cols, "csv", "e")
    assert empty["content"].strip() == "\ufeffsegment,name,share"


def test_every_label_has_both_languages() -> None:
    from chainatlas.web.i18n import LABELS

    for key, (zh, en) in LABELS.items():
        assert zh and en, key


def test_risk_map_frames_the_firms_in_china_not_the_world() -> None:
    from chainatlas.web.page_risk import map_extent

    firms = pd.DataFrame({"country": ["CHN", "CHN", "CHL", "AUS"]},
                         index=["a", "b", "c", "d"])
    points = pd.DataFrame({"firm": ["a", "b", "c", "d"], "lon": [116.0, 121.5, -70.6, 115.9],
                           "lat": [30.0, 31.2, -33.4, -31.9]})
    lon, lat, abroad = map_extent(points, firms, pad=1.0)
    assert lon == [115.0, 122.5] and lat == [29.0, 32.2] and abroad == 2
    # no firm in China: every point is framed, none said to be outside
    lon, lat, abroad = map_extent(points[points["firm"].isin(["c", "d"])], firms, pad=0.0)
    assert lon == [-70.6, 115.9] and lat == [-33.4, -31.9] and abroad == 0
    assert map_extent(points.iloc[:0], firms) == (None, None, 0)


def test_selected_segment_stylesheet_draws_its_edges_out() -> None:
    from chainatlas.web.chain_elements import EDGE_IN, EDGE_OUT, STYLESHEET, highlighted

    assert highlighted(None) == STYLESHEET
    extra = highlighted('cells"x')[len(STYLESHEET):]
    by = {rule["selector"]: rule["style"] for rule in extra}
    assert by['edge[target = "cells\\"x"]']["line-color"] == EDGE_IN
    assert by['edge[source = "cells\\"x"]']["line-color"] == EDGE_OUT
    assert by["edge"]["opacity"] < 0.5  # the other edges fade
