"""Places over HTTP and region names wherever codes are taken (CLI --region, API region=)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from _server import served
from chainatlas.cli.main import app
from chainatlas.services.demo import build_demo_store

TOKEN = "places-test-token"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("places") / "demo.duckdb"
    build_demo_store(db)
    return db


def test_api_resolve_and_region_names(demo_db: Path) -> None:
    with served(demo_db, env={"CHAINATLAS_TOKEN": TOKEN, "CHAINATLAS_OPEN_READS": "1"}) \
            as (base, _proc):
        headers = {"Authorization": f"Bearer {TOKEN}"}
        r = httpx.post(f"{base}/api/v1/places/resolve", headers=headers, timeout=60, json={
            "values": ["Suzhou Jiangsu", "Suzhou", "東莞市", "Taipei", None],
            "countries": ["China", None, None, None, None]})
        assert r.status_code == 200, r.text
        res = r.json()["results"]
        assert [x["region"] for x in res] == ["320500", None, "441900", "TW-TPE", None]
        assert res[1]["status"] == "ambiguous"
        assert {"320500", "341300"} <= {c["region"] for c in res[1]["candidates"]}
        by_code = httpx.get(f"{base}/api/v1/datasets/yrd-nev/advise", headers=headers,
                            params={"region": "320100", "top": 3}, timeout=120)
        by_name = httpx.get(f"{base}/api/v1/datasets/yrd-nev/advise", headers=headers,
                            params={"region": "南京市", "top": 3}, timeout=120)
        assert by_code.status_code == 200, by_code.text
        assert by_name.status_code == 200, by_name.text
        assert by_name.json() == by_code.json()
        amb = httpx.get(f"{base}/api/v1/datasets/yrd-nev/advise", headers=headers,
                        params={"region": "Suzhou"}, timeout=60)
        assert amb.status_code == 400 and "ambiguous" in amb.text
        # an upload in Big5: detected; the encoding field is honoured and applied strictly
        big5 = "id,name,region\nF1,鴻海精密工業,新北市土城區\n".encode("cp950")
        up = httpx.post(f"{base}/api/v1/datasets/tw/imports/firms", headers=headers, timeout=60,
                        files={"file": ("firms.csv", big5, "text/csv")})
        assert up.status_code == 200, up.text
        wrong = httpx.post(f"{base}/api/v1/datasets/tw2/imports/firms", headers=headers,
                           timeout=60, data={"encoding": "utf-8"},
                           files={"file": ("firms.csv", big5, "text/csv")})
        assert wrong.status_code == 400 and "undecodable" in wrong.text
        given = httpx.post(f"{base}/api/v1/datasets/tw3/imports/firms", headers=headers,
                           timeout=60, data={"encoding": "big5"},
                           files={"file": ("firms.csv", big5, "text/csv")})
        assert given.status_code == 200, given.text
    from chainatlas.services.datasets import load_dataset

    for name in ("tw", "tw3"):
        firms = load_dataset(demo_db, name).table("firms")
        assert firms["name"].tolist() == ["鴻海精密工業"] and firms["region"].tolist() == ["TW-NWT"]


def test_cli_advise_takes_a_region_name(demo_db: Path) -> None:
    runner = CliRunner()
    by_name = runner.invoke(app, ["advise", "-d", "yrd-nev", "--region", "常州市", "--db",
                                  str(demo_db), "--format", "json", "--top", "3"])
    by_code = runner.invoke(app, ["advise", "-d", "yrd-nev", "--region", "320400", "--db",
                                  str(demo_db), "--format", "json", "--top", "3"])
    assert by_code.exit_code == 0, by_code.output
    assert by_name.exit_code == 0, by_name.output
    assert by_name.stdout == by_code.stdout
