"""`chainatlas stress …` end to end on the demo store (in-process CLI runner)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.services.demo import build_demo_store

runner = CliRunner()

SCENARIO = """\
name: tongcheng-fire
horizon_days: 40
policy: {inventory_days: 10, tau: 6, substitution: true, rationing: priority}
shocks:
  - region: "340881"
    capacity_loss: 1.0
    start_day: 0
    duration_days: 20
    recovery: linear
    recovery_days: 10
"""


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("stress") / "demo.duckdb"
    build_demo_store(db, names=("yrd-nev",))
    return db


def _invoke(*args):
    res = runner.invoke(app, list(args))
    return res


def test_run_prints_summary_and_daily_ratio_as_json(demo_db, tmp_path):
    sc = tmp_path / "fire.yaml"
    sc.write_text(SCENARIO, encoding="utf-8")
    res = _invoke("stress", "run", str(sc), "--dataset", "yrd-nev", "--db", str(demo_db),
                  "--format", "json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    for key in ("total_output_loss", "value_added_loss", "min_output_ratio", "recovery_day",
                "worst_segments", "worst_regions", "daily_output_ratio"):
        assert key in data
    assert len(data["daily_output_ratio"]) == 40
    assert data["total_output_loss"] > 0
    assert data["min_output_ratio"] == pytest.approx(min(data["daily_output_ratio"]))
    assert {w["segment"] for w in data["worst_segments"]} & {"cells", "pack", "vehicle"}


def test_run_writes_time_series(demo_db, tmp_path):
    sc = tmp_path / "fire.json"
    sc.write_text(json.dumps({"horizon_days": 15, "shocks": [{"firm": "F070"}]}), "utf-8")
    out = tmp_path / "series"
    res = _invoke("stress", "run", str(sc), "-d", "yrd-nev", "--db", str(demo_db), "--out",
                  str(out), "--firms", "--format", "json")
    assert res.exit_code == 0, res.output
    daily = pd.read_parquet(out / "daily.parquet")
    assert len(daily) == 15 and "output_ratio" in daily
    firms = pd.read_parquet(out / "firms.parquet")
    assert (firms["F070"] == 0.0).all()
    res = _invoke("stress", "run", str(sc), "-d", "yrd-nev", "--db", str(demo_db), "--out",
                  str(tmp_path / "csv"), "--series-format", "csv")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "csv" / "regions.csv").is_file()


def test_bad_scenario_names_key_and_value(demo_db, tmp_path):
    sc = tmp_path / "bad.yaml"
    sc.write_text("shocks:\n  - firm: F070\n    capacity_loss: 1.5\n", "utf-8")
    res = _invoke("stress", "run", str(sc), "-d", "yrd-nev", "--db", str(demo_db))
    assert res.exit_code == 1
    assert "shocks[0].capacity_loss" in res.stderr and "1.5" in res.stderr
    sc.write_text("shocks:\n  - firm: NOPE\n", "utf-8")
    res = _invoke("stress", "run", str(sc), "-d", "yrd-nev", "--db", str(demo_db))
    assert res.exit_code == 1
    assert "shocks[0].firm" in res.stderr and "NOPE" in res.stderr


def test_tts_with_days_and_file(demo_db, tmp_path):
    res = _invoke("stress", "tts", "-d", "yrd-nev", "--db", str(demo_db), "--ttr-days", "30",
                  "--top", "5", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert len(rows) == 5
    assert rows[0]["rei"] == pytest.approx(1.0)
    assert all(r["ttr_days"] == 30 for r in rows)
    assert all(r["needs_mitigation"] == (r["tts_days"] < r["ttr_days"]) for r in rows)
    f = tmp_path / "ttr.csv"
    f.write_text("firm,ttr_days\nF070,30\n*,2\n", "utf-8")
    res = _invoke("stress", "tts", "-d", "yrd-nev", "--db", str(demo_db), "--ttr", str(f),
                  "--format", "json")
    assert res.exit_code == 0, res.output
    rows = {r["firm"]: r for r in json.loads(res.stdout)}
    assert rows["F070"]["ttr_days"] == 30 and rows["F001"]["ttr_days"] == 2
    f.write_text("firm,ttr_days\nF070,soon\n", "utf-8")
    res = _invoke("stress", "tts", "-d", "yrd-nev", "--db", str(demo_db), "--ttr", str(f))
    assert res.exit_code == 1 and "ttr_days" in res.stderr


def test_sweep_by_region(demo_db):
    res = _invoke("stress", "sweep", "-d", "yrd-nev", "--db", str(demo_db), "--each", "region",
                  "--top", "3", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert [r["rank"] for r in rows] == [1, 2, 3]
    losses = [r["total_output_loss"] for r in rows]
    assert losses == sorted(losses, reverse=True)
    res = _invoke("stress", "sweep", "-d", "yrd-nev", "--db", str(demo_db), "--each", "moon")
    assert res.exit_code == 2


def test_unknown_dataset_is_an_error(demo_db):
    res = _invoke("stress", "tts", "-d", "nope", "--db", str(demo_db))
    assert res.exit_code == 1 and "nope" in res.stderr


def test_sweep_on_dask_matches_serial(demo_db):
    args = ["stress", "sweep", "-d", "yrd-nev", "--db", str(demo_db), "--each", "segment",
            "--top", "4", "--format", "json"]
    serial = _invoke(*args)
    dask = _invoke(*args, "--executor", "dask")
    assert serial.exit_code == 0 and dask.exit_code == 0, dask.output
    assert json.loads(serial.stdout) == json.loads(dask.stdout)
