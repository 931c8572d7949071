"""The sharing commands and endpoints, on the demo dataset with its illustrative signals."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainatlas.api.app import create_app
from chainatlas.cli.main import app
from chainatlas.config import get_settings
from chainatlas.datasets import load_demo
from chainatlas.services.datasets import import_frames

runner = CliRunner()
DS = "yrd"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sharing") / "s.duckdb"
    tables = load_demo("yrd-nev").tables
    import_frames(path, DS, tables)
    return path


def _token(db: Path, account: str, *extra: str) -> str:
    code, out, err = run("accounts", "add", account, *extra, "--db", str(db), "-f", "json")
    assert code == 0, err
    return json.loads(out)["token"]


def _pair() -> tuple[str, str]:
    """A reporting supplier and its reporting customer in the demo (cells → pack)."""
    ds = load_demo("yrd-nev")
    links = ds.supply_links
    reporting = set(ds.table("signals")["firm"])
    hit = links[(links["segment"] == "cells") & links["supplier"].isin(reporting)
                & links["customer"].isin(reporting)].iloc[0]
    return str(hit["supplier"]), str(hit["customer"])


def test_cli_grant_show_revoke_and_audit(db: Path) -> None:
    sup, cus = _pair()
    t_sup = _token(db, "cli-sup", "--role", "firm", "-d", DS, "--firm", sup)
    t_cus = _token(db, "cli-cus", "--role", "firm", "-d", DS, "--firm", cus)
    code, _, err = run("signals", "show", "-d", DS, "--firm", sup, "--token", t_cus, "--db",
                       str(db))
    assert code == 1 and "no agreement" in err
    code, _, err = run("share", "grant", "-d", DS, "--partner", cus, "--kind", "orders",
                       "--token", t_sup, "--db", str(db))
    assert code == 0, err
    code, out, err = run("signals", "show", "-d", DS, "--firm", sup, "--token", t_cus, "--db",
                         str(db), "-f", "json")
    rows = json.loads(out)
    assert code == 0 and rows and {r["kind"] for r in rows} == {"orders"}
    code, _, err = run("share", "revoke", "-d", DS, "--partner", cus, "--token", t_sup,
                       "--db", str(db))
    assert code == 0, err
    code, _, err = run("signals", "show", "-d", DS, "--firm", sup, "--token", t_cus, "--db",
                       str(db))
    assert code == 1
    code, out, _ = run("share", "audit", "-d", DS, "--token", t_sup, "--db", str(db), "-f",
                       "json")
    log = json.loads(out)
    assert [e["action"] for e in log if e["account"] == "cli-cus"] == ["signals.read"]
    assert {e["firm"] for e in log} == {sup}


def test_cli_aggregate_warn_and_bad_token(db: Path) -> None:
    t_plan = _token(db, "cli-plan", "--role", "planner", "-d", DS)
    code, out, err = run("signals", "aggregate", "-d", DS, "--kind", "orders", "--token",
                         t_plan, "--db", str(db), "-f", "json")
    assert code == 0, err
    cells = pd.DataFrame(json.loads(out))
    assert (cells.loc[cells["value"].notna(), "n_firms"] >= 3).all()
    assert (cells["status"] == "primary").any()
    code, _, err = run("signals", "show", "-d", DS, "--token", t_plan, "--db", str(db))
    assert code == 1 and "planner" in err
    code, out, err = run("warn", "-d", DS, "--token", t_plan, "--db", str(db), "-f", "json")
    assert code == 0, err
    assert any(w["segment"] == "vehicle" and w["kind"] == "orders" for w in json.loads(out))
    code, _, err = run("signals", "aggregate", "-d", DS, "--token", "x.y", "--db", str(db))
    assert code == 1 and "invalid account token" in err
    code, _, _ = run("warn", "-d", DS, "--method", "tea", "--db", str(db))
    assert code == 2
    code, _, err = run("accounts", "disable", "cli-plan", "--token", t_plan, "--db", str(db))
    assert code == 1 and "admin" in err
    code, _, err = run("accounts", "disable", "cli-plan", "--db", str(db))
    assert code == 0, err
    code, _, err = run("signals", "aggregate", "-d", DS, "--token", t_plan, "--db", str(db))
    assert code == 1 and "invalid account token" in err
    code, out, _ = run("accounts", "list", "--db", str(db), "-f", "json")
    listed = {a["id"]: a for a in json.loads(out)}
    assert listed["cli-plan"]["disabled_at"] and "token_hash" not in listed["cli-plan"]


def test_api_upload_read_and_scope(db: Path) -> None:
    sup, cus = _pair()
    t_sup = _token(db, "api-sup", "--role", "firm", "-d", DS, "--firm", sup)
    t_cus = _token(db, "api-cus", "--role", "firm", "-d", DS, "--firm", cus)
    settings = replace(get_settings(db), token="server-token", open_reads=True)
    with TestClient(create_app(settings)) as client:
        h_sup = {"Authorization": f"Bearer {t_sup}"}
        h_cus = {"Authorization": f"Bearer {t_cus}"}
        assert client.get("/api/v1/me", headers=h_sup).json()["firm"] == sup
        row = {"firm": sup, "segment": "cells", "period": "2025-01-06", "kind": "orders",
               "value": 123.0, "unit": "只"}
        r = client.post(f"/api/v1/datasets/{DS}/signals", json={"rows": [row]}, headers=h_sup)
        assert r.status_code == 200, r.text
        r = client.post(f"/api/v1/datasets/{DS}/signals", json={"rows": [row]}, headers=h_cus)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
        r = client.get(f"/api/v1/datasets/{DS}/signals", params={"firm": sup}, headers=h_cus)
        assert r.status_code == 403
        r = client.post(f"/api/v1/datasets/{DS}/sharing/agreements",
                        json={"partner": cus, "kinds": ["orders"]}, headers=h_sup)
        assert r.status_code == 201, r.text
        r = client.get(f"/api/v1/datasets/{DS}/signals", params={"firm": sup}, headers=h_cus)
        assert r.status_code == 200 and any(x["period"] == "2025-01-06" for x in r.json())
        r = client.delete(f"/api/v1/datasets/{DS}/sharing/agreements/{cus}", headers=h_sup)
        assert r.json() == {"revoked": 1}
        r = client.get(f"/api/v1/datasets/{DS}/signals", params={"firm": sup}, headers=h_cus)
        assert r.status_code == 403
        audit = client.get(f"/api/v1/datasets/{DS}/audit", headers=h_sup).json()
        assert any(e["action"] == "signals.read" and e["account"] == "api-cus" for e in audit)
        assert client.get(f"/api/v1/datasets/{DS}/signals").status_code == 401
        r = client.get(f"/api/v1/datasets/{DS}/signals/bullwhip", headers=h_cus)
        assert r.status_code == 200 and r.json()[0]["tier"] == 0
        csv = "firm,segment,period,kind,value,unit\n" \
              f"{sup},cells,2025-01-13,orders,7,只\n"
        r = client.post(f"/api/v1/datasets/{DS}/signals/upload", headers=h_sup,
                        files={"file": ("s.csv", csv.encode(), "text/csv")})
        assert r.status_code == 200 and r.json()["rows"] == 1
