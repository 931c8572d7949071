"""The Python front door: names pinned to the documented list, every docstring example run,
results that match what the CLI's services return, and the notebook/Excel output."""

from __future__ import annotations

import doctest
import importlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import chainatlas

ROOT = Path(__file__).resolve().parents[1]
FRONT_MODULES = ["chainatlas", "chainatlas._results", "chainatlas._front", "chainatlas.io",
                 "chainatlas.chain", "chainatlas.stress"]
EXCEPTIONS = {"AccessDenied", "ChainAtlasError", "DataNotFound", "Forbidden", "InputError",
              "LimitExceeded", "ModelError", "ScenarioError", "StoreError", "ValidationError",
              "__version__"}


def _documented() -> set[str]:
    text = (ROOT / "docs" / "python.md").read_text("utf-8")
    block = text.split("<!-- public-api:start -->")[1].split("<!-- public-api:end -->")[0]
    return set(re.findall(r"^\| `chainatlas\.([\w.]+)` \|", block, flags=re.M))


def test_public_names_are_exactly_the_documented_ones() -> None:
    have = {n for n in chainatlas.__all__ if n not in EXCEPTIONS}
    for mod in ("io", "chain", "stress"):
        sub = importlib.import_module(f"chainatlas.{mod}")
        have |= {f"{mod}.{n}" for n in sub.__all__}
    assert have == _documented()
    for name in _documented():
        obj: object = chainatlas
        for part in name.split("."):
            obj = getattr(obj, part)


@pytest.mark.parametrize("name", FRONT_MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0 or name == "chainatlas"


def test_every_public_function_has_an_example() -> None:
    for mod in ("io", "chain", "stress"):
        sub = importlib.import_module(f"chainatlas.{mod}")
        for n in sub.__all__:
            obj = getattr(sub, n)
            if callable(obj) and not isinstance(obj, type):
                assert ">>>" in (obj.__doc__ or ""), f"chainatlas.{mod}.{n} has no example"
    for n in ("load_demo", "generate_network", "esri", "reconstruct_network", "resolve_places",
              "StoreHandle"):
        assert ">>>" in (getattr(chainatlas, n).__doc__ or ""), n


def test_io_results_are_the_services_numbers() -> None:
    from chainatlas.services.io import analyze, demo_table, run_shock

    t = chainatlas.io.demo_table()
    ref = analyze(demo_table())
    lk = t.linkages().to_frame()
    assert lk["sector"].tolist() == ref["sectors"]
    np.testing.assert_array_equal(lk["backward_linkage"], ref["backward_linkage"])
    np.testing.assert_array_equal(t.multipliers().to_frame()["output_multiplier"],
                                  ref["output_multipliers"])
    np.testing.assert_array_equal(t.extraction().to_frame()["total"], ref["hem"]["total"])
    # a named-sector shock is the full vector with zeros elsewhere
    vec = np.zeros(t.n)
    vec[3] = -100.0
    by_name = t.shock("leontief", {t.sectors[3]: -100.0}).to_frame()
    direct = run_shock(demo_table(), "leontief", vec)
    np.testing.assert_array_equal(by_name["delta_x"], [r["delta_x"] for r in direct["sectors"]])
    with pytest.raises(chainatlas.InputError, match="unknown sector"):
        t.shock("leontief", {"no such sector": 1.0})
    with pytest.raises(chainatlas.InputError, match="unknown shock model"):
        t.shock("nope", {})


def test_from_frames_matches_the_textbook_inverse() -> None:
    # Miller & Blair (2009) Table 2.3's two-sector example: Z = [[150, 500], [200, 100]],
    # x = (1000, 2000), A = [[.15, .25], [.2, .05]], L = [[1.2541, .3300], [.2640, 1.1221]]
    Z = pd.DataFrame([[150, 500], [200, 100]], index=["1", "2"], columns=["1", "2"])
    t = chainatlas.io.from_frames(Z, pd.Series([350, 1700], index=["1", "2"]),
                                  pd.Series([650, 1400], index=["1", "2"]))
    m = t.multipliers().to_frame()["output_multiplier"].to_numpy()
    np.testing.assert_allclose(m, [1.2541 + 0.2640, 0.3300 + 1.1221], atol=1e-4)
    with pytest.raises(chainatlas.InputError):
        chainatlas.io.from_frames(Z, pd.Series([350, 1700], index=["1", "2"]),
                                  pd.Series([650, 1000], index=["1", "2"]))


def test_chain_and_stress_match_the_services() -> None:
    from chainatlas.services.chain import chain_map_of, chokepoints_of
    from chainatlas.services.stress import run_scenario_of

    ds = chainatlas.load_demo()
    cm = chainatlas.chain.map(ds, region="340881")
    ref = chain_map_of(ds, region="340881")
    assert cm.to_frame()["segment"].tolist() == ref.segments["segment"].tolist()
    np.testing.assert_array_equal(cm.to_frame()["local_share"], ref.segments["local_share"])
    assert cm.summary["health"] == ref.health["health"].iloc[0]
    cp = chainatlas.chain.chokepoints(ds, limit=5)
    assert cp.to_frame()["id"].tolist() == chokepoints_of(ds, limit=5).table["id"].tolist()
    assert cp.summary["truncated"] is True and any("cut" in n for n in cp.notes)
    scen = ROOT / "docs" / "examples" / "tongcheng_battery_fire.yaml"
    res = chainatlas.stress.run(ds, scen)
    raw = run_scenario_of(ds, scen).summary()
    assert res.summary["total_output_loss"] == raw["total_output_loss"]
    assert res.to_frame()["output_loss"].sum() == pytest.approx(
        float(res.raw.segment_loss.sum()))
    assert "<polyline" in res._repr_html_()


def test_reconstruction_in_memory_equals_the_stored_one(tmp_path: Path) -> None:
    from chainatlas.services.datasets import import_frames, load_dataset
    from chainatlas.services.reconstruct import reconstruct_dataset

    ds = chainatlas.load_demo()
    db = tmp_path / "s.duckdb"
    import_frames(db, "yrd", {t: ds.tables[t] for t in ds.present()}, "append")
    reconstruct_dataset(db, "yrd", "yrd-rec", members=2, seed=3)
    stored = load_dataset(db, "yrd-rec", ensemble=True).supply_links
    mem = chainatlas.reconstruct_network(ds, members=2, seed=3).supply_links
    key = ["member", "supplier", "customer", "segment"]
    a = stored.sort_values(key).reset_index(drop=True)
    b = mem.sort_values(key).reset_index(drop=True)
    assert a[key].astype(str).equals(b[key].astype(str))
    np.testing.assert_allclose(a["value"].to_numpy(float), b["value"].to_numpy(float))
    rec = chainatlas.reconstruct_network(ds, members=2, seed=3)
    bands = chainatlas.chain.chokepoints(rec, max_members=2)
    assert {"share_median", "share_p5", "share_p95", "p_top_k"} <= set(bands.to_frame())
    assert bands.summary["members"] == 2
    assert any("重建" in n or "reconstruct" in n.lower() for n in bands.notes)


def test_result_display_and_excel(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    frame = pd.DataFrame({"name": ["<b>x</b>", "y", "z"], "v": [4.0, -2.0, 1.0]})
    r = chainatlas.Result("t & <tag>", frame, tables={"extra/: sheet": frame.head(1)},
                          summary={"total": 3.0}, notes=["cut at 3"], figure=("name", "v"))
    html = r._repr_html_()
    assert "t &amp; &lt;tag&gt;" in html and "<b>x</b>" not in html
    # summary rows read as labels, with the field name of to_dict()["summary"] beside them
    named = chainatlas.Result("s", frame, summary={"total_output_loss": 1.0, "odd_key": 2})
    shown = named._repr_html_()
    assert "Total output loss <code>total_output_loss</code>" in shown
    assert "<th style='text-align:left'>odd_key</th>" in shown
    widths = [float(w) for w in re.findall(r"<rect[^>]* width='([\d.]+)'", html)]
    # bars ordered by |v| and drawn to scale: 4 : 2 : 1
    assert widths[0] / widths[1] == pytest.approx(2.0, rel=1e-2)
    assert widths[1] / widths[2] == pytest.approx(2.0, rel=1e-2)
    copy = r.to_frame()
    copy.loc[0, "v"] = 99.0
    assert r.frame.loc[0, "v"] == 4.0
    path = r.to_excel(tmp_path / "out" / "r.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["summary", "table", "extra sheet"]
    assert [c.value for c in wb["table"]["B"]][1:] == [4.0, -2.0, 1.0]
    assert [c.value for c in wb["summary"]["A"]][1:] == ["total", "note"]


def test_esri_and_places_front_door() -> None:
    from chainatlas.services.risk import risk_input_of, run_esri

    ds = chainatlas.generate_network(300, 1500, n_sectors=8, seed=2)
    r = chainatlas.esri(ds, top=None, reasons=0)
    ref = run_esri(risk_input_of(ds), reasons=0)
    assert r.to_frame()["firm"].tolist() == [x["firm"] for x in ref["results"]]
    assert r.summary["truncated"] is False and len(r.to_frame()) == 300
    p = chainatlas.resolve_places(["Xi'an Shanxi", "nowhere-at-all-xyz"]).to_frame()
    assert p["region"].iloc[0] == "610100"
    assert p["status"].iloc[1] == "unresolved"
    with pytest.raises(chainatlas.InputError):
        chainatlas.resolve_places(["a", "b"], ["CHN"])


def test_store_handle_round_trip(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    ds = chainatlas.load_demo()
    with chainatlas.open_store(db, read_only=False) as st:
        rows = st.save(ds, "yrd")
        assert rows["firms"] == 205
        back = st.load("yrd")
    assert len(back.supply_links) == len(ds.supply_links)
    with chainatlas.open_store(db) as st, pytest.raises(chainatlas.DataNotFound):
        st.load("missing")


def test_bars_pick_the_largest_or_the_smallest() -> None:
    from chainatlas._results import bar_svg

    largest = bar_svg(["a", "b", "c"], [3.0, -5.0, 1.0], bars=1)
    smallest = bar_svg(["a", "b", "c"], [3.0, 0.5, 1.0], bars=1, smallest=True)
    assert ">b</text>" in largest and ">a</text>" not in largest
    assert ">b</text>" in smallest and ">a</text>" not in smallest
    assert bar_svg(["a"], [float("nan")]).count("<rect") == 0
    shared = bar_svg(["引进示例·甲公司", "引进示例·乙公司"], [2.0, 1.0], title="gain")
    assert ">甲公司</text>" in shared and "gain · 引进示例·…" in shared


def test_decisions_are_the_services_ranking() -> None:
    from chainatlas.services.decide import decide_of, items_frame

    ds = chainatlas.load_demo()
    cells = {"name": "cells", "horizon_days": 20,
             "shocks": [{"segment": "cells", "capacity_loss": 0.5, "duration_days": 10}]}
    opts = {"kinds": ("inventory",), "measures": ("stress",), "budgets": (1000.0,)}
    r = chainatlas.decide_interventions(ds, scenarios=[cells], **opts)  # type: ignore[arg-type]
    ref = items_frame(decide_of(ds, scenarios=[cells], **opts))  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(r.to_frame(), ref)
    assert set(r.tables) == {"portfolio", "settings"}
