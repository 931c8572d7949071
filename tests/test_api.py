"""REST API: every endpoint in-process, the error envelope, tokens, and one real HTTP server."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from _server import served
from chainatlas.api.app import create_app
from chainatlas.config import get_settings
from chainatlas.services.demo import build_demo_store

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("api") / "demo.duckdb"
    build_demo_store(db)
    return db


@pytest.fixture(scope="module")
def client(demo_db: Path):
    settings = replace(get_settings(demo_db), token=TOKEN, open_reads=True)
    with TestClient(create_app(settings)) as c:
        yield c


def _assert_envelope(resp: httpx.Response, status: int, code: str | None = None) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    if code is not None:
        assert body["error"]["code"] == code
    return body["error"]


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/api/v1/health").json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert "/api/v1/datasets/{name}/chain/map" in spec["paths"]
    assert client.get("/docs").status_code == 200


def test_datasets_list_and_show(client: TestClient) -> None:
    names = {d["name"] for d in client.get("/api/v1/datasets").json()}
    assert {"yrd-nev", "gd-clusters"} <= names
    show = client.get("/api/v1/datasets/yrd-nev").json()
    assert show["tables"]["firms"] >= 150
    assert show["tables"]["supply_links"] >= 600


def test_unknown_dataset_is_404_envelope(client: TestClient) -> None:
    _assert_envelope(client.get("/api/v1/datasets/nope"), 404, "not_found")
    _assert_envelope(client.get("/api/v1/datasets/nope/chain/map"), 404, "not_found")


def test_bad_dataset_name_is_400_envelope(client: TestClient) -> None:
    err = _assert_envelope(client.post("/api/v1/datasets", json={"name": "x; DROP TABLE t"},
                                       headers=AUTH), 400, "bad_input")
    assert "invalid dataset name" in err["message"]


def test_request_validation_is_422_envelope(client: TestClient) -> None:
    err = _assert_envelope(client.get("/api/v1/datasets/yrd-nev/chain/tiers"), 422, "bad_request")
    assert any("firm" in d["location"] for d in err["details"])


def test_writes_need_the_token(client: TestClient) -> None:
    _assert_envelope(client.post("/api/v1/datasets", json={"name": "t1"}), 401, "access_denied")
    _assert_envelope(client.post("/api/v1/datasets", json={"name": "t1"},
                                 headers={"Authorization": "Bearer wrong"}), 401, "access_denied")
    _assert_envelope(client.delete("/api/v1/datasets/yrd-nev"), 401, "access_denied")
    assert client.get("/api/v1/datasets/t1").status_code == 404  # nothing was created


def test_create_import_export_delete(client: TestClient) -> None:
    assert client.post("/api/v1/datasets", json={"name": "t2"}, headers=AUTH).status_code == 201
    regions = "code,name,lon,lat\n320100,南京市,118.8,32.06\n"
    r = client.post("/api/v1/datasets/t2/imports/regions", headers=AUTH,
                    files={"file": ("regions.csv", io.BytesIO(regions.encode()), "text/csv")})
    assert r.status_code == 200, r.text
    firms = "id,name,region\nF1,甲公司,320100\nF2,乙公司,999999\n"
    r = client.post("/api/v1/datasets/t2/imports/firms", headers=AUTH,
                    files={"file": ("firms.csv", io.BytesIO(firms.encode()), "text/csv")})
    err = _assert_envelope(r, 400, "validation_failed")
    assert any(p["column"] == "region" and p["row"] == 3 for p in err["details"])
    assert client.get("/api/v1/datasets/t2").json()["tables"]["firms"] == 0  # nothing landed
    ex = client.get("/api/v1/datasets/t2/export", params={"format": "csv"})
    assert ex.status_code == 200 and ex.content[:2] == b"PK"
    assert client.delete("/api/v1/datasets/t2", headers=AUTH).json()["deleted"] is True
    assert client.get("/api/v1/datasets/t2").status_code == 404


def test_chain_endpoints(client: TestClient) -> None:
    m = client.get("/api/v1/datasets/yrd-nev/chain/map", params={"region": "320100"})
    assert m.status_code == 200, m.text
    c = client.get("/api/v1/datasets/yrd-nev/chain/chokepoints")
    assert c.status_code == 200, c.text
    t = client.get("/api/v1/datasets/yrd-nev/chain/throughput")
    assert t.status_code == 200, t.text
    body = t.json()
    assert body["mix"] and abs(sum(r["weight"] for r in body["mix"]) - 1) < 1e-9
    assert body["weights_from"] in ("final_demand", "capacity", "equal")
    one = client.get("/api/v1/datasets/yrd-nev/chain/throughput",
                     params={"mix": f"{body['mix'][0]['segment']}=1"}).json()
    assert one["weights_from"] == "given" and len(one["mix"]) == 1


def test_cluster_and_advice_endpoints(client: TestClient) -> None:
    body = {"rows": ["a", "b", "c"], "columns": ["x", "y", "z"],
            "values": [[5, 1, 0], [3, 2, 1], [0, 1, 4]]}
    r = client.post("/api/v1/cluster/complexity", json=body)
    assert r.status_code == 200, r.text
    assert set(r.json()["eci"]) == {"a", "b", "c"}
    bad = dict(body, values=[[1, 2], [3, 4], [5, 6]])
    _assert_envelope(client.post("/api/v1/cluster/complexity", json=bad), 400, "bad_input")
    circ = client.get("/api/v1/datasets/yrd-nev/cluster/circle",
                      params={"of": "310000", "hours": 4})
    assert circ.status_code == 200, circ.text
    adv = client.get("/api/v1/datasets/yrd-nev/advise", params={"region": "320100"})
    assert adv.status_code == 200, adv.text


def test_match_endpoints(client: TestClient) -> None:
    r = client.get("/api/v1/datasets/yrd-nev/match/needs", params={"top": 3})
    assert r.status_code == 200, r.text
    r = client.post("/api/v1/datasets/yrd-nev/match/classify", json={"text": "磷酸铁锂正极材料"})
    assert r.status_code == 200, r.text


def test_unknown_job_is_404(client: TestClient) -> None:
    _assert_envelope(client.get("/api/v1/jobs/doesnotexist"), 404, "not_found")


def test_closed_reads_need_the_token(demo_db: Path) -> None:
    settings = replace(get_settings(demo_db), token=TOKEN, open_reads=False)
    with TestClient(create_app(settings)) as c:
        _assert_envelope(c.get("/api/v1/datasets"), 401, "access_denied")
        assert c.get("/api/v1/datasets", headers=AUTH).status_code == 200


def test_real_server_over_http(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.duckdb"
    db.write_bytes(demo_db.read_bytes())
    with served(db, env={"CHAINATLAS_TOKEN": TOKEN}) as (base, _proc):
        assert httpx.get(f"{base}/api/v1/health", timeout=10).json()["status"] == "ok"
        names = {d["name"] for d in httpx.get(f"{base}/api/v1/datasets", timeout=30).json()}
        assert "yrd-nev" in names
        r = httpx.post(f"{base}/api/v1/datasets", json={"name": "x"}, timeout=30)
        assert r.status_code == 401 and r.json()["error"]["code"] == "access_denied"


def test_evaluate_endpoints_reproduce_published_numbers(client: TestClient) -> None:
    # Golden matrix of the evaluation reference: entropy weights .238313 .329141 .219008 .213538
    body = {"ids": ["a", "b", "c", "d", "e"], "criteria": ["x1", "x2", "x3", "x4"],
            "values": [[12, 2.5, 30, .45], [8.5, 3.4, 18, .60], [15.2, 1.9, 42, .38],
                       [6.3, 2.8, 35, .72], [10.1, 2.0, 25, .30]],
            "types": ["+", "+", "+", "-"], "method": "entropy-topsis"}
    r = client.post("/api/v1/evaluate/score", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["weights"] == pytest.approx([.238313, .329141, .219008, .213538], abs=1e-6)
    c = client.post("/api/v1/evaluate/coupling",
                    json={"ids": ["r"], "subsystems": ["u1", "u2"], "values": [[0.3, 0.6]],
                          "variant": "wang"})
    assert c.status_code == 200, c.text
    assert c.json()["C"]["r"] == pytest.approx(0.5916, abs=1e-4)
    assert c.json()["D"]["r"] == pytest.approx(0.5160, abs=1e-4)
    p = client.get("/api/v1/datasets/yrd-nev/evaluate/panel")
    assert p.status_code == 200, p.text


def test_io_endpoints(client: TestClient) -> None:
    r = client.get("/api/v1/io/demo/analyze")
    assert r.status_code == 200, r.text
    body = r.json()
    n = len(body["sectors"])
    assert len(body["output_multipliers"]) == n and len(body["backward_linkage"]) == n
    # power of dispersion averages 1 by construction
    assert sum(body["backward_linkage"]) / n == pytest.approx(1.0, abs=1e-9)
    s = client.post("/api/v1/io/shock", json={"model": "leontief",
                                              "values": {body["sectors"][0]: 100.0}})
    assert s.status_code == 200, s.text
    bad = client.post("/api/v1/io/shock", json={"model": "leontief", "values": {"nope": 1.0}})
    _assert_envelope(bad, 400)


def test_stress_job_runs_to_completion(client: TestClient) -> None:
    scenario = {"horizon_days": 30, "shocks": [{"region": "340881", "capacity_loss": 1.0,
                                                "duration_days": 10}]}
    r = client.post("/api/v1/datasets/yrd-nev/stress/run", json={"scenario": scenario})
    assert r.status_code == 202, r.text
    job_id = r.json()["id"]
    deadline = time.monotonic() + 120
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        if job["status"] in ("done", "failed", "cancelled") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert job["status"] == "done", job
    result = job["result"]
    assert len(result["daily_output_ratio"]) == 30
    assert result["total_output_loss"] > 0 and result["min_output_ratio"] < 1
    bad = client.post("/api/v1/datasets/yrd-nev/stress/run",
                      json={"scenario": {"horizon_days": -3, "shocks": []}})
    err = _assert_envelope(bad, 400, "bad_scenario")
    assert "horizon_days" in err["message"]
    tts = client.get("/api/v1/datasets/yrd-nev/stress/tts", params={"top": 5})
    assert tts.status_code == 200 and len(tts.json()) == 5


def test_report_endpoint_is_self_contained(client: TestClient) -> None:
    r = client.get("/api/v1/datasets/yrd-nev/report", params={"region": "320100"})
    assert r.status_code == 200
    html = r.text
    assert "<svg" in html and "产业链图谱" in html
    assert "src=\"http" not in html and "href=\"http" not in html
