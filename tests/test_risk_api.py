"""The ESRI job and a firm's cascade over a real HTTP server on the demo store."""

from __future__ import annotations

import time

import httpx
import pytest

from _server import served
from chainatlas.services.demo import build_demo_store
from chainatlas.services.risk import risk_input_of, run_esri


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("risk-api") / "demo.duckdb"
    build_demo_store(db, names=("yrd-nev",))
    return db


def _poll(base: str, job: dict, timeout: float = 120.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        j = httpx.get(f"{base}/api/v1/jobs/{job['id']}", timeout=30).json()
        if j["status"] not in ("queued", "running"):
            return j
        time.sleep(0.2)
    raise AssertionError("job did not finish")


def test_esri_job_and_cascade_over_http(demo_db):
    from chainatlas.datasets import load_demo

    expected = run_esri(risk_input_of(load_demo()), top=5, reasons=2)
    with served(demo_db) as (base, _proc):
        r = httpx.post(f"{base}/api/v1/datasets/yrd-nev/risk/esri",
                       json={"top": 5, "reasons": 2}, timeout=60)
        assert r.status_code == 202, r.text
        job = _poll(base, r.json())
        assert job["status"] == "done" and job["progress"] == 1.0
        got = job["result"]["results"]
        assert [x["firm"] for x in got] == [x["firm"] for x in expected["results"]]
        assert got[0]["esri"] == pytest.approx(expected["results"][0]["esri"], abs=1e-12)
        assert got[0]["reasons"][0]["firm"] == expected["results"][0]["reasons"][0]["firm"]
        top = got[0]["firm"]
        c = httpx.get(f"{base}/api/v1/datasets/yrd-nev/risk/cascade",
                      params={"firm": top, "top": 3}, timeout=60)
        assert c.status_code == 200, c.text
        body = c.json()
        assert body["esri"] == pytest.approx(got[0]["esri"], abs=1e-12)
        assert len(body["carried_by"]) == 3
        r = httpx.post(f"{base}/api/v1/datasets/yrd-nev/risk/esri",
                       json={"export_ban": "soc"}, timeout=60)
        job = _poll(base, r.json())
        assert job["result"]["results"][0]["scenario"] == "export-ban:soc"
        bad = httpx.post(f"{base}/api/v1/datasets/yrd-nev/risk/esri",
                         json={"sector": "nope"}, timeout=60)
        assert bad.status_code == 404 and bad.json()["error"]["code"]
        miss = httpx.get(f"{base}/api/v1/datasets/yrd-nev/risk/cascade",
                         params={"firm": "nope"}, timeout=60)
        assert miss.status_code == 404
