"""The 优先措施 page: before/after daily loss curves of the ranked interventions, in a real
browser (Chinese), and the curves' numbers against the decision run they come from."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from _server import start_server
from chainatlas.datasets import load_demo
from chainatlas.services import decide as svc
from chainatlas.services.demo import build_demo_store

TONGCHENG = {"name": "tongcheng", "horizon_days": 60, "policy": {"inventory_days": 15},
             "shocks": [{"region": "340881", "segment": "cells", "capacity_loss": 1.0,
                         "duration_days": 30}]}


def test_daily_curves_add_up_to_the_ranked_losses() -> None:
    ds = load_demo()
    res = svc.decide_of(ds, scenarios=[TONGCHENG], kinds=["inventory", "firm_inventory"],
                        measures=["stress"], budgets=[1000.0])
    cur = svc.daily_loss_curves(ds, res, top=3)
    keys = [r["key"] for r in res["items"][:3]]
    assert list(cur["after"]) == keys and cur["scenarios"] == ["tongcheng"]
    # each day's loss summed over the horizon is the scenario's loss, before and after
    assert len(cur["before"][0]) == 60
    assert math.fsum(cur["before"][0]) == pytest.approx(
        res["baseline"]["stress_by_scenario"][0], rel=1e-9)
    for r in res["items"][:3]:
        assert math.fsum(cur["after"][r["key"]][0]) == pytest.approx(
            r["after_by_scenario"][0], rel=1e-9)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = tmp_path_factory.mktemp("decide-page") / "demo.duckdb"
    build_demo_store(db, names=("yrd-nev",))
    proc, base = start_server(db, env={"CHAINATLAS_TOKEN": "t"})
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


_TRACES = """() => Array.from(document.querySelector('#decide-curves .js-plotly-plot').data)
    .map(t => ({name: t.name, y: Array.from(t.y)}))"""


@pytest.mark.browser
def test_page_shows_before_and_after_curves_in_chinese(server: str, browser: Any,
                                                       tmp_path: Path) -> None:
    from test_dashboard_walk import Watch, check_page

    page = browser.new_page(viewport={"width": 1440, "height": 900})
    watch = Watch(page)
    page.goto(f"{server}/dash/", wait_until="networkidle")
    page.wait_for_selector("#tab-decide", timeout=60_000)
    page.click("#tab-decide")
    page.wait_for_selector("#decide-run", timeout=60_000)
    # stock only (a quick run): its gains show on the curves
    page.locator("#decide-kinds input[value='dual_sourcing']").uncheck()
    page.click("#decide-run")
    page.wait_for_selector("#decide-curves .main-svg", timeout=240_000)
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')",
                           timeout=60_000)
    text = check_page(page, watch, "zh", "decide")
    assert "措施前后的每日产出损失" in text and "卡脖子企业停产：" in text
    assert "largest region outage" not in text and "最大产出地区停产：上海市" in text
    traces = page.evaluate(_TRACES)
    names = [t["name"] for t in traces]
    n_sc = names.count("措施前")
    assert n_sc == names.count("措施后") == 5          # the five standard scenarios
    before = [t["y"] for t in traces if t["name"] == "措施前"]
    after = [t["y"] for t in traces if t["name"] == "措施后"]
    assert any(sum(a) < sum(b) for a, b in zip(after, before, strict=True))  # the top item helps
    # another intervention: the after curves change, the before curves stay
    page.click("#decide-pick")
    page.get_by_role("option", name=re.compile(r"^2\. ")).click()
    page.wait_for_function(
        "(a) => { const g = document.querySelector('#decide-curves .js-plotly-plot');"
        " if (!g || !g.data) return false; const d = g.data;"
        " const s = d.filter(t => t.name === '措施后').map(t => Array.from(t.y)"
        ".reduce((x, y) => x + y, 0)); return JSON.stringify(s) !== JSON.stringify(a); }",
        arg=[sum(a) for a in after], timeout=30_000)
    again = page.evaluate(_TRACES)
    assert [t["y"] for t in again if t["name"] == "措施前"] == before
    page.screenshot(path=str(tmp_path / "decide.png"), full_page=True)
    assert watch.errors == []
    page.close()
