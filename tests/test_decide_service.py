"""`chainatlas decide` on the YRD demo: the service, the CLI, the API job and the workbook,
on a small scenario set and one or two intervention kinds (the full run is in docs/decide.md)."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainatlas.api.app import create_app
from chainatlas.cli.main import app as cli_app
from chainatlas.config import get_settings
from chainatlas.datasets import load_demo
from chainatlas.services import decide as svc
from chainatlas.services.demo import build_demo_store
from chainatlas.services.stress import network_of

TONGCHENG = {"name": "tongcheng", "horizon_days": 60, "policy": {"inventory_days": 15},
             "shocks": [{"region": "340881", "segment": "cells", "capacity_loss": 1.0,
                         "duration_days": 30}]}


@pytest.fixture(scope="module")
def ds():
    return load_demo()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("decide") / "demo.duckdb"
    build_demo_store(db, names=("yrd-nev",))
    return db


def test_decision_network_reproduces_the_stress_baseline(ds) -> None:
    net = network_of(ds)
    dn = svc.decision_network_of(ds).shock_network()
    for a in ("A", "C", "P_ini", "va_ratio", "supplier", "customer", "edge_segment"):
        assert np.array_equal(getattr(net, a), getattr(dn, a)), a


@pytest.fixture(scope="module")
def small(ds):
    return svc.decide_of(ds, scenarios=[TONGCHENG], kinds=["inventory"], measures=["stress"],
                         budgets=[0.0, 1e9])


def test_service_ranks_and_reports_what_reproduces_it(ds, small, tmp_path) -> None:
    res = small
    assert res["n_candidates"] == len(res["items"]) > 0
    gpw = [r["gain_per_wan"] for r in res["items"]]
    assert gpw == sorted(gpw, reverse=True)
    # the cells stock is the one that buys most against a cells outage
    assert res["items"][0]["details"]["segment"] == "cells"
    assert res["items"][0]["gains"]["stress"] > 0
    assert res["portfolios"][0]["items"] == [] and res["portfolios"][0]["gain"] == 0.0
    assert res["portfolios"][1]["cost"] <= 1e9
    assert res["seeds"] == {"tongcheng": 0}
    assert res["cost_model"]["inventory"]["carrying_rate"] == 0.25
    assert res["measures"]["scenarios"][0]["shocks"][0]["region"] == "340881"
    check = svc.scenario_loss_after(ds, res, 1e9, TONGCHENG)
    assert check["before"] == pytest.approx(res["baseline"]["stress"])
    assert check["after"] == pytest.approx(res["portfolios"][1]["after"]["stress"])
    p = svc.write_xlsx(res, tmp_path / "d.xlsx")
    import openpyxl

    wb = openpyxl.load_workbook(p)
    assert wb.sheetnames == ["措施清单", "组合", "情景与成本"]
    assert wb["措施清单"].max_row == len(res["items"]) + 1


def test_cli_and_api_agree(demo_db, tmp_path) -> None:
    sdir = tmp_path / "sc"
    sdir.mkdir()
    (sdir / "t.json").write_text(json.dumps(TONGCHENG), "utf-8")
    out = tmp_path / "d.json"
    r = CliRunner().invoke(cli_app, ["decide", "--db", str(demo_db), "-d", "yrd-nev",
                                     "--scenarios", str(sdir), "--kinds", "inventory",
                                     "--measures", "stress", "--budget", "5000",
                                     "--format", "json", "--out", str(out)])
    assert r.exit_code == 0, r.output
    cli = json.loads(out.read_text("utf-8"))
    settings = replace(get_settings(demo_db), token="t", open_reads=True)
    with TestClient(create_app(settings)) as c:
        resp = c.post("/api/v1/datasets/yrd-nev/decide",
                      json={"scenarios": [TONGCHENG], "kinds": ["inventory"],
                            "measures": ["stress"], "budgets": [5000]})
        assert resp.status_code == 202, resp.text
        job = resp.json()
        for _ in range(600):
            job = c.get(f"/api/v1/jobs/{job['id']}").json()
            if job["status"] not in ("queued", "running"):
                break
            time.sleep(0.1)
        assert job["status"] == "done", job
        api = job["result"]
        bad = c.post("/api/v1/datasets/yrd-nev/decide", json={"kinds": ["magic"]})
        assert bad.status_code == 400 and "magic" in bad.json()["error"]["message"]
        bad = c.post("/api/v1/datasets/yrd-nev/decide", json={"costs": {"attract": {"fixed": -1}}})
        assert bad.status_code == 400 and "cost model" in bad.json()["error"]["message"]
    assert [x["key"] for x in api["items"]] == [x["key"] for x in cli["items"]]
    assert api["portfolios"][0]["gain"] == cli["portfolios"][0]["gain"]
    r = CliRunner().invoke(cli_app, ["decide", "--db", str(demo_db), "-d", "yrd-nev",
                                     "--kinds", "nope"])
    assert r.exit_code == 1 and "unknown intervention kind" in r.output


def test_report_section_and_its_workbook_list(ds) -> None:
    from chainatlas.report.build import _default_region
    from chainatlas.report.decide_section import decide_section

    lists: dict = {}
    sec = decide_section(ds, "340881", "zh", lists, _default_region)
    assert "桐城市" in sec.paragraphs[0] and "全部产能停摆" in sec.paragraphs[0]
    items = lists["措施清单"]
    assert len(items) > 10 and items["gain_per_wan"].is_monotonic_decreasing
    en: dict = {}
    sec_en = decide_section(ds, "340881", "en", en, _default_region)
    assert "Tongcheng" in sec_en.paragraphs[0]
    assert list(en) == ["interventions"]


def test_dashboard_page_shows_ranked_interventions_and_before_after(small, demo_db) -> None:
    from chainatlas.services.datasets import open_store
    from chainatlas.web import page_decide
    from chainatlas.web.app import TABS
    from chainatlas.web.i18n import t
    from chainatlas.web.pages import PAGES

    assert "decide" in TABS and PAGES["decide"] is page_decide.render
    assert t("decide", "zh") == "优先措施" and t("decide", "en") == "What to fix first"
    store = open_store(demo_db, read_only=True)
    try:
        form = str(page_decide.render(store, "yrd-nev", "en"))
        assert "decide-run" in form and "Dual sourcing" in form
    finally:
        store.close()
    res = {**small, "portfolios": [small["portfolios"][1]]}
    for lang, word in (("zh", "措施清单"), ("en", "Interventions")):
        view = str(page_decide.result_view(res, lang))
        assert word in view
        assert res["items"][0]["what_zh" if lang == "zh" else "what_en"] in view
    fig = page_decide._before_after(res, "zh")       # in 亿元 (万元 / 10⁴)
    assert list(fig.data[0].x) == [v / 1e4 for v in small["baseline"]["stress_by_scenario"]]
    assert list(fig.data[1].x) == [v / 1e4 for v in small["portfolios"][1]["after_by_scenario"]]
